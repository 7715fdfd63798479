//! `import events`: the support team's sheet (tests/common/sheet.rs: SPEC's
//! events 109 and 1023 as the demo holds them, 52 generated rows, 6 bad
//! ones) loaded into the demo by an admin. The dry run lists exactly the
//! bad rows and writes nothing; `apply` loads the rest, every record filed
//! in the trail with its file and row; a second `apply` changes nothing;
//! an edited copy changes only what was edited; a refusal on the last row
//! leaves the database as it was; and an exported events workbook imports
//! back as it is, or with exactly its edits.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use common::sheet::{self, CsvStyle, Fixture, SheetEvent};
use common::{ADMIN_EMAIL, ADMIN_PASSWORD, Ran, TestDb, fixture};
use tokio_postgres::error::SqlState;

/// The demo, its company zone the sheet's, the admin logged in.
fn demo() -> TestDb {
    let db = TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    db.execute("UPDATE company_settings SET time_zone = 'Europe/Paris'");
    let login = db.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    assert_eq!(login.code, 0, "{login:?}");
    db
}

fn import(db: &TestDb, file: &Path, options: &str) -> Ran {
    let command = format!(
        "import events from \"{}\" sales \"Bill Boquet\"{options}",
        file.display()
    );
    db.epic().args(["-c", &command]).run()
}

fn text(db: &TestDb, sql: &str) -> String {
    db.with_client(async |client| {
        client
            .query_one(sql, &[])
            .await
            .expect(sql)
            .get::<_, Option<String>>(0)
            .unwrap_or_default()
    })
}

/// Every stored field of every client, contract and event, and the trail's
/// length: what "the database as it was" means.
fn snapshot(db: &TestDb) -> String {
    text(
        db,
        "SELECT (SELECT string_agg(concat_ws('|', id, full_name, email, phone, company_name, \
         sales_contact_id), E'\\n' ORDER BY id) FROM clients) || E'\\n' || \
         (SELECT string_agg(concat_ws('|', id, client_id, total, remaining, signed), E'\\n' \
         ORDER BY id) FROM contracts) || E'\\n' || \
         (SELECT string_agg(concat_ws('|', id, name, contract_id, start_at, end_at, \
         support_contact_id, location, attendees, notes), E'\\n' ORDER BY id) FROM events) \
         || E'\\naudit entries: ' || (SELECT count(*) FROM audit_log)",
    )
}

/// The rows a plan says it does not import, with their lines.
fn skipped(stdout: &str) -> Vec<(usize, String)> {
    stdout
        .lines()
        .filter(|line| line.contains(": not imported: "))
        .map(|line| {
            let row = line["row ".len()..line.find(':').expect("a row")]
                .parse()
                .expect("a row number");
            (row, line.to_owned())
        })
        .collect()
}

fn assert_lists_exactly_the_bad_rows(fixture: &Fixture, ran: &Ran) {
    let listed = skipped(&ran.stdout);
    let rows: Vec<usize> = listed.iter().map(|(row, _)| *row).collect();
    let bad: Vec<usize> = fixture.bad_rows.iter().map(|b| b.row).collect();
    assert_eq!(rows, bad, "{}", ran.stdout);
    for (row, line) in &listed {
        let why = fixture.bad(*row).expect("a bad row").why;
        assert!(line.contains(why), "row {row} should say `{why}`: {line}");
    }
}

fn files(dir: &Path, fixture: &Fixture) -> Vec<PathBuf> {
    let mut written = Vec::new();
    for (name, style) in [
        ("english.csv", CsvStyle::English),
        ("french.csv", CsvStyle::French),
        ("iso.csv", CsvStyle::Iso),
    ] {
        let path = dir.join(name);
        sheet::write_csv(fixture, &path, style);
        written.push(path);
    }
    let path = dir.join("sheet.xlsx");
    sheet::write_xlsx(fixture, &path);
    written.push(path);
    written
}

#[test]
fn the_dry_run_lists_exactly_the_bad_rows_and_writes_nothing() {
    let db = demo();
    let fixture = sheet::spec_and_generated();
    let dir = tempfile::tempdir().expect("a directory");
    let before = snapshot(&db);
    for file in files(dir.path(), &fixture) {
        let ran = import(&db, &file, "");
        assert_eq!(ran.code, 3, "{}: {ran:?}", file.display());
        assert_lists_exactly_the_bad_rows(&fixture, &ran);
        let good = sheet::expected_rows(&fixture).len();
        // 109 and 1023 are the demo's already, unchanged.
        assert!(
            ran.stdout.contains(&format!(
                "events: {} to create, 0 to update, 2 unchanged",
                good - 2
            )),
            "{}",
            ran.stdout
        );
        assert!(
            ran.stdout.contains("clients: 0 found, 12 to create"),
            "{}",
            ran.stdout
        );
        assert!(
            ran.stdout.contains("contracts: 0 found, 20 to create"),
            "{}",
            ran.stdout
        );
        assert!(
            ran.stderr
                .contains("6 rows cannot be imported (listed above): nothing was written"),
            "{}",
            ran.stderr
        );
        assert_eq!(
            snapshot(&db),
            before,
            "a dry run of {} wrote",
            file.display()
        );
    }
}

/// What the database holds of a sheet's event: found by number, else by
/// name and contract.
fn stored(db: &TestDb, event: &SheetEvent) -> String {
    let find = match event.event_id {
        Some(id) => format!("e.id = {id}"),
        None => format!(
            "e.name = '{}' AND e.contract_id = {}",
            event.name.as_deref().expect("a name").replace('\'', "''"),
            event.contract.expect("a contract")
        ),
    };
    text(
        db,
        &format!(
            "SELECT concat_ws('|', e.name, e.contract_id, e.start_at, e.end_at, s.full_name, \
             e.location, e.attendees, e.notes, c.full_name, c.email, c.phone, c.company_name, \
             k.signed, sales.full_name) \
             FROM events e JOIN contracts k ON k.id = e.contract_id \
             JOIN clients c ON c.id = k.client_id JOIN employees sales ON sales.id = c.sales_contact_id \
             LEFT JOIN employees s ON s.id = e.support_contact_id WHERE {find}"
        ),
    )
}

/// What the sheet says of the same, in the same form.
fn expected(db: &TestDb, event: &SheetEvent) -> String {
    let at = |t: Option<chrono::NaiveDateTime>| {
        let instant = sheet::instant(t.expect("a time"));
        text(
            db,
            &format!("SELECT '{}'::timestamptz::text", instant.to_rfc3339()),
        )
    };
    let (name, company) = match &event.contact_name {
        Some(person) if Some(person) != event.client_name.as_ref() => {
            (person.clone(), event.client_name.clone())
        }
        _ => (event.client_name.clone().expect("a client"), None),
    };
    let sales = if let Some(id @ (109 | 1023)) = event.event_id {
        text(
            db,
            &format!(
                "SELECT e.full_name FROM employees e JOIN clients c ON c.sales_contact_id = e.id \
                 JOIN contracts k ON k.client_id = c.id JOIN events v ON v.contract_id = k.id \
                 WHERE v.id = {id}"
            ),
        )
    } else {
        "Bill Boquet".to_owned()
    };
    [
        event.name.clone(),
        event.contract.map(|c| c.to_string()),
        Some(at(event.start)),
        Some(at(event.end)),
        event.support.clone(),
        event.location.clone(),
        Some(event.attendees.unwrap_or(0).to_string()),
        event.notes.clone(),
        Some(name),
        event.contact_email.clone(),
        event.contact_phone.clone(),
        company,
        Some("t".to_owned()),
        Some(sales),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("|")
}

#[test]
fn apply_loads_the_rest_and_a_second_apply_changes_nothing() {
    let db = demo();
    let fixture = sheet::spec_and_generated();
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("support-sheet.xlsx");
    sheet::write_xlsx(&fixture, &file);
    // From the command line this time: the same command.
    let ran = db
        .epic()
        .args(["import", "events"])
        .arg(&file)
        .args(["--sales", "Bill Boquet", "--apply"])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_lists_exactly_the_bad_rows(&fixture, &ran);
    assert!(
        ran.stderr
            .contains("6 rows were not imported (listed above)"),
        "{}",
        ran.stderr
    );
    for (row, event) in sheet::expected_rows(&fixture) {
        assert_eq!(stored(&db, event), expected(&db, event), "row {row}");
    }
    // The bad rows' events are not there.
    for bad in &fixture.bad_rows {
        let id = fixture.events[bad.row - 2].event_id.expect("numbered");
        let count = db.query_one_i64(&format!("SELECT count(*) FROM events WHERE id = {id}"));
        assert_eq!(count, 0, "row {} ({:?})", bad.row, bad.stage);
    }
    // Each record written is in the trail as imported, with its file and row.
    let good = sheet::expected_rows(&fixture).len() as i64;
    let imported = db.query_one_i64(
        "SELECT count(*) FROM audit_log WHERE action = 'import' \
         AND detail ->> 'file' = 'support-sheet.xlsx' AND (detail ->> 'row')::int >= 2",
    );
    assert_eq!(imported, 12 + 20 + (good - 2));
    let first = text(
        &db,
        "SELECT concat_ws(' ', a.actor_name, a.entity, a.detail ->> 'row', a.detail ->> 'as') \
         FROM audit_log a WHERE a.action = 'import' AND a.entity = 'event' ORDER BY a.id LIMIT 1",
    );
    assert_eq!(first, "Ada Admin event 4 create");
    // The numbering of new records goes on past the sheet's numbers.
    let next = db.query_one_i64("SELECT nextval(pg_get_serial_sequence('events', 'id'))");
    assert!(next > 9144, "{next}");

    let before = snapshot(&db);
    let again = import(&db, &file, " apply");
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again
            .stdout
            .contains(&format!("events: 0 created, 0 updated, {good} unchanged")),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("clients: 0 found, 0 created"),
        "{}",
        again.stdout
    );
    assert_eq!(snapshot(&db), before, "the second import changed something");
}

#[test]
fn an_edited_copy_changes_only_the_edited_fields() {
    let db = demo();
    let mut fixture = sheet::spec_and_generated();
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("sheet.csv");
    sheet::write_csv(&fixture, &file, CsvStyle::English);
    assert_eq!(import(&db, &file, " apply").code, 0);
    let before = snapshot(&db);

    // Row 3: event 1023's attendees; row 4: the first generated event's
    // location emptied; row 5: its support contact changed.
    fixture.events[1].attendees = Some(250);
    fixture.events[2].location = None;
    let other = sheet::DEMO_SUPPORT
        .into_iter()
        .find(|name| fixture.events[3].support.as_deref() != Some(*name))
        .expect("another support employee");
    let old_support = fixture.events[3].support.clone();
    fixture.events[3].support = Some(other.to_owned());
    let old_location = sheet::value(
        &sheet::spec_and_generated().events[2],
        common::sheet::COLUMNS[8],
    );
    let edited = dir.path().join("edited.csv");
    sheet::write_csv(&fixture, &edited, CsvStyle::English);

    let plan = import(&db, &edited, "");
    let updates: Vec<&str> = plan
        .stdout
        .lines()
        .filter(|line| line.contains(": update event "))
        .collect();
    let id = |at: usize| fixture.events[at].event_id.expect("numbered");
    let old_location = match old_location {
        sheet::Value::Text(text) => format!("\"{text}\""),
        other => panic!("row 4 has a location: {other:?}"),
    };
    assert_eq!(
        updates,
        [
            "row 3: update event 1023: attendees 200 → 250".to_owned(),
            format!(
                "row 4: update event {}: location {old_location} → none",
                id(2)
            ),
            format!(
                "row 5: update event {}: support {} → {other}",
                id(3),
                old_support.as_deref().unwrap_or("none")
            ),
        ]
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("events: 0 to create, 3 to update"),
        "{}",
        plan.stdout
    );
    assert_eq!(snapshot(&db), before, "the dry run wrote");

    let applied = import(&db, &edited, " apply");
    assert_eq!(applied.code, 0, "{applied:?}");
    let after = snapshot(&db);
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    // The three events' lines and the trail's length, nothing else.
    assert_eq!(changed.len(), 4, "{changed:#?}");
    for (old, new) in &changed[..3] {
        let old_fields: Vec<&str> = old.split('|').collect();
        let new_fields: Vec<&str> = new.split('|').collect();
        let differ = old_fields
            .iter()
            .zip(&new_fields)
            .filter(|(a, b)| a != b)
            .count();
        assert!(
            differ == 1 || old_fields.len() != new_fields.len(),
            "{old}\n{new}"
        );
    }
}

#[test]
fn a_refusal_on_the_last_row_leaves_the_database_as_it_was() {
    let db = demo();
    let mut fixture = sheet::spec_and_generated();
    let last = fixture.events.len() - 1;
    fixture.events[last].name = Some("Refused by the database".to_owned());
    // A rule only the database holds, as a trigger of the schema would.
    db.execute(
        "ALTER TABLE events ADD CONSTRAINT events_refused_by_this_test \
         CHECK (name <> 'Refused by the database')",
    );
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("sheet.csv");
    sheet::write_csv(&fixture, &file, CsvStyle::English);
    let before = snapshot(&db);
    let ran = import(&db, &file, " apply");
    assert_eq!(ran.code, 3, "{ran:?}");
    let row = last + 2;
    assert!(
        ran.stderr.contains(&format!("row {row}: "))
            && ran
                .stderr
                .contains("nothing was imported: an import is all or nothing"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("E-INTERNAL"), "{}", ran.stderr);
    assert_eq!(snapshot(&db), before);
}

#[test]
fn only_an_admin_imports_on_every_path() {
    let db = demo();
    let fixture = sheet::spec_and_generated();
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("sheet.csv");
    sheet::write_csv(&fixture, &file, CsvStyle::English);
    let before = snapshot(&db);
    let bill = db.logged_in("bill@epic.events", "Closes-Big-Deals-19");
    let command = format!("import events from \"{}\" apply", file.display());
    let ran = db
        .epic()
        .env("EPIC_SESSION_FILE", &bill)
        .args(["-c", &command])
        .run();
    assert_eq!(ran.code, 5, "{ran:?}");
    assert!(ran.stderr.contains("admin"), "{}", ran.stderr);
    assert_eq!(
        snapshot(&db)
            .lines()
            .take_while(|l| !l.starts_with("audit"))
            .collect::<String>(),
        before
            .lines()
            .take_while(|l| !l.starts_with("audit"))
            .collect::<String>()
    );

    // A desk's own SQL: creating clients and events is an admin's right
    // inside an import, and only then.
    let admin = db.query_one_i64("SELECT id FROM employees WHERE email = 'admin@epic.events'");
    let sales = db.query_one_i64("SELECT id FROM employees WHERE email = 'bill@epic.events'");
    let support = db.query_one_i64("SELECT id FROM employees WHERE email = 'kate@epic.events'");
    let other_sales = db.query_one_i64(&format!(
        "SELECT id FROM employees WHERE department = 'sales' AND id <> {sales} ORDER BY id LIMIT 1"
    ));
    let (admin_token, sales_token) = (db.session_for(admin), db.session_for(sales));
    let support_token = db.session_for(support);
    let new_client = |marked: bool, owner: i64| {
        let mark = if marked { "x.csv" } else { "" };
        format!(
            "WITH m AS (SELECT set_config('epic.import_file', '{mark}', true)) \
             INSERT INTO clients (full_name, email, sales_contact_id) \
             SELECT 'Z', 'z@z.example', {owner} FROM m"
        )
    };
    let new_event = |marked: bool| {
        let mark = if marked { "x.csv" } else { "" };
        format!(
            "WITH m AS (SELECT set_config('epic.import_file', '{mark}', true)) \
             INSERT INTO events (name, contract_id, start_at, end_at) \
             SELECT 'Z', 652, now(), now() + interval '1 hour' FROM m"
        )
    };
    let denied = Err(SqlState::INSUFFICIENT_PRIVILEGE);
    let checks: Vec<(&str, &str, String, Result<u64, SqlState>)> = vec![
        (
            "admin, no import",
            &admin_token,
            new_client(false, sales),
            denied.clone(),
        ),
        (
            "admin, import",
            &admin_token,
            new_client(true, sales),
            Ok(1),
        ),
        (
            "admin, no import",
            &admin_token,
            new_event(false),
            denied.clone(),
        ),
        ("admin, import", &admin_token, new_event(true), Ok(1)),
        (
            "sales, import",
            &sales_token,
            new_client(true, other_sales),
            denied.clone(),
        ),
        (
            "support, import",
            &support_token,
            new_event(true),
            denied.clone(),
        ),
        (
            "sales",
            &sales_token,
            "SELECT epic_import_reserve(900000, 900000)".to_owned(),
            denied.clone(),
        ),
    ];
    let failures = common::block_on(async {
        let client = &mut db.client_connection().await;
        let mut failures = Vec::new();
        for (who, token, sql, expected) in checks {
            let outcome = fixture::as_app_code(client, Some(token), &sql).await;
            if outcome != expected {
                failures.push(format!(
                    "{who}: `{sql}`: expected {expected:?}, got {outcome:?}"
                ));
            }
        }
        failures
    });
    assert!(failures.is_empty(), "{failures:#?}");
    // A salesperson's write marked as an import is filed as what it is.
    db.execute(&format!(
        "DO $$ BEGIN PERFORM set_config('epic.session', '{sales_token}', true); \
         PERFORM set_config('epic.import_file', 'x.csv', true); \
         SET LOCAL ROLE epic_app; \
         INSERT INTO clients (full_name, email, sales_contact_id) VALUES ('Y', 'y@y.example', {sales}); \
         END $$"
    ));
    let filed = text(
        &db,
        "SELECT concat_ws(' ', action, actor_name, detail) FROM audit_log \
         WHERE entity = 'client' ORDER BY id DESC LIMIT 1",
    );
    assert_eq!(filed, "create Bill Boquet");
}

/// An xlsx written again from what calamine read, with `edit` applied to
/// the cells (row, column): dates stay dates.
fn rewrite(from: &Path, to: &Path, edit: impl Fn(usize, &str, &Data) -> Option<Data>) {
    let mut workbook: Xlsx<_> = open_workbook(from).expect("the export");
    let range = workbook
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let headers: Vec<String> = range
        .rows()
        .next()
        .expect("a header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    for (r, cells) in range.rows().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            let cell = edit(r, &headers[c], cell).unwrap_or_else(|| cell.clone());
            let (row, col) = (r as u32, c as u16);
            match &cell {
                Data::Empty => continue,
                Data::String(text) => sheet.write_string(row, col, text),
                Data::Float(n) => sheet.write_number(row, col, *n),
                Data::Int(n) => sheet.write_number(row, col, *n as f64),
                Data::Bool(b) => sheet.write_boolean(row, col, *b),
                Data::DateTime(at) => sheet.write_number_with_format(row, col, at.as_f64(), &date),
                other => sheet.write_string(row, col, other.to_string()),
            }
            .map(|_| ())
            .expect("written");
        }
    }
    book.save(to).expect("saved");
}

#[test]
fn an_exported_sheet_imports_back_as_it_is_and_with_exactly_its_edits() {
    let db = demo();
    let fixture = sheet::spec_and_generated();
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("sheet.xlsx");
    sheet::write_xlsx(&fixture, &file);
    assert_eq!(import(&db, &file, " apply").code, 0);
    let export = dir.path().join("export.xlsx");
    let ran = db
        .epic()
        .args(["--format", "xlsx", "--output"])
        .arg(&export)
        .args(["-c", "show events"])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    let events = db.query_one_i64("SELECT count(*) FROM events");

    // As it is: every field of every event reads back as stored.
    let before = snapshot(&db);
    let back = import(&db, &export, "");
    assert_eq!(back.code, 0, "{back:?}");
    assert!(skipped(&back.stdout).is_empty(), "{}", back.stdout);
    assert!(
        back.stderr.is_empty() || back.stderr.starts_with("Dry run"),
        "{}",
        back.stderr
    );
    assert!(
        back.stdout.contains(&format!(
            "events: 0 to create, 0 to update, {events} unchanged"
        )),
        "{}",
        back.stdout
    );
    assert!(!back.stdout.contains("is not a column"), "{}", back.stdout);
    let applied = import(&db, &export, " apply");
    assert_eq!(applied.code, 0, "{applied:?}");
    assert_eq!(snapshot(&db), before);

    // Edited in a spreadsheet: event 109's attendees and event 1023's notes.
    let edited = dir.path().join("edited.xlsx");
    let id_of_row = |r: usize| -> Option<i64> {
        let mut workbook: Xlsx<_> = open_workbook(&export).expect("the export");
        let range = workbook.worksheet_range_at(0)?.ok()?;
        range.get((r, 0)).and_then(|c| c.as_i64())
    };
    let row_of = |id: i64| (1..).find(|r| id_of_row(*r) == Some(id)).expect("exported");
    let (row_109, row_1023) = (row_of(109), row_of(1023));
    rewrite(&export, &edited, |r, header, _| match (header, r) {
        ("attendees", r) if r == row_109 => Some(Data::Float(90.0)),
        ("notes", r) if r == row_1023 => Some(Data::String("Moved to the big hall.".into())),
        _ => None,
    });
    let plan = import(&db, &edited, "");
    let updates: BTreeSet<&str> = plan
        .stdout
        .lines()
        .filter(|line| line.contains(": update event "))
        .map(|line| &line[line.find("update").expect("update")..])
        .collect();
    assert_eq!(
        updates,
        BTreeSet::from([
            "update event 109: attendees 75 → 90",
            "update event 1023: notes \"Shareholders' general assembly (~200 people).\" → \"Moved to the big hall.\"",
        ]),
        "{}",
        plan.stdout
    );
}

#[test]
fn spec_blocks_down_a_column_are_the_demo_s_events() {
    let db = demo();
    let dir = tempfile::tempdir().expect("a directory");
    let events = sheet::spec_events();
    for name in ["blocks.xlsx", "blocks.csv"] {
        let file = dir.path().join(name);
        if name.ends_with("xlsx") {
            sheet::write_blocks_xlsx(&events, &file);
        } else {
            sheet::write_blocks_csv(&events, &file);
        }
        let ran = import(&db, &file, "");
        assert_eq!(ran.code, 0, "{name}: {ran:?}");
        assert!(
            ran.stdout.contains("one block of rows per event"),
            "{}",
            ran.stdout
        );
        assert!(
            ran.stdout
                .contains("events: 0 to create, 0 to update, 2 unchanged"),
            "{}",
            ran.stdout
        );
    }
}

#[test]
fn new_clients_need_a_salesperson() {
    let db = demo();
    let fixture = sheet::spec_and_generated();
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("sheet.csv");
    sheet::write_csv(&fixture, &file, CsvStyle::English);
    let command = format!("import events from \"{}\"", file.display());
    let ran = db.epic().args(["-c", &command]).run();
    assert_eq!(ran.code, 3, "{ran:?}");
    assert!(
        ran.stdout
            .contains("is new and nothing names its salesperson: add a `sales` column"),
        "{}",
        ran.stdout
    );
    let kate = format!(
        "import events from \"{}\" sales \"Kate Hastroff\"",
        file.display()
    );
    let ran = db.epic().args(["-c", &kate]).run();
    assert_ne!(ran.code, 0, "{ran:?}");
    assert!(ran.stderr.contains("Kate Hastroff"), "{}", ran.stderr);
}

//! Hostile text (issue 13): control characters, DEL, the C1 controls and
//! the bidirectional overrides and isolates are refused in every stored text
//! field, by epic (exit code 3, a caret under the character) and again by
//! the database; text stored before the rule, or by hand, never reaches the
//! output raw, whatever the format or the message; CSV exports guard against
//! spreadsheet formulas; and a reader that closes the pipe early is not an
//! error.

mod common;

use std::io::{BufRead, BufReader, Read};

use common::TestDb;
use epic::validate::{Lines, code_point, refused};
use tokio_postgres::error::SqlState;

const KATE: &str = "kate@epic.events";
const KATE_PASSWORD: &str = "Runs-The-Wedding-42";

/// Every character stored text may not hold, NUL aside (PostgreSQL stores
/// no NUL in text, and the lexer refuses it in strings).
fn refused_characters() -> Vec<char> {
    ('\u{1}'..='\u{1f}')
        .chain('\u{7f}'..='\u{9f}')
        .chain('\u{202a}'..='\u{202e}')
        .chain('\u{2066}'..='\u{2069}')
        .collect()
}

/// How a character is typed on a batch line: itself, except the two a line
/// ends with, which are typed as their escapes.
fn typed(c: char) -> String {
    match c {
        '\n' => r"\n".to_owned(),
        '\r' => r"\r".to_owned(),
        c => c.to_string(),
    }
}

/// Stored text the DBA put in by hand: an erase-screen and a C1 escape
/// sequence, a right-to-left override, an isolate, DEL, BEL, a lone CR.
const HOSTILE: &str = "Evil\u{1b}[2J\u{9b}31m\u{202e}gpj.exe\u{7f}\u{7}\u{2066}x\ry";

/// [`HOSTILE`] as typed in a string on a batch line.
fn hostile_typed() -> String {
    HOSTILE.chars().map(typed).collect()
}

/// Fails if `output` holds anything the rule refuses, newlines and tabs
/// aside (and a carriage return that ends a line, as CSV keeps it).
#[track_caller]
fn assert_plain(what: &str, output: &str) {
    let mut chars = output.chars().peekable();
    while let Some(c) = chars.next() {
        let line_end = c == '\r' && chars.peek() == Some(&'\n');
        assert!(
            !refused(c, Lines::Many) || line_end,
            "{what}: {} reached the output raw:\n{output:?}",
            code_point(c)
        );
    }
    assert!(!output.as_bytes().contains(&0x1b), "{what}: {output:?}");
}

fn query_text(db: &TestDb, sql: &str) -> String {
    db.with_client(async |client| {
        client
            .query_one(sql, &[])
            .await
            .expect("test query runs")
            .get(0)
    })
}

/// Every stored text field, as `create` and `update` set it: entity, field,
/// and a value it accepts once `{}` is replaced by plain text.
const STORED: &[(&str, &str, &str)] = &[
    ("client", "name", "Kevin {}Casey"),
    ("client", "email", "kevin{}@startup.io"),
    ("client", "phone", "+678 123 {}456 78"),
    ("client", "company", "Cool {}Startup"),
    ("event", "name", "Off{}-site"),
    ("event", "location", "Salle {}des fêtes"),
    ("event", "notes", "Catering {}at 5PM"),
    ("employee", "name", "Kate {}Hastroff"),
    ("employee", "email", "kate{}@epic.events"),
];

fn lines_of(field: &str) -> Lines {
    if field == "notes" {
        Lines::Many
    } else {
        Lines::One
    }
}

fn create(entity: &str, field: &str, value: &str) -> String {
    let required: &[(&str, &str)] = match entity {
        "client" => &[("name", r#""N""#), ("email", r#""n@e.io""#)],
        "event" => &[
            ("name", r#""N""#),
            ("start", "2030-06-04"),
            ("end", "2030-06-05"),
        ],
        _ => &[
            ("name", r#""N""#),
            ("email", r#""n@e.io""#),
            ("department", "sales"),
        ],
    };
    let parent = if entity == "event" {
        " for contract 1"
    } else {
        ""
    };
    let mut text = format!("create {entity}{parent}");
    for (name, given) in required.iter().filter(|(name, _)| *name != field) {
        text.push_str(&format!(" {name} {given}"));
    }
    text.push_str(&format!(r#" {field} "{value}""#));
    text
}

/// Everything epic stores as text, in one string that changes if anything does.
fn snapshot(db: &TestDb) -> String {
    query_text(
        db,
        "SELECT concat_ws('|', \
           (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM clients t), \
           (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM events t), \
           (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM employees t), \
           (SELECT count(*)::text FROM audit_log))",
    )
}

#[test]
fn every_refused_character_in_every_stored_text_field_is_refused_with_exit_3_and_nothing_changes() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let client = db.query_one_i64("SELECT min(id) FROM clients");
    let event = db.query_one_i64("SELECT min(id) FROM events");
    let employee = db.query_one_i64(&format!("SELECT id FROM employees WHERE email = '{KATE}'"));
    let before = snapshot(&db);
    let mut batch = String::new();
    let mut expected = Vec::new();
    for (entity, field, template) in STORED {
        let id = match *entity {
            "client" => client,
            "event" => event,
            _ => employee,
        };
        for c in refused_characters()
            .into_iter()
            .filter(|&c| refused(c, lines_of(field)))
        {
            let value = template.replace("{}", &typed(c));
            for command in [
                create(entity, field, &value),
                format!(r#"update {entity} {id} set {field} = "{value}""#),
            ] {
                batch.push_str(&command);
                batch.push('\n');
                expected.push(code_point(c));
            }
        }
    }
    let ran = db.epic().arg("--keep-going").stdin(batch).run();
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
    let errors: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|line| line.starts_with("error"))
        .collect();
    assert_eq!(errors.len(), expected.len(), "{}", ran.stderr);
    for (n, (error, point)) in errors.iter().zip(&expected).enumerate() {
        assert!(
            error.starts_with(&format!("error: line {}, column ", n + 1))
                && error.contains(&format!("` cannot hold {point} (")),
            "line {}: {error}",
            n + 1
        );
    }
    assert_plain("the refusals", &ran.stderr);
    assert_eq!(snapshot(&db), before, "nothing was stored");
}

#[test]
fn notes_keep_their_line_breaks_and_tabs() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let event = db.query_one_i64("SELECT min(id) FROM events");
    let ran = db
        .epic()
        .args([
            "-c",
            &format!(r#"update event {event} set notes = "Catering at 5PM\n\tReception at 6PM""#),
        ])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(
        query_text(&db, &format!("SELECT notes FROM events WHERE id = {event}")),
        "Catering at 5PM\n\tReception at 6PM"
    );
}

#[test]
fn the_database_refuses_them_too_from_the_application_role() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let admin = db.query_one_i64("SELECT min(id) FROM employees WHERE department = 'admin'");
    let bill = db.query_one_i64("SELECT id FROM employees WHERE email = 'bill@epic.events'");
    let client = db.query_one_i64("SELECT min(id) FROM clients");
    let event = db.query_one_i64("SELECT min(id) FROM events");
    let kate = db.query_one_i64(&format!("SELECT id FROM employees WHERE email = '{KATE}'"));
    let (admin_token, bill_token) = (db.session_for(admin), db.session_for(bill));
    // A client's details are its sales contact's to change.
    let owner = db.query_one_i64(&format!(
        "SELECT sales_contact_id FROM clients WHERE id = {client}"
    ));
    let owner_token = db.session_for(owner);
    let before = snapshot(&db);
    // Each column, with a value its other checks accept around the character.
    let columns: &[(&str, &str, i64, &str)] = &[
        ("clients", "full_name", client, "Kevin {}Casey"),
        ("clients", "email", client, "kevin{}@startup.io"),
        ("clients", "phone", client, "+678 123{}456"),
        ("clients", "company_name", client, "Cool {}Startup"),
        ("events", "name", event, "Off{}site"),
        ("events", "location", event, "Salle {}des fêtes"),
        ("events", "notes", event, "Catering {}at 5PM"),
        ("employees", "full_name", kate, "Kate {}Hastroff"),
        ("employees", "email", kate, "kate{}@epic.events"),
    ];
    common::block_on(async {
        let mut connection = db.client_connection().await;
        for (table, column, id, template) in columns {
            let lines = if *column == "notes" {
                Lines::Many
            } else {
                Lines::One
            };
            let sql = format!("UPDATE {table} SET {column} = $1 WHERE id = $2");
            let writer = if *table == "clients" {
                &owner_token
            } else {
                &admin_token
            };
            for c in refused_characters()
                .into_iter()
                .filter(|&c| refused(c, lines))
            {
                let value = template.replace("{}", &c.to_string());
                let transaction = connection.transaction().await.expect("BEGIN");
                transaction
                    .batch_execute("SET LOCAL ROLE epic_app")
                    .await
                    .expect("the client login becomes the app role");
                transaction
                    .execute("SELECT set_config('epic.session', $1, true)", &[writer])
                    .await
                    .expect("the session");
                let error = transaction
                    .execute(&sql, &[&value, id])
                    .await
                    .expect_err(&format!("{table}.{column} took {}", code_point(c)));
                let error = error.as_db_error().expect("refused by the database");
                assert_eq!(error.code(), &SqlState::CHECK_VIOLATION, "{error:?}");
                // Refused by the plain-text rule, or by an older check of
                // the column that the character breaks first (a phone holds
                // digits; an email no space).
                let constraint = error.constraint().unwrap_or_default();
                assert!(
                    constraint.starts_with(&format!("{table}_{column}_")),
                    "{table}.{column}, {}: {constraint}",
                    code_point(c)
                );
                if !matches!(*column, "phone" | "email") {
                    assert_eq!(constraint, format!("{table}_{column}_plain"));
                }
            }
            // The same value, plain, is taken.
            let transaction = connection.transaction().await.expect("BEGIN");
            transaction
                .batch_execute("SET LOCAL ROLE epic_app")
                .await
                .expect("the app role");
            transaction
                .execute("SELECT set_config('epic.session', $1, true)", &[writer])
                .await
                .expect("the session");
            let plain = template.replace("{}", if lines == Lines::Many { "\n\t" } else { "" });
            assert_eq!(
                transaction
                    .execute(&sql, &[&plain, id])
                    .await
                    .unwrap_or_else(|e| panic!("{table}.{column}: {e:?}")),
                1
            );
        }
        // A new client, by its sales contact.
        let transaction = connection.transaction().await.expect("BEGIN");
        transaction
            .batch_execute("SET LOCAL ROLE epic_app")
            .await
            .expect("the app role");
        transaction
            .execute(
                "SELECT set_config('epic.session', $1, true)",
                &[&bill_token],
            )
            .await
            .expect("the session");
        let error = transaction
            .execute(
                "INSERT INTO clients (full_name, email, sales_contact_id) VALUES ($1, 'n@e.io', $2)",
                &[&"Evil\u{202e}Corp", &bill],
            )
            .await
            .expect_err("an override in a new client's name");
        assert_eq!(
            error.as_db_error().and_then(|e| e.constraint()),
            Some("clients_full_name_plain")
        );
    });
    assert_eq!(snapshot(&db), before, "nothing was stored");
}

#[test]
fn the_database_refuses_exactly_the_characters_epic_refuses() {
    let db = TestDb::migrated();
    let constraints: Vec<(String, bool, String)> = db.with_client(async |client| {
        client
            .query(
                "SELECT conname::text, convalidated, pg_get_expr(conbin, conrelid) \
                 FROM pg_constraint WHERE conname::text LIKE '%\\_plain' ORDER BY conname",
                &[],
            )
            .await
            .expect("the catalog")
            .iter()
            .map(|row| (row.get(0), row.get(1), row.get(2)))
            .collect()
    });
    let names: Vec<&str> = constraints.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "clients_company_name_plain",
            "clients_email_plain",
            "clients_full_name_plain",
            "clients_phone_plain",
            "employees_email_plain",
            "employees_full_name_plain",
            "events_location_plain",
            "events_name_plain",
            "events_notes_plain",
            "login_attempts_email_key_plain",
        ]
    );
    for (name, validated, expression) in &constraints {
        assert!(validated, "{name} holds for every row of a new database");
        // `(column !~ 'pattern'::text)`
        let pattern = expression
            .split_once(" !~ '")
            .and_then(|(_, rest)| rest.strip_suffix("'::text)"))
            .unwrap_or_else(|| panic!("{name}: {expression}"));
        let lines = if name == "events_notes_plain" {
            Lines::Many
        } else {
            Lines::One
        };
        let matched: Vec<i32> = db.with_client(async |client| {
            client
                .query_one(
                    "SELECT coalesce(array_agg(i ORDER BY i), '{}') FROM generate_series(1, 1114111) i \
                     WHERE (i < 55296 OR i > 57343) AND chr(i) ~ $1",
                    &[&pattern],
                )
                .await
                .expect("every code point")
                .get(0)
        });
        let expected: Vec<i32> = (1..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|&c| refused(c, lines))
            .map(|c| c as i32)
            .collect();
        assert_eq!(matched, expected, "{name}");
    }
}

/// The plain-text constraints: table, name, definition.
fn plain_constraints(db: &TestDb) -> Vec<(String, String, String)> {
    db.with_client(async |client| {
        client
            .query(
                "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) \
                 FROM pg_constraint WHERE conname::text LIKE '%\\_plain'",
                &[],
            )
            .await
            .expect("the catalog")
            .iter()
            .map(|row| (row.get(0), row.get(1), row.get(2)))
            .collect()
    })
}

/// Runs `sql` as the DBA with the plain-text constraints dropped, as on a
/// database whose text was stored by hand: what epic shows of it is what it
/// would show of anything stored before the rule.
fn without_the_rule(db: &TestDb, sql: &str) {
    let mut script = String::new();
    for (table, name, _) in plain_constraints(db) {
        script.push_str(&format!("ALTER TABLE {table} DROP CONSTRAINT {name};\n"));
    }
    script.push_str(sql);
    db.execute(&script);
}

/// Runs `sql` as the DBA with the constraints dropped, then adds them back
/// NOT VALID, as migration 0010 leaves a database whose rows broke the rule.
fn stored_before_the_rule(db: &TestDb, sql: &str) {
    let constraints = plain_constraints(db);
    without_the_rule(db, sql);
    let mut script = String::new();
    for (table, name, definition) in &constraints {
        let definition = definition.trim_end_matches(" NOT VALID");
        script.push_str(&format!(
            "ALTER TABLE {table} ADD CONSTRAINT {name} {definition} NOT VALID;\n"
        ));
    }
    db.execute(&script);
}

/// An SQL string literal of `text` (E'...' with escapes for what a
/// statement should not carry raw).
fn literal(text: &str) -> String {
    let mut quoted = String::from("E'");
    for c in text.chars() {
        match c {
            '\'' => quoted.push_str("''"),
            '\\' => quoted.push_str("\\\\"),
            c if refused(c, Lines::One) => quoted.push_str(&format!("\\u{:04x}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('\'');
    quoted
}

#[test]
fn stored_hostile_text_never_reaches_the_output_raw() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let kate = db.query_one_i64(&format!("SELECT id FROM employees WHERE email = '{KATE}'"));
    let alienor = db.query_one_i64("SELECT id FROM employees WHERE email = 'alienor@epic.events'");
    let client = db.query_one_i64("SELECT min(id) FROM clients");
    let event = db.query_one_i64(&format!(
        "SELECT min(id) FROM events WHERE support_contact_id = {kate}"
    ));
    let hostile = literal(HOSTILE);
    let hostile_email = literal("alie\u{1b}[2J\u{202e}nor@epic.events");
    without_the_rule(
        &db,
        &format!(
            "UPDATE employees SET full_name = {hostile} WHERE id IN ({kate}, {alienor});
             UPDATE employees SET email = {hostile_email} WHERE id = {alienor};
             UPDATE clients SET full_name = {hostile}, company_name = {hostile}, \
                 email = {hostile_email} WHERE id = {client};
             UPDATE events SET name = {hostile}, location = {hostile}, notes = {hostile} \
                 WHERE id = {event};
             INSERT INTO notifications (employee_id, message) VALUES ({kate}, {hostile});"
        ),
    );
    let shown = |what: &str, output: &str| {
        assert_plain(what, output);
        assert!(
            output.contains("Evil\u{FFFD}[2J\u{FFFD}31m\u{FFFD}gpj.exe")
                || output.contains(r"Evil\u001b[2J\u009b31m\u202egpj.exe"),
            "{what}: the stored text is not shown:\n{output}"
        );
    };

    // Kate logs in: her name is in the greeting.
    let kate_session = db.home.path().join("kate-session");
    let login = db
        .epic()
        .env("EPIC_SESSION_FILE", &kate_session)
        .args(["login", KATE])
        .stdin(format!("{KATE_PASSWORD}\n"))
        .run();
    assert_eq!(login.code, 0, "{login:?}");
    assert!(
        login.stderr.starts_with("Welcome Evil\u{FFFD}"),
        "{login:?}"
    );
    shown("the greeting", &login.stderr);

    // Every listing of every entity that holds it, in every format.
    for format in ["table", "vertical", "csv", "json"] {
        let ran = db
            .epic()
            .env("EPIC_SESSION_FILE", &kate_session)
            .args(["--format", format])
            .args(["-c", &format!("show events where id = {event}")])
            .args(["-c", &format!("show event {event}")])
            .args(["-c", &format!("show clients where id = {client}")])
            .args(["-c", &format!("show client {client}")])
            .args(["-c", "show employees where department = support"])
            .args(["-c", "whoami"])
            .args(["-c", "show notifications"])
            .run();
        assert_eq!(ran.code, 0, "{format}: {ran:?}");
        shown(&format!("{format} listings"), &ran.stdout);
        assert_plain(&format!("{format} messages"), &ran.stderr);
    }
    let reports = db
        .epic()
        .args(["-c", "report events", "-c", "report unpaid"])
        .run();
    assert_eq!(reports.code, 0, "{reports:?}");
    assert_plain("reports", &reports.stdout);

    // Errors that quote the line, a lookup or the database's names.
    let typed = hostile_typed();
    let kate_session_id = db.query_one_i64(&format!(
        "SELECT max(id) FROM user_sessions WHERE employee_id = {kate}"
    ));
    let refused_at = format!(
        "error: line 2, column {}: `name` cannot hold U+001B (a control character)",
        format!("update event {event} set name = \"Evil").len() + 1
    );
    let batch = [
        format!(r#"show events where name ~ "{typed}" limit x"#),
        format!(r#"update event {event} set name = "{typed}""#),
        format!(r#"explain show events where name ~ "{typed}""#),
        format!("show events where name ~ \"{typed}\" \u{1b}[2J"),
        format!(r#"reset password of "{typed}""#),
        format!(r#"revoke sessions of "{typed}x""#),
        format!("revoke session {kate_session_id}"),
        format!("revoke sessions of employee {kate}"),
        format!("reset password of employee {alienor}"),
        format!("delete employee {kate}"),
        format!("deactivate employee {kate}"),
    ]
    .join("\n");
    let ran = db.epic().arg("--keep-going").stdin(batch).run();
    assert_ne!(ran.code, 0, "{ran:?}");
    assert_plain("the batch's output", &ran.stdout);
    assert_plain("the batch's errors", &ran.stderr);
    for expected in [
        // The line as typed, under its error.
        "error: line 1, column ",
        "  show events where name ~ \"Evil\u{FFFD}[2J\u{FFFD}31m\u{FFFD}gpj.exe",
        refused_at.as_str(),
        "error: line 4, column ",
        "unexpected character U+001B",
        // The candidates of an ambiguous name.
        "more than one employee is named `Evil\u{FFFD}[2J",
        "(Evil\u{FFFD}[2J\u{FFFD}31m\u{FFFD}gpj.exe\u{FFFD}\u{FFFD}\u{FFFD}x↵y, alie\u{FFFD}[2J\u{FFFD}nor@epic.events)",
        "no employee is named `Evil\u{FFFD}",
        "Revoked session ",
        " of Evil\u{FFFD}[2J",
        "sessions of Evil\u{FFFD}[2J",
        "Evil\u{FFFD}[2J\u{FFFD}31m\u{FFFD}gpj.exe\u{FFFD}\u{FFFD}\u{FFFD}x↵y still owns",
        "Deactivated Evil\u{FFFD}[2J",
    ] {
        assert!(
            ran.stderr.contains(expected),
            "no `{expected}` in:\n{}",
            ran.stderr
        );
    }
    for expected in [
        "command: show events where name ~ \"Evil\u{FFFD}[2J",
        "Temporary password for Evil\u{FFFD}[2J\u{FFFD}31m\u{FFFD}gpj.exe\u{FFFD}\u{FFFD}\u{FFFD}x↵y (alie\u{FFFD}[2J\u{FFFD}nor@epic.events)",
    ] {
        assert!(
            ran.stdout.contains(expected),
            "no `{expected}` in:\n{}",
            ran.stdout
        );
    }
}

#[test]
fn a_row_stored_before_the_rule_is_refused_when_changed_until_its_text_is_plain() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let event = db.query_one_i64("SELECT min(id) FROM events");
    stored_before_the_rule(
        &db,
        &format!(
            "UPDATE events SET name = {} WHERE id = {event};",
            literal(HOSTILE)
        ),
    );
    let before = snapshot(&db);
    let ran = db
        .epic()
        .args(["-c", &format!("update event {event} set attendees = 12")])
        .run();
    assert_eq!(ran.code, 3, "{ran:?}");
    assert_eq!(
        ran.stderr,
        "error: line 1: `name` holds a control or bidirectional character, which stored text cannot hold\n\
         help: set `name` to plain text (in the same update, if it was stored before the rule), \
         and only notes may hold line breaks and tabs\n"
    );
    assert_eq!(snapshot(&db), before);
    let repaired = db
        .epic()
        .args([
            "-c",
            &format!(r#"update event {event} set name = "Evil", attendees = 12"#),
        ])
        .run();
    assert_eq!(repaired.code, 0, "{repaired:?}");
    assert_eq!(
        query_text(
            &db,
            &format!("SELECT name || ' ' || attendees FROM events WHERE id = {event}")
        ),
        "Evil 12"
    );
}

#[test]
fn csv_exports_guard_formulas_unless_raw_csv() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let event = db.query_one_i64("SELECT min(id) FROM events");
    let client = db.query_one_i64("SELECT min(id) FROM clients");
    let set = db
        .epic()
        .args([
            "-c",
            &format!(
                r#"update event {event} set name = "=1+1", location = "+cmd|' /C calc'!A0", notes = "-2""#
            ),
        ])
        .run();
    assert_eq!(set.code, 0, "{set:?}");
    // A client's details are its sales contact's to change.
    let owner = db.query_one_i64(&format!(
        "SELECT sales_contact_id FROM clients WHERE id = {client}"
    ));
    let set = common::fixture::Sessions::of(&db, [owner])
        .shell(&db, owner)
        .args([
            "-c",
            &format!(r#"update client {client} set name = "@SUM(A1:A9)", company = "Kate's""#),
        ])
        .run();
    assert_eq!(set.code, 0, "{set:?}");
    // Tab- and CR-led text cannot be typed into a name; the DBA's hand can.
    without_the_rule(
        &db,
        &format!(
            "UPDATE events SET notes = E'\\t=2+2' WHERE id = {event};
             UPDATE clients SET company_name = E'\\r=3+3' WHERE id = {client};"
        ),
    );
    let export = |raw: bool| {
        let mut epic = db.epic().args(["--format", "csv"]);
        if raw {
            epic = epic.arg("--raw-csv");
        }
        let ran = epic
            .args(["-c", &format!("show events where id = {event}")])
            .args(["-c", &format!("show event {event}")])
            .args(["-c", &format!("show clients where id = {client}")])
            .run();
        assert_eq!(ran.code, 0, "{ran:?}");
        assert_eq!(ran.stderr, "");
        ran.stdout
    };
    let guarded = export(false);
    for cell in [
        ",'=1+1,",
        ",'+cmd|' /C calc'!A0,",
        ",'\t=2+2",
        ",'@SUM(A1:A9),",
        ",'\u{FFFD}=3+3,",
    ] {
        assert!(guarded.contains(cell), "no `{cell}` in:\n{guarded}");
    }
    // Numbers are not text: the ids, the attendees, the amounts stay.
    let row = guarded.lines().nth(1).expect("the event's row");
    assert!(row.starts_with(&format!("{event},'=1+1,")), "{row}");
    let raw = export(true);
    for cell in [
        ",=1+1,",
        ",+cmd|' /C calc'!A0,",
        ",\t=2+2",
        ",@SUM(A1:A9),",
        ",\u{FFFD}=3+3,",
    ] {
        assert!(raw.contains(cell), "no `{cell}` in:\n{raw}");
    }
    assert_eq!(
        raw.replace(",'", ","),
        guarded.replace(",'", ","),
        "only the quotes differ"
    );
}

/// Runs epic with its output read up to the first line, then closed, like
/// `| head -1`; returns its exit code and everything it wrote on stderr.
fn into_head(db: &TestDb, args: &[String]) -> (i32, String) {
    let mut running = db.epic().args(args).spawn();
    let child = &mut running.child;
    drop(child.stdin.take());
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("a first line");
    assert!(!first.is_empty());
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = child.wait().expect("epic ends");
    (status.code().unwrap_or(-1), stderr)
}

#[test]
fn a_closed_pipe_is_exit_0_in_every_format() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    for format in ["csv", "json", "table", "vertical"] {
        // Several listings, so that a reader that stops after one line
        // always leaves epic something to write into the closed pipe.
        let mut args = vec!["--format".to_owned(), format.to_owned()];
        for _ in 0..5 {
            args.extend(["-c".to_owned(), "show events".to_owned()]);
        }
        for run in 1..=30 {
            let (code, stderr) = into_head(&db, &args);
            assert_eq!(
                (code, stderr.as_str()),
                (0, ""),
                "{format}, run {run}: exit {code}"
            );
        }
    }
}

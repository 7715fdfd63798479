//! Exports for spreadsheets: `--format xlsx --output FILE` writes a workbook
//! of typed cells (read back here with calamine), `--format csv-excel` CSV
//! as Excel opens it; both keep text that starts like a formula from
//! running as one.

mod common;

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::TestDb;

const KATE: (&str, &str) = ("kate@epic.events", "Runs-The-Wedding-42");
const HELENE: (&str, &str) = ("helene@epic.events", "Balances-The-Books-7");
const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";
/// The columns of `show event 109`, which an events sheet has: every
/// field, so that it can be edited and imported back as it is.
const EVENT_RECORD: [&str; 17] = [
    "id",
    "name",
    "contract",
    "client",
    "client_email",
    "client_phone",
    "company",
    "sales",
    "start",
    "end",
    "support",
    "support_email",
    "location",
    "attendees",
    "notes",
    "updated",
    "client_id",
];
/// The columns of `show events` in the shell's formats.
const EVENT_LISTING: &str = "id,name,contract,client,start,end,support,location,attendees";

/// The demo, with event 109's location (Kate's event) set to a formula.
fn demo() -> TestDb {
    let db = TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    let kate = db.logged_in(KATE.0, KATE.1);
    let quoted = FORMULA.replace('"', "\\\"");
    let update = db
        .epic()
        .env("EPIC_SESSION_FILE", kate)
        .args([
            "-c",
            &format!("update event 109 set location = \"{quoted}\""),
        ])
        .run();
    assert_eq!(update.code, 0, "{update:?}");
    let login = db.login(HELENE.0, HELENE.1);
    assert_eq!(login.code, 0, "{login:?}");
    db
}

/// Runs one command with `--format FORMAT --output FILE`; the file's path.
fn export(db: &TestDb, format: &str, command: &str, name: &str) -> PathBuf {
    let path = db.session_file().with_file_name(name);
    let ran = db
        .epic()
        .env("TZ", "UTC")
        .args(["--format", format, "--output"])
        .arg(&path)
        .args(["-c", command])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(ran.stdout, "", "the rows go to the file");
    path
}

fn sheet(path: &Path) -> Vec<Vec<Data>> {
    let mut workbook: Xlsx<_> = open_workbook(path).expect("a workbook");
    let range = workbook
        .worksheet_range_at(0)
        .expect("one sheet")
        .expect("readable");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn names(header: &[Data]) -> Vec<String> {
    header.iter().map(ToString::to_string).collect()
}

fn column(header: &[Data], name: &str) -> usize {
    header
        .iter()
        .position(|cell| *cell == Data::String(name.to_owned()))
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn events_and_contracts_are_typed_cells_with_text_kept_from_running() {
    let db = demo();
    let events = sheet(&export(&db, "xlsx", "show events", "events.xlsx"));
    let header = &events[0];
    assert_eq!(names(header), EVENT_RECORD);
    let (id, start, location) = (
        column(header, "id"),
        column(header, "start"),
        column(header, "location"),
    );
    let wedding = events
        .iter()
        .find(|row| row[id] == Data::Float(109.0))
        .expect("event 109");
    // Excel dates on the company's wall clock (Paris), whatever TZ the
    // machine has.
    let Data::DateTime(at) = &wedding[start] else {
        panic!("start is not a date: {:?}", wedding[start]);
    };
    assert_eq!(
        at.as_datetime().expect("a date").to_string(),
        "2023-06-04 13:00:00"
    );
    assert!(matches!(wedding[column(header, "attendees")], Data::Float(f) if f == 75.0));
    // Text is a string, never a formula, and carries CSV's guard.
    assert_eq!(wedding[location], Data::String(format!("'{FORMULA}")));
    // An event nobody supports yet: an empty cell.
    let support = column(header, "support");
    assert!(
        events[1..].iter().any(|row| row[support] == Data::Empty),
        "no event without support"
    );
    assert!(
        events[1..]
            .iter()
            .all(|row| row[support] != Data::String(String::new()))
    );

    let contracts = sheet(&export(
        &db,
        "xlsx",
        "show contracts where id = 1",
        "contracts.xlsx",
    ));
    let header = &contracts[0];
    let total = column(header, "total");
    assert_eq!(contracts.len(), 2, "{contracts:?}");
    assert_eq!(contracts[1][total], Data::Float(12000.0));
}

#[test]
fn csv_for_excel_has_a_byte_order_mark_and_semicolons_and_the_guard() {
    let db = demo();
    let path = export(&db, "csv-excel", "show events where id = 109", "events.csv");
    let bytes = std::fs::read(&path).expect("written");
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(EVENT_RECORD.join(";").as_str()));
    let row = lines.next().expect("event 109");
    assert!(row.starts_with("109;John Ouick Wedding;"), "{row}");
    assert!(row.contains(";2023-06-04T13:00:00+02:00;"), "{row}");
    assert!(
        row.contains(";\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\";"),
        "{row}"
    );
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&path).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
}

/// A spreadsheet export of a listing carries each record whole, for every
/// entity; the shell's CSV keeps the listing's columns.
#[test]
fn spreadsheet_exports_carry_every_field_of_each_record() {
    let db = demo();
    let events = sheet(&export(&db, "xlsx", "show events", "events.xlsx"));
    let header = &events[0];
    let wedding = events
        .iter()
        .find(|row| row[column(header, "id")] == Data::Float(109.0))
        .expect("event 109");
    let text = |name| wedding[column(header, name)].to_string();
    assert!(
        text("notes").starts_with("Wedding starts at 3PM"),
        "{wedding:?}"
    );
    assert_eq!(text("client_email"), "john.ouick@gmail.com");
    assert_eq!(text("client_phone"), "'+1 234 567 8901");
    assert_eq!(text("sales"), "Bill Boquet");
    assert!(events.len() > 2, "{} rows", events.len());

    // The same condition, order and limit as the listing.
    let two = sheet(&export(
        &db,
        "xlsx",
        "show events where support is not none order by id desc limit 2",
        "two.xlsx",
    ));
    assert_eq!(names(&two[0]), EVENT_RECORD);
    assert_eq!(two.len(), 3, "{two:?}");
    let (Data::Float(first), Data::Float(second)) = (&two[1][0], &two[2][0]) else {
        panic!("ids are numbers: {two:?}");
    };
    assert!(first > second, "{two:?}");

    let excel = export(&db, "csv-excel", "show events", "events.csv");
    let text = String::from_utf8(std::fs::read(excel).expect("written")).expect("UTF-8");
    let first = text.trim_start_matches('\u{feff}').lines().next();
    assert_eq!(first, Some(EVENT_RECORD.join(";").as_str()));

    let csv = db
        .epic()
        .args(["--format", "csv", "-c", "show events"])
        .run();
    assert_eq!(csv.code, 0, "{csv:?}");
    assert_eq!(csv.stdout.lines().next(), Some(EVENT_LISTING));

    // Every entity's record columns hold in a listing of many rows.
    for (entity, record) in [
        ("clients", "client 1"),
        ("contracts", "contract 652"),
        ("employees", "employee 1"),
        ("audit", "audit 1"),
    ] {
        let rows = sheet(&export(
            &db,
            "xlsx",
            &format!("show {entity}"),
            &format!("{entity}.xlsx"),
        ));
        let one = db
            .epic()
            .args(["--format", "csv", "-c", &format!("show {record}")])
            .run();
        assert_eq!(one.code, 0, "{one:?}");
        let header = one.stdout.lines().next().expect("a header").to_owned();
        assert_eq!(names(&rows[0]).join(","), header, "{entity}");
        assert!(rows.len() > 2, "{entity}: {} rows", rows.len());
    }
}

#[test]
fn xlsx_needs_a_file_and_one_command_and_a_failed_batch_writes_nothing() {
    let db = demo();
    let ran = db
        .epic()
        .args(["--format", "xlsx", "-c", "show events"])
        .run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert_eq!(
        ran.stderr,
        "error: --format xlsx writes a binary workbook and needs a file: add --output FILE.xlsx\n"
    );
    assert_eq!(ran.stdout, "");
    let path = db.session_file().with_file_name("two.xlsx");
    let two = db
        .epic()
        .args(["--format", "xlsx", "--output"])
        .arg(&path)
        .args(["-c", "show events", "-c", "show clients"])
        .run();
    assert_eq!(two.code, 2, "{two:?}");
    assert!(two.stderr.contains("exactly one -c"), "{}", two.stderr);
    // A command that fails leaves no file behind, not even a temporary one.
    let failed = db
        .epic()
        .args(["--format", "xlsx", "--output"])
        .arg(&path)
        .args(["-c", "show nothing"])
        .run();
    assert_ne!(failed.code, 0, "{failed:?}");
    let dir = std::fs::read_dir(path.parent().unwrap()).unwrap();
    let left: Vec<String> = dir
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("two.xlsx"))
        .collect();
    assert_eq!(left, Vec::<String>::new());
    // Nor does one that fails, or writes no result, replace a file.
    std::fs::write(&path, "before").unwrap();
    for command in ["show nothing", "set pager off"] {
        let ran = db
            .epic()
            .args(["--format", "csv", "--output"])
            .arg(&path)
            .args(["-c", command])
            .run();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "before", "{ran:?}");
    }
    let none = db
        .epic()
        .arg("-o")
        .arg(&path)
        .args(["-c", "set pager off"])
        .run();
    assert_eq!(none.code, 0, "{none:?}");
    assert!(
        none.stderr.contains("no result to write"),
        "{}",
        none.stderr
    );
    // --output is for the commands of -c and -f.
    let shell = db.epic().arg("-o").arg(&path).arg("whoami").run();
    assert_eq!(shell.code, 2, "{shell:?}");
    assert!(
        shell.stderr.contains("--output writes the results"),
        "{}",
        shell.stderr
    );
    // The shell's own formats do not include it.
    let set = db.epic().args(["-c", "set format xlsx"]).run();
    assert_eq!(set.code, 2, "{set:?}");
    assert!(
        set.stderr.contains("unknown format `xlsx`"),
        "{}",
        set.stderr
    );
}

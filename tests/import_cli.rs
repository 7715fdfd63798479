//! `epic import events FILE [--apply] [--sales NAME] [--map COLUMN=FIELD ...]`:
//! its flags are read before anything is opened (a bad `--map` is a usage
//! error naming the field), and the command then runs as `epic -c` runs
//! `import events from "FILE" ...`: behind the login and the checker.

mod common;

use common::{Epic, TestDb};

const BILL: (&str, &str) = ("bill@epic.events", "Closes-Big-Deals-19");

#[test]
fn a_mapping_to_no_field_is_a_usage_error_naming_it() {
    let ran = Epic::new()
        .args(["import", "events", "x.csv", "--map", "Quand=nothing"])
        .run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(ran.stderr.contains("`nothing`"), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("event_id, event_name, contract, client_name, client_contact"),
        "{}",
        ran.stderr
    );
    let ran = Epic::new()
        .args(["import", "events", "x.csv", "--map", "Quand"])
        .run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(ran.stderr.contains("COLUMN=FIELD"), "{}", ran.stderr);
    let ran = Epic::new()
        .args(["import", "events", "x.csv", "--sales", "0"])
        .run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr.contains("`0` is not an employee number"),
        "{}",
        ran.stderr
    );
}

#[test]
fn the_subcommand_is_documented_and_completed() {
    let help = Epic::new().args(["import", "events", "--help"]).run();
    assert_eq!(help.code, 0, "{help:?}");
    for flag in [
        "--apply",
        "--sales <NAME>",
        "--map <COLUMN=FIELD>",
        "<FILE>",
    ] {
        assert!(help.stdout.contains(flag), "{flag}: {}", help.stdout);
    }
    let script = Epic::new().args(["completions", "bash"]).run();
    assert_eq!(script.code, 0, "{script:?}");
    // `--map` is the import's alone.
    assert!(script.stdout.contains("import"), "no import in the script");
    assert!(script.stdout.contains("--map"), "no --map in the script");
}

#[test]
fn an_import_is_checked_like_the_command_it_runs() {
    let db = TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    let sheet = db.session_file().with_file_name("suivi.csv");
    std::fs::write(&sheet, "Event,Start,End\n").expect("a sheet");
    let args = |extra: &[&str]| {
        let mut args = vec!["import".to_owned(), "events".to_owned()];
        args.push(sheet.display().to_string());
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        args
    };
    // Not an admin: refused by the checker, whatever the flags.
    let bill = db.logged_in(BILL.0, BILL.1);
    let flags = ["--sales", "Bill Boquet", "--map", "Quand=start", "--apply"];
    for extra in [&[][..], &flags[..]] {
        let ran = db
            .epic()
            .env("EPIC_SESSION_FILE", &bill)
            .args(args(extra))
            .run();
        assert_eq!(ran.code, 5, "{ran:?}");
        assert!(
            ran.stderr
                .contains("permission denied: only admins may import a spreadsheet"),
            "{}",
            ran.stderr
        );
    }
    // No session: refused before the checker, as any command.
    let nobody = db.session_file().with_file_name("nobody.session");
    let ran = db
        .epic()
        .env("EPIC_SESSION_FILE", &nobody)
        .args(args(&["--apply"]))
        .run();
    assert_eq!(ran.code, 4, "{ran:?}");
}

//! The pager: in the interactive shell a listing longer than the screen
//! goes through `$PAGER` (here a stub that records what it got), one that
//! fits does not, `set pager off` turns it off for the session, and a batch
//! never does, whatever `PAGER` says.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use common::TestDb;
use common::pty::Terminal;

/// A `PAGER` that appends what it was given to `paged.txt`, then a marker.
fn stub_pager(db: &TestDb) -> (PathBuf, PathBuf) {
    let paged = db.home.path().join("paged.txt");
    let script = db.home.path().join("pager.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat >> '{0}'\necho '--end of page--' >> '{0}'\n",
            paged.display()
        ),
    )
    .expect("write the stub pager");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    (script, paged)
}

fn table_rows(text: &str) -> usize {
    // A data row starts with `|` and a right-aligned id.
    text.lines()
        .filter(|l| {
            l.starts_with('|')
                && l[1..]
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit())
        })
        .count()
}

#[test]
fn a_long_listing_opens_the_pager_a_short_one_and_a_batch_do_not() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let (pager, paged) = stub_pager(&db);
    let mut terminal = Terminal::kates(&db, Some((24, 100)), Some(&pager));

    terminal.type_line("show clients limit 3");
    assert!(!paged.exists(), "three rows fit on the screen");
    assert_eq!(table_rows(&terminal.text()), 3, "{}", terminal.text());

    terminal.type_line("show clients limit 150");
    let got = std::fs::read_to_string(&paged).expect("the pager was started");
    assert_eq!(got.matches("--end of page--").count(), 1);
    assert_eq!(
        table_rows(&got),
        150,
        "an explicit limit is honoured:\n{got}"
    );
    assert!(got.contains("| name "), "the header is paged too:\n{got}");

    // `set pager off`: the same listing goes straight to the terminal.
    terminal.type_line("set pager off");
    let before = table_rows(&terminal.text());
    terminal.type_line("show clients limit 150");
    assert_eq!(table_rows(&terminal.text()) - before, 150);
    assert_eq!(std::fs::read_to_string(&paged).expect("still there"), got);

    // And `set pager on` brings it back.
    terminal.type_line("set pager on");
    terminal.type_line("show clients limit 150");
    let again = std::fs::read_to_string(&paged).expect("still there");
    assert_eq!(again.matches("--end of page--").count(), 2, "{again}");
    let got = again;

    // A batch, with the same PAGER, never pages.
    let batch = db
        .epic()
        .env("EPIC_SESSION_FILE", db.home.path().join("kate-session"))
        .env("PAGER", &pager)
        .args(["-c", "show clients limit 150"])
        .run();
    assert_eq!(batch.code, 0, "{batch:?}");
    assert_eq!(table_rows(&batch.stdout), 150);
    let after = std::fs::read_to_string(&paged).expect("still there");
    assert_eq!(after, got, "the batch did not start the pager");
}

//! The related lists below a record (`show client 2` lists its contracts
//! and events) are typed listings, checked by the permission checker like
//! the ones typed (`commands::related`'s unit tests) and run as the
//! application role under row security: a record the database does not
//! let an employee see is in none of their related lists, as it is in none
//! of their listings.

mod common;

use common::TestDb;

const KATE: (&str, &str) = ("kate@epic.events", "Runs-The-Wedding-42");

fn show(db: &TestDb, command: &str) -> common::Ran {
    db.epic().stdin(format!("{command}\n")).run()
}

#[test]
fn a_record_row_security_hides_is_in_no_related_list() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().args(["demo"]).run().code, 0);
    assert_eq!(db.login(KATE.0, KATE.1).code, 0);
    let before = show(&db, "show contract 652");
    assert!(before.stdout.contains("John Ouick Wedding"), "{before:?}");

    // A rule of the database's that epic does not know: the wedding, and
    // the contract of the assembly, are hidden from the application role.
    db.execute(
        "CREATE POLICY hide_the_wedding ON events AS RESTRICTIVE FOR SELECT TO epic_app \
             USING (id <> 109);
         CREATE POLICY hide_the_assembly ON contracts AS RESTRICTIVE FOR SELECT TO epic_app \
             USING (id <> 412);",
    );
    let contract = show(&db, "show contract 652");
    assert_eq!(contract.code, 0, "{contract:?}");
    assert!(
        contract.stdout.contains("(no events of contract 652)"),
        "{contract:?}"
    );
    let client = show(&db, "show client 2");
    assert!(
        client.stdout.contains("Contract of client 2:"),
        "{client:?}"
    );
    assert!(
        client.stdout.contains("(no events of client 2)"),
        "{client:?}"
    );
    assert!(!client.stdout.contains("Wedding"), "{client:?}");
    // Jacky Blangier's contract 412 is hidden, and its event with it.
    let jacky = show(&db, "show client 3");
    // The record itself still shows: the absences below are the lists'.
    assert_eq!(jacky.code, 0, "{jacky:?}");
    assert!(jacky.stdout.contains("Jacky Blangier"), "{jacky:?}");
    assert!(!jacky.stdout.contains("| 412 "), "{jacky:?}");
    assert!(!jacky.stdout.contains("General Assembly"), "{jacky:?}");
    // The lists say what the typed listings say.
    let typed = show(&db, "show events where contract = 652");
    assert_eq!(typed.stderr.trim(), "(no events match)", "{typed:?}");
    let hidden = show(&db, "show event 109");
    assert_eq!(hidden.code, 6, "{hidden:?}");
}

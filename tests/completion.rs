//! Completion in the interactive shell, on a terminal: Tab lists the
//! candidates (each field with what it holds), and an employee created in
//! the shell is offered at the next Tab, only where their department fits.

mod common;

use std::time::Duration;

use common::TestDb;
use common::pty::Terminal;

const HELENE_PASSWORD: &str = "Balances-The-Books-7";

fn helenes(db: &TestDb) -> Terminal {
    Terminal::logged_in(
        db,
        "helene@epic.events",
        HELENE_PASSWORD,
        Some((40, 200)),
        None,
    )
}

#[test]
fn a_name_created_in_the_shell_is_offered_where_its_department_fits() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let mut terminal = helenes(&db);
    // Two new names starting alike, one in support and one in sales: only
    // the support one fits `support =`, so Tab completes it whole.
    terminal.type_line(
        "create employee name \"Zoé Newcomb\" email \"zoe@epic.events\" department support",
    );
    terminal.type_line(
        "create employee name \"Zacharie Seller\" email \"zach@epic.events\" department sales",
    );
    let screen = terminal.text();
    assert_eq!(screen.matches("Created employee").count(), 2, "{screen}");
    terminal.press(b"show events where support = \"Z\t");
    terminal
        .wait_for("support = \"Zoé Newcomb\"", Duration::from_secs(30))
        .expect("the new support employee completed");
    terminal.cancel_line();
    terminal.press(b"show clients where sales = \"Za\t");
    terminal
        .wait_for("sales = \"Zacharie Seller\"", Duration::from_secs(30))
        .expect("the new salesperson completed");
    assert!(terminal.running());
}

#[test]
fn tab_lists_the_fields_with_what_they_hold_required_first() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let mut terminal = helenes(&db);
    terminal.press(b"create client \t");
    terminal
        .wait_for("last_contact  (date)", Duration::from_secs(30))
        .expect("the fields listed");
    let screen = terminal.text();
    // After the echo of the line, before the line is drawn again below the list.
    let listed = &screen[screen.find("create client").unwrap_or(0)..];
    let required = listed.find("email  (email, required)").expect(listed);
    let optional = listed.find("company  (text)").expect(listed);
    assert!(required < optional, "{listed}");
    assert!(listed.contains("name  (text, required)"), "{listed}");
    assert!(listed.contains("sales  (sales employee)"), "{listed}");
}

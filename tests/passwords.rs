//! Passwords never leave the prompt: one typed after the email is refused
//! before it runs, not repeated on the screen, not kept in the history; and
//! Ctrl-C at the `Password:` prompt cancels that command, not the shell.

mod common;

use std::time::Duration;

use common::TestDb;
use common::pty::Terminal;

const SECRET: &str = "Runs-The-Wedding-42";

#[test]
fn an_inline_password_is_refused_unsaved_and_unrepeated() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let mut terminal = Terminal::kates(&db, None, None);
    terminal.type_line("show clients limit 1");
    terminal.type_line(&format!("login kate@epic.events {SECRET}"));
    let screen = terminal.text();
    // The line editor echoes what was typed; what the shell wrote after
    // Enter (the refusal) must not repeat it.
    let typed = screen.rfind(SECRET).expect("the typed line is echoed");
    let after = &screen[typed + SECRET.len()..];
    assert!(
        after.contains("a password is never typed on the command line"),
        "{screen}"
    );
    assert!(after.contains("********"), "{screen}");
    assert_eq!(screen.matches(SECRET).count(), 1, "{screen}");
    assert!(terminal.running());
    let history = std::fs::read_to_string(db.home.path().join("history")).expect("a history");
    assert!(history.contains("show clients limit 1"), "{history}");
    assert!(!history.contains(SECRET), "{history}");
    assert!(!history.contains("login kate"), "{history}");
}

#[test]
fn ctrl_c_at_the_password_prompt_cancels_the_login_only() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let mut terminal = Terminal::kates(&db, None, None);
    terminal.press(b"login kate@epic.events\r");
    terminal
        .wait_for("Password: ", Duration::from_secs(30))
        .expect("the password prompt");
    terminal.press(b"Runs\x03");
    terminal
        .wait_for("(cancelled; nothing was done)", Duration::from_secs(30))
        .expect("the cancel is told");
    assert!(terminal.running(), "{}", terminal.text());
    terminal.press(b"whoami\r");
    terminal
        .wait_for("| kate@epic.events", Duration::from_secs(30))
        .expect("the shell still answers");
    assert!(terminal.running(), "{}", terminal.text());
    let screen = terminal.text();
    assert!(
        !screen.contains("Runs"),
        "nothing typed at the prompt is shown: {screen}"
    );
}

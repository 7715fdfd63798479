//! The shell's question before a bulk update, on a pseudo-terminal: `y`
//! updates, Enter, `n` and Ctrl-C leave everything as it was, and the
//! shell goes on after each.

mod common;

use std::time::{Duration, Instant};

use common::TestDb;
use common::pty::Terminal;

const QUESTION: &str = "Update 1 event? [y/N] ";

fn attendees(db: &TestDb) -> i32 {
    db.with_client(async |client| {
        client
            .query_one("SELECT attendees FROM events WHERE id = 109", &[])
            .await
            .expect("event 109")
            .get(0)
    })
}

/// Types a bulk update of event 109 and answers with `keys` once the
/// question is asked; returns once `told` is on the screen once more.
fn answer(terminal: &mut Terminal, attendees: i32, keys: &[u8], told: &str) {
    let asked = |terminal: &Terminal| terminal.text().matches(QUESTION).count();
    let (questions, tellings) = (asked(terminal), terminal.text().matches(told).count());
    terminal
        .press(format!("update events where id = 109 set attendees = {attendees}\r").as_bytes());
    wait_until(terminal, |t| asked(t) > questions);
    terminal.press(keys);
    wait_until(terminal, |t| t.text().matches(told).count() > tellings);
}

/// Waits until `done` holds of the screen, for at most 30 seconds.
fn wait_until(terminal: &mut Terminal, done: impl Fn(&Terminal) -> bool) {
    let start = Instant::now();
    while !done(terminal) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{}",
            terminal.text()
        );
        // Nothing prints a NUL: this only gathers what the shell wrote.
        let _ = terminal.wait_for("\0", Duration::from_millis(100));
    }
}

#[test]
fn yes_at_the_question_updates_and_anything_else_updates_nothing() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    assert_eq!(attendees(&db), 75);
    let mut terminal = Terminal::kates(&db, None, None);

    answer(&mut terminal, 81, b"y\r", "Updated 1 event.");
    assert_eq!(attendees(&db), 81);
    let screen = terminal.text();
    // The preview came before the question: the value now and the new one.
    let preview = screen.find("1 event would be updated:").expect("a preview");
    assert!(preview < screen.find(QUESTION).expect("asked"), "{screen}");
    assert!(screen.contains("new attendees"), "{screen}");

    for (keys, attempt) in [
        (&b"\r"[..], 82),
        (b"n\r", 83),
        (b"yess\r", 84),
        (b"y\x03", 85),
    ] {
        answer(&mut terminal, attempt, keys, "Nothing was updated.");
        assert_eq!(attendees(&db), 81, "after {keys:?}");
        assert!(terminal.running(), "{}", terminal.text());
    }
    terminal.type_line("whoami");
    assert!(
        terminal.text().contains("| kate@epic.events"),
        "{}",
        terminal.text()
    );
}

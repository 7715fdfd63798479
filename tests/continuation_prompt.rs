//! A command that continues (a trailing `\`, an open quote or parenthesis,
//! a trailing `and`) is read on, line by line, at the continuation prompt,
//! and runs once it is complete; Ctrl-C on a continued line abandons the
//! whole command, not the shell.

mod common;

use std::time::Duration;

use common::TestDb;
use common::pty::Terminal;

/// `...> ` under Kate's `epic kate> `.
const CONTINUED: &str = "      ...> ";

/// Kate's first-line prompt.
const PROMPT: &str = "epic kate> ";

fn continued_prompts(terminal: &Terminal) -> usize {
    terminal.text().matches(CONTINUED).count()
}

/// Waits until `prompt` is on the screen more than `seen` times.
fn wait_for_more(terminal: &mut Terminal, prompt: &str, seen: usize) {
    for _ in 0..600 {
        if terminal.text().matches(prompt).count() > seen {
            return;
        }
        let _ = terminal.wait_for("\u{0}never", Duration::from_millis(50));
    }
    panic!("no new `{prompt}`; the screen:\n{}", terminal.text());
}

fn wait_for_more_prompts(terminal: &mut Terminal, seen: usize) {
    wait_for_more(terminal, CONTINUED, seen);
}

#[test]
fn a_continued_command_shows_the_continuation_prompt_and_runs_whole() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let mut terminal = Terminal::kates(&db, None, None);
    assert_eq!(continued_prompts(&terminal), 0, "{}", terminal.text());

    terminal.press(b"show events where \\\r");
    wait_for_more_prompts(&mut terminal, 0);
    let seen = continued_prompts(&terminal);
    terminal.press(b"id = 109 and\r");
    wait_for_more_prompts(&mut terminal, seen);
    terminal.type_line("name ~ \"Wedding\"");
    let screen = terminal.text();
    let ran = &screen[screen.rfind("name ~ \"Wedding\"").expect("echoed")..];
    assert!(ran.contains("John Ouick Wedding"), "{screen}");

    // Ctrl-C on a continued line drops the whole command.
    let seen = continued_prompts(&terminal);
    terminal.press(b"show clients where (\r");
    wait_for_more_prompts(&mut terminal, seen);
    let first_lines = terminal.text().matches(PROMPT).count();
    terminal.press(b"\x03");
    wait_for_more(&mut terminal, PROMPT, first_lines);
    terminal.type_line("count clients where id = 1");
    assert!(terminal.running(), "{}", terminal.text());
    let screen = terminal.text();
    let after = &screen[screen.rfind("count clients where id = 1").expect("echoed")..];
    assert!(after.contains('1'), "{screen}");
    assert!(!after.contains("error"), "{screen}");

    let history = std::fs::read_to_string(db.home.path().join("history")).expect("a history");
    assert!(history.contains("id = 109 and"), "{history}");
    assert!(!history.contains("show clients where ("), "{history}");
}

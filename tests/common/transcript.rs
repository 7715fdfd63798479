//! Transcript tests: a batch a user could pipe into epic, and beside it
//! exactly what epic prints and its exit code, in one readable file.
//!
//! ```text
//! # What this transcript shows (comment lines come first)
//! --- setup
//! demo
//! --- args
//! --keep-going
//! --- stdin
//! help
//! --- exit
//! 0
//! --- stdout
//! ...
//! --- stderr
//! ...
//! ```
//!
//! Each runs against a fresh database whose admin (admin@epic.events) is
//! logged in; a `login EMAIL PASSWORD` setup line logs in someone else,
//! `-c COMMAND` runs one command as them, `-f FILE` runs FILE (beside the
//! transcripts) as them, and `demo` runs as the operator (the migrator's
//! credentials). An `env`
//! section (`NAME=value` lines, after `setup`) sets variables for the batch,
//! e.g. `COLUMNS=60` for the width tables fit. Run with
//! `EPIC_BLESS=1` to rewrite the expected sections from what epic printed,
//! then review the diff.

use std::path::Path;

use super::TestDb;

#[derive(Debug, Default, Clone, PartialEq)]
struct Transcript {
    comments: String,
    /// epic invocations (whitespace-separated arguments) run first, e.g. `demo`.
    setup: Vec<String>,
    /// `NAME=value` for the batch (not the setup).
    env: Vec<String>,
    args: Vec<String>,
    stdin: String,
    exit: i32,
    stdout: String,
    stderr: String,
}

fn parse(text: &str) -> Transcript {
    let mut transcript = Transcript::default();
    let mut section: Option<String> = None;
    let mut body = String::new();
    let flush = |section: &Option<String>, body: &mut String, t: &mut Transcript| {
        match section.as_deref() {
            None => t.comments = std::mem::take(body),
            Some("args") => {
                t.args = body
                    .lines()
                    .map(str::to_owned)
                    .filter(|a| !a.is_empty())
                    .collect()
            }
            Some("setup") => {
                t.setup = body
                    .lines()
                    .map(str::to_owned)
                    .filter(|a| !a.is_empty())
                    .collect()
            }
            Some("env") => {
                t.env = body
                    .lines()
                    .map(str::to_owned)
                    .filter(|a| !a.is_empty())
                    .collect()
            }
            Some("stdin") => t.stdin = std::mem::take(body),
            Some("exit") => t.exit = body.trim().parse().expect("exit is a number"),
            Some("stdout") => t.stdout = std::mem::take(body),
            Some("stderr") => t.stderr = std::mem::take(body),
            Some(other) => panic!("unknown transcript section `{other}`"),
        }
        body.clear();
    };
    for line in text.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("--- ") {
            flush(&section, &mut body, &mut transcript);
            section = Some(name.trim().to_owned());
        } else {
            body.push_str(line);
        }
    }
    flush(&section, &mut body, &mut transcript);
    transcript
}

fn render(t: &Transcript) -> String {
    let mut text = t.comments.clone();
    if !t.setup.is_empty() {
        text.push_str("--- setup\n");
        for line in &t.setup {
            text.push_str(line);
            text.push('\n');
        }
    }
    if !t.env.is_empty() {
        text.push_str("--- env\n");
        for line in &t.env {
            text.push_str(line);
            text.push('\n');
        }
    }
    if !t.args.is_empty() {
        text.push_str("--- args\n");
        for arg in &t.args {
            text.push_str(arg);
            text.push('\n');
        }
    }
    text.push_str("--- stdin\n");
    text.push_str(&t.stdin);
    text.push_str(&format!("--- exit\n{}\n", t.exit));
    text.push_str("--- stdout\n");
    text.push_str(&t.stdout);
    text.push_str("--- stderr\n");
    text.push_str(&t.stderr);
    text
}

/// Replaces timestamps of yesterday, today and tomorrow (sessions end 8
/// hours on), by UTC's calendar, with their offset, with `[now]`: records created during the test carry the clock's
/// time, which no expected output can know.
fn normalize_now(text: &str) -> String {
    let today = chrono::Utc::now().date_naive();
    let days = [
        today,
        today.pred_opt().unwrap_or(today),
        today.succ_opt().unwrap_or(today),
    ]
    .map(|d| d.format("%Y-%m-%d").to_string());
    // A table's compact form, this year's (`Dec 02 04:14`) or with the year.
    let compact = [
        today,
        today.pred_opt().unwrap_or(today),
        today.succ_opt().unwrap_or(today),
    ]
    .map(|d| {
        [
            d.format("%b %d %Y ").to_string(),
            d.format("%b %d ").to_string(),
        ]
    });
    let days: Vec<String> = days
        .into_iter()
        .chain(compact.into_iter().flatten())
        .collect();
    let mut result = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while !rest.is_empty() {
        for day in &days {
            if let Some(tail) = rest.strip_prefix(day.as_str()) {
                // The date, then ` HH:MM` or `THH:MM:SS`, then an optional
                // offset; a compact date has its space already.
                let spaced = day.ends_with(' ');
                let time_len = tail
                    .char_indices()
                    .take_while(|(i, c)| match i {
                        0 if !spaced => *c == ' ' || *c == 'T',
                        _ => c.is_ascii_digit() || *c == ':' || *c == '.',
                    })
                    .count();
                let mut tail = &tail[time_len..];
                // Any offset: the company's zone (Paris, after `demo`) is
                // +01:00 in winter and +02:00 in summer.
                let spaced_offset = tail.strip_prefix(' ').unwrap_or(tail);
                let bytes = spaced_offset.as_bytes();
                if bytes.len() >= 6
                    && matches!(bytes[0], b'+' | b'-')
                    && bytes[1..3].iter().all(u8::is_ascii_digit)
                    && bytes[3] == b':'
                    && bytes[4..6].iter().all(u8::is_ascii_digit)
                {
                    tail = &spaced_offset[6..];
                }
                result.push_str("[now]");
                rest = tail;
                continue 'scan;
            }
        }
        let c = rest.chars().next().expect("rest is not empty");
        result.push(c);
        rest = &rest[c.len_utf8()..];
    }
    result
}

/// Replaces the line after `Temporary password for …, shown only this
/// once:` (a new employee's password, random) with `  [temporary password]`,
/// when it is one word of 20 characters as epic makes them.
fn normalize_temporary_password(text: &str) -> String {
    let mut after_announce = false;
    text.split_inclusive('\n')
        .map(|line| {
            let announced = std::mem::replace(
                &mut after_announce,
                line.starts_with("Temporary password for "),
            );
            let word = line.trim();
            if announced && word.chars().count() == 20 && !word.contains(' ') {
                "  [temporary password]\n".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect()
}

/// Replaces the number of a whole line `Time: 12.3 ms` (what `set timing
/// on` prints after a command) with `[ms]`: no expected output knows it.
/// Only that exact line: digits, one `.` and one decimal, ` ms`.
fn normalize_timing(text: &str) -> String {
    let timed = |line: &str| {
        line.strip_prefix("Time: ")
            .and_then(|rest| rest.strip_suffix(" ms"))
            .and_then(|number| number.split_once('.'))
            .is_some_and(|(whole, tenths)| {
                !whole.is_empty()
                    && whole.bytes().all(|b| b.is_ascii_digit())
                    && tenths.len() == 1
                    && tenths.bytes().all(|b| b.is_ascii_digit())
            })
    };
    text.split_inclusive('\n')
        .map(|line| {
            let (body, end) = match line.strip_suffix('\n') {
                Some(body) => (body, "\n"),
                None => (line, ""),
            };
            if timed(body) {
                format!("Time: [ms]{end}")
            } else {
                line.to_owned()
            }
        })
        .collect()
}

/// Runs every `*.t` file in `dir` and compares whole outputs.
pub fn run_all(dir: &Path) {
    let bless = std::env::var_os("EPIC_BLESS").is_some();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("the transcript directory exists")
        .map(|entry| entry.expect("readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "t"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no transcripts in {}", dir.display());
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable transcript");
        let expected = parse(&text);
        let db = TestDb::migrated();
        for setup in &expected.setup {
            // `login EMAIL PASSWORD` logs in with the password on standard
            // input; `demo` and `gen` are the operator's, with the migrator's
            // credentials; `-f FILE` runs a batch beside the transcripts as
            // whoever is logged in.
            let words: Vec<&str> = setup.split_whitespace().collect();
            let ran = match words.as_slice() {
                // `-c COMMAND`: the rest of the line is one command, run by
                // whoever logged in last (what another user did before).
                ["-c", ..] => db.epic().args(["-c", setup["-c".len()..].trim()]).run(),
                ["login", email, password] => db.login(email, password),
                ["demo" | "gen", ..] => db.operator().args(&words).run(),
                ["-f", batch] => db.epic().arg("-f").arg(dir.join(batch)).run(),
                _ => db.epic().args(&words).run(),
            };
            assert_eq!(
                ran.code,
                0,
                "{}: setup `{setup}` failed: {ran:?}",
                file.display()
            );
        }
        let mut epic = db.epic();
        for line in &expected.env {
            let (name, value) = line.split_once('=').expect("env lines are NAME=value");
            epic = epic.env(name, value);
        }
        let ran = epic
            .args(&expected.args)
            .stdin(expected.stdin.clone())
            .run();
        let actual = Transcript {
            exit: ran.code,
            stdout: normalize_temporary_password(&normalize_now(&ran.stdout)),
            stderr: normalize_timing(&normalize_now(&ran.stderr)),
            ..expected.clone()
        };
        if actual != expected {
            if bless {
                std::fs::write(file, render(&actual)).expect("write the blessed transcript");
            } else {
                failures.push(format!(
                    "{}:\n--- expected\n{}\n--- actual\n{}",
                    file.display(),
                    render(&expected),
                    render(&actual)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} transcripts differ (EPIC_BLESS=1 rewrites them):\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

//! Runs every transcript in `tests/transcripts/` (see `common/transcript.rs`),
//! and checks that the `fit_*` ones cut no id, number, money or date.

mod common;

use std::path::{Path, PathBuf};

use common::TestDb;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts")
}

#[test]
fn transcripts() {
    common::transcript::run_all(&dir());
}

/// The README's and the benchmark's daily filters, by who runs them.
const DAILY: &[(&str, &str)] = &[
    ("helene", "show events where support is none"),
    ("kate", "show events where support is me"),
    ("bill", "show clients where sales is me"),
    ("helene", "show contracts where signed = false"),
    ("helene", "show contracts where remaining > 0"),
    ("helene", "show clients where name ~ \"dubois\""),
    ("helene", "report sales"),
];

/// One `fit_*` transcript: who logs in, the width, and its commands.
struct Fit {
    login: (String, String),
    columns: String,
    commands: Vec<String>,
}

fn fits() -> Vec<Fit> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("the transcript directory exists")
        .map(|entry| entry.expect("readable").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("fit_") && name.ends_with(".t")
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).expect("readable transcript");
            let section = |name: &str| -> Vec<String> {
                let start = text.find(&format!("--- {name}\n")).expect(name) + name.len() + 5;
                let end = text[start..]
                    .find("\n--- ")
                    .map_or(text.len(), |at| start + at);
                text[start..end].lines().map(str::to_owned).collect()
            };
            let setup = section("setup");
            let login: Vec<&str> = setup
                .iter()
                .find(|l| l.starts_with("login "))
                .expect("a fit transcript logs someone in")
                .split_whitespace()
                .collect();
            let columns = section("env")
                .iter()
                .find_map(|l| l.strip_prefix("COLUMNS=").map(str::to_owned))
                .expect("a fit transcript sets COLUMNS");
            // The commands up to the first `set`, which the checks run alone.
            let mut commands: Vec<String> = section("stdin")
                .into_iter()
                .take_while(|l| !l.starts_with("set "))
                .filter(|l| l.starts_with("show "))
                .collect();
            // The daily filters in full: their rows move with the demo's
            // clock, so no transcript can hold them, but their cells can be
            // checked.
            commands.extend(
                DAILY
                    .iter()
                    .filter(|(who, _)| login[1].starts_with(who))
                    .map(|(_, command)| (*command).to_owned()),
            );
            Fit {
                login: (login[1].to_owned(), login[2].to_owned()),
                columns,
                commands,
            }
        })
        .collect()
}

/// A table's header and rows, or a vertical output's records, as name and
/// text pairs.
fn cells(output: &str) -> Vec<Vec<(String, String)>> {
    if output.starts_with("-[ RECORD") {
        let mut records = Vec::new();
        for line in output.lines() {
            if line.starts_with("-[ RECORD") {
                records.push(Vec::new());
            } else if let (Some(record), Some((name, value))) =
                (records.last_mut(), line.split_once(" |"))
            {
                record.push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
        return records;
    }
    let rows: Vec<Vec<String>> = output
        .lines()
        .filter(|l| l.starts_with("| "))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect();
    let Some((header, rows)) = rows.split_first() else {
        return Vec::new();
    };
    rows.iter()
        .map(|row| header.iter().cloned().zip(row.iter().cloned()).collect())
        .collect()
}

/// Whether a cell shows a JSON value whole: `None` for text, which may be
/// cut. A number reads the same once its thousands separators and
/// currency are taken out (money with its two decimals); a date is the
/// table's compact form of the same minute, or the record's full form.
fn shows(value: &serde_json::Value, text: &str, table: bool) -> Option<bool> {
    use serde_json::Value as J;
    match value {
        J::Number(n) => {
            let plain = text.replace(['€', ','], "");
            let money = text.contains('€');
            let decimals = plain.split_once('.').map_or(0, |(_, d)| d.len());
            Some(
                plain.parse::<f64>().ok() == n.as_f64()
                    && (!money || decimals == 2)
                    && (!table || !plain.contains('.') || money),
            )
        }
        J::String(s) => {
            let t = chrono::DateTime::parse_from_rfc3339(s).ok()?;
            let forms = if table {
                vec![
                    t.format("%b %d %H:%M").to_string(),
                    t.format("%b %d %Y %H:%M").to_string(),
                    // The audit trail's times, to the second.
                    t.format("%b %d %H:%M:%S").to_string(),
                    t.format("%b %d %Y %H:%M:%S").to_string(),
                ]
            } else {
                vec![
                    t.format("%Y-%m-%d %H:%M %:z").to_string(),
                    t.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
                ]
            };
            Some(forms.iter().any(|f| f == text))
        }
        _ => None,
    }
}

/// The JSON field a header names; a header cut to `atten…` names the one it
/// starts.
fn field<'j>(record: &'j serde_json::Value, name: &str) -> &'j serde_json::Value {
    match (name.strip_suffix('…'), record.as_object()) {
        (Some(start), Some(fields)) => fields
            .iter()
            .find(|(key, _)| key.starts_with(start))
            .map_or(&serde_json::Value::Null, |(_, value)| value),
        _ => &record[name],
    }
}

/// The acceptance check of the `fit_*` transcripts: every id, number, money
/// and date cell shown at their width is whole and is the database's value,
/// as the same command's JSON gives it.
#[test]
fn fit_tables_show_every_id_number_money_and_date_whole() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().args(["demo"]).run().code, 0);
    let mut checked = 0;
    for fit in fits() {
        assert_eq!(db.login(&fit.login.0, &fit.login.1).code, 0);
        for command in &fit.commands {
            let shown = db
                .epic()
                .env("COLUMNS", &fit.columns)
                .stdin(format!("{command}\n"))
                .run();
            let json = db
                .epic()
                .args(["--format", "json"])
                .stdin(format!("{command}\n"))
                .run();
            assert_eq!((shown.code, json.code), (0, 0), "{command}");
            let json: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
            let records: Vec<serde_json::Value> = match json {
                serde_json::Value::Array(rows) => rows,
                one => vec![one],
            };
            // A record's related lists follow it after a blank line: the
            // JSON is the record alone.
            let output = shown.stdout.split("\n\n").next().unwrap_or_default();
            let table = !output.starts_with("-[ RECORD");
            let rows = cells(output);
            assert_eq!(rows.len(), records.len(), "{command}:\n{}", shown.stdout);
            for (row, record) in rows.iter().zip(&records) {
                for (name, text) in row {
                    let value = field(record, name);
                    let Some(whole) = shows(value, text, table) else {
                        continue;
                    };
                    assert!(
                        whole,
                        "{command} at {}: {name} shows {text:?}, the database has {value}",
                        fit.columns
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 200, "only {checked} cells checked");
}

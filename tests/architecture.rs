//! The stage boundaries of ARCHITECTURE.md, checked on the source itself:
//! only `db` holds connections, only `plan` and `db` write SQL, and only
//! `render` and `main` write to standard output; and no file is over 700
//! lines. Comments are left out of the first three, so
//! a rule may be named in one.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Each source file under `src/`, as (path from `src/`, its code without
/// comments, line by line).
fn code() -> Vec<(String, Vec<(usize, String)>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a source file");
            let name = path
                .strip_prefix(&root)
                .expect("under src/")
                .to_string_lossy()
                .replace('\\', "/");
            let lines = text
                .lines()
                .enumerate()
                .filter(|(_, line)| !line.trim_start().starts_with("//"))
                .map(|(at, line)| (at + 1, line.to_owned()))
                .collect();
            (name, lines)
        })
        .collect()
}

/// Unit tests inside a file are the file's business, not a stage's.
fn before_tests(lines: &[(usize, String)]) -> &[(usize, String)] {
    let end = lines
        .iter()
        .position(|(_, line)| line.trim() == "#[cfg(test)]")
        .unwrap_or(lines.len());
    &lines[..end]
}

fn violations(allowed: impl Fn(&str) -> bool, pattern: impl Fn(&str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for (file, lines) in code() {
        if allowed(&file) {
            continue;
        }
        for (at, line) in before_tests(&lines) {
            if pattern(line) {
                found.push(format!("src/{file}:{at}: {}", line.trim()));
            }
        }
    }
    found
}

#[test]
fn only_db_holds_connections() {
    let found = violations(
        |file| file.starts_with("db/"),
        |line| {
            line.contains("tokio_postgres::Client")
                || line.contains("deadpool_postgres")
                || line.contains("tokio_postgres::connect")
                || line.contains("Pool::")
        },
    );
    assert!(
        found.is_empty(),
        "connections outside db:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_plan_and_db_write_sql() {
    let statement = |line: &str| {
        let upper = line.to_ascii_uppercase();
        line.contains('"')
            && [
                "SELECT ",
                "INSERT INTO ",
                "DELETE FROM ",
                "UPDATE ",
                "CREATE ",
                "ALTER ",
                "COPY ",
            ]
            .iter()
            .any(|keyword| {
                // SQL is written in capitals here; prose is not.
                line.contains(keyword) && upper.contains(keyword)
            })
    };
    let found = violations(
        |file| file == "plan.rs" || file.starts_with("plan/") || file.starts_with("db/"),
        statement,
    );
    assert!(
        found.is_empty(),
        "SQL outside plan and db:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_render_and_main_write_to_standard_output() {
    let found = violations(
        |file| file == "main.rs" || file == "render.rs" || file.starts_with("render/"),
        |line| {
            let printing = |mac: &str| {
                line.match_indices(mac)
                    .any(|(at, _)| !line[..at].ends_with('e'))
            };
            printing("println!(") || printing("print!(") || line.contains("stdout()")
        },
    );
    assert!(
        found.is_empty(),
        "standard output outside render and main:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_source_file_is_over_seven_hundred_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(path)
                .expect("a source file")
                .lines()
                .count();
            (lines > 700).then(|| format!("{}: {lines} lines", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these:\n{}", long.join("\n"));
}

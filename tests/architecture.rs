//! The stage boundaries of ARCHITECTURE.md, checked on the source itself:
//! only `db` holds connections, only `plan` and `db` write SQL, only
//! `render` and `main` write to standard output, and only `main` ends the
//! process; no module imports one that imports it back, and the leaves
//! import only leaves; no file is over 700 lines and no function over 80.
//! Comments are left out, so a rule may be named in one; unit tests are
//! the file's own business.

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

/// Named prepared statements outlive their transaction on the server
/// connection, which a transaction-mode pooler hands to another desk
/// (`db::statement`): every statement goes unnamed, with its types
/// (`query_typed`, `execute_typed`). Only the bulk loader's COPY, which has
/// no unnamed form, prepares one, inside its transaction.
#[test]
fn no_statement_is_a_named_prepared_one() {
    let untyped = [
        ".prepare(",
        ".prepare_cached(",
        ".prepare_typed(",
        ".query(",
        ".query_one(",
        ".query_opt(",
        ".query_raw(",
        ".execute(",
        ".execute_raw(",
    ];
    let found = violations(
        |file| !file.starts_with("db/"),
        |line| untyped.iter().any(|call| line.contains(call)),
    );
    assert!(
        found.is_empty(),
        "statements that are prepared with a name (use the _typed forms):\n{}",
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

/// The functions of `text` as (name, first line, line count), found by
/// counting braces outside strings, characters and comments: a rough
/// reading of Rust, enough for code formatted by rustfmt.
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let mut found = Vec::new();
    // (name, line it starts on, brace depth of its body)
    let mut open: Vec<(String, usize, usize)> = Vec::new();
    let mut pending: Option<(String, usize)> = None;
    let mut depth = 0usize;
    let mut brackets = 0usize;
    for (number, line) in text.lines().enumerate() {
        let code = code_of(line);
        if let Some(name) = fn_name(&code) {
            pending = Some((name, number + 1));
        }
        for c in code.chars() {
            match c {
                '{' => {
                    depth += 1;
                    if let Some((name, start)) = pending.take() {
                        open.push((name, start, depth));
                    }
                }
                '}' => {
                    if open.last().is_some_and(|(_, _, d)| *d == depth) {
                        let (name, start, _) = open.pop().expect("checked");
                        found.push((name, start, number + 2 - start));
                    }
                    depth = depth.saturating_sub(1);
                }
                '[' => brackets += 1,
                ']' => brackets = brackets.saturating_sub(1),
                // A declaration without a body (a trait's, an extern's).
                ';' if brackets == 0 => pending = None,
                _ => {}
            }
        }
    }
    found
}

/// The name declared by `fn NAME` on this line of code, if any.
fn fn_name(code: &str) -> Option<String> {
    let at = code
        .match_indices("fn ")
        .find(|(at, _)| *at == 0 || !code.as_bytes()[at - 1].is_ascii_alphanumeric())?
        .0;
    let name: String = code[at + 3..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// A line with its comments, strings and character literals blanked, so
/// the braces left are the code's. Strings spanning lines are rare in
/// this code base and are left as they are (their braces are balanced).
fn code_of(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => break,
            '"' => {
                while let Some(s) = chars.next() {
                    match s {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push_str("\"\"");
            }
            '\'' => {
                // A character literal ('x', '\n', '{'), or a lifetime.
                let rest: String = chars.clone().take(3).collect();
                let mut probe = rest.chars();
                match (probe.next(), probe.next()) {
                    (Some('\\'), _) => {
                        for s in chars.by_ref() {
                            if s == '\'' {
                                break;
                            }
                        }
                        // The escape's own quote may have been the one found.
                        out.push_str("' '");
                    }
                    (Some(_), Some('\'')) => {
                        chars.next();
                        chars.next();
                        out.push_str("' '");
                    }
                    _ => out.push('\''),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn the_function_reader_counts_what_it_should() {
    let text = "fn short() {\n    let x = '{';\n    let s = \"}}\";\n}\n\nfn longer(a: u8) -> u8 {\n    if a > 1 {\n        a\n    } else {\n        0\n    }\n}\n";
    assert_eq!(
        functions(text),
        vec![("short".into(), 1, 4), ("longer".into(), 6, 7)]
    );
}

#[test]
fn no_function_is_over_eighty_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    files.sort();
    let mut long = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a source file");
        // Unit tests are the file's business; a test may be a long transcript.
        let code = text.split("\n#[cfg(test)]").next().unwrap_or_default();
        if path.file_name().is_some_and(|n| n == "tests.rs")
            || path.components().any(|c| c.as_os_str() == "tests")
        {
            continue;
        }
        for (name, start, lines) in functions(code) {
            if lines > 80 {
                let file = path.strip_prefix(&root).unwrap_or(&path).display();
                long.push(format!("src/{file}:{start}: fn {name}: {lines} lines"));
            }
        }
    }
    assert!(long.is_empty(), "split these:\n{}", long.join("\n"));
}

/// Which top-level modules each top-level module names (`crate::NAME`),
/// outside comments and unit tests.
fn imports() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut graph: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for (file, lines) in code() {
        let top = file
            .split('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_owned();
        let unit_tests = file.ends_with("/tests.rs") || file.contains("/tests/");
        if top == "main" || top == "lib" || unit_tests {
            continue;
        }
        let named = graph.entry(top.clone()).or_default();
        for (_, line) in before_tests(&lines) {
            for (at, _) in line.match_indices("crate::") {
                let rest = &line[at + "crate::".len()..];
                let words: Vec<&str> = match rest.strip_prefix('{') {
                    Some(list) => list
                        .split('}')
                        .next()
                        .unwrap_or_default()
                        .split(',')
                        .collect(),
                    None => vec![rest],
                };
                for word in words {
                    let name: String = word
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != top {
                        named.insert(name);
                    }
                }
            }
        }
    }
    graph
}

/// A path through `graph` from `from` back to itself, if there is one.
fn cycle_from(
    graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    from: &str,
) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_owned()]];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().expect("a path is never empty");
        for next in graph.get(last).into_iter().flatten() {
            if next == from {
                let mut cycle = path.clone();
                cycle.push(from.to_owned());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = imports();
    assert!(graph.contains_key("db") && graph["commands"].contains("plan"));
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|module| cycle_from(&graph, module))
        .map(|cycle| cycle.join(" -> "))
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_leaves_import_only_leaves() {
    let leaves = [
        "exit", "value", "format", "text", "validate", "model", "zone",
    ];
    let graph = imports();
    let mut found = Vec::new();
    for leaf in leaves {
        for named in graph.get(leaf).into_iter().flatten() {
            if !leaves.contains(&named.as_str()) {
                found.push(format!("{leaf} imports {named}"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn only_main_ends_the_process() {
    let found = violations(
        |file| file == "main.rs",
        |line| line.contains("process::exit"),
    );
    assert!(
        found.is_empty(),
        "the process ended outside main:\n{}",
        found.join("\n")
    );
}

#[test]
fn import_reads_sheets_without_the_later_stages() {
    // Reading a sheet needs the language's date forms and the leaves only;
    // planning and applying the rows is a later step's.
    let later = [
        "policy", "commands", "plan", "db", "render", "shell", "auth", "error", "config",
    ];
    let graph = imports();
    let named: Vec<&String> = graph
        .get("import")
        .into_iter()
        .flatten()
        .filter(|module| later.contains(&module.as_str()))
        .collect();
    assert!(graph.contains_key("import"));
    assert!(named.is_empty(), "import names {named:?}");
}

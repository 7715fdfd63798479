//! The pgbench side of the concurrency bench: the SQL epic sends for each
//! command, taken from the server's own log (`log_statement = 'all'` for
//! the client login while one desk runs each command of each department
//! once more), turned into one pgbench script that runs the same mix with
//! the same statements and parameters, and pgbench run with it.
//!
//! Two scripts: plain, one round trip per statement (what psql or any
//! script sending the same statements does), and pipelined, each
//! command's statements in one `\startpipeline` (one round trip per
//! command, where epic makes three or four: a bound no client that reads
//! an answer before sending the next statement reaches).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::staff::{self, Action, CLIENT_EMAIL, CLIENT_NAME, COMPANY, Dept, NOTES, Part, Staff};

/// One statement as the server logged it.
#[derive(Debug, Clone)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<Option<String>>,
}

/// The statements between two offsets of the server log.
pub fn statements_in(log: &str) -> Vec<Statement> {
    // A message's lines after its first start with a tab.
    let mut messages: Vec<String> = Vec::new();
    for line in log.lines() {
        match line.strip_prefix('\t') {
            Some(more) if !messages.is_empty() => {
                let last = messages.last_mut().expect("a message");
                last.push('\n');
                last.push_str(more);
            }
            _ => messages.push(line.to_owned()),
        }
    }
    let mut found: Vec<Statement> = Vec::new();
    for message in messages {
        if let Some((_, sql)) = message.split_once("LOG:  statement: ") {
            // A simple query of several statements (the pool's reset of a
            // connection): one each, as an extended query takes one.
            let each = sql.split(';').map(str::trim).filter(|s| !s.is_empty());
            found.extend(each.map(|sql| Statement {
                sql: sql.to_owned(),
                params: Vec::new(),
            }));
        } else if let Some((_, sql)) = message.split_once("LOG:  execute <unnamed>: ") {
            found.push(Statement {
                sql: sql.to_owned(),
                params: Vec::new(),
            });
        } else if let Some((_, params)) = message.split_once("DETAIL:  parameters: ") {
            found
                .last_mut()
                .expect("parameters follow a statement")
                .params = parse_params(params);
        }
    }
    found
}

/// `$1 = 'a''b', $2 = NULL` as the values.
fn parse_params(text: &str) -> Vec<Option<String>> {
    let mut values = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(" = ") {
        rest = &rest[at + 3..];
        if let Some(after) = rest.strip_prefix("NULL") {
            values.push(None);
            rest = after;
            continue;
        }
        let body = rest.strip_prefix('\'').expect("a quoted value");
        let mut value = String::new();
        let mut chars = body.char_indices();
        let end = loop {
            match chars.next() {
                Some((i, '\'')) => {
                    if body[i + 1..].starts_with('\'') {
                        value.push('\'');
                        chars.next();
                    } else {
                        break i + 1;
                    }
                }
                Some((_, c)) => value.push(c),
                None => panic!("an unterminated parameter in the log"),
            }
        };
        values.push(Some(value));
        rest = &body[end..];
    }
    values
}

/// What a value seen in the capture stands for in the script.
pub struct Slots {
    /// Whole values: the token, the employee, the records.
    exact: Vec<(String, String)>,
    /// Texts that change every round, found inside a parameter.
    texts: Vec<(String, String)>,
}

/// The capture's running number: no round of the phases reaches it.
pub const CAPTURE_N: u64 = 987_654_321;
pub const CAPTURE_PHASE: &str = "capture";

impl Slots {
    pub fn for_capture(staff: &Staff, token: &str, event: i64) -> Slots {
        let mut exact = vec![
            (token.to_owned(), ":token".to_owned()),
            (staff.email.clone(), ":email".to_owned()),
            (staff.name.clone(), ":name".to_owned()),
        ];
        let numbers = [
            (staff.id, ":me"),
            (staff.record, ":record"),
            (event, ":event"),
        ];
        for (value, var) in numbers {
            assert!(
                exact.iter().all(|(seen, _)| seen != &value.to_string()),
                "the capture's numbers must differ: {value}"
            );
            exact.push((value.to_string(), var.to_owned()));
        }
        let texts = [NOTES, COMPANY, CLIENT_NAME, CLIENT_EMAIL]
            .into_iter()
            .map(|parts| {
                (
                    staff::render(parts, CAPTURE_PHASE, staff.index, CAPTURE_N),
                    expression(parts),
                )
            })
            .collect();
        Slots { exact, texts }
    }

    /// `value` as the script writes it: a variable, an expression around
    /// the variables it holds, or a literal.
    fn render(&self, value: &Option<String>) -> String {
        let Some(value) = value else {
            return "NULL".to_owned();
        };
        if let Some((_, var)) = self.exact.iter().find(|(seen, _)| seen == value) {
            return var.clone();
        }
        for (text, expr) in &self.texts {
            if let Some((before, after)) = value.split_once(text.as_str()) {
                return format!("({} || {expr} || {})", literal(before), literal(after));
            }
        }
        literal(value)
    }
}

/// A text of parts as a SQL expression of pgbench's variables.
fn expression(parts: &[Part]) -> String {
    let pieces: Vec<String> = parts
        .iter()
        .map(|part| match part {
            Part::Lit(text) => literal(text),
            Part::Phase => ":phase".to_owned(),
            Part::Index => ":client_id".to_owned(),
            Part::N => ":n".to_owned(),
        })
        .collect();
    format!("({})", pieces.join(" || "))
}

/// A SQL string literal pgbench leaves alone: a colon before a letter or
/// digit would be read as a variable.
fn literal(text: &str) -> String {
    let quoted = text.replace('\'', "''");
    format!("'{}'", quoted.replace(':', "' || chr(58) || '"))
}

/// `statement` with its parameters in place, on one line.
fn script_line(statement: &Statement, slots: &Slots) -> String {
    let mut sql = statement.sql.replace('\n', " ");
    // Highest first, so `$1` does not match the start of `$10`.
    for (index, value) in statement.params.iter().enumerate().rev() {
        sql = sql.replace(&format!("${}", index + 1), &slots.render(value));
    }
    format!("{};", sql.trim_end_matches(';'))
}

/// What the capture found: for each department, each action's statements.
pub type Captured = BTreeMap<(i32, Action), Vec<Statement>>;

/// The pgbench script: each client finds who it is once (its row of
/// `bench_staff`), then each transaction is one command of its
/// department's mix, drawn with the same weights as epic's.
pub fn script(
    captured: &Captured,
    slots: &BTreeMap<i32, Slots>,
    events: (i64, i64),
    pipelined: bool,
) -> String {
    let mut out = String::new();
    out.push_str(
        "\\if :loaded = 0\n\
         SELECT dept, token, me, name, email, record FROM bench_staff WHERE client_id = :client_id \\gset\n\
         \\set loaded 1\n\\endif\n\\set n :n + 1\n",
    );
    let _ = writeln!(out, "\\set event random({}, {})", events.0, events.1);
    out.push_str("\\set r random(0, 99)\n");
    for (d, dept) in Dept::ALL.into_iter().enumerate() {
        let keyword = if d == 0 { "\\if" } else { "\\elif" };
        let _ = writeln!(out, "{keyword} :dept = {}", dept.code());
        let mut upto = 0;
        for (a, (weight, action)) in dept.mix().iter().enumerate() {
            upto += weight;
            let keyword = if a == 0 { "\\if" } else { "\\elif" };
            let _ = writeln!(out, "{keyword} :r < {upto}");
            if pipelined {
                out.push_str("\\startpipeline\n");
            }
            for statement in &captured[&(dept.code(), *action)] {
                out.push_str(&script_line(statement, &slots[&dept.code()]));
                out.push('\n');
            }
            if pipelined {
                out.push_str("\\endpipeline\n");
            }
        }
        out.push_str("\\endif\n");
    }
    out.push_str("\\endif\n");
    out
}

/// What pgbench measured.
pub struct Measured {
    pub tps: f64,
    /// pgbench's CPU time (user and system).
    pub cpu: Duration,
    pub transactions: u64,
    pub failed: u64,
    pub aborted_clients: usize,
    /// Every transaction's latency, sorted.
    pub latencies: Vec<Duration>,
    pub first_errors: Vec<String>,
}

/// pgbench's binary: beside the server's, else on `PATH`.
fn pgbench() -> PathBuf {
    let debian = PathBuf::from("/usr/lib/postgresql/15/bin/pgbench");
    if debian.exists() {
        debian
    } else {
        PathBuf::from("pgbench")
    }
}

/// How pgbench loads the server: clients, threads (`-j`), for how long,
/// and at what total rate (`-R`, commands per second) if not flat out.
pub struct Load {
    pub clients: usize,
    pub threads: usize,
    pub duration: Duration,
    pub rate: Option<f64>,
}

/// Runs `script` under `load` as the client login at `conninfo`; `phase`
/// names its logs and the clients it creates.
pub fn run(
    dir: &Path,
    script: &str,
    conninfo: &str,
    password: &str,
    load: &Load,
    phase: &str,
) -> Measured {
    let logs = dir.join(phase);
    std::fs::create_dir_all(&logs).expect("a directory for pgbench's logs");
    let file = logs.join("script.sql");
    std::fs::write(&file, script).expect("write the pgbench script");
    let mut command = Command::new(pgbench());
    command
        .args(["-n", "-M", "extended", "-l"])
        .arg(format!("--log-prefix={}", logs.join("tx").display()))
        .args([
            "-c",
            &load.clients.to_string(),
            "-j",
            &load.threads.to_string(),
        ])
        .args(["-T", &load.duration.as_secs().to_string()])
        .args(["-D", "loaded=0", "-D", "n=0"])
        .arg("-D")
        .arg(format!("phase={phase}"))
        .arg("-f")
        .arg(&file);
    if let Some(rate) = load.rate {
        command.args(["-R", &format!("{rate:.1}")]);
    }
    let cpu = staff::rusage_time(libc::RUSAGE_CHILDREN);
    let output = command
        .arg(conninfo)
        .env("PGPASSWORD", password)
        .output()
        .expect("run pgbench");
    let cpu = staff::rusage_time(libc::RUSAGE_CHILDREN) - cpu;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let number = |label: &str| -> Option<f64> {
        let line = stdout.lines().find(|l| l.starts_with(label))?;
        line[label.len()..].split_whitespace().next()?.parse().ok()
    };
    let Some(tps) = number("tps = ") else {
        panic!("pgbench did not finish:\n{stdout}\n{stderr}");
    };
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("aborted") || l.contains("ERROR"))
        .collect();
    Measured {
        tps,
        cpu,
        transactions: number("number of transactions actually processed: ").unwrap_or(0.0) as u64,
        failed: number("number of failed transactions: ").unwrap_or(0.0) as u64,
        aborted_clients: stderr
            .lines()
            .filter(|l| l.contains("aborted in command"))
            .count(),
        latencies: latencies(&logs),
        first_errors: errors.iter().take(5).map(|l| l.to_string()).collect(),
    }
}

/// The third field of every line of pgbench's per-transaction logs (`-l`):
/// the transaction's latency in microseconds.
fn latencies(logs: &Path) -> Vec<Duration> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(logs).expect("pgbench's logs").flatten() {
        if !entry.file_name().to_string_lossy().starts_with("tx.") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("a pgbench log");
        for line in text.lines() {
            if let Some(us) = line.split_whitespace().nth(2).and_then(|f| f.parse().ok()) {
                all.push(Duration::from_micros(us));
            }
        }
    }
    all.sort();
    all
}

//! A shell-level fuzz test, bounded so that CI runs it every time: random
//! lines, and the examples of `help` and of the transcripts with their
//! tokens mutated (deleted, doubled, swapped, replaced by random words,
//! numbers, strings or operators, spliced with another example's), go
//! through every stage that needs no database: parse, print and parse
//! again, the permission checker for every role, the planner, and what
//! `explain` prints. Not one may panic. Then a few hundred of them run
//! through the real binary against a database with the demo data, as the
//! admin, with `--keep-going`: none may end as `E-INTERNAL`, exit code 1
//! or a panic.
//!
//! The seed is fixed, so a failure reproduces; `EPIC_FUZZ_SEED` and
//! `EPIC_FUZZ_CASES` run other or more cases locally. The `cargo fuzz`
//! target in `fuzz/` explores the parser without these bounds.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use chrono::TimeZone;
use epic::model::{Entity, Field, Role};
use epic::plan::{self, Plan, PlanContext};
use epic::policy::{self, Action, Allowed, Decision, Guarded, Ownership, Request, Target};
use epic::syntax::ast::Assign;
use epic::syntax::{self, Command, help};
use epic::zone::{Tz, Zone};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SEED: u64 = 13_120_231;
/// Cases through the stages, unless the time budget ends first.
const CASES: usize = 60_000;
/// At most this long for the in-process part, whatever the machine.
const BUDGET: Duration = Duration::from_secs(20);
/// Lines through the binary.
const BINARY_LINES: usize = 300;

fn seed() -> u64 {
    std::env::var("EPIC_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED)
}

/// The examples of `help`, of grammar.md and the transcripts' input lines.
fn corpus() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut lines: Vec<String> = help::COMMANDS
        .iter()
        .flat_map(|c| c.examples.iter().map(|e| e.to_string()))
        .collect();
    let grammar = std::fs::read_to_string(root.join("grammar.md")).expect("grammar.md");
    let mut inside = false;
    for line in grammar.lines() {
        match line.trim() {
            "```epic" => inside = true,
            "```" => inside = false,
            example if inside && !example.is_empty() => lines.push(example.to_owned()),
            _ => {}
        }
    }
    let mut transcripts: Vec<_> = std::fs::read_dir(root.join("tests/transcripts"))
        .expect("the transcripts")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "t"))
        .collect();
    transcripts.sort();
    for path in transcripts {
        let text = std::fs::read_to_string(&path).expect("a transcript");
        let mut in_stdin = false;
        for line in text.lines() {
            if let Some(section) = line.strip_prefix("--- ") {
                in_stdin = section == "stdin";
            } else if in_stdin && !line.trim().is_empty() && !line.starts_with('#') {
                lines.push(line.to_owned());
            }
        }
    }
    lines.sort();
    lines.dedup();
    lines
}

const WORDS: &[&str] = &[
    "show",
    "count",
    "explain",
    "create",
    "update",
    "delete",
    "deactivate",
    "report",
    "revoke",
    "unlock",
    "reset",
    "help",
    "set",
    "where",
    "and",
    "or",
    "not",
    "is",
    "in",
    "none",
    "me",
    "order",
    "by",
    "asc",
    "desc",
    "limit",
    "offset",
    "for",
    "client",
    "contract",
    "event",
    "employee",
    "clients",
    "contracts",
    "events",
    "employees",
    "audit",
    "sessions",
    "notifications",
    "security",
    "support",
    "sales",
    "total",
    "remaining",
    "signed",
    "start",
    "end",
    "attendees",
    "name",
    "email",
    "phone",
    "company",
    "department",
    "active",
    "location",
    "notes",
    "last_contact",
    "created",
    "id",
    "password",
    "reassign",
    "to",
    "true",
    "false",
    "today",
    "now",
    "tomorrow",
    "Jun",
    "@",
    "1PM",
    "d",
    "w",
    "management",
    "admin",
    "unpaid",
    "bcrypt",
];

const OPERATORS: &[&str] = &[
    "=", "!=", "<", "<=", ">", ">=", "~", "(", ")", ",", "+", "-", "\\", ";", "'", "$1", "%",
];

const NUMBERS: &[&str] = &[
    "0",
    "1",
    "4",
    "12",
    "34",
    "109",
    "652",
    "999999",
    "100000",
    "100001",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999999999999999",
    "999999999999.99",
    "1000000000000",
    "0.001",
    "12000.00",
    "2023-06-01",
    "2023-02-30",
    "9999-12-31T23:59",
    "0000-01-01",
    "2023-06-01T25:00",
];

const STRINGS: &[&str] = &[
    "\"Kate Hastroff\"",
    "\"\"",
    "\" \"",
    "\"Aliénor\"",
    "\"kate@epic.events\"",
    "\"4 Jun 2023 @ 1PM\"",
    "\"+33 1 23 45 67 89\"",
    "\"'; DROP TABLE events; --\"",
    "\"a \\\" b\"",
    "\"%_\\\\\"",
    "\"日本語の名前\"",
    "\"\\u{0}\"",
];

/// Mutates lines of the corpus a token at a time.
struct Mutator {
    rng: StdRng,
    corpus: Vec<Vec<String>>,
}

impl Mutator {
    fn new(seed: u64, corpus: &[String]) -> Mutator {
        let corpus = corpus
            .iter()
            .map(|line| tokens(line))
            .filter(|t| !t.is_empty())
            .collect();
        Mutator {
            rng: StdRng::seed_from_u64(seed),
            corpus,
        }
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.rng.random_range(0..from.len())]
    }

    fn random_token(&mut self) -> String {
        match self.rng.random_range(0..5) {
            0 => self.pick(WORDS).to_owned(),
            1 => self.pick(OPERATORS).to_owned(),
            2 => self.pick(NUMBERS).to_owned(),
            3 => self.pick(STRINGS).to_owned(),
            _ => self.rng.random_range(0..1_000_000u64).to_string(),
        }
    }

    /// A random line: printable soup, or any characters at all.
    fn random_line(&mut self) -> String {
        let length = self.rng.random_range(0..60);
        if self.rng.random_bool(0.5) {
            (0..length)
                .map(|_| self.random_token())
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            (0..length)
                .map(|_| match self.rng.random_range(0..4) {
                    0 => char::from(self.rng.random_range(0x20u8..0x7f)),
                    1 => self.rng.random::<char>(),
                    2 => ['"', '\\', '(', ')', ' ', '\n', '\t'][self.rng.random_range(0..7)],
                    _ => char::from(self.rng.random_range(b'a'..=b'z')),
                })
                .collect()
        }
    }

    fn mutated_line(&mut self) -> String {
        let mut line = self.corpus[self.rng.random_range(0..self.corpus.len())].clone();
        // Mostly one change: near misses of real commands, many of which parse.
        let changes = [1, 1, 1, 1, 1, 2, 2, 3][self.rng.random_range(0..8)];
        for _ in 0..changes {
            let at = self.rng.random_range(0..=line.len());
            // A token's index, when there is one.
            let on = at.min(line.len().saturating_sub(1));
            match self.rng.random_range(0..10) {
                0 if !line.is_empty() => {
                    line.remove(on);
                }
                1 if !line.is_empty() => {
                    let token = line[on].clone();
                    line.insert(at.min(line.len()), token);
                }
                2 if line.len() > 1 => {
                    let other = self.rng.random_range(0..line.len());
                    line.swap(on, other);
                }
                3 if !line.is_empty() => {
                    let token = self.random_token();
                    line[on] = token;
                }
                4..=6 if !line.is_empty() => {
                    // A token of the same kind: another number, string or word.
                    let old = &line[on];
                    let kind: &[&str] = if old.starts_with('"') {
                        STRINGS
                    } else if old.starts_with(|c: char| c.is_ascii_digit()) {
                        NUMBERS
                    } else if old.starts_with(|c: char| c.is_alphabetic()) {
                        WORDS
                    } else {
                        OPERATORS
                    };
                    line[on] = self.pick(kind).to_owned();
                }
                7 => {
                    // Splice: a run of another example's tokens.
                    let other = self.corpus[self.rng.random_range(0..self.corpus.len())].clone();
                    let from = self.rng.random_range(0..other.len());
                    let to = self.rng.random_range(from..=other.len());
                    let tail = line.split_off(at.min(line.len()));
                    line.extend_from_slice(&other[from..to]);
                    line.extend(tail);
                }
                _ => {
                    let token = self.random_token();
                    line.insert(at.min(line.len()), token);
                }
            }
        }
        line.join(" ")
    }

    fn line(&mut self) -> String {
        if self.rng.random_range(0..10) == 0 {
            self.random_line()
        } else {
            self.mutated_line()
        }
    }
}

/// A line's tokens as typed, or its words when it does not lex.
fn tokens(line: &str) -> Vec<String> {
    match syntax::lexer::tokenize(line) {
        Ok(tokens) => tokens.into_iter().map(|t| t.raw).collect(),
        Err(_) => line.split_whitespace().map(str::to_owned).collect(),
    }
}

fn contexts() -> [PlanContext; 2] {
    let now = Tz::Europe__Paris
        .with_ymd_and_hms(2023, 6, 1, 12, 0, 0)
        .single()
        .expect("a clear local time")
        .with_timezone(&chrono::Utc);
    let zone = Zone::company(Tz::Europe__Paris);
    [
        PlanContext {
            me: Some(7),
            now,
            zone,
            indexed_searches: Vec::new(),
        },
        PlanContext {
            me: None,
            now,
            zone,
            indexed_searches: Vec::new(),
        },
    ]
}

/// Every `$n` of the statement has its parameter, and no more.
fn check_placeholders(plan: &Plan, line: &str) {
    let mut highest = 0;
    let bytes = plan.sql().as_bytes();
    for (at, byte) in bytes.iter().enumerate() {
        if *byte == b'$' {
            let digits: String = plan.sql()[at + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse::<usize>() {
                highest = highest.max(n);
            }
        }
    }
    assert_eq!(
        highest,
        plan.params().len(),
        "`{line}`: placeholders and parameters differ in\n{}",
        plan.sql()
    );
}

/// What `explain` prints for a plan (as the shell writes it).
fn explained(command: &Command, plan: &Plan) -> String {
    let mut text = format!("command: {command}\nsql:     {}\nparams:", plan.sql());
    for (index, param) in plan.params().iter().enumerate() {
        text.push_str(&format!("\n  ${} = {param}", index + 1));
    }
    text
}

/// The requests the write stage would make for `command`, with every
/// ownership it could establish.
fn write_requests(command: &Command) -> Vec<Request> {
    let target = |entity: Entity| match entity {
        Entity::Client => Target::Client,
        Entity::Contract => Target::Contract,
        Entity::Event => Target::Event,
        Entity::Employee => Target::Employee,
        Entity::Audit => Target::AuditLog,
    };
    let touches = |values: &[(Field, Assign)]| -> Vec<Guarded> {
        values
            .iter()
            .filter_map(|(field, _)| match field {
                Field::ClientSales => Some(Guarded::ClientOwner),
                Field::EventContract => Some(Guarded::EventContract),
                Field::EventSupport => Some(Guarded::EventSupport),
                _ => None,
            })
            .collect()
    };
    let (action, target, touches, id) = match command {
        Command::Create(create) => (
            Action::Create,
            target(create.entity),
            touches(&create.values),
            create.parent,
        ),
        Command::Update { entity, id, set } => {
            (Action::Update, target(*entity), touches(set), Some(*id))
        }
        Command::Delete { entity, id, .. } => {
            (Action::Delete, target(*entity), Vec::new(), Some(*id))
        }
        Command::Deactivate { .. } => (Action::Update, Target::Employee, Vec::new(), None),
        _ => return Vec::new(),
    };
    [Ownership::Own, Ownership::Others, Ownership::NotApplicable]
        .into_iter()
        .map(|ownership| Request {
            action,
            target,
            ownership,
            touches: touches.clone(),
            id,
        })
        .collect()
}

/// Everything that needs no database, for one line.
fn through_the_stages(line: &str) {
    let Ok(command) = syntax::parse(line) else {
        return;
    };
    let printed = command.to_string();
    assert_eq!(
        syntax::parse(&printed).as_ref(),
        Ok(&command),
        "`{line}` prints as `{printed}`, which parses otherwise"
    );
    let mut requests: Vec<Request> = match policy::check_for(&command) {
        policy::Check::Now(request) => vec![request],
        _ => Vec::new(),
    };
    requests.extend(write_requests(&command));
    const ROLES: [Role; 4] = [Role::Management, Role::Sales, Role::Support, Role::Admin];
    for request in &requests {
        for role in ROLES {
            if let Err(denial) = policy::authorize(role, request, ()) {
                assert!(!denial.rule.is_empty(), "`{line}`: an empty refusal");
            }
        }
    }
    // A write is planned as the first role and ownership the checker allows.
    let allowing = || {
        requests
            .iter()
            .flat_map(|request| ROLES.map(|role| (role, request)))
            .find(|(role, request)| policy::allows(*role, request))
    };
    for context in contexts() {
        let plans: Vec<Plan> = match policy::authorize_now(Role::Admin, command.clone()) {
            Decision::Allowed(Allowed::Listing(query)) => [
                (None, plan::Rows::Listing),
                (Some(101), plan::Rows::Listing),
                (None, plan::Rows::Record),
            ]
            .into_iter()
            .filter_map(|(page, rows)| plan::plan_show(&query, &context, page, rows).ok())
            .collect(),
            Decision::Allowed(Allowed::Count(query)) => {
                plan::plan_count(&query, &context).into_iter().collect()
            }
            Decision::Allowed(Allowed::Record(one)) => vec![plan::plan_show_one(&one)],
            Decision::Allowed(Allowed::Explain(inner)) => {
                let shown = inner.command().clone();
                let plan = plan::plan_read(inner, &context, plan::Rows::Listing)
                    .unwrap_or_else(|| panic!("`{line}`: explain of what has no plan"));
                if let Ok(plan) = plan {
                    let text = explained(&shown, &plan);
                    assert!(text.starts_with("command: "));
                    vec![plan]
                } else {
                    Vec::new()
                }
            }
            Decision::Allowed(Allowed::Report(report)) => vec![plan::plan_report(&report)],
            Decision::Later(Command::Create(create)) => match allowing() {
                Some((role, request)) => {
                    let create = policy::authorize(role, request, create).expect("allowed");
                    vec![plan::plan_create(&create, 7, &context, Vec::new())]
                }
                None => Vec::new(),
            },
            Decision::Later(Command::Update { entity, id, set }) => match allowing() {
                Some((role, request)) => {
                    let update = plan::Update { entity, id, set };
                    let update = policy::authorize(role, request, update).expect("allowed");
                    vec![plan::plan_update(&update, &context)]
                }
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        for plan in &plans {
            check_placeholders(plan, line);
            let _ = explained(&command, plan);
        }
    }
}

#[test]
fn mutated_and_random_lines_never_panic_in_parse_authorize_plan_or_explain() {
    let corpus = corpus();
    assert!(corpus.len() > 50, "only {} examples", corpus.len());
    let seed = seed();
    let cases = std::env::var("EPIC_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(CASES);
    let budget = if cases == CASES {
        BUDGET
    } else {
        Duration::MAX
    };
    let mut mutator = Mutator::new(seed, &corpus);
    let started = Instant::now();
    let mut failures = Vec::new();
    let (mut ran, mut parsed) = (0, 0);
    // A caught panic is printed by the hook (shown only if the test fails)
    // and reported below with its input.
    while ran < cases && started.elapsed() < budget {
        let line = mutator.line();
        ran += 1;
        parsed += usize::from(syntax::parse(&line).is_ok());
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| through_the_stages(&line))) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("case {ran} {line:?}:\n{message}"));
            if failures.len() >= 10 {
                break;
            }
        }
    }
    eprintln!(
        "fuzz: {ran} cases ({parsed} parsed) with seed {seed} in {:.1?}",
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} cases panicked:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(ran >= 5_000, "only {ran} cases in the time budget");
    // Near misses: enough of them parse to exercise the checker and the planner.
    assert!(parsed * 40 >= ran, "only {parsed} of {ran} parsed");
}

/// Lines safe to run as the admin one after the other: none that ends the
/// admin's session or the batch, or makes every later password slow.
fn fit_for_the_binary(line: &str) -> bool {
    let lower = line.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let first = words.first().copied().unwrap_or("");
    // The admin is employee 1: changing them may end their session.
    let changes_the_admin = first == "update"
        && words.get(1).is_some_and(|w| w.starts_with("employee"))
        && words.get(2) == Some(&"1");
    !changes_the_admin
        && !matches!(
            first,
            "login"
                | "logout"
                | "passwd"
                | "quit"
                | "exit"
                | "revoke"
                | "deactivate"
                | "delete"
                | "reset"
        )
        && !lower.contains("bcrypt")
        && !lower.contains("admin")
        && !epic::input::needs_continuation(line)
        && !line.contains('\n')
        && !line.contains('\r')
}

#[test]
fn mutated_lines_through_the_binary_never_end_as_internal_errors() {
    let mut mutator = Mutator::new(seed().wrapping_add(1), &corpus());
    let mut batch: Vec<u8> = Vec::new();
    let (mut parsing, mut refused) = (0, 0);
    let wanted = std::env::var("EPIC_FUZZ_LINES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(BINARY_LINES);
    while parsing + refused < wanted {
        let line = mutator.mutated_line();
        if !fit_for_the_binary(&line) {
            continue;
        }
        // Mostly commands that parse: they are the ones that reach the database.
        match syntax::parse(&line) {
            Ok(_) if parsing < wanted * 3 / 4 => parsing += 1,
            Err(_) if refused < wanted / 4 => refused += 1,
            _ => continue,
        }
        batch.extend_from_slice(line.as_bytes());
        batch.push(b'\n');
    }
    // And lines that are not text.
    batch.extend_from_slice(b"show clients where name ~ \"\xff\xfe\"\n\xc3\n");
    let db = common::TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    // As the admin, then as a salesperson, who may create clients and events.
    let bill = db.logged_in("bill@epic.events", "Closes-Big-Deals-19");
    for (who, session) in [("admin", db.session_file()), ("sales", bill)] {
        let started = Instant::now();
        let ran = db
            .epic()
            .env("EPIC_SESSION_FILE", &session)
            .args(["--keep-going", "--verbose", "--format", "csv"])
            .stdin(batch.clone())
            .run();
        eprintln!(
            "fuzz: {} lines ({parsing} that parse) through the binary as {who} in {:.1?}",
            parsing + refused + 2,
            started.elapsed()
        );
        if let Ok(path) = std::env::var("EPIC_FUZZ_SAVE") {
            std::fs::write(&path, &batch).expect("save the batch");
            std::fs::write(format!("{path}.{who}.err"), &ran.stderr).expect("save what epic said");
        }
        let text = String::from_utf8_lossy(&batch);
        let lines: Vec<&str> = text.lines().collect();
        // Each internal error, with the line of the batch it came from.
        let internal: Vec<String> = ran
            .stderr
            .lines()
            .filter(|l| l.contains("E-INTERNAL") || l.contains("panicked"))
            .map(|l| {
                let number = l
                    .split("line ")
                    .nth(1)
                    .and_then(|rest| rest.split([':', ',']).next())
                    .and_then(|n| n.parse::<usize>().ok());
                match number.and_then(|n| lines.get(n - 1)) {
                    Some(input) => format!("{l}\n  for: {input}"),
                    None => l.to_owned(),
                }
            })
            .collect();
        assert!(
            internal.is_empty() && ran.code != 1 && ran.code != 101,
            "as {who}, exit code {}:\n{}\n--- stderr:\n{}",
            ran.code,
            internal.join("\n"),
            ran.stderr
        );
        // Some commands failed (the batch is full of mistakes), each with a
        // documented code; the session lived to the end.
        assert!((2..=9).contains(&ran.code), "as {who}: {}", ran.code);
        assert!(
            !ran.stderr.contains("not logged in"),
            "as {who}: the session ended"
        );
    }
}

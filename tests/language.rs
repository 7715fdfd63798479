//! The query language as a whole: it never panics, printing a command and
//! parsing it back gives the same command, user values never reach the SQL
//! text, and hostile input gets a clear error in bounded time.

mod common;

use chrono::TimeZone;
use epic::model::sheet::ImportField;
use epic::model::{Entity, FieldType, Role};
use epic::plan::{self, Plan, PlanContext};
use epic::policy;
use epic::syntax::ast::{EmployeeRef, ImportEvents};
use epic::syntax::{self, Command, help};
use epic::zone::{Tz, Zone};
use proptest::prelude::*;

fn context() -> PlanContext {
    PlanContext {
        me: Some(7),
        now: Tz::Europe__Paris
            .with_ymd_and_hms(2023, 6, 1, 12, 0, 0)
            .single()
            .expect("a clear local time")
            .with_timezone(&chrono::Utc),
        zone: Zone::company(Tz::Europe__Paris),
        indexed_searches: Vec::new(),
    }
}

/// The plan of a read, as an admin (who may read everything) gets it
/// from the checker.
fn plan_of(command: &Command) -> Option<Plan> {
    let command = match command {
        Command::Explain(inner) => (**inner).clone(),
        other => other.clone(),
    };
    let policy::Check::Now(request) = policy::check_for(&command) else {
        return None;
    };
    let allowed = policy::authorize(Role::Admin, &request, command).ok()?;
    plan::plan_read(allowed, &context(), plan::Rows::Listing).map(|plan| plan.expect("plans"))
}

/// The statement that finds the records of a bulk update, as an admin's
/// listing of the same condition.
fn matching_plan_of(command: &Command) -> Option<Plan> {
    let Command::UpdateWhere {
        entity,
        filter,
        set,
    } = command
    else {
        return None;
    };
    let query = syntax::Query {
        entity: *entity,
        filter: Some(filter.clone()),
        order: Vec::new(),
        limit: None,
        offset: None,
    };
    let policy::Check::Now(request) = policy::check_for(&Command::Show(query.clone())) else {
        return None;
    };
    let allowed = policy::authorize(Role::Admin, &request, query).ok()?;
    Some(plan::plan_matching(&allowed, set, &context(), 1001).expect("plans"))
}

/// Builds a command from a stream of choices, following the grammar, so
/// that most generated commands are valid and the round trip is exercised
/// on deep and varied trees, not only on rejects.
struct Grammar<'a> {
    choices: &'a [u16],
    next: usize,
}

impl Grammar<'_> {
    fn pick(&mut self, n: usize) -> usize {
        let value = self.choices.get(self.next).copied().unwrap_or(0) as usize;
        self.next += 1;
        value % n.max(1)
    }

    fn command(&mut self) -> String {
        let entity = Entity::ALL[self.pick(4)];
        match self.pick(7) {
            6 => {
                let condition = self.condition(entity, 0);
                let settable: Vec<_> = entity.settable().collect();
                let mut set = Vec::new();
                for _ in 0..1 + self.pick(3) {
                    let field = settable[self.pick(settable.len())];
                    if set.iter().any(|(f, _)| *f == field) {
                        continue;
                    }
                    let value = if field.nullable() && self.pick(4) == 0 {
                        "none".to_owned()
                    } else {
                        self.stored_value(field.ty())
                    };
                    set.push((field, value));
                }
                let set: Vec<String> = set.iter().map(|(f, v)| format!("{f} = {v}")).collect();
                format!(
                    "update {} where {condition} set {}",
                    entity.plural(),
                    set.join(", ")
                )
            }
            0 => format!(
                "count {} where {}",
                entity.plural(),
                self.condition(entity, 0)
            ),
            1 => format!("show {} {}", entity.singular(), 1 + self.pick(2000)),
            2 => format!(
                "explain show {} where {}",
                entity.plural(),
                self.condition(entity, 0)
            ),
            _ => {
                let mut text = format!("show {}", entity.plural());
                if self.pick(4) > 0 {
                    text.push_str(&format!(" where {}", self.condition(entity, 0)));
                }
                if self.pick(3) == 0 {
                    let fields = entity.fields();
                    let field = fields[self.pick(fields.len())];
                    text.push_str(&format!(
                        " order by {field}{}",
                        ["", " asc", " desc"][self.pick(3)]
                    ));
                }
                if self.pick(3) == 0 {
                    text.push_str(&format!(" limit {}", self.pick(500)));
                }
                if self.pick(4) == 0 {
                    text.push_str(&format!(" offset {}", self.pick(500)));
                }
                text
            }
        }
    }

    fn condition(&mut self, entity: Entity, depth: usize) -> String {
        let leaf = depth > 4 || self.pick(3) > 0;
        if !leaf {
            let left = self.condition(entity, depth + 1);
            let right = self.condition(entity, depth + 1);
            return match self.pick(4) {
                0 => format!("{left} and {right}"),
                1 => format!("{left} or {right}"),
                2 => format!("not ({left})"),
                _ => format!("({left}) and not {right}"),
            };
        }
        let fields = entity.fields();
        let field = fields[self.pick(fields.len())];
        let ty = field.ty();
        if field.nullable() && self.pick(4) == 0 {
            return format!("{field} is {}none", ["", "not "][self.pick(2)]);
        }
        if ty == FieldType::Employee && self.pick(4) == 0 {
            return format!("{field} is {}me", ["", "not "][self.pick(2)]);
        }
        if ty.accepts_in() && self.pick(5) == 0 {
            let values: Vec<String> = (0..1 + self.pick(3)).map(|_| self.value(ty)).collect();
            return format!(
                "{field} {}in ({})",
                ["", "not "][self.pick(2)],
                values.join(", ")
            );
        }
        let ops = ty.operators();
        let op = ops[self.pick(ops.len())];
        let mut value = self.value(ty);
        if op == epic::model::CompareOp::Contains && !value.starts_with('"') {
            // `~` searches names: an employee's number is compared with `=`.
            value = format!("\"{value}\"");
        }
        format!("{field} {op} {value}")
    }

    /// A value a write may store in a field of type `ty`.
    fn stored_value(&mut self, ty: FieldType) -> String {
        match ty {
            FieldType::Email => "\"ann@startup.io\"".to_owned(),
            FieldType::Phone => "\"+33 1 23 45 67 89\"".to_owned(),
            FieldType::Text => {
                ["\"Ouick\"", "\"Aliénor\"", "\"a \\\"quoted\\\" word\""][self.pick(3)].to_owned()
            }
            FieldType::Employee if self.pick(2) == 0 => "\"Kate Hastroff\"".to_owned(),
            other => self.value(other),
        }
    }

    fn value(&mut self, ty: FieldType) -> String {
        const TEXTS: &[&str] = &[
            "Kate Hastroff",
            "Ouick",
            "a \\\"quoted\\\" word",
            "Aliénor",
            "50%_off",
            "",
            "x\\ny",
        ];
        match ty {
            FieldType::Id | FieldType::Integer => self.pick(100_000).to_string(),
            FieldType::Money => format!("{}.{:02}", self.pick(100_000), self.pick(100)),
            FieldType::Boolean => ["true", "false", "yes", "no"][self.pick(4)].to_owned(),
            FieldType::Enum(choices) => choices[self.pick(choices.len())].to_owned(),
            FieldType::Employee if self.pick(3) == 0 => self.pick(50).to_string(),
            FieldType::Timestamp => [
                "2023-06-01",
                "2023-06-01T13:00",
                "2023-06-01 13:00:15",
                "today",
                "tomorrow",
                "yesterday",
                "today+7d",
                "today - 2w",
                "now",
                "4 Jun 2023 @ 1PM",
                "5 June 2023 @ 12:30am",
                "\"4 Jun 2023 @ 2AM\"",
            ][self.pick(12)]
            .to_owned(),
            _ => format!("\"{}\"", TEXTS[self.pick(TEXTS.len())]),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Anything at all: an error or a command, never a panic.
    #[test]
    fn the_parser_never_panics(input in any::<String>()) {
        let _ = syntax::parse(&input);
    }
}

/// The language's own words in random order: near misses of real commands.
fn token_soup() -> impl Strategy<Value = String> {
    const WORDS: &[&str] = &[
        "show",
        "count",
        "explain",
        "help",
        "undo",
        "set",
        "format",
        "csv",
        "events",
        "event",
        "clients",
        "contracts",
        "employees",
        "where",
        "and",
        "or",
        "not",
        "is",
        "none",
        "me",
        "in",
        "(",
        ")",
        ",",
        "order",
        "by",
        "desc",
        "asc",
        "limit",
        "offset",
        "support",
        "start",
        "client",
        "name",
        "total",
        "signed",
        "attendees",
        "department",
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "~",
        "\"Kate\"",
        "\"",
        "12000.00",
        "75",
        "2023-06-01",
        "today+7d",
        "4",
        "Jun",
        "2023",
        "@",
        "1PM",
        "true",
        "sales",
        "\\",
        "'",
        ";",
        "-1",
        "9999999999999999999999",
        "import",
        "from",
        "map",
        "apply",
        "employee",
    ];
    proptest::collection::vec(proptest::sample::select(WORDS), 0..24)
        .prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 50_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn near_misses_never_panic_and_valid_ones_round_trip(input in token_soup()) {
        if let Ok(command) = syntax::parse(&input) {
            let printed = command.to_string();
            prop_assert_eq!(syntax::parse(&printed), Ok(command.clone()), "printed as `{}`", printed);
            if let Some(plan) = plan_of(&command) {
                prop_assert!(plan.sql().matches('$').count() >= plan.params().len());
            }
        }
    }

    /// Commands built from the grammar: printing one and parsing it back
    /// gives the same command, and it always plans.
    #[test]
    fn printing_a_command_then_parsing_it_gives_the_same_command(choices in proptest::collection::vec(any::<u16>(), 64)) {
        let text = Grammar { choices: &choices, next: 0 }.command();
        let command = syntax::parse(&text).map_err(|e| TestCaseError::fail(format!("`{text}` does not parse:\n{e}")))?;
        let printed = command.to_string();
        prop_assert_eq!(syntax::parse(&printed), Ok(command.clone()), "`{}` printed as `{}`", text, printed);
        prop_assert!(plan_of(&command).or_else(|| matching_plan_of(&command)).is_some());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Saved queries: `save [team] query NAME as` any read the grammar
    /// builds, and running, listing and deleting one, print and parse back.
    #[test]
    fn saved_query_commands_print_and_parse_back(
        choices in proptest::collection::vec(any::<u16>(), 64),
        team in any::<bool>(),
        name in "[a-zA-Z][a-zA-Z0-9_]{2,20}",
    ) {
        let read = Grammar { choices: &choices, next: 0 }.command();
        // The grammar also builds bulk updates, which are not reads.
        proptest::prop_assume!(!read.starts_with("update "));
        let team = if team { "team " } else { "" };
        let name = format!("my_{name}");
        for text in [
            format!("save {team}query {name} as {read}"),
            format!("save {team}query {name} as report unpaid"),
            name.clone(),
            format!("show {name}"),
            "show queries".to_owned(),
            format!("delete {team}query {name}"),
        ] {
            let command = syntax::parse(&text).map_err(|e| TestCaseError::fail(format!("`{text}` does not parse:\n{e}")))?;
            let printed = command.to_string();
            prop_assert_eq!(syntax::parse(&printed), Ok(command.clone()), "`{}` printed as `{}`", text, printed);
        }
    }
}

/// Text for an import's file, column or salesperson: quotes, backslashes,
/// escapes' letters, spaces and any other character but NUL (which no
/// string holds).
fn import_text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        Just('"'),
        Just('\\'),
        Just('n'),
        Just(' '),
        Just('\n'),
        Just('\t'),
        Just('é'),
        any::<char>().prop_filter("no NUL", |c| *c != '\0'),
    ];
    proptest::collection::vec(c, 0..16).prop_map(|chars| chars.into_iter().collect())
}

fn import_events() -> impl Strategy<Value = ImportEvents> {
    let named = |text: &String| !text.trim().is_empty();
    let sales = prop_oneof![
        Just(None),
        (1..=i64::MAX).prop_map(|id| Some(EmployeeRef::Id(id))),
        import_text().prop_map(|name| Some(EmployeeRef::Name(name))),
    ];
    let field = proptest::sample::select(ImportField::ALL.to_vec());
    let mapping = (import_text().prop_filter("a header", named), field);
    (
        import_text().prop_filter("a file", named),
        sales,
        proptest::collection::vec(mapping, 0..4),
        any::<bool>(),
    )
        .prop_map(|(file, sales, map, apply)| ImportEvents {
            file,
            sales,
            map,
            apply,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// `import events from "FILE" ...`: any file, salesperson (by name or
    /// number) and mapping prints as a command that parses back to it.
    #[test]
    fn import_commands_print_and_parse_back(import in import_events()) {
        let command = Command::Import(import);
        let printed = command.to_string();
        prop_assert_eq!(syntax::parse(&printed), Ok(command.clone()), "printed as `{}`", printed);
    }
}

/// Classic SQL-injection payloads.
const PAYLOADS: &[&str] = &[
    "' OR '1'='1",
    "' OR 1=1 --",
    "\" OR \"\"=\"",
    "'; DROP TABLE events; --",
    "\"; DROP TABLE clients; --",
    "'); DELETE FROM contracts; --",
    "1; UPDATE employees SET department = 'admin'",
    "' UNION SELECT password_hash FROM employees --",
    "' UNION ALL SELECT NULL, NULL, NULL --",
    "admin'--",
    "admin' #",
    "' OR 'x'='x",
    "') OR ('a'='a",
    "1' ORDER BY 1--+",
    "' AND 1=CAST((SELECT password_hash FROM employees LIMIT 1) AS int) --",
    "'; SELECT pg_sleep(5); --",
    "' || pg_sleep(5) || '",
    "'; COPY employees TO '/tmp/x'; --",
    "$1",
    "$$; DROP TABLE events; $$",
    "E'\\x27; DROP TABLE events; --",
    "\\'; DROP TABLE events; --",
    "%' OR 1=1 --",
    "_%",
    "%%",
    "'; TRUNCATE audit_log; --",
    "' OR EXISTS(SELECT 1 FROM user_sessions) --",
    "'; ALTER TABLE employees DROP COLUMN email; --",
    "'; GRANT ALL ON employees TO PUBLIC; --",
    "'; SET ROLE postgres; --",
    "'; RESET ALL; --",
    "'; COMMIT; DROP TABLE events; --",
    "\u{0}",
    "'\u{0}; DROP TABLE events; --",
    "' /*",
    "*/ OR 1=1 /*",
    "-- comment",
    "'; CREATE TABLE pwned (x int); --",
    "1 OR 1=1",
    "' OR ''='",
    "'='",
    "' AND SUBSTRING(password_hash,1,1)='$' --",
    "\" OR 1=1 --",
    "'; EXECUTE 'DROP TABLE events'; --",
    "'; DO $$ BEGIN DROP TABLE events; END $$; --",
    "' OR current_user = 'postgres' --",
    "'; LISTEN x; NOTIFY x; --",
    "' OR (SELECT count(*) FROM employees) > 0 --",
    "; shutdown --",
    "Robert'); DROP TABLE Students;--",
    "\\\"; DROP TABLE events; --",
    "' OR 1=1 LIMIT 1 OFFSET 1 --",
];

/// The read examples of `help` and of grammar.md.
fn examples() -> Vec<String> {
    let mut examples: Vec<String> = help::COMMANDS
        .iter()
        .flat_map(|c| c.examples.iter().map(|e| e.to_string()))
        .collect();
    let grammar = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/grammar.md"))
        .expect("grammar.md");
    let mut inside = false;
    for line in grammar.lines() {
        match line.trim() {
            "```epic" => inside = true,
            "```" => inside = false,
            example if inside && !example.is_empty() => examples.push(example.to_owned()),
            _ => {}
        }
    }
    examples.sort();
    examples.dedup();
    // The reads: the commands that become SQL.
    examples.retain(|e| syntax::parse(e).ok().as_ref().and_then(plan_of).is_some());
    examples
}

/// Every example with at least one string, with each string in turn
/// replaced by a payload (strings that must be dates are left alone).
fn injected_commands() -> Vec<(String, String)> {
    let mut cases = Vec::new();
    for example in examples() {
        let example = example.as_str();
        {
            let strings: Vec<(usize, usize)> = {
                let tokens = syntax::lexer::tokenize(example).expect("examples lex");
                tokens
                    .iter()
                    .filter(|t| t.kind == syntax::lexer::TokenKind::Str)
                    .map(|t| (t.span.start, t.span.end))
                    .collect()
            };
            for (start, end) in strings {
                if syntax::parse(&format!("{}\"x\"{}", &example[..start], &example[end..])).is_err()
                {
                    continue; // a date in quotes: a payload there is refused as "not a date"
                }
                let benign = format!("{}{}{}", &example[..start], "\"benign\"", &example[end..]);
                for payload in PAYLOADS {
                    let quoted = syntax::ast::quote(payload);
                    let injected = format!("{}{}{}", &example[..start], quoted, &example[end..]);
                    cases.push((benign.clone(), injected));
                }
            }
        }
    }
    cases
}

#[test]
fn payloads_reach_postgresql_only_as_parameters() {
    let cases = injected_commands();
    assert!(PAYLOADS.len() >= 50);
    assert!(
        cases.len() >= PAYLOADS.len() * 5,
        "only {} cases",
        cases.len()
    );
    for (benign, injected) in &cases {
        if injected.contains('\0') {
            let error = syntax::parse(injected).expect_err("NUL is refused");
            assert_eq!(error.message, "strings cannot contain the NUL character");
            continue;
        }
        let benign_plan =
            plan_of(&syntax::parse(benign).expect("the benign form parses")).expect("a read");
        let command =
            syntax::parse(injected).unwrap_or_else(|e| panic!("`{injected}` does not parse:\n{e}"));
        let plan = plan_of(&command).expect("a read");
        // The statement does not depend on the value at all.
        assert_eq!(plan.sql(), benign_plan.sql(), "{injected}");
        assert_ne!(plan.params(), benign_plan.params(), "{injected}");
    }
}

#[test]
fn a_bulk_updates_condition_and_values_reach_postgresql_only_as_parameters() {
    let benign = "update clients where name ~ \"Ouick\" set company = \"Ouick\", name = \"Ouick\"";
    let benign = matching_plan_of(&syntax::parse(benign).expect("parses")).expect("plans");
    let mut checked = 0;
    for payload in PAYLOADS.iter().filter(|p| !p.contains('\0')) {
        let quoted = epic::syntax::ast::quote(payload);
        let text =
            format!("update clients where name ~ {quoted} set company = {quoted}, name = {quoted}");
        let command = syntax::parse(&text).unwrap_or_else(|e| panic!("`{text}`:\n{e}"));
        let plan = matching_plan_of(&command).expect("plans");
        assert_eq!(plan.sql(), benign.sql(), "{text}");
        assert!(
            plan.params()
                .iter()
                .filter(|p| p.to_string().contains(&quoted))
                .count()
                >= 2,
            "{text}: {:?}",
            plan.params()
        );
        checked += 1;
    }
    assert!(checked >= 50, "{checked}");
}

#[test]
fn running_the_payloads_leaves_the_database_unchanged() {
    let db = common::TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    let fingerprint = || {
        db.with_client(async |client| {
            let mut sums = Vec::new();
            for table in ["employees", "clients", "contracts", "events", "audit_log", "notifications"] {
                // Table names are constants of this test.
                let row = client
                    .query_one(
                        &format!("SELECT count(*)::text || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t"),
                        &[],
                    )
                    .await
                    .expect("fingerprint");
                sums.push(row.get::<_, String>(0));
            }
            // Sessions, less `last_seen_at`, which every command moves on.
            let sessions = client
                .query_one(
                    "SELECT count(*)::text || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) \
                     FROM (SELECT id, employee_id, token_hash, created_at, expires_at, revoked_at FROM user_sessions) t",
                    &[],
                )
                .await
                .expect("fingerprint sessions");
            sums.push(sessions.get::<_, String>(0));
            let tables = client
                .query_one("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", &[])
                .await
                .expect("count tables")
                .get::<_, i64>(0);
            (sums, tables)
        })
    };
    let before = fingerprint();
    let batch: String = injected_commands()
        .into_iter()
        .map(|(_, injected)| format!("{injected}\n"))
        .collect();
    let ran = db
        .epic()
        .args(["--format", "csv", "--keep-going"])
        .stdin(batch)
        .run();
    // Every payload runs as a harmless read, but those with a NUL byte,
    // which PostgreSQL text cannot hold and the parser refuses, and those
    // in an employee's place, a name (looked up as a parameter) that no
    // employee has.
    let errors: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.starts_with("error"))
        .collect();
    let nul = |e: &&&str| e.ends_with("strings cannot contain the NUL character");
    assert!(
        errors.iter().any(|e| nul(&e))
            && errors
                .iter()
                .all(|e| nul(&e) || e.contains(": no employee is named `")),
        "{errors:#?}"
    );
    assert_eq!(ran.code, 2, "{errors:#?}");
    assert_eq!(fingerprint(), before);
}

#[test]
fn explain_shows_payloads_only_among_the_parameters() {
    let db = common::TestDb::migrated();
    let payload = "'; DROP TABLE events; --";
    let ran = db
        .epic()
        .arg("-c")
        .arg(format!(
            "explain show events where support = {}",
            syntax::ast::quote(payload)
        ))
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    let sql = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("sql:"))
        .expect("an sql line");
    assert!(!sql.contains("DROP TABLE"), "{}", ran.stdout);
    let (_, params) = ran.stdout.split_once("params:").expect("a params section");
    assert!(
        params.contains(r#"$1 = "'; DROP TABLE events; --" (text)"#),
        "{}",
        ran.stdout
    );
}

#[test]
fn ten_thousand_nested_parentheses_are_refused_quickly() {
    let deep = format!(
        "show events where {}support is none{}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let start = std::time::Instant::now();
    let error = syntax::parse(&deep).expect_err("too deep");
    assert_eq!(error.kind, syntax::SyntaxErrorKind::TooDeep);
    assert!(
        error
            .to_string()
            .starts_with("conditions are nested too deeply: at most 64 levels"),
        "{error}"
    );
    let nots = format!("show events where {}support is none", "not ".repeat(10_000));
    assert_eq!(
        syntax::parse(&nots).expect_err("too deep").kind,
        syntax::SyntaxErrorKind::TooDeep
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
    // Exactly at the limit still parses.
    let limit = format!(
        "show events where {}support is none{}",
        "(".repeat(64),
        ")".repeat(64)
    );
    assert!(syntax::parse(&limit).is_ok());
}

#[test]
fn a_one_megabyte_line_gets_a_clear_error_from_the_binary() {
    let db = common::TestDb::migrated();
    let huge = format!(
        "show events where name ~ \"{}\"\nhelp\n",
        "x".repeat(1 << 20)
    );
    let ran = db.epic().stdin(huge).run();
    assert_eq!(ran.code, 2, "{}", &ran.stderr[..ran.stderr.len().min(300)]);
    assert_eq!(
        ran.stderr,
        "error: line 1, column 1: the command is too long: at most 65536 bytes\n"
    );
    assert!(ran.stdout.is_empty());
}

#[test]
fn every_issue_example_is_accepted_exactly_as_written() {
    for example in [
        "show clients",
        "show events where support is none",
        "show events where support is me",
        "show contracts where signed = false",
        "show contracts where remaining > 0",
        "show contracts where signed = true and remaining > 0 order by remaining desc limit 20",
        "show clients where company ~ \"startup\" order by last_contact desc limit 10",
        "show events where client ~ \"Ouick\" or (location ~ \"Mufflins\" and attendees >= 100)",
        "show events where start >= 2023-06-01 and start < 2023-07-01",
        "show events where support = \"Kate Hastroff\"",
        "show event 109",
        "count contracts where signed = false",
        "explain show events where support is none",
        "help",
        "help show",
    ] {
        let command = syntax::parse(example).unwrap_or_else(|e| panic!("`{example}`:\n{e}"));
        assert_eq!(syntax::parse(&command.to_string()), Ok(command));
    }
}

#[test]
fn not_equal_includes_the_records_where_the_field_is_none() {
    let db = common::TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let count = |condition: &str| -> i64 {
        let ran = db
            .epic()
            .args(["-c", &format!("count events{condition}")])
            .run();
        assert_eq!(ran.code, 0, "{ran:?}");
        ran.stdout.trim().parse().expect("a number")
    };
    let all = count("");
    let kate = count(" where support = \"Kate Hastroff\"");
    let not_kate = count(" where support != \"Kate Hastroff\"");
    let none = count(" where support is none");
    assert!(kate > 0 && none > 0);
    assert_eq!(kate + not_kate, all, "`!=` is the complement of `=`");
    assert_eq!(count(" where not support = \"Kate Hastroff\""), not_kate);
    assert_eq!(
        count(" where support != \"Kate Hastroff\" and support is not none"),
        not_kate - none,
        "events without support are among the `!=`"
    );
    // The same holds for an optional text field.
    let mufflins = count(" where location ~ \"Mufflins\"");
    assert_eq!(mufflins + count(" where not location ~ \"Mufflins\""), all);
}

#[test]
fn explain_of_every_command_the_parser_takes_after_it_plans() {
    let mut commands: Vec<String> = help::COMMANDS
        .iter()
        .flat_map(|c| c.examples.iter().map(|e| e.to_string()))
        .collect();
    for entity in Entity::ALL {
        commands.push(format!("show {}", entity.plural()));
        commands.push(format!("count {}", entity.plural()));
        commands.push(format!("show {} 1", entity.singular()));
    }
    let mut explained = 0;
    for command in commands {
        let text = format!("explain {command}");
        match syntax::parse(&text) {
            Ok(Command::Explain(inner)) => {
                let policy::Check::Now(request) = policy::check_for(&inner) else {
                    panic!("`{text}` is not checked as a read")
                };
                let allowed =
                    policy::authorize(Role::Admin, &request, *inner).expect("an admin reads");
                let plan = plan::plan_read(allowed, &context(), plan::Rows::Listing)
                    .unwrap_or_else(|| panic!("`{text}` parses but has no plan"));
                assert!(plan.is_ok(), "`{text}`: {plan:?}");
                explained += 1;
            }
            Ok(other) => panic!("`{text}` parses as `{other}`"),
            Err(error) => assert!(
                !command.starts_with("show") && !command.starts_with("count")
                    || error
                        .message
                        .starts_with("`explain` shows the SQL of a listing"),
                "`{text}`: {error}"
            ),
        }
    }
    assert!(explained >= 30, "{explained}");
    for refused in [
        "explain show notifications",
        "explain show sessions",
        "explain show security",
    ] {
        let error = syntax::parse(refused).expect_err("not a listing of its own");
        assert_eq!(error.span, 0..7, "{error}");
    }
}

#[test]
fn contains_with_an_employee_number_is_refused_for_every_employee_field() {
    for entity in Entity::ALL {
        for field in entity.fields() {
            if field.ty() != FieldType::Employee {
                continue;
            }
            let text = format!("show {} where {field} ~ 4", entity.plural());
            let error = syntax::parse(&text).expect_err("a number is not a name");
            assert_eq!(error.kind, syntax::SyntaxErrorKind::BadOperator, "{text}");
            let at = text.find('~').expect("an operator");
            assert_eq!(error.span, at..text.len(), "{text}");
            assert!(
                syntax::parse(&format!("show {} where {field} ~ \"4\"", entity.plural())).is_ok()
            );
            assert!(syntax::parse(&format!("show {} where {field} = 4", entity.plural())).is_ok());
        }
    }
}

#[test]
fn an_amount_to_store_is_checked_against_the_money_columns() {
    let max = epic::model::money_max();
    assert!(syntax::parse(&format!("create contract for client 1 total {max}")).is_ok());
    for too_large in ["1000000000000", "1000000000000000", "999999999999.999"] {
        let error = syntax::parse(&format!("create contract for client 1 total {too_large}"))
            .expect_err("too large");
        assert_eq!(error.kind, syntax::SyntaxErrorKind::BadValue, "{error}");
        assert_eq!(error.span.start, 35, "{error}");
    }
    let error =
        syntax::parse("update contract 1 set remaining = 5000000000000").expect_err("too large");
    assert_eq!(error.kind, syntax::SyntaxErrorKind::BadValue, "{error}");
}

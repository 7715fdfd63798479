//! epic against psql, on the same server and the same data, in one run.
//!
//! `cargo bench --bench against_psql` builds a local database of size L
//! (`epic gen --size L`: 100,000 clients, 300,000 contracts, 1,000,000
//! events), then measures, alternating epic and psql so both see the same
//! machine load:
//!
//! - start-up and one small query (`epic -c "show events where support is
//!   none limit 20"` against `psql -c` running the same SQL);
//! - a full CSV export of the events, wall time and peak memory, against
//!   `psql --csv` and `COPY (the same query) TO STDOUT`;
//! - a batch of 10,000 `create client` lines against psql sending the same
//!   statements (session check, app role, look-up, INSERT, COMMIT);
//! - the daily filters inside one shell session: time to the first screen
//!   and of `count`, with their EXPLAIN ANALYZE under row-level security;
//! - an idle interactive shell's resident memory.
//!
//! It prints the table and writes it, with the machine it ran on, to
//! `BENCH.md`. Options: `-- --size S|M|L|XL` (default L;
//! XL's generation alone takes about a quarter of an hour; `--data-dir DIR`
//! reuses a data directory `epic gen --size SIZE` already filled, and
//! generates nothing), `--runs N` (start-up
//! runs, default 31), `--no-write` (print only), `--only daily` (the daily
//! filters alone, printed only: a few minutes instead of a quarter hour).

mod common;
use common::{Bench, Run, measure};
// The tests' server harness, for the shared-server measures.
#[path = "../tests/common/mod.rs"]
mod harness;

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use epic::auth::session::PasswordSource;
use epic::config::Config;
use epic::config::settings::Settings;
use epic::db::Database;
use epic::input::Entry;
use epic::model::Role;
use epic::plan::{self, Param, PlanContext};
use epic::policy::{self, Allowed, Decision};
use epic::shell::Shell;
use epic::syntax;

/// The demo logins the measurements act as.
const HELENE: (&str, &str) = ("helene@epic.events", "Balances-The-Books-7");
const KATE: (&str, &str) = ("kate@epic.events", "Runs-The-Wedding-42");
const BILL: (&str, &str) = ("bill@epic.events", "Closes-Big-Deals-19");

const SMALL_QUERY: &str = "show events where support is none limit 20";
const EXPORT: &str = "show events";
/// The heading of a `--only daily` run's section, before its size.
const DAILY_ALONE: &str = "## Daily filters alone,";
const BATCH_SIZE: usize = 10_000;

/// The daily filters: who runs them, the listing, and its count.
const DAILY: &[(&str, (&str, &str), &str)] = &[
    ("no support", HELENE, "events where support is none"),
    ("mine (support)", KATE, "events where support is me"),
    ("mine (sales)", BILL, "clients where sales is me"),
    ("unsigned", HELENE, "contracts where signed = false"),
    ("unpaid", HELENE, "contracts where remaining > 0"),
    ("client name ~", HELENE, "clients where name ~ \"dubois\""),
    ("client email ~", HELENE, "clients where email ~ \"dubois\""),
    ("event name ~", HELENE, "events where name ~ \"gala\""),
    (
        "event location ~",
        HELENE,
        "events where location ~ \"Lyon\"",
    ),
    ("event notes ~", HELENE, "events where notes ~ \"river\""),
];

struct Options {
    size: String,
    runs: usize,
    write: bool,
    /// `--only daily`: the daily filters alone.
    daily_only: bool,
    /// `--data-dir DIR`: a database already generated at `size`.
    data_dir: Option<PathBuf>,
}

fn options() -> Options {
    let mut options = Options {
        size: "L".to_owned(),
        runs: 31,
        write: true,
        daily_only: false,
        data_dir: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--size" => options.size = args.next().expect("--size S|M|L|XL"),
            "--runs" => options.runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            "--no-write" => options.write = false,
            "--data-dir" => options.data_dir = args.next().map(PathBuf::from),
            "--only" => {
                let part = args.next();
                assert!(part.as_deref() == Some("daily"), "--only daily");
                options.daily_only = true;
            }
            // cargo bench passes --bench; anything else is not ours.
            _ => {}
        }
    }
    options
}

fn main() {
    let options = options();
    let data_dir = tempfile::Builder::new()
        .prefix("epic-bench-")
        .tempdir()
        .expect("a temporary data directory");
    let bench = Bench::new(options.data_dir.as_deref().unwrap_or(data_dir.path()));
    let mut report = Report::default();

    if options.data_dir.is_none() {
        eprintln!("generating size {} ...", options.size);
        let started = Instant::now();
        let generated = bench
            .epic(None)
            .args(["gen", "--size", &options.size])
            .stdout(Stdio::null())
            .output()
            .expect("run epic gen");
        assert!(
            generated.status.success(),
            "epic gen failed: {}",
            String::from_utf8_lossy(&generated.stderr)
        );
        report.generated = Some(started.elapsed());
    }
    for (email, password) in [HELENE, KATE, BILL] {
        bench.login(email, password);
    }
    let status = bench.status();
    let socket = status["socket"].as_str().expect("a socket").to_owned();
    let server_user = status["server user"].as_str().expect("a user").to_owned();
    let psql = Psql {
        binary: common::psql_binary(),
        socket,
        user: server_user,
    };
    report.facts = machine_facts(&psql);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");

    if !options.daily_only {
        eprintln!("start-up and one small query ...");
        report.rows.push(startup(&bench, &psql, options.runs));
        eprintln!("full CSV export ...");
        report.rows.extend(export(&bench, &psql, 5));
    }
    // Before the batch adds its clients: the filters see the data as generated.
    eprintln!("daily filters in one session ...");
    report.daily = daily_filters(&bench, &runtime);
    if !options.daily_only {
        eprintln!("batch of {BATCH_SIZE} creates ...");
        report.rows.push(batch(&bench, &psql, 3));
        eprintln!("idle shell ...");
        report.rows.push(idle_shell(&bench, &psql));
        eprintln!("a shared server: TLS on TCP, scram, the client login ...");
        report.rows.extend(shared_server(options.runs));
    }

    if options.daily_only {
        let heading = format!("{DAILY_ALONE} at size {}", options.size);
        let text = report.daily_alone(&heading, &options.size);
        println!("{text}");
        if options.write {
            common::section::write_section(&heading, &text);
        }
        return;
    }
    let text = report.markdown(&options.size);
    println!("{text}");
    if options.write {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCH.md");
        // `cargo bench --bench import` and `--bench concurrency` write
        // their own sections: kept.
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        let kept: String = [
            "## Importing the support team's sheet",
            "## 200 staff at once",
            &format!("{DAILY_ALONE} at size XL"),
        ]
        .iter()
        .filter_map(|title| old.find(title))
        .map(|at| {
            old[at..]
                .split_once("\n## ")
                .map_or(&old[at..], |(section, _)| section)
        })
        .map(|section| format!("\n{}\n", section.trim_end()))
        .collect();
        std::fs::write(&path, format!("{text}{kept}")).expect("write BENCH.md");
        eprintln!("wrote {}", path.display());
    }
    let _ = bench
        .epic(None)
        .args(["db", "stop"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

impl Bench {
    fn status(&self) -> serde_json::Value {
        let output = self
            .epic(None)
            .args(["--format", "json", "db", "status"])
            .stdout(Stdio::piped())
            .output()
            .expect("epic db status");
        let status: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("JSON status");
        status[0].clone()
    }

    /// The configuration an in-process shell acting for `email` reads.
    fn config(&self, email: &str) -> Config {
        let env = self.env(Some(email));
        Config::from_lookup(|name| {
            env.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.clone())
        })
        .expect("a configuration")
    }
}

struct Psql {
    binary: PathBuf,
    socket: String,
    user: String,
}

impl Psql {
    fn command(&self) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(&self.socket)
            .args(["-U", &self.user, "-d", "epic"])
            .stdin(Stdio::null())
            .stderr(Stdio::inherit());
        command
    }

    fn value(&self, sql: &str) -> String {
        let output = self
            .command()
            .args(["-At", "-c", sql])
            .output()
            .expect("run psql");
        assert!(output.status.success(), "psql -c {sql}");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The p-th percentile (nearest rank) of sorted times.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// One line of the ratios table.
struct Row {
    what: String,
    epic: String,
    psql: String,
    ratio: Option<f64>,
    target: String,
    met: bool,
}

/// `command` as the checker allows it to an admin (who reads everything).
fn allowed(command: &str) -> Allowed {
    match policy::authorize_now(
        Role::Admin,
        syntax::parse(command).expect("a valid command"),
    ) {
        Decision::Allowed(allowed) => allowed,
        other => panic!("`{command}` is not an allowed read: {other:?}"),
    }
}

/// The SQL epic runs for `command`, with its parameters written as
/// literals, for psql. The values are the benchmark's own.
fn literal_sql(command: &str, me: Option<i64>) -> String {
    let plan = match allowed(command) {
        Allowed::Listing(query) => plan::plan_show(&query, &context(me), None, plan::Rows::Listing),
        Allowed::Count(query) => plan::plan_count(&query, &context(me)),
        other => panic!("not a listing: {other:?}"),
    }
    .expect("a plan");
    let mut sql = plan.sql().to_owned();
    // Highest first, so `$1` does not match the start of `$10`.
    for (index, param) in plan.params().iter().enumerate().rev() {
        let literal = match param {
            Param::Int(v) => v.to_string(),
            Param::Text(v) => format!("'{}'", v.replace('\'', "''")),
            Param::Money(v) => v.to_string(),
            Param::Bool(v) => v.to_string(),
            Param::Time(v) => format!("'{}'", v.to_rfc3339()),
            other => panic!("no literal for {other}"),
        };
        let placeholder = format!("${}", index + 1);
        sql = sql.replace(&placeholder, &literal);
    }
    sql
}

fn context(me: Option<i64>) -> PlanContext {
    PlanContext {
        me,
        now: chrono::Utc::now(),
        zone: epic::zone::Zone::default(),
        indexed_searches: Vec::new(),
    }
}

fn startup(bench: &Bench, psql: &Psql, runs: usize) -> Row {
    let sql = literal_sql(SMALL_QUERY, None);
    let mut epic_times = Vec::with_capacity(runs);
    let mut psql_times = Vec::with_capacity(runs);
    for _ in 0..runs {
        epic_times.push(measure(bench.epic(Some(HELENE.0)).args(["-c", SMALL_QUERY]), None).wall);
        psql_times.push(measure(psql.command().args(["-c", &sql]), None).wall);
    }
    let (epic, psql) = (median(&mut epic_times), median(&mut psql_times));
    let ratio = epic.as_secs_f64() / psql.as_secs_f64();
    Row {
        what: format!("start-up and one small query (median of {runs})"),
        epic: format!("{:.1} ms", ms(epic)),
        psql: format!("{:.1} ms", ms(psql)),
        ratio: Some(ratio),
        target: "≤ 1.3".to_owned(),
        met: ratio <= 1.3,
    }
}

/// The events as CSV: epic's export against psql's `--csv` (rows printed
/// by psql) and against `COPY (the same query) TO STDOUT` (the server
/// writes the CSV: what an export cannot beat), all three alternated.
fn export(bench: &Bench, psql: &Psql, runs: usize) -> Vec<Row> {
    let sql = literal_sql(EXPORT, None);
    let copy = format!("COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)");
    let (mut epic_runs, mut csv_runs, mut copy_runs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        epic_runs.push(measure(
            bench
                .epic(Some(HELENE.0))
                .args(["--format", "csv", "-c", EXPORT]),
            None,
        ));
        csv_runs.push(measure(psql.command().args(["--csv", "-c", &sql]), None));
        copy_runs.push(measure(psql.command().args(["-c", &copy]), None));
    }
    let wall = |runs: &[Run]| median(&mut runs.iter().map(|r| r.wall).collect::<Vec<_>>());
    let rss = |runs: &[Run]| runs.iter().map(|r| r.max_rss_kib).max().unwrap_or(0);
    let epic_wall = wall(&epic_runs);
    let (epic_rss, psql_rss) = (rss(&epic_runs), rss(&csv_runs));
    let rows = psql.value("SELECT count(*) FROM events");
    let against = |what: &str, psql_wall: Duration| {
        let ratio = epic_wall.as_secs_f64() / psql_wall.as_secs_f64();
        Row {
            what: format!("CSV export of {rows} events, wall, against {what} (median of {runs})"),
            epic: format!("{:.2} s", epic_wall.as_secs_f64()),
            psql: format!("{:.2} s", psql_wall.as_secs_f64()),
            ratio: Some(ratio),
            target: "≤ 1.1".to_owned(),
            met: ratio <= 1.1,
        }
    };
    vec![
        against(
            "psql `COPY (the same query) TO STDOUT WITH (FORMAT csv, HEADER)`",
            wall(&copy_runs),
        ),
        against("psql `--csv`", wall(&csv_runs)),
        Row {
            what: "CSV export, peak memory (RSS, largest run; psql `--csv`)".to_owned(),
            epic: format!("{:.1} MiB", epic_rss as f64 / 1024.0),
            psql: format!("{:.1} MiB", psql_rss as f64 / 1024.0),
            ratio: Some(epic_rss as f64 / psql_rss as f64),
            target: "epic < 50 MiB".to_owned(),
            met: epic_rss < 50 * 1024,
        },
    ]
}

/// 10,000 `create client` lines as Bill, against psql sending, per create,
/// the statements epic sends (as its library spells them) as the login
/// epic uses, over the same socket: the session check, the switch to the
/// app role, the taken-email look-up, the INSERT (the audit is a trigger,
/// on both sides) and the COMMIT, in epic's round trips.
fn batch(bench: &Bench, psql: &Psql, runs: usize) -> Row {
    let script = CreateScript::for_bill(bench, psql);
    let client_login = Psql {
        binary: psql.binary.clone(),
        socket: psql.socket.clone(),
        user: epic::db::roles::DEFAULT_CLIENT.to_owned(),
    };
    // Each run alternates ten chunks of each side, so that a checkpoint or
    // an autovacuum during the run falls on both, not on one of them.
    const CHUNKS: usize = 10;
    let mut epic_times = Vec::new();
    let mut psql_times = Vec::new();
    for run in 0..runs {
        let (mut epic_run, mut psql_run) = (Duration::ZERO, Duration::ZERO);
        for chunk in 0..CHUNKS {
            let mut epic_lines = String::new();
            let mut psql_lines = String::new();
            let numbers = chunk * BATCH_SIZE / CHUNKS..(chunk + 1) * BATCH_SIZE / CHUNKS;
            for (nth, n) in numbers.enumerate() {
                epic_lines.push_str(&create_line("Batch", "batch", run, n));
                script.push(
                    &mut psql_lines,
                    &create_line("Psql", "psql", run, n),
                    nth == 0,
                );
            }
            epic_run += measure(&mut bench.epic(Some(BILL.0)), Some(epic_lines.as_bytes())).wall;
            psql_run += measure(
                client_login.command().args(["-f", "-"]),
                Some(psql_lines.as_bytes()),
            )
            .wall;
        }
        epic_times.push(epic_run);
        psql_times.push(psql_run);
    }
    for side in ["Batch", "Psql"] {
        let created = psql.value(&format!(
            "SELECT count(*) FROM clients WHERE full_name LIKE '{side} Client %'"
        ));
        assert_eq!(
            created,
            (BATCH_SIZE * runs).to_string(),
            "every {side} create landed"
        );
    }
    let (epic, psql) = (median(&mut epic_times), median(&mut psql_times));
    let ratio = epic.as_secs_f64() / psql.as_secs_f64();
    Row {
        what: format!(
            "batch of {BATCH_SIZE} creates, against psql sending epic's statements as the client login (median of {runs})"
        ),
        epic: format!("{:.2} s", epic.as_secs_f64()),
        psql: format!("{:.2} s", psql.as_secs_f64()),
        ratio: Some(ratio),
        target: "≤ 1.2".to_owned(),
        met: ratio <= 1.2,
    }
}

/// The n-th `create client` line of a run; `name` and `email` tell the
/// sides' clients apart.
fn create_line(name: &str, email: &str, run: usize, n: usize) -> String {
    let phone = format!(
        "+33 6 {:02} {:02} {:02} {:02}",
        n % 97,
        n % 89,
        n % 83,
        n % 79
    );
    format!(
        "create client name \"{name} Client {run}-{n}\" email \"{email}{run}.{n}@example.com\" \
         phone \"{phone}\" company \"Batch & Co\"\n"
    )
}

/// What epic sends for Bill's creates, for psql: his session and who it
/// says he is.
struct CreateScript {
    token: String,
    bill: i64,
    name: String,
    department: String,
    app_role: String,
}

impl CreateScript {
    fn for_bill(bench: &Bench, psql: &Psql) -> CreateScript {
        let token = epic::auth::session_file::read(&bench.session_file(BILL.0))
            .expect("Bill's session file")
            .expect("Bill is logged in");
        let facts = psql.value(&format!(
            "SELECT id || '|' || department || '|' || full_name FROM employees WHERE email = '{}'",
            BILL.0
        ));
        let mut facts = facts.splitn(3, '|');
        let mut fact = || {
            facts
                .next()
                .expect("Bill's id, department and name")
                .to_owned()
        };
        CreateScript {
            bill: fact().parse().expect("Bill's id"),
            department: fact(),
            name: fact(),
            token,
            app_role: epic::db::roles::DEFAULT_APP.to_owned(),
        }
    }

    /// Appends to `script` what epic sends for `line`. The first command of
    /// a process checks the session in a round trip of its own
    /// (`begin_checked`); each later one sends BEGIN, `epic_expect_session`
    /// and the switch to the app role with the look-up, the INSERT and the
    /// COMMIT (`expect_session`, `write_unless_email_taken`), all in one.
    /// psql's `\;` makes one round trip of statements, as epic's pipeline.
    fn push(&self, script: &mut String, line: &str, first: bool) {
        use epic::db::{identity::CHECK_SESSION, transaction, write::CLIENT_WITH_EMAIL};
        let token = Param::Text(self.token.clone());
        let enter = with_literals(
            transaction::ENTER_APP_ROLE,
            &[token.clone(), Param::Text(self.app_role.clone())],
        );
        let (create, email) = self.authorized(line);
        let insert = plan::plan_create(&create, self.bill, &context(Some(self.bill)), Vec::new());
        let lookup = with_literals(CLIENT_WITH_EMAIL, &[Param::Text(email)]);
        let insert = with_literals(insert.sql(), insert.params());
        if first {
            let check = with_literals(CHECK_SESSION, &[token]);
            let _ = writeln!(script, "BEGIN \\; {check} \\; {enter};");
        } else {
            let expect = with_literals(
                transaction::EXPECT_SESSION,
                &[
                    token,
                    Param::Int(self.bill),
                    Param::Text(self.department.clone()),
                    Param::Text(self.name.clone()),
                ],
            );
            let _ = write!(script, "BEGIN \\; {expect} \\; {enter} \\; ");
        }
        let _ = writeln!(script, "{lookup} \\; {insert} \\; COMMIT;");
    }

    /// `line` as the checker allows it to Bill (a client of his own), and
    /// its email.
    fn authorized(&self, line: &str) -> (policy::Authorized<syntax::ast::Create>, String) {
        let syntax::Command::Create(create) = syntax::parse(line.trim()).expect("a create") else {
            panic!("not a create: {line}");
        };
        let email = create
            .values
            .iter()
            .find_map(|(field, value)| match value {
                syntax::ast::Assign::Value(syntax::ast::Value::Text(email))
                    if *field == epic::model::Field::ClientEmail =>
                {
                    Some(email.clone())
                }
                _ => None,
            })
            .expect("an email");
        let request = policy::Request {
            action: policy::Action::Create,
            target: policy::Target::Client,
            ownership: policy::Ownership::Own,
            touches: policy::touched(
                policy::Action::Create,
                create.values.iter().map(|(field, _)| *field),
            ),
            id: None,
        };
        let create = policy::authorize(Role::Sales, &request, create).expect("Bill may create");
        (create, email)
    }
}

/// `sql` with its parameters written as literals (as `literal_sql` does for
/// a read's plan).
fn with_literals(sql: &str, params: &[Param]) -> String {
    let mut sql = sql.to_owned();
    // Highest first, so `$1` does not match the start of `$10`.
    for (index, param) in params.iter().enumerate().rev() {
        let literal = match param {
            Param::Int(v) => v.to_string(),
            Param::Text(v) => format!("'{}'", v.replace('\'', "''")),
            other => panic!("no literal for {other}"),
        };
        sql = sql.replace(&format!("${}", index + 1), &literal);
    }
    sql
}

/// One daily filter's figures.
struct Daily {
    name: &'static str,
    command: String,
    first_screen_median: Duration,
    first_screen_p99: Duration,
    count_median: Duration,
    count_p99: Duration,
    /// What the footer's count adds after the first screen.
    footer_median: Duration,
    footer_p99: Duration,
    matches: String,
    plan: String,
    uses_index: bool,
}

/// Output that notes when the last byte of the page arrived: the table is
/// written once it is complete, so that is when the first screen is up.
struct Screen {
    last_write: Option<Instant>,
    bytes: usize,
}

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.last_write = Some(Instant::now());
        self.bytes += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn daily_filters(bench: &Bench, runtime: &tokio::runtime::Runtime) -> Vec<Daily> {
    const RUNS: usize = 200;
    let mut results = Vec::new();
    for (name, (email, _), listing) in DAILY {
        let config = bench.config(email);
        let database = runtime
            .block_on(Database::connect(&config, epic::db::Login::Client))
            .expect("connect");
        let mut shell = Shell::new(
            config,
            database,
            Settings::default(),
            true,
            false,
            PasswordSource::Unavailable,
        )
        .expect("a shell");
        let show = Entry {
            first_line: 1,
            text: format!("show {listing}"),
        };
        let count = Entry {
            first_line: 1,
            text: format!("count {listing}"),
        };
        let mut first_screen = Vec::with_capacity(RUNS);
        let mut counts = Vec::with_capacity(RUNS);
        let mut footers = Vec::with_capacity(RUNS);
        let mut matches = String::new();
        for run in 0..RUNS + 5 {
            let mut screen = Screen {
                last_write: None,
                bytes: 0,
            };
            let mut footer = Vec::new();
            let start = Instant::now();
            runtime
                .block_on(shell.execute(&show, &mut screen, &mut footer))
                .expect("the listing runs");
            // Nothing matched: the screen is up when the command says so.
            let done = Instant::now();
            let shown = screen.last_write.unwrap_or(done) - start;
            // The footer (its count) is what follows the last row written.
            let footer_cost = done - screen.last_write.unwrap_or(done);
            let mut number = Vec::new();
            let start = Instant::now();
            runtime
                .block_on(shell.execute(&count, &mut number, &mut Vec::new()))
                .expect("the count runs");
            let counted = start.elapsed();
            if run >= 5 {
                first_screen.push(shown);
                counts.push(counted);
                footers.push(footer_cost);
            }
            matches = String::from_utf8_lossy(&number).trim().to_owned();
        }
        first_screen.sort();
        counts.sort();
        footers.sort();
        let me = shell.logged_in_employee();
        let (plan, uses_index) = explain_under_rls(bench, runtime, email, listing, me);
        results.push(Daily {
            name,
            command: format!("show {listing}"),
            first_screen_median: percentile(&first_screen, 50.0),
            first_screen_p99: percentile(&first_screen, 99.0),
            count_median: percentile(&counts, 50.0),
            count_p99: percentile(&counts, 99.0),
            footer_median: percentile(&footers, 50.0),
            footer_p99: percentile(&footers, 99.0),
            matches,
            plan,
            uses_index,
        });
    }
    results
}

/// EXPLAIN ANALYZE of the listing's first page as epic runs it: as the
/// application role, for the employee's live session, row-level security
/// on. For a `~` search, also the search function's own query, which is
/// where the trigram index is used. Returns the plans' scan lines and
/// whether every scan of a big table went through an index.
fn explain_under_rls(
    bench: &Bench,
    runtime: &tokio::runtime::Runtime,
    email: &str,
    listing: &str,
    me: Option<i64>,
) -> (String, bool) {
    let config = bench.config(email);
    runtime.block_on(async {
        let database = Database::connect(&config, epic::db::Login::Client)
            .await
            .expect("connect");
        let mut client = database.client().await.expect("a connection");
        let command = format!("show {listing}");
        let Allowed::Listing(query) = allowed(&command) else {
            unreachable!("a listing")
        };
        let page = Settings::default().page_size as u64 + 1;
        // The employee's own session: the token epic keeps in their file.
        let token = std::fs::read_to_string(bench.session_file(email)).expect("a session file");
        let tx = client.transaction().await.expect("begin");
        tx.execute(
            "SELECT set_config('epic.session', $1, true)",
            &[&token.trim()],
        )
        .await
        .expect("act for the session");
        tx.batch_execute("SET LOCAL ROLE epic_app")
            .await
            .expect("the app role");
        // The searches the shell's listing takes through their index, as
        // the database judges them for this page (`commands::reads`).
        let mut planned = context(me);
        let searches = query
            .filter
            .as_ref()
            .map(plan::searches_by_selectivity)
            .unwrap_or_default();
        if !searches.is_empty() {
            let ask = plan::plan_search_selectivity(&searches, page);
            let asked: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                ask.params().iter().map(|p| p.as_sql()).collect();
            let answers = tx.query(ask.sql(), &asked).await.expect("selectivity");
            planned.indexed_searches = searches
                .into_iter()
                .zip(answers)
                .filter(|(_, row)| row.get::<_, bool>(0))
                .map(|(search, _)| search)
                .collect();
        }
        let plan =
            plan::plan_show(&query, &planned, Some(page), plan::Rows::Listing).expect("a plan");
        let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
            plan.params().iter().map(|p| p.as_sql()).collect();
        let rows = tx
            .query(
                &format!(
                    "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {}",
                    plan.sql()
                ),
                &params,
            )
            .await
            .expect("explain");
        let mut lines: Vec<String> = rows.iter().map(|r| r.get::<_, String>(0)).collect();
        tx.rollback().await.expect("rollback");
        let big_tables = ["events", "contracts", "clients"];
        let mut uses_index = !lines.iter().any(|line| {
            big_tables
                .iter()
                .any(|t| line.contains(&format!("Seq Scan on {t} ")))
        });
        if let Some(search) = TRIGRAM_SEARCHES
            .iter()
            .find(|search| listing.starts_with(search.listing))
        {
            let Param::Text(pattern) = &plan.params()[0] else {
                unreachable!("a text pattern")
            };
            // A client's name always goes through its function; the other
            // fields when the sample judged the word rare for this page.
            let through_index = search.sampled.is_none() || !planned.indexed_searches.is_empty();
            let (scanned, inner) = trigram_proof(&config, &client, search, &command, pattern).await;
            if through_index {
                uses_index &= scanned > 0 && inner.iter().any(|l| l.contains(search.index));
            }
            lines.push(if through_index {
                format!(
                    "-- through {}, as the schema owner; the command as epic ran it scanned {} {} time(s)",
                    search.function(),
                    search.index,
                    scanned
                )
            } else {
                format!(
                    "-- a common word for this page (the sample says so): read in id order until \
                     the page is full, {} not used ({} scan(s) as epic ran it); were it rare, \
                     {} would run:",
                    search.index,
                    scanned,
                    search.function()
                )
            });
            lines.extend(inner);
        }
        let scans: Vec<String> = lines
            .into_iter()
            .filter(|l| {
                [
                    "Scan",
                    "Cond",
                    "Filter",
                    "Rows Removed",
                    "Sort",
                    "Join",
                    "--",
                ]
                .iter()
                .any(|word| l.contains(word))
            })
            .map(|l| l.trim_end().to_owned())
            .collect();
        (scans.join("\n"), uses_index)
    })
}

/// The trigram search behind each `~` daily listing (sql/0008, 0019,
/// 0022): the listing it serves, the index, and for the fields searched by
/// sample (`epic_search`) the field's name there; a client's name goes
/// through `epic_clients_named()` always.
struct TrigramSearch {
    listing: &'static str,
    index: &'static str,
    sampled: Option<&'static str>,
}

impl TrigramSearch {
    fn function(&self) -> String {
        match self.sampled {
            Some(field) => format!("epic_search('{field}')"),
            None => "epic_clients_named()".to_owned(),
        }
    }
}

const TRIGRAM_SEARCHES: &[TrigramSearch] = &[
    TrigramSearch {
        listing: "clients where name ~",
        index: "clients_name_trgm_idx",
        sampled: None,
    },
    TrigramSearch {
        listing: "clients where email ~",
        index: "clients_email_trgm_idx",
        sampled: Some("client email"),
    },
    TrigramSearch {
        listing: "events where name ~",
        index: "events_name_trgm_idx",
        sampled: Some("event name"),
    },
    TrigramSearch {
        listing: "events where location ~",
        index: "events_location_trgm_idx",
        sampled: Some("event location"),
    },
    TrigramSearch {
        listing: "events where notes ~",
        index: "events_notes_trgm_idx",
        sampled: Some("event notes"),
    },
];

/// How many scans of `search`'s index `command` made, run in a real shell
/// (the index's statistics, before and after); and the function's query as
/// the schema owner plans it for `pattern` (EXECUTE ... USING).
async fn trigram_proof(
    config: &Config,
    client: &tokio_postgres::Client,
    search: &TrigramSearch,
    command: &str,
    pattern: &str,
) -> (i64, Vec<String>) {
    let scans_before = index_scans(client, search.index).await;
    let mut shell = Shell::new(
        config.clone(),
        Database::connect(config, epic::db::Login::Client)
            .await
            .expect("connect"),
        Settings::default(),
        true,
        false,
        PasswordSource::Unavailable,
    )
    .expect("a shell");
    let entry = Entry {
        first_line: 1,
        text: command.to_owned(),
    };
    shell
        .execute(&entry, &mut Vec::new(), &mut Vec::new())
        .await
        .expect("the search runs");
    // A backend reports its statistics when it ends.
    drop(shell);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let scanned = index_scans(client, search.index).await - scans_before;
    eprintln!("  {} scans: {scanned}", search.index);
    // As the owner role reads it (the migrator is its member).
    let operator = Database::connect(config, epic::db::Login::Migrator)
        .await
        .expect("the migrator connects");
    let operator = operator.client().await.expect("a connection");
    // The statement the function runs: sql/0022's own for a sampled field.
    let query = match search.sampled {
        Some(field) => operator
            .query_one("SELECT (epic_search_statement($1)).statement", &[&field])
            .await
            .expect("the field's statement")
            .get(0),
        None => "SELECT id FROM clients WHERE full_name ILIKE $1".to_owned(),
    };
    let rows = operator
        .query(
            &format!("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {query}"),
            &[&pattern],
        )
        .await
        .expect("explain the search");
    let inner = rows.iter().map(|r| r.get::<_, String>(0)).collect();
    (scanned, inner)
}

/// How many times the index named `index` has been scanned.
async fn index_scans(client: &tokio_postgres::Client, index: &str) -> i64 {
    client
        .batch_execute("SELECT pg_stat_clear_snapshot()")
        .await
        .expect("fresh statistics");
    client
        .query_one(
            "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = $1",
            &[&index],
        )
        .await
        .expect("index statistics")
        .get(0)
}

/// On a server set up as a company's (the tests' harness: TCP on 127.0.0.1,
/// `hostssl` and scram-sha-256 only, a CA made for the run, the roles from
/// `epic db roles`, the demo data): start-up plus the small query, epic as
/// a desk (the client login, `sslmode=verify-full`, the session check and
/// row security) against psql with the same TLS and password exchange as
/// the superuser; and a login at bcrypt cost 12, against psql running the
/// same bcrypt check over the same kind of connection (what a login cannot
/// avoid), so the ratio is what epic adds to it.
fn shared_server(runs: usize) -> Vec<Row> {
    let db = harness::TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    const PSQL_PASSWORD: &str = "bench-superuser-password";
    const LOGIN: (&str, &str) = ("cost12@epic.events", "Twelve-Rounds-Of-Salt-12");
    db.execute(&format!(
        "ALTER ROLE postgres PASSWORD '{PSQL_PASSWORD}'; \
         UPDATE security_settings SET bcrypt_cost = 12; \
         INSERT INTO employees (full_name, email, department, password_hash) \
         VALUES ('Cost Twelve', '{}', 'support', crypt('{}', gen_salt('bf', 12)));",
        LOGIN.0, LOGIN.1
    ));
    let helene = db.logged_in(HELENE.0, HELENE.1);
    let server = harness::server();
    let desk = |session: &Path| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_epic"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", db.url())
            .env("PGPASSWORD", harness::CLIENT_PASSWORD)
            .env("EPIC_CONFIG", db.home.path().join("config.toml"))
            .env("EPIC_DATA_DIR", db.home.path())
            .env("EPIC_SESSION_FILE", session)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stderr(Stdio::inherit());
        command
    };
    let psql = || {
        let mut command = Command::new(common::psql_binary());
        command
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1"])
            .arg(format!(
                "host=127.0.0.1 port={} dbname={} user=postgres sslmode=verify-full sslrootcert={}",
                server.port,
                db.name,
                server.ca_file.display()
            ))
            .env("PGPASSWORD", PSQL_PASSWORD)
            .stdin(Stdio::null())
            .stderr(Stdio::inherit());
        command
    };
    let sql = literal_sql(SMALL_QUERY, None);
    let mut epic_times = Vec::with_capacity(runs);
    let mut psql_times = Vec::with_capacity(runs);
    for _ in 0..runs {
        epic_times.push(measure(desk(&helene).args(["-c", SMALL_QUERY]), None).wall);
        psql_times.push(measure(psql().args(["-c", &sql]), None).wall);
    }
    let (epic_startup, psql_startup) = (median(&mut epic_times), median(&mut psql_times));
    let startup_ratio = epic_startup.as_secs_f64() / psql_startup.as_secs_f64();

    const LOGINS: usize = 15;
    let check = format!(
        "SELECT crypt('{0}', password_hash) = password_hash FROM employees WHERE email = '{1}'",
        LOGIN.1, LOGIN.0
    );
    let session = db.home.path().join("cost12.session");
    let mut epic_logins = Vec::with_capacity(LOGINS);
    let mut psql_checks = Vec::with_capacity(LOGINS);
    for _ in 0..LOGINS {
        let password = format!("{}\n", LOGIN.1);
        epic_logins.push(
            measure(
                desk(&session).args(["login", LOGIN.0]),
                Some(password.as_bytes()),
            )
            .wall,
        );
        psql_checks.push(measure(psql().args(["-At", "-c", &check]), None).wall);
    }
    let (epic_login, psql_check) = (median(&mut epic_logins), median(&mut psql_checks));
    let login_ratio = epic_login.as_secs_f64() / psql_check.as_secs_f64();
    vec![
        Row {
            what: format!(
                "shared server over TLS: start-up and one small query (median of {runs})"
            ),
            epic: format!("{:.1} ms", ms(epic_startup)),
            psql: format!("{:.1} ms", ms(psql_startup)),
            ratio: Some(startup_ratio),
            target: "≤ 1.3".to_owned(),
            met: startup_ratio <= 1.3,
        },
        Row {
            what: format!(
                "shared server over TLS: login at bcrypt cost 12, against psql's bcrypt check (median of {LOGINS})"
            ),
            epic: format!("{:.1} ms", ms(epic_login)),
            psql: format!("{:.1} ms", ms(psql_check)),
            ratio: Some(login_ratio),
            target: "≤ 1.1".to_owned(),
            met: login_ratio <= 1.1,
        },
    ]
}

/// An interactive shell on a pseudo-terminal, idle at its prompt: its
/// resident memory, against psql's idle at its own.
fn idle_shell(bench: &Bench, psql: &Psql) -> Row {
    let mut epic = bench.epic(Some(HELENE.0));
    epic.env("TERM", "xterm");
    let epic_rss = idle_rss(epic, "epic helene>");
    let mut psql_command = psql.command();
    psql_command.env("TERM", "xterm");
    let psql_rss = idle_rss(psql_command, "epic=#");
    Row {
        what: "idle interactive shell, resident memory".to_owned(),
        epic: format!("{:.1} MiB", epic_rss as f64 / 1024.0),
        psql: format!("{:.1} MiB", psql_rss as f64 / 1024.0),
        ratio: Some(epic_rss as f64 / psql_rss as f64),
        target: "epic < 30 MiB".to_owned(),
        met: epic_rss < 30 * 1024,
    }
}

/// Starts `command` on a terminal, waits for `prompt` and a second of
/// quiet, and returns its VmRSS in KiB.
fn idle_rss(mut command: Command, prompt: &str) -> i64 {
    let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
    let slave = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup the terminal"));
    command
        .stdin(slave(&pty.slave))
        .stdout(slave(&pty.slave))
        .stderr(slave(&pty.slave));
    let mut child = command.spawn().expect("start the shell");
    drop(pty.slave);
    let mut master = std::fs::File::from(pty.master);
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(30);
    while !seen.contains(prompt) {
        assert!(
            Instant::now() < deadline,
            "no prompt {prompt:?} in {seen:?}"
        );
        let n = master.read(&mut buffer).expect("read the terminal");
        seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
    std::thread::sleep(Duration::from_secs(1));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .expect("the process status");
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    let _ = master.write_all(b"\\q\nquit\n");
    let _ = child.kill();
    let _ = child.wait();
    rss
}

fn machine_facts(psql: &Psql) -> Vec<(String, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or("unknown".to_owned(), |kib| {
            format!("{:.1} GiB", kib / 1024.0 / 1024.0)
        });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    vec![
        (
            "date".to_owned(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
        (
            "epic".to_owned(),
            format!("{} ({commit})", env!("CARGO_PKG_VERSION")),
        ),
        ("CPU".to_owned(), format!("{cpu}, {cores} cores available")),
        ("memory".to_owned(), memory),
        ("kernel".to_owned(), kernel),
        ("PostgreSQL".to_owned(), psql.value("SHOW server_version")),
        (
            "server settings".to_owned(),
            format!(
                "fsync={}, synchronous_commit={}, shared_buffers={}",
                psql.value("SHOW fsync"),
                psql.value("SHOW synchronous_commit"),
                psql.value("SHOW shared_buffers")
            ),
        ),
        (
            "data".to_owned(),
            psql.value(
                "SELECT format('%s employees, %s clients, %s contracts, %s events', \
                 (SELECT count(*) FROM employees), (SELECT count(*) FROM clients), \
                 (SELECT count(*) FROM contracts), (SELECT count(*) FROM events))",
            ),
        ),
    ]
}

#[derive(Default)]
struct Report {
    /// How long `epic gen` took; `None` for a database given by `--data-dir`.
    generated: Option<Duration>,
    facts: Vec<(String, String)>,
    rows: Vec<Row>,
    daily: Vec<Daily>,
}

impl Report {
    fn markdown(&self, size: &str) -> String {
        let mut text = String::new();
        let _ = writeln!(text, "# Benchmarks: epic against psql\n");
        let _ = writeln!(
            text,
            "Regenerate with `cargo bench --bench against_psql` (this file is its output). \
             epic and psql ran alternately against the same local server and the same data; \
             psql connects as the server's superuser (no row-level security, no session check: \
             the floor), epic as itself, the client login. The two `shared server` rows ran on \
             a second server set up as a company's (TCP on 127.0.0.1, TLS verified against a CA \
             made for the run, scram-sha-256 passwords, the demo data), where both connect over \
             TLS with a password.\n"
        );
        let _ = writeln!(text, "## The machine\n");
        for (name, value) in &self.facts {
            let _ = writeln!(text, "- {name}: {value}");
        }
        let _ = match self.generated {
            Some(took) => writeln!(
                text,
                "- generating size {size} (`epic gen --size {size}`) took {:.1} s\n",
                took.as_secs_f64()
            ),
            None => writeln!(
                text,
                "- size {size}, generated by `epic gen --size {size}` before the run (`--data-dir`), not timed\n"
            ),
        };
        let _ = writeln!(text, "## epic / psql\n");
        let _ = writeln!(text, "| measure | epic | psql | ratio | target | met |");
        let _ = writeln!(text, "| --- | ---: | ---: | ---: | --- | --- |");
        for row in &self.rows {
            let ratio = row.ratio.map_or(String::new(), |r| format!("{r:.2}"));
            let _ = writeln!(
                text,
                "| {} | {} | {} | {ratio} | {} | {} |",
                row.what,
                row.epic,
                row.psql,
                row.target,
                if row.met { "yes" } else { "**no**" }
            );
        }
        text.push('\n');
        text.push_str(&self.daily_markdown("## Daily filters in one shell session"));
        text
    }

    /// The section of a `--only daily` run: its own machine facts (it runs
    /// on a database of its own size), then the daily filters.
    fn daily_alone(&self, heading: &str, size: &str) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{heading}\n\nRegenerate with `cargo bench --bench against_psql -- --size {size} \
             --only daily` (add `--data-dir DIR` to reuse a database `epic gen --size {size}` \
             filled); the run at size L above keeps this section.\n"
        );
        for (name, value) in &self.facts {
            let _ = writeln!(text, "- {name}: {value}");
        }
        text.push('\n');
        text.push_str(&self.daily_markdown(&format!("### The daily filters at size {size}")));
        text
    }

    /// The daily filters' table and the plans of their first pages, under
    /// `heading`.
    fn daily_markdown(&self, heading: &str) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{heading}\n\n\
             Time to the first screen (the shell's page of 100 rows, written once complete; \
             the \"showing 1 to 100 of N\" line follows with the count) and the time of `count`, \
             over 200 runs each after 5 warm-up runs; the footer is the time from the page's last \
             byte to the end of the command (its count, up to 10,000 matches, then an \
             estimate: the planner's, or for one common word the sample's). Targets: first screen median under 5 ms and \
             99th percentile under 20 ms; count under 50 ms; footer p99 at most 5 ms.\n"
        );
        let _ = writeln!(
            text,
            "| filter | command | matches | first screen median | p99 | footer median | footer p99 | count median | count p99 | met | indexes only |"
        );
        let _ = writeln!(
            text,
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
        );
        for d in &self.daily {
            let met = ms(d.first_screen_median) < 5.0
                && ms(d.first_screen_p99) < 20.0
                && ms(d.count_p99) < 50.0
                && ms(d.footer_p99) <= 5.0;
            let _ = writeln!(
                text,
                "| {} | `{}` | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {} | {} |",
                d.name,
                d.command,
                d.matches,
                ms(d.first_screen_median),
                ms(d.first_screen_p99),
                ms(d.footer_median),
                ms(d.footer_p99),
                ms(d.count_median),
                ms(d.count_p99),
                if met { "yes" } else { "**no**" },
                if d.uses_index { "yes" } else { "**no**" },
            );
        }
        let _ = writeln!(
            text,
            "\n### EXPLAIN ANALYZE of each first page, as epic runs it\n\n\
             As the application role `epic_app`, acting for the employee's live session, \
             with row-level security forced on every table (scans, joins, sorts and filters; the `$n IS NOT NULL` filters are the policies' session checks, evaluated once per query).\n"
        );
        for d in &self.daily {
            let _ = writeln!(text, "`{}`\n\n```\n{}\n```\n", d.command, d.plan);
        }
        text
    }
}

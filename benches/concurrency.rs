//! 200 staff at once against one server, epic against pgbench running the
//! same SQL, direct and through PgBouncer in transaction mode.
//!
//! `cargo bench --bench concurrency` starts the tests' company server
//! (TLS on 127.0.0.1, scram, the roles `epic db roles` prints), fills it
//! with `epic gen` at size M's numbers (10,000 clients, 30,000 contracts,
//! 50,000 events) and 210 employees, and takes 200 of the generated staff:
//! a tenth in management, half in sales, the rest in support. Each is a
//! tokio task in this process with its own `epic::db::Database` and
//! `Shell`, logged in as `epic login` does it (a new connection, the
//! login, the session file), then running its department's day through
//! `Shell::execute`, the path every typed line takes (parse, check, plan,
//! run: the session check, the row policies, the audit trail), with no
//! pause between commands, on two threads (as pgbench's `-j 2`):
//!
//! | department | mix (percent of its commands) |
//! | --- | --- |
//! | sales | 1 login, 20 `show clients where sales is me`, 10 `show contracts where signed = false`, 10 `show contracts where remaining > 0`, 30 `show event N`, 15 `update client N set company` (their own), 14 `create client` |
//! | support | 1 login, 44 `show events where support is me`, 35 `show event N`, 20 `update event N set notes` (theirs) |
//! | management | 1 login, 25 `show events where support is none`, 10 unsigned, 10 unpaid, 35 `show event N`, 19 `update event N set notes` (one with no support yet) |
//!
//! The listings run as at a terminal: the first screen and the footer's
//! count. Then pgbench (`-M extended`, the same client count and threads,
//! the same duration, the client login over the same TLS) runs a script
//! of the same mix, made from the SQL epic sent for each command as the
//! server logged it (see `concurrency/pgbench.rs`). Both run direct to
//! the server, then both through a real PgBouncer 1.18 in transaction
//! mode with 20 server connections.
//!
//! The targets (issue 18): epic's throughput at least 0.8x pgbench's, no
//! epic errors, p99 command latency under 50 ms. It prints the table and
//! writes it into `BENCH.md`'s "200 staff at once" section. Options:
//! `-- --seconds N` (per phase, default 25), `--staff N` (default 200),
//! `--pool N` (PgBouncer's server connections, default 20), `--no-write`.

#[path = "../tests/common/mod.rs"]
mod harness;
#[path = "concurrency/pgbench.rs"]
mod pgbench;
#[path = "concurrency/report.rs"]
mod report;
#[path = "common/section.rs"]
mod section;
#[path = "concurrency/setup.rs"]
mod setup;
#[path = "concurrency/staff.rs"]
mod staff;

use std::path::Path;
use std::time::Duration;

use harness::pooler::Pooler;
use report::{Measured, Way};
use staff::{Desk, Phase};

pub const SECTION: &str = "## 200 staff at once";

/// Threads of each side: epic's tokio runtimes, pgbench's `-j`.
const THREADS: usize = 2;

pub struct Options {
    pub seconds: u64,
    pub staff: usize,
    pub pool: u32,
    pub think_ms: u64,
    pub write: bool,
}

fn options() -> Options {
    let mut options = Options {
        seconds: 25,
        staff: 200,
        pool: 20,
        think_ms: 2000,
        write: true,
    };
    let mut args = std::env::args().skip(1);
    let number = |args: &mut std::iter::Skip<std::env::Args>, what: &str| -> u64 {
        args.next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{what} N"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => options.seconds = number(&mut args, "--seconds"),
            "--staff" => options.staff = number(&mut args, "--staff") as usize,
            "--pool" => options.pool = number(&mut args, "--pool") as u32,
            "--think-ms" => options.think_ms = number(&mut args, "--think-ms"),
            "--no-write" => options.write = false,
            // cargo bench passes --bench.
            _ => {}
        }
    }
    options
}

fn main() {
    let options = options();
    let db = harness::TestDb::migrated();
    let world = setup::World::generate(&db, options.staff);
    let root = tempfile::tempdir().expect("a directory");
    let desk = |name: &str, url: String| Desk {
        url,
        client_password: harness::CLIENT_PASSWORD.to_owned(),
        staff_password: world.password.clone(),
        home: root.path().join(name),
    };
    let direct = desk("direct", db.url());
    eprintln!("capturing the SQL of each command ...");
    let (captured, slots) = setup::capture(&db, &world, &direct);
    for (file, pipelined) in [("plain.sql", false), ("pipelined.sql", true)] {
        let script = pgbench::script(&captured, &slots, world.events, pipelined);
        std::fs::write(root.path().join(file), &script).expect("keep the script");
        // Where it can be read after the run.
        let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("concurrency-{file}"));
        std::fs::write(&kept, &script).expect("keep the script");
        eprintln!("pgbench's script: {}", kept.display());
    }
    let route = |desk, conninfo, path| Route {
        db: &db,
        world: &world,
        desk,
        conninfo,
        dir: root.path(),
        path,
    };
    let mut measured = phases(&route(&direct, db.url(), Way::Direct), &options);
    let pooler = Pooler::start(&db, options.pool);
    let pooled = desk("pooled", pooler.url(&db));
    let through = route(&pooled, pooler.url(&db), Way::Pooled);
    measured.extend(phases(&through, &options));
    if measured.iter().any(|m| !m.epic.errors.is_empty()) {
        eprintln!("PgBouncer's log ends with:\n{}", tail(&pooler.log(), 20));
    }

    let text = report::markdown(&options, &world, &measured);
    println!("{text}");
    if options.write {
        section::write_section(SECTION, &text);
    }
}

/// What one route is measured with.
struct Route<'a> {
    db: &'a harness::TestDb,
    world: &'a setup::World,
    desk: &'a Desk,
    conninfo: String,
    dir: &'a Path,
    path: Way,
}

/// epic's staff, then pgbench's clients, on one route: flat out (for
/// throughput), then at a working day's pace (for latency).
fn phases(route: &Route, options: &Options) -> Vec<Measured> {
    let duration = Duration::from_secs(options.seconds);
    let think = Duration::from_millis(options.think_ms);
    [None, Some(think)]
        .into_iter()
        .map(|think| phase(route, duration, think))
        .collect()
}

fn phase(route: &Route, duration: Duration, think: Option<Duration>) -> Measured {
    let staff = &route.world.staff;
    let name = match think {
        None => route.path.name().to_owned(),
        Some(_) => format!("{}-paced", route.path.name()),
    };
    eprintln!("{name}: {} staff in epic for {duration:?} ...", staff.len());
    let plan = Phase {
        name: name.clone(),
        duration,
        events: route.world.events,
        think,
    };
    let epic = staff::run(staff, route.desk, &plan, THREADS);
    report::print_errors(&name, &epic);
    setup::publish_sessions(route.db, staff, &staff::tokens(staff, route.desk));
    eprintln!(
        "{name}: pgbench, {} clients for {duration:?} ...",
        staff.len()
    );
    let load = pgbench::Load {
        clients: staff.len(),
        threads: THREADS,
        duration,
        rate: think.map(|mean| staff.len() as f64 / mean.as_secs_f64()),
    };
    let pgbench = |script: &str| {
        let name = format!("pgbench-{name}-{script}");
        eprintln!("{name}: {} clients for {duration:?} ...", staff.len());
        let script = route.dir.join(format!("{script}.sql"));
        let measured = pgbench::run(
            route.dir,
            &std::fs::read_to_string(script).expect("the script"),
            &route.conninfo,
            harness::CLIENT_PASSWORD,
            &load,
            &name,
        );
        for line in &measured.first_errors {
            eprintln!("  pgbench: {line}");
        }
        measured
    };
    let plain = pgbench("plain");
    // At a pace, a pipeline changes only how long each command takes.
    let pipelined = think.is_none().then(|| pgbench("pipelined"));
    Measured {
        route: route.path,
        paced: think.is_some(),
        epic,
        pgbench: plain,
        pipelined,
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

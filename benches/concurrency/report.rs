//! The concurrency bench's figures as the markdown section of `BENCH.md`:
//! throughput against pgbench, errors and p99 latency, direct and pooled,
//! then each command's latencies.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use super::pgbench;
use super::setup::World;
use super::staff::{Action, Outcome};
use super::{Options, SECTION};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    Direct,
    Pooled,
}

impl Way {
    pub fn name(self) -> &'static str {
        match self {
            Way::Direct => "direct",
            Way::Pooled => "pooled",
        }
    }
}

/// One route's two runs.
pub struct Measured {
    pub route: Way,
    /// At a working day's pace, or flat out.
    pub paced: bool,
    pub epic: Outcome,
    /// pgbench with the plain script.
    pub pgbench: pgbench::Measured,
    /// pgbench with the pipelined script (flat out only).
    pub pipelined: Option<pgbench::Measured>,
}

/// The p-th percentile (nearest rank) of sorted times.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn met(ok: bool) -> &'static str {
    if ok { "yes" } else { "**no**" }
}

impl Measured {
    fn epic_sorted(&self) -> Vec<Duration> {
        let mut all: Vec<Duration> = self.epic.latencies.iter().map(|(_, d)| *d).collect();
        all.sort();
        all
    }

    fn epic_rate(&self) -> f64 {
        self.epic.latencies.len() as f64 / self.epic.elapsed.as_secs_f64()
    }
}

/// Says what went wrong, grouped, as soon as a phase ends.
pub fn print_errors(name: &str, outcome: &Outcome) {
    for error in outcome.setup_errors.iter().take(5) {
        eprintln!("  {name}: a login before the phase failed: {error}");
    }
    let mut grouped: BTreeMap<(Action, &str), usize> = BTreeMap::new();
    for (action, error) in &outcome.errors {
        *grouped.entry((*action, error.as_str())).or_default() += 1;
    }
    for ((action, error), count) in grouped {
        eprintln!("  {name}: {count} x {action:?}: {error}");
    }
}

pub fn markdown(options: &Options, world: &World, measured: &[Measured]) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "{SECTION}\n");
    let departments = |name| world.staff.iter().filter(|s| s.dept.name() == name).count();
    let _ = writeln!(
        text,
        "Regenerate with `cargo bench --bench concurrency`. {} employees at once ({} sales, {} \
         support, {} management) on the tests' company server (TLS, scram, the client login), \
         data of `epic gen` at size M's numbers ({}); each a task in one process with its own \
         `Database` and `Shell`, every command through `Shell::execute`, on 2 threads; {} s per \
         run; the mix of a working day is in `benches/concurrency.rs`. pgbench (`-M extended`, \
         `-j 2`) runs the SQL epic sent for each command, as the server logged it, with the same \
         mix, clients, duration and login: plain, one round trip per statement, as any script \
         sending those statements; and, flat out, pipelined, each command's statements in one \
         round trip (epic makes three for a read or a create, four for an update). Pooled: PgBouncer 1.18, \
         transaction mode, {} server connections. Measured on a 2-core machine that other jobs \
         shared (load average {}).\n",
        world.staff.len(),
        departments("sales"),
        departments("support"),
        departments("management"),
        world.counts,
        options.seconds,
        options.pool,
        load_average(),
    );
    let _ = writeln!(
        text,
        "| route | load | epic commands/s | pgbench commands/s | ratio | pgbench pipelined | \
         ratio | epic errors | epic p99 | pgbench p99 | epic median | \
         client CPU per command, epic / pgbench | met |\n\
         | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    );
    for one in measured {
        row(&mut text, one, options);
    }
    let _ = writeln!(
        text,
        "\nTargets: ratio ≥ 0.8 against the plain script, flat out (every employee's next command at once, as pgbench \
         runs without `-R`); 0 epic errors everywhere; p99 < 50 ms at a working day's pace (a \
         pause of {:.1} s on average between one employee's commands, exponential; pgbench at \
         the same rate with `-R`, its latency counted from the scheduled start).",
        options.think_ms as f64 / 1000.0
    );
    text.push('\n');
    commands(&mut text, measured);
    text
}

/// The machine's load over the last 5 minutes, as `uptime` says it.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// One route and load's line of the main table.
fn row(text: &mut String, one: &Measured, options: &Options) {
    let sorted = one.epic_sorted();
    let (rate, p99) = (one.epic_rate(), percentile(&sorted, 99.0));
    let ratio = rate / one.pgbench.tps;
    let errors = one.epic.errors.len() + one.epic.setup_errors.len();
    let pg_errors = one.pgbench.failed as usize + one.pgbench.aborted_clients;
    let pipelined = match &one.pipelined {
        Some(p) => format!("{:.0} | {:.2}", p.tps, rate / p.tps),
        None => "– | –".to_owned(),
    };
    let per_command = |cpu: Duration, commands: f64| ms(cpu) / commands.max(1.0);
    let ok = errors == 0
        && if one.paced {
            p99 < Duration::from_millis(50)
        } else {
            ratio >= 0.8
        };
    let _ = writeln!(
        text,
        "| {} | {} | {rate:.0} | {:.0}{} | {ratio:.2} | {pipelined} | {errors} | {:.1} ms | {:.1} ms | {:.1} ms | \
         {:.2} ms / {:.2} ms | {} |",
        one.route.name(),
        if one.paced {
            format!("paced, {:.1} s", options.think_ms as f64 / 1000.0)
        } else {
            "flat out".to_owned()
        },
        one.pgbench.tps,
        if pg_errors > 0 {
            format!(" ({pg_errors} failed)")
        } else {
            String::new()
        },
        ms(p99),
        ms(percentile(&one.pgbench.latencies, 99.0)),
        ms(percentile(&sorted, 50.0)),
        per_command(one.epic.cpu, one.epic.latencies.len() as f64),
        per_command(one.pgbench.cpu, one.pgbench.transactions as f64),
        met(ok),
    );
}

/// Each command's count, median and p99 in epic, per route.
fn commands(text: &mut String, measured: &[Measured]) {
    let _ = write!(text, "| epic command |");
    for one in measured {
        let name = format!(
            "{}{}",
            one.route.name(),
            if one.paced { ", paced" } else { "" }
        );
        let _ = write!(text, " {name}: count | {name}: median | {name}: p99 |");
    }
    let _ = writeln!(
        text,
        "\n| --- |{}",
        " ---: | ---: | ---: |".repeat(measured.len())
    );
    let mut actions: Vec<Action> = measured
        .iter()
        .flat_map(|m| m.epic.latencies.iter().map(|(a, _)| *a))
        .collect();
    actions.sort();
    actions.dedup();
    for action in actions {
        let _ = write!(text, "| `{}` |", action.label());
        for one in measured {
            let mut times: Vec<Duration> = one
                .epic
                .latencies
                .iter()
                .filter(|(a, _)| *a == action)
                .map(|(_, d)| *d)
                .collect();
            times.sort();
            let _ = write!(
                text,
                " {} | {:.1} ms | {:.1} ms |",
                times.len(),
                ms(percentile(&times, 50.0)),
                ms(percentile(&times, 99.0))
            );
        }
        text.push('\n');
    }
}

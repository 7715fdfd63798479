//! Start-up cost: `epic -c help` against `psql -c 'select 1'` on the same
//! local server, run alternately so that both see the same machine load.
//! Prints the medians and their ratio (the target is at most 1.5).
//!
//! Run with `cargo bench --bench startup` (optionally `-- RUNS`).

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DEFAULT_RUNS: usize = 41;

fn main() {
    let runs = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse::<usize>().ok())
        .unwrap_or(DEFAULT_RUNS);
    let data_dir = tempfile::Builder::new()
        .prefix("epic-bench-")
        .tempdir()
        .expect("a temporary data directory");
    let epic = env!("CARGO_BIN_EXE_epic");
    let epic_command = || {
        let mut command = Command::new(epic);
        command
            .env_remove("DATABASE_URL")
            .env("EPIC_DATA_DIR", data_dir.path())
            .env("EPIC_ADMIN_EMAIL", "admin@epic.events")
            .env("EPIC_ADMIN_PASSWORD", "Correct-Horse-Battery-42")
            .env("EPIC_BCRYPT_COST", "4")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        command
    };
    // First run: creates the cluster, the schema and the admin.
    let status = epic_command()
        .args(["-c", "help"])
        .status()
        .expect("run epic");
    assert!(status.success(), "the first epic run failed");
    let socket = socket_dir(epic_command());
    let psql = common::psql_binary();

    let mut epic_times = Vec::with_capacity(runs);
    let mut psql_times = Vec::with_capacity(runs);
    for _ in 0..runs {
        epic_times.push(time(epic_command().args(["-c", "help"])));
        let mut command = Command::new(&psql);
        command
            .args(["-X", "-q", "-h"])
            .arg(&socket)
            .args(["-U", "postgres", "-d", "epic", "-c", "select 1"])
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        psql_times.push(time(&mut command));
    }
    let epic_median = median(&mut epic_times);
    let psql_median = median(&mut psql_times);
    println!("start-up, median of {runs} runs each, on the same local server:");
    println!("  epic -c help             {:>8.2} ms", ms(epic_median));
    println!("  psql -c 'select 1'       {:>8.2} ms", ms(psql_median));
    println!(
        "  ratio epic / psql        {:>8.2}   (target: at most 1.5)",
        epic_median.as_secs_f64() / psql_median.as_secs_f64()
    );

    let mut stop = epic_command();
    let _ = stop.args(["db", "stop"]).stderr(Stdio::null()).status();
}

fn time(command: &mut Command) -> Duration {
    let start = Instant::now();
    let status = command.status().expect("the command runs");
    let elapsed = start.elapsed();
    assert!(status.success(), "{command:?} failed");
    elapsed
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn socket_dir(mut epic: Command) -> PathBuf {
    let output = epic
        .args(["--format", "json", "db", "status"])
        .stdout(Stdio::piped())
        .output()
        .expect("epic db status");
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON status");
    PathBuf::from(status[0]["socket"].as_str().expect("a socket path"))
}

//! What the benchmarks share (each bench uses what it needs of it).

#![allow(dead_code)]

pub mod section;

use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN_EMAIL: &str = "admin@epic.events";
pub const ADMIN_PASSWORD: &str = "Correct-Horse-Battery-42";

/// The psql beside the server binaries epic uses, else the one on PATH.
pub fn psql_binary() -> PathBuf {
    let binaries = epic::db::local::PgBinaries::find(
        std::env::var_os("EPIC_PG_BIN").as_deref().map(Path::new),
    )
    .expect("PostgreSQL binaries");
    let beside_server = binaries.tool("psql");
    if beside_server.is_file() {
        beside_server
    } else {
        PathBuf::from("psql")
    }
}

/// Runs epic against the benchmark's own local database.
pub struct Bench {
    pub data_dir: PathBuf,
}

impl Bench {
    pub fn new(data_dir: &Path) -> Bench {
        Bench {
            data_dir: data_dir.to_owned(),
        }
    }

    pub fn session_file(&self, email: &str) -> PathBuf {
        self.data_dir.join(format!("{email}.session"))
    }

    /// The environment every epic process of the benchmark gets.
    pub fn env(&self, acting: Option<&str>) -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("EPIC_DATA_DIR", self.data_dir.display().to_string()),
            ("EPIC_ADMIN_EMAIL", ADMIN_EMAIL.to_owned()),
            ("EPIC_ADMIN_PASSWORD", ADMIN_PASSWORD.to_owned()),
            ("NO_COLOR", "1".to_owned()),
        ];
        if let Some(email) = acting {
            env.push((
                "EPIC_SESSION_FILE",
                self.session_file(email).display().to_string(),
            ));
        }
        env
    }

    pub fn epic(&self, acting: Option<&str>) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_epic"));
        command
            .env_remove("DATABASE_URL")
            .env_remove("SENTRY_DSN")
            .envs(self.env(acting))
            .stdin(Stdio::null())
            .stderr(Stdio::inherit());
        command
    }

    pub fn login(&self, email: &str, password: &str) {
        let mut child = self
            .epic(Some(email))
            .args(["login", email])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run epic login");
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "{password}").expect("send the password");
        drop(stdin);
        assert!(child.wait().expect("login").success(), "login {email}");
    }
}

/// A finished run: how long it took and its peak resident memory.
pub struct Run {
    pub wall: Duration,
    pub max_rss_kib: i64,
}

/// Runs `command` to completion with stdout to /dev/null (or `stdin` piped
/// in), measuring wall time and peak RSS from the kernel's own accounting.
// The child is reaped by wait4, which clippy cannot see.
#[allow(clippy::zombie_processes)]
pub fn measure(command: &mut Command, stdin: Option<&[u8]>) -> Run {
    command.stdout(Stdio::null());
    if stdin.is_some() {
        command.stdin(Stdio::piped());
    }
    let start = Instant::now();
    let mut child = command.spawn().expect("start the command");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input).expect("feed stdin");
    }
    let mut status = 0;
    // SAFETY: rusage is plain data, zeroed is a valid value; the pid is our child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(waited, pid, "wait4");
    let exit = std::process::ExitStatus::from_raw(status);
    assert!(exit.success(), "{command:?} failed: {exit}");
    Run {
        wall,
        max_rss_kib: usage.ru_maxrss,
    }
}

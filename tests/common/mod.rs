//! The test harness: a throwaway PostgreSQL cluster per test binary, a fresh
//! database per test, and a way to run the real `epic` binary against it.
//!
//! The cluster is started once (or `TEST_DATABASE_URL` is used), runs
//! without fsync, and dies with the test process (its parent-death signal).
//! PostgreSQL refuses to run as root, so under root the server runs as the
//! `postgres` user, exactly like epic's own local cluster.

#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use epic::db::local::{PgBinaries, ServerUser};

pub mod transcript;

/// A password that meets the policy, for the first-run admin of every test database.
pub const ADMIN_EMAIL: &str = "admin@epic.events";
pub const ADMIN_PASSWORD: &str = "Correct-Horse-Battery-42";

/// Where the shared test server listens, as a libpq URL prefix without the database.
struct Server {
    /// `host=... port=... user=...` for tokio-postgres, without `dbname`.
    base: String,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static NEXT_DATABASE: AtomicUsize = AtomicUsize::new(0);

fn server() -> &'static Server {
    SERVER.get_or_init(|| match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let config: tokio_postgres::Config =
                url.parse().expect("TEST_DATABASE_URL is a valid URL");
            Server {
                base: libpq_base(&config),
            }
        }
        _ => start_cluster(),
    })
}

fn libpq_base(config: &tokio_postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_owned(),
    };
    let mut base = format!(
        "host={host} port={} user={}",
        config.get_ports().first().copied().unwrap_or(5432),
        config.get_user().unwrap_or("postgres")
    );
    if let Some(password) = config.get_password() {
        base.push_str(&format!(" password={}", String::from_utf8_lossy(password)));
    }
    base
}

/// A temporary directory under cargo's target dir, removed when the test
/// binary runs next if its process is gone.
pub fn scratch_root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("epic-tests");
    std::fs::create_dir_all(&root).expect("create the scratch root");
    // Let the server user walk through (it never lists it).
    let _ = std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o711));
    root
}

fn remove_stale_clusters(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("cluster-")
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn start_cluster() -> Server {
    let root = scratch_root();
    remove_stale_clusters(&root);
    let dir = root.join(format!("cluster-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the cluster directory");
    let user = ServerUser::for_current_process("postgres").expect("a user to run PostgreSQL");
    if user.switched {
        nix::unistd::chown(&dir, Some(user.uid), Some(user.gid))
            .expect("chown the cluster directory");
    }
    let binaries = PgBinaries::find(
        std::env::var_os("EPIC_PG_BIN")
            .map(PathBuf::from)
            .as_deref(),
    )
    .expect("PostgreSQL binaries (install the postgresql package)");
    let pgdata = dir.join("data");
    let initdb = as_server_user(&user, Command::new(binaries.tool("initdb")))
        .current_dir(&dir)
        .arg("-D")
        .arg(&pgdata)
        .args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ])
        .stdout(Stdio::null())
        .output()
        .expect("run initdb");
    assert!(
        initdb.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&initdb.stderr)
    );

    let postgres = binaries.tool("postgres");
    let log = std::fs::File::create(dir.join("server.log")).expect("create the server log");
    let socket_dir = dir.clone();
    let mut command = as_server_user(&user, Command::new(postgres));
    command
        .current_dir(&dir)
        .arg("-D")
        .arg(&pgdata)
        .arg("-k")
        .arg(&socket_dir)
        .args([
            "-c",
            "listen_addresses=",
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
        ])
        .args([
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=300",
            "-c",
            "shared_buffers=64MB",
        ])
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone the log handle"))
        .stderr(log);
    // SAFETY: prctl is async-signal-safe; it only sets a flag on this child.
    unsafe {
        command.pre_exec(|| {
            nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGQUIT)
                .map_err(std::io::Error::from)
        });
    }
    // The parent-death signal fires when the *thread* that forked exits, so
    // the server is started from a thread that lives as long as it does.
    let (started, wait_started) = std::sync::mpsc::channel();
    std::thread::spawn(move || match command.spawn() {
        Ok(mut child) => {
            let _ = started.send(Ok(()));
            let _ = child.wait();
        }
        Err(e) => {
            let _ = started.send(Err(e));
        }
    });
    wait_started
        .recv()
        .expect("the server thread reports")
        .expect("start postgres");
    let base = format!("host={} port=5432 user=postgres", socket_dir.display());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if block_on(async { connect(&format!("{base} dbname=postgres")).await.is_ok() }) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the test server did not start; see {}",
            dir.join("server.log").display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { base }
}

pub fn as_server_user(user: &ServerUser, mut command: Command) -> Command {
    if user.switched {
        command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    command.env("LC_MESSAGES", "C");
    command
}

pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(future)
}

async fn connect(conninfo: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(conninfo, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

/// The JWT secret every test run uses (tests forge tokens with it).
pub const SECRET_KEY: &str = "test-secret-key-of-at-least-32-bytes-0123456789";

/// A database of its own for one test, dropped at the end, and a home for
/// the session file that the test's epic runs share.
pub struct TestDb {
    pub name: String,
    conninfo: String,
    pub home: tempfile::TempDir,
}

impl TestDb {
    pub fn new() -> TestDb {
        TestDb::create("template0")
    }

    /// A copy of `template` (which no one may be connected to).
    pub fn copy_of(template: &TestDb) -> TestDb {
        TestDb::create(&template.name)
    }

    fn create(template: &str) -> TestDb {
        let server = server();
        let name = format!(
            "epic_test_{}_{}",
            std::process::id(),
            NEXT_DATABASE.fetch_add(1, Ordering::SeqCst)
        );
        block_on(async {
            let client = connect(&format!("{} dbname=postgres", server.base))
                .await
                .expect("connect to the test server");
            // The names are generated here, never user input. A template's
            // last connection may still be closing on the server: retry.
            let mut attempts = 0;
            loop {
                match client
                    .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .await
                {
                    Ok(()) => break,
                    Err(e)
                        if e.code() == Some(&tokio_postgres::error::SqlState::OBJECT_IN_USE)
                            && attempts < 50 =>
                    {
                        attempts += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    }
                    Err(e) => panic!("create the test database: {e}"),
                }
            }
        });
        TestDb {
            conninfo: format!("{} dbname={name}", server.base),
            name,
            home: tempfile::Builder::new()
                .prefix("home-")
                .tempdir_in(scratch_root())
                .expect("a home directory"),
        }
    }

    /// The connection string to give epic as `DATABASE_URL` (libpq key=value form).
    pub fn url(&self) -> &str {
        &self.conninfo
    }

    /// Runs `f` with a superuser connection to this database.
    pub fn with_client<T>(&self, f: impl AsyncFnOnce(&mut tokio_postgres::Client) -> T) -> T {
        block_on(async {
            let mut client = connect(&self.conninfo)
                .await
                .expect("connect to the test database");
            f(&mut client).await
        })
    }

    /// Runs SQL statements as a superuser (setup and inspection only).
    pub fn execute(&self, sql: &str) {
        self.with_client(async |client| client.batch_execute(sql).await.expect("test SQL runs"));
    }

    pub fn query_one_i64(&self, sql: &str) -> i64 {
        self.with_client(async |client| {
            client
                .query_one(sql, &[])
                .await
                .expect("test query runs")
                .get(0)
        })
    }

    /// Runs `epic` with this database as `DATABASE_URL` and this test's session file.
    pub fn epic(&self) -> Epic {
        Epic::new()
            .env("DATABASE_URL", &self.conninfo)
            .env("EPIC_SESSION_FILE", self.session_file())
    }

    pub fn session_file(&self) -> PathBuf {
        self.home.path().join("session")
    }

    /// `epic login EMAIL` with the password on standard input.
    pub fn login(&self, email: &str, password: &str) -> Ran {
        self.epic()
            .args(["login", email])
            .stdin(format!("{password}\n"))
            .run()
    }

    /// The schema and the admin exist, and the admin is logged in.
    pub fn migrated() -> TestDb {
        let db = TestDb::new();
        let output = db.epic().args(["-c", "help"]).run();
        assert_eq!(output.code, 0, "first run failed: {}", output.stderr);
        let login = db.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        assert_eq!(login.code, 0, "the admin cannot log in: {}", login.stderr);
        db
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return; // keep it for a look
        }
        let server = server();
        let name = self.name.clone();
        block_on(async move {
            if let Ok(client) = connect(&format!("{} dbname=postgres", server.base)).await {
                let _ = client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
            }
        });
    }
}

/// An `epic` invocation with a clean environment: its own data directory,
/// the test admin, a cheap bcrypt cost, no colour.
pub struct Epic {
    command: Command,
    stdin: Option<Vec<u8>>,
    /// Removed when the run ends, unless the test gave a directory of its own.
    _owned_dir: Option<tempfile::TempDir>,
}

/// A running epic (see `Epic::spawn`).
pub struct Running {
    pub child: std::process::Child,
    _owned_dir: Option<tempfile::TempDir>,
}

#[derive(Debug)]
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Epic {
    pub fn new() -> Epic {
        let data_dir = tempfile::Builder::new()
            .prefix("data-")
            .tempdir_in(scratch_root())
            .expect("a data directory");
        let mut epic = Epic::in_data_dir(data_dir.path());
        epic._owned_dir = Some(data_dir);
        epic
    }

    /// Runs with `dir` as its data directory, which outlives the run.
    pub fn in_data_dir(dir: &Path) -> Epic {
        let mut command = Command::new(env!("CARGO_BIN_EXE_epic"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir)
            .env("EPIC_DATA_DIR", dir)
            .env("EPIC_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("EPIC_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("EPIC_ADMIN_NAME", "Ada Admin")
            .env("EPIC_BCRYPT_COST", "4")
            .env("EPIC_SECRET_KEY", SECRET_KEY)
            .env("NO_COLOR", "1")
            // Times are shown in local time: the same zone everywhere.
            .env("TZ", "UTC")
            .current_dir(dir);
        if let Some(bin) = std::env::var_os("EPIC_PG_BIN") {
            command.env("EPIC_PG_BIN", bin);
        }
        Epic {
            command,
            stdin: None,
            _owned_dir: None,
        }
    }

    pub fn env(mut self, name: &str, value: impl AsRef<std::ffi::OsStr>) -> Epic {
        self.command.env(name, value);
        self
    }

    pub fn env_remove(mut self, name: &str) -> Epic {
        self.command.env_remove(name);
        self
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Epic {
        self.command.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Epic
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command.args(args);
        self
    }

    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Epic {
        self.stdin = Some(input.into());
        self
    }

    /// Starts epic with piped standard streams, for a test that talks to it
    /// a line at a time.
    pub fn spawn(mut self) -> Running {
        self.command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Running {
            child: self.command.spawn().expect("start epic"),
            _owned_dir: self._owned_dir.take(),
        }
    }

    /// Runs with standard output discarded; the exit code and the peak
    /// resident memory (KiB) the kernel accounted to the process.
    // The child is reaped by wait4, which clippy cannot see.
    #[allow(clippy::zombie_processes)]
    pub fn peak_memory(mut self) -> (i32, i64) {
        use std::os::unix::process::ExitStatusExt;
        self.command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = self.command.spawn().expect("start epic");
        let mut status = 0;
        // SAFETY: rusage is plain data (zeroed is valid) and the pid is our child's,
        // reaped here by wait4.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let pid = child.id() as libc::pid_t;
        let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        assert_eq!(waited, pid, "wait4");
        let exit = std::process::ExitStatus::from_raw(status);
        (exit.code().unwrap_or(-1), usage.ru_maxrss)
    }

    pub fn run(mut self) -> Ran {
        use std::io::Write;
        self.command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("start epic");
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let input = self.stdin.take().unwrap_or_default();
        let writer = std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
        let output: Output = child.wait_with_output().expect("epic runs");
        let _ = writer.join();
        Ran {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

//! The test harness: a throwaway PostgreSQL server per test binary, set up
//! the way a company's shared server is, a fresh database per test, and a
//! way to run the real `epic` binary against it.
//!
//! The server listens on 127.0.0.1 (a free port) with `hostssl` lines only
//! and scram-sha-256 passwords, behind a CA and a server certificate made
//! for this run with `openssl`. Its superuser (the DBA) reaches it through
//! a Unix socket only, to create databases and run the roles script that
//! `epic db roles` prints. epic itself connects over TLS with
//! `sslmode=verify-full`, as the client login (every desk) or the migrator
//! (the operator), with their passwords in `PGPASSWORD`. The server runs
//! without fsync and dies with the test process (its parent-death signal).
//! PostgreSQL refuses to run as root, so under root it runs as the
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

pub mod fixture;
pub mod pooler;
pub mod pty;
pub mod sheet;
pub mod transcript;

/// A password that meets the policy, for the first admin of every test database.
pub const ADMIN_EMAIL: &str = "admin@epic.events";
pub const ADMIN_PASSWORD: &str = "Correct-Horse-Battery-42";

/// The logins' passwords on the test server (the DBA sets them).
pub const CLIENT_PASSWORD: &str = "desk-login-password-for-tests";
pub const MIGRATOR_PASSWORD: &str = "operator-login-password-for-tests";

/// The shared test server.
pub struct Server {
    /// The directory of the cluster: data, log, certificates.
    pub dir: PathBuf,
    /// The DBA's way in: `host=SOCKET port=P user=postgres`, without `dbname`.
    superuser: String,
    pub port: u16,
    /// The CA that signed the server's certificate.
    pub ca_file: PathBuf,
    /// The roles script, as `epic db roles` prints it.
    roles_script: String,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static NEXT_DATABASE: AtomicUsize = AtomicUsize::new(0);
static MIGRATED_TEMPLATE: OnceLock<String> = OnceLock::new();

pub fn server() -> &'static Server {
    SERVER.get_or_init(start_cluster)
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
            .and_then(|p| p.split('-').next())
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

/// A port on 127.0.0.1 nobody listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// Runs `openssl` with `args` in `dir`; panics with its output on failure.
pub fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run openssl (install the openssl package)");
    assert!(
        output.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A CA (`NAME-ca.crt`) and a certificate it signs for the server
/// (`NAME.crt`, `NAME.key`), valid for `localhost` and 127.0.0.1.
pub fn make_certificates(dir: &Path, name: &str) {
    let ca_key = format!("{name}-ca.key");
    let ca_crt = format!("{name}-ca.crt");
    let key = format!("{name}.key");
    let csr = format!("{name}.csr");
    let crt = format!("{name}.crt");
    let ext = format!("{name}.ext");
    let new_key = |file: &str| {
        openssl(
            dir,
            &[
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                file,
            ],
        )
    };
    new_key(&ca_key);
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            &ca_key,
            "-sha256",
            "-days",
            "2",
            "-subj",
            &format!("/CN=epic test CA {name}"),
            "-out",
            &ca_crt,
        ],
    );
    new_key(&key);
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            &key,
            "-subj",
            "/CN=localhost",
            "-out",
            &csr,
        ],
    );
    std::fs::write(
        dir.join(&ext),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n\
         extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .expect("write the extensions");
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca_crt,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-days",
            "2",
            "-sha256",
            "-extfile",
            &ext,
            "-out",
            &crt,
        ],
    );
}

/// initdb, certificates, configuration: a data directory ready to start.
/// Returns where the data is.
pub fn init_cluster(dir: &Path, user: &ServerUser, binaries: &PgBinaries, port: u16) -> PathBuf {
    let pgdata = dir.join("data");
    let initdb = as_server_user(user, Command::new(binaries.tool("initdb")))
        .current_dir(dir)
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
    make_certificates(dir, "server");
    for file in ["server.key", "server.crt"] {
        let path = dir.join(file);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        if user.switched {
            nix::unistd::chown(&path, Some(user.uid), Some(user.gid)).expect("chown");
        }
    }
    // The DBA on the socket; everyone else over TLS with a password.
    std::fs::write(
        pgdata.join("pg_hba.conf"),
        "local   all  postgres                 trust\n\
         hostssl all  all       127.0.0.1/32   scram-sha-256\n",
    )
    .expect("write pg_hba.conf");
    let conf = pgdata.join("postgresql.conf");
    let mut text = std::fs::read_to_string(&conf).expect("read postgresql.conf");
    text.push_str(&format!(
        "\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
         ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\n\
         password_encryption = 'scram-sha-256'\n\
         fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n\
         max_connections = 300\nshared_buffers = 64MB\n",
        dir.display(),
        dir.join("server.crt").display(),
        dir.join("server.key").display(),
    ));
    std::fs::write(&conf, text).expect("write postgresql.conf");
    pgdata
}

/// Starts `postgres -D pgdata` as `user`, killed when this process dies;
/// `extra` are more `-c` settings. Waits until the DBA can connect.
pub fn start_postgres(
    dir: &Path,
    pgdata: &Path,
    user: &ServerUser,
    binaries: &PgBinaries,
    port: u16,
    extra: &[&str],
) {
    let log = std::fs::File::create(dir.join("server.log")).expect("create the server log");
    let mut command = as_server_user(user, Command::new(binaries.tool("postgres")));
    command.current_dir(dir).arg("-D").arg(pgdata);
    for setting in extra {
        command.args(["-c", setting]);
    }
    command
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
    let superuser = format!(
        "host={} port={port} user=postgres dbname=postgres",
        dir.display()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if block_on(async { connect(&superuser).await.is_ok() }) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the test server did not start; see {}",
            dir.join("server.log").display()
        );
        std::thread::sleep(Duration::from_millis(50));
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
    let port = free_port();
    let pgdata = init_cluster(&dir, &user, &binaries, port);
    start_postgres(&dir, &pgdata, &user, &binaries, port, &[]);
    let roles_script = roles_script();
    let superuser = format!("host={} port={port} user=postgres", dir.display());
    block_on(async {
        let client = connect(&format!("{superuser} dbname=postgres"))
            .await
            .expect("the DBA connects");
        // Creates the roles (cluster-wide); each database gets its part later.
        client
            .batch_execute(&roles_script)
            .await
            .expect("the roles script runs");
        client
            .batch_execute(&format!(
                "ALTER ROLE epic_client PASSWORD '{CLIENT_PASSWORD}'; \
                 ALTER ROLE epic_migrator PASSWORD '{MIGRATOR_PASSWORD}';"
            ))
            .await
            .expect("the DBA sets the logins' passwords");
    });
    block_on(async {
        let client = connect(&format!("{superuser} dbname=postgres"))
            .await
            .expect("the DBA connects");
        // As the README's DBA steps say: the logins reach the CRM database
        // only (the script, run here to create the roles, opened this one).
        client
            .batch_execute(
                "REVOKE ALL ON DATABASE postgres FROM PUBLIC, epic_client, epic_migrator; \
                 REVOKE CONNECT ON DATABASE template1 FROM PUBLIC; \
                 ALTER SCHEMA public OWNER TO pg_database_owner;",
            )
            .await
            .expect("the DBA closes the other databases");
    });
    Server {
        ca_file: dir.join("server-ca.crt"),
        dir,
        superuser,
        port,
        roles_script,
    }
}

/// A second, real server on 127.0.0.1 that offers no TLS and trusts every
/// connection: what epic must refuse to send anything to under the default
/// `sslmode=verify-full`. Stopped when dropped.
pub struct PlainServer {
    pub port: u16,
    dir: tempfile::TempDir,
    pgdata: PathBuf,
}

impl PlainServer {
    pub fn start() -> PlainServer {
        let dir = tempfile::Builder::new()
            .prefix("plain-")
            .tempdir_in(scratch_root())
            .expect("a directory");
        let user = ServerUser::for_current_process("postgres").expect("a user to run PostgreSQL");
        if user.switched {
            nix::unistd::chown(dir.path(), Some(user.uid), Some(user.gid)).expect("chown");
        }
        let binaries = PgBinaries::find(
            std::env::var_os("EPIC_PG_BIN")
                .map(PathBuf::from)
                .as_deref(),
        )
        .expect("PostgreSQL binaries");
        let port = free_port();
        let pgdata = init_cluster(dir.path(), &user, &binaries, port);
        std::fs::write(
            pgdata.join("pg_hba.conf"),
            "local all postgres trust\nhost all all 127.0.0.1/32 trust\n",
        )
        .expect("write pg_hba.conf");
        start_postgres(dir.path(), &pgdata, &user, &binaries, port, &["ssl=off"]);
        PlainServer { port, dir, pgdata }
    }
}

impl Drop for PlainServer {
    fn drop(&mut self) {
        let user = ServerUser::for_current_process("postgres").expect("a user");
        if let Ok(binaries) = PgBinaries::find(None) {
            let _ = as_server_user(&user, Command::new(binaries.tool("pg_ctl")))
                .current_dir(self.dir.path())
                .args(["stop", "-m", "immediate", "-D"])
                .arg(&self.pgdata)
                .output();
        }
    }
}

/// What `epic db roles` prints: the script a DBA runs once.
pub fn roles_script() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_epic"))
        .args(["db", "roles"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("EPIC_CONFIG", "/nonexistent/epic-config.toml")
        .output()
        .expect("run epic db roles");
    assert!(
        output.status.success(),
        "epic db roles: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
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

pub async fn connect(conninfo: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(conninfo, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

/// A database of its own for one test, dropped at the end, and a home for
/// the session file that the test's epic runs share.
pub struct TestDb {
    pub name: String,
    /// The DBA's connection string to it.
    superuser: String,
    pub home: tempfile::TempDir,
}

impl TestDb {
    /// An empty database the DBA has run the roles script in: what an
    /// operator finds before the first `epic db migrate`.
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
        create_database(&name, template);
        let db = TestDb {
            superuser: format!("{} dbname={name}", server.superuser),
            name,
            home: tempfile::Builder::new()
                .prefix("home-")
                .tempdir_in(scratch_root())
                .expect("a home directory"),
        };
        // Who may connect is the database's own (not copied from a template).
        // One at a time: the script also alters the (cluster-wide) roles.
        {
            static ROLES: std::sync::Mutex<()> = std::sync::Mutex::new(());
            let _one = ROLES.lock().unwrap_or_else(|e| e.into_inner());
            db.execute(&server.roles_script);
        }
        db
    }

    /// `DATABASE_URL` for `user` (libpq key=value form): TLS to 127.0.0.1,
    /// verified against the run's CA.
    pub fn url_for(&self, user: &str) -> String {
        let server = server();
        format!(
            "host=127.0.0.1 port={} dbname={} user={user} sslmode=verify-full sslrootcert={}",
            server.port,
            self.name,
            server.ca_file.display()
        )
    }

    /// The desks' `DATABASE_URL`: the client login.
    pub fn url(&self) -> String {
        self.url_for("epic_client")
    }

    /// The client login's connection, as a desk's `psql` would open it:
    /// TLS, its password, nothing of epic in between (inside `block_on`).
    pub async fn client_connection(&self) -> tokio_postgres::Client {
        tls_connect(&self.url(), CLIENT_PASSWORD)
            .await
            .expect("the client login connects")
    }

    /// Runs `f` with a superuser connection to this database.
    pub fn with_client<T>(&self, f: impl AsyncFnOnce(&mut tokio_postgres::Client) -> T) -> T {
        block_on(async {
            let mut client = connect(&self.superuser)
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

    /// Runs `epic` as a desk: this database as `DATABASE_URL` with the
    /// client login, and this test's session file.
    pub fn epic(&self) -> Epic {
        Epic::new()
            .env("DATABASE_URL", self.url())
            .env("PGPASSWORD", CLIENT_PASSWORD)
            .env("EPIC_SESSION_FILE", self.session_file())
    }

    /// Runs `epic` as the operator: the migrator's credentials.
    pub fn operator(&self) -> Epic {
        Epic::new()
            .env("DATABASE_URL", self.url_for("epic_migrator"))
            .env("PGPASSWORD", MIGRATOR_PASSWORD)
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

    /// Logs `email` in with a session file of their own, and returns it
    /// (for `EPIC_SESSION_FILE`).
    pub fn logged_in(&self, email: &str, password: &str) -> PathBuf {
        let file = self.home.path().join(format!("{email}.session"));
        let ran = self
            .epic()
            .env("EPIC_SESSION_FILE", &file)
            .args(["login", email])
            .stdin(format!("{password}\n"))
            .run();
        assert_eq!(ran.code, 0, "{email} cannot log in: {ran:?}");
        file
    }

    /// Gives a new employee the password `chosen` as they would: a login
    /// with the temporary password `create employee` showed once (in
    /// `created`, its output), then `passwd`.
    pub fn choose_first_password(&self, created: &str, email: &str, chosen: &str) {
        let temporary = temporary_password_in(created);
        let file = self.home.path().join(format!("{email}.first"));
        let login = self
            .epic()
            .env("EPIC_SESSION_FILE", &file)
            .args(["login", email])
            .stdin(format!("{temporary}\n"))
            .run();
        assert_eq!(login.code, 0, "{email}'s first login: {login:?}");
        let changed = self
            .epic()
            .env("EPIC_SESSION_FILE", &file)
            .arg("passwd")
            .stdin(format!("{temporary}\n{chosen}\n"))
            .run();
        assert_eq!(changed.code, 0, "{email}'s passwd: {changed:?}");
    }

    /// The schema and the first admin exist (`epic db migrate` as the
    /// migrator, once per test binary, then copied), with bcrypt at its
    /// cheapest, and the admin is logged in.
    pub fn migrated() -> TestDb {
        let template = MIGRATED_TEMPLATE.get_or_init(|| {
            let template = TestDb::new();
            let migrated = template.operator().args(["db", "migrate"]).run();
            assert_eq!(
                migrated.code, 0,
                "epic db migrate failed: {}",
                migrated.stderr
            );
            let name = template.name.clone();
            // The template outlives this test: its Drop must not remove it.
            std::mem::forget(template);
            name
        });
        let db = TestDb::create(template);
        let login = db.login(ADMIN_EMAIL, ADMIN_PASSWORD);
        assert_eq!(login.code, 0, "the admin cannot log in: {}", login.stderr);
        db
    }

    /// A token for a new session of `employee`, signed by this database's
    /// key, as if they had logged in: made by the DBA, for tests that act
    /// as several employees without their passwords.
    pub fn session_for(&self, employee: i64) -> String {
        self.with_client(async |client| {
            client
                .query_one(
                    "WITH t AS (SELECT epic_token_sign(jsonb_build_object( \
                         'jti', epic_base64url(gen_random_bytes(16)), 'sub', $1::bigint::text, \
                         'iss', 'epic', 'aud', 'epic-crm', \
                         'iat', floor(extract(epoch FROM now()))::bigint, \
                         'exp', floor(extract(epoch FROM now() + interval '1 hour'))::bigint)) AS token), \
                     s AS (INSERT INTO user_sessions (employee_id, token_hash, expires_at) \
                           SELECT $1, epic_token_hash(token), now() + interval '1 hour' FROM t) \
                     SELECT token FROM t",
                    &[&employee],
                )
                .await
                .expect("a session")
                .get(0)
        })
    }
}

/// CREATE DATABASE, retried while a template's last connection closes.
fn create_database(name: &str, template: &str) {
    let server = server();
    block_on(async {
        let client = connect(&format!("{} dbname=postgres", server.superuser))
            .await
            .expect("connect to the test server");
        // The names are generated here, never user input.
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
}

/// A connection over TLS with `password`, through epic's own TLS settings,
/// driven by the current runtime (call it inside `block_on`).
pub async fn tls_connect(
    url: &str,
    password: &str,
) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let settings = epic::db::connect::ServerSettings::from_url(url).expect("a valid URL");
    let tls = settings.tls_connector().expect("TLS settings");
    let mut config = settings.pg.clone();
    config.password(password);
    let (client, connection) = config.connect(tls).await?;
    tokio::spawn(connection);
    Ok(client)
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return; // keep it for a look
        }
        let server = server();
        let name = self.name.clone();
        block_on(async move {
            if let Ok(client) = connect(&format!("{} dbname=postgres", server.superuser)).await {
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

impl Running {
    /// Waits for the run to end, with what it printed.
    pub fn finish(self) -> Ran {
        let Running { child, _owned_dir } = self;
        let output = child.wait_with_output().expect("epic ends");
        Ran {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
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
            .env("NO_COLOR", "1")
            // No config file of the machine's user: only what the test sets.
            .env("EPIC_CONFIG", dir.join("config.toml"))
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

/// The temporary password in the output of `create employee` or `reset
/// password`: the line after the one that announces it.
pub fn temporary_password_in(output: &str) -> String {
    let mut lines = output.lines();
    lines
        .by_ref()
        .find(|line| line.starts_with("Temporary password for "))
        .unwrap_or_else(|| panic!("no temporary password in {output:?}"));
    lines.next().expect("the password line").trim().to_owned()
}

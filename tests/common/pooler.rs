//! A real PgBouncer in transaction mode in front of the test server, as a
//! company puts one in front of its database: clients speak TLS to it
//! (the test server's certificate, so `sslmode=verify-full` holds) and
//! scram passwords; it keeps a few server connections and hands them to
//! whichever client has a transaction to run. Started as the server's
//! user (PgBouncer refuses root), on 127.0.0.1 and a free port; stopped
//! when dropped.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use epic::db::local::ServerUser;

use super::{CLIENT_PASSWORD, TestDb, as_server_user, free_port, scratch_root, server};

pub struct Pooler {
    pub port: u16,
    pub log: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

/// Where Debian puts it; elsewhere, on `PATH`.
fn pgbouncer() -> PathBuf {
    let debian = PathBuf::from("/usr/sbin/pgbouncer");
    if debian.exists() {
        return debian;
    }
    PathBuf::from("pgbouncer")
}

impl Pooler {
    /// PgBouncer for `db`, with at most `server_connections` to the server.
    pub fn start(db: &TestDb, server_connections: u32) -> Pooler {
        let server = server();
        let dir = tempfile::Builder::new()
            .prefix("pooler-")
            .tempdir_in(scratch_root())
            .expect("a directory");
        let user = ServerUser::for_current_process("postgres").expect("a user to run PgBouncer");
        if user.switched {
            nix::unistd::chown(dir.path(), Some(user.uid), Some(user.gid)).expect("chown");
        }
        let port = free_port();
        let users = dir.path().join("users.txt");
        std::fs::write(&users, format!("\"epic_client\" \"{CLIENT_PASSWORD}\"\n")).expect("users");
        let log = dir.path().join("pgbouncer.log");
        let config = dir.path().join("pgbouncer.ini");
        std::fs::write(
            &config,
            format!(
                "[databases]\n{name} = host=127.0.0.1 port={server_port} dbname={name}\n\
                 [pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
                 auth_type = scram-sha-256\nauth_file = {users}\n\
                 pool_mode = transaction\ndefault_pool_size = {server_connections}\n\
                 max_client_conn = 500\nlogfile = {log}\npidfile = {pid}\n\
                 server_tls_sslmode = verify-full\nserver_tls_ca_file = {ca}\n\
                 client_tls_sslmode = require\nclient_tls_cert_file = {crt}\n\
                 client_tls_key_file = {key}\n",
                name = db.name,
                server_port = server.port,
                users = users.display(),
                log = log.display(),
                pid = dir.path().join("pgbouncer.pid").display(),
                ca = server.ca_file.display(),
                crt = server.dir.join("server.crt").display(),
                key = server.dir.join("server.key").display(),
            ),
        )
        .expect("write pgbouncer.ini");
        if user.switched {
            for file in [&users, &config] {
                nix::unistd::chown(file, Some(user.uid), Some(user.gid)).expect("chown");
            }
        }
        let child = as_server_user(&user, Command::new(pgbouncer()))
            .arg(&config)
            .spawn()
            .expect("PgBouncer is installed (Debian: apt-get install pgbouncer)");
        let pooler = Pooler {
            port,
            log,
            child,
            _dir: dir,
        };
        pooler.wait_until_listening();
        pooler
    }

    fn wait_until_listening(&self) {
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "PgBouncer did not start: {}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The desks' `DATABASE_URL` through the pooler.
    pub fn url(&self, db: &TestDb) -> String {
        format!(
            "host=127.0.0.1 port={} dbname={} user=epic_client sslmode=verify-full sslrootcert={}",
            self.port,
            db.name,
            server().ca_file.display()
        )
    }

    /// What PgBouncer wrote to its log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Pooler {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

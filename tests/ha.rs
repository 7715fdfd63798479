//! The supported HA setup, for real: a primary and a streaming standby
//! (`pg_basebackup -R`) started by the test, and epic given both through a
//! multi-host URL with `target_session_attrs=read-write`. The primary is
//! stopped under a batch and the standby promoted: exit 7 saying so, no
//! command half applied, `--keep-going` finishes on the new primary, and
//! `db status` / `db backup` use the server actually reached, whichever
//! host the URL names first. Reads on the standby see what the primary
//! committed.
//!
//! The primary commits with `synchronous_commit = remote_apply`, so what
//! epic reported done is already replayed on the standby when the primary
//! dies.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{CLIENT_PASSWORD, Epic, MIGRATOR_PASSWORD, Ran, as_server_user, block_on};
use epic::db::local::{PgBinaries, ServerUser};

const HELENE: (&str, &str) = ("helene@epic.events", "Balances-The-Books-7");
const DATABASE: &str = "crm";
/// The attendees value whose update sleeps in the server (the trigger below).
const SLOW: i32 = 4242;

/// One PostgreSQL server of the pair.
struct Node {
    dir: PathBuf,
    pgdata: PathBuf,
    port: u16,
}

impl Node {
    /// The DBA's connection, on the node's own socket.
    fn sql<T>(&self, f: impl AsyncFnOnce(tokio_postgres::Client) -> T) -> T {
        let conninfo = format!(
            "host={} port={} user=postgres dbname={DATABASE}",
            self.dir.display(),
            self.port
        );
        block_on(async {
            let client = common::connect(&conninfo).await.expect("the DBA connects");
            f(client).await
        })
    }

    fn execute(&self, sql: &str) {
        self.sql(async |c| c.batch_execute(sql).await.expect("test SQL runs"));
    }

    fn text(&self, sql: &str) -> String {
        self.sql(async |c| c.query_one(sql, &[]).await.expect("a row").get(0))
    }
}

struct Pair {
    /// Holds both nodes' directories.
    root: tempfile::TempDir,
    user: ServerUser,
    binaries: PgBinaries,
    primary: Node,
    standby: Node,
}

impl Pair {
    /// Both servers running, the standby streaming synchronously, the
    /// schema migrated through the multi-host URL and the demo loaded.
    fn start() -> Pair {
        let root = tempfile::Builder::new()
            .prefix("ha-")
            .tempdir_in(common::scratch_root())
            .expect("a directory");
        let user = ServerUser::for_current_process("postgres").expect("a user to run PostgreSQL");
        let binaries = PgBinaries::find(
            std::env::var_os("EPIC_PG_BIN")
                .map(PathBuf::from)
                .as_deref(),
        )
        .expect("PostgreSQL binaries (install the postgresql package)");
        let basebackup = binaries.tool("pg_basebackup");
        assert!(
            basebackup.is_file(),
            "the HA test needs {} (the PostgreSQL server binaries)",
            basebackup.display()
        );
        let node_dir = |name: &str| {
            let dir = root.path().join(name);
            std::fs::create_dir_all(&dir).expect("a node directory");
            if user.switched {
                nix::unistd::chown(root.path(), Some(user.uid), Some(user.gid)).expect("chown");
                nix::unistd::chown(&dir, Some(user.uid), Some(user.gid)).expect("chown");
            }
            dir
        };
        let dir = node_dir("primary");
        let port = common::free_port();
        let pgdata = common::init_cluster(&dir, &user, &binaries, port);
        let mut hba = std::fs::read_to_string(pgdata.join("pg_hba.conf")).expect("pg_hba.conf");
        hba.push_str("host replication postgres 127.0.0.1/32 trust\n");
        std::fs::write(pgdata.join("pg_hba.conf"), hba).expect("write pg_hba.conf");
        common::start_postgres(
            &dir,
            &pgdata,
            &user,
            &binaries,
            port,
            &["wal_level=replica"],
        );
        let primary = Node { dir, pgdata, port };
        prepare_database(&primary);
        let standby = start_standby(&user, &binaries, &primary, node_dir("standby"));
        let pair = Pair {
            root,
            user,
            binaries,
            primary,
            standby,
        };
        let ports = [pair.primary.port, pair.standby.port];
        for (what, args) in [("migrate", &["db", "migrate"][..]), ("demo", &["demo"])] {
            let ran = pair.operator(&ports).args(args).run();
            assert_eq!(ran.code, 0, "{what}: {ran:?}");
        }
        let login = pair
            .epic(&ports)
            .args(["login", HELENE.0])
            .stdin(format!("{}\n", HELENE.1))
            .run();
        assert_eq!(login.code, 0, "{login:?}");
        // Synchronous from now on: a commit returns once the standby replayed it.
        for setting in [
            "ALTER SYSTEM SET synchronous_standby_names = '*'",
            "ALTER SYSTEM SET synchronous_commit = 'remote_apply'",
            "SELECT pg_reload_conf()",
        ] {
            pair.primary.execute(setting);
        }
        wait_for("the standby to be synchronous", || {
            pair.primary
                .text("SELECT count(*)::text FROM pg_stat_replication WHERE sync_state = 'sync'")
                == "1"
        });
        pair
    }

    /// The multi-host URL to the server that takes writes, hosts in the
    /// order of `ports`.
    fn url(&self, user: &str, ports: &[u16]) -> String {
        self.url_for(user, ports, "read-write")
    }

    fn url_for(&self, user: &str, ports: &[u16], attrs: &str) -> String {
        let hosts: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        format!(
            "postgres://{user}@{}/{DATABASE}?target_session_attrs={attrs}\
             &sslmode=verify-full&sslrootcert={}",
            hosts.join(","),
            self.primary.dir.join("server-ca.crt").display()
        )
    }

    /// A desk whose writes go to the primary and whose reads go to the
    /// standby, when one answers (`EPIC_READ_URL`, libpq's
    /// `prefer-standby` over both hosts, the primary listed first).
    fn reader(&self) -> Epic {
        let (p1, p2) = (self.primary.port, self.standby.port);
        self.epic(&[p1, p2]).env(
            "EPIC_READ_URL",
            self.url_for("epic_client", &[p1, p2], "prefer-standby"),
        )
    }

    fn epic(&self, ports: &[u16]) -> Epic {
        Epic::new()
            .env("DATABASE_URL", self.url("epic_client", ports))
            .env("PGPASSWORD", CLIENT_PASSWORD)
            .env("EPIC_SESSION_FILE", self.root.path().join("session"))
    }

    fn operator(&self, ports: &[u16]) -> Epic {
        Epic::new()
            .env("DATABASE_URL", self.url("epic_migrator", ports))
            .env("PGPASSWORD", MIGRATOR_PASSWORD)
    }

    fn pg_ctl(&self, node: &Node, args: &[&str]) {
        let ran = as_server_user(&self.user, Command::new(self.binaries.tool("pg_ctl")))
            .current_dir(&node.dir)
            .args(args)
            .arg("-D")
            .arg(&node.pgdata)
            .stdin(Stdio::null())
            .output()
            .expect("run pg_ctl");
        assert!(
            ran.status.success(),
            "pg_ctl {args:?}: {}",
            String::from_utf8_lossy(&ran.stderr)
        );
    }

    /// Waits until the standby has replayed all the primary wrote.
    fn caught_up(&self) {
        let written = self.primary.text("SELECT pg_current_wal_lsn()::text");
        wait_for("the standby to replay", || {
            self.standby.text(&format!(
                "SELECT (pg_last_wal_replay_lsn() >= '{written}'::pg_lsn)::text"
            )) == "true"
        });
    }

    /// `epic db status` through `ports`.
    fn status(&self, ports: &[u16]) -> serde_json::Value {
        status_of(self.epic(ports))
    }

    /// `epic db status` of the desk with a read profile.
    fn reader_status(&self) -> serde_json::Value {
        status_of(self.reader())
    }

    /// `epic db backup` through `ports`; the backup's data as SQL text.
    fn backup(&self, ports: &[u16]) -> String {
        let file = self.root.path().join("backup.dump");
        let ran = self.operator(ports).args(["db", "backup"]).arg(&file).run();
        assert_eq!(ran.code, 0, "{ran:?}");
        let listed = Command::new(self.binaries.tool("pg_restore"))
            .args(["--data-only", "--table=events", "-f", "-"])
            .arg(&file)
            .output()
            .expect("run pg_restore");
        assert!(listed.status.success(), "{listed:?}");
        String::from_utf8_lossy(&listed.stdout).into_owned()
    }
}

/// The DBA's part on the primary: the roles (with the logins' passwords)
/// and the CRM database.
fn prepare_database(primary: &Node) {
    let script = common::roles_script();
    let postgres = format!(
        "host={} port={} user=postgres dbname=postgres",
        primary.dir.display(),
        primary.port
    );
    block_on(async {
        let client = common::connect(&postgres).await.expect("the DBA connects");
        client.batch_execute(&script).await.expect("the roles");
        client
            .batch_execute(&format!(
                "ALTER ROLE epic_client PASSWORD '{CLIENT_PASSWORD}'; \
                 ALTER ROLE epic_migrator PASSWORD '{MIGRATOR_PASSWORD}';"
            ))
            .await
            .expect("the passwords");
        // A name of ours; CREATE DATABASE takes no parameters.
        client
            .batch_execute(&format!("CREATE DATABASE {DATABASE}"))
            .await
            .expect("the database");
    });
    primary.execute(&script);
}

/// `pg_basebackup -R` of the primary into `dir`, started as a hot standby.
fn start_standby(user: &ServerUser, binaries: &PgBinaries, primary: &Node, dir: PathBuf) -> Node {
    let pgdata = dir.join("data");
    let port = common::free_port();
    let copied = as_server_user(user, Command::new(binaries.tool("pg_basebackup")))
        .current_dir(&dir)
        .arg("-D")
        .arg(&pgdata)
        // A fast checkpoint: a spread one makes the copy wait a minute and more.
        .args([
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
            "--no-sync",
            "-h",
            "127.0.0.1",
            "-U",
        ])
        .arg("postgres")
        .arg("-p")
        .arg(primary.port.to_string())
        .stdin(Stdio::null())
        .output()
        .expect("run pg_basebackup");
    assert!(
        copied.status.success(),
        "pg_basebackup: {}",
        String::from_utf8_lossy(&copied.stderr)
    );
    let port_setting = format!("port={port}");
    let socket_setting = format!("unix_socket_directories={}", dir.display());
    common::start_postgres(
        &dir,
        &pgdata,
        user,
        binaries,
        port,
        &[&port_setting, &socket_setting],
    );
    Node { dir, pgdata, port }
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `epic db status` as JSON: the one object it prints.
fn status_of(desk: Epic) -> serde_json::Value {
    let ran = desk.args(["--format", "json", "db", "status"]).run();
    assert_eq!(ran.code, 0, "{ran:?}");
    let parsed: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
    parsed[0].clone()
}

fn server_of(status: &serde_json::Value) -> String {
    status["server"]
        .as_str()
        .expect("a server field")
        .to_owned()
}

/// Before any failover: status and backup reach the primary even with the
/// standby first in the URL, and the standby serves what was committed.
fn standby_first(pair: &Pair) {
    let (p1, p2) = (pair.primary.port, pair.standby.port);
    let status = pair.status(&[p2, p1]);
    assert!(
        server_of(&status).starts_with(&format!("127.0.0.1:{p1} ")),
        "{status}"
    );
    assert_eq!(status["recovery"], "primary", "{status}");
    // A write the standby has not replayed: only the primary's dump holds it.
    pair.standby.execute("SELECT pg_wal_replay_pause()");
    pair.primary.execute(
        "SET synchronous_commit = local; \
         UPDATE events SET notes = 'only on the primary' WHERE id = (SELECT min(id) FROM events)",
    );
    let dumped = pair.backup(&[p2, p1]);
    assert!(dumped.contains("only on the primary"), "{dumped}");
    pair.standby.execute("SELECT pg_wal_replay_resume()");
    pair.caught_up();
    // Reads on the standby see what the primary committed.
    let read = pair.standby.text(
        "SELECT (pg_is_in_recovery())::text || ' ' || notes FROM events \
         WHERE id = (SELECT min(id) FROM events)",
    );
    assert_eq!(read, "true only on the primary");
}

#[test]
fn a_failover_mid_batch_is_exit_7_nothing_half_applied_and_the_rest_runs_on_the_new_primary() {
    let pair = Pair::start();
    let (p1, p2) = (pair.primary.port, pair.standby.port);
    standby_first(&pair);
    let ids: Vec<i64> = pair.primary.sql(async |c| {
        c.query("SELECT id FROM events ORDER BY id LIMIT 8", &[])
            .await
            .expect("events")
            .iter()
            .map(|row| row.get(0))
            .collect()
    });
    assert_eq!(ids.len(), 8);
    let audited = pair
        .primary
        .text("SELECT coalesce(max(id), 0)::text FROM audit_log");
    // The fifth update sleeps in the server: the primary is stopped under it.
    let slow = 4;
    let wanted = |i: usize| if i == slow { SLOW } else { 1000 + i as i32 };
    pair.primary.execute(&format!(
        "CREATE FUNCTION test_slow_update() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$; \
         CREATE TRIGGER test_slow_update BEFORE UPDATE ON events FOR EACH ROW \
         WHEN (NEW.attendees = {SLOW}) EXECUTE FUNCTION test_slow_update()"
    ));
    let lines: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| format!("update event {id} set attendees = {}\n", wanted(i)))
        .collect();
    let batch = pair.root.path().join("batch.epic");
    std::fs::write(&batch, lines.concat()).expect("the batch");
    let running = pair
        .epic(&[p1, p2])
        .args(["--verbose", "-f"])
        .arg(&batch)
        .spawn();
    wait_for("the slow update to reach the primary", || {
        pair.primary
            .text("SELECT count(*)::text FROM pg_stat_activity WHERE wait_event = 'PgSleep'")
            == "1"
    });
    pair.pg_ctl(&pair.primary, &["stop", "-m", "immediate"]);
    let Ran { code, stderr, .. } = running.finish();
    pair.pg_ctl(&pair.standby, &["promote", "-w"]);
    assert_eq!(code, 7, "{stderr}");
    // Lost under the update: said on the command's line, as documented.
    let lost = format!(
        "line {}: the database connection was lost: the database is failing over, or stopped",
        slow + 1
    );
    assert!(stderr.contains(&lost), "{stderr}");
    assert!(!stderr.contains("E-INTERNAL"), "{stderr}");
    // On the new primary: every update before the stop, each whole (its row
    // and its audit entry); nothing of the interrupted one or those after.
    let new_primary = &pair.standby;
    let done = |id: i64| -> (i32, i64) {
        new_primary.sql(async |c| {
            let row = c
                .query_one(
                    &format!(
                        "SELECT attendees, (SELECT count(*) FROM audit_log \
                         WHERE entity = 'event' AND entity_id = $1 AND id > {audited}) \
                         FROM events WHERE id = $1"
                    ),
                    &[&id],
                )
                .await
                .expect("the event");
            (row.get(0), row.get(1))
        })
    };
    for (i, id) in ids.iter().enumerate() {
        let (attendees, audits) = done(*id);
        if i < slow {
            assert_eq!((attendees, audits), (wanted(i), 1), "event {id}");
        } else {
            assert_ne!(attendees, wanted(i), "event {id}");
            assert_eq!(audits, 0, "event {id}");
        }
    }
    new_primary.execute("DROP TRIGGER test_slow_update ON events");
    std::fs::write(&batch, lines[slow..].concat()).expect("the rest");
    let rest = pair
        .epic(&[p1, p2])
        .args(["--keep-going", "-f"])
        .arg(&batch)
        .run();
    assert_eq!(rest.code, 0, "{rest:?}");
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(done(*id), (wanted(i), 1), "event {id}");
    }
    // The server reached is named, not the first host of the URL.
    let status = pair.status(&[p1, p2]);
    assert!(
        server_of(&status).starts_with(&format!("127.0.0.1:{p2} ")),
        "{status}"
    );
    assert_eq!(status["recovery"], "primary", "{status}");
    let dumped = pair.backup(&[p1, p2]);
    assert!(dumped.contains(&SLOW.to_string()), "the new primary's data");
}

/// Helene's session on the primary, as the DBA sees it there.
const HELENES_SESSION: &str = "FROM user_sessions WHERE revoked_at IS NULL AND employee_id = \
     (SELECT id FROM employees WHERE email = 'helene@epic.events')";

#[test]
fn with_a_read_profile_reads_run_on_the_standby_and_the_primary_still_guards_the_session() {
    let pair = Pair::start();
    // Asynchronous: a commit on the primary must not wait for the standby
    // this test pauses.
    pair.primary
        .execute("ALTER SYSTEM SET synchronous_standby_names = ''");
    pair.primary.execute("SELECT pg_reload_conf()");
    wait_for("the standby to be asynchronous", || {
        pair.primary
            .text("SELECT count(*)::text FROM pg_stat_replication WHERE sync_state = 'async'")
            == "1"
    });
    let id = pair.primary.text("SELECT min(id)::text FROM events");
    let show = format!("show event {id}");
    pair.primary.execute(&format!(
        "UPDATE events SET notes = 'as replayed' WHERE id = {id}"
    ));
    // The standby stops replaying: what it answers is what it had.
    pair.standby.execute("SELECT pg_wal_replay_pause()");
    pair.primary.execute(&format!(
        "UPDATE events SET notes = 'not replayed yet' WHERE id = {id}; \
         UPDATE user_sessions SET last_seen_at = now() - interval '2 minutes' \
         WHERE id = (SELECT id {HELENES_SESSION})"
    ));
    let read = pair.reader().args(["-c", &show]).run();
    assert_eq!(read.code, 0, "{read:?}");
    assert!(read.stdout.contains("as replayed"), "{read:?}");
    let count = pair
        .reader()
        .args(["-c", "count events where notes ~ \"not replayed\""])
        .run();
    assert_eq!((count.code, count.stdout.trim()), (0, "0"), "{count:?}");
    // The standby's session check wrote nothing (it cannot); the primary
    // was told the session is in use.
    let seen = pair.primary.text(&format!(
        "SELECT (last_seen_at > now() - interval '1 minute')::text {HELENES_SESSION}"
    ));
    assert_eq!(
        seen, "true",
        "the reads marked the session seen on the primary"
    );
    // Revoked on the primary: refused at once, though the standby, still
    // paused, knows the session as alive.
    pair.primary.execute(&format!(
        "UPDATE user_sessions SET revoked_at = now() WHERE id = (SELECT id {HELENES_SESSION})"
    ));
    let refused = pair.reader().args(["-c", &show]).run();
    assert_ne!(refused.code, 0, "{refused:?}");
    assert!(
        refused.stderr.contains("your session was revoked"),
        "{refused:?}"
    );
    assert!(!refused.stdout.contains("as replayed"), "{refused:?}");
    pair.standby.execute("SELECT pg_wal_replay_resume()");
    pair.caught_up();
    let login = pair
        .reader()
        .args(["login", HELENE.0])
        .stdin(format!("{}\n", HELENE.1))
        .run();
    assert_eq!(login.code, 0, "{login:?}");
    // Caught up, the standby reads what the primary committed.
    let read = pair.reader().args(["-c", &show]).run();
    assert!(read.stdout.contains("not replayed yet"), "{read:?}");
    let status = pair.reader_status();
    let reads = status["reads"].as_str().expect("a reads field");
    let standby = format!("127.0.0.1:{} ", pair.standby.port);
    assert!(
        reads.starts_with(&standby) && reads.ends_with("a standby"),
        "{status}"
    );
    assert_eq!(status["recovery"], "primary", "{status}");
    // A write goes to the primary.
    let update = pair
        .reader()
        .args(["-c", &format!("update event {id} set attendees = 77")])
        .run();
    assert_eq!(update.code, 0, "{update:?}");
    let attendees = pair.primary.text(&format!(
        "SELECT attendees::text FROM events WHERE id = {id}"
    ));
    assert_eq!(attendees, "77");
    // Without a standby, reads run on the primary.
    pair.pg_ctl(&pair.standby, &["stop", "-m", "fast"]);
    let read = pair.reader().args(["-c", &show]).run();
    assert_eq!(read.code, 0, "{read:?}");
    assert!(read.stdout.contains("77"), "{read:?}");
    let status = pair.reader_status();
    let reads = status["reads"].as_str().expect("a reads field");
    assert!(reads.starts_with("on the primary: "), "{status}");
}

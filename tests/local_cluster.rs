//! The local database epic manages itself: created on first use, reused,
//! stopped and started again without losing data, backed up and restored.

mod common;

use std::path::{Path, PathBuf};

use common::{Epic, block_on};

/// An epic data directory whose local server is stopped when the test ends,
/// pass or fail.
struct LocalHome {
    dir: tempfile::TempDir,
}

impl LocalHome {
    fn new() -> LocalHome {
        LocalHome {
            dir: tempfile::Builder::new()
                .prefix("home-")
                .tempdir_in(common::scratch_root())
                .expect("a data directory"),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn epic(&self) -> Epic {
        Epic::in_data_dir(self.path())
    }

    /// `epic db status --format json`, as a JSON object.
    fn status(&self) -> serde_json::Value {
        let ran = self.epic().args(["--format", "json", "db", "status"]).run();
        assert!(ran.code == 0 || ran.code == 7, "{ran:?}");
        let rows: Vec<serde_json::Value> =
            serde_json::from_str(&ran.stdout).expect("status is JSON");
        rows.into_iter().next().expect("one record")
    }

    fn pid(&self) -> Option<i64> {
        self.status()["pid"].as_i64()
    }

    fn socket(&self) -> PathBuf {
        PathBuf::from(self.status()["socket"].as_str().expect("a socket path"))
    }

    /// Runs SQL on the local database as its superuser.
    fn query<T>(&self, f: impl AsyncFnOnce(&tokio_postgres::Client) -> T) -> T {
        let socket = self.socket();
        block_on(async move {
            let (client, connection) = tokio_postgres::Config::new()
                .host_path(&socket)
                .user("postgres")
                .dbname("epic")
                .connect(tokio_postgres::NoTls)
                .await
                .expect("connect to the local database");
            tokio::spawn(connection);
            f(&client).await
        })
    }
}

impl Drop for LocalHome {
    fn drop(&mut self) {
        let _ = self.epic().args(["db", "stop"]).run();
    }
}

/// A fingerprint of every row of every table epic owns.
fn table_checksums(home: &LocalHome) -> Vec<(String, String)> {
    home.query(async |client| {
        let tables = client
            .query(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
                &[],
            )
            .await
            .expect("list tables");
        let mut sums = Vec::new();
        for row in tables {
            let table: String = row.get(0);
            // Table names come from the catalog, not from users.
            let sum: String = client
                .query_one(
                    &format!("SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t"),
                    &[],
                )
                .await
                .expect("checksum a table")
                .get(0);
            sums.push((table, sum));
        }
        sums
    })
}

#[test]
fn first_use_creates_the_cluster_and_later_runs_reuse_it() {
    let home = LocalHome::new();
    assert_eq!(
        home.status()["state"],
        "not created yet (the first command creates it)"
    );
    let first = home
        .epic()
        .env_remove("DATABASE_URL")
        .args(["-c", "help"])
        .run();
    assert_eq!(first.code, 0, "{first:?}");
    assert!(first.stdout.starts_with("Commands:"), "{first:?}");
    let pid = home.pid().expect("the server runs after the first command");

    let second = home.epic().args(["-c", "help"]).run();
    assert_eq!((second.code, second.stderr.as_str()), (0, ""), "{second:?}");
    assert_eq!(
        home.pid(),
        Some(pid),
        "the second run reuses the running server"
    );

    let status = home.status();
    assert_eq!(status["state"], "running");
    assert_eq!(
        status["schema"],
        format!("version {}, current", epic::db::migrate::MIGRATIONS.len())
    );
    // A Unix socket only: no TCP port to reach from elsewhere.
    let listen: String = home.query(async |client| {
        client
            .query_one("SHOW listen_addresses", &[])
            .await
            .expect("show")
            .get(0)
    });
    assert_eq!(listen, "");

    // A config file holding only the shell's settings names no server:
    // the data stay in the local cluster.
    std::fs::write(
        home.path().join("config.toml"),
        "[shell]\nformat = \"csv\"\n",
    )
    .expect("write the config file");
    let with_settings = home.epic().args(["-c", "help"]).run();
    assert_eq!(
        (with_settings.code, with_settings.stderr.as_str()),
        (0, ""),
        "{with_settings:?}"
    );
    assert_eq!(home.pid(), Some(pid), "the same local server");
}

#[test]
fn stop_then_any_command_starts_it_again_without_losing_data() {
    let home = LocalHome::new();
    assert_eq!(home.epic().args(["-c", "help"]).run().code, 0);
    home.query(async |client| {
        client
            .batch_execute(
                "INSERT INTO audit_log (action, detail) VALUES ('note', '{\"kept\": true}')",
            )
            .await
            .expect("insert")
    });
    let before = table_checksums(&home);

    let stop = home.epic().args(["db", "stop"]).run();
    assert_eq!(
        (stop.code, stop.stderr.as_str()),
        (0, "The local database is stopped.\n"),
        "{stop:?}"
    );
    assert_eq!(
        home.status()["state"],
        "stopped (the next command starts it)"
    );
    let stop_again = home.epic().args(["db", "stop"]).run();
    assert_eq!(stop_again.stderr, "The local database was not running.\n");

    let again = home.epic().args(["-c", "help"]).run();
    assert_eq!((again.code, again.stderr.as_str()), (0, ""), "{again:?}");
    assert_eq!(table_checksums(&home), before);
}

#[test]
fn a_backup_restored_into_an_empty_data_directory_gives_back_every_row() {
    let source = LocalHome::new();
    assert_eq!(source.epic().args(["demo"]).run().code, 0, "the demo loads");
    let before = table_checksums(&source);
    assert!(
        before
            .iter()
            .any(|(table, sum)| table == "events" && !sum.starts_with("0:"))
    );

    let backup_dir = tempfile::tempdir_in(common::scratch_root()).expect("a backup dir");
    let file = backup_dir.path().join("epic.dump");
    let backup = source.epic().args(["db", "backup"]).arg(&file).run();
    assert_eq!(backup.code, 0, "{backup:?}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&file)
            .expect("the backup")
            .permissions()
            .mode()
            & 0o777,
        0o600,
        "a backup holds every record: its owner's only"
    );

    let target = LocalHome::new();
    let restore = target.epic().args(["db", "restore"]).arg(&file).run();
    assert_eq!(restore.code, 0, "{restore:?}");
    assert_eq!(table_checksums(&target), before);
    // The restored database is usable as it is: no first-run questions.
    let ran = target
        .epic()
        .env_remove("EPIC_ADMIN_EMAIL")
        .env_remove("EPIC_ADMIN_PASSWORD")
        .args(["-c", "help"])
        .run();
    assert_eq!((ran.code, ran.stderr.as_str()), (0, ""), "{ran:?}");

    // Restoring over data is refused, and changes nothing...
    let refused = target.epic().args(["db", "restore"]).arg(&file).run();
    assert_eq!(refused.code, 9, "{refused:?}");
    assert!(
        refused
            .stderr
            .starts_with("error: the target database is not empty"),
        "{}",
        refused.stderr
    );
    assert_eq!(table_checksums(&target), before);
    // ...unless forced.
    let forced = target
        .epic()
        .args(["db", "restore", "--force"])
        .arg(&file)
        .run();
    assert_eq!(forced.code, 0, "{forced:?}");
    assert_eq!(table_checksums(&target), before);
}

#[test]
fn restoring_a_missing_file_says_so() {
    let home = LocalHome::new();
    let ran = home
        .epic()
        .args(["db", "restore", "/nonexistent/epic.dump"])
        .run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert_eq!(
        ran.stderr,
        "error: no backup at /nonexistent/epic.dump: the file does not exist\n"
    );
}

#[test]
fn stop_refuses_when_database_url_points_elsewhere() {
    let home = LocalHome::new();
    let ran = home
        .epic()
        .env("DATABASE_URL", "postgres://u@127.0.0.1:1/x")
        .args(["db", "stop"])
        .run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr.contains("manages only the local database"),
        "{}",
        ran.stderr
    );
}

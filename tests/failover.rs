//! When the server goes away or takes no writes (a failover, a standby, a
//! shutdown): exit 7 saying so, never an internal error, nothing of the
//! interrupted command kept, and `--keep-going` goes on with the next
//! command on a new connection.

mod common;

use std::time::{Duration, Instant};

use common::TestDb;

const HELENE: (&str, &str) = ("helene@epic.events", "Balances-The-Books-7");

fn demo() -> TestDb {
    let db = TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    let login = db.login(HELENE.0, HELENE.1);
    assert_eq!(login.code, 0, "{login:?}");
    db
}

/// Ends the backend that sleeps in the server (a test's slow trigger or
/// policy), as a shutdown or a failover would, once it is there; how many
/// it ended.
fn end_the_sleeping_backend(db: &TestDb) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ended = db.query_one_i64(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE wait_event = 'PgSleep' AND pid <> pg_backend_pid()",
        );
        if ended > 0 || Instant::now() > deadline {
            return ended;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn database_name(db: &TestDb) -> String {
    db.with_client(async |client| {
        client
            .query_one("SELECT current_database()", &[])
            .await
            .expect("a name")
            .get(0)
    })
}

/// What a standby, or a primary being demoted, answers every write with:
/// the write is exit 7 saying so, a read is answered, and its session
/// check writes nothing (the session last seen a minute ago stays so).
#[test]
fn a_read_only_server_answers_reads_and_refuses_writes_with_exit_7() {
    let db = demo();
    let name = database_name(&db);
    db.execute("UPDATE user_sessions SET last_seen_at = now() - interval '1 minute'");
    let seen = || {
        db.query_one_i64(
            "SELECT count(*) FROM user_sessions WHERE last_seen_at > now() - interval '30 seconds'",
        )
    };
    db.execute(&format!(
        "ALTER DATABASE \"{name}\" SET default_transaction_read_only = on"
    ));
    let ran = db
        .epic()
        .args(["-c", "update event 109 set attendees = 80"])
        .run();
    assert_eq!(ran.code, 7, "{ran:?}");
    assert!(
        ran.stderr
            .contains("the database is failing over or read-only: nothing was written"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("E-INTERNAL"), "{}", ran.stderr);
    for command in [
        "show event 109",
        "count events",
        "show events where id = 109",
    ] {
        let ran = db.epic().args(["-c", command]).run();
        assert_eq!(ran.code, 0, "{command}: {ran:?}");
        assert!(
            ran.stdout.contains("John Ouick Wedding") || command.starts_with("count"),
            "{command}: {ran:?}"
        );
    }
    assert_eq!(
        seen(),
        0,
        "a read on a read-only server wrote its session's last-seen time"
    );
    db.execute(&format!(
        "BEGIN READ WRITE; ALTER DATABASE \"{name}\" RESET default_transaction_read_only; COMMIT"
    ));
    let ran = db.epic().args(["-c", "show event 109"]).run();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(
        seen(),
        1,
        "back on a primary, the check marks the session seen"
    );
}

#[test]
fn a_server_lost_mid_batch_keeps_nothing_of_the_command_and_keep_going_resumes() {
    let db = demo();
    // The update takes three seconds in the server, long enough to end its
    // backend under it, as a shutdown or a failover would.
    db.execute(
        "CREATE FUNCTION test_slow_update() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN PERFORM pg_sleep(3); RETURN NEW; END $$; \
         CREATE TRIGGER test_slow_update BEFORE UPDATE ON events FOR EACH ROW \
         WHEN (NEW.attendees = 80) EXECUTE FUNCTION test_slow_update()",
    );
    let dir = tempfile::tempdir().expect("a directory");
    let batch = dir.path().join("batch.epic");
    std::fs::write(
        &batch,
        "update event 109 set attendees = 80\nshow event 109\n",
    )
    .expect("the batch");
    let running = db
        .epic()
        .args(["--keep-going", "--format", "csv", "-f"])
        .arg(&batch)
        .spawn();
    let ended = end_the_sleeping_backend(&db);
    assert_eq!(ended, 1, "the update never reached the server");
    let common::Ran {
        code,
        stdout,
        stderr,
    } = running.finish();
    assert_eq!(code, 7, "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "line 1: the database connection was lost: the database is failing over, or stopped"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("E-INTERNAL"), "{stderr}");
    // The second command ran, on a new connection, and saw no half update.
    assert!(stdout.contains("109,John Ouick Wedding"), "{stdout}");
    let attendees = db.query_one_i64("SELECT attendees::bigint FROM events WHERE id = 109");
    assert_eq!(attendees, 75);
}

/// A read whose connection is lost before it printed anything is read
/// again on a new connection: the reader sees the answer, once.
#[test]
fn a_read_that_lost_its_connection_is_read_again_on_a_new_one() {
    let db = demo();
    // The first read of events sleeps in the server, long enough to end
    // its backend under it; the sequence, not the transaction that is
    // rolled back with the lost connection, remembers that it did.
    db.execute(
        "CREATE SEQUENCE test_reads; \
         CREATE FUNCTION test_slow_first_read() RETURNS boolean LANGUAGE plpgsql \
         SECURITY DEFINER SET search_path = pg_catalog, public AS $$ \
         BEGIN IF nextval('test_reads') = 1 THEN PERFORM pg_sleep(5); END IF; RETURN true; END $$; \
         GRANT EXECUTE ON FUNCTION test_slow_first_read() TO PUBLIC; \
         CREATE POLICY test_slow_first_read ON events AS RESTRICTIVE FOR SELECT \
         USING (test_slow_first_read())",
    );
    let running = db
        .epic()
        .args(["--format", "csv", "-c", "show events where id = 109"])
        .spawn();
    let ended = end_the_sleeping_backend(&db);
    assert_eq!(ended, 1, "the read never reached the server");
    let ran = running.finish();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(
        ran.stdout.matches("109,John Ouick Wedding").count(),
        1,
        "{ran:?}"
    );
    assert!(
        db.query_one_i64("SELECT last_value FROM test_reads") >= 2,
        "read twice"
    );
}

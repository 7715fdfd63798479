//! Mistakes a user can make, and failures that are nobody's mistake but
//! that the user must understand, each ending with a clear message and its
//! documented exit code, never as `E-INTERNAL` (exit code 1). Where the
//! shell checks first, these tests also reach the database's own refusal
//! (a DBA's trigger standing in for a record changed meanwhile), so the
//! last line of defence is explained in the same words.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{Ran, TestDb};

fn with_demo() -> TestDb {
    let db = TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    db
}

fn run(db: &TestDb, command: &str) -> Ran {
    db.epic().args(["-c", command]).run()
}

fn assert_no_internal_error(ran: &Ran) {
    assert_ne!(ran.code, 1, "{ran:?}");
    assert!(!ran.stderr.contains("E-INTERNAL"), "{}", ran.stderr);
    assert!(!ran.stderr.contains("panicked"), "{}", ran.stderr);
}

#[test]
fn an_amount_too_large_for_the_money_columns_is_refused_under_its_digits() {
    let db = with_demo();
    let ran = run(&db, "create contract for client 1 total 1000000000000000");
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (
            3,
            "error: line 1, column 36: `1000000000000000` is more than an amount can be: at most 999999999999.99\n  \
             create contract for client 1 total 1000000000000000\n                                     \
             ^^^^^^^^^^^^^^^^\n\
             help: amounts have at most 12 digits before the point\n"
        )
    );
    let ran = run(&db, "update contract 652 set remaining = 1000000000000");
    assert_eq!(ran.code, 3, "{ran:?}");
    assert!(ran.stderr.contains("at most 999999999999.99"), "{ran:?}");
    // The largest amount is stored, to the cent.
    let ran = run(&db, "create contract for client 1 total 999999999999.99");
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM contracts WHERE total = 999999999999.99"),
        1
    );
    // A condition may name any amount: it is compared, not stored.
    let ran = run(&db, "count contracts where total > 1000000000000000");
    assert_eq!((ran.code, ran.stdout.as_str()), (0, "0\n"), "{ran:?}");
}

#[test]
fn a_numeric_overflow_the_database_finds_is_a_validation_error() {
    let db = with_demo();
    // A DBA's trigger that makes every amount a million times larger.
    db.execute(
        "CREATE FUNCTION test_inflate() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN NEW.total := NEW.total * 1000000; RETURN NEW; END $$; \
         CREATE TRIGGER test_inflate BEFORE INSERT ON contracts \
         FOR EACH ROW EXECUTE FUNCTION test_inflate();",
    );
    let ran = run(&db, "create contract for client 1 total 999999999");
    assert_no_internal_error(&ran);
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (
            3,
            "error: line 1: a number is larger than the database stores\n\
             help: amounts are at most 999999999999.99, attendees at most 100000\n"
        )
    );
}

#[test]
fn a_missing_contract_or_employee_named_by_a_write_is_not_found() {
    let db = with_demo();
    for (command, message) in [
        (
            "update event 109 set contract = 999999",
            "no contract with id 999999",
        ),
        (
            "create event for contract 999999 name \"Gala\" start 2030-06-01 end 2030-06-02",
            "no contract with id 999999",
        ),
        (
            "update event 109 set support = 34",
            "no employee with id 34",
        ),
        ("update client 1 set sales = 34", "no employee with id 34"),
        (
            "create contract for client 999999 total 10",
            "no client with id 999999",
        ),
        (
            "update event 999999 set attendees = 3",
            "no event with id 999999",
        ),
    ] {
        let ran = run(&db, command);
        assert_no_internal_error(&ran);
        assert_eq!(
            (ran.code, ran.stderr.as_str()),
            (6, format!("error: line 1: {message}\n").as_str()),
            "{command}"
        );
    }
    // Nothing was written.
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM events WHERE id = 109 AND contract_id = 652"),
        1
    );
}

#[test]
fn a_contract_deleted_before_the_write_is_not_found_by_its_foreign_key() {
    let db = with_demo();
    let created = run(&db, "create contract for client 1 total 10");
    assert_eq!(created.code, 0, "{created:?}");
    let id: i64 = created
        .stdout
        .trim()
        .trim_start_matches("Created contract ")
        .trim_end_matches('.')
        .parse()
        .expect("the new contract's number");
    // Someone deletes the contract between the shell's look-up and the
    // update: a DBA's trigger does it at the last moment.
    db.execute(
        "CREATE FUNCTION test_delete_contract() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ \
         BEGIN DELETE FROM contracts WHERE id = NEW.contract_id; RETURN NEW; END $$; \
         CREATE TRIGGER test_delete_contract BEFORE UPDATE OF contract_id ON events \
         FOR EACH ROW EXECUTE FUNCTION test_delete_contract();",
    );
    // Signed, so that the work flow's own check finds nothing to refuse.
    let signed = run(&db, &format!("update contract {id} set signed = true"));
    assert_eq!(signed.code, 0, "{signed:?}");
    let ran = run(&db, &format!("update event 109 set contract = {id}"));
    assert_no_internal_error(&ran);
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (
            6,
            format!("error: line 1: no contract with id {id}\n").as_str()
        )
    );
}

/// PostgreSQL rolls back one of two commands that wait for each other (two
/// admins deactivating each other once ended as `E-INTERNAL`). Nothing of
/// that command happened, so the shell runs it again; a command that keeps
/// losing (three times) is a conflict, exit 9. A DBA's trigger stands in
/// for the other command: it raises PostgreSQL's deadlock error on the
/// first `failures` updates of an event's notes (a sequence counts them,
/// since it is not rolled back).
fn with_deadlocks(failures: i64) -> TestDb {
    let db = with_demo();
    db.execute(&format!(
        "CREATE SEQUENCE test_deadlocks; \
         CREATE FUNCTION test_deadlock() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ \
         BEGIN \
           IF nextval('test_deadlocks') <= {failures} THEN \
             RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01'; \
           END IF; \
           RETURN NEW; \
         END $$; \
         CREATE TRIGGER test_deadlock BEFORE UPDATE OF notes ON events \
         FOR EACH ROW EXECUTE FUNCTION test_deadlock();"
    ));
    db
}

#[test]
fn a_command_rolled_back_by_a_deadlock_runs_again_and_says_so_when_it_keeps_losing() {
    let db = with_deadlocks(2);
    let ran = run(&db, "update event 109 set notes = \"after two deadlocks\"");
    assert_eq!((ran.code, ran.stderr.as_str()), (0, "Updated event 109.\n"));
    assert_eq!(
        db.query_one_i64(
            "SELECT count(*) FROM events WHERE id = 109 AND notes = 'after two deadlocks'"
        ),
        1
    );

    let db = with_deadlocks(3);
    let before = db.query_one_i64("SELECT count(*) FROM audit_log");
    let ran = run(&db, "update event 109 set notes = \"never\"");
    assert_no_internal_error(&ran);
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (
            9,
            "error: line 1: another command changed the same records at the same moment: nothing was changed\n\
             help: run the command again\n"
        )
    );
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM events WHERE notes = 'never'"),
        0
    );
    assert_eq!(db.query_one_i64("SELECT count(*) FROM audit_log"), before);
}

#[test]
fn contains_with_an_employee_number_is_a_parse_error_under_the_operator() {
    let db = with_demo();
    let ran = run(&db, "show events where support ~ 4");
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (
            2,
            "error: line 1, column 27: `~` searches the names of `support` and takes text in quotes, not the number `4`\n  \
             show events where support ~ 4\n                            ^^^\n\
             help: write `support = 4` for that employee, or `support ~ \"Kate\"` to search names\n"
        )
    );
    let ran = run(&db, "count clients where sales ~ 3 or name ~ \"x\"");
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(ran.stderr.contains("column 27"), "{ran:?}");
}

#[test]
fn explain_of_what_is_not_a_listing_is_refused_by_the_parser() {
    let db = TestDb::migrated();
    for command in [
        "explain show notifications",
        "explain show sessions",
        "explain show security",
    ] {
        let ran = run(&db, command);
        assert_no_internal_error(&ran);
        assert_eq!(ran.code, 2, "{ran:?}");
        assert!(
            ran.stderr.starts_with(
                "error: line 1, column 1: `explain` shows the SQL of a listing or a count"
            ),
            "{ran:?}"
        );
    }
}

/// Runs `batch` as the admin while a DBA's deferred trigger holds every
/// COMMIT that wrote a client or a contract, and ends the server process
/// of each such COMMIT (`pg_terminate_backend`): the answer never comes,
/// whether or not the server committed.
fn run_with_commits_killed(db: &TestDb, batch: &str, kills: usize) -> Ran {
    db.execute(
        "CREATE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN PERFORM pg_sleep(60); RETURN NULL; END $$; \
         CREATE CONSTRAINT TRIGGER test_slow_commit AFTER INSERT OR UPDATE ON clients \
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_slow_commit(); \
         CREATE CONSTRAINT TRIGGER test_slow_commit AFTER INSERT OR UPDATE ON contracts \
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_slow_commit();",
    );
    let mut running = db.epic().arg("--keep-going").spawn();
    let mut stdin = running.child.stdin.take().expect("stdin is piped");
    stdin.write_all(batch.as_bytes()).expect("write the batch");
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(40);
    let mut killed = 0;
    while killed < kills {
        assert!(Instant::now() < deadline, "no COMMIT waited to be killed");
        let ended = db.with_client(async |client| {
            client
                .query_one(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
                     WHERE datname = current_database() AND wait_event = 'PgSleep' AND query = 'COMMIT'",
                    &[],
                )
                .await
                .expect("look for the COMMIT")
                .get::<_, i64>(0)
        });
        killed += ended as usize;
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = running.child.wait_with_output().expect("epic ends");
    Ran {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn a_connection_lost_after_commit_was_sent_says_the_command_may_have_been_applied() {
    let db = with_demo();
    let ran = run_with_commits_killed(
        &db,
        "update client 1 set sales = \"Sophie Ravel\"\n\
         create contract for client 1 total 123.45\n\
         show client 1\n",
        2,
    );
    assert_no_internal_error(&ran);
    assert_eq!(ran.code, 7, "{ran:?}");
    assert_eq!(
        ran.stderr,
        "error[E-DB-UNAVAILABLE]: line 1: the connection was lost after the command was sent: it may have been applied\n\
         help: run `show client 1` to see whether it was\n\
         error[E-DB-UNAVAILABLE]: line 2: the connection was lost after the command was sent: it may have been applied\n\
         help: run `show contracts order by id desc limit 5` to see whether it was\n"
    );
    // The next command opens a new connection and runs.
    assert!(ran.stdout.contains("phone"), "{ran:?}");
    // Killed before its commit was recorded: neither happened.
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM contracts WHERE total = 123.45"),
        0
    );
}

#[test]
fn restoring_a_file_that_is_not_a_backup_is_a_usage_error() {
    let db = TestDb::migrated();
    let dir = tempfile::tempdir_in(common::scratch_root()).expect("a directory");
    let file = dir.path().join("monday.epic");
    std::fs::write(&file, "show clients\n").expect("write a batch, not a backup");
    let ran = db
        .operator()
        .args(["db", "restore", "--force"])
        .arg(&file)
        .run();
    assert_no_internal_error(&ran);
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr.starts_with(&format!(
            "error: {} is not a backup epic can restore: ",
            file.display()
        )) && ran
            .stderr
            .ends_with("help: restore a file made by `epic db backup`\n"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_backup_to_a_directory_that_does_not_exist_is_a_usage_error() {
    let db = TestDb::migrated();
    let ran = db
        .operator()
        .args(["db", "backup", "/nonexistent/monday.dump"])
        .run();
    assert_no_internal_error(&ran);
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (
            2,
            "error: cannot write the backup to /nonexistent/monday.dump: No such file or directory (os error 2)\n\
             help: name a new file in a directory you may write to\n"
        )
    );
}

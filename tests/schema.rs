//! The schema: invariants enforced by PostgreSQL itself (a hand-written
//! INSERT cannot break them), and migrations applied exactly once.

mod common;

use common::TestDb;
use tokio_postgres::error::SqlState;

/// Base rows every case builds on: one employee per department, a client,
/// a contract and an event, all valid.
const FIXTURE: &str = r#"
INSERT INTO employees (id, full_name, email, department, password_hash) VALUES
  (101, 'Bill Boquet', 'bill@epic.events', 'sales', '$2b$04$abcdefghijklmnopqrstuuJ5VTvRGKP6M4sSQH0QyGq3Ct7Gkq0aX'),
  (102, 'Kate Hastroff', 'kate@epic.events', 'support', '$2b$04$abcdefghijklmnopqrstuuJ5VTvRGKP6M4sSQH0QyGq3Ct7Gkq0aX'),
  (103, 'Maud Manager', 'maud@epic.events', 'management', '$2b$04$abcdefghijklmnopqrstuuJ5VTvRGKP6M4sSQH0QyGq3Ct7Gkq0aX');
INSERT INTO clients (id, full_name, email, phone, company_name, sales_contact_id)
  VALUES (12, 'Kevin Casey', 'kevin@startup.io', '+678 123 456 78', 'Cool Startup LLC', 101);
INSERT INTO contracts (id, client_id, total, remaining, signed) VALUES (652, 12, 12000.00, 4000.00, true);
INSERT INTO events (id, contract_id, name, start_at, end_at, support_contact_id, attendees)
  VALUES (109, 652, 'John Ouick Wedding', '2023-06-04 13:00+02', '2023-06-05 02:00+02', 102, 75);
"#;

/// Each statement must be refused by the database with the given SQLSTATE.
const VIOLATIONS: &[(&str, &str, SqlState)] = &[
    (
        "remaining above total",
        "INSERT INTO contracts (client_id, total, remaining) VALUES (12, 100, 101)",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "negative total",
        "INSERT INTO contracts (client_id, total, remaining) VALUES (12, -1, 0)",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "negative remaining",
        "INSERT INTO contracts (client_id, total, remaining) VALUES (12, 10, -1)",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "contract without client",
        "INSERT INTO contracts (client_id, total, remaining) VALUES (999, 1, 1)",
        SqlState::FOREIGN_KEY_VIOLATION,
    ),
    (
        "contract with null client",
        "INSERT INTO contracts (client_id, total, remaining) VALUES (NULL, 1, 1)",
        SqlState::NOT_NULL_VIOLATION,
    ),
    (
        "end before start",
        "INSERT INTO events (contract_id, name, start_at, end_at) VALUES (652, 'x', '2023-06-05', '2023-06-04')",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "end equal to start",
        "INSERT INTO events (contract_id, name, start_at, end_at) VALUES (652, 'x', '2023-06-05', '2023-06-05')",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "negative attendees",
        "UPDATE events SET attendees = -1 WHERE id = 109",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "event without contract",
        "INSERT INTO events (contract_id, name, start_at, end_at) VALUES (999, 'x', '2023-06-04', '2023-06-05')",
        SqlState::FOREIGN_KEY_VIOLATION,
    ),
    (
        "event with null start",
        "INSERT INTO events (contract_id, name, start_at, end_at) VALUES (652, 'x', NULL, '2023-06-05')",
        SqlState::NOT_NULL_VIOLATION,
    ),
    (
        "unknown department",
        "INSERT INTO employees (full_name, email, department, password_hash) VALUES ('X', 'x@epic.events', 'marketing', '$2b$04$abcdefghijklmnopqrstuuJ5VTvRGKP6M4sSQH0QyGq3Ct7Gkq0aX')",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "no department",
        "INSERT INTO employees (full_name, email, department, password_hash) VALUES ('X', 'x@epic.events', NULL, '$2b$04$abcdefghijklmnopqrstuuJ5VTvRGKP6M4sSQH0QyGq3Ct7Gkq0aX')",
        SqlState::NOT_NULL_VIOLATION,
    ),
    (
        "duplicate email in another case",
        "INSERT INTO employees (full_name, email, department, password_hash) VALUES ('Kate Bis', 'KATE@Epic.Events', 'support', '$2b$04$abcdefghijklmnopqrstuuJ5VTvRGKP6M4sSQH0QyGq3Ct7Gkq0aX')",
        SqlState::UNIQUE_VIOLATION,
    ),
    (
        "a plain password instead of a hash",
        "INSERT INTO employees (full_name, email, department, password_hash) VALUES ('X', 'x@epic.events', 'sales', 'hunter2')",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "malformed employee email",
        "INSERT INTO employees (full_name, email, department, password_hash) VALUES ('X', 'not-an-email', 'sales', '$2b$04$abcdefghijklmnopqrstuuJ5VTvRGKP6M4sSQH0QyGq3Ct7Gkq0aX')",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "client without sales contact",
        "INSERT INTO clients (full_name, email) VALUES ('X', 'x@y.io')",
        SqlState::NOT_NULL_VIOLATION,
    ),
    (
        "client owned by a support employee",
        "INSERT INTO clients (full_name, email, sales_contact_id) VALUES ('X', 'x@y.io', 102)",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "event supported by a salesperson",
        "UPDATE events SET support_contact_id = 101 WHERE id = 109",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "phone with letters",
        "UPDATE clients SET phone = 'call me' WHERE id = 12",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "phone with too few digits",
        "UPDATE clients SET phone = '+1 234' WHERE id = 12",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "empty client name",
        "UPDATE clients SET full_name = '' WHERE id = 12",
        SqlState::CHECK_VIOLATION,
    ),
    (
        "deleting an employee who owns clients",
        "DELETE FROM employees WHERE id = 101",
        SqlState::FOREIGN_KEY_VIOLATION,
    ),
    (
        "deleting a contract with events",
        "DELETE FROM contracts WHERE id = 652",
        SqlState::FOREIGN_KEY_VIOLATION,
    ),
    (
        "editing the audit log",
        "UPDATE audit_log SET action = 'nothing'",
        SqlState::INSUFFICIENT_PRIVILEGE,
    ),
    (
        "deleting from the audit log",
        "DELETE FROM audit_log",
        SqlState::INSUFFICIENT_PRIVILEGE,
    ),
    (
        "truncating the audit log",
        "TRUNCATE audit_log",
        SqlState::INSUFFICIENT_PRIVILEGE,
    ),
    (
        "session for nobody",
        "INSERT INTO user_sessions (employee_id, token_hash, expires_at) VALUES (999, decode(repeat('ab', 32), 'hex'), now() + interval '1 hour')",
        SqlState::FOREIGN_KEY_VIOLATION,
    ),
    (
        "session expiring before it starts",
        "INSERT INTO user_sessions (employee_id, token_hash, expires_at) VALUES (101, decode(repeat('ab', 32), 'hex'), now() - interval '1 hour')",
        SqlState::CHECK_VIOLATION,
    ),
];

#[test]
fn every_invariant_is_enforced_by_the_database_itself() {
    let db = TestDb::migrated();
    db.execute(FIXTURE);
    db.execute("INSERT INTO audit_log (action) VALUES ('test')");
    let failures: Vec<String> = db.with_client(async |client| {
        let mut failures = Vec::new();
        for (what, sql, expected) in VIOLATIONS {
            match client.batch_execute(sql).await {
                Ok(()) => failures.push(format!("{what}: accepted")),
                Err(e) if e.code() == Some(expected) => {}
                Err(e) => failures.push(format!(
                    "{what}: refused with {:?}, expected {expected:?}",
                    e.code()
                )),
            }
        }
        failures
    });
    assert!(failures.is_empty(), "{failures:#?}");
    // And nothing above changed the valid rows.
    assert_eq!(
        db.query_one_i64(
            "SELECT count(*) FROM events WHERE attendees = 75 AND support_contact_id = 102"
        ),
        1
    );
}

#[test]
fn the_spec_phone_numbers_are_accepted_by_the_database() {
    let db = TestDb::migrated();
    db.execute(FIXTURE);
    for phone in [
        "+678 123 456 78",
        "+1 234 567 8901",
        "+ 666 12345",
        "(555) 123-4567",
        "01.23.45.67.89",
    ] {
        db.with_client(async |client| {
            client
                .execute("UPDATE clients SET phone = $1 WHERE id = 12", &[&phone])
                .await
                .unwrap_or_else(|e| panic!("{phone} refused: {e}"))
        });
    }
}

#[test]
fn the_daily_filters_have_their_indexes() {
    let db = TestDb::migrated();
    for index in [
        "events_no_support_idx",
        "events_support_idx",
        "contracts_unsigned_idx",
        "contracts_unpaid_idx",
        "clients_sales_contact_idx",
        "events_support_id_idx",
        "clients_name_trgm_idx",
        "clients_company_trgm_idx",
        "employees_email_key",
    ] {
        let found = db.with_client(async |client| {
            client
                .query_one(
                    "SELECT count(*) FROM pg_indexes WHERE indexname = $1",
                    &[&index],
                )
                .await
                .expect("catalog query")
                .get::<_, i64>(0)
        });
        assert_eq!(found, 1, "{index} is missing");
    }
}

#[test]
fn a_newer_binary_migrates_an_older_database_and_keeps_its_rows() {
    let db = TestDb::new();
    // The database as the first release left it: migration 1 only.
    let state = db.with_client(async |client| {
        epic::db::migrate::migrate(
            client,
            &epic::db::roles::RoleNames::default(),
            &epic::db::migrate::MIGRATIONS[..1],
            None,
        )
        .await
        .expect("migration 1 applies")
    });
    assert_eq!(state.applied_now, vec![1]);
    db.execute(
        "INSERT INTO employees (full_name, email, department, password_hash) VALUES \
         ('Old Admin', 'old@epic.events', 'admin', '$2b$04$abcdefghijklmnopqrstuuJ5VTvRGKP6M4sSQH0QyGq3Ct7Gkq0aX')",
    );
    // A desk does not migrate a shared server: it says who must.
    let desk = db.epic().args(["-c", "help"]).run();
    assert_eq!(desk.code, 8, "{desk:?}");
    assert_eq!(
        desk.stderr,
        "error[E-SCHEMA]: this database has no epic schema yet; this epic needs schema version 10\n\
         help: an administrator runs `epic db migrate` with the migrator's credentials\n"
    );
    let ran = db.operator().args(["db", "migrate"]).run();
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (
            0,
            "Applied migrations 2 to 10: the schema is at version 10.\n"
        ),
        "{ran:?}"
    );
    let versions = db.query_one_i64("SELECT count(*) FROM epic_schema_migrations");
    assert_eq!(versions as usize, epic::db::migrate::MIGRATIONS.len());
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM audit_log"),
        0,
        "the audit table exists now"
    );
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM employees WHERE email = 'old@epic.events'"),
        1
    );
    assert_eq!(db.epic().args(["-c", "help"]).run().code, 0);
}

#[test]
fn migrations_run_exactly_once() {
    let db = TestDb::migrated();
    for _ in 0..3 {
        let ran = db.operator().args(["db", "migrate"]).run();
        assert_eq!(
            (ran.code, ran.stderr.as_str()),
            (0, "The schema is current (version 10).\n")
        );
    }
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM epic_schema_migrations") as usize,
        epic::db::migrate::MIGRATIONS.len()
    );
    assert_eq!(db.query_one_i64("SELECT count(*) FROM employees"), 1);
}

#[test]
fn a_changed_migration_is_refused_with_a_clear_message() {
    let db = TestDb::migrated();
    db.execute("UPDATE epic_schema_migrations SET checksum = 'edited' WHERE version = 1");
    let ran = db.operator().args(["db", "migrate"]).run();
    assert_eq!(ran.code, 8, "{ran:?}");
    assert_eq!(
        ran.stderr,
        "error[E-SCHEMA]: migration 1 (`0001_core.sql`) was changed after it was applied to this database\n\
         help: migrations are never edited once released; restore the original file and add the change as a new migration\n"
    );
    assert!(ran.stdout.is_empty());
}

#[test]
fn the_earlier_text_of_an_amended_migration_is_accepted() {
    // 0005 used to create the application role itself; databases migrated
    // then recorded that text's checksum.
    let db = TestDb::migrated();
    db.execute(
        "UPDATE epic_schema_migrations \
         SET checksum = 'c689a8b7ef393cadfd5d08509698ce7bfcdbf817d9be8ec07edc20184375c07e' WHERE version = 5",
    );
    let ran = db.operator().args(["db", "migrate"]).run();
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (0, "The schema is current (version 10).\n")
    );
}

#[test]
fn a_database_from_a_newer_epic_is_refused() {
    let db = TestDb::migrated();
    db.execute("INSERT INTO epic_schema_migrations (version, name, checksum) VALUES (999, '0999_future.sql', 'x')");
    for ran in [
        db.epic().args(["-c", "help"]).run(),
        db.operator().args(["db", "migrate"]).run(),
    ] {
        assert_eq!(ran.code, 8, "{ran:?}");
        assert!(
            ran.stderr.contains("newer than this epic knows"),
            "{}",
            ran.stderr
        );
    }
}

#[test]
fn concurrent_migrations_migrate_once_and_create_one_admin() {
    let db = TestDb::new();
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let epic = db.operator().args(["db", "migrate"]);
            std::thread::spawn(move || epic.run())
        })
        .collect();
    for run in runs {
        let ran = run.join().expect("the run finishes");
        assert_eq!(ran.code, 0, "{ran:?}");
    }
    assert_eq!(db.query_one_i64("SELECT count(*) FROM employees"), 1);
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM epic_schema_migrations") as usize,
        epic::db::migrate::MIGRATIONS.len()
    );
}

//! The schema: invariants enforced by PostgreSQL itself (a hand-written
//! INSERT cannot break them), and migrations applied exactly once.

mod common;

use common::TestDb;
use epic::model::{Entity, FieldType, Limit};
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
        format!(
            "error[E-SCHEMA]: this database has no epic schema yet; this epic needs schema version {}\n\
             help: an administrator runs `epic db migrate` with the migrator's credentials\n",
            current()
        )
    );
    let ran = db.operator().args(["db", "migrate"]).run();
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (
            0,
            format!(
                "Applied migrations 2 to {0}: the schema is at version {0}.\n",
                current()
            )
            .as_str()
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
            (
                0,
                format!("The schema is current (version {}).\n", current()).as_str()
            )
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
        (
            0,
            format!("The schema is current (version {}).\n", current()).as_str()
        )
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

/// The table each entity's fields are stored in.
fn table_of(entity: Entity) -> &'static str {
    match entity {
        Entity::Client => "clients",
        Entity::Contract => "contracts",
        Entity::Event => "events",
        Entity::Employee => "employees",
        Entity::Audit => "audit_log",
    }
}

/// A bound a CHECK sets on a column: on its `length`, on the `digits` it
/// holds, or on its `value`; `>=` or `<=`; a number.
type Bound = (&'static str, &'static str, i64);

/// The bounds a field's row says its column's CHECK sets.
fn bounds_of(limit: Limit) -> Vec<Bound> {
    let n = |n: usize| i64::try_from(n).expect("a small limit");
    match limit {
        Limit::None => vec![],
        Limit::Chars { min: 0, max } | Limit::Bytes(max) => vec![("length", "<=", n(max))],
        Limit::Chars { min, max } => vec![("length", ">=", n(min)), ("length", "<=", n(max))],
        Limit::Digits { min, max } => vec![("digits", ">=", n(min)), ("digits", "<=", n(max))],
        Limit::Range { min, max } => vec![("value", ">=", min), ("value", "<=", max)],
        Limit::Money { .. } => vec![("value", ">=", 0)],
    }
}

/// The bounds the CHECKs `defs` (as `pg_get_constraintdef` prints them:
/// `BETWEEN` is spelled out, every comparison in parentheses) set on
/// `column`. A comparison with another column, or with no number, is none.
fn bounds_in(defs: &[String], column: &str) -> Vec<Bound> {
    let mut found = Vec::new();
    for def in defs {
        for op in [">=", "<="] {
            for (at, _) in def.match_indices(&format!(" {op} ")) {
                let right = def[at + op.len() + 2..].trim_start_matches('(');
                let digits: String = right.chars().take_while(char::is_ascii_digit).collect();
                let Ok(number) = digits.parse::<i64>() else {
                    continue;
                };
                // The left operand: back to the parenthesis the comparison opens with.
                let mut depth = 0;
                let mut start = 0;
                for (i, c) in def[..at].char_indices().rev() {
                    match c {
                        ')' => depth += 1,
                        '(' if depth == 0 => {
                            start = i + 1;
                            break;
                        }
                        '(' => depth -= 1,
                        _ => {}
                    }
                }
                let left = &def[start..at];
                let what = if left == column {
                    "value"
                } else if left == format!("length({column})") {
                    "length"
                } else if left.starts_with(&format!("length(regexp_replace({column}, '[^0-9]'")) {
                    "digits"
                } else {
                    continue;
                };
                found.push((what, op, number));
            }
        }
    }
    found.sort();
    found
}

/// The words `= ANY (ARRAY['a'::text, ...])` in `defs` allows.
fn choices_in(defs: &[String]) -> Vec<String> {
    let mut found: Vec<String> = defs
        .iter()
        .filter_map(|def| def.split_once("ANY (ARRAY[").map(|(_, list)| list))
        .flat_map(|list| list.split(']').next().unwrap_or_default().split(", "))
        .map(|word| {
            word.trim_end_matches("::text")
                .trim_matches('\'')
                .to_owned()
        })
        .collect();
    found.sort();
    found
}

#[test]
fn each_fields_row_says_what_its_columns_checks_allow() {
    let db = TestDb::migrated();
    let mut failures = Vec::new();
    db.with_client(async |client| {
        for entity in Entity::ALL {
            let table = table_of(entity);
            for spec in entity.specs() {
                let Some(column) = spec.stored else { continue };
                let defs: Vec<String> = client
                    .query(
                        "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c \
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) \
                         WHERE c.contype = 'c' AND c.conrelid = $1::text::regclass AND a.attname = $2::text",
                        &[&table, &column],
                    )
                    .await
                    .expect("the constraints are read")
                    .iter()
                    .map(|row| row.get(0))
                    .collect();
                let row = client
                    .query_one(
                        "SELECT data_type::text, is_nullable::text, numeric_precision, numeric_scale \
                         FROM information_schema.columns \
                         WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2",
                        &[&table, &column],
                    )
                    .await
                    .unwrap_or_else(|e| panic!("{table}.{column} exists: {e}"));
                let (ty, nullable): (String, String) = (row.get(0), row.get(1));
                let numeric = (ty == "numeric").then(|| {
                    let precision: i32 = row.get(2);
                    let scale: i32 = row.get(3);
                    (precision as u32, scale as u32)
                });
                let name = format!("{table}.{column} ({entity} {})", spec.name);
                let mut expected = bounds_of(spec.limit);
                expected.sort();
                let found = bounds_in(&defs, column);
                if found != expected {
                    failures.push(format!("{name}: the row says {expected:?}, the CHECKs {found:?} ({defs:?})"));
                }
                let money = match spec.limit {
                    Limit::Money { precision, scale } => Some((precision, scale)),
                    _ => None,
                };
                if money != numeric {
                    failures.push(format!("{name}: the row says numeric {money:?}, the column {numeric:?}"));
                }
                if spec.nullable != (nullable == "YES") {
                    failures.push(format!("{name}: nullable is {}, the column's is {nullable}", spec.nullable));
                }
                let mut choices: Vec<String> = match spec.ty {
                    FieldType::Enum(choices) => choices.iter().map(|c| (*c).to_owned()).collect(),
                    _ => Vec::new(),
                };
                choices.sort();
                if choices != choices_in(&defs) {
                    failures.push(format!("{name}: the row's choices {choices:?}, the CHECK's {defs:?}"));
                }
            }
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_bounds_of_a_check_are_read_as_postgresql_prints_them() {
    let defs = [
        "CHECK (((full_name = btrim(full_name)) AND ((length(full_name) >= 1) AND (length(full_name) <= 120))))".to_owned(),
        "CHECK ((total >= (0)::numeric))".to_owned(),
        "CHECK ((last_contact_at >= created_at))".to_owned(),
    ];
    assert_eq!(
        bounds_in(&defs, "full_name"),
        vec![("length", "<=", 120), ("length", ">=", 1)]
    );
    assert_eq!(bounds_in(&defs, "total"), vec![("value", ">=", 0)]);
    assert_eq!(bounds_in(&defs, "created_at"), vec![]);
    assert_eq!(bounds_in(&defs, "last_contact_at"), vec![]);
    assert_eq!(
        choices_in(&[
            "CHECK ((department = ANY (ARRAY['management'::text, 'sales'::text])))".to_owned()
        ]),
        vec!["management", "sales"]
    );
}

/// The schema version this build migrates to: the messages name it.
fn current() -> i32 {
    epic::db::migrate::current_version()
}

/// `sql/0013`'s `epic_audit_field` names a stored column as the model's
/// row does, so the audit trail speaks in the fields users type.
#[test]
fn the_audit_trail_names_every_settable_column_as_its_field() {
    let db = TestDb::migrated();
    let mut failures = Vec::new();
    db.with_client(async |client| {
        for entity in [
            Entity::Client,
            Entity::Contract,
            Entity::Event,
            Entity::Employee,
        ] {
            for spec in entity.specs() {
                let Some(column) = spec.stored else { continue };
                if spec.write == epic::model::Write::Never {
                    continue;
                }
                // An employee's entries are written with the fields' names
                // already (`epic_audit_write` leaves the hashes out).
                let key = if entity == Entity::Employee {
                    spec.name
                } else {
                    column
                };
                let named: Option<String> = client
                    .query_one(
                        "SELECT epic_audit_field($1::text, $2::text)",
                        &[&entity.singular(), &key],
                    )
                    .await
                    .expect("the audit's name is read")
                    .get(0);
                if named.as_deref() != Some(spec.name) {
                    failures.push(format!(
                        "{entity}.{column}: the audit says {named:?}, the model {}",
                        spec.name
                    ));
                }
            }
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `sql/0015`'s `epic_audit_field_rank` puts each entity's settable fields
/// in the model's order, which the audit's objects (and so its tables and
/// notifications) follow.
#[test]
fn the_audit_trail_orders_fields_as_the_model() {
    let db = TestDb::migrated();
    let mut failures = Vec::new();
    db.with_client(async |client| {
        for entity in [
            Entity::Client,
            Entity::Contract,
            Entity::Event,
            Entity::Employee,
        ] {
            let mut ranks = Vec::new();
            for spec in entity.specs() {
                if spec.stored.is_none() || spec.write == epic::model::Write::Never {
                    continue;
                }
                let rank: Option<i32> = client
                    .query_one("SELECT epic_audit_field_rank($1::text)", &[&spec.name])
                    .await
                    .expect("the audit's rank is read")
                    .get(0);
                ranks.push((spec.name, rank));
            }
            let in_order = ranks
                .windows(2)
                .all(|pair| matches!((pair[0].1, pair[1].1), (Some(a), Some(b)) if a < b));
            if !in_order || ranks.iter().any(|(_, rank)| rank.is_none()) {
                failures.push(format!("{entity}: {ranks:?}"));
            }
        }
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! The second layer, on its own: PostgreSQL refuses what SPEC.md does not
//! grant, for SQL sent directly as the application role with a valid
//! session and no application checker in the way.

mod common;

use common::TestDb;
use epic::model::Role;
use epic::policy::{self, Action, Guarded, Ownership, Request, Target};
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

const HASH: &str = "$2b$04$abcdefghijklmnopqrstuuJ5VTvRGKP6M4sSQH0QyGq3Ct7Gkq0aX";

/// Employees, one session each (token hash = 32 times the employee's id
/// byte), and records owned by some and not others.
const FIXTURE: &str = r#"
INSERT INTO employees (id, full_name, email, department, password_hash) VALUES
  (101, 'Maud Manager', 'maud@epic.events', 'management', '$HASH'),
  (102, 'Sam Sales', 'sam@epic.events', 'sales', '$HASH'),
  (103, 'Sid Sales', 'sid@epic.events', 'sales', '$HASH'),
  (104, 'Kate Hastroff', 'kate@epic.events', 'support', '$HASH'),
  (105, 'Paul Support', 'paul@epic.events', 'support', '$HASH'),
  (106, 'Ada Admin', 'ada@epic.events', 'admin', '$HASH'),
  (107, 'Free Agent', 'free@epic.events', 'support', '$HASH');
INSERT INTO user_sessions (employee_id, token_hash, expires_at)
  SELECT id, decode(repeat(lpad(to_hex(id - 100), 2, '0'), 32), 'hex'), now() + interval '1 hour'
  FROM employees WHERE id BETWEEN 101 AND 106;
INSERT INTO clients (id, full_name, email, sales_contact_id) VALUES
  (11, 'Own Client', 'own@client.io', 102), (12, 'Other Client', 'other@client.io', 103);
INSERT INTO contracts (id, client_id, total, remaining, signed) VALUES
  (21, 11, 1000, 500, true), (22, 12, 1000, 500, true), (23, 11, 1000, 1000, false);
INSERT INTO events (id, contract_id, name, start_at, end_at, support_contact_id) VALUES
  (31, 21, 'Own Event', '2030-01-01', '2030-01-02', 104),
  (32, 22, 'Other Event', '2030-01-01', '2030-01-02', 105);
"#;

fn session_hex(employee_id: i64) -> String {
    format!("{:02x}", employee_id - 100).repeat(32)
}

/// The acting employee per role, and who else owns things.
fn actor(role: Role) -> i64 {
    match role {
        Role::Management => 101,
        Role::Sales => 102,
        Role::Support => 104,
        Role::Admin => 106,
    }
}

/// Runs `sql` as epic_app for `session` (None: no session) in a
/// transaction that is always rolled back. Ok(rows affected) or the SQLSTATE.
async fn as_app(client: &mut Client, session: Option<&str>, sql: &str) -> Result<u64, SqlState> {
    let tx = client.transaction().await.expect("begin");
    tx.batch_execute("SET LOCAL ROLE epic_app")
        .await
        .expect("set role");
    if let Some(hex) = session {
        tx.execute("SELECT set_config('epic.session', $1, true)", &[&hex])
            .await
            .expect("set session");
    }
    let result = tx
        .execute(sql, &[])
        .await
        .map_err(|e| e.code().cloned().unwrap_or(SqlState::INTERNAL_ERROR));
    tx.rollback().await.expect("rollback");
    result
}

/// One write the matrix tries, and how the checker names it.
struct Case {
    what: &'static str,
    request: fn(Role) -> Request,
    sql: fn(Role) -> String,
}

fn request(action: Action, target: Target, ownership: Ownership, touches: &[Guarded]) -> Request {
    Request {
        action,
        target,
        ownership,
        touches: touches.to_vec(),
        id: None,
    }
}

/// Whose a record is for the acting role: sales own client 11 (and its
/// contracts and event 31's creation); support own event 31.
fn own_for(role: Role, owner_role: Role) -> Ownership {
    if role == owner_role {
        Ownership::Own
    } else {
        Ownership::Others
    }
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            what: "create a client owned by oneself",
            request: |role| {
                request(
                    Action::Create,
                    Target::Client,
                    own_for(role, Role::Sales),
                    &[],
                )
            },
            sql: |role| {
                format!(
                    "INSERT INTO clients (full_name, email, sales_contact_id) VALUES ('N', 'n@x.io', {})",
                    actor(role)
                )
            },
        },
        Case {
            what: "create a client for another salesperson",
            request: |_| request(Action::Create, Target::Client, Ownership::Others, &[]),
            sql: |_| {
                "INSERT INTO clients (full_name, email, sales_contact_id) VALUES ('N', 'n@x.io', 103)".into()
            },
        },
        Case {
            what: "update one's own client",
            request: |role| {
                request(
                    Action::Update,
                    Target::Client,
                    own_for(role, Role::Sales),
                    &[],
                )
            },
            sql: |_| "UPDATE clients SET phone = '+33 1 23 45 67 89' WHERE id = 11".into(),
        },
        Case {
            what: "reassign one's own client",
            request: |role| {
                request(
                    Action::Update,
                    Target::Client,
                    own_for(role, Role::Sales),
                    &[Guarded::ClientOwner],
                )
            },
            sql: |_| "UPDATE clients SET sales_contact_id = 103 WHERE id = 11".into(),
        },
        Case {
            what: "update someone else's client",
            request: |_| request(Action::Update, Target::Client, Ownership::Others, &[]),
            sql: |_| "UPDATE clients SET phone = '+33 1 23 45 67 89' WHERE id = 12".into(),
        },
        Case {
            what: "delete a client",
            request: |_| request(Action::Delete, Target::Client, Ownership::Others, &[]),
            sql: |_| "DELETE FROM clients WHERE id = 12".into(),
        },
        Case {
            what: "create a contract",
            request: |_| {
                request(
                    Action::Create,
                    Target::Contract,
                    Ownership::NotApplicable,
                    &[],
                )
            },
            sql: |_| {
                "INSERT INTO contracts (client_id, total, remaining) VALUES (11, 10, 10)".into()
            },
        },
        Case {
            what: "update a contract of one's own client",
            request: |role| {
                request(
                    Action::Update,
                    Target::Contract,
                    own_for(role, Role::Sales),
                    &[],
                )
            },
            sql: |_| "UPDATE contracts SET remaining = 100 WHERE id = 21".into(),
        },
        Case {
            what: "update a contract of someone else's client",
            request: |_| request(Action::Update, Target::Contract, Ownership::Others, &[]),
            sql: |_| "UPDATE contracts SET remaining = 100 WHERE id = 22".into(),
        },
        Case {
            what: "create an event for one's own signed contract",
            request: |role| {
                request(
                    Action::Create,
                    Target::Event,
                    own_for(role, Role::Sales),
                    &[],
                )
            },
            sql: |_| {
                "INSERT INTO events (contract_id, name, start_at, end_at) VALUES (21, 'E', '2030-02-01', '2030-02-02')".into()
            },
        },
        Case {
            what: "create an event with its support contact",
            request: |role| {
                request(
                    Action::Create,
                    Target::Event,
                    own_for(role, Role::Sales),
                    &[Guarded::EventSupport],
                )
            },
            sql: |_| {
                "INSERT INTO events (contract_id, name, start_at, end_at, support_contact_id) VALUES (21, 'E', '2030-02-01', '2030-02-02', 104)".into()
            },
        },
        Case {
            what: "create an event for someone else's contract",
            request: |_| request(Action::Create, Target::Event, Ownership::Others, &[]),
            sql: |_| {
                "INSERT INTO events (contract_id, name, start_at, end_at) VALUES (22, 'E', '2030-02-01', '2030-02-02')".into()
            },
        },
        Case {
            what: "update the notes of one's own event",
            request: |role| {
                request(
                    Action::Update,
                    Target::Event,
                    own_for(role, Role::Support),
                    &[],
                )
            },
            sql: |_| "UPDATE events SET notes = 'n' WHERE id = 31".into(),
        },
        Case {
            what: "change the support contact of one's own event",
            request: |role| {
                request(
                    Action::Update,
                    Target::Event,
                    own_for(role, Role::Support),
                    &[Guarded::EventSupport],
                )
            },
            sql: |_| "UPDATE events SET support_contact_id = 105 WHERE id = 31".into(),
        },
        Case {
            what: "move one's own event to another contract",
            request: |role| {
                request(
                    Action::Update,
                    Target::Event,
                    own_for(role, Role::Support),
                    &[Guarded::EventContract],
                )
            },
            sql: |_| "UPDATE events SET contract_id = 23 WHERE id = 31".into(),
        },
        Case {
            what: "update the notes of someone else's event",
            request: |_| request(Action::Update, Target::Event, Ownership::Others, &[]),
            sql: |_| "UPDATE events SET notes = 'n' WHERE id = 32".into(),
        },
        Case {
            what: "delete an event",
            request: |_| request(Action::Delete, Target::Event, Ownership::Others, &[]),
            sql: |_| "DELETE FROM events WHERE id = 32".into(),
        },
        Case {
            what: "create an employee",
            request: |_| {
                request(
                    Action::Create,
                    Target::Employee,
                    Ownership::NotApplicable,
                    &[],
                )
            },
            sql: |_| {
                format!(
                    "INSERT INTO employees (full_name, email, department, password_hash) VALUES ('New', 'new@epic.events', 'sales', '{HASH}')"
                )
            },
        },
        Case {
            what: "update an employee",
            request: |_| {
                request(
                    Action::Update,
                    Target::Employee,
                    Ownership::NotApplicable,
                    &[],
                )
            },
            sql: |_| "UPDATE employees SET department = 'management' WHERE id = 103".into(),
        },
        Case {
            what: "delete an employee",
            request: |_| {
                request(
                    Action::Delete,
                    Target::Employee,
                    Ownership::NotApplicable,
                    &[],
                )
            },
            // Someone with no clients, events or sessions, so that only the policy can refuse.
            sql: |_| "DELETE FROM employees WHERE id = 107".into(),
        },
        Case {
            what: "revoke someone else's session",
            request: |_| {
                request(
                    Action::Update,
                    Target::Sessions,
                    Ownership::NotApplicable,
                    &[],
                )
            },
            sql: |_| "UPDATE user_sessions SET revoked_at = now() WHERE employee_id = 105".into(),
        },
        Case {
            what: "lift a login lock-out",
            request: |_| {
                request(
                    Action::Update,
                    Target::Logins,
                    Ownership::NotApplicable,
                    &[],
                )
            },
            sql: |_| {
                "INSERT INTO login_attempts (email_key, kind) VALUES ('kate@epic.events', 'unlock')"
                    .into()
            },
        },
    ]
}

#[test]
fn the_database_refuses_what_the_spec_does_not_grant() {
    let db = TestDb::migrated();
    db.execute(&FIXTURE.replace("$HASH", HASH));
    let (checked, failures) = db.with_client(async |client| {
        let mut checked = 0;
        let mut failures = Vec::new();
        for case in cases() {
            for role in [Role::Management, Role::Sales, Role::Support, Role::Admin] {
                let expected = policy::authorize(role, &(case.request)(role)).is_ok();
                let hex = session_hex(actor(role));
                let outcome = as_app(client, Some(&hex), &(case.sql)(role)).await;
                let allowed = matches!(outcome, Ok(n) if n > 0);
                if allowed != expected {
                    failures.push(format!(
                        "{role} may {}: expected {expected}, database said {outcome:?}",
                        case.what
                    ));
                }
                checked += 1;
            }
            // Not logged in: nothing at all.
            let outcome = as_app(client, None, &(case.sql)(Role::Admin)).await;
            if matches!(outcome, Ok(n) if n > 0) {
                failures.push(format!("without a session, {} was allowed", case.what));
            }
            checked += 1;
        }
        (checked, failures)
    });
    eprintln!("least privilege, SQL layer: {checked} cases checked");
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(checked, cases().len() * 5);
}

#[test]
fn every_role_reads_the_crm_but_never_hashes_or_tokens_and_a_dead_session_reads_nothing() {
    let db = TestDb::migrated();
    db.execute(&FIXTURE.replace("$HASH", HASH));
    db.with_client(async |client| {
        for role in [Role::Management, Role::Sales, Role::Support, Role::Admin] {
            let hex = session_hex(actor(role));
            for table in ["clients", "contracts", "events"] {
                // Table names are constants of this test.
                let rows = as_app(client, Some(&hex), &format!("SELECT * FROM {table}")).await;
                assert!(matches!(rows, Ok(n) if n >= 2), "{role} reads {table}: {rows:?}");
            }
            let directory = as_app(client, Some(&hex), "SELECT id, full_name, email, department FROM employees").await;
            assert!(matches!(directory, Ok(n) if n >= 6), "{role}: {directory:?}");
            let hashes = as_app(client, Some(&hex), "SELECT password_hash FROM employees").await;
            assert_eq!(hashes, Err(SqlState::INSUFFICIENT_PRIVILEGE), "{role} reads password hashes");
            let tokens = as_app(client, Some(&hex), "SELECT token_hash FROM user_sessions").await;
            assert_eq!(tokens, Err(SqlState::INSUFFICIENT_PRIVILEGE), "{role} reads token hashes");
        }
        // Revoke Kate's session and expire Sam's: they read nothing.
        client
            .batch_execute(
                "UPDATE user_sessions SET revoked_at = now() WHERE employee_id = 104; \
                 UPDATE user_sessions SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' WHERE employee_id = 102;",
            )
            .await
            .expect("end two sessions");
        for dead in [104, 102] {
            for table in ["clients", "contracts", "events", "employees"] {
                let sql = if table == "employees" { "SELECT id FROM employees".to_owned() } else { format!("SELECT * FROM {table}") };
                let rows = as_app(client, Some(&session_hex(dead)), &sql).await;
                assert_eq!(rows, Ok(0), "a dead session ({dead}) reads {table}");
            }
        }
        let nobody = as_app(client, None, "SELECT * FROM events").await;
        assert_eq!(nobody, Ok(0));
    });
}

#[test]
fn the_catalog_shows_no_way_around_the_policies() {
    let db = TestDb::migrated();
    let checks: &[(&str, &str)] = &[
        (
            "the application role is a superuser, bypasses RLS, or can log in",
            "SELECT rolname FROM pg_roles WHERE rolname = 'epic_app' AND (rolsuper OR rolbypassrls OR rolcanlogin)",
        ),
        (
            "the application role owns a table",
            "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner \
             WHERE r.rolname = 'epic_app'",
        ),
        (
            "a table without row security, or without it forced",
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT (c.relrowsecurity AND c.relforcerowsecurity)",
        ),
        (
            "a SECURITY DEFINER function without a pinned search_path",
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
             WHERE n.nspname = 'public' AND p.prosecdef \
               AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')",
        ),
        (
            "a SECURITY DEFINER function anyone may execute",
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
             WHERE n.nspname = 'public' AND p.prosecdef AND has_function_privilege('public', p.oid, 'EXECUTE')",
        ),
    ];
    db.with_client(async |client| {
        for (what, sql) in checks {
            let rows = client.query(*sql, &[]).await.expect("catalog query");
            let names: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
            assert!(names.is_empty(), "{what}: {names:?}");
        }
    });
}

#[test]
fn no_pooled_connection_carries_one_employees_identity_into_anothers_command() {
    let db = TestDb::migrated();
    db.execute(&FIXTURE.replace("$HASH", HASH));
    common::block_on(async {
        let config = epic::config::Config::from_lookup(|name| match name {
            "DATABASE_URL" => Some(db.url().to_owned()),
            "EPIC_DATA_DIR" => Some(db.home.path().display().to_string()),
            _ => None,
        })
        .expect("a config");
        let mut database = epic::db::Database::connect(&config)
            .await
            .expect("connects");
        let who = |hex: Option<String>| {
            let sql = "SELECT current_user::text || ':' || coalesce(epic_session_employee()::text, 'nobody')";
            (hex, sql)
        };
        let mut seen = Vec::new();
        for (hex, sql) in [
            who(Some(session_hex(104))),
            who(Some(session_hex(106))),
            who(Some(session_hex(104))),
        ] {
            database
                .begin_as(&hex_bytes(hex.as_deref().expect("a session")))
                .await
                .expect("begin");
            let plan = epic::plan::Plan {
                sql: sql.to_owned(),
                params: Vec::new(),
                columns: vec![epic::plan::OutColumn {
                    name: "who",
                    kind: epic::plan::ColumnKind::Text,
                }],
            };
            let row = database.fetch_one(&plan).await.expect("who am I");
            database.finish(true).await.expect("commit");
            seen.push(format!("{:?}", row.expect("a row")[0]));
            // Between commands: no role, no session left on the connection.
            let plan = epic::plan::Plan {
                sql: "SELECT current_user::text || ':' || coalesce(current_setting('epic.session', true), '')".to_owned(),
                params: Vec::new(),
                columns: vec![epic::plan::OutColumn { name: "left", kind: epic::plan::ColumnKind::Text }],
            };
            let left = database
                .fetch_one(&plan)
                .await
                .expect("query")
                .expect("a row");
            assert_eq!(
                format!("{:?}", left[0]),
                "Text(\"postgres:\")",
                "something outlived the transaction"
            );
        }
        assert_eq!(
            seen,
            [
                "Text(\"epic_app:104\")",
                "Text(\"epic_app:106\")",
                "Text(\"epic_app:104\")"
            ]
        );
    });
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The same writes as epic commands, through the shell, each on a fresh
/// copy of the fixture, with a session forged for the acting role.
fn shell_command(case: &str, role: Role) -> String {
    match case {
        "create a client owned by oneself" => "create client name \"N\" email \"n@x.io\"".into(),
        "create a client for another salesperson" => "create client name \"N\" email \"n@x.io\" sales 103".into(),
        "update one's own client" => "update client 11 set phone = \"+33 1 23 45 67 89\"".into(),
        "reassign one's own client" => "update client 11 set sales = 103".into(),
        "update someone else's client" => "update client 12 set phone = \"+33 1 23 45 67 89\"".into(),
        "delete a client" => "delete client 12".into(),
        "create a contract" => "create contract for client 11 total 10 remaining 10".into(),
        "update a contract of one's own client" => "update contract 21 set remaining = 100".into(),
        "update a contract of someone else's client" => "update contract 22 set remaining = 100".into(),
        "create an event for one's own signed contract" => {
            "create event for contract 21 name \"E\" start 2030-02-01 end 2030-02-02".into()
        }
        "create an event with its support contact" => {
            "create event for contract 21 name \"E\" start 2030-02-01 end 2030-02-02 support 104".into()
        }
        "create an event for someone else's contract" => {
            "create event for contract 22 name \"E\" start 2030-02-01 end 2030-02-02".into()
        }
        "update the notes of one's own event" => "update event 31 set notes = \"n\"".into(),
        "change the support contact of one's own event" => "update event 31 set support = 105".into(),
        "move one's own event to another contract" => "update event 31 set contract = 23".into(),
        "update the notes of someone else's event" => "update event 32 set notes = \"n\"".into(),
        "delete an event" => "delete event 32".into(),
        "create an employee" => {
            "create employee name \"New Person\" email \"new@epic.events\" department sales password \"Long-Enough-Pass-1\"".into()
        }
        "update an employee" => "update employee 103 set department = management".into(),
        "delete an employee" => "delete employee 107".into(),
        "revoke someone else's session" => "revoke sessions of employee 105".into(),
        "lift a login lock-out" => "unlock \"kate@epic.events\"".into(),
        other => panic!("no shell form for `{other}` ({role})"),
    }
}

/// Sessions the shell can use: for each fixture employee, a token signed
/// with the test key whose id hashes to the session row's token hash.
const SHELL_SESSIONS: &str = "UPDATE user_sessions s SET token_hash = sha256(convert_to('session-of-' || s.employee_id || '-xxxxxxxxxxxx', 'UTF8'))";

fn forged_token(employee_id: i64) -> String {
    let now = jsonwebtoken::get_current_timestamp() as i64;
    let claims = serde_json::json!({
        "jti": format!("session-of-{employee_id}-xxxxxxxxxxxx"),
        "sub": employee_id.to_string(),
        "iss": "epic",
        "aud": "epic-crm",
        "iat": now,
        "exp": now + 3600,
    });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(common::SECRET_KEY.as_bytes()),
    )
    .expect("signs")
}

#[test]
fn the_shell_refuses_what_the_spec_does_not_grant() {
    let fixture = TestDb::migrated();
    fixture.execute(&FIXTURE.replace("$HASH", HASH));
    fixture.execute(SHELL_SESSIONS);
    let home = tempfile::tempdir_in(common::scratch_root()).expect("a home");
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases() {
        for role in [Role::Management, Role::Sales, Role::Support, Role::Admin] {
            let expected = policy::authorize(role, &(case.request)(role)).is_ok();
            let db = TestDb::copy_of(&fixture);
            let session_file = home.path().join(format!("session-{}", actor(role)));
            let _ = std::fs::remove_file(&session_file);
            epic::auth::session_file::write(&session_file, &forged_token(actor(role)))
                .expect("session file");
            let command = shell_command(case.what, role);
            let ran = db
                .epic()
                .env("EPIC_SESSION_FILE", &session_file)
                .args(["-c", &command])
                .run();
            let outcome = match ran.code {
                0 => Some(true),
                5 => Some(false),
                _ => None,
            };
            if outcome != Some(expected) {
                failures.push(format!(
                    "{role}: `{command}` ({}): expected {}, got exit {}: {}",
                    case.what,
                    if expected { "allowed" } else { "denied" },
                    ran.code,
                    ran.stderr.trim()
                ));
            }
            checked += 1;
        }
    }
    // Not logged in: every write is refused before anything runs.
    let db = TestDb::copy_of(&fixture);
    for case in cases() {
        let ran = db
            .epic()
            .env("EPIC_SESSION_FILE", home.path().join("nobody"))
            .args(["-c", &shell_command(case.what, Role::Admin)])
            .run();
        if ran.code != 4 {
            failures.push(format!("not logged in, {}: exit {}", case.what, ran.code));
        }
        checked += 1;
    }
    eprintln!("least privilege, shell layer: {checked} cases checked");
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(checked, cases().len() * 5);
}

//! The second layer, on its own: PostgreSQL refuses what SPEC.md does not
//! grant, for SQL a desk sends directly, as the client login over TLS
//! (what an employee with `psql` and a desk's credentials has), acting as
//! the application role with a valid session and no application checker in
//! the way; and the same writes through the shell.

mod common;

use common::TestDb;
use common::fixture::{self, HASH, Sessions};
use epic::model::Role;
use epic::policy::{self, Action, Guarded, Ownership, Request, Target};
use tokio_postgres::error::SqlState;

use fixture::{actor, as_app_code as as_app};

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

/// What removing or moving one's own account touches: one's own account,
/// and an admin account when one is an admin.
fn own_account(role: Role) -> Vec<Guarded> {
    if role == Role::Admin {
        vec![Guarded::AdminAccount, Guarded::OwnAccount]
    } else {
        vec![Guarded::OwnAccount]
    }
}

/// Writes a rule of the data refuses before any policy is asked: only a
/// salesperson can be a client's sales contact, so "oneself" is not one.
fn refused_by_the_data(case: &str, role: Role) -> bool {
    case == "create a client owned by oneself" && role != Role::Sales
}

/// A department the acting employee is not in.
fn other_department(role: Role) -> &'static str {
    if role == Role::Support {
        "sales"
    } else {
        "support"
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
                    &[Guarded::ClientDetails],
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
            request: |_| {
                request(
                    Action::Update,
                    Target::Client,
                    Ownership::Others,
                    &[Guarded::ClientDetails],
                )
            },
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
            sql: |_| "UPDATE events SET contract_id = 24 WHERE id = 31".into(),
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
            what: "promote oneself to admin",
            request: |role| {
                let mine: &[Guarded] = if role == Role::Admin {
                    &[Guarded::AdminAccount]
                } else {
                    &[Guarded::AdminAccount, Guarded::OwnAccount]
                };
                request(
                    Action::Update,
                    Target::Employee,
                    Ownership::NotApplicable,
                    mine,
                )
            },
            sql: |role| {
                format!(
                    "UPDATE employees SET department = 'admin' WHERE id = {}",
                    actor(role)
                )
            },
        },
        Case {
            what: "create an admin account",
            request: |_| {
                request(
                    Action::Create,
                    Target::Employee,
                    Ownership::NotApplicable,
                    &[Guarded::AdminAccount],
                )
            },
            sql: |_| {
                format!(
                    "INSERT INTO employees (full_name, email, department, password_hash) VALUES ('New', 'new@epic.events', 'admin', '{HASH}')"
                )
            },
        },
        Case {
            what: "move another admin out of the admins",
            request: |_| {
                request(
                    Action::Update,
                    Target::Employee,
                    Ownership::NotApplicable,
                    &[Guarded::AdminAccount],
                )
            },
            sql: |_| "UPDATE employees SET department = 'management' WHERE id = 108".into(),
        },
        Case {
            what: "change an admin's email",
            request: |_| {
                request(
                    Action::Update,
                    Target::Employee,
                    Ownership::NotApplicable,
                    &[Guarded::AdminAccount],
                )
            },
            sql: |_| "UPDATE employees SET email = 'ann.two@epic.events' WHERE id = 108".into(),
        },
        Case {
            what: "reset an admin's password",
            request: |_| {
                request(
                    Action::Update,
                    Target::Password,
                    Ownership::NotApplicable,
                    &[Guarded::AdminAccount],
                )
            },
            sql: |_| "SELECT epic_reset_password(108)".into(),
        },
        Case {
            what: "reset someone else's password",
            request: |_| {
                request(
                    Action::Update,
                    Target::Password,
                    Ownership::NotApplicable,
                    &[],
                )
            },
            sql: |_| "SELECT epic_reset_password(107)".into(),
        },
        Case {
            what: "deactivate an admin",
            request: |_| {
                request(
                    Action::Update,
                    Target::Employee,
                    Ownership::NotApplicable,
                    &[Guarded::AdminAccount],
                )
            },
            sql: |_| "UPDATE employees SET active = false WHERE id = 108".into(),
        },
        Case {
            what: "delete an admin",
            request: |_| {
                request(
                    Action::Delete,
                    Target::Employee,
                    Ownership::NotApplicable,
                    &[Guarded::AdminAccount],
                )
            },
            sql: |_| "DELETE FROM employees WHERE id = 108".into(),
        },
        Case {
            what: "deactivate oneself",
            request: |role| {
                request(
                    Action::Update,
                    Target::Employee,
                    Ownership::NotApplicable,
                    &own_account(role),
                )
            },
            sql: |role| {
                format!(
                    "UPDATE employees SET active = false WHERE id = {}",
                    actor(role)
                )
            },
        },
        Case {
            what: "delete oneself",
            request: |role| {
                request(
                    Action::Delete,
                    Target::Employee,
                    Ownership::NotApplicable,
                    &own_account(role),
                )
            },
            sql: |role| format!("DELETE FROM employees WHERE id = {}", actor(role)),
        },
        Case {
            what: "move oneself to another department",
            request: |role| {
                request(
                    Action::Update,
                    Target::Employee,
                    Ownership::NotApplicable,
                    &own_account(role),
                )
            },
            sql: |role| {
                format!(
                    "UPDATE employees SET department = '{}' WHERE id = {}",
                    other_department(role),
                    actor(role)
                )
            },
        },
        Case {
            what: "reassign a client and change its details at once",
            request: |role| {
                request(
                    Action::Update,
                    Target::Client,
                    own_for(role, Role::Sales),
                    &[Guarded::ClientOwner, Guarded::ClientDetails],
                )
            },
            sql: |_| {
                "UPDATE clients SET sales_contact_id = 103, phone = '+33 1 23 45 67 89' WHERE id = 11".into()
            },
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
            // Sessions are ended by the database's identity functions only.
            sql: |_| "SELECT epic_revoke_sessions_of(105)".into(),
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
            sql: |_| "SELECT epic_unlock('kate@epic.events')".into(),
        },
    ]
}

#[test]
fn the_database_refuses_what_the_spec_does_not_grant() {
    let db = TestDb::migrated();
    fixture::load(&db);
    fixture::add_second_admin(&db);
    let sessions = Sessions::of(&db, 101..=106);
    let (checked, failures) = common::block_on(async {
        let client = &mut db.client_connection().await;
        let mut checked = 0;
        let mut failures = Vec::new();
        for case in cases() {
            for role in [Role::Management, Role::Sales, Role::Support, Role::Admin] {
                let expected = policy::allows(role, &(case.request)(role));
                let token = sessions.token(actor(role));
                let outcome = as_app(client, Some(token), &(case.sql)(role)).await;
                let allowed = matches!(outcome, Ok(n) if n > 0);
                // Refused by a policy or a trust rule, never by an accident
                // of the data (a key, a constraint) that would hide a hole.
                let refused = matches!(outcome, Ok(0) | Err(SqlState::INSUFFICIENT_PRIVILEGE))
                    || (refused_by_the_data(case.what, role)
                        && outcome == Err(SqlState::CHECK_VIOLATION));
                if allowed != expected || (!expected && !refused) {
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
    fixture::load(&db);
    let sessions = Sessions::of(&db, 101..=106);
    common::block_on(async {
        let client = &mut db.client_connection().await;
        for role in [Role::Management, Role::Sales, Role::Support, Role::Admin] {
            let hex = sessions.token(actor(role));
            for table in ["clients", "contracts", "events"] {
                // Table names are constants of this test.
                let rows = as_app(client, Some(hex), &format!("SELECT * FROM {table}")).await;
                assert!(
                    matches!(rows, Ok(n) if n >= 2),
                    "{role} reads {table}: {rows:?}"
                );
            }
            let directory = as_app(
                client,
                Some(hex),
                "SELECT id, full_name, email, department FROM employees",
            )
            .await;
            assert!(
                matches!(directory, Ok(n) if n >= 6),
                "{role}: {directory:?}"
            );
            let hashes = as_app(client, Some(hex), "SELECT password_hash FROM employees").await;
            assert_eq!(
                hashes,
                Err(SqlState::INSUFFICIENT_PRIVILEGE),
                "{role} reads password hashes"
            );
            let tokens = as_app(client, Some(hex), "SELECT token_hash FROM user_sessions").await;
            assert_eq!(
                tokens,
                Err(SqlState::INSUFFICIENT_PRIVILEGE),
                "{role} reads token hashes"
            );
        }
        // Revoke Kate's session, expire Sam's, leave Maud's idle: they read nothing.
        // (The DBA's connection, from a thread of its own: this one drives the client's.)
        std::thread::scope(|scope| {
            scope.spawn(|| db.execute(
                "UPDATE user_sessions SET revoked_at = now() WHERE employee_id = 104; \
                 UPDATE user_sessions SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' WHERE employee_id = 102; \
                 UPDATE user_sessions SET last_seen_at = now() - interval '31 minutes' WHERE employee_id = 101;",
            ));
        });
        for dead in [104, 102, 101] {
            for table in ["clients", "contracts", "events", "employees"] {
                let sql = if table == "employees" {
                    "SELECT id FROM employees".to_owned()
                } else {
                    format!("SELECT * FROM {table}")
                };
                let rows = as_app(client, Some(sessions.token(dead)), &sql).await;
                assert_eq!(rows, Ok(0), "a dead session ({dead}) reads {table}");
            }
        }
        let nobody = as_app(client, None, "SELECT * FROM events").await;
        assert_eq!(nobody, Ok(0));
    });
}

#[test]
fn no_pooled_connection_carries_one_employees_identity_into_anothers_command() {
    let db = TestDb::migrated();
    fixture::load(&db);
    let sessions = Sessions::of(&db, 101..=106);
    common::block_on(async {
        let config = epic::config::Config::from_lookup(|name| match name {
            "DATABASE_URL" => Some(db.url()),
            "PGPASSWORD" => Some(common::CLIENT_PASSWORD.to_owned()),
            "EPIC_DATA_DIR" => Some(db.home.path().display().to_string()),
            _ => None,
        })
        .expect("a config");
        let mut database = epic::db::Database::connect(&config, epic::db::Login::Client)
            .await
            .expect("connects");
        database.schema_info().await.expect("the schema");
        let mut seen = Vec::new();
        for employee in [104, 106, 104] {
            database
                .begin_as(sessions.token(employee))
                .await
                .expect("begin");
            let acting = database.acting_as().await.expect("who am I");
            database.finish(true).await.expect("commit");
            seen.push(format!(
                "{}:{}",
                acting.role,
                acting
                    .employee
                    .map_or("nobody".to_owned(), |id| id.to_string())
            ));
            // Between commands: no role, no session left on the connection.
            let left = database.acting_as().await.expect("who am I now");
            assert_eq!(
                (left.role.as_str(), left.session_setting.as_str()),
                ("epic_client", ""),
                "something outlived the transaction"
            );
        }
        assert_eq!(seen, ["epic_app:104", "epic_app:106", "epic_app:104"]);
    });
}

/// The same writes as epic commands, through the shell, each on a fresh
/// copy of the fixture, with a session forged for the acting role.
fn shell_command(case: &str, role: Role) -> String {
    match case {
        "create a client owned by oneself" => "create client name \"N\" email \"n@x.io\"".into(),
        "create a client for another salesperson" => {
            "create client name \"N\" email \"n@x.io\" sales 103".into()
        }
        "update one's own client" => "update client 11 set phone = \"+33 1 23 45 67 89\"".into(),
        "reassign one's own client" => "update client 11 set sales = 103".into(),
        "update someone else's client" => {
            "update client 12 set phone = \"+33 1 23 45 67 89\"".into()
        }
        "delete a client" => "delete client 12".into(),
        "create a contract" => "create contract for client 11 total 10 remaining 10".into(),
        "update a contract of one's own client" => "update contract 21 set remaining = 100".into(),
        "update a contract of someone else's client" => {
            "update contract 22 set remaining = 100".into()
        }
        "create an event for one's own signed contract" => {
            "create event for contract 21 name \"E\" start 2030-02-01 end 2030-02-02".into()
        }
        "create an event with its support contact" => {
            "create event for contract 21 name \"E\" start 2030-02-01 end 2030-02-02 support 104"
                .into()
        }
        "create an event for someone else's contract" => {
            "create event for contract 22 name \"E\" start 2030-02-01 end 2030-02-02".into()
        }
        "update the notes of one's own event" => "update event 31 set notes = \"n\"".into(),
        "change the support contact of one's own event" => {
            "update event 31 set support = 105".into()
        }
        "move one's own event to another contract" => "update event 31 set contract = 24".into(),
        "update the notes of someone else's event" => "update event 32 set notes = \"n\"".into(),
        "delete an event" => "delete event 32".into(),
        "create an employee" => {
            "create employee name \"New Person\" email \"new@epic.events\" department sales".into()
        }
        "update an employee" => "update employee 103 set department = management".into(),
        "delete an employee" => "delete employee 107".into(),
        "promote oneself to admin" => {
            format!("update employee {} set department = admin", actor(role))
        }
        "create an admin account" => {
            "create employee name \"New Person\" email \"new@epic.events\" department admin".into()
        }
        "move another admin out of the admins" => {
            "update employee 108 set department = management".into()
        }
        "change an admin's email" => {
            "update employee 108 set email = \"ann.two@epic.events\"".into()
        }
        "reset an admin's password" => "reset password of employee 108".into(),
        "reset someone else's password" => "reset password of employee 107".into(),
        "deactivate an admin" => "deactivate employee 108".into(),
        "delete an admin" => "delete employee 108".into(),
        "deactivate oneself" => format!("deactivate employee {}", actor(role)),
        "delete oneself" => format!("delete employee {}", actor(role)),
        "move oneself to another department" => {
            format!(
                "update employee {} set department = {}",
                actor(role),
                other_department(role)
            )
        }
        "reassign a client and change its details at once" => {
            "update client 11 set sales = 103, phone = \"+33 1 23 45 67 89\"".into()
        }
        "revoke someone else's session" => "revoke sessions of employee 105".into(),
        "lift a login lock-out" => "unlock \"kate@epic.events\"".into(),
        other => panic!("no shell form for `{other}` ({role})"),
    }
}

#[test]
fn the_shell_refuses_what_the_spec_does_not_grant() {
    let fixture = TestDb::migrated();
    fixture::load(&fixture);
    fixture::add_second_admin(&fixture);
    // Tokens signed by the fixture's database: its copies share its key and rows.
    let sessions = Sessions::of(&fixture, 101..=106);
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases() {
        for role in [Role::Management, Role::Sales, Role::Support, Role::Admin] {
            let expected = policy::allows(role, &(case.request)(role));
            let db = TestDb::copy_of(&fixture);
            let command = shell_command(case.what, role);
            let ran = sessions
                .shell(&db, actor(role))
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
            .env("EPIC_SESSION_FILE", db.home.path().join("nobody"))
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

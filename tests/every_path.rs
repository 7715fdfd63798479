//! Nobody grants what they do not hold, and every rule holds on every path:
//! each rule below is tried through the shell as an employee and as the
//! SQL a desk's credentials can send (the client login acting as the
//! application role with that employee's session), and both refuse it in
//! the same words, leaving every record as it was.

mod common;

use common::TestDb;
use common::fixture::{self, HASH, Sessions, as_app};
use epic::policy::{ADMIN_RULE, LAST_ADMIN_RULE, OWN_ACCOUNT_RULE};
use tokio_postgres::error::SqlState;

const MAUD: i64 = 101; // management
const SAM: i64 = 102; // sales, owns client 11
const KATE: i64 = 104; // support of event 31
const ADA: i64 = 106; // admin
const ANN: i64 = 108; // admin
const GONE_SALES: i64 = 109; // deactivated
const GONE_SUPPORT: i64 = 110; // deactivated

/// The fixture's CRM, a second admin, two deactivated employees, and a
/// session for each one who acts.
fn world() -> (TestDb, Sessions) {
    let db = TestDb::migrated();
    fixture::load(&db);
    fixture::add_second_admin(&db);
    db.execute(&format!(
        "INSERT INTO employees (id, full_name, email, department, password_hash, active) VALUES \
         ({GONE_SALES}, 'Gone Sales', 'gone.sales@epic.events', 'sales', '{HASH}', false), \
         ({GONE_SUPPORT}, 'Gone Support', 'gone.support@epic.events', 'support', '{HASH}', false)"
    ));
    let sessions = Sessions::of(&db, [MAUD, SAM, KATE, ADA, ANN]);
    (db, sessions)
}

/// Every record of the CRM and every account, as one text. A session's
/// `last_seen_at` is left out: every command, refused or not, marks its
/// session seen (and the database does so only when a few seconds passed,
/// so a slow run would see it move).
fn snapshot(db: &TestDb) -> String {
    db.with_client(async |client| {
        let mut all = String::new();
        for rows in [
            "employees t",
            "clients t",
            "contracts t",
            "events t",
            "(SELECT id, employee_id, token_hash, created_at, expires_at, revoked_at \
              FROM user_sessions) t",
        ] {
            // Table names are constants of this test.
            let row = client
                .query_one(
                    &format!(
                        "SELECT coalesce(string_agg(t::text, '|' ORDER BY t.id), '') FROM {rows}"
                    ),
                    &[],
                )
                .await
                .expect("a snapshot");
            all.push_str(&row.get::<_, String>(0));
            all.push('\n');
        }
        all
    })
}

/// One attempt, in both layers: an epic command and the SQL a desk could
/// send instead.
struct Route {
    shell: String,
    sql: String,
}

fn route(shell: impl Into<String>, sql: impl Into<String>) -> Route {
    Route {
        shell: shell.into(),
        sql: sql.into(),
    }
}

/// Tries each route as `employee`: the shell exits `code` with `message`
/// on stderr, the database answers `state` with `message` (or, with
/// `database_says`, its own words for the same rule), and nothing changes.
fn refused_everywhere(
    db: &TestDb,
    sessions: &Sessions,
    employee: i64,
    routes: &[Route],
    expected: (i32, &str, SqlState),
    database_says: Option<&str>,
) {
    let (code, message, state) = expected;
    let before = snapshot(db);
    for route in routes {
        let ran = sessions
            .shell(db, employee)
            .args(["-c", &route.shell])
            .run();
        assert_eq!(
            (ran.code, ran.stderr.as_str()),
            (code, format!("error: line 1: {message}\n").as_str()),
            "employee {employee}: `{}`",
            route.shell
        );
    }
    let answers = common::block_on(async {
        let client = &mut db.client_connection().await;
        let mut answers = Vec::new();
        for route in routes {
            answers.push(as_app(client, Some(sessions.token(employee)), &route.sql).await);
        }
        answers
    });
    for (route, answer) in routes.iter().zip(answers) {
        let words = database_says.unwrap_or(message);
        assert_eq!(
            answer,
            Err((state.clone(), words.to_owned())),
            "employee {employee}: `{}`",
            route.sql
        );
    }
    assert_eq!(snapshot(db), before, "something changed");
}

fn denied(rule: &str) -> String {
    format!("permission denied: {rule}")
}

#[test]
fn management_reaches_admin_by_no_route() {
    let (db, sessions) = world();
    let routes = [
        route(
            format!("update employee {MAUD} set department = admin"),
            format!("UPDATE employees SET department = 'admin' WHERE id = {MAUD}"),
        ),
        route(
            format!("update employee {SAM} set department = admin"),
            format!("UPDATE employees SET department = 'admin' WHERE id = {SAM}"),
        ),
        route(
            "create employee name \"Max Power\" email \"max@epic.events\" department admin",
            format!(
                "INSERT INTO employees (full_name, email, department, password_hash) \
                 VALUES ('Max Power', 'max@epic.events', 'admin', '{HASH}')"
            ),
        ),
        route(
            format!("reset password of employee {ADA}"),
            format!("SELECT epic_reset_password({ADA})"),
        ),
        route(
            format!("deactivate employee {ADA}"),
            format!("UPDATE employees SET active = false WHERE id = {ADA}"),
        ),
        route(
            format!("delete employee {ANN}"),
            format!("DELETE FROM employees WHERE id = {ANN}"),
        ),
        route(
            format!("update employee {ADA} set email = \"mine@epic.events\""),
            format!("UPDATE employees SET email = 'mine@epic.events' WHERE id = {ADA}"),
        ),
        route(
            format!("update employee {ANN} set department = management"),
            format!("UPDATE employees SET department = 'management' WHERE id = {ANN}"),
        ),
    ];
    refused_everywhere(
        &db,
        &sessions,
        MAUD,
        &routes,
        (5, &denied(ADMIN_RULE), SqlState::INSUFFICIENT_PRIVILEGE),
        Some(ADMIN_RULE),
    );
    // An admin may take every one of those routes for someone else.
    let ran = sessions
        .shell(&db, ADA)
        .args([
            "-c",
            &format!("update employee {SAM} set department = admin"),
        ])
        .args([
            "-c",
            &format!("update employee {ANN} set department = management"),
        ])
        .args(["-c", &format!("reset password of employee {SAM}")])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
}

#[test]
fn nobody_deactivates_deletes_or_moves_their_own_account() {
    let (db, sessions) = world();
    for (me, elsewhere) in [(MAUD, "sales"), (ADA, "management")] {
        let routes = [
            route(
                format!("deactivate employee {me}"),
                format!("UPDATE employees SET active = false WHERE id = {me}"),
            ),
            route(
                format!("delete employee {me}"),
                format!("DELETE FROM employees WHERE id = {me}"),
            ),
            route(
                format!("update employee {me} set department = {elsewhere}"),
                format!("UPDATE employees SET department = '{elsewhere}' WHERE id = {me}"),
            ),
        ];
        refused_everywhere(
            &db,
            &sessions,
            me,
            &routes,
            (
                5,
                &denied(OWN_ACCOUNT_RULE),
                SqlState::INSUFFICIENT_PRIVILEGE,
            ),
            Some(OWN_ACCOUNT_RULE),
        );
    }
    // The rule is about removing and moving: one's own name is one's own.
    let ran = sessions
        .shell(&db, MAUD)
        .args([
            "-c",
            &format!("update employee {MAUD} set name = \"Maud Manager-Smith\""),
        ])
        .run();
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (0, "Updated employee 101.\n")
    );
}

/// Runs `sql` as `token`'s employee and commits it: Ok(rows) or the message.
async fn committed(
    client: &mut tokio_postgres::Client,
    token: &str,
    sql: &str,
) -> Result<u64, String> {
    let tx = client.transaction().await.expect("begin");
    tx.batch_execute("SET LOCAL ROLE epic_app")
        .await
        .expect("the app role");
    tx.execute("SELECT set_config('epic.session', $1, true)", &[&token])
        .await
        .expect("the session");
    match tx.execute(sql, &[]).await {
        Ok(rows) => {
            tx.commit().await.expect("commit");
            Ok(rows)
        }
        Err(e) => Err(e
            .as_db_error()
            .map(|d| d.message().to_owned())
            .unwrap_or_default()),
    }
}

/// Ada and Ann become the only admins: the first admin, made by the
/// migration, is deactivated by the DBA.
fn only_ada_and_ann_are_admins(db: &TestDb) {
    db.execute(&format!(
        "UPDATE employees SET active = false WHERE department = 'admin' AND id NOT IN ({ADA}, {ANN})"
    ));
    assert_eq!(active_admins(db), 2);
}

fn active_admins(db: &TestDb) -> i64 {
    db.query_one_i64("SELECT count(*) FROM employees WHERE department = 'admin' AND active")
}

#[test]
fn the_last_active_admin_survives_the_operator_and_two_admins_removing_each_other() {
    let (db, sessions) = world();
    only_ada_and_ann_are_admins(&db);
    // Without a session (the operator, the DBA): the rule holds all the same.
    for sql in [
        "UPDATE employees SET active = false WHERE department = 'admin'",
        "UPDATE employees SET department = 'management' WHERE department = 'admin'",
        "DELETE FROM employees WHERE department = 'admin'",
    ] {
        let refused = db.with_client(async |client| {
            client
                .execute(sql, &[])
                .await
                .expect_err(sql)
                .as_db_error()
                .map(|e| e.message().to_owned())
        });
        assert_eq!(refused.as_deref(), Some(LAST_ADMIN_RULE), "{sql}");
    }
    assert_eq!(active_admins(&db), 2);

    // Ada removes Ann while Ann removes Ada: the second waits for the first,
    // then finds herself the last admin.
    let (first, second) = common::block_on(async {
        let mut ada = db.client_connection().await;
        let mut ann = db.client_connection().await;
        let tx = ada.transaction().await.expect("begin");
        tx.batch_execute("SET LOCAL ROLE epic_app")
            .await
            .expect("the app role");
        tx.execute(
            "SELECT set_config('epic.session', $1, true)",
            &[&sessions.token(ADA)],
        )
        .await
        .expect("the session");
        let first = tx
            .execute(
                &format!("UPDATE employees SET active = false WHERE id = {ANN}"),
                &[],
            )
            .await;
        let removing_ada = format!("UPDATE employees SET active = false WHERE id = {ADA}");
        let racing = committed(&mut ann, sessions.token(ANN), &removing_ada);
        let commit_later = async {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            tx.commit().await.expect("commit");
        };
        let (second, ()) = tokio::join!(racing, commit_later);
        (first.map_err(|e| e.to_string()), second)
    });
    assert_eq!(first, Ok(1));
    assert_eq!(second, Err(LAST_ADMIN_RULE.to_owned()));
    assert_eq!(active_admins(&db), 1);
}

#[test]
fn two_admins_deactivating_each_other_in_two_shells_leave_one() {
    let (template, sessions) = world();
    only_ada_and_ann_are_admins(&template);
    for round in 0..4 {
        let db = TestDb::copy_of(&template);
        let racers: Vec<_> = [(ADA, ANN), (ANN, ADA)]
            .into_iter()
            .map(|(me, other)| {
                let epic = sessions
                    .shell(&db, me)
                    .args(["-c", &format!("deactivate employee {other}")]);
                std::thread::spawn(move || epic.run())
            })
            .collect();
        let ran: Vec<_> = racers
            .into_iter()
            .map(|r| r.join().expect("a shell"))
            .collect();
        let won = ran.iter().filter(|r| r.code == 0).count();
        assert_eq!(won, 1, "round {round}: {ran:#?}");
        // The other heard the rule, or found their own account deactivated
        // by the winner (never that the record they saw is missing).
        let lost = ran.iter().find(|r| r.code != 0).expect("a loser");
        assert!(
            (lost.code == 5 && lost.stderr.contains(LAST_ADMIN_RULE))
                || (lost.code == 4 && lost.stderr.contains("your account was deactivated")),
            "round {round}: {lost:?}"
        );
        assert_eq!(active_admins(&db), 1, "round {round}");
    }
}

#[test]
fn management_and_admins_reassign_a_client_and_change_nothing_else_on_it() {
    let (db, sessions) = world();
    for boss in [MAUD, ADA] {
        let routes = [
            route(
                "update client 12 set phone = \"+33 1 23 45 67 89\"",
                "UPDATE clients SET phone = '+33 1 23 45 67 89' WHERE id = 12",
            ),
            route(
                "update client 12 set name = \"Renamed\"",
                "UPDATE clients SET full_name = 'Renamed' WHERE id = 12",
            ),
            route(
                "update client 12 set sales = 102, email = \"new@client.io\"",
                "UPDATE clients SET sales_contact_id = 102, email = 'new@client.io' WHERE id = 12",
            ),
        ];
        let rule = "only the client's sales contact may change the details of client 12; management may only reassign it";
        refused_everywhere(
            &db,
            &sessions,
            boss,
            &routes,
            (5, &denied(rule), SqlState::INSUFFICIENT_PRIVILEGE),
            Some(rule),
        );
    }
    // Reassigning alone is theirs, and leaves the client's details (and
    // its last contact) as they were.
    let details = || {
        db.with_client(async |c| {
            c.query_one(
                "SELECT concat_ws('|', full_name, email, phone, company_name, last_contact_at) FROM clients WHERE id = 12",
                &[],
            )
            .await
            .expect("client 12")
            .get::<_, String>(0)
        })
    };
    let before = details();
    let ran = sessions
        .shell(&db, MAUD)
        .args(["-c", "update client 12 set sales = 102"])
        .run();
    assert_eq!((ran.code, ran.stderr.as_str()), (0, "Updated client 12.\n"));
    assert_eq!(details(), before);
    assert_eq!(
        db.query_one_i64("SELECT sales_contact_id FROM clients WHERE id = 12"),
        SAM
    );
    // Its own salesperson, now Sam, edits it.
    let ran = sessions
        .shell(&db, SAM)
        .args(["-c", "update client 12 set phone = \"+33 1 23 45 67 89\""])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
}

#[test]
fn work_flow_rules_hold_on_updates_as_on_creation() {
    let (db, sessions) = world();
    let cases: [(Route, i32, &str, SqlState, &str); 6] = [
        (
            route(
                "update event 31 set contract = 23",
                "UPDATE events SET contract_id = 23 WHERE id = 31",
            ),
            3,
            "contract 23 is not signed: an event's contract must be signed",
            SqlState::CHECK_VIOLATION,
            "contract 23 is not signed",
        ),
        (
            route(
                "update contract 21 set signed = false",
                "UPDATE contracts SET signed = false WHERE id = 21",
            ),
            3,
            "contract 21 has events: it stays signed\nhelp: a contract with events cannot be unsigned",
            SqlState::CHECK_VIOLATION,
            "contract 21 has events: it stays signed",
        ),
        (
            route(
                format!("update event 31 set support = {GONE_SUPPORT}"),
                format!("UPDATE events SET support_contact_id = {GONE_SUPPORT} WHERE id = 31"),
            ),
            3,
            "an event's support contact must be an active support employee, not a deactivated one",
            SqlState::CHECK_VIOLATION,
            "employee 110 is deactivated",
        ),
        (
            route(
                format!("update client 12 set sales = {GONE_SALES}"),
                format!("UPDATE clients SET sales_contact_id = {GONE_SALES} WHERE id = 12"),
            ),
            3,
            "a client's sales contact must be an active salesperson, not a deactivated one",
            SqlState::CHECK_VIOLATION,
            "employee 109 is deactivated",
        ),
        (
            route(
                "update event 31 set support = 34",
                "UPDATE events SET support_contact_id = 34 WHERE id = 31",
            ),
            6,
            "no employee with id 34",
            SqlState::FOREIGN_KEY_VIOLATION,
            "no employee with id 34",
        ),
        (
            route(
                "update event 31 set contract = 999",
                "UPDATE events SET contract_id = 999 WHERE id = 31",
            ),
            6,
            "no contract with id 999",
            SqlState::FOREIGN_KEY_VIOLATION,
            "no contract with id 999",
        ),
    ];
    for (route, code, message, state, database_says) in cases {
        refused_everywhere(
            &db,
            &sessions,
            MAUD,
            std::slice::from_ref(&route),
            (code, message, state),
            Some(database_says),
        );
    }
}

#[test]
fn refusals_name_the_record_they_are_about() {
    let (db, sessions) = world();
    for (employee, command, message) in [
        (
            SAM,
            "create contract for client 11 total 10 remaining 10",
            "only management may create a contract for client 11",
        ),
        (
            KATE,
            "update event 32 set notes = \"mine now\"",
            "only the event's support contact or management may update event 32",
        ),
        (
            KATE,
            "update event 31 set support = 105",
            "only management may assign or remove the support contact of event 31",
        ),
        (
            SAM,
            "create event for contract 21 name \"E\" start 2030-02-01 end 2030-02-02 support 104",
            "only management may assign or remove the support contact of a new event for contract 21",
        ),
    ] {
        let ran = sessions.shell(&db, employee).args(["-c", command]).run();
        assert_eq!(
            (ran.code, ran.stderr.as_str()),
            (
                5,
                format!("error: line 1: permission denied: {message}\n").as_str()
            ),
            "{command}"
        );
    }
}

#[test]
fn client_emails_are_unique_whatever_their_case_and_a_retry_names_the_client() {
    let (db, sessions) = world();
    let ran = sessions
        .shell(&db, SAM)
        .args([
            "-c",
            "create client name \"Own Again\" email \"OWN@Client.io\"",
        ])
        .run();
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (
            9,
            "error: line 1: client 11 (Own Client) already has the email `OWN@Client.io`: nothing was created\n\
             help: `show client 11`; each client has an email of its own\n"
        )
    );
    let ran = sessions
        .shell(&db, SAM)
        .args(["-c", "update client 11 set email = \"Other@client.io\""])
        .run();
    assert_eq!(ran.code, 9, "{ran:?}");
    assert!(
        ran.stderr
            .starts_with("error: line 1: client 12 (Other Client) already has the email `Other@client.io`: nothing was changed\n"),
        "{}",
        ran.stderr
    );
    // A desk's SQL meets the same index.
    let answer = common::block_on(async {
        let client = &mut db.client_connection().await;
        as_app(
            client,
            Some(sessions.token(SAM)),
            "INSERT INTO clients (full_name, email, sales_contact_id) VALUES ('Own Again', 'own@CLIENT.io', 102)",
        )
        .await
    });
    assert!(
        matches!(&answer, Err((SqlState::UNIQUE_VIOLATION, _))),
        "{answer:?}"
    );
    // Ten retries of one create at once: one client.
    let creates: Vec<_> = (0..10)
        .map(|_| {
            let epic = sessions
                .shell(&db, SAM)
                .args(["-c", "create client name \"New Co\" email \"hello@new.co\""]);
            std::thread::spawn(move || epic.run())
        })
        .collect();
    let ran: Vec<_> = creates
        .into_iter()
        .map(|c| c.join().expect("a create"))
        .collect();
    assert_eq!(ran.iter().filter(|r| r.code == 0).count(), 1, "{ran:#?}");
    assert!(
        ran.iter()
            .filter(|r| r.code != 0)
            .all(|r| r.code == 9 && r.stderr.contains("already")),
        "{ran:#?}"
    );
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM clients WHERE lower(email) = 'hello@new.co'"),
        1
    );
}

#[test]
fn three_shells_updating_one_contract_and_one_event_audit_only_what_each_changed() {
    let (db, _) = world();
    db.execute(&format!(
        "INSERT INTO employees (id, full_name, email, department, password_hash) VALUES \
         (111, 'Mia Manager', 'mia@epic.events', 'management', '{HASH}'), \
         (112, 'Moe Manager', 'moe@epic.events', 'management', '{HASH}')"
    ));
    let sessions = Sessions::of(&db, [MAUD, 111, 112]);
    // Each writer sets its own fields with values no one else writes, so
    // every write changes exactly the fields it sets.
    let writes = |employee: i64, i: usize| -> [String; 2] {
        match employee {
            MAUD => [
                format!("update contract 21 set remaining = {}", 100 + i),
                format!("update event 31 set attendees = {}", 1 + i),
            ],
            111 => [
                format!("update contract 21 set total = {}", 2000 + i),
                format!("update event 31 set location = \"Room {i}\""),
            ],
            _ => [
                format!("update contract 21 set remaining = {}", 300 + i),
                format!("update event 31 set notes = \"Note {i}\""),
            ],
        }
    };
    let shells: Vec<_> = [MAUD, 111, 112]
        .into_iter()
        .map(|employee| {
            let batch: String = (0..200)
                .flat_map(|i| writes(employee, i))
                .map(|line| line + "\n")
                .collect();
            let epic = sessions.shell(&db, employee).stdin(batch);
            std::thread::spawn(move || epic.run())
        })
        .collect();
    for shell in shells {
        let ran = shell.join().expect("a shell");
        assert_eq!(ran.code, 0, "{}", ran.stderr.lines().last().unwrap_or(""));
    }
    // Per audit row: its author, and the fields its before and after differ in.
    let rows: Vec<(i64, String, String, String)> = db.with_client(async |client| {
        client
            .query(
                "SELECT a.actor_id, a.actor_name, e.full_name, a.entity || ':' || \
                        coalesce((SELECT string_agg(n.key, ',' ORDER BY n.key) \
                                  FROM jsonb_each(a.after) n \
                                  WHERE n.key <> 'updated_at' AND n.value IS DISTINCT FROM a.before -> n.key), '') \
                 FROM audit_log a JOIN employees e ON e.id = a.actor_id \
                 WHERE a.action = 'update' AND a.entity IN ('contract', 'event') ORDER BY a.id",
                &[],
            )
            .await
            .expect("the audit trail")
            .iter()
            .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3)))
            .collect()
    });
    assert_eq!(rows.len(), 1200, "one audit row per write");
    let mut wrong = Vec::new();
    for (actor, recorded_name, name, changed) in &rows {
        let expected = match *actor {
            MAUD => ["contract:remaining", "event:attendees"],
            111 => ["contract:total", "event:location"],
            _ => ["contract:remaining", "event:notes"],
        };
        if !expected.contains(&changed.as_str()) || recorded_name != name {
            wrong.push(format!("{recorded_name} ({actor}): {changed}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} audit rows record changes their author did not make: {:?}",
        wrong.len(),
        rows.len(),
        &wrong[..wrong.len().min(10)]
    );
}

//! Saved queries in the database's layer (`sql/0016`): SQL a desk sends
//! directly, as the application role with a live session and no checker
//! in the way, gets what the shell gives. Everyone reads their own queries
//! and the team's, never another's; saves and deletes their own; the
//! team's only where the checker's table allows it (management, admin);
//! nobody updates one; without a session, nothing.

mod common;

use common::TestDb;
use common::fixture::{self, Sessions};
use epic::model::Role;
use epic::policy;
use tokio_postgres::error::SqlState;

use fixture::{actor, as_app_code as as_app};

#[test]
fn a_desks_sql_gets_no_more_of_saved_queries_than_the_shell() {
    let db = TestDb::migrated();
    fixture::load(&db);
    db.execute(
        "INSERT INTO saved_queries (owner_id, name, text) VALUES \
         (101, 'maud_own', 'count events'), (102, 'sam_own', 'count contracts'), \
         (NULL, 'team_one', 'count clients')",
    );
    let sessions = Sessions::of(&db, 101..=106);
    let failures = common::block_on(async {
        let client = &mut db.client_connection().await;
        let mut failures = Vec::new();
        for role in [Role::Management, Role::Sales, Role::Support, Role::Admin] {
            let me = actor(role);
            let token = Some(sessions.token(me));
            let team = policy::allows(role, &policy::team_request());
            let own_seeded = u64::from(me == 101 || me == 102);
            let checks: Vec<(String, Result<u64, SqlState>)> = vec![
                (
                    "INSERT INTO saved_queries (owner_id, name, text) VALUES (NULL, 'team_new', 'count events')".into(),
                    if team { Ok(1) } else { Err(SqlState::INSUFFICIENT_PRIVILEGE) },
                ),
                (
                    format!("INSERT INTO saved_queries (owner_id, name, text) VALUES ({me}, 'mine', 'count events')"),
                    Ok(1),
                ),
                (
                    "INSERT INTO saved_queries (owner_id, name, text) VALUES (107, 'theirs', 'count events')".into(),
                    Err(SqlState::INSUFFICIENT_PRIVILEGE),
                ),
                ("SELECT name FROM saved_queries".into(), Ok(own_seeded + 1)),
                (
                    format!("SELECT name FROM saved_queries WHERE owner_id <> {me}"),
                    Ok(0),
                ),
                (
                    "DELETE FROM saved_queries WHERE owner_id IS NULL".into(),
                    Ok(u64::from(team)),
                ),
                (
                    format!("DELETE FROM saved_queries WHERE owner_id <> {me}"),
                    Ok(0),
                ),
                (
                    format!("DELETE FROM saved_queries WHERE owner_id = {me}"),
                    Ok(own_seeded),
                ),
                (
                    "UPDATE saved_queries SET text = 'count clients'".into(),
                    Err(SqlState::INSUFFICIENT_PRIVILEGE),
                ),
            ];
            for (sql, expected) in checks {
                let outcome = as_app(client, token, &sql).await;
                if outcome != expected {
                    failures.push(format!(
                        "{role}: `{sql}`: expected {expected:?}, got {outcome:?}"
                    ));
                }
            }
        }
        // Without a session: nothing read, nothing saved.
        for (sql, expected) in [
            ("SELECT name FROM saved_queries", Ok(0)),
            (
                "INSERT INTO saved_queries (owner_id, name, text) VALUES (NULL, 'x', 'count events')",
                Err(SqlState::INSUFFICIENT_PRIVILEGE),
            ),
            ("DELETE FROM saved_queries", Ok(0)),
        ] {
            let outcome = as_app(client, None, sql).await;
            if outcome != expected {
                failures.push(format!(
                    "no session: `{sql}`: expected {expected:?}, got {outcome:?}"
                ));
            }
        }
        failures
    });
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The same through the shell: a salesperson cannot save a team query, nor
/// run or delete another's own query, and a support employee's team query
/// refusal names the rule.
#[test]
fn the_shell_keeps_each_employees_queries_their_own() {
    let db = TestDb::migrated();
    fixture::load(&db);
    db.execute(
        "INSERT INTO saved_queries (owner_id, name, text) VALUES (101, 'maud_own', 'count events')",
    );
    let sessions = Sessions::of(&db, [101, 102]);
    let ran = sessions
        .shell(&db, 102)
        .args(["--keep-going"])
        .stdin(
            "save team query late as count events\nmaud_own\ndelete query maud_own\nshow queries\n",
        )
        .run();
    assert!(
        ran.stderr
            .contains("only management may save or delete team queries"),
        "{ran:?}"
    );
    assert!(
        ran.stderr.contains("no saved query is named `maud_own`"),
        "{ran:?}"
    );
    assert!(!ran.stdout.contains("maud_own"), "{ran:?}");
    let ran = sessions.shell(&db, 101).arg("-c").arg("maud_own").run();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(ran.stdout.trim(), "2", "{ran:?}");
}

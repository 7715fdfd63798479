//! The audit trail files a refusal under the entity it was about: Bill's
//! refused `create contract` for Sophie's client is a contract's refusal,
//! found by `show audit where entity = contract`, with the client it was for.

mod common;

use common::TestDb;

#[test]
fn a_refused_contract_create_is_filed_under_contract() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let as_employee = |session: &str, email: &str, password: &str, command: &str| {
        let file = db.home.path().join(session);
        let login = db
            .epic()
            .env("EPIC_SESSION_FILE", &file)
            .args(["login", email])
            .stdin(format!("{password}\n"))
            .run();
        assert_eq!(login.code, 0, "{login:?}");
        db.epic()
            .env("EPIC_SESSION_FILE", &file)
            .args(["--format", "csv", "-c", command])
            .run()
    };
    let refused = as_employee(
        "bill",
        "bill@epic.events",
        "Closes-Big-Deals-19",
        "create contract for client 3 total 10 remaining 10",
    );
    assert_eq!(refused.code, 5, "{refused:?}");
    assert_eq!(
        db.query_one_i64(
            "SELECT count(*) FROM audit_log WHERE action = 'denied' AND entity = 'contract' \
             AND entity_id IS NULL AND (detail->>'client')::bigint = 3"
        ),
        1
    );
    let listed = as_employee(
        "helene",
        "helene@epic.events",
        "Balances-The-Books-7",
        "show audit where entity = contract and action = \"denied\"",
    );
    assert_eq!(listed.code, 0, "{listed:?}");
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(lines[0], "id,at,actor,what,changes", "{lines:?}");
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[1].contains(",Bill Boquet,denied contract,") && lines[1].contains("client: 3"),
        "{lines:?}"
    );
}

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
        // The changes cell: the refusal's detail as compact JSON.
        lines[1].contains(",Bill Boquet,denied contract,") && lines[1].contains(r#"""client"":3}"#),
        "{lines:?}"
    );
}

/// Hélène's shell, in `format`, running `command`.
fn as_helene(db: &TestDb, format: &str, command: &str) -> serde_json::Value {
    let file = db.logged_in("helene@epic.events", "Balances-The-Books-7");
    let ran = db
        .epic()
        .env("EPIC_SESSION_FILE", &file)
        .args(["--format", format, "-c", command])
        .run();
    assert_eq!(ran.code, 0, "{command}: {ran:?}");
    if format == "json" && !ran.stdout.is_empty() {
        serde_json::from_str(&ran.stdout).expect("JSON")
    } else {
        serde_json::Value::String(ran.stdout)
    }
}

/// In JSON an entry's changes are an object, field by field in the
/// model's order with old and new values (employees by name, amounts
/// exact), and `show audit N` gives the record before and after as objects
/// in the fields' names; a table shows the times to the second.
#[test]
fn the_audit_trail_in_json_is_objects() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    as_helene(
        &db,
        "json",
        "update event 1023 set support = \"Théo Marchand\"",
    );
    as_helene(
        &db,
        "json",
        "update event 1023 set support = \"Kate Hastroff\", attendees = 250",
    );
    let listed = as_helene(
        &db,
        "json",
        "show audit where entity = event and record = 1023",
    );
    let entries = listed.as_array().expect("an array of entries");
    assert_eq!(entries.len(), 2, "{listed}");
    assert_eq!(
        entries[0]["changes"],
        serde_json::json!({"support": {"old": "Aliénor Vichum", "new": "Théo Marchand"}})
    );
    let changes = &entries[1]["changes"];
    assert_eq!(
        *changes,
        serde_json::json!({
            "support": {"old": "Théo Marchand", "new": "Kate Hastroff"},
            "attendees": {"old": 200, "new": 250},
        })
    );
    let fields: Vec<&String> = changes.as_object().expect("an object").keys().collect();
    assert_eq!(fields, ["support", "attendees"], "the model's order");

    let second = entries[1]["id"].as_i64().expect("an id");
    let record = as_helene(&db, "json", &format!("show audit {second}"));
    let record = &record[0];
    assert_eq!(record["before"]["support"], "Théo Marchand", "{record}");
    assert_eq!(record["after"]["support"], "Kate Hastroff", "{record}");
    assert_eq!(record["before"]["attendees"], 200, "{record}");
    assert_eq!(record["after"]["attendees"], 250, "{record}");
    assert_eq!(record["after"]["contract"], 412, "{record}");
    assert!(
        record["after"].get("support_contact_id").is_none(),
        "{record}"
    );
    assert_eq!(record["changes"], *changes);

    as_helene(&db, "json", "update contract 652 set remaining = 1234.50");
    let money = as_helene(
        &db,
        "json",
        "show audit where entity = contract and record = 652",
    );
    let last = money.as_array().and_then(|e| e.last()).expect("an entry");
    assert_eq!(
        last["changes"]["remaining"]["new"], "1234.50",
        "an amount keeps its digits: {money}"
    );

    let table = as_helene(
        &db,
        "table",
        "show audit where entity = event and record = 1023",
    );
    let table = table.as_str().expect("text");
    let row = table
        .lines()
        .find(|line| line.contains("update event 1023"))
        .expect("an entry's row");
    let at = row.split('|').nth(2).expect("the at column").trim();
    // `Jun 04 13:00:07`, the year too when it is not this one.
    let time = at.rsplit(' ').next().expect("a time");
    assert!(
        time.len() == 8 && time.matches(':').count() == 2,
        "to the second: {row}"
    );
}

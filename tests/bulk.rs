//! Bulk updates at their limit: more than 1000 matching records are
//! refused with nothing changed; 1000 are updated, each audited on its own.

mod common;

use common::TestDb;

const UPDATE: &str = "update clients where company = \"Bulk Co\" set company = \"Other Co\"";

fn companies(db: &TestDb, name: &str) -> i64 {
    db.query_one_i64(&format!(
        "SELECT count(*) FROM clients WHERE company_name = '{name}'"
    ))
}

#[test]
fn more_than_a_thousand_records_are_refused_and_a_thousand_are_updated_and_audited() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    db.execute(
        "INSERT INTO clients (full_name, email, company_name, sales_contact_id) \
         SELECT 'Bulk ' || n, 'bulk' || n || '@bulk.example', 'Bulk Co', \
                (SELECT id FROM employees WHERE email = 'bill@epic.events') \
         FROM generate_series(1, 1001) n",
    );
    // Only their salesperson changes a client's details.
    let bill = db.logged_in("bill@epic.events", "Closes-Big-Deals-19");
    let refused = db
        .epic()
        .env("EPIC_SESSION_FILE", &bill)
        .args(["--yes", "-c", UPDATE])
        .run();
    assert_eq!(refused.code, 3, "{refused:?}");
    assert!(
        refused
            .stderr
            .contains("more than 1000 clients match: nothing was updated"),
        "{refused:?}"
    );
    assert_eq!(companies(&db, "Bulk Co"), 1001);

    db.execute("DELETE FROM clients WHERE email = 'bulk1001@bulk.example'");
    let audited = || {
        db.query_one_i64(
            "SELECT count(*) FROM audit_log WHERE entity = 'client' AND action = 'update'",
        )
    };
    let before = audited();
    let updated = db
        .epic()
        .env("EPIC_SESSION_FILE", &bill)
        .args(["--yes", "-c", UPDATE])
        .run();
    assert_eq!(updated.code, 0, "{updated:?}");
    assert!(
        updated.stderr.contains("Updated 1000 clients."),
        "{updated:?}"
    );
    assert!(
        updated.stdout.starts_with("1000 clients would be updated:"),
        "{updated:?}"
    );
    assert!(updated.stdout.contains("(and 995 more)"), "{updated:?}");
    assert_eq!(companies(&db, "Other Co"), 1000);
    assert_eq!(audited() - before, 1000);
}

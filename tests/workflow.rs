//! The work flow of SPEC.md, told as batches typed by each employee in
//! turn: management hires and contracts, sales finds the client and books
//! the event, management assigns Kate, Kate runs it and is told.

mod common;

use common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestDb};

/// Runs `batch` as the employee logged in to `session`, and compares the
/// whole output and exit code.
fn step(
    db: &TestDb,
    session: &str,
    batch: &str,
    expected_out: &str,
    expected_err: &str,
    code: i32,
) {
    let ran = db
        .epic()
        .env("EPIC_SESSION_FILE", db.home.path().join(session))
        .stdin(batch)
        .run();
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (code, expected_out, expected_err),
        "batch:\n{batch}"
    );
}

fn login(db: &TestDb, session: &str, email: &str, password: &str) {
    let ran = db
        .epic()
        .env("EPIC_SESSION_FILE", db.home.path().join(session))
        .args(["login", email])
        .stdin(format!("{password}\n"))
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
}

/// `create employee` as the employee logged in to `session`: the new
/// employee is number `id`, gets a temporary password shown once, and
/// chooses `password` at their first login.
fn hire(
    db: &TestDb,
    session: &str,
    (name, email, department): (&str, &str, &str),
    password: &str,
    id: i64,
) {
    let ran = db
        .epic()
        .env("EPIC_SESSION_FILE", db.home.path().join(session))
        .stdin(format!(
            "create employee name \"{name}\" email \"{email}\" department {department}\n"
        ))
        .run();
    assert_eq!((ran.code, ran.stderr.as_str()), (0, ""), "{ran:?}");
    assert!(
        ran.stdout.starts_with(&format!(
            "Created employee {id}.\nTemporary password for {name} ({email}), shown only this once:\n"
        )),
        "{}",
        ran.stdout
    );
    db.choose_first_password(&ran.stdout, email, password);
}

#[test]
fn the_story_of_spec_md() {
    let db = TestDb::migrated();
    login(&db, "admin", ADMIN_EMAIL, ADMIN_PASSWORD);
    hire(
        &db,
        "admin",
        ("Maud Gestion", "maud@epic.events", "management"),
        "Signs-The-Deals-77",
        2,
    );
    login(&db, "maud", "maud@epic.events", "Signs-The-Deals-77");
    hire(
        &db,
        "maud",
        ("Bill Boquet", "bill@epic.events", "sales"),
        "Closes-Big-Deals-19",
        3,
    );
    hire(
        &db,
        "maud",
        ("Kate Hastroff", "kate@epic.events", "support"),
        "Runs-The-Wedding-42",
        4,
    );
    login(&db, "bill", "bill@epic.events", "Closes-Big-Deals-19");
    step(
        &db,
        "bill",
        "create client name \"John Ouick\" email \"john.ouick@gmail.com\" phone \"+1 234 567 8901\"\n",
        "Created client 1.\n",
        "",
        0,
    );
    step(
        &db,
        "maud",
        "create contract for client 1 total 18450.00 remaining 18450.00\n",
        "Created contract 1.\n",
        "",
        0,
    );
    // Not signed yet: no event.
    step(
        &db,
        "bill",
        "create event for contract 1 name \"John Ouick Wedding\" start \"4 Jun 2023 @ 1PM\" end \"5 Jun 2023 @ 2AM\"\n",
        "",
        "error: line 1: contract 1 is not signed: events are created for signed contracts\n",
        3,
    );
    step(
        &db,
        "bill",
        "update contract 1 set signed = true\n\
         create event for contract 1 name \"John Ouick Wedding\" start \"4 Jun 2023 @ 1PM\" end \"5 Jun 2023 @ 2AM\" location \"53 Rue du Château, 41120 Candé-sur-Beuvron, France\" attendees 75 notes \"Wedding starts at 3PM, by the river.\"\n",
        "Created event 1.\n",
        "Updated contract 1.\n",
        0,
    );
    step(
        &db,
        "bill",
        "update event 1 set support = \"Kate Hastroff\"\n",
        "",
        "error: line 1: permission denied: only the event's support contact or management may update event 1\n",
        5,
    );
    step(
        &db,
        "maud",
        "update event 1 set support = \"Kate Hastroff\"\n",
        "",
        "Updated event 1.\n",
        0,
    );
    login(&db, "kate", "kate@epic.events", "Runs-The-Wedding-42");
    step(
        &db,
        "kate",
        "update event 1 set notes = \"Catering is organized, reception starts at 5PM.\", attendees = 80\n\
         update event 1 set support = none\n",
        "",
        "Updated event 1.\n\
         error: line 2: permission denied: only management may assign or remove the support contact of event 1\n",
        5,
    );
    let notifications = db
        .epic()
        .env("EPIC_SESSION_FILE", db.home.path().join("kate"))
        .args([
            "--format",
            "csv",
            "-c",
            "show notifications",
            "-c",
            "show notifications",
        ])
        .run();
    assert_eq!(notifications.code, 0, "{notifications:?}");
    let lines: Vec<&str> = notifications.stdout.lines().collect();
    assert_eq!(lines[0], "id,at,event,message,new");
    assert!(
        lines[1].ends_with(",1,Maud Gestion assigned you event 1 John Ouick Wedding,true"),
        "{lines:?}"
    );
    // Read now; and her own change told her nothing.
    assert!(
        lines.iter().filter(|l| l.contains("assigned you")).count() == 2,
        "{lines:?}"
    );
    assert!(
        lines.last().expect("a line").ends_with(",false"),
        "{lines:?}"
    );
    assert!(
        !notifications.stdout.contains("changed"),
        "{}",
        notifications.stdout
    );

    // Management changes the event: Kate is told what changed.
    step(
        &db,
        "maud",
        "update event 1 set attendees = 90, location = \"Château de Candé\"\n",
        "",
        "Updated event 1.\n",
        0,
    );
    let told = db
        .epic()
        .env("EPIC_SESSION_FILE", db.home.path().join("kate"))
        .args(["--format", "csv", "-c", "show notifications"])
        .run();
    assert!(
        told.stdout
            .contains("Maud Gestion changed event 1 John Ouick Wedding: location: "),
        "{}",
        told.stdout
    );

    // The audit trail has every write, with the record before and after.
    assert_eq!(
        db.query_one_i64(
            "SELECT count(*) FROM audit_log WHERE entity = 'event' AND entity_id = 1 AND action = 'update' \
             AND before->>'attendees' = '80' AND after->>'attendees' = '90'"
        ),
        1
    );
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM audit_log WHERE action = 'contract signed'"),
        1
    );
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM audit_log WHERE action = 'denied'"),
        2
    );
}

#[test]
fn deleting_an_employee_moves_their_work_or_changes_nothing() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let bill_clients = db.query_one_i64("SELECT count(*) FROM clients c JOIN employees e ON e.id = c.sales_contact_id WHERE e.email = 'bill@epic.events'");
    assert!(bill_clients > 0);
    let bill = db.query_one_i64("SELECT id FROM employees WHERE email = 'bill@epic.events'");
    let sophie = db.query_one_i64("SELECT id FROM employees WHERE email = 'sophie@epic.events'");
    let refused = db
        .epic()
        .args(["-c", &format!("delete employee {bill}")])
        .run();
    assert_eq!(refused.code, 3, "{refused:?}");
    assert!(
        refused
            .stderr
            .contains(&format!("still owns {bill_clients} clients")),
        "{}",
        refused.stderr
    );
    assert_eq!(
        db.query_one_i64(&format!("SELECT count(*) FROM employees WHERE id = {bill}")),
        1,
        "nothing was deleted"
    );

    let moved = db
        .epic()
        .args([
            "-c",
            &format!("delete employee {bill} reassign to \"Sophie Ravel\""),
        ])
        .run();
    assert_eq!(moved.code, 0, "{moved:?}");
    assert_eq!(
        moved.stderr,
        format!(
            "Deleted employee {bill} ({bill_clients} clients and 0 events moved to Sophie Ravel).\n"
        )
    );
    assert_eq!(
        db.query_one_i64(&format!(
            "SELECT count(*) FROM clients WHERE sales_contact_id = {bill}"
        )),
        0
    );
    assert!(
        db.query_one_i64(&format!(
            "SELECT count(*) FROM clients WHERE sales_contact_id = {sophie}"
        )) >= bill_clients
    );
    assert_eq!(
        db.query_one_i64(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'delete' AND entity = 'employee' AND entity_id = {bill} \
             AND before->>'email' = 'bill@epic.events'"
        )),
        1,
        "the audit log keeps the whole old record"
    );
}

#[test]
fn each_validation_rule_explains_itself_and_changes_nothing() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let fingerprint = || {
        db.query_one_i64(
            "SELECT (SELECT count(*) FROM clients) + (SELECT count(*) FROM contracts) * 1000 + (SELECT count(*) FROM events) * 1000000 \
             + (SELECT count(*) FROM employees) * 1000000000",
        )
    };
    let sums = || {
        db.with_client(async |client| {
            client
                .query_one(
                    "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT * FROM contracts) t",
                    &[],
                )
                .await
                .expect("checksum")
                .get::<_, String>(0)
        })
    };
    let before = (fingerprint(), sums());
    let cases: &[(&str, i32, &str)] = &[
        (
            "create client name \"X\" email \"not-an-email\"",
            3,
            "`not-an-email` is not an email address",
        ),
        (
            "create client name \"X\" email \"x@y.io\" phone \"12345\"",
            3,
            "is not a phone number",
        ),
        (
            "update contract 652 set remaining = 99999999.00",
            3,
            "the remaining amount cannot be more than the total",
        ),
        (
            "update contract 652 set total = 12.345",
            3,
            "`12.345` has more than two decimals",
        ),
        (
            "update event 109 set end = 2020-01-01",
            3,
            "an event must end after it starts",
        ),
        (
            "update event 109 set attendees = 100001",
            3,
            "`attendees` must be a whole number from 0 to 100000",
        ),
        (
            "update event 109 set attendees = many",
            3,
            "`attendees` takes a whole number, not `many`",
        ),
        (
            "update event 109 set support = \"Nobody Atall\"",
            6,
            "no employee is named `Nobody Atall`",
        ),
        (
            "update event 109 set support = \"Bill Boquet\"",
            3,
            "an event's support contact must be in the support department",
        ),
        (
            "update employee 3 set department = marketing",
            3,
            "unknown department `marketing`",
        ),
        (
            "create employee name \"Kate Again\" email \"KATE@epic.events\" department support",
            9,
            "an employee with this email already exists",
        ),
        (
            "create event for contract 1 name \"X\" start 2030-01-01 end 2030-01-02",
            5,
            "permission denied",
        ),
        ("create client name \"X\"", 2, "a new client needs: email"),
        (
            "create employee name \"Pat Doe\" email \"pat@epic.events\" department sales password \"Summer2024!!\"",
            2,
            "a password is never typed on the command line",
        ),
        (
            "update client 1 set name = \"\"",
            3,
            "`name` cannot be empty",
        ),
        (
            "update event 109 set name = none",
            3,
            "`name` cannot be none",
        ),
        (
            "update event 99999 set notes = \"x\"",
            6,
            "no event with id 99999",
        ),
    ];
    for (command, code, message) in cases {
        let ran = db.epic().args(["-c", command]).run();
        assert_eq!(ran.code, *code, "{command}: {ran:?}");
        assert!(ran.stderr.contains(message), "{command}: {}", ran.stderr);
        assert!(
            !ran.stderr.contains("SQL") && !ran.stderr.contains("violates"),
            "{command}: {}",
            ran.stderr
        );
    }
    assert_eq!((fingerprint(), sums()), before, "the database is unchanged");
}

#[test]
fn an_ambiguous_employee_name_is_refused_with_the_candidates() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    db.execute(&format!(
        "INSERT INTO employees (full_name, email, department, password_hash) VALUES \
         ('Kate Hastroff', 'kate.h@epic.events', 'support', '{}')",
        epic::auth::hash_password("Another-Long-Password-1", 4).expect("hashes")
    ));
    let ran = db
        .epic()
        .args(["-c", "update event 109 set support = \"Kate Hastroff\""])
        .run();
    assert_eq!(ran.code, 3, "{ran:?}");
    assert!(
        ran.stderr
            .contains("more than one employee is named `Kate Hastroff`: employee "),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("(Kate Hastroff, kate@epic.events)")
            && ran.stderr.contains("kate.h@epic.events"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("help: name them by number"),
        "{}",
        ran.stderr
    );
}

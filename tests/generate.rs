//! `epic gen`: a small custom size through the real binary, then every rule the generated data
//! promises, checked in SQL: exact counts, departments, signed contracts, amounts, dates,
//! spread; a second run refused without a change; the same seed giving the same rows; the
//! demo logins (and the generated staff's password) working afterwards.

mod common;

use common::{Ran, TestDb};

/// 500 clients, so 1,500 contracts and 5,000 events, and 20 employees in all.
const SMALL: &[&str] = &["gen", "--clients", "500"];

fn generated(seed: &str) -> (TestDb, Ran) {
    let db = TestDb::migrated();
    let ran = db.operator().args(SMALL).args(["--seed", seed]).run();
    assert_eq!(ran.code, 0, "{ran:?}");
    (db, ran)
}

fn count(db: &TestDb, sql: &str) -> i64 {
    db.query_one_i64(sql)
}

fn fraction(db: &TestDb, sql: &str) -> f64 {
    db.with_client(async |client| {
        client
            .query_one(sql, &[])
            .await
            .expect("test query runs")
            .get(0)
    })
}

/// The rows that depend on the seed alone: no timestamps (they follow the server's clock),
/// no password hashes (salted).
fn fingerprint(db: &TestDb) -> Vec<String> {
    db.with_client(async |client| {
        let mut sums = Vec::new();
        for sql in [
            "SELECT count(*)::text || md5(string_agg(concat_ws('|', id, full_name, email, department, active), ',' ORDER BY id)) FROM employees",
            "SELECT count(*)::text || md5(string_agg(concat_ws('|', id, full_name, email, phone, company_name, sales_contact_id), ',' ORDER BY id)) FROM clients",
            "SELECT count(*)::text || md5(string_agg(concat_ws('|', id, client_id, total, remaining, signed), ',' ORDER BY id)) FROM contracts",
            "SELECT count(*)::text || md5(string_agg(concat_ws('|', id, contract_id, name, end_at - start_at, support_contact_id, location, attendees, notes), ',' ORDER BY id)) FROM events",
            "SELECT count(*)::text FROM notifications",
        ] {
            let row = client.query_one(sql, &[]).await.expect("fingerprint");
            sums.push(row.get::<_, String>(0));
        }
        sums
    })
}

#[test]
fn a_custom_size_has_exact_counts_and_keeps_every_rule() {
    let (db, ran) = generated("2023");
    assert!(
        ran.stderr
            .contains("Loaded 19 employees, 500 clients, 1500 contracts and 5000 events in "),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("Time: demo "), "{}", ran.stderr);
    assert!(ran.stdout.contains(
        "| Kate Hastroff  | kate@epic.events    | support    | Runs-The-Wedding-42    |"
    ));

    assert_eq!(count(&db, "SELECT count(*) FROM employees"), 20);
    assert_eq!(count(&db, "SELECT count(*) FROM clients"), 500);
    assert_eq!(count(&db, "SELECT count(*) FROM contracts"), 1500);
    assert_eq!(count(&db, "SELECT count(*) FROM events"), 5000);
    // Only the demo's own notification: the bulk rows notify nobody.
    assert_eq!(count(&db, "SELECT count(*) FROM notifications"), 1);

    for (rule, violations) in [
        (
            "clients owned by someone outside sales",
            "SELECT count(*) FROM clients c JOIN employees e ON e.id = c.sales_contact_id \
             WHERE e.department <> 'sales'",
        ),
        (
            "events run by someone outside support",
            "SELECT count(*) FROM events v JOIN employees e ON e.id = v.support_contact_id \
             WHERE e.department <> 'support'",
        ),
        (
            "events on unsigned contracts",
            "SELECT count(*) FROM events v JOIN contracts k ON k.id = v.contract_id WHERE NOT k.signed",
        ),
        (
            "events before their contract",
            "SELECT count(*) FROM events v JOIN contracts k ON k.id = v.contract_id \
             WHERE v.start_at <= k.created_at",
        ),
        (
            "contracts before their client",
            "SELECT count(*) FROM contracts k JOIN clients c ON c.id = k.client_id \
             WHERE k.created_at < c.created_at",
        ),
        (
            "amounts out of order",
            "SELECT count(*) FROM contracts WHERE NOT (total >= remaining AND remaining >= 0) \
             OR scale(total) <> 2 OR scale(remaining) <> 2",
        ),
        (
            "unsigned contracts partly paid",
            "SELECT count(*) FROM contracts WHERE NOT signed AND remaining <> total",
        ),
        (
            "last contact before the first",
            "SELECT count(*) FROM clients WHERE last_contact_at < created_at OR last_contact_at > now()",
        ),
        (
            "emails not lowercase or shared",
            "SELECT count(*) - count(DISTINCT email) + count(*) FILTER (WHERE email <> lower(email)) \
             FROM clients",
        ),
        (
            "clients without a name or email",
            "SELECT count(*) FROM clients WHERE full_name = '' OR email NOT LIKE '%_@_%._%'",
        ),
        (
            "events that end before they start",
            "SELECT count(*) FROM events WHERE end_at <= start_at",
        ),
        (
            "head counts out of range",
            "SELECT count(*) FROM events WHERE attendees NOT BETWEEN 0 AND 100000",
        ),
        (
            "user triggers left disabled",
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'",
        ),
        (
            "tables whose row security is no longer forced",
            "SELECT count(*) FROM pg_class WHERE relname IN ('clients', 'contracts', 'events') \
             AND NOT relforcerowsecurity",
        ),
        (
            "tables not analyzed",
            "SELECT 3 - count(*) FROM pg_stat_user_tables \
             WHERE relname IN ('clients', 'contracts', 'events') AND last_analyze IS NOT NULL",
        ),
        (
            "identity sequences behind the ids",
            "SELECT count(*) FROM (VALUES ('clients', (SELECT max(id) FROM clients)), \
                                          ('contracts', (SELECT max(id) FROM contracts)), \
                                          ('events', (SELECT max(id) FROM events))) AS t(tab, top) \
             WHERE pg_sequence_last_value(pg_get_serial_sequence(tab, 'id')::regclass) < top",
        ),
    ] {
        assert_eq!(count(&db, violations), 0, "{rule}");
    }

    let staff = |department: &str| {
        count(
            &db,
            &format!("SELECT count(*) FROM employees WHERE department = '{department}'"),
        )
    };
    assert_eq!(staff("admin"), 1);
    assert!(staff("management") >= 2 && staff("management") < staff("sales"));
    assert!(staff("sales") >= 6 && staff("support") >= 6);
    assert!(
        count(&db, "SELECT count(DISTINCT sales_contact_id) FROM clients") >= 6,
        "clients are spread over the sales team"
    );

    for (what, sql, low, high) in [
        (
            "clients with a company",
            "SELECT avg((company_name IS NOT NULL)::int)::float8 FROM clients",
            0.7,
            0.9,
        ),
        (
            "clients with a phone",
            "SELECT avg((phone IS NOT NULL)::int)::float8 FROM clients",
            0.8,
            0.97,
        ),
        (
            "signed contracts",
            "SELECT avg(signed::int)::float8 FROM contracts",
            0.6,
            0.8,
        ),
        (
            "signed contracts not fully paid",
            "SELECT avg((remaining > 0)::int)::float8 FROM contracts WHERE signed",
            0.4,
            0.8,
        ),
        (
            "events without support",
            "SELECT avg((support_contact_id IS NULL)::int)::float8 FROM events",
            0.05,
            0.15,
        ),
        (
            "events with a location",
            "SELECT avg((location IS NOT NULL)::int)::float8 FROM events",
            0.85,
            0.98,
        ),
        (
            "events with notes",
            "SELECT avg((notes IS NOT NULL)::int)::float8 FROM events",
            0.6,
            0.9,
        ),
        (
            "past events",
            "SELECT avg((start_at < now())::int)::float8 FROM events",
            0.3,
            0.7,
        ),
        (
            "median head count",
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY attendees) FROM events",
            10.0,
            1000.0,
        ),
        (
            // The demo's examples from 2023 aside: the first percent of the events.
            "days back to the early events",
            "SELECT extract(epoch FROM now() - percentile_disc(0.01) WITHIN GROUP (ORDER BY start_at))::float8 / 86400 FROM events",
            600.0,
            740.0,
        ),
        (
            "days ahead to the last event",
            "SELECT extract(epoch FROM max(start_at) - now())::float8 / 86400 FROM events",
            300.0,
            370.0,
        ),
    ] {
        let value = fraction(&db, sql);
        assert!((low..=high).contains(&value), "{what}: {value}");
    }

    // The demo logins work and print as with `epic demo`; so does the generated staff's password.
    let kate = db.login("kate@epic.events", "Runs-The-Wedding-42");
    assert_eq!(kate.code, 0, "{kate:?}");
    let mine = db
        .epic()
        .args(["-c", "count events where support is me"])
        .run();
    assert_eq!(mine.code, 0, "{mine:?}");
    let password = ran
        .stdout
        .lines()
        .find_map(|l| l.split_once("share the password: ").map(|(_, p)| p.trim()))
        .expect("the generated staff password is printed");
    assert!(
        ran.stdout
            .contains("The 12 generated employees (show employees) share the password: ")
    );
    let email: String = db.with_client(async |client| {
        client
            .query_one(
                "SELECT email FROM employees WHERE department = 'support' ORDER BY id DESC LIMIT 1",
                &[],
            )
            .await
            .expect("a generated support employee")
            .get(0)
    });
    let generated = db.login(&email, password);
    assert_eq!(generated.code, 0, "{email}: {generated:?}");
}

#[test]
fn a_second_gen_is_refused_and_changes_nothing() {
    let (db, _) = generated("5");
    let before = fingerprint(&db);
    for args in [SMALL, &["gen", "--size", "M"], &["gen"]] {
        let again = db.operator().args(args).run();
        assert_eq!(again.code, 9, "{args:?}: {again:?}");
        assert!(
            again.stderr.contains("the database already holds clients"),
            "{}",
            again.stderr
        );
        assert!(again.stdout.is_empty());
    }
    assert_eq!(fingerprint(&db), before);
}

#[test]
fn the_same_seed_gives_the_same_data() {
    let (first, _) = generated("11");
    let (second, _) = generated("11");
    let (other, _) = generated("12");
    let expected = fingerprint(&first);
    assert_eq!(fingerprint(&second), expected);
    let different = fingerprint(&other);
    assert_eq!(different[0][..2], expected[0][..2], "same counts");
    assert_ne!(different[1], expected[1]);
    assert_ne!(different[3], expected[3]);
}

#[test]
fn size_s_is_exactly_the_demo() {
    let by_gen = TestDb::migrated();
    let by_demo = TestDb::migrated();
    let gen_run = by_gen.operator().args(["gen", "--size", "s"]).run();
    let demo_run = by_demo.operator().arg("demo").run();
    assert_eq!((gen_run.code, demo_run.code), (0, 0), "{gen_run:?}");
    assert_eq!(gen_run.stdout, demo_run.stdout);
    assert_eq!(fingerprint(&by_gen), fingerprint(&by_demo));
    assert_eq!(count(&by_gen, "SELECT count(*) FROM clients"), 303);
}

#[test]
fn impossible_sizes_are_usage_errors_that_touch_nothing() {
    let db = TestDb::migrated();
    for (args, says) in [
        (
            &["gen", "--clients", "100"][..],
            "--clients must be at least 303",
        ),
        (
            &["gen", "--clients", "400", "--events", "10"],
            "--events must be at least 252",
        ),
        (
            &["gen", "--clients", "303", "--contracts", "900"],
            "need generated clients",
        ),
        (
            &["gen", "--size", "M", "--clients", "1000"],
            "cannot be used with",
        ),
        (&["gen", "--size", "XXL"], "invalid value"),
    ] {
        let ran = db.operator().args(args).run();
        assert_eq!(ran.code, 2, "{args:?}: {ran:?}");
        assert!(ran.stderr.contains(says), "{args:?}: {}", ran.stderr);
    }
    assert_eq!(count(&db, "SELECT count(*) FROM clients"), 0);
}

#[test]
fn a_failure_halfway_leaves_nothing_behind() {
    let db = TestDb::migrated();
    // A rule the demo keeps and a few bulk events (the huge ones) break: the last COPY fails
    // after the demo, the staff, the clients and the contracts went in.
    db.execute("ALTER TABLE events ADD CONSTRAINT test_small_events CHECK (attendees <= 1000)");
    let ran = db.operator().args(SMALL).run();
    assert_eq!(ran.code, 1, "{ran:?}");
    assert!(
        ran.stderr.contains("could not load the generated data"),
        "{}",
        ran.stderr
    );
    assert_eq!(count(&db, "SELECT count(*) FROM employees"), 1);
    for table in ["clients", "contracts", "events", "notifications"] {
        assert_eq!(
            count(&db, &format!("SELECT count(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM pg_class WHERE relname IN ('clients', 'contracts', 'events') \
             AND NOT relforcerowsecurity"
        ),
        0
    );
}

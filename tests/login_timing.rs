//! Login timing: a wrong password and an unknown email must not be told
//! apart by how long the answer takes. Alone in its test binary, so that no
//! other test shares the machine while it measures.

mod common;

use common::TestDb;

const KATE_EMAIL: &str = "kate@epic.events";

#[test]
fn login_takes_the_same_time_for_an_unknown_email_and_a_wrong_password() {
    // A real cost, so that hashing dominates the run time as in production.
    let db = TestDb::migrated();
    let hash = epic::auth::hash_password("Runs-The-Wedding-42", 10).expect("hashes");
    db.with_client(async |client| {
        client
            .execute(
                "INSERT INTO employees (full_name, email, department, password_hash) \
                 VALUES ('Kate Hastroff', $1, 'support', $2)",
                &[&KATE_EMAIL, &hash],
            )
            .await
            .expect("insert Kate");
        // The cost a real deployment's dummy hash has too; no lock-out in the way.
        client
            .execute(
                "UPDATE security_settings SET bcrypt_cost = 10, login_max_failures = 100",
                &[],
            )
            .await
            .expect("the security settings")
    });
    let time = |email: &str| {
        let start = std::time::Instant::now();
        let ran = db
            .epic()
            .args(["login", email])
            .stdin("Not-Her-Password-1\n")
            .run();
        assert_eq!(ran.code, 4, "{ran:?}");
        start.elapsed().as_secs_f64()
    };
    let mut unknown = Vec::new();
    let mut wrong = Vec::new();
    for _ in 0..10 {
        unknown.push(time("nobody@epic.events"));
        wrong.push(time(KATE_EMAIL));
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (unknown, wrong) = (median(unknown), median(wrong));
    let difference = (unknown - wrong).abs() / unknown.max(wrong);
    eprintln!(
        "login medians: unknown email {:.1} ms, wrong password {:.1} ms ({:.1}% apart)",
        unknown * 1000.0,
        wrong * 1000.0,
        difference * 100.0
    );
    assert!(
        difference < 0.20,
        "unknown email {unknown:.3}s, wrong password {wrong:.3}s: {:.0}% apart",
        difference * 100.0
    );
}

//! Connections are a budget: a desk that finds its login (or the server)
//! at its connection limit waits, with backoff, for one to come free, and
//! says so clearly when none does. Its own binary: the limit is on the
//! client login of this binary's whole server.

mod common;

use std::time::{Duration, Instant};

use common::TestDb;

const HELENE: (&str, &str) = ("helene@epic.events", "Balances-The-Books-7");

#[test]
fn a_login_at_its_connection_limit_is_waited_for_then_refused_clearly() {
    let db = TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    let login = db.login(HELENE.0, HELENE.1);
    assert_eq!(login.code, 0, "{login:?}");
    db.execute("ALTER ROLE epic_client CONNECTION LIMIT 2");

    // Two desks hold both connections; a third command waits, and runs as
    // soon as one is let go.
    let (released, started) = common::block_on(async {
        let first = db.client_connection().await;
        let second = db.client_connection().await;
        let started = Instant::now();
        let waiting = db.epic().args(["-c", "show event 109"]).spawn();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        drop(first);
        let _ = second.simple_query("SELECT 1").await;
        (waiting, started)
    });
    let ran = released.finish();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(ran.stdout.contains("John Ouick Wedding"), "{ran:?}");
    assert!(started.elapsed() >= Duration::from_millis(1500));

    // Held for longer than epic waits: exit 7, saying what is wrong.
    let ran = common::block_on(async {
        let _first = db.client_connection().await;
        let _second = db.client_connection().await;
        let started = Instant::now();
        let ran = tokio::task::spawn_blocking({
            let command = db.epic().args(["-c", "show event 109"]);
            move || command.run()
        })
        .await
        .expect("epic ran");
        assert!(started.elapsed() >= epic::db::CONNECTION_WAIT);
        ran
    });
    assert_eq!(ran.code, 7, "{ran:?}");
    assert!(
        ran.stderr
            .contains("the server has no connection free for epic")
            && ran.stderr.contains("connection limit"),
        "{}",
        ran.stderr
    );
    db.execute("ALTER ROLE epic_client CONNECTION LIMIT -1");
}

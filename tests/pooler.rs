//! Through a transaction-mode pooler: PgBouncer 1.18 (Debian's) hands a
//! server connection to whichever desk has a transaction to run, so a
//! statement must not outlive its transaction on the connection. Named
//! prepared statements did ("prepared statement \"s3\" already exists",
//! or one desk's statement run by another): epic sends unnamed ones.

mod common;

use std::time::{Duration, Instant};

use common::TestDb;
use common::pooler::Pooler;
use common::pty::Terminal;

const KATE: (&str, &str) = ("kate@epic.events", "Runs-The-Wedding-42");
const DESKS: usize = 24;

/// The listener's name in `pg_stat_activity`, the URL naming none.
fn listener_name() -> String {
    format!("epic {}", epic::db::listen::LISTENER)
}

/// The client login's connections to `db` that go by `application_name`.
fn connections_named(db: &TestDb, application_name: &str) -> i64 {
    db.with_client(async |client| {
        client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1::text \
                 AND usename = 'epic_client' AND application_name = $2::text",
                &[&db.name, &application_name],
            )
            .await
            .expect("pg_stat_activity")
            .get(0)
    })
}

/// The shell's listener connects once the shell is up: until it has.
fn wait_for_the_listener(db: &TestDb) {
    let started = Instant::now();
    while connections_named(db, &listener_name()) == 0
        && started.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Kate's events, lowest numbers first.
fn kates_events(db: &TestDb, how_many: usize) -> Vec<i64> {
    db.with_client(async |client| {
        client
            .query(
                "SELECT e.id FROM events e JOIN employees s ON s.id = e.support_contact_id \
                 WHERE s.email = $1 ORDER BY e.id LIMIT $2",
                &[&KATE.0, &(how_many as i64)],
            )
            .await
            .expect("Kate's events")
            .iter()
            .map(|row| row.get(0))
            .collect()
    })
}

#[test]
fn many_desks_at_once_through_pgbouncer_in_transaction_mode_all_succeed() {
    let db = TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    // Two server connections for every desk: each is handed from one
    // desk's transaction to another's all the time.
    let pooler = Pooler::start(&db, 2);
    let through_pooler = |epic: common::Epic| epic.env("DATABASE_URL", pooler.url(&db));
    let login = through_pooler(db.epic())
        .args(["login", KATE.0])
        .stdin(format!("{}\n", KATE.1))
        .run();
    assert_eq!(login.code, 0, "{login:?}");

    let events = kates_events(&db, DESKS);
    assert_eq!(events.len(), DESKS, "the demo gives Kate enough events");
    let desks: Vec<_> = events
        .iter()
        .enumerate()
        .map(|(desk, event)| {
            let attendees = 1000 + desk;
            let batch = format!(
                "show events where support is me limit 5\n\
                 count events where location ~ \"a\"\n\
                 show event {event}\n\
                 update event {event} set attendees = {attendees}\n\
                 show event 109\n\
                 count clients\n\
                 show notifications\n\
                 update event {event} set notes = \"desk {desk}\"\n\
                 show event {event}\n"
            );
            let desk = through_pooler(db.epic()).stdin(batch);
            std::thread::spawn(move || desk.run())
        })
        .collect();
    for (desk, running) in desks.into_iter().enumerate() {
        let ran = running.join().expect("the desk ran");
        assert_eq!(ran.code, 0, "desk {desk}: {ran:?}");
        let updated = format!("Updated event {}.\n", events[desk]);
        assert_eq!(
            ran.stderr,
            updated.repeat(2),
            "desk {desk}: nothing but its two updates on standard error"
        );
        assert!(
            ran.stdout.contains(&format!("desk {desk}")),
            "desk {desk} reads back its own note: {}",
            ran.stdout
        );
    }
    for (desk, event) in events.iter().enumerate() {
        let (attendees, notes) = db.with_client(async |client| {
            let row = client
                .query_one(
                    "SELECT attendees::bigint, notes FROM events WHERE id = $1",
                    &[event],
                )
                .await
                .expect("the event");
            (row.get::<_, i64>(0), row.get::<_, String>(1))
        });
        assert_eq!(attendees, 1000 + desk as i64, "event {event}");
        assert_eq!(notes, format!("desk {desk}"), "event {event}");
    }
    let log = pooler.log();
    assert!(
        log.contains("login attempt") && log.contains("user=epic_client"),
        "the desks went through PgBouncer: {log}"
    );
}

/// A transaction-mode pooler passes no LISTEN on: the shell's listener goes
/// to the server itself (`EPIC_LISTEN_URL`), its commands through the
/// pooler.
#[test]
fn a_shell_behind_pgbouncer_listens_on_the_server_itself() {
    let db = TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    let pooler = Pooler::start(&db, 2);
    let env = [
        ("DATABASE_URL", pooler.url(&db)),
        ("EPIC_LISTEN_URL", db.url()),
    ];
    let mut terminal = Terminal::logged_in_with(&db, KATE.0, KATE.1, None, None, &env);
    terminal.type_line("show event 109");
    terminal
        .wait_for("John Ouick Wedding", Duration::from_secs(20))
        .expect("the shell reads through the pooler");

    // The listener is on the server itself, under its own name; the
    // shell's commands reach it only through the pooler's connections.
    wait_for_the_listener(&db);
    assert_eq!(
        connections_named(&db, &listener_name()),
        1,
        "one listener, on the server itself"
    );

    let assign = db
        .epic()
        .env("DATABASE_URL", pooler.url(&db))
        .args(["-c", "update event 1023 set support = \"Kate Hastroff\""])
        .run();
    assert_eq!(assign.code, 0, "{assign:?}");
    terminal
        .wait_for(
            "assigned you event 1023 Lou Bouzin General Assembly",
            Duration::from_secs(30),
        )
        .expect("the notification reaches the shell behind the pooler");
}

/// Connections are a budget: an open shell holds one connection for its
/// commands, whatever it has run, and the listener's.
#[test]
fn an_open_shell_holds_one_connection_for_its_commands_and_one_listener() {
    let db = TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    let mut terminal = Terminal::kates(&db, None, None);
    for (line, shows) in [
        ("show event 109", "John Ouick Wedding"),
        ("count events", "events"),
        ("show notifications", "notification"),
        ("show clients where id = 2", "john.ouick@gmail.com"),
    ] {
        terminal.type_line(line);
        terminal
            .wait_for(shows, Duration::from_secs(20))
            .unwrap_or_else(|screen| panic!("{line}: {screen}"));
    }
    wait_for_the_listener(&db);
    assert_eq!(connections_named(&db, &listener_name()), 1, "one listener");
    assert_eq!(
        connections_named(&db, "epic"),
        1,
        "one connection for the commands"
    );
}

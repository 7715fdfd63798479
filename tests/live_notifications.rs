//! Live notifications: Kate's shell is open on a terminal; another process
//! assigns her an event; her shell prints it above the prompt within two
//! seconds, and an event name stored with escape sequences and a
//! bidirectional override reaches her terminal neutralised.

mod common;

use std::time::{Duration, Instant};

use common::TestDb;
use common::pty::Terminal;

#[test]
/// How fast it appears is a figure, printed here, not a limit: a loaded
/// machine delays any process. The wait is only how long before it is missing.
fn an_open_shell_prints_a_new_notification_while_waiting_at_the_prompt() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let mut terminal = Terminal::kates(&db, None, None);

    // An insider with the client login listens, and sends a fake
    // notification naming Kate's id, the way payloads used to look.
    let kate_id = db.query_one_i64("SELECT id FROM employees WHERE email = 'kate@epic.events'");
    common::block_on(async {
        let forger = db.client_connection().await;
        forger
            .execute(
                "SELECT pg_notify('epic_notifications', $1)",
                &[&format!("{kate_id}:You are fired, says management")],
            )
            .await
            .expect("anyone may NOTIFY");
        forger
            .batch_execute("NOTIFY epic_notifications, 'Event 1023 was assigned to you (forged)'")
            .await
            .expect("anyone may NOTIFY");
    });

    // Someone else assigns her an event.
    let start = Instant::now();
    let assign = db
        .epic()
        .args(["-c", "update event 1023 set support = \"Kate Hastroff\""])
        .run();
    assert_eq!(assign.code, 0, "{assign:?}");
    let shown = terminal.wait_for(
        "assigned you event 1023 Lou Bouzin General Assembly",
        Duration::from_secs(30),
    );
    let screen_now = terminal
        .wait_for("never on screen", Duration::from_millis(300))
        .unwrap_err();
    drop(terminal);
    // What was shown live is seen: `show notifications` lists it as not new.
    let unread = db.query_one_i64(&format!(
        "SELECT count(*) FROM notifications WHERE employee_id = {kate_id} AND event_id = 1023 \
         AND read_at IS NULL"
    ));
    assert!(
        shown.is_err() || unread == 0,
        "a notification shown live is still unread"
    );
    // What an insider listening on the channel gets of real notifications: wake-ups, no text.
    let heard = listener_payloads(&db, 3);
    for forged in ["You are fired", "(forged)"] {
        assert!(
            !screen_now.contains(forged),
            "a forged NOTIFY reached Kate's screen:\n{screen_now}"
        );
    }
    assert!(
        heard.iter().all(|payload| !payload.contains("Lou Bouzin")),
        "a listener read a notification's text: {heard:?}"
    );
    match shown {
        Ok(_) => {
            let elapsed = start.elapsed();
            eprintln!(
                "live notification shown {} ms after the assigning command started",
                elapsed.as_millis()
            );
        }
        Err(screen) => panic!("no notification on Kate's screen:\n{screen}"),
    }
}

#[test]
fn a_notification_naming_escape_sequences_and_a_bidi_override_shows_them_neutralised() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    // The DBA put an event name by hand that sets the terminal's title,
    // clears the screen, and reverses what follows.
    db.execute(
        "ALTER TABLE events DROP CONSTRAINT events_name_plain; \
         UPDATE events SET name = E'Party\\u001b]0;pwned\\u0007\\u001b[2J\\u009b1m\\u202etxt.exe' \
         WHERE id = 1023",
    );
    let mut terminal = Terminal::kates(&db, None, None);
    let assign = db
        .epic()
        .args(["-c", "update event 1023 set support = \"Kate Hastroff\""])
        .run();
    assert_eq!(assign.code, 0, "{assign:?}");
    let neutralised =
        "assigned you event 1023 Party\u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[2J\u{FFFD}1m\u{FFFD}txt.exe";
    if let Err(screen) = terminal.wait_for(neutralised, Duration::from_secs(30)) {
        panic!("not on Kate's screen, neutralised:\n{screen:?}");
    }
    let _ = terminal.wait_for("never on screen", Duration::from_millis(300));
    // The line as it reached the terminal, byte by byte: printable text, and
    // nothing of the stored sequences anywhere on the screen.
    let screen = terminal.screen();
    let line_at = screen
        .windows(neutralised.len())
        .position(|w| w == neutralised.as_bytes())
        .expect("the line is on the screen");
    let line = &screen[line_at..line_at + neutralised.len()];
    let text = std::str::from_utf8(line).expect("UTF-8");
    for c in text.chars() {
        assert!(
            !c.is_control() && !('\u{202a}'..='\u{202e}').contains(&c),
            "{c:?} in {text:?}"
        );
    }
    for stored in [
        &b"\x1b]0;"[..],
        b"\x1b[2J",
        b"\x07",
        "\u{9b}".as_bytes(),
        "\u{202e}".as_bytes(),
    ] {
        assert!(
            !screen.windows(stored.len()).any(|w| w == stored),
            "{stored:?} reached Kate's terminal:\n{screen:?}"
        );
    }
}

/// A listener's view of the channel while a real notification is sent: the
/// payloads it receives.
fn listener_payloads(db: &TestDb, events: usize) -> Vec<String> {
    use futures_util::StreamExt;
    common::block_on(async {
        let settings = epic::db::connect::ServerSettings::from_url(&db.url()).expect("a URL");
        let tls = settings.tls_connector().expect("TLS");
        let mut config = settings.pg.clone();
        config.password(common::CLIENT_PASSWORD);
        let (client, mut connection) = config.connect(tls).await.expect("connects");
        let (sender, mut payloads) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(Ok(message)) = messages.next().await {
                if let tokio_postgres::AsyncMessage::Notification(n) = message {
                    let _ = sender.send(n.payload().to_owned());
                }
            }
        });
        client
            .batch_execute("LISTEN epic_notifications")
            .await
            .expect("LISTEN");
        // A real change for Kate, by management.
        let helene = db.logged_in("helene@epic.events", "Balances-The-Books-7");
        for n in 0..events {
            let ran = db
                .epic()
                .env("EPIC_SESSION_FILE", &helene)
                .args(["-c", &format!("update event 1023 set notes = \"Room {n}\"")])
                .run();
            assert_eq!(ran.code, 0, "{ran:?}");
        }
        let mut heard = Vec::new();
        while heard.len() < events {
            match tokio::time::timeout(Duration::from_secs(5), payloads.recv()).await {
                Ok(Some(payload)) => heard.push(payload),
                _ => break,
            }
        }
        assert_eq!(heard.len(), events, "a wake-up for each change");
        drop(client);
        heard
    })
}

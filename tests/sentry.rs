//! Sentry without the internet: a small HTTP listener on 127.0.0.1 plays
//! the Sentry server, the real binary reports to it, and the test reads
//! every byte that arrived.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::TestDb;

/// Accepts connections for the life of the test and keeps every request.
struct FakeSentry {
    port: u16,
    received: Arc<Mutex<Vec<u8>>>,
}

impl FakeSentry {
    fn start() -> FakeSentry {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        let port = listener.local_addr().expect("an address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let sink = sink.clone();
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 8192];
                    while let Ok(n) = stream.read(&mut buffer) {
                        if n == 0 {
                            break;
                        }
                        request.extend_from_slice(&buffer[..n]);
                        if complete(&request) {
                            break;
                        }
                    }
                    sink.lock().expect("the sink").extend_from_slice(&request);
                    let _ = stream.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                    );
                });
            }
        });
        FakeSentry { port, received }
    }

    fn dsn(&self) -> String {
        format!(
            "http://0123456789abcdef0123456789abcdef@127.0.0.1:{}/1",
            self.port
        )
    }

    /// What arrived so far, after letting late requests land.
    fn take(&self) -> String {
        std::thread::sleep(Duration::from_millis(300));
        let mut received = self.received.lock().expect("the sink");
        let text = String::from_utf8_lossy(&received).into_owned();
        received.clear();
        text
    }
}

/// A request is complete when its body has the announced length.
fn complete(request: &[u8]) -> bool {
    let text = String::from_utf8_lossy(request);
    let Some(end) = text.find("\r\n\r\n") else {
        return false;
    };
    let length = text[..end]
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    request.len() >= end + 4 + length
}

#[test]
fn what_reaches_sentry_and_what_never_does() {
    let sentry = FakeSentry::start();
    let db = TestDb::migrated();
    let run = |commands: &[&str]| {
        let mut epic = db
            .epic()
            .env("SENTRY_DSN", sentry.dsn())
            .env("SENTRY_ENVIRONMENT", "test");
        for command in commands {
            epic = epic.args(["-c", command]);
        }
        epic.arg("--keep-going").run()
    };

    // Security events arrive as messages, with the acting user's id and role.
    let created =
        run(&["create employee name \"Bill Boquet\" email \"bill@epic.events\" department sales"]);
    assert_eq!(created.code, 0, "{created:?}");
    let temporary = common::temporary_password_in(&created.stdout);
    let first = sentry.take();
    assert!(first.contains("POST /api/1/envelope/"), "{first}");
    assert!(first.contains("employee created"), "{first}");
    assert!(
        first.contains("\"id\":\"1\"") && first.contains("\"role\":\"admin\""),
        "{first}"
    );
    assert!(first.contains("\"environment\":\"test\""), "{first}");

    db.execute(
        "INSERT INTO clients (id, full_name, email, phone, sales_contact_id) \
         VALUES (12, 'Kevin Casey', 'kevin@startup.io', '+678 123 456 78', 2); \
         INSERT INTO contracts (id, client_id, total, remaining) VALUES (652, 12, 12000, 12000)",
    );
    let signed = run(&["update contract 652 set signed = true"]);
    assert_eq!(signed.code, 0, "{signed:?}");
    let second = sentry.take();
    assert!(second.contains("contract signed"), "{second}");

    // A parse error and a refusal are the user's, not Sentry's.
    let mistakes = run(&[
        "shwo events",
        "delete client 12",
        "update client 12 set phone = \"+33 6 12 34 56 78\"",
    ]);
    assert_eq!(mistakes.code, 2, "{mistakes:?}");
    assert_eq!(sentry.take(), "", "user mistakes send nothing");

    // An unexpected failure arrives with its chain; the user gets a code and the event id.
    let unavailable = db
        .epic()
        .env("SENTRY_DSN", sentry.dsn())
        .env(
            "DATABASE_URL",
            "postgres://epic:db-password-xyz@127.0.0.1:1/epic?connect_timeout=2",
        )
        .args(["-c", "show events"])
        .run();
    assert_eq!(unavailable.code, 7, "{unavailable:?}");
    assert!(
        unavailable
            .stderr
            .contains("support: quote E-DB-UNAVAILABLE and event "),
        "{}",
        unavailable.stderr
    );
    let third = sentry.take();
    assert!(third.contains("cannot connect to the database"), "{third}");
    assert!(
        third.contains("Connection refused") || third.contains("connection refused"),
        "the chain: {third}"
    );

    // Nothing sensitive, in any of it.
    let everything = format!("{first}{second}{third}");
    for secret in [
        common::ADMIN_PASSWORD,
        common::CLIENT_PASSWORD,
        temporary.as_str(),
        "db-password-xyz",
        "bill@epic.events",
        "admin@epic.events",
        "kevin@startup.io",
        "+33 6 12 34 56 78",
        "Bill Boquet",
    ] {
        assert!(!everything.contains(secret), "`{secret}` reached Sentry");
    }
    let token = std::fs::read_to_string(db.session_file()).expect("the admin's session");
    assert!(
        !everything.contains(token.trim()),
        "the session token reached Sentry"
    );
}

#[test]
fn an_unreachable_sentry_delays_a_batch_by_less_than_three_seconds() {
    let db = TestDb::migrated();
    // A port where nothing listens.
    let closed = TcpListener::bind("127.0.0.1:0")
        .expect("a port")
        .local_addr()
        .expect("address")
        .port();
    let batch = || {
        db.epic().args([
            "-c",
            "create employee name \"Nina Nouvelle\" email \"nina@epic.events\" department sales",
        ])
    };
    let start = Instant::now();
    let quiet = db.epic().args(["-c", "show employees"]).run();
    let normal = start.elapsed();
    assert_eq!(quiet.code, 0);
    let start = Instant::now();
    let ran = batch()
        .env(
            "SENTRY_DSN",
            format!("http://0123456789abcdef0123456789abcdef@127.0.0.1:{closed}/1"),
        )
        .run();
    let with_dead_sentry = start.elapsed();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(
        with_dead_sentry < normal + Duration::from_secs(3),
        "{with_dead_sentry:?} against {normal:?}"
    );
}

//! The concurrency bench's data and staff: `epic gen` on the tests'
//! server, the simulated employees chosen from the generated staff with a
//! record each may update, the capture of the SQL epic sends (the server
//! logs the client login's statements while one desk of each department
//! runs each command once more), and the sessions pgbench presents.

use std::collections::BTreeMap;
use std::path::Path;

use super::harness::{self, TestDb};
use super::pgbench::{self, CAPTURE_N, CAPTURE_PHASE, Captured, Slots};
use super::staff::{self, Action, Dept, Desk, Staff};

/// The generated data and who acts in it.
pub struct World {
    pub staff: Vec<Staff>,
    /// The password every generated employee shares.
    pub password: String,
    /// A range of event numbers that all exist, for `show event N`.
    pub events: (i64, i64),
    pub counts: String,
}

/// Size M's numbers, with enough staff for 200 desks.
const GEN: [&str; 9] = [
    "gen",
    "--clients",
    "10000",
    "--contracts",
    "30000",
    "--events",
    "50000",
    "--employees",
    "210",
];

impl World {
    pub fn generate(db: &TestDb, wanted: usize) -> World {
        eprintln!("epic {} ...", GEN.join(" "));
        let generated = db.operator().args(GEN).run();
        assert_eq!(generated.code, 0, "epic gen failed: {}", generated.stderr);
        let marker = "share the password: ";
        let line = generated
            .stdout
            .lines()
            .find(|l| l.contains(marker))
            .expect("gen names the staff's password");
        let password = line
            .split_once(marker)
            .expect("the marker")
            .1
            .trim()
            .to_owned();
        let count: usize = line
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("how many were generated");
        assert!(
            count >= wanted,
            "{count} generated employees, {wanted} wanted"
        );
        let staff = db.with_client(async |client| choose(client, count, wanted).await);
        let events = db.with_client(async |client| dense_events(client).await);
        let counts = format!(
            "{} clients, {} contracts, {} events, {} employees",
            db.query_one_i64("SELECT count(*) FROM clients"),
            db.query_one_i64("SELECT count(*) FROM contracts"),
            db.query_one_i64("SELECT count(*) FROM events"),
            db.query_one_i64("SELECT count(*) FROM employees"),
        );
        db.execute(
            "CREATE TABLE bench_staff (client_id int PRIMARY KEY, dept int NOT NULL, \
             token text NOT NULL, me bigint NOT NULL, name text NOT NULL, \
             email text NOT NULL, record bigint NOT NULL); \
             GRANT SELECT ON bench_staff TO PUBLIC;",
        );
        World {
            staff,
            password,
            events,
            counts,
        }
    }
}

/// The first `wanted` of the `generated` employees (the highest numbers:
/// gen adds them after the demo's), each with the record they update.
async fn choose(
    client: &mut tokio_postgres::Client,
    generated: usize,
    wanted: usize,
) -> Vec<Staff> {
    let rows = client
        .query(
            "SELECT id, email, full_name, department FROM \
             (SELECT * FROM employees ORDER BY id DESC LIMIT $1) AS g ORDER BY id LIMIT $2",
            &[&(generated as i64), &(wanted as i64)],
        )
        .await
        .expect("the generated staff");
    // Management updates events no one supports, a different one each.
    let unassigned: Vec<i64> = client
        .query(
            "SELECT id FROM events WHERE support_contact_id IS NULL ORDER BY id LIMIT $1",
            &[&(wanted as i64)],
        )
        .await
        .expect("unassigned events")
        .iter()
        .map(|row| row.get(0))
        .collect();
    let mut staff = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let id: i64 = row.get(0);
        let dept = Dept::from_department(row.get(3)).expect("a department with a mix");
        let sql = match dept {
            Dept::Support => "SELECT min(id) FROM events WHERE support_contact_id = $1",
            Dept::Sales => "SELECT min(id) FROM clients WHERE sales_contact_id = $1",
            Dept::Management => "SELECT $1::bigint * 0",
        };
        let found: Option<i64> = client
            .query_one(sql, &[&id])
            .await
            .expect("a record")
            .get(0);
        let record = match dept {
            Dept::Management => unassigned[index],
            _ => found.unwrap_or_else(|| panic!("employee {id} has nothing to update")),
        };
        staff.push(Staff {
            index,
            id,
            email: row.get(1),
            name: row.get(2),
            dept,
            record,
        });
    }
    staff
}

/// The last 30,001 event numbers, which gen makes without gaps.
async fn dense_events(client: &mut tokio_postgres::Client) -> (i64, i64) {
    let row = client
        .query_one(
            "SELECT max(id) - 30000, max(id), \
             (SELECT count(*) FROM events WHERE id >= (SELECT max(id) - 30000 FROM events)) \
             FROM events",
            &[],
        )
        .await
        .expect("event numbers");
    let (low, high, count): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(
        count,
        high - low + 1,
        "events {low} to {high} are not all there"
    );
    (low, high)
}

/// The SQL epic sends for each action of each department, and what the
/// captured values stand for in pgbench's script.
pub fn capture(db: &TestDb, world: &World, desk: &Desk) -> (Captured, BTreeMap<i32, Slots>) {
    let log = harness::server().dir.join("server.log");
    // The roles keep parameters (tokens, passwords) out of the log; the
    // capture needs them, for this bench's own throwaway sessions only.
    db.execute(
        "ALTER ROLE epic_client SET log_statement = 'all'; \
         ALTER ROLE epic_client SET log_parameter_max_length = -1;",
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut captured = Captured::new();
    let mut slots = BTreeMap::new();
    for dept in Dept::ALL {
        let one = world
            .staff
            .iter()
            .find(|s| s.dept == dept)
            .expect("someone in each department");
        // Not one that anyone reads during the capture.
        let event = world.events.1 - dept.code() as i64;
        let token = runtime.block_on(capture_one(one, desk, event, &log, &mut captured));
        slots.insert(dept.code(), Slots::for_capture(one, &token, event));
    }
    db.execute(
        "ALTER ROLE epic_client RESET log_statement; \
         ALTER ROLE epic_client SET log_parameter_max_length = 0;",
    );
    (captured, slots)
}

/// One department's capture: a login, then each command twice, the
/// second logged (the first has already read what a session reads once).
async fn capture_one(
    one: &Staff,
    desk: &Desk,
    event: i64,
    log: &Path,
    captured: &mut Captured,
) -> String {
    let code = one.dept.code();
    let at = log_length(log);
    let mut shell = staff::log_in(desk, one).await.expect("the capture's login");
    captured.insert(
        (code, Action::Login),
        pgbench::statements_in(&log_since(log, at)),
    );
    for (_, action) in one.dept.mix() {
        let line = |n| action.command(one, CAPTURE_PHASE, n, event);
        let (Some(warm), Some(logged)) = (line(CAPTURE_N + 1), line(CAPTURE_N)) else {
            continue;
        };
        staff::run_line(&mut shell, warm)
            .await
            .expect("the capture's command");
        let at = log_length(log);
        staff::run_line(&mut shell, logged)
            .await
            .expect("the capture's command");
        let statements = pgbench::statements_in(&log_since(log, at));
        assert!(!statements.is_empty(), "nothing logged for {action:?}");
        captured.insert((code, *action), statements);
    }
    drop(shell);
    std::fs::read_to_string(desk.session_file(one))
        .expect("the capture's session")
        .trim()
        .to_owned()
}

fn log_length(log: &Path) -> u64 {
    std::fs::metadata(log).map(|m| m.len()).unwrap_or(0)
}

fn log_since(log: &Path, at: u64) -> String {
    let text = std::fs::read(log).expect("the server log");
    String::from_utf8_lossy(&text[at as usize..]).into_owned()
}

/// Puts each employee's current session where pgbench's clients find it.
pub fn publish_sessions(db: &TestDb, staff: &[Staff], tokens: &[String]) {
    db.with_client(async |client| {
        let tx = client.transaction().await.expect("begin");
        tx.execute("DELETE FROM bench_staff", &[])
            .await
            .expect("clear");
        for (one, token) in staff.iter().zip(tokens) {
            tx.execute(
                "INSERT INTO bench_staff VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &(one.index as i32),
                    &one.dept.code(),
                    token,
                    &one.id,
                    &one.name,
                    &one.email,
                    &one.record,
                ],
            )
            .await
            .expect("a session for pgbench");
        }
        tx.commit().await.expect("commit");
    });
}

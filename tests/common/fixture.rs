//! A small CRM whose records belong to some employees and not others: two
//! salespeople with a client each, two support employees with an event
//! each, management, an admin, and someone with nothing. The least
//! privilege matrix and the insider drill act on it as each of them.

use super::TestDb;

/// A bcrypt hash nobody's password matches: these employees log in through
/// sessions the tests make for them ([`TestDb::session_for`]).
pub const HASH: &str = "$2b$04$abcdefghijklmnopqrstuuJ5VTvRGKP6M4sSQH0QyGq3Ct7Gkq0aX";

const CRM: &str = r#"
INSERT INTO employees (id, full_name, email, department, password_hash) VALUES
  (101, 'Maud Manager', 'maud@epic.events', 'management', '$HASH'),
  (102, 'Sam Sales', 'sam@epic.events', 'sales', '$HASH'),
  (103, 'Sid Sales', 'sid@epic.events', 'sales', '$HASH'),
  (104, 'Kate Hastroff', 'kate@epic.events', 'support', '$HASH'),
  (105, 'Paul Support', 'paul@epic.events', 'support', '$HASH'),
  (106, 'Ada Admin', 'ada@epic.events', 'admin', '$HASH'),
  (107, 'Free Agent', 'free@epic.events', 'support', '$HASH');
INSERT INTO clients (id, full_name, email, sales_contact_id) VALUES
  (11, 'Own Client', 'own@client.io', 102), (12, 'Other Client', 'other@client.io', 103);
INSERT INTO contracts (id, client_id, total, remaining, signed) VALUES
  (21, 11, 1000, 500, true), (22, 12, 1000, 500, true), (23, 11, 1000, 1000, false),
  (24, 11, 2000, 0, true);
INSERT INTO events (id, contract_id, name, start_at, end_at, support_contact_id) VALUES
  (31, 21, 'Own Event', '2030-01-01', '2030-01-02', 104),
  (32, 22, 'Other Event', '2030-01-01', '2030-01-02', 105);
"#;

/// Loads the CRM into `db` (as the DBA: no session, nothing audited).
pub fn load(db: &TestDb) {
    db.execute(&CRM.replace("$HASH", HASH));
}

/// A second admin, Ann (108), for the rules about admin accounts: an
/// admin changing another admin, and the last admin.
pub fn add_second_admin(db: &TestDb) {
    db.execute(&format!(
        "INSERT INTO employees (id, full_name, email, department, password_hash) VALUES \
         (108, 'Ann Admin', 'ann@epic.events', 'admin', '{HASH}')"
    ));
}

/// A live session token for some employees of the fixture, made once by
/// the DBA ([`TestDb::session_for`]); copies of the database share them.
pub struct Sessions(std::collections::HashMap<i64, String>);

impl Sessions {
    pub fn of(db: &TestDb, employees: impl IntoIterator<Item = i64>) -> Sessions {
        Sessions(
            employees
                .into_iter()
                .map(|id| (id, db.session_for(id)))
                .collect(),
        )
    }

    pub fn token(&self, employee: i64) -> &str {
        &self.0[&employee]
    }

    /// `epic` on `db` as `employee`, through a session file of theirs in
    /// `db`'s home.
    pub fn shell(&self, db: &TestDb, employee: i64) -> super::Epic {
        let file = db.home.path().join(format!("session-{employee}"));
        if !file.exists() {
            epic::auth::session_file::write(&file, self.token(employee)).expect("session file");
        }
        db.epic().env("EPIC_SESSION_FILE", &file)
    }
}

/// The fixture's acting employee of each role (the one whose session the
/// tests use for that role).
pub fn actor(role: epic::model::Role) -> i64 {
    use epic::model::Role;
    match role {
        Role::Management => 101,
        Role::Sales => 102,
        Role::Support => 104,
        Role::Admin => 106,
    }
}

/// [`as_app`], by SQLSTATE only.
pub async fn as_app_code(
    client: &mut tokio_postgres::Client,
    token: Option<&str>,
    sql: &str,
) -> Result<u64, tokio_postgres::error::SqlState> {
    as_app(client, token, sql).await.map_err(|(code, _)| code)
}

/// Runs `sql` as epic_app for the session of `token` (None: no session), on
/// the client login's own connection (what a desk's `psql` has), in a
/// transaction that is always rolled back. Ok(rows affected) or the
/// SQLSTATE with the database's message.
pub async fn as_app(
    client: &mut tokio_postgres::Client,
    token: Option<&str>,
    sql: &str,
) -> Result<u64, (tokio_postgres::error::SqlState, String)> {
    let tx = client.transaction().await.expect("begin");
    tx.batch_execute("SET LOCAL ROLE epic_app")
        .await
        .expect("set role");
    if let Some(token) = token {
        tx.execute("SELECT set_config('epic.session', $1, true)", &[&token])
            .await
            .expect("set session");
    }
    let result = tx.execute(sql, &[]).await.map_err(|e| {
        let message = e
            .as_db_error()
            .map(|db| db.message().to_owned())
            .unwrap_or_else(|| e.to_string());
        (
            e.code()
                .cloned()
                .unwrap_or(tokio_postgres::error::SqlState::INTERNAL_ERROR),
            message,
        )
    });
    tx.rollback().await.expect("rollback");
    result
}

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

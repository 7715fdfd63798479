//! The company's deployment, tried by the people in it: the DBA who runs
//! the roles script, the operator who migrates and takes backups with the
//! migrator's credentials, and an insider at a desk who has the client
//! login's password, `psql` (here: tokio-postgres, no epic in between) and
//! bad intentions. Also TLS, as every connection here goes through it, the
//! server log with every statement logged, and the catalog.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::fixture::{self, HASH};
use common::{CLIENT_PASSWORD, MIGRATOR_PASSWORD, TestDb};
use tokio_postgres::SimpleQueryMessage;
use tokio_postgres::error::SqlState;

/// What an attempt got: the messages of a simple query, or the refusal.
type Answer = Result<Vec<SimpleQueryMessage>, SqlState>;

/// Runs `sql` on the client login's connection, in a transaction rolled
/// back afterwards: as the client itself, or as `epic_app` presenting
/// `token` (or no session at all).
async fn attempt(
    client: &mut tokio_postgres::Client,
    as_app: bool,
    token: Option<&str>,
    sql: &str,
) -> Answer {
    let tx = client.transaction().await.expect("begin");
    if as_app {
        tx.batch_execute("SET LOCAL ROLE epic_app")
            .await
            .expect("the client may become epic_app");
    }
    if let Some(token) = token {
        tx.execute("SELECT set_config('epic.session', $1, true)", &[&token])
            .await
            .expect("anyone may set a setting");
    }
    let answer = tx
        .simple_query(sql)
        .await
        .map_err(|e| e.code().cloned().unwrap_or(SqlState::INTERNAL_ERROR));
    let _ = tx.rollback().await;
    answer
}

/// What an insider tries: in words, as the app role or as the client
/// itself, with which token, the SQL, and whether it failed as it must.
type Attempt<'a> = (&'a str, bool, Option<&'a str>, String, fn(&Answer) -> bool);

/// Refused outright.
fn refused(answer: &Answer) -> bool {
    answer.is_err()
}

/// Refused, or it changed and found nothing: no rows affected, and every
/// value read is a zero, a NULL, or a state that is not `ok`.
fn came_to_nothing(answer: &Answer) -> bool {
    match answer {
        Err(_) => true,
        Ok(messages) => messages.iter().all(|message| match message {
            SimpleQueryMessage::Row(row) => {
                matches!(row.get(0), None | Some("0") | Some("f"))
                    || matches!(row.get(0), Some(state) if ["unknown", "idle", "revoked", "expired"].contains(&state))
            }
            SimpleQueryMessage::CommandComplete(n) => *n == 0 || messages.iter().any(|m| matches!(m, SimpleQueryMessage::Row(_))),
            _ => true,
        }),
    }
}

#[test]
fn an_insider_with_a_desks_credentials_gets_nothing_their_role_does_not_give() {
    let db = TestDb::migrated();
    fixture::load(&db);
    db.execute(
        "INSERT INTO notifications (employee_id, event_id, message) \
         VALUES (104, 31, 'Event 31 Own Event changed: the secret venue')",
    );
    let maud = db.session_for(101);
    let sam = db.session_for(102);
    let kate = db.session_for(104);
    let ada = db.session_for(106);
    let paul = db.session_for(105);
    // Kate's earlier session, revoked; Paul's, idle past the limit.
    let kate_revoked = db.session_for(104);
    db.execute(
        "UPDATE user_sessions SET revoked_at = now() WHERE id = (SELECT max(id) FROM user_sessions WHERE employee_id = 104)",
    );
    db.execute(
        "UPDATE user_sessions SET last_seen_at = now() - interval '31 minutes' WHERE employee_id = 105",
    );
    let revoked_id = db.query_one_i64("SELECT max(id) FROM user_sessions WHERE employee_id = 104");
    let stored_hash = db.with_client(async |client| {
        client
            .query_one(
                "SELECT encode(token_hash, 'hex') FROM user_sessions WHERE employee_id = 104 AND revoked_at IS NULL",
                &[],
            )
            .await
            .expect("Kate's live session")
            .get::<_, String>(0)
    });
    let kate_notifications =
        db.query_one_i64("SELECT count(*) FROM notifications WHERE employee_id = 104");
    assert_eq!(kate_notifications, 1);

    let (tried, failures) = common::block_on(async {
        let client = &mut db.client_connection().await;
        let mut tried = 0;
        let mut failures = Vec::new();
        let cases: Vec<Attempt> = vec![
            // Read any hash or secret.
            ("read password hashes as the client", false, None, "SELECT password_hash FROM employees".into(), refused),
            ("read session hashes as the client", false, None, "SELECT token_hash FROM user_sessions".into(), refused),
            ("read the signing key as the client", false, None, "SELECT secret FROM token_keys".into(), refused),
            ("read the migration history as the client", false, None, "SELECT * FROM epic_schema_migrations".into(), refused),
            ("read anything as the client", false, None, "SELECT count(*) FROM clients".into(), refused),
            ("read password hashes as the app", true, Some(&sam), "SELECT password_hash FROM employees".into(), refused),
            ("read session hashes as the app", true, Some(&sam), "SELECT token_hash FROM user_sessions".into(), refused),
            ("read the signing key as the app", true, Some(&sam), "SELECT secret FROM token_keys".into(), refused),
            ("read login attempts as the app", true, Some(&sam), "SELECT * FROM login_attempts".into(), refused),
            // A stored hash used as the session.
            ("present a stored session hash", true, Some(&stored_hash), "SELECT count(*) FROM clients".into(), came_to_nothing),
            ("check a stored session hash", false, None, format!("SELECT state FROM epic_session_check('{stored_hash}')"), came_to_nothing),
            // Act without a session.
            ("read without a session", true, None, "SELECT count(*) FROM clients".into(), came_to_nothing),
            ("write without a session", true, None, "INSERT INTO clients (full_name, email, sales_contact_id) VALUES ('X', 'x@x.io', 102)".into(), refused),
            ("read with a made-up token", true, Some("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.AAAA"), "SELECT count(*) FROM events".into(), came_to_nothing),
            // Promote oneself, or take over the admin.
            ("promote oneself to admin", true, Some(&sam), "UPDATE employees SET department = 'admin' WHERE id = 102".into(), came_to_nothing),
            ("loosen the security settings", true, Some(&sam), "SELECT epic_set_security('idle_minutes', 10080)".into(), refused),
            // The company's time zone: management's, through its function only.
            ("change the company's time zone as sales", true, Some(&sam), "SELECT epic_set_time_zone('Asia/Tokyo')".into(), refused),
            ("change the company's time zone as support", true, Some(&kate), "SELECT epic_set_time_zone('Asia/Tokyo')".into(), refused),
            ("change the company's time zone as the client", false, None, "SELECT epic_set_time_zone('Asia/Tokyo')".into(), refused),
            ("write the company's time zone as the app", true, Some(&maud), "UPDATE company_settings SET time_zone = 'Asia/Tokyo'".into(), refused),
            ("set a zone PostgreSQL does not know as management", true, Some(&maud), "SELECT epic_set_time_zone('Mars/Olympus')".into(), refused),
            ("become the owner role", true, Some(&sam), "SET ROLE epic_owner".into(), refused),
            ("become the owner role as the client", false, None, "SET ROLE epic_owner".into(), refused),
            ("become the migrator as the client", false, None, "SET ROLE epic_migrator".into(), refused),
            ("become the owner by session authorization", false, None, "SET SESSION AUTHORIZATION epic_owner".into(), refused),
            ("reset the admin's password", true, Some(&sam), "SELECT epic_reset_password(106)".into(), refused),
            ("set the admin's password hash", true, Some(&sam), format!("UPDATE employees SET password_hash = '{HASH}' WHERE id = 106"), refused),
            ("set the admin's password hash as management", true, Some(&maud), format!("UPDATE employees SET password_hash = '{HASH}' WHERE id = 106"), refused),
            ("sign a token for the admin", true, Some(&sam), "SELECT epic_token_sign('{\"sub\": \"106\"}')".into(), refused),
            ("sign a token as the client", false, None, "SELECT epic_token_sign('{\"sub\": \"106\"}')".into(), refused),
            ("hash a password as the client", false, None, "SELECT epic_bcrypt('x')".into(), refused),
            ("ask who is acting as the client", false, None, "SELECT epic_session_employee()".into(), refused),
            // Another salesperson's records.
            ("change another salesperson's contract", true, Some(&sam), "UPDATE contracts SET remaining = 0 WHERE id = 22".into(), came_to_nothing),
            ("take another salesperson's client", true, Some(&sam), "UPDATE clients SET sales_contact_id = 102 WHERE id = 12".into(), came_to_nothing),
            ("delete a contract", true, Some(&sam), "DELETE FROM contracts WHERE id = 21".into(), refused),
            // Forge the audit trail.
            ("insert an audit row in the admin's name", true, Some(&sam), "INSERT INTO audit_log (actor_id, actor_name, action) VALUES (106, 'Ada Admin', 'login')".into(), refused),
            ("rename the actor of audit rows", true, Some(&maud), "UPDATE audit_log SET actor_name = 'Nobody'".into(), refused),
            ("delete audit rows", true, Some(&ada), "DELETE FROM audit_log".into(), refused),
            ("truncate the audit log", true, Some(&ada), "TRUNCATE audit_log".into(), refused),
            ("write a denial as the client", false, None, "SELECT epic_audit_denial('x', 'y', NULL, NULL)".into(), refused),
            // `undo` from the trail: one's own entries only, and an undo
            // marks only one's own change to the same record as undone.
            ("read Kate's last change as Sam", true, Some(&kate), format!(
                "UPDATE events SET notes = 'x' WHERE id = 31; SELECT set_config('epic.session', '{sam}', true) IS NULL; \
                 SELECT count(*) FROM epic_undo_target()"), came_to_nothing),
            ("mark Maud's change undone by a write of Sam's to the same contract", true, Some(&maud), format!(
                "UPDATE contracts SET remaining = 1 WHERE id = 21; \
                 SELECT set_config('epic.undoes', (SELECT max(entry)::text FROM epic_undo_target()), true) IS NULL; \
                 SELECT set_config('epic.session', '{sam}', true) IS NULL; \
                 UPDATE contracts SET remaining = 0 WHERE id = 21; \
                 SELECT set_config('epic.session', '{maud}', true) IS NULL; \
                 SELECT NOT EXISTS (SELECT 1 FROM epic_undo_target())"), came_to_nothing),
            ("read the last change as the client", false, None, "SELECT * FROM epic_undo_target()".into(), refused),
            // Un-revoke a session.
            ("un-revoke one's session", true, Some(&kate), format!("UPDATE user_sessions SET revoked_at = NULL WHERE id = {revoked_id}"), refused),
            ("use a revoked session", true, Some(&kate_revoked), "SELECT count(*) FROM events".into(), came_to_nothing),
            ("check a revoked session", false, None, format!("SELECT state FROM epic_session_check('{kate_revoked}')"), came_to_nothing),
            // Switch off triggers or row security.
            ("disable the triggers", true, Some(&sam), "ALTER TABLE events DISABLE TRIGGER USER".into(), refused),
            ("disable the triggers as the client", false, None, "ALTER TABLE audit_log DISABLE TRIGGER ALL".into(), refused),
            ("disable row security", true, Some(&sam), "ALTER TABLE clients DISABLE ROW LEVEL SECURITY".into(), refused),
            ("stop forcing row security", false, None, "ALTER TABLE clients NO FORCE ROW LEVEL SECURITY".into(), refused),
            ("read with row_security off", true, Some(&sam), "SET row_security = off; SELECT count(*) FROM clients".into(), refused),
            ("drop a policy", true, Some(&sam), "DROP POLICY app_read ON clients".into(), refused),
            ("add a policy", true, Some(&sam), "CREATE POLICY open ON clients USING (true)".into(), refused),
            // Objects that would stand in for what a definer function reads.
            ("a temporary table shadowing the sessions", false, None, "CREATE TEMP TABLE user_sessions (id bigint)".into(), refused),
            ("a temporary table as the app", true, Some(&sam), "CREATE TEMP TABLE employees (id bigint, department text)".into(), refused),
            ("a temporary view", false, None, "CREATE TEMP VIEW security_settings AS SELECT 10080 AS idle_minutes".into(), refused),
            ("a table in the schema", false, None, "CREATE TABLE public.token_keys_copy (secret bytea)".into(), refused),
            ("a schema of one's own", false, None, "CREATE SCHEMA mine".into(), refused),
            ("a function shadowing sha256", false, None, "CREATE FUNCTION public.sha256(bytea) RETURNS bytea LANGUAGE sql AS 'SELECT $1'".into(), refused),
            // Someone else's notifications.
            ("read Kate's notifications as Sam", true, Some(&sam), "SELECT count(*) FROM notifications".into(), came_to_nothing),
            ("read notifications as the client", false, None, "SELECT message FROM notifications".into(), refused),
            // Outlive the idle limit.
            ("read with an idle session", true, Some(&paul), "SELECT count(*) FROM events".into(), came_to_nothing),
            ("check an idle session", false, None, format!("SELECT state FROM epic_session_check('{paul}')"), came_to_nothing),
            ("open a command with an idle session", false, None, format!("SELECT epic_expect_session('{paul}', 105, 'support', 'Paul Support')"), refused),
            ("write with an idle session", true, Some(&paul), "UPDATE events SET notes = 'x' WHERE id = 32".into(), came_to_nothing),
        ];
        for (what, as_app, token, sql, failed) in cases {
            let answer = attempt(client, as_app, token, &sql).await;
            if !failed(&answer) {
                failures.push(format!("{what}: `{sql}` gave {answer:?}"));
            }
            tried += 1;
        }
        // The same commands with the live sessions work, so the refusals
        // above are the rules, not a broken fixture.
        for (token, sql) in [
            (&sam, "UPDATE contracts SET remaining = 0 WHERE id = 21"),
            (&kate, "UPDATE events SET notes = 'x' WHERE id = 31"),
            (&kate, "SELECT message FROM notifications"),
            (&maud, "SELECT epic_set_time_zone('Europe/Paris')"),
            // Kate's own undo of her own change does mark it.
            (
                &kate,
                "UPDATE events SET notes = 'x' WHERE id = 31; \
                     SELECT set_config('epic.undoes', (SELECT max(entry)::text FROM epic_undo_target()), true) IS NULL; \
                     UPDATE events SET notes = 'y' WHERE id = 31; \
                     SELECT NOT EXISTS (SELECT 1 FROM epic_undo_target())",
            ),
        ] {
            let answer = attempt(client, true, Some(token), sql).await;
            assert!(
                !came_to_nothing(&answer),
                "with the right session, `{sql}` works: {answer:?}"
            );
        }
        (tried, failures)
    });
    // Another database on the server: not for the client login.
    let other = common::block_on(async {
        common::tls_connect(
            &db.url()
                .replace(&format!("dbname={}", db.name), "dbname=postgres"),
            CLIENT_PASSWORD,
        )
        .await
        .map(drop)
    });
    let mut failures = failures;
    if other.is_ok() {
        failures.push("the client login connected to the `postgres` database".to_owned());
    }
    eprintln!(
        "insider drill: {} attempts with the client login, {} succeeded",
        tried + 1,
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
    // The company's zone is the first admin's still (every attempt rolls back).
    assert_eq!(
        db.query_one_i64(
            "SELECT count(*) FROM company_settings WHERE time_zone = 'UTC' \
               AND NOT EXISTS (SELECT 1 FROM audit_log WHERE action = 'change time zone')"
        ),
        1
    );
    // Nothing changed: the data is as the fixture left it.
    assert_eq!(
        db.query_one_i64(
            "SELECT count(*) FROM employees WHERE department = 'admin' AND id <> 106 AND id > 100"
        ),
        0
    );
    assert_eq!(
        db.query_one_i64(
            "SELECT count(*) FROM user_sessions WHERE revoked_at IS NULL AND employee_id = 104"
        ),
        1
    );
}

#[test]
fn the_roles_have_one_job_each_and_nothing_needs_createrole() {
    let db = TestDb::migrated();
    let roles = db.with_client(async |client| {
        client
            .query(
                "SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolbypassrls, rolreplication, \
                        ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid \
                              WHERE m.member = r.oid ORDER BY 1) \
                 FROM pg_roles r WHERE rolname LIKE 'epic\\_%' ORDER BY rolname",
                &[],
            )
            .await
            .expect("the roles")
            .iter()
            .map(|row| {
                format!(
                    "{} super={} inherit={} createrole={} createdb={} login={} bypassrls={} replication={} member of {:?}",
                    row.get::<_, String>(0),
                    row.get::<_, bool>(1),
                    row.get::<_, bool>(2),
                    row.get::<_, bool>(3),
                    row.get::<_, bool>(4),
                    row.get::<_, bool>(5),
                    row.get::<_, bool>(6),
                    row.get::<_, bool>(7),
                    row.get::<_, Vec<String>>(8),
                )
            })
            .collect::<Vec<_>>()
    });
    assert_eq!(
        roles,
        [
            "epic_app super=false inherit=false createrole=false createdb=false login=false bypassrls=false replication=false member of []",
            "epic_client super=false inherit=false createrole=false createdb=false login=true bypassrls=false replication=false member of [\"epic_app\"]",
            "epic_migrator super=false inherit=true createrole=false createdb=false login=true bypassrls=false replication=false member of [\"epic_owner\"]",
            "epic_owner super=false inherit=true createrole=false createdb=false login=false bypassrls=false replication=false member of []",
        ]
    );
}

#[test]
fn only_the_migrator_migrates_and_a_desk_says_who_must() {
    let db = TestDb::new();
    let desk = db.epic().args(["db", "migrate"]).run();
    assert_eq!(
        (desk.code, desk.stderr.as_str()),
        (
            5,
            "error: `epic_client` cannot migrate this database: migrations run as `epic_owner`, and only its members may\n\
             help: run `epic db migrate` with the migrator's credentials (`epic_migrator`)\n"
        )
    );
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM pg_class WHERE relname = 'employees'"),
        0,
        "nothing was created"
    );
    assert_eq!(db.operator().args(["db", "migrate"]).run().code, 0);
    // No object belongs to a login: the owner role owns them all.
    assert_eq!(
        db.query_one_i64(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner \
             WHERE c.relnamespace = 'public'::regnamespace AND r.rolname <> 'epic_owner'"
        ),
        0
    );
}

#[test]
fn roles_can_have_other_names() {
    let db = TestDb::new();
    let script = common::Epic::new()
        .args([
            "db",
            "roles",
            "--owner",
            "acme_owner",
            "--migrator",
            "acme_ops",
            "--client",
            "acme_desk",
            "--app",
            "acme_app",
        ])
        .run();
    assert_eq!(script.code, 0, "{script:?}");
    db.execute(&script.stdout);
    db.execute(&format!(
        "ALTER ROLE acme_desk PASSWORD '{CLIENT_PASSWORD}'; ALTER ROLE acme_ops PASSWORD '{MIGRATOR_PASSWORD}';"
    ));
    let config = db.home.path().join("config.toml");
    std::fs::write(
        &config,
        "[roles]\nowner = \"acme_owner\"\nmigrator = \"acme_ops\"\nclient = \"acme_desk\"\napp = \"acme_app\"\n",
    )
    .expect("the config file");
    let migrated = db
        .operator()
        .env("DATABASE_URL", db.url_for("acme_ops"))
        .env("EPIC_CONFIG", &config)
        .args(["db", "migrate"])
        .run();
    assert_eq!(migrated.code, 0, "{migrated:?}");
    let desk = || {
        db.epic()
            .env("DATABASE_URL", db.url_for("acme_desk"))
            .env("EPIC_CONFIG", &config)
    };
    let login = desk()
        .args(["login", common::ADMIN_EMAIL])
        .stdin(format!("{}\n", common::ADMIN_PASSWORD))
        .run();
    assert_eq!(login.code, 0, "{login:?}");
    let whoami = desk()
        .args(["--format", "csv", "-c", "show employees"])
        .run();
    assert_eq!(whoami.code, 0, "{whoami:?}");
    assert!(whoami.stdout.contains("admin@epic.events"));
    // The policies name the application role the DBA chose.
    assert!(
        db.query_one_i64(
            "SELECT count(*) FROM pg_policy WHERE 'acme_app'::regrole = ANY (polroles)"
        ) > 10
    );
    assert_eq!(
        db.query_one_i64(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner \
             WHERE c.relnamespace = 'public'::regnamespace AND r.rolname <> 'acme_owner'"
        ),
        0
    );
}

#[test]
fn backup_and_restore_work_on_a_shared_server_with_the_migrators_credentials() {
    let source = TestDb::migrated();
    assert_eq!(source.operator().arg("demo").run().code, 0);
    let dir = tempfile::tempdir_in(common::scratch_root()).expect("a backup dir");
    let file = dir.path().join("crm.dump");
    // A desk may not: the client login reads nothing.
    let desk = source.epic().args(["db", "backup"]).arg(&file).run();
    assert_eq!(desk.code, 1, "{desk:?}");
    assert!(desk.stderr.contains("pg_dump failed"), "{}", desk.stderr);
    let backup = source.operator().args(["db", "backup"]).arg(&file).run();
    assert_eq!(backup.code, 0, "{backup:?}");
    assert_eq!(
        std::fs::metadata(&file)
            .expect("the backup")
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    // Into a database the DBA prepared (roles script only).
    let target = TestDb::new();
    let restore = target.operator().args(["db", "restore"]).arg(&file).run();
    assert_eq!(restore.code, 0, "{restore:?}");
    let sum = |db: &TestDb, table: &str| {
        db.with_client(async |client| {
            // Table names are constants of this test.
            client
                .query_one(
                    &format!(
                        "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t"
                    ),
                    &[],
                )
                .await
                .expect("checksum")
                .get::<_, Option<String>>(0)
        })
    };
    for table in [
        "employees",
        "clients",
        "contracts",
        "events",
        "audit_log",
        "security_settings",
        "company_settings",
    ] {
        assert_eq!(sum(&target, table), sum(&source, table), "{table}");
    }
    assert_eq!(
        target.query_one_i64(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner \
             WHERE c.relnamespace = 'public'::regnamespace AND r.rolname <> 'epic_owner'"
        ),
        0,
        "the restore belongs to the owner role"
    );
    // The restored CRM works for a desk, rules and all.
    let kate = target.logged_in("kate@epic.events", "Runs-The-Wedding-42");
    let mine = target
        .epic()
        .env("EPIC_SESSION_FILE", &kate)
        .args([
            "-c",
            "count events where support is me",
            "-c",
            "show sessions",
        ])
        .run();
    assert_eq!(mine.code, 5, "{mine:?}");
    assert!(
        mine.stderr.contains("only admins may list sessions"),
        "{}",
        mine.stderr
    );
    // Over data: refused, unless forced.
    let refused = target.operator().args(["db", "restore"]).arg(&file).run();
    assert_eq!(refused.code, 9, "{refused:?}");
    let forced = target
        .operator()
        .args(["db", "restore", "--force"])
        .arg(&file)
        .run();
    assert_eq!(forced.code, 0, "{forced:?}");
    assert_eq!(sum(&target, "events"), sum(&source, "events"));
}

#[test]
fn the_server_log_holds_no_password_and_no_usable_session() {
    let db = TestDb::migrated();
    db.execute(&format!(
        "ALTER DATABASE {} SET log_min_duration_statement = 0",
        db.name
    ));
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let log = common::server().dir.join("server.log");
    let before = std::fs::metadata(&log).expect("the server log").len();
    let kate = db.home.path().join("kate.session");
    let login = db
        .epic()
        .env("EPIC_SESSION_FILE", &kate)
        .args(["login", "kate@epic.events"])
        .stdin("Runs-The-Wedding-42\n")
        .run();
    assert_eq!(login.code, 0, "{login:?}");
    let commands = [
        "whoami",
        "show events where support is me",
        "count events",
        "show event 109",
        "update event 109 set notes = \"Catering at 5PM\"",
        "show clients limit 3",
        "show notifications",
        "count contracts where signed = false",
        "show employees limit 2",
        "report events",
    ];
    let mut args = Vec::new();
    for command in commands {
        args.push("-c");
        args.push(command);
    }
    let ran = db.epic().env("EPIC_SESSION_FILE", &kate).args(&args).run();
    assert_eq!(ran.code, 0, "{ran:?}");
    let passwd = db
        .epic()
        .env("EPIC_SESSION_FILE", &kate)
        .arg("passwd")
        .stdin("Runs-The-Wedding-42\nA-Brand-New-Passphrase-8\n")
        .run();
    assert_eq!(passwd.code, 0, "{passwd:?}");
    let token = std::fs::read_to_string(&kate).expect("Kate's token");
    let token = token.trim();
    let text = std::fs::read(&log).expect("the server log");
    let written = String::from_utf8_lossy(&text[before as usize..]);
    assert!(
        written.contains("epic_session_check") && written.contains("duration:"),
        "the statements were logged: {written}"
    );
    let jti = token
        .split('.')
        .nth(1)
        .map(|claims| claims.get(..20).unwrap_or(claims).to_owned())
        .expect("a JWT");
    for secret in [
        "Runs-The-Wedding-42",
        "A-Brand-New-Passphrase-8",
        token,
        &jti,
    ] {
        assert!(!written.contains(secret), "`{secret}` is in the server log");
    }
    eprintln!(
        "server log: {} bytes for a login, {} commands and a password change, no secret in them",
        written.len(),
        commands.len()
    );
}

#[test]
fn tls_is_verified_and_every_failure_says_what_is_wrong() {
    let db = TestDb::migrated();
    let server = common::server();
    let other_ca = tempfile::tempdir_in(common::scratch_root()).expect("a directory");
    common::make_certificates(other_ca.path(), "other");
    let with_url = |url: String| {
        db.epic()
            .env("DATABASE_URL", url)
            .args(["--format", "json", "db", "status"])
            .run()
    };
    let base = format!(
        "host=127.0.0.1 port={} dbname={} user=epic_client",
        server.port, db.name
    );
    let ca = server.ca_file.display().to_string();

    let right = with_url(format!("{base} sslrootcert={ca}"));
    assert_eq!(right.code, 0, "{right:?}");
    let status: serde_json::Value = serde_json::from_str(&right.stdout).expect("JSON");
    assert!(
        status[0]["tls"]
            .as_str()
            .is_some_and(|t| t.starts_with("TLSv1.3")),
        "{status}"
    );
    assert_eq!(
        status[0]["server"]
            .as_str()
            .map(|s| s.starts_with(&format!("127.0.0.1:{}", server.port))),
        Some(true),
        "{status}"
    );

    let command = |url: String| {
        db.epic()
            .env("DATABASE_URL", url)
            .args(["-c", "whoami"])
            .run()
    };
    let wrong_ca = command(format!(
        "{base} sslrootcert={}",
        other_ca.path().join("other-ca.crt").display()
    ));
    assert_eq!(wrong_ca.code, 7, "{wrong_ca:?}");
    assert!(
        wrong_ca.stderr.contains(
            "the server's certificate is not signed by a certificate authority epic trusts"
        ),
        "{}",
        wrong_ca.stderr
    );
    let wrong_host = command(format!(
        "host=db.example.invalid hostaddr=127.0.0.1 port={} dbname={} user=epic_client sslrootcert={ca}",
        server.port, db.name
    ));
    assert_eq!(wrong_host.code, 7, "{wrong_host:?}");
    assert!(
        wrong_host
            .stderr
            .contains("not valid for the host name epic connected to"),
        "{}",
        wrong_host.stderr
    );
    // verify-ca checks the chain, not the name.
    let verify_ca = command(format!(
        "host=db.example.invalid hostaddr=127.0.0.1 port={} dbname={} user=epic_client sslmode=verify-ca sslrootcert={ca}",
        server.port, db.name
    ));
    assert_eq!(verify_ca.code, 0, "{verify_ca:?}");
    assert!(verify_ca.stdout.contains("Ada Admin"), "{verify_ca:?}");
    let plaintext = command(format!("{base} sslmode=disable"));
    assert_eq!(plaintext.code, 7, "{plaintext:?}");
    assert!(
        plaintext
            .stderr
            .contains("the server accepts only encrypted connections"),
        "{}",
        plaintext.stderr
    );
    let bound = command(format!("{base} sslrootcert={ca} channel_binding=require"));
    assert_eq!(bound.code, 0, "{bound:?}");
    assert!(bound.stdout.contains("Ada Admin"), "{bound:?}");
    // A server that offers no TLS at all (and trusts everyone on 127.0.0.1).
    let plain = common::PlainServer::start();
    let unbound = command(format!(
        "host=127.0.0.1 port={} dbname=postgres user=postgres sslmode=disable channel_binding=require",
        plain.port
    ));
    assert_eq!(unbound.code, 7, "{unbound:?}");
    assert!(
        unbound
            .stderr
            .contains("the server did not use channel binding"),
        "{}",
        unbound.stderr
    );
    let refused = command(format!(
        "host=127.0.0.1 port={} dbname=postgres user=postgres sslrootcert={ca}",
        plain.port
    ));
    assert_eq!(refused.code, 7, "{refused:?}");
    assert!(
        refused.stderr.contains("the server does not offer TLS"),
        "{}",
        refused.stderr
    );
    for ran in [&wrong_ca, &wrong_host, &plaintext, &unbound, &refused] {
        assert!(!ran.stderr.contains(CLIENT_PASSWORD), "{ran:?}");
    }
}

#[test]
fn the_catalog_gives_the_client_login_exactly_the_documented_privileges() {
    let db = TestDb::migrated();
    let query = |sql: &str| -> Vec<String> {
        db.with_client(async |client| {
            client
                .query(sql, &[])
                .await
                .expect("catalog query")
                .iter()
                .map(|row| row.get::<_, String>(0))
                .collect()
        })
    };
    // No login role owns an object (extensions' members are the server's).
    assert_eq!(
        query(
            "SELECT c.relname::text FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner \
             WHERE c.relnamespace = 'public'::regnamespace AND r.rolcanlogin \
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') \
             UNION ALL \
             SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner \
             WHERE p.pronamespace = 'public'::regnamespace AND r.rolcanlogin \
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') \
             UNION ALL \
             SELECT n.nspname::text FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner \
             WHERE n.nspname = 'public' AND r.rolname <> 'epic_owner'"
        ),
        Vec::<String>::new()
    );
    // The client login: no table, column or sequence privilege of its own...
    assert_eq!(
        query(
            "SELECT c.relname::text FROM pg_class c \
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'p') \
               AND (has_table_privilege('epic_client', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') \
                    OR has_any_column_privilege('epic_client', c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')) \
             UNION ALL \
             SELECT c.relname::text FROM pg_class c \
             WHERE c.relnamespace = 'public'::regnamespace \
               AND CASE WHEN c.relkind = 'S' THEN has_sequence_privilege('epic_client', c.oid, 'USAGE, SELECT, UPDATE') END"
        ),
        Vec::<String>::new()
    );
    // ...exactly the identity functions of epic's...
    assert_eq!(
        query(
            "SELECT p.oid::regprocedure::text FROM pg_proc p \
             WHERE p.pronamespace = 'public'::regnamespace \
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') \
               AND has_function_privilege('epic_client', p.oid, 'EXECUTE') ORDER BY 1"
        ),
        [
            "epic_change_password(text,text,text)",
            "epic_expect_session(text,bigint,text,text)",
            "epic_login(text,text)",
            "epic_logout(text)",
            "epic_schema_info()",
            "epic_session_check(text)",
        ]
    );
    // ...USAGE on the schema, CONNECT to this database, nothing else there.
    assert_eq!(
        query(&format!(
            "SELECT concat_ws(',', \
                CASE WHEN has_schema_privilege('epic_client', 'public', 'USAGE') THEN 'usage' END, \
                CASE WHEN has_schema_privilege('epic_client', 'public', 'CREATE') THEN 'create' END, \
                CASE WHEN has_database_privilege('epic_client', '{0}', 'CONNECT') THEN 'connect' END, \
                CASE WHEN has_database_privilege('epic_client', '{0}', 'TEMP') THEN 'temp' END, \
                CASE WHEN has_database_privilege('epic_client', '{0}', 'CREATE') THEN 'create schemas' END, \
                CASE WHEN has_database_privilege('epic_client', 'postgres', 'CONNECT') THEN 'connect elsewhere' END)",
            db.name
        )),
        ["usage,connect"]
    );
    // Every function of epic's pins its search_path with pg_temp last, and
    // none of them is for everyone.
    assert_eq!(
        query(
            "SELECT p.oid::regprocedure::text FROM pg_proc p \
             WHERE p.pronamespace = 'public'::regnamespace \
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') \
               AND (NOT coalesce('search_path=pg_catalog, public, pg_temp' = ANY (p.proconfig), false) \
                    OR has_function_privilege('public', p.oid, 'EXECUTE'))"
        ),
        Vec::<String>::new()
    );
    // The definer functions are the owner's.
    assert_eq!(
        query(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner \
             WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef AND r.rolname <> 'epic_owner'"
        ),
        Vec::<String>::new()
    );
    // Every table: row security on and forced.
    assert_eq!(
        query(
            "SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace \
             AND c.relkind = 'r' AND NOT (c.relrowsecurity AND c.relforcerowsecurity)"
        ),
        Vec::<String>::new()
    );
}

#[test]
fn a_desk_without_a_stored_password_is_asked_for_it_on_its_terminal() {
    use std::io::{Read, Write};
    use std::os::unix::process::CommandExt;
    let db = TestDb::migrated();
    let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
    let slave = |fd: &std::os::fd::OwnedFd| {
        std::process::Stdio::from(fd.try_clone().expect("dup the terminal"))
    };
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_epic"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", db.url())
        .env("EPIC_CONFIG", db.home.path().join("config.toml"))
        .env("EPIC_DATA_DIR", db.home.path())
        .env("EPIC_SESSION_FILE", db.session_file())
        .env("PGPASSFILE", db.home.path().join("no-pgpass"))
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .args(["-c", "whoami"])
        .stdin(slave(&pty.slave))
        .stdout(slave(&pty.slave))
        .stderr(slave(&pty.slave));
    // The terminal must be epic's controlling terminal for a password prompt.
    // SAFETY: setsid and the ioctl are async-signal-safe and touch only the child.
    unsafe {
        command.pre_exec(|| {
            nix::unistd::setsid().map_err(std::io::Error::from)?;
            if libc::ioctl(0, libc::TIOCSCTTY, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut desk = command.spawn().expect("start epic");
    // Only epic holds the terminal now: its end is the end of the screen.
    drop(command);
    drop(pty.slave);
    let mut master = std::fs::File::from(pty.master);
    let mut screen = String::new();
    let mut buffer = [0u8; 1024];
    let asked = format!(
        "Password for epic_client@127.0.0.1:{}/{}: ",
        common::server().port,
        db.name
    );
    while !screen.contains(&asked) {
        match master.read(&mut buffer) {
            Ok(n) if n > 0 => screen.push_str(&String::from_utf8_lossy(&buffer[..n])),
            // EIO: the terminal's other end is closed, epic has ended.
            _ => panic!("epic ended without asking: {screen}"),
        }
    }
    master
        .write_all(format!("{CLIENT_PASSWORD}\n").as_bytes())
        .expect("type the password");
    while !screen.contains("Ada Admin") {
        match master.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => screen.push_str(&String::from_utf8_lossy(&buffer[..n])),
        }
    }
    let status = desk.wait().expect("epic ends");
    assert!(status.success(), "{screen}");
    assert!(screen.contains("Ada Admin"), "{screen}");
    assert!(
        !screen.contains(CLIENT_PASSWORD),
        "the password was echoed: {screen}"
    );
}

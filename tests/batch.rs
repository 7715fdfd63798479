//! Batch mode: piped input, `-c` and `-f`, stopping at the first error, and
//! the documented exit codes.

mod common;

use common::TestDb;

const HELP_FIRST_LINE: &str = "Commands:";

#[test]
fn a_failing_line_stops_the_batch_and_is_named() {
    let db = TestDb::migrated();
    let ran = db.epic().stdin("help\nnonsense words\nhelp\n").run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert_eq!(
        ran.stdout.matches(HELP_FIRST_LINE).count(),
        1,
        "line 3 must not run: {ran:?}"
    );
    assert!(
        ran.stderr
            .starts_with("error: line 2, column 1: unknown command `nonsense`"),
        "{}",
        ran.stderr
    );
}

#[test]
fn keep_going_runs_the_rest_and_still_fails() {
    let db = TestDb::migrated();
    let ran = db
        .epic()
        .arg("--keep-going")
        .stdin("help\nnonsense words\nhelp\n")
        .run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert_eq!(ran.stdout.matches(HELP_FIRST_LINE).count(), 2, "{ran:?}");
    assert!(ran.stderr.contains("line 2"), "{}", ran.stderr);
}

#[test]
fn commands_given_with_c_run_in_order_and_are_numbered() {
    let db = TestDb::migrated();
    let ran = db
        .epic()
        .args(["-c", "help set", "-c", "set format xml"])
        .run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stdout.contains("set format table|vertical|csv|json"),
        "{ran:?}"
    );
    assert!(
        ran.stderr
            .starts_with("error: line 2, column 12: unknown format `xml`"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_file_given_with_f_runs_like_piped_input() {
    let db = TestDb::migrated();
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("monday.epic");
    std::fs::write(&file, "# Monday\n\nhelp \\\n  quit\n").expect("write the batch file");
    let ran = db.epic().arg("-f").arg(&file).run();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(ran.stdout.contains("quit | exit"), "{ran:?}");
}

#[test]
fn a_missing_batch_file_is_an_error_not_a_panic() {
    let db = TestDb::migrated();
    let ran = db.epic().args(["-f", "/nonexistent/monday.epic"]).run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr.starts_with("error: cannot read input"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("panicked"), "{}", ran.stderr);
}

#[test]
fn a_directory_given_with_f_is_a_usage_error() {
    let db = TestDb::migrated();
    let dir = tempfile::tempdir().expect("a temp dir");
    let ran = db.epic().arg("-f").arg(dir.path()).run();
    assert_eq!(
        (ran.code, ran.stderr.as_str()),
        (
            2,
            "error: cannot read input: Is a directory (os error 21)\n"
        ),
        "{ran:?}"
    );
}

#[test]
fn quit_ends_the_batch_successfully() {
    let db = TestDb::migrated();
    let ran = db.epic().stdin("quit\nnonsense\n").run();
    assert_eq!(ran.code, 0, "{ran:?}");
}

#[test]
fn exit_code_usage_for_bad_flags() {
    let ran = common::Epic::new()
        .args(["--format", "xml", "-c", "help"])
        .run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr.contains("unknown format `xml`"),
        "{}",
        ran.stderr
    );
}

#[test]
fn exit_code_database_unavailable_when_the_server_is_unreachable() {
    // Port 1 on loopback: nothing listens there.
    let ran = common::Epic::new()
        .env(
            "DATABASE_URL",
            "postgres://epic@127.0.0.1:1/epic?connect_timeout=2",
        )
        .args(["-c", "help"])
        .run();
    assert_eq!(ran.code, 7, "{ran:?}");
    assert_eq!(
        ran.stderr,
        "error[E-DB-UNAVAILABLE]: cannot connect to the database (epic@127.0.0.1:1/epic)\nhelp: run with --verbose to see why\n"
    );
}

#[test]
fn verbose_shows_the_cause_and_never_the_password() {
    let ran = common::Epic::new()
        .env(
            "DATABASE_URL",
            "postgres://epic:hunter2-secret@127.0.0.1:1/epic?connect_timeout=2",
        )
        .args(["--verbose", "-c", "help"])
        .run();
    assert_eq!(ran.code, 7, "{ran:?}");
    assert!(ran.stderr.contains("caused by:"), "{}", ran.stderr);
    assert!(!ran.stderr.contains("hunter2"), "{}", ran.stderr);
}

#[test]
fn exit_code_usage_for_a_malformed_database_url() {
    let ran = common::Epic::new()
        .env("DATABASE_URL", "postgres://u:p@host:notaport/db")
        .args(["-c", "help"])
        .run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr
            .starts_with("error: the connection settings are not valid"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("u:p"), "{}", ran.stderr);
}

#[test]
fn first_migration_without_admin_credentials_or_terminal_says_what_to_set() {
    let db = TestDb::new();
    let ran = db
        .operator()
        .env_remove("EPIC_ADMIN_EMAIL")
        .env_remove("EPIC_ADMIN_PASSWORD")
        .args(["db", "migrate"])
        .run();
    assert_eq!(ran.code, 4, "{ran:?}");
    assert!(
        ran.stderr
            .contains("EPIC_ADMIN_EMAIL and EPIC_ADMIN_PASSWORD"),
        "{}",
        ran.stderr
    );
    assert_eq!(db.query_one_i64("SELECT count(*) FROM employees"), 0);
    // A desk then finds nobody to log in as, and says who creates the first admin.
    let desk = db.epic().args(["-c", "help"]).run();
    assert_eq!(
        (desk.code, desk.stderr.as_str()),
        (
            4,
            "error: this database has no employee yet\n\
             help: an administrator creates the first admin with `epic db migrate`\n"
        )
    );
}

#[test]
fn first_migration_refuses_a_weak_admin_password_and_stores_nothing() {
    let db = TestDb::new();
    let ran = db
        .operator()
        .env("EPIC_ADMIN_PASSWORD", "short")
        .args(["db", "migrate"])
        .run();
    assert_eq!(ran.code, 3, "{ran:?}");
    assert_eq!(
        ran.stderr,
        "error: first admin account: the password is too short: it needs at least 12 characters\n"
    );
    assert_eq!(db.query_one_i64("SELECT count(*) FROM employees"), 0);
}

#[test]
fn first_migration_creates_one_admin_with_a_bcrypt_hash_and_an_audit_row() {
    let db = TestDb::new();
    let ran = db.operator().args(["db", "migrate"]).run();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(
        ran.stderr,
        format!(
            "Created the admin account admin@epic.events (Ada Admin).\n\
             Applied migrations 1 to {0}: the schema is at version {0}.\n",
            epic::db::migrate::current_version()
        )
    );
    assert_eq!(
        db.query_one_i64(
            "SELECT count(*) FROM employees WHERE department = 'admin' AND password_hash LIKE '$2%' \
             AND password_hash NOT LIKE '%Correct-Horse%'"
        ),
        1
    );
    assert_eq!(
        db.query_one_i64("SELECT count(*) FROM audit_log WHERE entity = 'employee'"),
        1
    );
    // The next run finds the admin and asks nothing; a desk starts.
    let again = db.operator().args(["db", "migrate"]).run();
    assert_eq!(
        (again.code, again.stderr.as_str()),
        (
            0,
            format!(
                "The schema is current (version {}).\n",
                epic::db::migrate::current_version()
            )
            .as_str()
        )
    );
    let desk = db.epic().args(["-c", "help"]).run();
    assert_eq!((desk.code, desk.stderr.as_str()), (0, ""));
    assert_eq!(db.query_one_i64("SELECT count(*) FROM employees"), 1);
}

#[test]
fn database_url_is_read_from_a_dotenv_file_in_the_current_directory() {
    let db = TestDb::migrated();
    let dir = tempfile::tempdir_in(common::scratch_root()).expect("a directory");
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "DATABASE_URL='{}'\nPGPASSWORD='{}'\n",
            db.url(),
            common::CLIENT_PASSWORD
        ),
    )
    .expect("write .env");
    // Without the .env file this run would start a local cluster in EPIC_DATA_DIR.
    let ran = common::Epic::in_data_dir(dir.path())
        .args(["--format", "json", "db", "status"])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    let status: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
    assert_eq!(
        status[0]["database"],
        format!(
            "epic_client@127.0.0.1:{}/{}",
            common::server().port,
            db.name
        )
    );
    assert_eq!(status[0]["logged in as"], "epic_client");
    assert!(
        status[0]["tls"]
            .as_str()
            .is_some_and(|tls| tls.starts_with("TLSv1.3")),
        "{status}"
    );
    assert!(
        !dir.path().join("pg").exists(),
        "no local cluster was created"
    );
}

#[test]
fn a_line_that_is_not_utf8_is_named_and_keep_going_runs_the_next() {
    let db = TestDb::migrated();
    let batch: &[u8] = b"help\nshow clients where name = \"caf\xe9\"\nhelp\n";
    let ran = db.epic().arg("--keep-going").stdin(batch).run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert_eq!(
        ran.stderr,
        "error: line 2, column 31: the byte 0xe9 is not UTF-8 text\n\
         help: epic reads commands as UTF-8; convert the file, for example with `iconv -f latin1 -t utf-8`\n"
    );
    assert_eq!(ran.stdout.matches(HELP_FIRST_LINE).count(), 2, "{ran:?}");
    // From a file, without --keep-going: the batch stops there.
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("latin1.epic");
    std::fs::write(&file, batch).expect("write the batch file");
    let ran = db.epic().arg("-f").arg(&file).run();
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr.starts_with("error: line 2, column 31:"),
        "{ran:?}"
    );
    assert_eq!(ran.stdout.matches(HELP_FIRST_LINE).count(), 1, "{ran:?}");
}

#[test]
fn an_unclosed_quote_before_twenty_thousand_lines_is_read_fast_and_named() {
    let db = TestDb::migrated();
    // Within the command size limit: the parser points at the quote.
    let short = format!(
        "help\nshow events where (\n  location ~ \"Mufflins\n{}",
        "x\n".repeat(20_000)
    );
    // Beyond it: the reader stops keeping the lines, and names the quote.
    let long = format!(
        "help\nshow events where (\n  location ~ \"Mufflins\n{}",
        "help\n".repeat(20_000)
    );
    let started = std::time::Instant::now();
    let ran_short = db.epic().stdin(short).run();
    let ran_long = db.epic().stdin(long).run();
    // Linear reading takes milliseconds; rescanning the command at each
    // line took seconds for 16,000 lines, and many more in a debug build.
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(20), "{took:?}");
    assert_eq!(ran_short.code, 2, "{ran_short:?}");
    assert!(
        ran_short
            .stderr
            .starts_with("error: line 3, column 14: this string has no closing quote\n"),
        "{}",
        &ran_short.stderr[..ran_short.stderr.len().min(300)]
    );
    assert_eq!(
        (ran_long.code, ran_long.stderr.as_str()),
        (
            2,
            "error: line 2, column 1: the command is too long: at most 65536 bytes\n\
             help: the string opened at line 3, column 14 is never closed, \
             so every line after it was read as part of this command\n"
        )
    );
    assert_eq!(ran_long.stdout.matches(HELP_FIRST_LINE).count(), 1);
}

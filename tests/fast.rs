//! Fast at any size, checked by what the database and the kernel report
//! rather than by timings (those live in `benches/against_psql.rs`): the
//! daily filters run on indexes with row-level security on, the `~` search
//! really scans its trigram index, an export streams in memory that does
//! not grow with the row count, and a batch of reads writes nothing.

mod common;

use common::TestDb;

const HELENE: (&str, &str) = ("helene@epic.events", "Balances-The-Books-7");
const KATE: (&str, &str) = ("kate@epic.events", "Runs-The-Wedding-42");
const BILL: (&str, &str) = ("bill@epic.events", "Closes-Big-Deals-19");

/// A CRM big enough for the planner to prefer indexes: 3,000 clients,
/// 9,000 contracts, 30,000 events. `epic gen` takes about a second here.
fn generated() -> TestDb {
    let db = TestDb::migrated();
    let ran = db.operator().args(["gen", "--clients", "3000"]).run();
    assert_eq!(ran.code, 0, "{ran:?}");
    db
}

fn session_of(db: &TestDb, email: &str) -> std::path::PathBuf {
    db.home.path().join(format!("{email}.session"))
}

fn login(db: &TestDb, (email, password): (&str, &str)) {
    let ran = db
        .epic()
        .env("EPIC_SESSION_FILE", session_of(db, email))
        .args(["login", email])
        .stdin(format!("{password}\n"))
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
}

/// EXPLAIN ANALYZE of `sql` as epic runs it: as the application role,
/// acting for `email`'s live session, row-level security on.
fn plan_as(db: &TestDb, email: &str, sql: &str) -> String {
    let employee = db.with_client(async |client| {
        client
            .query_one("SELECT id FROM employees WHERE email = $1", &[&email])
            .await
            .expect("the employee")
            .get::<_, i64>(0)
    });
    // A session of theirs: the database keeps only its token's hash.
    let token = db.session_for(employee);
    db.with_client(async |client| {
        let tx = client.transaction().await.expect("begin");
        tx.execute("SELECT set_config('epic.session', $1, true)", &[&token])
            .await
            .expect("act for the session");
        tx.batch_execute("SET LOCAL ROLE epic_app")
            .await
            .expect("the app role");
        let rows = tx
            .query(
                &format!("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}"),
                &[],
            )
            .await
            .expect("explain");
        let plan: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        plan.join("\n")
    })
}

/// The SQL epic runs for a listing's first page (`explain` prints it),
/// with its parameters written in: the values are the test's own.
fn first_page_sql(db: &TestDb, email: &str, command: &str) -> String {
    let ran = db
        .epic()
        .env("EPIC_SESSION_FILE", session_of(db, email))
        .args(["-c", &format!("explain {command}")])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    let mut sql = ran
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("sql:"))
        .expect("explain prints the SQL")
        .trim()
        .to_owned();
    let params: Vec<&str> = ran
        .stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix('$'))
        .collect();
    for param in params.iter().rev() {
        let (number, value) = param.split_once(" = ").expect("$n = value (type)");
        let (value, ty) = value.rsplit_once(" (").expect("a type");
        let literal = match ty.trim_end_matches(')') {
            "text" => format!("'{}'", value.trim_matches('"').replace('\'', "''")),
            "timestamptz" => format!("'{value}'::timestamptz"),
            _ => value.to_owned(),
        };
        sql = sql.replace(&format!("${number}"), &literal);
    }
    format!("{sql} LIMIT 101")
}

fn text_of(db: &TestDb, sql: &str) -> String {
    db.with_client(async |client| {
        client
            .query_one(sql, &[])
            .await
            .expect(sql)
            .get::<_, String>(0)
    })
}

fn index_scans(db: &TestDb, index: &str) -> i64 {
    db.query_one_i64(&format!(
        "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = '{index}'"
    ))
}

#[test]
fn the_daily_filters_run_on_indexes_with_row_level_security_on() {
    let db = generated();
    for who in [HELENE, KATE, BILL] {
        login(&db, who);
    }
    let daily = [
        (HELENE.0, "show events where support is none"),
        (KATE.0, "show events where support is me"),
        (BILL.0, "show clients where sales is me"),
        (HELENE.0, "show contracts where signed = false"),
        (HELENE.0, "show contracts where remaining > 0"),
        (
            HELENE.0,
            "show events where support is none and start >= today order by start",
        ),
    ];
    for (email, command) in daily {
        let plan = plan_as(&db, email, &first_page_sql(&db, email, command));
        for table in ["events", "contracts", "clients"] {
            assert!(
                !plan.contains(&format!("Seq Scan on {table} ")),
                "`{command}` reads all of {table}:\n{plan}"
            );
        }
        assert!(plan.contains("Index"), "`{command}`:\n{plan}");
    }
}

/// The related lists below a record (`commands::related`: at most 11 rows
/// of the typed listing) read a few rows through the foreign keys'
/// indexes, not the table in key order: for the client with the most
/// events, and for one with a single event, whose rows a walk of
/// `events_pkey` would have to look for across the whole table.
#[test]
fn the_related_lists_read_through_the_foreign_keys_indexes() {
    let db = generated();
    login(&db, HELENE);
    let busiest = db.query_one_i64(
        "SELECT k.client_id FROM events e JOIN contracts k ON k.id = e.contract_id \
         GROUP BY k.client_id ORDER BY count(*) DESC, k.client_id LIMIT 1",
    );
    let single = db.query_one_i64(
        "SELECT k.client_id FROM events e JOIN contracts k ON k.id = e.contract_id \
         GROUP BY k.client_id HAVING count(*) = 1 ORDER BY k.client_id DESC LIMIT 1",
    );
    let contract = db.query_one_i64(
        "SELECT contract_id FROM events GROUP BY contract_id HAVING count(*) = 1 \
         ORDER BY contract_id DESC LIMIT 1",
    );
    for client in [busiest, single] {
        for command in [
            format!("show contracts where client = {client}"),
            format!("show events where client = {client}"),
            format!("show clients where id = {client}"),
            format!("show events where contract = {contract}"),
        ] {
            let sql = first_page_sql(&db, HELENE.0, &command).replace("LIMIT 101", "LIMIT 11");
            let plan = plan_as(&db, HELENE.0, &sql);
            for table in ["events", "contracts", "clients"] {
                assert!(
                    !plan.contains(&format!("Seq Scan on {table} ")),
                    "`{command}` reads all of {table}:\n{plan}"
                );
            }
            // No node reads more than a few hundred rows.
            for line in plan.lines() {
                let rows = line
                    .split("rows=")
                    .nth(1)
                    .and_then(|r| r.split(' ').next())
                    .and_then(|r| r.parse::<u64>().ok())
                    .unwrap_or(0);
                let removed = line
                    .split("Rows Removed by Filter: ")
                    .nth(1)
                    .and_then(|r| r.trim().parse::<u64>().ok())
                    .unwrap_or(0);
                assert!(rows + removed < 500, "`{command}`:\n{plan}");
            }
        }
    }
}

#[test]
fn a_search_on_client_names_scans_the_trigram_index_and_finds_what_ilike_finds() {
    let db = generated();
    login(&db, HELENE);
    let surname = db.with_client(async |client| {
        client
            .query_one(
                "SELECT split_part(full_name, ' ', 2) FROM clients ORDER BY id DESC LIMIT 1",
                &[],
            )
            .await
            .expect("a client")
            .get::<_, String>(0)
    });
    let expected = db.query_one_i64(&format!(
        "SELECT count(*) FROM clients WHERE full_name ILIKE '%{}%'",
        surname.replace('\'', "''")
    ));
    let before = index_scans(&db, "clients_name_trgm_idx");
    let ran = db
        .epic()
        .env("EPIC_SESSION_FILE", session_of(&db, HELENE.0))
        .args(["-c", &format!("count clients where name ~ \"{surname}\"")])
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(ran.stdout.trim(), expected.to_string(), "{surname}");
    // The epic process has ended, so its backend has reported its statistics.
    let mut after = index_scans(&db, "clients_name_trgm_idx");
    for _ in 0..20 {
        if after > before {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        after = index_scans(&db, "clients_name_trgm_idx");
    }
    assert!(
        after > before,
        "the trigram index was not scanned ({before} → {after})"
    );
}

/// `count ... where FIELD ~ TEXT` on an event's name, location and notes
/// and a client's email: each finds what ILIKE finds, through its trigram
/// index (sql/0019), under row security. The pattern is the field's rarest
/// value.
#[test]
fn a_count_of_a_search_on_every_text_field_scans_its_trigram_index() {
    let db = generated();
    login(&db, HELENE);
    // At 3,300 clients a table scan is the cheaper plan; what is checked is
    // that the search can use its index at all (at size L it is the plan).
    let name = text_of(&db, "SELECT current_database()");
    db.execute(&format!(
        "ALTER DATABASE \"{name}\" SET enable_seqscan = off"
    ));
    let searches = [
        ("events", "name", "events_name_trgm_idx", "name"),
        ("events", "location", "events_location_trgm_idx", "location"),
        ("events", "notes", "events_notes_trgm_idx", "notes"),
        ("clients", "email", "clients_email_trgm_idx", "email"),
    ];
    for (table, column, index, field) in searches {
        let rarest = rarest(&db, table, column);
        let expected = db.query_one_i64(&format!(
            "SELECT count(*) FROM {table} WHERE {column} ILIKE '%' || $${}$$ || '%'",
            rarest.replace(['%', '_', '\\'], "")
        ));
        let before = index_scans(&db, index);
        let typed = rarest
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n");
        let ran = db
            .epic()
            .env("EPIC_SESSION_FILE", session_of(&db, HELENE.0))
            .args(["-c", &format!("count {table} where {field} ~ \"{typed}\"")])
            .run();
        assert_eq!(ran.code, 0, "{ran:?}");
        assert_eq!(
            ran.stdout.trim(),
            expected.to_string(),
            "{field} ~ {rarest}"
        );
        let mut after = index_scans(&db, index);
        for _ in 0..20 {
            if after > before {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
            after = index_scans(&db, index);
        }
        assert!(
            after > before,
            "{index} was not scanned for `{field} ~ {rarest}`"
        );
    }
}

/// The rarest value of `column` in `table` (a prefix of it), for a search
/// that matches few records.
fn rarest(db: &TestDb, table: &str, column: &str) -> String {
    text_of(
        db,
        &format!(
            "SELECT left({column}, 24) FROM {table} WHERE length({column}) >= 8 \
             GROUP BY {column} ORDER BY count(*), {column} LIMIT 1"
        ),
    )
}

/// A listing's `~` on an event's name, location and notes and a client's
/// email (sql/0022): a rare pattern goes through the trigram index, a
/// common one reads in id order until its page is full, and either lists
/// what ILIKE finds.
#[test]
fn a_listing_of_a_search_takes_the_index_for_a_rare_pattern_and_the_id_order_for_a_common_one() {
    let db = generated();
    login(&db, HELENE);
    db.execute("ANALYZE events; ANALYZE clients");
    let desk = || {
        db.epic()
            .env("EPIC_SESSION_FILE", session_of(&db, HELENE.0))
    };
    let searches = [
        ("events", "name", "e.name"),
        ("events", "location", "e.location"),
        ("events", "notes", "e.notes"),
        ("clients", "email", "c.email"),
    ];
    for (table, field, column) in searches {
        let rare = rarest(&db, table, field).replace(['%', '_', '\\', '"', '\n'], "");
        let explained = |pattern: &str| {
            let ran = desk()
                .args([
                    "-c",
                    &format!("explain show {table} where {field} ~ \"{pattern}\" limit 20"),
                ])
                .run();
            assert_eq!(ran.code, 0, "{ran:?}");
            ran.stdout
        };
        let plan = explained(&rare);
        assert!(plan.contains("epic_search("), "{field} ~ {rare}: {plan}");
        let plan = explained("e");
        assert!(
            plan.contains(&format!("{column} ILIKE")),
            "{field} ~ e: {plan}"
        );
        for pattern in [rare.as_str(), "e"] {
            let listed = desk()
                .args([
                    "--format",
                    "csv",
                    "-c",
                    &format!("show {table} where {field} ~ \"{pattern}\" limit 20"),
                ])
                .run();
            assert_eq!(listed.code, 0, "{listed:?}");
            let ids: Vec<String> = listed
                .stdout
                .lines()
                .skip(1)
                .map(|line| line.split(',').next().unwrap_or_default().to_owned())
                .collect();
            let expected = text_of(
                &db,
                &format!(
                    "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM \
                     (SELECT id FROM {table} WHERE {field} ILIKE '%' || $${pattern}$$ || '%' \
                      ORDER BY id LIMIT 20) s"
                ),
            );
            assert_eq!(ids.join(","), expected, "{field} ~ {pattern}");
            assert!(
                !expected.is_empty(),
                "{field} ~ {pattern} matches something"
            );
        }
    }
}

#[test]
fn the_search_functions_answer_only_a_live_session() {
    let db = generated();
    login(&db, HELENE);
    let (without, public_may_call) = db.with_client(async |client| {
        let tx = client.transaction().await.expect("begin");
        tx.batch_execute("SET LOCAL ROLE epic_app")
            .await
            .expect("role");
        let without: i64 = tx
            .query_one("SELECT count(*) FROM epic_clients_named('%a%')", &[])
            .await
            .expect("callable by the app role")
            .get(0);
        tx.rollback().await.expect("rollback");
        let public: bool = client
            .query_one(
                "SELECT bool_or(has_function_privilege('public', p.oid, 'EXECUTE')) \
                 FROM pg_proc p WHERE proname IN ('epic_clients_named', 'epic_clients_of_company')",
                &[],
            )
            .await
            .expect("catalog")
            .get(0);
        (without, public)
    });
    assert_eq!(without, 0, "no session, no clients");
    assert!(!public_may_call, "PUBLIC may call the search functions");
    let with = plan_as(
        &db,
        HELENE.0,
        "SELECT count(*) FROM epic_clients_named('%a%')",
    );
    assert!(
        !with.contains("rows=0 loops"),
        "a live session finds clients:\n{with}"
    );
}

#[test]
fn an_export_streams_in_memory_that_does_not_grow_with_the_rows() {
    let db = generated();
    login(&db, HELENE);
    let export = |command: &str| {
        db.epic()
            .env("EPIC_SESSION_FILE", session_of(&db, HELENE.0))
            .args(["--format", "csv", "-c", command])
            .peak_memory()
    };
    let (code, small) = export("show events limit 100");
    assert_eq!(code, 0);
    let (code, all) = export("show events");
    assert_eq!(code, 0);
    let rows = db.query_one_i64("SELECT count(*) FROM events");
    assert!(rows >= 30_000, "{rows} events");
    // Collected, 30,000 events would hold well over 8 MiB of rows.
    assert!(
        all - small < 4 * 1024,
        "peak memory grew from {small} KiB (100 rows) to {all} KiB ({rows} rows)"
    );
    let lines = db
        .epic()
        .env("EPIC_SESSION_FILE", session_of(&db, HELENE.0))
        .args(["--format", "csv", "-c", "show events"])
        .run();
    assert_eq!(
        lines.stdout.lines().count() as i64,
        rows + 1,
        "a header and every row"
    );
}

#[test]
fn a_batch_of_reads_writes_the_session_row_at_most_once() {
    let db = TestDb::migrated();
    let updates = || {
        db.query_one_i64(
            "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'user_sessions'",
        )
    };
    // Seen long ago: the batch's first command must mark the session seen.
    db.execute("UPDATE user_sessions SET last_seen_at = now() - interval '10 minutes'");
    let before = updates();
    let reads = "count employees\nshow employees\nwhoami\n".repeat(30);
    let ran = db.epic().stdin(reads).run();
    assert_eq!(ran.code, 0, "{ran:?}");
    // A backend reports its statistics as it ends, a moment after epic.
    let mut after = updates();
    for _ in 0..50 {
        if after > before {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        after = updates();
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    after = updates().max(after);
    // One for the first command (and perhaps the test's own UPDATE, if its
    // statistics arrived late), never one per command.
    assert!(
        (1..=2).contains(&(after - before)),
        "{} updates of the session row for 90 reads",
        after - before
    );
}

/// A batch where the session changes between two commands: the second is
/// sent with its check in the same round trip, for the identity the first
/// established, and must still see the change.
fn second_command_after(db: &TestDb, who: (&str, &str), change: &str, second: &str) -> common::Ran {
    use std::io::{BufRead, BufReader, Read, Write};
    login(db, who);
    let mut running = db
        .epic()
        .env("EPIC_SESSION_FILE", session_of(db, who.0))
        .spawn();
    let mut stdin = running.child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(running.child.stdout.take().expect("stdout"));
    writeln!(stdin, "count clients").expect("send the first command");
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the first answer");
    assert!(first.trim().parse::<i64>().is_ok(), "{first:?}");
    db.execute(change);
    writeln!(stdin, "{second}").expect("send the second command");
    drop(stdin);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("the rest");
    let mut stderr = String::new();
    running
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = running.child.wait().expect("epic ends");
    common::Ran {
        code: status.code().unwrap_or(-1),
        stdout: rest,
        stderr,
    }
}

#[test]
fn a_session_revoked_between_two_commands_runs_nothing_more() {
    let db = generated();
    let ran = second_command_after(
        &db,
        KATE,
        "UPDATE user_sessions SET revoked_at = now() \
         WHERE employee_id = (SELECT id FROM employees WHERE email = 'kate@epic.events')",
        "show events where support is me",
    );
    assert_eq!(ran.code, 4, "{ran:?}");
    assert!(ran.stdout.is_empty(), "{ran:?}");
    assert!(ran.stderr.contains("revoked"), "{ran:?}");
}

#[test]
fn a_role_changed_between_two_commands_is_the_one_that_counts() {
    let db = generated();
    // Promoted: the second command is allowed for the new role only.
    let ran = second_command_after(
        &db,
        KATE,
        "UPDATE employees SET department = 'management' WHERE email = 'kate@epic.events'",
        "show audit where action = \"create\" limit 1",
    );
    assert_eq!(ran.code, 0, "{ran:?}");
    // Demoted: refused, though the role the shell knew would have been allowed.
    let ran = second_command_after(
        &db,
        HELENE,
        "UPDATE employees SET department = 'support' WHERE email = 'helene@epic.events'",
        "show audit where action = \"create\" limit 1",
    );
    assert_eq!(ran.code, 5, "{ran:?}");
    assert!(ran.stdout.is_empty(), "{ran:?}");
}

#[test]
fn a_write_after_a_rename_is_audited_under_the_new_name() {
    let db = generated();
    let ran = second_command_after(
        &db,
        BILL,
        "UPDATE employees SET full_name = 'William Boquet' WHERE email = 'bill@epic.events'",
        "create client name \"Nouveau Client\" email \"nouveau@example.com\"",
    );
    assert_eq!(ran.code, 0, "{ran:?}");
    let actor = db.with_client(async |client| {
        client
            .query_one(
                "SELECT actor_name FROM audit_log WHERE action = 'create' AND entity = 'client' \
                 ORDER BY id DESC LIMIT 1",
                &[],
            )
            .await
            .expect("the audit row")
            .get::<_, String>(0)
    });
    assert_eq!(actor, "William Boquet");
}

/// A create looks up the client that already has its email (to name it)
/// through the email's index, not by reading every client under the
/// policies (sql/0021): the clients table is not scanned, whatever the
/// case the email is typed in.
#[test]
fn a_create_finds_the_client_with_a_taken_email_without_reading_the_table() {
    let db = generated();
    login(&db, BILL);
    let (taken_by, email) = db.with_client(async |client| {
        let row = client
            .query_one(
                "SELECT full_name, email FROM clients ORDER BY id DESC LIMIT 1",
                &[],
            )
            .await
            .expect("a client");
        (row.get::<_, String>(0), row.get::<_, String>(1))
    });
    let table_scans = || {
        db.query_one_i64(
            "SELECT seq_scan FROM pg_stat_user_tables \
             WHERE relname = 'clients'",
        )
    };
    let (scans_before, lookups_before) = (table_scans(), index_scans(&db, "clients_pkey"));
    let ran = db
        .epic()
        .env("EPIC_SESSION_FILE", session_of(&db, BILL.0))
        .args([
            "-c",
            &format!(
                "create client name \"Second Of Them\" email \"{}\" phone \"+33 6 12 34 56 78\"",
                email.to_uppercase()
            ),
        ])
        .run();
    assert_ne!(ran.code, 0, "{ran:?}");
    assert!(
        ran.stderr.contains(&taken_by) && ran.stderr.contains("already has the email"),
        "{ran:?}"
    );
    // The epic process has ended; its backend reports its statistics as it
    // goes, the look-up by id among them.
    let mut lookups_after = index_scans(&db, "clients_pkey");
    for _ in 0..20 {
        if lookups_after > lookups_before {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        lookups_after = index_scans(&db, "clients_pkey");
    }
    assert!(
        lookups_after > lookups_before,
        "no look-up of the client was reported"
    );
    assert_eq!(
        table_scans(),
        scans_before,
        "the create read the clients table"
    );
}

/// The footer of a cut listing counts its matches up to
/// `plan::FOOTER_COUNT_CAP` (10,000) and gives the planner's estimate past
/// it: here Kate's events (a few thousand) exactly, all 30,000 events about,
/// and the events of one common word from its sample.
#[test]
fn a_cut_listing_counts_up_to_the_cap_and_estimates_past_it() {
    let db = generated();
    std::fs::write(
        db.home.path().join("config.toml"),
        "[shell]\npager = \"off\"\n",
    )
    .expect("write the config");
    let (mine, all) = db.with_client(async |client| {
        let row = client
            .query_one(
                "SELECT count(*) FILTER (WHERE e.support_contact_id = k.id), count(*) \
                 FROM events e, employees k WHERE k.email = 'kate@epic.events'",
                &[],
            )
            .await
            .expect("the counts");
        (row.get::<_, i64>(0), row.get::<_, i64>(1))
    });
    assert!((101..=10_000).contains(&mine), "{mine}");
    assert!(all > 10_000, "{all}");
    let mut terminal = common::pty::Terminal::kates(&db, Some((40, 200)), None);
    terminal.type_line("show events where support is me");
    let text = terminal.text();
    assert!(
        text.contains(&format!("(showing 1 to 100 of {mine} events;")),
        "{text}"
    );
    terminal.type_line("show events");
    let text = terminal.text();
    let about = text
        .split("(showing 1 to 100 of about ")
        .nth(1)
        .and_then(|rest| rest.split_once(" events;"))
        .map(|(number, _)| number.replace(',', ""))
        .expect("an estimate in the footer");
    let about: i64 = about.parse().expect("a number below a million");
    // Two significant figures, never below the cap, near the truth.
    assert!(about >= 10_000 && about % 1000 == 0, "{about}");
    assert!((about - all).abs() <= all / 5, "{about} for {all}");
    // `count` itself stays exact.
    terminal.type_line("count events");
    assert!(
        terminal.text().contains(&format!("\n{all}\r\n")),
        "{}",
        terminal.text()
    );
    // One common word: the footer is the search's own sample (sql/0022),
    // with no count through most of the table.
    let common = db.query_one_i64("SELECT count(*) FROM events WHERE location ILIKE '%e%'");
    assert!(common > 10_000, "{common}");
    terminal.type_line("show events where location ~ \"e\"");
    let text = terminal.text();
    let about: i64 = text
        .rsplit("(showing 1 to 100 of about ")
        .next()
        .and_then(|rest| rest.split_once(" events;"))
        .map(|(number, _)| number.replace(',', ""))
        .and_then(|number| number.parse().ok())
        .expect("an estimate in the footer");
    assert!((about - common).abs() <= common / 5, "{about} for {common}");
}

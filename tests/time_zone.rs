//! The company's time zone: dates are read and shown in it whatever the
//! machine's zone, `TZ` naming another zone is one user's choice (and shown
//! times then name it), the first admin's zone is the company's first, and
//! only management changes it, in the shell and in the database.

mod common;

use common::TestDb;

const HELENE: (&str, &str) = ("helene@epic.events", "Balances-The-Books-7");
const KATE: (&str, &str) = ("kate@epic.events", "Runs-The-Wedding-42");

/// The demo (a Paris company), with `who` logged in.
fn demo_as(who: (&str, &str)) -> TestDb {
    let db = TestDb::migrated();
    let demo = db.operator().arg("demo").run();
    assert_eq!(demo.code, 0, "{demo:?}");
    let login = db.login(who.0, who.1);
    assert_eq!(login.code, 0, "{login:?}");
    db
}

const WEDDING_AT_ONE: &str = "show events where start = \"4 Jun 2023 @ 1PM\"\n\
                              set format csv\n\
                              show events where id = 109\n";

#[test]
fn the_same_query_gives_the_same_rows_on_a_utc_machine_and_in_paris() {
    let db = demo_as(HELENE);
    let run = |tz: Option<&str>| {
        let epic = match tz {
            Some(tz) => db.epic().env("TZ", tz),
            None => db.epic().env_remove("TZ"),
        };
        let ran = epic.stdin(WEDDING_AT_ONE).run();
        assert_eq!(ran.code, 0, "TZ={tz:?}: {ran:?}");
        assert_eq!(ran.stderr, "", "TZ={tz:?}");
        ran.stdout
    };
    let paris = run(Some("Europe/Paris"));
    assert!(
        paris.contains("| 109 | John Ouick Wedding ") && paris.contains("Jun 04 2023 13:00 |"),
        "{paris}"
    );
    assert!(paris.contains(",2023-06-04T13:00:00+02:00,"), "{paris}");
    // A machine set to UTC, or with no TZ at all, chose no zone.
    for tz in [
        Some("UTC"),
        Some("Etc/UTC"),
        Some(""),
        Some(":/etc/localtime"),
        None,
    ] {
        assert_eq!(run(tz), paris, "TZ={tz:?}");
    }
}

#[test]
fn tz_naming_another_zone_reads_and_shows_dates_there_and_names_it() {
    let db = demo_as(HELENE);
    let ran = db
        .epic()
        .env("TZ", "America/New_York")
        .stdin(
            "show events where start = \"4 Jun 2023 @ 7AM\"\n\
             show time zone\n\
             set format csv\n\
             show events where start = 2023-06-04T13:00+02:00\n",
        )
        .run();
    assert_eq!(ran.code, 0, "{ran:?}");
    // 7AM in New York is 1PM in Paris; the table names the zone.
    assert!(
        ran.stdout.contains("| Jun 04 2023 07:00 EDT |"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("company | Europe/Paris")
            && ran.stdout.contains("yours   | America/New_York")
            && ran.stdout.contains("from    | TZ"),
        "{}",
        ran.stdout
    );
    // An offset is that instant; CSV keeps ISO with the user's offset.
    assert!(
        ran.stdout.contains(",2023-06-04T07:00:00-04:00,"),
        "{}",
        ran.stdout
    );
}

#[test]
fn a_tz_that_names_no_zone_is_ignored_once_and_said_so() {
    let db = demo_as(HELENE);
    let ran = db.epic().env("TZ", "CET-1CEST").stdin(WEDDING_AT_ONE).run();
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(ran.stdout.contains("Jun 04 2023 13:00 |"), "{}", ran.stdout);
    assert_eq!(
        ran.stderr.matches("epic ignores TZ=CET-1CEST").count(),
        1,
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("\"Europe/Paris\""), "{}", ran.stderr);
}

#[test]
fn the_first_admins_zone_is_the_companys_first() {
    let db = TestDb::new();
    let migrated = db
        .operator()
        .env("TZ", "Asia/Tokyo")
        .args(["db", "migrate"])
        .run();
    assert_eq!(migrated.code, 0, "{migrated:?}");
    let shown = db.epic().stdin("show time zone\n").run();
    assert!(shown.stdout.contains("company | Asia/Tokyo"), "{shown:?}");
}

#[test]
fn only_management_changes_the_companys_zone_and_it_is_audited() {
    let db = demo_as(KATE);
    let zone = || {
        db.with_client(async |client| {
            client
                .query_one("SELECT time_zone FROM company_settings", &[])
                .await
                .expect("the company's settings")
                .get::<_, String>(0)
        })
    };
    let refused = db.epic().stdin("set time zone \"UTC\"\n").run();
    assert_eq!(refused.code, 5, "{refused:?}");
    assert!(
        refused
            .stderr
            .contains("may change the company's time zone"),
        "{}",
        refused.stderr
    );
    assert_eq!(zone(), "Europe/Paris");
    let helene = db.logged_in(HELENE.0, HELENE.1);
    let changed = db
        .epic()
        .env("EPIC_SESSION_FILE", &helene)
        .stdin("set time zone \"Asia/Tokyo\"\nshow events where id = 109\n")
        .run();
    assert_eq!(changed.code, 0, "{changed:?}");
    // This session's dates follow at once: 1PM in Paris is 8PM in Tokyo.
    assert!(
        changed.stdout.contains("Jun 04 2023 20:00 |"),
        "{}",
        changed.stdout
    );
    assert_eq!(zone(), "Asia/Tokyo");
    assert_eq!(
        db.query_one_i64(
            "SELECT count(*) FROM audit_log WHERE action = 'change time zone' \
               AND actor_name = 'Hélène Garnier' \
               AND detail = '{\"from\": \"Europe/Paris\", \"to\": \"Asia/Tokyo\"}'::jsonb"
        ),
        1
    );
    // Kate's next epic reads the new zone when it starts.
    let kate = db.epic().stdin("show events where id = 109\n").run();
    assert!(
        kate.stdout.contains("Jun 04 2023 20:00 |"),
        "{}",
        kate.stdout
    );
}

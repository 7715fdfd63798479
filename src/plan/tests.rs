use super::*;
use crate::policy::assume_allowed;
use crate::syntax::{Command, parse};

use crate::zone::{Tz, TzChoice, Zone};
use chrono::TimeZone;

/// Noon on 1 June 2023 in Paris, the company's zone.
fn context() -> PlanContext {
    PlanContext {
        me: Some(7),
        now: Tz::Europe__Paris
            .with_ymd_and_hms(2023, 6, 1, 12, 0, 0)
            .single()
            .expect("a clear local time")
            .with_timezone(&Utc),
        zone: Zone::company(Tz::Europe__Paris),
        indexed_searches: Vec::new(),
    }
}

/// A `count`'s entity and filter as the query `plan_count` takes.
fn counted(entity: Entity, filter: Option<Filter>) -> Query {
    Query {
        entity,
        filter,
        order: Vec::new(),
        limit: None,
        offset: None,
    }
}

fn sql(input: &str) -> (String, Vec<Param>) {
    let plan = match parse(input).expect("parses") {
        Command::Show(query) => {
            plan_show(&assume_allowed(query), &context(), None, Rows::Listing).expect("plans")
        }
        Command::Count { entity, filter } => {
            plan_count(&assume_allowed(counted(entity, filter)), &context()).expect("plans")
        }
        other => panic!("not a read: {other}"),
    };
    (plan.sql, plan.params)
}

#[test]
fn daily_filters_compile_to_parameterised_predicates() {
    let (text, params) = sql("show events where support is none");
    assert!(
        text.ends_with("WHERE (e.support_contact_id IS NULL) ORDER BY e.id"),
        "{text}"
    );
    assert!(params.is_empty());

    let (text, params) = sql("show events where support is me");
    assert!(
        text.contains(
            "WHERE (e.support_contact_id IS NOT NULL AND e.support_contact_id = $1::bigint)"
        ),
        "{text}"
    );
    assert_eq!(params, vec![Param::Int(7)]);

    let (text, params) = sql("count contracts where signed = false");
    assert_eq!(
        text,
        "SELECT count(*) FROM contracts k WHERE (k.signed = $1::boolean)"
    );
    assert_eq!(params, vec![Param::Bool(false)]);
}

#[test]
fn not_equal_includes_none_and_not_is_the_exact_complement() {
    let (text, _) = sql("count events where support != \"Kate Hastroff\"");
    assert_eq!(
        text,
        "SELECT count(*) FROM events e WHERE NOT (e.support_contact_id IS NOT NULL AND e.support_contact_id IN \
         (SELECT id FROM employees WHERE lower(full_name) = lower($1::text)))"
    );
}

#[test]
fn contains_escapes_like_wildcards_in_the_parameter() {
    let (text, params) = sql(r#"show clients where company ~ "100%_sure""#);
    assert!(
        text.contains("c.id = ANY (ARRAY(SELECT epic_clients_of_company($1::text)))"),
        "{text}"
    );
    assert_eq!(params, vec![Param::Text(r"%100\%\_sure%".into())]);
    // A listing reads in id order and stops at its page; a count goes
    // through the index.
    let (text, params) = sql(r#"show events where location ~ "50%""#);
    assert!(text.contains("e.location ILIKE $1::text"), "{text}");
    assert_eq!(params, vec![Param::Text(r"%50\%%".into())]);
    let (text, _) = sql(r#"count events where location ~ "50%""#);
    assert!(
        text.contains("e.id = ANY (ARRAY(SELECT epic_search('event location', $1::text)))"),
        "{text}"
    );
}

#[test]
fn a_day_means_the_whole_day_in_the_commands_zone() {
    let (text, params) = sql("count events where start = 2023-06-04");
    assert_eq!(
        text,
        "SELECT count(*) FROM events e WHERE (e.start_at >= $1::timestamptz AND e.start_at < $2::timestamptz)"
    );
    let day = |d: u32| {
        Tz::Europe__Paris
            .with_ymd_and_hms(2023, 6, d, 0, 0, 0)
            .single()
            .expect("a local midnight")
    };
    assert_eq!(
        params,
        vec![
            Param::Time(day(4).with_timezone(&Utc)),
            Param::Time(day(5).with_timezone(&Utc))
        ]
    );
    let (_, params) = sql("count events where start > today+2d");
    assert_eq!(params, vec![Param::Time(day(4).with_timezone(&Utc))]);
}

#[test]
fn typed_times_are_read_in_the_commands_zone_and_offsets_are_kept() {
    let utc = |s| Param::Time(DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc));
    let params = |input: &str, zone: Zone| {
        let Ok(Command::Count { entity, filter }) = parse(input) else {
            panic!("parses")
        };
        let context = PlanContext { zone, ..context() };
        plan_count(&assume_allowed(counted(entity, filter)), &context)
            .expect("plans")
            .params()
            .to_vec()
    };
    let at_one = "count events where start = \"4 Jun 2023 @ 1PM\"";
    let paris = Zone::company(Tz::Europe__Paris);
    assert_eq!(params(at_one, paris), [utc("2023-06-04T11:00:00Z")]);
    let new_york = Zone::new(Tz::Europe__Paris, &TzChoice::Zone(Tz::America__New_York));
    assert_eq!(params(at_one, new_york), [utc("2023-06-04T17:00:00Z")]);
    // An offset says the instant, whatever the zone.
    let offset = "count events where start = 2023-06-04T13:00+02:00";
    assert_eq!(params(offset, new_york), [utc("2023-06-04T11:00:00Z")]);
}

#[test]
fn counts_join_only_what_their_condition_needs() {
    let (text, _) = sql("count events where client ~ \"Ouick\"");
    assert!(
        text.starts_with("SELECT count(*) FROM events e JOIN contracts k"),
        "{text}"
    );
    let (text, _) = sql("count contracts where remaining > 0");
    assert!(
        text.starts_with("SELECT count(*) FROM contracts k WHERE"),
        "{text}"
    );
}

#[test]
fn is_me_without_a_login_is_a_clear_error() {
    let Ok(Command::Show(query)) = parse("show events where support is me") else {
        panic!("parses")
    };
    let context = PlanContext {
        me: None,
        ..context()
    };
    let error = plan_show(
        &assume_allowed(query.clone()),
        &context,
        None,
        Rows::Listing,
    )
    .expect_err("nobody is logged in");
    assert_eq!(error.exit(), Exit::NotLoggedIn);
}

#[test]
fn the_page_caps_the_limit_without_raising_it() {
    let Ok(Command::Show(query)) = parse("show events limit 5") else {
        panic!("parses")
    };
    let plan = plan_show(
        &assume_allowed(query.clone()),
        &context(),
        Some(101),
        Rows::Listing,
    )
    .expect("plans");
    assert_eq!(plan.params, vec![Param::Int(5)]);
    let Ok(Command::Show(query)) = parse("show events") else {
        panic!("parses")
    };
    let plan = plan_show(
        &assume_allowed(query.clone()),
        &context(),
        Some(101),
        Rows::Listing,
    )
    .expect("plans");
    assert_eq!(plan.params, vec![Param::Int(101)]);
}

#[test]
fn an_explicit_limit_sets_the_page_up_to_the_ceiling() {
    assert_eq!(shown_rows(None, 100), 100);
    assert_eq!(shown_rows(Some(150), 100), 150);
    assert_eq!(shown_rows(Some(3), 100), 3);
    assert_eq!(shown_rows(Some(1_000_000), 100), MAX_SHOWN);
    let Ok(Command::Show(query)) = parse("show clients limit 150") else {
        panic!("parses")
    };
    let fetch = shown_rows(query.limit, 100) as u64 + 1;
    let plan = plan_show(
        &assume_allowed(query.clone()),
        &context(),
        Some(fetch),
        Rows::Listing,
    )
    .expect("plans");
    assert_eq!(plan.params, vec![Param::Int(150)]);
}

#[test]
fn offset_and_limit_come_in_either_order() {
    let (Ok(Command::Show(a)), Ok(Command::Show(b))) = (
        parse("show events offset 5 limit 3"),
        parse("show events limit 3 offset 5"),
    ) else {
        panic!("both parse")
    };
    assert_eq!((a.limit, a.offset), (Some(3), Some(5)));
    assert_eq!(a, b);
}

#[test]
fn a_sheet_is_the_listing_with_every_field_of_the_record() {
    let input = "show events where client ~ \"x\" and support is none order by support desc limit 5 offset 2";
    let Ok(Command::Show(query)) = parse(input) else {
        panic!("parses")
    };
    let plan =
        |rows| plan_show(&assume_allowed(query.clone()), &context(), None, rows).expect("plans");
    let (listing, sheet) = (plan(Rows::Listing), plan(Rows::Record));
    let tail = |sql: &str| sql[sql.find(" WHERE ").expect("a condition")..].to_owned();
    assert_eq!(tail(&sheet.sql), tail(&listing.sql));
    assert_eq!(sheet.params, listing.params);
    let names: Vec<&str> = sheet.columns.iter().map(|c| c.name).collect();
    assert!(
        names.contains(&"notes") && names.contains(&"client_email"),
        "{names:?}"
    );
}

/// The sheet reads each listing's condition and order through the joins
/// of the record's columns: those must hold the listing's own.
#[test]
fn every_record_holds_its_listings_columns() {
    for entity in Entity::ALL {
        let t = entity_table(entity);
        for column in t.listing {
            assert!(
                t.record.iter().any(|r| r.sql() == column.sql()),
                "{entity:?}'s record lacks {}",
                column.name()
            );
        }
    }
}

/// Every entity's listing, record and counts, exactly: the text `explain`
/// shows.
fn reads_of_every_entity() -> String {
    let mut out = String::new();
    for input in [
        "show clients",
        "show contracts",
        "show events",
        "show employees",
        "show audit",
        "count clients",
        "count contracts",
        "count contracts where client ~ \"x\"",
        "count contracts where sales is me",
        "count events",
        "count events where client ~ \"x\"",
        "count employees",
        "count audit",
        "show contracts order by sales",
        "show events order by support desc",
    ] {
        out.push_str(&format!("{input}\n{}\n", sql(input).0));
    }
    for entity in Entity::ALL {
        let plan = plan_show_one(&assume_allowed(Record { entity, id: 3 }));
        let columns: Vec<String> = plan
            .columns
            .iter()
            .map(|c| format!("{}:{:?}", c.name, c.kind))
            .collect();
        out.push_str(&format!(
            "{entity:?}\n{}\n{}\n",
            plan.sql,
            columns.join(" ")
        ));
    }
    for entity in Entity::ALL {
        let query = Query {
            entity,
            filter: None,
            order: Vec::new(),
            limit: None,
            offset: None,
        };
        let plan =
            plan_show(&assume_allowed(query), &context(), None, Rows::Listing).expect("plans");
        let columns: Vec<String> = plan
            .columns
            .iter()
            .map(|c| format!("{}:{:?}", c.name, c.kind))
            .collect();
        out.push_str(&format!("{entity:?}\n{}\n", columns.join(" ")));
    }
    // The sheets: every entity's listing of whole records, as a
    // spreadsheet export runs it.
    for entity in Entity::ALL {
        let plan = plan_show(
            &assume_allowed(counted(entity, None)),
            &context(),
            None,
            Rows::Record,
        )
        .expect("plans");
        let columns: Vec<&str> = plan.columns.iter().map(|c| c.name).collect();
        out.push_str(&format!(
            "{entity:?} sheet\n{}\n{}\n",
            plan.sql,
            columns.join(" ")
        ));
    }
    out
}

/// `EPIC_BLESS=1` rewrites the expectation, as for the transcripts: then
/// review its diff.
#[test]
fn every_entity_reads_exactly_as_explain_shows() {
    let reads = reads_of_every_entity();
    if std::env::var_os("EPIC_BLESS").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/plan/reads_of_every_entity.txt"
        );
        std::fs::write(path, &reads).expect("the expectation is written");
        return;
    }
    assert_eq!(reads, include_str!("reads_of_every_entity.txt"));
}

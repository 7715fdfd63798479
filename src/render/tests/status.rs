//! The status lines, each written by its own rule.

use crate::render::status::*;

fn line(status: Status<'_>) -> String {
    let mut out = Vec::new();
    crate::render::status::status(&mut out, &status).expect("written");
    String::from_utf8(out).expect("text")
}

#[test]
fn the_operators_lines_say_what_was_done() {
    let migrated = |applied: &[i32]| {
        line(Status::Migrated {
            applied,
            version: 12,
        })
    };
    assert_eq!(
        migrated(&[12]),
        "Applied migration 12: the schema is at version 12.\n"
    );
    assert_eq!(
        migrated(&[1, 12]),
        "Applied migrations 1 to 12: the schema is at version 12.\n"
    );
    assert_eq!(migrated(&[]), "The schema is current (version 12).\n");
    let loaded = |seconds| {
        line(Status::Loaded {
            employees: 1,
            clients: 2,
            contracts: 3,
            events: 4,
            seconds,
        })
    };
    assert_eq!(
        loaded(Some(1.25)),
        "Loaded 1 employees, 2 clients, 3 contracts and 4 events in 1.2 s. Demo logins:\n"
    );
    assert_eq!(
        loaded(None),
        "Loaded 1 employees, 2 clients, 3 contracts and 4 events. Demo logins:\n"
    );
    let phases = [("clients", 0.5), ("events", 1.0)];
    assert_eq!(
        line(Status::Phases { phases: &phases }),
        "Time: clients 0.50 s, events 1.00 s.\n"
    );
}

#[test]
fn every_kind_of_line_is_written_by_its_own_rule() {
    assert_eq!(line(Status::LoggedOut), "Logged out.\n");
    assert_eq!(
        line(Status::PasswordChanged {
            other_sessions_revoked: 1
        }),
        "Password changed. 1 other session was revoked.\n"
    );
    assert_eq!(
        line(Status::Deleted {
            id: 4,
            moved: Some(Moved {
                clients: 1,
                events: 2,
                to: "Bea\nSales",
            }),
        }),
        "Deleted employee 4 (1 client and 2 events moved to Bea↵Sales).\n"
    );
    assert_eq!(
        line(Status::Paged {
            first: 1,
            last: 100,
            total: crate::plan::Total::Exact(250),
            noun: "clients",
        }),
        "(showing 1 to 100 of 250 clients; add `limit N offset 100` for the next ones, \
         or `set format csv` to get them all)\n"
    );
}

#[test]
fn a_footer_past_the_cap_gives_the_estimate_to_two_figures() {
    use crate::plan::Total;
    assert_eq!(
        line(Status::Paged {
            first: 1,
            last: 100,
            total: Total::About(2_134_567),
            noun: "events",
        }),
        "(showing 1 to 100 of about 2.1 million events; add `limit N offset 100` for the next ones, \
         or `set format csv` to get them all)\n"
    );
    let words = |n| in_all(Total::About(n));
    assert_eq!(words(45_123), "about 45,000");
    assert_eq!(words(10_000), "about 10,000");
    assert_eq!(words(10_051), "about 10,000");
    assert_eq!(words(123_456), "about 120,000");
    assert_eq!(words(996_000), "about 1 million");
    assert_eq!(words(1_000_000), "about 1 million");
    assert_eq!(words(10_000_000), "about 10 million");
    assert_eq!(words(12_600_000), "about 13 million");
    assert_eq!(words(2_450_000_000), "about 2.5 billion");
    assert_eq!(in_all(Total::Exact(10_000)), "10000");
}

//! The demo's rows against the schema's rules and the password policy.

use super::*;

fn now() -> DateTime<Utc> {
    paris_summer(2025, 6, 15, 12, 0)
}

/// Mirrors the CHECK on `clients.phone` in `sql/0001_core.sql`.
fn phone_allowed(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    !phone.is_empty()
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +().-".contains(c))
        && (6..=20).contains(&digits)
}

/// Mirrors the CHECK on emails: one `@`, no spaces, a dot after the `@`.
fn email_allowed(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && domain
            .split_once('.')
            .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
}

#[test]
fn every_demo_password_meets_the_password_policy() {
    for staff in STAFF {
        assert_eq!(
            crate::auth::check_policy(staff.password, staff.email, staff.name),
            Ok(()),
            "{}",
            staff.email
        );
        let lowered = staff.password.to_lowercase();
        assert!(staff.password.chars().count() >= 12 && staff.password.len() <= 72);
        let local = staff.email.split('@').next().unwrap_or_default();
        assert!(!lowered.contains(local), "{}", staff.email);
        for part in staff.name.to_lowercase().split_whitespace() {
            assert!(
                part.chars().count() < 3 || !lowered.contains(part),
                "{}",
                staff.email
            );
        }
    }
}

#[test]
fn the_staff_covers_every_department_but_admin_with_unique_emails() {
    for department in ["management", "sales", "support"] {
        assert!(emails_in(department).len() >= 2, "{department}");
    }
    assert!(emails_in("admin").is_empty());
    let emails: HashSet<&str> = STAFF.iter().map(|s| s.email).collect();
    assert_eq!(emails.len(), STAFF.len());
    for staff in STAFF {
        assert!(staff.email.ends_with("@epic.events"));
        assert!(
            staff
                .email
                .chars()
                .all(|c| c.is_ascii_lowercase() || "@.".contains(c))
        );
    }
    assert_eq!(emails_in("sales")[0], BILL);
    assert!(emails_in("sales").contains(&SOPHIE));
    assert!(emails_in("support").contains(&KATE) && emails_in("support").contains(&ALIENOR));
}

#[test]
fn the_phone_checker_agrees_with_the_schema_on_the_spec_numbers() {
    for good in [
        "+678 123 456 78",
        "+1 234 567 8901",
        "+ 666 12345",
        "(555) 123-4567",
    ] {
        assert!(phone_allowed(good), "{good}");
    }
    for bad in [
        "12345",
        "555-123-4567 x123",
        "",
        "+33 6 12 34 56 78 90 12 34 56 78",
    ] {
        assert!(!phone_allowed(bad), "{bad}");
    }
}

#[test]
fn generation_is_deterministic_for_a_seed() {
    assert_eq!(dataset(7, now()), dataset(7, now()));
    assert_ne!(dataset(7, now()).clients, dataset(8, now()).clients);
}

#[test]
fn generated_rows_satisfy_every_check_in_the_schema() {
    for seed in [0, 1, 42, u64::MAX] {
        let data = dataset(seed, now());
        for c in &data.clients {
            assert!(c.full_name == c.full_name.trim() && c.full_name.chars().count() <= 120);
            assert!(email_allowed(&c.email), "{}", c.email);
            assert!(
                c.phone.as_deref().is_none_or(phone_allowed),
                "{:?}",
                c.phone
            );
            assert!(
                c.company_name
                    .as_ref()
                    .is_none_or(|n| (1..=200).contains(&n.len()))
            );
            assert!(c.last_contact_at >= c.created_at && c.last_contact_at <= now());
            assert!(emails_in("sales").contains(&c.sales_contact));
        }
        let first_contact: HashMap<i64, DateTime<Utc>> =
            data.clients.iter().map(|c| (c.id, c.created_at)).collect();
        for k in &data.contracts {
            assert!(
                first_contact
                    .get(&k.client_id)
                    .is_some_and(|&at| k.created_at >= at)
            );
            assert!(Decimal::ZERO <= k.remaining && k.remaining <= k.total);
            assert_eq!((k.total.scale(), k.remaining.scale()), (2, 2));
        }
        let signed: HashSet<i64> = data
            .contracts
            .iter()
            .filter(|k| k.signed)
            .map(|k| k.id)
            .collect();
        let signed_at: HashMap<i64, DateTime<Utc>> = data
            .contracts
            .iter()
            .map(|k| (k.id, k.created_at))
            .collect();
        for e in &data.events {
            assert!(
                signed_at
                    .get(&e.contract_id)
                    .is_some_and(|&at| e.start_at > at)
            );
            assert!(
                signed.contains(&e.contract_id),
                "event {} on unsigned contract",
                e.id
            );
            assert!(e.name == e.name.trim() && (1..=200).contains(&e.name.chars().count()));
            assert!(e.end_at > e.start_at);
            assert!((0..=1000).contains(&e.attendees));
            assert!(e.location.as_ref().is_none_or(|l| l.chars().count() <= 300));
            assert!(
                e.support_contact
                    .is_none_or(|s| emails_in("support").contains(&s))
            );
        }
    }
}

#[test]
fn generated_ids_are_unique_and_keep_the_spec_numbers() {
    let data = dataset(3, now());
    let client_ids: HashSet<i64> = data.clients.iter().map(|c| c.id).collect();
    let contract_ids: HashSet<i64> = data.contracts.iter().map(|k| k.id).collect();
    let event_ids: HashSet<i64> = data.events.iter().map(|e| e.id).collect();
    assert_eq!(client_ids.len(), data.clients.len());
    assert_eq!(contract_ids.len(), data.contracts.len());
    assert_eq!(event_ids.len(), data.events.len());
    assert_eq!(data.clients.len() as u64, DEMO_CLIENTS);
    assert_eq!(data.contracts.len() as u64, DEMO_CONTRACTS);
    assert_eq!(data.events.len() as u64, DEMO_EVENTS);
    assert!(
        data.contracts
            .iter()
            .all(|k| client_ids.contains(&k.client_id))
    );
    let wedding = data.events.iter().find(|e| e.id == WEDDING_EVENT);
    assert_eq!(
        wedding.map(|e| (e.contract_id, e.name.as_str())),
        Some((652, WEDDING_NAME))
    );
    let assembly = data.events.iter().find(|e| e.id == ASSEMBLY_EVENT);
    assert_eq!(assembly.map(|e| e.contract_id), Some(LOU_CONTRACT));
    let kevin = data.contracts.iter().find(|k| k.client_id == 1);
    assert_eq!(kevin.map(|k| k.signed), Some(false));
}

#[test]
fn the_spec_examples_keep_their_spreadsheet_values() {
    let data = spec_records();
    let wedding = &data.events[0];
    assert_eq!(wedding.start_at.to_rfc3339(), "2023-06-04T11:00:00+00:00");
    assert_eq!(wedding.end_at.to_rfc3339(), "2023-06-05T00:00:00+00:00");
    let kevin = &data.clients[0];
    assert_eq!(kevin.created_at.date_naive().to_string(), "2021-04-18");
    assert_eq!(kevin.last_contact_at.date_naive().to_string(), "2023-03-29");
    for client in &data.clients {
        assert!(client.phone.as_deref().is_some_and(phone_allowed));
    }
}

#[test]
fn the_demo_shows_both_sides_of_every_daily_filter() {
    let data = dataset(42, now());
    let events = &data.events;
    let upcoming = events.iter().filter(|e| e.start_at > now()).count();
    let past = events.len() - upcoming;
    assert!(
        upcoming > events.len() / 2 && past > 20,
        "{upcoming} upcoming, {past} past"
    );
    let unassigned = events
        .iter()
        .filter(|e| e.support_contact.is_none())
        .count();
    assert!(
        (25..=80).contains(&unassigned),
        "{unassigned} without support"
    );
    let kate_upcoming = events
        .iter()
        .filter(|e| e.support_contact == Some(KATE) && e.start_at > now());
    assert!(kate_upcoming.count() > 10);
    let contracts = &data.contracts;
    assert!(contracts.iter().any(|k| !k.signed));
    assert!(contracts.iter().any(|k| k.signed && k.remaining.is_zero()));
    assert!(
        contracts
            .iter()
            .any(|k| k.signed && k.remaining > Decimal::ZERO)
    );
}

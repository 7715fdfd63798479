//! The generated rows against the schema's rules, and how real they look.

use super::*;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-06-15T12:00:00Z")
        .expect("a valid date")
        .with_timezone(&Utc)
}

struct Sample {
    staff: Vec<StaffRow>,
    clients: Vec<ClientRow>,
    contracts: Vec<ContractRow>,
    events: Vec<(EventRow, String, Option<String>)>,
}

const SALES: &[i64] = &[3, 4, 20, 21];
const SUPPORT: &[i64] = &[5, 6, 7, 22];

fn sample(seed: u64) -> Sample {
    let mut generator = Generator::new(seed, now());
    let staff = generator.staff(25, HashSet::from(["bill@epic.events".to_owned()]));
    let clients = generator.clients(304, 500, SALES, HashSet::new());
    let contracts = generator.contracts(653, 1500, &clients);
    let pools = Pools::new(&clients, &contracts, SUPPORT);
    let (mut name, mut location) = (String::new(), String::new());
    let events = (1024..1024 + 5000)
        .map(|id| {
            let e = generator.event(id, &pools, &mut name, &mut location);
            let place = e.location.then(|| location.clone());
            (e, name.clone(), place)
        })
        .collect();
    Sample {
        staff,
        clients,
        contracts,
        events,
    }
}

/// The checks epic itself applies to typed values, which are at least
/// as strict as the schema's.
fn phone_allowed(phone: &str) -> bool {
    crate::validate::phone(phone).is_ok_and(|p| p == phone)
}

fn email_allowed(email: &str) -> bool {
    crate::validate::email(email).is_ok_and(|e| e == email) && email == email.to_lowercase()
}

#[test]
fn the_same_seed_gives_the_same_rows() {
    let (a, b) = (sample(7), sample(7));
    assert_eq!(a.staff, b.staff);
    assert_eq!(a.clients, b.clients);
    assert_eq!(a.contracts, b.contracts);
    assert_eq!(a.events, b.events);
    assert_ne!(a.clients, sample(8).clients);
}

#[test]
fn generated_rows_satisfy_the_schema_and_look_real() {
    for seed in [0, 1, 2023, u64::MAX] {
        let s = sample(seed);
        check_staff(&s);
        check_clients(&s);
        check_contracts(&s);
        check_events(&s);
    }
}

fn check_staff(s: &Sample) {
    let departments = |d: &str| s.staff.iter().filter(|e| e.department == d).count();
    assert!(departments("management") >= 2);
    assert!(departments("sales") > departments("management"));
    assert!(departments("support") > departments("management"));
    let staff_emails: HashSet<&str> = s.staff.iter().map(|e| e.email.as_str()).collect();
    assert_eq!(staff_emails.len(), s.staff.len());
    assert!(!staff_emails.contains("bill@epic.events"));
    assert!(staff_emails.iter().all(|e| email_allowed(e)));
}

fn check_clients(s: &Sample) {
    let emails: HashSet<&str> = s.clients.iter().map(|c| c.email.as_str()).collect();
    assert_eq!(emails.len(), s.clients.len(), "client emails are unique");
    for c in &s.clients {
        assert!(c.full_name == c.full_name.trim());
        assert!((1..=120).contains(&c.full_name.chars().count()));
        assert!(email_allowed(&c.email), "{}", c.email);
        assert!(
            c.phone.as_deref().is_none_or(phone_allowed),
            "{:?}",
            c.phone
        );
        assert!(
            c.company_name
                .as_ref()
                .is_none_or(|n| (1..=200).contains(&n.chars().count()))
        );
        assert!(c.created_at <= c.last_contact_at && c.last_contact_at <= now());
        assert!(SALES.contains(&c.sales_contact_id));
    }
    let companies = s
        .clients
        .iter()
        .filter(|c| c.company_name.is_some())
        .count();
    assert!((350..=450).contains(&companies), "{companies} of 500");
}

fn check_contracts(s: &Sample) {
    for k in &s.contracts {
        let owner = &s.clients[k.client];
        assert_eq!(owner.id, k.client_id);
        assert!(Decimal::ZERO <= k.remaining && k.remaining <= k.total);
        assert_eq!((k.total.scale(), k.remaining.scale()), (2, 2));
        assert!(owner.created_at <= k.created_at && k.created_at < now());
        assert!(k.signed || k.remaining == k.total);
    }
    let signed = s.contracts.iter().filter(|k| k.signed).count();
    let unpaid = s
        .contracts
        .iter()
        .filter(|k| k.signed && k.remaining > Decimal::ZERO)
        .count();
    assert!((950..=1150).contains(&signed), "{signed} of 1500 signed");
    assert!(unpaid > signed / 2, "{unpaid} of {signed} signed unpaid");
}

fn check_events(s: &Sample) {
    let by_id = |id: i64| s.contracts.iter().find(|k| k.id == id);
    let (mut past, mut unassigned) = (0, 0);
    for (e, name, location) in &s.events {
        let contract = by_id(e.contract_id).expect("an existing contract");
        assert!(contract.signed, "event {} on an unsigned contract", e.id);
        assert!(e.start_at > contract.created_at);
        assert!(e.end_at > e.start_at);
        assert!(e.created_at >= contract.created_at && e.created_at <= now());
        assert!(e.start_at >= now() - Duration::days(731));
        assert!(e.start_at <= now() + Duration::days(366));
        assert!(name == name.trim() && (1..=200).contains(&name.chars().count()));
        assert!(location.as_ref().is_none_or(|l| l.chars().count() <= 300));
        assert!((0..=100_000).contains(&e.attendees));
        assert!(e.support_contact_id.is_none_or(|id| SUPPORT.contains(&id)));
        past += usize::from(e.start_at < now());
        unassigned += usize::from(e.support_contact_id.is_none());
    }
    assert!(
        (350..=750).contains(&unassigned),
        "{unassigned} of 5000 unassigned"
    );
    assert!((1750..=3500).contains(&past), "{past} of 5000 past");
    let located = s.events.iter().filter(|(_, _, l)| l.is_some()).count();
    assert!(located > 4000);
}

//! The demo's rows: every example record in SPEC.md plus a few hundred generated clients,
//! contracts and events, so a new user can try every command at once.
//!
//! [`dataset`] is a pure function of a seed and a clock, so tests can check every row against
//! the schema's rules without a database and the same seed always gives the same CRM; the
//! demo loader (`db::load::demo`) writes it.
//!
//! The records from SPEC.md keep their numbers (contracts 652 and 412, events 109 and 1023)
//! because the documentation and the support team's habits refer to them; generated rows take
//! the numbers around them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, FixedOffset, SubsecRound, TimeZone, Utc};
use fake::Fake;
use fake::faker::company::en::CompanyName;
use fake::faker::phone_number::en::CellNumber as CellNumberEn;
use fake::faker::phone_number::fr_fr::{CellNumber as CellNumberFr, PhoneNumber as PhoneNumberFr};
use fake::locales::{Data, FR_FR};
use fake::rand::rngs::ChaCha8Rng;
use fake::rand::seq::IndexedRandom;
use fake::rand::{RngExt, SeedableRng};
use rust_decimal::Decimal;

use super::pools::FRENCH_COMPANIES;
use super::rows::{
    between, company, daytime, duration, email_domain, email_local, event_kind, location, note,
    person, pick, remaining, unique_email,
};

#[cfg(test)]
mod tests;

/// An account the demo created, with the password a new user needs to log in as it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub name: String,
    pub email: String,
    pub department: &'static str,
    pub password: &'static str,
}

/// The demo's accounts, with the passwords a new user logs in with.
pub(crate) fn logins() -> Vec<DemoLogin> {
    STAFF
        .iter()
        .map(|s| DemoLogin {
            name: s.name.to_owned(),
            email: s.email.to_owned(),
            department: s.department,
            password: s.password,
        })
        .collect()
}

/// A demo employee. Clients and events name their contacts by email, which is unique, and
/// the insert resolves it to the id the database gave the employee.
pub(crate) struct Staff {
    pub(crate) name: &'static str,
    pub(crate) email: &'static str,
    pub(crate) department: &'static str,
    /// Meets the password policy for this account, so the demo shows a realistic password.
    pub(crate) password: &'static str,
}

pub(crate) const KATE: &str = "kate@epic.events";
const ALIENOR: &str = "alienor@epic.events";
const BILL: &str = "bill@epic.events";
const SOPHIE: &str = "sophie@epic.events";

/// No admin: the admin account is created at first run, before any demo data.
pub(crate) const STAFF: &[Staff] = &[
    Staff {
        name: "Hélène Garnier",
        email: "helene@epic.events",
        department: "management",
        password: "Balances-The-Books-7",
    },
    Staff {
        name: "Marc Delorme",
        email: "marc@epic.events",
        department: "management",
        password: "Signs-Off-Budgets-58",
    },
    Staff {
        name: "Bill Boquet",
        email: BILL,
        department: "sales",
        password: "Closes-Big-Deals-19",
    },
    Staff {
        name: "Sophie Ravel",
        email: SOPHIE,
        department: "sales",
        password: "Finds-New-Clients-33",
    },
    Staff {
        name: "Kate Hastroff",
        email: KATE,
        department: "support",
        password: "Runs-The-Wedding-42",
    },
    Staff {
        name: "Aliénor Vichum",
        email: ALIENOR,
        department: "support",
        password: "Sets-Up-The-Hall-25",
    },
    Staff {
        name: "Théo Marchand",
        email: "theo@epic.events",
        department: "support",
        password: "Tunes-Every-Speaker-64",
    },
];

const GENERATED_CLIENTS: usize = 300;
const GENERATED_CONTRACTS: usize = 400;
const GENERATED_EVENTS: usize = 250;

/// What the demo holds: `epic gen`'s sizes contain it.
pub const DEMO_CLIENTS: u64 = 3 + GENERATED_CLIENTS as u64;
pub const DEMO_CONTRACTS: u64 = 3 + GENERATED_CONTRACTS as u64;
pub const DEMO_EVENTS: u64 = 2 + GENERATED_EVENTS as u64;

const JOHN_CONTRACT: i64 = 652;
const LOU_CONTRACT: i64 = 412;
const KEVIN_CONTRACT: i64 = 1;
pub(crate) const WEDDING_EVENT: i64 = 109;
pub(crate) const WEDDING_NAME: &str = "John Ouick Wedding";
const ASSEMBLY_EVENT: i64 = 1023;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dataset {
    pub(crate) clients: Vec<DemoClient>,
    pub(crate) contracts: Vec<DemoContract>,
    pub(crate) events: Vec<DemoEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DemoClient {
    pub(crate) id: i64,
    pub(crate) full_name: String,
    pub(crate) email: String,
    pub(crate) phone: Option<String>,
    pub(crate) company_name: Option<String>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) last_contact_at: DateTime<Utc>,
    /// The email of a sales employee in [`STAFF`].
    pub(crate) sales_contact: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DemoContract {
    pub(crate) id: i64,
    pub(crate) client_id: i64,
    pub(crate) total: Decimal,
    pub(crate) remaining: Decimal,
    pub(crate) signed: bool,
    pub(crate) created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DemoEvent {
    pub(crate) id: i64,
    pub(crate) contract_id: i64,
    pub(crate) name: String,
    pub(crate) start_at: DateTime<Utc>,
    pub(crate) end_at: DateTime<Utc>,
    /// The email of a support employee in [`STAFF`].
    pub(crate) support_contact: Option<&'static str>,
    pub(crate) location: Option<String>,
    pub(crate) attendees: i32,
    pub(crate) notes: Option<String>,
}

/// Every record of the demo: SPEC.md's examples first, then the generated ones. Pure, so the
/// same `seed` and `now` always give the same rows.
pub(crate) fn dataset(seed: u64, now: DateTime<Utc>) -> Dataset {
    // Whole seconds: the server's microseconds would only clutter every generated date.
    let now = now.trunc_subsecs(0);
    let mut data = spec_records();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let sales: Vec<&'static str> = emails_in("sales");
    let support: Vec<&'static str> = emails_in("support");

    let mut taken: HashSet<String> = data.clients.iter().map(|c| c.email.clone()).collect();
    let first_generated = data.clients.iter().map(|c| c.id).max().unwrap_or(0) + 1;
    let generated_clients: Vec<DemoClient> = (first_generated..)
        .take(GENERATED_CLIENTS)
        .map(|id| client(&mut rng, id, now, &sales, &mut taken))
        .collect();

    let generated_contracts: Vec<DemoContract> =
        free_ids(data.contracts.iter().map(|c| c.id).collect())
            .take(GENERATED_CONTRACTS)
            .filter_map(|id| {
                let owner = generated_clients.choose(&mut rng)?;
                Some(contract(&mut rng, id, owner, now))
            })
            .collect();

    let clients_by_id: HashMap<i64, &DemoClient> =
        generated_clients.iter().map(|c| (c.id, c)).collect();
    let signed: Vec<(&DemoContract, &DemoClient)> = generated_contracts
        .iter()
        .filter(|c| c.signed)
        .filter_map(|c| Some((c, *clients_by_id.get(&c.client_id)?)))
        .collect();
    let generated_events: Vec<DemoEvent> = free_ids(data.events.iter().map(|e| e.id).collect())
        .take(GENERATED_EVENTS)
        .filter_map(|id| {
            let (contract, owner) = *signed.choose(&mut rng)?;
            Some(event(&mut rng, id, contract, owner, now, &support))
        })
        .collect();

    data.clients.extend(generated_clients);
    data.contracts.extend(generated_contracts);
    data.events.extend(generated_events);
    data
}

fn emails_in(department: &str) -> Vec<&'static str> {
    STAFF
        .iter()
        .filter(|s| s.department == department)
        .map(|s| s.email)
        .collect()
}

/// Ids from 1 upwards, skipping those SPEC.md's records already use.
fn free_ids(reserved: HashSet<i64>) -> impl Iterator<Item = i64> {
    (1..).filter(move |id| !reserved.contains(id))
}

/// A time written in the spreadsheet's zone: every date in SPEC.md falls in Paris summer time.
fn paris_summer(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    FixedOffset::east_opt(2 * 3600)
        .expect("+02:00 is a valid offset")
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("the dates in SPEC.md exist and a fixed offset has no gaps")
        .with_timezone(&Utc)
}

fn cents(amount: i64) -> Decimal {
    Decimal::new(amount, 2)
}

/// SPEC.md's example records, with the numbers SPEC.md gives them.
fn spec_records() -> Dataset {
    let clients = spec_clients();
    let contracts = spec_contracts(clients[0].id, clients[1].id, clients[2].id);
    Dataset {
        clients,
        contracts,
        events: spec_events(),
    }
}

/// Kevin Casey, John Ouick and Lou Bouzin's Jacky Blangier, in that order.
fn spec_clients() -> Vec<DemoClient> {
    let kevin = DemoClient {
        id: 1,
        full_name: "Kevin Casey".into(),
        email: "kevin@startup.io".into(),
        phone: Some("+678 123 456 78".into()),
        company_name: Some("Cool Startup LLC".into()),
        created_at: paris_summer(2021, 4, 18, 10, 0),
        last_contact_at: paris_summer(2023, 3, 29, 16, 30),
        sales_contact: BILL,
    };
    let john = DemoClient {
        id: 2,
        full_name: "John Ouick".into(),
        email: "john.ouick@gmail.com".into(),
        phone: Some("+1 234 567 8901".into()),
        company_name: None,
        created_at: paris_summer(2022, 9, 12, 11, 0),
        last_contact_at: paris_summer(2023, 6, 6, 9, 30),
        sales_contact: BILL,
    };
    let lou = DemoClient {
        id: 3,
        full_name: "Jacky Blangier".into(),
        email: "jacky@loubouzin.grd".into(),
        phone: Some("+ 666 12345".into()),
        company_name: Some("Lou Bouzin".into()),
        created_at: paris_summer(2022, 10, 3, 14, 0),
        last_contact_at: paris_summer(2023, 5, 9, 10, 0),
        sales_contact: SOPHIE,
    };
    vec![kevin, john, lou]
}

/// Kevin's unsigned contract, John's for the wedding, Lou Bouzin's for the assembly.
fn spec_contracts(kevin: i64, john: i64, lou: i64) -> Vec<DemoContract> {
    vec![
        DemoContract {
            id: KEVIN_CONTRACT,
            client_id: kevin,
            total: cents(1_200_000),
            remaining: cents(1_200_000),
            signed: false,
            created_at: paris_summer(2023, 3, 29, 17, 0),
        },
        DemoContract {
            id: JOHN_CONTRACT,
            client_id: john,
            total: cents(1_845_000),
            remaining: cents(461_250),
            signed: true,
            created_at: paris_summer(2022, 10, 20, 15, 0),
        },
        DemoContract {
            id: LOU_CONTRACT,
            client_id: lou,
            total: cents(780_000),
            remaining: cents(0),
            signed: true,
            created_at: paris_summer(2023, 3, 27, 9, 0),
        },
    ]
}

/// John Ouick's wedding and Lou Bouzin's general assembly.
fn spec_events() -> Vec<DemoEvent> {
    vec![
        DemoEvent {
            id: WEDDING_EVENT,
            contract_id: JOHN_CONTRACT,
            name: WEDDING_NAME.into(),
            start_at: paris_summer(2023, 6, 4, 13, 0),
            end_at: paris_summer(2023, 6, 5, 2, 0),
            support_contact: Some(KATE),
            location: Some("53 Rue du Château, 41120 Candé-sur-Beuvron, France".into()),
            attendees: 75,
            notes: Some(
                "Wedding starts at 3PM, by the river. Catering is organized, reception starts \
                 at 5PM."
                    .into(),
            ),
        },
        DemoEvent {
            id: ASSEMBLY_EVENT,
            contract_id: LOU_CONTRACT,
            name: "Lou Bouzin General Assembly".into(),
            start_at: paris_summer(2023, 5, 5, 15, 0),
            end_at: paris_summer(2023, 5, 5, 17, 0),
            support_contact: Some(ALIENOR),
            location: Some("Salle des fêtes de Mufflins".into()),
            attendees: 200,
            notes: Some("Shareholders' general assembly (~200 people).".into()),
        },
    ]
}

fn client(
    rng: &mut ChaCha8Rng,
    id: i64,
    now: DateTime<Utc>,
    sales: &[&'static str],
    taken: &mut HashSet<String>,
) -> DemoClient {
    // Epic Events works in France but also for foreign clients: mix both kinds of names.
    let french = rng.random_bool(0.5);
    let (first, last) = person(rng, french);
    let company_name = rng.random_bool(0.7).then(|| {
        if french {
            company(rng, &FRENCH_COMPANIES[..5], FR_FR::NAME_LAST_NAME)
        } else {
            CompanyName().fake_with_rng::<String, _>(rng)
        }
    });
    let domain = email_domain(rng, company_name.as_deref(), french);
    let email = unique_email(&email_local(first, last), &domain, taken);
    let created_at = between(rng, now - Duration::days(4 * 365), now - Duration::days(20));
    let last_contact_at = between(rng, created_at, now);
    DemoClient {
        id,
        full_name: format!("{first} {last}"),
        email,
        phone: phone(rng),
        company_name,
        created_at,
        last_contact_at,
        sales_contact: pick(rng, sales),
    }
}

/// Phones in the formats people actually type, all within the schema's CHECK. `fake`'s
/// plain English numbers are avoided: their extensions (`x123`) are letters the CHECK refuses.
fn phone(rng: &mut ChaCha8Rng) -> Option<String> {
    match rng.random_range(0..10) {
        0 => None,
        1..=3 => Some(CellNumberFr().fake_with_rng(rng)),
        4 => Some(PhoneNumberFr().fake_with_rng(rng)),
        5..=7 => {
            let national: String = CellNumberFr().fake_with_rng(rng);
            let digits = national.strip_prefix('0').unwrap_or(&national);
            Some(format!("+33 {digits}"))
        }
        _ => Some(CellNumberEn().fake_with_rng(rng)),
    }
}

fn contract(rng: &mut ChaCha8Rng, id: i64, owner: &DemoClient, now: DateTime<Utc>) -> DemoContract {
    let total = rng.random_range(50_000..=8_000_000);
    let signed = rng.random_bool(0.7);
    // Every stage of payment, so that the "not fully paid" filter has both answers.
    let remaining = remaining(rng, signed, total);
    DemoContract {
        id,
        client_id: owner.id,
        total: cents(total),
        remaining: cents(remaining),
        signed,
        created_at: between(rng, owner.created_at, now),
    }
}

fn event(
    rng: &mut ChaCha8Rng,
    id: i64,
    contract: &DemoContract,
    owner: &DemoClient,
    now: DateTime<Utc>,
    support: &[&'static str],
) -> DemoEvent {
    let (kind, host) = event_kind(rng, owner.company_name.as_deref(), &owner.full_name);
    let duration = duration(rng, kind);
    // Most events lie ahead, so the "upcoming" and "assigned to me" filters show rows. A past
    // event starts a day after its contract and ends a day before `now`, margins that survive
    // the snapping to a time of day below; a contract too recent for that gets a future event.
    let earliest_past = contract.created_at + Duration::days(1);
    let latest_past = now - duration - Duration::days(1);
    let past = rng.random_bool(0.3) && latest_past > earliest_past;
    let day = if past {
        between(rng, earliest_past, latest_past)
    } else {
        // Never 30 days ahead: after the snapping below, such an event falls
        // before or after `now() + 30 days` by the hour the demo was loaded,
        // and `report events` would count it or not by the time of day.
        let days = match rng.random_range(1..=180) {
            30 => 29,
            days => days,
        };
        now + Duration::days(days)
    };
    let start_at = daytime(rng, day);
    // Past events had someone; the unassigned ones are mostly ahead, where management acts.
    let unassigned = rng.random_bool(if past { 0.05 } else { 0.27 });
    let mut place = String::new();
    let location = location(rng, 0.5, &mut place).then_some(place);
    // Zero is how a planner records "head count not known yet".
    let attendees = if rng.random_bool(0.05) {
        0
    } else {
        rng.random_range(kind.attendees.0..=kind.attendees.1)
    };
    DemoEvent {
        id,
        contract_id: contract.id,
        name: format!("{host} {}", kind.name),
        start_at,
        end_at: start_at + duration,
        support_contact: if unassigned {
            None
        } else {
            support.choose(rng).copied()
        },
        location,
        attendees,
        notes: note(rng, 0.5).map(str::to_owned),
    }
}

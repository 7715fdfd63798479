//! Demo data: every example record in SPEC.md plus a few hundred generated clients, contracts
//! and events, so a new user can try every command at once.
//!
//! The data is built by `dataset`, a pure function of a seed and a clock, so tests can check
//! every row against the schema's rules without a database and the same seed always gives the
//! same CRM. [`load`] then writes it with one statement per table, binding whole columns as
//! arrays that PostgreSQL expands with `unnest`: a few round trips instead of a thousand, all in
//! one transaction so a failure leaves nothing behind.
//!
//! The records from SPEC.md keep their numbers (contracts 652 and 412, events 109 and 1023)
//! because the documentation and the support team's habits refer to them; generated rows take
//! the numbers around them, and the identity sequences are moved past the highest number
//! afterwards so the next record created by hand does not collide.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, SubsecRound, TimeZone, Utc};
use fake::Fake;
use fake::faker::company::en::CompanyName;
use fake::faker::internet::en::FreeEmailProvider as FreeEmailProviderEn;
use fake::faker::internet::fr_fr::FreeEmailProvider as FreeEmailProviderFr;
use fake::faker::name::en::{FirstName as FirstNameEn, LastName as LastNameEn};
use fake::faker::name::fr_fr::{FirstName as FirstNameFr, LastName as LastNameFr};
use fake::faker::phone_number::en::CellNumber as CellNumberEn;
use fake::faker::phone_number::fr_fr::{CellNumber as CellNumberFr, PhoneNumber as PhoneNumberFr};
use fake::rand::rngs::ChaCha8Rng;
use fake::rand::seq::IndexedRandom;
use fake::rand::{RngExt, SeedableRng};
use rust_decimal::Decimal;
use tokio_postgres::{Client, Transaction};

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database already holds clients; demo data is only loaded into an empty CRM")]
    NotEmpty,
    #[error("could not hash the demo passwords")]
    Hash,
    #[error("could not load the demo data")]
    Database {
        #[source]
        source: tokio_postgres::Error,
    },
}

/// An account the demo created, with the password a new user needs to log in as it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub name: String,
    pub email: String,
    pub department: &'static str,
    pub password: &'static str,
}

/// What [`load`] wrote: the accounts to show the user and the number of rows per table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub logins: Vec<DemoLogin>,
    pub employees: u64,
    pub clients: u64,
    pub contracts: u64,
    pub events: u64,
}

/// Loads everything in ONE transaction (all or nothing). `seed` makes the generated part
/// deterministic.
pub async fn load(
    client: &mut Client,
    bcrypt_cost: u32,
    seed: u64,
) -> Result<DemoReport, DemoError> {
    let tx = client.transaction().await.map_err(database)?;
    let report = load_in(&tx, bcrypt_cost, seed).await?;
    tx.commit().await.map_err(database)?;
    Ok(report)
}

/// What [`load`] does, in a transaction the caller owns and commits: `epic gen` writes the demo
/// and its bulk rows in one transaction, so that a failure leaves nothing of either.
pub async fn load_in(
    tx: &Transaction<'_>,
    bcrypt_cost: u32,
    seed: u64,
) -> Result<DemoReport, DemoError> {
    // Self-conflicting and blocking writers: a second `load` racing this one waits here, then
    // finds the clients this one wrote and refuses, instead of loading everything twice.
    tx.batch_execute("LOCK TABLE clients IN SHARE ROW EXCLUSIVE MODE")
        .await
        .map_err(database)?;
    let row = tx
        .query_one("SELECT EXISTS (SELECT 1 FROM clients), now()", &[])
        .await
        .map_err(database)?;
    if row.try_get::<_, bool>(0).map_err(database)? {
        return Err(DemoError::NotEmpty);
    }
    // The server's clock, not ours: "upcoming" filters compare against the server's `now()`.
    let now: DateTime<Utc> = row.try_get(1).map_err(database)?;
    let data = dataset(seed, now);
    // Hashing blocks this thread, but only after the emptiness check so a refused load does not
    // pay for it; nothing else runs on the connection meanwhile.
    let hashes = hash_passwords(bcrypt_cost)?;
    insert(tx, &data, &hashes).await.map_err(database)
}

fn database(source: tokio_postgres::Error) -> DemoError {
    DemoError::Database { source }
}

/// A demo employee. Clients and events name their contacts by email, which is unique, and
/// the insert resolves it to the id the database gave the employee.
struct Staff {
    name: &'static str,
    email: &'static str,
    department: &'static str,
    /// Meets the password policy for this account, so the demo shows a realistic password.
    password: &'static str,
}

const KATE: &str = "kate@epic.events";
const ALIENOR: &str = "alienor@epic.events";
const BILL: &str = "bill@epic.events";
const SOPHIE: &str = "sophie@epic.events";

/// No admin: the admin account is created at first run, before any demo data.
const STAFF: &[Staff] = &[
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
pub(crate) const DEMO_CLIENTS: u64 = 3 + GENERATED_CLIENTS as u64;
pub(crate) const DEMO_CONTRACTS: u64 = 3 + GENERATED_CONTRACTS as u64;
pub(crate) const DEMO_EVENTS: u64 = 2 + GENERATED_EVENTS as u64;

const JOHN_CONTRACT: i64 = 652;
const LOU_CONTRACT: i64 = 412;
const KEVIN_CONTRACT: i64 = 1;
const WEDDING_EVENT: i64 = 109;
const WEDDING_NAME: &str = "John Ouick Wedding";
const ASSEMBLY_EVENT: i64 = 1023;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Dataset {
    clients: Vec<DemoClient>,
    contracts: Vec<DemoContract>,
    events: Vec<DemoEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DemoClient {
    id: i64,
    full_name: String,
    email: String,
    phone: Option<String>,
    company_name: Option<String>,
    created_at: DateTime<Utc>,
    last_contact_at: DateTime<Utc>,
    /// The email of a sales employee in [`STAFF`].
    sales_contact: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DemoContract {
    id: i64,
    client_id: i64,
    total: Decimal,
    remaining: Decimal,
    signed: bool,
    created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct DemoEvent {
    id: i64,
    contract_id: i64,
    name: String,
    start_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
    /// The email of a support employee in [`STAFF`].
    support_contact: Option<&'static str>,
    location: Option<String>,
    attendees: i32,
    notes: Option<String>,
}

/// Every record of the demo: SPEC.md's examples first, then the generated ones. Pure, so the
/// same `seed` and `now` always give the same rows.
fn dataset(seed: u64, now: DateTime<Utc>) -> Dataset {
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

fn spec_records() -> Dataset {
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
    let contracts = vec![
        DemoContract {
            id: KEVIN_CONTRACT,
            client_id: kevin.id,
            total: cents(1_200_000),
            remaining: cents(1_200_000),
            signed: false,
            created_at: paris_summer(2023, 3, 29, 17, 0),
        },
        DemoContract {
            id: JOHN_CONTRACT,
            client_id: john.id,
            total: cents(1_845_000),
            remaining: cents(461_250),
            signed: true,
            created_at: paris_summer(2022, 10, 20, 15, 0),
        },
        DemoContract {
            id: LOU_CONTRACT,
            client_id: lou.id,
            total: cents(780_000),
            remaining: cents(0),
            signed: true,
            created_at: paris_summer(2023, 3, 27, 9, 0),
        },
    ];
    let events = vec![
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
    ];
    Dataset {
        clients: vec![kevin, john, lou],
        contracts,
        events,
    }
}

/// A time between `from` and `to` (`from` when the span is empty), to the second.
pub(crate) fn between(
    rng: &mut ChaCha8Rng,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DateTime<Utc> {
    let span = (to - from).num_seconds().max(0);
    from + Duration::seconds(rng.random_range(0..=span))
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
    let (first, last): (&str, &str) = if french {
        (
            FirstNameFr().fake_with_rng(rng),
            LastNameFr().fake_with_rng(rng),
        )
    } else {
        (
            FirstNameEn().fake_with_rng(rng),
            LastNameEn().fake_with_rng(rng),
        )
    };
    let company_name = rng.random_bool(0.7).then(|| {
        if french {
            let template = [
                "{} & Fils",
                "Maison {}",
                "{} Conseil",
                "Atelier {}",
                "{} SAS",
            ]
            .choose(rng)
            .copied()
            .unwrap_or("{} SAS");
            template.replace("{}", LastNameFr().fake_with_rng::<&str, _>(rng))
        } else {
            CompanyName().fake_with_rng::<String, _>(rng)
        }
    });
    let domain = match &company_name {
        Some(company) => {
            let tld = if french { "fr" } else { "com" };
            format!("{}.{tld}", slug(company))
        }
        None if french => FreeEmailProviderFr()
            .fake_with_rng::<&str, _>(rng)
            .to_owned(),
        None => FreeEmailProviderEn()
            .fake_with_rng::<&str, _>(rng)
            .to_owned(),
    };
    let email = unique_email(&format!("{}.{}", slug(first), slug(last)), &domain, taken);
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
        sales_contact: sales.choose(rng).copied().unwrap_or(BILL),
    }
}

/// Lowercase ASCII letters and digits only, so a name becomes a valid email part or domain.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' | 'ì' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ÿ' => out.push('y'),
            'ñ' => out.push('n'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            _ => {}
        }
    }
    if out.is_empty() { "client".into() } else { out }
}

/// Two clients with the same name would otherwise share an address, which confuses searches.
pub(crate) fn unique_email(local: &str, domain: &str, taken: &mut HashSet<String>) -> String {
    let mut email = format!("{local}@{domain}");
    let mut n = 2;
    while taken.contains(&email) {
        email = format!("{local}{n}@{domain}");
        n += 1;
    }
    taken.insert(email.clone());
    email
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
    // Unsigned contracts are unpaid; signed ones show every stage of payment so that the
    // "not fully paid" filter has both answers.
    let remaining = match (signed, rng.random_range(0..5)) {
        (false, _) | (true, 4) => total,
        (true, 0 | 1) => 0,
        (true, _) => rng.random_range(1..total),
    };
    DemoContract {
        id,
        client_id: owner.id,
        total: cents(total),
        remaining: cents(remaining),
        signed,
        created_at: between(rng, owner.created_at, now),
    }
}

/// A kind of event: its name, a plausible head count and how long it lasts in hours.
pub(crate) struct Kind {
    pub(crate) name: &'static str,
    pub(crate) attendees: (i32, i32),
    pub(crate) hours: (i64, i64),
}

const fn kind(name: &'static str, attendees: (i32, i32), hours: (i64, i64)) -> Kind {
    Kind {
        name,
        attendees,
        hours,
    }
}

pub(crate) const PRIVATE_EVENTS: &[Kind] = &[
    kind("Wedding", (40, 250), (8, 14)),
    kind("Birthday Party", (10, 80), (3, 6)),
    kind("Anniversary Dinner", (10, 60), (3, 5)),
    kind("Christening", (20, 80), (3, 6)),
];

pub(crate) const COMPANY_EVENTS: &[Kind] = &[
    kind("General Assembly", (20, 400), (2, 4)),
    kind("Product Launch", (50, 600), (3, 6)),
    kind("Seminar", (15, 120), (6, 9)),
    kind("Team Building", (10, 150), (5, 9)),
    kind("Gala Dinner", (80, 500), (4, 7)),
    kind("Christmas Party", (30, 300), (4, 7)),
    kind("Conference", (100, 1000), (24, 56)),
    kind("Off-site", (10, 60), (30, 54)),
    kind("Board Meeting", (5, 20), (2, 3)),
];

pub(crate) const VENUES: &[&str] = &[
    "Château de Chenonceau, 37150 Chenonceaux, France",
    "Domaine des Hauts de Loire, 41150 Onzain, France",
    "Palais des Congrès, 2 Place de la Porte Maillot, 75017 Paris, France",
    "Cité des Congrès, 5 Rue de Valmy, 44000 Nantes, France",
    "Abbaye de Fontevraud, 49590 Fontevraud-l'Abbaye, France",
    "Les Docks, 10 Place de la Joliette, 13002 Marseille, France",
    "Salle des fêtes de Candé-sur-Beuvron, 41120 Candé-sur-Beuvron, France",
    "Hangar 14, Quai des Chartrons, 33000 Bordeaux, France",
    "Halle Tony Garnier, 20 Place des Docteurs Mérieux, 69007 Lyon, France",
    "Moulin de la Galette, 83 Rue Lepic, 75018 Paris, France",
];

pub(crate) const CITIES: &[&str] = &[
    "75008 Paris",
    "69002 Lyon",
    "13001 Marseille",
    "33000 Bordeaux",
    "44000 Nantes",
    "31000 Toulouse",
    "59800 Lille",
    "67000 Strasbourg",
    "06000 Nice",
    "37000 Tours",
    "41000 Blois",
    "35000 Rennes",
];

pub(crate) const STREETS: &[&str] = &[
    "Rue de la République",
    "Avenue Jean Jaurès",
    "Rue Victor Hugo",
    "Boulevard Pasteur",
    "Quai de la Loire",
    "Place du Marché",
    "Rue des Lilas",
    "Allée des Tilleuls",
    "Chemin du Moulin",
];

pub(crate) const NOTES: &[&str] = &[
    "Vegetarian and gluten-free menus needed; see the guest list.",
    "Client wants a rehearsal the day before.",
    "Parking for about 40 cars; shuttle from the station at 2PM.",
    "DJ booked until 2AM; sound limit 95 dB after midnight.",
    "Projector and two wireless microphones on stage.",
    "Catering is organized; confirm the head count a week before.",
    "Outdoors if the weather allows; a marquee is booked as a fallback.",
    "Badges printed on site; the welcome desk opens one hour early.",
    "Photographer booked for the whole day.",
    "Step-free entrance needed for two guests in wheelchairs.",
];

fn event(
    rng: &mut ChaCha8Rng,
    id: i64,
    contract: &DemoContract,
    owner: &DemoClient,
    now: DateTime<Utc>,
    support: &[&'static str],
) -> DemoEvent {
    let (kinds, host) = match &owner.company_name {
        Some(company) => (COMPANY_EVENTS, company),
        None => (PRIVATE_EVENTS, &owner.full_name),
    };
    let kind = kinds.choose(rng).unwrap_or(&PRIVATE_EVENTS[0]);
    let hours = rng.random_range(kind.hours.0..=kind.hours.1);
    let duration = Duration::hours(hours) + Duration::minutes(30 * rng.random_range(0..2));
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
    // On the hour or half hour, between 08:00 and 19:30 UTC: daytime in Paris all year.
    let midnight = day.date_naive().and_time(NaiveTime::MIN).and_utc();
    let start_at = midnight + Duration::minutes(30 * rng.random_range(16..40));
    // Past events had someone; the unassigned ones are mostly ahead, where management acts.
    let unassigned = rng.random_bool(if past { 0.05 } else { 0.27 });
    let location = rng.random_bool(0.92).then(|| {
        if rng.random_bool(0.5) {
            VENUES.choose(rng).copied().unwrap_or(VENUES[0]).to_owned()
        } else {
            let number = rng.random_range(1..=180);
            let street = STREETS.choose(rng).copied().unwrap_or(STREETS[0]);
            let city = CITIES.choose(rng).copied().unwrap_or(CITIES[0]);
            format!("{number} {street}, {city}, France")
        }
    });
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
        notes: rng
            .random_bool(0.5)
            .then(|| NOTES.choose(rng).copied().unwrap_or(NOTES[0]).to_owned()),
    }
}

/// One bcrypt hash per distinct password, computed on parallel threads: at the production
/// cost each hash takes a quarter of a second, and seven in a row would make the user wait.
fn hash_passwords(cost: u32) -> Result<HashMap<&'static str, String>, DemoError> {
    let distinct: BTreeSet<&'static str> = STAFF.iter().map(|s| s.password).collect();
    std::thread::scope(|scope| {
        let workers = distinct
            .into_iter()
            .map(|password| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || bcrypt::hash(password, cost))
                    .map(|worker| (password, worker))
                    .map_err(|_| DemoError::Hash)
            })
            .collect::<Result<Vec<_>, _>>()?;
        workers
            .into_iter()
            .map(|(password, worker)| match worker.join() {
                Ok(Ok(hash)) => Ok((password, hash)),
                _ => Err(DemoError::Hash),
            })
            .collect()
    })
}

async fn insert(
    tx: &Transaction<'_>,
    data: &Dataset,
    hashes: &HashMap<&'static str, String>,
) -> Result<DemoReport, tokio_postgres::Error> {
    let names: Vec<&str> = STAFF.iter().map(|s| s.name).collect();
    let emails: Vec<&str> = STAFF.iter().map(|s| s.email).collect();
    let departments: Vec<&str> = STAFF.iter().map(|s| s.department).collect();
    let password_hashes: Vec<Option<&str>> = STAFF
        .iter()
        .map(|s| hashes.get(s.password).map(String::as_str))
        .collect();
    let rows = tx
        .query(
            "INSERT INTO employees (full_name, email, department, password_hash) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) \
             RETURNING id, email",
            &[&names, &emails, &departments, &password_hashes],
        )
        .await?;
    let mut staff_ids: HashMap<String, i64> = HashMap::new();
    for row in &rows {
        staff_ids.insert(row.try_get(1)?, row.try_get(0)?);
    }
    // An email the insert did not return cannot happen; binding NULL would let the NOT NULL
    // constraint or the department trigger report it rather than a panic here.
    let staff_id = |email: &str| staff_ids.get(email).copied();

    let c = &data.clients;
    let clients = tx
        .execute(
            "INSERT INTO clients (id, full_name, email, phone, company_name, created_at, \
                                  last_contact_at, updated_at, sales_contact_id) \
             SELECT id, full_name, email, phone, company_name, created_at, \
                    last_contact_at, last_contact_at, sales_contact_id \
             FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], \
                         $6::timestamptz[], $7::timestamptz[], $8::bigint[]) \
                  AS t(id, full_name, email, phone, company_name, created_at, \
                       last_contact_at, sales_contact_id)",
            &[
                &c.iter().map(|r| r.id).collect::<Vec<_>>(),
                &c.iter().map(|r| r.full_name.as_str()).collect::<Vec<_>>(),
                &c.iter().map(|r| r.email.as_str()).collect::<Vec<_>>(),
                &c.iter().map(|r| r.phone.as_deref()).collect::<Vec<_>>(),
                &c.iter()
                    .map(|r| r.company_name.as_deref())
                    .collect::<Vec<_>>(),
                &c.iter().map(|r| r.created_at).collect::<Vec<_>>(),
                &c.iter().map(|r| r.last_contact_at).collect::<Vec<_>>(),
                &c.iter()
                    .map(|r| staff_id(r.sales_contact))
                    .collect::<Vec<_>>(),
            ],
        )
        .await?;

    let k = &data.contracts;
    let contracts = tx
        .execute(
            "INSERT INTO contracts (id, client_id, total, remaining, signed, created_at, \
                                    updated_at) \
             SELECT id, client_id, total, remaining, signed, created_at, created_at \
             FROM unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::numeric[], \
                         $5::boolean[], $6::timestamptz[]) \
                  AS t(id, client_id, total, remaining, signed, created_at)",
            &[
                &k.iter().map(|r| r.id).collect::<Vec<_>>(),
                &k.iter().map(|r| r.client_id).collect::<Vec<_>>(),
                &k.iter().map(|r| r.total).collect::<Vec<_>>(),
                &k.iter().map(|r| r.remaining).collect::<Vec<_>>(),
                &k.iter().map(|r| r.signed).collect::<Vec<_>>(),
                &k.iter().map(|r| r.created_at).collect::<Vec<_>>(),
            ],
        )
        .await?;

    let e = &data.events;
    let events = tx
        .execute(
            "INSERT INTO events (id, contract_id, name, start_at, end_at, support_contact_id, \
                                 location, attendees, notes) \
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], \
                                  $5::timestamptz[], $6::bigint[], $7::text[], $8::integer[], \
                                  $9::text[])",
            &[
                &e.iter().map(|r| r.id).collect::<Vec<_>>(),
                &e.iter().map(|r| r.contract_id).collect::<Vec<_>>(),
                &e.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
                &e.iter().map(|r| r.start_at).collect::<Vec<_>>(),
                &e.iter().map(|r| r.end_at).collect::<Vec<_>>(),
                &e.iter()
                    .map(|r| r.support_contact.and_then(staff_id))
                    .collect::<Vec<_>>(),
                &e.iter().map(|r| r.location.as_deref()).collect::<Vec<_>>(),
                &e.iter().map(|r| r.attendees).collect::<Vec<_>>(),
                &e.iter().map(|r| r.notes.as_deref()).collect::<Vec<_>>(),
            ],
        )
        .await?;

    // So that `show notifications` has something to show Kate on her first login.
    tx.execute(
        "INSERT INTO notifications (employee_id, event_id, message) VALUES ($1, $2, $3)",
        &[
            &staff_id(KATE),
            &WEDDING_EVENT,
            &format!("Event {WEDDING_EVENT} {WEDDING_NAME} was assigned to you"),
        ],
    )
    .await?;

    // The rows above carry their own ids, which identity sequences do not see.
    tx.execute(
        "SELECT setval(pg_get_serial_sequence('clients', 'id'), (SELECT max(id) FROM clients)), \
                setval(pg_get_serial_sequence('contracts', 'id'), \
                       (SELECT max(id) FROM contracts)), \
                setval(pg_get_serial_sequence('events', 'id'), (SELECT max(id) FROM events))",
        &[],
    )
    .await?;

    Ok(DemoReport {
        logins: STAFF
            .iter()
            .map(|s| DemoLogin {
                name: s.name.to_owned(),
                email: s.email.to_owned(),
                department: s.department,
                password: s.password,
            })
            .collect(),
        employees: rows.len() as u64,
        clients,
        contracts,
        events,
    })
}

#[cfg(test)]
mod tests {
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
}

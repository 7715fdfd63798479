//! Data at scale: `epic gen` fills an empty CRM with the demo (SPEC.md's records and the demo
//! staff, through [`demo::load_in`]) and then bulk clients, contracts and events up to a
//! requested total, so that the shell can be tried and timed at the size of a real company.
//!
//! The bulk rows are made by [`Generator`], a pure function of a seed and the server's clock
//! (`fake`'s name lists used as plain pools and a ChaCha8 stream, no per-row `fake` call, so
//! a million events cost the client about two seconds of CPU), and written with binary
//! `COPY`: about a million events in well under a minute. Everything, the demo included, is
//! one transaction, so a failure leaves nothing behind.
//!
//! For the bulk part only, the per-row user triggers of the three big tables are disabled
//! inside the transaction (the department checks cost a query per row and the notification
//! trigger would run a session lookup per event for nothing); the rows are consistent by
//! construction, and one set-wise query checks what the disabled triggers would have checked
//! before they are enabled again. Foreign keys stay on. Row security is forced on these
//! tables, and `COPY FROM` refuses a table whose row security applies to the writer, so it is
//! lifted for the schema owner for the same span. Both changes are `ALTER TABLE`s that hold an
//! exclusive lock until the commit: no other session ever sees the tables without them.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::pin::pin;
use std::time::{Duration as Elapsed, Instant};

use chrono::{DateTime, Duration, NaiveTime, SubsecRound, Utc};
use fake::locales::{Data, EN, FR_FR};
use fake::rand::rngs::ChaCha8Rng;
use fake::rand::seq::IndexedRandom;
use fake::rand::{RngExt, SeedableRng};
use rust_decimal::Decimal;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Transaction};

use crate::demo::{self, DemoError, DemoLogin, Kind};
use crate::error::Exit;

#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("the database already holds clients; generated data is only loaded into an empty CRM")]
    NotEmpty,
    #[error(
        "{what} must be at least {min}, the demo's, since every size contains the demo (given {given})\n\
         help: `epic gen --size S` loads just the demo"
    )]
    TooSmall {
        what: &'static str,
        min: u64,
        given: u64,
    },
    #[error("{what} can be at most {max} (given {given})")]
    TooLarge {
        what: &'static str,
        max: u64,
        given: u64,
    },
    #[error("generated {what} need generated {needs}: ask for more {needs} (`--{needs} N`)")]
    Unreachable {
        what: &'static str,
        needs: &'static str,
    },
    #[error(
        "epic gen must run as the owner of the CRM's tables\n\
         help: connect as the role that ran the migrations (the local database does)"
    )]
    NotOwner,
    #[error("there is no active {department} employee to give the generated rows to")]
    NoStaff { department: &'static str },
    #[error("could not hash the generated staff password")]
    Hash,
    #[error("the generated rows break a rule of the schema ({rule}); nothing was loaded")]
    Inconsistent { rule: &'static str },
    #[error("could not load the demo data")]
    Demo {
        #[source]
        source: DemoError,
    },
    #[error("could not load the generated data")]
    Database {
        #[source]
        source: tokio_postgres::Error,
    },
}

impl GenError {
    pub fn exit(&self) -> Exit {
        match self {
            GenError::NotEmpty => Exit::Conflict,
            GenError::TooSmall { .. }
            | GenError::TooLarge { .. }
            | GenError::Unreachable { .. } => Exit::Usage,
            GenError::NotOwner => Exit::PermissionDenied,
            GenError::NoStaff { .. } => Exit::Validation,
            GenError::Hash
            | GenError::Inconsistent { .. }
            | GenError::Demo { .. }
            | GenError::Database { .. } => Exit::Internal,
        }
    }
}

impl From<DemoError> for GenError {
    fn from(source: DemoError) -> GenError {
        match source {
            DemoError::NotEmpty => GenError::NotEmpty,
            source => GenError::Demo { source },
        }
    }
}

impl From<tokio_postgres::Error> for GenError {
    fn from(source: tokio_postgres::Error) -> GenError {
        GenError::Database { source }
    }
}

/// The totals to reach (the demo's rows count towards them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    pub employees: u64,
    pub clients: u64,
    pub contracts: u64,
    pub events: u64,
}

use demo::{DEMO_CLIENTS, DEMO_CONTRACTS, DEMO_EVENTS};

/// Kept in memory while they are generated (events are streamed): a bound on what one run asks.
const MAX_CLIENTS: u64 = 2_000_000;
const MAX_CONTRACTS: u64 = 6_000_000;
const MAX_EVENTS: u64 = 50_000_000;
const MAX_EMPLOYEES: u64 = 2_000;

impl Targets {
    /// 10,000 clients: a mid-sized agency.
    pub const M: Targets = Targets {
        employees: 30,
        clients: 10_000,
        contracts: 30_000,
        events: 50_000,
    };
    /// 100,000 clients and a million events: the size the indexes are made for.
    pub const L: Targets = Targets {
        employees: 60,
        clients: 100_000,
        contracts: 300_000,
        events: 1_000_000,
    };

    /// `--clients N`: three contracts and ten events per client unless told otherwise.
    pub fn custom(
        clients: u64,
        contracts: Option<u64>,
        events: Option<u64>,
        employees: Option<u64>,
    ) -> Result<Targets, GenError> {
        let targets = Targets {
            employees: employees.unwrap_or(20),
            clients,
            contracts: contracts.unwrap_or(clients.saturating_mul(3)),
            events: events.unwrap_or(clients.saturating_mul(10)),
        };
        for (what, given, min, max) in [
            ("--clients", targets.clients, DEMO_CLIENTS, MAX_CLIENTS),
            (
                "--contracts",
                targets.contracts,
                DEMO_CONTRACTS,
                MAX_CONTRACTS,
            ),
            ("--events", targets.events, DEMO_EVENTS, MAX_EVENTS),
            ("--employees", targets.employees, 0, MAX_EMPLOYEES),
        ] {
            if given < min {
                return Err(GenError::TooSmall { what, min, given });
            }
            if given > max {
                return Err(GenError::TooLarge { what, max, given });
            }
        }
        if targets.contracts > DEMO_CONTRACTS && targets.clients == DEMO_CLIENTS {
            return Err(GenError::Unreachable {
                what: "contracts",
                needs: "clients",
            });
        }
        if targets.events > DEMO_EVENTS && targets.contracts == DEMO_CONTRACTS {
            return Err(GenError::Unreachable {
                what: "events",
                needs: "contracts",
            });
        }
        Ok(targets)
    }
}

/// What [`generate`] wrote, and where the time went.
#[derive(Debug, Clone)]
pub struct GenReport {
    /// The demo's accounts, as `epic demo` prints them.
    pub logins: Vec<DemoLogin>,
    /// The one password every generated employee shares, when there are any.
    pub staff_password: Option<String>,
    pub generated_staff: u64,
    pub employees: u64,
    pub clients: u64,
    pub contracts: u64,
    pub events: u64,
    /// Each step and how long it took, in order.
    pub phases: Vec<(&'static str, Elapsed)>,
}

/// Loads the demo and, with `targets`, bulk rows up to them: ONE transaction, all or nothing.
/// Without `targets` it is exactly `epic demo`.
pub async fn generate(
    client: &mut Client,
    bcrypt_cost: u32,
    seed: u64,
    targets: Option<Targets>,
) -> Result<GenReport, GenError> {
    let mut clock = Phases::start();
    let tx = client.transaction().await?;
    let demo = demo::load_in(&tx, bcrypt_cost, seed).await?;
    clock.lap("demo");
    let mut report = GenReport {
        logins: demo.logins,
        staff_password: None,
        generated_staff: 0,
        employees: demo.employees,
        clients: demo.clients,
        contracts: demo.contracts,
        events: demo.events,
        phases: Vec::new(),
    };
    if let Some(targets) = targets {
        bulk(&tx, bcrypt_cost, seed, targets, &mut report, &mut clock).await?;
    }
    tx.commit().await?;
    clock.lap("commit");
    if targets.is_some() {
        // Outside the transaction (VACUUM cannot run in one): it marks the
        // new pages all-visible, so counts can be answered from indexes
        // alone instead of visiting a million rows.
        client
            .batch_execute("VACUUM employees, clients, contracts, events")
            .await?;
        clock.lap("vacuum");
    }
    report.phases = clock.phases;
    Ok(report)
}

struct Phases {
    last: Instant,
    phases: Vec<(&'static str, Elapsed)>,
}

impl Phases {
    fn start() -> Phases {
        Phases {
            last: Instant::now(),
            phases: Vec::new(),
        }
    }

    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.phases.push((name, now - self.last));
        self.last = now;
    }
}

/// Bulk rows after the demo, in the caller's transaction.
async fn bulk(
    tx: &Transaction<'_>,
    bcrypt_cost: u32,
    seed: u64,
    targets: Targets,
    report: &mut GenReport,
    clock: &mut Phases,
) -> Result<(), GenError> {
    let owner = tx
        .query_one(
            "SELECT bool_and(pg_has_role(current_user, relowner, 'USAGE')) FROM pg_class \
             WHERE oid IN ('clients'::regclass, 'contracts'::regclass, 'events'::regclass)",
            &[],
        )
        .await?;
    if !owner.try_get::<_, Option<bool>>(0)?.unwrap_or(false) {
        return Err(GenError::NotOwner);
    }
    // The same instant the demo used: `now()` is the transaction's start.
    let row = tx
        .query_one(
            "SELECT now(), (SELECT count(*) FROM employees), \
                    (SELECT coalesce(max(id), 0) FROM clients), \
                    (SELECT coalesce(max(id), 0) FROM contracts), \
                    (SELECT coalesce(max(id), 0) FROM events)",
            &[],
        )
        .await?;
    let now: DateTime<Utc> = row.try_get(0)?;
    let employees: i64 = row.try_get(1)?;
    let mut generator = Generator::new(seed, now);

    // Staff: one password, hashed once, for all of them.
    let taken: HashSet<String> = tx
        .query("SELECT lower(email) FROM employees", &[])
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let wanted = targets.employees.saturating_sub(employees as u64);
    let staff = generator.staff(wanted as usize, taken);
    if !staff.is_empty() {
        let password = staff_password(&staff);
        let hash = bcrypt::hash(&password, bcrypt_cost).map_err(|_| GenError::Hash)?;
        let names: Vec<&str> = staff.iter().map(|s| s.full_name.as_str()).collect();
        let emails: Vec<&str> = staff.iter().map(|s| s.email.as_str()).collect();
        let departments: Vec<&str> = staff.iter().map(|s| s.department).collect();
        let added = tx
            .execute(
                "INSERT INTO employees (full_name, email, department, password_hash) \
                 SELECT n, e, d, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(n, e, d)",
                &[&names, &emails, &departments, &hash],
            )
            .await?;
        report.generated_staff = added;
        report.employees += added;
        report.staff_password = Some(password);
    }
    let ids_in = async |department: &str| -> Result<Vec<i64>, GenError> {
        let rows = tx
            .query(
                "SELECT id FROM employees WHERE department = $1 AND active ORDER BY id",
                &[&department],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?)
    };
    let sales = ids_in("sales").await?;
    let support = ids_in("support").await?;
    for (department, ids) in [("sales", &sales), ("support", &support)] {
        if ids.is_empty() {
            return Err(GenError::NoStaff { department });
        }
    }
    clock.lap("staff");

    // Triggers off, row security lifted for the owner: see the module's documentation.
    let forced: Vec<String> = tx
        .query(
            "SELECT relname::text FROM pg_class WHERE relforcerowsecurity \
             AND oid IN ('clients'::regclass, 'contracts'::regclass, 'events'::regclass)",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    for table in BULK_TABLES {
        // Constant table names only.
        let mut sql = format!("ALTER TABLE {table} DISABLE TRIGGER USER");
        if forced.iter().any(|t| t == table) {
            sql.push_str(", NO FORCE ROW LEVEL SECURITY");
        }
        tx.batch_execute(&sql).await?;
    }

    let first_client = row.try_get::<_, i64>(2)? + 1;
    let first_contract = row.try_get::<_, i64>(3)? + 1;
    let first_event = row.try_get::<_, i64>(4)? + 1;
    let existing_emails: HashSet<String> = tx
        .query("SELECT lower(email) FROM clients", &[])
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;

    let clients = generator.clients(
        first_client,
        targets.clients.saturating_sub(report.clients) as usize,
        &sales,
        existing_emails,
    );
    report.clients += copy_clients(tx, &clients).await?;
    clock.lap("clients");

    let contracts = generator.contracts(
        first_contract,
        targets.contracts.saturating_sub(report.contracts) as usize,
        &clients,
    );
    report.contracts += copy_contracts(tx, &contracts).await?;
    clock.lap("contracts");

    let events = targets.events.saturating_sub(report.events) as usize;
    let pools = Pools::new(&clients, &contracts, &support);
    if events > 0 && pools.signed.is_empty() {
        return Err(GenError::Unreachable {
            what: "events",
            needs: "contracts",
        });
    }
    report.events += copy_events(tx, &mut generator, first_event, events, &pools).await?;
    clock.lap("events");

    // What the disabled department triggers would have refused, checked set-wise.
    let check = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM clients c JOIN employees e ON e.id = c.sales_contact_id \
                            WHERE c.id >= $1 AND e.department <> 'sales'), \
                    EXISTS (SELECT 1 FROM events v JOIN employees e ON e.id = v.support_contact_id \
                            WHERE v.id >= $2 AND e.department <> 'support')",
            &[&first_client, &first_event],
        )
        .await?;
    if check.try_get::<_, bool>(0)? {
        return Err(GenError::Inconsistent {
            rule: "a client's sales contact is in sales",
        });
    }
    if check.try_get::<_, bool>(1)? {
        return Err(GenError::Inconsistent {
            rule: "an event's support contact is in support",
        });
    }
    for table in BULK_TABLES {
        let mut sql = format!("ALTER TABLE {table} ENABLE TRIGGER USER");
        if forced.iter().any(|t| t == table) {
            sql.push_str(", FORCE ROW LEVEL SECURITY");
        }
        tx.batch_execute(&sql).await?;
    }
    clock.lap("checks");

    // The rows carry their own ids, which identity sequences do not see.
    tx.batch_execute(
        "SELECT setval(pg_get_serial_sequence('clients', 'id'), (SELECT max(id) FROM clients)), \
                setval(pg_get_serial_sequence('contracts', 'id'), (SELECT max(id) FROM contracts)), \
                setval(pg_get_serial_sequence('events', 'id'), (SELECT max(id) FROM events)); \
         ANALYZE employees, clients, contracts, events",
    )
    .await?;
    clock.lap("analyze");
    Ok(())
}

const BULK_TABLES: [&str; 3] = ["clients", "contracts", "events"];

/// A strong password for the generated staff, that names none of them.
fn staff_password(staff: &[StaffRow]) -> String {
    loop {
        let password = crate::auth::temporary_password();
        if staff
            .iter()
            .all(|s| crate::auth::check_policy(&password, &s.email, &s.full_name).is_ok())
        {
            return password;
        }
    }
}

async fn copy_clients(tx: &Transaction<'_>, rows: &[ClientRow]) -> Result<u64, GenError> {
    let sink = tx
        .copy_in(
            "COPY clients (id, full_name, email, phone, company_name, created_at, \
                           last_contact_at, updated_at, sales_contact_id) \
             FROM STDIN (FORMAT binary)",
        )
        .await?;
    let mut writer = pin!(BinaryCopyInWriter::new(
        sink,
        &[
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMPTZ,
            Type::INT8
        ],
    ));
    for c in rows {
        writer
            .as_mut()
            .write(&[
                &c.id,
                &c.full_name,
                &c.email,
                &c.phone,
                &c.company_name,
                &c.created_at,
                &c.last_contact_at,
                &c.last_contact_at,
                &c.sales_contact_id,
            ])
            .await?;
    }
    Ok(writer.as_mut().finish().await?)
}

async fn copy_contracts(tx: &Transaction<'_>, rows: &[ContractRow]) -> Result<u64, GenError> {
    let sink = tx
        .copy_in(
            "COPY contracts (id, client_id, total, remaining, signed, created_at, updated_at) \
             FROM STDIN (FORMAT binary)",
        )
        .await?;
    let mut writer = pin!(BinaryCopyInWriter::new(
        sink,
        &[
            Type::INT8,
            Type::INT8,
            Type::NUMERIC,
            Type::NUMERIC,
            Type::BOOL,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMPTZ,
        ],
    ));
    for k in rows {
        writer
            .as_mut()
            .write(&[
                &k.id,
                &k.client_id,
                &k.total,
                &k.remaining,
                &k.signed,
                &k.created_at,
                &k.created_at,
            ])
            .await?;
    }
    Ok(writer.as_mut().finish().await?)
}

/// Events are made while they are written: a million rows never sit in memory.
async fn copy_events(
    tx: &Transaction<'_>,
    generator: &mut Generator,
    first_id: i64,
    count: usize,
    pools: &Pools<'_>,
) -> Result<u64, GenError> {
    let sink = tx
        .copy_in(
            "COPY events (id, contract_id, name, start_at, end_at, support_contact_id, location, \
                          attendees, notes, created_at, updated_at) \
             FROM STDIN (FORMAT binary)",
        )
        .await?;
    let mut writer = pin!(BinaryCopyInWriter::new(
        sink,
        &[
            Type::INT8,
            Type::INT8,
            Type::TEXT,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMPTZ,
            Type::INT8,
            Type::TEXT,
            Type::INT4,
            Type::TEXT,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMPTZ,
        ],
    ));
    let mut name = String::new();
    let mut location = String::new();
    for id in (first_id..).take(count) {
        let e = generator.event(id, pools, &mut name, &mut location);
        let values: [&(dyn ToSql + Sync); 11] = [
            &e.id,
            &e.contract_id,
            &name.as_str(),
            &e.start_at,
            &e.end_at,
            &e.support_contact_id,
            &e.location.then_some(location.as_str()),
            &e.attendees,
            &e.notes,
            &e.created_at,
            &e.created_at,
        ];
        writer.as_mut().write(&values).await?;
    }
    Ok(writer.as_mut().finish().await?)
}

/// A generated employee.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StaffRow {
    full_name: String,
    email: String,
    department: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ClientRow {
    id: i64,
    full_name: String,
    email: String,
    phone: Option<String>,
    company_name: Option<String>,
    created_at: DateTime<Utc>,
    last_contact_at: DateTime<Utc>,
    sales_contact_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ContractRow {
    id: i64,
    /// Index of its client in the generated clients.
    client: usize,
    client_id: i64,
    total: Decimal,
    remaining: Decimal,
    signed: bool,
    created_at: DateTime<Utc>,
}

/// An event without its two texts, which go to buffers reused for every row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EventRow {
    id: i64,
    contract_id: i64,
    start_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
    support_contact_id: Option<i64>,
    /// Whether the location buffer holds the event's location.
    location: bool,
    attendees: i32,
    notes: Option<&'static str>,
    created_at: DateTime<Utc>,
}

/// What events are made from: the generated clients and contracts, the signed contracts
/// (by index; events are only held for those) and the support staff.
struct Pools<'a> {
    clients: &'a [ClientRow],
    contracts: &'a [ContractRow],
    signed: Vec<usize>,
    support: &'a [i64],
}

impl<'a> Pools<'a> {
    fn new(clients: &'a [ClientRow], contracts: &'a [ContractRow], support: &'a [i64]) -> Self {
        let signed = (0..contracts.len())
            .filter(|&i| contracts[i].signed)
            .collect();
        Pools {
            clients,
            contracts,
            signed,
            support,
        }
    }
}

/// Company name templates; `{}` is a last name.
const FRENCH_COMPANIES: &[&str] = &[
    "{} & Fils",
    "Maison {}",
    "{} Conseil",
    "Atelier {}",
    "{} SAS",
    "Groupe {}",
    "{} Événements",
    "Cabinet {}",
];
const ENGLISH_COMPANIES: &[&str] = &[
    "{} Inc",
    "{} LLC",
    "{} Group",
    "{} and Sons",
    "{} Partners",
    "{} Labs",
    "{} Holdings",
];

/// Bulk rows from a seed and the server's clock. Pure and deterministic.
struct Generator {
    rng: ChaCha8Rng,
    now: DateTime<Utc>,
}

impl Generator {
    fn new(seed: u64, now: DateTime<Utc>) -> Generator {
        Generator {
            // Not the demo's stream: its own constant, so the bulk rows do not echo the demo's.
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x6765_6e65_7261_7465),
            // Whole seconds, like the demo.
            now: now.trunc_subsecs(0),
        }
    }

    /// `count` employees, a tenth in management and the rest split between sales and support;
    /// emails `first.last@epic.events`, none of `taken` (lowercase).
    fn staff(&mut self, count: usize, mut taken: HashSet<String>) -> Vec<StaffRow> {
        (0..count)
            .map(|i| {
                let first = pick(&mut self.rng, FR_FR::NAME_FIRST_NAME);
                let last = pick(&mut self.rng, FR_FR::NAME_LAST_NAME);
                let local = format!("{}.{}", demo::slug(first), demo::slug(last));
                StaffRow {
                    full_name: format!("{first} {last}"),
                    email: demo::unique_email(&local, "epic.events", &mut taken),
                    department: match i % 10 {
                        0 => "management",
                        1 | 3 | 5 | 7 | 9 => "sales",
                        _ => "support",
                    },
                }
            })
            .collect()
    }

    fn clients(
        &mut self,
        first_id: i64,
        count: usize,
        sales: &[i64],
        mut taken: HashSet<String>,
    ) -> Vec<ClientRow> {
        let rng = &mut self.rng;
        let now = self.now;
        (first_id..)
            .take(count)
            .map(|id| {
                let french = rng.random_bool(0.6);
                let (first, last) = if french {
                    (
                        pick(rng, FR_FR::NAME_FIRST_NAME),
                        pick(rng, FR_FR::NAME_LAST_NAME),
                    )
                } else {
                    (
                        pick(rng, EN::NAME_FIRST_NAME),
                        pick(rng, EN::NAME_LAST_NAME),
                    )
                };
                let company_name = rng.random_bool(0.8).then(|| {
                    let (templates, names) = if french {
                        (FRENCH_COMPANIES, FR_FR::NAME_LAST_NAME)
                    } else {
                        (ENGLISH_COMPANIES, EN::NAME_LAST_NAME)
                    };
                    pick(rng, templates).replace("{}", pick(rng, names))
                });
                let domain = match &company_name {
                    Some(company) => {
                        let tld = if french { "fr" } else { "com" };
                        format!("{}.{tld}", demo::slug(company))
                    }
                    None if french => pick(rng, FR_FR::INTERNET_FREE_EMAIL_PROVIDER).to_owned(),
                    None => pick(rng, EN::INTERNET_FREE_EMAIL_PROVIDER).to_owned(),
                };
                let local = format!("{}.{}", demo::slug(first), demo::slug(last));
                let created_at =
                    demo::between(rng, now - Duration::days(5 * 365), now - Duration::days(20));
                ClientRow {
                    id,
                    full_name: format!("{first} {last}"),
                    email: demo::unique_email(&local, &domain, &mut taken),
                    phone: phone(rng),
                    company_name,
                    created_at,
                    last_contact_at: demo::between(rng, created_at, now),
                    sales_contact_id: pick(rng, sales),
                }
            })
            .collect()
    }

    fn contracts(
        &mut self,
        first_id: i64,
        count: usize,
        clients: &[ClientRow],
    ) -> Vec<ContractRow> {
        if clients.is_empty() {
            return Vec::new();
        }
        let rng = &mut self.rng;
        let now = self.now;
        (first_id..)
            .take(count)
            .enumerate()
            .map(|(i, id)| {
                let client = rng.random_range(0..clients.len());
                let owner = &clients[client];
                // Whole euros mostly, as quotes are; the payments below leave cents.
                let total = rng.random_range(500..=80_000_i64) * 100;
                // The first is always signed so that events always have a contract to go to.
                let signed = rng.random_bool(0.7) || i == 0;
                let remaining = match (signed, rng.random_range(0..5)) {
                    (false, _) | (true, 4) => total,
                    (true, 0 | 1) => 0,
                    (true, _) => rng.random_range(1..total),
                };
                ContractRow {
                    id,
                    client,
                    client_id: owner.id,
                    total: Decimal::new(total, 2),
                    remaining: Decimal::new(remaining, 2),
                    signed,
                    created_at: demo::between(rng, owner.created_at, now - Duration::days(1)),
                }
            })
            .collect()
    }

    /// One event for a signed contract; its name goes to `name` and its location, when it has
    /// one, to `location` (both cleared first).
    fn event(
        &mut self,
        id: i64,
        pools: &Pools<'_>,
        name: &mut String,
        location: &mut String,
    ) -> EventRow {
        let rng = &mut self.rng;
        let now = self.now;
        let contract = &pools.contracts[pick(rng, &pools.signed)];
        let owner = &pools.clients[contract.client];
        let (kinds, host) = match &owner.company_name {
            Some(company) => (demo::COMPANY_EVENTS, company.as_str()),
            None => (demo::PRIVATE_EVENTS, owner.full_name.as_str()),
        };
        let kind: &Kind = kinds.choose(rng).expect("kinds are never empty");
        name.clear();
        let _ = write!(name, "{host} {}", kind.name);
        if name.len() > 200 {
            name.clear();
            name.push_str(kind.name);
        }
        let hours = rng.random_range(kind.hours.0..=kind.hours.1);
        let duration = Duration::hours(hours) + Duration::minutes(30 * rng.random_range(0..2));
        // From two years ago to a year ahead, never before the contract.
        let earliest = (now - Duration::days(730)).max(contract.created_at + Duration::days(1));
        let day = demo::between(rng, earliest, now + Duration::days(365));
        // On the hour or half hour, between 08:00 and 19:30 UTC: daytime in Paris all year.
        // The day is at least one after the contract, so its morning still is after it.
        let midnight = day.date_naive().and_time(NaiveTime::MIN).and_utc();
        let start_at = midnight + Duration::minutes(30 * rng.random_range(16..40));
        let past = start_at < now;
        // Past events had someone; the unassigned ones are mostly ahead, where management acts.
        let assigned = rng.random_bool(if past { 0.97 } else { 0.85 });
        let has_location = rng.random_bool(0.92);
        location.clear();
        if has_location {
            if rng.random_bool(0.4) {
                location.push_str(pick(rng, demo::VENUES));
            } else {
                let number = rng.random_range(1..=180);
                let street = pick(rng, demo::STREETS);
                let city = pick(rng, demo::CITIES);
                let _ = write!(location, "{number} {street}, {city}, France");
            }
        }
        // Zero is how a planner records "head count not known yet"; a few are huge.
        let attendees = match rng.random_range(0..1000) {
            0..=29 => 0,
            30..=31 => rng.random_range(1_000..=100_000),
            _ => rng.random_range(kind.attendees.0..=kind.attendees.1),
        };
        let notes = rng.random_bool(0.75).then(|| pick(rng, demo::NOTES));
        let created_at = demo::between(rng, contract.created_at, start_at.min(now));
        EventRow {
            id,
            contract_id: contract.id,
            start_at,
            end_at: start_at + duration,
            support_contact_id: if assigned {
                Some(pick(rng, pools.support))
            } else {
                None
            },
            location: has_location,
            attendees,
            notes,
            created_at,
        }
    }
}

/// One element of a non-empty slice (every pool here is a non-empty constant or checked).
fn pick<T: Copy>(rng: &mut ChaCha8Rng, from: &[T]) -> T {
    *from.choose(rng).expect("pools are never empty")
}

/// Phones as people type them, within the schema's CHECK (digits, spaces, `+-.()`, 6 to 20
/// digits); one client in ten left none. `N` is a digit other than 0.
fn phone(rng: &mut ChaCha8Rng) -> Option<String> {
    let pattern = match rng.random_range(0..20) {
        0 | 1 => return None,
        2..=9 => "0N XX XX XX XX",
        10..=14 => "+33 N XX XX XX XX",
        15 | 16 => "(NXX) XXX-XXXX",
        17 | 18 => "+1 NXX XXX XXXX",
        _ => "+44 20 NXXX XXXX",
    };
    Some(
        pattern
            .chars()
            .map(|c| match c {
                'N' => char::from(b'1' + rng.random_range(0..9u8)),
                'X' => char::from(b'0' + rng.random_range(0..10u8)),
                other => other,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
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
            let departments = |d: &str| s.staff.iter().filter(|e| e.department == d).count();
            assert!(departments("management") >= 2);
            assert!(departments("sales") > departments("management"));
            assert!(departments("support") > departments("management"));
            let staff_emails: HashSet<&str> = s.staff.iter().map(|e| e.email.as_str()).collect();
            assert_eq!(staff_emails.len(), s.staff.len());
            assert!(!staff_emails.contains("bill@epic.events"));
            assert!(staff_emails.iter().all(|e| email_allowed(e)));

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
    }

    #[test]
    fn custom_sizes_scale_from_the_clients_and_contain_the_demo() {
        assert_eq!(
            Targets::custom(1000, None, None, None).ok(),
            Some(Targets {
                employees: 20,
                clients: 1000,
                contracts: 3000,
                events: 10_000
            })
        );
        assert!(matches!(
            Targets::custom(300, None, None, None),
            Err(GenError::TooSmall { min: 303, .. })
        ));
        assert!(matches!(
            Targets::custom(1000, Some(403), Some(5000), None),
            Err(GenError::Unreachable { .. })
        ));
        assert!(Targets::custom(303, Some(403), Some(252), Some(0)).is_ok());
        assert!(matches!(
            Targets::custom(10_000_000, None, None, None),
            Err(GenError::TooLarge { .. })
        ));
    }
}

//! Data at scale: `epic gen` fills an empty CRM with the demo (SPEC.md's records and the demo
//! staff, through [`demo::load_in`]) and then bulk clients, contracts and events
//! (`data::generate`) up to a requested total, so that the shell can be tried and timed at
//! the size of a real company. Rows go in with binary `COPY` ([`super::copy`]): about a
//! million events in well under a minute. Everything, the demo included, is one
//! transaction, so a failure leaves nothing behind.
//!
//! For the bulk part only, the per-row user triggers of the three big tables are disabled
//! inside the transaction (the department checks cost a query per row and the notification
//! trigger would run a session lookup per event for nothing); the rows are consistent by
//! construction, and one set-wise query checks what the disabled triggers would have checked
//! before they are enabled again. Foreign keys stay on. Row security is forced on these
//! tables, and `COPY FROM` refuses a table whose row security applies to the writer, so it is
//! lifted for the schema owner for the same span. Both changes are `ALTER TABLE`s that hold an
//! exclusive lock until the commit: no other session ever sees the tables without them. The
//! tables' GIN (trigram search) indexes are dropped for the bulk and built again over the
//! loaded rows, from the catalog's own definitions: once over a million rows they cost a
//! fraction of keeping them up row by row.

use std::collections::HashSet;
use std::time::{Duration as Elapsed, Instant};

use chrono::{DateTime, Utc};
use tokio_postgres::{Client, Transaction};

use super::Operator;
use super::copy::{client_values, contract_values, copy, copy_events};
use super::demo::{self, DemoError};
use crate::data::demo::{DEMO_CLIENTS, DEMO_CONTRACTS, DEMO_EVENTS, DemoLogin};
use crate::data::generate::{Generator, Pools, staff_password};
use crate::db::statement::arg;
use crate::exit::Exit;
use crate::model::Entity;
use crate::plan::entity_table;

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
    /// A million clients and ten million events: a company past one server's comfort, where
    /// the listings must still answer at once (the footer's total becomes an estimate).
    pub const XL: Targets = Targets {
        employees: 200,
        clients: 1_000_000,
        contracts: 3_000_000,
        events: 10_000_000,
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
    operator: &mut Operator,
    seed: u64,
    targets: Option<Targets>,
) -> Result<GenReport, GenError> {
    let bcrypt_cost = operator.bcrypt_cost;
    let client: &mut Client = &mut operator.client;
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
    check_owner(tx).await?;
    // The same instant the demo used: `now()` is the transaction's start.
    let row = tx
        .query_typed_one(
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
    let wanted = targets.employees.saturating_sub(employees as u64);
    add_staff(tx, &mut generator, wanted as usize, bcrypt_cost, report).await?;
    let sales = active_ids(tx, "sales").await?;
    let support = active_ids(tx, "support").await?;
    clock.lap("staff");

    // Triggers off, row security lifted for the owner: see the module's documentation.
    let forced = lift_triggers(tx).await?;
    let set_aside = set_aside_search_indexes(tx).await?;
    let first_client = row.try_get::<_, i64>(2)? + 1;
    let first_contract = row.try_get::<_, i64>(3)? + 1;
    let first_event = row.try_get::<_, i64>(4)? + 1;
    let existing_emails = lowercase_emails(tx, "SELECT lower(email) FROM clients").await?;

    let clients = generator.clients(
        first_client,
        targets.clients.saturating_sub(report.clients) as usize,
        &sales,
        existing_emails,
    );
    report.clients += copy(tx, Entity::Client, &clients, client_values).await?;
    clock.lap("clients");

    let contracts = generator.contracts(
        first_contract,
        targets.contracts.saturating_sub(report.contracts) as usize,
        &clients,
    );
    report.contracts += copy(tx, Entity::Contract, &contracts, contract_values).await?;
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

    for definition in &set_aside {
        tx.batch_execute(definition).await?;
    }
    clock.lap("search indexes");

    check_departments(tx, first_client, first_event).await?;
    restore_triggers(tx, &forced).await?;
    clock.lap("checks");

    renumber_and_analyze(tx).await?;
    clock.lap("analyze");
    Ok(())
}

/// The rows carry their own ids, which identity sequences do not see; and
/// the planner's statistics, for the new sizes.
async fn renumber_and_analyze(tx: &Transaction<'_>) -> Result<(), GenError> {
    tx.batch_execute(
        "SELECT setval(pg_get_serial_sequence('clients', 'id'), (SELECT max(id) FROM clients)), \
                setval(pg_get_serial_sequence('contracts', 'id'), (SELECT max(id) FROM contracts)), \
                setval(pg_get_serial_sequence('events', 'id'), (SELECT max(id) FROM events)); \
         ANALYZE employees, clients, contracts, events",
    )
    .await?;
    Ok(())
}

/// `epic gen` changes the tables' triggers and row security: only their owner may.
async fn check_owner(tx: &Transaction<'_>) -> Result<(), GenError> {
    let owner = tx
        .query_typed_one(
            "SELECT bool_and(pg_has_role(current_user, relowner, 'USAGE')) FROM pg_class \
             WHERE oid IN ('clients'::regclass, 'contracts'::regclass, 'events'::regclass)",
            &[],
        )
        .await?;
    if !owner.try_get::<_, Option<bool>>(0)?.unwrap_or(false) {
        return Err(GenError::NotOwner);
    }
    Ok(())
}

/// The generated staff up to `wanted`: one password, hashed once, for all of them.
async fn add_staff(
    tx: &Transaction<'_>,
    generator: &mut Generator,
    wanted: usize,
    bcrypt_cost: u32,
    report: &mut GenReport,
) -> Result<(), GenError> {
    let taken = lowercase_emails(tx, "SELECT lower(email) FROM employees").await?;
    let staff = generator.staff(wanted, taken);
    if staff.is_empty() {
        return Ok(());
    }
    let password = staff_password(&staff);
    let hash = bcrypt::hash(&password, bcrypt_cost).map_err(|_| GenError::Hash)?;
    let names: Vec<&str> = staff.iter().map(|s| s.full_name.as_str()).collect();
    let emails: Vec<&str> = staff.iter().map(|s| s.email.as_str()).collect();
    let departments: Vec<&str> = staff.iter().map(|s| s.department).collect();
    let added = tx
        .execute_typed(
            "INSERT INTO employees (full_name, email, department, password_hash) \
                 SELECT n, e, d, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(n, e, d)",
            &[arg(&names), arg(&emails), arg(&departments), arg(&hash)],
        )
        .await?;
    report.generated_staff = added;
    report.employees += added;
    report.staff_password = Some(password);
    Ok(())
}

/// The emails a query of one `lower(email)` column returns.
async fn lowercase_emails(tx: &Transaction<'_>, sql: &str) -> Result<HashSet<String>, GenError> {
    Ok(tx
        .query_typed(sql, &[])
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?)
}

/// The active employees of `department`, by id; there must be one.
async fn active_ids(tx: &Transaction<'_>, department: &'static str) -> Result<Vec<i64>, GenError> {
    let rows = tx
        .query_typed(
            "SELECT id FROM employees WHERE department = $1 AND active ORDER BY id",
            &[arg(&department)],
        )
        .await?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(GenError::NoStaff { department });
    }
    Ok(ids)
}

/// Disables the user triggers of the bulk tables and lifts forced row security; returns the
/// tables whose row security was forced, to force it again.
async fn lift_triggers(tx: &Transaction<'_>) -> Result<Vec<String>, GenError> {
    let forced: Vec<String> = tx
        .query_typed(
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
    Ok(forced)
}

/// Drops the bulk tables' GIN (trigram search) indexes, and gives the
/// statements that build them again: built once over the loaded rows they
/// cost a fraction of what keeping them up row by row does. Names and
/// definitions come from the catalog; the transaction keeps them safe (a
/// failure rolls the drop back).
async fn set_aside_search_indexes(tx: &Transaction<'_>) -> Result<Vec<String>, GenError> {
    let rows = tx
        .query_typed(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) \
             FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid \
             JOIN pg_am am ON am.oid = x.relam \
             WHERE am.amname = 'gin' \
               AND i.indrelid IN ('clients'::regclass, 'contracts'::regclass, 'events'::regclass)",
            &[],
        )
        .await?;
    let mut definitions = Vec::with_capacity(rows.len());
    for row in &rows {
        let name: String = row.try_get(0)?;
        tx.batch_execute(&format!("DROP INDEX {name}")).await?;
        definitions.push(row.try_get(1)?);
    }
    Ok(definitions)
}

/// What the disabled department triggers would have refused, checked set-wise.
async fn check_departments(
    tx: &Transaction<'_>,
    first_client: i64,
    first_event: i64,
) -> Result<(), GenError> {
    let check = tx
        .query_typed_one(
            "SELECT EXISTS (SELECT 1 FROM clients c JOIN employees e ON e.id = c.sales_contact_id \
                            WHERE c.id >= $1 AND e.department <> 'sales'), \
                    EXISTS (SELECT 1 FROM events v JOIN employees e ON e.id = v.support_contact_id \
                            WHERE v.id >= $2 AND e.department <> 'support')",
            &[arg(&first_client), arg(&first_event)],
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
    Ok(())
}

/// The triggers and forced row security back, as [`lift_triggers`] found them.
async fn restore_triggers(tx: &Transaction<'_>, forced: &[String]) -> Result<(), GenError> {
    for table in BULK_TABLES {
        let mut sql = format!("ALTER TABLE {table} ENABLE TRIGGER USER");
        if forced.iter().any(|t| t == table) {
            sql.push_str(", FORCE ROW LEVEL SECURITY");
        }
        tx.batch_execute(&sql).await?;
    }
    Ok(())
}

/// The tables written with `COPY`.
const BULK_TABLES: [&str; 3] = [
    entity_table(Entity::Client).table,
    entity_table(Entity::Contract).table,
    entity_table(Entity::Event).table,
];

#[cfg(test)]
mod tests {
    use super::*;

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

//! Writing the demo: its rows (`data::demo`) go in with one statement per table, binding whole
//! columns as arrays that PostgreSQL expands with `unnest`: a few round trips instead of a
//! thousand, all in one transaction so a failure leaves nothing behind. The identity
//! sequences are moved past the highest number afterwards so the next record created by
//! hand does not collide.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;

use super::Operator;
use crate::data::demo::{
    Dataset, DemoClient, DemoContract, DemoEvent, DemoLogin, KATE, STAFF, WEDDING_EVENT,
    WEDDING_NAME, dataset, logins,
};
use crate::db::statement::arg;
use crate::model::Entity;
use crate::plan::{ColumnKind, Stored, entity_table};

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

/// What [`load`] wrote: the accounts to show the user and the number of rows per table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub logins: Vec<DemoLogin>,
    pub employees: u64,
    pub clients: u64,
    pub contracts: u64,
    pub events: u64,
}

/// Loads everything in ONE transaction (all or nothing), as the operator. `seed` makes the
/// generated part deterministic.
pub async fn load(operator: &mut Operator, seed: u64) -> Result<DemoReport, DemoError> {
    let bcrypt_cost = operator.bcrypt_cost;
    let tx = operator.client.transaction().await.map_err(database)?;
    let report = load_in(&tx, bcrypt_cost, seed).await?;
    tx.commit().await.map_err(database)?;
    Ok(report)
}

/// What [`load`] does, in a transaction the caller owns and commits: `epic gen` writes the demo
/// and its bulk rows in one transaction, so that a failure leaves nothing of either.
pub(super) async fn load_in(
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
        .query_typed_one("SELECT EXISTS (SELECT 1 FROM clients), now()", &[])
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
    let staff_ids = insert_staff(tx, hashes).await?;
    // An email the insert did not return cannot happen; binding NULL would let the NOT NULL
    // constraint or the department trigger report it rather than a panic here.
    let staff_id = |email: &str| staff_ids.get(email).copied();
    let clients = insert_clients(tx, &data.clients, &staff_id).await?;
    let contracts = insert_contracts(tx, &data.contracts).await?;
    let events = insert_events(tx, &data.events, &staff_id).await?;

    // So that `show notifications` has something to show Kate on her first
    // login, in the words the database's trigger uses (sql/0013) for what a
    // manager, the first of the staff, did.
    let manager = STAFF[0].name;
    tx.execute_typed(
        "INSERT INTO notifications (employee_id, event_id, message) VALUES ($1, $2, $3)",
        &[
            arg(&staff_id(KATE)),
            arg(&WEDDING_EVENT),
            arg(&format!(
                "{manager} assigned you event {WEDDING_EVENT} {WEDDING_NAME}"
            )),
        ],
    )
    .await?;

    // The demo's records are a Paris company's: its times read as Paris times anywhere.
    tx.execute_typed(
        "UPDATE company_settings SET time_zone = 'Europe/Paris'",
        &[],
    )
    .await?;

    // The rows above carry their own ids, which identity sequences do not see.
    tx.execute_typed(
        "SELECT setval(pg_get_serial_sequence('clients', 'id'), (SELECT max(id) FROM clients)), \
                setval(pg_get_serial_sequence('contracts', 'id'), \
                       (SELECT max(id) FROM contracts)), \
                setval(pg_get_serial_sequence('events', 'id'), (SELECT max(id) FROM events))",
        &[],
    )
    .await?;

    Ok(DemoReport {
        logins: logins(),
        employees: staff_ids.len() as u64,
        clients,
        contracts,
        events,
    })
}

/// The demo staff, with their hashed passwords; the ids the database gave them, by email.
async fn insert_staff(
    tx: &Transaction<'_>,
    hashes: &HashMap<&'static str, String>,
) -> Result<HashMap<String, i64>, tokio_postgres::Error> {
    let names: Vec<&str> = STAFF.iter().map(|s| s.name).collect();
    let emails: Vec<&str> = STAFF.iter().map(|s| s.email).collect();
    let departments: Vec<&str> = STAFF.iter().map(|s| s.department).collect();
    let password_hashes: Vec<Option<&str>> = STAFF
        .iter()
        .map(|s| hashes.get(s.password).map(String::as_str))
        .collect();
    let sql = format!(
        "{} RETURNING id, email",
        insert_unnest(Entity::Employee, &[], &[])
    );
    let rows = tx
        .query_typed(
            &sql,
            &[
                arg(&names),
                arg(&emails),
                arg(&departments),
                arg(&password_hashes),
            ],
        )
        .await?;
    let mut staff_ids: HashMap<String, i64> = HashMap::new();
    for row in &rows {
        staff_ids.insert(row.try_get(1)?, row.try_get(0)?);
    }
    Ok(staff_ids)
}

/// A demo client was last updated when last contacted.
const CLIENT_COPIES: &[(&str, &str)] = &[("updated_at", "last_contact_at")];
/// A demo contract was last updated when created.
const CONTRACT_COPIES: &[(&str, &str)] = &[("updated_at", "created_at")];
/// A demo event is created and updated when it is loaded.
const EVENT_DEFAULTS: &[&str] = &["created_at", "updated_at"];

/// `INSERT INTO table (columns) SELECT ... FROM unnest($1::type[], ...)`: the stored columns of
/// the entity's table but those `left` to their default, one array parameter each in their
/// order, except each `(column, source)` of `copies`, written from `source`'s array.
fn insert_unnest(entity: Entity, copies: &[(&str, &str)], left: &[&str]) -> String {
    let table = entity_table(entity);
    let columns: Vec<&Stored> = table
        .stored
        .iter()
        .filter(|column| !left.contains(&column.name))
        .collect();
    let copied = |name: &str| {
        copies
            .iter()
            .find(|(to, _)| *to == name)
            .map(|(_, from)| *from)
    };
    let given: Vec<&Stored> = columns
        .iter()
        .copied()
        .filter(|column| copied(column.name).is_none())
        .collect();
    let names = |columns: &[&Stored]| -> String {
        let names: Vec<&str> = columns.iter().map(|column| column.name).collect();
        names.join(", ")
    };
    let arrays: Vec<String> = given
        .iter()
        .enumerate()
        .map(|(at, column)| format!("${}::{}[]", at + 1, sql_type(column.kind)))
        .collect();
    let into = format!("INSERT INTO {} ({})", table.table, names(&columns));
    if copies.is_empty() {
        return format!("{into} SELECT * FROM unnest({})", arrays.join(", "));
    }
    let select: Vec<&str> = columns
        .iter()
        .map(|column| copied(column.name).unwrap_or(column.name))
        .collect();
    format!(
        "{into} SELECT {} FROM unnest({}) AS t({})",
        select.join(", "),
        arrays.join(", "),
        names(&given)
    )
}

fn sql_type(kind: ColumnKind) -> &'static str {
    match kind {
        ColumnKind::Id => "bigint",
        ColumnKind::Integer => "integer",
        ColumnKind::Text => "text",
        ColumnKind::Money => "numeric",
        ColumnKind::Bool => "boolean",
        ColumnKind::Timestamp | ColumnKind::Moment => "timestamptz",
        ColumnKind::Json => "jsonb",
    }
}

async fn insert_clients(
    tx: &Transaction<'_>,
    c: &[DemoClient],
    staff_id: &impl Fn(&str) -> Option<i64>,
) -> Result<u64, tokio_postgres::Error> {
    tx.execute_typed(
        &insert_unnest(Entity::Client, CLIENT_COPIES, &[]),
        &[
            arg(&c.iter().map(|r| r.id).collect::<Vec<_>>()),
            arg(&c.iter().map(|r| r.full_name.as_str()).collect::<Vec<_>>()),
            arg(&c.iter().map(|r| r.email.as_str()).collect::<Vec<_>>()),
            arg(&c.iter().map(|r| r.phone.as_deref()).collect::<Vec<_>>()),
            arg(&c
                .iter()
                .map(|r| r.company_name.as_deref())
                .collect::<Vec<_>>()),
            arg(&c.iter().map(|r| r.created_at).collect::<Vec<_>>()),
            arg(&c.iter().map(|r| r.last_contact_at).collect::<Vec<_>>()),
            arg(&c
                .iter()
                .map(|r| staff_id(r.sales_contact))
                .collect::<Vec<_>>()),
        ],
    )
    .await
}

async fn insert_contracts(
    tx: &Transaction<'_>,
    k: &[DemoContract],
) -> Result<u64, tokio_postgres::Error> {
    tx.execute_typed(
        &insert_unnest(Entity::Contract, CONTRACT_COPIES, &[]),
        &[
            arg(&k.iter().map(|r| r.id).collect::<Vec<_>>()),
            arg(&k.iter().map(|r| r.client_id).collect::<Vec<_>>()),
            arg(&k.iter().map(|r| r.total).collect::<Vec<_>>()),
            arg(&k.iter().map(|r| r.remaining).collect::<Vec<_>>()),
            arg(&k.iter().map(|r| r.signed).collect::<Vec<_>>()),
            arg(&k.iter().map(|r| r.created_at).collect::<Vec<_>>()),
        ],
    )
    .await
}

async fn insert_events(
    tx: &Transaction<'_>,
    e: &[DemoEvent],
    staff_id: &impl Fn(&str) -> Option<i64>,
) -> Result<u64, tokio_postgres::Error> {
    tx.execute_typed(
        &insert_unnest(Entity::Event, &[], EVENT_DEFAULTS),
        &[
            arg(&e.iter().map(|r| r.id).collect::<Vec<_>>()),
            arg(&e.iter().map(|r| r.contract_id).collect::<Vec<_>>()),
            arg(&e.iter().map(|r| r.name.as_str()).collect::<Vec<_>>()),
            arg(&e.iter().map(|r| r.start_at).collect::<Vec<_>>()),
            arg(&e.iter().map(|r| r.end_at).collect::<Vec<_>>()),
            arg(&e
                .iter()
                .map(|r| r.support_contact.and_then(staff_id))
                .collect::<Vec<_>>()),
            arg(&e.iter().map(|r| r.location.as_deref()).collect::<Vec<_>>()),
            arg(&e.iter().map(|r| r.attendees).collect::<Vec<_>>()),
            arg(&e.iter().map(|r| r.notes.as_deref()).collect::<Vec<_>>()),
        ],
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inserts_name_the_stored_columns_of_the_entity_tables() {
        assert_eq!(
            insert_unnest(Entity::Employee, &[], &[]),
            "INSERT INTO employees (full_name, email, department, password_hash) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])"
        );
        assert_eq!(
            insert_unnest(Entity::Client, CLIENT_COPIES, &[]),
            "INSERT INTO clients (id, full_name, email, phone, company_name, created_at, \
                                  last_contact_at, updated_at, sales_contact_id) \
             SELECT id, full_name, email, phone, company_name, created_at, \
                    last_contact_at, last_contact_at, sales_contact_id \
             FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], \
                         $6::timestamptz[], $7::timestamptz[], $8::bigint[]) \
                  AS t(id, full_name, email, phone, company_name, created_at, \
                       last_contact_at, sales_contact_id)"
        );
        assert_eq!(
            insert_unnest(Entity::Contract, CONTRACT_COPIES, &[]),
            "INSERT INTO contracts (id, client_id, total, remaining, signed, created_at, \
                                    updated_at) \
             SELECT id, client_id, total, remaining, signed, created_at, created_at \
             FROM unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::numeric[], \
                         $5::boolean[], $6::timestamptz[]) \
                  AS t(id, client_id, total, remaining, signed, created_at)"
        );
        assert_eq!(
            insert_unnest(Entity::Event, &[], EVENT_DEFAULTS),
            "INSERT INTO events (id, contract_id, name, start_at, end_at, support_contact_id, \
                                 location, attendees, notes) \
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], \
                                  $5::timestamptz[], $6::bigint[], $7::text[], $8::integer[], \
                                  $9::text[])"
        );
    }
}

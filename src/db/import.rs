//! What `import events` asks the database, inside the command's
//! transaction as the application role (so row security, the triggers and
//! the checks decide every write as for the commands): the records a chunk
//! of the sheet names, looked up a set at a time, and the writes of its
//! plan, a statement per kind of write (`unnest`ed arrays). Each statement
//! first sets `epic.import_rows` (each record's sheet row), so that the
//! audit trigger (sql/0018) files every record under its row.

use chrono::{DateTime, Utc};

use super::statement::{Arg, arg};
use super::{Database, DbError};

/// An event as stored, with its contract's client (what a row is checked
/// against).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub id: i64,
    pub name: String,
    pub contract: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub support: Option<i64>,
    pub location: Option<String>,
    pub attendees: i64,
    pub notes: Option<String>,
    pub client: StoredClient,
}

/// A contract as stored, with its client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredContract {
    pub id: i64,
    pub signed: bool,
    pub client: StoredClient,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClient {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub company: Option<String>,
}

impl StoredClient {
    /// The client in `row`'s columns from `first` on (id, name, email, company).
    fn at(row: &tokio_postgres::Row, first: usize) -> StoredClient {
        StoredClient {
            id: row.get(first),
            name: row.get(first + 1),
            email: row.get(first + 2),
            company: row.get(first + 3),
        }
    }
}

impl StoredEvent {
    /// An event as [`EVENT_COLUMNS`] select it.
    fn of(row: &tokio_postgres::Row) -> StoredEvent {
        StoredEvent {
            id: row.get(0),
            name: row.get(1),
            contract: row.get(2),
            start: row.get(3),
            end: row.get(4),
            support: row.get(5),
            location: row.get(6),
            attendees: i64::from(row.get::<_, i32>(7)),
            notes: row.get(8),
            client: StoredClient::at(row, 9),
        }
    }
}

/// An active salesperson or support employee, whom a sheet names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: i64,
    pub name: String,
    pub department: String,
}

/// A client to create.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub row: usize,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub sales: i64,
}

/// A contract to create, with the sheet's number: signed (its events
/// happened), its amounts zero until someone enters them.
#[derive(Debug, Clone)]
pub struct ContractRow {
    pub row: usize,
    pub id: i64,
    pub client: i64,
}

/// An event's stored fields, as a create writes them or an update sets
/// them (an update sets only the fields in `changed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventValues {
    pub name: String,
    pub contract: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub support: Option<i64>,
    pub location: Option<String>,
    pub attendees: i64,
    pub notes: Option<String>,
}

/// A field of `events` an update may set; its place is its bit in
/// [`UPDATE_EVENTS`]'s mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventColumn {
    Name,
    Contract,
    Start,
    End,
    Support,
    Location,
    Attendees,
    Notes,
}

/// An event to create (`id` the sheet's number, if it gives one) or to
/// update (`id` given, `changed` the columns to set).
#[derive(Debug, Clone)]
pub struct EventRow {
    pub row: usize,
    pub id: Option<i64>,
    pub values: EventValues,
    pub changed: Vec<EventColumn>,
}

/// A write the database refused, and the sheet's row it was for.
#[derive(Debug)]
pub struct RefusedRow {
    pub row: usize,
    pub error: DbError,
}

/// Names the sheet for the trail and the policies, and moves the numbering
/// past the sheet's numbers, in one statement.
const BEGIN_IMPORT: &str =
    "SELECT set_config('epic.import_file', $1, true), epic_import_reserve($2, $3)";
const SAVEPOINT: &str = "SAVEPOINT epic_import";
const ROLLBACK_TO_SAVEPOINT: &str = "ROLLBACK TO SAVEPOINT epic_import";
const CHUNK_SAVEPOINT: &str = "SAVEPOINT epic_import_chunk";
const CHUNK_ROLLBACK: &str = "ROLLBACK TO SAVEPOINT epic_import_chunk";
const CHUNK_RELEASE: &str = "RELEASE SAVEPOINT epic_import_chunk";

const EVENT_COLUMNS: &str = "e.id, e.name, e.contract_id, e.start_at, e.end_at, \
     e.support_contact_id, e.location, e.attendees, e.notes, \
     c.id, c.full_name, c.email, c.company_name";
const EVENT_FROM: &str = "events e JOIN contracts k ON k.id = e.contract_id \
     JOIN clients c ON c.id = k.client_id";

const STAFF: &str = "SELECT id, full_name, department FROM employees \
     WHERE active AND department IN ('sales', 'support') ORDER BY id";

const CONTRACTS: &str = "SELECT k.id, k.signed, c.id, c.full_name, c.email, c.company_name \
     FROM contracts k JOIN clients c ON c.id = k.client_id WHERE k.id = ANY($1)";

const CLIENTS: &str = "SELECT c.id, c.full_name, c.email, c.company_name FROM clients c \
     WHERE c.id = ANY (ARRAY(SELECT epic_clients_with_emails($1)))";

/// Numbers for the new clients and the events the sheet does not number,
/// taken before they are written, so that the statement writing them can
/// say which sheet row each number is.
const NUMBERS: &str = "SELECT ARRAY(SELECT nextval(pg_get_serial_sequence('clients', 'id')) \
     FROM generate_series(1, $1)), ARRAY(SELECT nextval(pg_get_serial_sequence('events', 'id')) \
     FROM generate_series(1, $2))";

/// Each write names its rows' sheet rows (`$1`, {"number": row}) for the
/// audit trigger, in the same statement.
const INSERT_CLIENTS: &str = "WITH mark AS (SELECT set_config('epic.import_rows', $1, true)) \
     INSERT INTO clients (id, full_name, email, phone, company_name, sales_contact_id) \
     SELECT u.* FROM mark, unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], \
     $7::bigint[]) AS u";

const INSERT_CONTRACTS: &str = "WITH mark AS (SELECT set_config('epic.import_rows', $1, true)) \
     INSERT INTO contracts (id, client_id, total, remaining, signed) \
     SELECT u.id, u.client, 0, 0, true FROM mark, unnest($2::bigint[], $3::bigint[]) AS u(id, client)";

const INSERT_EVENTS: &str = "WITH mark AS (SELECT set_config('epic.import_rows', $1, true)) \
     INSERT INTO events (id, name, contract_id, start_at, end_at, support_contact_id, location, \
     attendees, notes) SELECT u.* FROM mark, unnest($2::bigint[], $3::text[], $4::bigint[], \
     $5::timestamptz[], $6::timestamptz[], $7::bigint[], $8::text[], $9::integer[], $10::text[]) AS u";

/// Sets, of each event, the fields its bit in `changed` names (in
/// [`EventColumn`]'s order), and leaves the others as they are now.
const UPDATE_EVENTS: &str = "WITH mark AS (SELECT set_config('epic.import_rows', $1, true)) \
     UPDATE events e SET \
     name = CASE WHEN u.changed & 1 <> 0 THEN u.name ELSE e.name END, \
     contract_id = CASE WHEN u.changed & 2 <> 0 THEN u.contract ELSE e.contract_id END, \
     start_at = CASE WHEN u.changed & 4 <> 0 THEN u.start_at ELSE e.start_at END, \
     end_at = CASE WHEN u.changed & 8 <> 0 THEN u.end_at ELSE e.end_at END, \
     support_contact_id = CASE WHEN u.changed & 16 <> 0 THEN u.support ELSE e.support_contact_id END, \
     location = CASE WHEN u.changed & 32 <> 0 THEN u.location ELSE e.location END, \
     attendees = CASE WHEN u.changed & 64 <> 0 THEN u.attendees ELSE e.attendees END, \
     notes = CASE WHEN u.changed & 128 <> 0 THEN u.notes ELSE e.notes END, \
     updated_at = now() \
     FROM mark, unnest($2::bigint[], $3::integer[], $4::text[], $5::bigint[], $6::timestamptz[], \
     $7::timestamptz[], $8::bigint[], $9::text[], $10::integer[], $11::text[]) \
     AS u(id, changed, name, contract, start_at, end_at, support, location, attendees, notes) \
     WHERE e.id = u.id";

/// The writes of one chunk of the sheet, numbered: new clients, new
/// contracts (their clients' numbers known), new events, changed events.
#[derive(Debug, Default)]
pub struct ChunkWrites {
    pub clients: Vec<(i64, ClientRow)>,
    pub contracts: Vec<ContractRow>,
    pub created: Vec<(i64, EventRow)>,
    pub updated: Vec<EventRow>,
}

impl Database {
    /// Starts an import: names the file for the audit trail and marks
    /// where a dry run rolls back to.
    pub async fn begin_import(
        &mut self,
        file: &str,
        highest_contract: i64,
        highest_event: i64,
    ) -> Result<(), DbError> {
        let client = self.session().await?;
        client
            .execute_typed(
                BEGIN_IMPORT,
                &[arg(&file), arg(&highest_contract), arg(&highest_event)],
            )
            .await?;
        client.batch_execute(SAVEPOINT).await?;
        Ok(())
    }

    /// Ends an import: a dry run takes back everything it wrote.
    pub async fn end_import(&mut self, apply: bool) -> Result<(), DbError> {
        if !apply {
            let client = self.session().await?;
            client.batch_execute(ROLLBACK_TO_SAVEPOINT).await?;
        }
        Ok(())
    }

    /// The active salespeople and support employees.
    pub async fn import_staff(&mut self) -> Result<Vec<StaffMember>, DbError> {
        let client = self.session().await?;
        let rows = client.query_typed(STAFF, &[]).await?;
        Ok(rows
            .iter()
            .map(|row| StaffMember {
                id: row.get(0),
                name: row.get(1),
                department: row.get(2),
            })
            .collect())
    }

    /// The events numbered `ids`.
    pub async fn events_numbered(&mut self, ids: &[i64]) -> Result<Vec<StoredEvent>, DbError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!("SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} WHERE e.id = ANY($1)");
        let rows = self.import_rows(&sql, &[arg(&ids)]).await?;
        Ok(rows.iter().map(StoredEvent::of).collect())
    }

    /// The events with these names, contracts and starts (the keys of
    /// rows that give no number, to the second), one key per position.
    pub async fn events_keyed(
        &mut self,
        names: &[String],
        contracts: &[i64],
        starts: &[DateTime<Utc>],
    ) -> Result<Vec<StoredEvent>, DbError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM {EVENT_FROM} \
             JOIN unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS key(name, contract, start_at) \
             ON e.name = key.name AND e.contract_id = key.contract \
             AND date_trunc('second', e.start_at) = key.start_at"
        );
        let rows = self
            .import_rows(&sql, &[arg(&names), arg(&contracts), arg(&starts)])
            .await?;
        Ok(rows.iter().map(StoredEvent::of).collect())
    }

    /// The contracts numbered `ids`, with their clients.
    pub async fn contracts_numbered(
        &mut self,
        ids: &[i64],
    ) -> Result<Vec<StoredContract>, DbError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.import_rows(CONTRACTS, &[arg(&ids)]).await?;
        Ok(rows
            .iter()
            .map(|row| StoredContract {
                id: row.get(0),
                signed: row.get(1),
                client: StoredClient::at(row, 2),
            })
            .collect())
    }

    /// The clients whose emails are `emails` (lower case), case aside.
    pub async fn clients_emailed(
        &mut self,
        emails: &[String],
    ) -> Result<Vec<StoredClient>, DbError> {
        if emails.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.import_rows(CLIENTS, &[arg(&emails)]).await?;
        Ok(rows.iter().map(|row| StoredClient::at(row, 0)).collect())
    }

    async fn import_rows(
        &mut self,
        sql: &str,
        params: &[Arg<'_>],
    ) -> Result<Vec<tokio_postgres::Row>, DbError> {
        let client = self.session().await?;
        Ok(client.query_typed(sql, params).await?)
    }

    /// Numbers for `clients` new clients and `events` unnumbered events.
    pub async fn import_numbers(
        &mut self,
        clients: usize,
        events: usize,
    ) -> Result<(Vec<i64>, Vec<i64>), DbError> {
        let client = self.session().await?;
        let counts = [count(clients), count(events)];
        let row = client
            .query_typed_one(NUMBERS, &[arg(&counts[0]), arg(&counts[1])])
            .await?;
        Ok((row.get(0), row.get(1)))
    }

    /// Writes a chunk, a statement per kind of write. If the database
    /// refuses one, the chunk is taken back and written again a row at a
    /// time, to name the row it refuses.
    pub async fn import_chunk(&mut self, writes: &ChunkWrites) -> Result<(), RefusedRow> {
        let first = writes
            .clients
            .first()
            .map(|(_, c)| c.row)
            .unwrap_or_default();
        let session = self.session().await.map_err(at(first))?;
        session
            .batch_execute(CHUNK_SAVEPOINT)
            .await
            .map_err(|e| at(first)(e.into()))?;
        let whole = write_chunk(session, writes).await;
        let outcome = match whole {
            Ok(()) => Ok(()),
            Err(whole) => {
                session
                    .batch_execute(CHUNK_ROLLBACK)
                    .await
                    .map_err(|e| at(first)(e.into()))?;
                // Refused as a whole but row by row accepted: the chunk's
                // first row is named.
                Err(row_by_row(session, writes)
                    .await
                    .unwrap_or_else(|| at(first)(whole.into())))
            }
        };
        outcome?;
        session
            .batch_execute(CHUNK_RELEASE)
            .await
            .map_err(|e| at(first)(e.into()))
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// `{"number": row, ...}`: numbers only, so no text of the sheet.
fn rows_of<'a>(pairs: impl Iterator<Item = (i64, usize)> + 'a) -> String {
    let pairs: Vec<String> = pairs.map(|(id, row)| format!("\"{id}\":{row}")).collect();
    format!("{{{}}}", pairs.join(","))
}

async fn write_chunk(
    session: &deadpool_postgres::Object,
    w: &ChunkWrites,
) -> Result<(), tokio_postgres::Error> {
    write_clients(session, &w.clients).await?;
    write_contracts(session, &w.contracts).await?;
    write_created(session, &w.created).await?;
    write_updated(session, &w.updated).await
}

async fn write_clients(
    session: &deadpool_postgres::Object,
    clients: &[(i64, ClientRow)],
) -> Result<(), tokio_postgres::Error> {
    if !clients.is_empty() {
        let rows = rows_of(clients.iter().map(|(id, c)| (*id, c.row)));
        let ids: Vec<i64> = clients.iter().map(|(id, _)| *id).collect();
        let names: Vec<&str> = clients.iter().map(|(_, c)| c.name.as_str()).collect();
        let emails: Vec<&str> = clients.iter().map(|(_, c)| c.email.as_str()).collect();
        let phones: Vec<Option<&str>> = clients.iter().map(|(_, c)| c.phone.as_deref()).collect();
        let companies: Vec<Option<&str>> =
            clients.iter().map(|(_, c)| c.company.as_deref()).collect();
        let sales: Vec<i64> = clients.iter().map(|(_, c)| c.sales).collect();
        session
            .execute_typed(
                INSERT_CLIENTS,
                &[
                    arg(&rows),
                    arg(&ids),
                    arg(&names),
                    arg(&emails),
                    arg(&phones),
                    arg(&companies),
                    arg(&sales),
                ],
            )
            .await?;
    }
    Ok(())
}

async fn write_contracts(
    session: &deadpool_postgres::Object,
    contracts: &[ContractRow],
) -> Result<(), tokio_postgres::Error> {
    if !contracts.is_empty() {
        let rows = rows_of(contracts.iter().map(|c| (c.id, c.row)));
        let ids: Vec<i64> = contracts.iter().map(|c| c.id).collect();
        let clients: Vec<i64> = contracts.iter().map(|c| c.client).collect();
        session
            .execute_typed(INSERT_CONTRACTS, &[arg(&rows), arg(&ids), arg(&clients)])
            .await?;
    }
    Ok(())
}

async fn write_created(
    session: &deadpool_postgres::Object,
    created: &[(i64, EventRow)],
) -> Result<(), tokio_postgres::Error> {
    if !created.is_empty() {
        let rows = rows_of(created.iter().map(|(id, e)| (*id, e.row)));
        let ids: Vec<i64> = created.iter().map(|(id, _)| *id).collect();
        let v = Columns::of(created.iter().map(|(_, e)| e));
        session
            .execute_typed(
                INSERT_EVENTS,
                &[&[arg(&rows), arg(&ids)][..], &v.args()].concat(),
            )
            .await?;
    }
    Ok(())
}

async fn write_updated(
    session: &deadpool_postgres::Object,
    updated: &[EventRow],
) -> Result<(), tokio_postgres::Error> {
    if !updated.is_empty() {
        let rows = rows_of(updated.iter().map(|e| (e.id.unwrap_or_default(), e.row)));
        let ids: Vec<i64> = updated.iter().map(|e| e.id.unwrap_or_default()).collect();
        let changed: Vec<i32> = updated.iter().map(|e| changed_bits(&e.changed)).collect();
        let v = Columns::of(updated.iter());
        session
            .execute_typed(
                UPDATE_EVENTS,
                &[&[arg(&rows), arg(&ids), arg(&changed)][..], &v.args()].concat(),
            )
            .await?;
    }
    Ok(())
}

/// The chunk again, one row per statement, in the order the chunk wrote
/// them, until the database refuses one: that row, and why.
async fn row_by_row(session: &deadpool_postgres::Object, w: &ChunkWrites) -> Option<RefusedRow> {
    let refused = |row: usize, error: tokio_postgres::Error| {
        Some(RefusedRow {
            row,
            error: error.into(),
        })
    };
    for one in w.clients.chunks(1) {
        if let Err(error) = write_clients(session, one).await {
            return refused(one[0].1.row, error);
        }
    }
    for one in w.contracts.chunks(1) {
        if let Err(error) = write_contracts(session, one).await {
            return refused(one[0].row, error);
        }
    }
    for one in w.created.chunks(1) {
        if let Err(error) = write_created(session, one).await {
            return refused(one[0].1.row, error);
        }
    }
    for one in w.updated.chunks(1) {
        if let Err(error) = write_updated(session, one).await {
            return refused(one[0].row, error);
        }
    }
    None
}

/// The bits of [`UPDATE_EVENTS`]'s `changed`.
fn changed_bits(changed: &[EventColumn]) -> i32 {
    changed.iter().map(|column| 1 << (*column as i32)).sum()
}

/// Events' values, a column at a time (as `unnest` takes them).
struct Columns<'a> {
    names: Vec<&'a str>,
    contracts: Vec<i64>,
    starts: Vec<DateTime<Utc>>,
    ends: Vec<DateTime<Utc>>,
    supports: Vec<Option<i64>>,
    locations: Vec<Option<&'a str>>,
    attendees: Vec<i32>,
    notes: Vec<Option<&'a str>>,
}

impl<'a> Columns<'a> {
    /// The columns as the statements' parameters after the rows and ids,
    /// in `INSERT_EVENTS`' and `UPDATE_EVENTS`' order.
    fn args(&self) -> [Arg<'_>; 8] {
        [
            arg(&self.names),
            arg(&self.contracts),
            arg(&self.starts),
            arg(&self.ends),
            arg(&self.supports),
            arg(&self.locations),
            arg(&self.attendees),
            arg(&self.notes),
        ]
    }

    fn of(events: impl Iterator<Item = &'a EventRow>) -> Columns<'a> {
        let mut c = Columns {
            names: Vec::new(),
            contracts: Vec::new(),
            starts: Vec::new(),
            ends: Vec::new(),
            supports: Vec::new(),
            locations: Vec::new(),
            attendees: Vec::new(),
            notes: Vec::new(),
        };
        for event in events {
            let v = &event.values;
            c.names.push(&v.name);
            c.contracts.push(v.contract);
            c.starts.push(v.start);
            c.ends.push(v.end);
            c.supports.push(v.support);
            c.locations.push(v.location.as_deref());
            c.attendees
                .push(i32::try_from(v.attendees).unwrap_or(i32::MAX));
            c.notes.push(v.notes.as_deref());
        }
        c
    }
}

fn at(row: usize) -> impl Fn(DbError) -> RefusedRow {
    move |error| RefusedRow { row, error }
}

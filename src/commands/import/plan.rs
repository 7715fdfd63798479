//! What one row of the sheet does to the CRM, decided from the records
//! its chunk names (looked up beforehand) and what earlier rows planned:
//! its event found (by number, else by name, contract and start) and
//! updated field by field, or created, with its contract and client found
//! or created (a client by email); or the reason it cannot be taken. No
//! I/O: the caller looks up, writes and prints.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::db::import::{
    ClientRow, ContractRow, EventColumn, EventRow, EventValues, StaffMember, StoredClient,
    StoredContract, StoredEvent,
};
use crate::import::{ImportField, ImportRow, RowError};

/// A row the import cannot take, and why (the other rows still go in).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Skip {
    #[error("{0}")]
    Read(crate::import::RowProblem),
    #[error("no active {department} employee is named `{name}`{}", closest_list(.closest))]
    NoEmployee {
        department: &'static str,
        name: String,
        closest: Vec<String>,
    },
    #[error(
        "client {email} is new and nothing names its salesperson: add a `sales` column, \
         or name one for the whole sheet with `sales NAME` (`--sales NAME`)"
    )]
    NoSales { email: String },
    #[error("`contract` is missing: a new event needs its contract's number")]
    NoContract,
    #[error(
        "contract {contract} is new, and the row names no client email (a `client_email` \
         column, or an email in the contact cell) to find or create its client by"
    )]
    NoClientEmail { contract: i64 },
    #[error("client {email} is new, and the row gives no `client_name` for it")]
    NoClientName { email: String },
    #[error("contract {contract} is {owner}'s, not this row's client")]
    ContractOfAnother { contract: i64, owner: String },
    #[error("contract {contract} is not signed: an event needs a signed contract")]
    Unsigned { contract: i64 },
    #[error(
        "event {id} is {owner}'s, not this row's client: an import changes events, \
         not whom they are for"
    )]
    ClientOfEvent { id: i64, owner: String },
    #[error("contract {contract} does not exist: an event moves only to a contract the CRM has")]
    NoSuchContract { contract: i64 },
    #[error("`end` must be after `start`")]
    EndNotAfterStart,
    #[error("{what} is also on row {first}: a sheet holds each event once")]
    Duplicate { what: String, first: usize },
}

fn closest_list(closest: &[String]) -> String {
    match closest {
        [] => String::new(),
        names => format!(" (closest: {})", names.join(", ")),
    }
}

/// One field an update changes, as the plan shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: &'static str,
    pub old: Shown,
    pub new: Shown,
}

/// A value as the plan shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    None,
    Text(String),
    Number(i64),
    Time(DateTime<Utc>),
    Employee(String),
}

/// What the plan says of a row, in the sheet's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    NewClient {
        row: usize,
        name: String,
        email: String,
        company: Option<String>,
        sales: String,
    },
    NewContract {
        row: usize,
        id: i64,
        client: String,
    },
    NewEvent {
        row: usize,
        id: Option<i64>,
        name: String,
        contract: i64,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        support: Option<String>,
    },
    Update {
        row: usize,
        id: i64,
        changes: Vec<Change>,
    },
    Skipped {
        row: usize,
        why: Skip,
    },
}

/// The client of a contract or event to create: one the CRM has, or one
/// this chunk creates (its place among the chunk's new clients).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientRef {
    Stored(i64),
    New(usize),
}

/// The records the rows of a chunk name, as the database has them now
/// (with what earlier chunks wrote).
#[derive(Debug, Default)]
pub struct Lookups {
    pub events: HashMap<i64, StoredEvent>,
    pub keyed: HashMap<(String, i64, DateTime<Utc>), StoredEvent>,
    pub contracts: HashMap<i64, StoredContract>,
    /// By email, lower case.
    pub clients: HashMap<String, StoredClient>,
}

/// The people a sheet may name.
#[derive(Debug, Default)]
pub struct Staff {
    pub members: Vec<StaffMember>,
    /// The salesperson of new clients the sheet gives none.
    pub default_sales: Option<StaffMember>,
}

impl Staff {
    fn find(&self, department: &'static str, name: &str) -> Result<&StaffMember, Skip> {
        let of_department = || self.members.iter().filter(|m| m.department == department);
        of_department()
            .find(|m| m.name.to_lowercase() == name.trim().to_lowercase())
            .ok_or_else(|| Skip::NoEmployee {
                department,
                name: name.to_owned(),
                closest: crate::syntax::closest_names(
                    name,
                    of_department().map(|m| m.name.as_str()),
                )
                .into_iter()
                .map(str::to_owned)
                .collect(),
            })
    }

    /// An employee's name, by number (the stored support of an event).
    pub fn name_of(&self, id: i64) -> String {
        self.members
            .iter()
            .find(|m| m.id == id)
            .map_or_else(|| format!("employee {id}"), |m| m.name.clone())
    }
}

/// What a chunk's rows plan to write, and what they say.
#[derive(Debug, Default)]
pub struct Chunk {
    pub clients: Vec<ClientRow>,
    /// Contracts to create, each with its client.
    pub contracts: Vec<(ContractRow, ClientRef)>,
    pub created: Vec<EventRow>,
    pub updated: Vec<EventRow>,
    pub steps: Vec<Step>,
}

/// What the whole sheet planned so far, across chunks.
#[derive(Debug, Default)]
pub struct Tally {
    pub clients_found: HashSet<i64>,
    pub clients_created: HashSet<i64>,
    pub contracts_found: HashSet<i64>,
    pub contracts_created: HashSet<i64>,
    pub events_created: usize,
    pub events_updated: usize,
    pub events_unchanged: usize,
    pub support_assigned: usize,
    pub skipped: Vec<usize>,
    /// The first row of each event number, and of each unnumbered event's key.
    seen: HashMap<i64, usize>,
    seen_keys: HashMap<(String, i64, DateTime<Utc>), usize>,
}

/// The sheet's columns and the chunk's state while its rows are planned.
pub struct Planner<'a> {
    pub columns: &'a [ImportField],
    pub staff: &'a Staff,
    pub lookups: &'a Lookups,
    pub tally: &'a mut Tally,
    pub chunk: Chunk,
    /// New clients of this chunk by email (lower case).
    pending_clients: HashMap<String, usize>,
    /// New contracts of this chunk: their client and its description.
    pending_contracts: HashMap<i64, (ClientRef, String, String)>,
}

/// A row's client email, lower case: its column, else the contact cell's.
fn row_email(row: &ImportRow) -> Option<String> {
    row.client_email
        .as_ref()
        .or(row.contact_email.as_ref())
        .map(|e| e.to_lowercase())
}

/// Whether `row` names `client` (or names no client at all): by email when
/// it gives one, else by name (the client's or its company's).
fn names_client(row: &ImportRow, email: &str, name: &str, company: Option<&str>) -> bool {
    if let Some(given) = row_email(row) {
        return given == email.to_lowercase();
    }
    let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    match (&row.client_name, &row.contact_name) {
        (None, None) => true,
        (given, contact) => [given, contact]
            .into_iter()
            .flatten()
            .any(|given| same(given, name) || company.is_some_and(|company| same(given, company))),
    }
}

fn described(name: &str, email: &str) -> String {
    format!("{name} ({email})")
}

/// `at` to the second, as a sheet holds it.
pub(super) fn to_second(at: DateTime<Utc>) -> DateTime<Utc> {
    at - chrono::Duration::nanoseconds(i64::from(at.timestamp_subsec_nanos()))
}

impl<'a> Planner<'a> {
    pub fn new(
        columns: &'a [ImportField],
        staff: &'a Staff,
        lookups: &'a Lookups,
        tally: &'a mut Tally,
    ) -> Planner<'a> {
        Planner {
            columns,
            staff,
            lookups,
            tally,
            chunk: Chunk::default(),
            pending_clients: HashMap::new(),
            pending_contracts: HashMap::new(),
        }
    }

    fn has(&self, field: ImportField) -> bool {
        self.columns.contains(&field)
    }

    /// Plans one row of the sheet, or says why it is skipped.
    pub fn row(&mut self, read: Result<ImportRow, RowError>) {
        let (row, outcome) = match read {
            Err(error) => (error.row, Err(Skip::Read(error.problem))),
            Ok(imported) => (imported.row, self.plan(&imported)),
        };
        if let Err(why) = outcome {
            self.tally.skipped.push(row);
            self.chunk.steps.push(Step::Skipped { row, why });
        }
    }

    fn plan(&mut self, row: &ImportRow) -> Result<(), Skip> {
        let support = match &row.support {
            Some(name) => Some(self.staff.find("support", name)?.id),
            None => None,
        };
        let (name, start, end) = match (&row.event_name, row.start, row.end) {
            (Some(name), Some(start), Some(end)) => (name.clone(), start, end),
            // The reader refuses such a row first.
            _ => {
                return Err(Skip::Read(crate::import::RowProblem::Missing {
                    field: ImportField::EventName,
                }));
            }
        };
        let found = match row.event_id {
            Some(id) => self.lookups.events.get(&id),
            None => row.contract.and_then(|contract| {
                self.lookups
                    .keyed
                    .get(&(name.clone(), contract, to_second(start)))
            }),
        };
        self.first_time(row, &name, start)?;
        let values = EventValues {
            name,
            contract: row.contract.unwrap_or_default(),
            start,
            end,
            support,
            location: row.location.clone(),
            attendees: row.attendees.unwrap_or(0),
            notes: row.notes.clone(),
        };
        match found {
            Some(stored) => self.update(row, stored.clone(), values),
            None => self.create(row, values),
        }
    }

    /// Refuses a second row for the same event.
    fn first_time(
        &mut self,
        row: &ImportRow,
        name: &str,
        start: DateTime<Utc>,
    ) -> Result<(), Skip> {
        let (what, first) = match (row.event_id, row.contract) {
            (Some(id), _) => (
                format!("event {id}"),
                *self.tally.seen.entry(id).or_insert(row.row),
            ),
            (None, Some(contract)) => (
                format!("event `{name}` of contract {contract} at that start"),
                *self
                    .tally
                    .seen_keys
                    .entry((name.to_owned(), contract, to_second(start)))
                    .or_insert(row.row),
            ),
            (None, None) => return Ok(()),
        };
        if first == row.row {
            Ok(())
        } else {
            Err(Skip::Duplicate { what, first })
        }
    }

    /// An event the CRM has: the fields the sheet holds that differ.
    fn update(
        &mut self,
        row: &ImportRow,
        stored: StoredEvent,
        mut values: EventValues,
    ) -> Result<(), Skip> {
        if row.contract.is_none() || !self.has(ImportField::Contract) {
            values.contract = stored.contract;
        }
        let client = if values.contract == stored.contract {
            stored.client.clone()
        } else {
            let moved_to =
                self.lookups
                    .contracts
                    .get(&values.contract)
                    .ok_or(Skip::NoSuchContract {
                        contract: values.contract,
                    })?;
            if !moved_to.signed {
                return Err(Skip::Unsigned {
                    contract: values.contract,
                });
            }
            moved_to.client.clone()
        };
        if !names_client(row, &client.email, &client.name, client.company.as_deref()) {
            return Err(Skip::ClientOfEvent {
                id: stored.id,
                owner: described(&client.name, &client.email),
            });
        }
        let kept = |field| !self.has(field);
        if kept(ImportField::Support) {
            values.support = stored.support;
        }
        if kept(ImportField::Location) {
            values.location = stored.location.clone();
        }
        if kept(ImportField::Attendees) {
            values.attendees = stored.attendees;
        }
        if kept(ImportField::Notes) {
            values.notes = stored.notes.clone();
        }
        if to_second(values.start) == to_second(stored.start) {
            values.start = stored.start;
        }
        if to_second(values.end) == to_second(stored.end) {
            values.end = stored.end;
        }
        if values.end <= values.start {
            return Err(Skip::EndNotAfterStart);
        }
        let changes = self.changes(&stored, &values);
        if changes.is_empty() {
            self.tally.events_unchanged += 1;
            return Ok(());
        }
        if values.support != stored.support && values.support.is_some() {
            self.tally.support_assigned += 1;
        }
        self.tally.events_updated += 1;
        self.chunk.updated.push(EventRow {
            row: row.row,
            id: Some(stored.id),
            changed: changes.iter().map(|(column, _)| *column).collect(),
            values,
        });
        self.chunk.steps.push(Step::Update {
            row: row.row,
            id: stored.id,
            changes: changes.into_iter().map(|(_, change)| change).collect(),
        });
        Ok(())
    }

    /// Each stored field `values` changes, with how the plan shows it.
    fn changes(&self, stored: &StoredEvent, values: &EventValues) -> Vec<(EventColumn, Change)> {
        let text = |t: &Option<String>| t.clone().map_or(Shown::None, Shown::Text);
        let employee =
            |e: Option<i64>| e.map_or(Shown::None, |id| Shown::Employee(self.staff.name_of(id)));
        let candidates = [
            (
                EventColumn::Name,
                "name",
                stored.name != values.name,
                Shown::Text(stored.name.clone()),
                Shown::Text(values.name.clone()),
            ),
            (
                EventColumn::Contract,
                "contract",
                stored.contract != values.contract,
                Shown::Number(stored.contract),
                Shown::Number(values.contract),
            ),
            (
                EventColumn::Start,
                "start",
                stored.start != values.start,
                Shown::Time(stored.start),
                Shown::Time(values.start),
            ),
            (
                EventColumn::End,
                "end",
                stored.end != values.end,
                Shown::Time(stored.end),
                Shown::Time(values.end),
            ),
            (
                EventColumn::Support,
                "support",
                stored.support != values.support,
                employee(stored.support),
                employee(values.support),
            ),
            (
                EventColumn::Location,
                "location",
                stored.location != values.location,
                text(&stored.location),
                text(&values.location),
            ),
            (
                EventColumn::Attendees,
                "attendees",
                stored.attendees != values.attendees,
                Shown::Number(stored.attendees),
                Shown::Number(values.attendees),
            ),
            (
                EventColumn::Notes,
                "notes",
                stored.notes != values.notes,
                text(&stored.notes),
                text(&values.notes),
            ),
        ];
        candidates
            .into_iter()
            .filter(|(_, _, differs, _, _)| *differs)
            .map(|(column, field, _, old, new)| (column, Change { field, old, new }))
            .collect()
    }

    /// An event the CRM does not have: its contract found or created (and
    /// for a new contract, its client found by email or created).
    fn create(&mut self, row: &ImportRow, values: EventValues) -> Result<(), Skip> {
        let contract = row.contract.ok_or(Skip::NoContract)?;
        if values.end <= values.start {
            return Err(Skip::EndNotAfterStart);
        }
        self.contract_for(row, contract)?;
        let support = values.support.map(|id| self.staff.name_of(id));
        if support.is_some() {
            self.tally.support_assigned += 1;
        }
        self.tally.events_created += 1;
        self.chunk.steps.push(Step::NewEvent {
            row: row.row,
            id: row.event_id,
            name: values.name.clone(),
            contract,
            start: values.start,
            end: values.end,
            support,
        });
        self.chunk.created.push(EventRow {
            row: row.row,
            id: row.event_id,
            values,
            changed: Vec::new(),
        });
        Ok(())
    }

    /// The contract numbered `contract` of a new event: the CRM's (the
    /// row's client's, signed), one this chunk creates, or a new one.
    fn contract_for(&mut self, row: &ImportRow, contract: i64) -> Result<ClientRef, Skip> {
        if let Some(stored) = self.lookups.contracts.get(&contract) {
            let c = &stored.client;
            if !names_client(row, &c.email, &c.name, c.company.as_deref()) {
                return Err(Skip::ContractOfAnother {
                    contract,
                    owner: described(&c.name, &c.email),
                });
            }
            if !stored.signed {
                return Err(Skip::Unsigned { contract });
            }
            if !self.tally.contracts_created.contains(&contract) {
                self.tally.contracts_found.insert(contract);
            }
            return Ok(ClientRef::Stored(c.id));
        }
        if let Some((client, name, email)) = self.pending_contracts.get(&contract) {
            if !names_client(row, email, name, None) {
                return Err(Skip::ContractOfAnother {
                    contract,
                    owner: described(name, email),
                });
            }
            return Ok(*client);
        }
        let email = row_email(row).ok_or(Skip::NoClientEmail { contract })?;
        let (client, name) = self.client_for(row, &email)?;
        self.pending_contracts
            .insert(contract, (client, name.clone(), email.clone()));
        self.chunk.contracts.push((
            ContractRow {
                row: row.row,
                id: contract,
                client: 0,
            },
            client,
        ));
        self.chunk.steps.push(Step::NewContract {
            row: row.row,
            id: contract,
            client: described(&name, &email),
        });
        Ok(client)
    }

    /// The client of email `email`: the CRM's, one this chunk creates, or
    /// a new one (its name the contact cell's person, the client column
    /// its company when the two differ).
    fn client_for(&mut self, row: &ImportRow, email: &str) -> Result<(ClientRef, String), Skip> {
        if let Some(stored) = self.lookups.clients.get(email) {
            if !self.tally.clients_created.contains(&stored.id) {
                self.tally.clients_found.insert(stored.id);
            }
            return Ok((ClientRef::Stored(stored.id), stored.name.clone()));
        }
        if let Some(&index) = self.pending_clients.get(email) {
            return Ok((
                ClientRef::New(index),
                self.chunk.clients[index].name.clone(),
            ));
        }
        let name = row
            .contact_name
            .clone()
            .or_else(|| row.client_name.clone())
            .ok_or_else(|| Skip::NoClientName {
                email: email.to_owned(),
            })?;
        let company = row.company.clone().or_else(|| {
            row.client_name
                .clone()
                .filter(|client| row.contact_name.is_some() && *client != name)
        });
        let sales = match &row.sales {
            Some(given) => self.staff.find("sales", given)?.clone(),
            None => self
                .staff
                .default_sales
                .clone()
                .ok_or_else(|| Skip::NoSales {
                    email: email.to_owned(),
                })?,
        };
        let index = self.chunk.clients.len();
        self.chunk.clients.push(ClientRow {
            row: row.row,
            name: name.clone(),
            email: row
                .client_email
                .clone()
                .or(row.contact_email.clone())
                .unwrap_or_else(|| email.to_owned()),
            phone: row.client_phone.clone().or(row.contact_phone.clone()),
            company: company.clone(),
            sales: sales.id,
        });
        self.pending_clients.insert(email.to_owned(), index);
        self.chunk.steps.push(Step::NewClient {
            row: row.row,
            name: name.clone(),
            email: email.to_owned(),
            company,
            sales: sales.name,
        });
        Ok((ClientRef::New(index), name))
    }
}

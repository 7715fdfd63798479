//! `import events from "FILE"`: the support team's sheet, read by
//! `crate::import` a chunk of rows at a time, each chunk's records looked
//! up in one go, its rows planned (`plan`), written, and its plan printed
//! (`show`), so that memory stays flat however long the sheet. A dry run
//! writes exactly what `apply` would, in the command's transaction, and
//! takes it all back at the end: the plan it shows is the one the
//! database accepted, and later rows see what earlier ones created. One
//! refusal by the database fails the whole import, naming its row.

mod plan;
mod show;

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use crate::db::import::{ChunkWrites, ClientRow, ContractRow, EventRow, StaffMember};
use crate::error::Error;
use crate::import::{ImportRow, RowError};
use crate::model::Field;
use crate::policy::Authorized;
use crate::syntax::ast::{EmployeeRef, ImportEvents};

use super::Context;
use plan::{ClientRef, Lookups, Planner, Staff, Tally};

/// Rows planned and written together: large enough that the look-ups and
/// the pipelined writes cost few round trips, small enough that memory
/// does not grow with the sheet.
const CHUNK_ROWS: usize = 1000;

/// Plans the import of the sheet and shows it; with `apply`, keeps it.
pub async fn import_events(
    cx: &mut Context<'_>,
    import: &Authorized<ImportEvents>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let command = import.command();
    let path = Path::new(&command.file);
    let file = path.file_name().map_or_else(
        || command.file.clone(),
        |name| name.to_string_lossy().into_owned(),
    );
    let read = || {
        crate::import::read_path(path, cx.database.zone().company_tz(), &command.map).map_err(
            |source| Error::Import {
                file: command.file.clone(),
                source,
            },
        )
    };
    let (highest_contract, highest_event) = highest_numbers(read()?);
    let sheet = read()?;
    let mut staff = Staff {
        members: cx.database.import_staff().await?,
        default_sales: None,
    };
    if let Some(sales) = &command.sales {
        staff.default_sales = Some(salesperson(cx, &staff.members, sales).await?);
    }
    let mut show = show::Show::new(out, cx.database.zone());
    show.opening(&command.file, sheet.layout, &sheet.warnings)?;
    cx.database
        .begin_import(&file, highest_contract, highest_event)
        .await?;
    let columns = sheet.columns.clone();
    let mut tally = Tally::default();
    let mut rows = sheet.peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Result<ImportRow, RowError>> = rows.by_ref().take(CHUNK_ROWS).collect();
        let lookups = look_up(cx, &chunk).await?;
        let mut planner = Planner::new(&columns, &staff, &lookups, &mut tally);
        for row in chunk {
            planner.row(row);
        }
        let planned = planner.chunk;
        write(
            cx,
            planned.clients,
            planned.contracts,
            planned.created,
            planned.updated,
            &mut tally,
        )
        .await?;
        show.steps(&planned.steps)?;
    }
    cx.database.end_import(command.apply).await?;
    show.summary(&tally, command.apply)?;
    let skipped = tally.skipped.len();
    match (command.apply, skipped) {
        (false, 0) => show::dry_run_note(err),
        (false, rows) => Err(Error::ImportSkips { rows }),
        (true, _) => show::applied_note(err, &command.file, &tally),
    }
}

/// The salesperson `sales` names, who must be active in sales.
async fn salesperson(
    cx: &mut Context<'_>,
    members: &[StaffMember],
    sales: &EmployeeRef,
) -> Result<StaffMember, Error> {
    let (id, name, _) = cx.employee_for(sales, Some(Field::ClientSales)).await?;
    members
        .iter()
        .find(|m| m.id == id && m.department == "sales")
        .cloned()
        .ok_or_else(|| Error::Invalid {
            message: format!(
                "{} is not an active salesperson: new clients are owned by one\n\
                 help: `show employees where department = sales` lists them",
                crate::text::one_line(&name)
            ),
        })
}

/// The records the rows of a chunk name, in four statements.
async fn look_up(
    cx: &mut Context<'_>,
    chunk: &[Result<ImportRow, RowError>],
) -> Result<Lookups, Error> {
    let rows = || chunk.iter().filter_map(|r| r.as_ref().ok());
    let event_ids: Vec<i64> = rows().filter_map(|r| r.event_id).collect();
    let mut names = Vec::new();
    let mut contracts = Vec::new();
    let mut starts = Vec::new();
    for row in rows().filter(|r| r.event_id.is_none()) {
        if let (Some(name), Some(contract), Some(start)) =
            (&row.event_name, row.contract, row.start)
        {
            names.push(name.clone());
            contracts.push(contract);
            starts.push(start);
        }
    }
    let contract_ids: Vec<i64> = rows()
        .filter_map(|r| r.contract)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let emails: Vec<String> = rows()
        .filter_map(|r| r.client_email.as_ref().or(r.contact_email.as_ref()))
        .map(|e| e.to_lowercase())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let db = &mut *cx.database;
    let mut lookups = Lookups::default();
    for event in db.events_numbered(&event_ids).await? {
        lookups.events.insert(event.id, event);
    }
    for event in db.events_keyed(&names, &contracts, &starts).await? {
        let start = plan::to_second(event.start);
        lookups
            .keyed
            .insert((event.name.clone(), event.contract, start), event);
    }
    for contract in db.contracts_numbered(&contract_ids).await? {
        lookups.contracts.insert(contract.id, contract);
    }
    for client in db.clients_emailed(&emails).await? {
        lookups.clients.insert(client.email.to_lowercase(), client);
    }
    Ok(lookups)
}

/// The highest contract and event numbers the sheet uses, on rows it can
/// take or not (a first pass over it: the numbering of new records starts
/// past them).
fn highest_numbers(sheet: crate::import::Import) -> (i64, i64) {
    sheet
        .map(|read| match read {
            Ok(row) => (row.event_id, row.contract),
            Err(error) => error.numbers,
        })
        .fold((0, 0), |(contract, event), (event_id, contract_id)| {
            (
                contract.max(contract_id.unwrap_or(0)),
                event.max(event_id.unwrap_or(0)),
            )
        })
}

/// Writes a chunk's plan: numbers for its new clients and unnumbered
/// events, then every write of it (clients, contracts, events).
async fn write(
    cx: &mut Context<'_>,
    clients: Vec<ClientRow>,
    contracts: Vec<(ContractRow, ClientRef)>,
    created: Vec<EventRow>,
    updated: Vec<EventRow>,
    tally: &mut Tally,
) -> Result<(), Error> {
    let unnumbered = created.iter().filter(|e| e.id.is_none()).count();
    let (client_ids, event_ids) = cx
        .database
        .import_numbers(clients.len(), unnumbered)
        .await?;
    tally.clients_created.extend(&client_ids);
    let contracts: Vec<ContractRow> = contracts
        .into_iter()
        .map(|(mut contract, client)| {
            contract.client = match client {
                ClientRef::Stored(id) => id,
                ClientRef::New(index) => client_ids[index],
            };
            contract
        })
        .collect();
    tally
        .contracts_created
        .extend(contracts.iter().map(|c| c.id));
    let mut numbers = event_ids.into_iter();
    let created = created
        .into_iter()
        .map(|event| {
            (
                event.id.or_else(|| numbers.next()).unwrap_or_default(),
                event,
            )
        })
        .collect();
    let writes = ChunkWrites {
        clients: client_ids.into_iter().zip(clients).collect(),
        contracts,
        created,
        updated,
    };
    cx.database
        .import_chunk(&writes)
        .await
        .map_err(|refusal| Error::ImportRefused {
            row: refusal.row,
            source: refusal.error,
        })
}

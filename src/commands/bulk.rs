//! Bulk updates: `update ENTITIES where CONDITION set ...`. The records are
//! those `show ENTITIES where CONDITION` lists (the same checker decision,
//! the same SQL condition); each one then meets every check a single
//! `update` meets (its owners, the checker, the values), a preview shows
//! what would change, and only once that is confirmed are they written,
//! one UPDATE per record, so the database checks and audits each. All of
//! it is the command's one transaction: one record refused, none changed.

use std::io::Write;

use super::writes::{apply_update, check_update, resolve_employees};
use super::{Context, denied, names, reads};
use crate::db::DbError;
use crate::db::identity::Identity;
use crate::error::Error;
use crate::model::{Entity, Field};
use crate::plan;
use crate::policy::{self, Allowed, Authorized, Decision};
use crate::render::{self, RowWriter, Status};
use crate::syntax::ast::{Assign, Filter};
use crate::syntax::{Command, Query};
use crate::value::Value;

/// The most records one command updates (README, "Bulk updates").
pub const MAX_RECORDS: u64 = 1000;

/// How many of the records the preview shows.
pub const PREVIEW_ROWS: usize = 5;

/// How a bulk update is confirmed, chosen by the edge: `--yes`, the
/// shell's question, or (a batch without `--yes`) not at all.
#[derive(Debug, Clone, Copy)]
pub enum Confirm {
    Yes,
    /// Asks the question, `true` for yes.
    Ask(fn(&str) -> std::io::Result<bool>),
    Refuse,
}

/// `update ENTITIES where FILTER set ...`.
pub async fn update_where(
    cx: &mut Context<'_>,
    identity: &Identity,
    entity: Entity,
    filter: Filter,
    mut set: Vec<(Field, Assign)>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let shown = filter.to_string();
    let listing = listing(identity, entity, filter)?;
    names::check_filter(cx, listing.filter.as_ref()).await?;
    resolve_employees(cx, &mut set).await?;
    let plan = plan::plan_matching(&listing, &set, &cx.plan_context(), MAX_RECORDS + 1)?;
    let rows = cx.database.collect(&plan).await?;
    let noun = entity.plural();
    if rows.is_empty() {
        return Err(Error::NoneMatch {
            noun,
            filter: shown,
        });
    }
    if rows.len() as u64 > MAX_RECORDS {
        return Err(Error::TooMany {
            noun,
            max: MAX_RECORDS,
        });
    }
    let mut updates = Vec::with_capacity(rows.len());
    for row in &rows {
        let Some(&Value::Int(id)) = row.first() else {
            continue;
        };
        let update = plan::Update {
            entity,
            id,
            set: set.clone(),
        };
        let checked = check_update(cx, identity, update).await;
        updates.push(checked.map_err(|e| in_record(e, entity, id))?);
    }
    preview(cx, &plan, entity, rows, out)?;
    if !confirmed(cx, entity, updates.len())? {
        return render::status(err, &Status::NothingUpdated)
            .map_err(|source| Error::Output { source });
    }
    for update in &updates {
        let applied = apply_update(cx, update).await;
        applied.map_err(|e| in_record(e, entity, update.id))?;
    }
    let count = updates.len();
    render::status(err, &Status::UpdatedMany { entity, count })
        .map_err(|source| Error::Output { source })
}

/// The listing of the same condition, as the checker allows `show` it.
fn listing(
    identity: &Identity,
    entity: Entity,
    filter: Filter,
) -> Result<Authorized<Query>, Error> {
    let query = Query {
        entity,
        filter: Some(filter),
        order: Vec::new(),
        limit: None,
        offset: None,
    };
    match policy::authorize_now(identity.role, Command::Show(query)) {
        Decision::Allowed(Allowed::Listing(listing)) => Ok(listing),
        Decision::Denied(denial, request) => Err(denied(denial, &request)),
        _ => Err(Error::Invalid {
            message: format!("{} cannot be listed", entity.plural()),
        }),
    }
}

/// How many records would change, and the first few, old and new value of
/// each field, on the output (before the question, which the notes follow).
fn preview(
    cx: &Context<'_>,
    plan: &plan::Plan,
    entity: Entity,
    rows: Vec<Vec<Value>>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let output = |source| Error::Output { source };
    let count = rows.len();
    render::status(out, &Status::WouldUpdate { entity, count }).map_err(output)?;
    let mut columns = reads::display_columns(plan.columns());
    for (index, column) in columns.iter_mut().enumerate().skip(1) {
        if index % 2 == 0 {
            column.name = format!("new {}", column.name);
        }
    }
    let mut writer = RowWriter::new(out, cx.view.format, cx.style(None), columns);
    for row in rows.into_iter().take(PREVIEW_ROWS) {
        writer.row(&row).map_err(output)?;
    }
    writer.finish().map_err(output)?;
    if count > PREVIEW_ROWS {
        let more = count - PREVIEW_ROWS;
        render::status(out, &Status::WouldUpdateMore { more }).map_err(output)?;
    }
    out.flush().map_err(output)
}

/// Whether to go on: `--yes`, the shell's answer, or a batch's refusal.
fn confirmed(cx: &Context<'_>, entity: Entity, count: usize) -> Result<bool, Error> {
    let noun = if count == 1 {
        entity.singular()
    } else {
        entity.plural()
    };
    match cx.confirm {
        Confirm::Yes => Ok(true),
        Confirm::Refuse => Err(Error::NotConfirmed { count, noun }),
        Confirm::Ask(ask) => {
            ask(&format!("Update {count} {noun}? [y/N] ")).map_err(|source| Error::Input { source })
        }
    }
}

/// A refusal or a refused value of one record, naming it: one record
/// refused is the whole command refused.
fn in_record(error: Error, entity: Entity, id: i64) -> Error {
    let record = format!("{} {id}", entity.singular());
    let none = format!("no {} were updated", entity.plural());
    match error {
        Error::Denied {
            message,
            request,
            entity,
            record: refused,
        } => Error::Denied {
            message: format!("{record}: {message}\nhelp: {none}; narrow the condition"),
            request,
            entity,
            record: refused,
        },
        Error::Invalid { message } => Error::Invalid {
            message: naming(&record, &message, &none),
        },
        Error::Db(DbError::Invalid { message }) => Error::Db(DbError::Invalid {
            message: naming(&record, &message, &none),
        }),
        Error::Db(DbError::Refused { detail }) => Error::Db(DbError::Refused {
            detail: naming(&record, &detail, &none),
        }),
        Error::Db(DbError::Duplicate { message }) => Error::Db(DbError::Duplicate {
            message: naming(&record, &message, &none),
        }),
        other => other,
    }
}

/// `message` about `record`, saying that `none` changed, before its help.
fn naming(record: &str, message: &str, none: &str) -> String {
    match message.split_once("\nhelp:") {
        Some((said, help)) => format!("{record}: {said}; {none}\nhelp:{help}"),
        None => format!("{record}: {message}; {none}"),
    }
}

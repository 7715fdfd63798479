//! Reads: listings, one record, counts, `explain`, the small administrative
//! lists and one's notifications. A listing streams from the database into
//! the renderer; in the interactive shell a table stops after a page and a
//! count query says how many rows there are in all (counted up to a cap,
//! the planner's estimate past it).

use std::io::Write;

use super::Context;
use crate::error::Error;
use crate::model::CompareOp;
use crate::plan::{self, ColumnKind, MarkNotificationsRead, OwnNotifications};
use crate::policy::{self, Authorized};
use crate::render::{self, Column, Format, Kind, RowWriter, Status};
use crate::syntax::{self, Command, Filter, Query};

/// A listing. In the shell a table stops after a page and says how many
/// rows there are in all (about how many, past [`plan::FOOTER_COUNT_CAP`]); batches, CSV and JSON are never cut.
pub async fn show(
    cx: &mut Context<'_>,
    query: &Authorized<Query>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    super::names::check_filter(cx, query.filter.as_ref()).await?;
    let paged = cx.view.interactive && matches!(cx.view.format, Format::Table | Format::Vertical);
    let page = paged.then(|| plan::shown_rows(query.limit, cx.view.page_size));
    let fetched = page.map(|p| p as u64 + 1).or(query.limit);
    let wanted = fetched.map_or(0, |n| n.saturating_add(query.offset.unwrap_or(0)));
    let (context, sampled) = listing_context(cx, query.filter.as_ref(), wanted).await?;
    let rows = rows_in(cx.view.format);
    let plan = plan::plan_show(query, &context, page.map(|p| p as u64 + 1), rows)?;
    let mut columns = display_columns(plan.columns());
    if let Some(filter) = &query.filter {
        mark_constants(filter, &mut columns);
    }
    let mut writer = RowWriter::new(out, cx.view.format, cx.style(page), columns);
    cx.database
        .stream(&plan, |row| {
            writer.row(row).map_err(|source| Error::Output { source })
        })
        .await?;
    let summary = writer.finish().map_err(|source| Error::Output { source })?;
    let noun = query.entity.plural();
    if summary.rows == 0 {
        let empty = match (&query.filter, query.offset) {
            (_, Some(offset)) if offset > 0 => Status::NoneAfter { noun, offset },
            (Some(_), _) => Status::NoneMatch { noun },
            (None, _) => Status::NoneYet { noun },
        };
        render::status(err, &empty).map_err(|source| Error::Output { source })?;
    } else if summary.shown < summary.rows {
        // Never an exact count of millions: up to a cap, then an estimate.
        let total = match sampled.filter(|&matches| matches > plan::FOOTER_COUNT_CAP) {
            Some(matches) => plan::FooterCount::total(matches, Some(matches as f64)),
            None => {
                let footer = plan::plan_footer_count(query, &context)?;
                let counted = cx.database.count(&footer.capped).await?;
                let estimated = if counted > plan::FOOTER_COUNT_CAP {
                    cx.database.estimate(&footer.estimate).await?
                } else {
                    None
                };
                plan::FooterCount::total(counted, estimated)
            }
        };
        let offset = query.offset.unwrap_or(0);
        let paged = Status::Paged {
            first: offset + 1,
            last: offset + summary.shown,
            total,
            noun,
        };
        render::status(err, &paged).map_err(|source| Error::Output { source })?;
    }
    Ok(())
}

/// The plan context of a listing of at most `wanted` rows (0: every
/// row): its `~` searches that the database judged selective go through
/// their index (`plan::plan_search_selectivity`), one round trip, only for
/// a filter that has such a search. With it, when the whole filter is one
/// common word, the sample's estimate of its matches: a footer shows that
/// rather than count to its cap through most of the table.
async fn listing_context(
    cx: &mut Context<'_>,
    filter: Option<&Filter>,
    wanted: u64,
) -> Result<(plan::PlanContext, Option<i64>), Error> {
    let mut context = cx.plan_context();
    let searches = filter
        .map(plan::searches_by_selectivity)
        .unwrap_or_default();
    if searches.is_empty() {
        return Ok((context, None));
    }
    let selectivity = plan::plan_search_selectivity(&searches, wanted);
    let answers = cx.database.collect(&selectivity).await?;
    let mut common = None;
    for (search, answer) in searches.into_iter().zip(answers) {
        match answer.as_slice() {
            [crate::value::Value::Bool(true), ..] => context.indexed_searches.push(search),
            [_, crate::value::Value::Int(matches)] => common = Some(*matches),
            _ => {}
        }
    }
    let whole = matches!(
        filter,
        Some(Filter::Compare {
            op: CompareOp::Contains,
            ..
        })
    );
    Ok((context, common.filter(|_| whole)))
}

/// What each row of a listing holds in `format`: in a spreadsheet export
/// (xlsx, csv-excel) the whole record, every field `show ENTITY ID` shows,
/// so that an exported sheet can be edited and imported back as it is
/// (`epic import events FILE`); in the shell's formats the listing's
/// columns.
pub fn rows_in(format: Format) -> plan::Rows {
    if Format::EXPORTS.contains(&format) {
        plan::Rows::Record
    } else {
        plan::Rows::Listing
    }
}

/// One record, vertically (or as one CSV/JSON row), with related names;
/// its columns and values, for the related lists below it.
pub async fn show_one(
    cx: &mut Context<'_>,
    one: &Authorized<plan::Record>,
    out: &mut dyn Write,
) -> Result<(Vec<plan::OutColumn>, Vec<crate::value::Value>), Error> {
    let plan = plan::plan_show_one(one);
    let Some(row) = cx.database.fetch_one(&plan).await? else {
        return Err(Error::NotFound {
            entity: one.entity.singular(),
            id: one.id,
        });
    };
    let columns = plan
        .columns()
        .iter()
        .map(|c| Column::left(c.name))
        .collect();
    let format = match cx.view.format {
        Format::Table => Format::Vertical,
        other => other,
    };
    let mut writer = RowWriter::new(out, format, cx.style(None), columns);
    writer
        .row(&row)
        .map_err(|source| Error::Output { source })?;
    writer.finish().map_err(|source| Error::Output { source })?;
    Ok((plan.columns().to_vec(), row))
}

/// `count ENTITY [where ...]`.
pub async fn count(
    cx: &mut Context<'_>,
    query: &Authorized<Query>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    super::names::check_filter(cx, query.filter.as_ref()).await?;
    let plan = plan::plan_count(query, &cx.plan_context())?;
    let count = cx.database.count(&plan).await?;
    writeln!(out, "{count}").map_err(|source| Error::Output { source })
}

/// `show notifications`: one's own, newest first; they are read then.
pub async fn notifications(
    cx: &mut Context<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let mine = policy::own_records(OwnNotifications);
    list(
        cx,
        &plan::plan_notifications(&mine),
        "notifications",
        out,
        err,
    )
    .await?;
    let read = policy::own_records(MarkNotificationsRead);
    cx.database
        .execute(&plan::plan_notifications_read(&read))
        .await?;
    Ok(())
}

/// The typed command as epic understood it, and the SQL it would run.
pub async fn explain(
    cx: &mut Context<'_>,
    explained: Authorized<Command>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let command = explained.command().to_string();
    let rows = rows_in(cx.view.format);
    // As the listing would run in a batch: every row, or its `limit`.
    let context = match explained.command() {
        Command::Show(query) => {
            let wanted = query
                .limit
                .map_or(0, |n| n.saturating_add(query.offset.unwrap_or(0)));
            listing_context(cx, query.filter.as_ref(), wanted).await?.0
        }
        _ => cx.plan_context(),
    };
    let Some(plan) = plan::plan_read(explained, &context, rows) else {
        // The parser refuses these after `explain`; said again, not assumed.
        return Err(syntax::SyntaxError::at(
            syntax::ErrorKind::ExplainNotListing { command },
            0..0,
            "",
        )
        .with_help("for example: explain show events where support is none")
        .into());
    };
    let plan = plan?;
    // A filter may hold any character (it stores nothing): the renderer
    // shows the command and its parameters neutralised.
    render::explain(out, &command, plan.sql(), plan.params())
        .map_err(|source| Error::Output { source })
}

/// A whole plan as a listing, never paged (small, administrative lists).
pub async fn list(
    cx: &mut Context<'_>,
    plan: &plan::Plan,
    noun: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let columns = display_columns(plan.columns());
    let mut writer = RowWriter::new(out, cx.view.format, cx.style(None), columns);
    cx.database
        .stream(plan, |row| {
            writer.row(row).map_err(|source| Error::Output { source })
        })
        .await?;
    let summary = writer.finish().map_err(|source| Error::Output { source })?;
    if summary.rows == 0 {
        render::status(err, &Status::NoneListed { noun })
            .map_err(|source| Error::Output { source })?;
    }
    Ok(())
}

/// Marks the columns a filter makes the same in every row, which a table
/// leaves out and names in a footer: the terms of a top-level `and` that
/// are `is none`, `is me`, or `=` a number, money, a flag or a choice shown
/// as it is in the column. A record's id is always shown.
fn mark_constants(filter: &Filter, columns: &mut [Column]) {
    let (field, value, fits): (_, String, fn(Kind) -> bool) = match filter {
        Filter::And(left, right) => {
            mark_constants(left, columns);
            return mark_constants(right, columns);
        }
        Filter::IsNone {
            field,
            negated: false,
        } => (field, "none".to_owned(), |_| true),
        Filter::IsMe {
            field,
            negated: false,
        } => (field, "me".to_owned(), |_| true),
        Filter::Compare {
            field,
            op: CompareOp::Eq,
            value,
        } => match value {
            syntax::Value::Integer(n) => (field, n.to_string(), |k| k == Kind::Number),
            syntax::Value::Money(m) => (field, m.to_string(), |k| k == Kind::Money),
            syntax::Value::Bool(b) => (field, b.to_string(), |k| k == Kind::Flag),
            syntax::Value::Enum(e) => (field, (*e).to_owned(), |k| k == Kind::Text),
            _ => return,
        },
        _ => return,
    };
    if let Some(column) = columns
        .iter_mut()
        .find(|c| c.name == field.name() && c.kind != Kind::Id && fits(c.kind))
    {
        column.constant = Some(value);
    }
}

pub fn display_columns(columns: &[plan::OutColumn]) -> Vec<Column> {
    columns
        .iter()
        .map(|c| {
            let kind = match c.kind {
                ColumnKind::Id => Kind::Id,
                ColumnKind::Integer => Kind::Number,
                ColumnKind::Money => Kind::Money,
                ColumnKind::Timestamp => Kind::Date,
                ColumnKind::Moment => Kind::Moment,
                ColumnKind::Bool => Kind::Flag,
                ColumnKind::Text | ColumnKind::Json => Kind::Text,
            };
            Column::of(c.name, kind)
        })
        .collect()
}

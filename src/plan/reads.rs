//! Listings, one record and counts.

use super::*;

/// The most rows an interactive listing shows at once: an explicit `limit`
/// is honoured up to this many (README, "Listings and the pager").
pub const MAX_SHOWN: usize = 10_000;

/// How many rows an interactive table shows before it stops and says how
/// many there are in all: the page size when no `limit` is given, the
/// `limit` itself up to [`MAX_SHOWN`] when one is.
pub fn shown_rows(limit: Option<u64>, page_size: usize) -> usize {
    match limit {
        Some(limit) => usize::try_from(limit).unwrap_or(usize::MAX).min(MAX_SHOWN),
        None => page_size,
    }
}

/// What each row of a listing holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    /// The listing's columns: what a table shows of each record.
    Listing,
    /// The record's columns, every field `show ENTITY ID` shows: a
    /// spreadsheet export, which an import can read back whole.
    Record,
}

/// `show ENTITY ...`, its rows as `rows` says. `fetch_limit` caps the rows
/// fetched (the shell's page) without changing what the user asked for.
pub fn plan_show(
    query: &Authorized<Query>,
    context: &PlanContext,
    fetch_limit: Option<u64>,
    rows: Rows,
) -> Result<Plan, PlanError> {
    let table = derived(query.entity);
    let (select, columns) = match rows {
        Rows::Listing => (&table.listing, &table.listing_columns),
        Rows::Record => (&table.sheet, &table.record_columns),
    };
    let mut b = Builder::new();
    b.push(select);
    if let Some(filter) = &query.filter {
        b.push(" WHERE ");
        condition(&mut b, filter, context)?;
    }
    b.push(" ORDER BY ");
    for order in &query.order {
        push_order(&mut b, order);
    }
    // The record number last: a stable order, page after page.
    b.push(&table.key);
    let limit = match (query.limit, fetch_limit) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(limit) = limit {
        b.push(" LIMIT ");
        b.bind(Param::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
    }
    if let Some(offset) = query.offset {
        b.push(" OFFSET ");
        b.bind(Param::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
    }
    Ok(Plan {
        sql: b.sql,
        params: b.params,
        columns: columns.clone(),
    })
}

pub(super) fn push_order(b: &mut Builder, order: &Order) {
    b.push(order_expression(order.field));
    b.push(if order.descending {
        " DESC NULLS LAST, "
    } else {
        " ASC NULLS LAST, "
    });
}

/// `show ENTITY ID`.
pub fn plan_show_one(one: &Authorized<Record>) -> Plan {
    let table = derived(one.entity);
    Plan {
        sql: table.record.clone(),
        params: vec![Param::Int(one.id)],
        columns: table.record_columns.clone(),
    }
}

/// `count ENTITY [where ...]`, and how many rows a listing has in all (its
/// order, limit and offset aside).
pub fn plan_count(query: &Authorized<Query>, context: &PlanContext) -> Result<Plan, PlanError> {
    let (entity, filter) = (query.entity, query.filter.as_ref());
    let mut b = Builder::counting();
    b.push("SELECT count(*) FROM ");
    b.push(derived(entity).count_from(filter));
    if let Some(filter) = filter {
        b.push(" WHERE ");
        condition(&mut b, filter, context)?;
    }
    Ok(Plan {
        sql: b.sql,
        params: b.params,
        columns: vec![col("count", ColumnKind::Id)],
    })
}

/// The plan of a read `explain` shows: a listing (its rows as `rows` says,
/// as the same listing would run), one record or a count. `None` for any
/// other command, which `explain` does not take (the parser refuses them
/// after `explain`).
pub fn plan_read(
    command: Authorized<crate::syntax::Command>,
    context: &PlanContext,
    rows: Rows,
) -> Option<Result<Plan, PlanError>> {
    use crate::policy::Allowed;
    match crate::policy::read_of(command)? {
        Allowed::Listing(query) => Some(plan_show(&query, context, None, rows)),
        Allowed::Record(one) => Some(Ok(plan_show_one(&one))),
        Allowed::Count(query) => Some(plan_count(&query, context)),
        _ => None,
    }
}

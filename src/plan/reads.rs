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

/// The most matches a listing's footer counts one by one. Past it the
/// footer gives the planner's estimate instead: an exact count of ten
/// million events under row security costs seconds, this many about a
/// millisecond (README, "Listings and the pager"). Two significant figures,
/// so that an estimate rounded to two ([`Total::About`]) is never below it.
pub const FOOTER_COUNT_CAP: i64 = 10_000;

/// How many rows a listing cut after its page has in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// Counted: at most [`FOOTER_COUNT_CAP`].
    Exact(i64),
    /// More than the cap: the planner's estimate, never below the cap.
    About(i64),
}

/// The footer's two statements: the count up to the cap, and the planner's
/// estimate of the same matches, asked only when the cap is passed.
#[derive(Debug, Clone)]
pub struct FooterCount {
    pub capped: Plan,
    pub estimate: Plan,
}

impl FooterCount {
    /// The total to show from what the capped count found and, when it
    /// passed the cap, the planner's estimate (`None`: it gave none).
    pub fn total(counted: i64, estimated: Option<f64>) -> Total {
        if counted <= FOOTER_COUNT_CAP {
            return Total::Exact(counted);
        }
        // Rows the planner expects; a float, possibly absurd: bounded here.
        let estimated = estimated.filter(|e| e.is_finite()).unwrap_or(0.0);
        Total::About((estimated.min(i64::MAX as f64) as i64).max(FOOTER_COUNT_CAP))
    }
}

/// The footer's count of a listing (its order, limit and offset aside):
/// `count(*)` over at most [`FOOTER_COUNT_CAP`] + 1 matches, and `EXPLAIN
/// (FORMAT JSON)` of the same matches for the planner's estimate. Both bind
/// the same parameters the listing does; `count ENTITY` stays exact
/// ([`plan_count`]).
pub fn plan_footer_count(
    query: &Authorized<Query>,
    context: &PlanContext,
) -> Result<FooterCount, PlanError> {
    let matches = |b: &mut Builder| -> Result<(), PlanError> {
        b.push("SELECT 1 FROM ");
        b.push(derived(query.entity).count_from(query.filter.as_ref()));
        if let Some(filter) = &query.filter {
            b.push(" WHERE ");
            condition(b, filter, context)?;
        }
        Ok(())
    };
    // As the listing reads (its context says which searches take their
    // index): a count's every-match search would gather them all first.
    let mut capped = Builder::new();
    capped.push("SELECT count(*) FROM (");
    matches(&mut capped)?;
    capped.push(" LIMIT ");
    capped.bind(Param::Int(FOOTER_COUNT_CAP + 1));
    capped.push(") AS matches");
    let mut estimate = Builder::new();
    estimate.push("EXPLAIN (FORMAT JSON) ");
    matches(&mut estimate)?;
    Ok(FooterCount {
        capped: Plan {
            sql: capped.sql,
            params: capped.params,
            columns: vec![col("count", ColumnKind::Id)],
        },
        estimate: Plan {
            sql: estimate.sql,
            params: estimate.params,
            columns: vec![col("plan", ColumnKind::Json)],
        },
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

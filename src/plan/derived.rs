//! The SQL each [`EntityTable`] gives, built once per entity the first time
//! it is planned: the listing's and the record's statements and columns,
//! the sheet's (a listing of whole records, for spreadsheet exports), and
//! the FROM of a count for each set of joins a condition can reach.
//! A statement joins only the tables its expressions name, and the tables
//! those are joined through.

use std::sync::LazyLock;

use super::*;

/// What planning reads of an entity: text built once, copied per plan.
pub(super) struct Derived {
    table: &'static EntityTable,
    /// `SELECT <listing> FROM <its joins>`.
    pub(super) listing: String,
    pub(super) listing_columns: Vec<OutColumn>,
    /// `SELECT <record> FROM <its joins> WHERE <key> = <id>`.
    pub(super) record: String,
    pub(super) record_columns: Vec<OutColumn>,
    /// `SELECT <record> FROM <its joins>`: a listing whose rows are whole
    /// records (its columns are `record_columns`), so that an exported
    /// sheet holds every field and can be imported back. The record's
    /// columns include the listing's, so its joins include the listing's
    /// and a condition or an order a listing takes reads the same here.
    pub(super) sheet: String,
    /// The qualified key: the last of every listing's order.
    pub(super) key: String,
    /// The FROM of a count, by the set of joins (bit `i` for `joins[i]`)
    /// its condition names.
    counts: Vec<String>,
}

pub(super) fn derived(entity: Entity) -> &'static Derived {
    static CLIENT: LazyLock<Derived> = LazyLock::new(|| Derived::of(Entity::Client));
    static CONTRACT: LazyLock<Derived> = LazyLock::new(|| Derived::of(Entity::Contract));
    static EVENT: LazyLock<Derived> = LazyLock::new(|| Derived::of(Entity::Event));
    static EMPLOYEE: LazyLock<Derived> = LazyLock::new(|| Derived::of(Entity::Employee));
    static AUDIT: LazyLock<Derived> = LazyLock::new(|| Derived::of(Entity::Audit));
    match entity {
        Entity::Client => &CLIENT,
        Entity::Contract => &CONTRACT,
        Entity::Event => &EVENT,
        Entity::Employee => &EMPLOYEE,
        Entity::Audit => &AUDIT,
    }
}

impl Derived {
    fn of(entity: Entity) -> Derived {
        let t = entity_table(entity);
        let listing: Vec<&str> = t.listing.iter().map(Column::sql).collect();
        let record: Vec<&str> = t.record.iter().map(Column::sql).collect();
        let out = |columns: &[Column]| -> Vec<OutColumn> {
            columns.iter().map(|c| col(c.name(), c.kind())).collect()
        };
        Derived {
            table: t,
            listing: format!("SELECT {} FROM {}", listing.join(", "), from(t, &listing)),
            listing_columns: out(t.listing),
            record: select_one(entity, &record),
            sheet: format!("SELECT {} FROM {}", record.join(", "), from(t, &record)),
            record_columns: out(t.record),
            key: format!("{}.{}", t.alias, t.key),
            counts: (0..1usize << t.joins.len())
                .map(|named| joined(t, named))
                .collect(),
        }
    }

    /// The FROM of a count whose condition is `filter`: only the joins it reaches.
    pub(super) fn count_from(&self, filter: Option<&Filter>) -> &str {
        let named = filter.map_or(0, |f| reached(self.table, f));
        &self.counts[named]
    }

    /// The FROM of a statement that reads `expressions` of the records
    /// `filter` matches: the joins either names.
    pub(super) fn matching_from(&self, filter: Option<&Filter>, expressions: &[&str]) -> &str {
        let named = filter.map_or(0, |f| reached(self.table, f));
        &self.counts[named | named_by(self.table, expressions)]
    }
}

/// `SELECT <expressions> FROM <the joins they name> WHERE <key> = <id>`: one
/// record of `entity`, by the id bound as `$1`.
pub(crate) fn select_one(entity: Entity, expressions: &[&str]) -> String {
    let t = entity_table(entity);
    format!(
        "SELECT {} FROM {} WHERE {}.{} = {}",
        expressions.join(", "),
        from(t, expressions),
        t.alias,
        t.key,
        t.id_param
    )
}

/// The table and the joins `expressions` name.
fn from(t: &EntityTable, expressions: &[&str]) -> String {
    joined(t, named_by(t, expressions))
}

/// The joins (bit `i` for `joins[i]`) `expressions` name.
fn named_by(t: &EntityTable, expressions: &[&str]) -> usize {
    (0..t.joins.len())
        .filter(|&i| expressions.iter().any(|e| names(e, t.joins[i].alias)))
        .fold(0, |set, i| set | (1 << i))
}

/// `table alias JOIN ...`: the joins in `named` and those they are joined
/// through, in the table's order.
fn joined(t: &EntityTable, mut named: usize) -> String {
    // A join's foreign key belongs to the table or to an earlier join.
    for i in (0..t.joins.len()).rev() {
        if named & (1 << i) != 0 {
            named |= join_bit(t, alias_of(t.joins[i].on));
        }
    }
    let mut text = format!("{} {}", t.table, t.alias);
    for (i, join) in t.joins.iter().enumerate() {
        if named & (1 << i) != 0 {
            text.push_str(if join.left { " LEFT JOIN " } else { " JOIN " });
            text.push_str(&format!(
                "{} {} ON {}.id = {}",
                join.table, join.alias, join.alias, join.on
            ));
        }
    }
    text
}

/// The joins a condition's fields are read from.
fn reached(t: &EntityTable, filter: &Filter) -> usize {
    match filter {
        Filter::Compare { field, .. }
        | Filter::In { field, .. }
        | Filter::IsNone { field, .. }
        | Filter::IsMe { field, .. } => join_bit(t, alias_of(column(*field))),
        Filter::Not(inner) => reached(t, inner),
        Filter::And(l, r) | Filter::Or(l, r) => reached(t, l) | reached(t, r),
    }
}

/// The bit of the join that brings `alias` in; none for the table's own.
fn join_bit(t: &EntityTable, alias: &str) -> usize {
    let found = t.joins.iter().position(|j| j.alias == alias);
    debug_assert!(
        found.is_some() || alias == t.alias,
        "{alias} is not joined to {}",
        t.table
    );
    found.map_or(0, |i| 1 << i)
}

/// `c` of `c.full_name`.
fn alias_of(qualified: &str) -> &str {
    qualified.split_once('.').map_or("", |(alias, _)| alias)
}

/// Whether `sql` reads a column of `alias` (`alias.` as a whole word).
fn names(sql: &str, alias: &str) -> bool {
    sql.match_indices(alias).any(|(at, _)| {
        sql[at + alias.len()..].starts_with('.')
            && !sql[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
}

//! Binary `COPY` of `epic gen`'s rows: one writer for every table, its column list and types
//! the stored columns of the entity's table (`plan`'s entity tables). Clients and contracts
//! are written from memory, events made by the generator while they are written.

use std::pin::Pin;

use tokio_postgres::Transaction;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

use super::generate::GenError;
use crate::data::generate::{ClientRow, ContractRow, Generator, Pools};
use crate::model::Entity;
use crate::plan::{ColumnKind, entity_table};

/// One binary `COPY` into an entity's table, of all its stored columns in their order.
struct CopyIn {
    writer: Pin<Box<BinaryCopyInWriter>>,
}

impl CopyIn {
    async fn open(tx: &Transaction<'_>, entity: Entity) -> Result<CopyIn, GenError> {
        let sink = tx.copy_in(&copy_statement(entity)).await?;
        let types: Vec<Type> = entity_table(entity)
            .stored
            .iter()
            .map(|column| copy_type(column.kind))
            .collect();
        Ok(CopyIn {
            writer: Box::pin(BinaryCopyInWriter::new(sink, &types)),
        })
    }

    /// One row: a value per stored column, in their order.
    async fn write(&mut self, values: &[&(dyn ToSql + Sync)]) -> Result<(), GenError> {
        Ok(self.writer.as_mut().write(values).await?)
    }

    /// The number of rows written.
    async fn finish(mut self) -> Result<u64, GenError> {
        Ok(self.writer.as_mut().finish().await?)
    }
}

/// `COPY table (columns) FROM STDIN (FORMAT binary)`.
fn copy_statement(entity: Entity) -> String {
    let table = entity_table(entity);
    let columns: Vec<&str> = table.stored.iter().map(|column| column.name).collect();
    format!(
        "COPY {} ({}) FROM STDIN (FORMAT binary)",
        table.table,
        columns.join(", ")
    )
}

fn copy_type(kind: ColumnKind) -> Type {
    match kind {
        ColumnKind::Id => Type::INT8,
        ColumnKind::Integer => Type::INT4,
        ColumnKind::Text => Type::TEXT,
        ColumnKind::Money => Type::NUMERIC,
        ColumnKind::Bool => Type::BOOL,
        ColumnKind::Timestamp | ColumnKind::Moment => Type::TIMESTAMPTZ,
        ColumnKind::Json => Type::JSONB,
    }
}

/// Writes `rows` into `entity`'s table, each as `values` gives it.
pub(super) async fn copy<T, const N: usize>(
    tx: &Transaction<'_>,
    entity: Entity,
    rows: &[T],
    values: fn(&T) -> [&(dyn ToSql + Sync); N],
) -> Result<u64, GenError> {
    let mut copy = CopyIn::open(tx, entity).await?;
    for row in rows {
        copy.write(&values(row)).await?;
    }
    copy.finish().await
}

/// A client's stored columns: it was last updated when last contacted.
pub(super) fn client_values(c: &ClientRow) -> [&(dyn ToSql + Sync); 9] {
    [
        &c.id,
        &c.full_name,
        &c.email,
        &c.phone,
        &c.company_name,
        &c.created_at,
        &c.last_contact_at,
        &c.last_contact_at,
        &c.sales_contact_id,
    ]
}

/// A contract's stored columns: it was last updated when created.
pub(super) fn contract_values(k: &ContractRow) -> [&(dyn ToSql + Sync); 7] {
    [
        &k.id,
        &k.client_id,
        &k.total,
        &k.remaining,
        &k.signed,
        &k.created_at,
        &k.created_at,
    ]
}

const EVENT_COLUMNS: usize = 11;

/// Events are made while they are written: a million rows never sit in memory.
pub(super) async fn copy_events(
    tx: &Transaction<'_>,
    generator: &mut Generator,
    first_id: i64,
    count: usize,
    pools: &Pools<'_>,
) -> Result<u64, GenError> {
    let mut copy = CopyIn::open(tx, Entity::Event).await?;
    let mut name = String::new();
    let mut location = String::new();
    for id in (first_id..).take(count) {
        let e = generator.event(id, pools, &mut name, &mut location);
        // Last updated when created.
        let values: [&(dyn ToSql + Sync); EVENT_COLUMNS] = [
            &e.id,
            &e.contract_id,
            &name.as_str(),
            &e.start_at,
            &e.end_at,
            &e.support_contact_id,
            &e.location.then_some(location.as_str()),
            &e.attendees,
            &e.notes,
            &e.created_at,
            &e.created_at,
        ];
        copy.write(&values).await?;
    }
    copy.finish().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copies_name_the_stored_columns_of_the_entity_tables() {
        assert_eq!(
            copy_statement(Entity::Client),
            "COPY clients (id, full_name, email, phone, company_name, created_at, \
                           last_contact_at, updated_at, sales_contact_id) \
             FROM STDIN (FORMAT binary)"
        );
        assert_eq!(
            copy_statement(Entity::Contract),
            "COPY contracts (id, client_id, total, remaining, signed, created_at, updated_at) \
             FROM STDIN (FORMAT binary)"
        );
        assert_eq!(
            copy_statement(Entity::Event),
            "COPY events (id, contract_id, name, start_at, end_at, support_contact_id, location, \
                          attendees, notes, created_at, updated_at) \
             FROM STDIN (FORMAT binary)"
        );
    }

    fn width<T, const N: usize>(_: fn(&T) -> [&(dyn ToSql + Sync); N]) -> usize {
        N
    }

    #[test]
    fn every_row_gives_a_value_per_stored_column() {
        let stored = |entity| entity_table(entity).stored.len();
        assert_eq!(width(client_values), stored(Entity::Client));
        assert_eq!(width(contract_values), stored(Entity::Contract));
        assert_eq!(EVENT_COLUMNS, stored(Entity::Event));
    }
}

//! Binary `COPY` of `epic gen`'s rows: clients and contracts from memory, events made by the
//! generator while they are written.

use std::pin::pin;

use tokio_postgres::Transaction;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

use super::generate::GenError;
use crate::data::generate::{ClientRow, ContractRow, Generator, Pools};

pub(super) async fn copy_clients(
    tx: &Transaction<'_>,
    rows: &[ClientRow],
) -> Result<u64, GenError> {
    let sink = tx
        .copy_in(
            "COPY clients (id, full_name, email, phone, company_name, created_at, \
                           last_contact_at, updated_at, sales_contact_id) \
             FROM STDIN (FORMAT binary)",
        )
        .await?;
    let mut writer = pin!(BinaryCopyInWriter::new(
        sink,
        &[
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMPTZ,
            Type::INT8
        ],
    ));
    for c in rows {
        writer
            .as_mut()
            .write(&[
                &c.id,
                &c.full_name,
                &c.email,
                &c.phone,
                &c.company_name,
                &c.created_at,
                &c.last_contact_at,
                &c.last_contact_at,
                &c.sales_contact_id,
            ])
            .await?;
    }
    Ok(writer.as_mut().finish().await?)
}

pub(super) async fn copy_contracts(
    tx: &Transaction<'_>,
    rows: &[ContractRow],
) -> Result<u64, GenError> {
    let sink = tx
        .copy_in(
            "COPY contracts (id, client_id, total, remaining, signed, created_at, updated_at) \
             FROM STDIN (FORMAT binary)",
        )
        .await?;
    let mut writer = pin!(BinaryCopyInWriter::new(
        sink,
        &[
            Type::INT8,
            Type::INT8,
            Type::NUMERIC,
            Type::NUMERIC,
            Type::BOOL,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMPTZ,
        ],
    ));
    for k in rows {
        writer
            .as_mut()
            .write(&[
                &k.id,
                &k.client_id,
                &k.total,
                &k.remaining,
                &k.signed,
                &k.created_at,
                &k.created_at,
            ])
            .await?;
    }
    Ok(writer.as_mut().finish().await?)
}

/// Events are made while they are written: a million rows never sit in memory.
pub(super) async fn copy_events(
    tx: &Transaction<'_>,
    generator: &mut Generator,
    first_id: i64,
    count: usize,
    pools: &Pools<'_>,
) -> Result<u64, GenError> {
    let sink = tx
        .copy_in(
            "COPY events (id, contract_id, name, start_at, end_at, support_contact_id, location, \
                          attendees, notes, created_at, updated_at) \
             FROM STDIN (FORMAT binary)",
        )
        .await?;
    let mut writer = pin!(BinaryCopyInWriter::new(
        sink,
        &[
            Type::INT8,
            Type::INT8,
            Type::TEXT,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMPTZ,
            Type::INT8,
            Type::TEXT,
            Type::INT4,
            Type::TEXT,
            Type::TIMESTAMPTZ,
            Type::TIMESTAMPTZ,
        ],
    ));
    let mut name = String::new();
    let mut location = String::new();
    for id in (first_id..).take(count) {
        let e = generator.event(id, pools, &mut name, &mut location);
        let values: [&(dyn ToSql + Sync); 11] = [
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
        writer.as_mut().write(&values).await?;
    }
    Ok(writer.as_mut().finish().await?)
}

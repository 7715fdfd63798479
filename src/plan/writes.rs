//! INSERTs and UPDATEs: the database audits them with a trigger.

use super::*;

/// The bind for a stored value; employee fields arrive resolved to ids.
pub(super) fn stored(
    b: &mut Builder,
    field: Field,
    value: &crate::syntax::ast::Assign,
    context: &PlanContext,
) {
    use crate::syntax::ast::Assign;
    match value {
        Assign::None => b.push("NULL"),
        Assign::Value(Value::Time(time)) => {
            let at = match resolve(*time, context) {
                Moment::Instant(at) => at,
                Moment::Day { start, .. } => start,
            };
            if field == Field::ClientLastContact {
                // A day's start may precede the first contact made that same day.
                b.push("greatest(");
                b.bind(Param::Time(at));
                b.push(", created_at)");
            } else {
                b.bind(Param::Time(at));
            }
        }
        Assign::Value(Value::Integer(n)) if field.ty() == FieldType::Integer => {
            b.bind(Param::Int(*n));
            b.push("::integer");
        }
        Assign::Value(value) => b.bind(scalar(value)),
    }
}

/// `create ...`: an INSERT returning the new id and the record as JSON.
/// `owner` is the acting employee, the owner of a new client.
/// `extra` adds columns the command does not type (an employee's password hash).
pub fn plan_create(
    create: &Authorized<Create>,
    owner: i64,
    context: &PlanContext,
    extra: Vec<(&'static str, Param)>,
) -> Plan {
    // (column, value) pairs: implied ones first, then those typed.
    let mut pairs = implied(create, owner);
    for (field, value) in &create.values {
        pairs.push((stored_column(*field), *field, value.clone()));
    }
    let mut b = Builder::new();
    b.push("INSERT INTO ");
    b.push(entity_table(create.entity).table);
    b.push(" (");
    let names: Vec<&str> = pairs
        .iter()
        .map(|(column, _, _)| *column)
        .chain(extra.iter().map(|(column, _)| *column))
        .collect();
    b.push(&names.join(", "));
    b.push(") VALUES (");
    for (index, (_, field, value)) in pairs.iter().enumerate() {
        if index > 0 {
            b.push(", ");
        }
        stored(&mut b, *field, value, context);
    }
    for (_, param) in extra {
        b.push(", ");
        b.bind(param);
    }
    if create.entity == Entity::Client {
        // A client's email is taken once: the shell names who has it.
        b.push(") ON CONFLICT ((lower(email))) DO NOTHING");
    } else {
        b.push(")");
    }
    // The database audits the new record (a trigger, in the actor's name).
    b.push(" RETURNING id");
    Plan {
        sql: b.sql,
        params: b.params,
        columns: Vec::new(),
    }
}

/// The columns a create sets that the command does not type: a new
/// client's owner, a new contract's client and what it owes, a new
/// event's contract.
fn implied(create: &Create, owner: i64) -> Vec<(&'static str, Field, Assign)> {
    let given = |field: Field| {
        create
            .values
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v)
    };
    let mut pairs = Vec::new();
    match create.entity {
        Entity::Client if given(Field::ClientSales).is_none() => {
            pairs.push((
                "sales_contact_id",
                Field::ClientSales,
                Assign::Value(Value::Integer(owner)),
            ));
        }
        Entity::Contract => {
            let client = create.parent.unwrap_or_default();
            pairs.push((
                "client_id",
                Field::ContractId,
                Assign::Value(Value::Integer(client)),
            ));
            // A new contract is owed in full unless told otherwise.
            if let (None, Some(total)) =
                (given(Field::ContractRemaining), given(Field::ContractTotal))
            {
                pairs.push(("remaining", Field::ContractRemaining, total.clone()));
            }
        }
        Entity::Event => {
            let contract = create.parent.unwrap_or_default();
            pairs.push((
                "contract_id",
                Field::EventContract,
                Assign::Value(Value::Integer(contract)),
            ));
        }
        _ => {}
    }
    pairs
}

/// `update ENTITY ID set ...`: an UPDATE returning the id.
pub fn plan_update(update: &Authorized<Update>, context: &PlanContext) -> Plan {
    let Update { entity, id, set } = update.command();
    let (entity, id) = (*entity, *id);
    let name = entity_table(entity).table;
    let mut b = Builder::new();
    b.push("UPDATE ");
    b.push(name);
    b.push(" SET updated_at = now()");
    if entity == Entity::Client
        && !set.iter().any(|(f, _)| *f == Field::ClientLastContact)
        && set.iter().any(|(f, _)| *f != Field::ClientSales)
    {
        // Updating a client's details is contact with them; reassigning them is not.
        b.push(", last_contact_at = now()");
    }
    for (field, value) in set {
        b.push(", ");
        b.push(stored_column(*field));
        b.push(" = ");
        stored(&mut b, *field, value, context);
    }
    b.push(" WHERE id = ");
    b.bind(Param::Int(id));
    // The database audits the record before and after (a trigger).
    b.push(" RETURNING id");
    Plan {
        sql: b.sql,
        params: b.params,
        columns: Vec::new(),
    }
}

/// What `update ENTITIES where ... set ...` would change: each matching
/// record's id (the records `show` lists for the same condition, by id)
/// and, per field set, its value now and the value it would take, both
/// read as a listing reads them (an employee by name). At most `limit` rows.
pub fn plan_matching(
    query: &Authorized<Query>,
    set: &[(Field, Assign)],
    context: &PlanContext,
    limit: u64,
) -> Result<Plan, PlanError> {
    let table = derived(query.entity);
    let now: Vec<Column> = set.iter().map(|(field, _)| Column::Field(*field)).collect();
    let read: Vec<&str> = now.iter().map(Column::sql).collect();
    let mut b = Builder::new();
    b.push("SELECT ");
    b.push(&table.key);
    let mut columns = vec![col("id", ColumnKind::Id)];
    for ((field, value), column) in set.iter().zip(&now) {
        b.push(", ");
        b.push(column.sql());
        b.push(", ");
        shown(&mut b, *field, value, column.kind(), context);
        columns.push(col(field.name(), column.kind()));
        columns.push(col(field.name(), column.kind()));
    }
    b.push(" FROM ");
    b.push(table.matching_from(query.filter.as_ref(), &read));
    if let Some(filter) = &query.filter {
        b.push(" WHERE ");
        condition(&mut b, filter, context)?;
    }
    b.push(" ORDER BY ");
    b.push(&table.key);
    b.push(" LIMIT ");
    b.bind(Param::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
    Ok(Plan {
        sql: b.sql,
        params: b.params,
        columns,
    })
}

/// The value a field would take, as a listing shows it: an employee's
/// name for their number, none typed as its column is.
fn shown(b: &mut Builder, field: Field, value: &Assign, kind: ColumnKind, context: &PlanContext) {
    match value {
        Assign::None => b.push(match kind {
            ColumnKind::Id => "NULL::bigint",
            ColumnKind::Integer => "NULL::integer",
            ColumnKind::Money => "NULL::numeric",
            ColumnKind::Bool => "NULL::boolean",
            ColumnKind::Timestamp | ColumnKind::Moment => "NULL::timestamptz",
            ColumnKind::Text | ColumnKind::Json => "NULL::text",
        }),
        Assign::Value(Value::Integer(id)) if field.ty() == FieldType::Employee => {
            b.push("(SELECT full_name FROM employees WHERE id = ");
            b.bind(Param::Int(*id));
            b.push(")");
        }
        Assign::Value(Value::Time(time)) => b.bind(Param::Time(match resolve(*time, context) {
            Moment::Instant(at) => at,
            Moment::Day { start, .. } => start,
        })),
        // As the column holds it: two decimals.
        value if kind == ColumnKind::Money => {
            b.push("(");
            stored(b, field, value, context);
            b.push(")::numeric(14,2)");
        }
        value => stored(b, field, value, context),
    }
}

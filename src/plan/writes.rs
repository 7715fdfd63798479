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

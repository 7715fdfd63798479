//! Writes: for `create`, `update`, `delete` and
//! `deactivate`, read who owns the record, ask the permission checker with
//! that ownership and the guarded fields touched, then run the statement
//! `plan` built. Everything happens in the command's transaction, as the
//! application role, so the database checks every rule again, records the
//! write in the audit trail itself (with the record before and after), and
//! a failure leaves nothing behind.

use std::io::Write;

use super::Context;
use crate::auth;
use crate::db::DbError;
use crate::db::identity::Identity;
use crate::db::write::EmployeeFacts;
use crate::db::write::Then;
use crate::error::Error;
use crate::model::{Entity, Field, FieldType, Role};
use crate::plan;
use crate::policy::{
    self, Action, Authorized, Guarded, Ownership, Request, Target, target_of as target,
};
use crate::render::{self, Moved, Status};
use crate::syntax::ast::{Assign, Create, EmployeeRef, Value};
use crate::text;

/// What an employee record's change touches of the trust rules: an admin
/// account (the record is one, or becomes or stops being one), and one's
/// own account removed or moved. `becomes` is the department set, if any;
/// `removes` whether the change deactivates or deletes.
fn employee_guards(
    subject: &EmployeeFacts,
    me: i64,
    becomes: Option<Role>,
    removes: bool,
) -> Vec<Guarded> {
    let mut guarded = Vec::new();
    if subject.role == Role::Admin || becomes == Some(Role::Admin) {
        guarded.push(Guarded::AdminAccount);
    }
    let moves = becomes.is_some_and(|role| role != subject.role);
    if subject.id == me && (removes || moves) {
        guarded.push(Guarded::OwnAccount);
    }
    guarded
}

/// The records a write names by number, as (entity, id): its parent and
/// the contract or employees it sets.
fn named_records(
    parent: Option<(&'static str, i64)>,
    values: &[(Field, Assign)],
) -> Vec<(&'static str, i64)> {
    let set = values
        .iter()
        .filter_map(|(field, value)| match (field, value) {
            (Field::EventContract, Assign::Value(Value::Integer(id))) => Some(("contract", *id)),
            (field, Assign::Value(Value::Integer(id))) if field.ty() == FieldType::Employee => {
                Some(("employee", *id))
            }
            _ => None,
        });
    parent.into_iter().chain(set).collect()
}

/// A foreign key that found no record, said with the number the command gave.
fn with_number(error: DbError, named: &[(&'static str, i64)]) -> Error {
    match error {
        DbError::MissingReference { entity } => {
            match named.iter().find(|(kind, _)| *kind == entity) {
                Some((entity, id)) => Error::NotFound { entity, id: *id },
                None => Error::Db(DbError::MissingReference { entity }),
            }
        }
        other => Error::Db(other),
    }
}

fn owned(by: Option<i64>, me: i64) -> Ownership {
    if by == Some(me) {
        Ownership::Own
    } else {
        Ownership::Others
    }
}

/// Employee names in values become ids (an ambiguous name is an error
/// listing the candidates).
pub(super) async fn resolve_employees(
    cx: &mut Context<'_>,
    values: &mut [(Field, Assign)],
) -> Result<(), Error> {
    for (field, value) in values.iter_mut() {
        if field.ty() != FieldType::Employee {
            continue;
        }
        if let Assign::Value(Value::Text(name)) = value {
            let (id, _, _) = cx
                .employee_for(&EmployeeRef::Name(name.clone()), Some(*field))
                .await?;
            *value = Assign::Value(Value::Integer(id));
        }
    }
    Ok(())
}

/// A client's email is its own: another client with it is named.
async fn email_is_free(
    cx: &mut Context<'_>,
    values: &[(Field, Assign)],
    id: i64,
) -> Result<(), Error> {
    let Some(email) = email_of(values) else {
        return Ok(());
    };
    match cx.database.client_with_email(&email).await? {
        Some((other, name)) if other != id => {
            Err(email_taken(other, &name, &email, "nothing was changed"))
        }
        _ => Ok(()),
    }
}

/// The records a write names by number exist, said in words before
/// the database's foreign keys would refuse it. (Employees given by
/// name were found already.)
async fn check_named(cx: &mut Context<'_>, named: &[(&'static str, i64)]) -> Result<(), Error> {
    for &(entity, id) in named {
        let found = match entity {
            "client" => cx.database.client_owners(id).await?.is_some(),
            "contract" => cx.database.contract_owners(id).await?.is_some(),
            _ => cx.database.employee_by_id(id).await?.is_some(),
        };
        if !found {
            return Err(Error::NotFound { entity, id });
        }
    }
    Ok(())
}

/// `create ...`: the parent's and owner's look-up, the checker, the records
/// the values name, then the INSERT.
pub async fn create(
    cx: &mut Context<'_>,
    identity: &Identity,
    mut create: Create,
    out: &mut dyn Write,
) -> Result<(), Error> {
    resolve_employees(cx, &mut create.values).await?;
    let ownership = creation_ownership(cx, &create, identity.employee_id).await?;
    let mut touches = policy::touched(Action::Create, create.values.iter().map(|(f, _)| *f));
    if create.entity == Entity::Employee && department_set(&create.values) == Some(Role::Admin) {
        touches.push(Guarded::AdminAccount);
    }
    let request = Request {
        action: Action::Create,
        target: target(create.entity),
        ownership,
        touches,
        id: create.parent,
    };
    let create = cx.authorize(identity, &request, create)?;
    // The parent was looked up above; what the values name is checked here.
    check_named(cx, &named_records(None, &create.values)).await?;
    let parent = match create.entity {
        Entity::Contract => create.parent.map(|id| ("client", id)),
        Entity::Event => create.parent.map(|id| ("contract", id)),
        _ => None,
    };
    let named = named_records(parent, &create.values);
    if create.entity == Entity::Event {
        // The contract cannot be unsigned while its event is being created.
        let contract = create.parent.unwrap_or_default();
        if cx.database.lock_contract(contract).await? != Some(true) {
            return Err(Error::Invalid {
                message: format!(
                    "contract {contract} is not signed: events are created for signed contracts"
                ),
            });
        }
    }
    if create.entity == Entity::Employee {
        return create_employee(cx, identity, &create, &named, out).await;
    }
    let plan = plan::plan_create(
        &create,
        identity.employee_id,
        &cx.plan_context(),
        Vec::new(),
    );
    let created = match email_of(&create.values) {
        // A client whose email is taken is not created; the one that has
        // it is named (in the same round trip: a retried batch stays fast).
        Some(email) if create.entity == Entity::Client => {
            match cx
                .database
                .write_unless_email_taken(&plan, &email, Then::Commit)
                .await
                .map_err(|e| with_number(e, &named))?
            {
                Ok(id) => Some(id),
                Err((other, name)) => {
                    return Err(email_taken(other, &name, &email, "nothing was created"));
                }
            }
        }
        _ => cx
            .database
            .write(&plan, Then::Commit)
            .await
            .map_err(|e| with_number(e, &named))?,
    };
    let Some(id) = created else {
        return Err(Error::Invalid {
            message: format!("the {} was not created", create.entity.singular()),
        });
    };
    let entity = create.entity;
    render::status(out, &Status::Created { entity, id }).map_err(|source| Error::Output { source })
}

/// Whose the new record is: a client its salesperson's, an event its
/// contract's client's; the parent must exist.
async fn creation_ownership(
    cx: &mut Context<'_>,
    create: &Create,
    me: i64,
) -> Result<Ownership, Error> {
    Ok(match create.entity {
        Entity::Client => {
            let owner = create.values.iter().find_map(|(f, v)| match (f, v) {
                (Field::ClientSales, Assign::Value(Value::Integer(id))) => Some(*id),
                _ => None,
            });
            owned(Some(owner.unwrap_or(me)), me)
        }
        Entity::Contract => {
            let client = create.parent.unwrap_or_default();
            if cx.database.client_owners(client).await?.is_none() {
                return Err(Error::NotFound {
                    entity: "client",
                    id: client,
                });
            }
            Ownership::NotApplicable
        }
        Entity::Event => {
            let contract = create.parent.unwrap_or_default();
            let Some(owners) = cx.database.contract_owners(contract).await? else {
                return Err(Error::NotFound {
                    entity: "contract",
                    id: contract,
                });
            };
            owned(owners.sales, me)
        }
        Entity::Employee | Entity::Audit => Ownership::NotApplicable,
    })
}

/// A new employee, with a temporary password made and shown once (a
/// password is never typed in a command); the database hashes it.
async fn create_employee(
    cx: &mut Context<'_>,
    identity: &Identity,
    create: &Authorized<Create>,
    named: &[(&'static str, i64)],
    out: &mut dyn Write,
) -> Result<(), Error> {
    let name = text_of(&create.values, Field::EmployeeName);
    let email = text_of(&create.values, Field::EmployeeEmail);
    let temporary = loop {
        let candidate = auth::temporary_password();
        if auth::check_policy(&candidate, &email, &name).is_ok() {
            break candidate;
        }
    };
    let hash = cx
        .database
        .new_password_hash(&temporary, &email, &name)
        .await?;
    let extra = vec![
        ("password_hash", plan::Param::Text(hash)),
        ("must_change_password", plan::Param::Bool(true)),
    ];
    let plan = plan::plan_create(create, identity.employee_id, &cx.plan_context(), extra);
    let id = cx
        .database
        .write(&plan, Then::Commit)
        .await
        .map_err(|e| with_number(e, named))?
        .ok_or(Error::Invalid {
            message: "the employee was not created".to_owned(),
        })?;
    crate::telemetry::security_event("employee created");
    let output = |source| Error::Output { source };
    let created = Status::Created {
        entity: Entity::Employee,
        id,
    };
    render::status(out, &created).map_err(output)?;
    let shown = Status::TemporaryPassword {
        name: &name,
        email: &email,
        password: &temporary,
        new_employee: true,
    };
    render::status(out, &shown).map_err(output)
}

pub async fn update(
    cx: &mut Context<'_>,
    identity: &Identity,
    entity: Entity,
    id: i64,
    mut set: Vec<(Field, Assign)>,
    err: &mut dyn Write,
) -> Result<(), Error> {
    resolve_employees(cx, &mut set).await?;
    let update = check_update(cx, identity, plan::Update { entity, id, set }).await?;
    apply_update(cx, &update).await?;
    render::status(err, &Status::Updated { entity, id }).map_err(|source| Error::Output { source })
}

/// An update's checks, as `update ENTITY ID` and each record of `update
/// ENTITIES where` meet them: the record's owners, the checker with the
/// guarded fields touched, then the values (a client's email its own, the
/// records named by number there). Employee names are already ids.
pub(super) async fn check_update(
    cx: &mut Context<'_>,
    identity: &Identity,
    update: plan::Update,
) -> Result<Authorized<plan::Update>, Error> {
    let (entity, id) = (update.entity, update.id);
    let me = identity.employee_id;
    let ownership = update_ownership(cx, entity, id, me).await?;
    let set = &update.set;
    let mut touches = policy::touched(Action::Update, set.iter().map(|(f, _)| *f));
    if entity == Entity::Employee {
        let facts = employee_facts(cx, id).await?;
        let removes = set
            .iter()
            .any(|(f, v)| *f == Field::EmployeeActive && *v == Assign::Value(Value::Bool(false)));
        touches.extend(employee_guards(&facts, me, department_set(set), removes));
    }
    let request = Request {
        action: Action::Update,
        target: target(entity),
        ownership,
        touches,
        id: Some(id),
    };
    let update = cx.authorize(identity, &request, update)?;
    if entity == Entity::Client {
        email_is_free(cx, &update.set, id).await?;
    }
    check_named(cx, &named_records(None, &update.set)).await?;
    Ok(update)
}

/// Runs an update the checker allowed, in the command's transaction: the
/// database checks it again and audits it.
pub(super) async fn apply_update(
    cx: &mut Context<'_>,
    update: &Authorized<plan::Update>,
) -> Result<(), Error> {
    let (entity, id, set) = (update.entity, update.id, &update.set);
    let named = named_records(None, set);
    let plan = plan::plan_update(update, &cx.plan_context());
    let written = cx.database.write(&plan, Then::Continue).await;
    let Some(_) = written.map_err(|e| with_number(e, &named))? else {
        // Visible but not writable: the database's policy said no.
        return Err(Error::Denied {
            message: format!("the database refused to update {} {id}", entity.singular()),
            request: format!("update {} {id}", entity.singular()),
            entity: Some(entity.singular()),
            record: crate::policy::Refused {
                id: Some(id),
                parent: None,
            },
        });
    };
    let signed_now = entity == Entity::Contract
        && set
            .iter()
            .any(|(f, v)| *f == Field::ContractSigned && *v == Assign::Value(Value::Bool(true)));
    if entity == Entity::Employee {
        crate::telemetry::security_event("employee updated");
    }
    if signed_now {
        // The database audits it as `contract signed`.
        crate::telemetry::security_event("contract signed");
    }
    Ok(())
}

pub async fn delete(
    cx: &mut Context<'_>,
    identity: &Identity,
    entity: Entity,
    id: i64,
    reassign_to: Option<EmployeeRef>,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let request = |touches| Request {
        action: Action::Delete,
        target: target(entity),
        ownership: Ownership::NotApplicable,
        touches,
        id: Some(id),
    };
    if entity != Entity::Employee {
        // Only employees are ever deleted: the checker says who may not.
        cx.authorize(identity, &request(Vec::new()), ())?;
        return Err(Error::Invalid {
            message: format!("a {} is never deleted", entity.singular()),
        });
    }
    let facts = employee_facts(cx, id).await?;
    let touches = employee_guards(&facts, identity.employee_id, None, true);
    let deletion = cx.authorize(identity, &request(touches), plan::DeleteEmployee { id })?;
    let name = text::one_line(&facts.name).into_owned();
    let (clients, events) = cx.database.employee_holdings(id).await?;
    let mut moved = None;
    match reassign_to {
        None if clients + events > 0 => {
            return Err(Error::Invalid {
                message: format!(
                    "{name} still owns {clients} client{} and supports {events} event{}: nothing was deleted\n\
                     help: add `reassign to EMPLOYEE` to move them, or `deactivate employee {id}` to keep the record",
                    if clients == 1 { "" } else { "s" },
                    if events == 1 { "" } else { "s" }
                ),
            });
        }
        None => {}
        Some(to) => {
            let (to_id, to_name, _) = cx.employee(&to).await?;
            if to_id == id {
                return Err(Error::Invalid {
                    message: "an employee cannot be reassigned to themselves".to_owned(),
                });
            }
            let (c, e) = cx.database.reassign_employee(&deletion, to_id).await?;
            moved = Some((c, e, to_name));
        }
    }
    cx.database.delete_employee(&deletion).await?;
    crate::telemetry::security_event("employee deleted");
    let moved = moved.as_ref().map(|(clients, events, to)| Moved {
        clients: *clients,
        events: *events,
        to,
    });
    render::status(err, &Status::Deleted { id, moved }).map_err(|source| Error::Output { source })
}

pub async fn deactivate(
    cx: &mut Context<'_>,
    identity: &Identity,
    employee: EmployeeRef,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let (id, name, _) = cx.employee(&employee).await?;
    let facts = employee_facts(cx, id).await?;
    let deactivation = cx.authorize(
        identity,
        &Request {
            action: Action::Update,
            target: Target::Employee,
            ownership: Ownership::NotApplicable,
            touches: employee_guards(&facts, identity.employee_id, None, true),
            id: Some(id),
        },
        plan::Update {
            entity: Entity::Employee,
            id,
            set: vec![(Field::EmployeeActive, Assign::Value(Value::Bool(false)))],
        },
    )?;
    let plan = plan::plan_update(&deactivation, &cx.plan_context());
    cx.database
        .write(&plan, Then::Continue)
        .await?
        .ok_or(Error::NotFound {
            entity: "employee",
            id,
        })?;
    crate::telemetry::security_event("employee deactivated");
    render::status(err, &Status::Deactivated { name: &name, id })
        .map_err(|source| Error::Output { source })
}

/// Whose the record being updated is: a client's or contract's
/// salesperson's, an event's support contact's. The record must exist.
async fn update_ownership(
    cx: &mut Context<'_>,
    entity: Entity,
    id: i64,
    me: i64,
) -> Result<Ownership, Error> {
    let not_found = || Error::NotFound {
        entity: entity.singular(),
        id,
    };
    Ok(match entity {
        Entity::Client => {
            let owners = cx.database.client_owners(id).await?;
            owned(owners.ok_or_else(not_found)?.sales, me)
        }
        Entity::Contract => {
            let owners = cx.database.contract_owners(id).await?;
            owned(owners.ok_or_else(not_found)?.sales, me)
        }
        Entity::Event => {
            let owners = cx.database.event_owners(id).await?;
            // An event is "theirs" for its support contact.
            owned(owners.ok_or_else(not_found)?.support, me)
        }
        Entity::Employee => Ownership::NotApplicable,
        // The parser refuses writes to the audit log; the checker would too.
        Entity::Audit => Ownership::NotApplicable,
    })
}

/// What the trust rules need to know of employee `id`, who must exist.
async fn employee_facts(cx: &mut Context<'_>, id: i64) -> Result<EmployeeFacts, Error> {
    cx.database
        .employee_facts(id)
        .await?
        .ok_or(Error::NotFound {
            entity: "employee",
            id,
        })
}

/// The client email a create or update sets, if any.
fn email_of(values: &[(Field, Assign)]) -> Option<String> {
    values
        .iter()
        .find_map(|(field, value)| match (field, value) {
            (Field::ClientEmail, Assign::Value(Value::Text(email))) => Some(email.clone()),
            _ => None,
        })
}

/// A client email already in use, by `other` (0: by a command that took it
/// at the same moment, not visible yet); `outcome` says what did not happen.
fn email_taken(other: i64, name: &str, email: &str, outcome: &str) -> Error {
    if other == 0 {
        return crate::db::DbError::Duplicate {
            message: format!("a client with the email `{email}` already exists: {outcome}"),
        }
        .into();
    }
    crate::db::DbError::Duplicate {
        message: format!(
            "client {other} ({}) already has the email `{email}`: {outcome}\n\
             help: `show client {other}`; each client has an email of its own",
            text::one_line(name)
        ),
    }
    .into()
}

/// The department a create or update sets, if any.
fn department_set(values: &[(Field, Assign)]) -> Option<Role> {
    values
        .iter()
        .find_map(|(field, value)| match (field, value) {
            (Field::EmployeeDepartment, Assign::Value(Value::Enum(name))) => {
                Role::from_department(name)
            }
            _ => None,
        })
}

fn text_of(values: &[(Field, Assign)], field: Field) -> String {
    values
        .iter()
        .find_map(|(f, v)| match (f, v) {
            (f, Assign::Value(Value::Text(text))) if *f == field => Some(text.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

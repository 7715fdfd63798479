//! The write stage of the shell: for `create`, `update`, `delete` and
//! `deactivate`, read who owns the record, ask the permission checker with
//! that ownership and the guarded fields touched, then run the statement
//! `plan` built. Everything happens in the command's transaction, as the
//! application role, so the database checks every rule again, records the
//! write in the audit trail itself (with the record before and after), and
//! a failure leaves nothing behind.

use std::io::Write;

use crate::auth::{self, AuthError};
use crate::db::DbError;
use crate::db::identity::Identity;
use crate::db::write::Then;
use crate::error::Error;
use crate::model::{Entity, Field, FieldType};
use crate::plan;
use crate::policy::{Action, Guarded, Ownership, Request, Target};
use crate::shell::Shell;
use crate::syntax::ast::{Assign, Create, EmployeeRef, Value};

fn target(entity: Entity) -> Target {
    match entity {
        Entity::Client => Target::Client,
        Entity::Contract => Target::Contract,
        Entity::Event => Target::Event,
        Entity::Employee => Target::Employee,
        Entity::Audit => Target::AuditLog,
    }
}

/// The guarded fields among those set.
fn touched(fields: impl Iterator<Item = Field>) -> Vec<Guarded> {
    fields
        .filter_map(|field| match field {
            Field::ClientSales => Some(Guarded::ClientOwner),
            Field::EventContract => Some(Guarded::EventContract),
            Field::EventSupport => Some(Guarded::EventSupport),
            _ => None,
        })
        .collect()
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

impl Shell {
    /// Employee names in values become ids (an ambiguous name is an error
    /// listing the candidates).
    async fn resolve_employees(&mut self, values: &mut [(Field, Assign)]) -> Result<(), Error> {
        for (field, value) in values.iter_mut() {
            if field.ty() != FieldType::Employee {
                continue;
            }
            if let Assign::Value(Value::Text(name)) = value {
                let (id, _, _) = self.employee(&EmployeeRef::Name(name.clone())).await?;
                *value = Assign::Value(Value::Integer(id));
            }
        }
        Ok(())
    }

    /// The records a write names by number exist, said in words before
    /// the database's foreign keys would refuse it. (Employees given by
    /// name were found already.)
    async fn check_named(&mut self, named: &[(&'static str, i64)]) -> Result<(), Error> {
        for &(entity, id) in named {
            let found = match entity {
                "client" => self.database.client_owners(id).await?.is_some(),
                "contract" => self.database.contract_owners(id).await?.is_some(),
                _ => self.database.employee_by_id(id).await?.is_some(),
            };
            if !found {
                return Err(Error::NotFound { entity, id });
            }
        }
        Ok(())
    }

    pub async fn create(
        &mut self,
        identity: &Identity,
        mut create: Create,
        out: &mut dyn Write,
    ) -> Result<(), Error> {
        self.resolve_employees(&mut create.values).await?;
        let me = identity.employee_id;
        let ownership = match create.entity {
            Entity::Client => {
                let owner = create.values.iter().find_map(|(f, v)| match (f, v) {
                    (Field::ClientSales, Assign::Value(Value::Integer(id))) => Some(*id),
                    _ => None,
                });
                owned(Some(owner.unwrap_or(me)), me)
            }
            Entity::Contract => {
                let client = create.parent.unwrap_or_default();
                if self.database.client_owners(client).await?.is_none() {
                    return Err(Error::NotFound {
                        entity: "client",
                        id: client,
                    });
                }
                Ownership::NotApplicable
            }
            Entity::Event => {
                let contract = create.parent.unwrap_or_default();
                let Some(owners) = self.database.contract_owners(contract).await? else {
                    return Err(Error::NotFound {
                        entity: "contract",
                        id: contract,
                    });
                };
                owned(owners.sales, me)
            }
            Entity::Employee | Entity::Audit => Ownership::NotApplicable,
        };
        self.authorize(
            identity,
            &Request {
                action: Action::Create,
                target: target(create.entity),
                ownership,
                touches: touched(create.values.iter().map(|(f, _)| *f)),
                id: create.parent,
            },
        )?;
        // The parent was looked up above; what the values name is checked here.
        let named = named_records(None, &create.values);
        self.check_named(&named).await?;
        let parent = match create.entity {
            Entity::Contract => create.parent.map(|id| ("client", id)),
            Entity::Event => create.parent.map(|id| ("contract", id)),
            _ => None,
        };
        let named = named_records(parent, &create.values);
        if create.entity == Entity::Event {
            // The contract cannot be unsigned while its event is being created.
            let contract = create.parent.unwrap_or_default();
            if self.database.lock_contract(contract).await? != Some(true) {
                return Err(Error::Invalid {
                    message: format!(
                        "contract {contract} is not signed: events are created for signed contracts"
                    ),
                });
            }
        }
        let mut temporary = None;
        if create.entity == Entity::Employee {
            let name = text_of(&create.values, Field::EmployeeName);
            let email = text_of(&create.values, Field::EmployeeEmail);
            let password = match &create.password {
                Some(password) => {
                    auth::check_policy(password, &email, &name).map_err(AuthError::from)?;
                    password.clone()
                }
                None => {
                    let made = loop {
                        let candidate = auth::temporary_password();
                        if auth::check_policy(&candidate, &email, &name).is_ok() {
                            break candidate;
                        }
                    };
                    temporary = Some(made.clone());
                    made
                }
            };
            let hash = self
                .database
                .new_password_hash(&password, &email, &name)
                .await?;
            let extra = vec![
                ("password_hash", plan::Param::Text(hash)),
                (
                    "must_change_password",
                    plan::Param::Bool(temporary.is_some()),
                ),
            ];
            let plan = plan::plan_create(&create, me, &self.plan_context(), extra);
            let id = self
                .database
                .write(&plan, Then::Commit)
                .await
                .map_err(|e| with_number(e, &named))?
                .ok_or(Error::Invalid {
                    message: "the employee was not created".to_owned(),
                })?;
            crate::telemetry::security_event("employee created");
            writeln!(out, "Created employee {id}.").map_err(|source| Error::Output { source })?;
            if let Some(temporary) = temporary {
                writeln!(
                    out,
                    "Temporary password for {name} ({email}), shown only this once:\n  {temporary}\n\
                     They must choose their own at their first login."
                )
                .map_err(|source| Error::Output { source })?;
            }
            return Ok(());
        }
        let plan = plan::plan_create(&create, me, &self.plan_context(), Vec::new());
        let written = self.database.write(&plan, Then::Commit).await;
        let Some(id) = written.map_err(|e| with_number(e, &named))? else {
            return Err(Error::Invalid {
                message: format!("the {} was not created", create.entity.singular()),
            });
        };
        writeln!(out, "Created {} {id}.", create.entity.singular())
            .map_err(|source| Error::Output { source })
    }

    pub async fn update(
        &mut self,
        identity: &Identity,
        entity: Entity,
        id: i64,
        mut set: Vec<(Field, Assign)>,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        self.resolve_employees(&mut set).await?;
        let me = identity.employee_id;
        let not_found = || Error::NotFound {
            entity: entity.singular(),
            id,
        };
        let ownership = match entity {
            Entity::Client => owned(
                self.database
                    .client_owners(id)
                    .await?
                    .ok_or_else(not_found)?
                    .sales,
                me,
            ),
            Entity::Contract => owned(
                self.database
                    .contract_owners(id)
                    .await?
                    .ok_or_else(not_found)?
                    .sales,
                me,
            ),
            Entity::Event => {
                let owners = self
                    .database
                    .event_owners(id)
                    .await?
                    .ok_or_else(not_found)?;
                // An event is "theirs" for its support contact.
                owned(owners.support, me)
            }
            Entity::Employee => {
                self.database
                    .employee_by_id(id)
                    .await?
                    .ok_or_else(not_found)?;
                Ownership::NotApplicable
            }
            // The parser refuses writes to the audit log; the checker would too.
            Entity::Audit => Ownership::NotApplicable,
        };
        self.authorize(
            identity,
            &Request {
                action: Action::Update,
                target: target(entity),
                ownership,
                touches: touched(set.iter().map(|(f, _)| *f)),
                id: Some(id),
            },
        )?;
        let named = named_records(None, &set);
        self.check_named(&named).await?;
        let plan = plan::plan_update(entity, id, &set, &self.plan_context());
        let written = self.database.write(&plan, Then::Continue).await;
        let Some(_) = written.map_err(|e| with_number(e, &named))? else {
            // Visible but not writable: the database's policy said no.
            return Err(Error::Denied {
                message: format!("the database refused to update {} {id}", entity.singular()),
                request: format!("update {} {id}", entity.singular()),
                record: Some(id),
            });
        };
        let signed_now = entity == Entity::Contract
            && set.iter().any(|(f, v)| {
                *f == Field::ContractSigned && *v == Assign::Value(Value::Bool(true))
            });
        if entity == Entity::Employee {
            crate::telemetry::security_event("employee updated");
        }
        if signed_now {
            // The database audits it as `contract signed`.
            crate::telemetry::security_event("contract signed");
        }
        writeln!(err, "Updated {} {id}.", entity.singular())
            .map_err(|source| Error::Output { source })
    }

    pub async fn delete(
        &mut self,
        identity: &Identity,
        entity: Entity,
        id: i64,
        reassign_to: Option<EmployeeRef>,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        self.authorize(
            identity,
            &Request {
                action: Action::Delete,
                target: target(entity),
                ownership: Ownership::NotApplicable,
                touches: Vec::new(),
                id: Some(id),
            },
        )?;
        let Some((name, _)) = self.database.employee_by_id(id).await? else {
            return Err(Error::NotFound {
                entity: "employee",
                id,
            });
        };
        let (clients, events) = self.database.employee_holdings(id).await?;
        let mut moved = String::new();
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
                let (to_id, to_name, _) = self.employee(&to).await?;
                if to_id == id {
                    return Err(Error::Invalid {
                        message: "an employee cannot be reassigned to themselves".to_owned(),
                    });
                }
                let (c, e) = self.database.reassign_employee(id, to_id).await?;
                moved = format!(
                    " ({c} client{} and {e} event{} moved to {to_name})",
                    plural(c),
                    plural(e)
                );
            }
        }
        self.database.delete_employee(id).await?;
        crate::telemetry::security_event("employee deleted");
        writeln!(err, "Deleted employee {id}{moved}.").map_err(|source| Error::Output { source })
    }

    pub async fn deactivate(
        &mut self,
        identity: &Identity,
        employee: EmployeeRef,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        let (id, name, _) = self.employee(&employee).await?;
        let set = vec![(Field::EmployeeActive, Assign::Value(Value::Bool(false)))];
        self.authorize(
            identity,
            &Request {
                action: Action::Update,
                target: Target::Employee,
                ownership: Ownership::NotApplicable,
                touches: Vec::new(),
                id: Some(id),
            },
        )?;
        let plan = plan::plan_update(Entity::Employee, id, &set, &self.plan_context());
        self.database
            .write(&plan, Then::Continue)
            .await?
            .ok_or(Error::NotFound {
                entity: "employee",
                id,
            })?;
        crate::telemetry::security_event("employee deactivated");
        writeln!(
            err,
            "Deactivated {name} (employee {id}); their sessions are revoked."
        )
        .map_err(|source| Error::Output { source })
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
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

//! Running writes: the lookups that establish ownership before the checker
//! decides, the statements `plan` builds for creates and updates, and
//! employee deletion with reassignment. All of it runs inside the
//! command's transaction, as the application role; the database audits
//! every row written.

use std::sync::LazyLock;

use tokio_postgres::error::SqlState;

use super::statement::arg;
use super::{Database, DbError};
use crate::model::{Entity, Role};
use crate::plan::{DeleteEmployee, Plan, select_one};
use crate::policy::Authorized;

/// What the checker needs to know about an existing record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owners {
    /// The client's sales contact (for clients, contracts, and a new event's contract).
    pub sales: Option<i64>,
    /// The event's support contact.
    pub support: Option<i64>,
    /// Whether the contract is signed (for a new event).
    pub signed: bool,
}

impl Database {
    /// Owners of client `id`, or `None` when there is no such client. The
    /// contract's and the event's are read through the joins of their
    /// entity tables (`plan::select_one`).
    pub async fn client_owners(&mut self, id: i64) -> Result<Option<Owners>, DbError> {
        self.owners(
            "SELECT sales_contact_id, NULL::bigint, false FROM clients WHERE id = $1",
            id,
        )
        .await
    }

    pub async fn contract_owners(&mut self, id: i64) -> Result<Option<Owners>, DbError> {
        self.owners(&CONTRACT_OWNERS, id).await
    }

    pub async fn event_owners(&mut self, id: i64) -> Result<Option<Owners>, DbError> {
        self.owners(&EVENT_OWNERS, id).await
    }

    async fn owners(&mut self, sql: &str, id: i64) -> Result<Option<Owners>, DbError> {
        let client = self.session().await?;
        let row = client.query_typed_opt(sql, &[arg(&id)]).await?;
        Ok(row.map(|row| Owners {
            sales: row.get(0),
            support: row.get(1),
            signed: row.get(2),
        }))
    }

    /// Locks a contract against a concurrent change while an event is
    /// created for it, and says whether it is signed.
    pub async fn lock_contract(&mut self, id: i64) -> Result<Option<bool>, DbError> {
        let client = self.session().await?;
        let row = client
            .query_typed_opt(
                "SELECT signed FROM contracts WHERE id = $1 FOR SHARE",
                &[arg(&id)],
            )
            .await?;
        Ok(row.map(|row| row.get(0)))
    }

    /// Runs a create or update plan: the record's id, or `None` when no row
    /// was touched. The database writes the audit trail itself (a trigger,
    /// in the acting employee's name, with the record before and after).
    /// With `Then::Commit` the COMMIT goes in the same round trip: a failed
    /// statement turns it into a rollback, so nothing half-done can land.
    pub async fn write(&mut self, plan: &Plan, then: Then) -> Result<Option<i64>, DbError> {
        let params = plan.args();
        // A command still to be opened is opened by this very statement.
        let commit = then == Then::Commit && (self.in_command || self.expecting.is_some());
        let client = self.session().await?;
        let row = if commit {
            let (row, committed) = tokio::join!(
                client.query_typed_opt(plan.sql(), &params),
                client.batch_execute("COMMIT")
            );
            self.in_command = false;
            // The COMMIT was sent: a connection lost now may have committed.
            let outcome = row.and_then(|row| committed.map(|()| row));
            outcome.map_err(|e| self.failed_commit(e))?
        } else {
            client.query_typed_opt(plan.sql(), &params).await?
        };
        if row.is_none() && !commit {
            // Row security hides every row from a session that ended while
            // the command ran (another admin revoked it, or deactivated its
            // employee): that is not a missing record. The shell asks again
            // and says how the session ended.
            let live: bool = self
                .session()
                .await?
                .query_typed_one("SELECT epic_session_employee() IS NOT NULL", &[])
                .await?
                .get(0);
            if !live {
                return Err(DbError::SessionChanged);
            }
        }
        Ok(row.map(|row| row.get(0)))
    }

    /// An employee's name, email, department and whether they are active.
    pub async fn employee_facts(&mut self, id: i64) -> Result<Option<EmployeeFacts>, DbError> {
        let client = self.session().await?;
        let row = client
            .query_typed_opt(
                "SELECT full_name, email, department, active FROM employees WHERE id = $1",
                &[arg(&id)],
            )
            .await?;
        Ok(row.and_then(|row| {
            Some(EmployeeFacts {
                id,
                name: row.get(0),
                email: row.get(1),
                role: Role::from_department(row.get(2))?,
                active: row.get(3),
            })
        }))
    }

    /// [`Self::write`] for a new client, unless a client already has its
    /// email: then that client's id and name. The look-up and the insert
    /// (`ON CONFLICT ... DO NOTHING`, see `plan_create`) go in one round trip.
    pub async fn write_unless_email_taken(
        &mut self,
        plan: &Plan,
        email: &str,
        then: Then,
    ) -> Result<Result<i64, (i64, String)>, DbError> {
        let params = plan.args();
        let commit = then == Then::Commit && (self.in_command || self.expecting.is_some());
        let client = self.session().await?;
        let email_args = [arg(&email)];
        let (found, row, committed) = tokio::join!(
            client.query_typed_opt(CLIENT_WITH_EMAIL, &email_args),
            client.query_typed_opt(plan.sql(), &params),
            async {
                if commit {
                    client.batch_execute("COMMIT").await
                } else {
                    Ok(())
                }
            }
        );
        if commit {
            self.in_command = false;
        }
        let (found, row) = (found?, row?);
        committed?;
        Ok(match (row, found) {
            (Some(row), _) => Ok(row.get(0)),
            (None, Some(other)) => Err((other.get(0), other.get(1))),
            // Taken by a client this session cannot see: none such, all are read.
            (None, None) => Err((0, String::new())),
        })
    }

    /// The client whose email this is, ignoring case: id and name.
    pub async fn client_with_email(
        &mut self,
        email: &str,
    ) -> Result<Option<(i64, String)>, DbError> {
        let client = self.session().await?;
        let row = client
            .query_typed_opt(CLIENT_WITH_EMAIL, &[arg(&email)])
            .await?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    }

    /// How many clients an employee owns and events they support.
    pub async fn employee_holdings(&mut self, id: i64) -> Result<(i64, i64), DbError> {
        let client = self.session().await?;
        let row = client
            .query_typed_one(
                "SELECT (SELECT count(*) FROM clients WHERE sales_contact_id = $1), \
                        (SELECT count(*) FROM events WHERE support_contact_id = $1)",
                &[arg(&id)],
            )
            .await?;
        Ok((row.get(0), row.get(1)))
    }

    /// Moves the clients and supported events of the employee being
    /// deleted to `to`.
    pub async fn reassign_employee(
        &mut self,
        deletion: &Authorized<DeleteEmployee>,
        to: i64,
    ) -> Result<(u64, u64), DbError> {
        let from = deletion.id;
        let client = self.session().await?;
        let clients = client
            .execute_typed(
                "UPDATE clients SET sales_contact_id = $2, updated_at = now() WHERE sales_contact_id = $1",
                &[arg(&from), arg(&to)],
            )
            .await?;
        let events = client
            .execute_typed(
                "UPDATE events SET support_contact_id = $2, updated_at = now() WHERE support_contact_id = $1",
                &[arg(&from), arg(&to)],
            )
            .await?;
        Ok((clients, events))
    }

    /// Deletes an employee (the database audits it); whether one was deleted.
    pub async fn delete_employee(
        &mut self,
        deletion: &Authorized<DeleteEmployee>,
    ) -> Result<bool, DbError> {
        let id = deletion.id;
        let client = self.session().await?;
        match client
            .execute_typed("DELETE FROM employees WHERE id = $1", &[arg(&id)])
            .await
        {
            Ok(deleted) => Ok(deleted > 0),
            // A client or an event given to them since their holdings were counted.
            Err(e) if e.code() == Some(&SqlState::FOREIGN_KEY_VIOLATION) => Err(DbError::InUse {
                message: format!(
                    "employee {id} was given a client or an event meanwhile: nothing was deleted\n\
                     help: run the command again"
                ),
            }),
            Err(e) => Err(e.into()),
        }
    }
}

/// A contract's owners: its client's sales contact, and whether it is signed.
static CONTRACT_OWNERS: LazyLock<String> = LazyLock::new(|| {
    select_one(
        Entity::Contract,
        &["c.sales_contact_id", "NULL::bigint", "k.signed"],
    )
});

/// An event's owners: its client's sales contact, its support contact, and
/// whether its contract is signed.
static EVENT_OWNERS: LazyLock<String> = LazyLock::new(|| {
    select_one(
        Entity::Event,
        &["c.sales_contact_id", "e.support_contact_id", "k.signed"],
    )
});

/// By id from sql/0021's look-up: `lower(email) = ...` here would read
/// every client under the policies.
pub const CLIENT_WITH_EMAIL: &str = "SELECT id, full_name FROM clients \
     WHERE id = ANY (ARRAY(SELECT epic_clients_with_emails(ARRAY[$1::text])))";

/// An employee as the trust rules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeFacts {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
}

/// What follows a write in its command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// More statements: the command commits later.
    Continue,
    /// Nothing that can fail: commit with the write.
    Commit,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_read_through_the_entity_tables_joins() {
        assert_eq!(
            *CONTRACT_OWNERS,
            "SELECT c.sales_contact_id, NULL::bigint, k.signed FROM contracts k \
             JOIN clients c ON c.id = k.client_id WHERE k.id = $1"
        );
        assert_eq!(
            *EVENT_OWNERS,
            "SELECT c.sales_contact_id, e.support_contact_id, k.signed FROM events e \
             JOIN contracts k ON k.id = e.contract_id JOIN clients c ON c.id = k.client_id \
             WHERE e.id = $1"
        );
    }
}

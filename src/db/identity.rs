//! Identity, as the database decides it: every call here is one of the
//! SECURITY DEFINER functions of `sql/0009_shared_server.sql`. Login,
//! throttling, the session check, logout and password changes are called
//! as the client login; resets, revocations, unlocking, the audit of
//! refusals and the security settings inside a command, as the app role,
//! where the functions check the session's role themselves.
//!
//! No statement here reads a password hash or a session hash: the client
//! login has no privilege on any table. Passwords and tokens travel as bind
//! parameters, which the roles' `log_parameter_max_length = 0` keeps out of
//! the server log.

use chrono::{DateTime, Utc};

use super::statement::arg;
use super::{Database, DbError};
use crate::model::Role;

/// The logged-in employee and their session, as the database says now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub employee_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub session_id: i64,
    pub started: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub must_change_password: bool,
}

/// Why a session is not alive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionProblem {
    /// Not a token this database signed, or its session is gone.
    Unknown,
    Revoked,
    Expired,
    /// Idle longer than the limit, in minutes.
    Idle {
        minutes: i32,
    },
    Deactivated,
}

/// What `epic_session_check` says of a token.
pub type SessionCheck = Result<Identity, SessionProblem>;

/// What `epic_login` says.
#[derive(Debug)]
pub enum LoginOutcome {
    LoggedIn {
        identity: Identity,
        token: String,
        unread_notifications: i64,
    },
    /// Wrong email or password; `locked_now` when this failure locked the email.
    Wrong {
        locked_now: bool,
    },
    Locked {
        minutes: i32,
        by: LoginLimit,
    },
    Deactivated,
}

/// Which limit holds logins back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginLimit {
    /// Too many failures for this email.
    Email,
    /// Too many failures from this address, whatever the emails.
    Address,
    /// Too many failures on the whole server in the last minute.
    Server,
}

/// What `epic_change_password` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChange {
    Changed {
        other_sessions_revoked: i64,
    },
    NotLoggedIn,
    Locked {
        minutes: i32,
    },
    WrongCurrent,
    Same,
    /// The database's own rules refused the new password.
    Weak,
}

/// The session check every command opens with (see `rows`): `$1` the token.
pub const CHECK_SESSION: &str = "SELECT state, who_id, who_name, who_email, who_role, session, \
     session_started, session_expires, must_change, idle_minutes FROM epic_session_check($1)";

/// The answer of a [`CHECK_SESSION`] row.
pub(super) fn session_check_of(row: &tokio_postgres::Row) -> SessionCheck {
    let state: &str = row.get(0);
    match state {
        "ok" => {
            let role: &str = row.get(4);
            Ok(Identity {
                employee_id: row.get(1),
                name: row.get(2),
                email: row.get(3),
                // The schema allows only the four departments.
                role: Role::from_department(role).ok_or(SessionProblem::Unknown)?,
                session_id: row.get(5),
                started: row.get(6),
                expires: row.get(7),
                must_change_password: row.get(8),
            })
        }
        "revoked" => Err(SessionProblem::Revoked),
        "expired" => Err(SessionProblem::Expired),
        "idle" => Err(SessionProblem::Idle {
            minutes: row.get(9),
        }),
        "deactivated" => Err(SessionProblem::Deactivated),
        _ => Err(SessionProblem::Unknown),
    }
}

impl Database {
    /// Logs in (the client login calls `epic_login`): one round trip.
    pub async fn login(&mut self, email: &str, password: &str) -> Result<LoginOutcome, DbError> {
        let client = self.session().await?;
        let row = client
            .query_typed_one(
                "SELECT status, token, retry_minutes, locked_now, who_id, who_name, who_email, \
                        who_role, session, session_started, session_expires, must_change, unread \
                 FROM epic_login($1, $2)",
                &[arg(&email), arg(&password)],
            )
            .await?;
        let status: &str = row.get(0);
        Ok(match status {
            "ok" => {
                let role: &str = row.get(7);
                LoginOutcome::LoggedIn {
                    identity: Identity {
                        employee_id: row.get(4),
                        name: row.get(5),
                        email: row.get(6),
                        role: Role::from_department(role).ok_or(DbError::Invalid {
                            message: format!("unknown department `{role}`"),
                        })?,
                        session_id: row.get(8),
                        started: row.get(9),
                        expires: row.get(10),
                        must_change_password: row.get(11),
                    },
                    token: row.get(1),
                    unread_notifications: row.get(12),
                }
            }
            "locked email" | "locked" => LoginOutcome::Locked {
                minutes: row.get(2),
                by: LoginLimit::Email,
            },
            "locked address" => LoginOutcome::Locked {
                minutes: row.get(2),
                by: LoginLimit::Address,
            },
            "locked server" => LoginOutcome::Locked {
                minutes: row.get(2),
                by: LoginLimit::Server,
            },
            "deactivated" => LoginOutcome::Deactivated,
            _ => LoginOutcome::Wrong {
                locked_now: row.get(3),
            },
        })
    }

    /// The token's session, if it is alive, and why not otherwise. One
    /// round trip; it marks the session seen.
    pub async fn check_session(&mut self, token: &str) -> Result<SessionCheck, DbError> {
        let client = self.session().await?;
        let row = client
            .query_typed_one(CHECK_SESSION, &[arg(&token)])
            .await?;
        Ok(session_check_of(&row))
    }

    /// Ends the token's session; whether it was alive.
    pub async fn logout(&mut self, token: &str) -> Result<bool, DbError> {
        let client = self.session().await?;
        Ok(client
            .query_typed_one("SELECT epic_logout($1)", &[arg(&token)])
            .await?
            .get(0))
    }

    pub async fn change_password(
        &mut self,
        token: &str,
        current: &str,
        new: &str,
    ) -> Result<PasswordChange, DbError> {
        let client = self.session().await?;
        let row = client
            .query_typed_one(
                "SELECT status, revoked, retry_minutes FROM epic_change_password($1, $2, $3)",
                &[arg(&token), arg(&current), arg(&new)],
            )
            .await?;
        let status: &str = row.get(0);
        Ok(match status {
            "ok" => PasswordChange::Changed {
                other_sessions_revoked: i64::from(row.get::<_, i32>(1)),
            },
            "locked" => PasswordChange::Locked {
                minutes: row.get(2),
            },
            "wrong" => PasswordChange::WrongCurrent,
            "same" => PasswordChange::Same,
            "weak" => PasswordChange::Weak,
            _ => PasswordChange::NotLoggedIn,
        })
    }

    /// Inside a command: a temporary password for `employee`, or `None`
    /// when there is no such employee.
    pub async fn reset_password(&mut self, employee: i64) -> Result<Option<String>, DbError> {
        let client = self.session().await?;
        Ok(client
            .query_typed_one("SELECT epic_reset_password($1)", &[arg(&employee)])
            .await?
            .get(0))
    }

    /// Inside a command: the hash for a new employee's password.
    pub async fn new_password_hash(
        &mut self,
        password: &str,
        email: &str,
        name: &str,
    ) -> Result<String, DbError> {
        let client = self.session().await?;
        Ok(client
            .query_typed_one(
                "SELECT epic_new_password_hash($1, $2, $3)",
                &[arg(&password), arg(&email), arg(&name)],
            )
            .await?
            .get(0))
    }

    /// Inside a command: ends a live session; its employee (id and name).
    pub async fn revoke_session(&mut self, session: i64) -> Result<Option<(i64, String)>, DbError> {
        let client = self.session().await?;
        let row = client
            .query_typed_one(
                "SELECT owner_id, owner_name FROM epic_revoke_session($1)",
                &[arg(&session)],
            )
            .await?;
        Ok(row
            .get::<_, Option<i64>>(0)
            .map(|id| (id, row.get::<_, Option<String>>(1).unwrap_or_default())))
    }

    /// Inside a command: ends every live session of an employee; how many.
    pub async fn revoke_sessions_of(&mut self, employee: i64) -> Result<i64, DbError> {
        let client = self.session().await?;
        let revoked: i32 = client
            .query_typed_one("SELECT epic_revoke_sessions_of($1)", &[arg(&employee)])
            .await?
            .get(0);
        Ok(i64::from(revoked))
    }

    /// Inside a command: lifts a lock-out; the email as the throttle keys it.
    pub async fn unlock(&mut self, email: &str) -> Result<String, DbError> {
        let client = self.session().await?;
        Ok(client
            .query_typed_one("SELECT epic_unlock($1)", &[arg(&email)])
            .await?
            .get(0))
    }

    /// Records a refusal, in a transaction of its own as the app role: under
    /// the entity it was about, with the record a refused create was for.
    pub async fn audit_denial(
        &mut self,
        request: &str,
        rule: &str,
        entity: Option<&str>,
        record: crate::policy::Refused,
    ) -> Result<(), DbError> {
        let client = self.session().await?;
        let (parent, parent_id) = record.parent.unzip();
        client
            .execute_typed(
                "SELECT epic_audit_denial($1, $2, $3, $4, $5, $6)",
                &[
                    arg(&request),
                    arg(&rule),
                    arg(&entity),
                    arg(&record.id),
                    arg(&parent),
                    arg(&parent_id),
                ],
            )
            .await?;
        Ok(())
    }

    /// Inside a command: changes a security setting; its value before.
    pub async fn set_security(&mut self, setting: &str, value: i32) -> Result<i32, DbError> {
        let client = self.session().await?;
        Ok(client
            .query_typed_one(
                "SELECT old_value FROM epic_set_security($1, $2)",
                &[arg(&setting), arg(&value)],
            )
            .await?
            .get(0))
    }

    /// Inside a command: changes the company's time zone; the zone before.
    pub async fn set_time_zone(&mut self, zone: &str) -> Result<String, DbError> {
        let client = self.session().await?;
        Ok(client
            .query_typed_one("SELECT old_zone FROM epic_set_time_zone($1)", &[arg(&zone)])
            .await?
            .get(0))
    }

    /// Employees whose full name is `name` (ignoring case): more than one
    /// means the name is ambiguous.
    pub async fn employees_named(
        &mut self,
        name: &str,
    ) -> Result<Vec<(i64, String, String)>, DbError> {
        let client = self.session().await?;
        let rows = client
            .query_typed(
                "SELECT id, full_name, email FROM employees WHERE lower(full_name) = lower($1) ORDER BY id",
                &[arg(&name)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| (row.get(0), row.get(1), row.get(2)))
            .collect())
    }

    /// Every employee's name, of one department if given, to suggest the
    /// names closest to one that matched nobody.
    pub async fn employee_names_in(
        &mut self,
        department: Option<&str>,
    ) -> Result<Vec<String>, DbError> {
        let client = self.session().await?;
        let rows = client
            .query_typed(
                "SELECT full_name FROM employees WHERE $1::text IS NULL OR department = $1 ORDER BY full_name",
                &[arg(&department)],
            )
            .await?;
        Ok(rows.iter().map(|row| row.get(0)).collect())
    }

    pub async fn employee_by_id(&mut self, id: i64) -> Result<Option<(String, String)>, DbError> {
        let client = self.session().await?;
        let row = client
            .query_typed_opt(
                "SELECT full_name, email FROM employees WHERE id = $1",
                &[arg(&id)],
            )
            .await?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    }
}

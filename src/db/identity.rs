//! The SQL of identity: login lookups, throttling, sessions, the audit
//! trail of security events. The logic (what to check, in which order, and
//! what to tell the user) lives in `auth`; this module only talks to
//! PostgreSQL.

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

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

/// An employee as login needs them.
pub struct LoginRow {
    pub id: i64,
    pub name: String,
    pub password_hash: String,
    pub active: bool,
}

/// Why a session check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionProblem {
    Unknown,
    Revoked,
    Expired,
    Idle,
    Deactivated,
}

/// The session check every command makes: `$1` the SHA-256 of the session
/// id, `$2` the employee the token names, `$3` the idle limit in seconds.
/// It marks the session as seen, but at most every few seconds: a batch of
/// reads then writes nothing, and two commands of one session never wait
/// for each other's row lock.
pub(super) const CHECK_SESSION: &str = "\
    WITH live AS ( \
        SELECT e.id, e.full_name, e.email, e.department, s.id AS session_id, s.created_at, \
               s.expires_at, e.must_change_password, s.last_seen_at \
        FROM user_sessions s JOIN employees e ON e.id = s.employee_id \
        WHERE s.token_hash = $1 AND s.employee_id = $2 AND e.active \
          AND s.revoked_at IS NULL AND s.expires_at > now() \
          AND s.last_seen_at > now() - make_interval(secs => $3)), \
    seen AS ( \
        UPDATE user_sessions u SET last_seen_at = now() FROM live \
        WHERE u.id = live.session_id AND live.last_seen_at < now() - interval '5 seconds') \
    SELECT id, full_name, email, department, session_id, created_at, expires_at, must_change_password \
    FROM live";

/// An [`Identity`] from a [`CHECK_SESSION`] row.
pub(super) fn identity_of(row: &tokio_postgres::Row) -> Option<Identity> {
    Some(Identity {
        employee_id: row.get(0),
        name: row.get(1),
        email: row.get(2),
        role: Role::from_department(row.get(3))?,
        session_id: row.get(4),
        started: row.get(5),
        expires: row.get(6),
        must_change_password: row.get(7),
    })
}

fn seconds(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64()
}

impl Database {
    /// Seconds left of a lock-out for this email, if it is locked.
    pub async fn login_lockout(
        &mut self,
        email_key: &str,
        window: std::time::Duration,
        cooldown: std::time::Duration,
        max_failures: i64,
    ) -> Result<Option<i64>, DbError> {
        let client = self.session().await?;
        let row = client
            .query_one(
                "WITH reset AS ( \
                     SELECT coalesce(max(at), '-infinity') AS at FROM login_attempts \
                     WHERE email_key = $1 AND kind IN ('success', 'unlock')) \
                 SELECT count(*), \
                        ceil(extract(epoch FROM max(a.at) + make_interval(secs => $3) - now()))::bigint \
                 FROM login_attempts a, reset \
                 WHERE a.email_key = $1 AND a.kind = 'failure' AND a.at > reset.at \
                   AND a.at > now() - make_interval(secs => $2)",
                &[&email_key, &seconds(window), &seconds(cooldown)],
            )
            .await?;
        let failures: i64 = row.get(0);
        let remaining: Option<i64> = row.get(1);
        Ok(match remaining {
            Some(left) if failures >= max_failures && left > 0 => Some(left),
            _ => None,
        })
    }

    pub async fn record_login_attempt(
        &mut self,
        email_key: &str,
        kind: &str,
    ) -> Result<(), DbError> {
        let client = self.session().await?;
        client
            .execute(
                "INSERT INTO login_attempts (email_key, kind) VALUES ($1, $2)",
                &[&email_key, &kind],
            )
            .await?;
        Ok(())
    }

    pub async fn find_login(&mut self, email: &str) -> Result<Option<LoginRow>, DbError> {
        let client = self.session().await?;
        let row = client
            .query_opt(
                "SELECT id, full_name, password_hash, active FROM employees WHERE lower(email) = lower($1)",
                &[&email],
            )
            .await?;
        Ok(row.map(|row| LoginRow {
            id: row.get(0),
            name: row.get(1),
            password_hash: row.get(2),
            active: row.get(3),
        }))
    }

    /// Opens a session; returns its id, start and end.
    pub async fn create_session(
        &mut self,
        employee_id: i64,
        token_hash: &[u8],
        lifetime: std::time::Duration,
    ) -> Result<(i64, DateTime<Utc>, DateTime<Utc>), DbError> {
        let client = self.session().await?;
        let row = client
            .query_one(
                "INSERT INTO user_sessions (employee_id, token_hash, expires_at) \
                 VALUES ($1, $2, now() + make_interval(secs => $3)) \
                 RETURNING id, created_at, expires_at",
                &[&employee_id, &token_hash, &seconds(lifetime)],
            )
            .await?;
        Ok((row.get(0), row.get(1), row.get(2)))
    }

    /// The session's identity if it is alive (not revoked, not expired, not
    /// idle too long, its employee active). One round trip.
    pub async fn check_session(
        &mut self,
        token_hash: &[u8],
        employee_id: i64,
        idle: std::time::Duration,
    ) -> Result<Option<Identity>, DbError> {
        let client = self.session().await?;
        let statement = client.prepare_cached(CHECK_SESSION).await?;
        let row = client
            .query_opt(&statement, &[&token_hash, &employee_id, &seconds(idle)])
            .await?;
        Ok(row.as_ref().and_then(identity_of))
    }

    /// Why `check_session` found nothing, for a precise message.
    pub async fn session_problem(
        &mut self,
        token_hash: &[u8],
        idle: std::time::Duration,
    ) -> Result<SessionProblem, DbError> {
        let client = self.session().await?;
        let row = client
            .query_opt(
                "SELECT s.revoked_at IS NOT NULL, s.expires_at <= now(), \
                        s.last_seen_at <= now() - make_interval(secs => $2), e.active \
                 FROM user_sessions s JOIN employees e ON e.id = s.employee_id WHERE s.token_hash = $1",
                &[&token_hash, &seconds(idle)],
            )
            .await?;
        Ok(match row {
            None => SessionProblem::Unknown,
            // Deactivation also revokes the sessions: say the more useful thing.
            Some(row) if !row.get::<_, bool>(3) => SessionProblem::Deactivated,
            Some(row) if row.get::<_, bool>(0) => SessionProblem::Revoked,
            Some(row) if row.get::<_, bool>(1) => SessionProblem::Expired,
            Some(_) => SessionProblem::Idle,
        })
    }

    /// Revokes sessions: the one with `session_id`, or every live one of
    /// `employee_id` except `keep`. Returns how many were revoked.
    /// Sessions idle for longer than `idle` are dead already and not counted.
    pub async fn revoke_sessions(
        &mut self,
        session_id: Option<i64>,
        employee_id: Option<i64>,
        keep: Option<i64>,
        idle: std::time::Duration,
    ) -> Result<u64, DbError> {
        let client = self.session().await?;
        Ok(client
            .execute(
                "UPDATE user_sessions SET revoked_at = now() \
                 WHERE revoked_at IS NULL AND expires_at > now() \
                   AND last_seen_at > now() - make_interval(secs => $4) \
                   AND ($1::bigint IS NULL OR id = $1) AND ($2::bigint IS NULL OR employee_id = $2) \
                   AND ($3::bigint IS NULL OR id <> $3)",
                &[&session_id, &employee_id, &keep, &seconds(idle)],
            )
            .await?)
    }

    /// The employee a live session belongs to, for `revoke session N`.
    pub async fn live_session_owner(
        &mut self,
        session_id: i64,
        idle: std::time::Duration,
    ) -> Result<Option<(i64, String)>, DbError> {
        let client = self.session().await?;
        let row = client
            .query_opt(
                "SELECT e.id, e.full_name FROM user_sessions s JOIN employees e ON e.id = s.employee_id \
                 WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now() \
                   AND s.last_seen_at > now() - make_interval(secs => $2)",
                &[&session_id, &seconds(idle)],
            )
            .await?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    }

    /// Employees whose full name is `name` (ignoring case): more than one
    /// means the name is ambiguous.
    pub async fn employees_named(
        &mut self,
        name: &str,
    ) -> Result<Vec<(i64, String, String)>, DbError> {
        let client = self.session().await?;
        let rows = client
            .query(
                "SELECT id, full_name, email FROM employees WHERE lower(full_name) = lower($1) ORDER BY id",
                &[&name],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| (row.get(0), row.get(1), row.get(2)))
            .collect())
    }

    pub async fn employee_by_id(&mut self, id: i64) -> Result<Option<(String, String)>, DbError> {
        let client = self.session().await?;
        let row = client
            .query_opt(
                "SELECT full_name, email FROM employees WHERE id = $1",
                &[&id],
            )
            .await?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    }

    pub async fn password_hash(&mut self, employee_id: i64) -> Result<Option<String>, DbError> {
        let client = self.session().await?;
        let row = client
            .query_opt(
                "SELECT password_hash FROM employees WHERE id = $1",
                &[&employee_id],
            )
            .await?;
        Ok(row.map(|row| row.get(0)))
    }

    pub async fn set_password(
        &mut self,
        employee_id: i64,
        hash: &str,
        must_change: bool,
    ) -> Result<(), DbError> {
        let client = self.session().await?;
        client
            .execute(
                "UPDATE employees SET password_hash = $2, must_change_password = $3, updated_at = now() WHERE id = $1",
                &[&employee_id, &hash, &must_change],
            )
            .await?;
        Ok(())
    }

    pub async fn unread_notifications(&mut self, employee_id: i64) -> Result<i64, DbError> {
        let client = self.session().await?;
        Ok(client
            .query_one(
                "SELECT count(*) FROM notifications WHERE employee_id = $1 AND read_at IS NULL",
                &[&employee_id],
            )
            .await?
            .get(0))
    }

    /// Appends a change to the audit trail: the record before and after.
    pub async fn audit_change(
        &mut self,
        actor: (i64, &str),
        action: &str,
        entity: &str,
        entity_id: i64,
        before: Option<Json>,
        after: Option<Json>,
    ) -> Result<(), DbError> {
        let client = self.session().await?;
        let statement = client
            .prepare_cached(
                "INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, before, after) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .await?;
        client
            .execute(
                &statement,
                &[
                    &actor.0, &actor.1, &action, &entity, &entity_id, &before, &after,
                ],
            )
            .await?;
        Ok(())
    }

    /// Appends to the audit trail. `actor` is who acted (none for a failed login).
    pub async fn audit(
        &mut self,
        actor: Option<(i64, &str)>,
        action: &str,
        entity: Option<&str>,
        entity_id: Option<i64>,
        detail: Json,
    ) -> Result<(), DbError> {
        let client = self.session().await?;
        let statement = client
            .prepare_cached(
                "INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .await?;
        client
            .execute(
                &statement,
                &[
                    &actor.map(|(id, _)| id),
                    &actor.map(|(_, name)| name),
                    &action,
                    &entity,
                    &entity_id,
                    &detail,
                ],
            )
            .await?;
        Ok(())
    }
}

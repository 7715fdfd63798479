//! Running planned statements: rows come back as typed [`Value`]s, streamed
//! one at a time to whoever renders them, on a connection the shell keeps
//! for its whole session (so prepared statements are reused). Also how a
//! command's transaction opens as the application role and ends.

use chrono::{DateTime, FixedOffset, Local, Utc};
use futures_util::{FutureExt, StreamExt, pin_mut};
use rust_decimal::Decimal;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::identity::{CHECK_SESSION, Identity, SessionCheck, session_check_of};
use super::{Database, DbError};
use crate::plan::{ColumnKind, OutColumn, Plan};
use crate::value::Value;

impl Database {
    /// The session's connection, opened on first use and reopened after a
    /// failure. Every statement goes through here, so a command opened with
    /// [`Self::expect_session`] sends its opening just before its first
    /// statement: queued on the connection, not awaited, in the same round
    /// trip.
    pub(super) async fn session(&mut self) -> Result<&deadpool_postgres::Object, DbError> {
        if self.held.as_ref().is_some_and(|client| client.is_closed()) {
            self.held = None;
        }
        if self.held.is_none() {
            self.held = Some(self.client().await?);
        }
        if let Some(expected) = self.expecting.take() {
            let client = self.held.as_ref().expect("just opened");
            let (expect, enter) = tokio::join!(
                client.prepare_cached(EXPECT_SESSION),
                client.prepare_cached(ENTER_APP_ROLE),
            );
            let (expect, enter) = (expect?, enter?);
            let expect_params: [&(dyn ToSql + Sync); 4] = [
                &expected.token,
                &expected.employee_id,
                &expected.department,
                &expected.name,
            ];
            let enter_params: [&(dyn ToSql + Sync); 2] = [&expected.token, &self.app_role];
            // Polled once, each request is queued in order; their answers
            // are not needed: if one fails, the transaction is failed and
            // the statement that follows says so (`DbError::SessionChanged`).
            let _ = client.batch_execute("BEGIN").now_or_never();
            let _ = client.execute(&expect, &expect_params).now_or_never();
            let _ = client.execute(&enter, &enter_params).now_or_never();
            self.in_command = true;
        }
        Ok(self.held.as_ref().expect("just opened"))
    }

    /// Opens a command for a session whose identity the shell already
    /// knows, without a round trip of its own: BEGIN, a check that the
    /// session is still alive and still `expected` (`epic_expect_session`,
    /// which fails the transaction otherwise) and the switch to the app role
    /// go out with the command's first statement. If nothing is sent before
    /// `finish`, nothing was opened.
    pub fn expect_session(&mut self, token: &str, expected: &Identity) {
        self.expecting = Some(Expected {
            token: token.to_owned(),
            employee_id: expected.employee_id,
            department: expected.role.name().to_owned(),
            name: expected.name.clone(),
        });
    }

    /// Starts a command's transaction as the application role, acting for
    /// the session of `token`. Both the role and the setting are
    /// transaction-local: nothing outlives the command. One round trip: the
    /// statements are pipelined.
    pub async fn begin_as(&mut self, token: &str) -> Result<(), DbError> {
        let app_role = self.app_role.clone();
        let client = self.session().await?;
        let enter = client.prepare_cached(ENTER_APP_ROLE).await?;
        let enter_params: [&(dyn ToSql + Sync); 2] = [&token, &app_role];
        let (begun, entered) = tokio::join!(
            client.batch_execute("BEGIN"),
            client.execute(&enter, &enter_params),
        );
        self.in_command = begun.is_ok();
        if let Err(e) = begun.and(entered) {
            let _ = self.finish(false).await;
            return Err(e.into());
        }
        Ok(())
    }

    /// [`Self::begin_as`] with the session check first, in the same
    /// transaction and the same round trip: the session's identity if it is
    /// alive, with the transaction open as the application role; why not
    /// (and nothing open) if it is not. The two statements are prepared
    /// once per connection (together, in one round trip).
    pub async fn begin_checked(&mut self, token: &str) -> Result<SessionCheck, DbError> {
        let app_role = self.app_role.clone();
        let client = self.session().await?;
        let (check, enter) = tokio::join!(
            client.prepare_cached(CHECK_SESSION),
            client.prepare_cached(ENTER_APP_ROLE),
        );
        let (check, enter) = (check?, enter?);
        let check_params: [&(dyn ToSql + Sync); 1] = [&token];
        let enter_params: [&(dyn ToSql + Sync); 2] = [&token, &app_role];
        let (begun, checked, entered) = tokio::join!(
            client.batch_execute("BEGIN"),
            client.query_one(&check, &check_params),
            client.execute(&enter, &enter_params),
        );
        self.in_command = begun.is_ok();
        let outcome = begun
            .and(checked)
            .and_then(|row| entered.map(|_| session_check_of(&row)));
        match outcome {
            Ok(Ok(identity)) => Ok(Ok(identity)),
            Ok(Err(problem)) => {
                self.finish(false).await?;
                Ok(Err(problem))
            }
            Err(e) => {
                let _ = self.finish(false).await;
                Err(e.into())
            }
        }
    }

    /// Ends the command's transaction: commits what succeeded, rolls back
    /// what failed.
    /// Does nothing when the command's last statement already committed
    /// (see `write_audited`).
    pub async fn finish(&mut self, succeeded: bool) -> Result<(), DbError> {
        // An opening never sent opened nothing.
        self.expecting = None;
        if !std::mem::take(&mut self.in_command) {
            return Ok(());
        }
        let client = self.session().await?;
        let outcome = client
            .batch_execute(if succeeded { "COMMIT" } else { "ROLLBACK" })
            .await;
        match outcome {
            Ok(()) => Ok(()),
            Err(_) if !succeeded => Ok(()),
            Err(e) => Err(self.failed_commit(e)),
        }
    }

    /// A COMMIT (or a statement sent with it) failed. A lost connection
    /// leaves the outcome unknown, and is not used again.
    pub(super) fn failed_commit(&mut self, error: tokio_postgres::Error) -> DbError {
        let error = DbError::at_commit(error);
        if matches!(error, DbError::LostAfterCommit { .. }) {
            self.held = None;
        }
        error
    }

    /// Runs `plan`, handing each row to `each` as soon as it arrives.
    /// Returns how many rows there were.
    pub async fn stream<E: From<DbError>>(
        &mut self,
        plan: &Plan,
        mut each: impl FnMut(Vec<Value>) -> Result<(), E>,
    ) -> Result<u64, E> {
        let result = async {
            let client = self.session().await?;
            let statement = client.prepare_cached(plan.sql()).await?;
            let rows = client
                .query_raw(&statement, plan.params().iter().map(|p| p.as_sql()))
                .await?;
            Ok::<_, DbError>(rows)
        }
        .await;
        let rows = match result {
            Ok(rows) => rows,
            Err(e) => {
                self.forget_if_broken();
                return Err(e.into());
            }
        };
        pin_mut!(rows);
        let mut count = 0;
        let mut local = LocalOffsets::default();
        while let Some(row) = rows.next().await {
            let row = row.map_err(DbError::from)?;
            each(values(&row, plan.columns(), &mut local)?)?;
            count += 1;
        }
        Ok(count)
    }

    /// Runs a plan that returns no rows; how many rows it changed.
    pub async fn execute(&mut self, plan: &Plan) -> Result<u64, DbError> {
        let client = self.session().await?;
        let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
            plan.params().iter().map(|p| p.as_sql()).collect();
        let statement = client.prepare_cached(plan.sql()).await?;
        Ok(client.execute(&statement, &params).await?)
    }

    /// Runs `plan` and returns its one row, if any.
    pub async fn fetch_one(&mut self, plan: &Plan) -> Result<Option<Vec<Value>>, DbError> {
        let mut found = None;
        self.stream(plan, |row| {
            found.get_or_insert(row);
            Ok::<(), DbError>(())
        })
        .await?;
        Ok(found)
    }

    /// Runs a `count(*)` plan.
    pub async fn count(&mut self, plan: &Plan) -> Result<i64, DbError> {
        match self.fetch_one(plan).await? {
            Some(row) => match row.first() {
                Some(Value::Int(n)) => Ok(*n),
                _ => Ok(0),
            },
            None => Ok(0),
        }
    }

    /// What the session connection acts as right now: its role, the
    /// employee of the session it presents, and the `epic.session` setting.
    /// Outside a command that is the login alone, with no session: what the
    /// tests check to prove that nothing outlives a transaction.
    pub async fn acting_as(&mut self) -> Result<ActingAs, DbError> {
        let client = self.session().await?;
        let row = client
            .query_one(
                "SELECT current_user::text, coalesce(current_setting('epic.session', true), '')",
                &[],
            )
            .await?;
        let session_setting: String = row.get(1);
        // Only the app role, inside a command, may ask whose session it is.
        let employee = if session_setting.is_empty() {
            None
        } else {
            client
                .query_one("SELECT epic_session_employee()", &[])
                .await?
                .get(0)
        };
        Ok(ActingAs {
            role: row.get(0),
            employee,
            session_setting,
        })
    }

    /// The newest of the acting employee's notifications (0: none), inside
    /// a command: where the live notifications start.
    pub async fn newest_notification(&mut self) -> Result<i64, DbError> {
        let client = self.session().await?;
        let row = client
            .query_one("SELECT coalesce(max(id), 0) FROM notifications", &[])
            .await?;
        Ok(row.get(0))
    }

    /// Active employees' full names, for completion in the shell.
    pub async fn employee_names(&mut self) -> Result<Vec<String>, DbError> {
        let client = self.session().await?;
        let rows = client
            .query(
                "SELECT full_name FROM employees WHERE active ORDER BY full_name",
                &[],
            )
            .await?;
        Ok(rows.iter().map(|row| row.get(0)).collect())
    }

    fn forget_if_broken(&mut self) {
        if self.held.as_ref().is_some_and(|client| client.is_closed()) {
            self.held = None;
        }
    }
}

/// What [`Database::expect_session`] checks.
pub(super) struct Expected {
    token: String,
    employee_id: i64,
    department: String,
    name: String,
}

const EXPECT_SESSION: &str = "SELECT epic_expect_session($1, $2, $3, $4)";

/// Becomes the application role (`$2`) acting for the session of token
/// `$1`, until the transaction ends (`set_config(.., true)` is `SET
/// LOCAL`). The database hashes the token to find the session. Without
/// Memoize: it sizes its cache from the planner's estimate, and on a
/// million events setting that up and freeing it took 4 ms of a first page
/// that otherwise takes 0.5 ms.
const ENTER_APP_ROLE: &str = "SELECT set_config('epic.session', $1, true), \
     set_config('role', $2, true), set_config('enable_memoize', 'off', true)";

/// The local time zone's offset, by UTC day: a day whose first and last
/// moments have the same offset has it throughout (zones change offset at
/// most a few times a year), so one question to the zone per day stands for
/// all of that day's timestamps. Asking the zone for each of a million
/// timestamps was a tenth of an export's time.
#[derive(Default)]
struct LocalOffsets {
    /// The day's offset, or `None` for a day with a change in it.
    days: std::collections::HashMap<i64, Option<FixedOffset>>,
}

impl LocalOffsets {
    fn local(&mut self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        const DAY: i64 = 24 * 60 * 60;
        let offset_at = |at: DateTime<Utc>| *at.with_timezone(&Local).offset();
        let day = at.timestamp().div_euclid(DAY);
        let whole_day = *self.days.entry(day).or_insert_with(|| {
            let first = DateTime::from_timestamp(day * DAY, 0)?;
            let last = DateTime::from_timestamp(day * DAY + DAY - 1, 0)?;
            let offset = offset_at(first);
            (offset == offset_at(last)).then_some(offset)
        });
        at.with_timezone(&whole_day.unwrap_or_else(|| offset_at(at)))
    }
}

/// A row as typed values, read by each column's kind.
fn values(
    row: &Row,
    columns: &[OutColumn],
    local: &mut LocalOffsets,
) -> Result<Vec<Value>, DbError> {
    columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let value = match column.kind {
                ColumnKind::Id => row.try_get::<_, Option<i64>>(index)?.map(Value::Int),
                ColumnKind::Integer => row
                    .try_get::<_, Option<i32>>(index)?
                    .map(|n| Value::Int(i64::from(n))),
                ColumnKind::Text => row.try_get::<_, Option<String>>(index)?.map(Value::Text),
                ColumnKind::Money => row.try_get::<_, Option<Decimal>>(index)?.map(Value::Money),
                ColumnKind::Bool => row.try_get::<_, Option<bool>>(index)?.map(Value::Bool),
                ColumnKind::Timestamp => row
                    .try_get::<_, Option<DateTime<Utc>>>(index)?
                    .map(|at| Value::Timestamp(local.local(at))),
            };
            Ok(value.unwrap_or(Value::Null))
        })
        .collect()
}

/// What a connection acts as (see [`Database::acting_as`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActingAs {
    pub role: String,
    pub employee: Option<i64>,
    pub session_setting: String,
}

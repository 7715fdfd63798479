//! Running planned statements: rows come back as typed [`Value`]s, streamed
//! one at a time to whoever renders them, on a connection the shell keeps
//! for its whole session (so prepared statements are reused), inside the
//! command's transaction (`transaction`).

use chrono::{DateTime, FixedOffset, Utc};
use futures_util::{StreamExt, pin_mut};
use rust_decimal::Decimal;
use tokio_postgres::Row;

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
        if !self.in_command
            && let Some(token) = self.expecting.as_ref().map(|e| e.token.clone())
        {
            self.choose_connection(&token).await;
        }
        self.forget_if_broken();
        if self.held_slot().is_none() {
            let client = self.connect_for_command().await?;
            *self.held_slot() = Some(client);
        }
        self.send_opening().await?;
        Ok(self.held_now().expect("just opened"))
    }

    /// Every row of `plan`, for the small results a command needs whole
    /// before it prints (a report, a record's related lists, a bulk
    /// update's matches), which a limit in the plan keeps small.
    pub async fn collect(&mut self, plan: &Plan) -> Result<Vec<Vec<Value>>, DbError> {
        let mut rows = Vec::new();
        self.stream(plan, |row| {
            rows.push(row.to_vec());
            Ok::<(), DbError>(())
        })
        .await?;
        Ok(rows)
    }

    /// Runs `plan`, handing each row to `each` as soon as it arrives.
    /// Returns how many rows there were. Every row is read into the same
    /// values, whose text keeps its allocation from row to row: an export
    /// of a million rows allocates per column, not per cell.
    pub async fn stream<E: From<DbError>>(
        &mut self,
        plan: &Plan,
        mut each: impl FnMut(&[Value]) -> Result<(), E>,
    ) -> Result<u64, E> {
        let result = async {
            let client = self.session().await?;
            let rows = client.query_typed_raw(plan.sql(), plan.args()).await?;
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
        let mut local = LocalOffsets::new(self.zone);
        let mut values = vec![Value::Null; plan.columns().len()];
        while let Some(row) = rows.next().await {
            let row = row.map_err(DbError::from)?;
            read_values(&row, plan.columns(), &mut local, &mut values)?;
            each(&values)?;
            count += 1;
        }
        Ok(count)
    }

    /// Runs a plan that returns no rows; how many rows it changed.
    pub async fn execute(&mut self, plan: &Plan) -> Result<u64, DbError> {
        let client = self.session().await?;
        Ok(client.execute_typed(plan.sql(), &plan.args()).await?)
    }

    /// Runs `plan` and returns its one row, if any.
    pub async fn fetch_one(&mut self, plan: &Plan) -> Result<Option<Vec<Value>>, DbError> {
        let mut found = None;
        self.stream(plan, |row| {
            found.get_or_insert_with(|| row.to_vec());
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

    /// The rows the planner expects an `EXPLAIN (FORMAT JSON)` plan's
    /// statement to return (its top node's "Plan Rows"); `None` when the
    /// plan says nothing readable.
    pub async fn estimate(&mut self, plan: &Plan) -> Result<Option<f64>, DbError> {
        Ok(match self.fetch_one(plan).await? {
            Some(row) => match row.first() {
                Some(Value::Json(explained)) => explained[0]["Plan"]["Plan Rows"].as_f64(),
                _ => None,
            },
            None => None,
        })
    }

    /// What the session connection acts as right now: its role, the
    /// employee of the session it presents, and the `epic.session` setting.
    /// Outside a command that is the login alone, with no session: what the
    /// tests check to prove that nothing outlives a transaction.
    pub async fn acting_as(&mut self) -> Result<ActingAs, DbError> {
        let client = self.session().await?;
        let row = client
            .query_typed_one(
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
                .query_typed_one("SELECT epic_session_employee()", &[])
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
            .query_typed_one("SELECT coalesce(max(id), 0) FROM notifications", &[])
            .await?;
        Ok(row.get(0))
    }

    /// Active employees (number, full name, department), for completion in the shell.
    pub async fn employee_names(&mut self) -> Result<Vec<(i64, String, String)>, DbError> {
        let client = self.session().await?;
        let rows = client
            .query_typed(
                "SELECT id, full_name, department FROM employees WHERE active ORDER BY full_name",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| (row.get(0), row.get(1), row.get(2)))
            .collect())
    }

    fn forget_if_broken(&mut self) {
        let slot = self.held_slot();
        if slot.as_ref().is_some_and(|client| client.is_closed()) {
            *slot = None;
        }
    }
}

/// The command's time zone's offset (`crate::zone`), by UTC day: a day whose first and last
/// moments have the same offset has it throughout (zones change offset at
/// most a few times a year), so one question to the zone per day stands for
/// all of that day's timestamps. Asking the zone for each of a million
/// timestamps was a tenth of an export's time.
struct LocalOffsets {
    zone: crate::zone::Zone,
    /// The day's offset, or `None` for a day with a change in it.
    days: std::collections::HashMap<i64, Option<FixedOffset>>,
    /// The last day asked about: listings are mostly in date order, so
    /// most timestamps fall on the same day as the one before and skip the
    /// hashing.
    last: Option<(i64, Option<FixedOffset>)>,
}

impl LocalOffsets {
    fn new(zone: crate::zone::Zone) -> LocalOffsets {
        LocalOffsets {
            zone,
            days: Default::default(),
            last: None,
        }
    }

    fn local(&mut self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        const DAY: i64 = 24 * 60 * 60;
        let zone = self.zone;
        let offset_at = |at: DateTime<Utc>| zone.offset_at(at);
        let day = at.timestamp().div_euclid(DAY);
        let whole_day = match self.last {
            Some((last_day, offset)) if last_day == day => offset,
            _ => {
                let offset = *self.days.entry(day).or_insert_with(|| {
                    let first = DateTime::from_timestamp(day * DAY, 0)?;
                    let last = DateTime::from_timestamp(day * DAY + DAY - 1, 0)?;
                    let offset = offset_at(first);
                    (offset == offset_at(last)).then_some(offset)
                });
                self.last = Some((day, offset));
                offset
            }
        };
        at.with_timezone(&whole_day.unwrap_or_else(|| offset_at(at)))
    }
}

/// A row as typed values, read by each column's kind into `values` (one
/// per column), text into the string already there.
fn read_values(
    row: &Row,
    columns: &[OutColumn],
    local: &mut LocalOffsets,
    values: &mut [Value],
) -> Result<(), DbError> {
    for (index, (column, value)) in columns.iter().zip(values.iter_mut()).enumerate() {
        let read = match column.kind {
            ColumnKind::Id => row.try_get::<_, Option<i64>>(index)?.map(Value::Int),
            ColumnKind::Integer => row
                .try_get::<_, Option<i32>>(index)?
                .map(|n| Value::Int(i64::from(n))),
            ColumnKind::Text => row.try_get::<_, Option<&str>>(index)?.map(|text| {
                match std::mem::replace(value, Value::Null) {
                    Value::Text(mut kept) => {
                        kept.clear();
                        kept.push_str(text);
                        Value::Text(kept)
                    }
                    _ => Value::Text(text.to_owned()),
                }
            }),
            ColumnKind::Money => row.try_get::<_, Option<Decimal>>(index)?.map(Value::Money),
            ColumnKind::Bool => row.try_get::<_, Option<bool>>(index)?.map(Value::Bool),
            ColumnKind::Timestamp | ColumnKind::Moment => row
                .try_get::<_, Option<DateTime<Utc>>>(index)?
                .map(|at| Value::Timestamp(local.local(at))),
            ColumnKind::Json => row
                .try_get::<_, Option<serde_json::Value>>(index)?
                .map(Value::Json),
        };
        *value = read.unwrap_or(Value::Null);
    }
    Ok(())
}

/// What a connection acts as (see [`Database::acting_as`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActingAs {
    pub role: String,
    pub employee: Option<i64>,
    pub session_setting: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    /// Every quarter hour of two years in zones with and without summer
    /// time, asked in order (the last day's path) and then out of order
    /// (the map's), gets the zone's own offset, across the days the
    /// offset changes on too.
    #[test]
    fn the_offsets_by_day_are_the_zones_own_at_every_moment() {
        for tz in [
            Tz::Europe__Paris,
            Tz::America__New_York,
            Tz::Australia__Lord_Howe,
            Tz::UTC,
        ] {
            let zone = crate::zone::Zone::company(tz);
            let mut local = LocalOffsets::new(zone);
            let start = DateTime::from_timestamp(1_672_531_200, 0).expect("2023-01-01");
            let moments: Vec<DateTime<Utc>> = (0..2 * 365 * 96)
                .map(|quarter| start + chrono::Duration::minutes(15 * quarter))
                .collect();
            let out_of_order = moments.iter().rev().step_by(7);
            for &at in moments.iter().chain(out_of_order) {
                let expected = at.with_timezone(&zone.offset_at(at));
                let got = local.local(at);
                assert_eq!(got, expected, "{tz} at {at}");
                assert_eq!(got.offset(), expected.offset(), "{tz} at {at}");
            }
        }
    }
}

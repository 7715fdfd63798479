//! What `undo` asks the database: the current employee's last change not
//! yet taken back (`epic_undo_target`, sql/0017, which reads the audit
//! trail for that employee only), and the mark that files the write about
//! to run as its undo (`epic.undoes`, read by the audit trigger). Both
//! inside the command's transaction, as the application role.

use super::statement::arg;
use super::{Database, DbError};

/// A change the audit trail holds, as `undo` needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastChange {
    /// The audit entry's number.
    pub entry: i64,
    /// `create`, `update`, `deactivate` or `delete`.
    pub action: String,
    /// The record's kind, as the trail names it (`client`, ...).
    pub entity: String,
    pub record: i64,
    /// Whether a field the change set holds another value now (or the
    /// record is gone).
    pub changed_since: bool,
    /// Who wrote the record last since, when the trail says.
    pub changed_by: Option<String>,
    /// The fields an update set, by name, each with its value before (as
    /// text; `None` for none).
    pub fields: Vec<(String, Option<String>)>,
}

const UNDO_TARGET: &str = "SELECT entry, action, entity, record, changed_since, changed_by, \
     field, old_value FROM epic_undo_target()";

impl Database {
    /// The current employee's last change that no undo took back, if any.
    pub async fn last_change(&mut self) -> Result<Option<LastChange>, DbError> {
        let client = self.session().await?;
        let rows = client.query_typed(UNDO_TARGET, &[]).await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let mut change = LastChange {
            entry: first.get(0),
            action: first.get(1),
            entity: first.get(2),
            record: first.get(3),
            changed_since: first.get(4),
            changed_by: first.get(5),
            fields: Vec::new(),
        };
        for row in &rows {
            if let Some(field) = row.get::<_, Option<String>>(6) {
                change.fields.push((field, row.get(7)));
            }
        }
        Ok(Some(change))
    }

    /// Files the command's next write as the undo of audit entry `entry`
    /// (the trigger checks that the entry is this employee's, about the
    /// same record). Until the transaction ends.
    pub async fn mark_undo(&mut self, entry: i64) -> Result<(), DbError> {
        let client = self.session().await?;
        client
            .query_typed_one(
                "SELECT set_config('epic.undoes', $1, true)",
                &[arg(&entry.to_string())],
            )
            .await?;
        Ok(())
    }
}

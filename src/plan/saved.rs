//! The SQL of saved queries (`sql/0016`): the list, one query's text,
//! storing and deleting. Row security shows each employee their own and
//! the team's, and lets only management and admins change the team's; the
//! owner written is the session's employee, as the database knows it.

use super::{ColumnKind, Param, Plan, col};
use crate::policy::{Authorized, DeleteSaved, FindSaved, SavedQueries, StoreSaved};

/// Who owns a saved query, in SQL: the session's employee, or the team.
fn owner(team: bool) -> &'static str {
    if team {
        "NULL"
    } else {
        "(SELECT epic_session_employee())"
    }
}

/// `show queries`: one's own first, then the team's, by name.
pub fn plan_saved_queries(_: &Authorized<SavedQueries>) -> Plan {
    use ColumnKind::*;
    Plan {
        sql: "SELECT q.name, CASE WHEN q.owner_id IS NULL THEN 'team' ELSE 'yours' END, q.text \
              FROM saved_queries q ORDER BY q.owner_id IS NULL, q.name"
            .to_owned(),
        params: Vec::new(),
        columns: vec![col("name", Text), col("whose", Text), col("query", Text)],
    }
}

/// The text of a saved query by name: one's own shadows the team's.
pub fn plan_find_saved(find: &Authorized<FindSaved>) -> Plan {
    Plan {
        sql: "SELECT q.text FROM saved_queries q WHERE q.name = $1 \
              ORDER BY q.owner_id IS NULL LIMIT 1"
            .to_owned(),
        params: vec![Param::Text(find.name.clone())],
        columns: vec![col("query", ColumnKind::Text)],
    }
}

/// Stores a saved query; a name already taken breaks `saved_queries_name_key`.
pub fn plan_store_saved(store: &Authorized<StoreSaved>) -> Plan {
    Plan {
        sql: format!(
            "INSERT INTO saved_queries (owner_id, name, text) VALUES ({}, $1, $2)",
            owner(store.team)
        ),
        params: vec![
            Param::Text(store.name.clone()),
            Param::Text(store.text.clone()),
        ],
        columns: Vec::new(),
    }
}

/// Deletes a saved query of one's own, or of the team's.
pub fn plan_delete_saved(delete: &Authorized<DeleteSaved>) -> Plan {
    let whose = if delete.team {
        "owner_id IS NULL"
    } else {
        "owner_id = (SELECT epic_session_employee())"
    };
    Plan {
        sql: format!("DELETE FROM saved_queries WHERE name = $1 AND {whose}"),
        params: vec![Param::Text(delete.name.clone())],
        columns: Vec::new(),
    }
}

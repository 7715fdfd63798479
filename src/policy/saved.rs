//! Saved queries as the checker sees them. Everyone logged in keeps their
//! own; the team's are saved and deleted by those [`super::GRANTS`] lets
//! update [`Target::TeamQueries`] (management and admins). Running one is
//! no right of its own: the command it holds is checked when it runs, for
//! whoever runs it. `sql/0016` holds the same rules for a desk's SQL.

use super::{Action, Authorized, Check, Denial, Ownership, Request, Target};
use crate::model::Role;
use crate::syntax::Command;

/// `show queries`: one's own saved queries and the team's.
#[derive(Debug, Clone, Copy)]
pub struct SavedQueries;

/// The text of the saved query named `name` (one's own before the team's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindSaved {
    pub name: String,
}

/// A saved query to store: one's own, or (`team`) everyone's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSaved {
    pub team: bool,
    pub name: String,
    /// The command as epic prints it.
    pub text: String,
}

/// A saved query to delete: one's own, or (`team`) everyone's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteSaved {
    pub team: bool,
    pub name: String,
}

/// How a saved-query command is checked: a team query's change now, the
/// rest are one's own.
pub(super) fn check_for(command: &Command) -> Check {
    match command {
        Command::SaveQuery(save) if save.team => Check::Now(team_request()),
        Command::DeleteQuery { team: true, .. } => Check::Now(team_request()),
        _ => Check::Own,
    }
}

/// What changing the team's queries asks, as a refusal names it.
pub fn team_request() -> Request {
    Request {
        action: Action::Update,
        target: Target::TeamQueries,
        ownership: Ownership::NotApplicable,
        touches: Vec::new(),
        id: None,
    }
}

/// Reading one's own saved queries and the team's: every logged-in
/// employee may (row security shows nobody else's).
pub fn read_saved<C: ReadSaved>(command: C) -> Authorized<C> {
    Authorized { command }
}

/// What [`read_saved`] allows: sealed, so that the list is here.
pub trait ReadSaved: sealed::Sealed {}
impl ReadSaved for SavedQueries {}
impl ReadSaved for FindSaved {}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::SavedQueries {}
    impl Sealed for super::FindSaved {}
}

/// Storing a saved query: one's own always, the team's as [`GRANTS`]
/// says.
///
/// [`GRANTS`]: super::GRANTS
pub fn store_saved(role: Role, store: StoreSaved) -> Result<Authorized<StoreSaved>, Denial> {
    if store.team {
        super::authorize(role, &team_request(), store)
    } else {
        Ok(Authorized { command: store })
    }
}

/// Deleting a saved query: as [`store_saved`].
pub fn delete_saved(role: Role, delete: DeleteSaved) -> Result<Authorized<DeleteSaved>, Denial> {
    if delete.team {
        super::authorize(role, &team_request(), delete)
    } else {
        Ok(Authorized { command: delete })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn team_queries_are_managements_and_admins_own_ones_everyones() {
        for role in [Role::Sales, Role::Support, Role::Management, Role::Admin] {
            let team = matches!(role, Role::Management | Role::Admin);
            let store = |team| StoreSaved {
                team,
                name: "mine".into(),
                text: "count events".into(),
            };
            assert!(store_saved(role, store(false)).is_ok());
            assert_eq!(store_saved(role, store(true)).is_ok(), team, "{role:?}");
            let delete = DeleteSaved {
                team: true,
                name: "mine".into(),
            };
            let refused = delete_saved(role, delete).err();
            assert_eq!(refused.is_none(), team, "{role:?}");
            if let Some(denial) = refused {
                assert_eq!(
                    denial.rule,
                    "only management may save or delete team queries"
                );
            }
            let line = parse("save team query late as count events").unwrap();
            let decided = super::super::authorize_now(role, line);
            assert_eq!(
                matches!(decided, super::super::Decision::Later(_)),
                team,
                "{role:?}"
            );
        }
        for line in ["save query late as count events", "late", "show queries"] {
            let command = parse(line).unwrap();
            assert_eq!(check_for(&command), Check::Own, "{line}");
        }
    }
}

//! The checker's words for roles, actions and targets, as its refusals
//! and README's tables say them.

use super::Action::{self, *};
use super::Target::{self, *};
use crate::model::Role::{self, *};

pub(super) fn role_phrase(role: Role) -> &'static str {
    match role {
        Management => "management",
        Sales => "sales staff",
        Support => "support staff",
        Admin => "admins",
    }
}

pub(super) fn verb(action: Action) -> &'static str {
    match action {
        Read => "read",
        Create => "create",
        Update => "update",
        Delete => "delete",
    }
}

pub(super) fn noun(target: Target) -> &'static str {
    match target {
        Client => "client",
        Contract => "contract",
        Event => "event",
        Employee => "employee",
        Sessions => "session",
        Logins => "login",
        Password => "password",
        AuditLog => "audit entrie",
        Security => "security setting",
        TimeZone => "time zone",
        TeamQueries => "team querie",
        Import => "import",
    }
}

pub(super) fn join_or(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

//! exit: the documented exit codes (README, "Exit codes"), the numbers a
//! process ends with, at the end of every step of the flow.
//!
//! A leaf: it imports nothing of the crate, so every stage can say which code
//! its own errors map to (each stage error's `exit()`) without depending on
//! [`crate::error`], the edge that gathers those errors. Which code a run
//! ends with is still decided only in `main`.

use std::process::ExitCode;

/// The documented exit codes (README, "Exit codes"). Distinct per kind of
/// failure so that scripts can tell a typo from an outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    Success = 0,
    /// A bug or an unexpected failure (a file that cannot be read, ...).
    Internal = 1,
    /// The command line or a command could not be parsed.
    Usage = 2,
    /// A value was refused (bad email, negative amount, ...).
    Validation = 3,
    /// No valid session.
    NotLoggedIn = 4,
    /// The permission checker or the database refused the command.
    PermissionDenied = 5,
    /// A record named by the command does not exist.
    NotFound = 6,
    /// PostgreSQL cannot be reached or started.
    DatabaseUnavailable = 7,
    /// The database schema does not match this binary (changed or newer migrations).
    Schema = 8,
    /// The command conflicts with existing data (duplicate email, non-empty restore target, ...).
    Conflict = 9,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The stable code quoted to support for failures that are not the
    /// user's mistake; `None` for mistakes, which explain themselves.
    pub fn support_code(self) -> Option<&'static str> {
        match self {
            Exit::Internal => Some("E-INTERNAL"),
            Exit::DatabaseUnavailable => Some("E-DB-UNAVAILABLE"),
            Exit::Schema => Some("E-SCHEMA"),
            _ => None,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;

    /// The numbers are an interface (README, "Exit codes"): scripts test them.
    #[test]
    fn exit_codes_are_the_documented_numbers() {
        let documented = [
            (Exit::Success, 0),
            (Exit::Internal, 1),
            (Exit::Usage, 2),
            (Exit::Validation, 3),
            (Exit::NotLoggedIn, 4),
            (Exit::PermissionDenied, 5),
            (Exit::NotFound, 6),
            (Exit::DatabaseUnavailable, 7),
            (Exit::Schema, 8),
            (Exit::Conflict, 9),
        ];
        for (exit, code) in documented {
            assert_eq!(exit.code(), code, "{exit:?}");
        }
    }
}

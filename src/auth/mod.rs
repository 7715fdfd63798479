//! Identity: who is using epic, as the shell sees it. The password policy
//! (checked before the database checks its own rules), the session file,
//! and the flows over the database's identity functions: login, the check
//! every command makes, logout, password changes. What each answer means
//! for the user is decided here.
//!
//! The database decides everything else. It verifies passwords (bcrypt, in
//! pgcrypto), throttles, signs the session token (a JWT whose key it alone
//! holds), and on every command checks that the token's session is alive
//! and what its employee may do. The desk keeps the token and presents it;
//! it holds no key, so it can mint nothing.

mod password;
pub mod prompt;
pub mod session;
pub mod session_file;
pub mod setup;

use std::path::PathBuf;

use rand::Rng;

use crate::db::identity::{Identity, LoginLimit, LoginOutcome, PasswordChange, SessionProblem};
use crate::db::{Database, DbError, Transaction};
use crate::exit::Exit;
pub use password::{MAX_BYTES, MIN_CHARS, PasswordError, check_policy, hash_password};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("not logged in\nhelp: log in with `login EMAIL` in the shell, or `epic login EMAIL`")]
    NotLoggedIn,
    #[error("wrong email or password")]
    BadCredentials,
    #[error("this account is deactivated\nhelp: ask a manager to reactivate it")]
    Deactivated,
    #[error(
        "too many failed logins for this email: try again in {minutes} minute{}\nhelp: an admin can unlock it sooner",
        if *minutes == 1 { "" } else { "s" }
    )]
    LockedOut { minutes: i32 },
    #[error(
        "too many failed logins from this address: try again in {minutes} minute{}\nhelp: an admin can raise the limit (`set security login_address_max_failures = N`)",
        if *minutes == 1 { "" } else { "s" }
    )]
    AddressLockedOut { minutes: i32 },
    #[error(
        "too many failed logins on the server in the last minute: try again in a minute\nhelp: an admin can raise the limit (`set security login_server_max_failures_per_minute = N`)"
    )]
    ServerLockedOut,
    #[error("your session was revoked\nhelp: log in again")]
    SessionRevoked,
    #[error("your session has expired\nhelp: log in again")]
    SessionExpired,
    #[error("your session ended after {minutes} minutes without a command\nhelp: log in again")]
    SessionIdle { minutes: i32 },
    #[error("your account was deactivated\nhelp: ask a manager")]
    AccountDeactivated,
    #[error("your session is not valid (altered, or signed with another key)\nhelp: log in again")]
    InvalidToken,
    #[error("refusing the session file {}: {reason}", path.display())]
    UnsafeFile { path: PathBuf, reason: &'static str },
    #[error("cannot use {}: {source}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("you must change your temporary password before anything else\nhelp: type `passwd`")]
    MustChangePassword,
    #[error("the current password is wrong")]
    WrongCurrentPassword,
    #[error("the new password must differ from the current one")]
    SamePassword,
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error("{what} needs a terminal to ask for passwords\nhelp: {hint}")]
    NeedsTerminal {
        what: &'static str,
        hint: &'static str,
    },
    /// Ctrl-C at a password prompt: the command asking is abandoned.
    #[error("cancelled at the password prompt; nothing was done")]
    Cancelled,
    #[error("cannot read the password: {source}")]
    Terminal {
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl AuthError {
    pub fn exit(&self) -> Exit {
        match self {
            AuthError::NeedsTerminal { .. } => Exit::Usage,
            AuthError::Password(_) | AuthError::SamePassword => Exit::Validation,
            AuthError::MustChangePassword => Exit::PermissionDenied,
            AuthError::File { .. } | AuthError::Terminal { .. } => Exit::Internal,
            AuthError::Db(e) => e.exit(),
            _ => Exit::NotLoggedIn,
        }
    }
}

/// The session after a successful login: who, and the token to keep.
pub struct LoggedIn {
    pub identity: Identity,
    pub token: String,
    pub unread_notifications: i64,
}

/// Logs in: the database throttles, verifies the password (taking as long
/// for an unknown email, and saying the same), opens a session and signs
/// its token.
pub async fn login(
    database: &mut Database,
    email: &str,
    password: &str,
) -> Result<LoggedIn, AuthError> {
    match database.login(email.trim(), password).await? {
        LoginOutcome::LoggedIn {
            identity,
            token,
            unread_notifications,
        } => Ok(LoggedIn {
            identity,
            token,
            unread_notifications,
        }),
        LoginOutcome::Wrong { locked_now } => {
            if locked_now {
                crate::telemetry::security_event("login locked out after repeated failures");
            }
            Err(AuthError::BadCredentials)
        }
        LoginOutcome::Locked { minutes, by } => Err(match by {
            LoginLimit::Email => AuthError::LockedOut { minutes },
            LoginLimit::Address => AuthError::AddressLockedOut { minutes },
            LoginLimit::Server => AuthError::ServerLockedOut,
        }),
        LoginOutcome::Deactivated => Err(AuthError::Deactivated),
    }
}

/// The check every command makes, in the database: the token is one it
/// signed and has not expired, its session is not revoked, expired or idle
/// too long, and its employee is active. One round trip, as the client
/// login (logout, whoami, passwd).
pub async fn authenticate(database: &mut Database, token: &str) -> Result<Identity, AuthError> {
    database.check_session(token).await?.map_err(refusal)
}

/// [`authenticate`] that also opens the command's transaction as the
/// application role, in the same round trip: on success it is open, and
/// the caller ends it with the [`Transaction`].
pub async fn open_command(
    database: &mut Database,
    token: &str,
) -> Result<(Identity, Transaction), AuthError> {
    database.begin_checked(token).await?.map_err(refusal)
}

/// What a session that is not alive means for its user.
fn refusal(problem: SessionProblem) -> AuthError {
    match problem {
        SessionProblem::Unknown => AuthError::InvalidToken,
        SessionProblem::Revoked => AuthError::SessionRevoked,
        SessionProblem::Expired => AuthError::SessionExpired,
        SessionProblem::Idle { minutes } => AuthError::SessionIdle { minutes },
        SessionProblem::Deactivated => AuthError::AccountDeactivated,
    }
}

/// Ends the token's session; the caller removes the session file.
pub async fn logout(database: &mut Database, token: &str) -> Result<(), AuthError> {
    database.logout(token).await?;
    Ok(())
}

/// `passwd`: the current password, then a new one that meets the policy
/// (here, then the database's own rules). Every other session of the
/// employee is revoked; how many.
pub async fn change_password(
    database: &mut Database,
    identity: &Identity,
    token: &str,
    current: &str,
    new: &str,
) -> Result<i64, AuthError> {
    if current == new {
        return Err(AuthError::SamePassword);
    }
    check_policy(new, &identity.email, &identity.name)?;
    match database.change_password(token, current, new).await? {
        PasswordChange::Changed {
            other_sessions_revoked,
        } => Ok(other_sessions_revoked),
        PasswordChange::NotLoggedIn => Err(AuthError::InvalidToken),
        PasswordChange::Locked { minutes } => Err(AuthError::LockedOut { minutes }),
        PasswordChange::WrongCurrent => Err(AuthError::WrongCurrentPassword),
        PasswordChange::Same => Err(AuthError::SamePassword),
        PasswordChange::Weak => Err(AuthError::Password(PasswordError::Weak)),
    }
}

/// A strong temporary password: 20 characters from an alphabet without
/// look-alikes, about 115 bits.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_meet_the_policy_and_differ() {
        for _ in 0..50 {
            let password = temporary_password();
            assert_eq!(password.len(), 20);
            assert_eq!(
                check_policy(&password, "kate@epic.events", "Kate Hastroff"),
                Ok(())
            );
        }
        assert_ne!(temporary_password(), temporary_password());
    }
}

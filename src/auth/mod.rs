//! Identity: who is using epic. Passwords (policy and bcrypt), signed
//! session tokens, the session file, and the flows that tie them to the
//! `user_sessions` table: login with throttling, the check every command
//! makes, logout, password changes and session administration.
//!
//! A token only names a session; the database decides on every command
//! whether that session is alive and what its employee may do.

mod password;
pub mod session_file;
pub mod token;

use std::path::PathBuf;

use rand::Rng;
use serde_json::json;

use crate::config::Config;
use crate::db::identity::{Identity, SessionProblem};
use crate::db::{Database, DbError};
use crate::error::Exit;
pub use password::{
    MAX_BYTES, MIN_CHARS, PasswordError, check_policy, hash_password, verify_password,
};
use token::{AUDIENCE, Claims, ISSUER, Keys};

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
    LockedOut { minutes: i64 },
    #[error("your session was revoked\nhelp: log in again")]
    SessionRevoked,
    #[error("your session has expired\nhelp: log in again")]
    SessionExpired,
    #[error("your session ended after {minutes} minutes without a command\nhelp: log in again")]
    SessionIdle { minutes: u64 },
    #[error("your account was deactivated\nhelp: ask a manager")]
    AccountDeactivated,
    #[error("your session is not valid (altered, or signed with another key)\nhelp: log in again")]
    InvalidToken,
    #[error("refusing the session file {}: {reason}", path.display())]
    UnsafeFile { path: PathBuf, reason: &'static str },
    #[error("cannot use {}: {source}", path.display())]
    KeyFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "EPIC_SECRET_KEY is too short: it has {bytes} bytes and needs at least {}\nhelp: generate one with `openssl rand -base64 48`",
        token::MIN_SECRET_BYTES
    )]
    WeakSecret { bytes: usize },
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
            AuthError::WeakSecret { .. } | AuthError::NeedsTerminal { .. } => Exit::Usage,
            AuthError::Password(_) | AuthError::SamePassword => Exit::Validation,
            AuthError::MustChangePassword => Exit::PermissionDenied,
            AuthError::KeyFile { .. } | AuthError::Terminal { .. } => Exit::Internal,
            AuthError::Db(e) => e.exit(),
            _ => Exit::NotLoggedIn,
        }
    }
}

/// The session after a successful login: who, and the token to keep.
pub struct LoggedIn {
    pub identity: Identity,
    pub token: String,
    /// What the database's policies look the session up by.
    pub session_hash: Vec<u8>,
    pub unread_notifications: i64,
}

/// Logs in: throttling first, then the password (for an unknown email, a
/// hash of the same cost is computed so both failures take the same time
/// and read the same), then a new session row and its signed token.
pub async fn login(
    database: &mut Database,
    config: &Config,
    keys: &Keys,
    email: &str,
    password: &str,
) -> Result<LoggedIn, AuthError> {
    let email_key = email.trim().to_lowercase();
    if let Some(seconds) = database
        .login_lockout(
            &email_key,
            config.login_window,
            config.login_cooldown,
            config.login_max_failures,
        )
        .await?
    {
        return Err(AuthError::LockedOut {
            minutes: (seconds + 59) / 60,
        });
    }
    let found = database.find_login(&email_key).await?;
    let password_ok = match &found {
        Some(row) => verify_password(password, &row.password_hash),
        None => {
            // Same work as a real check, so timing does not tell which emails exist.
            let _ = bcrypt::hash(
                password.get(..MAX_BYTES).unwrap_or(password),
                config.bcrypt_cost,
            );
            false
        }
    };
    let employee = match found {
        Some(row) if password_ok => row,
        _ => {
            database.record_login_attempt(&email_key, "failure").await?;
            if database
                .login_lockout(
                    &email_key,
                    config.login_window,
                    config.login_cooldown,
                    config.login_max_failures,
                )
                .await?
                .is_some()
            {
                database
                    .audit(
                        None,
                        "login locked",
                        None,
                        None,
                        json!({ "email": email_key, "after_failures": config.login_max_failures }),
                    )
                    .await?;
                crate::telemetry::security_event("login locked out after repeated failures");
            }
            return Err(AuthError::BadCredentials);
        }
    };
    if !employee.active {
        database.record_login_attempt(&email_key, "failure").await?;
        return Err(AuthError::Deactivated);
    }
    database.record_login_attempt(&email_key, "success").await?;
    let jti = token::new_session_id();
    let hash = token::session_id_hash(&jti);
    let (session_id, started, expires) = database
        .create_session(employee.id, &hash, config.session_lifetime)
        .await?;
    let claims = Claims {
        jti,
        sub: employee.id.to_string(),
        iss: ISSUER.to_owned(),
        aud: AUDIENCE.to_owned(),
        iat: started.timestamp(),
        exp: expires.timestamp(),
    };
    let token = keys.issue(&claims)?;
    let identity = database
        .check_session(&hash, employee.id, config.session_idle)
        .await?
        .ok_or(AuthError::InvalidToken)?;
    database
        .audit(
            Some((employee.id, &employee.name)),
            "login",
            Some("session"),
            Some(session_id),
            json!({ "expires": expires.to_rfc3339() }),
        )
        .await?;
    let unread_notifications = database.unread_notifications(employee.id).await?;
    Ok(LoggedIn {
        identity,
        token,
        session_hash: hash,
        unread_notifications,
    })
}

/// Where the session check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// On its own, as the schema owner (login, logout, whoami, passwd).
    Alone,
    /// Opening the command's transaction as the application role, in the
    /// same round trip; on success the transaction is left open.
    OpeningCommand,
}

/// The check every command makes: signature, algorithm, issuer, audience
/// and expiry of the token, then the session row (not revoked, not expired,
/// not idle too long) and its employee (still active), in one round trip.
pub async fn authenticate(
    database: &mut Database,
    config: &Config,
    keys: &Keys,
    token: &str,
    gate: Gate,
) -> Result<(Identity, Vec<u8>), AuthError> {
    let claims = keys.verify(token)?;
    let employee_id = claims.employee_id()?;
    let hash = token::session_id_hash(&claims.jti);
    let alive = match gate {
        Gate::Alone => {
            database
                .check_session(&hash, employee_id, config.session_idle)
                .await?
        }
        Gate::OpeningCommand => {
            database
                .begin_checked(&hash, employee_id, config.session_idle)
                .await?
        }
    };
    if let Some(identity) = alive {
        return Ok((identity, hash));
    }
    Err(
        match database.session_problem(&hash, config.session_idle).await? {
            SessionProblem::Unknown => AuthError::InvalidToken,
            SessionProblem::Revoked => AuthError::SessionRevoked,
            SessionProblem::Expired => AuthError::SessionExpired,
            SessionProblem::Idle => AuthError::SessionIdle {
                minutes: config.session_idle.as_secs() / 60,
            },
            SessionProblem::Deactivated => AuthError::AccountDeactivated,
        },
    )
}

/// Revokes the session row; the caller removes the session file.
pub async fn logout(
    database: &mut Database,
    config: &Config,
    identity: &Identity,
) -> Result<(), AuthError> {
    database
        .revoke_sessions(Some(identity.session_id), None, None, config.session_idle)
        .await?;
    database
        .audit(
            Some((identity.employee_id, &identity.name)),
            "logout",
            Some("session"),
            Some(identity.session_id),
            json!({}),
        )
        .await?;
    Ok(())
}

/// `passwd`: the current password, then a new one that meets the policy.
/// Every other session of the employee is revoked.
pub async fn change_password(
    database: &mut Database,
    config: &Config,
    identity: &Identity,
    current: &str,
    new: &str,
) -> Result<u64, AuthError> {
    let hash = database
        .password_hash(identity.employee_id)
        .await?
        .ok_or(AuthError::InvalidToken)?;
    if !verify_password(current, &hash) {
        return Err(AuthError::WrongCurrentPassword);
    }
    if current == new {
        return Err(AuthError::SamePassword);
    }
    check_policy(new, &identity.email, &identity.name)?;
    let new_hash = hash_password(new, config.bcrypt_cost)?;
    database
        .set_password(identity.employee_id, &new_hash, false)
        .await?;
    let revoked = database
        .revoke_sessions(
            None,
            Some(identity.employee_id),
            Some(identity.session_id),
            config.session_idle,
        )
        .await?;
    database
        .audit(
            Some((identity.employee_id, &identity.name)),
            "change password",
            Some("employee"),
            Some(identity.employee_id),
            json!({ "other_sessions_revoked": revoked }),
        )
        .await?;
    Ok(revoked)
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

//! The shell's side of identity: the [`Session`] a shell holds (its token
//! and, once the database confirmed it, who it is), how each command finds
//! and checks it ([`identify`]), and where passwords come from: the
//! terminal without echo, or standard input when it is free (the commands
//! came from `-c` or `-f`, or `epic login` was run in a pipe).

use std::io::BufRead;

use crate::auth::{self, AuthError, session_file};
use crate::config::Config;
use crate::db::identity::Identity;
use crate::db::{Database, Transaction};

/// Where passwords come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordSource {
    /// Asked on the terminal, without echo.
    Terminal,
    /// One line of standard input per password (scripts: `echo "$PW" | epic login ...`).
    Stdin,
    /// Standard input carries the commands themselves: no way to ask.
    Unavailable,
}

impl PasswordSource {
    pub fn read(self, prompt: &str, what: &'static str) -> Result<String, AuthError> {
        match self {
            PasswordSource::Terminal => {
                crate::auth::prompt::secret(prompt).map_err(|source| match source.kind() {
                    std::io::ErrorKind::Interrupted => AuthError::Cancelled,
                    _ => AuthError::Terminal { source },
                })
            }
            PasswordSource::Stdin => {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(|source| AuthError::Terminal { source })?;
                Ok(line.trim_end_matches(['\n', '\r']).to_owned())
            }
            PasswordSource::Unavailable => Err(AuthError::NeedsTerminal {
                what,
                hint: "log in before the batch with `echo \"$PASSWORD\" | epic login EMAIL`; \
                       the session is then used by every command",
            }),
        }
    }
}

/// Which commands a session that must change its password may still run.
pub fn allowed_before_password_change(command: &crate::syntax::Command) -> bool {
    use crate::syntax::Command::*;
    matches!(
        command,
        Passwd
            | Logout
            | WhoAmI
            | Help { .. }
            | Quit
            | SetFormat { .. }
            | SetExpanded { .. }
            | SetPager { .. }
            | SetTiming { .. }
            | ShowTimeZone
    )
}

/// The session a shell acts for: unknown (read the session file when a
/// command needs it), a token not checked yet, or a token the database
/// confirmed with who it is. The token and the identity are set and
/// cleared together.
#[derive(Debug, Clone, Default)]
pub enum Session {
    #[default]
    Unknown,
    Token(String),
    Live {
        token: String,
        identity: Identity,
    },
}

impl Session {
    pub fn token(&self) -> Result<String, AuthError> {
        match self {
            Session::Token(token) | Session::Live { token, .. } => Ok(token.clone()),
            Session::Unknown => Err(AuthError::NotLoggedIn),
        }
    }

    /// Who the last command ran as, as the database said then.
    pub fn identity(&self) -> Option<&Identity> {
        match self {
            Session::Live { identity, .. } => Some(identity),
            _ => None,
        }
    }

    pub fn identity_mut(&mut self) -> Option<&mut Identity> {
        match self {
            Session::Live { identity, .. } => Some(identity),
            _ => None,
        }
    }

    /// The token of a confirmed session.
    pub fn live_token(&self) -> Option<&str> {
        match self {
            Session::Live { token, .. } => Some(token),
            _ => None,
        }
    }

    /// The identity may be out of date: the next command asks the database.
    pub fn doubt(&mut self) {
        if let Session::Live { token, .. } = std::mem::take(self) {
            *self = Session::Token(token);
        }
    }
}

/// The identity for the command about to run: the token from memory or the
/// session file, checked against the database every time.
pub async fn identify(
    database: &mut Database,
    config: &Config,
    session: &mut Session,
) -> Result<Identity, AuthError> {
    let token = token_of(config, session)?;
    let checked = auth::authenticate(database, &token).await;
    settle(
        config,
        session,
        token,
        checked.map(|identity| (identity, ())),
    )
    .map(|(identity, ())| identity)
}

/// [`identify`] that also opens the command's transaction as the
/// application role, in the same round trip; the caller ends it.
pub async fn open_command(
    database: &mut Database,
    config: &Config,
    session: &mut Session,
) -> Result<(Identity, Transaction), AuthError> {
    let token = token_of(config, session)?;
    let opened = auth::open_command(database, &token).await;
    settle(config, session, token, opened)
}

/// The token to present: the one in memory, else the session file's.
fn token_of(config: &Config, session: &Session) -> Result<String, AuthError> {
    match session.token() {
        Ok(token) => Ok(token),
        Err(_) => Ok(session_file::read(&config.session_file)?.ok_or(AuthError::NotLoggedIn)?),
    }
}

/// The session after the database's answer: confirmed with who it is, or
/// forgotten (and its file removed when the session is dead).
fn settle<T>(
    config: &Config,
    session: &mut Session,
    token: String,
    answer: Result<(Identity, T), AuthError>,
) -> Result<(Identity, T), AuthError> {
    match answer {
        Ok((identity, opened)) => {
            *session = Session::Live {
                token,
                identity: identity.clone(),
            };
            Ok((identity, opened))
        }
        Err(error) => {
            *session = Session::Unknown;
            if !matches!(error, AuthError::Db(_)) {
                // A dead session: its file is of no further use.
                let _ = session_file::remove(&config.session_file);
            }
            Err(error)
        }
    }
}

//! The first admin: on a database with no employee, `epic db migrate` (and
//! the local cluster's first start) creates the first admin account, from
//! `EPIC_ADMIN_EMAIL` / `EPIC_ADMIN_PASSWORD` (scripts) or by asking on the
//! terminal (name, email, password typed twice without echo). The database
//! stage writes it (`Database::create_first_admin`), with the migrator's
//! credentials, as the owner role; the database hashes the password.

use std::io::{BufRead, IsTerminal, Write};

use crate::auth::{self, PasswordError};
use crate::config::{AdminSeed, Config, Secret};
use crate::db::{Database, DbError};
use crate::exit::Exit;
use crate::validate::{self, ValueError};

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(
        "this database has no employee yet, and the first admin account cannot be asked for without a terminal\n\
         help: set EPIC_ADMIN_EMAIL and EPIC_ADMIN_PASSWORD (and optionally EPIC_ADMIN_NAME), or run epic in a terminal"
    )]
    NoAdmin,
    #[error("first admin account: {source}")]
    Value {
        #[from]
        source: ValueError,
    },
    #[error("first admin account: {source}")]
    Password {
        #[from]
        source: PasswordError,
    },
    /// Ctrl-C or Ctrl-D at a password prompt.
    #[error("cancelled: no admin account was created")]
    Cancelled,
    #[error("cannot read the first admin account from the terminal: {source}")]
    Terminal {
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl SetupError {
    pub fn exit(&self) -> Exit {
        match self {
            SetupError::NoAdmin | SetupError::Cancelled => Exit::NotLoggedIn,
            SetupError::Value { .. } | SetupError::Password { .. } => Exit::Validation,
            SetupError::Terminal { .. } => Exit::Internal,
            SetupError::Db(e) => e.exit(),
        }
    }
}

/// The account to create, checked against the rules.
pub struct NewAdmin {
    pub name: String,
    pub email: String,
    password: Secret,
}

impl NewAdmin {
    pub fn from_seed(seed: &AdminSeed) -> Result<NewAdmin, SetupError> {
        let name = validate::full_name(&seed.name)?;
        let email = validate::email(&seed.email)?;
        auth::check_policy(seed.password.expose(), &email, &name)?;
        Ok(NewAdmin {
            name,
            email,
            password: seed.password.clone(),
        })
    }

    /// Asks on the terminal until the answers are valid (Ctrl-C or Ctrl-D gives up).
    pub fn ask(err: &mut dyn Write) -> Result<NewAdmin, SetupError> {
        let terminal = |source| SetupError::Terminal { source };
        let secret = |prompt| {
            auth::prompt::secret(prompt).map_err(|source: std::io::Error| match source.kind() {
                std::io::ErrorKind::Interrupted | std::io::ErrorKind::UnexpectedEof => {
                    SetupError::Cancelled
                }
                _ => SetupError::Terminal { source },
            })
        };
        writeln!(
            err,
            "This database has no employee yet. Create the first admin account.\n\
             Passwords need at least {} characters, must not contain your name or email, and must be\n\
             hard to guess: a few unrelated words make a strong one.",
            auth::MIN_CHARS
        )
        .map_err(terminal)?;
        let name = ask_until(err, "Full name: ", validate::full_name)?;
        let email = ask_until(err, "Email: ", validate::email)?;
        loop {
            let first = secret("Password: ")?;
            if let Err(problem) = auth::check_policy(&first, &email, &name) {
                writeln!(err, "{problem}").map_err(terminal)?;
                continue;
            }
            let second = secret("Password again: ")?;
            if first != second {
                writeln!(err, "{}", PasswordError::Mismatch).map_err(terminal)?;
                continue;
            }
            return Ok(NewAdmin {
                name,
                email,
                password: Secret::new(first),
            });
        }
    }
}

fn ask_until(
    err: &mut dyn Write,
    prompt: &str,
    check: impl Fn(&str) -> Result<String, ValueError>,
) -> Result<String, SetupError> {
    let terminal = |source| SetupError::Terminal { source };
    let stdin = std::io::stdin();
    loop {
        write!(err, "{prompt}").map_err(terminal)?;
        err.flush().map_err(terminal)?;
        let mut answer = String::new();
        if stdin.lock().read_line(&mut answer).map_err(terminal)? == 0 {
            return Err(SetupError::NoAdmin);
        }
        match check(answer.trim_end_matches(['\n', '\r'])) {
            Ok(value) => return Ok(value),
            Err(problem) => writeln!(err, "{problem}").map_err(terminal)?,
        }
    }
}

/// Finds the first admin's details: the environment first, then the terminal.
pub fn first_admin(config: &Config, err: &mut dyn Write) -> Result<NewAdmin, SetupError> {
    match &config.admin {
        Some(seed) => NewAdmin::from_seed(seed),
        None if std::io::stdin().is_terminal() => NewAdmin::ask(err),
        None => Err(SetupError::NoAdmin),
    }
}

/// Creates the admin unless some employee appeared meanwhile (another epic
/// ran its first run at the same moment), on the migrator's connection, as
/// `owner`. Returns whether it was created. The company's time zone starts
/// as this process's (`crate::zone::process_zone`): the first admin's.
pub async fn create_first_admin(
    database: &Database,
    owner: &str,
    admin: &NewAdmin,
    config: &Config,
) -> Result<bool, SetupError> {
    let zone = crate::zone::process_zone(config.tz.as_deref());
    let created = database
        .create_first_admin(
            owner,
            (&admin.name, &admin.email),
            admin.password.expose(),
            zone.name(),
        )
        .await?;
    Ok(created)
}

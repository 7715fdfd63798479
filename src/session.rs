//! The shell's side of identity: who is logged in for this command, and
//! the identity commands (`login`, `logout`, `whoami`, `passwd`, session
//! administration). Passwords are read here, never from the command text:
//! from the terminal without echo, or from standard input when it is free
//! (the commands came from `-c` or `-f`, or `epic login` was run in a pipe).

use std::io::{BufRead, Write};

use crate::auth::{self, AuthError, Gate, session_file};
use crate::db::identity::Identity;
use crate::error::Error;
use crate::render::{self, Column, Format, RowWriter, Value};
use crate::shell::Shell;
use crate::syntax::ast::EmployeeRef;

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
    fn read(self, prompt: &str, what: &'static str) -> Result<String, AuthError> {
        match self {
            PasswordSource::Terminal => {
                crate::auth::prompt::secret(prompt).map_err(|source| AuthError::Terminal { source })
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
        Passwd | Logout | WhoAmI | Help { .. } | Quit | SetFormat { .. }
    )
}

impl Shell {
    /// The identity for the command about to run: the token from memory or
    /// the session file, checked against the database every time.
    pub async fn require_identity(&mut self) -> Result<Identity, Error> {
        self.identify(Gate::Alone).await
    }

    /// [`Self::require_identity`] that also opens the command's transaction
    /// as the application role, in the same round trip. The caller ends it
    /// with `Database::finish`.
    pub async fn open_command(&mut self) -> Result<Identity, Error> {
        self.identify(Gate::OpeningCommand).await
    }

    async fn identify(&mut self, gate: Gate) -> Result<Identity, Error> {
        let token = match &self.token {
            Some(token) => token.clone(),
            None => session_file::read(&self.config.session_file)?.ok_or(AuthError::NotLoggedIn)?,
        };
        match auth::authenticate(&mut self.database, &token, gate).await {
            Ok(identity) => {
                self.token = Some(token);
                self.identity = Some(identity.clone());
                Ok(identity)
            }
            Err(error) => {
                self.token = None;
                self.identity = None;
                if !matches!(error, AuthError::Db(_)) {
                    // A dead session: its file is of no further use.
                    let _ = session_file::remove(&self.config.session_file);
                }
                Err(error.into())
            }
        }
    }

    /// The current session's token, which a command's transaction presents
    /// to the database.
    pub fn token(&self) -> Result<String, Error> {
        Ok(self.token.clone().ok_or(AuthError::NotLoggedIn)?)
    }

    pub async fn login(&mut self, email: &str, err: &mut dyn Write) -> Result<(), Error> {
        let password = self
            .passwords
            .read("Password: ", "`login` in a batch read from standard input")?;
        let logged_in = auth::login(&mut self.database, email, &password).await?;
        // The session this login replaces ends now rather than lingering unseen.
        if self.require_identity().await.is_ok()
            && let Some(previous) = self.token.take()
        {
            auth::logout(&mut self.database, &previous).await?;
        }
        session_file::write(&self.config.session_file, &logged_in.token)?;
        let identity = logged_in.identity;
        let mut greeting = format!(
            "Welcome {} ({}).",
            render::one_line(&identity.name),
            identity.role
        );
        match logged_in.unread_notifications {
            0 => {}
            1 => greeting.push_str(" You have 1 unread notification: `show notifications`."),
            n => greeting.push_str(&format!(
                " You have {n} unread notifications: `show notifications`."
            )),
        }
        if identity.must_change_password {
            greeting.push_str(
                "\nYour password is temporary: choose your own with `passwd` before anything else.",
            );
        }
        writeln!(err, "{greeting}").map_err(|source| Error::Output { source })?;
        self.token = Some(logged_in.token);
        self.identity = Some(identity);
        Ok(())
    }

    pub async fn logout(&mut self, err: &mut dyn Write) -> Result<(), Error> {
        let token = self.token()?;
        auth::logout(&mut self.database, &token).await?;
        session_file::remove(&self.config.session_file)?;
        self.token = None;
        self.identity = None;
        writeln!(err, "Logged out.").map_err(|source| Error::Output { source })
    }

    pub fn whoami(&self, identity: &Identity, out: &mut dyn Write) -> Result<(), Error> {
        let local = |at: chrono::DateTime<chrono::Utc>| {
            Value::Timestamp(at.with_timezone(&chrono::Local).fixed_offset())
        };
        let fields = [
            ("name", Value::Text(identity.name.clone())),
            ("email", Value::Text(identity.email.clone())),
            ("role", Value::Text(identity.role.to_string())),
            ("session", Value::Int(identity.session_id)),
            ("logged_in", local(identity.started)),
            ("expires", local(identity.expires)),
        ];
        let columns = fields.iter().map(|(name, _)| Column::left(*name)).collect();
        let format = match self.format {
            Format::Table => Format::Vertical,
            other => other,
        };
        let mut writer = RowWriter::new(out, format, self.style(None), columns);
        let output = |source| Error::Output { source };
        writer
            .row(fields.into_iter().map(|(_, v)| v).collect())
            .map_err(output)?;
        writer.finish().map_err(output)?;
        Ok(())
    }

    pub async fn passwd(&mut self, identity: &Identity, err: &mut dyn Write) -> Result<(), Error> {
        let what = "`passwd` in a batch read from standard input";
        let current = self.passwords.read("Current password: ", what)?;
        let new = self.passwords.read("New password: ", what)?;
        // Why it is refused, before it is asked for again.
        auth::check_policy(&new, &identity.email, &identity.name).map_err(AuthError::from)?;
        if self.passwords == PasswordSource::Terminal {
            let again = self.passwords.read("New password again: ", what)?;
            if again != new {
                return Err(AuthError::Password(auth::PasswordError::Mismatch).into());
            }
        }
        let token = self.token()?;
        let revoked =
            auth::change_password(&mut self.database, identity, &token, &current, &new).await?;
        let mut message = String::from("Password changed.");
        if revoked > 0 {
            message.push_str(&format!(
                " {revoked} other session{} revoked.",
                if revoked == 1 { " was" } else { "s were" }
            ));
        }
        writeln!(err, "{message}").map_err(|source| Error::Output { source })?;
        if let Some(current) = &mut self.identity {
            current.must_change_password = false;
        }
        Ok(())
    }

    /// Resolves an employee named by number or full name; an ambiguous name
    /// lists the candidates.
    pub async fn employee(
        &mut self,
        employee: &EmployeeRef,
    ) -> Result<(i64, String, String), Error> {
        match employee {
            EmployeeRef::Id(id) => match self.database.employee_by_id(*id).await? {
                Some((name, email)) => Ok((*id, name, email)),
                None => Err(Error::NotFound {
                    entity: "employee",
                    id: *id,
                }),
            },
            EmployeeRef::Name(name) => {
                let mut found = self.database.employees_named(name).await?;
                match found.len() {
                    0 => Err(Error::NoSuchEmployee { name: name.clone() }),
                    1 => Ok(found.remove(0)),
                    _ => Err(Error::AmbiguousEmployee {
                        name: name.clone(),
                        candidates: found
                            .iter()
                            .map(|(id, name, email)| {
                                format!(
                                    "employee {id} ({}, {})",
                                    render::one_line(name),
                                    render::one_line(email)
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(", "),
                    }),
                }
            }
        }
    }

    pub async fn revoke_session(&mut self, id: i64, err: &mut dyn Write) -> Result<(), Error> {
        let Some((_, owner)) = self.database.revoke_session(id).await? else {
            return Err(Error::NotFound {
                entity: "live session",
                id,
            });
        };
        crate::telemetry::security_event("session revoked");
        let owner = render::one_line(&owner);
        writeln!(err, "Revoked session {id} of {owner}.").map_err(|source| Error::Output { source })
    }

    pub async fn revoke_sessions_of(
        &mut self,
        employee: &EmployeeRef,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        let (id, name, _) = self.employee(employee).await?;
        let name = render::one_line(&name);
        let revoked = self.database.revoke_sessions_of(id).await?;
        crate::telemetry::security_event("sessions revoked");
        writeln!(
            err,
            "Revoked {revoked} session{} of {name}.",
            if revoked == 1 { "" } else { "s" }
        )
        .map_err(|source| Error::Output { source })
    }

    pub async fn unlock(&mut self, email: &str, err: &mut dyn Write) -> Result<(), Error> {
        let key = self.database.unlock(email).await?;
        let key = render::one_line(&key);
        writeln!(err, "Logins for {key} are unlocked.").map_err(|source| Error::Output { source })
    }

    /// Sets a temporary password, made and hashed by the database and shown
    /// once, that must be changed at the next login; every session of the
    /// employee is revoked.
    pub async fn reset_password(
        &mut self,
        identity: &Identity,
        employee: &EmployeeRef,
        out: &mut dyn Write,
    ) -> Result<(), Error> {
        let (id, name, email) = self.employee(employee).await?;
        // An admin's password is the admins' to reset.
        let is_admin = self
            .database
            .employee_facts(id)
            .await?
            .is_some_and(|facts| facts.role == crate::model::Role::Admin);
        self.authorize(
            identity,
            &crate::policy::Request {
                action: crate::policy::Action::Update,
                target: crate::policy::Target::Password,
                ownership: crate::policy::Ownership::NotApplicable,
                touches: if is_admin {
                    vec![crate::policy::Guarded::AdminAccount]
                } else {
                    Vec::new()
                },
                id: Some(id),
            },
            (),
        )?;
        let (name, email) = (render::one_line(&name), render::one_line(&email));
        let temporary = self
            .database
            .reset_password(id)
            .await?
            .ok_or(Error::NotFound {
                entity: "employee",
                id,
            })?;
        writeln!(
            out,
            "Temporary password for {name} ({email}), shown only this once:\n  {temporary}\n\
             They must choose their own at their next login."
        )
        .map_err(|source| Error::Output { source })
    }

    /// `set security NAME = VALUE` (admins): the database checks the role,
    /// the range, and audits the change.
    pub async fn set_security(
        &mut self,
        setting: &str,
        value: i32,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        let before = self.database.set_security(setting, value).await?;
        crate::telemetry::security_event("security setting changed");
        writeln!(err, "Security setting {setting}: {before} -> {value}.")
            .map_err(|source| Error::Output { source })
    }
}

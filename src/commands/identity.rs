//! Identity commands: `login`, `logout`, `whoami`, `passwd`, and session
//! and security administration. Passwords are read from the
//! [`PasswordSource`], never from the command text.

use std::io::Write;

use super::Context;
use crate::auth::session::{PasswordSource, Session};
use crate::auth::{self, AuthError, session_file};
use crate::db::identity::Identity;
use crate::error::Error;
use crate::render::{self, Column, Format, RowWriter, Status, Value};
use crate::syntax::ast::EmployeeRef;

fn output(source: std::io::Error) -> Error {
    Error::Output { source }
}

pub async fn login(cx: &mut Context<'_>, email: &str, err: &mut dyn Write) -> Result<(), Error> {
    let password = cx
        .passwords
        .read("Password: ", "`login` in a batch read from standard input")?;
    let logged_in = auth::login(cx.database, email, &password).await?;
    // The session this login replaces ends now rather than lingering unseen.
    if cx.require_identity().await.is_ok()
        && let Ok(previous) = cx.session.token()
    {
        auth::logout(cx.database, &previous).await?;
    }
    session_file::write(&cx.config.session_file, &logged_in.token)?;
    let identity = logged_in.identity;
    let welcome = Status::Welcome {
        name: &identity.name,
        role: identity.role,
        unread: logged_in.unread_notifications,
        temporary_password: identity.must_change_password,
    };
    render::status(err, &welcome).map_err(output)?;
    *cx.session = Session::Live {
        token: logged_in.token,
        identity,
    };
    Ok(())
}

pub async fn logout(cx: &mut Context<'_>, err: &mut dyn Write) -> Result<(), Error> {
    let token = cx.session.token()?;
    auth::logout(cx.database, &token).await?;
    session_file::remove(&cx.config.session_file)?;
    *cx.session = Session::Unknown;
    render::status(err, &Status::LoggedOut).map_err(output)
}

pub fn whoami(cx: &Context<'_>, identity: &Identity, out: &mut dyn Write) -> Result<(), Error> {
    let zone = cx.database.zone();
    let local =
        |at: chrono::DateTime<chrono::Utc>| Value::Timestamp(at.with_timezone(&zone.offset_at(at)));
    let fields = [
        ("name", Value::Text(identity.name.clone())),
        ("email", Value::Text(identity.email.clone())),
        ("role", Value::Text(identity.role.to_string())),
        ("session", Value::Int(identity.session_id)),
        ("logged_in", local(identity.started)),
        ("expires", local(identity.expires)),
    ];
    let columns = fields.iter().map(|(name, _)| Column::left(*name)).collect();
    let format = match cx.view.format {
        Format::Table => Format::Vertical,
        other => other,
    };
    let mut writer = RowWriter::new(out, format, cx.style(None), columns);
    writer
        .row(&fields.into_iter().map(|(_, v)| v).collect::<Vec<_>>())
        .map_err(output)?;
    writer.finish().map_err(output)?;
    Ok(())
}

pub async fn passwd(
    cx: &mut Context<'_>,
    identity: &Identity,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let what = "`passwd` in a batch read from standard input";
    let current = cx.passwords.read("Current password: ", what)?;
    let new = cx.passwords.read("New password: ", what)?;
    // Why it is refused, before it is asked for again.
    auth::check_policy(&new, &identity.email, &identity.name).map_err(AuthError::from)?;
    if cx.passwords == PasswordSource::Terminal {
        let again = cx.passwords.read("New password again: ", what)?;
        if again != new {
            return Err(AuthError::Password(auth::PasswordError::Mismatch).into());
        }
    }
    let token = cx.session.token()?;
    let revoked = auth::change_password(cx.database, identity, &token, &current, &new).await?;
    let changed = Status::PasswordChanged {
        other_sessions_revoked: revoked,
    };
    render::status(err, &changed).map_err(output)?;
    if let Some(current) = cx.session.identity_mut() {
        current.must_change_password = false;
    }
    Ok(())
}

pub async fn revoke_session(
    cx: &mut Context<'_>,
    id: i64,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let Some((_, owner)) = cx.database.revoke_session(id).await? else {
        return Err(Error::NotFound {
            entity: "live session",
            id,
        });
    };
    crate::telemetry::security_event("session revoked");
    render::status(err, &Status::RevokedSession { id, owner: &owner }).map_err(output)
}

pub async fn revoke_sessions_of(
    cx: &mut Context<'_>,
    employee: &EmployeeRef,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let (id, name, _) = cx.employee(employee).await?;
    let count = cx.database.revoke_sessions_of(id).await?;
    crate::telemetry::security_event("sessions revoked");
    render::status(err, &Status::RevokedSessions { count, of: &name }).map_err(output)
}

pub async fn unlock(cx: &mut Context<'_>, email: &str, err: &mut dyn Write) -> Result<(), Error> {
    let key = cx.database.unlock(email).await?;
    render::status(err, &Status::Unlocked { email: &key }).map_err(output)
}

/// Sets a temporary password, made and hashed by the database and shown
/// once, that must be changed at the next login; every session of the
/// employee is revoked.
pub async fn reset_password(
    cx: &mut Context<'_>,
    identity: &Identity,
    employee: &EmployeeRef,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let (id, name, email) = cx.employee(employee).await?;
    // An admin's password is the admins' to reset.
    let is_admin = cx
        .database
        .employee_facts(id)
        .await?
        .is_some_and(|facts| facts.role == crate::model::Role::Admin);
    cx.authorize(
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
    let temporary = cx
        .database
        .reset_password(id)
        .await?
        .ok_or(Error::NotFound {
            entity: "employee",
            id,
        })?;
    let shown = Status::TemporaryPassword {
        name: &name,
        email: &email,
        password: &temporary,
        new_employee: false,
    };
    render::status(out, &shown).map_err(output)
}

/// `set security NAME = VALUE` (admins): the database checks the role,
/// the range, and audits the change.
pub async fn set_security(
    cx: &mut Context<'_>,
    setting: &str,
    value: i32,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let before = cx.database.set_security(setting, value).await?;
    crate::telemetry::security_event("security setting changed");
    let changed = Status::SecuritySetting {
        setting,
        before,
        after: value,
    };
    render::status(err, &changed).map_err(output)
}

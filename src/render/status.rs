//! Status lines: what a command says it did, or that there was nothing to
//! show (on the notes stream, standard error, beside the output; the
//! headings of a record's related lists go with them on the output), and the
//! explanation `explain` gives of a listing. Each message is written once,
//! here, from a typed [`Status`]; the commands say which one, with what.
//! Names and emails in a message are shown as one line
//! ([`crate::text::one_line`]), an explanation as plain text: a filter may
//! hold any character, and it reaches no terminal raw.

use std::fmt::{self, Display};
use std::io::{self, Write};

use crate::model::{Entity, Role};
use crate::plan::Total;
use crate::text::{one_line, plain};

/// One status line (a greeting may take two).
#[derive(Debug, Clone, PartialEq)]
pub enum Status<'a> {
    /// The interactive shell's first line.
    Greeting {
        version: &'a str,
        location: String,
    },
    /// A saved session, resumed.
    LoggedInAs {
        name: &'a str,
        role: Role,
    },
    NotLoggedIn,
    /// A login, with the unread notifications waiting and whether the
    /// password is a temporary one.
    Welcome {
        name: &'a str,
        role: Role,
        unread: i64,
        temporary_password: bool,
    },
    LoggedOut,
    PasswordChanged {
        other_sessions_revoked: i64,
    },
    RevokedSession {
        id: i64,
        owner: &'a str,
    },
    RevokedSessions {
        count: i64,
        of: &'a str,
    },
    Unlocked {
        email: &'a str,
    },
    SecuritySetting {
        setting: &'a str,
        before: i32,
        after: i32,
    },
    /// `set time zone`: the company's zone, before and after.
    TimeZoneSet {
        before: &'a str,
        after: &'a str,
        /// The zone this user's dates stay in, when `TZ` chose another.
        yours: Option<&'a str>,
    },
    /// Under `set`'s listing: the config file read, if there is one there.
    ConfigFile {
        path: &'a str,
        found: bool,
    },
    /// `save settings`: the file written.
    SettingsSaved {
        path: &'a str,
    },
    /// `TZ` names no zone epic knows: the company's applies.
    TzIgnored {
        value: &'a str,
        company: &'a str,
    },
    /// A temporary password, shown once: for a new employee (`first`
    /// login) or after a reset (`next` login).
    TemporaryPassword {
        name: &'a str,
        email: &'a str,
        password: &'a str,
        new_employee: bool,
    },
    Created {
        entity: Entity,
        id: i64,
    },
    Updated {
        entity: Entity,
        id: i64,
    },
    /// `update ENTITIES where ...`: above its preview, how many records
    /// would change; below it, how many the preview leaves out.
    WouldUpdate {
        entity: Entity,
        count: usize,
    },
    WouldUpdateMore {
        more: usize,
    },
    UpdatedMany {
        entity: Entity,
        count: usize,
    },
    /// The question of `update ENTITIES where ...` answered no.
    NothingUpdated,
    /// An employee deleted, with where their clients and events went.
    Deleted {
        id: i64,
        moved: Option<Moved<'a>>,
    },
    Deactivated {
        name: &'a str,
        id: i64,
    },
    /// `undo`: what it took back.
    Undone(Undone<'a>),
    /// A listing with no rows: past its offset, none matching its filter,
    /// none at all yet.
    NoneAfter {
        noun: &'a str,
        offset: u64,
    },
    NoneMatch {
        noun: &'a str,
    },
    NoneYet {
        noun: &'a str,
    },
    /// An administrative list with no rows.
    NoneListed {
        noun: &'a str,
    },
    NothingToReport,
    /// A table cut after its page: rows `first` to `last` of `total`.
    Paged {
        first: u64,
        last: u64,
        total: Total,
        noun: &'a str,
    },
    /// Above a record's related list (`show client 304`, on the output
    /// stream, after a blank line): `Contracts of client 304 (2):`.
    Related {
        listed: Entity,
        total: i64,
        of: Entity,
        id: i64,
    },
    /// A related list with nothing in it: `(no events of contract 652)`.
    RelatedNone {
        listed: Entity,
        of: Entity,
        id: i64,
    },
    /// Below a related list cut short: the rest, and the listing with all.
    RelatedMore {
        more: i64,
        command: &'a str,
    },
    /// The operator's commands: the first admin made by a migration.
    AdminCreated {
        email: &'a str,
        name: &'a str,
    },
    /// `epic db migrate`: the versions applied now (none: it was current).
    Migrated {
        applied: &'a [i32],
        version: i32,
    },
    LocalRunning,
    LocalStopped {
        was_running: bool,
    },
    BackedUp {
        location: String,
        file: String,
    },
    Restored {
        file: String,
        location: String,
    },
    /// `epic demo` and `epic gen` (which says how long it took).
    Loaded {
        employees: u64,
        clients: u64,
        contracts: u64,
        events: u64,
        seconds: Option<f64>,
    },
    /// The password `epic gen`'s employees share.
    StaffPassword {
        count: u64,
        password: &'a str,
    },
    /// Where `epic gen`'s time went, step by step.
    Phases {
        phases: &'a [(&'a str, f64)],
    },
    /// `set timing on`: how long a command took, as psql's `\timing` says it.
    Took {
        seconds: f64,
    },
    /// `save query` and `delete query`: the name, and whether the team's.
    QuerySaved {
        name: &'a str,
        team: bool,
    },
    QueryDeleted {
        name: &'a str,
        team: bool,
    },
}

/// The clients and events of a deleted employee, moved to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved<'a> {
    pub clients: u64,
    pub events: u64,
    pub to: &'a str,
}

/// The change `undo` took back: its audit entry, what it was (`update`,
/// `create`, `deactivate`), and the fields set back (none for a create,
/// whose record was deleted, and for an update that changed nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undone<'a> {
    pub entry: i64,
    pub action: &'a str,
    pub entity: Entity,
    pub id: i64,
    pub fields: &'a [&'static str],
}

/// Writes `status` as its line.
pub fn status(out: &mut dyn Write, status: &Status<'_>) -> io::Result<()> {
    writeln!(out, "{status}")
}

/// `explain`: the command as epic understood it, the SQL it would run and
/// its parameters, as plain text.
pub fn explain<P: Display>(
    out: &mut dyn Write,
    command: &str,
    sql: &str,
    params: &[P],
) -> io::Result<()> {
    let mut text = format!("command: {command}\nsql:     {sql}\nparams:");
    if params.is_empty() {
        text.push_str(" none\n");
    } else {
        text.push('\n');
        for (index, param) in params.iter().enumerate() {
            text.push_str(&format!("  ${} = {param}\n", index + 1));
        }
    }
    out.write_all(plain(&text).as_bytes())
}

/// `event` or `events`, as `count` asks.
fn noun(entity: Entity, count: usize) -> &'static str {
    if count == 1 {
        entity.singular()
    } else {
        entity.plural()
    }
}

fn plural(n: impl Into<i128>) -> &'static str {
    if n.into() == 1 { "" } else { "s" }
}

impl Display for Status<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Created { .. }
            | Status::Updated { .. }
            | Status::Deleted { .. }
            | Status::Deactivated { .. }
            | Status::Undone(_)
            | Status::NoneAfter { .. }
            | Status::NoneMatch { .. }
            | Status::NoneYet { .. }
            | Status::NoneListed { .. }
            | Status::NothingToReport
            | Status::Paged { .. }
            | Status::Related { .. }
            | Status::RelatedNone { .. }
            | Status::RelatedMore { .. } => records(self, f),
            Status::WouldUpdate { .. }
            | Status::WouldUpdateMore { .. }
            | Status::UpdatedMany { .. }
            | Status::NothingUpdated => bulk(self, f),
            Status::AdminCreated { .. }
            | Status::Migrated { .. }
            | Status::LocalRunning
            | Status::LocalStopped { .. }
            | Status::BackedUp { .. }
            | Status::Restored { .. }
            | Status::Loaded { .. }
            | Status::StaffPassword { .. }
            | Status::Phases { .. }
            | Status::Took { .. } => operator(self, f),
            Status::QuerySaved { name, team } => {
                let whose = if *team { "team query" } else { "query" };
                write!(
                    f,
                    "Saved {whose} {name}: run it with `{name}` or `show {name}`."
                )
            }
            Status::QueryDeleted { name, team } => {
                let whose = if *team { "team query" } else { "query" };
                write!(f, "Deleted saved {whose} {name}.")
            }
            Status::ConfigFile { .. } | Status::SettingsSaved { .. } => settings(self, f),
            _ => sessions(self, f),
        }
    }
}

/// The lines of the operator's commands.
fn operator(status: &Status<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match status {
        Status::AdminCreated { email, name } => write!(
            f,
            "Created the admin account {} ({}).",
            one_line(email),
            one_line(name)
        ),
        Status::Migrated { applied, version } => match (applied.first(), applied.last()) {
            (Some(first), Some(last)) if first == last => write!(
                f,
                "Applied migration {first}: the schema is at version {version}."
            ),
            (Some(first), Some(last)) => write!(
                f,
                "Applied migrations {first} to {last}: the schema is at version {version}."
            ),
            _ => write!(f, "The schema is current (version {version})."),
        },
        Status::LocalRunning => f.write_str("The local database is running."),
        Status::LocalStopped { was_running: true } => f.write_str("The local database is stopped."),
        Status::LocalStopped { was_running: false } => {
            f.write_str("The local database was not running.")
        }
        Status::BackedUp { location, file } => {
            write!(f, "Backup of {location} written to {}.", one_line(file))
        }
        Status::Restored { file, location } => {
            write!(f, "Restored {} into {location}.", one_line(file))
        }
        Status::Loaded {
            employees,
            clients,
            contracts,
            events,
            seconds,
        } => {
            write!(
                f,
                "Loaded {employees} employees, {clients} clients, {contracts} contracts and {events} events"
            )?;
            if let Some(seconds) = seconds {
                write!(f, " in {seconds:.1} s")?;
            }
            f.write_str(". Demo logins:")
        }
        Status::StaffPassword { count, password } => write!(
            f,
            "The {count} generated employees (show employees) share the password: {password}"
        ),
        Status::Phases { phases } => {
            let phases: Vec<String> = phases
                .iter()
                .map(|(name, took)| format!("{name} {took:.2} s"))
                .collect();
            write!(f, "Time: {}.", phases.join(", "))
        }
        Status::Took { seconds } => write!(f, "Time: {:.1} ms", seconds * 1000.0),
        _ => unreachable!("not an operator's line"),
    }
}

/// The lines of logins, sessions and security settings.
fn sessions(status: &Status<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match *status {
        Status::Greeting {
            version,
            ref location,
        } => write!(
            f,
            "epic {version} on {location}. Type `help` for commands, Ctrl-D to leave."
        ),
        Status::LoggedInAs { name, role } => {
            write!(f, "Logged in as {} ({role}).", one_line(name))
        }
        Status::NotLoggedIn => f.write_str("Not logged in: type `login EMAIL`."),
        Status::Welcome {
            name,
            role,
            unread,
            temporary_password,
        } => welcome(f, name, role, unread, temporary_password),
        Status::LoggedOut => f.write_str("Logged out."),
        Status::PasswordChanged {
            other_sessions_revoked: revoked,
        } => {
            f.write_str("Password changed.")?;
            match revoked {
                0 => Ok(()),
                1 => write!(f, " 1 other session was revoked."),
                n => write!(f, " {n} other sessions were revoked."),
            }
        }
        Status::RevokedSession { id, owner } => {
            write!(f, "Revoked session {id} of {}.", one_line(owner))
        }
        Status::RevokedSessions { count, of } => write!(
            f,
            "Revoked {count} session{} of {}.",
            plural(count),
            one_line(of)
        ),
        Status::Unlocked { email } => write!(f, "Logins for {} are unlocked.", one_line(email)),
        Status::SecuritySetting {
            setting,
            before,
            after,
        } => write!(f, "Security setting {setting}: {before} -> {after}."),
        Status::TimeZoneSet {
            before,
            after,
            yours,
        } => {
            write!(f, "The company's time zone: {before} -> {after}.")?;
            match yours {
                Some(yours) => write!(f, " Your dates stay in {yours} (TZ)."),
                None => Ok(()),
            }
        }
        Status::TzIgnored { value, company } => write!(
            f,
            "note: epic ignores TZ={}: it names no zone of the IANA database (as \"Europe/Paris\"); dates are in the company's zone, {company}",
            one_line(value)
        ),
        Status::TemporaryPassword {
            name,
            email,
            password,
            new_employee,
        } => write!(
            f,
            "Temporary password for {} ({}), shown only this once:\n  {password}\n\
                 They must choose their own at their {} login.",
            one_line(name),
            one_line(email),
            if new_employee { "first" } else { "next" }
        ),
        _ => unreachable!("a record's line is written by `records`"),
    }
}

/// The lines of `set` and `save settings`.
fn settings(status: &Status<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match *status {
        Status::ConfigFile { path, found: true } => {
            write!(f, "(config file: {})", one_line(path))
        }
        Status::ConfigFile { path, found: false } => write!(
            f,
            "(config file: {}, not there yet; `save settings` creates it)",
            one_line(path)
        ),
        Status::SettingsSaved { path } => write!(f, "Settings saved to {}.", one_line(path)),
        _ => unreachable!("not a settings line"),
    }
}

/// `undo`'s line: what it took back, and how.
fn undone_line(f: &mut fmt::Formatter<'_>, undone: &Undone<'_>) -> fmt::Result {
    let what = match undone.action {
        "create" => "creation",
        "deactivate" => "deactivation",
        other => other,
    };
    let (entity, id, entry) = (undone.entity.singular(), undone.id, undone.entry);
    write!(
        f,
        "Undid your {what} of {entity} {id} (audit entry {entry}): "
    )?;
    match (undone.action, undone.fields) {
        ("create", _) => write!(f, "the {entity} was deleted."),
        (_, []) => f.write_str("it changed nothing, so nothing was set back."),
        (_, fields) => write!(f, "{} set back.", fields.join(", ")),
    }
}

/// The lines of `update ENTITIES where ...`.
fn bulk(status: &Status<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match *status {
        Status::WouldUpdate { entity, count } => {
            write!(f, "{count} {} would be updated:", noun(entity, count))
        }
        Status::WouldUpdateMore { more } => write!(f, "(and {more} more)"),
        Status::UpdatedMany { entity, count } => {
            write!(f, "Updated {count} {}.", noun(entity, count))
        }
        Status::NothingUpdated => f.write_str("Nothing was updated."),
        _ => unreachable!("only the bulk update's lines come here"),
    }
}

/// The lines of writes to records and of listings.
fn records(status: &Status<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match *status {
        Status::Created { entity, id } => write!(f, "Created {} {id}.", entity.singular()),
        Status::Updated { entity, id } => write!(f, "Updated {} {id}.", entity.singular()),
        Status::Undone(undone) => undone_line(f, &undone),
        Status::Deleted { id, moved: None } => write!(f, "Deleted employee {id}."),
        Status::Deleted {
            id,
            moved:
                Some(Moved {
                    clients,
                    events,
                    to,
                }),
        } => write!(
            f,
            "Deleted employee {id} ({clients} client{} and {events} event{} moved to {}).",
            plural(clients),
            plural(events),
            one_line(to)
        ),
        Status::Deactivated { name, id } => write!(
            f,
            "Deactivated {} (employee {id}); their sessions are revoked.",
            one_line(name)
        ),
        Status::NoneAfter { noun, offset } => write!(f, "(no {noun} after the first {offset})"),
        Status::NoneMatch { noun } => write!(f, "(no {noun} match)"),
        Status::NoneYet { noun } => write!(f, "(no {noun} yet)"),
        Status::NoneListed { noun } => write!(f, "(no {noun})"),
        Status::NothingToReport => f.write_str("(nothing to report)"),
        Status::Paged {
            first,
            last,
            total,
            noun,
        } => write!(
            f,
            "(showing {first} to {last} of {} {noun}; add `limit N offset {last}` for the next ones, \
                 or `set format csv` to get them all)",
            in_all(total)
        ),
        Status::Related {
            listed,
            total,
            of,
            id,
        } => {
            let noun = if total == 1 {
                listed.singular()
            } else {
                listed.plural()
            };
            let mut chars = noun.chars();
            let first = chars.next().map(|c| c.to_uppercase().to_string());
            write!(
                f,
                "\n{}{} of {} {id}",
                first.unwrap_or_default(),
                chars.as_str(),
                of.singular()
            )?;
            if total > 1 {
                write!(f, " ({total})")?;
            }
            f.write_str(":")
        }
        Status::RelatedNone { listed, of, id } => {
            write!(f, "\n(no {} of {} {id})", listed.plural(), of.singular())
        }
        Status::RelatedMore { more, command } => {
            write!(f, "…and {more} more: {}", one_line(command))
        }
        _ => unreachable!("a session's line is written by `sessions`"),
    }
}

/// "Welcome NAME (ROLE).", what is waiting, and a temporary password's warning.
fn welcome(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    role: Role,
    unread: i64,
    temporary_password: bool,
) -> fmt::Result {
    write!(f, "Welcome {} ({role}).", one_line(name))?;
    match unread {
        0 => {}
        1 => f.write_str(" You have 1 unread notification: `show notifications`.")?,
        n => write!(
            f,
            " You have {n} unread notifications: `show notifications`."
        )?,
    }
    if temporary_password {
        f.write_str(
            "\nYour password is temporary: choose your own with `passwd` before anything else.",
        )?;
    }
    Ok(())
}

/// A listing's total as its footer words it: exact, or the planner's
/// estimate to two significant figures, "about 45,000", "about 2.1 million".
pub(crate) fn in_all(total: Total) -> String {
    let estimate = match total {
        Total::Exact(n) => return n.to_string(),
        Total::About(n) => n.max(0) as u64,
    };
    // Two significant figures: the rest of an estimate is noise.
    let digits = estimate.checked_ilog10().unwrap_or(0);
    let unit = 10u64.pow(digits.saturating_sub(1));
    let rounded = (estimate + unit / 2) / unit * unit;
    for (size, word) in [(1_000_000_000, "billion"), (1_000_000, "million")] {
        if rounded >= size {
            let tenths = (rounded * 10 + size / 2) / size;
            return if tenths % 10 == 0 || tenths >= 100 {
                format!("about {} {word}", tenths / 10)
            } else {
                format!("about {}.{} {word}", tenths / 10, tenths % 10)
            };
        }
    }
    format!("about {}", thousands(rounded))
}

/// `45000` as `45,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explanation_is_plain_text() {
        let mut out = Vec::new();
        explain(&mut out, "show clients", "SELECT 1", &["'a\u{1b}b'"]).expect("written");
        assert_eq!(
            String::from_utf8(out).expect("text"),
            "command: show clients\nsql:     SELECT 1\nparams:\n  $1 = 'a\u{fffd}b'\n"
        );
        let mut out = Vec::new();
        explain::<&str>(&mut out, "count events", "SELECT 2", &[]).expect("written");
        assert_eq!(
            String::from_utf8(out).expect("text"),
            "command: count events\nsql:     SELECT 2\nparams: none\n"
        );
    }
}

//! Driver failures as typed errors: every way the database stage fails,
//! its exit code, and the mapping of a driver error (by SQLSTATE, by the
//! constraint a statement broke, by how a connection was lost) to words
//! that carry no SQL or driver text (that stays in the source chain, shown
//! only with `--verbose`).

use std::path::PathBuf;

use tokio_postgres::error::SqlState;

use super::connect::{self, TlsProblem};
use crate::exit::Exit;
use crate::model::Field;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found\n\
         help: install them (`apt-get install postgresql` on Debian or Ubuntu), \
         set EPIC_PG_BIN to the directory that holds them, \
         or set DATABASE_URL to use an existing server"
    )]
    NoPostgres,
    #[error(
        "epic is running as root, and PostgreSQL refuses to: it needs the unprivileged user `{user}` \
         to run the local database, and there is no such user\n\
         help: create it (`useradd --system {user}`), set EPIC_PG_USER to another unprivileged user, \
         or set DATABASE_URL"
    )]
    NoServerUser { user: String },
    #[error("could not {action} the local database\nhelp: its log is at {}", log.display())]
    ClusterFailed {
        action: &'static str,
        log: PathBuf,
        /// What pg_ctl or initdb said; shown with --verbose.
        detail: String,
    },
    #[error(transparent)]
    Settings(#[from] connect::ConnectError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("cannot connect to the database ({target})\nhelp: run with --verbose to see why")]
    Unavailable {
        target: String,
        #[source]
        source: tokio_postgres::Error,
    },
    #[error("cannot connect to {target} securely: {problem}")]
    Tls { target: String, problem: TlsProblem },
    #[error(
        "the server wants a password for {target} and none was given\n\
         help: put it in ~/.pgpass (mode 0600) or PGPASSWORD, or run epic on a terminal to be asked"
    )]
    NeedsPassword { target: String },
    #[error("the server refused the password for {target}\nhelp: check ~/.pgpass or PGPASSWORD")]
    WrongPassword { target: String },
    #[error(
        "the server accepts only encrypted connections ({target})\n\
         help: remove sslmode=disable: epic encrypts and verifies the server's certificate by default"
    )]
    NeedsTls { target: String },
    #[error(
        "the server does not let {target} in from here\n\
         help: its DBA allows this login, address and database in pg_hba.conf"
    )]
    NotAllowedIn { target: String },
    #[error(
        "the database role `{role}` does not exist on the server\n\
         help: a DBA creates epic's roles once with the output of `epic db roles`"
    )]
    NoSuchRole { role: String },
    #[error(
        "the database connection was lost: the database is failing over, or stopped\n\
         help: nothing of the command was kept; run it again (a batch with --keep-going goes on \
         with the next command, on a new connection)"
    )]
    ConnectionLost {
        #[source]
        source: tokio_postgres::Error,
    },
    /// Every connection the server or the login's role allows is taken,
    /// for as long as epic waited.
    #[error(
        "the server has no connection free for epic ({target}): it or its login is at its \
         connection limit, and none came free in {seconds} s\n\
         help: try again in a moment; a DBA raises the limit (ALTER ROLE ... CONNECTION LIMIT, \
         max_connections) or puts a pooler in front of the server"
    )]
    AtConnectionLimit {
        target: String,
        seconds: u64,
        #[source]
        source: tokio_postgres::Error,
    },
    /// The server takes no writes: a standby, one being promoted, or a
    /// database made read-only. Every command writes (its session check
    /// marks the session seen), so every command meets it.
    #[error(
        "the database is failing over or read-only: nothing was written\n\
         help: connect to the primary; a DATABASE_URL naming every server with \
         target_session_attrs=read-write finds it after a failover"
    )]
    ReadOnly {
        #[source]
        source: tokio_postgres::Error,
    },
    /// Lost while a COMMIT was on its way or unanswered: the server may
    /// have committed before it went away, and nobody can tell from here.
    #[error(
        "the connection was lost after the command was sent: it may have been applied\n\
         help: look at the records it changes to see whether it was"
    )]
    LostAfterCommit {
        #[source]
        source: tokio_postgres::Error,
    },
    /// A foreign key found no record: a write named a number nobody has
    /// (the shell checks first; this is the schema's last word on it).
    #[error("no {entity} has the number given")]
    MissingReference { entity: &'static str },
    #[error(
        "migration {version} (`{name}`) was changed after it was applied to this database\n\
         help: migrations are never edited once released; restore the original file \
         and add the change as a new migration"
    )]
    MigrationChanged { version: i32, name: String },
    #[error(
        "this database has schema version {found}, newer than this epic knows ({known})\n\
         help: upgrade epic before using this database"
    )]
    SchemaNewer { found: i32, known: i32 },
    #[error(
        "{}this epic needs schema version {needed}\n\
         help: an administrator runs `epic db migrate` with the migrator's credentials",
        match found { Some(v) => format!("this database has schema version {v}; "), None => "this database has no epic schema yet; ".to_owned() }
    )]
    SchemaBehind { found: Option<i32>, needed: i32 },
    #[error(
        "the database roles {names} do not exist\n\
         help: a DBA creates them once, as a superuser: `epic db roles | psql -d DATABASE`"
    )]
    RolesMissing { names: String },
    #[error(
        "`{user}` cannot migrate this database: migrations run as `{owner}`, and only its members may\n\
         help: run `epic db migrate` with the migrator's credentials (`{migrator}`)"
    )]
    NotMigrator {
        user: String,
        owner: String,
        migrator: String,
    },
    #[error(
        "the schema `public` belongs to `{found}`, not to `{owner}`\n\
         help: a DBA runs the output of `epic db roles` in this database, as a superuser"
    )]
    SchemaNotOwned { owner: String, found: String },
    #[error(
        "this database was migrated for the application role `{found}`, but the configuration names `{configured}`\n\
         help: keep the role names it was first migrated with (`[roles]` in the config file)"
    )]
    RolesDiffer { configured: String, found: String },
    #[error(
        "this database has no employee yet\n\
         help: an administrator creates the first admin with `epic db migrate`"
    )]
    NoAccountYet,
    #[error(
        "the target database is not empty\n\
         help: restore into an empty database, or add --force to replace what the backup contains"
    )]
    RestoreTargetNotEmpty,
    #[error("no backup at {}: the file does not exist", path.display())]
    NoSuchBackup { path: PathBuf },
    #[error(
        "{} is not a backup epic can restore: {detail}\n\
         help: restore a file made by `epic db backup`",
        path.display()
    )]
    NotABackup { path: PathBuf, detail: String },
    #[error(
        "cannot write the backup to {}: {source}\n\
         help: name a new file in a directory you may write to",
        path.display()
    )]
    BackupFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{tool} failed: {detail}")]
    Tool { tool: &'static str, detail: String },
    #[error("permission denied by the database: {detail}")]
    Refused { detail: String },
    /// The session was not what the command was sent for (see
    /// `Database::expect_session`): nothing ran; the shell asks again.
    #[error("your session changed while the command was sent\nhelp: run the command again")]
    SessionChanged,
    #[error("{message}")]
    Invalid { message: String },
    #[error("{message}")]
    Duplicate { message: String },
    /// A record still referenced by others cannot go.
    #[error("{message}")]
    InUse { message: String },
    /// Two commands held what each other needed (a deadlock, or a
    /// serialization failure): PostgreSQL rolled one back. Nothing of it
    /// happened, so it can run again.
    #[error(
        "another command changed the same records at the same moment: nothing was changed\n\
         help: run the command again"
    )]
    Contended {
        #[source]
        source: tokio_postgres::Error,
    },
    #[error("unexpected database error")]
    Query {
        #[source]
        source: tokio_postgres::Error,
    },
    #[error("cannot {action}: {source}")]
    Io {
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
}

impl DbError {
    pub fn io(action: &'static str, source: std::io::Error) -> DbError {
        DbError::Io { action, source }
    }

    pub fn exit(&self) -> Exit {
        match self {
            DbError::NoPostgres
            | DbError::NoServerUser { .. }
            | DbError::ClusterFailed { .. }
            | DbError::Unavailable { .. }
            | DbError::Tls { .. }
            | DbError::NeedsPassword { .. }
            | DbError::WrongPassword { .. }
            | DbError::NeedsTls { .. }
            | DbError::NotAllowedIn { .. }
            | DbError::NoSuchRole { .. }
            | DbError::ConnectionLost { .. }
            | DbError::ReadOnly { .. }
            | DbError::AtConnectionLimit { .. }
            | DbError::LostAfterCommit { .. } => Exit::DatabaseUnavailable,
            DbError::Settings(e) => e.exit(),
            DbError::Config(_) => Exit::Usage,
            DbError::MigrationChanged { .. }
            | DbError::SchemaNewer { .. }
            | DbError::SchemaBehind { .. }
            | DbError::RolesMissing { .. }
            | DbError::SchemaNotOwned { .. }
            | DbError::RolesDiffer { .. } => Exit::Schema,
            DbError::NotMigrator { .. } => Exit::PermissionDenied,
            DbError::NoAccountYet => Exit::NotLoggedIn,
            DbError::RestoreTargetNotEmpty => Exit::Conflict,
            DbError::NoSuchBackup { .. }
            | DbError::NotABackup { .. }
            | DbError::BackupFile { .. } => Exit::Usage,
            DbError::Refused { .. } => Exit::PermissionDenied,
            DbError::SessionChanged => Exit::NotLoggedIn,
            DbError::Invalid { .. } => Exit::Validation,
            DbError::Duplicate { .. } | DbError::InUse { .. } | DbError::Contended { .. } => {
                Exit::Conflict
            }
            DbError::MissingReference { .. } => Exit::NotFound,
            DbError::Tool { .. } | DbError::Query { .. } | DbError::Io { .. } => Exit::Internal,
        }
    }

    /// Extra detail for `--verbose`: what a tool printed.
    pub fn detail(&self) -> Option<&str> {
        match self {
            DbError::ClusterFailed { detail, .. } if !detail.is_empty() => Some(detail),
            _ => None,
        }
    }
}

impl From<tokio_postgres::Error> for DbError {
    fn from(source: tokio_postgres::Error) -> DbError {
        if source.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
            // The second layer said no: its message is ours (policy names or
            // our triggers' words), never user data.
            let detail = source
                .as_db_error()
                .map(|e| e.message().to_owned())
                .unwrap_or_else(|| "refused".to_owned());
            return DbError::Refused { detail };
        }
        // The expected-session check failed, or a statement sent after it
        // in the same round trip found the transaction already failed.
        if matches!(source.code(), Some(code) if code.code() == EXPECTED_SESSION_FAILED
            || *code == SqlState::IN_FAILED_SQL_TRANSACTION)
        {
            return DbError::SessionChanged;
        }
        if matches!(source.code(), Some(code) if *code == SqlState::T_R_DEADLOCK_DETECTED
            || *code == SqlState::T_R_SERIALIZATION_FAILURE)
        {
            return DbError::Contended { source };
        }
        if let Some(error) = source.as_db_error()
            && let Some(mapped) = constraint_message(error)
        {
            return mapped;
        }
        if source.code() == Some(&SqlState::READ_ONLY_SQL_TRANSACTION) {
            return DbError::ReadOnly { source };
        }
        if is_connection_loss(&source) {
            DbError::ConnectionLost { source }
        } else {
            DbError::Query { source }
        }
    }
}

/// Whether `error` means the connection is gone: closed under the driver,
/// broken on the socket, or ended by the server (a DBA's
/// `pg_terminate_backend`, a shutdown, a crash of another backend).
pub(crate) fn is_connection_loss(error: &tokio_postgres::Error) -> bool {
    if error.is_closed() {
        return true;
    }
    if let Some(code) = error.code() {
        return code.code().starts_with("08")
            || [
                SqlState::ADMIN_SHUTDOWN,
                SqlState::CRASH_SHUTDOWN,
                SqlState::CANNOT_CONNECT_NOW,
                SqlState::IDLE_SESSION_TIMEOUT,
            ]
            .contains(code);
    }
    // No server answer at all: the socket failed under the driver.
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        if inner.is::<std::io::Error>() {
            return true;
        }
        cause = inner.source();
    }
    false
}

impl DbError {
    /// What a failure of a COMMIT (or of a statement sent with one) means:
    /// a lost connection there leaves the outcome unknown.
    pub(crate) fn at_commit(source: tokio_postgres::Error) -> DbError {
        if is_connection_loss(&source) {
            DbError::LostAfterCommit { source }
        } else {
            source.into()
        }
    }
}

/// The SQLSTATE `epic_expect_session` raises (sql/0008).
const EXPECTED_SESSION_FAILED: &str = "EP001";

/// A broken rule of the schema, in words: the database is the last line
/// of defence, and what it refuses is explained like the checks before it.
fn constraint_message(error: &tokio_postgres::error::DbError) -> Option<DbError> {
    let code = error.code();
    let constraint = error.constraint().unwrap_or_default();
    if *code == SqlState::UNIQUE_VIOLATION && constraint == "employees_email_key" {
        return Some(DbError::Duplicate {
            message: "an employee with this email already exists".to_owned(),
        });
    }
    if *code == SqlState::UNIQUE_VIOLATION && constraint == "saved_queries_name_key" {
        return Some(DbError::Duplicate {
            message: "a saved query of this name exists already\n\
                      help: `delete query NAME` first, or choose another name"
                .to_owned(),
        });
    }
    if *code == SqlState::UNIQUE_VIOLATION && constraint == "clients_email_key" {
        return Some(DbError::Duplicate {
            message: "a client with this email already exists".to_owned(),
        });
    }
    if *code == SqlState::NUMERIC_VALUE_OUT_OF_RANGE {
        return Some(DbError::Invalid {
            message: format!(
                "a number is larger than the database stores\n\
                 help: amounts are at most {}, attendees at most {}",
                crate::model::money_max(),
                Field::EventAttendees
                    .range()
                    .map_or(i64::MAX, |(_, max)| max)
            ),
        });
    }
    if *code == SqlState::FOREIGN_KEY_VIOLATION {
        let entity = match constraint {
            // The key, or the work flow's trigger (sql/0011) that finds the
            // contract first to see that it is signed.
            "events_contract_id_fkey" | "events_contract_exists" => "contract",
            "contracts_client_id_fkey" => "client",
            "notifications_event_id_fkey" => "event",
            _ => "employee",
        };
        return Some(DbError::MissingReference { entity });
    }
    if *code == SqlState::CHECK_VIOLATION {
        return Some(check_message(constraint, error.message()));
    }
    None
}

impl From<deadpool_postgres::PoolError> for DbError {
    fn from(error: deadpool_postgres::PoolError) -> DbError {
        match error {
            deadpool_postgres::PoolError::Backend(source) => DbError::Unavailable {
                target: "the configured server".to_owned(),
                source,
            },
            other => DbError::Io {
                action: "get a database connection",
                source: std::io::Error::other(other.to_string()),
            },
        }
    }
}

/// A CHECK the schema holds, in words; `said` is the server's message (our
/// triggers' words, never user data).
fn check_message(constraint: &str, said: &str) -> DbError {
    let invalid = |message: &str| DbError::Invalid {
        message: message.to_owned(),
    };
    match constraint {
        "contracts_remaining_within_total" => {
            invalid("the remaining amount cannot be more than the total")
        }
        "contracts_total_check" | "contracts_remaining_check" => {
            invalid("amounts cannot be negative")
        }
        "events_end_after_start" => invalid("an event must end after it starts"),
        "clients_sales_contact_id_department" => {
            invalid("a client's sales contact must be in the sales department")
        }
        "events_support_contact_id_department" => {
            invalid("an event's support contact must be in the support department")
        }
        "clients_sales_contact_id_active" => {
            invalid("a client's sales contact must be an active salesperson, not a deactivated one")
        }
        "events_support_contact_id_active" => invalid(
            "an event's support contact must be an active support employee, not a deactivated one",
        ),
        "events_contract_signed" => DbError::Invalid {
            message: format!("{}: an event's contract must be signed", said),
        },
        "contracts_signed_with_events" => DbError::Invalid {
            message: format!("{}\nhelp: a contract with events cannot be unsigned", said),
        },
        "clients_check" => invalid("the last contact cannot be before the first"),
        // `sql/0010`: stored text is plain. Met when a row stored before
        // the rule is changed without repairing it, or by a client that
        // is not epic.
        other if other.ends_with("_plain") => plain_text_message(other),
        other if other.ends_with("_full_name_check") || other.ends_with("_name_check") => {
            DbError::Invalid {
                message: format!(
                    "names are 1 to {} characters (events: {}), without spaces around them",
                    most(Field::ClientName),
                    most(Field::EventName)
                ),
            }
        }
        other if other.ends_with("_location_check") => {
            at_most("a location is", Field::EventLocation)
        }
        other if other.ends_with("_notes_check") => at_most("notes are", Field::EventNotes),
        other if other.ends_with("_company_name_check") => {
            at_most("a company name is", Field::ClientCompany)
        }
        other => DbError::Invalid {
            message: format!("the value breaks the rule `{other}`"),
        },
    }
}

/// The most characters `field` holds, as its row in `model` says.
fn most(field: Field) -> usize {
    field.max_chars().unwrap_or(usize::MAX)
}

/// "notes are at most 5000 characters": `subject` names the field and its verb.
fn at_most(subject: &str, field: Field) -> DbError {
    DbError::Invalid {
        message: format!("{subject} at most {} characters", most(field)),
    }
}

/// A `<table>_<column>_plain` constraint (`sql/0010`), naming the field.
fn plain_text_message(constraint: &str) -> DbError {
    let field = match constraint.trim_end_matches("_plain") {
        "employees_full_name" | "clients_full_name" | "events_name" => "name",
        "employees_email" | "clients_email" | "login_attempts_email_key" => "email",
        "clients_phone" => "phone",
        "clients_company_name" => "company",
        "events_location" => "location",
        "events_notes" => "notes",
        _ => "a text field",
    };
    let lines = if field == "notes" {
        "; notes may hold line breaks and tabs"
    } else {
        ", and only notes may hold line breaks and tabs"
    };
    DbError::Invalid {
        message: format!(
            "`{field}` holds a control or bidirectional character, which stored text cannot hold\n\
             help: set `{field}` to plain text (in the same update, if it was stored before the rule){lines}"
        ),
    }
}

/// A failed connection, explained: TLS, passwords and missing roles in
/// words; anything else as unavailable, with the cause for `--verbose`.
pub(crate) fn connection_failure(
    target: String,
    user: Option<&str>,
    source: tokio_postgres::Error,
) -> DbError {
    if let Some(problem) = connect::tls_problem(&source) {
        return DbError::Tls { target, problem };
    }
    // tokio-postgres says "invalid configuration", caused by "password missing".
    let mut text = source.to_string();
    let mut cause = std::error::Error::source(&source);
    while let Some(inner) = cause {
        text.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    if text.contains("password missing") {
        return DbError::NeedsPassword { target };
    }
    // Every server reached takes no writes (tokio-postgres's words for
    // `target_session_attrs=read-write` finding only standbys): the primary
    // is gone and none promoted yet, a failover under way.
    if text.contains("database does not allow writes") {
        return DbError::ReadOnly { source };
    }
    let message = source
        .as_db_error()
        .map(|e| e.message())
        .unwrap_or_default();
    match source.code() {
        Some(code) if *code == SqlState::INVALID_PASSWORD => DbError::WrongPassword { target },
        Some(code)
            if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
                && message.contains("no encryption") =>
        {
            DbError::NeedsTls { target }
        }
        Some(code) if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
            DbError::NotAllowedIn { target }
        }
        Some(code)
            if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
                && source
                    .as_db_error()
                    .is_some_and(|e| e.message().contains("does not exist")) =>
        {
            DbError::NoSuchRole {
                role: user.unwrap_or("?").to_owned(),
            }
        }
        _ => DbError::Unavailable { target, source },
    }
}

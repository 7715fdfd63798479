//! error: the edge of the flow, where every stage's typed error is gathered
//! in one enum and becomes what the user reads and the documented exit code.
//!
//! It imports the stages (it gathers their errors); no stage imports it for
//! an exit code, which each takes from the leaf [`crate::exit`].
//!
//! Messages are written once, in `#[error(...)]`, lowercase, with user text in
//! backticks. What a user sees is decided here and in `main`; no stage prints
//! its own errors. Internal details (SQL, driver text) are kept in the source
//! chain and shown only with `--verbose`.

use crate::exit::Exit;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Syntax(#[from] crate::syntax::SyntaxError),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error(transparent)]
    Setup(#[from] crate::auth::setup::SetupError),
    #[error(transparent)]
    Password(#[from] crate::auth::PasswordError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Settings(#[from] crate::config::settings::SettingsError),
    #[error(transparent)]
    Demo(#[from] crate::db::load::demo::DemoError),
    #[error(transparent)]
    Gen(#[from] crate::db::load::generate::GenError),
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
    #[error("no {entity} with id {id}")]
    NotFound { entity: &'static str, id: i64 },
    /// A name that matched nobody, with the field it was given for (in the
    /// department that field asks for, the closest names are suggested).
    #[error("{}no employee is named `{name}`\nhelp: {help}", .field.map(|f| format!("{f}: ")).unwrap_or_default())]
    NoSuchEmployee {
        name: String,
        field: Option<&'static str>,
        help: String,
    },
    /// A saved query's name that names none of those one may run.
    #[error("no saved query is named `{name}`\nhelp: {help}")]
    NoSuchQuery { name: String, help: String },
    /// A lone word, while nobody is logged in: a command, or a saved query?
    #[error(
        "unknown command `{name}`, or a saved query, which needs you logged in\n\
         help: type `help` for the commands, or `login EMAIL` to run your saved queries"
    )]
    UnknownOrSaved { name: String },
    #[error("more than one employee is named `{name}`: {candidates}\nhelp: name them by number")]
    AmbiguousEmployee { name: String, candidates: String },
    #[error("{message}")]
    Invalid { message: String },
    /// `undo` with no change of one's own left to take back.
    #[error(
        "nothing to undo: you have made no change that is not undone yet\n\
         help: `undo` takes back your own last create or update, one at a time"
    )]
    NothingToUndo,
    /// `undo` of a change whose record someone changed again since.
    #[error(
        "{entity} {id} changed since your {action}{}: nothing was changed\n\
         help: `show {entity} {id}` shows it as it is now; change it with `update`",
        .by.as_ref().map(|by| format!(" (by {})", crate::text::one_line(by))).unwrap_or_default()
    )]
    ChangedSince {
        entity: String,
        id: i64,
        action: String,
        by: Option<String>,
    },
    /// `undo` of a delete: the record is gone with its history.
    #[error(
        "a delete cannot be undone: {entity} {id} was deleted (audit entry {entry}), nothing was changed\n\
         help: create it again with `create {entity}`"
    )]
    UndoDelete { entity: String, id: i64, entry: i64 },
    #[error("permission denied: {message}")]
    Denied {
        message: String,
        /// What was asked, for the audit log.
        request: String,
        /// The record the refusal is about, and its kind, for the audit log.
        entity: Option<&'static str>,
        record: crate::policy::Refused,
    },
    /// `update ENTITIES where ...` whose condition matches nothing.
    #[error("no {noun} match `{filter}`: nothing was updated")]
    NoneMatch { noun: &'static str, filter: String },
    /// `update ENTITIES where ...` matching more records than one command changes.
    #[error(
        "more than {max} {noun} match: nothing was updated\n\
         help: at most {max} records are updated at once; narrow the condition"
    )]
    TooMany { noun: &'static str, max: u64 },
    /// `update ENTITIES where ...` in a batch run without `--yes`.
    #[error(
        "updating {count} {noun} needs a confirmation: nothing was updated\n\
         help: in a batch, confirm with `epic --yes`; the shell asks [y/N]"
    )]
    NotConfirmed { count: usize, noun: &'static str },
    #[error(transparent)]
    Auth(#[from] crate::auth::AuthError),
    #[error("cannot write output: {source}")]
    Output {
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read input: {source}")]
    Input {
        #[source]
        source: std::io::Error,
    },
    /// A batch line that is not text: skipped like a command that failed.
    #[error(
        "line {line}, column {column}: the byte {byte:#04x} is not UTF-8 text\n\
         help: epic reads commands as UTF-8; convert the file, for example with \
         `iconv -f latin1 -t utf-8`"
    )]
    NotUtf8 {
        line: usize,
        column: usize,
        byte: u8,
    },
    /// A sheet `import events` cannot read at all.
    #[error("cannot import {file}: {source}")]
    Import {
        file: String,
        #[source]
        source: crate::import::ImportError,
    },
    /// A write of an import the database refused: the whole import is
    /// rolled back.
    #[error("row {row}: {source}\nnothing was imported: an import is all or nothing")]
    ImportRefused {
        row: usize,
        #[source]
        source: crate::db::DbError,
    },
    /// A dry run that found rows it cannot take.
    #[error(
        "{rows} rows cannot be imported (listed above): nothing was written\n\
         help: correct those rows, or add `apply` (`--apply`) to import the others"
    )]
    ImportSkips { rows: usize },
    /// The connection went away after the COMMIT was sent: the command may
    /// have been applied, and `check` shows whether.
    #[error(
        "the connection was lost after the command was sent: it may have been applied\n\
         help: run `{check}` to see whether it was"
    )]
    MaybeApplied {
        check: String,
        #[source]
        source: tokio_postgres::Error,
    },
}

impl Error {
    pub fn exit(&self) -> Exit {
        match self {
            // A value of the wrong form is a validation error; anything else
            // the parser refuses is a usage error.
            Error::Syntax(e) if e.kind == crate::syntax::SyntaxErrorKind::BadValue => {
                Exit::Validation
            }
            Error::Syntax(_) => Exit::Usage,
            Error::Db(e) => e.exit(),
            Error::Setup(e) => e.exit(),
            Error::Password(_) => Exit::Validation,
            Error::Config(_) => Exit::Usage,
            Error::Settings(e) => e.exit(),
            Error::Plan(e) => e.exit(),
            Error::NotFound { .. } | Error::NoSuchEmployee { .. } | Error::NoSuchQuery { .. } => {
                Exit::NotFound
            }
            Error::AmbiguousEmployee { .. } => Exit::Validation,
            Error::UnknownOrSaved { .. } => Exit::Usage,
            Error::Denied { .. } => Exit::PermissionDenied,
            Error::Invalid { .. }
            | Error::NothingToUndo
            | Error::UndoDelete { .. }
            | Error::TooMany { .. } => Exit::Validation,
            Error::ChangedSince { .. } => Exit::Conflict,
            Error::NoneMatch { .. } => Exit::NotFound,
            Error::NotConfirmed { .. } => Exit::Usage,
            Error::Import { source, .. } => source.exit(),
            Error::ImportRefused { source, .. } => source.exit(),
            Error::ImportSkips { .. } => Exit::Validation,
            Error::Auth(e) => e.exit(),
            Error::Demo(crate::db::load::demo::DemoError::NotEmpty) => Exit::Conflict,
            Error::Demo(_) => Exit::Internal,
            Error::Gen(e) => e.exit(),
            // A file named on the command line that is not there, is a
            // directory or may not be read is a usage mistake.
            Error::Input { source }
                if matches!(
                    source.kind(),
                    std::io::ErrorKind::NotFound
                        | std::io::ErrorKind::IsADirectory
                        | std::io::ErrorKind::PermissionDenied
                ) =>
            {
                Exit::Usage
            }
            Error::Output { .. } | Error::Input { .. } => Exit::Internal,
            Error::NotUtf8 { .. } => Exit::Usage,
            Error::MaybeApplied { .. } => Exit::DatabaseUnavailable,
        }
    }

    /// True when stdout went away (`epic ... | head`): not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output { source } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the user reads for `error`, and, for the failures that are not the
/// user's mistake, the report to Sentry (when it is on) whose event id the
/// message quotes. The single place errors leave the program.
///
/// The text is [`crate::text::plain`]: an error may quote what was typed
/// or what the database holds (a name, a driver's message), and neither may
/// reach the terminal raw.
pub fn report(error: &Error, verbose: bool, line: Option<usize>) -> String {
    let code = error.exit().support_code();
    let mut text = crate::text::plain(&describe(error, verbose, line, code)).into_owned();
    if let Some(code) = code
        && let Some(event) = crate::telemetry::capture(error)
    {
        text.push_str(&format!("\nsupport: quote {code} and event {event}"));
    }
    text
}

/// The text a user reads: `error: ` (or `error[CODE]: `), the message with
/// its `help:` lines, and, with `--verbose` only, the chain of causes
/// (driver and tool text). `line` prefixes errors of a batch that carry no
/// position of their own.
fn describe(error: &Error, verbose: bool, line: Option<usize>, code: Option<&str>) -> String {
    let mut text = match code {
        Some(code) => format!("error[{code}]: "),
        None => String::from("error: "),
    };
    match (error, line) {
        // These name their own line (an import's, the sheet's row).
        (
            Error::Syntax(_)
            | Error::NotUtf8 { .. }
            | Error::Import { .. }
            | Error::ImportRefused { .. }
            | Error::ImportSkips { .. },
            _,
        )
        | (_, None) => {}
        (_, Some(line)) => text.push_str(&format!("line {line}: ")),
    }
    text.push_str(&error.to_string());
    if verbose {
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text.push_str(&format!("\ncaused by: {cause}"));
            source = cause.source();
        }
        if let Error::Db(db) = error
            && let Some(detail) = db.detail()
        {
            text.push_str(&format!("\ndetail: {detail}"));
        }
    }
    text
}

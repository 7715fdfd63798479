//! `epic`'s flags and subcommands, as clap reads them: the one
//! definition the parser, the completion scripts and the manual share.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use epic::format::Format;
use epic::model::sheet::ImportField;
use epic::syntax::Command;
use epic::syntax::ast::{EmployeeRef, ImportEvents};

/// Epic Events CRM shell. Without a command it opens the interactive shell
/// (or runs commands from standard input when it is not a terminal).
#[derive(Debug, Parser)]
#[command(name = "epic", version, about, long_about = None)]
pub struct Cli {
    /// Run this command and exit (repeatable; they run in order)
    #[arg(short = 'c', long = "command", value_name = "CMD")]
    pub commands: Vec<String>,
    /// Run the commands in FILE and exit
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "commands"
    )]
    pub file: Option<PathBuf>,
    /// In a batch, go on after a failing command (the exit code still reports it)
    #[arg(long)]
    pub keep_going: bool,
    /// Confirm bulk updates (`update ENTITIES where ...`) without asking; a batch needs it
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// How results are printed: table, vertical, csv or json [default: table]; for
    /// spreadsheets, xlsx (an Excel workbook, with --output and one -c command) or
    /// csv-excel (CSV with a UTF-8 byte order mark and `;` between fields)
    #[arg(long, global = true, value_name = "FORMAT", value_parser = parse_format)]
    pub format: Option<Format>,
    /// Write the results of the -c or -f commands to FILE (mode 0600), instead of
    /// standard output; FILE is replaced only when every command succeeded
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// CSV text cells exactly as stored: no `'` before a leading =, +, -, @, tab or CR
    #[arg(long, global = true)]
    pub raw_csv: bool,
    /// Show the causes of errors (driver and tool messages)
    #[arg(short, long)]
    pub verbose: bool,
    /// Connect with this profile of the config file (also EPIC_PROFILE)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    #[command(subcommand)]
    pub action: Option<Action>,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Manage the database: the local one epic runs itself, or DATABASE_URL's
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
    /// Log in: the password is read from the terminal without echo, or as
    /// one line of standard input (`echo "$PASSWORD" | epic login EMAIL`)
    Login { email: String },
    /// End the session: revoke it and remove the session file
    Logout,
    /// Who is logged in, and until when
    Whoami,
    /// Change your password (from a pipe: the current one, then the new one, one per line)
    Passwd,
    /// Fill an empty CRM with demo data and print the demo logins
    Demo {
        /// Seed for the generated records (the same seed gives the same data)
        #[arg(long, default_value_t = 2023)]
        seed: u64,
    },
    /// Fill an empty CRM with the demo and bulk generated data up to a size, and print the logins
    Gen {
        /// S: the demo; M: 10,000 clients, 30,000 contracts, 50,000 events; L: 100,000
        /// clients, 300,000 contracts, 1,000,000 events, 60 employees; XL: 1,000,000 clients,
        /// 3,000,000 contracts, 10,000,000 events, 200 employees [default: S]
        #[arg(long, value_enum, ignore_case = true, conflicts_with = "clients")]
        size: Option<GenSize>,
        /// Clients in all, the demo's included (a custom size)
        #[arg(long, value_name = "N")]
        clients: Option<u64>,
        /// Contracts in all [default: 3 per client]
        #[arg(long, value_name = "N", requires = "clients")]
        contracts: Option<u64>,
        /// Events in all [default: 10 per client]
        #[arg(long, value_name = "N", requires = "clients")]
        events: Option<u64>,
        /// Employees in all, the admin and the demo staff included [default: 20]
        #[arg(long, value_name = "N", requires = "clients")]
        employees: Option<u64>,
        /// Seed for the generated records (the same seed gives the same data)
        #[arg(long, default_value_t = 2023)]
        seed: u64,
    },
    /// Load the support team's spreadsheet into the CRM (admin); a dry run
    /// that prints the plan unless --apply
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Print the completion script for a shell (bash, zsh, fish, elvish, powershell)
    Completions {
        /// The shell the script is for
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff, for `man -l -` or a man1 directory)
    Man,
}

/// What `epic import` loads.
#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// The events of a .csv or .xlsx sheet, with their clients and contracts
    ///
    /// Runs `import events from "FILE" ...` as `epic -c` runs a command, as the
    /// logged-in employee (an admin). Without --apply it prints the plan and writes
    /// nothing: the clients (matched by email) and contracts found or to create, the
    /// events to create or to update (old → new), the support assignments, and the
    /// rows it cannot take, each with its row number and the reason.
    Events {
        /// The sheet: a .csv or .xlsx file
        #[arg(value_name = "FILE", value_parser = parse_file)]
        file: String,
        /// Write the plan, all of it in one transaction, instead of only printing it
        #[arg(long)]
        apply: bool,
        /// The salesperson of the new clients the sheet gives none: a number or a full name
        #[arg(long, value_name = "NAME", value_parser = parse_sales)]
        sales: Option<EmployeeRef>,
        /// The field a column holds, when its header is none epic knows (repeatable):
        /// event_id, event_name, contract, client_name, client_contact, client_email,
        /// client_phone, company, sales, start, end, support, location, attendees, notes
        #[arg(long = "map", value_name = "COLUMN=FIELD", value_parser = parse_map)]
        map: Vec<(String, ImportField)>,
    },
}

impl ImportWhat {
    /// The shell's command these flags stand for.
    pub fn command(self) -> Command {
        match self {
            ImportWhat::Events {
                file,
                apply,
                sales,
                map,
            } => Command::Import(ImportEvents {
                file,
                sales,
                map,
                apply,
            }),
        }
    }
}

/// An import's file: any name, but one.
fn parse_file(given: &str) -> Result<String, String> {
    if given.trim().is_empty() {
        return Err("the sheet's file name is empty".to_owned());
    }
    Ok(given.to_owned())
}

/// `--sales`: digits are an employee's number, anything else a name.
fn parse_sales(given: &str) -> Result<EmployeeRef, String> {
    let given = given.trim();
    if given.is_empty() {
        return Err("expected a salesperson's number or full name".to_owned());
    }
    if !given.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(EmployeeRef::Name(given.to_owned()));
    }
    match given.parse::<i64>() {
        Ok(id) if id > 0 => Ok(EmployeeRef::Id(id)),
        _ => Err(format!("`{given}` is not an employee number")),
    }
}

/// `--map COLUMN=FIELD`, read as the import reads it; a refusal names what
/// is wrong and lists the fields.
fn parse_map(given: &str) -> Result<(String, ImportField), String> {
    if let Some(mapping) = epic::import::parse_mapping(given) {
        return Ok(mapping);
    }
    let fields = ImportField::ALL.map(ImportField::name).join(", ");
    Err(match given.rsplit_once('=') {
        Some((column, field)) if !column.trim().is_empty() => {
            format!(
                "`{}` is not a field of an import; the fields are: {fields}",
                field.trim()
            )
        }
        _ => format!(
            "expected COLUMN=FIELD, a column's header and its field; the fields are: {fields}"
        ),
    })
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum GenSize {
    S,
    M,
    L,
    XL,
}

#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Where the data is, the server reached, TLS, and the schema version
    Status,
    /// Print the SQL a superuser runs once to create epic's roles on a shared server
    Roles {
        /// The role that owns every object [default: epic_owner]
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
        /// The operator's login: migrate, backup, restore [default: epic_migrator]
        #[arg(long, value_name = "NAME")]
        migrator: Option<String>,
        /// The login every desk holds [default: epic_client]
        #[arg(long, value_name = "NAME")]
        client: Option<String>,
        /// The role commands run as [default: epic_app]
        #[arg(long, value_name = "NAME")]
        app: Option<String>,
    },
    /// Apply the schema migrations and create the first admin (the migrator's credentials)
    Migrate,
    /// Start the local server (any command starts it when needed)
    Start,
    /// Stop the local server
    Stop,
    /// Write a backup (pg_dump custom format, mode 0600) to FILE (the migrator's credentials)
    Backup { file: PathBuf },
    /// Restore a backup taken with `epic db backup`
    Restore {
        file: PathBuf,
        /// Replace the objects of a non-empty database with the backup's
        #[arg(long)]
        force: bool,
    },
}

pub fn parse_format(given: &str) -> Result<Format, String> {
    Format::from_flag(given).map_err(|e| {
        let names = epic::format::FORMAT_NAMES
            .iter()
            .chain(epic::format::EXPORT_NAMES);
        let names: Vec<&str> = names.copied().collect();
        format!(
            "unknown format `{}`; expected one of: {}",
            e.given,
            names.join(", ")
        )
    })
}

/// What is wrong with the flags' combination of `--format` and
/// `--output`, said before anything is opened: a workbook is binary, so it
/// goes to a file only, and holds one result.
pub fn output_refusal(cli: &Cli) -> Option<&'static str> {
    let batch = !cli.commands.is_empty() || cli.file.is_some();
    if cli.output.is_some() && (cli.action.is_some() || !batch) {
        return Some(
            "error: --output writes the results of -c or -f commands; use it with `epic -c COMMAND --output FILE`",
        );
    }
    if cli.format != Some(Format::Xlsx) {
        return None;
    }
    if cli.output.is_none() {
        return Some(
            "error: --format xlsx writes a binary workbook and needs a file: add --output FILE.xlsx",
        );
    }
    if cli.commands.len() != 1 {
        return Some(
            "error: an xlsx workbook holds the result of one command: give exactly one -c COMMAND",
        );
    }
    None
}

/// When clap refuses a subcommand that is a word a shell command starts
/// with (`epic show events`), what to say instead: how to run that one
/// command with `-c`, the user's words quoted back for a POSIX shell.
pub fn shell_command_hint(error: &clap::Error, args: &[String]) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if error.kind() != ErrorKind::InvalidSubcommand {
        return None;
    }
    let Some(ContextValue::String(word)) = error.get(ContextKind::InvalidSubcommand) else {
        return None;
    };
    let word = word.to_lowercase();
    if !epic::syntax::command_words().any(|command| command == word) {
        return None;
    }
    let from = args
        .iter()
        .skip(1)
        .position(|arg| arg.eq_ignore_ascii_case(&word))?
        + 1;
    let line = epic::text::one_line(&args[from..].join(" ")).into_owned();
    Some(format!(
        "error: `epic {word}` is not a subcommand; `{word}` is a shell command. \
         To run one command: epic -c {}\n\nFor the subcommands, try '--help'.",
        shell_quoted(&line)
    ))
}

/// `text` as one word of a POSIX shell: in double quotes when nothing in it
/// means anything there, otherwise in single quotes (a `'` as `'\''`).
fn shell_quoted(text: &str) -> String {
    if !text.contains(['"', '$', '`', '\\', '!']) {
        return format!("\"{text}\"");
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

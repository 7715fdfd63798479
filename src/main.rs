//! `epic`: flags and environment in, one exit code out. Everything else
//! happens in the library; this file only decides which part runs and is
//! the one place that turns an error into a message and an exit code.

use std::io::{BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use epic::config::{Config, DatabaseTarget};
use epic::db::local::{ClusterState, LocalCluster};
use epic::db::{Database, DbError, backup, migrate};
use epic::error::{self, Error, Exit};
use epic::generate::{self, Targets};
use epic::render::{Column, Format, RowWriter, Style, Value};
use epic::session::PasswordSource;
use epic::shell::{Shell, use_color};
use epic::{demo, input, render, setup};

/// Epic Events CRM shell. Without a command it opens the interactive shell
/// (or runs commands from standard input when it is not a terminal).
#[derive(Debug, Parser)]
#[command(name = "epic", version, about, long_about = None)]
struct Cli {
    /// Run this command and exit (repeatable; they run in order)
    #[arg(short = 'c', long = "command", value_name = "CMD")]
    commands: Vec<String>,
    /// Run the commands in FILE and exit
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "commands"
    )]
    file: Option<PathBuf>,
    /// In a batch, go on after a failing command (the exit code still reports it)
    #[arg(long)]
    keep_going: bool,
    /// How results are printed: table, vertical, csv or json [default: table]
    #[arg(long, global = true, value_name = "FORMAT", value_parser = parse_format)]
    format: Option<Format>,
    /// Show the causes of errors (driver and tool messages)
    #[arg(short, long)]
    verbose: bool,
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Debug, Subcommand)]
enum Action {
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
        /// clients, 300,000 contracts, 1,000,000 events, 60 employees [default: S]
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
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum GenSize {
    S,
    M,
    L,
}

#[derive(Debug, Subcommand)]
enum DbAction {
    /// Where the data is, and whether the local server is running
    Status,
    /// Start the local server (any command starts it when needed)
    Start,
    /// Stop the local server
    Stop,
    /// Write a backup (pg_dump custom format) to FILE
    Backup { file: PathBuf },
    /// Restore a backup taken with `epic db backup`
    Restore {
        file: PathBuf,
        /// Replace the objects of a non-empty database with the backup's
        #[arg(long)]
        force: bool,
    },
}

fn parse_format(given: &str) -> Result<Format, String> {
    given.parse::<Format>().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let verbose = cli.verbose;
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        let _ = writeln!(std::io::stderr(), "warning: .env ignored: {e}");
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            let error = Error::from(error);
            let _ = writeln!(
                std::io::stderr(),
                "{}",
                error::report(&error, verbose, None)
            );
            return error.exit().into();
        }
    };
    // Lives until main returns, after the last error is reported: dropping
    // it flushes what is queued, with a bounded wait.
    let _telemetry = epic::telemetry::init(secrets_of(&config));
    match run(cli, config) {
        Ok(exit) => exit.into(),
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            let _ = writeln!(
                std::io::stderr(),
                "{}",
                error::report(&error, verbose, None)
            );
            error.exit().into()
        }
    }
}

fn run(mut cli: Cli, config: Config) -> Result<Exit, Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Input { source })?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut err = std::io::stderr();
    match cli.action.take() {
        Some(Action::Db { action }) => {
            let format = cli.format.unwrap_or(Format::Vertical);
            runtime.block_on(db_command(&config, action, format, &mut out))
        }
        Some(Action::Demo { seed }) => {
            let database = runtime.block_on(open(&config, &mut err))?;
            runtime.block_on(load_demo(&config, &database, seed, &mut out))
        }
        Some(Action::Gen {
            size,
            clients,
            contracts,
            events,
            employees,
            seed,
        }) => {
            // Sizes are checked before anything is opened.
            let targets = match (size, clients) {
                (_, Some(clients)) => Some(Targets::custom(clients, contracts, events, employees)?),
                (None | Some(GenSize::S), None) => None,
                (Some(GenSize::M), None) => Some(Targets::M),
                (Some(GenSize::L), None) => Some(Targets::L),
            };
            let database = runtime.block_on(open(&config, &mut err))?;
            runtime.block_on(generate_data(&config, &database, seed, targets, &mut out))
        }
        Some(Action::Login { email }) => run_one(
            config,
            &runtime,
            &cli,
            format!("login {email}"),
            &mut out,
            &mut err,
        ),
        Some(Action::Logout) => run_one(
            config,
            &runtime,
            &cli,
            "logout".to_owned(),
            &mut out,
            &mut err,
        ),
        Some(Action::Whoami) => run_one(
            config,
            &runtime,
            &cli,
            "whoami".to_owned(),
            &mut out,
            &mut err,
        ),
        Some(Action::Passwd) => run_one(
            config,
            &runtime,
            &cli,
            "passwd".to_owned(),
            &mut out,
            &mut err,
        ),
        None => {
            let database = runtime.block_on(open(&config, &mut err))?;
            let stdin_is_terminal = std::io::stdin().is_terminal();
            let from_arguments = !cli.commands.is_empty() || cli.file.is_some();
            let interactive = !from_arguments && stdin_is_terminal;
            let passwords = match (stdin_is_terminal, from_arguments) {
                (true, _) => PasswordSource::Terminal,
                (false, true) => PasswordSource::Stdin,
                (false, false) => PasswordSource::Unavailable,
            };
            let format = cli.format.unwrap_or(Format::Table);
            let mut shell = Shell::new(
                config,
                database,
                format,
                interactive,
                cli.verbose,
                passwords,
            )?;
            let status = if !cli.commands.is_empty() {
                let entries = input::from_arguments(&cli.commands).into_iter().map(Ok);
                shell.run_batch(&runtime, entries, &mut out, &mut err, cli.keep_going, true)
            } else if let Some(file) = &cli.file {
                let reader = std::fs::File::open(file).map_err(|source| Error::Input { source })?;
                let entries = input::Batch::new(BufReader::new(reader));
                shell.run_batch(&runtime, entries, &mut out, &mut err, cli.keep_going, true)
            } else if interactive {
                shell.run_interactive(&runtime, &mut out, &mut err)
            } else {
                let entries = input::Batch::new(std::io::stdin().lock());
                shell.run_batch(&runtime, entries, &mut out, &mut err, cli.keep_going, true)
            };
            Ok(status)
        }
    }
}

/// `epic login`, `epic logout`, ...: one command, with passwords from the
/// terminal or from standard input.
fn run_one(
    config: Config,
    runtime: &tokio::runtime::Runtime,
    cli: &Cli,
    command: String,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    let database = runtime.block_on(open(&config, err))?;
    let passwords = if std::io::stdin().is_terminal() {
        PasswordSource::Terminal
    } else {
        PasswordSource::Stdin
    };
    let format = cli.format.unwrap_or(Format::Table);
    let mut shell = Shell::new(config, database, format, false, cli.verbose, passwords)?;
    let entries = input::from_arguments(&[command]).into_iter().map(Ok);
    Ok(shell.run_batch(runtime, entries, out, err, false, false))
}

/// Values that must never reach Sentry even by accident.
fn secrets_of(config: &Config) -> Vec<String> {
    let mut secrets = Vec::new();
    if let Some(key) = &config.secret_key {
        secrets.push(key.expose().to_owned());
    }
    if let Some(admin) = &config.admin {
        secrets.push(admin.password.expose().to_owned());
    }
    if let DatabaseTarget::Url(url) = &config.database {
        if let Ok(parsed) = url.expose().parse::<tokio_postgres::Config>()
            && let Some(password) = parsed.get_password()
        {
            secrets.push(String::from_utf8_lossy(password).into_owned());
        }
    }
    secrets
}

/// Connects, brings the schema up to date, and on a brand-new database
/// creates the first admin account.
async fn open(config: &Config, err: &mut dyn Write) -> Result<Database, Error> {
    let database = Database::connect(config).await?;
    let mut client = database.client().await?;
    let state = migrate::ensure_current(&mut client, migrate::MIGRATIONS).await?;
    if !state.has_employees {
        let admin = setup::first_admin(config, err)?;
        if setup::create_first_admin(&mut client, &admin, config.bcrypt_cost).await? {
            let _ = writeln!(
                err,
                "Created the admin account {} ({}).",
                admin.email, admin.name
            );
        }
    }
    drop(client);
    Ok(database)
}

async fn db_command(
    config: &Config,
    action: DbAction,
    format: Format,
    out: &mut dyn Write,
) -> Result<Exit, Error> {
    match action {
        DbAction::Status => db_status(config, format, out).await,
        DbAction::Start => {
            let cluster = local_only(config, "start")?;
            cluster.ensure_running()?;
            let _ = writeln!(std::io::stderr(), "The local database is running.");
            Ok(Exit::Success)
        }
        DbAction::Stop => {
            let cluster = local_only(config, "stop")?;
            let message = if cluster.stop()? {
                "The local database is stopped."
            } else {
                "The local database was not running."
            };
            let _ = writeln!(std::io::stderr(), "{message}");
            Ok(Exit::Success)
        }
        DbAction::Backup { file } => {
            let database = Database::connect(config).await?;
            backup::backup(config, &database, &file)?;
            let _ = writeln!(
                std::io::stderr(),
                "Backup of {} written to {}.",
                database.location,
                file.display()
            );
            Ok(Exit::Success)
        }
        DbAction::Restore { file, force } => {
            let database = Database::connect(config).await?;
            backup::restore(config, &database, &file, force).await?;
            let _ = writeln!(
                std::io::stderr(),
                "Restored {} into {}.",
                file.display(),
                database.location
            );
            Ok(Exit::Success)
        }
    }
}

fn local_only(config: &Config, verb: &'static str) -> Result<LocalCluster, Error> {
    match config.database {
        DatabaseTarget::Local => Ok(LocalCluster::locate(config)?),
        DatabaseTarget::Url(_) => Err(Error::Config(epic::config::ConfigError::Invalid {
            name: "DATABASE_URL",
            expected: match verb {
                "start" => "unset for `epic db start`, which manages only the local database",
                _ => "unset for `epic db stop`, which manages only the local database",
            },
            given: "a server of its own".to_owned(),
        })),
    }
}

async fn db_status(config: &Config, format: Format, out: &mut dyn Write) -> Result<Exit, Error> {
    let mut fields: Vec<(&str, Value)> = Vec::new();
    let text = |s: String| Value::Text(s);
    let reachable = match &config.database {
        DatabaseTarget::Url(_) => {
            fields.push(("database", text("DATABASE_URL".to_owned())));
            true
        }
        DatabaseTarget::Local => {
            let cluster = LocalCluster::locate(config)?;
            let state = cluster.state()?;
            fields.push(("database", text("local".to_owned())));
            fields.push((
                "state",
                text(match state {
                    ClusterState::Absent => {
                        "not created yet (the first command creates it)".to_owned()
                    }
                    ClusterState::Stopped => "stopped (the next command starts it)".to_owned(),
                    ClusterState::Running { .. } => "running".to_owned(),
                }),
            ));
            if let ClusterState::Running { pid } = state {
                fields.push(("pid", Value::Int(i64::from(pid))));
            }
            fields.push((
                "data directory",
                text(cluster.pgdata().display().to_string()),
            ));
            fields.push(("socket", text(cluster.socket_dir.display().to_string())));
            fields.push(("server log", text(cluster.log_file().display().to_string())));
            fields.push(("server user", text(cluster.user.name.clone())));
            fields.push(("binaries", text(cluster.binaries.dir.display().to_string())));
            matches!(state, ClusterState::Running { .. })
        }
    };
    let mut exit = Exit::Success;
    if reachable {
        match Database::connect(config).await {
            Ok(database) => {
                fields.push(("connection", text(database.location.to_string())));
                let client = database.client().await?;
                let versions = migrate::applied_versions(&**client).await?;
                let known = migrate::MIGRATIONS.len();
                fields.push((
                    "schema",
                    text(match versions.last() {
                        None => "empty (the first command creates it)".to_owned(),
                        Some(v) if *v as usize == known => format!("version {v}, current"),
                        Some(v) => format!("version {v}; this epic knows {known}"),
                    }),
                ));
            }
            Err(e @ DbError::Unavailable { .. }) => {
                fields.push(("connection", text(e.to_string())));
                exit = Exit::DatabaseUnavailable;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let columns = fields.iter().map(|(name, _)| Column::left(*name)).collect();
    let style = Style {
        color: use_color(),
        width: render::terminal_width(),
        page: None,
    };
    let mut writer = RowWriter::new(out, format, style, columns);
    let output = |source| Error::Output { source };
    writer
        .row(fields.into_iter().map(|(_, value)| value).collect())
        .map_err(output)?;
    writer.finish().map_err(output)?;
    Ok(exit)
}

async fn load_demo(
    config: &Config,
    database: &Database,
    seed: u64,
    out: &mut dyn Write,
) -> Result<Exit, Error> {
    let mut client = database.client().await?;
    let report = demo::load(&mut client, config.bcrypt_cost, seed).await?;
    let _ = writeln!(
        std::io::stderr(),
        "Loaded {} employees, {} clients, {} contracts and {} events. Demo logins:",
        report.employees,
        report.clients,
        report.contracts,
        report.events
    );
    print_logins(report.logins, out)?;
    Ok(Exit::Success)
}

/// `epic gen`: the demo's logins as `epic demo` prints them, then the generated staff's
/// password; counts and where the time went on standard error.
async fn generate_data(
    config: &Config,
    database: &Database,
    seed: u64,
    targets: Option<Targets>,
    out: &mut dyn Write,
) -> Result<Exit, Error> {
    let started = std::time::Instant::now();
    let mut client = database.client().await?;
    let report = generate::generate(&mut client, config.bcrypt_cost, seed, targets).await?;
    let elapsed = started.elapsed();
    let mut err = std::io::stderr();
    let _ = writeln!(
        err,
        "Loaded {} employees, {} clients, {} contracts and {} events in {:.1} s. Demo logins:",
        report.employees,
        report.clients,
        report.contracts,
        report.events,
        elapsed.as_secs_f64()
    );
    print_logins(report.logins, out)?;
    if let Some(password) = &report.staff_password {
        writeln!(
            out,
            "The {} generated employees (show employees) share the password: {password}",
            report.generated_staff
        )
        .map_err(|source| Error::Output { source })?;
    }
    let phases: Vec<String> = report
        .phases
        .iter()
        .map(|(name, took)| format!("{name} {:.2} s", took.as_secs_f64()))
        .collect();
    let _ = writeln!(err, "Time: {}.", phases.join(", "));
    Ok(Exit::Success)
}

fn print_logins(logins: Vec<demo::DemoLogin>, out: &mut dyn Write) -> Result<(), Error> {
    let columns = vec![
        Column::left("name"),
        Column::left("email"),
        Column::left("department"),
        Column::left("password"),
    ];
    let style = Style {
        color: use_color(),
        width: render::terminal_width(),
        page: None,
    };
    let output = |source| Error::Output { source };
    let mut writer = RowWriter::new(out, Format::Table, style, columns);
    for login in logins {
        writer
            .row(vec![
                Value::Text(login.name),
                Value::Text(login.email),
                Value::Text(login.department.to_owned()),
                Value::Text(login.password.to_owned()),
            ])
            .map_err(output)?;
    }
    writer.finish().map_err(output)?;
    Ok(())
}

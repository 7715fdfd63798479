//! `epic`: flags and environment in, one exit code out. Everything else
//! happens in the library; this file only decides which part runs and is
//! the one place that turns an error into a message and an exit code.

use std::io::{BufReader, IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use epic::auth::session::PasswordSource;
use epic::auth::setup;
use epic::config::settings::{Key, Origin, Settings};
use epic::config::{Config, DatabaseTarget, Secret};
use epic::data::demo::DemoLogin;
use epic::db::connect::{ConnectError, Target, role_names, target};
use epic::db::load::generate::{self, Targets};
use epic::db::load::{Operator, demo};
use epic::db::local::{ClusterState, LocalCluster};
use epic::db::roles::RoleNames;
use epic::db::{Database, DbError, Login, backup, migrate};
use epic::error::{self, Error};
use epic::exit::Exit;
use epic::format::Format;
use epic::input;
use epic::render;
use epic::render::{Column, RowWriter, Status, Style, use_color};
use epic::shell::Shell;
use epic::value::Value;

#[path = "main/cli.rs"]
mod cli;
#[path = "main/output.rs"]
mod output;

use cli::{Action, Cli, DbAction, GenSize};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => {
            if let Some(hint) = cli::shell_command_hint(&error, &args) {
                let _ = writeln!(std::io::stderr(), "{hint}");
                return ExitCode::from(2);
            }
            error.exit()
        }
    };
    if let Some(refusal) = cli::output_refusal(&cli) {
        let _ = writeln!(std::io::stderr(), "{refusal}");
        return ExitCode::from(2);
    }
    // Completion scripts and the manual need no config, database or session.
    if let Some(printed) = print_generated(&cli.action) {
        return match printed {
            Ok(()) => ExitCode::SUCCESS,
            Err(source) if source.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(source) => {
                let error = Error::Output { source };
                let _ = writeln!(std::io::stderr(), "{}", error::report(&error, false, None));
                error.exit().into()
            }
        };
    }
    let verbose = cli.verbose;
    // The current directory's `.env` only: one in a parent directory is
    // somebody else's project.
    if let Err(e) = dotenvy::from_path(".env")
        && !e.not_found()
    {
        let _ = writeln!(std::io::stderr(), "warning: .env ignored: {e}");
    }
    let (config, settings) = match Config::from_env()
        .map_err(Error::from)
        .and_then(|config| with_settings(&cli, config))
    {
        Ok(both) => both,
        Err(error) => {
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
    match run(cli, config, settings) {
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

fn run(mut cli: Cli, config: Config, settings: Settings) -> Result<Exit, Error> {
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
            runtime.block_on(open(&config, &mut err))?;
            runtime.block_on(load_demo(&config, seed, &mut out))
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
                (Some(GenSize::XL), None) => Some(Targets::XL),
            };
            runtime.block_on(open(&config, &mut err))?;
            runtime.block_on(generate_data(&config, seed, targets, &mut out))
        }
        Some(
            action @ (Action::Login { .. } | Action::Logout | Action::Whoami | Action::Passwd),
        ) => {
            let line = match action {
                Action::Login { email } => format!("login {email}"),
                Action::Logout => "logout".to_owned(),
                Action::Whoami => "whoami".to_owned(),
                _ => "passwd".to_owned(),
            };
            run_one(config, settings, &runtime, &cli, line, &mut out, &mut err)
        }
        // The shell's `import` command, run as `epic -c` runs one.
        Some(Action::Import { what }) => {
            cli.commands = vec![what.command().to_string()];
            run_shell(&cli, config, settings, &runtime, &mut out, &mut err)
        }
        // Printed by `main` before anything is opened.
        Some(Action::Completions { .. } | Action::Man) => Ok(Exit::Success),
        None => run_shell(&cli, config, settings, &runtime, &mut out, &mut err),
    }
}

/// The config file's `[shell]` settings, under the flags and the
/// environment; the profile to connect with is the one they name, else the
/// file's `default_profile`.
fn with_settings(cli: &Cli, mut config: Config) -> Result<(Config, Settings), Error> {
    let mut settings = Settings::load(config.config_file.as_deref())?;
    if let Some(format) = cli.format {
        settings.format = format;
        settings.mark(Key::Format, Origin::Flag);
    }
    if let Some(rows) = config.page_size {
        settings.page_size = rows;
        settings.mark(Key::PageSize, Origin::Environment);
    }
    let named = match (&cli.profile, &config.profile) {
        (Some(flag), _) => Some((flag.clone(), Origin::Flag)),
        (None, Some(variable)) => Some((variable.clone(), Origin::Environment)),
        (None, None) => None,
    };
    if let Some((profile, origin)) = named {
        settings.default_profile = Some(profile);
        settings.mark(Key::DefaultProfile, origin);
    }
    config.profile = settings.default_profile.clone();
    Ok((config, settings))
}

/// `epic completions SHELL` and `epic man`: text generated from the
/// flags and subcommands, printed to standard output.
fn print_generated(action: &Option<Action>) -> Option<std::io::Result<()>> {
    // Generated in memory first: clap_complete panics on a failed write,
    // and a closed pipe is not a reason to panic.
    let mut text = Vec::new();
    let generated = match action {
        Some(Action::Completions { shell }) => {
            clap_complete::generate(*shell, &mut Cli::command(), "epic", &mut text);
            Ok(())
        }
        Some(Action::Man) => clap_mangen::Man::new(Cli::command()).render(&mut text),
        _ => return None,
    };
    let mut out = std::io::stdout().lock();
    Some(
        generated
            .and_then(|()| out.write_all(&text))
            .and_then(|()| out.flush()),
    )
}

/// The shell: commands from `-c`, a file, the terminal or standard input.
fn run_shell(
    cli: &Cli,
    config: Config,
    settings: Settings,
    runtime: &tokio::runtime::Runtime,
    out: &mut std::io::StdoutLock<'_>,
    err: &mut std::io::Stderr,
) -> Result<Exit, Error> {
    let database = runtime.block_on(open(&config, err))?;
    let stdin_is_terminal = std::io::stdin().is_terminal();
    let from_arguments = !cli.commands.is_empty() || cli.file.is_some();
    let interactive = !from_arguments && stdin_is_terminal;
    let passwords = match (stdin_is_terminal, from_arguments) {
        (true, _) => PasswordSource::Terminal,
        (false, true) => PasswordSource::Stdin,
        (false, false) => PasswordSource::Unavailable,
    };
    let mut shell = Shell::new(
        config,
        database,
        settings,
        interactive,
        cli.verbose,
        passwords,
    )?;
    shell.view.raw_csv = cli.raw_csv;
    if cli.yes {
        shell.confirm = epic::commands::bulk::Confirm::Yes;
    }
    if let Some(path) = &cli.output {
        let mut file = output::Output::create(path).map_err(|source| Error::Output { source })?;
        let status = run_commands(cli, &mut shell, runtime, &mut file, err, interactive)?;
        if status == Exit::Success && !file.commit().map_err(|source| Error::Output { source })? {
            let note = format!("note: no result to write; {} is as it was", path.display());
            let _ = writeln!(err, "{}", epic::text::one_line(&note));
        }
        return Ok(status);
    }
    run_commands(cli, &mut shell, runtime, out, err, interactive)
}

/// The commands of `-c`, a file, the terminal or standard input, their
/// results written to `out`.
fn run_commands(
    cli: &Cli,
    shell: &mut Shell,
    runtime: &tokio::runtime::Runtime,
    out: &mut dyn Write,
    err: &mut std::io::Stderr,
    interactive: bool,
) -> Result<Exit, Error> {
    let status = if !cli.commands.is_empty() {
        let entries = input::from_arguments(&cli.commands).into_iter().map(Ok);
        shell.run_batch(runtime, entries, out, err, cli.keep_going, true)
    } else if let Some(file) = &cli.file {
        let reader = std::fs::File::open(file).map_err(|source| Error::Input { source })?;
        let entries = input::Batch::new(BufReader::new(reader));
        shell.run_batch(runtime, entries, out, err, cli.keep_going, true)
    } else if interactive {
        shell.run_interactive(runtime, out, err)
    } else {
        let entries = input::Batch::new(std::io::stdin().lock());
        shell.run_batch(runtime, entries, out, err, cli.keep_going, true)
    };
    Ok(status)
}

/// `epic login`, `epic logout`, ...: one command, with passwords from the
/// terminal or from standard input.
fn run_one(
    config: Config,
    settings: Settings,
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
    let mut shell = Shell::new(config, database, settings, false, cli.verbose, passwords)?;
    shell.view.raw_csv = cli.raw_csv;
    let entries = input::from_arguments(&[command]).into_iter().map(Ok);
    Ok(shell.run_batch(runtime, entries, out, err, false, false))
}

/// Values that must never reach Sentry even by accident.
fn secrets_of(config: &Config) -> Vec<String> {
    let mut secrets = Vec::new();
    if let Some(password) = &config.pg_password {
        secrets.push(password.expose().to_owned());
    }
    if let Some(admin) = &config.admin {
        secrets.push(admin.password.expose().to_owned());
    }
    if let DatabaseTarget::Url(_) = &config.database
        && let Ok(Target::Server(settings)) = target(config)
        && let Some(password) = settings.pg.get_password()
    {
        secrets.push(String::from_utf8_lossy(password).into_owned());
    }
    secrets
}

/// Connects as `login`; when the server wants a password that neither
/// PGPASSWORD nor `.pgpass` gave, asks for it on the terminal, once per run.
async fn connect(config: &Config, login: Login) -> Result<Database, Error> {
    static PROMPTED: std::sync::OnceLock<Secret> = std::sync::OnceLock::new();
    let mut config = std::borrow::Cow::Borrowed(config);
    if let Some(password) = PROMPTED.get() {
        config.to_mut().pg_password = Some(password.clone());
    }
    match Database::connect(&config, login).await {
        Err(DbError::NeedsPassword { target })
            if std::io::stdin().is_terminal() && PROMPTED.get().is_none() =>
        {
            let password = epic::auth::prompt::secret(&format!("Password for {target}: "))
                .map_err(|source| match source.kind() {
                    std::io::ErrorKind::Interrupted => {
                        Error::Auth(epic::auth::AuthError::Cancelled)
                    }
                    _ => Error::Input { source },
                })?;
            let password = PROMPTED.get_or_init(|| Secret::new(password)).clone();
            config.to_mut().pg_password = Some(password);
            Ok(Database::connect(&config, login).await?)
        }
        other => Ok(other?),
    }
}

/// Opens the database for a desk: the client login, on a schema of the
/// version this epic needs. The local cluster is set up and migrated on
/// first use (and asks for its first admin); a shared server is migrated by
/// an operator only (`epic db migrate`). Dates are then in the company's
/// time zone, or the one `TZ` chose.
async fn open(config: &Config, err: &mut dyn Write) -> Result<Database, Error> {
    let mut database = open_schema(config, err).await?;
    epic::commands::zone::choose(&mut database, config, err)?;
    Ok(database)
}

async fn open_schema(config: &Config, err: &mut dyn Write) -> Result<Database, Error> {
    let mut database = connect(config, Login::Client).await?;
    let info = database.schema_info().await?;
    let local = matches!(database.location, epic::db::Location::Local(_));
    let current = migrate::check_version(info.as_ref());
    let has_employees = info.as_ref().is_some_and(|i| i.has_employees);
    match (current, local) {
        (Ok(()), _) if has_employees => Ok(database),
        (Ok(()), false) => Err(DbError::NoAccountYet.into()),
        (Err(e @ DbError::SchemaNewer { .. }), _) | (Err(e), false) => Err(e.into()),
        (_, true) => {
            migrate_database(config, err).await?;
            let mut database = connect(config, Login::Client).await?;
            let info = database.schema_info().await?;
            migrate::check_version(info.as_ref())?;
            Ok(database)
        }
    }
}

/// `epic db migrate` (and the local cluster's first start): the migrator
/// applies what is missing of the schema, as the owner role, then creates
/// the first admin if there is no employee. On the local cluster the roles
/// are made first, by the script a DBA runs on a shared server.
async fn migrate_database(
    config: &Config,
    err: &mut dyn Write,
) -> Result<migrate::Migrated, Error> {
    let roles = role_names(config).map_err(DbError::from)?;
    let database = connect(config, Login::Migrator).await?;
    if let epic::db::Location::Local(cluster) = &database.location {
        epic::db::prepare_local_database(cluster, &roles).await?;
    }
    let migrated = database.migrate(&roles, config.bcrypt_cost).await?;
    if !migrated.has_employees {
        let admin = setup::first_admin(config, err)?;
        if setup::create_first_admin(&database, &roles.owner, &admin, config).await? {
            let created = Status::AdminCreated {
                email: &admin.email,
                name: &admin.name,
            };
            let _ = render::status(err, &created);
        }
    }
    Ok(migrated)
}

/// A connection for the operator's loaders (demo, gen): the migrator's, as
/// the owner role.
async fn operator(config: &Config) -> Result<Operator, Error> {
    let roles = role_names(config).map_err(DbError::from)?;
    let database = connect(config, Login::Migrator).await?;
    Ok(Operator::open(&database, &roles).await?)
}

async fn db_command(
    config: &Config,
    action: DbAction,
    format: Format,
    out: &mut dyn Write,
) -> Result<Exit, Error> {
    match action {
        DbAction::Status => db_status(config, format, out).await,
        DbAction::Roles {
            owner,
            migrator,
            client,
            app,
        } => {
            let configured = role_names(config).map_err(DbError::from)?;
            let roles = RoleNames::new(
                Some(owner.as_deref().unwrap_or(&configured.owner)),
                Some(migrator.as_deref().unwrap_or(&configured.migrator)),
                Some(client.as_deref().unwrap_or(&configured.client)),
                Some(app.as_deref().unwrap_or(&configured.app)),
            )
            .map_err(|e| DbError::from(ConnectError::from(e)))?;
            out.write_all(roles.script().as_bytes())
                .map_err(|source| Error::Output { source })?;
            Ok(Exit::Success)
        }
        DbAction::Migrate => {
            let migrated = migrate_database(config, &mut std::io::stderr()).await?;
            let migrated = Status::Migrated {
                applied: &migrated.applied_now,
                version: migrated.version,
            };
            let _ = render::status(&mut std::io::stderr(), &migrated);
            Ok(Exit::Success)
        }
        DbAction::Start => {
            let cluster = local_only(config, "start")?;
            cluster.ensure_running()?;
            let _ = render::status(&mut std::io::stderr(), &Status::LocalRunning);
            Ok(Exit::Success)
        }
        DbAction::Stop => {
            let cluster = local_only(config, "stop")?;
            let stopped = Status::LocalStopped {
                was_running: cluster.stop()?,
            };
            let _ = render::status(&mut std::io::stderr(), &stopped);
            Ok(Exit::Success)
        }
        DbAction::Backup { file } => {
            let database = connect(config, Login::Migrator).await?;
            backup::backup(config, &database, &file).await?;
            let written = Status::BackedUp {
                location: database.location.to_string(),
                file: file.display().to_string(),
            };
            let _ = render::status(&mut std::io::stderr(), &written);
            Ok(Exit::Success)
        }
        DbAction::Restore { file, force } => {
            let roles = role_names(config).map_err(DbError::from)?;
            let database = connect(config, Login::Migrator).await?;
            if let epic::db::Location::Local(cluster) = &database.location {
                epic::db::prepare_local_database(cluster, &roles).await?;
            }
            backup::restore(config, &database, &roles, &file, force).await?;
            let restored = Status::Restored {
                file: file.display().to_string(),
                location: database.location.to_string(),
            };
            let _ = render::status(&mut std::io::stderr(), &restored);
            Ok(Exit::Success)
        }
    }
}

fn local_only(config: &Config, verb: &'static str) -> Result<LocalCluster, Error> {
    match target(config).map_err(DbError::from)? {
        Target::Local => Ok(LocalCluster::locate(config)?),
        Target::Server(_) => Err(Error::Config(epic::config::ConfigError::Invalid {
            name: "DATABASE_URL or the config file's profile",
            expected: match verb {
                "start" => "unset for `epic db start`, which manages only the local database",
                _ => "unset for `epic db stop`, which manages only the local database",
            },
            given: "a server of its own".to_owned(),
        })),
    }
}

/// The local cluster's part of `epic db status`; whether it is running.
fn local_status(config: &Config, fields: &mut Vec<(&str, Value)>) -> Result<bool, Error> {
    let text = |s: String| Value::Text(s);
    let cluster = LocalCluster::locate(config)?;
    let state = cluster.state()?;
    fields.push(("database", text("local".to_owned())));
    fields.push((
        "state",
        text(match state {
            ClusterState::Absent => "not created yet (the first command creates it)".to_owned(),
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
    Ok(matches!(state, ClusterState::Running { .. }))
}

/// Where the read profile's reads go, for `db status`.
fn reads_status(reached: Result<epic::db::Reached, DbError>) -> String {
    match reached {
        Ok(r) if r.standby => format!("{}, a standby", r.server),
        Ok(r) => format!("{}, not a standby", r.server),
        Err(e) => format!("on the primary: the read profile is not reachable ({e})"),
    }
}

async fn db_status(config: &Config, format: Format, out: &mut dyn Write) -> Result<Exit, Error> {
    let mut fields: Vec<(&str, Value)> = Vec::new();
    let text = |s: String| Value::Text(s);
    let reachable = match target(config).map_err(DbError::from)? {
        Target::Server(settings) => {
            fields.push(("database", text(settings.describe())));
            true
        }
        Target::Local => local_status(config, &mut fields)?,
    };
    let mut exit = Exit::Success;
    if reachable {
        match connect(config, Login::Client).await {
            Ok(mut database) => {
                let reached = database.reached().await?;
                fields.push(("server", text(reached.server)));
                fields.push(("logged in as", text(reached.user)));
                fields.push(("tls", text(reached.tls)));
                fields.push((
                    "recovery",
                    text(
                        if reached.standby {
                            "standby (read-only)"
                        } else {
                            "primary"
                        }
                        .to_owned(),
                    ),
                ));
                if let Some(reads) = database.reads_reached().await {
                    fields.push(("reads", text(reads_status(reads))));
                }
                let info = database.schema_info().await?;
                let known = migrate::current_version();
                fields.push((
                    "schema",
                    text(match &info {
                        None => {
                            "no epic schema (an administrator runs `epic db migrate`)".to_owned()
                        }
                        Some(i) if i.version == known => format!("version {}, current", i.version),
                        Some(i) => format!("version {}; this epic needs {known}", i.version),
                    }),
                ));
            }
            // A server that cannot be reached is what status reports, not a failure of it.
            Err(Error::Db(e)) if e.exit() == Exit::DatabaseUnavailable => {
                fields.push(("connection", text(e.to_string())));
                exit = Exit::DatabaseUnavailable;
            }
            Err(e) => return Err(e),
        }
    }
    let columns = fields.iter().map(|(name, _)| Column::left(*name)).collect();
    let style = Style {
        color: use_color(),
        width: render::terminal_width(),
        page: None,
        raw_csv: false,
        ..Style::default()
    };
    let mut writer = RowWriter::new(out, format, style, columns);
    let output = |source| Error::Output { source };
    writer
        .row(
            &fields
                .into_iter()
                .map(|(_, value)| value)
                .collect::<Vec<_>>(),
        )
        .map_err(output)?;
    writer.finish().map_err(output)?;
    Ok(exit)
}

async fn load_demo(config: &Config, seed: u64, out: &mut dyn Write) -> Result<Exit, Error> {
    let mut operator = operator(config).await?;
    let report = demo::load(&mut operator, seed).await?;
    let loaded = Status::Loaded {
        employees: report.employees,
        clients: report.clients,
        contracts: report.contracts,
        events: report.events,
        seconds: None,
    };
    let _ = render::status(&mut std::io::stderr(), &loaded);
    print_logins(report.logins, out)?;
    Ok(Exit::Success)
}

/// `epic gen`: the demo's logins as `epic demo` prints them, then the generated staff's
/// password; counts and where the time went on standard error.
async fn generate_data(
    config: &Config,
    seed: u64,
    targets: Option<Targets>,
    out: &mut dyn Write,
) -> Result<Exit, Error> {
    let started = std::time::Instant::now();
    let mut operator = operator(config).await?;
    let report = generate::generate(&mut operator, seed, targets).await?;
    let elapsed = started.elapsed();
    let mut err = std::io::stderr();
    let loaded = Status::Loaded {
        employees: report.employees,
        clients: report.clients,
        contracts: report.contracts,
        events: report.events,
        seconds: Some(elapsed.as_secs_f64()),
    };
    let _ = render::status(&mut err, &loaded);
    print_logins(report.logins, out)?;
    if let Some(password) = &report.staff_password {
        let shared = Status::StaffPassword {
            count: report.generated_staff,
            password,
        };
        render::status(out, &shared).map_err(|source| Error::Output { source })?;
    }
    let phases: Vec<(&str, f64)> = report
        .phases
        .iter()
        .map(|(name, took)| (*name, took.as_secs_f64()))
        .collect();
    let _ = render::status(&mut err, &Status::Phases { phases: &phases });
    Ok(Exit::Success)
}

fn print_logins(logins: Vec<DemoLogin>, out: &mut dyn Write) -> Result<(), Error> {
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
        raw_csv: false,
        ..Style::default()
    };
    let output = |source| Error::Output { source };
    let mut writer = RowWriter::new(out, Format::Table, style, columns);
    for login in logins {
        writer
            .row(&[
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

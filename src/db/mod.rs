//! The database stage: the only module that holds connections. It finds or
//! starts the server ([`local`]), keeps the schema current ([`migrate`]),
//! takes backups ([`backup`]), and turns driver failures into typed errors
//! whose messages never contain SQL or driver text (that stays in the
//! source chain, shown only with `--verbose`).

pub mod backup;
pub mod identity;
pub mod local;
pub mod migrate;
mod rows;
pub mod write;

use std::path::PathBuf;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

use crate::config::{Config, DatabaseTarget};
use crate::error::Exit;
use local::LocalCluster;

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
    #[error(
        "DATABASE_URL is not a valid PostgreSQL connection string\nhelp: write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE"
    )]
    BadUrl {
        #[source]
        source: tokio_postgres::Error,
    },
    #[error("cannot connect to the database ({target})\nhelp: run with --verbose to see why")]
    Unavailable {
        target: String,
        #[source]
        source: tokio_postgres::Error,
    },
    #[error("the database connection was lost")]
    ConnectionLost {
        #[source]
        source: tokio_postgres::Error,
    },
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
        "the target database is not empty\n\
         help: restore into an empty database, or add --force to replace what the backup contains"
    )]
    RestoreTargetNotEmpty,
    #[error("no backup at {}: the file does not exist", path.display())]
    NoSuchBackup { path: PathBuf },
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
            | DbError::ConnectionLost { .. } => Exit::DatabaseUnavailable,
            DbError::BadUrl { .. } => Exit::Usage,
            DbError::MigrationChanged { .. } | DbError::SchemaNewer { .. } => Exit::Schema,
            DbError::RestoreTargetNotEmpty => Exit::Conflict,
            DbError::NoSuchBackup { .. } => Exit::Usage,
            DbError::Refused { .. } => Exit::PermissionDenied,
            DbError::SessionChanged => Exit::NotLoggedIn,
            DbError::Invalid { .. } => Exit::Validation,
            DbError::Duplicate { .. } => Exit::Conflict,
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
        if let Some(error) = source.as_db_error()
            && let Some(mapped) = constraint_message(error)
        {
            return mapped;
        }
        if source.is_closed() {
            DbError::ConnectionLost { source }
        } else {
            DbError::Query { source }
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
    let invalid = |message: &str| {
        Some(DbError::Invalid {
            message: message.to_owned(),
        })
    };
    if *code == SqlState::UNIQUE_VIOLATION && constraint == "employees_email_key" {
        return Some(DbError::Duplicate {
            message: "an employee with this email already exists".to_owned(),
        });
    }
    if *code == SqlState::CHECK_VIOLATION {
        return match constraint {
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
            "clients_check" => invalid("the last contact cannot be before the first"),
            other if other.ends_with("_full_name_check") || other.ends_with("_name_check") => {
                invalid("names are 1 to 120 characters (events: 200), without spaces around them")
            }
            other if other.ends_with("_location_check") => {
                invalid("a location is at most 300 characters")
            }
            other if other.ends_with("_notes_check") => {
                invalid("notes are at most 5000 characters")
            }
            other if other.ends_with("_company_name_check") => {
                invalid("a company name is at most 200 characters")
            }
            other => Some(DbError::Invalid {
                message: format!("the value breaks the rule `{other}`"),
            }),
        };
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

/// Where the connection goes, described without secrets.
#[derive(Debug, Clone)]
pub enum Location {
    Local(Box<LocalCluster>),
    Url { described: String },
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Local(cluster) => {
                write!(f, "the local database in {}", cluster.cluster_dir.display())
            }
            Location::Url { described } => f.write_str(described),
        }
    }
}

/// An open connection pool on a reachable server whose database exists.
pub struct Database {
    pool: Pool,
    pub location: Location,
    pg_config: tokio_postgres::Config,
    /// The connection a shell session keeps (see `rows`).
    held: Option<deadpool_postgres::Object>,
    /// Whether a command's transaction is open on `held`.
    in_command: bool,
    /// A command's opening (BEGIN, the expected-session check, the app
    /// role) not yet sent: it goes with the command's first statement.
    expecting: Option<rows::Expected>,
}

impl Database {
    /// Connects, starting (and on first use creating) the local cluster when
    /// no `DATABASE_URL` is set. Does not touch the schema.
    pub async fn connect(config: &Config) -> Result<Database, DbError> {
        match &config.database {
            DatabaseTarget::Url(url) => {
                let pg_config: tokio_postgres::Config = url
                    .expose()
                    .parse()
                    .map_err(|source| DbError::BadUrl { source })?;
                let location = Location::Url {
                    described: describe(&pg_config),
                };
                let database = Database::with_pool(pg_config, location)?;
                database.check_reachable().await?;
                Ok(database)
            }
            DatabaseTarget::Local => {
                let cluster = LocalCluster::locate(config)?;
                let pg_config = cluster.pg_config(local::DATABASE);
                let database =
                    Database::with_pool(pg_config, Location::Local(Box::new(cluster.clone())))?;
                match database.check_reachable().await {
                    Ok(()) => return Ok(database),
                    Err(DbError::Unavailable { source, .. })
                        if source.code() == Some(&SqlState::INVALID_CATALOG_NAME) =>
                    {
                        create_local_database(&cluster).await?;
                    }
                    Err(DbError::Unavailable { .. }) => {
                        cluster.ensure_running()?;
                        create_local_database(&cluster).await?;
                    }
                    Err(other) => return Err(other),
                }
                let database = Database::with_pool(
                    cluster.pg_config(local::DATABASE),
                    Location::Local(Box::new(cluster)),
                )?;
                database.check_reachable().await?;
                Ok(database)
            }
        }
    }

    fn with_pool(
        pg_config: tokio_postgres::Config,
        location: Location,
    ) -> Result<Database, DbError> {
        // `Clean` resets session state (settings, prepared statements,
        // LISTENs) when a connection goes back, so nothing one command set
        // can leak into the next user of that connection.
        let manager = Manager::from_config(
            pg_config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Clean,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(4)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| {
                DbError::io(
                    "build the connection pool",
                    std::io::Error::other(e.to_string()),
                )
            })?;
        Ok(Database {
            pool,
            location,
            pg_config,
            held: None,
            in_command: false,
            expecting: None,
        })
    }

    async fn check_reachable(&self) -> Result<(), DbError> {
        self.client().await.map(drop)
    }

    pub async fn client(&self) -> Result<deadpool_postgres::Object, DbError> {
        self.pool.get().await.map_err(|error| match error {
            deadpool_postgres::PoolError::Backend(source) => DbError::Unavailable {
                target: self.location.to_string(),
                source,
            },
            other => other.into(),
        })
    }

    pub fn pg_config(&self) -> &tokio_postgres::Config {
        &self.pg_config
    }

    /// libpq environment variables that reach the same database, for
    /// `pg_dump`/`pg_restore`: passed through the environment so that a
    /// password never shows in the process list.
    pub fn libpq_env(&self) -> Vec<(&'static str, String)> {
        if let Location::Local(cluster) = &self.location {
            return cluster.libpq_env();
        }
        let config = &self.pg_config;
        let mut env = Vec::new();
        if let Some(host) = config.get_hosts().first() {
            match host {
                tokio_postgres::config::Host::Tcp(name) => env.push(("PGHOST", name.clone())),
                tokio_postgres::config::Host::Unix(path) => {
                    env.push(("PGHOST", path.display().to_string()))
                }
            }
        }
        if let Some(port) = config.get_ports().first() {
            env.push(("PGPORT", port.to_string()));
        }
        if let Some(user) = config.get_user() {
            env.push(("PGUSER", user.to_owned()));
        }
        if let Some(dbname) = config.get_dbname() {
            env.push(("PGDATABASE", dbname.to_owned()));
        }
        if let Some(password) = config.get_password() {
            env.push(("PGPASSWORD", String::from_utf8_lossy(password).into_owned()));
        }
        env
    }
}

/// `user@host:port/db`, never the password.
fn describe(config: &tokio_postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(name)) => name.clone(),
        Some(tokio_postgres::config::Host::Unix(path)) => path.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{}@{host}:{port}/{}",
        config.get_user().unwrap_or("?"),
        config.get_dbname().unwrap_or("?")
    )
}

async fn create_local_database(cluster: &LocalCluster) -> Result<(), DbError> {
    let (client, connection) =
        cluster
            .pg_config("postgres")
            .connect(NoTls)
            .await
            .map_err(|source| DbError::Unavailable {
                target: format!("the local database in {}", cluster.cluster_dir.display()),
                source,
            })?;
    let driver = tokio::spawn(connection);
    let exists = client
        .query_opt(
            "SELECT 1 FROM pg_database WHERE datname = $1",
            &[&local::DATABASE],
        )
        .await?
        .is_some();
    if !exists {
        // The name is a constant of ours, not user input: CREATE DATABASE takes no parameters.
        match client.batch_execute("CREATE DATABASE epic").await {
            Ok(()) => {}
            // Another epic created it at the same moment.
            Err(e) if e.code() == Some(&SqlState::DUPLICATE_DATABASE) => {}
            Err(e) => return Err(e.into()),
        }
    }
    drop(client);
    let _ = driver.await;
    Ok(())
}

//! The database stage: the only module that holds connections. It reaches
//! the server ([`connect`]: a URL or a profile, TLS, passwords) or starts
//! epic's own ([`local`]), logs in as one of the deployment's roles
//! ([`roles`]), keeps the schema current by an operator's act
//! ([`migrate`]), opens and ends each command's transaction
//! ([`transaction`]), takes backups ([`backup`]), and turns driver failures
//! into typed errors whose messages never contain SQL or driver text
//! ([`error`]).

pub mod backup;
pub mod connect;
pub mod error;
mod first_admin;
pub mod identity;
pub mod import;
pub mod listen;
pub mod load;
pub mod local;
pub mod migrate;
mod replica;
pub mod roles;
mod rows;
mod statement;
pub mod transaction;
pub mod undo;
pub mod write;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::error::SqlState;

use crate::config::Config;
use connect::{ServerSettings, Target, Tls};
use local::LocalCluster;
use roles::RoleNames;
use statement::arg;

pub use error::DbError;
pub(crate) use error::connection_failure;
pub use transaction::Transaction;

/// Which of the deployment's logins a connection uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Login {
    /// A desk: the identity functions, then commands as the app role.
    Client,
    /// The operator: migrations, backups, restores, demo data.
    Migrator,
}

/// Where the connection goes, described without secrets.
#[derive(Debug, Clone)]
pub enum Location {
    Local(Box<LocalCluster>),
    Server { described: String },
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Local(cluster) => {
                write!(f, "the local database in {}", cluster.cluster_dir.display())
            }
            Location::Server { described } => f.write_str(described),
        }
    }
}

/// An open connection pool on a reachable server whose database exists.
pub struct Database {
    pool: Pool,
    pub location: Location,
    pg_config: tokio_postgres::Config,
    tls: Tls,
    /// How `pg_dump` and `pg_restore` reach the same database.
    libpq_env: Vec<(&'static str, String)>,
    /// The role commands run as, as the database names it (`epic_schema_info`).
    app_role: String,
    /// The connection a shell session keeps (see `rows`).
    held: Option<deadpool_postgres::Object>,
    /// Whether a command's transaction is open on `held`.
    in_command: bool,
    /// A command's opening (BEGIN, the expected-session check, the app
    /// role) not yet sent: it goes with the command's first statement.
    expecting: Option<transaction::Expected>,
    /// Where the live notifications' listener connects, when not where the
    /// pool does (`EPIC_LISTEN_URL`: past a transaction-mode pooler).
    listen: Option<(tokio_postgres::Config, Tls)>,
    /// The read profile's server (`EPIC_READ_URL`), where reads go when it
    /// answers (`replica`).
    replica: Option<replica::Replica>,
    /// The next command only reads, so may open on the replica.
    next_reads: bool,
    /// The open command's connection is the replica's.
    on_replica: bool,
    /// The zone dates are read and shown in: the company's, read with the
    /// schema's version once a session (`epic_schema_info`), unless `TZ`
    /// chose another (see [`Self::choose_zone`]).
    zone: crate::zone::Zone,
}

/// How long a command waits for a connection while the server or its
/// role is at its connection limit.
pub const CONNECTION_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

impl Database {
    /// Connects as `login`: to the server `DATABASE_URL` or the profile
    /// names, or to the local cluster, which is started, created and given
    /// its roles on first use. Does not touch the schema.
    pub async fn connect(config: &Config, login: Login) -> Result<Database, DbError> {
        let roles = connect::role_names(config)?;
        match connect::target(config)? {
            Target::Server(mut settings) => {
                let with_password = |settings: &mut ServerSettings| {
                    settings.fill_password(
                        config.pg_password.as_ref().map(|p| p.expose()),
                        config.pgpass.as_deref(),
                    )
                };
                with_password(&mut settings)?;
                let mut database = Database::on_server(*settings).await?;
                if let Some(url) = &config.listen_url {
                    let mut listen = ServerSettings::from_url(url.expose())?;
                    with_password(&mut listen)?;
                    database.listen = Some((listen.pg.clone(), listen.tls_connector()?));
                }
                if let Some(url) = &config.read_url {
                    let mut reads = ServerSettings::from_read_url(url.expose())?;
                    with_password(&mut reads)?;
                    let pool = connection_pool(reads.pg.clone(), reads.tls_connector()?)?;
                    database.replica = Some(replica::Replica::new(pool));
                }
                Ok(database)
            }
            Target::Local => {
                let cluster = LocalCluster::locate(config)?;
                let user = match login {
                    Login::Client => &roles.client,
                    Login::Migrator => &roles.migrator,
                };
                let database = Database::on_local(&cluster, user)?;
                match database.check_reachable().await {
                    Ok(()) => return Ok(database),
                    Err(DbError::Unavailable { source, .. })
                        if source.code() == Some(&SqlState::INVALID_CATALOG_NAME) => {}
                    Err(DbError::NoSuchRole { .. }) => {}
                    Err(DbError::Unavailable { .. }) => cluster.ensure_running()?,
                    Err(other) => return Err(other),
                }
                prepare_local_database(&cluster, &roles).await?;
                let database = Database::on_local(&cluster, user)?;
                database.check_reachable().await?;
                Ok(database)
            }
        }
    }

    /// A pool on a server reached through `settings`, checked reachable.
    pub async fn on_server(settings: ServerSettings) -> Result<Database, DbError> {
        let tls = settings.tls_connector()?;
        let location = Location::Server {
            described: settings.describe(),
        };
        let database =
            Database::with_pool(settings.pg.clone(), tls, location, settings.libpq_env())?;
        database.check_reachable().await?;
        Ok(database)
    }

    fn on_local(cluster: &LocalCluster, user: &str) -> Result<Database, DbError> {
        Database::with_pool(
            cluster.pg_config(local::DATABASE, user),
            connect::unencrypted(),
            Location::Local(Box::new(cluster.clone())),
            cluster.libpq_env(user),
        )
    }

    fn with_pool(
        pg_config: tokio_postgres::Config,
        tls: Tls,
        location: Location,
        libpq_env: Vec<(&'static str, String)>,
    ) -> Result<Database, DbError> {
        let pool = connection_pool(pg_config.clone(), tls.clone())?;
        Ok(Database {
            pool,
            location,
            pg_config,
            tls,
            libpq_env,
            app_role: roles::DEFAULT_APP.to_owned(),
            held: None,
            in_command: false,
            expecting: None,
            listen: None,
            replica: None,
            next_reads: false,
            on_replica: false,
            zone: crate::zone::Zone::default(),
        })
    }

    async fn check_reachable(&self) -> Result<(), DbError> {
        self.client().await.map(drop)
    }

    ///
    /// A server or role at its connection limit is waited for, with
    /// backoff (and jitter, so that many desks refused at once do not come
    /// back at once), for up to [`CONNECTION_WAIT`]; then it is an error
    /// saying so.
    pub async fn client(&self) -> Result<deadpool_postgres::Object, DbError> {
        let started = std::time::Instant::now();
        let mut pause = std::time::Duration::from_millis(25);
        loop {
            let source = match self.pool.get().await {
                Ok(client) => return Ok(client),
                Err(deadpool_postgres::PoolError::Backend(source)) => source,
                Err(other) => return Err(other.into()),
            };
            let at_limit =
                source.code() == Some(&tokio_postgres::error::SqlState::TOO_MANY_CONNECTIONS);
            if !at_limit {
                return Err(connection_failure(
                    self.location.to_string(),
                    self.pg_config.get_user(),
                    source,
                ));
            }
            if started.elapsed() >= CONNECTION_WAIT {
                return Err(DbError::AtConnectionLimit {
                    target: self.location.to_string(),
                    seconds: started.elapsed().as_secs(),
                    source,
                });
            }
            let jitter = rand::random_range(0..=pause.as_millis() as u64);
            tokio::time::sleep(pause + std::time::Duration::from_millis(jitter)).await;
            pause = (pause * 2).min(std::time::Duration::from_secs(1));
        }
    }

    /// The schema as a desk sees it; remembers the application role it names.
    pub async fn schema_info(&mut self) -> Result<Option<migrate::SchemaInfo>, DbError> {
        let client = self.client().await?;
        let info = migrate::schema_info(&**client).await?;
        if let Some(info) = &info {
            self.app_role = info.app_role.clone();
            self.zone = self.zone.with_company(info.time_zone);
        }
        Ok(info)
    }

    /// The zone dates are read and shown in.
    pub fn zone(&self) -> crate::zone::Zone {
        self.zone
    }

    /// Dates in the zone `tz` chose, if it chose one (the company's zone
    /// stays what the database says).
    pub fn choose_zone(&mut self, tz: &crate::zone::TzChoice) {
        self.zone = crate::zone::Zone::new(self.zone.company_tz(), tz);
    }

    /// After `set time zone`: the company's zone is now `company`.
    pub fn company_zone_changed(&mut self, company: crate::zone::Tz) {
        self.zone = self.zone.with_company(company);
    }

    /// Where the live notifications' listener opens a connection of its
    /// own, and the TLS to open it with: `EPIC_LISTEN_URL`'s server if set
    /// (a pooler in transaction mode cannot pass a LISTEN on), else the
    /// pool's.
    pub fn connection_settings(&self) -> (tokio_postgres::Config, Tls) {
        match &self.listen {
            Some(listen) => listen.clone(),
            None => (self.pg_config.clone(), self.tls.clone()),
        }
    }

    /// libpq environment variables that reach the same database, for
    /// `pg_dump`/`pg_restore`: passed through the environment so that a
    /// password never shows in the process list.
    pub fn libpq_env(&self) -> &[(&'static str, String)] {
        &self.libpq_env
    }

    /// The server this connection actually reached, as the server says:
    /// with several hosts, the one that answered.
    pub async fn reached(&self) -> Result<Reached, DbError> {
        reached_by(&*self.client().await?).await
    }

    /// The role commands run as.
    pub fn app_role(&self) -> &str {
        &self.app_role
    }

    pub fn dbname(&self) -> &str {
        self.pg_config.get_dbname().unwrap_or("postgres")
    }
}

/// The server `client` reached, as it says.
async fn reached_by(client: &tokio_postgres::Client) -> Result<Reached, DbError> {
    let row = client
        .query_typed_one(
            "SELECT host(inet_server_addr()), inet_server_port(), \
                    current_setting('server_version'), session_user::text, \
                    coalesce((SELECT CASE WHEN s.ssl THEN s.version || ', ' || s.cipher END \
                              FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()), 'none'), \
                    pg_is_in_recovery()",
            &[],
        )
        .await?;
    let host: Option<String> = row.get(0);
    let port: Option<i32> = row.get(1);
    let version: String = row.get(2);
    let shown = match (&host, port) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        _ => "Unix socket".to_owned(),
    };
    let address = host
        .and_then(|host| host.parse().ok())
        .zip(port.and_then(|port| u16::try_from(port).ok()));
    Ok(Reached {
        server: format!("{shown} (PostgreSQL {version})"),
        address,
        user: row.get(3),
        tls: row.get(4),
        standby: row.get(5),
    })
}

/// A pool of connections to one server (or list of servers).
fn connection_pool(pg_config: tokio_postgres::Config, tls: Tls) -> Result<Pool, DbError> {
    // `Clean` resets session state (settings, prepared statements,
    // LISTENs) when a connection goes back, so nothing one command set
    // can leak into the next user of that connection.
    let manager = Manager::from_config(
        pg_config,
        tls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Clean,
        },
    );
    Pool::builder(manager)
        .max_size(4)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .build()
        .map_err(|e| {
            DbError::io(
                "build the connection pool",
                std::io::Error::other(e.to_string()),
            )
        })
}

/// What `epic db status` says of the server reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    /// Its address and version.
    pub server: String,
    /// The address and port it listens on (none over a Unix socket).
    pub address: Option<(std::net::IpAddr, u16)>,
    /// The login the connection uses.
    pub user: String,
    /// The TLS version and cipher, or `none`.
    pub tls: String,
    /// A hot standby (read-only).
    pub standby: bool,
}

/// The local cluster's database exists and holds epic's roles: created with
/// the cluster's superuser, over its private socket, by the same script a
/// DBA runs on a shared server.
pub async fn prepare_local_database(
    cluster: &LocalCluster,
    roles: &RoleNames,
) -> Result<(), DbError> {
    let _lock = cluster.lock()?;
    let (client, driver) = as_superuser(cluster, "postgres").await?;
    let exists = client
        .query_typed_opt(
            "SELECT 1 FROM pg_database WHERE datname = $1",
            &[arg(&local::DATABASE)],
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
    let (client, driver) = as_superuser(cluster, local::DATABASE).await?;
    client.batch_execute(&roles.script()).await?;
    // A cluster made by an earlier epic: its superuser owns the schema.
    migrate::adopt(&client, &roles.owner).await?;
    drop(client);
    let _ = driver.await;
    Ok(())
}

/// The local cluster's superuser, on its private socket, to `dbname`; the
/// connection's driver runs until the client is dropped.
async fn as_superuser(
    cluster: &LocalCluster,
    dbname: &str,
) -> Result<(tokio_postgres::Client, tokio::task::JoinHandle<()>), DbError> {
    let (client, connection) = cluster
        .pg_config(dbname, local::SUPERUSER)
        .connect(tokio_postgres::NoTls)
        .await
        .map_err(|source| DbError::Unavailable {
            target: format!("the local database in {}", cluster.cluster_dir.display()),
            source,
        })?;
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok((client, driver))
}

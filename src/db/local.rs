//! The local cluster: a private PostgreSQL server that epic creates, starts
//! and stops itself, so that `cargo run` works on a machine with nothing but
//! the PostgreSQL binaries installed.
//!
//! The server listens on a Unix socket only (no TCP port), in a directory
//! only its owner can enter, and trusts connections on that socket: reaching
//! the socket already proves you are the owner (or root). It is left running
//! between invocations so that each command costs a connection, not a
//! server start.
//!
//! PostgreSQL refuses to run as root. When epic runs as root, the server runs
//! as an unprivileged user (`postgres`, or `EPIC_PG_USER`) that owns the
//! cluster directory; when the data directory sits below a directory that
//! user cannot enter (root's home is mode 0700), the cluster moves to
//! `/var/lib/epic/clusters/<hash of the data directory>` instead, and
//! `epic db status` says where.

use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use nix::unistd::{Gid, Uid, User};
use sha2::{Digest, Sha256};

use super::DbError;
use crate::config::Config;

/// The database the local cluster holds.
pub const DATABASE: &str = "epic";
/// The cluster's superuser, created by `initdb`.
pub const SUPERUSER: &str = "postgres";
const PORT: u16 = 5432;
/// `sun_path` is 108 bytes on Linux; the socket file adds `/.s.PGSQL.5432`.
const MAX_SOCKET_DIR_LEN: usize = 90;
const FALLBACK_ROOT: &str = "/var/lib/epic/clusters";

/// The directory holding `initdb`, `pg_ctl`, `pg_dump` and `pg_restore` of
/// one PostgreSQL version, so the tools always match the server.
#[derive(Debug, Clone)]
pub struct PgBinaries {
    pub dir: PathBuf,
}

impl PgBinaries {
    /// Looks in `EPIC_PG_BIN`, then `PATH`, then the distributions' usual
    /// places, newest version first.
    pub fn find(preferred: Option<&Path>) -> Result<PgBinaries, DbError> {
        let mut candidates: Vec<PathBuf> = Vec::new();
        candidates.extend(preferred.map(Path::to_path_buf));
        if let Some(path) = std::env::var_os("PATH") {
            for dir in std::env::split_paths(&path) {
                // A `pg_ctl` on PATH may be a symlink into the real bin directory.
                let resolved = fs::canonicalize(dir.join("pg_ctl"))
                    .ok()
                    .and_then(|p| p.parent().map(Path::to_path_buf));
                candidates.extend(resolved);
            }
        }
        candidates.extend(versioned_dirs("/usr/lib/postgresql", "bin"));
        candidates.extend(versioned_dirs("/usr/pgsql-", ""));
        candidates.push(PathBuf::from("/usr/local/pgsql/bin"));
        candidates.push(PathBuf::from("/opt/homebrew/bin"));
        PgBinaries::find_in(candidates)
    }

    /// The first directory of `candidates` that holds every tool epic runs.
    pub fn find_in(candidates: impl IntoIterator<Item = PathBuf>) -> Result<PgBinaries, DbError> {
        candidates
            .into_iter()
            .find(|dir| {
                ["initdb", "pg_ctl", "postgres", "pg_dump", "pg_restore"]
                    .iter()
                    .all(|tool| dir.join(tool).is_file())
            })
            .map(|dir| PgBinaries { dir })
            .ok_or(DbError::NoPostgres)
    }

    pub fn tool(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// `/usr/lib/postgresql/{15,16,...}/bin`, highest version first.
fn versioned_dirs(prefix: &str, suffix: &str) -> Vec<PathBuf> {
    let (parent, stem) = match prefix.rsplit_once('/') {
        Some((parent, stem)) => (parent, stem),
        None => return Vec::new(),
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found: Vec<(u32, PathBuf)> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let version = name.strip_prefix(stem)?.parse::<u32>().ok()?;
            Some((version, entry.path().join(suffix)))
        })
        .collect();
    found.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
    found.into_iter().map(|(_, dir)| dir).collect()
}

/// Who runs the server: ourselves, or an unprivileged user when we are root.
#[derive(Debug, Clone)]
pub struct ServerUser {
    pub name: String,
    pub uid: Uid,
    pub gid: Gid,
    /// True when it is not the user running epic (epic runs as root).
    pub switched: bool,
}

impl ServerUser {
    pub fn for_current_process(wanted_when_root: &str) -> Result<ServerUser, DbError> {
        let euid = nix::unistd::geteuid();
        if !euid.is_root() {
            let name = User::from_uid(euid)
                .ok()
                .flatten()
                .map(|u| u.name)
                .unwrap_or_else(|| euid.to_string());
            return Ok(ServerUser {
                name,
                uid: euid,
                gid: nix::unistd::getegid(),
                switched: false,
            });
        }
        match User::from_name(wanted_when_root) {
            Ok(Some(user)) if !user.uid.is_root() => Ok(ServerUser {
                name: user.name,
                uid: user.uid,
                gid: user.gid,
                switched: true,
            }),
            _ => Err(DbError::NoServerUser {
                user: wanted_when_root.to_owned(),
            }),
        }
    }

    /// A command that runs as this user, in its own process group so that
    /// Ctrl-C in the shell never reaches the server.
    fn command(&self, program: &Path, cwd: &Path) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(cwd)
            .stdin(Stdio::null())
            .process_group(0)
            .env_remove("PGDATA")
            .env("LC_MESSAGES", "C");
        if self.switched {
            command.uid(self.uid.as_raw()).gid(self.gid.as_raw());
        }
        command
    }

    fn owns(&self, path: &Path) -> io::Result<()> {
        if self.switched {
            nix::unistd::chown(path, Some(self.uid), Some(self.gid)).map_err(io::Error::from)?;
        }
        Ok(())
    }
}

/// The files of the local cluster, and how to reach its server.
#[derive(Debug, Clone)]
pub struct LocalCluster {
    pub binaries: PgBinaries,
    pub user: ServerUser,
    /// Epic's data directory, holding the lock file.
    pub data_dir: PathBuf,
    /// Holds `pgdata/`, `server.log` and usually the socket directory.
    pub cluster_dir: PathBuf,
    pub socket_dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterState {
    /// No cluster has been created yet.
    Absent,
    Stopped,
    Running {
        pid: u32,
    },
}

impl LocalCluster {
    /// Works out where the cluster lives; touches nothing.
    pub fn locate(config: &Config) -> Result<LocalCluster, DbError> {
        let binaries = PgBinaries::find(config.pg_bin.as_deref())?;
        let user = ServerUser::for_current_process(&config.pg_user)?;
        let data_dir = config.data_dir.clone();
        let cluster_dir = if user.switched && !ancestors_reachable(&data_dir, &user) {
            Path::new(FALLBACK_ROOT).join(short_hash(&data_dir))
        } else {
            data_dir.join("pg")
        };
        let socket_dir = socket_dir_for(&cluster_dir);
        Ok(LocalCluster {
            binaries,
            user,
            data_dir,
            cluster_dir,
            socket_dir,
        })
    }

    pub fn pgdata(&self) -> PathBuf {
        self.cluster_dir.join("pgdata")
    }

    pub fn log_file(&self) -> PathBuf {
        self.cluster_dir.join("server.log")
    }

    /// How clients reach the server: its socket, as `user`. The socket's
    /// directory is the owner's alone, and the server trusts it: reaching
    /// it proves who you are. Commands still log in as the client role and
    /// the operator's acts as the migrator, as on a shared server.
    pub fn pg_config(&self, dbname: &str, user: &str) -> tokio_postgres::Config {
        let mut config = tokio_postgres::Config::new();
        config
            .host_path(&self.socket_dir)
            .port(PORT)
            .user(user)
            .dbname(dbname)
            .ssl_mode(tokio_postgres::config::SslMode::Disable)
            .application_name("epic");
        config
    }

    /// The same, as environment variables for `pg_dump` and `pg_restore`.
    pub fn libpq_env(&self, user: &str) -> Vec<(&'static str, String)> {
        vec![
            ("PGHOST", self.socket_dir.display().to_string()),
            ("PGPORT", PORT.to_string()),
            ("PGUSER", user.to_owned()),
            ("PGDATABASE", DATABASE.to_owned()),
            ("PGSSLMODE", "disable".to_owned()),
        ]
    }

    pub fn state(&self) -> Result<ClusterState, DbError> {
        if !self.pgdata().join("PG_VERSION").is_file() {
            return Ok(ClusterState::Absent);
        }
        let output = self
            .user
            .command(&self.binaries.tool("pg_ctl"), &self.cluster_dir)
            .arg("status")
            .arg("-D")
            .arg(self.pgdata())
            .output()
            .map_err(|source| DbError::io("run pg_ctl status", source))?;
        if output.status.success() {
            let pid = String::from_utf8_lossy(&output.stdout)
                .split("PID: ")
                .nth(1)
                .and_then(|rest| rest.split(')').next())
                .and_then(|pid| pid.trim().parse().ok())
                .unwrap_or(0);
            Ok(ClusterState::Running { pid })
        } else {
            Ok(ClusterState::Stopped)
        }
    }

    /// Creates the cluster if needed and starts it if it is not running.
    /// Holds a lock on the data directory so that two epics starting at
    /// once do not both run `initdb`.
    pub fn ensure_running(&self) -> Result<(), DbError> {
        let _lock = self.lock()?;
        if !self.pgdata().join("PG_VERSION").is_file() {
            self.init()?;
        }
        if let ClusterState::Running { .. } = self.state()? {
            return Ok(());
        }
        self.prepare_socket_dir()?;
        self.pg_ctl("start", &["start", "-w", "-t", "60", "-s"], true)
    }

    /// Stops the server (fast shutdown: open sessions are ended, nothing is lost).
    pub fn stop(&self) -> Result<bool, DbError> {
        let _lock = self.lock()?;
        if !matches!(self.state()?, ClusterState::Running { .. }) {
            return Ok(false);
        }
        self.pg_ctl(
            "stop",
            &["stop", "-w", "-t", "60", "-s", "-m", "fast"],
            false,
        )?;
        Ok(true)
    }

    /// Runs `pg_ctl ARGS -D pgdata [-l log]` as the server user; a failure
    /// points at the server log.
    fn pg_ctl(&self, action: &'static str, args: &[&str], with_log: bool) -> Result<(), DbError> {
        let mut command = self
            .user
            .command(&self.binaries.tool("pg_ctl"), &self.cluster_dir);
        command.args(args).arg("-D").arg(self.pgdata());
        if with_log {
            command.arg("-l").arg(self.log_file());
        }
        let output = command
            .output()
            .map_err(|source| DbError::io("run pg_ctl", source))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(DbError::ClusterFailed {
                action,
                log: self.log_file(),
                detail: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            })
        }
    }

    fn init(&self) -> Result<(), DbError> {
        let io = |action: &'static str| move |source| DbError::io(action, source);
        create_private_dir(&self.cluster_dir).map_err(io("create the cluster directory"))?;
        self.user
            .owns(&self.cluster_dir)
            .map_err(io("give the cluster directory to the server user"))?;
        let pgdata = self.pgdata();
        let initdb = |locale: &str| {
            self.user
                .command(&self.binaries.tool("initdb"), &self.cluster_dir)
                .arg("-D")
                .arg(&pgdata)
                .args([
                    "-U",
                    SUPERUSER,
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-instructions",
                    locale,
                ])
                .output()
                .map_err(io("run initdb"))
        };
        let mut output = initdb("--locale=C.UTF-8")?;
        if !output.status.success() && String::from_utf8_lossy(&output.stderr).contains("locale") {
            // Not every system has C.UTF-8; the C locale is always there.
            let _ = fs::remove_dir_all(&pgdata);
            output = initdb("--no-locale")?;
        }
        if !output.status.success() {
            let _ = fs::remove_dir_all(&pgdata);
            return Err(DbError::ClusterFailed {
                action: "create",
                log: self.cluster_dir.clone(),
                detail: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            });
        }
        let settings = format!(
            "\n# Added by epic: a private server reachable only through its Unix socket.\n\
             listen_addresses = ''\n\
             unix_socket_directories = '{}'\n\
             unix_socket_permissions = 0700\n\
             port = {PORT}\n\
             max_connections = 40\n",
            self.socket_dir.display().to_string().replace('\'', "''")
        );
        let conf = pgdata.join("postgresql.conf");
        let mut text = fs::read_to_string(&conf).map_err(io("read postgresql.conf"))?;
        text.push_str(&settings);
        fs::write(&conf, text).map_err(io("write postgresql.conf"))?;
        Ok(())
    }

    fn prepare_socket_dir(&self) -> Result<(), DbError> {
        let io = |source| DbError::io("create the socket directory", source);
        create_private_dir(&self.socket_dir).map_err(io)?;
        self.user.owns(&self.socket_dir).map_err(io)?;
        Ok(())
    }

    /// Serialises what two epics starting at once must not both do.
    pub(crate) fn lock(&self) -> Result<nix::fcntl::Flock<fs::File>, DbError> {
        create_data_dir(&self.data_dir)
            .map_err(|source| DbError::io("create the data directory", source))?;
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.data_dir.join("cluster.lock"))
            .map_err(|source| DbError::io("open the cluster lock", source))?;
        nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive)
            .map_err(|(_, errno)| DbError::io("lock the cluster", io::Error::from(errno)))
    }
}

/// `run/` inside the cluster, unless that path is too long for a Unix
/// socket address; then a short private directory in the temp dir.
fn socket_dir_for(cluster_dir: &Path) -> PathBuf {
    let inside = cluster_dir.join("run");
    if inside.as_os_str().len() <= MAX_SOCKET_DIR_LEN {
        inside
    } else {
        std::env::temp_dir().join(format!("epic-{}", short_hash(cluster_dir)))
    }
}

/// Epic's data directory holds the history and the session: created
/// private (mode 0700) when it does not exist yet.
pub fn create_data_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
}

/// Whether `user` can walk down to `dir`. The data directory itself is ours:
/// when we created it without a search bit for others, we add it (0711 lets
/// the server user through without letting anyone list it).
fn ancestors_reachable(dir: &Path, user: &ServerUser) -> bool {
    if create_data_dir(dir).is_err() {
        return false;
    }
    if let Ok(meta) = fs::metadata(dir)
        && meta.mode() & 0o001 == 0
        && meta.uid() == nix::unistd::geteuid().as_raw()
    {
        let _ = fs::set_permissions(
            dir,
            fs::Permissions::from_mode((meta.mode() & 0o7777) | 0o011),
        );
    }
    let Ok(dir) = fs::canonicalize(dir) else {
        return false;
    };
    dir.ancestors()
        .all(|ancestor| match fs::metadata(ancestor) {
            Ok(meta) => {
                let mode = meta.mode();
                mode & 0o001 != 0
                    || (meta.uid() == user.uid.as_raw() && mode & 0o100 != 0)
                    || (meta.gid() == user.gid.as_raw() && mode & 0o010 != 0)
            }
            Err(_) => false,
        })
}

fn short_hash(path: &Path) -> String {
    let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_binaries_say_what_to_install_or_set() {
        let empty = tempfile::tempdir().expect("a temp dir");
        let error = PgBinaries::find_in([empty.path().to_path_buf()]).expect_err("nothing there");
        assert_eq!(
            error.to_string(),
            "PostgreSQL server binaries (initdb, pg_ctl) were not found\n\
             help: install them (`apt-get install postgresql` on Debian or Ubuntu), \
             set EPIC_PG_BIN to the directory that holds them, \
             or set DATABASE_URL to use an existing server"
        );
        assert_eq!(error.exit(), crate::exit::Exit::DatabaseUnavailable);
    }

    #[test]
    fn a_directory_with_every_tool_is_chosen() {
        let dir = tempfile::tempdir().expect("a temp dir");
        for tool in ["initdb", "pg_ctl", "postgres", "pg_dump", "pg_restore"] {
            std::fs::write(dir.path().join(tool), "").expect("write a fake tool");
        }
        let found = PgBinaries::find_in([PathBuf::from("/nonexistent"), dir.path().to_path_buf()])
            .expect("found");
        assert_eq!(found.dir, dir.path());
    }

    #[test]
    fn long_data_directories_keep_the_socket_path_short() {
        let short = Path::new("/home/kate/.local/share/epic/pg");
        assert_eq!(socket_dir_for(short), short.join("run"));
        let long = Path::new("/home").join("d".repeat(120)).join("pg");
        let socket = socket_dir_for(&long);
        assert!(
            socket.as_os_str().len() <= MAX_SOCKET_DIR_LEN,
            "{}",
            socket.display()
        );
        assert_ne!(socket_dir_for(&long), socket_dir_for(&long.join("other")));
    }
}

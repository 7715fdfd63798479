//! `epic db backup` and `epic db restore`: pg_dump and pg_restore in their
//! custom format, with the migrator's credentials, on the local cluster or a
//! shared server alike.
//!
//! The tools come from the same PostgreSQL installation as the local server
//! and receive the connection (TLS settings included) through libpq's
//! environment variables, so a password never appears on a command line.
//! With several hosts in the URL, pg_dump is sent to the server epic
//! reached (the primary, under `target_session_attrs=read-write`), named by
//! the address and port that server reports, not to the hosts in the URL's
//! order: libpq alone could pick another one (a standby first in the list).
//! A backup file is created readable by its owner only: it holds every
//! record (and no usable session: the database keeps only the hashes of
//! session tokens). Row security is forced on every table, so pg_dump reads
//! through it (`--enable-row-security`), as the migrator, who sees every row
//! as a member of the owner role.
//!
//! A restore runs as the owner role (`--role`), so what it creates belongs
//! to it, and keeps the backup's grants: the roles must already exist (a
//! DBA creates them with `epic db roles`). The extensions are the
//! database's own, created before and never dropped. A restore never
//! overwrites data by accident: a database holding any table is refused
//! unless `--force`, and it is one transaction, so a failed one changes
//! nothing.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use super::local::PgBinaries;
use super::roles::RoleNames;
use super::statement::arg;
use super::{Database, DbError};
use crate::config::Config;

pub async fn backup(config: &Config, database: &Database, file: &Path) -> Result<(), DbError> {
    let env = reached_env(database).await?;
    let binaries = PgBinaries::find(config.pg_bin.as_deref())?;
    // Private from the first byte: created 0600, never widened afterwards.
    let output = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(file)
        .map_err(|source| DbError::BackupFile {
            path: file.to_path_buf(),
            source,
        })?;
    let mut command = Command::new(binaries.tool("pg_dump"));
    command
        .args(["--format=custom", "--no-owner", "--enable-row-security"])
        .stdout(output);
    let outcome = run_tool("pg_dump", command, &env, None);
    if outcome.is_err() {
        let _ = std::fs::remove_file(file);
    }
    outcome
}

/// The libpq environment of `database`, narrowed to the one server its
/// connections reached when the settings name several: that server's host
/// name as the URL spells it (for the certificate check), its address and
/// its port. Kept as it is when nothing in the list matches what the server
/// reports (a pooler or NAT in between): libpq then follows the same
/// `target_session_attrs`.
async fn reached_env(database: &Database) -> Result<Vec<(&'static str, String)>, DbError> {
    let mut env = database.libpq_env().to_vec();
    let hosts = database.pg_config.get_hosts();
    if hosts.len() < 2 {
        return Ok(env);
    }
    let Some((address, port)) = database.reached().await?.address else {
        return Ok(env);
    };
    let Some(name) = matching_host(database, address, port) else {
        return Ok(env);
    };
    env.retain(|(key, _)| !matches!(*key, "PGHOST" | "PGHOSTADDR" | "PGPORT"));
    env.push(("PGHOST", name));
    env.push(("PGHOSTADDR", address.to_string()));
    env.push(("PGPORT", port.to_string()));
    Ok(env)
}

/// The host of the settings that is `address:port`: by its `hostaddr` if
/// given, else by what its name resolves to.
fn matching_host(database: &Database, address: std::net::IpAddr, port: u16) -> Option<String> {
    use std::net::ToSocketAddrs;
    let config = &database.pg_config;
    let ports = config.get_ports();
    let hostaddrs = config.get_hostaddrs();
    config.get_hosts().iter().enumerate().find_map(|(i, host)| {
        let tokio_postgres::config::Host::Tcp(name) = host else {
            return None;
        };
        // One port for every host, or one each (libpq's rule).
        let its_port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
        let same = its_port == port
            && match hostaddrs.get(i) {
                Some(given) => *given == address,
                None => (name.as_str(), port)
                    .to_socket_addrs()
                    .is_ok_and(|mut found| found.any(|a| a.ip() == address)),
            };
        same.then(|| name.clone())
    })
}

/// Extensions epic's schema uses; the owner creates them (they are trusted).
const EXTENSIONS: &str =
    "CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS pgcrypto;";

pub async fn restore(
    config: &Config,
    database: &Database,
    roles: &RoleNames,
    file: &Path,
    force: bool,
) -> Result<(), DbError> {
    if !file.is_file() {
        return Err(DbError::NoSuchBackup {
            path: file.to_path_buf(),
        });
    }
    let mut client = database.client().await?;
    let tables: i64 = client
        .query_typed_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p') \
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
               AND n.nspname NOT LIKE 'pg_toast%'",
            &[],
        )
        .await?
        .get(0);
    if tables > 0 && !force {
        return Err(DbError::RestoreTargetNotEmpty);
    }
    {
        let transaction = client.transaction().await?;
        super::migrate::check_roles(&*transaction, roles).await?;
        transaction
            .execute_typed("SELECT set_config('role', $1, true)", &[arg(&roles.owner)])
            .await?;
        transaction.batch_execute(EXTENSIONS).await?;
        transaction.commit().await?;
    }
    drop(client);
    let binaries = PgBinaries::find(config.pg_bin.as_deref())?;
    let list = restore_list(&binaries, file)?;
    let mut command = Command::new(binaries.tool("pg_restore"));
    command
        .args([
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            // The table of contents comes on standard input (below).
            "--use-list=/dev/stdin",
            "--role",
        ])
        .arg(&roles.owner);
    if force {
        command.args(["--clean", "--if-exists"]);
    }
    command.arg("--dbname").arg(database.dbname()).arg(file);
    run_tool("pg_restore", command, database.libpq_env(), Some(list))
}

/// The backup's table of contents without its extensions: they belong to
/// the target database (created above), so a restore neither creates nor,
/// with `--clean`, drops them.
fn restore_list(binaries: &PgBinaries, file: &Path) -> Result<String, DbError> {
    let output = Command::new(binaries.tool("pg_restore"))
        .arg("--list")
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .map_err(|source| DbError::io("run the PostgreSQL tools", source))?;
    if !output.status.success() {
        // It cannot even list the file: the operator named something else.
        return Err(DbError::NotABackup {
            path: file.to_path_buf(),
            detail: tool_detail("pg_restore", &output.stderr),
        });
    }
    let listing = String::from_utf8_lossy(&output.stdout);
    let mut list = String::with_capacity(listing.len());
    for line in listing.lines() {
        // `123; 3079 16385 EXTENSION - pg_trgm`, `4567; 0 0 COMMENT - EXTENSION pg_trgm`
        let entry = line.split_once(';').map_or("", |(_, rest)| rest);
        if !entry.contains(" EXTENSION ") {
            list.push_str(line);
            list.push('\n');
        }
    }
    Ok(list)
}

/// Runs a tool on the database, `stdin` written to its standard input.
fn run_tool(
    tool: &'static str,
    mut command: Command,
    env: &[(&'static str, String)],
    stdin: Option<String>,
) -> Result<(), DbError> {
    for (name, value) in env {
        command.env(name, value);
    }
    let io = |source| DbError::io("run the PostgreSQL tools", source);
    let mut child = command
        .env("PGAPPNAME", "epic")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::piped())
        .spawn()
        .map_err(io)?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // The tool reads it whole before it starts; a closed pipe is its own error.
        let _ = pipe.write_all(text.as_bytes());
    }
    let output = child.wait_with_output().map_err(io)?;
    if output.status.success() {
        Ok(())
    } else {
        Err(tool_error(tool, &output.stderr))
    }
}

/// The tools' own words name the problem (no such file, version mismatch);
/// keep the first line, which never holds a password.
fn tool_error(tool: &'static str, stderr: &[u8]) -> DbError {
    DbError::Tool {
        tool,
        detail: tool_detail(tool, stderr),
    }
}

fn tool_detail(tool: &str, stderr: &[u8]) -> String {
    let stderr = String::from_utf8_lossy(stderr);
    stderr
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("no message")
        .trim_start_matches(&format!("{tool}: "))
        .trim_start_matches("error: ")
        .to_owned()
}

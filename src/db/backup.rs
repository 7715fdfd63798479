//! `epic db backup` and `epic db restore`: pg_dump and pg_restore in their
//! custom format, on the local cluster or the `DATABASE_URL` server alike.
//!
//! The tools come from the same PostgreSQL installation as the local server
//! and receive the connection through libpq's environment variables, so a
//! password never appears on a command line. A restore never overwrites data
//! by accident: a database holding any table is refused unless `--force`,
//! and a restore is one transaction, so a failed one changes nothing.

use std::path::Path;
use std::process::{Command, Stdio};

use super::local::PgBinaries;
use super::{Database, DbError};
use crate::config::Config;

pub fn backup(config: &Config, database: &Database, file: &Path) -> Result<(), DbError> {
    let binaries = PgBinaries::find(config.pg_bin.as_deref())?;
    let mut command = Command::new(binaries.tool("pg_dump"));
    command
        .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
        .arg(file);
    run_tool("pg_dump", command, database)
}

pub async fn restore(
    config: &Config,
    database: &Database,
    file: &Path,
    force: bool,
) -> Result<(), DbError> {
    if !file.is_file() {
        return Err(DbError::NoSuchBackup {
            path: file.to_path_buf(),
        });
    }
    let client = database.client().await?;
    let tables: i64 = client
        .query_one(
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
    // The backup's policies name the application role, which lives in the
    // server, not in the dump: make sure it exists before restoring.
    client.batch_execute(ENSURE_APP_ROLE).await?;
    drop(client);
    let binaries = PgBinaries::find(config.pg_bin.as_deref())?;
    let mut command = Command::new(binaries.tool("pg_restore"));
    command.args([
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
    ]);
    if force {
        command.args(["--clean", "--if-exists"]);
    }
    command.arg("--dbname").arg(dbname(database)).arg(file);
    run_tool("pg_restore", command, database)
}

/// The same statement as in `sql/0005_least_privilege.sql`.
const ENSURE_APP_ROLE: &str = "DO $$ BEGIN \
    CREATE ROLE epic_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT; \
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$";

fn dbname(database: &Database) -> String {
    database
        .pg_config()
        .get_dbname()
        .unwrap_or("postgres")
        .to_owned()
}

fn run_tool(tool: &'static str, mut command: Command, database: &Database) -> Result<(), DbError> {
    for (name, value) in database.libpq_env() {
        command.env(name, value);
    }
    let output = command
        .env("PGAPPNAME", "epic")
        .stdin(Stdio::null())
        .output()
        .map_err(|source| DbError::io("run the PostgreSQL tools", source))?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        // The tools' own words name the problem (no such file, version
        // mismatch); keep the first line, which never holds a password.
        let detail = stderr
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("no message")
            .trim_start_matches(&format!("{tool}: "))
            .trim_start_matches("error: ")
            .to_owned();
        Err(DbError::Tool { tool, detail })
    }
}

//! Schema migrations: the numbered files in `sql/`, compiled into the binary,
//! applied automatically and exactly once.
//!
//! Each applied migration is recorded with the SHA-256 of its text. A file
//! edited after it was applied is refused (the database would silently differ
//! from a fresh one), and so is a database migrated by a newer epic. The fast
//! path, a current schema, costs one query; the slow path runs under an
//! advisory lock in one transaction, so two epics starting together cannot
//! both migrate and a failed migration leaves nothing behind.

use sha2::{Digest, Sha256};
use tokio_postgres::GenericClient;
use tokio_postgres::error::SqlState;

use super::DbError;

#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

impl Migration {
    pub fn checksum(&self) -> String {
        Sha256::digest(self.sql.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Every migration, in order. A test checks this list against `sql/`.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_core.sql",
        sql: include_str!("../../sql/0001_core.sql"),
    },
    Migration {
        version: 2,
        name: "0002_audit_and_notifications.sql",
        sql: include_str!("../../sql/0002_audit_and_notifications.sql"),
    },
    Migration {
        version: 3,
        name: "0003_login_throttling.sql",
        sql: include_str!("../../sql/0003_login_throttling.sql"),
    },
    Migration {
        version: 4,
        name: "0004_deactivation_revokes_sessions.sql",
        sql: include_str!("../../sql/0004_deactivation_revokes_sessions.sql"),
    },
    Migration {
        version: 5,
        name: "0005_least_privilege.sql",
        sql: include_str!("../../sql/0005_least_privilege.sql"),
    },
    Migration {
        version: 6,
        name: "0006_notifications.sql",
        sql: include_str!("../../sql/0006_notifications.sql"),
    },
    Migration {
        version: 7,
        name: "0007_notification_payload.sql",
        sql: include_str!("../../sql/0007_notification_payload.sql"),
    },
    Migration {
        version: 8,
        name: "0008_fast_at_any_size.sql",
        sql: include_str!("../../sql/0008_fast_at_any_size.sql"),
    },
];

/// Arbitrary, fixed: the key of the advisory lock held while migrating.
const MIGRATION_LOCK: i64 = 0x6570_6963_5f6d_6967; // "epic_mig"

const HISTORY_TABLE: &str = "CREATE TABLE IF NOT EXISTS epic_schema_migrations (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)";

/// What start-up learns about the database in its one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaState {
    /// Versions applied by this call (empty on the fast path).
    pub applied_now: Vec<i32>,
    /// Whether any employee exists (false on a brand-new database: time to create the admin).
    pub has_employees: bool,
}

/// Brings the schema up to `migrations` (normally [`MIGRATIONS`]).
pub async fn ensure_current(
    client: &mut tokio_postgres::Client,
    migrations: &[Migration],
) -> Result<SchemaState, DbError> {
    // Fast path: one round trip tells the applied versions and whether the
    // first admin exists. `employees` exists as soon as migration 1 does.
    let fast = client
        .query(
            "SELECT version, name, checksum, EXISTS (SELECT 1 FROM employees) AS has_employees \
             FROM epic_schema_migrations ORDER BY version",
            &[],
        )
        .await;
    match fast {
        Ok(rows) => {
            let applied: Vec<Applied> = rows.iter().map(Applied::from_row).collect();
            verify(&applied, migrations)?;
            if applied.len() == migrations.len() {
                let has_employees = rows.first().is_some_and(|row| row.get("has_employees"));
                return Ok(SchemaState {
                    applied_now: Vec::new(),
                    has_employees,
                });
            }
        }
        Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => {}
        Err(e) => return Err(e.into()),
    }
    migrate(client, migrations).await
}

async fn migrate(
    client: &mut tokio_postgres::Client,
    migrations: &[Migration],
) -> Result<SchemaState, DbError> {
    let transaction = client.transaction().await?;
    transaction
        .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    transaction.batch_execute(HISTORY_TABLE).await?;
    let applied = read_applied(&transaction).await?;
    verify(&applied, migrations)?;
    let mut applied_now = Vec::new();
    for migration in &migrations[applied.len()..] {
        transaction.batch_execute(migration.sql).await?;
        transaction
            .execute(
                "INSERT INTO epic_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                &[&migration.version, &migration.name, &migration.checksum()],
            )
            .await?;
        applied_now.push(migration.version);
    }
    let has_employees = transaction
        .query_one("SELECT EXISTS (SELECT 1 FROM employees)", &[])
        .await?
        .get(0);
    transaction.commit().await?;
    Ok(SchemaState {
        applied_now,
        has_employees,
    })
}

/// The versions recorded in the database, for `epic db status`.
pub async fn applied_versions(client: &impl GenericClient) -> Result<Vec<i32>, DbError> {
    match client
        .query(
            "SELECT version FROM epic_schema_migrations ORDER BY version",
            &[],
        )
        .await
    {
        Ok(rows) => Ok(rows.iter().map(|row| row.get(0)).collect()),
        Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

struct Applied {
    version: i32,
    checksum: String,
}

impl Applied {
    fn from_row(row: &tokio_postgres::Row) -> Applied {
        Applied {
            version: row.get("version"),
            checksum: row.get("checksum"),
        }
    }
}

async fn read_applied(client: &impl GenericClient) -> Result<Vec<Applied>, DbError> {
    let rows = client
        .query(
            "SELECT version, name, checksum FROM epic_schema_migrations ORDER BY version",
            &[],
        )
        .await?;
    Ok(rows.iter().map(Applied::from_row).collect())
}

/// Applied migrations must be a prefix of the known ones, byte for byte.
fn verify(applied: &[Applied], migrations: &[Migration]) -> Result<(), DbError> {
    for (index, found) in applied.iter().enumerate() {
        match migrations.get(index) {
            Some(known) if known.version == found.version => {
                if known.checksum() != found.checksum {
                    return Err(DbError::MigrationChanged {
                        version: known.version,
                        name: known.name.to_owned(),
                    });
                }
            }
            _ => {
                return Err(DbError::SchemaNewer {
                    found: applied.last().map_or(found.version, |a| a.version),
                    known: migrations.last().map_or(0, |m| m.version),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_sql_is_listed_once_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/sql");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("sql/ exists")
            .map(|entry| {
                entry
                    .expect("readable")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|name| name.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS.iter().map(|m| m.name.to_owned()).collect();
        assert_eq!(files, listed);
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version as usize, index + 1, "{}", migration.name);
            assert!(
                migration
                    .name
                    .starts_with(&format!("{:04}_", migration.version)),
                "{} must start with its version",
                migration.name
            );
        }
    }
}

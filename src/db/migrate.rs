//! Schema migrations: the numbered files in `sql/`, compiled into the
//! binary, applied exactly once, by an operator's act.
//!
//! On a shared server only `epic db migrate`, connected as the migrator,
//! applies them; the local cluster epic runs itself migrates on start. Each
//! run happens in one transaction under an advisory lock (two operators
//! cannot both migrate, and a failure leaves nothing behind) and as the
//! owner role, so every object belongs to it and to no login. Each applied
//! migration is recorded with the SHA-256 of its text: a file edited after
//! it was applied is refused (the database would silently differ from a
//! fresh one), and so is a database migrated by a newer epic.
//!
//! Desks never read the history: they ask `epic_schema_info()`, a definer
//! function, which version the schema is at ([`schema_info`]), in the one
//! query start-up costs.

use sha2::{Digest, Sha256};
use tokio_postgres::error::SqlState;

use super::DbError;
use super::roles::RoleNames;
use super::statement::arg;

#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
    /// Checksums of earlier texts of this file that databases may have
    /// applied. A released migration is never changed in what it makes;
    /// when one had to change in how it runs (0005 created a role, which
    /// a shared server's migrator may not), the old text stays accepted.
    pub earlier: &'static [&'static str],
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
        earlier: &[],
    },
    Migration {
        version: 2,
        name: "0002_audit_and_notifications.sql",
        sql: include_str!("../../sql/0002_audit_and_notifications.sql"),
        earlier: &[],
    },
    Migration {
        version: 3,
        name: "0003_login_throttling.sql",
        sql: include_str!("../../sql/0003_login_throttling.sql"),
        earlier: &[],
    },
    Migration {
        version: 4,
        name: "0004_deactivation_revokes_sessions.sql",
        sql: include_str!("../../sql/0004_deactivation_revokes_sessions.sql"),
        earlier: &[],
    },
    Migration {
        version: 5,
        name: "0005_least_privilege.sql",
        sql: include_str!("../../sql/0005_least_privilege.sql"),
        // It created `epic_app` itself, which needs CREATEROLE.
        earlier: &["c689a8b7ef393cadfd5d08509698ce7bfcdbf817d9be8ec07edc20184375c07e"],
    },
    Migration {
        version: 6,
        name: "0006_notifications.sql",
        sql: include_str!("../../sql/0006_notifications.sql"),
        earlier: &[],
    },
    Migration {
        version: 7,
        name: "0007_notification_payload.sql",
        sql: include_str!("../../sql/0007_notification_payload.sql"),
        earlier: &[],
    },
    Migration {
        version: 8,
        name: "0008_fast_at_any_size.sql",
        sql: include_str!("../../sql/0008_fast_at_any_size.sql"),
        earlier: &[],
    },
    Migration {
        version: 9,
        name: "0009_shared_server.sql",
        sql: include_str!("../../sql/0009_shared_server.sql"),
        earlier: &[],
    },
    Migration {
        version: 10,
        name: "0010_hostile_text.sql",
        sql: include_str!("../../sql/0010_hostile_text.sql"),
        earlier: &[],
    },
    Migration {
        version: 11,
        name: "0011_trust_levels.sql",
        sql: include_str!("../../sql/0011_trust_levels.sql"),
        earlier: &[],
    },
    Migration {
        version: 12,
        name: "0012_one_session_rule.sql",
        sql: include_str!("../../sql/0012_one_session_rule.sql"),
        earlier: &[],
    },
    Migration {
        version: 13,
        name: "0013_readable_audit.sql",
        sql: include_str!("../../sql/0013_readable_audit.sql"),
        earlier: &[],
    },
    Migration {
        version: 14,
        name: "0014_company_time_zone.sql",
        sql: include_str!("../../sql/0014_company_time_zone.sql"),
        earlier: &[],
    },
    Migration {
        version: 15,
        name: "0015_audit_json.sql",
        sql: include_str!("../../sql/0015_audit_json.sql"),
        earlier: &[],
    },
    Migration {
        version: 16,
        name: "0016_saved_queries.sql",
        sql: include_str!("../../sql/0016_saved_queries.sql"),
        earlier: &[],
    },
    Migration {
        version: 17,
        name: "0017_undo.sql",
        sql: include_str!("../../sql/0017_undo.sql"),
        earlier: &[],
    },
    Migration {
        version: 18,
        name: "0018_import.sql",
        sql: include_str!("../../sql/0018_import.sql"),
        earlier: &[],
    },
    Migration {
        version: 19,
        name: "0019_search_every_text.sql",
        sql: include_str!("../../sql/0019_search_every_text.sql"),
        earlier: &[],
    },
    Migration {
        version: 20,
        name: "0020_reads_on_a_standby.sql",
        sql: include_str!("../../sql/0020_reads_on_a_standby.sql"),
        earlier: &[],
    },
    Migration {
        version: 21,
        name: "0021_client_email_lookup.sql",
        sql: include_str!("../../sql/0021_client_email_lookup.sql"),
        earlier: &[],
    },
    Migration {
        version: 22,
        name: "0022_search_by_selectivity.sql",
        sql: include_str!("../../sql/0022_search_by_selectivity.sql"),
        earlier: &[],
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

/// The version this epic brings the schema to.
pub fn current_version() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// What a migration run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    /// Versions applied by this run (empty when the schema was current).
    pub applied_now: Vec<i32>,
    /// The schema version now.
    pub version: i32,
    /// Whether any employee exists (false on a new CRM: time for the first admin).
    pub has_employees: bool,
}

/// Objects of a database set up before the owner role existed (owned by
/// whoever migrated it: the local cluster's superuser, or a login) become
/// the owner's. Extension members stay their extension's.
const ADOPTABLE: &str = "\
    SELECT format('ALTER TABLE %s OWNER TO %I', c.oid::regclass, $1::text) \
    FROM pg_class c \
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') \
      AND c.relowner = session_user::regrole \
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass \
                      AND d.objid = c.oid AND d.deptype = 'e') \
    UNION ALL \
    SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, $1::text) \
    FROM pg_proc p \
    WHERE p.pronamespace = 'public'::regnamespace AND p.proowner = session_user::regrole \
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass \
                      AND d.objid = p.oid AND d.deptype = 'e')";

/// Row security is forced on every table, also for their owner, who reads
/// through the `owner_all` policies: the ones an earlier epic made name
/// whoever migrated then, and must name the owner role before the history
/// can be read.
const OWNER_POLICIES: &str = "\
    SELECT format('ALTER POLICY owner_all ON %s TO %I', p.polrelid::regclass, $1::text) \
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid \
    WHERE p.polname = 'owner_all' AND c.relnamespace = 'public'::regnamespace \
      AND NOT (SELECT r.oid FROM pg_roles r WHERE r.rolname = $1::text) = ANY (p.polroles)";

/// Gives the owner role what the session's user owns of epic's schema
/// (see [`ADOPTABLE`]).
pub(crate) async fn adopt(
    client: &impl tokio_postgres::GenericClient,
    owner: &str,
) -> Result<(), DbError> {
    for query in [ADOPTABLE, OWNER_POLICIES] {
        for row in client.query_typed(query, &[arg(&owner)]).await? {
            // Statements built by format() from catalog names: no user text.
            client.batch_execute(row.get::<_, &str>(0)).await?;
        }
    }
    Ok(())
}

impl super::Database {
    /// `epic db migrate`: [`migrate`] with every migration, on one of the
    /// pool's connections (the migrator's).
    pub async fn migrate(
        &self,
        roles: &RoleNames,
        bcrypt_cost: Option<u32>,
    ) -> Result<Migrated, DbError> {
        let mut client = self.client().await?;
        migrate(&mut client, roles, MIGRATIONS, bcrypt_cost).await
    }
}

/// Brings the schema up to `migrations` (normally [`MIGRATIONS`]), as the
/// owner role, on a connection that can become it (the migrator, or the
/// local cluster's superuser). `bcrypt_cost`, when given, becomes the cost
/// of new password hashes on a database whose security settings this run
/// creates.
pub async fn migrate(
    client: &mut tokio_postgres::Client,
    roles: &RoleNames,
    migrations: &[Migration],
    bcrypt_cost: Option<u32>,
) -> Result<Migrated, DbError> {
    let transaction = client.transaction().await?;
    transaction
        .execute_typed("SELECT pg_advisory_xact_lock($1)", &[arg(&MIGRATION_LOCK)])
        .await?;
    check_roles(&transaction, roles).await?;
    adopt(&transaction, &roles.owner).await?;
    transaction
        .execute_typed("SELECT set_config('role', $1, true)", &[arg(&roles.owner)])
        .await?;
    transaction.batch_execute(HISTORY_TABLE).await?;
    let applied = read_applied(&transaction).await?;
    verify(&applied, migrations)?;
    let mut applied_now = Vec::new();
    for migration in &migrations[applied.len().min(migrations.len())..] {
        transaction
            .batch_execute(&roles.apply(migration.sql))
            .await?;
        transaction
            .execute_typed(
                "INSERT INTO epic_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                &[
                    arg(&migration.version),
                    arg(&migration.name),
                    arg(&migration.checksum()),
                ],
            )
            .await?;
        applied_now.push(migration.version);
    }
    if let Some(cost) = bcrypt_cost
        && applied_now.contains(&SECURITY_SETTINGS_CREATED)
    {
        transaction
            .execute_typed(
                "UPDATE security_settings SET bcrypt_cost = $1",
                &[arg(&(cost as i32))],
            )
            .await?;
    }
    let version = migrations.last().map_or(0, |m| m.version);
    if version >= SECURITY_SETTINGS_CREATED {
        let info = transaction
            .query_typed_one("SELECT app_role FROM epic_schema_info()", &[])
            .await?;
        let app_role: String = info.get(0);
        if app_role != roles.app {
            return Err(DbError::RolesDiffer {
                configured: roles.app.clone(),
                found: app_role,
            });
        }
    }
    let has_employees = transaction
        .query_typed_one("SELECT EXISTS (SELECT 1 FROM employees)", &[])
        .await?
        .get(0);
    transaction.commit().await?;
    Ok(Migrated {
        applied_now,
        version,
        has_employees,
    })
}

/// The migration that creates the security settings and `epic_schema_info`.
const SECURITY_SETTINGS_CREATED: i32 = 9;

/// The DBA's part is done: the four roles exist, this connection can become
/// the owner, and the owner owns the schema.
pub(crate) async fn check_roles(
    client: &impl tokio_postgres::GenericClient,
    roles: &RoleNames,
) -> Result<(), DbError> {
    let names: Vec<&str> = roles.all().to_vec();
    let row = client
        .query_typed_one(
            "SELECT ARRAY(SELECT n FROM unnest($1::text[]) n \
                          WHERE NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = n)), \
                    session_user::text, \
                    (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public')",
            &[arg(&names)],
        )
        .await?;
    let missing: Vec<String> = row.get(0);
    let user: String = row.get(1);
    let schema_owner: String = row.get(2);
    if !missing.is_empty() {
        return Err(DbError::RolesMissing {
            names: missing.join(", "),
        });
    }
    let can_become_owner: bool = client
        .query_typed_one(
            "SELECT pg_has_role(session_user, $1, 'MEMBER')",
            &[arg(&roles.owner)],
        )
        .await?
        .get(0);
    if !can_become_owner {
        return Err(DbError::NotMigrator {
            user,
            owner: roles.owner.clone(),
            migrator: roles.migrator.clone(),
        });
    }
    if schema_owner != roles.owner {
        return Err(DbError::SchemaNotOwned {
            owner: roles.owner.clone(),
            found: schema_owner,
        });
    }
    Ok(())
}

/// What a desk learns about the schema in its first query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaInfo {
    pub version: i32,
    /// The role commands run as.
    pub app_role: String,
    /// Whether anyone can log in yet.
    pub has_employees: bool,
    /// The company's time zone (UTC for a schema before version 14).
    pub time_zone: crate::zone::Tz,
}

/// The schema as a desk sees it, through `epic_schema_info()`: `None` when
/// there is no epic schema yet, or one too old to answer (before version 9).
/// Every column, so that a schema older or newer than this epic still
/// answers what it has (the time zone came with version 14).
pub async fn schema_info(
    client: &impl tokio_postgres::GenericClient,
) -> Result<Option<SchemaInfo>, DbError> {
    match client
        .query_typed_one("SELECT * FROM epic_schema_info()", &[])
        .await
    {
        Ok(row) => Ok(Some(SchemaInfo {
            version: row.get::<_, Option<i32>>("version").unwrap_or(0),
            app_role: row.get("app_role"),
            has_employees: row.get("has_employees"),
            time_zone: row
                .try_get::<_, String>("time_zone")
                .ok()
                .and_then(|name| crate::zone::parse_name(&name).ok())
                .unwrap_or(crate::zone::Tz::UTC),
        })),
        Err(e) if e.code() == Some(&SqlState::UNDEFINED_FUNCTION) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Whether the schema `info` describes is the one this epic needs.
pub fn check_version(info: Option<&SchemaInfo>) -> Result<(), DbError> {
    let needed = current_version();
    match info {
        Some(info) if info.version == needed => Ok(()),
        Some(info) if info.version > needed => Err(DbError::SchemaNewer {
            found: info.version,
            known: needed,
        }),
        Some(info) => Err(DbError::SchemaBehind {
            found: Some(info.version),
            needed,
        }),
        None => Err(DbError::SchemaBehind {
            found: None,
            needed,
        }),
    }
}

struct Applied {
    version: i32,
    checksum: String,
}

async fn read_applied(
    client: &impl tokio_postgres::GenericClient,
) -> Result<Vec<Applied>, DbError> {
    let rows = client
        .query_typed(
            "SELECT version, checksum FROM epic_schema_migrations ORDER BY version",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| Applied {
            version: row.get(0),
            checksum: row.get(1),
        })
        .collect())
}

/// Applied migrations must be a prefix of the known ones, byte for byte
/// (or an earlier text the file declares).
fn verify(applied: &[Applied], migrations: &[Migration]) -> Result<(), DbError> {
    for (index, found) in applied.iter().enumerate() {
        match migrations.get(index) {
            Some(known) if known.version == found.version => {
                if known.checksum() != found.checksum
                    && !known.earlier.contains(&found.checksum.as_str())
                {
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

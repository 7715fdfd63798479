//! The operator's loaders: `epic demo` and `epic gen` write generated rows
//! (made by [`crate::data`], which does no I/O) into an empty CRM, on the
//! migrator's connection acting as the owner role. [`demo`] writes the demo
//! with `unnest`ed arrays, [`generate`] adds bulk rows with binary `COPY`
//! ([`copy`]); each run is one transaction.

mod copy;
pub mod demo;
pub mod generate;

use super::roles::RoleNames;
use super::statement::arg;
use super::{Database, DbError};

/// The migrator's connection, as the owner role, with the bcrypt cost new
/// hashes take (the database's `security_settings`).
pub struct Operator {
    client: deadpool_postgres::Object,
    bcrypt_cost: u32,
}

impl Operator {
    /// Checks that the login may act as the owner role, becomes it for the
    /// connection's life, and reads the bcrypt cost.
    pub async fn open(database: &Database, roles: &RoleNames) -> Result<Operator, DbError> {
        let client = database.client().await?;
        let row = client
            .query_typed_one(
                "SELECT pg_has_role(session_user, $1, 'MEMBER'), session_user::text",
                &[arg(&roles.owner)],
            )
            .await?;
        if !row.get::<_, bool>(0) {
            return Err(DbError::NotMigrator {
                user: row.get(1),
                owner: roles.owner.clone(),
                migrator: roles.migrator.clone(),
            });
        }
        client
            .execute_typed("SELECT set_config('role', $1, false)", &[arg(&roles.owner)])
            .await?;
        let cost: i32 = client
            .query_typed_one("SELECT bcrypt_cost FROM security_settings", &[])
            .await?
            .get(0);
        Ok(Operator {
            client,
            bcrypt_cost: cost as u32,
        })
    }
}

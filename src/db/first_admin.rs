//! The first admin's row: when `epic db migrate` (or the local cluster's
//! first start) finds no employee, the account `setup` gathered is written
//! here, on the migrator's connection, as the owner role; the database
//! hashes the password and the audit trail records the first run. The
//! company's time zone starts as the first admin's.

use super::statement::arg;
use super::{Database, DbError};

impl Database {
    /// Inserts the admin unless some employee appeared meanwhile (another
    /// epic ran its first run at the same moment), as `owner`. Returns
    /// whether it was created. The company's time zone becomes `time_zone`.
    pub async fn create_first_admin(
        &self,
        owner: &str,
        (name, email): (&str, &str),
        password: &str,
        time_zone: &str,
    ) -> Result<bool, DbError> {
        let mut client = self.client().await?;
        let transaction = client.transaction().await?;
        transaction
            .execute_typed("SELECT set_config('role', $1, true)", &[arg(&owner)])
            .await?;
        transaction
            .execute_typed("LOCK TABLE employees IN SHARE ROW EXCLUSIVE MODE", &[])
            .await?;
        let created = transaction
            .query_typed_opt(
                "INSERT INTO employees (full_name, email, department, password_hash) \
                 SELECT $1, $2, 'admin', epic_bcrypt($3) WHERE NOT EXISTS (SELECT 1 FROM employees) \
                 RETURNING id",
                &[arg(&name), arg(&email), arg(&password)],
            )
            .await?;
        if let Some(row) = &created {
            let id: i64 = row.get(0);
            transaction
                .execute_typed(
                    "INSERT INTO audit_log (action, entity, entity_id, after, detail) \
                     VALUES ('create', 'employee', $1, \
                             jsonb_build_object('name', $2::text, 'email', $3::text, 'department', 'admin'), \
                             jsonb_build_object('via', 'first run'))",
                    &[arg(&id), arg(&name), arg(&email)],
                )
                .await?;
            transaction
                .execute_typed(
                    // A zone this PostgreSQL does not know (its time zone
                    // data older than epic's) leaves UTC, not a failed first run.
                    "UPDATE company_settings SET time_zone = $1 \
                     WHERE EXISTS (SELECT 1 FROM pg_timezone_names z WHERE z.name = $1)",
                    &[arg(&time_zone)],
                )
                .await?;
        }
        transaction.commit().await?;
        Ok(created.is_some())
    }
}

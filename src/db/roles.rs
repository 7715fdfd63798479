//! The four database roles of a deployment, each with one job, and the
//! script a DBA runs once to create them (`epic db roles`).
//!
//! - the **owner** (NOLOGIN) owns every object; migrations run as it;
//! - the **migrator** logs in for `epic db migrate`, `backup` and `restore`
//!   (and `demo`, `gen`): a member of the owner;
//! - the **client** is the login every desk holds: NOINHERIT, it can run the
//!   identity functions and become the app role, nothing else;
//! - the **app** role (NOLOGIN) is what every command runs as, under
//!   row-level security.
//!
//! The migrations in `sql/` name them `epic_owner`, `epic_migrator`,
//! `epic_client` and `epic_app`. A DBA may choose other names; the
//! migration runner then writes the chosen names in place of those words
//! before running a file (the checksums stay those of the files), so one
//! server can hold, say, a staging CRM beside the real one. Names are plain
//! lowercase identifiers, checked here, so they can be written into SQL
//! without quoting.

use std::borrow::Cow;

/// The default names, as the files in `sql/` spell them.
pub const DEFAULT_OWNER: &str = "epic_owner";
pub const DEFAULT_MIGRATOR: &str = "epic_migrator";
pub const DEFAULT_CLIENT: &str = "epic_client";
pub const DEFAULT_APP: &str = "epic_app";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleNames {
    pub owner: String,
    pub migrator: String,
    pub client: String,
    pub app: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleNameError {
    #[error(
        "`{given}` cannot be the {job} role's name: role names are 1 to 63 lowercase letters, digits and `_`, starting with a letter or `_`"
    )]
    Invalid { job: &'static str, given: String },
    #[error("the {first} and {second} roles must have different names, not both `{name}`")]
    Same {
        first: &'static str,
        second: &'static str,
        name: String,
    },
}

impl Default for RoleNames {
    fn default() -> RoleNames {
        RoleNames {
            owner: DEFAULT_OWNER.to_owned(),
            migrator: DEFAULT_MIGRATOR.to_owned(),
            client: DEFAULT_CLIENT.to_owned(),
            app: DEFAULT_APP.to_owned(),
        }
    }
}

impl RoleNames {
    /// The defaults with any of them replaced, checked.
    pub fn new(
        owner: Option<&str>,
        migrator: Option<&str>,
        client: Option<&str>,
        app: Option<&str>,
    ) -> Result<RoleNames, RoleNameError> {
        let pick = |job: &'static str, given: Option<&str>, default: &str| {
            let name = given.unwrap_or(default);
            if is_identifier(name) {
                Ok(name.to_owned())
            } else {
                Err(RoleNameError::Invalid {
                    job,
                    given: name.to_owned(),
                })
            }
        };
        let names = RoleNames {
            owner: pick("owner", owner, DEFAULT_OWNER)?,
            migrator: pick("migrator", migrator, DEFAULT_MIGRATOR)?,
            client: pick("client", client, DEFAULT_CLIENT)?,
            app: pick("app", app, DEFAULT_APP)?,
        };
        let jobs = names.jobs();
        for (i, (first, a)) in jobs.iter().enumerate() {
            for (second, b) in &jobs[i + 1..] {
                if a == b {
                    return Err(RoleNameError::Same {
                        first,
                        second,
                        name: (*a).to_owned(),
                    });
                }
            }
        }
        Ok(names)
    }

    fn jobs(&self) -> [(&'static str, &str); 4] {
        [
            ("owner", &self.owner),
            ("migrator", &self.migrator),
            ("client", &self.client),
            ("app", &self.app),
        ]
    }

    pub fn all(&self) -> [&str; 4] {
        [&self.owner, &self.migrator, &self.client, &self.app]
    }

    /// `sql` with the default names replaced by these, as whole words.
    pub fn apply<'a>(&self, sql: &'a str) -> Cow<'a, str> {
        let replacements = [
            (DEFAULT_OWNER, self.owner.as_str()),
            (DEFAULT_MIGRATOR, self.migrator.as_str()),
            (DEFAULT_CLIENT, self.client.as_str()),
            (DEFAULT_APP, self.app.as_str()),
        ];
        if replacements.iter().all(|(from, to)| from == to) {
            return Cow::Borrowed(sql);
        }
        let mut text = sql.to_owned();
        for (from, to) in replacements {
            if from != to {
                text = replace_word(&text, from, to);
            }
        }
        Cow::Owned(text)
    }

    /// The SQL a superuser runs once, connected to the CRM database, to
    /// create these roles and give the database to the owner. Safe to run
    /// again: it creates what is missing and resets what a role may do.
    pub fn script(&self) -> String {
        let RoleNames {
            owner,
            migrator,
            client,
            app,
        } = self;
        format!(
            r#"-- epic: the roles of a CRM database, each with one job.
-- Run once as a superuser, connected to the CRM database, e.g.
--   epic db roles | psql -v ON_ERROR_STOP=1 -d crm
-- Safe to run again. It sets no passwords: give the two logins theirs with
--   \password {migrator}      (the operator: epic db migrate, backup, restore)
--   \password {client}        (every desk)
-- and let them in over TLS only, to this database only, in pg_hba.conf:
--   hostssl crm {client}   0.0.0.0/0  scram-sha-256
--   hostssl crm {migrator} 10.0.0.0/8 scram-sha-256
BEGIN;
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{owner}') THEN
        CREATE ROLE {owner};
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{migrator}') THEN
        CREATE ROLE {migrator};
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app}') THEN
        CREATE ROLE {app};
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{client}') THEN
        CREATE ROLE {client};
    END IF;
END
$roles$;
-- Owns every object; nobody logs in as it.
ALTER ROLE {owner} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
-- The operator's login: migrations, backups, restores, as a member of the owner.
ALTER ROLE {migrator} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;
-- What every command runs as, under row-level security.
ALTER ROLE {app} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
-- Every desk's login: it may only run epic's identity functions and become {app}.
ALTER ROLE {client} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
GRANT {owner} TO {migrator};
GRANT {app} TO {client};
-- Passwords and session tokens travel as bind parameters: never into the server log.
ALTER ROLE {client} SET log_parameter_max_length = 0;
ALTER ROLE {client} SET log_parameter_max_length_on_error = 0;
ALTER ROLE {migrator} SET log_parameter_max_length = 0;
ALTER ROLE {migrator} SET log_parameter_max_length_on_error = 0;
DO $database$
BEGIN
    -- No temporary tables (they could shadow what the functions read), no
    -- schemas, and only the two logins may connect.
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO {client}, {migrator}', current_database());
    -- The owner creates the trusted extensions epic uses (pg_trgm, pgcrypto).
    EXECUTE format('GRANT CREATE ON DATABASE %I TO {owner}', current_database());
END
$database$;
ALTER SCHEMA public OWNER TO {owner};
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO {client}, {app};
COMMIT;
"#
        )
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.len() <= 63
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `text` with every whole-word `from` replaced by `to`.
fn replace_word(text: &str, from: &str, to: &str) -> String {
    let mut result = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + from.len()..].chars().next();
        result.push_str(&rest[..at]);
        if before.is_some_and(is_word_char) || after.is_some_and(is_word_char) {
            result.push_str(from);
        } else {
            result.push_str(to);
        }
        rest = &rest[at + from.len()..];
    }
    result.push_str(rest);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_identifiers_and_distinct() {
        assert_eq!(
            RoleNames::new(None, None, None, None),
            Ok(RoleNames::default())
        );
        assert_eq!(
            RoleNames::new(Some("crm owner"), None, None, None)
                .expect_err("a space")
                .to_string(),
            "`crm owner` cannot be the owner role's name: role names are 1 to 63 lowercase letters, digits and `_`, starting with a letter or `_`"
        );
        assert!(RoleNames::new(None, None, Some("Desk"), None).is_err());
        assert!(RoleNames::new(None, None, Some("x\"; DROP"), None).is_err());
        assert!(RoleNames::new(None, None, Some(""), None).is_err());
        assert_eq!(
            RoleNames::new(None, None, Some("epic_app"), None)
                .expect_err("twice")
                .to_string(),
            "the client and app roles must have different names, not both `epic_app`"
        );
    }

    #[test]
    fn other_names_replace_whole_words_only() {
        let names = RoleNames::new(
            Some("acme_owner"),
            None,
            Some("acme_desk"),
            Some("acme_app"),
        )
        .expect("valid");
        let sql = "GRANT x TO epic_app; SELECT epic_app_role(), 'epic_app', epic_clients_named(1) \
                   FROM t TO epic_client, epic_owner;";
        assert_eq!(
            names.apply(sql),
            "GRANT x TO acme_app; SELECT epic_app_role(), 'acme_app', epic_clients_named(1) \
             FROM t TO acme_desk, acme_owner;"
        );
        assert!(matches!(RoleNames::default().apply(sql), Cow::Borrowed(_)));
    }

    #[test]
    fn the_script_names_every_role_and_no_password() {
        let script = RoleNames::default().script();
        for name in RoleNames::default().all() {
            assert!(script.contains(&format!("CREATE ROLE {name};")), "{name}");
        }
        assert!(!script.to_lowercase().contains(" password '"));
        assert!(script.contains("NOINHERIT"));
        assert!(!script.contains("CREATEROLE;"));
    }
}

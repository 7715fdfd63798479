//! Settings from the environment (and a `.env` file in the current
//! directory, loaded by `main` before this runs): which database, where
//! epic keeps its files, first-run admin credentials. Building a `Config`
//! reads variables only. The per-user config file is read twice: its
//! `[shell]` table at start ([`settings`]), its connection and profiles
//! when the database is opened (`db::connect::target`, which interprets
//! these settings: this module knows nothing of the database).
//!
//! Security limits (session length, idle time, lock-outs) are not here:
//! they live in the database, where admins change them, so that nobody's
//! environment can loosen them.

pub mod settings;

use std::fmt;
use std::path::PathBuf;

/// A value that must never be printed: `Debug` and `Display` redact it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Where the data lives, as the environment says.
#[derive(Debug, Clone)]
pub enum DatabaseTarget {
    /// Any PostgreSQL server, from `DATABASE_URL`.
    Url(Secret),
    /// A profile of the config file if there is one, else the cluster epic
    /// manages itself under the data directory.
    Local,
}

#[derive(Debug, Clone)]
pub struct AdminSeed {
    pub name: String,
    pub email: String,
    pub password: Secret,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database: DatabaseTarget,
    /// Epic's own files: history, the local cluster, the session.
    pub data_dir: PathBuf,
    /// Where to look first for `initdb`, `pg_ctl`, `pg_dump` (`EPIC_PG_BIN`).
    pub pg_bin: Option<PathBuf>,
    /// The unprivileged user that runs the local server when epic runs as root.
    pub pg_user: String,
    /// First-run admin account for scripts (`EPIC_ADMIN_EMAIL`, `EPIC_ADMIN_PASSWORD`).
    pub admin: Option<AdminSeed>,
    /// The bcrypt cost a new CRM starts with (`EPIC_BCRYPT_COST`, read by
    /// the migration that creates it); admins change it afterwards.
    pub bcrypt_cost: Option<u32>,
    /// Rows shown by a table in the interactive shell before it stops
    /// (`EPIC_PAGE_SIZE`), over the config file's `page_size`.
    pub page_size: Option<usize>,
    /// How tables show money's currency, before the amount (`€12,000.00`):
    /// `EPIC_CURRENCY`, a code (EUR, the default, USD, GBP, JPY have their
    /// sign; any other code is written out, `CHF 12,000.00`).
    pub currency: &'static str,
    /// The width tables fit when no terminal says one (`COLUMNS`, as psql
    /// reads it; from 20 to 100000, anything else is ignored): a batch's
    /// tables are otherwise as wide as their values.
    pub columns: Option<usize>,
    /// Where the session token is kept (`EPIC_SESSION_FILE`).
    pub session_file: PathBuf,
    /// The per-user config file (`EPIC_CONFIG`, else `~/.config/epic/config.toml`).
    pub config_file: Option<PathBuf>,
    /// Its profile to use (`--profile`, `EPIC_PROFILE`); the top level when none.
    pub profile: Option<String>,
    /// Where the shell's live notifications LISTEN (`EPIC_LISTEN_URL`):
    /// the server itself when `DATABASE_URL` names a transaction-mode
    /// pooler, which cannot pass a LISTEN on. Unset: `DATABASE_URL`'s server.
    pub listen_url: Option<Secret>,
    /// The read profile (`EPIC_READ_URL`): a standby (or a list of servers
    /// with `target_session_attrs=read-only` or `prefer-standby`) that
    /// `show`, `count`, `report` and `explain` run on when it answers.
    /// Unset: every command runs where `DATABASE_URL` leads.
    pub read_url: Option<Secret>,
    /// The database password from `PGPASSWORD`, when no `.pgpass` line matches.
    pub pg_password: Option<Secret>,
    /// The `.pgpass` file (`PGPASSFILE`, else `~/.pgpass`).
    pub pgpass: Option<PathBuf>,
    /// `TZ`, as set: what it means is `crate::zone::TzChoice`'s to say.
    pub tz: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} must be {expected}, not `{given}`")]
    Invalid {
        name: &'static str,
        expected: &'static str,
        given: String,
    },
    #[error("EPIC_ADMIN_EMAIL and EPIC_ADMIN_PASSWORD must be set together")]
    HalfAdmin,
    #[error("cannot find a data directory for epic: set EPIC_DATA_DIR")]
    NoDataDir,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads settings through `lookup`, so tests need not mutate the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let database = match lookup("DATABASE_URL") {
            Some(url) => DatabaseTarget::Url(Secret::new(url)),
            None => DatabaseTarget::Local,
        };
        let data_dir = match lookup("EPIC_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => dirs::data_dir().ok_or(ConfigError::NoDataDir)?.join("epic"),
        };
        let admin = match (lookup("EPIC_ADMIN_EMAIL"), lookup("EPIC_ADMIN_PASSWORD")) {
            (Some(email), Some(password)) => Some(AdminSeed {
                name: lookup("EPIC_ADMIN_NAME").unwrap_or_else(|| "Administrator".to_owned()),
                email,
                password: Secret::new(password),
            }),
            (None, None) => None,
            _ => return Err(ConfigError::HalfAdmin),
        };
        let bcrypt_cost = match lookup("EPIC_BCRYPT_COST") {
            Some(_) => Some(parse_in_range(
                &lookup,
                "EPIC_BCRYPT_COST",
                12,
                4..=31,
                "a number from 4 to 31",
            )?),
            None => None,
        };
        let page_size = match lookup("EPIC_PAGE_SIZE") {
            Some(_) => Some(parse_in_range(
                &lookup,
                "EPIC_PAGE_SIZE",
                1,
                1..=1_000_000,
                "a number of rows from 1 to 1000000",
            )?),
            None => None,
        };
        let currency = currency_sign(lookup("EPIC_CURRENCY").as_deref().unwrap_or("EUR"))?;
        // A shell's stale or odd COLUMNS is no reason to refuse to start.
        let columns = lookup("COLUMNS")
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|c| (20..=100_000).contains(c));
        let session_file = match lookup("EPIC_SESSION_FILE") {
            Some(path) => PathBuf::from(path),
            None => dirs::state_dir()
                .or_else(dirs::config_dir)
                .map(|dir| dir.join("epic").join("session"))
                .unwrap_or_else(|| data_dir.join("session")),
        };
        Ok(Config {
            session_file,
            config_file: lookup("EPIC_CONFIG")
                .map(PathBuf::from)
                .or_else(|| dirs::config_dir().map(|dir| dir.join("epic").join("config.toml"))),
            profile: lookup("EPIC_PROFILE"),
            listen_url: lookup("EPIC_LISTEN_URL").map(Secret::new),
            read_url: lookup("EPIC_READ_URL").map(Secret::new),
            pg_password: lookup("PGPASSWORD").map(Secret::new),
            pgpass: lookup("PGPASSFILE")
                .map(PathBuf::from)
                .or_else(|| dirs::home_dir().map(|home| home.join(".pgpass"))),
            database,
            data_dir,
            pg_bin: lookup("EPIC_PG_BIN").map(PathBuf::from),
            pg_user: lookup("EPIC_PG_USER").unwrap_or_else(|| "postgres".to_owned()),
            admin,
            bcrypt_cost,
            page_size,
            currency,
            columns,
            tz: lookup("TZ"),
        })
    }

    pub fn history_file(&self) -> PathBuf {
        self.data_dir.join("history")
    }
}

/// The sign tables put before an amount for a currency code: `€` for EUR,
/// or the code itself and a space for one without a sign here.
fn currency_sign(code: &str) -> Result<&'static str, ConfigError> {
    let code = code.trim().to_ascii_uppercase();
    Ok(match code.as_str() {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        "JPY" => "¥",
        _ if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) => {
            // Read once per process: a few bytes for its lifetime.
            Box::leak(format!("{code} ").into_boxed_str())
        }
        _ => {
            return Err(ConfigError::Invalid {
                name: "EPIC_CURRENCY",
                expected: "a three-letter currency code such as EUR, USD or CHF",
                given: code,
            });
        }
    })
}

fn parse_in_range<T>(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
    range: std::ops::RangeInclusive<T>,
    expected: &'static str,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd,
{
    match lookup(name) {
        None => Ok(default),
        Some(given) => match given.trim().parse::<T>() {
            Ok(value) if range.contains(&value) => Ok(value),
            _ => Err(ConfigError::Invalid {
                name,
                expected,
                given,
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn without_database_url_epic_manages_its_own_cluster() {
        let config = config(&[("EPIC_DATA_DIR", "/tmp/x")]).expect("valid");
        assert!(matches!(config.database, DatabaseTarget::Local));
        assert_eq!(config.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(config.bcrypt_cost, None);
    }

    #[test]
    fn secrets_are_redacted_in_debug_output() {
        let config = config(&[
            ("DATABASE_URL", "postgres://u:hunter2@h/db"),
            ("EPIC_ADMIN_EMAIL", "a@epic.events"),
            ("EPIC_ADMIN_PASSWORD", "Sup3r-Secret-Pass"),
        ])
        .expect("valid");
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("Sup3r-Secret-Pass"), "{shown}");
    }

    #[test]
    fn bad_numbers_name_the_variable_and_the_accepted_range() {
        let err = config(&[("EPIC_BCRYPT_COST", "99")]).expect_err("out of range");
        assert_eq!(
            err.to_string(),
            "EPIC_BCRYPT_COST must be a number from 4 to 31, not `99`"
        );
    }

    #[test]
    fn admin_email_without_password_is_refused() {
        let err = config(&[("EPIC_ADMIN_EMAIL", "a@b.c")]).expect_err("half set");
        assert!(matches!(err, ConfigError::HalfAdmin));
    }

    #[test]
    fn the_currency_is_a_code_euro_by_default() {
        let base = [("EPIC_DATA_DIR", "/tmp/epic")];
        assert_eq!(config(&base).unwrap().currency, "€");
        for (code, sign) in [("usd", "$"), ("GBP", "£"), ("EUR", "€"), ("CHF", "CHF ")] {
            let vars = [base[0], ("EPIC_CURRENCY", code)];
            assert_eq!(config(&vars).unwrap().currency, sign, "{code}");
        }
        let vars = [base[0], ("EPIC_CURRENCY", "euros")];
        assert!(matches!(
            config(&vars),
            Err(ConfigError::Invalid {
                name: "EPIC_CURRENCY",
                ..
            })
        ));
    }

    #[test]
    fn columns_gives_a_width_and_an_odd_value_is_ignored() {
        let base = ("EPIC_DATA_DIR", "/tmp/epic");
        assert_eq!(config(&[base]).unwrap().columns, None);
        assert_eq!(
            config(&[base, ("COLUMNS", "60")]).unwrap().columns,
            Some(60)
        );
        for odd in ["0", "5", "wide", "-1"] {
            assert_eq!(
                config(&[base, ("COLUMNS", odd)]).unwrap().columns,
                None,
                "{odd}"
            );
        }
    }
}

//! Per-user profiles: the connection (and role names) a TOML config file
//! describes, read through the same `key=value` form as `DATABASE_URL`.

use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use toml_edit::TableLike;

use crate::config::settings;

use super::url::quote;
use super::{ConnectError, ServerSettings, SslMode};

/// Role names the config file sets instead of epic's defaults; not
/// checked here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleOverrides {
    pub owner: Option<String>,
    pub migrator: Option<String>,
    pub client: Option<String>,
    pub app: Option<String>,
}

/// The connection a config file describes, for one profile or the default.
/// A file that names no server gives settings without hosts.
#[derive(Debug, Clone)]
pub struct Profile {
    pub settings: ServerSettings,
    pub roles: RoleOverrides,
    pub path: PathBuf,
    /// The profile asked for; `None` for the top-level settings.
    pub name: Option<String>,
}

/// `$EPIC_CONFIG`, else `config.toml` in epic's directory of the user's
/// configuration (`~/.config/epic/config.toml` on Linux).
pub fn default_config_path() -> Option<PathBuf> {
    match std::env::var_os("EPIC_CONFIG").filter(|v| !v.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => dirs::config_dir().map(|dir| dir.join("epic").join("config.toml")),
    }
}

/// Reads the config file at `path`. No file is `None`, unless a profile was
/// asked for: that is an error.
pub fn load_profile(path: &Path, profile: Option<&str>) -> Result<Option<Profile>, ConnectError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_profile(&text, path, profile).map(Some),
        Err(e) if e.kind() == io::ErrorKind::NotFound => match profile {
            None => Ok(None),
            Some(name) => Err(ConnectError::NoConfigFile {
                path: path.to_owned(),
                profile: name.to_owned(),
            }),
        },
        Err(source) => Err(ConnectError::Read {
            what: "the config file",
            path: path.to_owned(),
            source,
        }),
    }
}

const CONNECTION_KEYS: [&str; 12] = [
    "host",
    "hosts",
    "port",
    "ports",
    "database",
    "user",
    "sslmode",
    "sslrootcert",
    "channel_binding",
    "target_session_attrs",
    "connect_timeout",
    "application_name",
];
const ROLE_KEYS: [&str; 4] = ["owner", "migrator", "client", "app"];
/// The tables of the top level, besides its connection keys.
const TOP_TABLES: [&str; 3] = ["profiles", "roles", settings::TABLE];

/// The settings of `profile` (or the top-level ones) in a config file's
/// text; `path` is only for messages. Every profile is checked, not only
/// the one asked for, so that a mistake shows the first time the file is
/// read.
pub fn parse_profile(
    text: &str,
    path: &Path,
    profile: Option<&str>,
) -> Result<Profile, ConnectError> {
    let document = toml_edit::Document::parse(text).map_err(|e| {
        let (line, column) = crate::config::settings::error_position(text, &e);
        ConnectError::ConfigSyntax {
            path: path.to_owned(),
            line,
            column,
            detail: e.message().to_owned(),
        }
    })?;
    let top_table = "the top-level table".to_owned();
    let mut keys = ConnectionKeys::default();
    let mut roles = RoleOverrides::default();
    let mut profiles: Vec<(&str, ConnectionKeys, RoleOverrides)> = Vec::new();
    for (key, item) in document.as_table().iter() {
        match key {
            "profiles" => {
                let table = table_like(item, path, &top_table, key)?;
                for (name, item) in table.iter() {
                    let label = format!("[profiles.{name}]");
                    let table = table_like(item, path, "[profiles]", name)?;
                    let mut profile_keys = ConnectionKeys::default();
                    let mut profile_roles = RoleOverrides::default();
                    for (key, item) in table.iter() {
                        if key == "roles" {
                            let label = format!("[profiles.{name}.roles]");
                            profile_roles = read_roles(item, path, &label)?;
                        } else {
                            profile_keys.set(key, item, path, &label, &["roles"])?;
                        }
                    }
                    profiles.push((name, profile_keys, profile_roles));
                }
            }
            "roles" => roles = read_roles(item, path, "[roles]")?,
            // The shell's settings, read at start (`config::settings`).
            settings::TABLE => {}
            _ => keys.set(key, item, path, &top_table, &TOP_TABLES)?,
        }
    }
    let mut table = top_table;
    if let Some(name) = profile {
        let Some((_, profile_keys, profile_roles)) = profiles.iter().find(|(n, ..)| *n == name)
        else {
            let hint = if profiles.is_empty() {
                format!("the file has no profiles: add a `[profiles.{name}]` table")
            } else {
                let names: Vec<String> = profiles.iter().map(|(n, ..)| format!("`{n}`")).collect();
                format!("the profiles there are {}", names.join(", "))
            };
            return Err(ConnectError::NoSuchProfile {
                path: path.to_owned(),
                profile: name.to_owned(),
                hint,
            });
        };
        keys.override_with(profile_keys);
        roles.override_with(profile_roles);
        table = format!("[profiles.{name}]");
    }
    let settings = keys.settings().map_err(|source| ConnectError::InProfile {
        path: path.to_owned(),
        table,
        source: Box::new(source),
    })?;
    Ok(Profile {
        settings,
        roles,
        path: path.to_owned(),
        name: profile.map(str::to_owned),
    })
}

fn table_like<'a>(
    item: &'a toml_edit::Item,
    path: &Path,
    table: &str,
    key: &str,
) -> Result<&'a dyn TableLike, ConnectError> {
    item.as_table_like().ok_or_else(|| ConnectError::WrongType {
        path: path.to_owned(),
        table: table.to_owned(),
        key: key.to_owned(),
        expected: "a table",
    })
}

fn accepted(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    quoted.join(", ")
}

fn read_roles(
    item: &toml_edit::Item,
    path: &Path,
    table: &str,
) -> Result<RoleOverrides, ConnectError> {
    let mut roles = RoleOverrides::default();
    for (key, item) in table_like(item, path, table, "roles")?.iter() {
        let slot = match key {
            "owner" => &mut roles.owner,
            "migrator" => &mut roles.migrator,
            "client" => &mut roles.client,
            "app" => &mut roles.app,
            _ => {
                return Err(ConnectError::UnknownKey {
                    path: path.to_owned(),
                    table: table.to_owned(),
                    key: key.to_owned(),
                    accepted: accepted(&ROLE_KEYS),
                });
            }
        };
        *slot = Some(string_value(item, path, table, key)?);
    }
    Ok(roles)
}

impl RoleOverrides {
    fn override_with(&mut self, other: &RoleOverrides) {
        let pairs = [
            (&mut self.owner, &other.owner),
            (&mut self.migrator, &other.migrator),
            (&mut self.client, &other.client),
            (&mut self.app, &other.app),
        ];
        for (mine, theirs) in pairs {
            if theirs.is_some() {
                mine.clone_from(theirs);
            }
        }
    }
}

fn string_value(
    item: &toml_edit::Item,
    path: &Path,
    table: &str,
    key: &str,
) -> Result<String, ConnectError> {
    item.as_str()
        .map(str::to_owned)
        .ok_or_else(|| wrong_type(path, table, key, "a string"))
}

fn wrong_type(path: &Path, table: &str, key: &str, expected: &'static str) -> ConnectError {
    ConnectError::WrongType {
        path: path.to_owned(),
        table: table.to_owned(),
        key: key.to_owned(),
        expected,
    }
}

/// The connection keys of one table of the config file.
#[derive(Debug, Clone, Default)]
struct ConnectionKeys {
    hosts: Option<Vec<String>>,
    ports: Option<Vec<u16>>,
    database: Option<String>,
    user: Option<String>,
    sslmode: Option<String>,
    sslrootcert: Option<String>,
    channel_binding: Option<String>,
    target_session_attrs: Option<String>,
    connect_timeout: Option<u64>,
    application_name: Option<String>,
}

impl ConnectionKeys {
    /// Reads `key`; `tables` are the other keys accepted in this table.
    fn set(
        &mut self,
        key: &str,
        item: &toml_edit::Item,
        path: &Path,
        table: &str,
        tables: &[&str],
    ) -> Result<(), ConnectError> {
        let entry = Entry {
            key,
            item,
            path,
            table,
        };
        let both = |one, other| ConnectError::BothKeys {
            path: path.to_owned(),
            table: table.to_owned(),
            one,
            other,
        };
        match key {
            "host" | "hosts" if self.hosts.is_some() => return Err(both("host", "hosts")),
            "port" | "ports" if self.ports.is_some() => return Err(both("port", "ports")),
            "host" => self.hosts = Some(vec![entry.host(&entry.string()?)?]),
            "hosts" => self.hosts = Some(entry.hosts()?),
            "port" => self.ports = Some(vec![entry.port(item.as_integer())?]),
            "ports" => self.ports = Some(entry.ports()?),
            "database" => self.database = Some(entry.string()?),
            "user" => self.user = Some(entry.string()?),
            "sslmode" => {
                let mode = entry.string()?;
                SslMode::from_str(&mode).map_err(|_| {
                    entry.wrong("one of `disable`, `prefer`, `require`, `verify-ca`, `verify-full`")
                })?;
                self.sslmode = Some(mode);
            }
            "sslrootcert" => self.sslrootcert = Some(expand_home(&entry.string()?)),
            "channel_binding" => {
                let expected = "one of `disable`, `prefer`, `require`";
                let value = entry.one_of(&["disable", "prefer", "require"], expected)?;
                self.channel_binding = Some(value);
            }
            "target_session_attrs" => {
                let expected = "one of `any`, `read-write`, `read-only`";
                let value = entry.one_of(&["any", "read-write", "read-only"], expected)?;
                self.target_session_attrs = Some(value);
            }
            "application_name" => self.application_name = Some(entry.string()?),
            "connect_timeout" => {
                let seconds = item
                    .as_integer()
                    .and_then(|v| u64::try_from(v).ok())
                    .ok_or_else(|| entry.wrong("a number of seconds"))?;
                self.connect_timeout = Some(seconds);
            }
            "password" => {
                return Err(ConnectError::PasswordInConfig {
                    path: path.to_owned(),
                    table: table.to_owned(),
                });
            }
            _ => {
                let mut keys = CONNECTION_KEYS.to_vec();
                keys.extend_from_slice(tables);
                return Err(ConnectError::UnknownKey {
                    path: path.to_owned(),
                    table: table.to_owned(),
                    key: key.to_owned(),
                    accepted: accepted(&keys),
                });
            }
        }
        Ok(())
    }

    /// A profile's keys replace the top-level ones (`host` and `hosts` are
    /// one setting, as are `port` and `ports`).
    fn override_with(&mut self, other: &ConnectionKeys) {
        fn take<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
            if theirs.is_some() {
                mine.clone_from(theirs);
            }
        }
        take(&mut self.hosts, &other.hosts);
        take(&mut self.ports, &other.ports);
        take(&mut self.database, &other.database);
        take(&mut self.user, &other.user);
        take(&mut self.sslmode, &other.sslmode);
        take(&mut self.sslrootcert, &other.sslrootcert);
        take(&mut self.channel_binding, &other.channel_binding);
        take(&mut self.target_session_attrs, &other.target_session_attrs);
        take(&mut self.connect_timeout, &other.connect_timeout);
        take(&mut self.application_name, &other.application_name);
    }

    /// Goes through the key=value form, so that a profile means exactly
    /// what the same string in `DATABASE_URL` would.
    fn settings(&self) -> Result<ServerSettings, ConnectError> {
        let mut pairs = Vec::new();
        let mut push = |key: &str, value: Option<String>| {
            if let Some(value) = value {
                pairs.push(format!("{key}={}", quote(&value)));
            }
        };
        push("host", self.hosts.as_ref().map(|h| h.join(",")));
        push(
            "port",
            self.ports.as_ref().map(|ports| {
                let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
                ports.join(",")
            }),
        );
        push("dbname", self.database.clone());
        push("user", self.user.clone());
        push("sslmode", self.sslmode.clone());
        push("sslrootcert", self.sslrootcert.clone());
        push("channel_binding", self.channel_binding.clone());
        push("target_session_attrs", self.target_session_attrs.clone());
        push(
            "connect_timeout",
            self.connect_timeout.map(|s| s.to_string()),
        );
        push("application_name", self.application_name.clone());
        ServerSettings::from_url(&pairs.join(" "))
    }
}

/// One key of one table of the config file, and where it was, for messages.
struct Entry<'a> {
    key: &'a str,
    item: &'a toml_edit::Item,
    path: &'a Path,
    table: &'a str,
}

impl Entry<'_> {
    fn wrong(&self, expected: &'static str) -> ConnectError {
        wrong_type(self.path, self.table, self.key, expected)
    }

    fn string(&self) -> Result<String, ConnectError> {
        string_value(self.item, self.path, self.table, self.key)
    }

    /// A string that must be one of `allowed`.
    fn one_of(&self, allowed: &[&str], expected: &'static str) -> Result<String, ConnectError> {
        let value = self.string()?;
        if !allowed.contains(&value.as_str()) {
            return Err(self.wrong(expected));
        }
        Ok(value)
    }

    fn host(&self, value: &str) -> Result<String, ConnectError> {
        if value.is_empty() || value.contains(',') {
            Err(self.wrong("a host name or socket directory (use `hosts` for several)"))
        } else {
            Ok(value.to_owned())
        }
    }

    fn hosts(&self) -> Result<Vec<String>, ConnectError> {
        let expected = "a list of host names";
        let array = self
            .item
            .as_array()
            .filter(|a| !a.is_empty())
            .ok_or_else(|| self.wrong(expected))?;
        array
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| self.wrong(expected))
                    .and_then(|host| self.host(host))
            })
            .collect()
    }

    fn port(&self, value: Option<i64>) -> Result<u16, ConnectError> {
        value
            .and_then(|v| u16::try_from(v).ok())
            .filter(|&v| v > 0)
            .ok_or_else(|| self.wrong("a port number from 1 to 65535"))
    }

    fn ports(&self) -> Result<Vec<u16>, ConnectError> {
        let array = self
            .item
            .as_array()
            .filter(|a| !a.is_empty())
            .ok_or_else(|| self.wrong("a list of port numbers"))?;
        array.iter().map(|v| self.port(v.as_integer())).collect()
    }
}

/// `~/x` is `x` in the home directory (the config file is the user's own;
/// libpq strings get no such expansion).
fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest).display().to_string(),
        _ => path.to_owned(),
    }
}

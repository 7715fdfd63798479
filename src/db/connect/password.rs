//! Passwords, in libpq's order: `PGPASSWORD`, then the `.pgpass` file
//! (refused when others can read it). Never the config file.

use std::io;
use std::path::{Path, PathBuf};

use tokio_postgres::config::Host;

use super::{ConnectError, ServerSettings};

/// `$PGPASSFILE`, else `~/.pgpass`, as libpq.
pub fn default_pgpass() -> Option<PathBuf> {
    match std::env::var_os("PGPASSFILE").filter(|v| !v.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => dirs::home_dir().map(|home| home.join(".pgpass")),
    }
}

impl ServerSettings {
    /// Finds a password when the settings have none, in libpq's order:
    /// `env_password` (the caller passes `PGPASSWORD`), then the `.pgpass`
    /// file at `pgpass`.
    ///
    /// The first host with a matching line wins: tokio-postgres takes one
    /// password for every host. A missing file, or one that is not a plain
    /// file (`/dev/null`), is skipped, as libpq does; one that others can
    /// read is refused.
    pub fn fill_password(
        &mut self,
        env_password: Option<&str>,
        pgpass: Option<&Path>,
    ) -> Result<(), ConnectError> {
        if self.pg.get_password().is_some() {
            return Ok(());
        }
        if let Some(password) = env_password.filter(|p| !p.is_empty()) {
            self.pg.password(password);
            return Ok(());
        }
        if let Some(path) = pgpass
            && let Some(text) = read_pgpass(path)?
        {
            let user = self.pg.get_user().unwrap_or_default().to_owned();
            let database = self.pg.get_dbname().unwrap_or(&user).to_owned();
            let hosts = self.pg.get_hosts();
            let names: Vec<String> = if hosts.is_empty() {
                self.host_names()
            } else {
                hosts
                    .iter()
                    .map(|host| match host {
                        Host::Tcp(name) => name.clone(),
                        // libpq matches socket connections as `localhost`.
                        Host::Unix(_) => "localhost".to_owned(),
                    })
                    .collect()
            };
            let found = names.iter().enumerate().find_map(|(i, host)| {
                pgpass_lookup(&text, host, self.port_for(i), &database, &user)
            });
            if let Some(password) = found {
                self.pg.password(password);
            }
        }
        Ok(())
    }
}

fn read_pgpass(path: &Path) -> Result<Option<String>, ConnectError> {
    let read_error = |source| ConnectError::Read {
        what: "the password file",
        path: path.to_owned(),
        source,
    };
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(read_error(e)),
    };
    if !metadata.is_file() {
        return Ok(None);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(ConnectError::PgpassPermissions {
                path: path.to_owned(),
                mode,
            });
        }
    }
    std::fs::read_to_string(path).map(Some).map_err(read_error)
}

/// The password of the first line of a `.pgpass` text that matches
/// (`hostname:port:database:username:password`; `*` matches anything,
/// `\:` and `\\` are a colon and a backslash, `#` starts a comment line).
pub fn pgpass_lookup(
    text: &str,
    host: &str,
    port: u16,
    database: &str,
    user: &str,
) -> Option<String> {
    let port = port.to_string();
    text.lines()
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .find_map(|line| {
            let rest = [host, port.as_str(), database, user]
                .iter()
                .try_fold(line, |rest, wanted| pgpass_field(rest, wanted))?;
            Some(pgpass_password(rest))
        })
        .filter(|password| !password.is_empty())
}

/// Matches one field at the start of `line` against `wanted`, and returns
/// what follows its colon (libpq's `pwdfMatchesString`).
fn pgpass_field<'a>(line: &'a str, wanted: &str) -> Option<&'a str> {
    if let Some(rest) = line.strip_prefix("*:") {
        return Some(rest);
    }
    let mut wanted = wanted.chars();
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        let (c, escaped) = match c {
            '\\' => (chars.next()?.1, true),
            c => (c, false),
        };
        if c == ':' && !escaped {
            return wanted.next().is_none().then(|| &line[i + 1..]);
        }
        if wanted.next() != Some(c) {
            return None;
        }
    }
    None
}

/// The password field: up to the next unescaped colon, escapes removed.
fn pgpass_password(rest: &str) -> String {
    let mut password = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            ':' => break,
            '\\' => password.push(chars.next().unwrap_or('\\')),
            c => password.push(c),
        }
    }
    password
}

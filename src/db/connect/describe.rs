//! The settings described without secrets (`user@host:port/db`), and the
//! same settings again as libpq variables for `pg_dump` and `pg_restore`.

use tokio_postgres::config::{ChannelBinding as PgChannelBinding, Host, TargetSessionAttrs};

use super::{ServerSettings, SslMode};

impl ServerSettings {
    /// The port tokio-postgres uses for the `index`th host: its own, or the
    /// only one given, or 5432.
    pub(super) fn port_for(&self, index: usize) -> u16 {
        let ports = self.pg.get_ports();
        ports
            .get(index)
            .or_else(|| ports.first())
            .copied()
            .unwrap_or(5432)
    }

    /// The hosts as written (socket directories as paths), or the
    /// `hostaddr`s when there are no host names.
    pub(super) fn host_names(&self) -> Vec<String> {
        let hosts = self.pg.get_hosts();
        if hosts.is_empty() {
            return self
                .pg
                .get_hostaddrs()
                .iter()
                .map(ToString::to_string)
                .collect();
        }
        hosts
            .iter()
            .map(|host| match host {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            })
            .collect()
    }

    /// `user@host:port/db` (several `host:port` separated by commas), never
    /// the password.
    pub fn describe(&self) -> String {
        let mut hosts: Vec<String> = self
            .host_names()
            .into_iter()
            .enumerate()
            .map(|(i, host)| {
                let port = self.port_for(i);
                if host.contains(':') && !host.starts_with('/') {
                    format!("[{host}]:{port}")
                } else {
                    format!("{host}:{port}")
                }
            })
            .collect();
        if hosts.is_empty() {
            hosts.push("?".to_owned());
        }
        let user = self.pg.get_user().unwrap_or("?");
        // The server's default database is the user's name.
        let database = self.pg.get_dbname().unwrap_or(user);
        format!("{user}@{}/{database}", hosts.join(","))
    }

    /// libpq environment variables that reach the same server the same
    /// way, for `pg_dump` and `pg_restore`: the environment, not the
    /// command line, so that a password never shows in the process list.
    ///
    /// `PGSSLROOTCERT=system` needs libpq 16 or later, and libpq takes it
    /// only with `verify-full`; under `verify-ca` with the system's roots
    /// it is left unset (libpq then uses `~/.postgresql/root.crt`).
    pub fn libpq_env(&self) -> Vec<(&'static str, String)> {
        let config = &self.pg;
        let mut env = Vec::new();
        if !config.get_hosts().is_empty() {
            env.push(("PGHOST", self.host_names().join(",")));
        }
        if !config.get_hostaddrs().is_empty() {
            let addrs: Vec<String> = config
                .get_hostaddrs()
                .iter()
                .map(ToString::to_string)
                .collect();
            env.push(("PGHOSTADDR", addrs.join(",")));
        }
        if !config.get_ports().is_empty() {
            let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
            env.push(("PGPORT", ports.join(",")));
        }
        if let Some(user) = config.get_user() {
            env.push(("PGUSER", user.to_owned()));
        }
        if let Some(database) = config.get_dbname() {
            env.push(("PGDATABASE", database.to_owned()));
        }
        if let Some(password) = config.get_password() {
            env.push(("PGPASSWORD", String::from_utf8_lossy(password).into_owned()));
        }
        env.push(("PGSSLMODE", self.tls.mode.as_str().to_owned()));
        match &self.tls.root_cert {
            Some(path) => env.push(("PGSSLROOTCERT", path.display().to_string())),
            None if self.tls.mode == SslMode::VerifyFull => {
                env.push(("PGSSLROOTCERT", "system".to_owned()));
            }
            None => {}
        }
        // Only what differs from libpq's defaults (prefer, any).
        match config.get_channel_binding() {
            PgChannelBinding::Disable => env.push(("PGCHANNELBINDING", "disable".to_owned())),
            PgChannelBinding::Require => env.push(("PGCHANNELBINDING", "require".to_owned())),
            _ => {}
        }
        match config.get_target_session_attrs() {
            TargetSessionAttrs::ReadWrite => {
                env.push(("PGTARGETSESSIONATTRS", "read-write".to_owned()));
            }
            TargetSessionAttrs::ReadOnly => {
                env.push(("PGTARGETSESSIONATTRS", "read-only".to_owned()));
            }
            _ => {}
        }
        if let Some(timeout) = config.get_connect_timeout() {
            env.push(("PGCONNECT_TIMEOUT", timeout.as_secs().to_string()));
        }
        if let Some(name) = config.get_application_name() {
            env.push(("PGAPPNAME", name.to_owned()));
        }
        env
    }
}

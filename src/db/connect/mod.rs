//! How epic reaches a PostgreSQL server it does not manage itself: the
//! settings (a libpq URL or key=value string, or a profile in the user's
//! config file), the TLS connector, the password (`.pgpass`, `PGPASSWORD`),
//! and the same settings again as libpq variables for `pg_dump` and
//! `pg_restore`.
//!
//! Why epic does this itself: tokio-postgres only knows `sslmode`
//! `disable`, `prefer` and `require`, and it never looks at a certificate;
//! checking one is the connector's job. So `sslmode` and `sslrootcert` are
//! read here, taken out of the string, and the rest is handed to
//! tokio-postgres (which knows `channel_binding`, `target_session_attrs`,
//! multiple hosts, percent-encoding...). The connector then does what libpq
//! does for each mode:
//!
//! * `verify-full`: the chain must lead to a trusted root and the
//!   certificate must name the host (or IP address) connected to;
//! * `verify-ca`: the chain must lead to a trusted root; the name is not
//!   checked;
//! * `require` and `prefer`: encrypted, the certificate is not checked,
//!   unless `sslrootcert` names a file: then, as libpq does, like `verify-ca`.
//!
//! In every mode the handshake's signatures are checked, with the `ring`
//! provider's algorithms: an unchecked certificate still proves that the
//! peer holds its key, which is what channel binding builds on.
//!
//! One default differs from libpq on purpose: over TCP, `sslmode` is
//! `verify-full` unless asked otherwise (libpq's `prefer` lets anyone on the
//! path read the traffic or pose as the server). Over Unix sockets there is
//! no TLS at all, whatever is asked: PostgreSQL does not offer it there, and
//! the kernel already tells the peers apart. A list that mixes socket paths
//! and TCP hosts gets the TCP rules, and then a TLS-requiring mode cannot
//! reach the socket ones: keep such lists to one kind.
//!
//! Trusted roots are the `sslrootcert` file's certificates, or, without one
//! (or with `sslrootcert=system`, libpq 16's spelling), the system's, found
//! by `rustls-native-certs`. A self-signed server certificate can be its
//! own `sslrootcert`, but only if it is not marked as a CA's
//! (`basicConstraints=CA:FALSE`): webpki refuses a CA certificate presented
//! as a server's, where OpenSSL (libpq) accepts it. `openssl req -x509`
//! marks it as a CA's by default; `tls_problem` says so when it happens.
//!
//! The rustls configuration is always built with the `ring` provider passed
//! explicitly, never a process-wide default, so nothing else in the process
//! can change which algorithms epic accepts.
//!
//! Secrets: a password never appears in an error message or a `Debug`
//! output (`ServerSettings` has a hand-written `Debug`). Passwords are never
//! read from the config file: they belong in `~/.pgpass` (which must not be
//! readable by others) or `PGPASSWORD`.
//!
//! Errors and exit codes: settings that are wrong (a bad URL, an unknown
//! key, a missing CA file) are usage errors; a file that exists but cannot
//! be read is internal; no trusted roots on this system is
//! `DatabaseUnavailable`: the settings are fine and the fix is in the
//! environment (install the CA bundle, or point `sslrootcert` at the CA).

//! The code map: [`url`] reads a connection string, [`describe`] writes
//! the settings back (without secrets, or as libpq variables), [`tls`] is
//! the connector and its verifiers, [`channel_binding`] the certificate
//! hash SCRAM binds to, [`problem`] tells TLS failures apart, [`profile`]
//! reads the config file, [`target`] says what the configuration points
//! at, and [`password`] finds the password.

mod channel_binding;
mod describe;
mod password;
mod problem;
mod profile;
mod target;
mod tls;
mod url;

#[cfg(test)]
mod tests;

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::str::FromStr;

use tokio_postgres::config::SslMode as PgSslMode;

pub use password::{default_pgpass, pgpass_lookup};
pub use problem::{TlsProblem, tls_problem};
pub use profile::{Profile, RoleOverrides, default_config_path, load_profile, parse_profile};
pub use target::{Target, role_names, target};
pub use tls::{MakeRustlsConnect, RustlsConnect, RustlsStream, Tls, unencrypted};

use crate::exit::Exit;

/// How much TLS a connection insists on, in libpq's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

const SSL_MODES: &str = "`disable`, `prefer`, `require`, `verify-ca`, `verify-full`";

impl SslMode {
    /// libpq's spelling (`PGSSLMODE`).
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    /// What tokio-postgres is told: the verify modes are `require` on the
    /// wire, the checking is the connector's.
    fn protocol(self) -> PgSslMode {
        match self {
            SslMode::Disable => PgSslMode::Disable,
            SslMode::Prefer => PgSslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => PgSslMode::Require,
        }
    }
}

impl FromStr for SslMode {
    type Err = ConnectError;

    fn from_str(text: &str) -> Result<SslMode, ConnectError> {
        match text {
            "disable" => Ok(SslMode::Disable),
            "prefer" => Ok(SslMode::Prefer),
            "require" => Ok(SslMode::Require),
            "verify-ca" => Ok(SslMode::VerifyCa),
            "verify-full" => Ok(SslMode::VerifyFull),
            other => Err(ConnectError::UnknownSslMode {
                given: other.to_owned(),
            }),
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    pub mode: SslMode,
    /// The CA certificates to trust (`sslrootcert`); `None` is the system's.
    pub root_cert: Option<PathBuf>,
}

/// Everything needed to reach one server (or one list of servers).
#[derive(Clone)]
pub struct ServerSettings {
    /// What tokio-postgres is given; its `ssl_mode` follows `tls.mode`.
    pub pg: tokio_postgres::Config,
    pub tls: TlsSettings,
}

impl fmt::Debug for ServerSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerSettings")
            .field("server", &self.describe())
            .field("password", &self.pg.get_password().map(|_| "***"))
            .field("tls", &self.tls)
            .field("channel_binding", &self.pg.get_channel_binding())
            .field("target_session_attrs", &self.pg.get_target_session_attrs())
            .field("application_name", &self.pg.get_application_name())
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("unknown sslmode `{given}`\nhelp: sslmode is one of {}", SSL_MODES)]
    UnknownSslMode { given: String },
    #[error(
        "the connection settings are not valid: {detail}\n\
         help: write them as postgres://USER@HOST:PORT/DATABASE?sslmode=verify-full, \
         or as key=value pairs (`host=... dbname=...`)"
    )]
    BadSettings {
        /// Never holds a value from the settings, only names and positions.
        detail: String,
        #[source]
        source: Option<tokio_postgres::Error>,
    },
    #[error(
        "the CA file {} (sslrootcert) does not exist\n\
         help: sslrootcert names a PEM file of the certificate authorities to trust, \
         or is `system` for the system's",
        path.display()
    )]
    RootCertMissing { path: PathBuf },
    #[error(
        "the CA file {} (sslrootcert) holds no certificate\n\
         help: it must hold PEM certificates (`-----BEGIN CERTIFICATE-----`)",
        path.display()
    )]
    RootCertEmpty { path: PathBuf },
    #[error("the CA file {} (sslrootcert) is not valid: {detail}", path.display())]
    RootCertInvalid { path: PathBuf, detail: String },
    #[error(
        "no trusted certificate authorities were found on this system, and sslmode `{mode}` needs them\n\
         help: set sslrootcert to the CA file that signed the server's certificate, \
         or install the system's CA certificates (`ca-certificates`)"
    )]
    NoSystemRoots { mode: SslMode },
    #[error("cannot set up TLS: {detail}")]
    TlsSetup { detail: String },
    #[error("cannot read {what} {}: {source}", path.display())]
    Read {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{} is not valid TOML (line {line}, column {column}): {detail}", path.display())]
    ConfigSyntax {
        path: PathBuf,
        line: usize,
        column: usize,
        detail: String,
    },
    #[error(
        "there is no config file at {}, so there is no profile `{profile}`\n\
         help: create it with a `[profiles.{profile}]` table, or set EPIC_CONFIG to the file that has one",
        path.display()
    )]
    NoConfigFile { path: PathBuf, profile: String },
    #[error("there is no profile `{profile}` in {}\nhelp: {hint}", path.display())]
    NoSuchProfile {
        path: PathBuf,
        profile: String,
        /// Which profiles there are.
        hint: String,
    },
    #[error(
        "unknown key `{key}` in {table} of {}\nhelp: the keys accepted there are {accepted}",
        path.display()
    )]
    UnknownKey {
        path: PathBuf,
        table: String,
        key: String,
        accepted: String,
    },
    #[error("`{key}` in {table} of {} must be {expected}", path.display())]
    WrongType {
        path: PathBuf,
        table: String,
        key: String,
        expected: &'static str,
    },
    #[error(
        "{} sets a `password` in {table}\n\
         help: passwords go in ~/.pgpass or PGPASSWORD, never in the config file",
        path.display()
    )]
    PasswordInConfig { path: PathBuf, table: String },
    #[error("{table} of {} sets both `{one}` and `{other}`\nhelp: keep one of them", path.display())]
    BothKeys {
        path: PathBuf,
        table: String,
        one: &'static str,
        other: &'static str,
    },
    #[error("in {table} of {}: {source}", path.display())]
    InProfile {
        path: PathBuf,
        table: String,
        #[source]
        source: Box<ConnectError>,
    },
    #[error(
        "the password file {} can be read or changed by other users (mode {mode:03o})\n\
         help: `chmod 600 {}` (PostgreSQL ignores such a file, and epic refuses it)",
        path.display(),
        path.display()
    )]
    PgpassPermissions { path: PathBuf, mode: u32 },
    /// A role name of the config file's `[roles]` (or of `epic db roles`).
    #[error(transparent)]
    RoleName(#[from] crate::db::roles::RoleNameError),
}

impl ConnectError {
    /// Wrong settings are the user's to fix (usage); a file that is there
    /// but cannot be read, or a TLS library that refuses its own defaults,
    /// is internal; no trusted roots on this machine is an environment
    /// that cannot reach a server as asked (`DatabaseUnavailable`).
    pub fn exit(&self) -> Exit {
        match self {
            ConnectError::NoSystemRoots { .. } => Exit::DatabaseUnavailable,
            ConnectError::Read { source, .. } if source.kind() == io::ErrorKind::NotFound => {
                Exit::Usage
            }
            ConnectError::Read { .. } | ConnectError::TlsSetup { .. } => Exit::Internal,
            ConnectError::InProfile { source, .. } => source.exit(),
            ConnectError::UnknownSslMode { .. }
            | ConnectError::BadSettings { .. }
            | ConnectError::RootCertMissing { .. }
            | ConnectError::RootCertEmpty { .. }
            | ConnectError::RootCertInvalid { .. }
            | ConnectError::ConfigSyntax { .. }
            | ConnectError::NoConfigFile { .. }
            | ConnectError::NoSuchProfile { .. }
            | ConnectError::UnknownKey { .. }
            | ConnectError::WrongType { .. }
            | ConnectError::PasswordInConfig { .. }
            | ConnectError::BothKeys { .. }
            | ConnectError::PgpassPermissions { .. }
            | ConnectError::RoleName(_) => Exit::Usage,
        }
    }
}

fn bad_settings(detail: impl Into<String>) -> ConnectError {
    ConnectError::BadSettings {
        detail: detail.into(),
        source: None,
    }
}

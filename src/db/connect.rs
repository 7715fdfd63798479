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

use std::convert::Infallible;
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::config::{
    ChannelBinding as PgChannelBinding, Host, SslMode as PgSslMode, TargetSessionAttrs,
};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};
use toml_edit::TableLike;

use crate::error::Exit;

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
            | ConnectError::PgpassPermissions { .. } => Exit::Usage,
        }
    }
}

fn bad_settings(detail: impl Into<String>) -> ConnectError {
    ConnectError::BadSettings {
        detail: detail.into(),
        source: None,
    }
}

// ---------------------------------------------------------------------------
// Settings from a URL or a key=value string

/// A connection string with `sslmode` and `sslrootcert` taken out.
struct Stripped {
    rest: String,
    sslmode: Option<String>,
    sslrootcert: Option<String>,
}

impl ServerSettings {
    /// Reads either libpq form: `postgres://user:pw@host:port/db?sslmode=...`
    /// (or `postgresql://`, several `host:port` separated by commas,
    /// percent-encoding) or `host=... port=... sslmode=...` (values may be
    /// single-quoted, with backslash escapes).
    pub fn from_url(text: &str) -> Result<ServerSettings, ConnectError> {
        let text = text.trim();
        let stripped = if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            strip_url(text)?
        } else {
            strip_key_value(text)?
        };
        let mut pg = tokio_postgres::Config::from_str(&stripped.rest).map_err(|source| {
            ConnectError::BadSettings {
                detail: driver_detail(&source),
                source: Some(source),
            }
        })?;
        let asked = stripped
            .sslmode
            .as_deref()
            .map(SslMode::from_str)
            .transpose()?;
        let root_cert = match stripped.sslrootcert.as_deref() {
            None | Some("") | Some("system") => None,
            Some(path) => Some(PathBuf::from(path)),
        };
        let unix_only = !pg.get_hosts().is_empty()
            && pg.get_hostaddrs().is_empty()
            && pg.get_hosts().iter().all(|h| matches!(h, Host::Unix(_)));
        let mode = if unix_only {
            SslMode::Disable
        } else {
            asked.unwrap_or(SslMode::VerifyFull)
        };
        pg.ssl_mode(mode.protocol());
        if pg.get_application_name().is_none() {
            pg.application_name("epic");
        }
        Ok(ServerSettings {
            pg,
            tls: TlsSettings { mode, root_cert },
        })
    }
}

/// What tokio-postgres said about the settings: the names of options, never
/// their values (its messages are `unknown option `x``, `invalid value for
/// option `x``...).
fn driver_detail(error: &tokio_postgres::Error) -> String {
    match error.source() {
        Some(cause) => cause.to_string(),
        None => error.to_string(),
    }
}

/// Takes `sslmode` and `sslrootcert` out of a URL's query. The boundaries
/// are found as tokio-postgres finds them (the credentials end at the first
/// `@`, the query starts at the next `?`), so that what is left parses the
/// same way it would have.
fn strip_url(text: &str) -> Result<Stripped, ConnectError> {
    let after_credentials = text.find('@').map_or(0, |at| at + 1);
    let Some(query_start) = text[after_credentials..]
        .find('?')
        .map(|i| after_credentials + i)
    else {
        return Ok(Stripped {
            rest: text.to_owned(),
            sslmode: None,
            sslrootcert: None,
        });
    };
    let mut stripped = Stripped {
        rest: text[..query_start].to_owned(),
        sslmode: None,
        sslrootcert: None,
    };
    let mut kept = Vec::new();
    for param in text[query_start + 1..].split('&') {
        let Some((key, value)) = param.split_once('=') else {
            kept.push(param);
            continue;
        };
        match percent_decode(key)?.as_str() {
            "sslmode" => stripped.sslmode = Some(percent_decode(value)?),
            "sslrootcert" => stripped.sslrootcert = Some(percent_decode(value)?),
            _ => kept.push(param),
        }
    }
    if !kept.is_empty() {
        stripped.rest.push('?');
        stripped.rest.push_str(&kept.join("&"));
    }
    Ok(stripped)
}

fn percent_decode(text: &str) -> Result<String, ConnectError> {
    fn hex(byte: Option<&u8>) -> Option<u8> {
        byte.and_then(|b| char::from(*b).to_digit(16))
            .and_then(|d| u8::try_from(d).ok())
    }
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match (byte, hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
            (b'%', Some(high), Some(low)) => {
                decoded.push(high << 4 | low);
                i += 3;
            }
            _ => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(decoded)
        .map_err(|_| bad_settings("a parameter of the URL is not valid UTF-8 once percent-decoded"))
}

/// Takes `sslmode` and `sslrootcert` out of a key=value string, read with
/// tokio-postgres' rules (keywords end at `=` or a space, values are plain
/// or single-quoted, backslash escapes the next character), and writes the
/// rest back with every value quoted.
fn strip_key_value(text: &str) -> Result<Stripped, ConnectError> {
    let mut stripped = Stripped {
        rest: String::new(),
        sslmode: None,
        sslrootcert: None,
    };
    let mut kept = Vec::new();
    for (key, value) in key_value_pairs(text)? {
        match key {
            "sslmode" => stripped.sslmode = Some(value),
            "sslrootcert" => stripped.sslrootcert = Some(value),
            _ => kept.push(format!("{key}={}", quote(&value))),
        }
    }
    stripped.rest = kept.join(" ");
    Ok(stripped)
}

/// The pairs of a key=value string. Errors name positions, never text: a
/// misplaced word could be a password.
fn key_value_pairs(text: &str) -> Result<Vec<(&str, String)>, ConnectError> {
    let mut pairs = Vec::new();
    let mut chars = text.char_indices().peekable();
    let skip_space = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
    };
    loop {
        skip_space(&mut chars);
        let Some(&(start, _)) = chars.peek() else {
            return Ok(pairs);
        };
        while chars
            .next_if(|&(_, c)| !c.is_whitespace() && c != '=')
            .is_some()
        {}
        let end = chars.peek().map_or(text.len(), |&(i, _)| i);
        let key = &text[start..end];
        if key.is_empty() {
            return Err(bad_settings(format!(
                "a keyword is missing before `=` at byte {start}"
            )));
        }
        skip_space(&mut chars);
        if chars.next_if(|&(_, c)| c == '=').is_none() {
            return Err(bad_settings(format!(
                "`=` is missing after the keyword at byte {start}"
            )));
        }
        skip_space(&mut chars);
        let mut value = String::new();
        if chars.next_if(|&(_, c)| c == '\'').is_some() {
            loop {
                match chars.next() {
                    None => {
                        return Err(bad_settings(format!(
                            "the quoted value of `{key}` is not terminated"
                        )));
                    }
                    Some((_, '\'')) => break,
                    Some((_, '\\')) => value.extend(chars.next().map(|(_, c)| c)),
                    Some((_, c)) => value.push(c),
                }
            }
        } else {
            while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace()) {
                if c == '\\' {
                    value.extend(chars.next().map(|(_, c)| c));
                } else {
                    value.push(c);
                }
            }
            if value.is_empty() {
                return Err(bad_settings(format!("`{key}=` has no value")));
            }
        }
        pairs.push((key, value));
    }
}

/// A key=value value, single-quoted with `\` and `'` escaped.
fn quote(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('\'');
    for c in value.chars() {
        if c == '\\' || c == '\'' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

// ---------------------------------------------------------------------------
// Describing the settings, and handing them to libpq tools

impl ServerSettings {
    /// The port tokio-postgres uses for the `index`th host: its own, or the
    /// only one given, or 5432.
    fn port_for(&self, index: usize) -> u16 {
        let ports = self.pg.get_ports();
        ports
            .get(index)
            .or_else(|| ports.first())
            .copied()
            .unwrap_or(5432)
    }

    /// The hosts as written (socket directories as paths), or the
    /// `hostaddr`s when there are no host names.
    fn host_names(&self) -> Vec<String> {
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

// ---------------------------------------------------------------------------
// The TLS connector

impl ServerSettings {
    /// A connector that does what libpq does for `tls.mode` (see the module
    /// documentation). Reads the CA file, or the system's roots, now: a
    /// problem with them shows before any connection is tried.
    pub fn tls_connector(&self) -> Result<MakeRustlsConnect, ConnectError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let algorithms = provider.signature_verification_algorithms;
        let mode = self.tls.mode;
        let root_cert = self.tls.root_cert.as_deref();
        let verifier: Arc<dyn ServerCertVerifier> = match (mode, root_cert) {
            // Disable never starts a handshake; the connector is only there
            // because tokio-postgres wants one.
            (SslMode::Disable, _) | (SslMode::Prefer | SslMode::Require, None) => {
                Arc::new(PartialVerifier {
                    check: PartialCheck::EncryptOnly,
                    algorithms,
                })
            }
            (SslMode::Prefer | SslMode::Require | SslMode::VerifyCa, _) => {
                Arc::new(PartialVerifier {
                    check: PartialCheck::ChainOnly(webpki_verifier(
                        trusted_roots(root_cert, mode)?,
                        &provider,
                    )?),
                    algorithms,
                })
            }
            (SslMode::VerifyFull, _) => {
                webpki_verifier(trusted_roots(root_cert, mode)?, &provider)?
            }
        };
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ConnectError::TlsSetup {
                detail: e.to_string(),
            })?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        // What libpq 17 sends: PostgreSQL 17 requires it for
        // `sslnegotiation=direct`, older servers ignore it.
        config.alpn_protocols = vec![b"postgresql".to_vec()];
        Ok(MakeRustlsConnect {
            config: Arc::new(config),
        })
    }
}

/// The TLS connector every pool and connection of epic's uses.
pub type Tls = MakeRustlsConnect;

/// A connector for connections that never start TLS (the local cluster's
/// Unix socket): tokio-postgres wants one all the same.
pub fn unencrypted() -> Tls {
    let settings = ServerSettings {
        pg: tokio_postgres::Config::new(),
        tls: TlsSettings {
            mode: SslMode::Disable,
            root_cert: None,
        },
    };
    settings
        .tls_connector()
        .expect("a connector that verifies nothing needs no file")
}

fn webpki_verifier(
    roots: RootCertStore,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>, ConnectError> {
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| ConnectError::TlsSetup {
            detail: e.to_string(),
        })
}

fn trusted_roots(root_cert: Option<&Path>, mode: SslMode) -> Result<RootCertStore, ConnectError> {
    match root_cert {
        Some(path) => roots_from_file(path),
        None => roots_from_system(rustls_native_certs::load_native_certs().certs, mode),
    }
}

fn roots_from_file(path: &Path) -> Result<RootCertStore, ConnectError> {
    let pem = std::fs::read(path).map_err(|source| {
        if source.kind() == io::ErrorKind::NotFound {
            ConnectError::RootCertMissing {
                path: path.to_owned(),
            }
        } else {
            ConnectError::Read {
                what: "the CA file",
                path: path.to_owned(),
                source,
            }
        }
    })?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConnectError::RootCertInvalid {
            path: path.to_owned(),
            detail: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(ConnectError::RootCertEmpty {
            path: path.to_owned(),
        });
    }
    let mut roots = RootCertStore::empty();
    let (added, _unusable) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(ConnectError::RootCertInvalid {
            path: path.to_owned(),
            detail: "none of its certificates can be read".to_owned(),
        });
    }
    Ok(roots)
}

fn roots_from_system(
    certs: Vec<CertificateDer<'static>>,
    mode: SslMode,
) -> Result<RootCertStore, ConnectError> {
    let mut roots = RootCertStore::empty();
    let (added, _unusable) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(ConnectError::NoSystemRoots { mode });
    }
    Ok(roots)
}

/// The certificate checks libpq leaves out for `require`/`prefer` (none)
/// and `verify-ca` (the name); `verify-full` uses webpki's verifier as it is.
/// Either way the handshake must be signed by the certificate's key.
#[derive(Debug)]
struct PartialVerifier {
    check: PartialCheck,
    algorithms: WebPkiSupportedAlgorithms,
}

#[derive(Debug)]
enum PartialCheck {
    /// `require` and `prefer` without a CA: any certificate.
    EncryptOnly,
    /// `verify-ca`: the full check, except that a certificate not valid for
    /// the name is accepted. webpki checks the chain (and dates, and usage)
    /// before the name, so a name error means everything else passed.
    ChainOnly(Arc<WebPkiServerVerifier>),
}

impl ServerCertVerifier for PartialVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let PartialCheck::ChainOnly(inner) = &self.check else {
            return Ok(ServerCertVerified::assertion());
        };
        match inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The connector handed to tokio-postgres (or to
/// `deadpool_postgres::Manager::from_config`): one rustls configuration,
/// shared by every connection.
#[derive(Clone)]
pub struct MakeRustlsConnect {
    config: Arc<ClientConfig>,
}

impl fmt::Debug for MakeRustlsConnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MakeRustlsConnect")
    }
}

impl<S> MakeTlsConnect<S> for MakeRustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type TlsConnect = RustlsConnect;
    type Error = Infallible;

    /// tokio-postgres calls this for every host, with an empty name for
    /// Unix sockets (where no handshake follows), so a name that is not
    /// one is reported only if a handshake is tried.
    fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnect, Infallible> {
        Ok(RustlsConnect {
            config: self.config.clone(),
            domain: domain.to_owned(),
        })
    }
}

/// One handshake's connector, for one host name.
pub struct RustlsConnect {
    config: Arc<ClientConfig>,
    domain: String,
}

impl<S> TlsConnect<S> for RustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let name = ServerName::try_from(self.domain.clone()).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("`{}` is not a host name TLS can check", self.domain),
                )
            })?;
            let stream = tokio_rustls::TlsConnector::from(self.config)
                .connect(name, stream)
                .await?;
            Ok(RustlsStream(stream))
        })
    }
}

/// A TLS stream that tells tokio-postgres its `tls-server-end-point`
/// channel binding (RFC 5929), so that `channel_binding=require` works.
pub struct RustlsStream<S>(tokio_rustls::client::TlsStream<S>);

impl<S> TlsStream for RustlsStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    fn channel_binding(&self) -> ChannelBinding {
        self.end_point()
            .map_or_else(ChannelBinding::none, ChannelBinding::tls_server_end_point)
    }
}

impl<S> RustlsStream<S> {
    fn end_point(&self) -> Option<Vec<u8>> {
        let (_, connection) = self.0.get_ref();
        connection
            .peer_certificates()
            .and_then(|chain| chain.first())
            .and_then(|cert| tls_server_end_point(cert))
    }
}

impl<S> AsyncRead for RustlsStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S> AsyncWrite for RustlsStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

/// RFC 5929's `tls-server-end-point`: the server certificate hashed with
/// the hash of its signature algorithm, SHA-256 for MD5 and SHA-1. `None`
/// for algorithms without one (Ed25519): the server cannot bind either.
fn tls_server_end_point(cert: &[u8]) -> Option<Vec<u8>> {
    use sha2::Digest;
    Some(match signature_hash(cert)? {
        EndPointHash::Sha224 => sha2::Sha224::digest(cert).to_vec(),
        EndPointHash::Sha256 => sha2::Sha256::digest(cert).to_vec(),
        EndPointHash::Sha384 => sha2::Sha384::digest(cert).to_vec(),
        EndPointHash::Sha512 => sha2::Sha512::digest(cert).to_vec(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EndPointHash {
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

const DER_SEQUENCE: u8 = 0x30;
const DER_OID: u8 = 0x06;
/// `[0]`, constructed: the first field of RSASSA-PSS parameters.
const DER_CONTEXT_0: u8 = 0xa0;

/// The hash of a certificate's `signatureAlgorithm` (the field after
/// `tbsCertificate`: `Certificate ::= SEQUENCE { tbsCertificate,
/// signatureAlgorithm AlgorithmIdentifier, signatureValue }`).
fn signature_hash(cert: &[u8]) -> Option<EndPointHash> {
    let (DER_SEQUENCE, certificate, _) = der_element(cert)? else {
        return None;
    };
    let (DER_SEQUENCE, _tbs, rest) = der_element(certificate)? else {
        return None;
    };
    let (DER_SEQUENCE, algorithm, _) = der_element(rest)? else {
        return None;
    };
    let (DER_OID, oid, parameters) = der_element(algorithm)? else {
        return None;
    };
    const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01];
    const ECDSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04];
    if let Some(last) = oid.strip_prefix(RSA) {
        return match last {
            [4] | [5] | [11] => Some(EndPointHash::Sha256), // MD5, SHA-1, SHA-256
            [12] => Some(EndPointHash::Sha384),
            [13] => Some(EndPointHash::Sha512),
            [14] => Some(EndPointHash::Sha224),
            [10] => pss_hash(parameters),
            _ => None,
        };
    }
    match oid.strip_prefix(ECDSA)? {
        [1] | [3, 2] => Some(EndPointHash::Sha256), // SHA-1, SHA-256
        [3, 1] => Some(EndPointHash::Sha224),
        [3, 3] => Some(EndPointHash::Sha384),
        [3, 4] => Some(EndPointHash::Sha512),
        _ => None,
    }
}

/// RSASSA-PSS names its hash in its parameters (`hashAlgorithm [0]`,
/// SHA-1 when absent).
fn pss_hash(parameters: &[u8]) -> Option<EndPointHash> {
    let (DER_SEQUENCE, fields, _) = der_element(parameters)? else {
        return None;
    };
    let Some((DER_CONTEXT_0, hash, _)) = der_element(fields) else {
        return Some(EndPointHash::Sha256);
    };
    let (DER_SEQUENCE, algorithm, _) = der_element(hash)? else {
        return None;
    };
    let (DER_OID, oid, _) = der_element(algorithm)? else {
        return None;
    };
    const SHA2: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02];
    const SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];
    if oid == SHA1 {
        return Some(EndPointHash::Sha256);
    }
    match oid.strip_prefix(SHA2)? {
        [1] => Some(EndPointHash::Sha256),
        [2] => Some(EndPointHash::Sha384),
        [3] => Some(EndPointHash::Sha512),
        [4] => Some(EndPointHash::Sha224),
        _ => None,
    }
}

/// One DER element: its tag, its contents, and what follows it.
fn der_element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        let length = bytes
            .iter()
            .fold(0usize, |length, &b| (length << 8) | usize::from(b));
        (length, rest)
    };
    if rest.len() < length {
        return None;
    }
    let (contents, after) = rest.split_at(length);
    Some((tag, contents, after))
}

// ---------------------------------------------------------------------------
// Telling TLS failures apart

/// Why a connection's TLS (or its channel binding) failed, in words a user
/// can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsProblem {
    #[error(
        "the server's certificate is not signed by a certificate authority epic trusts\n\
         help: check sslrootcert: it must be the CA that signed the server's certificate"
    )]
    UnknownIssuer,
    #[error(
        "the server's certificate is not valid for the host name epic connected to\n\
         help: connect with a host name the certificate lists, or have the certificate reissued for this one"
    )]
    WrongHost,
    #[error(
        "the server's certificate has expired\n\
         help: the server needs a renewed certificate (check this computer's clock too)"
    )]
    Expired,
    #[error(
        "the server does not offer TLS\n\
         help: enable ssl on the server, or, on a network you trust, set sslmode=disable"
    )]
    NoTlsOffered,
    #[error(
        "the server did not use channel binding, and channel_binding=require asks for it\n\
         help: channel binding needs TLS (an sslmode other than `disable`) and a password \
         the server keeps as SCRAM-SHA-256"
    )]
    ChannelBinding,
    #[error(
        "the TLS handshake with the server failed: {0}\nhelp: check sslmode and the server's TLS settings"
    )]
    Other(String),
}

/// What went wrong with TLS or channel binding in `error`, if that is
/// what went wrong.
pub fn tls_problem(error: &tokio_postgres::Error) -> Option<TlsProblem> {
    classify(error)
}

/// Walks the source chain. rustls errors arrive inside an `io::Error`
/// (from tokio-rustls), whose `source()` skips them: they are looked for
/// with `get_ref`.
fn classify(error: &(dyn StdError + 'static)) -> Option<TlsProblem> {
    let mut in_handshake = false;
    let mut innermost = None;
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(rustls) = rustls_error(error) {
            return Some(from_rustls(rustls));
        }
        if let Some(db) = error.downcast_ref::<tokio_postgres::error::DbError>() {
            // The server's words for a binding that did not match
            // ("SCRAM channel binding check failed", ...).
            let message = db.message().to_lowercase();
            return (message.contains("channel binding") || message.contains("channel-binding"))
                .then_some(TlsProblem::ChannelBinding);
        }
        let text = error.to_string();
        // tokio-postgres' own messages (connect_tls.rs, connect_raw.rs,
        // error/mod.rs in 0.7).
        match text.as_str() {
            "server does not support TLS" => return Some(TlsProblem::NoTlsOffered),
            "server did not use channel binding" => return Some(TlsProblem::ChannelBinding),
            "error performing TLS handshake" => in_handshake = true,
            _ => {}
        }
        innermost = Some(text);
        current = error.source();
    }
    if in_handshake {
        innermost.map(TlsProblem::Other)
    } else {
        None
    }
}

fn rustls_error<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    if let Some(rustls) = error.downcast_ref::<rustls::Error>() {
        return Some(rustls);
    }
    error
        .downcast_ref::<io::Error>()?
        .get_ref()?
        .downcast_ref::<rustls::Error>()
}

fn from_rustls(error: &rustls::Error) -> TlsProblem {
    match error {
        // A bad signature: a certificate naming a trusted CA as its issuer
        // that this CA did not sign. To the user, the same: not our CA's.
        rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer | CertificateError::BadSignature,
        ) => TlsProblem::UnknownIssuer,
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => TlsProblem::WrongHost,
        rustls::Error::InvalidCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        ) => TlsProblem::Expired,
        // webpki's words for a CA certificate presented as the server's:
        // what `openssl req -x509` makes by default, so worth explaining.
        rustls::Error::InvalidCertificate(CertificateError::Other(other))
            if other.to_string() == "CaUsedAsEndEntity" =>
        {
            TlsProblem::Other(
                "the server presents a CA certificate as its own (as `openssl req -x509` makes \
                 by default), which only names a certificate authority"
                    .to_owned(),
            )
        }
        other => TlsProblem::Other(other.to_string()),
    }
}

// ---------------------------------------------------------------------------
// Per-user profiles

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
        let offset = e.span().map_or(0, |span| span.start).min(text.len());
        let boundary = (0..=offset)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let before = &text[..boundary];
        ConnectError::ConfigSyntax {
            path: path.to_owned(),
            line: before.matches('\n').count() + 1,
            column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
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
            _ => keys.set(key, item, path, &top_table, &["profiles", "roles"])?,
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
        let string = || string_value(item, path, table, key);
        let host = |value: &str| {
            if value.is_empty() || value.contains(',') {
                Err(wrong_type(
                    path,
                    table,
                    key,
                    "a host name or socket directory (use `hosts` for several)",
                ))
            } else {
                Ok(value.to_owned())
            }
        };
        let port = |value: Option<i64>| {
            value
                .and_then(|v| u16::try_from(v).ok())
                .filter(|&v| v > 0)
                .ok_or_else(|| wrong_type(path, table, key, "a port number from 1 to 65535"))
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
            "host" => self.hosts = Some(vec![host(&string()?)?]),
            "hosts" => {
                let array = item
                    .as_array()
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| wrong_type(path, table, key, "a list of host names"))?;
                let hosts = array
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .ok_or_else(|| wrong_type(path, table, key, "a list of host names"))
                            .and_then(&host)
                    })
                    .collect::<Result<_, _>>()?;
                self.hosts = Some(hosts);
            }
            "port" => self.ports = Some(vec![port(item.as_integer())?]),
            "ports" => {
                let array = item
                    .as_array()
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| wrong_type(path, table, key, "a list of port numbers"))?;
                let ports = array
                    .iter()
                    .map(|v| port(v.as_integer()))
                    .collect::<Result<_, _>>()?;
                self.ports = Some(ports);
            }
            "database" => self.database = Some(string()?),
            "user" => self.user = Some(string()?),
            "sslmode" => {
                let mode = string()?;
                SslMode::from_str(&mode).map_err(|_| {
                    wrong_type(
                        path,
                        table,
                        key,
                        "one of `disable`, `prefer`, `require`, `verify-ca`, `verify-full`",
                    )
                })?;
                self.sslmode = Some(mode);
            }
            "sslrootcert" => self.sslrootcert = Some(expand_home(&string()?)),
            "channel_binding" => {
                let value = string()?;
                if !["disable", "prefer", "require"].contains(&value.as_str()) {
                    let expected = "one of `disable`, `prefer`, `require`";
                    return Err(wrong_type(path, table, key, expected));
                }
                self.channel_binding = Some(value);
            }
            "target_session_attrs" => {
                let value = string()?;
                if !["any", "read-write", "read-only"].contains(&value.as_str()) {
                    let expected = "one of `any`, `read-write`, `read-only`";
                    return Err(wrong_type(path, table, key, expected));
                }
                self.target_session_attrs = Some(value);
            }
            "application_name" => self.application_name = Some(string()?),
            "connect_timeout" => {
                let seconds = item
                    .as_integer()
                    .and_then(|v| u64::try_from(v).ok())
                    .ok_or_else(|| wrong_type(path, table, key, "a number of seconds"))?;
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

/// `~/x` is `x` in the home directory (the config file is the user's own;
/// libpq strings get no such expansion).
fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest).display().to_string(),
        _ => path.to_owned(),
    }
}

// ---------------------------------------------------------------------------
// Passwords

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::process::Command;
    use std::time::Duration;

    use rustls::pki_types::PrivateKeyDer;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

    fn settings(text: &str) -> ServerSettings {
        ServerSettings::from_url(text).expect("valid settings")
    }

    fn error(text: &str) -> ConnectError {
        ServerSettings::from_url(text).expect_err("invalid settings")
    }

    // --- Settings from a URL or key=value -------------------------------

    #[test]
    fn a_url_gives_its_settings_with_the_tls_keys_taken_out() {
        let s = settings(
            "postgres://alice:s%40cret@db.example.com:6432/crm\
             ?sslmode=verify-ca&sslrootcert=/etc/epic/ca.pem&channel_binding=require",
        );
        assert_eq!(s.tls.mode, SslMode::VerifyCa);
        assert_eq!(s.tls.root_cert, Some(PathBuf::from("/etc/epic/ca.pem")));
        assert_eq!(s.pg.get_user(), Some("alice"));
        assert_eq!(s.pg.get_password(), Some(&b"s@cret"[..]));
        assert_eq!(s.pg.get_dbname(), Some("crm"));
        assert_eq!(
            s.pg.get_hosts(),
            &[Host::Tcp("db.example.com".to_owned())][..]
        );
        assert_eq!(s.pg.get_ports(), &[6432][..]);
        assert_eq!(s.pg.get_channel_binding(), PgChannelBinding::Require);
        assert_eq!(s.pg.get_ssl_mode(), PgSslMode::Require);
        assert_eq!(s.pg.get_application_name(), Some("epic"));
    }

    #[test]
    fn the_query_is_rebuilt_without_the_tls_keys_and_in_order() {
        let stripped = strip_url(
            "postgresql://u@h/db?application_name=a&sslmode=require&target_session_attrs=read-write&sslrootcert=%2Fca.pem",
        )
        .expect("valid");
        assert_eq!(
            stripped.rest,
            "postgresql://u@h/db?application_name=a&target_session_attrs=read-write"
        );
        assert_eq!(stripped.sslmode.as_deref(), Some("require"));
        assert_eq!(stripped.sslrootcert.as_deref(), Some("/ca.pem"));

        let only_tls = strip_url("postgres://u@h/db?sslmode=disable").expect("valid");
        assert_eq!(only_tls.rest, "postgres://u@h/db");
        let no_query = strip_url("postgres://u:p?w@h/db").expect("valid");
        assert_eq!(no_query.rest, "postgres://u:p?w@h/db");
        assert_eq!(no_query.sslmode, None);
    }

    #[test]
    fn several_hosts_keep_their_ports() {
        let s = settings("postgresql://u@h1:5432,h2:5433/db");
        assert_eq!(
            s.pg.get_hosts(),
            &[Host::Tcp("h1".to_owned()), Host::Tcp("h2".to_owned())][..]
        );
        assert_eq!(s.pg.get_ports(), &[5432, 5433][..]);
        assert_eq!(s.describe(), "u@h1:5432,h2:5433/db");
        assert_eq!(s.tls.mode, SslMode::VerifyFull);

        let kv = settings("host=h1,h2 port=5432,5433 user=u dbname=db");
        assert_eq!(kv.describe(), "u@h1:5432,h2:5433/db");
    }

    #[test]
    fn percent_encoding_is_decoded_in_the_tls_keys_too() {
        let s = settings("postgres://u@h/db?sslrootcert=%2Ftmp%2Fa%20b.pem&sslmode=verify%2Dfull");
        assert_eq!(s.tls.root_cert, Some(PathBuf::from("/tmp/a b.pem")));
        assert_eq!(s.tls.mode, SslMode::VerifyFull);
        // A `%` not followed by two hex digits is itself.
        assert_eq!(percent_decode("100%").expect("valid"), "100%");
        assert!(matches!(
            percent_decode("%ff"),
            Err(ConnectError::BadSettings { .. })
        ));
    }

    #[test]
    fn ipv6_hosts_are_written_with_brackets() {
        let s = settings("postgres://u@[::1]:5433/db");
        assert_eq!(s.pg.get_hosts(), &[Host::Tcp("::1".to_owned())][..]);
        assert_eq!(s.describe(), "u@[::1]:5433/db");
    }

    #[test]
    fn key_value_settings_take_quotes_and_escapes() {
        let s = settings(
            r"host=db.example.com port=5433 user=u dbname=d sslmode=verify-ca sslrootcert='/a b.pem' password='it\'s \\ here' application_name=my\ app",
        );
        assert_eq!(s.tls.mode, SslMode::VerifyCa);
        assert_eq!(s.tls.root_cert, Some(PathBuf::from("/a b.pem")));
        assert_eq!(s.pg.get_password(), Some(&br"it's \ here"[..]));
        assert_eq!(s.pg.get_application_name(), Some("my app"));
        assert_eq!(s.pg.get_ports(), &[5433][..]);
        // Spaces around `=` are allowed, as tokio-postgres allows them.
        let spaced = settings("host = h  user= u sslmode =require");
        assert_eq!(spaced.tls.mode, SslMode::Require);
        assert_eq!(spaced.pg.get_user(), Some("u"));
    }

    #[test]
    fn tcp_defaults_to_verify_full_and_every_mode_maps_to_the_wire() {
        assert_eq!(settings("host=h user=u").tls.mode, SslMode::VerifyFull);
        let cases = [
            ("disable", SslMode::Disable, PgSslMode::Disable),
            ("prefer", SslMode::Prefer, PgSslMode::Prefer),
            ("require", SslMode::Require, PgSslMode::Require),
            ("verify-ca", SslMode::VerifyCa, PgSslMode::Require),
            ("verify-full", SslMode::VerifyFull, PgSslMode::Require),
        ];
        for (text, mode, wire) in cases {
            let url = settings(&format!("postgres://u@h/db?sslmode={text}"));
            assert_eq!(url.tls.mode, mode, "{text}");
            assert_eq!(url.pg.get_ssl_mode(), wire, "{text}");
            assert_eq!(mode.as_str(), text);
            let kv = settings(&format!("host=h sslmode={text}"));
            assert_eq!(kv.tls.mode, mode, "{text}");
        }
    }

    #[test]
    fn unix_sockets_never_use_tls() {
        for text in [
            "host=/var/run/postgresql user=u sslmode=verify-full",
            "postgres://u@%2Fvar%2Frun%2Fpostgresql/db?sslmode=require",
            "postgres:///db?host=/tmp&user=u",
        ] {
            let s = settings(text);
            assert_eq!(s.tls.mode, SslMode::Disable, "{text}");
            assert_eq!(s.pg.get_ssl_mode(), PgSslMode::Disable, "{text}");
        }
        // A hostaddr is TCP even with a socket-looking host.
        let tcp = settings("host=/tmp hostaddr=127.0.0.1 user=u");
        assert_eq!(tcp.tls.mode, SslMode::VerifyFull);
    }

    #[test]
    fn sslrootcert_system_means_the_systems_roots() {
        for text in [
            "postgres://u@h/db?sslrootcert=system",
            "host=h sslrootcert=system",
            "host=h sslrootcert=''",
        ] {
            assert_eq!(settings(text).tls.root_cert, None, "{text}");
        }
    }

    #[test]
    fn the_last_sslmode_wins() {
        let s = settings("postgres://u@h/db?sslmode=disable&sslmode=verify-ca");
        assert_eq!(s.tls.mode, SslMode::VerifyCa);
        let s = settings("host=h sslmode=require sslmode=prefer");
        assert_eq!(s.tls.mode, SslMode::Prefer);
    }

    #[test]
    fn an_unknown_sslmode_is_named_with_the_accepted_ones() {
        let e = error("postgres://u:hunter2@h/db?sslmode=allow");
        assert_eq!(
            e.to_string(),
            "unknown sslmode `allow`\nhelp: sslmode is one of \
             `disable`, `prefer`, `require`, `verify-ca`, `verify-full`"
        );
        assert_eq!(e.exit(), Exit::Usage);
        assert!(matches!(
            error("host=h sslmode=VERIFY-FULL"),
            ConnectError::UnknownSslMode { given } if given == "VERIFY-FULL"
        ));
    }

    #[test]
    fn other_options_reach_tokio_postgres_and_unknown_ones_are_named() {
        let s = settings(
            "postgres://u@h/db?target_session_attrs=read-write&connect_timeout=7&application_name=report",
        );
        assert_eq!(
            s.pg.get_target_session_attrs(),
            TargetSessionAttrs::ReadWrite
        );
        assert_eq!(s.pg.get_connect_timeout(), Some(&Duration::from_secs(7)));
        assert_eq!(s.pg.get_application_name(), Some("report"));

        let e = error("postgres://u:hunter2@h/db?sslcert=/c.pem");
        let text = e.to_string();
        assert!(
            text.starts_with(
                "the connection settings are not valid: unknown option `sslcert`\nhelp: "
            ),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
        assert_eq!(e.exit(), Exit::Usage);
        let e = error("host=h port=x");
        assert!(
            e.to_string().contains("invalid value for option `port`"),
            "{e}"
        );
    }

    #[test]
    fn key_value_mistakes_never_echo_the_text() {
        for (text, expected) in [
            (
                "host=h password='hunter2",
                "the quoted value of `password` is not terminated",
            ),
            (
                "host=h hunter2",
                "`=` is missing after the keyword at byte 7",
            ),
            (
                "host=h =hunter2",
                "a keyword is missing before `=` at byte 7",
            ),
            ("host=h password=", "`password=` has no value"),
        ] {
            let e = error(text).to_string();
            assert!(e.contains(expected), "{text}: {e}");
            assert!(!e.contains("hunter2"), "{text}: {e}");
        }
    }

    #[test]
    fn passwords_never_show_in_debug_or_describe() {
        let s = settings("postgres://alice:hunter2@h/db");
        let shown = format!("{s:?} {}", s.describe());
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("alice@h:5432/db"), "{shown}");
        let s = settings("host=h user=alice password=hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn describe_fills_in_what_the_server_would() {
        assert_eq!(settings("host=h user=u").describe(), "u@h:5432/u");
        assert_eq!(settings("host=h").describe(), "?@h:5432/?");
        assert_eq!(
            settings("host=/run/pg user=u dbname=d").describe(),
            "u@/run/pg:5432/d"
        );
    }

    // --- libpq variables ----------------------------------------------------

    fn env_of(s: &ServerSettings) -> std::collections::HashMap<&'static str, String> {
        s.libpq_env().into_iter().collect()
    }

    #[test]
    fn libpq_env_carries_everything_pg_dump_needs() {
        let s = settings(
            "postgres://alice:pw@h1:5432,h2:5433/crm?sslmode=verify-ca&sslrootcert=/ca.pem\
             &channel_binding=require&target_session_attrs=read-write&connect_timeout=9",
        );
        let env = env_of(&s);
        let expected = [
            ("PGHOST", "h1,h2"),
            ("PGPORT", "5432,5433"),
            ("PGUSER", "alice"),
            ("PGDATABASE", "crm"),
            ("PGPASSWORD", "pw"),
            ("PGSSLMODE", "verify-ca"),
            ("PGSSLROOTCERT", "/ca.pem"),
            ("PGCHANNELBINDING", "require"),
            ("PGTARGETSESSIONATTRS", "read-write"),
            ("PGCONNECT_TIMEOUT", "9"),
            ("PGAPPNAME", "epic"),
        ];
        for (name, value) in expected {
            assert_eq!(env.get(name).map(String::as_str), Some(value), "{name}");
        }
        assert_eq!(env.len(), expected.len(), "{env:?}");
    }

    #[test]
    fn libpq_env_leaves_out_defaults_and_says_system_only_for_verify_full() {
        let env = env_of(&settings("host=h user=u"));
        assert_eq!(
            env.get("PGSSLMODE").map(String::as_str),
            Some("verify-full")
        );
        assert_eq!(env.get("PGSSLROOTCERT").map(String::as_str), Some("system"));
        for absent in [
            "PGPASSWORD",
            "PGCHANNELBINDING",
            "PGTARGETSESSIONATTRS",
            "PGPORT",
        ] {
            assert!(!env.contains_key(absent), "{absent}: {env:?}");
        }
        let ca = env_of(&settings("host=h sslmode=verify-ca"));
        assert!(!ca.contains_key("PGSSLROOTCERT"), "{ca:?}");
        let socket = env_of(&settings("host=/run/pg user=u"));
        assert_eq!(socket.get("PGHOST").map(String::as_str), Some("/run/pg"));
        assert_eq!(socket.get("PGSSLMODE").map(String::as_str), Some("disable"));
        let off = env_of(&settings("host=h channel_binding=disable"));
        assert_eq!(
            off.get("PGCHANNELBINDING").map(String::as_str),
            Some("disable")
        );
    }

    // --- .pgpass ------------------------------------------------------------

    #[test]
    fn the_first_matching_pgpass_line_wins() {
        let text = "db:5432:crm:alice:first\n*:*:*:alice:second\n*:*:*:*:third\n";
        assert_eq!(
            pgpass_lookup(text, "db", 5432, "crm", "alice").as_deref(),
            Some("first")
        );
        assert_eq!(
            pgpass_lookup(text, "db", 5433, "crm", "alice").as_deref(),
            Some("second")
        );
        assert_eq!(
            pgpass_lookup(text, "other", 1, "x", "bob").as_deref(),
            Some("third")
        );
        assert_eq!(
            pgpass_lookup("db:5432:crm:alice:pw", "db", 5432, "crm", "bob"),
            None
        );
    }

    #[test]
    fn pgpass_escapes_comments_and_odd_lines() {
        let text = "# a comment: *:*:*:*:no\n\
                    \n\
                    too:short\n\
                    h\\:x:5432:d\\\\b:u:p\\:w\\\\d:ignored\r\n\
                    *x:5432:d:u:not-a-wildcard\n\
                    h:5432:d:u:\n";
        assert_eq!(
            pgpass_lookup(text, "h:x", 5432, "d\\b", "u").as_deref(),
            Some("p:w\\d")
        );
        // `*` is a wildcard only as a whole field.
        assert_eq!(pgpass_lookup(text, "hx", 5432, "d", "u"), None);
        assert_eq!(
            pgpass_lookup(text, "*x", 5432, "d", "u").as_deref(),
            Some("not-a-wildcard")
        );
        // An empty password is no password.
        assert_eq!(pgpass_lookup(text, "h", 5432, "d", "u"), None);
        // A comment is never matched, even by wildcards.
        assert_eq!(pgpass_lookup("# *:*:*:*:x", "#", 1, "d", "u"), None);
    }

    fn pgpass_file(dir: &Path, text: &str, mode: u32) -> PathBuf {
        let path = dir.join("pgpass");
        std::fs::write(&path, text).expect("write pgpass");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        path
    }

    #[test]
    fn fill_password_reads_the_environment_then_pgpass() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = pgpass_file(
            dir.path(),
            "localhost:5432:crm:alice:from-socket\nh2:6000:*:alice:from-h2\n",
            0o600,
        );

        let mut socket = settings("host=/run/postgresql user=alice dbname=crm");
        socket.fill_password(None, Some(&file)).expect("filled");
        assert_eq!(socket.pg.get_password(), Some(&b"from-socket"[..]));

        // PGPASSWORD first, as libpq.
        let mut both = settings("host=/run/postgresql user=alice dbname=crm");
        both.fill_password(Some("from-env"), Some(&file))
            .expect("filled");
        assert_eq!(both.pg.get_password(), Some(&b"from-env"[..]));

        // The second host's own port is used for its line.
        let mut two = settings("host=h1,h2 port=5432,6000 user=alice dbname=crm");
        two.fill_password(None, Some(&file)).expect("filled");
        assert_eq!(two.pg.get_password(), Some(&b"from-h2"[..]));

        let mut unmatched = settings("host=other user=alice");
        unmatched
            .fill_password(Some("from-env"), Some(&file))
            .expect("filled");
        assert_eq!(unmatched.pg.get_password(), Some(&b"from-env"[..]));

        let mut given = settings("postgres://alice:given@localhost/crm");
        given
            .fill_password(Some("from-env"), Some(&file))
            .expect("filled");
        assert_eq!(given.pg.get_password(), Some(&b"given"[..]));

        let mut nothing = settings("host=other user=alice");
        nothing.fill_password(Some(""), None).expect("filled");
        assert_eq!(nothing.pg.get_password(), None);
    }

    #[test]
    fn a_pgpass_others_can_read_is_refused_and_odd_files_are_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = pgpass_file(dir.path(), "*:*:*:*:pw\n", 0o644);
        let mut s = settings("host=h user=u");
        let e = s.fill_password(None, Some(&file)).expect_err("refused");
        let text = e.to_string();
        assert!(
            text.contains(&format!("chmod 600 {}", file.display())),
            "{text}"
        );
        assert!(text.contains("(mode 644)"), "{text}");
        assert_eq!(e.exit(), Exit::Usage);

        for skipped in [
            Path::new("/dev/null"),
            &dir.path().join("absent"),
            dir.path(),
        ] {
            let mut s = settings("host=h user=u");
            s.fill_password(Some("env"), Some(skipped))
                .expect("skipped");
            assert_eq!(
                s.pg.get_password(),
                Some(&b"env"[..]),
                "{}",
                skipped.display()
            );
        }
    }

    // --- Profiles -----------------------------------------------------------

    const CONFIG: &str = r#"
host = "db.example.com"
port = 6432
user = "alice"
database = "crm"
sslrootcert = "/etc/epic/ca.pem"
channel_binding = "require"

[roles]
owner = "epic_owner"
app = "epic_app"

[profiles.staging]
hosts = ["s1.example.com", "s2.example.com"]
ports = [5432, 5433]
sslmode = "verify-ca"
connect_timeout = 5

[profiles.staging.roles]
app = "staging_app"

[profiles.local]
host = "/var/run/postgresql"
database = "epic"
application_name = "epic-dev"
target_session_attrs = "read-write"
"#;

    fn parse(text: &str, profile: Option<&str>) -> Result<Profile, ConnectError> {
        parse_profile(text, Path::new("/home/u/.config/epic/config.toml"), profile)
    }

    #[test]
    fn the_top_level_is_the_default_connection() {
        let p = parse(CONFIG, None).expect("valid");
        assert_eq!(p.name, None);
        assert_eq!(p.settings.describe(), "alice@db.example.com:6432/crm");
        assert_eq!(p.settings.tls.mode, SslMode::VerifyFull);
        assert_eq!(
            p.settings.tls.root_cert,
            Some(PathBuf::from("/etc/epic/ca.pem"))
        );
        assert_eq!(
            p.settings.pg.get_channel_binding(),
            PgChannelBinding::Require
        );
        assert_eq!(
            p.roles,
            RoleOverrides {
                owner: Some("epic_owner".to_owned()),
                migrator: None,
                client: None,
                app: Some("epic_app".to_owned()),
            }
        );
        assert_eq!(p.path, PathBuf::from("/home/u/.config/epic/config.toml"));
    }

    #[test]
    fn a_profile_overrides_the_top_level() {
        let staging = parse(CONFIG, Some("staging")).expect("valid");
        assert_eq!(staging.name.as_deref(), Some("staging"));
        assert_eq!(
            staging.settings.describe(),
            "alice@s1.example.com:5432,s2.example.com:5433/crm"
        );
        assert_eq!(staging.settings.tls.mode, SslMode::VerifyCa);
        assert_eq!(
            staging.settings.pg.get_connect_timeout(),
            Some(&Duration::from_secs(5))
        );
        assert_eq!(staging.roles.owner.as_deref(), Some("epic_owner"));
        assert_eq!(staging.roles.app.as_deref(), Some("staging_app"));

        // `host` replaces the top-level `host`; `port` is still inherited.
        let local = parse(CONFIG, Some("local")).expect("valid");
        assert_eq!(
            local.settings.describe(),
            "alice@/var/run/postgresql:6432/epic"
        );
        assert_eq!(local.settings.tls.mode, SslMode::Disable);
        assert_eq!(local.settings.pg.get_application_name(), Some("epic-dev"));
        assert_eq!(
            local.settings.pg.get_target_session_attrs(),
            TargetSessionAttrs::ReadWrite
        );
    }

    #[test]
    fn unknown_keys_are_named_with_the_accepted_ones() {
        let e = parse("hots = \"x\"\n", None).expect_err("unknown");
        assert_eq!(
            e.to_string(),
            "unknown key `hots` in the top-level table of /home/u/.config/epic/config.toml\n\
             help: the keys accepted there are `host`, `hosts`, `port`, `ports`, `database`, \
             `user`, `sslmode`, `sslrootcert`, `channel_binding`, `target_session_attrs`, \
             `connect_timeout`, `application_name`, `profiles`, `roles`"
        );
        assert_eq!(e.exit(), Exit::Usage);
        // Every profile is checked, not only the one asked for.
        let e = parse(
            "[profiles.a]\nhost = \"h\"\n[profiles.b]\ndbname = \"x\"\n",
            Some("a"),
        )
        .expect_err("unknown");
        let text = e.to_string();
        assert!(
            text.starts_with("unknown key `dbname` in [profiles.b] of "),
            "{text}"
        );
        assert!(text.ends_with("`application_name`, `roles`"), "{text}");
        let e = parse("[roles]\nadmin = \"x\"\n", None).expect_err("unknown");
        assert!(
            e.to_string().ends_with(
                "help: the keys accepted there are `owner`, `migrator`, `client`, `app`"
            ),
            "{e}"
        );
    }

    #[test]
    fn a_password_in_the_config_file_is_refused() {
        for (text, table) in [
            ("password = \"hunter2\"\n", "the top-level table"),
            ("[profiles.p]\npassword = \"hunter2\"\n", "[profiles.p]"),
        ] {
            let e = parse(text, None).expect_err("refused").to_string();
            assert_eq!(
                e,
                format!(
                    "/home/u/.config/epic/config.toml sets a `password` in {table}\n\
                     help: passwords go in ~/.pgpass or PGPASSWORD, never in the config file"
                )
            );
        }
    }

    #[test]
    fn a_missing_profile_lists_those_there() {
        let e = parse(CONFIG, Some("prod"))
            .expect_err("missing")
            .to_string();
        assert_eq!(
            e,
            "there is no profile `prod` in /home/u/.config/epic/config.toml\n\
             help: the profiles there are `staging`, `local`"
        );
        let e = parse("host = \"h\"\n", Some("prod"))
            .expect_err("missing")
            .to_string();
        assert!(
            e.ends_with("help: the file has no profiles: add a `[profiles.prod]` table"),
            "{e}"
        );
    }

    #[test]
    fn load_profile_reads_the_file_and_a_missing_file_is_none() {
        let dir = tempfile::tempdir().expect("tempdir");
        let absent = dir.path().join("config.toml");
        assert!(load_profile(&absent, None).expect("no file").is_none());
        let e = load_profile(&absent, Some("staging")).expect_err("no file");
        assert!(matches!(e, ConnectError::NoConfigFile { .. }), "{e}");
        assert_eq!(e.exit(), Exit::Usage);

        std::fs::write(&absent, CONFIG).expect("write");
        let p = load_profile(&absent, Some("staging"))
            .expect("valid")
            .expect("a file");
        assert_eq!(p.path, absent);
        assert_eq!(p.settings.tls.mode, SslMode::VerifyCa);

        let e = load_profile(dir.path(), None).expect_err("a directory");
        assert_eq!(e.exit(), Exit::Internal, "{e}");
    }

    #[test]
    fn values_of_the_wrong_kind_are_explained() {
        for (text, expected) in [
            (
                "port = \"5432\"",
                "`port` in the top-level table of /home/u/.config/epic/config.toml must be a port number from 1 to 65535",
            ),
            ("port = 70000", "must be a port number from 1 to 65535"),
            (
                "hosts = []",
                "`hosts` in the top-level table of /home/u/.config/epic/config.toml must be a list of host names",
            ),
            (
                "host = \"a,b\"",
                "must be a host name or socket directory (use `hosts` for several)",
            ),
            ("connect_timeout = -1", "must be a number of seconds"),
            (
                "user = 1",
                "`user` in the top-level table of /home/u/.config/epic/config.toml must be a string",
            ),
            ("profiles = 1", "`profiles` in the top-level table"),
            ("[roles]\nowner = true", "`owner` in [roles] of"),
            (
                "host = \"a\"\nhosts = [\"b\"]",
                "the top-level table of /home/u/.config/epic/config.toml sets both `host` and `hosts`\nhelp: keep one of them",
            ),
        ] {
            let e = parse(text, None).expect_err(text).to_string();
            assert!(e.contains(expected), "{text}: {e}");
        }
    }

    #[test]
    fn bad_values_in_a_profile_name_where_they_are_and_what_is_accepted() {
        let e = parse("[profiles.p]\nhost = \"h\"\nsslmode = \"on\"\n", Some("p"))
            .expect_err("bad sslmode");
        assert_eq!(
            e.to_string(),
            "`sslmode` in [profiles.p] of /home/u/.config/epic/config.toml must be one of \
             `disable`, `prefer`, `require`, `verify-ca`, `verify-full`"
        );
        assert_eq!(e.exit(), Exit::Usage);
        for (text, expected) in [
            (
                "channel_binding = \"always\"",
                "`channel_binding` in the top-level table of /home/u/.config/epic/config.toml \
                 must be one of `disable`, `prefer`, `require`",
            ),
            (
                "target_session_attrs = \"primary\"",
                "`target_session_attrs` in the top-level table of /home/u/.config/epic/config.toml \
                 must be one of `any`, `read-write`, `read-only`",
            ),
        ] {
            assert_eq!(parse(text, None).expect_err(text).to_string(), expected);
        }
        // What tokio-postgres still refuses is wrapped with where it was.
        let wrapped = ConnectError::InProfile {
            path: PathBuf::from("/c.toml"),
            table: "[profiles.p]".to_owned(),
            source: Box::new(ConnectError::NoSystemRoots {
                mode: SslMode::VerifyFull,
            }),
        };
        assert!(
            wrapped
                .to_string()
                .starts_with("in [profiles.p] of /c.toml: no trusted")
        );
        assert_eq!(wrapped.exit(), Exit::DatabaseUnavailable);
    }

    #[test]
    fn toml_mistakes_give_the_line() {
        let e = parse("host = \"h\"\nport = \n", None).expect_err("syntax");
        let text = e.to_string();
        assert!(
            text.starts_with("/home/u/.config/epic/config.toml is not valid TOML (line 2, "),
            "{text}"
        );
        // The text itself is not quoted back (it could hold a secret).
        let e = parse("password = \"hunter2", None).expect_err("syntax");
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }

    #[test]
    fn a_file_without_a_server_gives_settings_without_hosts() {
        let p = parse("[roles]\nclient = \"c\"\n", None).expect("valid");
        assert!(p.settings.pg.get_hosts().is_empty());
        assert_eq!(p.roles.client.as_deref(), Some("c"));
    }

    #[test]
    fn sslrootcert_may_start_in_the_home_directory() {
        let Some(home) = dirs::home_dir() else {
            return;
        };
        let p = parse("host = \"h\"\nsslrootcert = \"~/ca.pem\"\n", None).expect("valid");
        assert_eq!(p.settings.tls.root_cert, Some(home.join("ca.pem")));
    }

    // --- TLS ----------------------------------------------------------------

    /// Certificates made by `openssl` in a temporary directory: two CAs
    /// and, signed by `ca`, `server` for db.example.test and 127.0.0.1.
    struct Pki {
        dir: tempfile::TempDir,
    }

    const SERVER_EXTENSIONS: &str = "subjectAltName=DNS:db.example.test,IP:127.0.0.1\n\
                                     basicConstraints=CA:FALSE\n\
                                     extendedKeyUsage=serverAuth\n";

    impl Pki {
        fn new() -> Pki {
            let pki = Pki {
                dir: tempfile::tempdir().expect("tempdir"),
            };
            std::fs::write(pki.path("server.ext"), SERVER_EXTENSIONS).expect("write");
            pki.ca("ca");
            pki.ca("other-ca");
            pki.openssl(&[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=db.example.test",
            ]);
            pki.sign("server", "ca", "-sha256");
            pki
        }

        fn path(&self, name: &str) -> PathBuf {
            self.dir.path().join(name)
        }

        fn openssl(&self, args: &[&str]) {
            let output = Command::new("openssl")
                .args(args)
                .current_dir(self.dir.path())
                .output()
                .expect("openssl runs");
            assert!(
                output.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }

        fn ca(&self, name: &str) {
            let (key, pem, subject) = (
                format!("{name}.key"),
                format!("{name}.pem"),
                format!("/CN=epic test {name}"),
            );
            self.openssl(&[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &key,
                "-out",
                &pem,
                "-days",
                "30",
                "-subj",
                &subject,
            ]);
        }

        /// Signs `server.csr` with `ca` into `{name}.pem`.
        fn sign(&self, name: &str, ca: &str, digest: &str) {
            let (out, ca_pem, ca_key) = (
                format!("{name}.pem"),
                format!("{ca}.pem"),
                format!("{ca}.key"),
            );
            self.openssl(&[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                &ca_pem,
                "-CAkey",
                &ca_key,
                "-CAcreateserial",
                "-out",
                &out,
                "-days",
                "30",
                "-extfile",
                "server.ext",
                digest,
            ]);
        }

        /// `selfsigned.pem`: the server's key signing its own certificate
        /// (not a CA's: `basicConstraints=CA:FALSE`).
        fn self_signed(&self) {
            self.openssl(&[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-signkey",
                "server.key",
                "-out",
                "selfsigned.pem",
                "-days",
                "30",
                "-extfile",
                "server.ext",
            ]);
        }

        /// `expired.pem`: the server's certificate, valid only in 2020.
        fn expired(&self) {
            std::fs::write(
                self.path("ca.cnf"),
                "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\n\
                 serial = serial\ndefault_md = sha256\npolicy = any\n[any]\ncommonName = supplied\n",
            )
            .expect("write");
            std::fs::write(self.path("index.txt"), "").expect("write");
            std::fs::write(self.path("serial"), "01\n").expect("write");
            self.openssl(&[
                "ca",
                "-batch",
                "-config",
                "ca.cnf",
                "-cert",
                "ca.pem",
                "-keyfile",
                "ca.key",
                "-in",
                "server.csr",
                "-out",
                "expired.pem",
                "-startdate",
                "20200101000000Z",
                "-enddate",
                "20210101000000Z",
                "-extfile",
                "server.ext",
                "-notext",
            ]);
        }

        fn der(&self, name: &str) -> CertificateDer<'static> {
            CertificateDer::from_pem_file(self.path(name)).expect("a certificate")
        }

        /// A server presenting `cert`, whose key is `server.key` (or
        /// `ca.key` for `ca.pem`, self-signed).
        fn acceptor(&self, cert: &str) -> tokio_rustls::TlsAcceptor {
            let key = if cert == "ca.pem" {
                "ca.key"
            } else {
                "server.key"
            };
            let key = PrivateKeyDer::from_pem_file(self.path(key)).expect("a key");
            let config = rustls::ServerConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![self.der(cert)], key)
            .expect("server config");
            tokio_rustls::TlsAcceptor::from(Arc::new(config))
        }

        /// Settings for `host` with `mode` and maybe a CA of this PKI.
        fn settings(&self, mode: &str, ca: Option<&str>) -> ServerSettings {
            let root = ca.map_or(String::new(), |ca| {
                format!(
                    " sslrootcert={}",
                    quote(&self.path(ca).display().to_string())
                )
            });
            settings(&format!("host=db.example.test user=u sslmode={mode}{root}"))
        }
    }

    /// A TLS handshake over an in-memory pipe, with a rustls server that
    /// presents `cert`; the client connects to `host`.
    async fn handshake(
        settings: &ServerSettings,
        host: &str,
        pki: &Pki,
        cert: &str,
    ) -> io::Result<RustlsStream<DuplexStream>> {
        let (client, server) = tokio::io::duplex(64 * 1024);
        let acceptor = pki.acceptor(cert);
        let server = tokio::spawn(async move { acceptor.accept(server).await });
        let mut connector = settings.tls_connector().expect("a connector");
        let connect = MakeTlsConnect::<DuplexStream>::make_tls_connect(&mut connector, host)
            .expect("infallible");
        let result = tokio::time::timeout(Duration::from_secs(20), connect.connect(client))
            .await
            .expect("the handshake ends");
        let _ = server.await;
        result
    }

    async fn refused(settings: &ServerSettings, host: &str, pki: &Pki, cert: &str) -> TlsProblem {
        match handshake(settings, host, pki, cert).await {
            Ok(_) => panic!("the handshake should fail"),
            Err(e) => classify(&e).expect("a TLS problem"),
        }
    }

    #[test]
    fn a_connector_is_built_for_every_mode() {
        let pki = Pki::new();
        for mode in ["disable", "prefer", "require", "verify-ca", "verify-full"] {
            pki.settings(mode, Some("ca.pem"))
                .tls_connector()
                .unwrap_or_else(|e| panic!("{mode}: {e}"));
        }
        // Without a CA file, only the verify modes need the system's roots.
        for mode in ["disable", "prefer", "require"] {
            pki.settings(mode, None)
                .tls_connector()
                .unwrap_or_else(|e| panic!("{mode}: {e}"));
        }
        for mode in ["verify-ca", "verify-full"] {
            match pki.settings(mode, None).tls_connector() {
                Ok(_) | Err(ConnectError::NoSystemRoots { .. }) => {}
                Err(e) => panic!("{mode}: {e}"),
            }
        }
    }

    #[test]
    fn the_connector_fits_a_deadpool_manager() {
        fn shareable<T: Clone + Send + Sync + 'static>(_: &T) {}
        let s = settings("host=db.example.test user=u sslmode=require");
        let connector = s.tls_connector().expect("a connector");
        shareable(&connector);
        let _manager = deadpool_postgres::Manager::from_config(
            s.pg.clone(),
            connector,
            deadpool_postgres::ManagerConfig {
                recycling_method: deadpool_postgres::RecyclingMethod::Clean,
            },
        );
    }

    #[test]
    fn bad_ca_files_are_named() {
        let pki = Pki::new();
        let missing = pki.settings("verify-full", Some("absent.pem"));
        let e = missing.tls_connector().expect_err("missing");
        assert!(matches!(e, ConnectError::RootCertMissing { .. }), "{e}");
        assert!(
            e.to_string()
                .contains(&pki.path("absent.pem").display().to_string()),
            "{e}"
        );
        assert_eq!(e.exit(), Exit::Usage);

        // A key is not a certificate; nor is an empty file.
        for file in ["server.key", "empty.pem"] {
            std::fs::write(pki.path("empty.pem"), "").expect("write");
            let e = pki
                .settings("verify-ca", Some(file))
                .tls_connector()
                .expect_err("no certificate");
            assert_eq!(
                e.to_string(),
                format!(
                    "the CA file {} (sslrootcert) holds no certificate\n\
                     help: it must hold PEM certificates (`-----BEGIN CERTIFICATE-----`)",
                    pki.path(file).display()
                )
            );
        }

        std::fs::write(
            pki.path("garbage.pem"),
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        )
        .expect("write");
        let e = pki
            .settings("require", Some("garbage.pem"))
            .tls_connector()
            .expect_err("garbage");
        assert!(matches!(e, ConnectError::RootCertInvalid { .. }), "{e}");

        std::fs::set_permissions(pki.path("ca.pem"), std::fs::Permissions::from_mode(0o000))
            .expect("chmod");
        if std::fs::read(pki.path("ca.pem")).is_err() {
            // (root reads anything: only checked when the file is unreadable)
            let e = pki
                .settings("verify-full", Some("ca.pem"))
                .tls_connector()
                .expect_err("unreadable");
            assert!(e.to_string().starts_with("cannot read the CA file "), "{e}");
            assert_eq!(e.exit(), Exit::Internal);
        }
    }

    #[test]
    fn no_system_roots_is_an_environment_problem() {
        let e = roots_from_system(Vec::new(), SslMode::VerifyFull).expect_err("no roots");
        assert_eq!(
            e.to_string(),
            "no trusted certificate authorities were found on this system, and sslmode `verify-full` needs them\n\
             help: set sslrootcert to the CA file that signed the server's certificate, \
             or install the system's CA certificates (`ca-certificates`)"
        );
        assert_eq!(e.exit(), Exit::DatabaseUnavailable);
    }

    #[tokio::test]
    async fn verify_full_checks_the_chain_and_the_name() {
        let pki = Pki::new();
        let full = pki.settings("verify-full", Some("ca.pem"));
        handshake(&full, "db.example.test", &pki, "server.pem")
            .await
            .expect("the right name");
        handshake(&full, "127.0.0.1", &pki, "server.pem")
            .await
            .expect("the right address");
        assert_eq!(
            refused(&full, "other.example.test", &pki, "server.pem").await,
            TlsProblem::WrongHost
        );
        assert_eq!(
            refused(&full, "127.0.0.2", &pki, "server.pem").await,
            TlsProblem::WrongHost
        );
        let other = pki.settings("verify-full", Some("other-ca.pem"));
        assert_eq!(
            refused(&other, "db.example.test", &pki, "server.pem").await,
            TlsProblem::UnknownIssuer
        );
    }

    #[tokio::test]
    async fn verify_ca_checks_the_chain_but_not_the_name() {
        let pki = Pki::new();
        let ca = pki.settings("verify-ca", Some("ca.pem"));
        handshake(&ca, "other.example.test", &pki, "server.pem")
            .await
            .expect("any name");
        let other = pki.settings("verify-ca", Some("other-ca.pem"));
        assert_eq!(
            refused(&other, "db.example.test", &pki, "server.pem").await,
            TlsProblem::UnknownIssuer
        );
        // A self-signed certificate is not trusted for being one...
        pki.self_signed();
        assert_eq!(
            refused(&other, "db.example.test", &pki, "selfsigned.pem").await,
            TlsProblem::UnknownIssuer
        );
        // ...and a CA's certificate cannot be a server's.
        let ca_itself = pki.settings("verify-ca", Some("ca.pem"));
        match refused(&ca_itself, "db.example.test", &pki, "ca.pem").await {
            TlsProblem::Other(text) => {
                assert!(
                    text.starts_with("the server presents a CA certificate"),
                    "{text}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_self_signed_server_certificate_can_be_its_own_root() {
        let pki = Pki::new();
        pki.self_signed();
        let pinned = pki.settings("verify-full", Some("selfsigned.pem"));
        handshake(&pinned, "db.example.test", &pki, "selfsigned.pem")
            .await
            .expect("trusted as its own root");
        assert_eq!(
            refused(&pinned, "db.example.test", &pki, "server.pem").await,
            TlsProblem::UnknownIssuer
        );
    }

    #[tokio::test]
    async fn require_checks_nothing_unless_given_a_ca() {
        let pki = Pki::new();
        for mode in ["require", "prefer"] {
            let plain = pki.settings(mode, None);
            handshake(&plain, "anything.example", &pki, "server.pem")
                .await
                .unwrap_or_else(|e| panic!("{mode}: {e}"));
            // With a CA it is verify-ca.
            let other = pki.settings(mode, Some("other-ca.pem"));
            assert_eq!(
                refused(&other, "db.example.test", &pki, "server.pem").await,
                TlsProblem::UnknownIssuer,
                "{mode}"
            );
            let ca = pki.settings(mode, Some("ca.pem"));
            handshake(&ca, "anything.example", &pki, "server.pem")
                .await
                .unwrap_or_else(|e| panic!("{mode}: {e}"));
        }
    }

    #[tokio::test]
    async fn an_expired_certificate_is_told_apart() {
        let pki = Pki::new();
        pki.expired();
        let full = pki.settings("verify-full", Some("ca.pem"));
        assert_eq!(
            refused(&full, "db.example.test", &pki, "expired.pem").await,
            TlsProblem::Expired
        );
    }

    #[tokio::test]
    async fn an_unusable_host_name_fails_only_when_a_handshake_is_tried() {
        let pki = Pki::new();
        let s = pki.settings("require", None);
        let mut connector = s.tls_connector().expect("a connector");
        // What tokio-postgres asks for a Unix socket: no error yet.
        MakeTlsConnect::<DuplexStream>::make_tls_connect(&mut connector, "").expect("infallible");
        let e = handshake(&s, "", &pki, "server.pem")
            .await
            .err()
            .expect("no name to check");
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The fingerprint `openssl` computes, as lowercase hex.
    fn fingerprint(pki: &Pki, cert: &str, digest: &str) -> String {
        let output = Command::new("openssl")
            .args(["x509", "-noout", "-fingerprint", digest, "-in", cert])
            .current_dir(pki.dir.path())
            .output()
            .expect("openssl runs");
        let text = String::from_utf8_lossy(&output.stdout);
        let (_, colons) = text.trim().split_once('=').expect("a fingerprint");
        colons.replace(':', "").to_lowercase()
    }

    #[tokio::test]
    async fn the_stream_gives_the_channel_binding_of_the_servers_certificate() {
        let pki = Pki::new();
        pki.sign("server384", "ca", "-sha384");
        pki.sign("server512", "ca", "-sha512");
        // (`require`: ring does not verify ECDSA with SHA-512 in a chain.)
        let s = pki.settings("require", None);
        for (cert, digest) in [
            ("server.pem", "-sha256"),
            ("server384.pem", "-sha384"),
            ("server512.pem", "-sha512"),
        ] {
            let stream = handshake(&s, "db.example.test", &pki, cert)
                .await
                .expect("handshake");
            let binding = stream.end_point().expect("a binding");
            assert_eq!(hex(&binding), fingerprint(&pki, cert, digest), "{cert}");
        }
    }

    #[test]
    fn the_end_point_hash_follows_the_signature_algorithm() {
        let pki = Pki::new();
        pki.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "pss.key",
            "-out",
            "pss.pem",
            "-days",
            "1",
            "-subj",
            "/CN=pss",
            "-sha384",
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:-1",
        ]);
        assert_eq!(
            signature_hash(&pki.der("pss.pem")),
            Some(EndPointHash::Sha384)
        );
        pki.openssl(&[
            "req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "ed.key", "-out", "ed.pem",
            "-days", "1", "-subj", "/CN=ed",
        ]);
        assert_eq!(signature_hash(&pki.der("ed.pem")), None);
        pki.sign("sha1", "ca", "-sha1");
        assert_eq!(
            signature_hash(&pki.der("sha1.pem")),
            Some(EndPointHash::Sha256)
        );
        assert_eq!(signature_hash(b"\x30\x05\x30"), None);
        assert_eq!(signature_hash(&[]), None);
    }

    // --- Telling failures apart, on real tokio-postgres errors --------------

    /// Reads one length-prefixed startup-phase message (SSLRequest,
    /// StartupMessage), without its length.
    async fn read_startup(stream: &mut (impl AsyncRead + Unpin)) -> Vec<u8> {
        let length = stream.read_u32().await.expect("a length");
        let mut body = vec![0; usize::try_from(length).expect("small") - 4];
        stream.read_exact(&mut body).await.expect("a message");
        body
    }

    const AUTHENTICATION_OK: &[u8] = b"R\0\0\0\x08\0\0\0\0";

    fn connect_for(settings: &ServerSettings, host: &str) -> RustlsConnect {
        let mut connector = settings.tls_connector().expect("a connector");
        MakeTlsConnect::<DuplexStream>::make_tls_connect(&mut connector, host).expect("infallible")
    }

    async fn within<T>(future: impl Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(20), future)
            .await
            .expect("done in time")
    }

    #[tokio::test]
    async fn a_server_without_tls_is_told_apart() {
        let s = settings("host=db.example.test user=u sslmode=require");
        let (client, mut server) = tokio::io::duplex(4096);
        let server = tokio::spawn(async move {
            read_startup(&mut server).await;
            server.write_all(b"N").await.expect("write");
            server
        });
        let result = within(s.pg.connect_raw(client, connect_for(&s, "db.example.test"))).await;
        let _ = server.await;
        let error = result.err().expect("refused");
        assert_eq!(tls_problem(&error), Some(TlsProblem::NoTlsOffered));
    }

    #[tokio::test]
    async fn a_certificate_from_another_ca_is_told_apart() {
        let pki = Pki::new();
        let s = pki.settings("verify-full", Some("other-ca.pem"));
        let acceptor = pki.acceptor("server.pem");
        let (client, mut server) = tokio::io::duplex(64 * 1024);
        let server = tokio::spawn(async move {
            read_startup(&mut server).await;
            server.write_all(b"S").await.expect("write");
            let _ = acceptor.accept(server).await;
        });
        let result = within(s.pg.connect_raw(client, connect_for(&s, "db.example.test"))).await;
        let _ = server.await;
        let error = result.err().expect("refused");
        assert_eq!(tls_problem(&error), Some(TlsProblem::UnknownIssuer));
    }

    #[tokio::test]
    async fn channel_binding_required_but_not_used_is_told_apart() {
        let s = settings("host=db.example.test user=u sslmode=disable channel_binding=require");
        let (client, mut server) = tokio::io::duplex(4096);
        let server = tokio::spawn(async move {
            read_startup(&mut server).await;
            server.write_all(AUTHENTICATION_OK).await.expect("write");
            server
        });
        let result = within(s.pg.connect_raw(client, tokio_postgres::NoTls)).await;
        let _ = server.await;
        let error = result.err().expect("refused");
        assert_eq!(tls_problem(&error), Some(TlsProblem::ChannelBinding));
    }

    #[tokio::test]
    async fn tokio_postgres_binds_the_channel_over_this_connector() {
        let pki = Pki::new();
        let s = pki.settings("verify-full", Some("ca.pem"));
        let mut pg = s.pg.clone();
        pg.password("pw").channel_binding(PgChannelBinding::Require);
        let acceptor = pki.acceptor("server.pem");
        let (client, mut server) = tokio::io::duplex(64 * 1024);
        let server = tokio::spawn(async move {
            read_startup(&mut server).await;
            server.write_all(b"S").await.expect("write");
            let mut tls = acceptor.accept(server).await.expect("handshake");
            read_startup(&mut tls).await;
            let mechanisms = b"SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0";
            let mut sasl = b"R".to_vec();
            let length = u32::try_from(8 + mechanisms.len()).expect("small");
            sasl.extend_from_slice(&length.to_be_bytes());
            sasl.extend_from_slice(&10u32.to_be_bytes());
            sasl.extend_from_slice(mechanisms);
            tls.write_all(&sasl).await.expect("write");
            tls.flush().await.expect("flush");
            assert_eq!(tls.read_u8().await.expect("a message"), b'p');
            read_startup(&mut tls).await
        });
        let result = within(pg.connect_raw(client, connect_for(&s, "db.example.test"))).await;
        let response = server.await.expect("the server saw a response");
        assert!(result.is_err(), "the fake server never finishes");
        let response = String::from_utf8_lossy(&response);
        assert!(response.starts_with("SCRAM-SHA-256-PLUS\0"), "{response:?}");
        assert!(
            response.contains("p=tls-server-end-point,,"),
            "{response:?}"
        );
    }

    #[test]
    fn rustls_errors_inside_io_errors_are_classified() {
        let wrapped = |error: rustls::Error| io::Error::new(io::ErrorKind::InvalidData, error);
        let cases = [
            (
                rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
                TlsProblem::UnknownIssuer,
            ),
            (
                rustls::Error::InvalidCertificate(CertificateError::NotValidForName),
                TlsProblem::WrongHost,
            ),
            (
                rustls::Error::InvalidCertificate(CertificateError::Expired),
                TlsProblem::Expired,
            ),
            (
                rustls::Error::InvalidCertificate(CertificateError::Revoked),
                TlsProblem::Other("invalid peer certificate: Revoked".to_owned()),
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(classify(&wrapped(error.clone())), Some(expected.clone()));
            assert_eq!(classify(&error), Some(expected));
        }
        let unrelated = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(classify(&unrelated), None);
    }

    #[test]
    fn tls_problems_read_as_one_sentence_and_a_hint() {
        for problem in [
            TlsProblem::UnknownIssuer,
            TlsProblem::WrongHost,
            TlsProblem::Expired,
            TlsProblem::NoTlsOffered,
            TlsProblem::ChannelBinding,
            TlsProblem::Other("x".to_owned()),
        ] {
            let text = problem.to_string();
            let (sentence, hint) = text.split_once('\n').expect("two lines");
            assert!(sentence.starts_with("the "), "{text}");
            assert!(hint.starts_with("help: "), "{text}");
            assert!(!hint.contains('\n'), "{text}");
        }
        assert_eq!(
            TlsProblem::UnknownIssuer.to_string(),
            "the server's certificate is not signed by a certificate authority epic trusts\n\
             help: check sslrootcert: it must be the CA that signed the server's certificate"
        );
    }
}

//! The connection settings' unit tests, by the step they check: reading
//! settings ([`url`]), passwords, profiles, the TLS connector (over
//! certificates made by `openssl`, [`pki`]) and telling failures apart.

use super::channel_binding::*;
use super::password::*;
use super::problem::*;
use super::profile::*;
use super::tls::*;
use super::url::*;
use super::*;
use pki::*;

use std::path::Path;
use std::sync::Arc;

use rustls::CertificateError;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::time::Duration;
use tokio::io::AsyncRead;
use tokio_postgres::config::{ChannelBinding as PgChannelBinding, Host, TargetSessionAttrs};
use tokio_postgres::tls::{MakeTlsConnect, TlsConnect};

use rustls::pki_types::PrivateKeyDer;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

fn settings(text: &str) -> ServerSettings {
    ServerSettings::from_url(text).expect("valid settings")
}

fn error(text: &str) -> ConnectError {
    ServerSettings::from_url(text).expect_err("invalid settings")
}

mod failures;
mod password;
mod pki;
mod profile;
mod tls;
mod url;

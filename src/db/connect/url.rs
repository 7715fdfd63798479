//! Reading a connection string: a libpq URL or `key=value` settings, with
//! `sslmode` and `sslrootcert` taken out for epic and the rest handed to
//! tokio-postgres.

use std::error::Error as StdError;
use std::path::PathBuf;
use std::str::FromStr;

use tokio_postgres::config::Host;

use super::{ConnectError, ServerSettings, SslMode, TlsSettings, bad_settings};

/// A connection string with `sslmode` and `sslrootcert` taken out.
pub(super) struct Stripped {
    pub(super) rest: String,
    pub(super) sslmode: Option<String>,
    pub(super) sslrootcert: Option<String>,
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

impl ServerSettings {
    /// [`Self::from_url`] for the read profile, which may also ask for
    /// libpq's `target_session_attrs=prefer-standby` or `standby`:
    /// tokio-postgres knows them as `read-only`, and a read whose profile
    /// finds no such server runs on the primary (`db::replica`), which is
    /// what "prefer" adds.
    pub fn from_read_url(text: &str) -> Result<ServerSettings, ConnectError> {
        let text = ["prefer-standby", "standby"]
            .iter()
            .fold(text.to_owned(), |text, attrs| {
                text.replace(
                    &format!("target_session_attrs={attrs}"),
                    "target_session_attrs=read-only",
                )
            });
        ServerSettings::from_url(&text)
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
pub(super) fn strip_url(text: &str) -> Result<Stripped, ConnectError> {
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

pub(super) fn percent_decode(text: &str) -> Result<String, ConnectError> {
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
pub(super) fn quote(value: &str) -> String {
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

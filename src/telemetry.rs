//! Sentry: unexpected errors, panics and security-relevant events reach the
//! operations team; nothing sensitive does.
//!
//! Off, and free of cost, unless `SENTRY_DSN` is set. When on, every event
//! passes [`scrub`] before it leaves: passwords, tokens, the secret key,
//! connection-string passwords, and the personal data users type (emails,
//! phone numbers, quoted names) are replaced. User mistakes (parse errors,
//! validation, refusals) are not errors for Sentry: they stay on screen and,
//! for refusals, in the audit log. The client guard flushes queued events
//! when dropped, with a bounded wait, so an unreachable Sentry never hangs
//! the shell.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use sentry::protocol::{Breadcrumb, Event, Level, User};

use crate::db::identity::Identity;
use crate::syntax::Command;

/// Keeps Sentry alive; dropping it flushes (at most [`FLUSH_WAIT`]).
pub struct Telemetry {
    _guard: Option<sentry::ClientInitGuard>,
}

/// The longest exit may wait for events to leave.
pub const FLUSH_WAIT: Duration = Duration::from_secs(2);

impl Telemetry {
    pub fn enabled() -> bool {
        sentry::Hub::current()
            .client()
            .is_some_and(|c| c.is_enabled())
    }
}

/// Starts Sentry when `SENTRY_DSN` is set. `secrets` are values to scrub
/// wherever they appear (the secret key, the database password).
pub fn init(secrets: Vec<String>) -> Telemetry {
    let Some(dsn) = std::env::var("SENTRY_DSN")
        .ok()
        .filter(|v| !v.trim().is_empty())
    else {
        return Telemetry { _guard: None };
    };
    let Ok(dsn) = dsn.parse() else {
        eprintln!("warning: SENTRY_DSN is not a valid DSN; error reporting is off");
        return Telemetry { _guard: None };
    };
    // TLS for https DSNs: ring, chosen once for the process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let secrets: Arc<Vec<String>> =
        Arc::new(secrets.into_iter().filter(|s| s.len() >= 4).collect());
    let for_events = secrets.clone();
    let for_crumbs = secrets;
    let mut options = sentry::ClientOptions::new();
    options.dsn = Some(dsn);
    options.release = Some(Cow::Borrowed(concat!("epic@", env!("CARGO_PKG_VERSION"))));
    options.environment = std::env::var("SENTRY_ENVIRONMENT").ok().map(Cow::Owned);
    options.send_default_pii = false;
    options.shutdown_timeout = FLUSH_WAIT;
    options.before_send = Some(Arc::new(move |event| Some(scrub_event(event, &for_events))));
    options.before_breadcrumb = Some(Arc::new(move |crumb| {
        Some(scrub_breadcrumb(crumb, &for_crumbs))
    }));
    Telemetry {
        _guard: Some(sentry::init(options)),
    }
}

/// Who acts, as Sentry's user: an id and a role, never an email or name.
pub fn set_user(identity: Option<&Identity>) {
    if !Telemetry::enabled() {
        return;
    }
    sentry::configure_scope(|scope| {
        scope.set_user(identity.map(|identity| {
            User {
                id: Some(identity.employee_id.to_string()),
                other: [("role".to_owned(), identity.role.name().into())]
                    .into_iter()
                    .collect(),
                ..Default::default()
            }
        }))
    });
}

/// A breadcrumb with a command's shape: its verb and entity and the field
/// names it uses, never its values.
pub fn breadcrumb(command: &Command) {
    if !Telemetry::enabled() {
        return;
    }
    sentry::add_breadcrumb(Breadcrumb {
        category: Some("command".to_owned()),
        message: Some(shape(command)),
        ..Default::default()
    });
}

/// A security-relevant event, at info level, with the acting user.
pub fn security_event(message: &str) {
    if Telemetry::enabled() {
        sentry::capture_message(message, Level::Info);
    }
}

/// An unexpected error, with its chain; returns the event id to quote.
pub fn capture(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    if !Telemetry::enabled() {
        return None;
    }
    let id = sentry::capture_error(error);
    Some(id.simple().to_string())
}

/// `update event set fields notes, attendees`: the words of a command
/// without what was typed into it.
pub fn shape(command: &Command) -> String {
    let text = command.to_string();
    let mut words = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut current = String::new();
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            c if c.is_alphabetic() || c == '_' => current.push(c),
            _ => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    // Keep only the language's own words and field names: values such as
    // `today` or department names are harmless, but bare words could be
    // someone's data in some future command, so only short keywords stay.
    words.retain(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    words.join(" ")
}

fn scrub_event(mut event: Event<'static>, secrets: &[String]) -> Event<'static> {
    let clean = |text: &str| scrub(text, secrets);
    if let Some(message) = &event.message {
        event.message = Some(clean(message));
    }
    if let Some(logentry) = &mut event.logentry {
        logentry.message = clean(&logentry.message);
    }
    for exception in &mut event.exception.values {
        if let Some(value) = &exception.value {
            exception.value = Some(clean(value));
        }
    }
    for crumb in &mut event.breadcrumbs.values {
        *crumb = scrub_breadcrumb(crumb.clone(), secrets);
    }
    event.extra.clear();
    event.user = event.user.map(|user| User {
        id: user.id,
        other: user.other,
        ..Default::default()
    });
    event.request = None;
    event.server_name = None;
    event
}

fn scrub_breadcrumb(mut crumb: Breadcrumb, secrets: &[String]) -> Breadcrumb {
    if let Some(message) = &crumb.message {
        crumb.message = Some(scrub(message, secrets));
    }
    crumb.data.clear();
    crumb
}

/// Replaces what must not leave the machine: the given secrets, quoted
/// strings (names, notes, passwords typed in commands), emails, runs of
/// digits long enough to be phone numbers, JWT-like tokens and the password
/// in a connection string.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_owned();
    for secret in secrets {
        text = text.replace(secret.as_str(), "[secret]");
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' || c == '`' || c == '\'' {
            // A quoted value: drop it whole.
            let quote = c;
            let mut escaped = false;
            for next in chars.by_ref() {
                if escaped {
                    escaped = false;
                } else if next == '\\' {
                    escaped = true;
                } else if next == quote {
                    break;
                }
            }
            out.push(quote);
            out.push_str("[redacted]");
            out.push(quote);
            continue;
        }
        out.push(c);
    }
    out.split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            let tail = &word[trimmed.len()..];
            let core = trimmed.trim_matches(|c: char| ",;()[]<>".contains(c));
            let redacted = if core.contains('@') && core.contains('.') && !core.starts_with("epic@")
            {
                Some(if let Some((scheme, rest)) = core.split_once("://") {
                    // postgres://user:password@host: keep the host, drop the credentials.
                    format!(
                        "{scheme}://[redacted]@{}",
                        rest.rsplit('@').next().unwrap_or("")
                    )
                } else {
                    "[email]".to_owned()
                })
            } else if core.matches('.').count() == 2 && core.len() > 40 && !core.contains(' ') {
                Some("[token]".to_owned())
            } else if core.chars().filter(char::is_ascii_digit).count() >= 6
                && core
                    .chars()
                    .all(|c| c.is_ascii_digit() || "+-.()".contains(c))
            {
                Some("[number]".to_owned())
            } else {
                None
            };
            match redacted {
                Some(replacement) => trimmed.replacen(core, &replacement, 1) + tail,
                None => word.to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_personal_data_are_scrubbed() {
        let secrets = vec!["s3cret-key-material".to_owned()];
        let text = "login kate@epic.events failed; key s3cret-key-material; \
                    url postgres://epic:hunter2@db.example:5432/epic; phone +33 612345678; \
                    name \"Kate Hastroff\" token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3IiwianRpIjoiYWJjIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
        let clean = scrub(text, &secrets);
        for leaked in [
            "kate@epic.events",
            "s3cret",
            "hunter2",
            "612345678",
            "Kate Hastroff",
            "eyJhbGci",
        ] {
            assert!(!clean.contains(leaked), "{leaked} in {clean}");
        }
        assert!(
            clean.contains("postgres://[redacted]@db.example:5432/epic"),
            "{clean}"
        );
    }

    #[test]
    fn a_command_shape_keeps_its_words_and_drops_its_values() {
        let command = crate::syntax::parse(
            "create client name \"Kevin Casey\" email \"kevin@startup.io\" phone \"+678 123 456 78\"",
        )
        .expect("parses");
        assert_eq!(shape(&command), "create client name email phone");
        let command = crate::syntax::parse("update event 109 set notes = \"x\", attendees = 80")
            .expect("parses");
        assert_eq!(shape(&command), "update event set notes attendees");
    }
}

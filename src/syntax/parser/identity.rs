//! Sessions and accounts: `login`, `set security`, `revoke`, `unlock` and
//! `reset password`.

use super::Parser;
use crate::model::{SECURITY_SETTINGS, security_setting};
use crate::syntax::ast::Command;
use crate::syntax::error::SyntaxError;
use crate::syntax::kind::{ErrorKind, Thing, ValueError, Want};
use crate::syntax::lexer::TokenKind;
use crate::syntax::suggest::did_you_mean;

/// What `revoke` takes first.
pub const REVOKED: [&str; 2] = ["session", "sessions"];

/// `login = "login" email ;` The address is taken as typed (quotes
/// optional), since an email is not made of the language's tokens.
pub(super) fn login(text: &str) -> Result<Option<Command>, SyntaxError> {
    let trimmed = text.trim_start();
    let start = text.len() - trimmed.len();
    let word_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    if !trimmed[..word_end].eq_ignore_ascii_case("login") {
        return Ok(None);
    }
    let rest = &trimmed[word_end..];
    let email_start = start + word_end + (rest.len() - rest.trim_start().len());
    let given = rest.trim();
    let unquoted = given
        .strip_prefix('"')
        .and_then(|g| g.strip_suffix('"'))
        .unwrap_or(given);
    if given.is_empty() {
        let end = text.trim_end().len();
        return Err(SyntaxError::at(ErrorKind::MissingEmail, end..end, text)
            .with_help("for example: login kate@epic.events"));
    }
    match crate::validate::email(unquoted) {
        Ok(email) => Ok(Some(Command::Login { email })),
        Err(_) => Err(SyntaxError::at(
            ValueError::NotAnEmail {
                text: given.to_owned(),
            },
            email_start..email_start + given.len(),
            text,
        )
        .with_help("for example: login kate@epic.events")),
    }
}

impl Parser<'_> {
    /// `set_security = "set" "security" security_setting "=" digit { digit } ;`,
    /// after `set security`.
    pub(super) fn set_security(&mut self) -> Result<Command, SyntaxError> {
        let names: Vec<&str> = SECURITY_SETTINGS.iter().map(|s| s.name).collect();
        let listed = format!("security settings are: {}", names.join(", "));
        let Some(name) = self.next() else {
            return Err(self.expected(Want::SecuritySetting, &[]).with_help(listed));
        };
        let Some(setting) = security_setting(&name.raw.to_lowercase()) else {
            let error = self.fail(
                ErrorKind::Unknown {
                    what: Thing::SecuritySetting,
                    word: name.raw.clone(),
                },
                name.span.clone(),
            );
            return Err(match did_you_mean(&name.raw, names.iter().copied()) {
                Some(word) => error.did_you_mean(word),
                None => error.with_help(listed),
            });
        };
        if !self.eat_symbol("=") {
            let after = Some(setting.name.to_owned());
            return Err(self.expected(Want::Keyword { word: "=", after }, &[]));
        }
        let (name, min, max) = (setting.name, setting.min, setting.max);
        match self.next() {
            Some(token) if token.kind == TokenKind::Number => match token.raw.parse::<i32>() {
                Ok(value) if (setting.min..=setting.max).contains(&value) => {
                    if self.peek().is_some() {
                        return Err(self.expected(Want::EndOfCommand, &[]));
                    }
                    Ok(Command::SetSecurity {
                        setting: setting.name,
                        value,
                    })
                }
                _ => Err(self.fail(
                    ValueError::SettingOutOfRange { name, min, max },
                    token.span.clone(),
                )),
            },
            _ => Err(self.expected(Want::SettingValue { name, min, max }, &[])),
        }
    }

    /// `revoke = "revoke" "session" record_id | "revoke" "sessions" "of" employee_ref ;`
    pub(super) fn revoke(&mut self) -> Result<Command, SyntaxError> {
        if self.eat_word("session") {
            let id = self
                .record_number(Want::SessionNumber)
                .map_err(|e| e.with_help("`show sessions` lists them"))?;
            return Ok(Command::RevokeSession { id });
        }
        if self.eat_word("sessions") {
            if !self.eat_word("of") {
                return Err(self.expected(
                    Want::Keyword {
                        word: "of",
                        after: Some("revoke sessions".into()),
                    },
                    &["of"],
                ));
            }
            self.could_end_with_word("employee");
            let employee = self.employee_ref()?;
            return Ok(Command::RevokeSessionsOf { employee });
        }
        Err(self
            .expected(Want::Revoked, &REVOKED)
            .with_help("for example: revoke session 12, or revoke sessions of \"Kate Hastroff\""))
    }

    /// `unlock = "unlock" string ;`
    pub(super) fn unlock(&mut self) -> Result<Command, SyntaxError> {
        match self.peek().cloned() {
            Some(token) if token.kind == TokenKind::Str => {
                self.position += 1;
                match crate::validate::email(&token.value) {
                    Ok(email) => Ok(Command::Unlock { email }),
                    Err(_) => {
                        Err(self.fail(ValueError::NotAnEmail { text: token.value }, token.span))
                    }
                }
            }
            _ => Err(self
                .expected(Want::LockedEmail, &[])
                .with_help("for example: unlock \"kate@epic.events\"")),
        }
    }

    /// `reset_password = "reset" "password" "of" employee_ref ;`
    pub(super) fn reset_password(&mut self) -> Result<Command, SyntaxError> {
        if !self.eat_word("password") {
            return Err(self.expected(
                Want::Keyword {
                    word: "password",
                    after: Some("reset".into()),
                },
                &["password"],
            ));
        }
        if !self.eat_word("of") {
            return Err(self.expected(
                Want::Keyword {
                    word: "of",
                    after: Some("reset password".into()),
                },
                &["of"],
            ));
        }
        self.could_end_with_word("employee");
        let employee = self.employee_ref()?;
        Ok(Command::ResetPassword { employee })
    }
}

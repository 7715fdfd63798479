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
/// optional), since an email is not made of the language's tokens. Anything
/// after it is taken for a password typed on the command line, and refused.
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
    if let Some(refused) = typed_password(text, email_start, given) {
        return Err(refused);
    }
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

/// What stands in for a password typed after the email, wherever the line
/// is shown again: a fixed mask, so that not even its length is told.
const MASK: &str = "********";

/// Whether `text` is a `login` line with more after the email, which can only
/// be a password typed where it would be echoed and kept: such a line is
/// refused and never saved in the history.
pub fn types_a_password(text: &str) -> bool {
    let trimmed = text.trim_start();
    let word_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    trimmed[..word_end].eq_ignore_ascii_case("login")
        && after_email(trimmed[word_end..].trim()).is_some()
}

/// Where the words after the first one (the email) start in `given`, if
/// there are any. A quoted first word keeps its spaces.
fn after_email(given: &str) -> Option<usize> {
    let first_end = match given.strip_prefix('"') {
        Some(quoted) => quoted.find('"').map_or(given.len(), |i| i + 2),
        None => given.find(char::is_whitespace).unwrap_or(given.len()),
    };
    let rest = &given[first_end..];
    let extra = rest.trim_start();
    (!extra.is_empty()).then(|| first_end + (rest.len() - extra.len()))
}

/// The refusal of a `login EMAIL PASSWORD` line (`given` starts at byte
/// `email_start` of `text`), drawn on a copy of the line with the password
/// masked: the secret is never repeated, not even under the caret.
fn typed_password(text: &str, email_start: usize, given: &str) -> Option<SyntaxError> {
    let extra = after_email(given)?;
    let email = given[..extra].trim_end();
    let shown = format!("{}{MASK}", &text[..email_start + extra]);
    let start = email_start + extra;
    let help = match crate::validate::email(email.trim_matches('"')) {
        Ok(email) => format!("type `login {email}` and give the password at the prompt"),
        Err(_) => "type `login EMAIL` and give the password at the prompt".to_owned(),
    };
    Some(
        SyntaxError::at(ErrorKind::PasswordTyped, start..start + MASK.len(), &shown)
            .with_help(help),
    )
}

impl Parser<'_> {
    /// The refusal of `password` in `create employee` (the next token): the
    /// line is drawn with everything after the word masked, since a password
    /// typed without quotes may run to the end of the line.
    pub(super) fn password_typed_in_create(&self) -> SyntaxError {
        let word = self.tokens[self.position].span.clone();
        let (shown, at) = match self.peek_at(1) {
            Some(value) => {
                let start = value.span.start;
                (
                    format!("{}{MASK}", &self.text[..start]),
                    start..start + MASK.len(),
                )
            }
            None => (self.text.to_owned(), word),
        };
        SyntaxError::at(ErrorKind::PasswordTyped, at, &shown).with_help(
            "leave out `password`: the new employee gets a temporary password, \
             shown once, and chooses their own at their first login",
        )
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_after_the_email_is_refused_and_never_shown() {
        for line in [
            "login kate@epic.events Runs-The-Wedding-42",
            "login \"kate@epic.events\"   Runs-The-Wedding-42 ",
            "Login kate Runs-The-Wedding-42",
        ] {
            assert!(types_a_password(line), "{line}");
            let error = crate::syntax::parse(line).expect_err(line);
            let shown = format!("{error}");
            assert!(!shown.contains("Runs-The"), "{shown}");
            assert!(!error.text.contains("Runs-The"), "{error:?}");
            assert!(shown.contains(MASK), "{shown}");
        }
        let error = crate::syntax::parse("login kate@epic.events secret").expect_err("refused");
        assert_eq!(
            error.help.as_deref(),
            Some("type `login kate@epic.events` and give the password at the prompt")
        );
    }

    #[test]
    fn an_email_alone_is_a_login() {
        assert!(!types_a_password("login kate@epic.events"));
        assert!(!types_a_password("login \"kate@epic.events\" "));
        assert!(!types_a_password("show clients"));
        assert!(matches!(
            crate::syntax::parse("login kate@epic.events"),
            Ok(Command::Login { .. })
        ));
    }
}

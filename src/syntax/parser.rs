//! The parser: one function per grammar rule of `grammar.md`, built with nom.
//!
//! ```text
//! command     = help | quit | set_format ;
//! help        = "help" [ word ] ;
//! quit        = "quit" | "exit" ;
//! set_format  = "set" "format" ( "table" | "vertical" | "csv" | "json" ) ;
//! ```
//!
//! Keywords are case-insensitive. Once a command's first word is recognised
//! the parser is committed to it, so an error names the bad token, not the
//! start of the line.

use nom::bytes::complete::take_while1;
use nom::character::complete::multispace0;
use nom::{IResult, Parser};

use super::ast::Command;
use super::error::{SyntaxError, SyntaxErrorKind};
use super::help;
use super::suggest::did_you_mean;
use crate::render::{FORMAT_NAMES, Format};

/// Longer commands are refused before any parsing: bounded work for hostile input.
pub const MAX_COMMAND_BYTES: usize = 64 * 1024;

/// Parses one complete command (possibly spanning several lines).
pub fn parse(text: &str) -> Result<Command, SyntaxError> {
    if text.len() > MAX_COMMAND_BYTES {
        return Err(SyntaxError::new(
            SyntaxErrorKind::TooLong {
                limit: MAX_COMMAND_BYTES,
            },
            0..0,
            "",
        ));
    }
    Cursor { text, rest: text }.command()
}

/// The text being parsed and what is left of it, so spans can be computed.
struct Cursor<'a> {
    text: &'a str,
    rest: &'a str,
}

fn word(input: &str) -> IResult<&str, &str> {
    let (input, _) = multispace0(input)?;
    take_while1(|c: char| c.is_alphanumeric() || c == '_' || c == '-').parse(input)
}

impl<'a> Cursor<'a> {
    fn offset(&self, rest: &str) -> usize {
        self.text.len() - rest.len()
    }

    /// The next word and its span, consuming it.
    fn next_word(&mut self) -> Option<(&'a str, std::ops::Range<usize>)> {
        match word(self.rest) {
            Ok((rest, found)) => {
                let end = self.offset(rest);
                self.rest = rest;
                Some((found, end - found.len()..end))
            }
            Err(_) => None,
        }
    }

    /// The span and text of whatever comes next, for "found `x`" messages.
    fn next_token(&self) -> (Option<String>, std::ops::Range<usize>) {
        let trimmed = self.rest.trim_start();
        let start = self.offset(trimmed);
        if trimmed.is_empty() {
            return (None, start..start);
        }
        let len = word(trimmed)
            .map(|(_, w)| w.len())
            .unwrap_or_else(|_| trimmed.chars().next().map_or(1, char::len_utf8));
        (Some(trimmed[..len].to_owned()), start..start + len)
    }

    fn error(&self, kind: SyntaxErrorKind, span: std::ops::Range<usize>) -> SyntaxError {
        SyntaxError::new(kind, span, self.text)
    }

    fn expected(&self, expected: &str) -> SyntaxError {
        let (found, span) = self.next_token();
        self.error(
            SyntaxErrorKind::Expected {
                expected: expected.to_owned(),
                found,
            },
            span,
        )
    }

    /// `command = help | quit | set_format ;`
    fn command(mut self) -> Result<Command, SyntaxError> {
        let Some((first, span)) = self.next_word() else {
            return Err(self.expected("a command"));
        };
        let command = match first.to_lowercase().as_str() {
            "help" => self.help()?,
            "quit" | "exit" => Command::Quit,
            "set" => self.set_format()?,
            _ => {
                return Err(self.error(
                    SyntaxErrorKind::UnknownCommand {
                        word: first.to_owned(),
                        suggestion: did_you_mean(
                            first,
                            help::command_names().into_iter().chain(["exit"]),
                        ),
                    },
                    span,
                ));
            }
        };
        self.end()?;
        Ok(command)
    }

    /// `help = "help" [ word ] ;`
    fn help(&mut self) -> Result<Command, SyntaxError> {
        let Some((topic, span)) = self.next_word() else {
            return Ok(Command::Help { topic: None });
        };
        match help::find(topic) {
            Some(found) => Ok(Command::Help {
                topic: Some(found.name),
            }),
            None => Err(self.error(
                SyntaxErrorKind::UnknownHelpTopic {
                    word: topic.to_owned(),
                    suggestion: did_you_mean(topic, help::command_names()),
                },
                span,
            )),
        }
    }

    /// `set_format = "set" "format" ( "table" | "vertical" | "csv" | "json" ) ;`
    fn set_format(&mut self) -> Result<Command, SyntaxError> {
        match self.next_word() {
            Some((setting, _)) if setting.eq_ignore_ascii_case("format") => {}
            Some((setting, span)) => {
                return Err(self.error(
                    SyntaxErrorKind::UnknownSetting {
                        word: setting.to_owned(),
                        suggestion: did_you_mean(setting, ["format"]),
                    },
                    span,
                ));
            }
            None => return Err(self.expected("a setting: format")),
        }
        let Some((name, span)) = self.next_word() else {
            return Err(self.expected("a format: table, vertical, csv or json"));
        };
        match name.parse::<Format>() {
            Ok(format) => Ok(Command::SetFormat { format }),
            Err(_) => Err(self.error(
                SyntaxErrorKind::UnknownFormat {
                    word: name.to_owned(),
                    suggestion: did_you_mean(name, FORMAT_NAMES.iter().copied()),
                },
                span,
            )),
        }
    }

    fn end(&self) -> Result<(), SyntaxError> {
        match self.next_token() {
            (None, _) => Ok(()),
            (Some(found), span) => {
                let span = span.start..self.text.trim_end().len().max(span.end);
                Err(self.error(SyntaxErrorKind::Trailing { found }, span))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `input`; on success compares the canonical form, on failure the whole message.
    fn check(input: &str, expected: &str) {
        let shown = match parse(input) {
            Ok(command) => command.to_string(),
            Err(error) => error.to_string(),
        };
        assert_eq!(shown, expected, "input: {input:?}");
    }

    #[test]
    fn commands_parse_to_their_canonical_form() {
        check("help", "help");
        check("  HELP   Set ", "help set");
        check("help exit", "help quit");
        check("quit", "quit");
        check("exit", "quit");
        check("set format csv", "set format csv");
        check("SET FORMAT Vertical", "set format vertical");
    }

    #[test]
    fn canonical_forms_parse_back_to_the_same_command() {
        for input in [
            "help",
            "help set",
            "quit",
            "set format json",
            "set format table",
        ] {
            let command = parse(input).expect("valid");
            assert_eq!(parse(&command.to_string()), Ok(command));
        }
    }

    #[test]
    fn errors_point_at_the_bad_word_and_suggest() {
        check(
            "nonsense words",
            "unknown command `nonsense`\n  nonsense words\n  ^^^^^^^^\nhelp: commands are: help, set, quit; type `help` for more",
        );
        check(
            "hlep",
            "unknown command `hlep`\n  hlep\n  ^^^^\nhelp: did you mean `help`?",
        );
        check(
            "set format xml",
            "unknown format `xml`\n  set format xml\n             ^^^\nhelp: formats are: table, vertical, csv, json",
        );
        check(
            "set fromat csv",
            "unknown setting `fromat`\n  set fromat csv\n      ^^^^^^\nhelp: did you mean `format`?",
        );
        check(
            "set format",
            "expected a format: table, vertical, csv or json at the end of the command\n  set format\n            ^",
        );
        check(
            "quit now",
            "unexpected `now` after the end of the command\n  quit now\n       ^^^",
        );
        check(
            "help shwo",
            "no help for `shwo`\n  help shwo\n       ^^^^\nhelp: help is available for: help, set, quit",
        );
    }

    #[test]
    fn the_caret_counts_display_columns_not_bytes() {
        check(
            "set format Aliénor",
            "unknown format `Aliénor`\n  set format Aliénor\n             ^^^^^^^\nhelp: formats are: table, vertical, csv, json",
        );
    }

    #[test]
    fn hostile_input_is_refused_without_work() {
        let huge = "x".repeat(MAX_COMMAND_BYTES + 1);
        let error = parse(&huge).expect_err("too long");
        assert_eq!(
            error.to_string(),
            format!("the command is too long: at most {MAX_COMMAND_BYTES} bytes")
        );
    }
}

//! Parse errors that point at the offending text.
//!
//! What each says is its [`ErrorKind`]'s, in `kind.rs`; this file draws it.
//!
//! A [`SyntaxError`] keeps the command text and the byte span of the problem;
//! `Display` draws the line with a caret under the span, measured in display
//! columns so that "Aliénor" or a CJK name does not shift it. In batch mode
//! the shell adds the line number of the command, and the message starts with
//! `line N, column M`. Messages are lowercase, put user text in backticks,
//! say what was expected, and carry a `help:` line when there is a likely fix.

use std::fmt;
use std::ops::Range;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::kind::ErrorKind;
use crate::text::one_line;

/// What went wrong, coarsely, for callers that need to tell errors apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// A word that is not a known command, entity, field, keyword or value.
    Unknown,
    /// Something else was required here.
    Expected,
    /// A value that does not fit its field's type.
    BadValue,
    /// An operator that does not apply to the field's type.
    BadOperator,
    /// A string without its closing quote, or a character epic does not use.
    Lexical,
    /// Bounded work for hostile input.
    TooDeep,
    TooLong,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub message: String,
    pub help: Option<String>,
    /// Byte range in `text`.
    pub span: Range<usize>,
    /// The whole command as typed (may span several lines).
    pub text: String,
    /// Line number of the command's first line in a batch file.
    pub first_line: Option<usize>,
}

impl SyntaxError {
    pub fn new(
        kind: SyntaxErrorKind,
        message: impl Into<String>,
        span: Range<usize>,
        text: &str,
    ) -> SyntaxError {
        SyntaxError {
            kind,
            message: message.into(),
            help: None,
            span,
            text: text.to_owned(),
            first_line: None,
        }
    }

    /// The error of `kind` at `span` of `text`: its class and its message
    /// are the kind's. The lexer and parser build every error this way;
    /// [`SyntaxError::new`] is for callers with a message of their own.
    pub fn at(kind: impl Into<ErrorKind>, span: Range<usize>, text: &str) -> SyntaxError {
        let kind = kind.into();
        SyntaxError::new(kind.class(), kind.to_string(), span, text)
    }

    /// Adds the help line that suggests `word` for a near miss.
    pub fn did_you_mean(self, word: &str) -> SyntaxError {
        self.with_help(did_you_mean_help(word))
    }

    pub fn with_help(mut self, help: impl Into<String>) -> SyntaxError {
        self.help = Some(help.into());
        self
    }

    /// Marks the error as coming from a batch file whose command starts at `line`.
    pub fn at_line(mut self, line: usize) -> SyntaxError {
        self.first_line = Some(line);
        self
    }

    /// 1-based line (within a batch file when known) and display column of the span's start.
    pub fn position(&self) -> (usize, usize) {
        let start = floor_char_boundary(&self.text, self.span.start);
        let before = &self.text[..start];
        let line_in_text = before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..start].width() + 1;
        (self.first_line.unwrap_or(1) + line_in_text, column)
    }
}

/// The help line that suggests `word` for a near miss.
pub fn did_you_mean_help(word: &str) -> String {
    format!("did you mean `{word}`?")
}

fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Longest source line shown under an error; longer lines are cut around the caret.
const MAX_SHOWN: usize = 120;

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, column) = self.position();
        if self.first_line.is_some() {
            write!(f, "line {line}, column {column}: ")?;
        }
        f.write_str(&one_line(&self.message))?;
        if !self.text.is_empty() {
            let start = floor_char_boundary(&self.text, self.span.start);
            let end = floor_char_boundary(&self.text, self.span.end.max(start));
            let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = self.text[start..]
                .find('\n')
                .map_or(self.text.len(), |i| start + i);
            // Keep the caret in view on very long lines: at most half the
            // room before it, the rest after, measured in display columns.
            let mut shown_start = start;
            let mut width_before = 0;
            for (index, c) in self.text[line_start..start].char_indices().rev() {
                width_before += c.width().unwrap_or(0);
                if width_before > MAX_SHOWN / 2 {
                    break;
                }
                shown_start = line_start + index;
            }
            let mut shown_end = start;
            let mut width = width_before.min(MAX_SHOWN / 2);
            for (index, c) in self.text[start..line_end].char_indices() {
                width += c.width().unwrap_or(0);
                if width > MAX_SHOWN && start + index >= end {
                    break;
                }
                shown_end = start + index + c.len_utf8();
            }
            // The line as typed may hold what must not reach a terminal (a
            // pasted escape sequence, a bidirectional override): it is shown
            // neutralised, and the caret measured on what is shown.
            let before = one_line(&self.text[shown_start..start]);
            let span = one_line(&self.text[start..end.min(shown_end)]);
            let after = one_line(&self.text[end.min(shown_end)..shown_end]);
            let source_line = format!("{before}{span}{after}");
            let pad = before.width();
            let marked = span.width().max(1);
            write!(
                f,
                "\n  {source_line}\n  {}{}",
                " ".repeat(pad),
                "^".repeat(marked)
            )?;
        }
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {}", crate::text::plain(help))?;
        }
        Ok(())
    }
}

impl std::error::Error for SyntaxError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;
    use crate::syntax::kind::{ErrorKind, Thing, ValueError, Want};

    #[test]
    fn each_error_kind_has_its_class() {
        let cases = [
            (ErrorKind::UnclosedString, SyntaxErrorKind::Lexical),
            (ErrorKind::TooDeep, SyntaxErrorKind::TooDeep),
            (ErrorKind::TooLong, SyntaxErrorKind::TooLong),
            (
                ErrorKind::Expected {
                    what: Want::Field { fields: Vec::new() },
                    found: None,
                },
                SyntaxErrorKind::Expected,
            ),
            (
                ErrorKind::Unknown {
                    what: Thing::Report,
                    word: "x".into(),
                },
                SyntaxErrorKind::Unknown,
            ),
            (ErrorKind::AuditReadOnly, SyntaxErrorKind::BadOperator),
            (
                ErrorKind::Value(ValueError::UnknownChoice {
                    field: Field::EmployeeDepartment,
                    word: "x".into(),
                }),
                SyntaxErrorKind::BadValue,
            ),
        ];
        for (kind, class) in cases {
            assert_eq!(kind.class(), class, "{kind}");
        }
        assert_eq!(
            ErrorKind::Expected {
                what: Want::Clauses {
                    allowed: vec!["and", "or", "order by"]
                },
                found: Some("x".into()),
            }
            .to_string(),
            "expected `and`, `or`, `order by`, found `x`"
        );
    }
}

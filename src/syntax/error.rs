//! Parse errors that point at the offending text.
//!
//! A [`SyntaxError`] keeps the command text and the byte span of the problem;
//! `Display` draws the line with a caret under the span, measured in display
//! columns so that "Aliénor" or a CJK name does not shift it. In batch mode
//! the shell adds the line number of the command, and the message starts with
//! `line N, column M`.

use std::fmt;
use std::ops::Range;

use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    UnknownCommand {
        word: String,
        suggestion: Option<&'static str>,
    },
    UnknownHelpTopic {
        word: String,
        suggestion: Option<&'static str>,
    },
    UnknownFormat {
        word: String,
        suggestion: Option<&'static str>,
    },
    UnknownSetting {
        word: String,
        suggestion: Option<&'static str>,
    },
    /// Something else was required here.
    Expected {
        expected: String,
        found: Option<String>,
    },
    /// The command is complete and more text follows.
    Trailing {
        found: String,
    },
    TooLong {
        limit: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    /// Byte range in `text`.
    pub span: Range<usize>,
    /// The whole command as typed (may span several lines).
    pub text: String,
    /// Line number of the command's first line in a batch file.
    pub first_line: Option<usize>,
}

impl SyntaxError {
    pub fn new(kind: SyntaxErrorKind, span: Range<usize>, text: &str) -> SyntaxError {
        SyntaxError {
            kind,
            span,
            text: text.to_owned(),
            first_line: None,
        }
    }

    /// Marks the error as coming from a batch file whose command starts at `line`.
    pub fn at_line(mut self, line: usize) -> SyntaxError {
        self.first_line = Some(line);
        self
    }

    /// 1-based line (within a batch file when known) and display column of the span's start.
    pub fn position(&self) -> (usize, usize) {
        let start = self.span.start.min(self.text.len());
        let before = &self.text[..start];
        let line_in_text = before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..start].width() + 1;
        (self.first_line.unwrap_or(1) + line_in_text, column)
    }

    fn message(&self) -> String {
        match &self.kind {
            SyntaxErrorKind::UnknownCommand { word, .. } => format!("unknown command `{word}`"),
            SyntaxErrorKind::UnknownHelpTopic { word, .. } => format!("no help for `{word}`"),
            SyntaxErrorKind::UnknownFormat { word, .. } => format!("unknown format `{word}`"),
            SyntaxErrorKind::UnknownSetting { word, .. } => format!("unknown setting `{word}`"),
            SyntaxErrorKind::Expected {
                expected,
                found: Some(found),
            } => {
                format!("expected {expected}, found `{found}`")
            }
            SyntaxErrorKind::Expected {
                expected,
                found: None,
            } => {
                format!("expected {expected} at the end of the command")
            }
            SyntaxErrorKind::Trailing { found } => {
                format!("unexpected `{found}` after the end of the command")
            }
            SyntaxErrorKind::TooLong { limit } => {
                format!("the command is too long: at most {limit} bytes")
            }
        }
    }

    fn help(&self) -> Option<String> {
        let suggestion = |suggestion: &Option<&'static str>, otherwise: String| match suggestion {
            Some(word) => format!("did you mean `{word}`?"),
            None => otherwise,
        };
        match &self.kind {
            SyntaxErrorKind::UnknownCommand { suggestion: s, .. } => Some(suggestion(
                s,
                format!(
                    "commands are: {}; type `help` for more",
                    super::help::command_names().join(", ")
                ),
            )),
            SyntaxErrorKind::UnknownHelpTopic { suggestion: s, .. } => Some(suggestion(
                s,
                format!(
                    "help is available for: {}",
                    super::help::command_names().join(", ")
                ),
            )),
            SyntaxErrorKind::UnknownFormat { suggestion: s, .. } => Some(suggestion(
                s,
                format!("formats are: {}", crate::render::FORMAT_NAMES.join(", ")),
            )),
            SyntaxErrorKind::UnknownSetting { suggestion: s, .. } => Some(suggestion(
                s,
                "the only setting is `format`: set format table|vertical|csv|json".to_owned(),
            )),
            _ => None,
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, column) = self.position();
        if self.first_line.is_some() {
            write!(f, "line {line}, column {column}: ")?;
        }
        f.write_str(&self.message())?;
        if !matches!(self.kind, SyntaxErrorKind::TooLong { .. }) {
            let start = self.span.start.min(self.text.len());
            let end = self.span.end.clamp(start, self.text.len());
            let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = self.text[start..]
                .find('\n')
                .map_or(self.text.len(), |i| start + i);
            let source_line = &self.text[line_start..line_end];
            let pad = self.text[line_start..start].width();
            let marked = self.text[start..end.min(line_end)].width().max(1);
            write!(
                f,
                "\n  {source_line}\n  {}{}",
                " ".repeat(pad),
                "^".repeat(marked)
            )?;
        }
        if let Some(help) = self.help() {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SyntaxError {}

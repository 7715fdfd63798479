//! Where command text comes from: the line editor on a terminal, or a reader
//! (a pipe, `-f FILE`, `-c` arguments) that remembers line numbers.
//!
//! Both follow the same continuation rules, so a batch file behaves exactly
//! like typing it: a line ending in `\`, or with a quote or parenthesis still
//! open, continues on the next. A batch also skips blank lines and comment
//! lines (`#` as the first non-blank character).

use std::borrow::Cow;
use std::io::BufRead;

/// What is still open at the end of `text`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Openings {
    in_quote: bool,
    parens: usize,
    trailing_backslash: bool,
}

fn openings(text: &str) -> Openings {
    let mut state = Openings::default();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if state.in_quote => {
                chars.next();
            }
            '"' => state.in_quote = !state.in_quote,
            '(' if !state.in_quote => state.parens += 1,
            ')' if !state.in_quote => state.parens = state.parens.saturating_sub(1),
            _ => {}
        }
    }
    state.trailing_backslash =
        !state.in_quote && text.trim_end_matches([' ', '\t']).ends_with('\\');
    state
}

/// Whether the command in `text` continues on the next line: something is
/// still open, or it ends in `\`, `and`, `or` or `,` (a condition or list
/// that cannot end there).
pub fn needs_continuation(text: &str) -> bool {
    let open = openings(text);
    if open.in_quote || open.parens > 0 || open.trailing_backslash {
        return true;
    }
    let trimmed = text.trim_end();
    if trimmed.ends_with(',') {
        return true;
    }
    let last_word = trimmed
        .rsplit(|c: char| c.is_whitespace() || c == ')')
        .next()
        .unwrap_or("");
    let before = &trimmed[..trimmed.len() - last_word.len()];
    // A lone `and` or `or` is a word of the command, not a continuation.
    !before.trim().is_empty()
        && (last_word.eq_ignore_ascii_case("and") || last_word.eq_ignore_ascii_case("or"))
}

/// The command text with each continuation backslash removed (the line break
/// after it stays, as whitespace, so error positions still count lines).
pub fn join_continuations(text: &str) -> Cow<'_, str> {
    if !text.contains("\\\n") {
        return Cow::Borrowed(text);
    }
    let mut joined = String::with_capacity(text.len());
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        let continued = lines.peek().is_some() && !openings(&joined).in_quote;
        match line.trim_end_matches([' ', '\t']).strip_suffix('\\') {
            Some(head) if continued => joined.push_str(head),
            _ => joined.push_str(line),
        }
        if lines.peek().is_some() {
            joined.push('\n');
        }
    }
    Cow::Owned(joined)
}

/// One command read from a batch, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub first_line: usize,
    pub text: String,
}

/// Commands from a reader, one per line, with continuations joined.
pub struct Batch<R> {
    reader: R,
    line_number: usize,
}

impl<R: BufRead> Batch<R> {
    pub fn new(reader: R) -> Self {
        Batch {
            reader,
            line_number: 0,
        }
    }

    fn read_line(&mut self) -> std::io::Result<Option<String>> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        self.line_number += 1;
        if line.ends_with('\n') {
            line.pop();
            if line.ends_with('\r') {
                line.pop();
            }
        }
        Ok(Some(line))
    }
}

impl<R: BufRead> Iterator for Batch<R> {
    type Item = std::io::Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = match self.read_line() {
                Ok(Some(line)) => line,
                Ok(None) => return None,
                Err(e) => return Some(Err(e)),
            };
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let first_line = self.line_number;
            let mut text = line;
            while needs_continuation(&text) {
                match self.read_line() {
                    Ok(Some(next)) => {
                        text.push('\n');
                        text.push_str(&next);
                    }
                    // An unclosed quote at the end of the input is the parser's to report.
                    Ok(None) => break,
                    Err(e) => return Some(Err(e)),
                }
            }
            return Some(Ok(Entry {
                first_line,
                text: join_continuations(&text).into_owned(),
            }));
        }
    }
}

/// Commands given with `-c`, numbered as if they were lines of a file.
pub fn from_arguments(commands: &[String]) -> Vec<Entry> {
    commands
        .iter()
        .enumerate()
        .map(|(index, text)| Entry {
            first_line: index + 1,
            text: join_continuations(text).into_owned(),
        })
        .collect()
}

/// Lines that may hold a secret are never written to the history file.
pub fn fit_for_history(text: &str) -> bool {
    !text.to_lowercase().contains("password")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(text: &str) -> Vec<(usize, String)> {
        Batch::new(text.as_bytes())
            .map(|entry| entry.expect("in-memory reads succeed"))
            .map(|entry| (entry.first_line, entry.text))
            .collect()
    }

    #[test]
    fn blank_lines_and_comments_are_skipped_and_lines_keep_their_numbers() {
        assert_eq!(
            batch("help\n\n# a comment\n   # another\nquit\n"),
            vec![(1, "help".into()), (5, "quit".into())]
        );
    }

    #[test]
    fn backslash_quote_and_parenthesis_continue_the_command() {
        assert_eq!(
            batch("set \\\nformat csv\nhelp\n"),
            vec![(1, "set \nformat csv".into()), (3, "help".into())]
        );
        assert_eq!(
            batch("x \"two\nlines\" y\nz (a,\nb)\n"),
            vec![(1, "x \"two\nlines\" y".into()), (3, "z (a,\nb)".into())]
        );
    }

    #[test]
    fn a_line_ending_in_and_or_or_a_comma_continues() {
        assert_eq!(
            batch("show events where support is none and\n  attendees > 10\nhelp\n"),
            vec![
                (
                    1,
                    "show events where support is none and\n  attendees > 10".into()
                ),
                (3, "help".into())
            ]
        );
        assert!(needs_continuation("show events where a = 1 OR"));
        assert!(needs_continuation("show events order by start,"));
        assert!(!needs_continuation(
            r#"show events where name = "this and""#
        ));
        assert!(!needs_continuation("show events where brand ~ \"x\""));
        assert!(!needs_continuation("and"));
    }

    #[test]
    fn escaped_quotes_and_parentheses_inside_strings_do_not_count() {
        assert!(!needs_continuation(r#"x "a \" b""#));
        assert!(!needs_continuation(r#"x "(""#));
        assert!(needs_continuation(r#"x "a \""#));
        assert!(!needs_continuation(r#"x "ends in \\""#));
    }

    #[test]
    fn an_unclosed_quote_at_the_end_of_input_is_returned_for_the_parser() {
        assert_eq!(batch("x \"open\n"), vec![(1, "x \"open".into())]);
    }

    #[test]
    fn windows_line_endings_are_accepted() {
        assert_eq!(
            batch("help\r\nquit\r\n"),
            vec![(1, "help".into()), (2, "quit".into())]
        );
    }

    #[test]
    fn secrets_stay_out_of_history() {
        assert!(!fit_for_history(r#"create employee name "A" password "x""#));
        assert!(fit_for_history("show events"));
    }
}

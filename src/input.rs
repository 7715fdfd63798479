//! Where command text comes from: the line editor on a terminal, or a reader
//! (a pipe, `-f FILE`, `-c` arguments) that remembers line numbers.
//!
//! Both follow the same continuation rules, so a batch file behaves exactly
//! like typing it: a line ending in `\`, or with a quote or parenthesis still
//! open, continues on the next. A batch also skips blank lines and comment
//! lines (`#` as the first non-blank character).

use std::borrow::Cow;
use std::io::BufRead;

use unicode_width::UnicodeWidthChar;

use crate::error::Error;
use crate::syntax::MAX_COMMAND_BYTES;

/// What is still open in the text scanned so far. Fed a line at a time, so
/// that a command costs time in proportion to its length however many lines
/// it spans: rescanning the whole command at each new line made an unclosed
/// quote cost the square of the lines after it.
#[derive(Debug, Default, Clone)]
struct Openings {
    in_quote: bool,
    /// A backslash inside a quote: the next character is taken as it is.
    escaped: bool,
    parens: usize,
    /// Lines fed so far.
    lines: usize,
    /// Where the open quote is: its line (0-based, in the text) and display column.
    quote_at: (usize, usize),
    /// Characters scanned, so a test can check that reading stays linear.
    scanned: usize,
}

impl Openings {
    /// Scans `line`, the next line of the text (after a line break unless
    /// it is the first).
    fn feed_line(&mut self, line: &str) {
        if self.lines > 0 {
            self.feed_char('\n', 0);
        }
        self.lines += 1;
        let mut column = 1;
        for c in line.chars() {
            self.feed_char(c, column);
            column += c.width().unwrap_or(0);
        }
    }

    fn feed_char(&mut self, c: char, column: usize) {
        self.scanned += 1;
        if self.escaped {
            self.escaped = false;
            return;
        }
        match c {
            '\\' if self.in_quote => self.escaped = true,
            '"' => {
                self.in_quote = !self.in_quote;
                self.quote_at = (self.lines - 1, column);
            }
            '(' if !self.in_quote => self.parens += 1,
            ')' if !self.in_quote => self.parens = self.parens.saturating_sub(1),
            _ => {}
        }
    }
}

/// The continuation rule, fed a line at a time: the line editor's
/// validator and the batch reader both use it, so typing a file and piping
/// it behave the same.
#[derive(Debug, Default, Clone)]
pub struct Continuation {
    open: Openings,
    /// The last line, less spaces and tabs, ends in `\`.
    trailing_backslash: bool,
    /// The last line with any text ends in `,`, `and` or `or`.
    open_tail: bool,
    /// Some line so far had text.
    seen_text: bool,
}

impl Continuation {
    pub fn push_line(&mut self, line: &str) {
        self.open.feed_line(line);
        self.trailing_backslash = line.trim_end_matches([' ', '\t']).ends_with('\\');
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            return;
        }
        self.open_tail = trimmed.ends_with(',') || {
            let last_word = trimmed
                .rsplit(|c: char| c.is_whitespace() || c == ')')
                .next()
                .unwrap_or("");
            let before = &trimmed[..trimmed.len() - last_word.len()];
            // A lone `and` or `or` is a word of the command, not a continuation.
            (self.seen_text || !before.trim().is_empty())
                && (last_word.eq_ignore_ascii_case("and") || last_word.eq_ignore_ascii_case("or"))
        };
        self.seen_text = true;
    }

    /// Whether the command continues on the next line: something is still
    /// open, or it ends in `\`, `and`, `or` or `,` (a condition or list
    /// that cannot end there).
    pub fn needs_more(&self) -> bool {
        self.open.in_quote || self.open.parens > 0 || self.trailing_backslash || self.open_tail
    }

    /// Where the quote still open was opened: its line (0-based) and column.
    fn open_quote(&self) -> Option<(usize, usize)> {
        self.open.in_quote.then_some(self.open.quote_at)
    }
}

/// Whether the command in `text` continues on the next line (see
/// [`Continuation::needs_more`]).
pub fn needs_continuation(text: &str) -> bool {
    let mut rule = Continuation::default();
    for line in text.split('\n') {
        rule.push_line(line);
    }
    rule.needs_more()
}

/// One command typed at a terminal: its first line read at `prompt`, then,
/// while the continuation rule says it goes on, each next line at the
/// continuation prompt, so the screen shows that the command is not over
/// (as psql's `-#`). `read` gives a line, or `None` at the end of input,
/// which ends the command as it stands: the parser then says what is open.
pub fn read_continued<E>(
    prompt: &str,
    mut read: impl FnMut(&str) -> Result<Option<String>, E>,
) -> Result<Option<String>, E> {
    let Some(mut text) = read(prompt)? else {
        return Ok(None);
    };
    let mut rule = Continuation::default();
    rule.push_line(&text);
    let continued = continuation_prompt(prompt);
    while rule.needs_more() {
        let Some(line) = read(&continued)? else {
            break;
        };
        rule.push_line(&line);
        text.push('\n');
        text.push_str(&line);
    }
    Ok(Some(text))
}

/// `...> ` as wide as `prompt`, so continued lines start under the first.
pub fn continuation_prompt(prompt: &str) -> String {
    let width: usize = prompt.chars().filter_map(|c| c.width()).sum();
    format!("{:>width$}", "...> ")
}

/// The command text with each continuation backslash removed (the line break
/// after it stays, as whitespace, so error positions still count lines).
pub fn join_continuations(text: &str) -> Cow<'_, str> {
    // (A backslash may be followed by spaces before its line break.)
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let mut joined = String::with_capacity(text.len());
    // What is open in `joined`, kept up to date as it grows.
    let mut open = Openings::default();
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        let continued = lines.peek().is_some() && !open.in_quote;
        let kept = match line.trim_end_matches([' ', '\t']).strip_suffix('\\') {
            Some(head) if continued => head,
            _ => line,
        };
        joined.push_str(kept);
        open.feed_line(kept);
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
    /// Characters the continuation rule scanned, for the test that reading
    /// stays linear.
    scanned: usize,
}

/// A line as read: its text, and where it stops being UTF-8, if it does.
struct Line {
    text: String,
    not_utf8: Option<(usize, u8)>,
}

impl<R: BufRead> Batch<R> {
    pub fn new(reader: R) -> Self {
        Batch {
            reader,
            line_number: 0,
            scanned: 0,
        }
    }

    /// The next line, without its line ending. Bytes that are not UTF-8
    /// are replaced (so the continuation rule still sees the line's quotes
    /// and parentheses) and the first of them is remembered.
    fn read_line(&mut self) -> std::io::Result<Option<Line>> {
        let mut bytes = Vec::new();
        if self.reader.read_until(b'\n', &mut bytes)? == 0 {
            return Ok(None);
        }
        self.line_number += 1;
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
        Ok(Some(match String::from_utf8(bytes) {
            Ok(text) => Line {
                text,
                not_utf8: None,
            },
            Err(error) => {
                let bytes = error.as_bytes();
                let valid = error.utf8_error().valid_up_to();
                let column = String::from_utf8_lossy(&bytes[..valid])
                    .chars()
                    .map(|c| c.width().unwrap_or(0))
                    .sum::<usize>()
                    + 1;
                Line {
                    not_utf8: Some((column, bytes[valid])),
                    text: String::from_utf8_lossy(bytes).into_owned(),
                }
            }
        }))
    }
}

impl<R: BufRead> Iterator for Batch<R> {
    /// A command, or why its lines make none: they cannot be read (the
    /// batch stops), are not UTF-8 or are too long (the batch goes on with
    /// `--keep-going`).
    type Item = Result<Entry, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let read_error = |source| Some(Err(Error::Input { source }));
        loop {
            let line = match self.read_line() {
                Ok(Some(line)) => line,
                Ok(None) => return None,
                Err(e) => return read_error(e),
            };
            let trimmed = line.text.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let first_line = self.line_number;
            let mut not_utf8 = line
                .not_utf8
                .map(|(column, byte)| (first_line, column, byte));
            let mut rule = Continuation::default();
            rule.push_line(&line.text);
            let mut text = line.text;
            let mut too_long = text.len() > MAX_COMMAND_BYTES;
            while rule.needs_more() {
                match self.read_line() {
                    Ok(Some(next)) => {
                        rule.push_line(&next.text);
                        if not_utf8.is_none() {
                            not_utf8 = next
                                .not_utf8
                                .map(|(column, byte)| (self.line_number, column, byte));
                        }
                        // Past the limit the lines are still read, to find
                        // where the command ends, but no longer kept.
                        too_long = too_long || text.len() + 1 + next.text.len() > MAX_COMMAND_BYTES;
                        if !too_long {
                            text.push('\n');
                            text.push_str(&next.text);
                        }
                    }
                    // An unclosed quote at the end of the input is the parser's to report.
                    Ok(None) => break,
                    Err(e) => return read_error(e),
                }
            }
            self.scanned += rule.open.scanned;
            if let Some((line, column, byte)) = not_utf8 {
                return Some(Err(Error::NotUtf8 { line, column, byte }));
            }
            if too_long {
                let mut error = crate::syntax::too_long().at_line(first_line);
                if let Some((line, column)) = rule.open_quote() {
                    error = error.with_help(format!(
                        "the string opened at line {}, column {column} is never closed, \
                         so every line after it was read as part of this command",
                        first_line + line
                    ));
                }
                return Some(Err(error.into()));
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

/// Lines that may hold a secret are never written to the history file:
/// those mentioning a password, and a `login` with more than the email.
pub fn fit_for_history(text: &str) -> bool {
    !text.to_lowercase().contains("password")
        && !crate::syntax::types_a_password(&join_continuations(text))
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
            batch("set \\  \nformat csv\n"),
            vec![(1, "set \nformat csv".into())],
            "spaces after the backslash"
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

    /// The rule as it was, rescanning the whole text: the reference the
    /// line-at-a-time rule must agree with.
    mod whole_text {
        pub fn in_quote_and_parens(text: &str) -> (bool, usize) {
            let (mut in_quote, mut parens) = (false, 0usize);
            let mut chars = text.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' if in_quote => {
                        chars.next();
                    }
                    '"' => in_quote = !in_quote,
                    '(' if !in_quote => parens += 1,
                    ')' if !in_quote => parens = parens.saturating_sub(1),
                    _ => {}
                }
            }
            (in_quote, parens)
        }

        pub fn needs_continuation(text: &str) -> bool {
            let (in_quote, parens) = in_quote_and_parens(text);
            let trailing_backslash =
                !in_quote && text.trim_end_matches([' ', '\t']).ends_with('\\');
            if in_quote || parens > 0 || trailing_backslash {
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
            !before.trim().is_empty()
                && (last_word.eq_ignore_ascii_case("and") || last_word.eq_ignore_ascii_case("or"))
        }

        pub fn join_continuations(text: &str) -> String {
            let mut joined = String::new();
            let mut lines = text.split('\n').peekable();
            while let Some(line) = lines.next() {
                let continued = lines.peek().is_some() && !in_quote_and_parens(&joined).0;
                match line.trim_end_matches([' ', '\t']).strip_suffix('\\') {
                    Some(head) if continued => joined.push_str(head),
                    _ => joined.push_str(line),
                }
                if lines.peek().is_some() {
                    joined.push('\n');
                }
            }
            joined
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 20_000, failure_persistence: None, ..Default::default() })]

        #[test]
        fn the_rule_fed_a_line_at_a_time_agrees_with_rescanning_the_whole_text(
            pieces in proptest::collection::vec(
                proptest::sample::select(&["\"", "\\", "(", ")", " ", "\t", "\n", ",", "and", "OR", "x", "é", "#"][..]),
                0..40,
            )
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(needs_continuation(&text), whole_text::needs_continuation(&text), "{:?}", text);
            proptest::prop_assert_eq!(join_continuations(&text).into_owned(), whole_text::join_continuations(&text), "{:?}", text);
        }
    }

    #[test]
    fn an_unclosed_quote_costs_reading_time_linear_in_the_lines_after_it() {
        for lines in [2_000, 20_000] {
            let input = format!("show events where name ~ \"open\n{}", "x\n".repeat(lines));
            let mut reader = Batch::new(input.as_bytes());
            let entries: Vec<_> = reader.by_ref().collect();
            assert_eq!(entries.len(), 1);
            // Each character is looked at once, with its line break.
            assert!(
                reader.scanned <= input.len(),
                "{} characters scanned for {} bytes",
                reader.scanned,
                input.len()
            );
        }
    }

    #[test]
    fn a_command_left_open_past_the_limit_names_the_line_of_its_quote() {
        let input = format!(
            "help\nshow events where (\n  name ~ \"open\n{}",
            "help\n".repeat(20_000)
        );
        let entries: Vec<_> = Batch::new(input.as_bytes()).collect();
        assert_eq!(entries.len(), 2);
        let Some(Err(Error::Syntax(error))) = entries.get(1) else {
            panic!("{:?}", entries.get(1))
        };
        assert_eq!(
            error.to_string(),
            "line 2, column 1: the command is too long: at most 65536 bytes\n\
             help: the string opened at line 3, column 10 is never closed, \
             so every line after it was read as part of this command"
        );
    }

    #[test]
    fn a_line_that_is_not_utf8_is_an_error_naming_it_and_the_next_command_follows() {
        let entries: Vec<_> =
            Batch::new(&b"help\nshow clients where name = \"caf\xe9\"\nquit\n"[..]).collect();
        assert_eq!(entries.len(), 3);
        assert!(
            matches!(
                entries[1],
                Err(Error::NotUtf8 {
                    line: 2,
                    column: 31,
                    byte: 0xe9
                })
            ),
            "{:?}",
            entries[1]
        );
        assert!(matches!(&entries[2], Ok(Entry { first_line: 3, text }) if text == "quit"));
        // A comment is skipped whatever its bytes.
        assert_eq!(batch("# caf\u{e9}\nhelp\n"), vec![(2, "help".into())]);
        let latin1_comment: Vec<_> = Batch::new(&b"# caf\xe9\nhelp\n"[..]).collect();
        assert!(matches!(
            &latin1_comment[..],
            [Ok(Entry { first_line: 2, .. })]
        ));
    }

    #[test]
    fn windows_line_endings_are_accepted() {
        assert_eq!(
            batch("help\r\nquit\r\n"),
            vec![(1, "help".into()), (2, "quit".into())]
        );
    }

    #[test]
    fn a_continued_command_is_read_at_the_continuation_prompt() {
        let mut lines = [
            "show events where \\",
            "id = 109 and (",
            "  name ~ \"a\")",
            "whoami",
        ]
        .into_iter();
        let mut prompts = Vec::new();
        let mut read = |prompt: &str| {
            prompts.push(prompt.to_owned());
            Ok::<_, ()>(lines.next().map(str::to_owned))
        };
        assert_eq!(
            read_continued("epic kate> ", &mut read),
            Ok(Some(
                "show events where \\\nid = 109 and (\n  name ~ \"a\")".to_owned()
            ))
        );
        assert_eq!(
            read_continued("epic kate> ", &mut read),
            Ok(Some("whoami".to_owned()))
        );
        assert_eq!(read_continued("epic kate> ", &mut read), Ok(None));
        assert_eq!(
            prompts,
            [
                "epic kate> ",
                "      ...> ",
                "      ...> ",
                "epic kate> ",
                "epic kate> "
            ]
        );
        // The end of input inside a command ends it as it stands.
        let mut open = ["show events where name ~ \"a"].into_iter();
        let mut read = |_: &str| Ok::<_, ()>(open.next().map(str::to_owned));
        assert_eq!(
            read_continued("epic> ", &mut read),
            Ok(Some("show events where name ~ \"a".to_owned()))
        );
        assert_eq!(continuation_prompt("epic> "), " ...> ");
    }

    #[test]
    fn secrets_stay_out_of_history() {
        assert!(!fit_for_history(r#"create employee name "A" password "x""#));
        assert!(fit_for_history("show events"));
        assert!(!fit_for_history(
            "login kate@epic.events Runs-The-Wedding-42"
        ));
        assert!(!fit_for_history(
            "LOGIN kate@epic.events \\\nRuns-The-Wedding-42"
        ));
        assert!(fit_for_history("login kate@epic.events"));
    }
}

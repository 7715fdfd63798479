//! The line editor's stage: completion, highlighting and continuation, so
//! the shell knows the language. Completion asks the parser what it expected
//! where the text before the cursor ends (the word being completed left
//! out, as the prefix the candidates must start with); [`offers`] turns
//! that into candidates. So what is offered is what the grammar takes.
//!
//! Completion never reports errors: a line that does not lex or does not
//! follow the grammar simply has no candidates. Highlighting never changes
//! the text: it only wraps tokens in ANSI colour codes, because rustyline
//! lays the line out from the plain text.

use std::borrow::Cow;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use crate::syntax::ast::quote;
use crate::syntax::help;
use crate::syntax::lexer::{Token, TokenKind, tokenize};

mod highlight;
mod offers;
use highlight::highlight_line;
use offers::offers;

/// The line editor's helper: completion, highlighting, and Enter on an
/// unfinished command opening a new line.
pub struct LanguageHelper {
    /// Employee full names, offered (quoted) where an employee is named. Loaded by the shell at start.
    employees: Vec<String>,
    color: bool,
}

impl LanguageHelper {
    /// Replaces the names offered after an employee field (after a login).
    pub fn set_employees(&mut self, employees: Vec<String>) {
        self.employees = employees;
    }

    pub fn new(employees: Vec<String>, color: bool) -> Self {
        LanguageHelper { employees, color }
    }

    /// The candidates for the word ending at `pos` in `line`: (start of the replaced word, candidates). Pure, unit-tested.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let (start, pairs) = self.pairs(line, pos);
        (start, pairs.into_iter().map(|p| p.replacement).collect())
    }

    /// Candidates with what the list shows (the canonical word) and what
    /// replaces the typed word.
    fn pairs(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        // rustyline gives a byte position; anything else is no position at all.
        let Some(before) = line.get(..pos) else {
            return (pos, Vec::new());
        };
        let before = blank_continuations(before);
        let (start, mut pairs) = match open_quote(&before) {
            Some(quote) => (quote, self.in_string(&before[..quote], &before[quote..])),
            None => {
                let start = word_start(&before);
                (start, self.words(&before[..start], &before[start..]))
            }
        };
        pairs.sort_by(|a, b| {
            a.display
                .cmp(&b.display)
                .then_with(|| a.replacement.cmp(&b.replacement))
        });
        pairs.dedup_by(|a, b| a.replacement == b.replacement);
        (start, pairs)
    }

    /// Candidates for `prefix`, a word or operator typed after `context`.
    fn words(&self, context: &str, prefix: &str) -> Vec<Pair> {
        let offers = offers(context, prefix.is_empty());
        let mut pairs: Vec<Pair> = offers
            .words
            .iter()
            .chain(&offers.choices)
            .filter_map(|word| {
                // Language words are case-insensitive, so the user's typing
                // stays as it is and only the rest of the word is added.
                rest_after(word, prefix).map(|rest| Pair {
                    display: (*word).to_owned(),
                    replacement: format!("{prefix}{rest}"),
                })
            })
            .collect();
        if offers.employees {
            // Names are data, not keywords: they are matched without the
            // quotes the user has not typed yet, and inserted as spelled in
            // the database, quoted so that they parse.
            pairs.extend(
                self.employees
                    .iter()
                    .filter(|name| rest_after(name, prefix).is_some())
                    .map(|name| {
                        let quoted = quote(name);
                        Pair {
                            display: quoted.clone(),
                            replacement: quoted,
                        }
                    }),
            );
        }
        pairs
    }

    /// Candidates inside a string left open after `context`; `typed` starts
    /// with the opening quote. Only values from a fixed list (employee
    /// names, enum choices) can be completed; each comes with its closing
    /// quote.
    fn in_string(&self, context: &str, typed: &str) -> Vec<Pair> {
        let offers = offers(context, false);
        let employees = offers.employees.then_some(&self.employees);
        offers
            .choices
            .into_iter()
            .chain(employees.into_iter().flatten().map(String::as_str))
            .map(quote)
            .filter(|quoted| rest_after(quoted, typed).is_some())
            .map(|quoted| Pair {
                display: quoted.clone(),
                replacement: quoted,
            })
            .collect()
    }
}

/// The rest of `candidate` after `prefix`, compared ignoring case, or `None`
/// when `candidate` does not start with it. Compares character by character
/// so that non-ASCII names match without byte offsets going astray.
fn rest_after<'c>(candidate: &'c str, prefix: &str) -> Option<&'c str> {
    let mut chars = candidate.chars();
    for expected in prefix.chars() {
        let found = chars.next()?;
        if !found.to_lowercase().eq(expected.to_lowercase()) {
            return None;
        }
    }
    Some(chars.as_str())
}

/// Where the word being completed starts: a run of word characters, or of
/// operator characters (so `<` completes to `<=`), ending at the cursor.
fn word_start(text: &str) -> usize {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let is_operator = |c: char| matches!(c, '!' | '<' | '>' | '=' | '~');
    match text.chars().next_back() {
        Some(c) if is_word(c) => text.trim_end_matches(is_word).len(),
        Some(c) if is_operator(c) => text.trim_end_matches(is_operator).len(),
        _ => text.len(),
    }
}

/// The byte offset of the opening quote of a string still open at the end of
/// `text`, by the same rules as line continuation (`\` escapes the next
/// character inside a string).
fn open_quote(text: &str) -> Option<usize> {
    let mut open = None;
    let mut chars = text.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '\\' if open.is_some() => {
                chars.next();
            }
            '"' if open.is_some() => open = None,
            '"' => open = Some(index),
            _ => {}
        }
    }
    open
}

/// `text` with each continuation backslash (a `\` ending a line outside a
/// string) replaced by a space, so a command typed over several lines lexes
/// as one. The length, hence every offset, stays the same.
fn blank_continuations(text: &str) -> Cow<'_, str> {
    let mut continuations = Vec::new();
    let mut in_string = false;
    let mut chars = text.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '\\' if text[index + 1..]
                .trim_start_matches([' ', '\t', '\r'])
                .starts_with('\n') =>
            {
                continuations.push(index);
            }
            _ => {}
        }
    }
    if continuations.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut blanked = String::with_capacity(text.len());
    let mut copied = 0;
    for index in continuations {
        blanked.push_str(&text[copied..index]);
        blanked.push(' ');
        copied = index + 1;
    }
    blanked.push_str(&text[copied..]);
    Cow::Owned(blanked)
}

const RESET: &str = "\x1b[0m";
const KEYWORD: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[33m";
const MOMENT: &str = "\x1b[36m";

/// Words of the language other than the command names (which come from
/// `help`, so a new command is highlighted as soon as it is documented).
const LANGUAGE_WORDS: &[&str] = &[
    "exit", "format", "where", "and", "or", "not", "is", "in", "none", "me", "order", "by", "asc",
    "desc", "limit", "offset", "true", "false",
];

/// Words that name a moment, coloured like dates.
const MOMENT_WORDS: &[&str] = &["today", "tomorrow", "yesterday", "now"];

/// Each lexical error costs a re-lex of the rest of the line; past this many
/// the rest is left plain, so pasting garbage stays cheap.
const MAX_LEXICAL_ERRORS: usize = 64;

impl Completer for LanguageHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.pairs(line, pos))
    }
}

impl Highlighter for LanguageHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color || line.is_empty() {
            return Cow::Borrowed(line);
        }
        Cow::Owned(highlight_line(line))
    }

    /// Every typed character can change a token's colour (`sho` becomes the
    /// keyword `show`), so typing repaints the line. Moving the cursor
    /// changes nothing: colours do not depend on it.
    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.color && kind == CmdKind::Other
    }
}

impl Hinter for LanguageHelper {
    type Hint = String;
}

/// Every line is complete to the editor: the shell reads a continued
/// command a line at a time (`input::read_continued`), so that each next
/// line is shown at the continuation prompt.
impl Validator for LanguageHelper {}

impl Helper for LanguageHelper {}

#[cfg(test)]
mod tests;

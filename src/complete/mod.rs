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

use crate::model::{Entity, Field, FieldType, Role, Write};
use crate::syntax::Command;
use crate::syntax::ast::quote;
use crate::syntax::help;
use crate::syntax::lexer::{Token, TokenKind, tokenize};

mod highlight;
mod offers;
use highlight::highlight_line;
use offers::{Names, offers};

/// The line editor's helper: completion and highlighting.
pub struct LanguageHelper {
    /// The active employees, offered where an employee is named. Loaded by
    /// the shell at a login and after each write that changes them.
    employees: Vec<Colleague>,
    color: bool,
}

/// An employee as completion offers them: by name (quoted), or by number
/// after `employee`; a sales or support contact only from their department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Colleague {
    pub id: i64,
    pub name: String,
    /// `None` for a department this version does not know.
    pub department: Option<Role>,
}

impl Colleague {
    pub fn new(id: i64, name: String, department: &str) -> Colleague {
        Colleague {
            id,
            name,
            department: Role::from_department(department),
        }
    }
}

/// Whether running `text` can change who completion names: a write to an
/// employee (a create, an update, a delete, a deactivation). The shell
/// reloads the names after each such command that succeeded.
pub fn changes_employees(text: &str) -> bool {
    match crate::syntax::parse(text) {
        Ok(Command::Create(create)) => create.entity == Entity::Employee,
        Ok(Command::Update { entity, .. } | Command::Delete { entity, .. }) => {
            entity == Entity::Employee
        }
        Ok(Command::Deactivate { .. }) => true,
        _ => false,
    }
}

impl LanguageHelper {
    /// Replaces the employees offered (after a login, or a write to one).
    pub fn set_employees(&mut self, employees: Vec<Colleague>) {
        self.employees = employees;
    }

    pub fn new(employees: Vec<Colleague>, color: bool) -> Self {
        LanguageHelper { employees, color }
    }

    /// The candidates for the word ending at `pos` in `line`: (start of the replaced word, candidates). Pure, unit-tested.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let (start, pairs) = self.pairs(line, pos);
        (start, pairs.into_iter().map(|p| p.replacement).collect())
    }

    /// Candidates with what the list shows (the canonical word, a field
    /// with what it holds) and what replaces the typed word. Required
    /// fields of a `create` come first, then the rest in order.
    fn pairs(&self, line: &str, pos: usize) -> (usize, Vec<Pair>) {
        // rustyline gives a byte position; anything else is no position at all.
        let Some(before) = line.get(..pos) else {
            return (pos, Vec::new());
        };
        let before = blank_continuations(before);
        let (start, mut ranked) = match open_quote(&before) {
            Some(quote) => (quote, self.in_string(&before[..quote], &before[quote..])),
            None => {
                let start = word_start(&before);
                (start, self.words(&before[..start], &before[start..]))
            }
        };
        // Record numbers after the words, by value: shorter is smaller.
        let number = |pair: &Pair| {
            let digits = &pair.replacement;
            digits
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then_some(digits.len())
        };
        ranked.sort_by(|(a_rank, a), (b_rank, b)| {
            a_rank
                .cmp(b_rank)
                .then_with(|| number(a).cmp(&number(b)))
                .then_with(|| a.display.cmp(&b.display))
                .then_with(|| a.replacement.cmp(&b.replacement))
        });
        let mut seen = std::collections::HashSet::new();
        let pairs = ranked
            .into_iter()
            .map(|(_, pair)| pair)
            .filter(|pair| seen.insert(pair.replacement.clone()))
            .collect();
        (start, pairs)
    }

    /// Candidates for `prefix`, a word or operator typed after `context`,
    /// each with its rank in the list.
    fn words(&self, context: &str, prefix: &str) -> Vec<(Rank, Pair)> {
        let offers = offers(context, prefix.is_empty());
        // Language words are case-insensitive, so the user's typing stays
        // as it is and only the rest of the word is added.
        let typed = |word: &str| rest_after(word, prefix).map(|rest| format!("{prefix}{rest}"));
        let mut pairs: Vec<(Rank, Pair)> = offers
            .words
            .iter()
            .chain(&offers.choices)
            .filter_map(|word| {
                typed(word).map(|replacement| {
                    let display = (*word).to_owned();
                    (
                        Rank::Other,
                        Pair {
                            display,
                            replacement,
                        },
                    )
                })
            })
            .collect();
        pairs.extend(offers.fields.iter().filter_map(|field| {
            let required = offers.creating && field.spec().write == Write::RequiredOnCreate;
            typed(field.name()).map(|replacement| {
                let rank = if required {
                    Rank::Required
                } else {
                    Rank::Other
                };
                let display = field_display(*field, required);
                (
                    rank,
                    Pair {
                        display,
                        replacement,
                    },
                )
            })
        }));
        if let Some(names) = offers.employees {
            // Names are data, not keywords: they are matched without the
            // quotes the user has not typed yet, and inserted as spelled in
            // the database, quoted so that they parse.
            pairs.extend(
                self.colleagues(names)
                    .filter(|c| rest_after(&c.name, prefix).is_some())
                    .map(|c| (Rank::Other, quoted_pair(&c.name))),
            );
        }
        if offers.employee_ids {
            // After `sales employee`, only the salespeople's numbers.
            let admitted = |c: &&Colleague| offers.employees.is_none_or(|n| n.admit(c.department));
            pairs.extend(self.employees.iter().filter(admitted).filter_map(|c| {
                let id = c.id.to_string();
                id.starts_with(prefix).then(|| {
                    let display = format!("{id}  ({})", crate::text::one_line(&c.name));
                    (
                        Rank::Other,
                        Pair {
                            display,
                            replacement: id,
                        },
                    )
                })
            }));
        }
        pairs
    }

    /// The employees `names` admits.
    fn colleagues(&self, names: Names) -> impl Iterator<Item = &Colleague> {
        self.employees
            .iter()
            .filter(move |c| names.admit(c.department))
    }

    /// Candidates inside a string left open after `context`; `typed` starts
    /// with the opening quote. Only values from a fixed list (employee
    /// names, enum choices) can be completed; each comes with its closing
    /// quote.
    fn in_string(&self, context: &str, typed: &str) -> Vec<(Rank, Pair)> {
        let offers = offers(context, false);
        let names = offers
            .employees
            .into_iter()
            .flat_map(|names| self.colleagues(names).map(|c| c.name.as_str()));
        offers
            .choices
            .into_iter()
            .chain(names)
            .filter(|value| rest_after(&quote(value), typed).is_some())
            .map(|value| (Rank::Other, quoted_pair(value)))
            .collect()
    }
}

/// Where a candidate comes in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    /// A field every `create` of the entity must give.
    Required,
    Other,
}

/// `value` quoted, as shown and as inserted.
fn quoted_pair(value: &str) -> Pair {
    let quoted = quote(value);
    Pair {
        display: quoted.clone(),
        replacement: quoted,
    }
}

/// How `field` is listed: its name and, in brackets, what it holds.
fn field_display(field: Field, required: bool) -> String {
    let holds: Cow<'static, str> = match field.ty() {
        FieldType::Id => "number".into(),
        FieldType::Text => "text".into(),
        FieldType::Email => "email".into(),
        FieldType::Phone => "phone".into(),
        FieldType::Money => "amount".into(),
        FieldType::Integer => "whole number".into(),
        FieldType::Boolean => "true/false".into(),
        FieldType::Timestamp => "date".into(),
        FieldType::Employee => match field.department() {
            Some(role) => format!("{role} employee").into(),
            None => "employee".into(),
        },
        FieldType::Enum(choices) => choices.join("/").into(),
    };
    let required = if required { ", required" } else { "" };
    format!("{}  ({holds}{required})", field.name())
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
    "desc", "limit", "offset", "true", "false", "from", "map", "apply",
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
mod positions;
#[cfg(test)]
mod tests;

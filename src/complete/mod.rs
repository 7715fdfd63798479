//! Completion and highlighting: the shell knows the language. Both work from
//! the tokens of the line up to the cursor and the grammar position they
//! imply, using the same model (entities, fields, types) as the parser, so
//! what is offered is what would parse.
//!
//! Completion never reports errors: a line that does not lex or does not
//! follow the grammar simply has no candidates. Highlighting never changes
//! the text: it only wraps tokens in ANSI colour codes, because rustyline
//! lays the line out from the plain text.

use std::borrow::Cow;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use crate::format::FORMAT_NAMES;
use crate::input::needs_continuation;
use crate::model::{Entity, Field, FieldType};
use crate::syntax::ast::quote;
use crate::syntax::help;
use crate::syntax::lexer::{Token, TokenKind, tokenize};

mod highlight;
use highlight::highlight_line;

/// The line editor's helper: completion, highlighting, and Enter on an
/// unfinished command opening a new line.
pub struct LanguageHelper {
    /// Employee full names, offered (quoted) after an employee field's operator. Loaded by the shell at start.
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
        let Some(position) = position_after(context) else {
            return Vec::new();
        };
        let mut pairs: Vec<Pair> = keywords(position, prefix.is_empty())
            .into_iter()
            .filter_map(|word| {
                // Language words are case-insensitive, so the user's typing
                // stays as it is and only the rest of the word is added.
                rest_after(word, prefix).map(|rest| Pair {
                    display: word.to_owned(),
                    replacement: format!("{prefix}{rest}"),
                })
            })
            .collect();
        if let Some(field) = value_field(position)
            && field.ty() == FieldType::Employee
        {
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
        let Some(field) = position_after(context).and_then(value_field) else {
            return Vec::new();
        };
        let values: Vec<&str> = match field.ty() {
            FieldType::Employee => self.employees.iter().map(String::as_str).collect(),
            FieldType::Enum(choices) => choices.to_vec(),
            _ => Vec::new(),
        };
        values
            .into_iter()
            .map(quote)
            .filter(|quoted| rest_after(quoted, typed).is_some())
            .map(|quoted| Pair {
                display: quoted.clone(),
                replacement: quoted,
            })
            .collect()
    }
}

/// Where in the grammar the parser would be after a run of tokens. Each
/// state names what may come next; `step` is the parser's rules, followed
/// loosely enough to accept any prefix of a command that could still parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Command,
    ExplainTarget,
    HelpTopic,
    Setting,
    Format,
    EntityName {
        count: bool,
    },
    /// After `show ENTITY` or `count ENTITY`.
    Clauses(Query),
    /// Where a condition starts: after `where`, `and`, `or`, `not`, `(`.
    Condition(Query),
    Operator(Query, Field),
    /// After `FIELD not`: only `in` may follow.
    NotIn(Query, Field),
    /// After `FIELD is` (`true`: after `FIELD is not`).
    Is(Query, Field, bool),
    /// After `FIELD in`: the list's `(`.
    InOpen(Query, Field),
    /// After `(` or `,` in a list of values.
    InValue(Query, Field),
    /// After a value in a list: `,` or `)`.
    InNext(Query, Field),
    Value(Query, Field),
    /// After a whole condition. `true` while a date may still go on
    /// (`4 Jun 2023 @ 1PM` is several tokens), so words that are not clause
    /// keywords are taken as part of it.
    AfterCondition(Query, bool),
    OrderBy(Query),
    OrderField(Query),
    /// After an ordering field (`true`: its direction is given).
    AfterOrderField(Query, bool),
    /// After `limit` or `offset` (`true`: an `offset` may follow the number).
    Rows(bool),
    AfterLimit,
    /// After `set security`: a security setting's name.
    SecuritySetting,
    /// After `revoke`: `session` or `sessions`.
    RevokeWhat,
    /// After `revoke sessions` or `reset password`: `of`.
    Of,
    /// After `reset`: `password`.
    ResetWhat,
    /// Where an employee is named (`revoke sessions of`, `reset password of`).
    EmployeeName,
    End,
}

/// What a `show` or `count` has seen that changes what may follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Query {
    entity: Entity,
    /// `count` takes only a `where` clause.
    count: bool,
    /// Open parentheses in the condition.
    depth: usize,
}

/// The grammar position after the tokens of `context`, or `None` when they
/// do not lex or cannot start a valid command.
fn position_after(context: &str) -> Option<Position> {
    let tokens = tokenize(context).ok()?;
    tokens.iter().try_fold(Position::Command, step)
}

fn step(position: Position, token: &Token) -> Option<Position> {
    use Position::*;
    let word = (token.kind == TokenKind::Word).then(|| token.raw.to_lowercase());
    let word = word.as_deref();
    let symbol = (token.kind == TokenKind::Symbol).then_some(token.raw.as_str());
    let next = match position {
        Command => match word? {
            "show" => EntityName { count: false },
            "count" => EntityName { count: true },
            "explain" => ExplainTarget,
            "help" => HelpTopic,
            "set" => Setting,
            "quit" | "exit" | "logout" | "whoami" | "passwd" | "login" | "unlock" => End,
            "revoke" => RevokeWhat,
            "reset" => ResetWhat,
            _ => return None,
        },
        RevokeWhat => match word? {
            "session" => End,
            "sessions" => Of,
            _ => return None,
        },
        ResetWhat => match word? {
            "password" => Of,
            _ => return None,
        },
        Of => match word? {
            "of" => EmployeeName,
            _ => return None,
        },
        EmployeeName => End,
        ExplainTarget => match word? {
            "show" => EntityName { count: false },
            "count" => EntityName { count: true },
            _ => return None,
        },
        HelpTopic => {
            help::find(word?)?;
            End
        }
        Setting => match word? {
            "format" => Format,
            "security" => SecuritySetting,
            _ => return None,
        },
        SecuritySetting if crate::model::security_setting(word?).is_some() => End,
        SecuritySetting => return None,
        Format if FORMAT_NAMES.contains(&word?) => End,
        Format => return None,
        EntityName { count: false } if matches!(word, Some("sessions" | "security")) => End,
        EntityName { count } => Clauses(Query {
            entity: Entity::from_name(word?)?,
            count,
            depth: 0,
        }),
        Clauses(query) => match word {
            Some("where") => Condition(query),
            None if token.kind == TokenKind::Number && !query.count => End,
            Some(clause) if !query.count => order_or_rows(query, clause)?,
            _ => return None,
        },
        Condition(query) => match (word, symbol) {
            (Some("not"), _) => Condition(query),
            (_, Some("(")) => Condition(Query {
                depth: query.depth + 1,
                ..query
            }),
            (Some(name), _) => Operator(query, query.entity.field(name)?),
            _ => return None,
        },
        Operator(query, field) => match (word, symbol) {
            (Some("is"), _) => Is(query, field, false),
            (Some("in"), _) => InOpen(query, field),
            (Some("not"), _) => NotIn(query, field),
            (_, Some(op)) if field.ty().operators().iter().any(|o| o.symbol() == op) => {
                Value(query, field)
            }
            _ => return None,
        },
        NotIn(query, field) => match word? {
            "in" => InOpen(query, field),
            _ => return None,
        },
        Is(query, field, negated) => match word? {
            "not" if !negated => Is(query, field, true),
            "none" | "me" => AfterCondition(query, false),
            _ => return None,
        },
        InOpen(query, field) => match symbol? {
            "(" => InValue(query, field),
            _ => return None,
        },
        InValue(query, field) if symbol.is_none() => InNext(query, field),
        InValue(..) => return None,
        InNext(query, field) => match symbol? {
            "," => InValue(query, field),
            ")" => AfterCondition(query, false),
            _ => return None,
        },
        Value(query, field) if field.ty() == FieldType::Timestamp => AfterCondition(query, true),
        Value(query, _) if symbol.is_none() => AfterCondition(query, false),
        Value(..) => return None,
        AfterCondition(query, in_date) => match (word, symbol) {
            (Some("and" | "or"), _) => Condition(query),
            (_, Some(")")) if query.depth > 0 => AfterCondition(
                Query {
                    depth: query.depth - 1,
                    ..query
                },
                false,
            ),
            (Some(clause @ ("order" | "limit" | "offset")), _)
                if query.depth == 0 && !query.count =>
            {
                order_or_rows(query, clause)?
            }
            _ if in_date => AfterCondition(query, true),
            _ => return None,
        },
        OrderBy(query) => match word? {
            "by" => OrderField(query),
            _ => return None,
        },
        OrderField(query) => {
            query.entity.field(word?)?;
            AfterOrderField(query, false)
        }
        AfterOrderField(query, directed) => match (word, symbol) {
            (Some("asc" | "desc"), _) if !directed => AfterOrderField(query, true),
            (_, Some(",")) => OrderField(query),
            (Some(clause @ ("limit" | "offset")), _) => order_or_rows(query, clause)?,
            _ => return None,
        },
        Rows(offset_follows) if token.kind == TokenKind::Number => {
            if offset_follows {
                AfterLimit
            } else {
                End
            }
        }
        Rows(_) => return None,
        AfterLimit => match word? {
            "offset" => Rows(false),
            _ => return None,
        },
        End => return None,
    };
    Some(next)
}

/// The clause a `show` keyword starts: `order`, `limit` or `offset`.
fn order_or_rows(query: Query, word: &str) -> Option<Position> {
    match word {
        "order" => Some(Position::OrderBy(query)),
        "limit" => Some(Position::Rows(true)),
        "offset" => Some(Position::Rows(false)),
        _ => None,
    }
}

/// The field whose value is expected at `position`, if a value is.
fn value_field(position: Position) -> Option<Field> {
    match position {
        Position::Value(_, field) | Position::InValue(_, field) => Some(field),
        // Any employee-typed field: what matters is that names are offered.
        Position::EmployeeName => Some(Field::EventSupport),
        _ => None,
    }
}

/// The language words that may come at `position`. With nothing typed yet
/// only plural entity names are listed, to keep the list short; once a
/// prefix is typed the singulars (for `show event 109`) match too.
fn keywords(position: Position, nothing_typed: bool) -> Vec<&'static str> {
    use Position::*;
    let fields = |entity: Entity| entity.fields().iter().map(|f| f.name());
    match position {
        Command | HelpTopic => help::command_names().into_iter().chain(["exit"]).collect(),
        ExplainTarget => vec!["show", "count"],
        Setting => vec!["format", "security"],
        Format => FORMAT_NAMES.to_vec(),
        SecuritySetting => crate::model::SECURITY_SETTINGS
            .iter()
            .map(|s| s.name)
            .collect(),
        EntityName { count } if nothing_typed => Entity::ALL
            .iter()
            .map(|e| e.plural())
            .chain((!count).then_some("sessions"))
            .chain((!count).then_some("security"))
            .collect(),
        EntityName { count } => Entity::names()
            .chain((!count).then_some("sessions"))
            .chain((!count).then_some("security"))
            .collect(),
        RevokeWhat => vec!["session", "sessions"],
        Of => vec!["of"],
        ResetWhat => vec!["password"],
        EmployeeName => vec!["employee"],
        Clauses(query) if query.count => vec!["where"],
        Clauses(_) => vec!["where", "order by", "limit", "offset"],
        Condition(query) => fields(query.entity).chain(["not"]).collect(),
        Operator(_, field) => {
            let ty = field.ty();
            let mut words: Vec<&'static str> =
                ty.operators().iter().map(|op| op.symbol()).collect();
            if field.nullable() || ty == FieldType::Employee {
                words.push("is");
            }
            if ty.accepts_in() {
                words.extend(["in", "not in"]);
            }
            words
        }
        NotIn(..) => vec!["in"],
        Is(_, field, negated) => {
            let mut words = Vec::new();
            if field.nullable() {
                words.push("none");
            }
            if field.ty() == FieldType::Employee {
                words.push("me");
            }
            // `not` only leads somewhere if `none` or `me` can follow it.
            if !negated && !words.is_empty() {
                words.push("not");
            }
            words
        }
        InOpen(..) => vec!["("],
        InValue(_, field) | Value(_, field) => match field.ty() {
            FieldType::Boolean => vec!["true", "false"],
            FieldType::Enum(choices) => choices.to_vec(),
            FieldType::Timestamp => vec!["today", "tomorrow", "yesterday", "now"],
            _ => Vec::new(),
        },
        InNext(..) => vec![",", ")"],
        AfterCondition(query, _) => {
            let mut words = vec!["and", "or"];
            if query.depth > 0 {
                words.push(")");
            } else if !query.count {
                words.extend(["order by", "limit", "offset"]);
            }
            words
        }
        OrderBy(_) => vec!["by"],
        OrderField(query) => fields(query.entity).collect(),
        AfterOrderField(_, directed) => {
            let mut words = if directed {
                Vec::new()
            } else {
                vec!["asc", "desc"]
            };
            words.extend([",", "limit", "offset"]);
            words
        }
        AfterLimit => vec!["offset"],
        Rows(_) | End => Vec::new(),
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

impl Validator for LanguageHelper {
    /// Enter on an unfinished command (open quote or parenthesis, trailing
    /// `\`) opens a new line, as in a batch file.
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        if needs_continuation(ctx.input()) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

impl Helper for LanguageHelper {}

#[cfg(test)]
mod tests;

//! The parser: one function per grammar rule of `grammar.md`, over the
//! tokens of [`super::lexer`]. Each function's doc quotes its rule.
//!
//! ```text
//! command   = help | quit | set_format | show | count | explain ;
//! show      = "show" entity ( id | [ where ] [ order ] [ limit ] [ offset ] ) ;
//! count     = "count" entity [ where ] ;
//! explain   = "explain" ( show | count ) ;
//! where     = "where" or ;
//! or        = and { "or" and } ;
//! and       = unary { "and" unary } ;
//! unary     = "not" unary | "(" or ")" | condition ;
//! condition = field ( op value | "is" [ "not" ] ( "none" | "me" )
//!                   | [ "not" ] "in" "(" value { "," value } ")" ) ;
//! order     = "order" "by" field [ "asc" | "desc" ] { "," field [ "asc" | "desc" ] } ;
//! ```
//!
//! Keywords are case-insensitive. Once a rule has seen its keyword it is
//! committed: an error names the token that broke it, never the start of the
//! line. Values are parsed by their field's type, so `attendees > many` fails
//! here, with a caret under `many`.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;

use super::ast::{Assign, Command, Create, EmployeeRef, Filter, Order, Query, TimeValue, Value};
use super::error::{SyntaxError, SyntaxErrorKind};
use super::help;
use super::lexer::{Token, TokenKind, tokenize};
use super::suggest::did_you_mean;
use crate::model::{
    CompareOp, Entity, Field, FieldType, MONEY_PRECISION, MONEY_SCALE, SECURITY_SETTINGS,
    money_max, security_setting,
};
use crate::render::{FORMAT_NAMES, Format};

/// Longer commands are refused before any parsing: bounded work for hostile input.
pub const MAX_COMMAND_BYTES: usize = 64 * 1024;
/// Parentheses and `not`s nest at most this deep, so no input can exhaust the stack.
pub const MAX_DEPTH: usize = 64;
/// `limit` and `offset` stay within what PostgreSQL's bigint holds.
const MAX_COUNT: u64 = i64::MAX as u64;

/// Words that end a condition list or start a clause; never field names.
const CLAUSE_WORDS: &[&str] = &["and", "or", "order", "limit", "offset"];

/// Parses one complete command (possibly spanning several lines).
pub fn parse(text: &str) -> Result<Command, SyntaxError> {
    if text.len() > MAX_COMMAND_BYTES {
        return Err(too_long());
    }
    if let Some(command) = login(text)? {
        return Ok(command);
    }
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        text,
        tokens,
        position: 0,
        depth: 0,
    };
    let command = parser.command()?;
    parser.end()?;
    Ok(command)
}

/// The error for a command over [`MAX_COMMAND_BYTES`] (the batch reader
/// stops collecting one there and says so itself).
pub fn too_long() -> SyntaxError {
    SyntaxError::new(
        SyntaxErrorKind::TooLong,
        format!("the command is too long: at most {MAX_COMMAND_BYTES} bytes"),
        0..0,
        "",
    )
}

/// `login = "login" email ;` The address is taken as typed (quotes
/// optional), since an email is not made of the language's tokens.
fn login(text: &str) -> Result<Option<Command>, SyntaxError> {
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
        return Err(SyntaxError::new(
            SyntaxErrorKind::Expected,
            "expected your email after `login`",
            end..end,
            text,
        )
        .with_help("for example: login kate@epic.events"));
    }
    match crate::validate::email(unquoted) {
        Ok(email) => Ok(Some(Command::Login { email })),
        Err(_) => Err(SyntaxError::new(
            SyntaxErrorKind::BadValue,
            format!("`{given}` is not an email address"),
            email_start..email_start + given.len(),
            text,
        )
        .with_help("for example: login kate@epic.events")),
    }
}

/// Which clauses of a `show` came already.
#[derive(Clone, Copy)]
struct Clauses {
    filter: bool,
    order: bool,
    limit: bool,
    offset: bool,
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    position: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Token> {
        self.tokens.get(self.position + ahead)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.position).cloned();
        if token.is_some() {
            self.position += 1;
        }
        token
    }

    fn peek_word(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| t.is_word(word))
    }

    fn peek_symbol(&self, symbol: &str) -> bool {
        self.peek().is_some_and(|t| t.is_symbol(symbol))
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.peek_word(word);
        if found {
            self.position += 1;
        }
        found
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        let found = self.peek_symbol(symbol);
        if found {
            self.position += 1;
        }
        found
    }

    /// Where the next token is, or the end of the text.
    fn here(&self) -> std::ops::Range<usize> {
        match self.peek() {
            Some(token) => token.span.clone(),
            None => {
                let end = self.text.trim_end().len();
                end..end
            }
        }
    }

    fn error(
        &self,
        kind: SyntaxErrorKind,
        message: impl Into<String>,
        span: std::ops::Range<usize>,
    ) -> SyntaxError {
        SyntaxError::new(kind, message, span, self.text)
    }

    /// "expected X, found `y`" at the next token, with a suggestion when
    /// the token is a near miss of one of `keywords`.
    fn expected(&self, expected: &str, keywords: &[&'static str]) -> SyntaxError {
        match self.peek() {
            None => self.error(
                SyntaxErrorKind::Expected,
                format!("expected {expected} at the end of the command"),
                self.here(),
            ),
            Some(token) => {
                let mut error = self.error(
                    SyntaxErrorKind::Expected,
                    format!("expected {expected}, found `{}`", token.raw),
                    token.span.clone(),
                );
                if token.kind == TokenKind::Word
                    && let Some(word) = did_you_mean(&token.raw, keywords.iter().copied())
                {
                    error = error.with_help(format!("did you mean `{word}`?"));
                }
                error
            }
        }
    }

    fn end(&self) -> Result<(), SyntaxError> {
        match self.peek() {
            None => Ok(()),
            Some(token) => {
                let span = token.span.start..self.text.trim_end().len().max(token.span.end);
                let mut error = self.error(
                    SyntaxErrorKind::Expected,
                    format!("unexpected `{}` after the end of the command", token.raw),
                    span,
                );
                if token.kind == TokenKind::Word
                    && let Some(word) = did_you_mean(
                        &token.raw,
                        ["and", "or", "order", "limit", "offset", "where"],
                    )
                    && !word.eq_ignore_ascii_case(&token.raw)
                {
                    error = error.with_help(format!("did you mean `{word}`?"));
                }
                Err(error)
            }
        }
    }

    /// `command = help | quit | set_format | show | count | explain ;`
    fn command(&mut self) -> Result<Command, SyntaxError> {
        let Some(first) = self.next() else {
            return Err(self.expected("a command", &[]));
        };
        if first.kind != TokenKind::Word {
            return Err(self
                .error(
                    SyntaxErrorKind::Expected,
                    format!("expected a command, found `{}`", first.raw),
                    first.span,
                )
                .with_help(commands_help()));
        }
        match first.raw.to_lowercase().as_str() {
            "help" => self.help(),
            "quit" | "exit" => Ok(Command::Quit),
            "set" => self.set(),
            "show" => self.show(),
            "count" => self.count(),
            "explain" => self.explain(&first),
            "logout" => Ok(Command::Logout),
            "whoami" => Ok(Command::WhoAmI),
            "passwd" => Ok(Command::Passwd),
            "revoke" => self.revoke(),
            "unlock" => self.unlock(),
            "reset" => self.reset_password(),
            "report" => self.report(),
            "create" => self.create(),
            "update" => self.update(),
            "delete" => self.delete(),
            "deactivate" => Ok(Command::Deactivate {
                employee: self.employee_ref()?,
            }),
            _ => {
                let mut error = self.error(
                    SyntaxErrorKind::Unknown,
                    format!("unknown command `{}`", first.raw),
                    first.span.clone(),
                );
                error = match did_you_mean(
                    &first.raw,
                    help::command_names().into_iter().chain(["exit"]),
                ) {
                    Some(word) => error.with_help(format!("did you mean `{word}`?")),
                    None => error.with_help(commands_help()),
                };
                Err(error)
            }
        }
    }

    /// `help = "help" [ command_name ] ;`
    fn help(&mut self) -> Result<Command, SyntaxError> {
        let Some(topic) = self.next() else {
            return Ok(Command::Help { topic: None });
        };
        match help::find(&topic.raw) {
            Some(found) if topic.kind == TokenKind::Word => Ok(Command::Help {
                topic: Some(found.name),
            }),
            _ => {
                let error = self.error(
                    SyntaxErrorKind::Unknown,
                    format!("no help for `{}`", topic.raw),
                    topic.span.clone(),
                );
                Err(match did_you_mean(&topic.raw, help::command_names()) {
                    Some(word) => error.with_help(format!("did you mean `{word}`?")),
                    None => error.with_help(format!(
                        "help is available for: {}",
                        help::command_names().join(", ")
                    )),
                })
            }
        }
    }

    /// `set = "set" ( "format" format_name | "security" security_setting "=" number ) ;`
    fn set(&mut self) -> Result<Command, SyntaxError> {
        match self.next() {
            Some(setting) if setting.is_word("format") => self.set_format(),
            Some(setting) if setting.is_word("security") => self.set_security(),
            Some(setting) => {
                let error = self.error(
                    SyntaxErrorKind::Unknown,
                    format!("unknown setting `{}`", setting.raw),
                    setting.span.clone(),
                );
                Err(match did_you_mean(&setting.raw, ["format", "security"]) {
                    Some(word) => error.with_help(format!("did you mean `{word}`?")),
                    None => error.with_help(
                        "settings are `format` (set format table|vertical|csv|json) and \
                         `security` (set security NAME = VALUE, for admins)",
                    ),
                })
            }
            None => Err(self.expected("a setting: format or security", &[])),
        }
    }

    /// `security_setting "=" number`, after `set security`.
    fn set_security(&mut self) -> Result<Command, SyntaxError> {
        let names: Vec<&str> = SECURITY_SETTINGS.iter().map(|s| s.name).collect();
        let listed = format!("security settings are: {}", names.join(", "));
        let Some(name) = self.next() else {
            return Err(self
                .expected("a security setting after `set security`", &[])
                .with_help(listed));
        };
        let Some(setting) = security_setting(&name.raw.to_lowercase()) else {
            let error = self.error(
                SyntaxErrorKind::Unknown,
                format!("unknown security setting `{}`", name.raw),
                name.span.clone(),
            );
            return Err(match did_you_mean(&name.raw, names.iter().copied()) {
                Some(word) => error.with_help(format!("did you mean `{word}`?")),
                None => error.with_help(listed),
            });
        };
        if !self.eat_symbol("=") {
            return Err(self.expected(&format!("`=` after `{}`", setting.name), &[]));
        }
        let range = format!(
            "`{}` is a whole number from {} to {}",
            setting.name, setting.min, setting.max
        );
        match self.next() {
            Some(token) if token.kind == TokenKind::Number => match token.raw.parse::<i32>() {
                Ok(value) if (setting.min..=setting.max).contains(&value) => {
                    if self.peek().is_some() {
                        return Err(self.expected("the end of the command", &[]));
                    }
                    Ok(Command::SetSecurity {
                        setting: setting.name,
                        value,
                    })
                }
                _ => Err(self.error(SyntaxErrorKind::BadValue, range, token.span.clone())),
            },
            _ => Err(self.expected(&range, &[])),
        }
    }

    /// `set_format = "set" "format" ( "table" | "vertical" | "csv" | "json" ) ;`
    fn set_format(&mut self) -> Result<Command, SyntaxError> {
        let Some(name) = self.next() else {
            return Err(self.expected("a format: table, vertical, csv or json", &[]));
        };
        match name.value.parse::<Format>() {
            Ok(format) => Ok(Command::SetFormat { format }),
            Err(_) => {
                let error = self.error(
                    SyntaxErrorKind::Unknown,
                    format!("unknown format `{}`", name.raw),
                    name.span.clone(),
                );
                Err(
                    match did_you_mean(&name.raw, FORMAT_NAMES.iter().copied()) {
                        Some(word) => error.with_help(format!("did you mean `{word}`?")),
                        None => {
                            error.with_help(format!("formats are: {}", FORMAT_NAMES.join(", ")))
                        }
                    },
                )
            }
        }
    }

    /// `explain = "explain" ( show | count ) ;`
    fn explain(&mut self, keyword: &Token) -> Result<Command, SyntaxError> {
        let inner = match self.peek() {
            Some(t) if t.is_word("show") => {
                self.position += 1;
                self.show()?
            }
            Some(t) if t.is_word("count") => {
                self.position += 1;
                self.count()?
            }
            _ => {
                return Err(self
                    .expected("`show` or `count` after `explain`", &["show", "count"])
                    .with_help(format!(
                        "for example: explain show events where support is none (after `{}`)",
                        keyword.raw
                    )));
            }
        };
        // Sessions, notifications and the security settings are not listings of SQL of their own.
        if !matches!(
            inner,
            Command::Show(_) | Command::ShowOne { .. } | Command::Count { .. }
        ) {
            return Err(self
                .error(
                    SyntaxErrorKind::Expected,
                    format!("`explain` shows the SQL of a listing or a count, not of `{inner}`"),
                    keyword.span.clone(),
                )
                .with_help("for example: explain show events where support is none"));
        }
        Ok(Command::Explain(Box::new(inner)))
    }

    fn entity(&mut self) -> Result<Entity, SyntaxError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected("what to show: clients, contracts, events or employees", &[]));
        };
        match Entity::from_name(&token.raw) {
            Some(entity) if token.kind == TokenKind::Word => {
                self.position += 1;
                Ok(entity)
            }
            _ => {
                let error = self.error(
                    SyntaxErrorKind::Unknown,
                    format!("unknown entity `{}`", token.raw),
                    token.span.clone(),
                );
                Err(match did_you_mean(&token.raw, Entity::names()) {
                    Some(word) => error.with_help(format!("did you mean `{word}`?")),
                    None => error.with_help("entities are: clients, contracts, events, employees"),
                })
            }
        }
    }

    /// The fields a write may set on `entity` (record numbers, creation
    /// times and names reached through relations are not set directly).
    fn settable(entity: Entity) -> Vec<Field> {
        use Field::*;
        entity
            .fields()
            .iter()
            .copied()
            .filter(|f| {
                !matches!(
                    f,
                    ClientId
                        | ClientCreated
                        | ContractId
                        | ContractClient
                        | ContractSales
                        | ContractCreated
                        | EventId
                        | EventClient
                        | EmployeeId
                        | EmployeeCreated
                )
            })
            .collect()
    }

    fn settable_field(&mut self, entity: Entity) -> Result<Field, SyntaxError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected("a field", &[]));
        };
        let fields = Self::settable(entity);
        match (token.kind == TokenKind::Word)
            .then(|| entity.field(&token.raw))
            .flatten()
        {
            Some(field) if fields.contains(&field) => {
                self.position += 1;
                Ok(field)
            }
            _ => {
                let names: Vec<&'static str> = fields.iter().map(|f| f.name()).collect();
                let error = self.error(
                    SyntaxErrorKind::Unknown,
                    format!(
                        "`{}` is not a field you can set on {}",
                        token.raw,
                        entity.plural()
                    ),
                    token.span.clone(),
                );
                Err(match did_you_mean(&token.raw, names.iter().copied()) {
                    Some(word) => error.with_help(format!("did you mean `{word}`?")),
                    None => error.with_help(format!(
                        "fields you can set on {}: {}",
                        entity.plural(),
                        names.join(", ")
                    )),
                })
            }
        }
    }

    /// A value to store: checked like a condition's value, plus the ranges
    /// and formats a stored value must meet; `none` empties an optional field.
    fn assign(&mut self, field: Field) -> Result<Assign, SyntaxError> {
        if self.peek_word("none") {
            let token = self.next().expect("peeked");
            if !field.nullable() {
                return Err(self
                    .error(
                        SyntaxErrorKind::BadValue,
                        format!("`{field}` cannot be none"),
                        token.span,
                    )
                    .with_help(format!("give {} a value", field.name())));
            }
            return Ok(Assign::None);
        }
        let span = self.here();
        let value = self.value(field)?;
        if let (Value::Text(text), FieldType::Text | FieldType::Email | FieldType::Phone) =
            (&value, field.ty())
        {
            self.plain_text(field, text)?;
        }
        let bad = |message: String| {
            Err(SyntaxError::new(
                SyntaxErrorKind::BadValue,
                message,
                span.clone(),
                self.text,
            ))
        };
        match (&value, field.ty()) {
            (Value::Money(amount), FieldType::Money) if *amount > money_max() => {
                return Err(SyntaxError::new(
                    SyntaxErrorKind::BadValue,
                    format!(
                        "`{amount}` is more than an amount can be: at most {}",
                        money_max()
                    ),
                    span.clone(),
                    self.text,
                )
                .with_help(format!(
                    "amounts have at most {} digits before the point",
                    MONEY_PRECISION - MONEY_SCALE
                )));
            }
            (Value::Integer(n), FieldType::Integer) if !(0..=100_000).contains(n) => {
                return bad(format!(
                    "`{field}` must be a whole number from 0 to 100000, not {n}"
                ));
            }
            (Value::Text(text), FieldType::Email) if crate::validate::email(text).is_err() => {
                return bad(format!(
                    "`{text}` is not an email address; write it as name@domain.tld"
                ));
            }
            (Value::Text(text), FieldType::Phone) if crate::validate::phone(text).is_err() => {
                return bad(format!(
                    "`{text}` is not a phone number: use digits, spaces, `+`, `-`, `.` and parentheses, with 6 to 20 digits"
                ));
            }
            (Value::Text(text), FieldType::Text) if text.trim().is_empty() => {
                return bad(format!("`{field}` cannot be empty"));
            }
            _ => {}
        }
        Ok(Assign::Value(value))
    }

    /// Stored text is plain (`validate::refused`): the first character it
    /// may not hold is named, with a caret under it where it was typed.
    fn plain_text(&self, field: Field, text: &str) -> Result<(), SyntaxError> {
        let Some((at, c)) = crate::validate::first_refused(text, field.lines()) else {
            return Ok(());
        };
        let token = &self.tokens[self.position - 1];
        let help = match field.lines() {
            crate::validate::Lines::Many => {
                "stored text holds no control or bidirectional characters; notes may hold line breaks and tabs"
            }
            crate::validate::Lines::One => {
                "stored text holds no control or bidirectional characters, and only notes may hold line breaks and tabs"
            }
        };
        Err(self
            .error(
                SyntaxErrorKind::BadValue,
                format!(
                    "`{field}` cannot hold {} ({})",
                    crate::validate::code_point(c),
                    crate::validate::kind_of(c)
                ),
                super::lexer::span_in_string(token, at),
            )
            .with_help(help))
    }

    /// `report = "report" ( "sales" | "events" | "unpaid" ) ;`
    fn report(&mut self) -> Result<Command, SyntaxError> {
        use super::ast::Report;
        let Some(token) = self.next() else {
            return Err(self.expected("a report: sales, events or unpaid", &[]));
        };
        let report = match token.raw.to_lowercase().as_str() {
            "sales" => Report::Sales,
            "events" => Report::Events,
            "unpaid" => Report::Unpaid,
            _ => {
                let error = self.error(
                    SyntaxErrorKind::Unknown,
                    format!("unknown report `{}`", token.raw),
                    token.span,
                );
                return Err(match did_you_mean(&token.raw, Report::NAMES) {
                    Some(word) => error.with_help(format!("did you mean `{word}`?")),
                    None => error.with_help("reports are: sales, events, unpaid"),
                });
            }
        };
        Ok(Command::Report { report })
    }

    /// An entity a write may name: not the audit log, which only grows.
    fn writable_entity(&mut self) -> Result<Entity, SyntaxError> {
        let start = self.here();
        let entity = self.entity()?;
        if entity == Entity::Audit {
            return Err(self
                .error(
                    SyntaxErrorKind::BadOperator,
                    "the audit log is read-only",
                    start,
                )
                .with_help("entries are added by the changes they record"));
        }
        Ok(entity)
    }

    /// `create = "create" entity [ "for" ( "client" | "contract" ) record_id ] { field value } [ "password" string ] ;`
    fn create(&mut self) -> Result<Command, SyntaxError> {
        let entity = self.writable_entity()?;
        let mut parent = None;
        match entity {
            Entity::Contract | Entity::Event => {
                let wanted = if entity == Entity::Contract {
                    "client"
                } else {
                    "contract"
                };
                if !self.eat_word("for") || !self.eat_word(wanted) {
                    return Err(self
                        .expected(&format!("`for {wanted} ID`"), &["for", wanted])
                        .with_help(format!(
                            "a new {} belongs to a {wanted}: create {} for {wanted} 12 ...",
                            entity.singular(),
                            entity.singular()
                        )));
                }
                parent = Some(self.record_number(&format!("the {wanted}'s number"))?);
            }
            Entity::Client | Entity::Employee | Entity::Audit => {}
        }
        let mut values: Vec<(Field, Assign)> = Vec::new();
        let mut password = None;
        while self.peek().is_some() {
            if entity == Entity::Employee && self.eat_word("password") {
                match self.next() {
                    Some(token) if token.kind == TokenKind::Str => password = Some(token.value),
                    _ => return Err(self.expected("the password in quotes", &[])),
                }
                continue;
            }
            let field = self.settable_field(entity)?;
            if values.iter().any(|(f, _)| *f == field) {
                return Err(self.error(
                    SyntaxErrorKind::BadValue,
                    format!("`{field}` is given twice"),
                    self.tokens[self.position - 1].span.clone(),
                ));
            }
            let value = self.assign(field)?;
            values.push((field, value));
        }
        let required: &[Field] = match entity {
            Entity::Client => &[Field::ClientName, Field::ClientEmail],
            Entity::Contract => &[Field::ContractTotal],
            Entity::Event => &[Field::EventName, Field::EventStart, Field::EventEnd],
            Entity::Audit => &[],
            Entity::Employee => &[
                Field::EmployeeName,
                Field::EmployeeEmail,
                Field::EmployeeDepartment,
            ],
        };
        let missing: Vec<&str> = required
            .iter()
            .filter(|r| !values.iter().any(|(f, _)| f == *r))
            .map(|f| f.name())
            .collect();
        if !missing.is_empty() {
            let end = self.text.trim_end().len();
            return Err(SyntaxError::new(
                SyntaxErrorKind::Expected,
                format!("a new {} needs: {}", entity.singular(), missing.join(", ")),
                end..end,
                self.text,
            )
            .with_help(format!("for example: {}", create_example(entity))));
        }
        Ok(Command::Create(Create {
            entity,
            parent,
            values,
            password,
        }))
    }

    /// `update = "update" entity record_id "set" field "=" value { "," field "=" value } ;`
    fn update(&mut self) -> Result<Command, SyntaxError> {
        let entity = self.writable_entity()?;
        let id = self.record_number(&format!(
            "the number of the {} to update",
            entity.singular()
        ))?;
        if !self.eat_word("set") {
            return Err(self.expected("`set`", &["set"]).with_help(format!(
                "update {} {id} set FIELD = VALUE",
                entity.singular()
            )));
        }
        let mut set: Vec<(Field, Assign)> = Vec::new();
        loop {
            let field = self.settable_field(entity)?;
            if !self.eat_symbol("=") {
                return Err(self.expected(&format!("`=` after `{field}`"), &[]));
            }
            let value = self.assign(field)?;
            if set.iter().any(|(f, _)| *f == field) {
                return Err(self.error(
                    SyntaxErrorKind::BadValue,
                    format!("`{field}` is set twice"),
                    self.here(),
                ));
            }
            set.push((field, value));
            if !self.eat_symbol(",") {
                return Ok(Command::Update { entity, id, set });
            }
        }
    }

    /// `delete = "delete" entity record_id [ "reassign" "to" employee_ref ] ;`
    fn delete(&mut self) -> Result<Command, SyntaxError> {
        let entity = self.writable_entity()?;
        let id = self.record_number(&format!(
            "the number of the {} to delete",
            entity.singular()
        ))?;
        let mut reassign_to = None;
        if self.eat_word("reassign") {
            if !self.eat_word("to") {
                return Err(self.expected("`to` after `reassign`", &["to"]));
            }
            reassign_to = Some(self.employee_ref()?);
        }
        Ok(Command::Delete {
            entity,
            id,
            reassign_to,
        })
    }

    /// `revoke = "revoke" ( "session" record_id | "sessions" "of" employee_ref ) ;`
    fn revoke(&mut self) -> Result<Command, SyntaxError> {
        if self.eat_word("session") {
            let id = self
                .record_number("a session number after `revoke session`")
                .map_err(|e| e.with_help("`show sessions` lists them"))?;
            return Ok(Command::RevokeSession { id });
        }
        if self.eat_word("sessions") {
            if !self.eat_word("of") {
                return Err(self.expected("`of` after `revoke sessions`", &["of"]));
            }
            let employee = self.employee_ref()?;
            return Ok(Command::RevokeSessionsOf { employee });
        }
        Err(self
            .expected(
                "`session N` or `sessions of EMPLOYEE` after `revoke`",
                &["session", "sessions"],
            )
            .with_help("for example: revoke session 12, or revoke sessions of \"Kate Hastroff\""))
    }

    /// `unlock = "unlock" string ;`
    fn unlock(&mut self) -> Result<Command, SyntaxError> {
        match self.peek().cloned() {
            Some(token) if token.kind == TokenKind::Str => {
                self.position += 1;
                match crate::validate::email(&token.value) {
                    Ok(email) => Ok(Command::Unlock { email }),
                    Err(_) => Err(self.error(
                        SyntaxErrorKind::BadValue,
                        format!("`{}` is not an email address", token.value),
                        token.span,
                    )),
                }
            }
            _ => Err(self
                .expected("the locked email in quotes after `unlock`", &[])
                .with_help("for example: unlock \"kate@epic.events\"")),
        }
    }

    /// `reset_password = "reset" "password" "of" employee_ref ;`
    fn reset_password(&mut self) -> Result<Command, SyntaxError> {
        if !self.eat_word("password") {
            return Err(self.expected("`password` after `reset`", &["password"]));
        }
        if !self.eat_word("of") {
            return Err(self.expected("`of` after `reset password`", &["of"]));
        }
        let employee = self.employee_ref()?;
        Ok(Command::ResetPassword { employee })
    }

    /// `employee_ref = [ "employee" ] record_id | string ;`
    fn employee_ref(&mut self) -> Result<EmployeeRef, SyntaxError> {
        self.eat_word("employee");
        match self.peek().cloned() {
            Some(token) if token.kind == TokenKind::Number => {
                self.position += 1;
                Ok(EmployeeRef::Id(self.record_id(&token)?))
            }
            Some(token) if token.kind == TokenKind::Str => {
                self.position += 1;
                Ok(EmployeeRef::Name(token.value))
            }
            _ => Err(self
                .expected(
                    "an employee: their number or their full name in quotes",
                    &[],
                )
                .with_help("for example: employee 7, or \"Kate Hastroff\"")),
        }
    }

    /// `show = "show" entity ( id | [ where ] [ order ] [ limit ] [ offset ] ) | "show" "sessions" ;`
    fn show(&mut self) -> Result<Command, SyntaxError> {
        if self.eat_word("sessions") {
            return Ok(Command::ShowSessions);
        }
        if self.eat_word("security") {
            return Ok(Command::ShowSecurity);
        }
        if self.eat_word("notifications") {
            return Ok(Command::ShowNotifications);
        }
        let entity = self.entity()?;
        if let Some(token) = self.peek().cloned()
            && token.kind == TokenKind::Number
        {
            self.position += 1;
            let id = self.record_id(&token)?;
            return Ok(Command::ShowOne { entity, id });
        }
        let filter = self.where_clause(entity)?;
        let order = self.order_clause(entity)?;
        let limit = self.count_clause("limit")?;
        let offset = self.count_clause("offset")?;
        if self.peek().is_some() {
            let seen = Clauses {
                filter: filter.is_some(),
                order: !order.is_empty(),
                limit: limit.is_some(),
                offset: offset.is_some(),
            };
            return Err(self.clause_error(entity, seen));
        }
        Ok(Command::Show(Query {
            entity,
            filter,
            order,
            limit,
            offset,
        }))
    }

    /// The error for an unexpected token after a show's clauses: says which
    /// clauses could still come.
    fn clause_error(&self, entity: Entity, seen: Clauses) -> SyntaxError {
        let mut allowed: Vec<&'static str> = Vec::new();
        let nothing_after_where = !seen.order && !seen.limit && !seen.offset;
        if !seen.filter && nothing_after_where {
            allowed.push("where");
        }
        if seen.filter && nothing_after_where {
            allowed.extend(["and", "or"]);
        }
        if !seen.order && !seen.limit && !seen.offset {
            allowed.push("order by");
        }
        if !seen.limit && !seen.offset {
            allowed.push("limit");
        }
        if !seen.offset {
            allowed.push("offset");
        }
        let has_where = seen.filter;
        let list = allowed
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let keywords: Vec<&'static str> = allowed
            .iter()
            .map(|w| w.split(' ').next().unwrap_or(w))
            .collect();
        let mut error = if allowed.is_empty() {
            self.expected("the end of the command", &[])
        } else {
            self.expected(&list, &keywords)
        };
        if error.help.is_none()
            && !has_where
            && let Some(token) = self.peek()
            && entity.field(&token.raw).is_some()
        {
            error = error.with_help(format!(
                "conditions start with `where`: show {entity} where {} ...",
                token.raw
            ));
        }
        error
    }

    /// A record number where one must come; `expected` names it otherwise.
    fn record_number(&mut self, expected: &str) -> Result<i64, SyntaxError> {
        match self.peek().cloned() {
            Some(token) if token.kind == TokenKind::Number => {
                self.position += 1;
                self.record_id(&token)
            }
            _ => Err(self.expected(expected, &[])),
        }
    }

    fn record_id(&self, token: &Token) -> Result<i64, SyntaxError> {
        token
            .raw
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| {
                self.error(
                    SyntaxErrorKind::BadValue,
                    format!("`{}` is not a record number", token.raw),
                    token.span.clone(),
                )
                .with_help("record numbers are whole numbers from 1 up")
            })
    }

    /// `count = "count" entity [ where ] ;`
    fn count(&mut self) -> Result<Command, SyntaxError> {
        let entity = self.entity()?;
        let filter = self.where_clause(entity)?;
        if self.peek().is_some() {
            let allowed = if filter.is_some() {
                "`and`, `or`"
            } else {
                "`where`"
            };
            return Err(self.expected(allowed, &["where", "and", "or"]));
        }
        Ok(Command::Count { entity, filter })
    }

    /// `where = "where" or ;`
    fn where_clause(&mut self, entity: Entity) -> Result<Option<Filter>, SyntaxError> {
        if !self.eat_word("where") {
            return Ok(None);
        }
        self.or(entity).map(Some)
    }

    /// `or = and { "or" and } ;`
    fn or(&mut self, entity: Entity) -> Result<Filter, SyntaxError> {
        let mut left = self.and(entity)?;
        while self.eat_word("or") {
            let right = self.and(entity)?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// `and = unary { "and" unary } ;`
    fn and(&mut self, entity: Entity) -> Result<Filter, SyntaxError> {
        let mut left = self.unary(entity)?;
        while self.eat_word("and") {
            let right = self.unary(entity)?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn descend(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(
                SyntaxErrorKind::TooDeep,
                format!("conditions are nested too deeply: at most {MAX_DEPTH} levels of parentheses and `not`"),
                self.here(),
            ));
        }
        Ok(())
    }

    /// `unary = "not" unary | "(" or ")" | condition ;`
    fn unary(&mut self, entity: Entity) -> Result<Filter, SyntaxError> {
        if self.peek_word("not") && !self.peek_at(1).is_some_and(|t| t.is_word("in")) {
            self.position += 1;
            self.descend()?;
            let inner = self.unary(entity)?;
            self.depth -= 1;
            return Ok(Filter::Not(Box::new(inner)));
        }
        if self.peek_symbol("(") {
            let open = self.next().expect("peeked");
            self.descend()?;
            let inner = self.or(entity)?;
            self.depth -= 1;
            if !self.eat_symbol(")") {
                let (line, column) =
                    SyntaxError::new(SyntaxErrorKind::Expected, "", open.span.clone(), self.text)
                        .position();
                let mut error = self
                    .expected("`)`, `and` or `or`", &["and", "or"])
                    .with_help(format!(
                        "the `(` at line {line}, column {column} of this command is still open"
                    ));
                if self.peek().is_none() {
                    error = self
                        .error(
                            SyntaxErrorKind::Expected,
                            "this parenthesis is never closed",
                            open.span.clone(),
                        )
                        .with_help("add `)` after the condition");
                }
                return Err(error);
            }
            return Ok(inner);
        }
        self.condition(entity)
    }

    fn field(&mut self, entity: Entity, what: &str) -> Result<Field, SyntaxError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected(what, &[]));
        };
        let field = (token.kind == TokenKind::Word)
            .then(|| entity.field(&token.raw))
            .flatten();
        match field {
            Some(field) => {
                self.position += 1;
                Ok(field)
            }
            None => {
                let names: Vec<&'static str> = entity.fields().iter().map(|f| f.name()).collect();
                let (kind, message) = if token.kind == TokenKind::Word
                    && !CLAUSE_WORDS.contains(&token.raw.to_lowercase().as_str())
                {
                    (
                        SyntaxErrorKind::Unknown,
                        format!("{} have no field `{}`", entity.plural(), token.raw),
                    )
                } else {
                    (
                        SyntaxErrorKind::Expected,
                        format!("expected {what}, found `{}`", token.raw),
                    )
                };
                let error = self.error(kind, message, token.span.clone());
                Err(match did_you_mean(&token.raw, names.iter().copied()) {
                    Some(word) => error.with_help(format!("did you mean `{word}`?")),
                    None => error.with_help(format!(
                        "fields of {} are: {}",
                        entity.plural(),
                        names.join(", ")
                    )),
                })
            }
        }
    }

    /// `condition = field ( op value | "is" [ "not" ] ( "none" | "me" ) | [ "not" ] "in" "(" value { "," value } ")" ) ;`
    fn condition(&mut self, entity: Entity) -> Result<Filter, SyntaxError> {
        let field = self.field(entity, "a field")?;
        let ty = field.ty();
        if self.eat_word("is") {
            let negated = self.eat_word("not");
            let Some(token) = self.next() else {
                return Err(self.expected("`none` or `me`", &[]));
            };
            if token.is_word("none") {
                if !field.nullable() {
                    return Err(self
                        .error(
                            SyntaxErrorKind::BadOperator,
                            format!("`{field}` always has a value, so it is never none"),
                            token.span.clone(),
                        )
                        .with_help(nullable_help(entity)));
                }
                return Ok(Filter::IsNone { field, negated });
            }
            if token.is_word("me") {
                if ty != FieldType::Employee {
                    return Err(self
                        .error(
                            SyntaxErrorKind::BadOperator,
                            format!(
                                "`is me` applies to employee fields, and `{field}` is {}",
                                ty.describe()
                            ),
                            token.span.clone(),
                        )
                        .with_help(employee_fields_help(entity)));
                }
                return Ok(Filter::IsMe { field, negated });
            }
            self.position -= 1;
            let mut keywords = vec!["none", "me"];
            if !negated {
                keywords.push("not");
            }
            let error = self.expected("`none` or `me` after `is`", &keywords);
            return Err(if error.help.is_some() {
                error
            } else {
                error.with_help(format!("to compare with a value, write `{field} = ...`"))
            });
        }
        let negated_in = self.peek_word("not") && self.peek_at(1).is_some_and(|t| t.is_word("in"));
        if negated_in || self.peek_word("in") {
            if negated_in {
                self.position += 1;
            }
            let keyword = self.next().expect("peeked `in`");
            if !ty.accepts_in() {
                return Err(self.error(
                    SyntaxErrorKind::BadOperator,
                    format!("`in` does not apply to `{field}` ({})", ty.describe()),
                    keyword.span,
                ));
            }
            if !self.eat_symbol("(") {
                return Err(self
                    .expected("`(` after `in`", &[])
                    .with_help(format!("write `{field} in (a, b, c)`")));
            }
            let mut values = vec![self.value(field)?];
            while self.eat_symbol(",") {
                values.push(self.value(field)?);
            }
            if !self.eat_symbol(")") {
                return Err(self.expected("`,` or `)` in the list", &[]));
            }
            let filter = Filter::In { field, values };
            return Ok(if negated_in {
                Filter::Not(Box::new(filter))
            } else {
                filter
            });
        }
        let op_span = self.here();
        let op = self.operator(field)?;
        let value_span = self.here();
        let value = self.value(field)?;
        // `~` searches names: an employee's number is compared with `=`.
        if op == CompareOp::Contains && matches!(value, Value::Integer(_)) {
            return Err(self
                .error(
                    SyntaxErrorKind::BadOperator,
                    format!(
                        "`~` searches the names of `{field}` and takes text in quotes, not the number `{}`",
                        &self.text[value_span.clone()]
                    ),
                    op_span.start..value_span.end,
                )
                .with_help(format!(
                    "write `{field} = {}` for that employee, or `{field} ~ \"Kate\"` to search names",
                    &self.text[value_span]
                )));
        }
        Ok(Filter::Compare { field, op, value })
    }

    fn operator(&mut self, field: Field) -> Result<CompareOp, SyntaxError> {
        let ty = field.ty();
        let allowed = ty.operators();
        let mut allowed_text: Vec<String> = allowed.iter().map(|op| format!("`{op}`")).collect();
        if field.nullable() {
            allowed_text.push("`is none`".into());
        }
        if ty == FieldType::Employee {
            allowed_text.push("`is me`".into());
        }
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected(
                &format!("an operator after `{field}`: {}", allowed_text.join(", ")),
                &[],
            ));
        };
        let op = CompareOp::ALL
            .into_iter()
            .find(|op| token.kind == TokenKind::Symbol && op.symbol() == token.raw);
        match op {
            Some(op) if allowed.contains(&op) => {
                self.position += 1;
                Ok(op)
            }
            Some(op) => Err(self
                .error(
                    SyntaxErrorKind::BadOperator,
                    format!("`{op}` does not apply to `{field}` ({})", ty.describe()),
                    token.span.clone(),
                )
                .with_help(format!("use one of: {}", allowed_text.join(", ")))),
            None => {
                let mut error = self.error(
                    SyntaxErrorKind::Expected,
                    format!(
                        "expected an operator after `{field}`: {}; found `{}`",
                        allowed_text.join(", "),
                        token.raw
                    ),
                    token.span.clone(),
                );
                if token.kind == TokenKind::Word {
                    if token.is_word("none") || token.is_word("me") {
                        error = error
                            .with_help(format!("write `{field} is {}`", token.raw.to_lowercase()));
                    } else if let Some(word) = did_you_mean(&token.raw, ["is", "in", "not"]) {
                        error = error.with_help(format!("did you mean `{word}`?"));
                    } else {
                        error = error.with_help(format!("write `{field} = \"{}\"`", token.value));
                    }
                }
                Err(error)
            }
        }
    }

    /// A value for `field`, checked against its type.
    fn value(&mut self, field: Field) -> Result<Value, SyntaxError> {
        let ty = field.ty();
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected(&format!("{} for `{field}`", ty.describe()), &[]));
        };
        let bad = |parser: &Parser, message: String, help: Option<String>| {
            let error = parser.error(SyntaxErrorKind::BadValue, message, token.span.clone());
            match help {
                Some(help) => error.with_help(help),
                None => error,
            }
        };
        if token.is_word("none") || token.is_word("me") {
            let help = if token.is_word("none") && field.nullable() {
                Some(format!("write `{field} is none`"))
            } else if token.is_word("me") && ty == FieldType::Employee {
                Some(format!("write `{field} is me`"))
            } else {
                None
            };
            return Err(bad(
                self,
                format!("`{field}` takes {}, not `{}`", ty.describe(), token.raw),
                help,
            ));
        }
        match ty {
            FieldType::Id | FieldType::Integer => {
                self.position += 1;
                let parsed = (token.kind == TokenKind::Number)
                    .then(|| token.raw.parse::<i64>().ok())
                    .flatten();
                match parsed {
                    Some(n) => Ok(Value::Integer(n)),
                    None => Err(bad(
                        self,
                        format!("`{field}` takes {}, not `{}`", ty.describe(), token.raw),
                        Some(format!("for example: {field} >= 100")),
                    )),
                }
            }
            FieldType::Money => {
                self.position += 1;
                let parsed = (token.kind == TokenKind::Number)
                    .then(|| token.raw.parse::<Decimal>().ok())
                    .flatten();
                match parsed {
                    Some(amount) if amount.scale() <= MONEY_SCALE => Ok(Value::Money(amount)),
                    Some(_) => Err(bad(
                        self,
                        format!("`{}` has more than two decimals", token.raw),
                        Some("amounts are exact to the cent: 12000.00".into()),
                    )),
                    None => Err(bad(
                        self,
                        format!("`{field}` takes an amount of money, not `{}`", token.raw),
                        Some(format!("for example: {field} > 1000.00")),
                    )),
                }
            }
            FieldType::Boolean => {
                self.position += 1;
                match token.raw.to_lowercase().as_str() {
                    "true" | "yes" if token.kind == TokenKind::Word => Ok(Value::Bool(true)),
                    "false" | "no" if token.kind == TokenKind::Word => Ok(Value::Bool(false)),
                    _ => Err(bad(
                        self,
                        format!("`{field}` is true or false, not `{}`", token.raw),
                        did_you_mean(&token.raw, ["true", "false"])
                            .map(|w| format!("did you mean `{w}`?")),
                    )),
                }
            }
            FieldType::Enum(choices) => {
                self.position += 1;
                let found = matches!(token.kind, TokenKind::Word | TokenKind::Str)
                    .then(|| {
                        choices
                            .iter()
                            .find(|c| c.eq_ignore_ascii_case(&token.value))
                    })
                    .flatten();
                match found {
                    Some(choice) => Ok(Value::Enum(choice)),
                    None => Err(bad(
                        self,
                        format!("unknown {} `{}`", field.name(), token.value),
                        Some(match did_you_mean(&token.value, choices.iter().copied()) {
                            Some(word) => format!("did you mean `{word}`?"),
                            None => format!("{}s are: {}", field.name(), choices.join(", ")),
                        }),
                    )),
                }
            }
            FieldType::Employee => {
                self.position += 1;
                match token.kind {
                    TokenKind::Str => Ok(Value::Text(token.value.clone())),
                    TokenKind::Number => {
                        token.raw.parse::<i64>().map(Value::Integer).map_err(|_| {
                            bad(
                                self,
                                format!("`{}` is not an employee number", token.raw),
                                None,
                            )
                        })
                    }
                    _ => Err(bad(
                        self,
                        format!(
                            "`{field}` takes an employee's name in quotes or their number, not `{}`",
                            token.raw
                        ),
                        Some(format!("write `{field} = \"{}\"`", token.value)),
                    )),
                }
            }
            FieldType::Text | FieldType::Email | FieldType::Phone => {
                self.position += 1;
                match token.kind {
                    TokenKind::Str => Ok(Value::Text(token.value.clone())),
                    _ => Err(bad(
                        self,
                        format!("`{field}` takes text in double quotes, not `{}`", token.raw),
                        Some(format!("write `{field} ~ \"{}\"`", token.value)),
                    )),
                }
            }
            FieldType::Timestamp => self.time_value(field).map(Value::Time),
        }
    }

    /// A date or moment: ISO forms, `today`, `tomorrow`, `yesterday`,
    /// `today+7d`, `now`, the spreadsheet's `4 Jun 2023 @ 1PM`, or any of
    /// these in quotes.
    fn time_value(&mut self, field: Field) -> Result<TimeValue, SyntaxError> {
        let token = self
            .peek()
            .cloned()
            .expect("the caller checked for a token");
        let example = "2023-06-01, 2023-06-01T13:00, today, today+7d, or 4 Jun 2023 @ 1PM";
        if token.kind == TokenKind::Str {
            self.position += 1;
            // The same forms, quoted: parse the inside on its own.
            let inner = parse_time_text(&token.value).ok_or_else(|| {
                self.error(
                    SyntaxErrorKind::BadValue,
                    format!("`{}` is not a date", token.value),
                    token.span.clone(),
                )
                .with_help(format!("write dates like {example}"))
            })?;
            return Ok(inner);
        }
        let start = self.position;
        match parse_time_tokens(&self.tokens[start..]) {
            Ok((value, used)) => {
                self.position += used;
                Ok(value)
            }
            Err(TimeError::NotADate) => Err(self
                .error(
                    SyntaxErrorKind::BadValue,
                    format!("`{field}` takes a date, not `{}`", token.raw),
                    token.span.clone(),
                )
                .with_help(format!("write dates like {example}"))),
            Err(TimeError::Invalid { from, to, reason }) => {
                let span = self.tokens[start + from].span.start..self.tokens[start + to].span.end;
                Err(self
                    .error(
                        SyntaxErrorKind::BadValue,
                        format!(
                            "`{}` is not a valid date: {reason}",
                            &self.text[span.clone()]
                        ),
                        span,
                    )
                    .with_help(format!("write dates like {example}")))
            }
        }
    }

    /// `order = "order" "by" field [ "asc" | "desc" ] { "," field [ "asc" | "desc" ] } ;`
    fn order_clause(&mut self, entity: Entity) -> Result<Vec<Order>, SyntaxError> {
        if !self.eat_word("order") {
            return Ok(Vec::new());
        }
        if !self.eat_word("by") {
            return Err(self.expected("`by` after `order`", &["by"]));
        }
        let mut order = Vec::new();
        loop {
            let field = self.field(entity, "a field to order by")?;
            let descending = if self.eat_word("desc") {
                true
            } else {
                self.eat_word("asc");
                false
            };
            order.push(Order { field, descending });
            if !self.eat_symbol(",") {
                return Ok(order);
            }
        }
    }

    /// `limit = "limit" count ;` and `offset = "offset" count ;`
    fn count_clause(&mut self, keyword: &str) -> Result<Option<u64>, SyntaxError> {
        if !self.eat_word(keyword) {
            return Ok(None);
        }
        let Some(token) = self.next() else {
            return Err(self.expected(&format!("a number of rows after `{keyword}`"), &[]));
        };
        let parsed = (token.kind == TokenKind::Number)
            .then(|| token.raw.parse::<u64>().ok())
            .flatten()
            .filter(|n| *n <= MAX_COUNT);
        match parsed {
            Some(n) => Ok(Some(n)),
            None => Err(self
                .error(
                    SyntaxErrorKind::BadValue,
                    format!(
                        "`{keyword}` takes a whole number of rows, not `{}`",
                        token.raw
                    ),
                    token.span,
                )
                .with_help(format!("for example: {keyword} 20"))),
        }
    }
}

fn create_example(entity: Entity) -> &'static str {
    match entity {
        Entity::Audit => "show audit where entity = contract and id = 652",
        Entity::Client => {
            "create client name \"Kevin Casey\" email \"kevin@startup.io\" phone \"+678 123 456 78\""
        }
        Entity::Contract => "create contract for client 12 total 12000.00 remaining 12000.00",
        Entity::Event => {
            "create event for contract 652 name \"John Ouick Wedding\" start \"4 Jun 2023 @ 1PM\" end \"5 Jun 2023 @ 2AM\""
        }
        Entity::Employee => {
            "create employee name \"Bill Boquet\" email \"bill@epic.events\" department sales"
        }
    }
}

fn commands_help() -> String {
    format!(
        "commands are: {}; type `help` for more",
        help::command_names().join(", ")
    )
}

fn nullable_help(entity: Entity) -> String {
    let fields: Vec<&str> = entity
        .fields()
        .iter()
        .filter(|f| f.nullable())
        .map(|f| f.name())
        .collect();
    if fields.is_empty() {
        format!("no field of {} can be none", entity.plural())
    } else {
        format!(
            "fields of {} that can be none: {}",
            entity.plural(),
            fields.join(", ")
        )
    }
}

fn employee_fields_help(entity: Entity) -> String {
    let fields: Vec<&str> = entity
        .fields()
        .iter()
        .filter(|f| f.ty() == FieldType::Employee)
        .map(|f| f.name())
        .collect();
    if fields.is_empty() {
        format!("{} have no employee field", entity.plural())
    } else {
        format!(
            "employee fields of {}: {}",
            entity.plural(),
            fields.join(", ")
        )
    }
}

enum TimeError {
    /// The first token cannot start a date.
    NotADate,
    /// It starts like a date but is not one; `from..=to` are the token indexes.
    Invalid {
        from: usize,
        to: usize,
        reason: String,
    },
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month(word: &str) -> Option<u32> {
    let word = word.to_lowercase();
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    MONTHS
        .iter()
        .zip(full)
        .position(|(short, long)| {
            word == *short || word == long || (word == "sept" && *short == "sep")
        })
        .map(|index| index as u32 + 1)
}

/// `1PM`, `12:30 am`, `13:00`, `13:00:15`.
fn time_of_day(raw: &str) -> Option<NaiveTime> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let (clock, meridiem) = if let Some(clock) = compact.strip_suffix("am") {
        (clock, Some(false))
    } else if let Some(clock) = compact.strip_suffix("pm") {
        (clock, Some(true))
    } else {
        (compact.as_str(), None)
    };
    let mut parts = clock.split(':');
    let hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    let second: u32 = parts.next().map_or(Some(0), |s| s.parse().ok())?;
    let hour = match meridiem {
        // 12AM is midnight and 12PM noon.
        Some(pm) if (1..=12).contains(&hour) => hour % 12 + if pm { 12 } else { 0 },
        Some(_) => return None,
        None => hour,
    };
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// An ISO date token: `2023-06-01`, `2023-06-01T13:00`, with an optional offset.
fn iso(raw: &str) -> Option<TimeValue> {
    if raw.len() == 10 {
        return NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .map(TimeValue::Date);
    }
    let normalized = raw.replacen([' ', 't'], "T", 1);
    let has_offset = normalized.ends_with('Z') || normalized[10..].contains(['+', '-']);
    if has_offset {
        let with_seconds = if normalized[11..]
            .split(['+', '-', 'Z'])
            .next()?
            .matches(':')
            .count()
            == 1
        {
            let split = normalized[11..].find(['+', '-', 'Z'])? + 11;
            format!("{}:00{}", &normalized[..split], &normalized[split..])
        } else {
            normalized.clone()
        };
        let fixed = with_seconds.replace('Z', "+00:00");
        return chrono::DateTime::parse_from_str(&fixed, "%Y-%m-%dT%H:%M:%S%#z")
            .ok()
            .map(|at| TimeValue::DateTime(at.with_timezone(&chrono::Local).naive_local()));
    }
    NaiveDateTime::parse_from_str(&normalized, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(&normalized, "%Y-%m-%dT%H:%M"))
        .ok()
        .map(TimeValue::DateTime)
}

/// Parses a time value from the start of `tokens`; returns it and how many tokens it used.
fn parse_time_tokens(tokens: &[Token]) -> Result<(TimeValue, usize), TimeError> {
    let first = tokens.first().ok_or(TimeError::NotADate)?;
    match first.kind {
        TokenKind::Date => iso(&first.raw)
            .map(|v| (v, 1))
            .ok_or_else(|| TimeError::Invalid {
                from: 0,
                to: 0,
                reason: "no such day or time".into(),
            }),
        TokenKind::Word => {
            let base = match first.raw.to_lowercase().as_str() {
                "today" => 0,
                "tomorrow" => 1,
                "yesterday" => -1,
                "now" => return Ok((TimeValue::Now, 1)),
                _ => return Err(TimeError::NotADate),
            };
            // `today+7d`, `today - 2w`, `today + 3 days`
            let sign = match tokens.get(1) {
                Some(t) if t.is_symbol("+") => 1,
                Some(t) if t.is_symbol("-") => -1,
                _ => return Ok((TimeValue::RelativeDay(base), 1)),
            };
            let invalid = |to: usize| TimeError::Invalid {
                from: 0,
                to,
                reason: "write a number of days or weeks, like today+7d or today-2w".into(),
            };
            let amount = tokens
                .get(2)
                .filter(|t| t.kind == TokenKind::Number)
                .and_then(|t| t.raw.parse::<i32>().ok())
                .ok_or_else(|| invalid(tokens.len().min(3) - 1))?;
            let unit = tokens.get(3).ok_or_else(|| invalid(2))?;
            let per = match unit.raw.to_lowercase().as_str() {
                "d" | "day" | "days" if unit.kind == TokenKind::Word => 1,
                "w" | "week" | "weeks" if unit.kind == TokenKind::Word => 7,
                _ => return Err(invalid(3)),
            };
            let days = amount
                .checked_mul(per)
                .and_then(|d| d.checked_mul(sign))
                .and_then(|d| d.checked_add(base))
                .filter(|d| d.abs() <= 365_000)
                .ok_or_else(|| invalid(3))?;
            Ok((TimeValue::RelativeDay(days), 4))
        }
        TokenKind::Number => {
            // The spreadsheet's form: `4 Jun 2023` and optionally `@ 1PM`.
            let month_token = tokens.get(1).filter(|t| t.kind == TokenKind::Word);
            let Some(month_number) = month_token.and_then(|t| month(&t.raw)) else {
                return Err(TimeError::NotADate);
            };
            let invalid = |to: usize, reason: &str| TimeError::Invalid {
                from: 0,
                to,
                reason: reason.into(),
            };
            let year = tokens
                .get(2)
                .filter(|t| t.kind == TokenKind::Number && t.raw.len() == 4)
                .and_then(|t| t.raw.parse::<i32>().ok())
                .ok_or_else(|| invalid(1, "the year is missing"))?;
            let day: u32 = first.raw.parse().map_err(|_| invalid(2, "no such day"))?;
            let date = NaiveDate::from_ymd_opt(year, month_number, day)
                .ok_or_else(|| invalid(2, "no such day"))?;
            if !tokens.get(3).is_some_and(|t| t.is_symbol("@")) {
                return Ok((TimeValue::Date(date), 3));
            }
            let time = tokens
                .get(4)
                .filter(|t| matches!(t.kind, TokenKind::TimeOfDay | TokenKind::Number))
                .and_then(|t| time_of_day(&t.raw))
                .ok_or_else(|| {
                    invalid(
                        tokens.len().min(5) - 1,
                        "the time after `@` is not like 1PM or 13:00",
                    )
                })?;
            Ok((TimeValue::DateTime(date.and_time(time)), 5))
        }
        _ => Err(TimeError::NotADate),
    }
}

/// A time value written inside quotes: the whole text must be one.
fn parse_time_text(text: &str) -> Option<TimeValue> {
    let tokens = tokenize(text).ok()?;
    match parse_time_tokens(&tokens) {
        Ok((value, used)) if used == tokens.len() => Some(value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Lines, code_point, refused};

    /// Every character stored text may not hold, NUL aside (the lexer
    /// refuses it in any string).
    fn refused_characters() -> Vec<char> {
        ('\u{1}'..='\u{1f}')
            .chain('\u{7f}'..='\u{9f}')
            .chain('\u{202a}'..='\u{202e}')
            .chain('\u{2066}'..='\u{2069}')
            .collect()
    }

    /// Each stored text field, as `create` and `update` set it, with a value
    /// it accepts once `{}` is replaced by plain text.
    const STORED: &[(&str, &str, &str)] = &[
        ("client", "name", "Kevin {}Casey"),
        ("client", "email", "kevin{}@startup.io"),
        ("client", "phone", "+678 123 {}456 78"),
        ("client", "company", "Cool {}Startup"),
        ("event", "name", "Off{}-site"),
        ("event", "location", "Salle {}des fêtes"),
        ("event", "notes", "Catering {}at 5PM"),
        ("employee", "name", "Kate {}Hastroff"),
        ("employee", "email", "kate{}@epic.events"),
    ];

    fn create(entity: &str, field: &str, value: &str) -> String {
        let required: &[(&str, &str)] = match entity {
            "client" => &[("name", r#""N""#), ("email", r#""n@e.io""#)],
            "event" => &[
                ("name", r#""N""#),
                ("start", "2023-06-04"),
                ("end", "2023-06-05"),
            ],
            _ => &[
                ("name", r#""N""#),
                ("email", r#""n@e.io""#),
                ("department", "sales"),
            ],
        };
        let parent = if entity == "event" {
            " for contract 7"
        } else {
            ""
        };
        let mut text = format!("create {entity}{parent}");
        for (name, given) in required.iter().filter(|(name, _)| *name != field) {
            text.push_str(&format!(" {name} {given}"));
        }
        text.push_str(&format!(r#" {field} "{value}""#));
        text
    }

    fn update(entity: &str, field: &str, value: &str) -> String {
        format!(r#"update {entity} 7 set {field} = "{value}""#)
    }

    #[test]
    fn the_plain_values_of_every_stored_text_field_are_accepted() {
        for (entity, field, value) in STORED {
            let value = value.replace("{}", "");
            for text in [create(entity, field, &value), update(entity, field, &value)] {
                assert!(parse(&text).is_ok(), "{text}: {:?}", parse(&text));
            }
        }
    }

    #[test]
    fn every_refused_character_in_every_stored_text_field_is_refused_where_it_was_typed() {
        for (entity, field, value) in STORED {
            let lines = if *field == "notes" {
                Lines::Many
            } else {
                Lines::One
            };
            for c in refused_characters()
                .into_iter()
                .filter(|&c| refused(c, lines))
            {
                // As typed (raw), and as an escape where there is one.
                let mut forms = vec![c.to_string()];
                match c {
                    '\n' => forms.push(r"\n".to_owned()),
                    '\t' => forms.push(r"\t".to_owned()),
                    '\r' => forms.push(r"\r".to_owned()),
                    _ => {}
                }
                for form in forms {
                    let value = value.replace("{}", &form);
                    for text in [create(entity, field, &value), update(entity, field, &value)] {
                        let error = parse(&text).expect_err(&text);
                        assert_eq!(error.kind, SyntaxErrorKind::BadValue, "{text:?}");
                        assert!(
                            error
                                .message
                                .starts_with(&format!("`{field}` cannot hold {} (", code_point(c))),
                            "{text:?}: {}",
                            error.message
                        );
                        assert_eq!(&text[error.span.clone()], form, "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn notes_may_hold_line_breaks_and_tabs_typed_or_escaped() {
        for notes in ["Catering\nat 5PM\tsharp", r"Catering\nat 5PM\tsharp"] {
            let text = format!(r#"update event 7 set notes = "{notes}""#);
            let Ok(Command::Update { set, .. }) = parse(&text) else {
                panic!("{text:?}: {:?}", parse(&text));
            };
            assert_eq!(
                set,
                vec![(
                    Field::EventNotes,
                    Assign::Value(Value::Text("Catering\nat 5PM\tsharp".to_owned()))
                )]
            );
        }
    }

    #[test]
    fn filters_store_nothing_and_keep_every_character() {
        for c in refused_characters() {
            let text = format!("show events where name ~ \"a{c}b\"");
            assert!(parse(&text).is_ok(), "{}", code_point(c));
        }
        assert!(parse("revoke sessions of \"Kate\u{202e}\"").is_ok());
    }

    #[test]
    fn the_error_names_the_character_and_draws_the_caret_under_it_neutralised() {
        let error = parse("update client 7 set name = \"Kate \u{202e}ffortsaH\"").unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "`name` cannot hold U+202E (a bidirectional control character)\n  \
             update client 7 set name = \"Kate \u{FFFD}ffortsaH\"\n  \
             {}^\n\
             help: stored text holds no control or bidirectional characters, \
             and only notes may hold line breaks and tabs",
                " ".repeat(33)
            )
        );
        let error = parse(r#"update event 7 set notes = "Room\r12""#).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "`notes` cannot hold U+000D (a control character)\n  \
             update event 7 set notes = \"Room\\r12\"\n  \
             {}^^\n\
             help: stored text holds no control or bidirectional characters; \
             notes may hold line breaks and tabs",
                " ".repeat(32)
            )
        );
    }
}

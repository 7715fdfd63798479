//! The words a command names things with: entities, record numbers,
//! employees, and a value of a field's type.

use rust_decimal::Decimal;

use super::Parser;
use super::time::{TimeError, parse_time_text, parse_time_tokens};
use crate::model::{Entity, Field, FieldType, MONEY_SCALE};
use crate::syntax::ast::{EmployeeRef, TimeValue, Value};
use crate::syntax::error::{SyntaxError, did_you_mean_help};
use crate::syntax::instead;
use crate::syntax::kind::{ErrorKind, Thing, ValueError, Want};
use crate::syntax::lexer::{Token, TokenKind};
use crate::syntax::suggest::did_you_mean;

impl Parser<'_> {
    /// `entity = "clients" | "client" | "contracts" | "contract"
    ///        | "events" | "event" | "employees" | "employee" | "audit" ;`
    pub(super) fn entity(&mut self) -> Result<Entity, SyntaxError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected(Want::Entity, &[]));
        };
        match Entity::from_name(&token.raw) {
            Some(entity) if token.kind == TokenKind::Word => {
                self.position += 1;
                Ok(entity)
            }
            _ => {
                let error = self.fail(
                    ErrorKind::Unknown {
                        what: Thing::Entity,
                        word: token.raw.clone(),
                    },
                    token.span.clone(),
                );
                Err(match did_you_mean(&token.raw, Entity::names()) {
                    Some(word) => error.did_you_mean(word),
                    None => error.with_help("entities are: clients, contracts, events, employees"),
                })
            }
        }
    }

    /// `employee_ref = [ "employee" ] record_id | string ;`
    pub(super) fn employee_ref(&mut self) -> Result<EmployeeRef, SyntaxError> {
        self.employee_ref_as(Want::Employee)
    }

    /// `employee_ref` where `want` names who may come (an import's
    /// salesperson: [`Want::SalesEmployee`]), in errors and for completion.
    pub(super) fn employee_ref_as(&mut self, want: Want) -> Result<EmployeeRef, SyntaxError> {
        self.could_end_with_word("employee");
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
            _ => {
                let example = match want {
                    Want::SalesEmployee => "for example: employee 3, or \"Bill Boquet\"",
                    _ => "for example: employee 7, or \"Kate Hastroff\"",
                };
                Err(self.expected(want, &[]).with_help(example))
            }
        }
    }

    /// `record_id = digit { digit } ;` where one must come; `expected` names
    /// it otherwise.
    pub(super) fn record_number(&mut self, expected: Want) -> Result<i64, SyntaxError> {
        match self.peek().cloned() {
            Some(token) if token.kind == TokenKind::Number => {
                self.position += 1;
                self.record_id(&token)
            }
            _ => Err(self.expected(expected, &[])),
        }
    }

    /// The number `record_id` holds: from 1 up, within a bigint.
    pub(super) fn record_id(&self, token: &Token) -> Result<i64, SyntaxError> {
        token
            .raw
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| {
                self.fail(
                    ValueError::NotARecordNumber {
                        found: token.raw.clone(),
                    },
                    token.span.clone(),
                )
                .with_help("record numbers are whole numbers from 1 up")
            })
    }

    /// `value = string | number | boolean | enum_word | time ;`, the one
    /// `field`'s type takes.
    pub(super) fn value(&mut self, field: Field) -> Result<Value, SyntaxError> {
        let ty = field.ty();
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected(Want::ValueFor { field }, &[]));
        };
        let next = self.peek_at(1).map(|next| next.raw.clone());
        if let Some(help) = instead::value_word(&token.raw, field)
            .map(|help| help.replace("...", next.as_deref().unwrap_or("...")))
            && token.kind != TokenKind::Str
        {
            return Err(self.bad_value(
                &token,
                ValueError::WrongType {
                    field,
                    found: token.raw.clone(),
                },
                Some(help),
            ));
        }
        if token.is_word("none") || token.is_word("me") {
            let help = if token.is_word("none") && field.nullable() {
                Some(format!("write `{field} is none`"))
            } else if token.is_word("me") && ty == FieldType::Employee {
                Some(format!("write `{field} is me`"))
            } else {
                None
            };
            return Err(self.bad_value(
                &token,
                ValueError::WrongType {
                    field,
                    found: token.raw.clone(),
                },
                help,
            ));
        }
        if ty == FieldType::Timestamp {
            return self.time_value(field).map(Value::Time);
        }
        self.position += 1;
        match ty {
            FieldType::Id | FieldType::Integer => self.whole_number(field, &token),
            FieldType::Money => self.money(field, &token),
            FieldType::Boolean => self.boolean(field, &token),
            FieldType::Enum(choices) => self.enum_word(field, choices, &token),
            FieldType::Employee => self.employee_value(field, &token),
            FieldType::Text | FieldType::Email | FieldType::Phone | FieldType::Timestamp => {
                self.text(field, &token)
            }
        }
    }

    fn bad_value(&self, token: &Token, kind: ValueError, help: Option<String>) -> SyntaxError {
        let error = self.fail(kind, token.span.clone());
        match help {
            Some(help) => error.with_help(help),
            None => error,
        }
    }

    /// `number`, whole, for a record number or a count.
    fn whole_number(&self, field: Field, token: &Token) -> Result<Value, SyntaxError> {
        let parsed = (token.kind == TokenKind::Number)
            .then(|| token.raw.parse::<i64>().ok())
            .flatten();
        match parsed {
            Some(n) => Ok(Value::Integer(n)),
            None => Err(self.bad_value(
                token,
                ValueError::WrongType {
                    field,
                    found: token.raw.clone(),
                },
                Some(format!("for example: {field} >= 100")),
            )),
        }
    }

    /// `number`, with at most two decimals, for an amount of money.
    fn money(&self, field: Field, token: &Token) -> Result<Value, SyntaxError> {
        let parsed = (token.kind == TokenKind::Number)
            .then(|| token.raw.parse::<Decimal>().ok())
            .flatten();
        match parsed {
            Some(amount) if amount.scale() <= MONEY_SCALE => Ok(Value::Money(amount)),
            Some(_) => Err(self.bad_value(
                token,
                ValueError::TooManyDecimals {
                    found: token.raw.clone(),
                },
                Some("amounts are exact to the cent: 12000.00".into()),
            )),
            None => Err(self.bad_value(
                token,
                ValueError::NotMoney {
                    field,
                    found: token.raw.clone(),
                },
                Some(format!("for example: {field} > 1000.00")),
            )),
        }
    }

    /// `boolean = "true" | "false" | "yes" | "no" ;`
    fn boolean(&self, field: Field, token: &Token) -> Result<Value, SyntaxError> {
        match token.raw.to_lowercase().as_str() {
            "true" | "yes" if token.kind == TokenKind::Word => Ok(Value::Bool(true)),
            "false" | "no" if token.kind == TokenKind::Word => Ok(Value::Bool(false)),
            _ => Err(self.bad_value(
                token,
                ValueError::NotBoolean {
                    field,
                    found: token.raw.clone(),
                },
                did_you_mean(&token.raw, ["true", "false"]).map(did_you_mean_help),
            )),
        }
    }

    /// `enum_word`: one of the field's choices, bare or quoted.
    fn enum_word(
        &self,
        field: Field,
        choices: &'static [&'static str],
        token: &Token,
    ) -> Result<Value, SyntaxError> {
        let found = matches!(token.kind, TokenKind::Word | TokenKind::Str)
            .then(|| {
                choices
                    .iter()
                    .find(|c| c.eq_ignore_ascii_case(&token.value))
            })
            .flatten();
        match found {
            Some(choice) => Ok(Value::Enum(choice)),
            None => Err(self.bad_value(
                token,
                ValueError::UnknownChoice {
                    field,
                    word: token.value.clone(),
                },
                Some(match did_you_mean(&token.value, choices.iter().copied()) {
                    Some(word) => did_you_mean_help(word),
                    None => format!("{}s are: {}", field.name(), choices.join(", ")),
                }),
            )),
        }
    }

    /// An employee in a condition: `string | number`.
    fn employee_value(&self, field: Field, token: &Token) -> Result<Value, SyntaxError> {
        match token.kind {
            TokenKind::Str => Ok(Value::Text(token.value.clone())),
            TokenKind::Number => token.raw.parse::<i64>().map(Value::Integer).map_err(|_| {
                self.bad_value(
                    token,
                    ValueError::NotAnEmployeeNumber {
                        found: token.raw.clone(),
                    },
                    None,
                )
            }),
            _ => Err(self.bad_value(
                token,
                ValueError::NotAnEmployee {
                    field,
                    found: token.raw.clone(),
                },
                (token.kind == TokenKind::Word)
                    .then(|| format!("write `{field} = \"{}\"`", token.value)),
            )),
        }
    }

    /// `string`, for text, emails and phones.
    fn text(&self, field: Field, token: &Token) -> Result<Value, SyntaxError> {
        match token.kind {
            TokenKind::Str => Ok(Value::Text(token.value.clone())),
            // A related record by its id: `client = 304`.
            TokenKind::Number if field.names_a_record().is_some() => {
                self.whole_number(field, token)
            }
            _ => Err(self.bad_value(
                token,
                ValueError::NotText {
                    field,
                    found: token.raw.clone(),
                },
                (token.kind == TokenKind::Word)
                    .then(|| format!("write `{field} ~ \"{}\"`", token.value)),
            )),
        }
    }

    /// `time`: a date or moment: ISO forms, `today`, `tomorrow`, `yesterday`,
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
                self.fail(
                    ValueError::NotADate {
                        text: token.value.clone(),
                    },
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
            Err(TimeError::NotADate) => {
                let error = self.fail(
                    ValueError::NotATime {
                        field,
                        found: token.raw.clone(),
                    },
                    token.span.clone(),
                );
                Err(match did_you_mean(&token.raw, instead::TIME_WORDS) {
                    Some(word) if token.kind == TokenKind::Word => error.did_you_mean(word),
                    _ => error.with_help(format!("write dates like {example}")),
                })
            }
            Err(TimeError::Invalid { from, to, reason }) => {
                let span = self.tokens[start + from].span.start..self.tokens[start + to].span.end;
                Err(self
                    .fail(
                        ValueError::InvalidDate {
                            text: self.text[span.clone()].to_owned(),
                            reason,
                        },
                        span,
                    )
                    .with_help(format!("write dates like {example}")))
            }
        }
    }
}

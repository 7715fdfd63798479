//! Which rows: `where` and its conditions, `order by`, `limit` and `offset`.

use super::{MAX_DEPTH, Parser};
use crate::model::{CompareOp, Entity, Field, FieldType};
use crate::syntax::ast::{Filter, Order, Value};
use crate::syntax::error::{SyntaxError, SyntaxErrorKind};
use crate::syntax::instead;
use crate::syntax::kind::{ErrorKind, ValueError, Want, allowed_operators};
use crate::syntax::lexer::TokenKind;
use crate::syntax::suggest::did_you_mean;

/// `limit` and `offset` stay within what PostgreSQL's bigint holds.
const MAX_COUNT: u64 = i64::MAX as u64;

/// Words that end a condition list or start a clause; never field names.
const CLAUSE_WORDS: &[&str] = &["and", "or", "order", "limit", "offset", "set"];

impl Parser<'_> {
    /// `where = "where" or ;`
    pub(super) fn where_clause(&mut self, entity: Entity) -> Result<Option<Filter>, SyntaxError> {
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

    /// One level deeper into `not` or `(`, at most [`MAX_DEPTH`].
    fn descend(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.fail(ErrorKind::TooDeep, self.here()));
        }
        Ok(())
    }

    /// `unary = "not" unary | "(" or ")" | condition ;`
    fn unary(&mut self, entity: Entity) -> Result<Filter, SyntaxError> {
        self.could_end_with_word("not");
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
                self.could_end_with(|| Want::CloseParenthesis);
                let unclosed = self.fail(ErrorKind::UnclosedParenthesis, open.span.clone());
                if self.peek().is_none() {
                    return Err(unclosed.with_help("add `)` after the condition"));
                }
                let (line, column) = unclosed.position();
                return Err(self
                    .expected(Want::CloseParenthesis, &["and", "or"])
                    .with_help(format!(
                        "the `(` at line {line}, column {column} of this command is still open"
                    )));
            }
            return Ok(inner);
        }
        self.condition(entity)
    }

    /// `field`: one of `entity`'s; `what` names it, given the entity's
    /// fields, in the error otherwise.
    fn field(
        &mut self,
        entity: Entity,
        what: fn(Vec<Field>) -> Want,
    ) -> Result<Field, SyntaxError> {
        let what = || what(entity.fields().to_vec());
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected(what(), &[]));
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
                let kind = if token.kind == TokenKind::Word
                    && !CLAUSE_WORDS.contains(&token.raw.to_lowercase().as_str())
                {
                    ErrorKind::UnknownField {
                        entity,
                        field: token.raw.clone(),
                    }
                } else {
                    ErrorKind::Expected {
                        what: what(),
                        found: Some(token.raw.clone()),
                    }
                };
                let error = self.fail(kind, token.span.clone());
                if let Some(help) = instead::field_word(entity, &token.raw) {
                    return Err(error.with_help(help));
                }
                Err(match did_you_mean(&token.raw, names.iter().copied()) {
                    Some(word) => error.did_you_mean(word),
                    None => error.with_help(format!(
                        "fields of {} are: {}",
                        entity.plural(),
                        names.join(", ")
                    )),
                })
            }
        }
    }

    /// `condition = field operator value
    ///            | field "is" [ "not" ] ( "none" | "me" )
    ///            | field [ "not" ] "in" "(" value { "," value } ")" ;`
    fn condition(&mut self, entity: Entity) -> Result<Filter, SyntaxError> {
        let field = self.field(entity, |fields| Want::Field { fields })?;
        if self.eat_word("is") {
            return self.is_condition(entity, field);
        }
        if self.completing && self.peek_word("not") && self.position + 1 == self.tokens.len() {
            // `field not` at the end: only `in` makes it a condition.
            let after = Some("not".to_owned());
            self.at_end
                .borrow_mut()
                .push(Want::Keyword { word: "in", after });
        }
        let negated_in = self.peek_word("not") && self.peek_at(1).is_some_and(|t| t.is_word("in"));
        if negated_in || self.peek_word("in") {
            return self.in_condition(field, negated_in);
        }
        self.comparison(field)
    }

    /// `field "is" [ "not" ] ( "none" | "me" )`, after `is`.
    fn is_condition(&mut self, entity: Entity, field: Field) -> Result<Filter, SyntaxError> {
        let ty = field.ty();
        let negated = self.eat_word("not");
        let Some(token) = self.next() else {
            let what = Want::NoneOrMe {
                after_is: false,
                field,
                negated,
            };
            return Err(self.expected(what, &[]));
        };
        if token.is_word("none") {
            if !field.nullable() {
                return Err(self
                    .fail(ErrorKind::NeverNone { field }, token.span.clone())
                    .with_help(nullable_help(entity)));
            }
            return Ok(Filter::IsNone { field, negated });
        }
        if token.is_word("me") {
            if ty != FieldType::Employee {
                return Err(self
                    .fail(ErrorKind::NotAnEmployeeField { field }, token.span.clone())
                    .with_help(employee_fields_help(entity)));
            }
            return Ok(Filter::IsMe { field, negated });
        }
        self.position -= 1;
        let mut keywords = vec!["none", "me"];
        if !negated {
            keywords.push("not");
        }
        let what = Want::NoneOrMe {
            after_is: true,
            field,
            negated,
        };
        let error = self.expected(what, &keywords);
        let null = self
            .peek()
            .and_then(|token| instead::value_word(&token.raw, field));
        Err(if let Some(help) = null {
            error.with_help(help)
        } else if error.help.is_some() {
            error
        } else {
            error.with_help(format!("to compare with a value, write `{field} = ...`"))
        })
    }

    /// `field [ "not" ] "in" "(" value { "," value } ")"`, at `not` or `in`.
    fn in_condition(&mut self, field: Field, negated_in: bool) -> Result<Filter, SyntaxError> {
        let ty = field.ty();
        if negated_in {
            self.position += 1;
        }
        let keyword = self.next().expect("peeked `in`");
        if !ty.accepts_in() {
            let operator = "in";
            return Err(self.fail(
                ErrorKind::OperatorDoesNotApply { operator, field },
                keyword.span,
            ));
        }
        if !self.eat_symbol("(") {
            return Err(self
                .expected(
                    Want::Keyword {
                        word: "(",
                        after: Some("in".into()),
                    },
                    &[],
                )
                .with_help(format!("write `{field} in (a, b, c)`")));
        }
        let mut values = vec![self.condition_value(field)?];
        while self.eat_symbol(",") {
            values.push(self.condition_value(field)?);
        }
        if !self.eat_symbol(")") {
            return Err(self.expected(Want::ListSeparator, &[]));
        }
        let filter = Filter::In { field, values };
        Ok(if negated_in {
            Filter::Not(Box::new(filter))
        } else {
            filter
        })
    }

    /// `field operator value`, after the field.
    fn comparison(&mut self, field: Field) -> Result<Filter, SyntaxError> {
        let op_span = self.here();
        let op = self.operator(field)?;
        let value_span = self.here();
        let value = self.condition_value(field)?;
        // `~` searches names: an employee's number is compared with `=`.
        if op == CompareOp::Contains && matches!(value, Value::Integer(_)) {
            return Err(self
                .fail(
                    ErrorKind::ContainsNumber {
                        field,
                        number: self.text[value_span.clone()].to_owned(),
                    },
                    op_span.start..value_span.end,
                )
                .with_help(format!(
                    "write `{field} = {}` for that employee, or `{field} ~ \"Kate\"` to search names",
                    &self.text[value_span]
                )));
        }
        Ok(Filter::Compare { field, op, value })
    }

    /// A condition's value. While completing, one of the wrong type is
    /// passed over as if it fitted (the error is the command's, when it
    /// runs), so that what may follow it is still offered.
    fn condition_value(&mut self, field: Field) -> Result<Value, SyntaxError> {
        let start = self.position;
        match self.value(field) {
            Err(error) if self.completing && error.kind == SyntaxErrorKind::BadValue => {
                self.position = self.position.max(start + 1);
                Ok(Value::Text(String::new()))
            }
            result => result,
        }
    }

    /// `operator = "=" | "!=" | "<" | "<=" | ">" | ">=" | "~" ;`, one the
    /// field's type takes.
    fn operator(&mut self, field: Field) -> Result<CompareOp, SyntaxError> {
        let allowed = field.ty().operators();
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected(Want::Operator { field }, &[]));
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
                .fail(
                    ErrorKind::OperatorDoesNotApply {
                        operator: op.symbol(),
                        field,
                    },
                    token.span.clone(),
                )
                .with_help(format!("use one of: {}", allowed_operators(field)))),
            None => {
                let found = token.raw.clone();
                let mut error = self.fail(
                    ErrorKind::ExpectedOperator { field, found },
                    token.span.clone(),
                );
                if token.kind == TokenKind::Word {
                    if token.is_word("none") || token.is_word("me") {
                        error = error
                            .with_help(format!("write `{field} is {}`", token.raw.to_lowercase()));
                    } else if let Some(help) = instead::operator_word(&token.raw, field)
                        .or_else(|| instead::value_word(&token.raw, field))
                    {
                        error = error.with_help(help);
                    } else if let Some(word) = did_you_mean(&token.raw, ["is", "in", "not"]) {
                        error = error.did_you_mean(word);
                    } else {
                        error = error.with_help(format!("write `{field} = \"{}\"`", token.value));
                    }
                }
                Err(error)
            }
        }
    }

    /// `order = "order" "by" field [ "asc" | "desc" ] { "," field [ "asc" | "desc" ] } ;`
    pub(super) fn order_clause(&mut self, entity: Entity) -> Result<Vec<Order>, SyntaxError> {
        if !self.eat_word("order") {
            return Ok(Vec::new());
        }
        if !self.eat_word("by") {
            return Err(self.expected(
                Want::Keyword {
                    word: "by",
                    after: Some("order".into()),
                },
                &["by"],
            ));
        }
        let mut order = Vec::new();
        loop {
            let field = self.field(entity, |fields| Want::FieldToOrderBy { fields })?;
            self.could_end_with_word("asc");
            self.could_end_with_word("desc");
            let descending = if self.eat_word("desc") {
                true
            } else {
                self.eat_word("asc");
                false
            };
            order.push(Order { field, descending });
            self.could_end_with_word(",");
            if !self.eat_symbol(",") {
                return Ok(order);
            }
        }
    }

    /// `paging = limit [ offset ] | offset [ limit ] ;`: the two in either
    /// order, each at most once.
    pub(super) fn paging(&mut self) -> Result<(Option<u64>, Option<u64>), SyntaxError> {
        let mut limit = self.count_clause("limit")?;
        let offset = self.count_clause("offset")?;
        if limit.is_none() && offset.is_some() {
            limit = self.count_clause("limit")?;
        }
        Ok((limit, offset))
    }

    /// `limit = "limit" digit { digit } ;` and `offset = "offset" digit { digit } ;`
    pub(super) fn count_clause(
        &mut self,
        keyword: &'static str,
    ) -> Result<Option<u64>, SyntaxError> {
        if !self.eat_word(keyword) {
            return Ok(None);
        }
        let Some(token) = self.next() else {
            return Err(self.expected(Want::RowCount { keyword }, &[]));
        };
        let parsed = (token.kind == TokenKind::Number)
            .then(|| token.raw.parse::<u64>().ok())
            .flatten()
            .filter(|n| *n <= MAX_COUNT);
        match parsed {
            Some(n) => Ok(Some(n)),
            None => Err(self
                .fail(
                    ValueError::NotARowCount {
                        keyword,
                        found: token.raw,
                    },
                    token.span,
                )
                .with_help(format!("for example: {keyword} 20"))),
        }
    }
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

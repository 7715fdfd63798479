//! The commands that write: `create`, `update`, `delete` (and `deactivate`,
//! whose rule is one `employee_ref`), and the checks a stored value meets.

use super::Parser;
use crate::model::{Entity, Field, FieldType, Limit, Lines, Write, money_max};
use crate::syntax::ast::{Assign, Command, Create, Value};
use crate::syntax::error::{SyntaxError, SyntaxErrorKind};
use crate::syntax::instead;
use crate::syntax::kind::{ErrorKind, ValueError, Want};
use crate::syntax::lexer::TokenKind;
use crate::syntax::suggest::did_you_mean;

impl Parser<'_> {
    /// An entity a write may name: not the audit log, which only grows.
    fn writable_entity(&mut self) -> Result<Entity, SyntaxError> {
        let start = self.here();
        let entity = self.entity()?;
        if entity == Entity::Audit {
            return Err(self
                .fail(ErrorKind::AuditReadOnly, start)
                .with_help("entries are added by the changes they record"));
        }
        Ok(entity)
    }

    /// `create = "create" entity [ "for" ( "client" | "contract" ) record_id ]
    ///            { field value } ;` A new employee's password is never
    /// typed: they get a temporary one, shown once.
    pub(super) fn create(&mut self) -> Result<Command, SyntaxError> {
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
                        .expected(self.parent_wanted(wanted), &["for", wanted])
                        .with_help(format!(
                            "a new {} belongs to a {wanted}: create {} for {wanted} 12 ...",
                            entity.singular(),
                            entity.singular()
                        )));
                }
                parent = Some(self.record_number(Want::ParentNumber { parent: wanted })?);
            }
            Entity::Client | Entity::Employee | Entity::Audit => {}
        }
        let mut values: Vec<(Field, Assign)> = Vec::new();
        loop {
            self.could_end_with(|| Want::Field {
                fields: entity
                    .settable()
                    .filter(|f| !values.iter().any(|(given, _)| given == f))
                    .collect(),
            });
            if self.peek().is_none() {
                break;
            }
            if entity == Entity::Employee && self.peek_word("password") {
                return Err(self.password_typed_in_create());
            }
            let field = self.settable_field(entity)?;
            if values.iter().any(|(f, _)| *f == field) {
                return Err(self.fail(
                    ValueError::GivenTwice { field },
                    self.tokens[self.position - 1].span.clone(),
                ));
            }
            self.no_equals_in_create(field)?;
            let value = self.assign(field, false)?;
            values.push((field, value));
        }
        let missing: Vec<&str> = entity
            .required_on_create()
            .filter(|r| !values.iter().any(|(f, _)| f == r))
            .map(|f| f.name())
            .collect();
        if !missing.is_empty() {
            let end = self.text.trim_end().len();
            return Err(SyntaxError::at(
                ErrorKind::MissingFields { entity, missing },
                end..end,
                self.text,
            )
            .with_help(format!("for example: {}", create_example(entity))));
        }
        Ok(Command::Create(Create {
            entity,
            parent,
            values,
        }))
    }

    /// `create` gives a field its value without `=`: `name "Z Z"`.
    fn no_equals_in_create(&self, field: Field) -> Result<(), SyntaxError> {
        if !self.peek_symbol("=") {
            return Ok(());
        }
        let what = Want::ValueFor { field };
        let found = Some("=".to_owned());
        Err(self
            .fail(ErrorKind::Expected { what, found }, self.here())
            .with_help(instead::create_equals(field, self.peek_at(1))))
    }

    /// `update = "update" entity ( record_id | where ) "set" field "=" ( value | "none" )
    ///            { "," field "=" ( value | "none" ) } ;`
    /// With `where`, every record the condition matches (as `show` lists them).
    pub(super) fn update(&mut self) -> Result<Command, SyntaxError> {
        let entity = self.writable_entity()?;
        self.could_end_with_word("where");
        if let Some(filter) = self.where_clause(entity)? {
            let allowed = || Want::Clauses {
                allowed: vec!["and", "or", "set"],
            };
            self.could_end_with(allowed);
            if !self.eat_word("set") {
                return Err(self
                    .expected(allowed(), &["and", "or", "set"])
                    .with_help(format!(
                        "update {} where CONDITION set FIELD = VALUE",
                        entity.plural()
                    )));
            }
            let set = self.assignments(entity)?;
            return Ok(Command::UpdateWhere {
                entity,
                filter,
                set,
            });
        }
        let id = self.record_number(Want::NumberToChange {
            entity,
            verb: "update",
        })?;
        if !self.eat_word("set") {
            return Err(self
                .expected(
                    Want::Keyword {
                        word: "set",
                        after: None,
                    },
                    &["set"],
                )
                .with_help(format!(
                    "update {} {id} set FIELD = VALUE",
                    entity.singular()
                )));
        }
        let set = self.assignments(entity)?;
        Ok(Command::Update { entity, id, set })
    }

    /// An update's `field "=" ( value | "none" ) { "," field "=" ( value | "none" ) }`.
    fn assignments(&mut self, entity: Entity) -> Result<Vec<(Field, Assign)>, SyntaxError> {
        let mut set: Vec<(Field, Assign)> = Vec::new();
        loop {
            let field = self.settable_field(entity)?;
            if !self.eat_symbol("=") {
                let after = Some(field.to_string());
                let error = self.expected(Want::Keyword { word: "=", after }, &[]);
                // `set attendees > 5`: a condition where a value is set.
                let compares = ["<", "<=", ">", ">=", "!=", "~"]
                    .iter()
                    .any(|symbol| self.peek_symbol(symbol));
                return Err(if compares {
                    error.with_help(format!(
                        "`set` gives a value: `set {field} = VALUE`; to choose the records \
                         by a condition, write `update {} where {field} > VALUE set ...`",
                        entity.plural()
                    ))
                } else {
                    error
                });
            }
            let value = self.assign(field, true)?;
            if set.iter().any(|(f, _)| *f == field) {
                return Err(self.fail(ValueError::SetTwice { field }, self.here()));
            }
            set.push((field, value));
            self.could_end_with_word(",");
            if !self.eat_symbol(",") {
                return Ok(set);
            }
        }
    }

    /// `delete = "delete" entity record_id [ "reassign" "to" employee_ref ] ;`
    pub(super) fn delete(&mut self) -> Result<Command, SyntaxError> {
        let entity = self.writable_entity()?;
        let id = self.record_number(Want::NumberToChange {
            entity,
            verb: "delete",
        })?;
        let mut reassign_to = None;
        if entity == Entity::Employee {
            self.could_end_with_word("reassign");
        }
        if self.eat_word("reassign") {
            if !self.eat_word("to") {
                return Err(self.expected(
                    Want::Keyword {
                        word: "to",
                        after: Some("reassign".into()),
                    },
                    &["to"],
                ));
            }
            reassign_to = Some(self.employee_ref()?);
        }
        Ok(Command::Delete {
            entity,
            id,
            reassign_to,
        })
    }

    /// `deactivate = "deactivate" employee_ref ;`
    pub(super) fn deactivate(&mut self) -> Result<Command, SyntaxError> {
        Ok(Command::Deactivate {
            employee: self.employee_ref()?,
        })
    }

    /// `field`, one a write may set on `entity`.
    fn settable_field(&mut self, entity: Entity) -> Result<Field, SyntaxError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected(
                Want::Field {
                    fields: entity.settable().collect(),
                },
                &[],
            ));
        };
        match (token.kind == TokenKind::Word)
            .then(|| entity.field(&token.raw))
            .flatten()
        {
            Some(field) if field.spec().write != Write::Never => {
                self.position += 1;
                Ok(field)
            }
            _ => {
                let names: Vec<&'static str> = entity.settable().map(Field::name).collect();
                let field = token.raw.clone();
                let error = self.fail(ErrorKind::NotSettable { entity, field }, token.span.clone());
                Err(match did_you_mean(&token.raw, names.iter().copied()) {
                    Some(word) => error.did_you_mean(word),
                    None => error.with_help(format!(
                        "fields you can set on {}: {}",
                        entity.plural(),
                        names.join(", ")
                    )),
                })
            }
        }
    }

    /// `( value | "none" )`, a value to store: checked like a condition's value, plus the ranges
    /// and formats a stored value must meet; `none` empties an optional field.
    fn assign(&mut self, field: Field, set: bool) -> Result<Assign, SyntaxError> {
        if field.nullable() {
            self.could_end_with_word("none");
        }
        if self.peek_word("none") {
            let token = self.next().expect("peeked");
            if !field.nullable() {
                return Err(self
                    .fail(ValueError::CannotBeNone { field }, token.span)
                    .with_help(format!("give {} a value", field.name())));
            }
            return Ok(Assign::None);
        }
        let span = self.here();
        let value = self
            .value(field)
            .map_err(|error| write_help(error, field, set))?;
        if let (Value::Text(text), FieldType::Text | FieldType::Email | FieldType::Phone) =
            (&value, field.ty())
        {
            self.plain_text(field, text)?;
        }
        if let (Value::Money(amount), Limit::Money { precision, scale }) =
            (&value, field.spec().limit)
            && *amount > money_max()
        {
            let amount = *amount;
            return Err(self
                .fail(ValueError::AmountTooLarge { amount }, span)
                .with_help(format!(
                    "amounts have at most {} digits before the point",
                    precision - scale
                )));
        }
        let problem = match (&value, field.ty(), field.spec().limit) {
            (Value::Integer(n), FieldType::Integer, Limit::Range { min, max })
                if !(min..=max).contains(n) =>
            {
                Some(ValueError::OutOfRange { field, number: *n })
            }
            (Value::Text(text), FieldType::Email, _) if crate::validate::email(text).is_err() => {
                Some(ValueError::NotAnEmailToStore { text: text.clone() })
            }
            (Value::Text(text), FieldType::Phone, _) if crate::validate::phone(text).is_err() => {
                Some(ValueError::NotAPhone { text: text.clone() })
            }
            (Value::Text(text), FieldType::Text, _) if text.trim().is_empty() => {
                Some(ValueError::Empty { field })
            }
            _ => None,
        };
        if let Some(problem) = problem {
            return Err(self.fail(problem, span));
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
            Lines::Many => {
                "stored text holds no control or bidirectional characters; notes may hold line breaks and tabs"
            }
            Lines::One => {
                "stored text holds no control or bidirectional characters, and only notes may hold line breaks and tabs"
            }
        };
        Err(self
            .fail(
                ValueError::RefusedCharacter {
                    field,
                    character: c,
                },
                crate::syntax::lexer::span_in_string(token, at),
            )
            .with_help(help))
    }
}

fn create_example(entity: Entity) -> &'static str {
    match entity {
        Entity::Audit => "show audit where entity = contract and record = 652",
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

/// A value to store that does not fit: the help is a write's example, not
/// a filter's (dates keep theirs, which say every form).
fn write_help(error: SyntaxError, field: Field, set: bool) -> SyntaxError {
    let filter_example = error.help.as_deref().is_none_or(|help| {
        help.starts_with("for example:") || help.starts_with(&format!("write `{field} "))
    });
    if error.kind == SyntaxErrorKind::BadValue
        && filter_example
        && field.ty() != FieldType::Timestamp
    {
        error.with_help(instead::write_example(field, set))
    } else {
        error
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{CompareOp, Entity, Field};
    use crate::syntax::ast::{Assign, Command, Filter, Value};
    use crate::syntax::{SyntaxErrorKind, parse};

    #[test]
    fn an_update_with_a_condition_is_a_bulk_update() {
        let parsed = parse("update events where support is none set support = \"Kate Hastroff\"");
        assert_eq!(
            parsed,
            Ok(Command::UpdateWhere {
                entity: Entity::Event,
                filter: Filter::IsNone {
                    field: Field::EventSupport,
                    negated: false,
                },
                set: vec![(
                    Field::EventSupport,
                    Assign::Value(Value::Text("Kate Hastroff".into()))
                )],
            })
        );
        // The singular names the same records; the plural is the canonical form.
        let singular = parse("UPDATE event WHERE attendees > 10 SET notes = none").expect("parses");
        assert_eq!(
            singular,
            Command::UpdateWhere {
                entity: Entity::Event,
                filter: Filter::Compare {
                    field: Field::EventAttendees,
                    op: CompareOp::Gt,
                    value: Value::Integer(10),
                },
                set: vec![(Field::EventNotes, Assign::None)],
            }
        );
        assert_eq!(
            singular.to_string(),
            "update events where attendees > 10 set notes = none"
        );
    }

    #[test]
    fn a_bulk_update_prints_as_it_parses() {
        for text in [
            "update events where support is none or attendees > 100 set support = \"Kate Hastroff\", attendees = 80",
            "update clients where not (sales is me) and name ~ \"Ouick\" set sales = 3",
            "update contracts where id in (1, 2, 3) set signed = true, remaining = 0.00",
            "update employees where department = support set active = false",
        ] {
            let command = parse(text).unwrap_or_else(|e| panic!("`{text}`: {e}"));
            assert_eq!(parse(&command.to_string()), Ok(command.clone()), "{text}");
        }
    }

    #[test]
    fn a_bulk_update_without_set_or_fields_is_refused_where_it_stops() {
        let missing = parse("update events where support is none").expect_err("no set");
        assert_eq!(missing.kind, SyntaxErrorKind::Expected);
        assert!(missing.to_string().contains("`set`"), "{missing}");
        assert!(
            missing
                .to_string()
                .contains("update events where CONDITION set FIELD = VALUE"),
            "{missing}"
        );
        let empty = parse("update events where set notes = none").expect_err("no condition");
        assert_eq!(empty.span.start, "update events where ".len());
        assert!(parse("update events where attendees > 1 set").is_err());
        assert!(parse("update audit where record = 1 set entity = event").is_err());
        // A field only `show` has is not one a write sets.
        assert!(parse("update events where id = 1 set client = \"X\"").is_err());
    }
}

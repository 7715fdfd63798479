//! `undo`: takes back the current employee's last change that no undo took
//! back yet. The database finds it in the audit trail and says whether its
//! record changed since (`db::undo`); this module refuses a delete and a
//! record changed since, then runs the change's inverse as the command a
//! user would type (an update setting back exactly the fields it changed,
//! to their values before; for a create, a delete of the record), through
//! `writes`, so the same checker and row security decide. The write is
//! filed in the trail as the undo of that entry.

use std::io::Write;

use chrono::DateTime;

use super::{Context, writes};
use crate::db::identity::Identity;
use crate::db::undo::LastChange;
use crate::error::Error;
use crate::model::{Entity, Field, FieldType, Write as Writes};
use crate::render::{self, Status, Undone};
use crate::syntax::ast::{Assign, TimeValue, Value};

pub async fn undo(
    cx: &mut Context<'_>,
    identity: &Identity,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let change = cx
        .database
        .last_change()
        .await?
        .ok_or(Error::NothingToUndo)?;
    let entity = entity_of(&change)?;
    let id = change.record;
    if change.action == "delete" {
        return Err(Error::UndoDelete {
            entity: change.entity,
            id,
            entry: change.entry,
        });
    }
    if change.changed_since {
        return Err(Error::ChangedSince {
            entity: change.entity,
            id,
            action: change.action,
            by: change.changed_by,
        });
    }
    cx.database.mark_undo(change.entry).await?;
    // The inverse's own status line would say less than the undo's.
    let mut quiet = std::io::sink();
    let fields: Vec<&'static str> = if change.action == "create" {
        writes::delete(cx, identity, entity, id, None, &mut quiet).await?;
        Vec::new()
    } else {
        let set = set_back(entity, &change.fields)?;
        let names = set.iter().map(|(field, _)| field.name()).collect();
        writes::update(cx, identity, entity, id, set, &mut quiet).await?;
        names
    };
    let undone = Status::Undone(Undone {
        entry: change.entry,
        action: &change.action,
        entity,
        id,
        fields: &fields,
    });
    render::status(err, &undone).map_err(|source| Error::Output { source })
}

/// The change's record kind as the model has it.
fn entity_of(change: &LastChange) -> Result<Entity, Error> {
    Entity::from_name(&change.entity)
        .filter(|entity| *entity != Entity::Audit)
        .ok_or_else(|| Error::Invalid {
            message: format!(
                "audit entry {} is about no record epic can change",
                change.entry
            ),
        })
}

/// The assignments that set each changed field back to its value before
/// the change (given as the trail's text; `None` for none). Fields no
/// write sets (a contract's client) are never changed by an update.
fn set_back(
    entity: Entity,
    fields: &[(String, Option<String>)],
) -> Result<Vec<(Field, Assign)>, Error> {
    let mut set = Vec::new();
    for (name, before) in fields {
        let Some(field) = entity.field(name) else {
            continue;
        };
        if field.spec().write == Writes::Never {
            continue;
        }
        let value = match before {
            None => Assign::None,
            Some(text) => Assign::Value(value_of(field, text).ok_or_else(|| Error::Invalid {
                message: format!(
                    "the {} of {} before the change cannot be set back",
                    field.name(),
                    entity.singular()
                ),
            })?),
        };
        set.push((field, value));
    }
    // In the model's order, as `help` and the audit trail list fields.
    set.sort_by_key(|(field, _)| entity.fields().iter().position(|f| f == field));
    Ok(set)
}

/// A stored value, as the audit trail's JSON writes it, typed by its field.
fn value_of(field: Field, text: &str) -> Option<Value> {
    Some(match field.ty() {
        FieldType::Text | FieldType::Email | FieldType::Phone => Value::Text(text.to_owned()),
        FieldType::Money => Value::Money(text.parse().ok()?),
        FieldType::Id | FieldType::Integer | FieldType::Employee => {
            Value::Integer(text.parse().ok()?)
        }
        FieldType::Boolean => Value::Bool(text.parse().ok()?),
        FieldType::Enum(choices) => Value::Enum(choices.iter().find(|choice| **choice == text)?),
        FieldType::Timestamp => {
            Value::Time(TimeValue::Instant(DateTime::parse_from_rfc3339(text).ok()?))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn before(pairs: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.map(str::to_owned)))
            .collect()
    }

    #[test]
    fn an_update_is_undone_by_setting_back_each_field_it_changed_typed_by_the_model() {
        let set = set_back(
            Entity::Client,
            &before(&[
                ("phone", Some("+678 123 456 78")),
                ("company", None),
                ("last_contact", Some("2026-11-30T09:15:00.123456+00:00")),
                ("sales", Some("2")),
            ]),
        )
        .expect("typed");
        let at = DateTime::parse_from_rfc3339("2026-11-30T09:15:00.123456+00:00").expect("time");
        assert_eq!(
            set,
            vec![
                (
                    Field::ClientPhone,
                    Assign::Value(Value::Text("+678 123 456 78".into()))
                ),
                (Field::ClientCompany, Assign::None),
                (
                    Field::ClientLastContact,
                    Assign::Value(Value::Time(TimeValue::Instant(at)))
                ),
                (Field::ClientSales, Assign::Value(Value::Integer(2))),
            ]
        );
    }

    #[test]
    fn amounts_departments_flags_and_counts_keep_their_types() {
        let set = set_back(
            Entity::Contract,
            &before(&[
                ("remaining", Some("4000.50")),
                ("signed", Some("false")),
                ("client", Some("7")),
            ]),
        )
        .expect("typed");
        assert_eq!(
            set,
            vec![
                (
                    Field::ContractRemaining,
                    Assign::Value(Value::Money("4000.50".parse().expect("amount")))
                ),
                (Field::ContractSigned, Assign::Value(Value::Bool(false))),
            ],
            "a contract's client is never set back: no update changes it"
        );
        let set = set_back(
            Entity::Employee,
            &before(&[("department", Some("sales")), ("active", Some("true"))]),
        )
        .expect("typed");
        assert_eq!(
            set,
            vec![
                (
                    Field::EmployeeDepartment,
                    Assign::Value(Value::Enum("sales"))
                ),
                (Field::EmployeeActive, Assign::Value(Value::Bool(true))),
            ]
        );
        let set = set_back(Entity::Event, &before(&[("attendees", Some("75"))])).expect("typed");
        assert_eq!(
            set,
            vec![(Field::EventAttendees, Assign::Value(Value::Integer(75)))]
        );
    }

    #[test]
    fn a_value_that_is_not_of_its_fields_type_is_refused_not_guessed() {
        let refused = set_back(
            Entity::Employee,
            &before(&[("department", Some("janitors"))]),
        );
        assert!(matches!(refused, Err(Error::Invalid { .. })), "{refused:?}");
        let refused = set_back(Entity::Event, &before(&[("start", Some("yesterday"))]));
        assert!(matches!(refused, Err(Error::Invalid { .. })), "{refused:?}");
    }

    #[test]
    fn undo_is_one_word_and_prints_back_as_itself() {
        assert_eq!(
            crate::syntax::parse("undo").expect("parses"),
            crate::syntax::Command::Undo
        );
        assert_eq!(
            crate::syntax::parse("UNDO").expect("parses"),
            crate::syntax::Command::Undo
        );
        assert_eq!(crate::syntax::Command::Undo.to_string(), "undo");
        // What it takes back is the audit trail's to say, never the line's.
        let error = crate::syntax::parse("undo event 109").expect_err("undo takes nothing");
        assert_eq!(
            error.kind,
            crate::syntax::SyntaxErrorKind::Expected,
            "{error}"
        );
        assert_eq!(
            error.message,
            "unexpected `event` after the end of the command"
        );
    }
}

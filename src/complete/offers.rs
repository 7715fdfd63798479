//! What may be typed where the text before the cursor ends: the parser's
//! expectation there ([`expected_at_end`]), each [`Want`] turned into
//! candidates here and nowhere else. The lists come from where the parser
//! takes its words from, so the two cannot drift apart.

use crate::format::FORMAT_NAMES;
use crate::model::{Entity, Field, FieldType, SECURITY_SETTINGS};
use crate::syntax::ast::Report;
use crate::syntax::{EXPLAINED, REVOKED, SETTINGS, Want, command_words, expected_at_end};

/// What may come next, by how it is typed.
#[derive(Debug, Default)]
pub(super) struct Offers {
    /// Words and symbols of the language, typed bare.
    pub words: Vec<&'static str>,
    /// The choices of an enum field: bare like words, or in quotes.
    pub choices: Vec<&'static str>,
    /// Whether an employee may be named here (in quotes, as spelled).
    pub employees: bool,
}

/// What may be typed at the end of `context`. With nothing typed yet only
/// plural entity names are listed, to keep the list short; once a prefix is
/// typed the singulars (for `show event 109`) match too.
pub(super) fn offers(context: &str, nothing_typed: bool) -> Offers {
    let mut offers = Offers::default();
    for want in expected_at_end(context) {
        offers.add(&want, nothing_typed);
    }
    offers
}

impl Offers {
    /// Adds what `want` may be.
    fn add(&mut self, want: &Want, nothing_typed: bool) {
        let names = |fields: &[Field]| fields.iter().map(|f| f.name()).collect::<Vec<_>>();
        match want {
            Want::Command => self.words.extend(command_words()),
            Want::Setting => self.words.extend(SETTINGS),
            Want::Format => self.words.extend(FORMAT_NAMES),
            Want::Expanded => self.words.extend(crate::format::Expanded::NAMES),
            Want::Pager | Want::Timing => self.words.extend(crate::format::Switch::NAMES),
            Want::Report => self.words.extend(Report::NAMES),
            Want::Explained => self.words.extend(EXPLAINED),
            Want::Revoked => self.words.extend(REVOKED),
            Want::SecuritySetting => self.words.extend(SECURITY_SETTINGS.iter().map(|s| s.name)),
            Want::Entity => self.words.extend(entities(false, nothing_typed)),
            Want::WritableEntity => self.words.extend(entities(true, nothing_typed)),
            Want::Clauses { allowed } => self.words.extend(allowed),
            Want::Keyword { word, .. } => self.words.push(word),
            Want::Parent {
                for_given: false, ..
            } => self.words.push("for"),
            Want::Parent { parent, .. } => self.words.push(parent),
            Want::Field { fields } | Want::FieldToOrderBy { fields } => {
                self.words.extend(names(fields));
            }
            Want::CloseParenthesis => self.words.extend([")", "and", "or"]),
            Want::ListSeparator => self.words.extend([",", ")"]),
            Want::Operator { field } => self.words.extend(operators(*field)),
            Want::NoneOrMe { field, negated, .. } => {
                self.words.extend(none_or_me(*field, *negated))
            }
            Want::ValueFor { field } => self.value(*field),
            Want::Employee => self.employees = true,
            // Numbers, passwords, emails and the end: nothing to offer.
            Want::EndOfCommand
            | Want::ParentNumber { .. }
            | Want::NumberToChange { .. }
            | Want::SessionNumber
            | Want::Password
            | Want::LockedEmail
            | Want::TimeZone
            | Want::SettingValue { .. }
            | Want::RowCount { .. }
            | Want::QueryName => {}
            Want::Saved => self.words.extend(crate::syntax::SAVABLE),
        }
    }

    /// Adds the values of `field`'s type that come from a fixed list.
    fn value(&mut self, field: Field) {
        match field.ty() {
            FieldType::Boolean => self.words.extend(["true", "false"]),
            FieldType::Enum(choices) => self.choices.extend(choices),
            FieldType::Timestamp => self.words.extend(["today", "tomorrow", "yesterday", "now"]),
            FieldType::Employee => self.employees = true,
            FieldType::Id
            | FieldType::Integer
            | FieldType::Money
            | FieldType::Text
            | FieldType::Email
            | FieldType::Phone => {}
        }
    }
}

/// The names of the entities (`writable`: all but the audit log, which
/// only grows): plurals, and singulars too once something is typed.
fn entities(writable: bool, nothing_typed: bool) -> impl Iterator<Item = &'static str> {
    Entity::ALL
        .into_iter()
        .filter(move |e| !writable || *e != Entity::Audit)
        .flat_map(move |e| [Some(e.plural()), (!nothing_typed).then(|| e.singular())])
        .flatten()
}

/// What may follow `field` in a condition: its type's operators, `is` when
/// `none` or `me` can follow it, and `in` for a list.
fn operators(field: Field) -> Vec<&'static str> {
    let ty = field.ty();
    let mut words: Vec<&'static str> = ty.operators().iter().map(|op| op.symbol()).collect();
    if !none_or_me(field, true).is_empty() {
        words.push("is");
    }
    if ty.accepts_in() {
        words.extend(["in", "not in"]);
    }
    words
}

/// What may follow `field is` (`negated`: `field is not`).
fn none_or_me(field: Field, negated: bool) -> Vec<&'static str> {
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

//! What may be typed where the text before the cursor ends: the parser's
//! expectation there ([`expected_at_end`]), each [`Want`] turned into
//! candidates here and nowhere else. The lists come from where the parser
//! takes its words from, so the two cannot drift apart.

use crate::format::FORMAT_NAMES;
use crate::model::sheet::ImportField;
use crate::model::{Entity, Field, FieldType, Role, SECURITY_SETTINGS};
use crate::syntax::ast::Report;
use crate::syntax::lexer::tokenize;
use crate::syntax::{EXPLAINED, REVOKED, SETTINGS, Want, command_words, expected_at_end};

/// What may come next, by how it is typed.
#[derive(Debug, Default)]
pub(super) struct Offers {
    /// Words and symbols of the language, typed bare.
    pub words: Vec<&'static str>,
    /// The choices of an enum field: bare like words, or in quotes.
    pub choices: Vec<&'static str>,
    /// Fields, typed bare, listed with what they hold.
    pub fields: Vec<Field>,
    /// Whether the command is a `create`, whose required fields come first.
    pub creating: bool,
    /// Whose names may come here (in quotes, as spelled), if anyone's.
    pub employees: Option<Names>,
    /// Whether an employee's record number may come here.
    pub employee_ids: bool,
}

/// Which employees may be named where a name goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Names {
    Anyone,
    /// Only those of this department (a sales or support contact).
    In(Role),
}

impl Names {
    /// Whether an employee of `department` (`None`: unknown) may be named.
    pub fn admit(self, department: Option<Role>) -> bool {
        match self {
            Names::Anyone => true,
            Names::In(role) => department == Some(role),
        }
    }
}

/// What may be typed at the end of `context`. With nothing typed yet only
/// plural entity names are listed, to keep the list short; once a prefix is
/// typed the singulars (for `show event 109`) match too.
pub(super) fn offers(context: &str, nothing_typed: bool) -> Offers {
    let mut offers = Offers::default();
    let wants = expected_at_end(context);
    if wants.is_empty() {
        return offers;
    }
    let tokens = tokenize(context).unwrap_or_default();
    offers.creating = tokens.first().is_some_and(|t| t.is_word("create"));
    // `employee_ref` after `employee` takes a record number as well as a name.
    let after_employee = tokens.last().is_some_and(|t| t.is_word("employee"));
    for want in wants {
        offers.add(&want, nothing_typed);
        if matches!(want, Want::Employee | Want::SalesEmployee) && after_employee {
            offers.employee_ids = true;
        }
    }
    offers
}

impl Offers {
    /// Adds what `want` may be.
    fn add(&mut self, want: &Want, nothing_typed: bool) {
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
                self.fields.extend(fields);
            }
            Want::CloseParenthesis => self.words.extend([")", "and", "or"]),
            Want::ListSeparator => self.words.extend([",", ")"]),
            Want::Operator { field } => self.words.extend(operators(*field)),
            Want::NoneOrMe { field, negated, .. } => {
                self.words.extend(none_or_me(*field, *negated))
            }
            Want::ValueFor { field } => self.value(*field),
            Want::Employee => self.admit(Names::Anyone),
            Want::SalesEmployee => self.admit(Names::In(Role::Sales)),
            Want::ImportField => self.words.extend(ImportField::ALL.map(ImportField::name)),
            Want::NumberToChange {
                entity: Entity::Employee,
                ..
            } => self.employee_ids = true,
            // Other numbers, emails and the end: nothing to offer
            // (record numbers would cost a query at each Tab).
            Want::EndOfCommand
            | Want::ParentNumber { .. }
            | Want::NumberToChange { .. }
            | Want::SessionNumber
            | Want::LockedEmail
            | Want::TimeZone
            | Want::SettingValue { .. }
            | Want::RowCount { .. }
            | Want::QueryName
            | Want::ImportFile
            | Want::ImportColumn => {}
            Want::Saved => self.words.extend(crate::syntax::SAVABLE),
        }
    }

    /// Adds the values of `field`'s type that come from a fixed list.
    fn value(&mut self, field: Field) {
        match field.ty() {
            FieldType::Boolean => self.words.extend(["true", "false"]),
            FieldType::Enum(choices) => self.choices.extend(choices),
            FieldType::Timestamp => self.words.extend(MOMENTS),
            FieldType::Employee => self.admit(match field.department() {
                Some(role) => Names::In(role),
                None => Names::Anyone,
            }),
            FieldType::Id
            | FieldType::Integer
            | FieldType::Money
            | FieldType::Text
            | FieldType::Email
            | FieldType::Phone => {}
        }
    }

    /// Lets `names` be named too: anyone once two departments may be.
    fn admit(&mut self, names: Names) {
        self.employees = match self.employees {
            None => Some(names),
            Some(before) if before == names => Some(names),
            Some(_) => Some(Names::Anyone),
        };
    }
}

/// The moments a date may be written as, relative to now (`time` in
/// grammar.md): the words, and a week either side of today as examples of
/// the `+`/`-` form.
const MOMENTS: [&str; 6] = [
    "today",
    "tomorrow",
    "yesterday",
    "now",
    "today+7d",
    "today-7d",
];

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

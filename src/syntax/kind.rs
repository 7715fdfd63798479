//! What a syntax error says, written once. The lexer and the parser build an
//! [`ErrorKind`] (with what they found, never a sentence), and its `Display`
//! is the only place each message is worded. [`ErrorKind::class`] gives the
//! coarse [`SyntaxErrorKind`] callers tell errors apart by.
//!
//! Messages are lowercase, name user text in backticks, and say what was
//! expected; the `help:` line is added by the parser beside.

use std::fmt;

use rust_decimal::Decimal;

use super::error::SyntaxErrorKind;
use crate::model::{Entity, Field, FieldType, money_max};
use crate::validate;

use super::parser::{MAX_COMMAND_BYTES, MAX_DEPTH};

/// What should have come where the error is. The same value tells
/// completion what may be typed where the input ends (see
/// [`expected_at_end`](super::expected_at_end)), so a variant carries what
/// that needs even where its message does not show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    Command,
    Setting,
    Format,
    /// After `set expanded`.
    Expanded,
    /// After `set pager`.
    Pager,
    /// After `set timing`.
    Timing,
    Report,
    /// After `explain`.
    Explained,
    /// The entity of a `show` or `count`.
    Entity,
    /// The entity of a write: not the audit log. Only noted for completion.
    WritableEntity,
    EndOfCommand,
    /// The clauses that may still come, each in backticks.
    Clauses {
        allowed: Vec<&'static str>,
    },
    /// One word or symbol, perhaps after another.
    Keyword {
        word: &'static str,
        after: Option<String>,
    },
    /// `for client ID` or `for contract ID` (`for_given`: `for` came, its
    /// parent did not).
    Parent {
        parent: &'static str,
        for_given: bool,
    },
    ParentNumber {
        parent: &'static str,
    },
    /// The record an `update` or a `delete` changes.
    NumberToChange {
        entity: Entity,
        verb: &'static str,
    },
    SessionNumber,
    /// One of `fields`: the entity's in a condition, the settable ones in a write.
    Field {
        fields: Vec<Field>,
    },
    FieldToOrderBy {
        fields: Vec<Field>,
    },
    LockedEmail,
    Employee,
    /// What `revoke` takes.
    Revoked,
    SecuritySetting,
    /// The zone after `set time zone`.
    TimeZone,
    SettingValue {
        name: &'static str,
        min: i32,
        max: i32,
    },
    /// What may follow a condition inside parentheses.
    CloseParenthesis,
    /// After `field is` (`negated`: `is not`); `after_is`: something else came.
    NoneOrMe {
        after_is: bool,
        field: Field,
        negated: bool,
    },
    ListSeparator,
    RowCount {
        keyword: &'static str,
    },
    Operator {
        field: Field,
    },
    ValueFor {
        field: Field,
    },
    /// The name of a saved query, after `save [team] query` or `delete query`.
    QueryName,
    /// The read a saved query holds, after `as`.
    Saved,
    /// The sheet after `import events from`.
    ImportFile,
    /// A column's header, after `map` or `,` in an import.
    ImportColumn,
    /// The field a mapped column holds, after `=`.
    ImportField,
    /// The salesperson of an import's new clients: an `employee_ref` of sales.
    SalesEmployee,
}

/// The kinds of word a command may misspell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thing {
    Command,
    Setting,
    Format,
    Expanded,
    Pager,
    Timing,
    Report,
    SecuritySetting,
    Entity,
    TimeZone,
    ImportField,
}

/// One specific syntax error; `Display` writes its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    // Lexing.
    UnexpectedCharacter {
        character: char,
    },
    UnknownEscape {
        escaped: char,
    },
    NulInString,
    UnclosedString,
    // Bounds.
    TooLong,
    TooDeep,
    // Structure.
    Expected {
        what: Want,
        found: Option<String>,
    },
    AfterEnd {
        found: String,
    },
    Unknown {
        what: Thing,
        word: String,
    },
    NoHelp {
        topic: String,
    },
    ExplainNotListing {
        command: String,
    },
    UnclosedParenthesis,
    MissingEmail,
    /// `login EMAIL` followed by more: a password typed on the command line.
    PasswordTyped,
    // Fields and operators.
    UnknownField {
        entity: Entity,
        field: String,
    },
    NotSettable {
        entity: Entity,
        field: String,
    },
    NeverNone {
        field: Field,
    },
    NotAnEmployeeField {
        field: Field,
    },
    OperatorDoesNotApply {
        operator: &'static str,
        field: Field,
    },
    ExpectedOperator {
        field: Field,
        found: String,
    },
    ContainsNumber {
        field: Field,
        number: String,
    },
    AuditReadOnly,
    /// A value that does not fit where it is.
    Value(ValueError),
    MissingFields {
        entity: Entity,
        missing: Vec<&'static str>,
    },
    // Saved queries.
    /// What follows `as` is not a read (`found`: its first word, or the command).
    NotSavable {
        found: String,
    },
    /// A name that is, or is one typo from, a word the language takes there.
    ReservedName {
        name: String,
        /// The word it is one typo from; `None`: it is itself taken.
        near: Option<&'static str>,
    },
    NotAQueryName {
        found: String,
    },
    // Imports.
    /// An option of `import` given a second time.
    OptionTwice {
        option: &'static str,
    },
}

/// A value that does not fit its field, setting or clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueError {
    NotAnEmail {
        text: String,
    },
    NotAnEmailToStore {
        text: String,
    },
    NotAPhone {
        text: String,
    },
    SettingOutOfRange {
        name: &'static str,
        min: i32,
        max: i32,
    },
    NotARecordNumber {
        found: String,
    },
    NotARowCount {
        keyword: &'static str,
        found: String,
    },
    WrongType {
        field: Field,
        found: String,
    },
    TooManyDecimals {
        found: String,
    },
    NotMoney {
        field: Field,
        found: String,
    },
    AmountTooLarge {
        amount: Decimal,
    },
    NotBoolean {
        field: Field,
        found: String,
    },
    NotAnEmployeeNumber {
        found: String,
    },
    NotAnEmployee {
        field: Field,
        found: String,
    },
    NotText {
        field: Field,
        found: String,
    },
    NotADate {
        text: String,
    },
    NotATime {
        field: Field,
        found: String,
    },
    InvalidDate {
        text: String,
        reason: &'static str,
    },
    OutOfRange {
        field: Field,
        number: i64,
    },
    Empty {
        field: Field,
    },
    CannotBeNone {
        field: Field,
    },
    RefusedCharacter {
        field: Field,
        character: char,
    },
    GivenTwice {
        field: Field,
    },
    SetTwice {
        field: Field,
    },
    UnknownChoice {
        field: Field,
        word: String,
    },
}

impl From<ValueError> for ErrorKind {
    fn from(value: ValueError) -> ErrorKind {
        ErrorKind::Value(value)
    }
}

impl ErrorKind {
    /// What a `login` line without the email, or with more than it, is told.
    fn login_message(&self) -> &'static str {
        match self {
            ErrorKind::PasswordTyped => {
                "a password is never typed on the command line: this line was not run, nor saved"
            }
            _ => "expected your email after `login`",
        }
    }

    /// What a refused saved query is told.
    fn saved_message(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            NotSavable { found } => write!(
                f,
                "only a read can be saved: `show`, `count`, `report` or `explain`, not `{found}`"
            ),
            ReservedName { name, near: None } => {
                write!(
                    f,
                    "`{name}` cannot name a saved query: the language takes it"
                )
            }
            ReservedName {
                name,
                near: Some(word),
            } => write!(
                f,
                "`{name}` cannot name a saved query: it is one typo from `{word}`"
            ),
            NotAQueryName { found } => write!(
                f,
                "`{found}` cannot name a saved query: a name starts with a letter and holds \
                 letters, digits and `_`, at most 40"
            ),
            _ => Ok(()),
        }
    }

    /// The coarse class of this error.
    pub fn class(&self) -> SyntaxErrorKind {
        use ErrorKind::*;
        match self {
            UnexpectedCharacter { .. } | UnknownEscape { .. } | NulInString | UnclosedString => {
                SyntaxErrorKind::Lexical
            }
            TooLong => SyntaxErrorKind::TooLong,
            TooDeep => SyntaxErrorKind::TooDeep,
            Expected { .. }
            | AfterEnd { .. }
            | ExplainNotListing { .. }
            | UnclosedParenthesis
            | MissingEmail
            | PasswordTyped
            | ExpectedOperator { .. }
            | MissingFields { .. }
            | NotSavable { .. }
            | NotAQueryName { .. }
            | OptionTwice { .. } => SyntaxErrorKind::Expected,
            ReservedName { .. } => SyntaxErrorKind::Unknown,
            Unknown { .. } | NoHelp { .. } | NotSettable { .. } | UnknownField { .. } => {
                SyntaxErrorKind::Unknown
            }
            NeverNone { .. }
            | NotAnEmployeeField { .. }
            | OperatorDoesNotApply { .. }
            | ContainsNumber { .. }
            | AuditReadOnly => SyntaxErrorKind::BadOperator,
            Value(_) => SyntaxErrorKind::BadValue,
        }
    }
}

/// The operators (and `is` forms) `field` takes, each in backticks.
pub fn allowed_operators(field: Field) -> String {
    let ty = field.ty();
    let mut allowed: Vec<String> = ty.operators().iter().map(|op| format!("`{op}`")).collect();
    if field.nullable() {
        allowed.push("`is none`".into());
    }
    if ty == FieldType::Employee {
        allowed.push("`is me`".into());
    }
    allowed.join(", ")
}

impl fmt::Display for Want {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Want::Command => f.write_str("a command"),
            Want::Setting => {
                f.write_str("a setting: format, expanded, pager, page_size, timing or security")
            }
            Want::Format => f.write_str("a format: table, vertical, csv or json"),
            Want::Expanded => f.write_str("when tables become records: auto, on or off"),
            Want::Pager => f.write_str("whether long output goes through the pager: on or off"),
            Want::Timing => f.write_str("whether each command's time is printed: on or off"),
            Want::Report => f.write_str("a report: sales, events or unpaid"),
            Want::Explained => f.write_str("`show` or `count` after `explain`"),
            Want::Entity | Want::WritableEntity => {
                f.write_str("what to show: clients, contracts, events or employees")
            }
            Want::EndOfCommand => f.write_str("the end of the command"),
            Want::Clauses { allowed } => {
                let quoted: Vec<String> = allowed.iter().map(|w| format!("`{w}`")).collect();
                f.write_str(&quoted.join(", "))
            }
            Want::Keyword { word, after: None } => write!(f, "`{word}`"),
            Want::Keyword {
                word,
                after: Some(after),
            } => write!(f, "`{word}` after `{after}`"),
            Want::Parent { parent, .. } => write!(f, "`for {parent} ID`"),
            Want::ParentNumber { parent } => write!(f, "the {parent}'s number"),
            Want::NumberToChange { entity, verb } => {
                write!(f, "the number of the {} to {verb}", entity.singular())
            }
            Want::SessionNumber => f.write_str("a session number after `revoke session`"),
            Want::Field { .. } => f.write_str("a field"),
            Want::FieldToOrderBy { .. } => f.write_str("a field to order by"),
            Want::LockedEmail => f.write_str("the locked email in quotes after `unlock`"),
            Want::Employee => f.write_str("an employee: their number or their full name in quotes"),
            Want::Revoked => f.write_str("`session N` or `sessions of EMPLOYEE` after `revoke`"),
            Want::SecuritySetting => f.write_str("a security setting after `set security`"),
            Want::TimeZone => f.write_str("a time zone in quotes after `set time zone`"),
            Want::SettingValue { name, min, max } => {
                write!(f, "`{name}` is a whole number from {min} to {max}")
            }
            Want::CloseParenthesis => f.write_str("`)`, `and` or `or`"),
            Want::NoneOrMe {
                after_is: false, ..
            } => f.write_str("`none` or `me`"),
            Want::NoneOrMe { after_is: true, .. } => f.write_str("`none` or `me` after `is`"),
            Want::ListSeparator => f.write_str("`,` or `)` in the list"),
            Want::RowCount { keyword } => write!(f, "a number of rows after `{keyword}`"),
            Want::Operator { field } => {
                write!(
                    f,
                    "an operator after `{field}`: {}",
                    allowed_operators(*field)
                )
            }
            Want::ValueFor { field } => write!(f, "{} for `{field}`", field.ty().describe()),
            Want::QueryName => f.write_str("the query's name: a word of letters, digits and `_`"),
            Want::Saved => f.write_str("the read to save: `show`, `count`, `report` or `explain`"),
            Want::ImportFile => f.write_str("the sheet's file in quotes after `from`"),
            Want::ImportColumn => f.write_str("a column's header in quotes"),
            Want::ImportField => f.write_str("the field the column holds"),
            Want::SalesEmployee => {
                f.write_str("a salesperson: their number or their full name in quotes")
            }
        }
    }
}

impl fmt::Display for Thing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Thing::Command => "command",
            Thing::Setting => "setting",
            Thing::Format => "format",
            Thing::Expanded => "expanded setting",
            Thing::Pager => "pager setting",
            Thing::Timing => "timing setting",
            Thing::Report => "report",
            Thing::SecuritySetting => "security setting",
            Thing::Entity => "entity",
            Thing::TimeZone => "time zone",
            Thing::ImportField => "import field",
        })
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            UnexpectedCharacter { character } => unexpected_character(f, *character),
            UnknownEscape { escaped } => write!(f, "unknown escape `\\{escaped}` in a string"),
            NulInString => f.write_str("strings cannot contain the NUL character"),
            UnclosedString => f.write_str("this string has no closing quote"),
            TooLong => write!(
                f,
                "the command is too long: at most {MAX_COMMAND_BYTES} bytes"
            ),
            TooDeep => write!(
                f,
                "conditions are nested too deeply: at most {MAX_DEPTH} levels of parentheses and `not`"
            ),
            Expected { what, found: None } => {
                write!(f, "expected {what} at the end of the command")
            }
            Expected {
                what,
                found: Some(found),
            } => write!(f, "expected {what}, found `{found}`"),
            AfterEnd { found } => write!(f, "unexpected `{found}` after the end of the command"),
            Unknown { what, word } => write!(f, "unknown {what} `{word}`"),
            NoHelp { topic } => write!(f, "no help for `{topic}`"),
            ExplainNotListing { command } => write!(
                f,
                "`explain` shows the SQL of a listing or a count, not of `{command}`"
            ),
            UnclosedParenthesis => f.write_str("this parenthesis is never closed"),
            MissingEmail | PasswordTyped => f.write_str(self.login_message()),
            UnknownField { entity, field } => {
                write!(f, "{} have no field `{field}`", entity.plural())
            }
            NotSettable { entity, field } => write!(
                f,
                "`{field}` is not a field you can set on {}",
                entity.plural()
            ),
            NeverNone { field } => write!(f, "`{field}` always has a value, so it is never none"),
            NotAnEmployeeField { field } => write!(
                f,
                "`is me` applies to employee fields, and `{field}` is {}",
                field.ty().describe()
            ),
            OperatorDoesNotApply { operator, field } => write!(
                f,
                "`{operator}` does not apply to `{field}` ({})",
                field.ty().describe()
            ),
            ExpectedOperator { field, found } => write!(
                f,
                "expected an operator after `{field}`: {}; found `{found}`",
                allowed_operators(*field)
            ),
            ContainsNumber { field, number } => write!(
                f,
                "`~` searches the names of `{field}` and takes text in quotes, not the number `{number}`"
            ),
            AuditReadOnly => f.write_str("the audit log is read-only"),
            MissingFields { entity, missing } => write!(
                f,
                "a new {} needs: {}",
                entity.singular(),
                missing.join(", ")
            ),
            NotSavable { .. } | ReservedName { .. } | NotAQueryName { .. } => self.saved_message(f),
            OptionTwice { option } => write!(f, "`{option}` is given twice"),
            Value(value) => value.fmt(f),
        }
    }
}

/// A character the lexer does not take: a control or bidirectional
/// character is named, not shown.
fn unexpected_character(f: &mut fmt::Formatter<'_>, character: char) -> fmt::Result {
    if validate::refused(character, validate::Lines::One) {
        write!(
            f,
            "unexpected character {}",
            validate::code_point(character)
        )
    } else {
        write!(f, "unexpected character `{character}`")
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ValueError::*;
        match self {
            NotAnEmail { text } => write!(f, "`{text}` is not an email address"),
            NotAnEmailToStore { text } => write!(
                f,
                "`{text}` is not an email address; write it as name@domain.tld"
            ),
            NotAPhone { text } => write!(
                f,
                "`{text}` is not a phone number: use digits, spaces, `+`, `-`, `.` and parentheses, with 6 to 20 digits"
            ),
            SettingOutOfRange { name, min, max } => write!(
                f,
                "{}",
                Want::SettingValue {
                    name,
                    min: *min,
                    max: *max
                }
            ),
            NotARecordNumber { found } => write!(f, "`{found}` is not a record number"),
            NotARowCount { keyword, found } => {
                write!(f, "`{keyword}` takes a whole number of rows, not `{found}`")
            }
            WrongType { field, found } => {
                write!(
                    f,
                    "`{field}` takes {}, not `{found}`",
                    field.ty().describe()
                )
            }
            TooManyDecimals { found } => write!(f, "`{found}` has more than two decimals"),
            NotMoney { field, found } => {
                write!(f, "`{field}` takes an amount of money, not `{found}`")
            }
            AmountTooLarge { amount } => write!(
                f,
                "`{amount}` is more than an amount can be: at most {}",
                money_max()
            ),
            NotBoolean { field, found } => write!(f, "`{field}` is true or false, not `{found}`"),
            NotAnEmployeeNumber { found } => write!(f, "`{found}` is not an employee number"),
            NotAnEmployee { field, found } => write!(
                f,
                "`{field}` takes an employee's name in quotes or their number, not `{found}`"
            ),
            NotText { field, found } => {
                write!(f, "`{field}` takes text in double quotes, not `{found}`")
            }
            NotADate { text } => write!(f, "`{text}` is not a date"),
            NotATime { field, found } => write!(f, "`{field}` takes a date, not `{found}`"),
            InvalidDate { text, reason } => write!(f, "`{text}` is not a valid date: {reason}"),
            OutOfRange { field, number } => {
                let (min, max) = field.range().unwrap_or((i64::MIN, i64::MAX));
                write!(
                    f,
                    "`{field}` must be a whole number from {min} to {max}, not {number}"
                )
            }
            Empty { field } => write!(f, "`{field}` cannot be empty"),
            CannotBeNone { field } => write!(f, "`{field}` cannot be none"),
            RefusedCharacter { field, character } => write!(
                f,
                "`{field}` cannot hold {} ({})",
                validate::code_point(*character),
                validate::kind_of(*character)
            ),
            GivenTwice { field } => write!(f, "`{field}` is given twice"),
            SetTwice { field } => write!(f, "`{field}` is set twice"),
            UnknownChoice { field, word } => write!(f, "unknown {} `{word}`", field.name()),
        }
    }
}

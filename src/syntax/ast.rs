//! Typed commands: what the parser produces and the shell runs. Values are
//! already checked against their field's type. `Display` prints the
//! canonical form, and parsing it gives the same command back (a property
//! test checks this), so `explain` and error messages can show a command
//! exactly as epic understood it.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::format::{Expanded, Format, Switch};
use crate::model::sheet::ImportField;
use crate::model::{CompareOp, Entity, Field};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `help` or `help <command>`.
    Help {
        topic: Option<&'static str>,
    },
    /// `quit` or `exit`.
    Quit,
    /// `set format table|vertical|csv|json`.
    SetFormat {
        format: Format,
    },
    /// `set expanded auto|on|off`: when a table gives way to records.
    SetExpanded {
        expanded: Expanded,
    },
    /// `set pager on|off`: whether long output in the shell goes through `$PAGER`.
    SetPager {
        pager: Switch,
    },
    /// `set timing on|off`: whether the shell prints each command's time.
    SetTiming {
        timing: Switch,
    },
    /// `show <entities> [where ...] [order by ...] [limit N] [offset N]`.
    Show(Query),
    /// `show <entity> <id>`: one record, vertically, with related names.
    ShowOne {
        entity: Entity,
        id: i64,
    },
    /// `count <entities> [where ...]`.
    Count {
        entity: Entity,
        filter: Option<Filter>,
    },
    /// `explain <show or count>`: the typed command and its SQL, not run.
    Explain(Box<Command>),
    /// `login EMAIL`: the password is asked for, never typed in the command.
    Login {
        email: String,
    },
    Logout,
    WhoAmI,
    /// `passwd`: change one's own password.
    Passwd,
    /// `show sessions` (admin): the live sessions.
    ShowSessions,
    /// `show security` (admin): the security limits.
    ShowSecurity,
    /// `set security NAME = VALUE` (admin): changes a security limit.
    SetSecurity {
        setting: &'static str,
        value: i32,
    },
    /// `show time zone`: the company's zone, and this user's.
    ShowTimeZone,
    /// `set time zone "ZONE"` (management): changes the company's zone; the
    /// zone's name as the IANA database spells it.
    SetTimeZone {
        zone: &'static str,
    },
    /// `show notifications`: one's own, newest first; they are then read.
    ShowNotifications,
    /// `revoke session N` (admin).
    RevokeSession {
        id: i64,
    },
    /// `revoke sessions of EMPLOYEE` (admin).
    RevokeSessionsOf {
        employee: EmployeeRef,
    },
    /// `unlock "EMAIL"` (admin): lifts a login lock-out.
    Unlock {
        email: String,
    },
    /// `reset password of EMPLOYEE` (management, admin).
    ResetPassword {
        employee: EmployeeRef,
    },
    /// `create ENTITY [for client|contract ID] FIELD VALUE ...`.
    Create(Create),
    /// `update ENTITY ID set FIELD = VALUE, ...`.
    Update {
        entity: Entity,
        id: i64,
        set: Vec<(Field, Assign)>,
    },
    /// `delete ENTITY ID [reassign to EMPLOYEE]`.
    Delete {
        entity: Entity,
        id: i64,
        reassign_to: Option<EmployeeRef>,
    },
    /// `deactivate EMPLOYEE`.
    Deactivate {
        employee: EmployeeRef,
    },
    /// `report sales|events|unpaid`.
    Report {
        report: Report,
    },
    /// `save [team] query NAME as COMMAND`: a read, stored by name.
    SaveQuery(SaveQuery),
    /// `NAME` or `show NAME`: runs a saved query.
    RunQuery {
        name: String,
    },
    /// `show queries`: one's own saved queries and the team's.
    ShowQueries,
    /// `delete [team] query NAME`.
    DeleteQuery {
        team: bool,
        name: String,
    },
    /// `set` alone: each setting of the shell, its value and where it comes from.
    ShowSettings,
    /// `save settings`: the session's settings into the config file's `[shell]`.
    SaveSettings,
    /// `set page_size N`: rows an interactive table shows before it stops.
    SetPageSize {
        rows: u32,
    },
    /// `undo`: takes back one's own last change not yet undone.
    Undo,
    /// `update ENTITIES where CONDITION set FIELD = VALUE, ...`: every
    /// record the condition matches (as `show` would list them), after a
    /// preview and a confirmation, all or none.
    UpdateWhere {
        entity: Entity,
        filter: Filter,
        set: Vec<(Field, Assign)>,
    },
    /// `import events from "FILE" ...`: the support team's sheet, planned
    /// (a dry run) or applied.
    Import(ImportEvents),
}

/// `import events from "FILE" [sales EMPLOYEE] [map "COLUMN" = FIELD, ...] [apply]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportEvents {
    /// The `.csv` or `.xlsx` file, as typed (relative to the current directory).
    pub file: String,
    /// Who owns the clients the sheet creates without naming a salesperson.
    pub sales: Option<EmployeeRef>,
    /// Columns named explicitly, before the accepted header names.
    pub map: Vec<(String, ImportField)>,
    /// Write the plan (in one transaction) instead of only showing it.
    pub apply: bool,
}

impl fmt::Display for ImportEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "import events from {}", quote(&self.file))?;
        if let Some(sales) = &self.sales {
            write!(f, " sales {sales}")?;
        }
        for (index, (column, field)) in self.map.iter().enumerate() {
            let lead = if index == 0 { " map " } else { ", " };
            write!(f, "{lead}{} = {field}", quote(column))?;
        }
        if self.apply {
            f.write_str(" apply")?;
        }
        Ok(())
    }
}

/// `save [team] query NAME as COMMAND`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveQuery {
    /// Shared with everyone (management and admins save these).
    pub team: bool,
    /// Lowercase; no command word, nor what `show` shows (see grammar.md).
    pub name: String,
    /// A read: `show`, `count`, `report` or `explain`.
    pub command: Box<Command>,
}

impl SaveQuery {
    /// The words `save` and `delete` take before `query`.
    pub fn team_word(team: bool) -> &'static str {
        if team { "team " } else { "" }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Per salesperson: clients, contracts, signed total, amount still due.
    Sales,
    /// Upcoming events per support contact, and those with no support soon.
    Events,
    /// Signed contracts with money still due, oldest first.
    Unpaid,
}

impl Report {
    pub const NAMES: [&'static str; 3] = ["sales", "events", "unpaid"];

    pub fn name(self) -> &'static str {
        match self {
            Report::Sales => "sales",
            Report::Events => "events",
            Report::Unpaid => "unpaid",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Create {
    pub entity: Entity,
    /// The client of a new contract, the contract of a new event.
    pub parent: Option<i64>,
    pub values: Vec<(Field, Assign)>,
}

/// What a field is set to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assign {
    Value(Value),
    None,
}

impl fmt::Display for Assign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Assign::Value(value) => write!(f, "{value}"),
            Assign::None => f.write_str("none"),
        }
    }
}

/// An employee named in a command: `employee 7`, `7` or `"Kate Hastroff"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmployeeRef {
    Id(i64),
    Name(String),
}

impl fmt::Display for EmployeeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmployeeRef::Id(id) => write!(f, "employee {id}"),
            EmployeeRef::Name(name) => f.write_str(&quote(name)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub entity: Entity,
    pub filter: Option<Filter>,
    pub order: Vec<Order>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub field: Field,
    pub descending: bool,
}

/// A condition. Every form is two-valued: a record either matches or not,
/// even where a field is none (see grammar.md, "none").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Compare {
        field: Field,
        op: CompareOp,
        value: Value,
    },
    In {
        field: Field,
        values: Vec<Value>,
    },
    IsNone {
        field: Field,
        negated: bool,
    },
    IsMe {
        field: Field,
        negated: bool,
    },
    Not(Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    /// A record number, a whole number, or an employee's id.
    Integer(i64),
    Money(Decimal),
    Bool(bool),
    Enum(&'static str),
    Time(TimeValue),
}

/// A point in time as the user wrote it; resolved against the clock and the
/// command's time zone (`crate::zone`) only when the command is planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeValue {
    /// A whole day (midnight to midnight, in the command's zone).
    Date(NaiveDate),
    /// A date and time on the command's zone's clock.
    DateTime(NaiveDateTime),
    /// A date and time with its offset from UTC: `2023-06-04T13:00+02:00`.
    Instant(DateTime<FixedOffset>),
    /// `today`, `tomorrow`, `today+7d`: a day relative to today.
    RelativeDay(i32),
    /// `now`.
    Now,
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Help { topic: None } => f.write_str("help"),
            Command::Help { topic: Some(topic) } => write!(f, "help {topic}"),
            Command::Quit => f.write_str("quit"),
            Command::SetFormat { format } => write!(f, "set format {format}"),
            Command::SetExpanded { expanded } => write!(f, "set expanded {expanded}"),
            Command::SetPager { pager } => write!(f, "set pager {pager}"),
            Command::SetTiming { timing } => write!(f, "set timing {timing}"),
            Command::Show(query) => write!(f, "{query}"),
            Command::ShowOne { entity, id } => write!(f, "show {} {id}", entity.singular()),
            Command::Count { entity, filter } => {
                write!(f, "count {}", entity.plural())?;
                if let Some(filter) = filter {
                    write!(f, " where {filter}")?;
                }
                Ok(())
            }
            Command::Explain(inner) => write!(f, "explain {inner}"),
            Command::Login { email } => write!(f, "login {email}"),
            Command::Logout => f.write_str("logout"),
            Command::WhoAmI => f.write_str("whoami"),
            Command::Passwd => f.write_str("passwd"),
            Command::ShowSessions => f.write_str("show sessions"),
            Command::ShowSecurity => f.write_str("show security"),
            Command::SetSecurity { setting, value } => {
                write!(f, "set security {setting} = {value}")
            }
            Command::ShowTimeZone => f.write_str("show time zone"),
            Command::SetTimeZone { zone } => write!(f, "set time zone {}", quote(zone)),
            Command::ShowNotifications => f.write_str("show notifications"),
            Command::RevokeSession { id } => write!(f, "revoke session {id}"),
            Command::RevokeSessionsOf { employee } => write!(f, "revoke sessions of {employee}"),
            Command::Unlock { email } => write!(f, "unlock {}", quote(email)),
            Command::ResetPassword { employee } => write!(f, "reset password of {employee}"),
            Command::Create(create) => write!(f, "{create}"),
            Command::Update { entity, id, set } => {
                write!(f, "update {} {id} set ", entity.singular())?;
                write_set(f, set)
            }
            Command::Delete {
                entity,
                id,
                reassign_to,
            } => {
                write!(f, "delete {} {id}", entity.singular())?;
                if let Some(to) = reassign_to {
                    write!(f, " reassign to {to}")?;
                }
                Ok(())
            }
            Command::Deactivate { employee } => write!(f, "deactivate {employee}"),
            Command::Report { report } => write!(f, "report {}", report.name()),
            Command::UpdateWhere {
                entity,
                filter,
                set,
            } => {
                write!(f, "update {} where {filter} set ", entity.plural())?;
                write_set(f, set)
            }
            Command::Undo => f.write_str("undo"),
            Command::Import(import) => write!(f, "{import}"),
            Command::ShowSettings => f.write_str("set"),
            Command::SaveSettings => f.write_str("save settings"),
            Command::SetPageSize { rows } => write!(f, "set page_size {rows}"),
            saved => write_saved(f, saved),
        }
    }
}

/// The saved queries' commands, as [`Command`]'s `Display` prints them.
fn write_saved(f: &mut fmt::Formatter<'_>, command: &Command) -> fmt::Result {
    match command {
        Command::SaveQuery(save) => write!(
            f,
            "save {}query {} as {}",
            SaveQuery::team_word(save.team),
            save.name,
            save.command
        ),
        Command::RunQuery { name } => write!(f, "show {name}"),
        Command::ShowQueries => f.write_str("show queries"),
        Command::DeleteQuery { team, name } => {
            write!(f, "delete {}query {name}", SaveQuery::team_word(*team))
        }
        // Every other command is printed by `Display` itself.
        _ => Ok(()),
    }
}

impl fmt::Display for Create {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "create {}", self.entity.singular())?;
        if let Some(parent) = self.parent {
            let parent_entity = if self.entity == Entity::Event {
                "contract"
            } else {
                "client"
            };
            write!(f, " for {parent_entity} {parent}")?;
        }
        for (field, value) in &self.values {
            write!(f, " {field} {value}")?;
        }
        Ok(())
    }
}

/// An update's `FIELD = VALUE, ...`.
fn write_set(f: &mut fmt::Formatter<'_>, set: &[(Field, Assign)]) -> fmt::Result {
    for (index, (field, value)) in set.iter().enumerate() {
        if index > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{field} = {value}")?;
    }
    Ok(())
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "show {}", self.entity.plural())?;
        if let Some(filter) = &self.filter {
            write!(f, " where {filter}")?;
        }
        if !self.order.is_empty() {
            f.write_str(" order by ")?;
            for (index, order) in self.order.iter().enumerate() {
                if index > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{}", order.field)?;
                if order.descending {
                    f.write_str(" desc")?;
                }
            }
        }
        if let Some(limit) = self.limit {
            write!(f, " limit {limit}")?;
        }
        if let Some(offset) = self.offset {
            write!(f, " offset {offset}")?;
        }
        Ok(())
    }
}

/// Binding strength, for printing only the parentheses that matter.
fn precedence(filter: &Filter) -> u8 {
    match filter {
        Filter::Or(..) => 1,
        Filter::And(..) => 2,
        _ => 3,
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, filter: &Filter, parenthesize: bool) -> fmt::Result {
    if parenthesize {
        write!(f, "({filter})")
    } else {
        write!(f, "{filter}")
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Compare { field, op, value } => write!(f, "{field} {op} {value}"),
            Filter::In { field, values } => {
                write!(f, "{field} in (")?;
                for (index, value) in values.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{value}")?;
                }
                f.write_str(")")
            }
            Filter::IsNone { field, negated } => {
                write!(f, "{field} is {}none", if *negated { "not " } else { "" })
            }
            Filter::IsMe { field, negated } => {
                write!(f, "{field} is {}me", if *negated { "not " } else { "" })
            }
            Filter::Not(inner) => {
                f.write_str("not ")?;
                write_operand(f, inner, precedence(inner) < 3)
            }
            // Operators group to the left, so a right operand of the same
            // strength needs parentheses to come back as the same tree.
            Filter::And(left, right) => {
                write_operand(f, left, precedence(left) < 2)?;
                f.write_str(" and ")?;
                write_operand(f, right, precedence(right) <= 2)
            }
            Filter::Or(left, right) => {
                write_operand(f, left, false)?;
                f.write_str(" or ")?;
                write_operand(f, right, precedence(right) <= 1)
            }
        }
    }
}

/// A string literal with the escapes the lexer understands.
pub fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(text) => f.write_str(&quote(text)),
            Value::Integer(n) => write!(f, "{n}"),
            Value::Money(amount) => write!(f, "{amount}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Enum(word) => f.write_str(word),
            Value::Time(time) => write!(f, "{time}"),
        }
    }
}

impl fmt::Display for TimeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeValue::Date(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            TimeValue::DateTime(at) => {
                if at.format("%S").to_string() == "00" {
                    write!(f, "{}", at.format("%Y-%m-%dT%H:%M"))
                } else {
                    write!(f, "{}", at.format("%Y-%m-%dT%H:%M:%S"))
                }
            }
            TimeValue::Instant(at) if at.format("%S").to_string() == "00" => {
                write!(f, "{}", at.format("%Y-%m-%dT%H:%M%:z"))
            }
            TimeValue::Instant(at) => write!(f, "{}", at.format("%Y-%m-%dT%H:%M:%S%:z")),
            TimeValue::RelativeDay(0) => f.write_str("today"),
            TimeValue::RelativeDay(1) => f.write_str("tomorrow"),
            TimeValue::RelativeDay(-1) => f.write_str("yesterday"),
            TimeValue::RelativeDay(days) if *days > 0 => write!(f, "today+{days}d"),
            TimeValue::RelativeDay(days) => write!(f, "today-{}d", days.unsigned_abs()),
            TimeValue::Now => f.write_str("now"),
        }
    }
}

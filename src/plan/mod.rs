//! The planning stage: typed commands to SQL. The only module that writes
//! SQL for commands.
//!
//! Architecture invariant: identifiers come only from `match`es over the
//! closed enums of [`crate::model`], and every value a user typed becomes a
//! `$n` parameter. `explain` prints exactly what is built here.
//!
//! Every condition compiles to a predicate that is never NULL, so `not`
//! is the exact complement of what it negates and `!=` includes the records
//! where the field is none (grammar.md, "none"). Relative dates are resolved
//! here, against the clock and the time zone in [`PlanContext`].

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use tokio_postgres::types::{ToSql, Type};

use crate::exit::Exit;
use crate::model::{CompareOp, Entity, Field, FieldType};
use crate::policy::Authorized;
/// The checked commands planned here, whose shapes `policy` owns.
pub use crate::policy::{
    DeleteEmployee, LiveSessions, MarkNotificationsRead, OwnNotifications, Record, SecurityLimits,
    Update,
};
use crate::syntax::ast::{Assign, Create, Report};
use crate::syntax::{Filter, Order, Query, TimeValue, Value};

/// What planning needs besides the command.
#[derive(Debug, Clone)]
pub struct PlanContext {
    /// The logged-in employee, for `is me`.
    pub me: Option<i64>,
    /// "Now", fixed once per command so `today` means one day throughout.
    pub now: DateTime<Utc>,
    /// The zone typed dates are read in (the company's, or the user's `TZ`).
    pub zone: crate::zone::Zone,
    /// The `~` searches a listing takes through their trigram index, as
    /// the database judged them selective ([`plan_search_selectivity`]);
    /// any other goes in id order until the page is full.
    pub indexed_searches: Vec<(Field, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "`is me` needs to know who you are, and nobody is logged in\nhelp: log in first, or name the employee: `{field} = \"Full Name\"`"
    )]
    MeWithoutLogin { field: &'static str },
}

impl PlanError {
    pub fn exit(&self) -> Exit {
        match self {
            PlanError::MeWithoutLogin { .. } => Exit::NotLoggedIn,
        }
    }
}

/// A bound value.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Int(i64),
    Text(String),
    Money(Decimal),
    Bool(bool),
    Time(DateTime<Utc>),
    IntList(Vec<i64>),
    TextList(Vec<String>),
    MoneyList(Vec<Decimal>),
}

impl Param {
    /// The parameter as a statement sends it: its value and the type the
    /// server is told (statements are unnamed, so the types go with them).
    pub fn as_arg(&self) -> (&(dyn ToSql + Sync), Type) {
        let sql_type = match self {
            Param::Int(_) => Type::INT8,
            Param::Text(_) => Type::TEXT,
            Param::Money(_) => Type::NUMERIC,
            Param::Bool(_) => Type::BOOL,
            Param::Time(_) => Type::TIMESTAMPTZ,
            Param::IntList(_) => Type::INT8_ARRAY,
            Param::TextList(_) => Type::TEXT_ARRAY,
            Param::MoneyList(_) => Type::NUMERIC_ARRAY,
        };
        (self.as_sql(), sql_type)
    }

    pub fn as_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Param::Int(v) => v,
            Param::Text(v) => v,
            Param::Money(v) => v,
            Param::Bool(v) => v,
            Param::Time(v) => v,
            Param::IntList(v) => v,
            Param::TextList(v) => v,
            Param::MoneyList(v) => v,
        }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Param::Int(v) => write!(f, "{v} (bigint)"),
            Param::Text(v) => write!(f, "{} (text)", crate::syntax::ast::quote(v)),
            Param::Money(v) => write!(f, "{v} (numeric)"),
            Param::Bool(v) => write!(f, "{v} (boolean)"),
            Param::Time(v) => write!(f, "{} (timestamptz)", v.to_rfc3339()),
            Param::IntList(v) => write!(f, "{v:?} (bigint[])"),
            Param::TextList(v) => {
                let quoted: Vec<String> = v.iter().map(|s| crate::syntax::ast::quote(s)).collect();
                write!(f, "[{}] (text[])", quoted.join(", "))
            }
            Param::MoneyList(v) => {
                let shown: Vec<String> = v.iter().map(Decimal::to_string).collect();
                write!(f, "[{}] (numeric[])", shown.join(", "))
            }
        }
    }
}

/// How a result column is read from a row and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// bigint
    Id,
    /// integer
    Integer,
    Text,
    Money,
    Bool,
    Timestamp,
    /// A timestamp shown to the second (the audit trail's times, where
    /// what happened within a minute must read in its order).
    Moment,
    /// `json` or `jsonb`: an object a table shows as text.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutColumn {
    pub name: &'static str,
    pub kind: ColumnKind,
}

/// A statement ready to run: text with `$n` placeholders, its parameters,
/// and the columns it returns. Only this module builds one, from an
/// [`Authorized`] command.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    sql: String,
    params: Vec<Param>,
    columns: Vec<OutColumn>,
}

impl Plan {
    pub fn sql(&self) -> &str {
        &self.sql
    }

    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The parameters as the statement sends them, each with its type.
    pub fn args(&self) -> Vec<(&(dyn ToSql + Sync), Type)> {
        self.params.iter().map(Param::as_arg).collect()
    }

    pub fn columns(&self) -> &[OutColumn] {
        &self.columns
    }
}

/// Builds SQL text and its parameter list together, so a placeholder and
/// its value cannot get out of step.
struct Builder {
    sql: String,
    params: Vec<Param>,
    /// A count's statement: it reads every match, so a search goes through
    /// its index whatever the pattern (`filter::trigram_search`).
    counting: bool,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            sql: String::with_capacity(512),
            params: Vec::new(),
            counting: false,
        }
    }

    fn counting() -> Builder {
        Builder {
            counting: true,
            ..Builder::new()
        }
    }

    fn push(&mut self, text: &str) {
        self.sql.push_str(text);
    }

    /// Appends `$n::type` for `param`. The explicit type keeps the Rust
    /// value and the statement in step whatever the column is (an `integer`
    /// column compared with a `bigint` value).
    fn bind(&mut self, param: Param) {
        let cast = match param {
            Param::Int(_) => "::bigint",
            Param::Text(_) => "::text",
            Param::Money(_) => "::numeric",
            Param::Bool(_) => "::boolean",
            Param::Time(_) => "::timestamptz",
            Param::IntList(_) => "::bigint[]",
            Param::TextList(_) => "::text[]",
            Param::MoneyList(_) => "::numeric[]",
        };
        self.params.push(param);
        self.sql.push('$');
        self.sql.push_str(&self.params.len().to_string());
        self.sql.push_str(cast);
    }
}

const fn col(name: &'static str, kind: ColumnKind) -> OutColumn {
    OutColumn { name, kind }
}

mod admin;
mod derived;
mod entities;
mod filter;
mod reads;
mod saved;
mod writes;

#[cfg(test)]
mod tests;

pub use admin::*;
pub(crate) use derived::select_one;
use derived::*;
use entities::*;
pub(crate) use entities::{Stored, entity_table};
use filter::*;
pub use filter::{plan_search_selectivity, searches_by_selectivity};
pub use reads::*;
pub use saved::*;
pub use writes::*;

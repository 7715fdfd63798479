//! value: one typed cell of a result, what the `db` step reads out of a row
//! and the `render` step writes in every format.
//!
//! Typed so that each format can show a cell faithfully: a JSON number stays
//! a number, money stays exact, a timestamp keeps the offset it is shown in.
//! A leaf: it imports nothing of the crate, so the database module can build
//! rows without depending on the renderer.

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;

/// One cell of a result, typed so that each format can show it faithfully
/// (a JSON number stays a number, money stays exact).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// Exact decimal; its scale is kept (`12000.00` stays `12000.00`).
    Money(Decimal),
    Text(String),
    /// Already in the offset the user should see; render does not convert.
    Timestamp(DateTime<FixedOffset>),
    /// A JSON document (the audit trail's changes and records): JSON output
    /// carries it as it is, CSV as its compact text, a table or a record as
    /// readable text.
    Json(serde_json::Value),
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Bool(value)
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Int(value)
    }
}

impl From<i32> for Value {
    fn from(value: i32) -> Self {
        Value::Int(i64::from(value))
    }
}

impl From<Decimal> for Value {
    fn from(value: Decimal) -> Self {
        Value::Money(value)
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(value.to_string())
    }
}

impl From<DateTime<FixedOffset>> for Value {
    fn from(value: DateTime<FixedOffset>) -> Self {
        Value::Timestamp(value)
    }
}

impl From<serde_json::Value> for Value {
    fn from(value: serde_json::Value) -> Self {
        Value::Json(value)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

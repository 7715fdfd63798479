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
//! here, against the clock and the local time zone in [`PlanContext`].

use std::fmt;

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rust_decimal::Decimal;
use tokio_postgres::types::ToSql;

use crate::exit::Exit;
use crate::model::{CompareOp, Entity, Field, FieldType};
use crate::policy::Authorized;
use crate::syntax::ast::{Assign, Create, Report};
use crate::syntax::{Filter, Order, Query, TimeValue, Value};

/// What planning needs besides the command.
#[derive(Debug, Clone)]
pub struct PlanContext {
    /// The logged-in employee, for `is me`.
    pub me: Option<i64>,
    /// "Now", fixed once per command so `today` means one day throughout.
    pub now: DateTime<Local>,
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

    pub fn columns(&self) -> &[OutColumn] {
        &self.columns
    }
}

/// `show ENTITY ID`: one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub entity: Entity,
    pub id: i64,
}

/// `update ENTITY ID set ...`, with employee names already resolved to ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub entity: Entity,
    pub id: i64,
    pub set: Vec<(Field, Assign)>,
}

/// `delete employee ID`: employees are the only records ever deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeleteEmployee {
    pub id: i64,
}

/// `show sessions`.
#[derive(Debug, Clone, Copy)]
pub struct LiveSessions;

/// `show security`.
#[derive(Debug, Clone, Copy)]
pub struct SecurityLimits;

/// `show notifications`: the acting employee's own.
#[derive(Debug, Clone, Copy)]
pub struct OwnNotifications;

/// What `show notifications` does after listing them.
#[derive(Debug, Clone, Copy)]
pub struct MarkNotificationsRead;

/// Builds SQL text and its parameter list together, so a placeholder and
/// its value cannot get out of step.
struct Builder {
    sql: String,
    params: Vec<Param>,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            sql: String::with_capacity(512),
            params: Vec::new(),
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

/// The columns and joins of a listing, per entity. `id` always comes first.
fn listing(entity: Entity) -> (&'static str, &'static [OutColumn], &'static str) {
    use ColumnKind::*;
    match entity {
        Entity::Client => (
            "c.id, c.full_name, c.email, c.phone, c.company_name, c.created_at, c.last_contact_at, sales.full_name",
            &[
                OutColumn {
                    name: "id",
                    kind: Id,
                },
                OutColumn {
                    name: "name",
                    kind: Text,
                },
                OutColumn {
                    name: "email",
                    kind: Text,
                },
                OutColumn {
                    name: "phone",
                    kind: Text,
                },
                OutColumn {
                    name: "company",
                    kind: Text,
                },
                OutColumn {
                    name: "created",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "last_contact",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "sales",
                    kind: Text,
                },
            ],
            "clients c JOIN employees sales ON sales.id = c.sales_contact_id",
        ),
        Entity::Contract => (
            "k.id, c.full_name, sales.full_name, k.total, k.remaining, k.signed, k.created_at",
            &[
                OutColumn {
                    name: "id",
                    kind: Id,
                },
                OutColumn {
                    name: "client",
                    kind: Text,
                },
                OutColumn {
                    name: "sales",
                    kind: Text,
                },
                OutColumn {
                    name: "total",
                    kind: Money,
                },
                OutColumn {
                    name: "remaining",
                    kind: Money,
                },
                OutColumn {
                    name: "signed",
                    kind: Bool,
                },
                OutColumn {
                    name: "created",
                    kind: Timestamp,
                },
            ],
            "contracts k JOIN clients c ON c.id = k.client_id JOIN employees sales ON sales.id = c.sales_contact_id",
        ),
        Entity::Event => (
            "e.id, e.name, e.contract_id, c.full_name, e.start_at, e.end_at, sup.full_name, e.location, e.attendees",
            &[
                OutColumn {
                    name: "id",
                    kind: Id,
                },
                OutColumn {
                    name: "name",
                    kind: Text,
                },
                OutColumn {
                    name: "contract",
                    kind: Id,
                },
                OutColumn {
                    name: "client",
                    kind: Text,
                },
                OutColumn {
                    name: "start",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "end",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "support",
                    kind: Text,
                },
                OutColumn {
                    name: "location",
                    kind: Text,
                },
                OutColumn {
                    name: "attendees",
                    kind: Integer,
                },
            ],
            "events e JOIN contracts k ON k.id = e.contract_id JOIN clients c ON c.id = k.client_id \
             LEFT JOIN employees sup ON sup.id = e.support_contact_id",
        ),
        Entity::Employee => (
            "m.id, m.full_name, m.email, m.department, m.created_at, m.active",
            &[
                OutColumn {
                    name: "id",
                    kind: Id,
                },
                OutColumn {
                    name: "name",
                    kind: Text,
                },
                OutColumn {
                    name: "email",
                    kind: Text,
                },
                OutColumn {
                    name: "department",
                    kind: Text,
                },
                OutColumn {
                    name: "created",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "active",
                    kind: Bool,
                },
            ],
            "employees m",
        ),
        Entity::Audit => (
            "a.id, a.at, a.actor_name, a.action, a.entity, a.entity_id, a.before::text, a.after::text, a.detail::text",
            &[
                OutColumn {
                    name: "no",
                    kind: Id,
                },
                OutColumn {
                    name: "at",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "actor",
                    kind: Text,
                },
                OutColumn {
                    name: "action",
                    kind: Text,
                },
                OutColumn {
                    name: "entity",
                    kind: Text,
                },
                OutColumn {
                    name: "id",
                    kind: Id,
                },
                OutColumn {
                    name: "before",
                    kind: Text,
                },
                OutColumn {
                    name: "after",
                    kind: Text,
                },
                OutColumn {
                    name: "detail",
                    kind: Text,
                },
            ],
            "audit_log a",
        ),
    }
}

/// One record with what is related to it, for `show ENTITY ID`.
fn record(entity: Entity) -> (&'static str, &'static [OutColumn], &'static str) {
    use ColumnKind::*;
    match entity {
        Entity::Client => (
            "c.id, c.full_name, c.email, c.phone, c.company_name, c.created_at, c.last_contact_at, c.updated_at, \
             sales.full_name, sales.email, \
             (SELECT count(*) FROM contracts WHERE client_id = c.id), \
             (SELECT count(*) FROM events JOIN contracts ON contracts.id = events.contract_id WHERE contracts.client_id = c.id)",
            &[
                OutColumn {
                    name: "id",
                    kind: Id,
                },
                OutColumn {
                    name: "name",
                    kind: Text,
                },
                OutColumn {
                    name: "email",
                    kind: Text,
                },
                OutColumn {
                    name: "phone",
                    kind: Text,
                },
                OutColumn {
                    name: "company",
                    kind: Text,
                },
                OutColumn {
                    name: "created",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "last_contact",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "updated",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "sales",
                    kind: Text,
                },
                OutColumn {
                    name: "sales_email",
                    kind: Text,
                },
                OutColumn {
                    name: "contracts",
                    kind: Id,
                },
                OutColumn {
                    name: "events",
                    kind: Id,
                },
            ],
            "clients c JOIN employees sales ON sales.id = c.sales_contact_id WHERE c.id = $1",
        ),
        Entity::Contract => (
            "k.id, c.id, c.full_name, c.email, c.phone, c.company_name, sales.full_name, k.total, k.remaining, \
             k.signed, k.created_at, k.updated_at, (SELECT count(*) FROM events WHERE contract_id = k.id)",
            &[
                OutColumn {
                    name: "id",
                    kind: Id,
                },
                OutColumn {
                    name: "client_id",
                    kind: Id,
                },
                OutColumn {
                    name: "client",
                    kind: Text,
                },
                OutColumn {
                    name: "client_email",
                    kind: Text,
                },
                OutColumn {
                    name: "client_phone",
                    kind: Text,
                },
                OutColumn {
                    name: "company",
                    kind: Text,
                },
                OutColumn {
                    name: "sales",
                    kind: Text,
                },
                OutColumn {
                    name: "total",
                    kind: Money,
                },
                OutColumn {
                    name: "remaining",
                    kind: Money,
                },
                OutColumn {
                    name: "signed",
                    kind: Bool,
                },
                OutColumn {
                    name: "created",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "updated",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "events",
                    kind: Id,
                },
            ],
            "contracts k JOIN clients c ON c.id = k.client_id JOIN employees sales ON sales.id = c.sales_contact_id \
             WHERE k.id = $1",
        ),
        Entity::Event => (
            "e.id, e.name, e.contract_id, c.full_name, c.email, c.phone, c.company_name, sales.full_name, \
             e.start_at, e.end_at, sup.full_name, sup.email, e.location, e.attendees, e.notes, e.updated_at",
            &[
                OutColumn {
                    name: "id",
                    kind: Id,
                },
                OutColumn {
                    name: "name",
                    kind: Text,
                },
                OutColumn {
                    name: "contract",
                    kind: Id,
                },
                OutColumn {
                    name: "client",
                    kind: Text,
                },
                OutColumn {
                    name: "client_email",
                    kind: Text,
                },
                OutColumn {
                    name: "client_phone",
                    kind: Text,
                },
                OutColumn {
                    name: "company",
                    kind: Text,
                },
                OutColumn {
                    name: "sales",
                    kind: Text,
                },
                OutColumn {
                    name: "start",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "end",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "support",
                    kind: Text,
                },
                OutColumn {
                    name: "support_email",
                    kind: Text,
                },
                OutColumn {
                    name: "location",
                    kind: Text,
                },
                OutColumn {
                    name: "attendees",
                    kind: Integer,
                },
                OutColumn {
                    name: "notes",
                    kind: Text,
                },
                OutColumn {
                    name: "updated",
                    kind: Timestamp,
                },
            ],
            "events e JOIN contracts k ON k.id = e.contract_id JOIN clients c ON c.id = k.client_id \
             JOIN employees sales ON sales.id = c.sales_contact_id \
             LEFT JOIN employees sup ON sup.id = e.support_contact_id WHERE e.id = $1",
        ),
        Entity::Employee => (
            "m.id, m.full_name, m.email, m.department, m.created_at, m.updated_at, m.active, \
             (SELECT count(*) FROM clients WHERE sales_contact_id = m.id), \
             (SELECT count(*) FROM events WHERE support_contact_id = m.id)",
            &[
                OutColumn {
                    name: "id",
                    kind: Id,
                },
                OutColumn {
                    name: "name",
                    kind: Text,
                },
                OutColumn {
                    name: "email",
                    kind: Text,
                },
                OutColumn {
                    name: "department",
                    kind: Text,
                },
                OutColumn {
                    name: "created",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "updated",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "active",
                    kind: Bool,
                },
                OutColumn {
                    name: "clients",
                    kind: Id,
                },
                OutColumn {
                    name: "events_supported",
                    kind: Id,
                },
            ],
            "employees m WHERE m.id = $1",
        ),
        Entity::Audit => (
            "a.id, a.at, a.actor_id, a.actor_name, a.action, a.entity, a.entity_id, a.before::text, a.after::text, \
             a.detail::text",
            &[
                OutColumn {
                    name: "no",
                    kind: Id,
                },
                OutColumn {
                    name: "at",
                    kind: Timestamp,
                },
                OutColumn {
                    name: "actor_id",
                    kind: Id,
                },
                OutColumn {
                    name: "actor",
                    kind: Text,
                },
                OutColumn {
                    name: "action",
                    kind: Text,
                },
                OutColumn {
                    name: "entity",
                    kind: Text,
                },
                OutColumn {
                    name: "id",
                    kind: Id,
                },
                OutColumn {
                    name: "before",
                    kind: Text,
                },
                OutColumn {
                    name: "after",
                    kind: Text,
                },
                OutColumn {
                    name: "detail",
                    kind: Text,
                },
            ],
            "audit_log a WHERE a.id = $1::bigint",
        ),
    }
}

/// The tables a count needs: only the joins its condition reaches.
fn count_from(entity: Entity, filter: Option<&Filter>) -> &'static str {
    let uses = |wanted: &[Field]| filter.is_some_and(|f| mentions(f, wanted));
    match entity {
        Entity::Client => "clients c",
        Entity::Contract if uses(&[Field::ContractClient, Field::ContractSales]) => {
            "contracts k JOIN clients c ON c.id = k.client_id"
        }
        Entity::Contract => "contracts k",
        Entity::Event if uses(&[Field::EventClient]) => {
            "events e JOIN contracts k ON k.id = e.contract_id JOIN clients c ON c.id = k.client_id"
        }
        Entity::Event => "events e",
        Entity::Employee => "employees m",
        Entity::Audit => "audit_log a",
    }
}

fn mentions(filter: &Filter, wanted: &[Field]) -> bool {
    match filter {
        Filter::Compare { field, .. }
        | Filter::In { field, .. }
        | Filter::IsNone { field, .. }
        | Filter::IsMe { field, .. } => wanted.contains(field),
        Filter::Not(inner) => mentions(inner, wanted),
        Filter::And(l, r) | Filter::Or(l, r) => mentions(l, wanted) || mentions(r, wanted),
    }
}

/// The SQL expression of a field's own value (for employee fields: the id column).
fn column(field: Field) -> &'static str {
    use Field::*;
    match field {
        ClientId => "c.id",
        ClientName => "c.full_name",
        ClientEmail => "c.email",
        ClientPhone => "c.phone",
        ClientCompany => "c.company_name",
        ClientCreated => "c.created_at",
        ClientLastContact => "c.last_contact_at",
        ClientSales => "c.sales_contact_id",
        ContractId => "k.id",
        ContractClient => "c.full_name",
        ContractSales => "c.sales_contact_id",
        ContractTotal => "k.total",
        ContractRemaining => "k.remaining",
        ContractCreated => "k.created_at",
        ContractSigned => "k.signed",
        EventId => "e.id",
        EventName => "e.name",
        EventContract => "e.contract_id",
        EventClient => "c.full_name",
        EventStart => "e.start_at",
        EventEnd => "e.end_at",
        EventSupport => "e.support_contact_id",
        EventLocation => "e.location",
        EventAttendees => "e.attendees",
        EventNotes => "e.notes",
        EmployeeId => "m.id",
        EmployeeName => "m.full_name",
        EmployeeEmail => "m.email",
        EmployeeDepartment => "m.department",
        EmployeeCreated => "m.created_at",
        EmployeeActive => "m.active",
        AuditRecord => "a.entity_id",
        AuditAt => "a.at",
        AuditActor => "a.actor_name",
        AuditAction => "a.action",
        AuditEntity => "a.entity",
    }
}

/// What `order by FIELD` sorts on: employees by name (joined in listings).
fn order_expression(field: Field) -> &'static str {
    match field {
        Field::ClientSales | Field::ContractSales => "sales.full_name",
        Field::EventSupport => "sup.full_name",
        other => column(other),
    }
}

fn primary_key(entity: Entity) -> &'static str {
    match entity {
        Entity::Client => "c.id",
        Entity::Contract => "k.id",
        Entity::Event => "e.id",
        Entity::Employee => "m.id",
        Entity::Audit => "a.id",
    }
}

/// `show ENTITY ...`. `fetch_limit` caps the rows fetched (the shell's page)
/// without changing what the user asked for.
pub fn plan_show(
    query: &Authorized<Query>,
    context: &PlanContext,
    fetch_limit: Option<u64>,
) -> Result<Plan, PlanError> {
    let (select, columns, from) = listing(query.entity);
    let mut b = Builder::new();
    b.push("SELECT ");
    b.push(select);
    b.push(" FROM ");
    b.push(from);
    if let Some(filter) = &query.filter {
        b.push(" WHERE ");
        condition(&mut b, filter, context)?;
    }
    b.push(" ORDER BY ");
    for order in &query.order {
        push_order(&mut b, order);
    }
    // The record number last: a stable order, page after page.
    b.push(primary_key(query.entity));
    let limit = match (query.limit, fetch_limit) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if let Some(limit) = limit {
        b.push(" LIMIT ");
        b.bind(Param::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
    }
    if let Some(offset) = query.offset {
        b.push(" OFFSET ");
        b.bind(Param::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
    }
    Ok(Plan {
        sql: b.sql,
        params: b.params,
        columns: columns.to_vec(),
    })
}

fn push_order(b: &mut Builder, order: &Order) {
    b.push(order_expression(order.field));
    b.push(if order.descending {
        " DESC NULLS LAST, "
    } else {
        " ASC NULLS LAST, "
    });
}

/// `show ENTITY ID`.
pub fn plan_show_one(one: &Authorized<Record>) -> Plan {
    let (select, columns, from_where) = record(one.entity);
    Plan {
        sql: format!("SELECT {select} FROM {from_where}"),
        params: vec![Param::Int(one.id)],
        columns: columns.to_vec(),
    }
}

/// `show sessions`: the live sessions (not revoked, not expired, not idle
/// longer than `idle_seconds`), never their tokens.
pub fn plan_sessions(_: &Authorized<LiveSessions>) -> Plan {
    use ColumnKind::*;
    Plan {
        // The idle limit is the database's, like every security limit.
        sql: "SELECT s.id, e.full_name, e.email, e.department, s.created_at, s.last_seen_at, s.expires_at \
              FROM user_sessions s JOIN employees e ON e.id = s.employee_id CROSS JOIN security_settings c \
              WHERE s.revoked_at IS NULL AND s.expires_at > now() \
                AND s.last_seen_at > now() - make_interval(mins => c.idle_minutes) \
              ORDER BY s.created_at, s.id"
            .to_owned(),
        params: Vec::new(),
        columns: vec![
            col("id", Id),
            col("employee", Text),
            col("email", Text),
            col("role", Text),
            col("logged_in", Timestamp),
            col("last_seen", Timestamp),
            col("expires", Timestamp),
        ],
    }
}

/// `show security`: the security limits, one row each.
pub fn plan_security(_: &Authorized<SecurityLimits>) -> Plan {
    use ColumnKind::*;
    let rows: Vec<String> = crate::model::SECURITY_SETTINGS
        .iter()
        .map(|setting| {
            // Names, meanings and ranges are constants of ours; the column comes from the same list.
            format!(
                "('{}', s.{}, '{} ({} to {})')",
                setting.name, setting.name, setting.meaning, setting.min, setting.max
            )
        })
        .collect();
    Plan {
        sql: format!(
            "SELECT v.setting, v.value, v.meaning FROM security_settings s \
             CROSS JOIN LATERAL (VALUES {}) AS v(setting, value, meaning)",
            rows.join(", ")
        ),
        params: Vec::new(),
        columns: vec![
            col("setting", Text),
            col("value", Integer),
            col("meaning", Text),
        ],
    }
}

/// `report ...`: small summaries; the shell adds bars in the terminal.
pub fn plan_report(report: &Authorized<Report>) -> Plan {
    use ColumnKind::*;
    match report.command() {
        Report::Sales => Plan {
            sql: "SELECT e.id, e.full_name, \
                    (SELECT count(*) FROM clients c WHERE c.sales_contact_id = e.id), \
                    (SELECT count(*) FROM contracts k JOIN clients c ON c.id = k.client_id WHERE c.sales_contact_id = e.id), \
                    (SELECT coalesce(sum(k.total), 0) FROM contracts k JOIN clients c ON c.id = k.client_id \
                      WHERE c.sales_contact_id = e.id AND k.signed), \
                    (SELECT coalesce(sum(k.remaining), 0) FROM contracts k JOIN clients c ON c.id = k.client_id \
                      WHERE c.sales_contact_id = e.id AND k.signed) \
                  FROM employees e WHERE e.department = 'sales' OR EXISTS \
                    (SELECT 1 FROM clients c WHERE c.sales_contact_id = e.id) \
                  ORDER BY 6 DESC, e.full_name"
                .to_owned(),
            params: Vec::new(),
            columns: vec![
                col("id", Id),
                col("salesperson", Text),
                col("clients", Id),
                col("contracts", Id),
                col("signed_total", Money),
                col("due", Money),
            ],
        },
        Report::Events => Plan {
            sql: "SELECT e.id, e.full_name, \
                    (SELECT count(*) FROM events v WHERE v.support_contact_id = e.id AND v.start_at >= now()), \
                    (SELECT count(*) FROM events v WHERE v.support_contact_id = e.id AND v.start_at >= now() \
                      AND v.start_at < now() + interval '30 days') \
                  FROM employees e WHERE e.department = 'support' AND e.active \
                  UNION ALL \
                  SELECT NULL, '(no support)', \
                    (SELECT count(*) FROM events v WHERE v.support_contact_id IS NULL AND v.start_at >= now()), \
                    (SELECT count(*) FROM events v WHERE v.support_contact_id IS NULL AND v.start_at >= now() \
                      AND v.start_at < now() + interval '30 days') \
                  ORDER BY 1 NULLS LAST"
                .to_owned(),
            params: Vec::new(),
            columns: vec![
                col("id", Id),
                col("support", Text),
                col("upcoming", Id),
                col("next_30_days", Id),
            ],
        },
        Report::Unpaid => Plan {
            sql: "SELECT k.id, c.full_name, sales.full_name, k.total, k.remaining, k.created_at \
                  FROM contracts k JOIN clients c ON c.id = k.client_id \
                  JOIN employees sales ON sales.id = c.sales_contact_id \
                  WHERE k.signed AND k.remaining > 0 ORDER BY k.created_at, k.id"
                .to_owned(),
            params: Vec::new(),
            columns: vec![
                col("id", Id),
                col("client", Text),
                col("sales", Text),
                col("total", Money),
                col("due", Money),
                col("created", Timestamp),
            ],
        },
    }
}

/// `show notifications`: the acting employee's, newest first (the
/// database's policy shows nobody else's).
pub fn plan_notifications(_: &Authorized<OwnNotifications>) -> Plan {
    use ColumnKind::*;
    Plan {
        sql: "SELECT n.id, n.created_at, n.event_id, n.message, n.read_at IS NULL \
              FROM notifications n ORDER BY n.created_at DESC, n.id DESC LIMIT 100"
            .to_owned(),
        params: Vec::new(),
        columns: vec![
            col("id", Id),
            col("at", Timestamp),
            col("event", Id),
            col("message", Text),
            col("new", Bool),
        ],
    }
}

/// Marks the acting employee's notifications read.
pub fn plan_notifications_read(_: &Authorized<MarkNotificationsRead>) -> Plan {
    Plan {
        sql: "UPDATE notifications SET read_at = now() WHERE read_at IS NULL".to_owned(),
        params: Vec::new(),
        columns: Vec::new(),
    }
}

/// `count ENTITY [where ...]`, and how many rows a listing has in all (its
/// order, limit and offset aside).
pub fn plan_count(query: &Authorized<Query>, context: &PlanContext) -> Result<Plan, PlanError> {
    let (entity, filter) = (query.entity, query.filter.as_ref());
    let mut b = Builder::new();
    b.push("SELECT count(*) FROM ");
    b.push(count_from(entity, filter));
    if let Some(filter) = filter {
        b.push(" WHERE ");
        condition(&mut b, filter, context)?;
    }
    Ok(Plan {
        sql: b.sql,
        params: b.params,
        columns: vec![col("count", ColumnKind::Id)],
    })
}

/// The plan of a read `explain` shows: a listing, one record or a count.
/// `None` for any other command, which `explain` does not take (the parser
/// refuses them after `explain`).
pub fn plan_read(
    command: Authorized<crate::syntax::Command>,
    context: &PlanContext,
) -> Option<Result<Plan, PlanError>> {
    use crate::policy::Allowed;
    match crate::policy::read_of(command)? {
        Allowed::Listing(query) => Some(plan_show(&query, context, None)),
        Allowed::Record(one) => Some(Ok(plan_show_one(&one))),
        Allowed::Count(query) => Some(plan_count(&query, context)),
        _ => None,
    }
}

/// A predicate that is true or false, never NULL.
fn condition(b: &mut Builder, filter: &Filter, context: &PlanContext) -> Result<(), PlanError> {
    match filter {
        Filter::And(left, right) | Filter::Or(left, right) => {
            b.push("(");
            condition(b, left, context)?;
            b.push(if matches!(filter, Filter::And(..)) {
                " AND "
            } else {
                " OR "
            });
            condition(b, right, context)?;
            b.push(")");
        }
        Filter::Not(inner) => {
            b.push("NOT ");
            condition(b, inner, context)?;
        }
        Filter::IsNone { field, negated } => {
            b.push("(");
            b.push(column(*field));
            b.push(if *negated {
                " IS NOT NULL)"
            } else {
                " IS NULL)"
            });
        }
        Filter::IsMe { field, negated } => {
            let me = context.me.ok_or(PlanError::MeWithoutLogin {
                field: field.name(),
            })?;
            if *negated {
                b.push("NOT ");
            }
            guarded(b, *field, |b| {
                b.push(column(*field));
                b.push(" = ");
                b.bind(Param::Int(me));
            });
        }
        Filter::In { field, values } => in_list(b, *field, values, context),
        Filter::Compare { field, op, value } => compare(b, *field, *op, value, context),
    }
    Ok(())
}

/// `(col IS NOT NULL AND <test>)` for fields that can be none, so the test
/// is never NULL; just `(<test>)` otherwise.
fn guarded(b: &mut Builder, field: Field, test: impl FnOnce(&mut Builder)) {
    b.push("(");
    if field.nullable() {
        b.push(column(field));
        b.push(" IS NOT NULL AND ");
    }
    test(b);
    b.push(")");
}

/// `%text%` for ILIKE, with the pattern characters of the text escaped.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn compare(b: &mut Builder, field: Field, op: CompareOp, value: &Value, context: &PlanContext) {
    if op == CompareOp::Ne {
        // `!=` is exactly `not =`: it includes the records where the field is none.
        b.push("NOT ");
        compare(b, field, CompareOp::Eq, value, context);
        return;
    }
    let ty = field.ty();
    if let Value::Time(time) = value {
        return compare_time(b, field, op, resolve(*time, context));
    }
    guarded(b, field, |b| match (ty, op, value) {
        (FieldType::Employee, CompareOp::Eq, Value::Integer(id)) => {
            b.push(column(field));
            b.push(" = ");
            b.bind(Param::Int(*id));
        }
        (FieldType::Employee, CompareOp::Eq, Value::Text(name)) => {
            b.push(column(field));
            b.push(" IN (SELECT id FROM employees WHERE lower(full_name) = lower(");
            b.bind(Param::Text(name.clone()));
            b.push("))");
        }
        (FieldType::Employee, _, Value::Text(name)) => {
            b.push(column(field));
            b.push(" IN (SELECT id FROM employees WHERE full_name ILIKE ");
            b.bind(Param::Text(contains_pattern(name)));
            b.push(")");
        }
        (_, CompareOp::Contains, Value::Text(text)) if trigram_search(field).is_some() => {
            let (key, function) = trigram_search(field).expect("just matched");
            // An array of ids: an index condition on the primary key.
            b.push(key);
            b.push(" = ANY (ARRAY(SELECT ");
            b.push(function);
            b.push("(");
            b.bind(Param::Text(contains_pattern(text)));
            b.push(")))");
        }
        (_, CompareOp::Contains, Value::Text(text)) => {
            b.push(column(field));
            b.push(" ILIKE ");
            b.bind(Param::Text(contains_pattern(text)));
        }
        (FieldType::Email, _, Value::Text(text)) => {
            b.push("lower(");
            b.push(column(field));
            b.push(") = lower(");
            b.bind(Param::Text(text.clone()));
            b.push(")");
        }
        (_, op, value) => {
            b.push(column(field));
            b.push(" ");
            b.push(op.symbol());
            b.push(" ");
            b.bind(scalar(value));
        }
    });
}

/// Searches with a trigram index: the client key to test and the function
/// (sql/0008) that finds the matching clients. Under row-level security a
/// plain `ILIKE` cannot use the index, so these go through the function.
fn trigram_search(field: Field) -> Option<(&'static str, &'static str)> {
    match field {
        Field::ClientName | Field::ContractClient | Field::EventClient => {
            Some(("c.id", "epic_clients_named"))
        }
        Field::ClientCompany => Some(("c.id", "epic_clients_of_company")),
        _ => None,
    }
}

fn scalar(value: &Value) -> Param {
    match value {
        Value::Text(text) => Param::Text(text.clone()),
        Value::Integer(n) => Param::Int(*n),
        Value::Money(amount) => Param::Money(*amount),
        Value::Bool(flag) => Param::Bool(*flag),
        Value::Enum(word) => Param::Text((*word).to_owned()),
        Value::Time(_) => unreachable!("times are compared by compare_time"),
    }
}

fn in_list(b: &mut Builder, field: Field, values: &[Value], _context: &PlanContext) {
    let texts: Vec<String> = values
        .iter()
        .filter_map(|v| match v {
            Value::Text(t) => Some(t.clone()),
            Value::Enum(w) => Some((*w).to_owned()),
            _ => None,
        })
        .collect();
    let ints: Vec<i64> = values
        .iter()
        .filter_map(|v| {
            if let Value::Integer(n) = v {
                Some(*n)
            } else {
                None
            }
        })
        .collect();
    let money: Vec<Decimal> = values
        .iter()
        .filter_map(|v| {
            if let Value::Money(m) = v {
                Some(*m)
            } else {
                None
            }
        })
        .collect();
    guarded(b, field, |b| match field.ty() {
        FieldType::Employee => {
            b.push(column(field));
            b.push(" IN (SELECT id FROM employees WHERE lower(full_name) = ANY(");
            b.bind(Param::TextList(
                texts.iter().map(|t| t.to_lowercase()).collect(),
            ));
            b.push(") OR id = ANY(");
            b.bind(Param::IntList(ints));
            b.push("))");
        }
        FieldType::Email => {
            b.push("lower(");
            b.push(column(field));
            b.push(") = ANY(");
            b.bind(Param::TextList(
                texts.iter().map(|t| t.to_lowercase()).collect(),
            ));
            b.push(")");
        }
        FieldType::Money => {
            b.push(column(field));
            b.push(" = ANY(");
            b.bind(Param::MoneyList(money));
            b.push(")");
        }
        FieldType::Id | FieldType::Integer => {
            b.push(column(field));
            b.push(" = ANY(");
            b.bind(Param::IntList(ints));
            b.push(")");
        }
        _ => {
            b.push(column(field));
            b.push(" = ANY(");
            b.bind(Param::TextList(texts));
            b.push(")");
        }
    });
}

/// A resolved time: an instant, or a whole local day `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    Instant(DateTime<Utc>),
    Day {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
}

fn local_instant(at: NaiveDateTime) -> DateTime<Utc> {
    match Local.from_local_datetime(&at) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        // A clock set back: the first of the two moments.
        chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        // A clock set forward skips this time: the moment an hour later exists.
        chrono::LocalResult::None => local_instant(at + chrono::Duration::hours(1)),
    }
}

fn local_day(date: NaiveDate) -> Moment {
    let start = local_instant(date.and_hms_opt(0, 0, 0).expect("midnight exists"));
    let next = date.succ_opt().unwrap_or(date);
    let end = local_instant(next.and_hms_opt(0, 0, 0).expect("midnight exists"));
    Moment::Day { start, end }
}

fn resolve(time: TimeValue, context: &PlanContext) -> Moment {
    match time {
        TimeValue::Date(date) => local_day(date),
        TimeValue::DateTime(at) => Moment::Instant(local_instant(at)),
        TimeValue::RelativeDay(days) => {
            let today = context.now.date_naive();
            local_day(today + chrono::Duration::days(i64::from(days)))
        }
        TimeValue::Now => Moment::Instant(context.now.with_timezone(&Utc)),
    }
}

/// Comparing with a day means the whole day: `start = 2023-06-04` is any
/// time that day, `start > 2023-06-04` from the next midnight on.
fn compare_time(b: &mut Builder, field: Field, op: CompareOp, moment: Moment) {
    let col = column(field);
    let one = |b: &mut Builder, symbol: &str, at: DateTime<Utc>| {
        b.push(col);
        b.push(" ");
        b.push(symbol);
        b.push(" ");
        b.bind(Param::Time(at));
    };
    b.push("(");
    match (moment, op) {
        (Moment::Instant(at), op) => one(b, op.symbol(), at),
        (Moment::Day { start, end }, CompareOp::Eq) => {
            one(b, ">=", start);
            b.push(" AND ");
            one(b, "<", end);
        }
        (Moment::Day { start, .. }, CompareOp::Lt) => one(b, "<", start),
        (Moment::Day { end, .. }, CompareOp::Le) => one(b, "<", end),
        (Moment::Day { end, .. }, CompareOp::Gt) => one(b, ">=", end),
        (Moment::Day { start, .. }, _) => one(b, ">=", start),
    }
    b.push(")");
}

/// The table and the bare column a settable field is stored in.
fn stored_column(field: Field) -> &'static str {
    use Field::*;
    match field {
        ClientSales => "sales_contact_id",
        EventSupport => "support_contact_id",
        other => column(other).rsplit('.').next().unwrap_or_default(),
    }
}

fn table(entity: Entity) -> &'static str {
    match entity {
        Entity::Client => "clients",
        Entity::Contract => "contracts",
        Entity::Event => "events",
        Entity::Employee => "employees",
        Entity::Audit => "audit_log",
    }
}

/// The bind for a stored value; employee fields arrive resolved to ids.
fn stored(
    b: &mut Builder,
    field: Field,
    value: &crate::syntax::ast::Assign,
    context: &PlanContext,
) {
    use crate::syntax::ast::Assign;
    match value {
        Assign::None => b.push("NULL"),
        Assign::Value(Value::Time(time)) => {
            let at = match resolve(*time, context) {
                Moment::Instant(at) => at,
                Moment::Day { start, .. } => start,
            };
            if field == Field::ClientLastContact {
                // A day's start may precede the first contact made that same day.
                b.push("greatest(");
                b.bind(Param::Time(at));
                b.push(", created_at)");
            } else {
                b.bind(Param::Time(at));
            }
        }
        Assign::Value(Value::Integer(n)) if field.ty() == FieldType::Integer => {
            b.bind(Param::Int(*n));
            b.push("::integer");
        }
        Assign::Value(value) => b.bind(scalar(value)),
    }
}

/// `create ...`: an INSERT returning the new id and the record as JSON.
/// `owner` is the acting employee, the owner of a new client.
/// `extra` adds columns the command does not type (an employee's password hash).
pub fn plan_create(
    create: &Authorized<Create>,
    owner: i64,
    context: &PlanContext,
    extra: Vec<(&'static str, Param)>,
) -> Plan {
    let given = |field: Field| {
        create
            .values
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v)
    };
    // (column, value) pairs: implied ones first, then those typed.
    let mut pairs: Vec<(&'static str, Field, Assign)> = Vec::new();
    match create.entity {
        Entity::Client if given(Field::ClientSales).is_none() => {
            pairs.push((
                "sales_contact_id",
                Field::ClientSales,
                Assign::Value(Value::Integer(owner)),
            ));
        }
        Entity::Contract => {
            let client = create.parent.unwrap_or_default();
            pairs.push((
                "client_id",
                Field::ContractId,
                Assign::Value(Value::Integer(client)),
            ));
            // A new contract is owed in full unless told otherwise.
            if let (None, Some(total)) =
                (given(Field::ContractRemaining), given(Field::ContractTotal))
            {
                pairs.push(("remaining", Field::ContractRemaining, total.clone()));
            }
        }
        Entity::Event => {
            let contract = create.parent.unwrap_or_default();
            pairs.push((
                "contract_id",
                Field::EventContract,
                Assign::Value(Value::Integer(contract)),
            ));
        }
        _ => {}
    }
    for (field, value) in &create.values {
        pairs.push((stored_column(*field), *field, value.clone()));
    }
    let mut b = Builder::new();
    b.push("INSERT INTO ");
    b.push(table(create.entity));
    b.push(" (");
    let names: Vec<&str> = pairs
        .iter()
        .map(|(column, _, _)| *column)
        .chain(extra.iter().map(|(column, _)| *column))
        .collect();
    b.push(&names.join(", "));
    b.push(") VALUES (");
    for (index, (_, field, value)) in pairs.iter().enumerate() {
        if index > 0 {
            b.push(", ");
        }
        stored(&mut b, *field, value, context);
    }
    for (_, param) in extra {
        b.push(", ");
        b.bind(param);
    }
    if create.entity == Entity::Client {
        // A client's email is taken once: the shell names who has it.
        b.push(") ON CONFLICT ((lower(email))) DO NOTHING");
    } else {
        b.push(")");
    }
    // The database audits the new record (a trigger, in the actor's name).
    b.push(" RETURNING id");
    Plan {
        sql: b.sql,
        params: b.params,
        columns: Vec::new(),
    }
}

/// `update ENTITY ID set ...`: an UPDATE returning the id.
pub fn plan_update(update: &Authorized<Update>, context: &PlanContext) -> Plan {
    let Update { entity, id, set } = update.command();
    let (entity, id) = (*entity, *id);
    let name = table(entity);
    let mut b = Builder::new();
    b.push("UPDATE ");
    b.push(name);
    b.push(" SET updated_at = now()");
    if entity == Entity::Client
        && !set.iter().any(|(f, _)| *f == Field::ClientLastContact)
        && set.iter().any(|(f, _)| *f != Field::ClientSales)
    {
        // Updating a client's details is contact with them; reassigning them is not.
        b.push(", last_contact_at = now()");
    }
    for (field, value) in set {
        b.push(", ");
        b.push(stored_column(*field));
        b.push(" = ");
        stored(&mut b, *field, value, context);
    }
    b.push(" WHERE id = ");
    b.bind(Param::Int(id));
    // The database audits the record before and after (a trigger).
    b.push(" RETURNING id");
    Plan {
        sql: b.sql,
        params: b.params,
        columns: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::assume_allowed;
    use crate::syntax::{Command, parse};

    fn context() -> PlanContext {
        PlanContext {
            me: Some(7),
            now: Local
                .with_ymd_and_hms(2023, 6, 1, 12, 0, 0)
                .single()
                .expect("a clear local time"),
        }
    }

    fn sql(input: &str) -> (String, Vec<Param>) {
        let plan = match parse(input).expect("parses") {
            Command::Show(query) => {
                plan_show(&assume_allowed(query), &context(), None).expect("plans")
            }
            Command::Count { entity, filter } => {
                let query = Query {
                    entity,
                    filter,
                    order: Vec::new(),
                    limit: None,
                    offset: None,
                };
                plan_count(&assume_allowed(query), &context()).expect("plans")
            }
            other => panic!("not a read: {other}"),
        };
        (plan.sql, plan.params)
    }

    #[test]
    fn daily_filters_compile_to_parameterised_predicates() {
        let (text, params) = sql("show events where support is none");
        assert!(
            text.ends_with("WHERE (e.support_contact_id IS NULL) ORDER BY e.id"),
            "{text}"
        );
        assert!(params.is_empty());

        let (text, params) = sql("show events where support is me");
        assert!(
            text.contains(
                "WHERE (e.support_contact_id IS NOT NULL AND e.support_contact_id = $1::bigint)"
            ),
            "{text}"
        );
        assert_eq!(params, vec![Param::Int(7)]);

        let (text, params) = sql("count contracts where signed = false");
        assert_eq!(
            text,
            "SELECT count(*) FROM contracts k WHERE (k.signed = $1::boolean)"
        );
        assert_eq!(params, vec![Param::Bool(false)]);
    }

    #[test]
    fn not_equal_includes_none_and_not_is_the_exact_complement() {
        let (text, _) = sql("count events where support != \"Kate Hastroff\"");
        assert_eq!(
            text,
            "SELECT count(*) FROM events e WHERE NOT (e.support_contact_id IS NOT NULL AND e.support_contact_id IN \
             (SELECT id FROM employees WHERE lower(full_name) = lower($1::text)))"
        );
    }

    #[test]
    fn contains_escapes_like_wildcards_in_the_parameter() {
        let (text, params) = sql(r#"show clients where company ~ "100%_sure""#);
        assert!(
            text.contains("c.id = ANY (ARRAY(SELECT epic_clients_of_company($1::text)))"),
            "{text}"
        );
        assert_eq!(params, vec![Param::Text(r"%100\%\_sure%".into())]);
        let (text, params) = sql(r#"show events where location ~ "50%""#);
        assert!(text.contains("e.location ILIKE $1::text"), "{text}");
        assert_eq!(params, vec![Param::Text(r"%50\%%".into())]);
    }

    #[test]
    fn a_day_means_the_whole_day_in_local_time() {
        let (text, params) = sql("count events where start = 2023-06-04");
        assert_eq!(
            text,
            "SELECT count(*) FROM events e WHERE (e.start_at >= $1::timestamptz AND e.start_at < $2::timestamptz)"
        );
        let day = |d: u32| {
            Local
                .with_ymd_and_hms(2023, 6, d, 0, 0, 0)
                .single()
                .expect("a local midnight")
        };
        assert_eq!(
            params,
            vec![
                Param::Time(day(4).with_timezone(&Utc)),
                Param::Time(day(5).with_timezone(&Utc))
            ]
        );
        let (_, params) = sql("count events where start > today+2d");
        assert_eq!(params, vec![Param::Time(day(4).with_timezone(&Utc))]);
    }

    #[test]
    fn counts_join_only_what_their_condition_needs() {
        let (text, _) = sql("count events where client ~ \"Ouick\"");
        assert!(
            text.starts_with("SELECT count(*) FROM events e JOIN contracts k"),
            "{text}"
        );
        let (text, _) = sql("count contracts where remaining > 0");
        assert!(
            text.starts_with("SELECT count(*) FROM contracts k WHERE"),
            "{text}"
        );
    }

    #[test]
    fn is_me_without_a_login_is_a_clear_error() {
        let Ok(Command::Show(query)) = parse("show events where support is me") else {
            panic!("parses")
        };
        let context = PlanContext {
            me: None,
            ..context()
        };
        let error = plan_show(&assume_allowed(query.clone()), &context, None)
            .expect_err("nobody is logged in");
        assert_eq!(error.exit(), Exit::NotLoggedIn);
    }

    #[test]
    fn the_page_caps_the_limit_without_raising_it() {
        let Ok(Command::Show(query)) = parse("show events limit 5") else {
            panic!("parses")
        };
        let plan = plan_show(&assume_allowed(query.clone()), &context(), Some(101)).expect("plans");
        assert_eq!(plan.params, vec![Param::Int(5)]);
        let Ok(Command::Show(query)) = parse("show events") else {
            panic!("parses")
        };
        let plan = plan_show(&assume_allowed(query.clone()), &context(), Some(101)).expect("plans");
        assert_eq!(plan.params, vec![Param::Int(101)]);
    }
}

//! The data model as the language sees it: the entities, their fields, and
//! each field's type. The type decides which operators and values a
//! condition may use, so a bad value is refused while parsing, with a
//! position, instead of by the database.
//!
//! Fields are a closed enum: the SQL for each lives in `plan`, reached by an
//! exhaustive `match`, so no identifier ever comes from user text. Every
//! other fact about a field is its row in [`spec`]: a [`FieldSpec`].

use std::fmt;

use rust_decimal::Decimal;

pub mod sheet;
mod spec;

pub use spec::{
    AUDIT, CLIENT, CONTRACT, EMPLOYEE, EVENT, FieldSpec, Guarded, Limit, Lines, MAX_EMAIL_BYTES,
    MAX_NAME_CHARS, MAX_PHONE_DIGITS, MIN_PHONE_DIGITS, MONEY_PRECISION, MONEY_SCALE, Write,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Client,
    Contract,
    Event,
    Employee,
    /// The audit trail (read-only; management and admins).
    Audit,
}

impl Entity {
    pub const ALL: [Entity; 5] = [
        Entity::Client,
        Entity::Contract,
        Entity::Event,
        Entity::Employee,
        Entity::Audit,
    ];

    pub fn singular(self) -> &'static str {
        match self {
            Entity::Client => "client",
            Entity::Contract => "contract",
            Entity::Event => "event",
            Entity::Employee => "employee",
            Entity::Audit => "audit",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Entity::Client => "clients",
            Entity::Contract => "contracts",
            Entity::Event => "events",
            Entity::Employee => "employees",
            Entity::Audit => "audit",
        }
    }

    /// Accepts the singular and the plural, in any case.
    pub fn from_name(name: &str) -> Option<Entity> {
        let name = name.to_lowercase();
        Entity::ALL
            .into_iter()
            .find(|e| e.singular() == name || e.plural() == name)
    }

    /// Every entity name a user may type, for suggestions and completion.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Entity::ALL
            .into_iter()
            .flat_map(|e| [e.plural(), e.singular()])
    }

    /// The fields a condition or an ordering may name, in display order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Entity::Client => &spec::CLIENT_FIELDS,
            Entity::Contract => &spec::CONTRACT_FIELDS,
            Entity::Event => &spec::EVENT_FIELDS,
            Entity::Employee => &spec::EMPLOYEE_FIELDS,
            Entity::Audit => &spec::AUDIT_FIELDS,
        }
    }

    /// Each field's row ([`FieldSpec`]), in display order.
    pub fn specs(self) -> &'static [FieldSpec] {
        spec::table(self)
    }

    /// The fields a write may set on `entity`, in display order (record
    /// numbers, creation times and names reached through relations are
    /// not set directly).
    pub fn settable(self) -> impl Iterator<Item = Field> + Clone {
        self.specs()
            .iter()
            .filter(|s| s.write != Write::Never)
            .map(|s| s.field)
    }

    /// The fields every `create` of `entity` gives, in display order.
    pub fn required_on_create(self) -> impl Iterator<Item = Field> + Clone {
        self.specs()
            .iter()
            .filter(|s| s.write == Write::RequiredOnCreate)
            .map(|s| s.field)
    }

    pub fn field(self, name: &str) -> Option<Field> {
        let name = name.to_lowercase();
        self.fields().iter().copied().find(|f| f.name() == name)
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.plural())
    }
}

/// The largest amount the money columns hold: 999999999999.99.
pub fn money_max() -> Decimal {
    Decimal::from_i128_with_scale(10_i128.pow(MONEY_PRECISION) - 1, MONEY_SCALE)
}

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A record number.
    Id,
    Text,
    Email,
    Phone,
    /// Exact, at most two decimals, never negative.
    Money,
    Integer,
    Boolean,
    /// A moment, with a time zone.
    Timestamp,
    /// An employee, named by full name or id; `me` is the logged-in one.
    Employee,
    /// One word of a fixed list.
    Enum(&'static [&'static str]),
}

pub const DEPARTMENTS: &[&str] = &["management", "sales", "support", "admin"];

/// An employee's department, which is their one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Management,
    Sales,
    Support,
    Admin,
}

impl Role {
    pub fn from_department(department: &str) -> Option<Role> {
        match department {
            "management" => Some(Role::Management),
            "sales" => Some(Role::Sales),
            "support" => Some(Role::Support),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Management => "management",
            Role::Sales => "sales",
            Role::Support => "support",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FieldType {
    pub fn describe(self) -> &'static str {
        match self {
            FieldType::Id => "a record number",
            FieldType::Text => "text",
            FieldType::Email => "an email address",
            FieldType::Phone => "a phone number",
            FieldType::Money => "an amount of money",
            FieldType::Integer => "a whole number",
            FieldType::Boolean => "true or false",
            FieldType::Timestamp => "a date or a date and time",
            FieldType::Employee => "an employee",
            FieldType::Enum(choices) if choices == AUDITED => "a kind of record",
            FieldType::Enum(_) => "a department",
        }
    }

    /// The comparison operators this type accepts (`is none`, `is me` and `in` aside).
    pub fn operators(self) -> &'static [CompareOp] {
        use CompareOp::*;
        match self {
            FieldType::Id | FieldType::Money | FieldType::Integer | FieldType::Timestamp => {
                &[Eq, Ne, Lt, Le, Gt, Ge]
            }
            FieldType::Text | FieldType::Email | FieldType::Phone | FieldType::Employee => {
                &[Eq, Ne, Contains]
            }
            FieldType::Boolean | FieldType::Enum(_) => &[Eq, Ne],
        }
    }

    /// Whether `in (a, b, ...)` applies.
    pub fn accepts_in(self) -> bool {
        !matches!(self, FieldType::Boolean | FieldType::Timestamp)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `~`: contains, ignoring case.
    Contains,
}

impl CompareOp {
    pub const ALL: [CompareOp; 7] = [
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Lt,
        CompareOp::Le,
        CompareOp::Gt,
        CompareOp::Ge,
        CompareOp::Contains,
    ];

    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Contains => "~",
        }
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Every field of every entity. Variant names say whose field it is; the
/// name users type is [`Field::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    ClientId,
    ClientName,
    ClientEmail,
    ClientPhone,
    ClientCompany,
    ClientCreated,
    ClientLastContact,
    ClientSales,
    ContractId,
    ContractClient,
    ContractSales,
    ContractTotal,
    ContractRemaining,
    ContractCreated,
    ContractSigned,
    EventId,
    EventName,
    EventContract,
    EventClient,
    EventStart,
    EventEnd,
    EventSupport,
    EventLocation,
    EventAttendees,
    EventNotes,
    EmployeeId,
    EmployeeName,
    EmployeeEmail,
    EmployeeDepartment,
    EmployeeCreated,
    EmployeeActive,
    /// An audit entry's own number.
    AuditId,
    /// The id of the record an audit entry is about.
    AuditRecord,
    AuditAt,
    AuditActor,
    AuditAction,
    AuditEntity,
}

pub const AUDITED: &[&str] = &["employee", "client", "contract", "event", "session"];

impl Field {
    /// The related record a field shows by name, which a filter may also
    /// name by its id (`show contracts where client = 304`).
    pub fn names_a_record(self) -> Option<Entity> {
        match self {
            Field::ContractClient | Field::EventClient => Some(Entity::Client),
            _ => None,
        }
    }

    /// The department an employee this field names must be in (the
    /// schema's `check_employee_department` triggers: a client's sales contact is in sales,
    /// an event's support contact in support), for suggesting names.
    pub fn department(self) -> Option<Role> {
        match self {
            Field::ClientSales | Field::ContractSales => Some(Role::Sales),
            Field::EventSupport => Some(Role::Support),
            _ => None,
        }
    }

    /// The field's row: every fact about it.
    pub fn spec(self) -> &'static FieldSpec {
        spec::BY_FIELD[self as usize].1
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn ty(self) -> FieldType {
        self.spec().ty
    }

    /// Whether the field can be none (so `is none` makes sense).
    pub fn nullable(self) -> bool {
        self.spec().nullable
    }

    /// Whether the field's text may span lines (newlines and tabs are
    /// refused everywhere else: `validate::refused`). Only an event's notes
    /// may: a name, an email or a location is one line in every listing.
    pub fn lines(self) -> Lines {
        self.spec().lines
    }

    pub fn entity(self) -> Entity {
        spec::BY_FIELD[self as usize].0
    }

    /// The most characters the field's text holds, when its row limits them.
    pub fn max_chars(self) -> Option<usize> {
        match self.spec().limit {
            Limit::Chars { max, .. } | Limit::Bytes(max) => Some(max),
            _ => None,
        }
    }

    /// The whole numbers the field holds, when its row limits them.
    pub fn range(self) -> Option<(i64, i64)> {
        match self.spec().limit {
            Limit::Range { min, max } => Some((min, max)),
            _ => None,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_belongs_to_exactly_one_entity_and_names_are_unique_within_it() {
        for entity in Entity::ALL {
            let names: Vec<&str> = entity.fields().iter().map(|f| f.name()).collect();
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{entity}");
            assert_eq!(entity.fields()[0].name(), "id", "{entity}: id comes first");
            for field in entity.fields() {
                assert_eq!(field.entity(), entity);
            }
        }
    }

    #[test]
    fn the_money_limit_is_the_columns_numeric_14_2() {
        assert_eq!(money_max().to_string(), "999999999999.99");
        let schema = include_str!("../sql/0001_core.sql");
        assert!(
            schema.contains(&format!("numeric({MONEY_PRECISION},{MONEY_SCALE})")),
            "the money columns changed type"
        );
    }

    #[test]
    fn the_issue_field_names_exist() {
        let expected = [
            (
                Entity::Client,
                "name email phone company created last_contact sales",
            ),
            (
                Entity::Contract,
                "client sales total remaining created signed",
            ),
            (
                Entity::Event,
                "name contract client start end support location attendees notes",
            ),
            (Entity::Employee, "name email department created active"),
        ];
        for (entity, names) in expected {
            for name in names.split_whitespace() {
                assert!(entity.field(name).is_some(), "{entity} lacks {name}");
            }
        }
        assert_eq!(Entity::from_name("Events"), Some(Entity::Event));
        assert_eq!(Entity::from_name("event"), Some(Entity::Event));
    }

    fn names(fields: impl Iterator<Item = Field>) -> String {
        fields.map(Field::name).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn writes_set_and_creates_require_the_fields_they_always_have() {
        let expected = [
            (
                Entity::Client,
                "name email phone company last_contact sales",
                "name email",
            ),
            (Entity::Contract, "total remaining signed", "total"),
            (
                Entity::Event,
                "name contract start end support location attendees notes",
                "name start end",
            ),
            (
                Entity::Employee,
                "name email department active",
                "name email department",
            ),
            (Entity::Audit, "", ""),
        ];
        for (entity, settable, required) in expected {
            assert_eq!(names(entity.settable()), settable, "{entity}");
            assert_eq!(names(entity.required_on_create()), required, "{entity}");
        }
    }

    #[test]
    fn each_row_is_its_own_fields_and_settable_fields_are_stored() {
        for entity in Entity::ALL {
            for (spec, field) in entity.specs().iter().zip(entity.fields()) {
                assert_eq!(spec.field, *field);
                assert_eq!(field.spec(), spec);
                assert!(
                    spec.write == Write::Never || spec.stored.is_some(),
                    "{field:?} is set but stored nowhere"
                );
                let text = matches!(
                    spec.ty,
                    FieldType::Text | FieldType::Email | FieldType::Phone
                );
                assert!(text || spec.lines == Lines::One, "{field:?}");
            }
        }
    }

    #[test]
    fn the_guarded_fields_are_the_owners_contracts_and_a_clients_details() {
        for entity in Entity::ALL {
            for field in entity.fields() {
                let expected = match field {
                    Field::ClientSales => Some(Guarded::ClientOwner),
                    Field::EventContract => Some(Guarded::EventContract),
                    Field::EventSupport => Some(Guarded::EventSupport),
                    _ if entity == Entity::Client && field.spec().write != Write::Never => {
                        Some(Guarded::ClientDetails)
                    }
                    _ => None,
                };
                assert_eq!(field.spec().guard, expected, "{field:?}");
            }
        }
    }
}

/// A security limit, kept in the database (`security_settings`) and changed
/// by admins with `set security NAME = VALUE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecuritySetting {
    pub name: &'static str,
    pub meaning: &'static str,
    pub min: i32,
    pub max: i32,
}

/// Every security setting, with the range the database's CHECK allows.
pub const SECURITY_SETTINGS: &[SecuritySetting] = &[
    SecuritySetting {
        name: "session_hours",
        meaning: "hours a session lasts after login",
        min: 1,
        max: 720,
    },
    SecuritySetting {
        name: "idle_minutes",
        meaning: "minutes without a command that end a session",
        min: 1,
        max: 10080,
    },
    SecuritySetting {
        name: "login_max_failures",
        meaning: "failed logins for one email that lock it",
        min: 1,
        max: 100,
    },
    SecuritySetting {
        name: "login_window_minutes",
        meaning: "minutes within which those failures count",
        min: 1,
        max: 10080,
    },
    SecuritySetting {
        name: "login_cooldown_minutes",
        meaning: "minutes a locked email stays locked",
        min: 1,
        max: 10080,
    },
    SecuritySetting {
        name: "bcrypt_cost",
        meaning: "bcrypt cost of new password hashes",
        min: 4,
        max: 31,
    },
    SecuritySetting {
        name: "login_address_max_failures",
        meaning: "failed logins from one address, within the window, that hold it back",
        min: 1,
        max: 100000,
    },
    SecuritySetting {
        name: "login_server_max_failures_per_minute",
        meaning: "failed logins in a minute, all addresses, that pause logins for a minute",
        min: 1,
        max: 100000,
    },
];

pub fn security_setting(name: &str) -> Option<&'static SecuritySetting> {
    SECURITY_SETTINGS.iter().find(|s| s.name == name)
}

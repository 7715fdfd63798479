//! Each field's facts in one row: the name users type, its type, whether it
//! can be none, whether and when a write sets it, the rule that guards it,
//! the column it is stored in, the limit its column's CHECK sets, and
//! whether its text may span lines. The parser, `validate`, the checker and
//! the accessors on [`Field`] read these rows; nothing else says them.
//!
//! One table per entity, in display order (a listing's columns, a
//! condition's fields); [`Entity::fields`] is each table's first column.
//! `BY_FIELD` finds a field's row at once, and is built while compiling:
//! a field without a row, or with two, does not build.

use super::{AUDITED, DEPARTMENTS, Entity, Field, FieldType};

/// Whether, and when, a write may set a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Never set directly: a record number, a creation time, a name reached
    /// through a relation, or the audit trail, which only grows.
    Never,
    /// Set by `create` or `update`, or left to its default.
    Optional,
    /// Set by `update`, and given by every `create`.
    RequiredOnCreate,
}

/// Fields, and facts about the record, that carry a rule of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Guarded {
    /// A client's sales contact (reassigning the client).
    ClientOwner,
    /// Any other field of a client: its details, the sales contact's to
    /// change. Only an existing client has details: a create touches none.
    ClientDetails,
    /// An event's contract.
    EventContract,
    /// An event's support contact (assigning support).
    EventSupport,
    /// An admin account: creating one, changing or removing one, resetting
    /// its password, or moving anyone into or out of the admin department.
    /// A fact of the record and the value set, not of a field.
    AdminAccount,
    /// One's own account, deactivated, deleted or moved to another
    /// department. A fact of the record, not of a field.
    OwnAccount,
}

/// Whether a text may span lines: only an event's notes may, so only they
/// may hold a newline or a tab (`validate::refused`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// What the CHECK constraint of a field's column allows (tests/schema.rs
/// compares each row with the migrated database). The parser refuses a
/// value past a [`Limit::Range`] or [`Limit::Money`] limit; `validate`
/// refuses names, emails and phones past theirs; the database refuses the
/// rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    None,
    /// `min` to `max` characters.
    Chars {
        min: usize,
        max: usize,
    },
    /// At most this many bytes (the column counts characters, of which
    /// there are never more than bytes).
    Bytes(usize),
    /// `min` to `max` digits, among the other characters a phone allows.
    Digits {
        min: usize,
        max: usize,
    },
    /// A whole number from `min` to `max`.
    Range {
        min: i64,
        max: i64,
    },
    /// `numeric(precision, scale)`, never negative.
    Money {
        precision: u32,
        scale: u32,
    },
}

/// Amounts are stored as `numeric(14, 2)` (sql/0001_core.sql): 14 digits,
/// two of them after the point. The parser refuses an amount to store that
/// does not fit, with a caret, instead of leaving it to the database.
pub const MONEY_PRECISION: u32 = 14;
/// Digits after the point: amounts are exact to the cent.
pub const MONEY_SCALE: u32 = 2;
/// The longest email, in bytes.
pub const MAX_EMAIL_BYTES: usize = 254;
/// The longest name of a person, in characters.
pub const MAX_NAME_CHARS: usize = 120;
/// The fewest digits of a phone number.
pub const MIN_PHONE_DIGITS: usize = 6;
/// The most digits of a phone number.
pub const MAX_PHONE_DIGITS: usize = 20;

const NAME: Limit = Limit::Chars {
    min: 1,
    max: MAX_NAME_CHARS,
};
const EMAIL: Limit = Limit::Bytes(MAX_EMAIL_BYTES);
const PHONE: Limit = Limit::Digits {
    min: MIN_PHONE_DIGITS,
    max: MAX_PHONE_DIGITS,
};
const MONEY: Limit = Limit::Money {
    precision: MONEY_PRECISION,
    scale: MONEY_SCALE,
};
const ATTENDEES: Limit = Limit::Range {
    min: 0,
    max: 100_000,
};

/// One field's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub field: Field,
    /// The name users type (unique within its entity).
    pub name: &'static str,
    pub ty: FieldType,
    /// Whether the field can be none (so `is none` makes sense).
    pub nullable: bool,
    pub write: Write,
    /// The rule setting it is subject to, if any.
    pub guard: Option<Guarded>,
    /// The bare column of the entity's own table it is stored in (for an
    /// employee, the id); `None` for a value read through a relation.
    pub stored: Option<&'static str>,
    pub limit: Limit,
    pub lines: Lines,
}

use Field::*;
use FieldType::{Boolean, Email, Enum, Id, Integer, Money, Phone, Text, Timestamp};
use Guarded::{ClientDetails, ClientOwner};
use Lines::{Many, One};
use Write::{Never, Optional, RequiredOnCreate as Required};

const NO: Limit = Limit::None;

#[rustfmt::skip]
pub const CLIENT: &[FieldSpec] = &[
    FieldSpec { field: ClientId,          name: "id",           ty: Id,                       nullable: false, write: Never,    guard: None,                          stored: Some("id"),               limit: NO,    lines: One },
    FieldSpec { field: ClientName,        name: "name",         ty: Text,                     nullable: false, write: Required, guard: Some(ClientDetails),         stored: Some("full_name"),        limit: NAME,  lines: One },
    FieldSpec { field: ClientEmail,       name: "email",        ty: Email,                    nullable: false, write: Required, guard: Some(ClientDetails),         stored: Some("email"),            limit: EMAIL, lines: One },
    FieldSpec { field: ClientPhone,       name: "phone",        ty: Phone,                    nullable: true,  write: Optional, guard: Some(ClientDetails),         stored: Some("phone"),            limit: PHONE, lines: One },
    FieldSpec { field: ClientCompany,     name: "company",      ty: Text,                     nullable: true,  write: Optional, guard: Some(ClientDetails),         stored: Some("company_name"),     limit: Limit::Chars { min: 1, max: 200 }, lines: One },
    FieldSpec { field: ClientCreated,     name: "created",      ty: Timestamp,                nullable: false, write: Never,    guard: None,                          stored: Some("created_at"),       limit: NO,    lines: One },
    FieldSpec { field: ClientLastContact, name: "last_contact", ty: Timestamp,                nullable: false, write: Optional, guard: Some(ClientDetails),         stored: Some("last_contact_at"),  limit: NO,    lines: One },
    FieldSpec { field: ClientSales,       name: "sales",        ty: FieldType::Employee,      nullable: false, write: Optional, guard: Some(ClientOwner),           stored: Some("sales_contact_id"), limit: NO,    lines: One },
];

#[rustfmt::skip]
pub const CONTRACT: &[FieldSpec] = &[
    FieldSpec { field: ContractId,        name: "id",           ty: Id,                       nullable: false, write: Never,    guard: None,                          stored: Some("id"),               limit: NO,    lines: One },
    FieldSpec { field: ContractClient,    name: "client",       ty: Text,                     nullable: false, write: Never,    guard: None,                          stored: None,                     limit: NO,    lines: One },
    FieldSpec { field: ContractSales,     name: "sales",        ty: FieldType::Employee,      nullable: false, write: Never,    guard: None,                          stored: None,                     limit: NO,    lines: One },
    FieldSpec { field: ContractTotal,     name: "total",        ty: Money,                    nullable: false, write: Required, guard: None,                          stored: Some("total"),            limit: MONEY, lines: One },
    FieldSpec { field: ContractRemaining, name: "remaining",    ty: Money,                    nullable: false, write: Optional, guard: None,                          stored: Some("remaining"),        limit: MONEY, lines: One },
    FieldSpec { field: ContractCreated,   name: "created",      ty: Timestamp,                nullable: false, write: Never,    guard: None,                          stored: Some("created_at"),       limit: NO,    lines: One },
    FieldSpec { field: ContractSigned,    name: "signed",       ty: Boolean,                  nullable: false, write: Optional, guard: None,                          stored: Some("signed"),           limit: NO,    lines: One },
];

#[rustfmt::skip]
pub const EVENT: &[FieldSpec] = &[
    FieldSpec { field: EventId,           name: "id",           ty: Id,                       nullable: false, write: Never,    guard: None,                          stored: Some("id"),               limit: NO,    lines: One },
    FieldSpec { field: EventName,         name: "name",         ty: Text,                     nullable: false, write: Required, guard: None,                          stored: Some("name"),             limit: Limit::Chars { min: 1, max: 200 }, lines: One },
    FieldSpec { field: EventContract,     name: "contract",     ty: Id,                       nullable: false, write: Optional, guard: Some(Guarded::EventContract), stored: Some("contract_id"),      limit: NO,    lines: One },
    FieldSpec { field: EventClient,       name: "client",       ty: Text,                     nullable: false, write: Never,    guard: None,                          stored: None,                     limit: NO,    lines: One },
    FieldSpec { field: EventStart,        name: "start",        ty: Timestamp,                nullable: false, write: Required, guard: None,                          stored: Some("start_at"),         limit: NO,    lines: One },
    FieldSpec { field: EventEnd,          name: "end",          ty: Timestamp,                nullable: false, write: Required, guard: None,                          stored: Some("end_at"),           limit: NO,    lines: One },
    FieldSpec { field: EventSupport,      name: "support",      ty: FieldType::Employee,      nullable: true,  write: Optional, guard: Some(Guarded::EventSupport),  stored: Some("support_contact_id"), limit: NO,  lines: One },
    FieldSpec { field: EventLocation,     name: "location",     ty: Text,                     nullable: true,  write: Optional, guard: None,                          stored: Some("location"),         limit: Limit::Chars { min: 0, max: 300 }, lines: One },
    FieldSpec { field: EventAttendees,    name: "attendees",    ty: Integer,                  nullable: false, write: Optional, guard: None,                          stored: Some("attendees"),        limit: ATTENDEES, lines: One },
    FieldSpec { field: EventNotes,        name: "notes",        ty: Text,                     nullable: true,  write: Optional, guard: None,                          stored: Some("notes"),            limit: Limit::Chars { min: 0, max: 5000 }, lines: Many },
];

#[rustfmt::skip]
pub const EMPLOYEE: &[FieldSpec] = &[
    FieldSpec { field: EmployeeId,         name: "id",          ty: Id,                       nullable: false, write: Never,    guard: None,                          stored: Some("id"),               limit: NO,    lines: One },
    FieldSpec { field: EmployeeName,       name: "name",        ty: Text,                     nullable: false, write: Required, guard: None,                          stored: Some("full_name"),        limit: NAME,  lines: One },
    FieldSpec { field: EmployeeEmail,      name: "email",       ty: Email,                    nullable: false, write: Required, guard: None,                          stored: Some("email"),            limit: EMAIL, lines: One },
    FieldSpec { field: EmployeeDepartment, name: "department",  ty: Enum(DEPARTMENTS),        nullable: false, write: Required, guard: None,                          stored: Some("department"),       limit: NO,    lines: One },
    FieldSpec { field: EmployeeCreated,    name: "created",     ty: Timestamp,                nullable: false, write: Never,    guard: None,                          stored: Some("created_at"),       limit: NO,    lines: One },
    FieldSpec { field: EmployeeActive,     name: "active",      ty: Boolean,                  nullable: false, write: Optional, guard: None,                          stored: Some("active"),           limit: NO,    lines: One },
];

#[rustfmt::skip]
pub const AUDIT: &[FieldSpec] = &[
    FieldSpec { field: AuditId,            name: "id",          ty: Id,                       nullable: false, write: Never,    guard: None,                          stored: Some("id"),               limit: NO,    lines: One },
    FieldSpec { field: AuditAt,            name: "at",          ty: Timestamp,                nullable: false, write: Never,    guard: None,                          stored: Some("at"),               limit: NO,    lines: One },
    FieldSpec { field: AuditActor,         name: "actor",       ty: Text,                     nullable: true,  write: Never,    guard: None,                          stored: Some("actor_name"),       limit: NO,    lines: One },
    FieldSpec { field: AuditAction,        name: "action",      ty: Text,                     nullable: false, write: Never,    guard: None,                          stored: Some("action"),           limit: Limit::Chars { min: 1, max: 60 }, lines: One },
    FieldSpec { field: AuditEntity,        name: "entity",      ty: Enum(AUDITED),            nullable: true,  write: Never,    guard: None,                          stored: Some("entity"),           limit: NO,    lines: One },
    FieldSpec { field: AuditRecord,        name: "record",      ty: Id,                       nullable: true,  write: Never,    guard: None,                          stored: Some("entity_id"),        limit: NO,    lines: One },
];

/// The table of `entity`'s fields.
pub(super) const fn table(entity: Entity) -> &'static [FieldSpec] {
    match entity {
        Entity::Client => CLIENT,
        Entity::Contract => CONTRACT,
        Entity::Event => EVENT,
        Entity::Employee => EMPLOYEE,
        Entity::Audit => AUDIT,
    }
}

/// A table's first column: its fields, in order.
const fn fields_of<const N: usize>(specs: &[FieldSpec]) -> [Field; N] {
    let mut fields = [ClientId; N];
    let mut i = 0;
    while i < N {
        fields[i] = specs[i].field;
        i += 1;
    }
    fields
}

pub(super) const CLIENT_FIELDS: [Field; CLIENT.len()] = fields_of(CLIENT);
pub(super) const CONTRACT_FIELDS: [Field; CONTRACT.len()] = fields_of(CONTRACT);
pub(super) const EVENT_FIELDS: [Field; EVENT.len()] = fields_of(EVENT);
pub(super) const EMPLOYEE_FIELDS: [Field; EMPLOYEE.len()] = fields_of(EMPLOYEE);
pub(super) const AUDIT_FIELDS: [Field; AUDIT.len()] = fields_of(AUDIT);

const FIELD_COUNT: usize = AuditEntity as usize + 1;

/// Each field's row and entity, by `field as usize`.
pub(super) const BY_FIELD: [(Entity, &FieldSpec); FIELD_COUNT] = by_field();

const fn by_field() -> [(Entity, &'static FieldSpec); FIELD_COUNT] {
    let mut found: [Option<(Entity, &'static FieldSpec)>; FIELD_COUNT] = [None; FIELD_COUNT];
    let mut e = 0;
    while e < Entity::ALL.len() {
        let entity = Entity::ALL[e];
        let specs = table(entity);
        let mut i = 0;
        while i < specs.len() {
            let at = specs[i].field as usize;
            assert!(found[at].is_none(), "a field has two rows");
            found[at] = Some((entity, &specs[i]));
            i += 1;
        }
        e += 1;
    }
    let mut rows = [(Entity::Client, &CLIENT[0]); FIELD_COUNT];
    let mut at = 0;
    while at < FIELD_COUNT {
        match found[at] {
            Some(row) => rows[at] = row,
            None => panic!("a field has no row"),
        }
        at += 1;
    }
    rows
}

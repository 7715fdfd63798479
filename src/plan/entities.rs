//! Each entity's table as data, written once: its name, alias and key, the
//! tables joined to it, its listing and record columns (each with its own
//! SQL expression) and the columns the loaders write. [`super::derived`]
//! builds the statements from these; each field's column is here too.

use std::sync::LazyLock;

use super::*;

/// Everything the SQL of one entity is made of.
#[derive(Debug)]
pub(crate) struct EntityTable {
    pub(crate) table: &'static str,
    pub(crate) alias: &'static str,
    /// The key column, unqualified.
    pub(crate) key: &'static str,
    /// How `show ENTITY ID` binds the id.
    pub(crate) id_param: &'static str,
    /// Every table a statement may join, in the order they are joined; a
    /// statement joins only those its expressions name (and what they
    /// are joined through).
    pub(crate) joins: &'static [Join],
    /// `show ENTITY ...`: `id` always comes first.
    pub(crate) listing: &'static [Column],
    /// `show ENTITY ID`: one record with what is related to it.
    pub(crate) record: &'static [Column],
    /// The columns `epic demo` and `epic gen` write, in the order they
    /// write them (none: the loaders write no rows of it).
    pub(crate) stored: &'static [Stored],
}

/// `JOIN table alias ON alias.id = on`.
#[derive(Debug)]
pub(crate) struct Join {
    pub(crate) table: &'static str,
    pub(crate) alias: &'static str,
    /// The foreign key, qualified: its alias is joined first.
    pub(crate) on: &'static str,
    /// A `LEFT JOIN`: the foreign key can be none.
    pub(crate) left: bool,
}

/// A result column: a field of the model (its name, kind and what it
/// reads are the field's), or what no field is: a related record's email, a
/// count, when the record was last changed.
#[derive(Debug)]
pub(crate) enum Column {
    Field(Field),
    Other {
        name: &'static str,
        kind: ColumnKind,
        sql: &'static str,
    },
}

impl Column {
    const fn new(name: &'static str, kind: ColumnKind, sql: &'static str) -> Column {
        Column::Other { name, kind, sql }
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            Column::Field(field) => field.name(),
            Column::Other { name, .. } => name,
        }
    }

    pub(crate) fn kind(&self) -> ColumnKind {
        match self {
            Column::Field(field) => match field.ty() {
                FieldType::Id => ColumnKind::Id,
                FieldType::Integer => ColumnKind::Integer,
                FieldType::Money => ColumnKind::Money,
                FieldType::Boolean => ColumnKind::Bool,
                // The audit trail's times read to the second: several
                // entries of one minute must show their order.
                FieldType::Timestamp if field.entity() == Entity::Audit => ColumnKind::Moment,
                FieldType::Timestamp => ColumnKind::Timestamp,
                FieldType::Text
                | FieldType::Email
                | FieldType::Phone
                | FieldType::Employee
                | FieldType::Enum(_) => ColumnKind::Text,
            },
            Column::Other { kind, .. } => *kind,
        }
    }

    /// What the column reads: for an employee field, the employee's name.
    pub(crate) fn sql(&self) -> &'static str {
        match self {
            Column::Field(field) => order_expression(*field),
            Column::Other { sql, .. } => sql,
        }
    }
}

/// A column the loaders write, with the kind of value it holds.
#[derive(Debug)]
pub(crate) struct Stored {
    pub(crate) name: &'static str,
    pub(crate) kind: ColumnKind,
}

const fn stored(name: &'static str, kind: ColumnKind) -> Stored {
    Stored { name, kind }
}

/// The entity table of `entity`.
pub(crate) const fn entity_table(entity: Entity) -> &'static EntityTable {
    match entity {
        Entity::Client => &CLIENTS,
        Entity::Contract => &CONTRACTS,
        Entity::Event => &EVENTS,
        Entity::Employee => &EMPLOYEES,
        Entity::Audit => &AUDIT,
    }
}

const CONTRACT_OF_EVENT: Join = Join {
    table: "contracts",
    alias: "k",
    on: "e.contract_id",
    left: false,
};
const CLIENT_OF_CONTRACT: Join = Join {
    table: "clients",
    alias: "c",
    on: "k.client_id",
    left: false,
};
const SALES_OF_CLIENT: Join = Join {
    table: "employees",
    alias: "sales",
    on: "c.sales_contact_id",
    left: false,
};
const SUPPORT_OF_EVENT: Join = Join {
    table: "employees",
    alias: "sup",
    on: "e.support_contact_id",
    left: true,
};

use ColumnKind::*;

const CLIENTS: EntityTable = EntityTable {
    table: "clients",
    alias: "c",
    key: "id",
    id_param: "$1",
    joins: &[SALES_OF_CLIENT],
    listing: &[
        Column::Field(Field::ClientId),
        Column::Field(Field::ClientName),
        Column::Field(Field::ClientEmail),
        Column::Field(Field::ClientPhone),
        Column::Field(Field::ClientCompany),
        Column::Field(Field::ClientCreated),
        Column::Field(Field::ClientLastContact),
        Column::Field(Field::ClientSales),
    ],
    record: &[
        Column::Field(Field::ClientId),
        Column::Field(Field::ClientName),
        Column::Field(Field::ClientEmail),
        Column::Field(Field::ClientPhone),
        Column::Field(Field::ClientCompany),
        Column::Field(Field::ClientCreated),
        Column::Field(Field::ClientLastContact),
        Column::new("updated", Timestamp, "c.updated_at"),
        Column::Field(Field::ClientSales),
        Column::new("sales_email", Text, "sales.email"),
        Column::new(
            "contracts",
            Id,
            "(SELECT count(*) FROM contracts WHERE client_id = c.id)",
        ),
        Column::new(
            "events",
            Id,
            "(SELECT count(*) FROM events JOIN contracts ON contracts.id = events.contract_id \
             WHERE contracts.client_id = c.id)",
        ),
    ],
    stored: &[
        stored("id", Id),
        stored("full_name", Text),
        stored("email", Text),
        stored("phone", Text),
        stored("company_name", Text),
        stored("created_at", Timestamp),
        stored("last_contact_at", Timestamp),
        stored("updated_at", Timestamp),
        stored("sales_contact_id", Id),
    ],
};

const CONTRACTS: EntityTable = EntityTable {
    table: "contracts",
    alias: "k",
    key: "id",
    id_param: "$1",
    joins: &[CLIENT_OF_CONTRACT, SALES_OF_CLIENT],
    listing: &[
        Column::Field(Field::ContractId),
        Column::Field(Field::ContractClient),
        Column::Field(Field::ContractSales),
        Column::Field(Field::ContractTotal),
        Column::Field(Field::ContractRemaining),
        Column::Field(Field::ContractSigned),
        Column::Field(Field::ContractCreated),
    ],
    record: &[
        Column::Field(Field::ContractId),
        Column::new("client_id", Id, "c.id"),
        Column::Field(Field::ContractClient),
        Column::new("client_email", Text, "c.email"),
        Column::new("client_phone", Text, "c.phone"),
        Column::new("company", Text, "c.company_name"),
        Column::Field(Field::ContractSales),
        Column::Field(Field::ContractTotal),
        Column::Field(Field::ContractRemaining),
        Column::Field(Field::ContractSigned),
        Column::Field(Field::ContractCreated),
        Column::new("updated", Timestamp, "k.updated_at"),
        Column::new(
            "events",
            Id,
            "(SELECT count(*) FROM events WHERE contract_id = k.id)",
        ),
    ],
    stored: &[
        stored("id", Id),
        stored("client_id", Id),
        stored("total", Money),
        stored("remaining", Money),
        stored("signed", Bool),
        stored("created_at", Timestamp),
        stored("updated_at", Timestamp),
    ],
};

const EVENTS: EntityTable = EntityTable {
    table: "events",
    alias: "e",
    key: "id",
    id_param: "$1",
    joins: &[
        CONTRACT_OF_EVENT,
        CLIENT_OF_CONTRACT,
        SALES_OF_CLIENT,
        SUPPORT_OF_EVENT,
    ],
    listing: &[
        Column::Field(Field::EventId),
        Column::Field(Field::EventName),
        Column::Field(Field::EventContract),
        Column::Field(Field::EventClient),
        Column::Field(Field::EventStart),
        Column::Field(Field::EventEnd),
        Column::Field(Field::EventSupport),
        Column::Field(Field::EventLocation),
        Column::Field(Field::EventAttendees),
    ],
    record: &[
        Column::Field(Field::EventId),
        Column::Field(Field::EventName),
        Column::Field(Field::EventContract),
        Column::Field(Field::EventClient),
        Column::new("client_email", Text, "c.email"),
        Column::new("client_phone", Text, "c.phone"),
        Column::new("company", Text, "c.company_name"),
        Column::new("sales", Text, "sales.full_name"),
        Column::Field(Field::EventStart),
        Column::Field(Field::EventEnd),
        Column::Field(Field::EventSupport),
        Column::new("support_email", Text, "sup.email"),
        Column::Field(Field::EventLocation),
        Column::Field(Field::EventAttendees),
        Column::Field(Field::EventNotes),
        Column::new("updated", Timestamp, "e.updated_at"),
        // Last, so the columns before it keep their places in CSV: the
        // client the related list below the record shows.
        Column::new("client_id", Id, "c.id"),
    ],
    stored: &[
        stored("id", Id),
        stored("contract_id", Id),
        stored("name", Text),
        stored("start_at", Timestamp),
        stored("end_at", Timestamp),
        stored("support_contact_id", Id),
        stored("location", Text),
        stored("attendees", Integer),
        stored("notes", Text),
        stored("created_at", Timestamp),
        stored("updated_at", Timestamp),
    ],
};

const EMPLOYEES: EntityTable = EntityTable {
    table: "employees",
    alias: "m",
    key: "id",
    id_param: "$1",
    joins: &[],
    listing: &[
        Column::Field(Field::EmployeeId),
        Column::Field(Field::EmployeeName),
        Column::Field(Field::EmployeeEmail),
        Column::Field(Field::EmployeeDepartment),
        Column::Field(Field::EmployeeCreated),
        Column::Field(Field::EmployeeActive),
    ],
    record: &[
        Column::Field(Field::EmployeeId),
        Column::Field(Field::EmployeeName),
        Column::Field(Field::EmployeeEmail),
        Column::Field(Field::EmployeeDepartment),
        Column::Field(Field::EmployeeCreated),
        Column::new("updated", Timestamp, "m.updated_at"),
        Column::Field(Field::EmployeeActive),
        Column::new(
            "clients",
            Id,
            "(SELECT count(*) FROM clients WHERE sales_contact_id = m.id)",
        ),
        Column::new(
            "events_supported",
            Id,
            "(SELECT count(*) FROM events WHERE support_contact_id = m.id)",
        ),
    ],
    // The demo's staff; the database numbers them.
    stored: &[
        stored("full_name", Text),
        stored("email", Text),
        stored("department", Text),
        stored("password_hash", Text),
    ],
};

/// What an audit entry did, to which record: `update event 1023`; an undo
/// names the entry it took back (sql/0016): `undo event 1023 (undoes 5)`;
/// an import, its sheet and row (sql/0018): `import event 109 (events.xlsx, row 2)`.
const AUDIT_WHAT: &str = "a.action || coalesce(' ' || a.entity, '') || coalesce(' ' || a.entity_id, '') \
     || coalesce(' (undoes ' || (a.detail ->> 'undoes') || ')', '') \
     || coalesce(' (' || (a.detail ->> 'file') || ', row ' || (a.detail ->> 'row') || ')', '')";
/// Its changes as an object in the fields' names, employees by name
/// (sql/0015): `{"support": {"old": "Théo Marchand", "new": "Kate
/// Hastroff"}}`, which a table shows as `support: Théo Marchand → Kate
/// Hastroff`; a refusal's request and rule.
const AUDIT_CHANGES: &str = "epic_audit_change_json(a.entity, a.before, a.after, a.detail)";

const AUDIT: EntityTable = EntityTable {
    table: "audit_log",
    alias: "a",
    key: "id",
    id_param: "$1::bigint",
    joins: &[],
    listing: &[
        Column::Field(Field::AuditId),
        Column::Field(Field::AuditAt),
        Column::Field(Field::AuditActor),
        Column::new("what", Text, AUDIT_WHAT),
        Column::new("changes", Json, AUDIT_CHANGES),
    ],
    record: &[
        Column::Field(Field::AuditId),
        Column::Field(Field::AuditAt),
        Column::new("actor_id", Id, "a.actor_id"),
        Column::Field(Field::AuditActor),
        Column::Field(Field::AuditAction),
        Column::Field(Field::AuditEntity),
        Column::Field(Field::AuditRecord),
        Column::new("what", Text, AUDIT_WHAT),
        Column::new("changes", Json, AUDIT_CHANGES),
        // The record before and after in the fields' names (sql/0015),
        // and the entry's detail as stored.
        Column::new("before", Json, "epic_audit_record(a.entity, a.before)"),
        Column::new("after", Json, "epic_audit_record(a.entity, a.after)"),
        Column::new("detail", Json, "a.detail"),
    ],
    stored: &[],
};

/// The SQL expression of a field's own value (for employee fields: the id
/// column): its entity's alias and the stored column its row in `model`
/// names, or, for a field reached through a relation, that relation's.
pub(super) fn column(field: Field) -> &'static str {
    // By the field's number, as `model` finds a field's row.
    static COLUMNS: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut columns = Vec::new();
        for entity in Entity::ALL {
            for &field in entity.fields() {
                let sql = match (through(field), field.spec().stored) {
                    (Some(sql), _) => sql.to_owned(),
                    (None, Some(stored)) => format!("{}.{stored}", entity_table(entity).alias),
                    (None, None) => unreachable!("{field:?} is neither stored nor related"),
                };
                let at = field as usize;
                if columns.len() <= at {
                    columns.resize(at + 1, String::new());
                }
                columns[at] = sql;
            }
        }
        columns
    });
    COLUMNS[field as usize].as_str()
}

/// The fields stored in a related record's table, not their entity's own.
fn through(field: Field) -> Option<&'static str> {
    match field {
        Field::ContractClient | Field::EventClient => Some("c.full_name"),
        Field::ContractSales => Some("c.sales_contact_id"),
        _ => None,
    }
}

/// What `order by FIELD` sorts on: employees by name (joined in listings).
pub(super) fn order_expression(field: Field) -> &'static str {
    match field {
        Field::ClientSales | Field::ContractSales => "sales.full_name",
        Field::EventSupport => "sup.full_name",
        other => column(other),
    }
}

/// The bare column a settable field is stored in, as its row in `model` says.
pub(super) fn stored_column(field: Field) -> &'static str {
    field
        .spec()
        .stored
        .expect("every settable field names its column (a model test)")
}

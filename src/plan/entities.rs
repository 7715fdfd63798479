//! Each entity's table, alias, joins, listing and record columns, and each
//! field's column: the identifiers every plan is made of.

use super::*;

/// The columns and joins of a listing, per entity. `id` always comes first.
pub(super) fn listing(entity: Entity) -> (&'static str, &'static [OutColumn], &'static str) {
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
pub(super) fn record(entity: Entity) -> (&'static str, &'static [OutColumn], &'static str) {
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
pub(super) fn count_from(entity: Entity, filter: Option<&Filter>) -> &'static str {
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

pub(super) fn mentions(filter: &Filter, wanted: &[Field]) -> bool {
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
pub(super) fn column(field: Field) -> &'static str {
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
pub(super) fn order_expression(field: Field) -> &'static str {
    match field {
        Field::ClientSales | Field::ContractSales => "sales.full_name",
        Field::EventSupport => "sup.full_name",
        other => column(other),
    }
}

pub(super) fn primary_key(entity: Entity) -> &'static str {
    match entity {
        Entity::Client => "c.id",
        Entity::Contract => "k.id",
        Entity::Event => "e.id",
        Entity::Employee => "m.id",
        Entity::Audit => "a.id",
    }
}

/// The table and the bare column a settable field is stored in.
pub(super) fn stored_column(field: Field) -> &'static str {
    use Field::*;
    match field {
        ClientSales => "sales_contact_id",
        EventSupport => "support_contact_id",
        other => column(other).rsplit('.').next().unwrap_or_default(),
    }
}

pub(super) fn table(entity: Entity) -> &'static str {
    match entity {
        Entity::Client => "clients",
        Entity::Contract => "contracts",
        Entity::Event => "events",
        Entity::Employee => "employees",
        Entity::Audit => "audit_log",
    }
}

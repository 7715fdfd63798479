//! Who may write each field, in words, read off [`GRANTS`]: what `help
//! ENTITY` shows beside each field and README's permission tables
//! ([`permission_tables`], which a test finds in README word for word), so
//! the reference and the checker are one table.

use super::{Action, GRANTS, Guarded, Target, Whose};
use crate::model::{Entity, Field, Write};

/// The checker's target for an entity's records; `None` for the audit
/// trail, which nobody writes.
fn target(entity: Entity) -> Option<Target> {
    match entity {
        Entity::Client => Some(Target::Client),
        Entity::Contract => Some(Target::Contract),
        Entity::Event => Some(Target::Event),
        Entity::Employee => Some(Target::Employee),
        Entity::Audit => None,
    }
}

/// The roles a grant lets `action` set `field` of `entity`'s records,
/// `(own)` after a role limited to its own records.
fn roles(entity: Entity, field: Field, action: Action) -> Vec<String> {
    let Some(target) = target(entity) else {
        return Vec::new();
    };
    let guard = super::touched(action, [field]).first().copied();
    GRANTS
        .iter()
        .filter(|g| g.action == action && g.target == target)
        .filter(|g| guard.is_none_or(|rule| !g.except.contains(&rule)))
        .map(|g| match g.whose {
            Whose::OwnOnly => format!("{} (own)", g.role.name()),
            Whose::Any => g.role.name().to_owned(),
        })
        .collect()
}

/// Who may write `field` of `entity`: `create: ...; update: ...`, or
/// `nobody` for a field no write sets (or none of the roles may).
pub fn writers(entity: Entity, field: Field) -> String {
    let spec = field.spec();
    if spec.write == Write::Never {
        return "nobody".to_owned();
    }
    let mut parts = Vec::new();
    for (action, word) in [(Action::Create, "create"), (Action::Update, "update")] {
        let roles = roles(entity, field, action);
        if !roles.is_empty() {
            parts.push(format!("{word}: {}", roles.join(", ")));
        }
    }
    if parts.is_empty() {
        "nobody".to_owned()
    } else {
        parts.join("; ")
    }
}

/// The entities whose records staff write, in README's order.
const WRITTEN: [Entity; 4] = [
    Entity::Client,
    Entity::Contract,
    Entity::Event,
    Entity::Employee,
];

/// What is not a field of a record, in README's words, in its order.
const BEYOND_FIELDS: [(Action, Target, &str); 12] = [
    (Action::Delete, Target::Employee, "delete an employee"),
    (Action::Update, Target::Password, "reset someone's password"),
    (Action::Read, Target::AuditLog, "read the audit trail"),
    (Action::Read, Target::Sessions, "list others' sessions"),
    (Action::Update, Target::Sessions, "revoke others' sessions"),
    (Action::Update, Target::Logins, "unlock a locked-out email"),
    (Action::Read, Target::Security, "read the security settings"),
    (
        Action::Update,
        Target::Security,
        "change the security settings",
    ),
    (
        Action::Read,
        Target::Client,
        "read clients, contracts, events",
    ),
    (
        Action::Read,
        Target::Employee,
        "read the employee directory",
    ),
    (
        Action::Update,
        Target::TeamQueries,
        "save or delete the team's saved queries",
    ),
    (
        Action::Create,
        Target::Import,
        "import the support team's spreadsheet",
    ),
];

/// The roles `action` on `target` is granted to, with what a grant leaves out.
fn granted(action: Action, target: Target) -> String {
    let mut grants: Vec<_> = GRANTS
        .iter()
        .filter(|g| g.action == action && g.target == target)
        .collect();
    grants.sort_by_key(|g| super::ROLES.iter().position(|r| *r == g.role));
    let roles: Vec<String> = grants
        .into_iter()
        .map(|g| {
            let mut role = g.role.name().to_owned();
            if g.whose == Whose::OwnOnly {
                role.push_str(" (own)");
            }
            if g.except.contains(&Guarded::AdminAccount) {
                role.push_str(" (not an admin's)");
            }
            role
        })
        .collect();
    if roles.is_empty() {
        "nobody".to_owned()
    } else {
        roles.join(", ")
    }
}

/// README's permission tables, in Markdown, a blank line apart: every field
/// a write sets, who may set it on a create and on an update, then what is
/// not a field.
pub fn permission_tables() -> String {
    let cell = |roles: Vec<String>| match roles.is_empty() {
        true => "nobody".to_owned(),
        false => roles.join(", "),
    };
    let mut table = String::from("| field | create | update |\n| --- | --- | --- |\n");
    for entity in WRITTEN {
        for spec in entity.specs().iter().filter(|s| s.write != Write::Never) {
            let create = cell(roles(entity, spec.field, Action::Create));
            let update = cell(roles(entity, spec.field, Action::Update));
            let name = format!("{}.{}", entity.singular(), spec.name);
            table.push_str(&format!("| `{name}` | {create} | {update} |\n"));
        }
    }
    table.push_str("\n| may | who |\n| --- | --- |\n");
    for (action, target, words) in BEYOND_FIELDS {
        table.push_str(&format!("| {words} | {} |\n", granted(action, target)));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_holds_the_permission_tables_as_the_checker_has_them() {
        let readme = include_str!("../../README.md");
        let tables = permission_tables();
        for table in tables.split("\n\n") {
            assert!(
                readme.contains(table),
                "README.md's \"Who may do what\" must hold, word for word:\n\n{table}"
            );
        }
    }

    #[test]
    fn the_tables_read_the_grants() {
        let tables = permission_tables();
        assert!(
            tables.contains("| `event.support` | nobody | management, admin |"),
            "{tables}"
        );
        assert!(
            tables.contains("| `client.sales` | sales (own) | management, admin |"),
            "{tables}"
        );
        assert!(
            tables.contains("| delete an employee | management (not an admin's), admin |"),
            "{tables}"
        );
        assert!(
            tables.contains("| read the audit trail | management, admin |"),
            "{tables}"
        );
        // One line stands for reading clients, contracts and events.
        let clients = granted(Action::Read, Target::Client);
        assert_eq!(granted(Action::Read, Target::Contract), clients);
        assert_eq!(granted(Action::Read, Target::Event), clients);
    }

    #[test]
    fn the_writers_of_a_field_follow_its_guard() {
        assert_eq!(writers(Entity::Event, Field::EventId), "nobody");
        assert_eq!(
            writers(Entity::Event, Field::EventSupport),
            "update: management, admin"
        );
        assert_eq!(
            writers(Entity::Client, Field::ClientSales),
            "create: sales (own); update: management, admin"
        );
        assert_eq!(
            writers(Entity::Client, Field::ClientName),
            "create: sales (own); update: sales (own)"
        );
    }
}

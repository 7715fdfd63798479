//! Who may write each field, in words, read off [`GRANTS`]: what `help
//! ENTITY` shows beside each field, so the reference and the checker are
//! one table.

use super::{Action, GRANTS, Target, Whose};
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

#[cfg(test)]
mod tests {
    use super::*;

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

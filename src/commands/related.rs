//! Related records one step away, below a record: `show client 304` lists
//! its contracts and its events, `show contract 652` its events, `show
//! event 109` its client. Each list is a typed listing (`show contracts
//! where client = 304`) that the permission checker decides like the one
//! typed, and that runs in the command's transaction under row security
//! like any: the checker is never bypassed, and a list it refuses is left
//! out. One statement per list (a count too when the list is cut), on the
//! foreign keys' indexes. Only the table and vertical formats show them:
//! CSV and JSON give the record alone, as they always did.

use std::io::Write;

use super::{Context, reads};
use crate::db::identity::Identity;
use crate::error::Error;
use crate::model::{CompareOp, Entity, Field, Role};
use crate::plan::{self, OutColumn};
use crate::policy::{self, Allowed, Authorized, Decision};
use crate::render::{self, Format, RowWriter, Status};
use crate::syntax::{Command, Filter, Query, Value};
use crate::value::Value as Cell;

/// How many rows of a related list are shown; the rest are counted and
/// pointed at.
pub const SHOWN: u64 = 10;

/// One list below a record: the `listed` records whose `field` is `id`,
/// shown without the columns that name the record above (the same in
/// every row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct List {
    pub listed: Entity,
    pub field: Field,
    pub id: i64,
    pub hidden: &'static [&'static str],
}

impl List {
    /// The typed listing this list is: what `show ... where FIELD = ID`
    /// parses to, so it is checked and planned as that command is.
    pub fn query(&self) -> Query {
        Query {
            entity: self.listed,
            filter: Some(Filter::Compare {
                field: self.field,
                op: CompareOp::Eq,
                value: Value::Integer(self.id),
            }),
            order: Vec::new(),
            limit: None,
            offset: None,
        }
    }
}

/// The lists below a record of `entity`, from its shown columns and values
/// (an event's client is found by the record's `client_id`).
pub fn lists_of(entity: Entity, id: i64, columns: &[OutColumn], row: &[Cell]) -> Vec<List> {
    match entity {
        Entity::Client => vec![
            List {
                listed: Entity::Contract,
                field: Field::ContractClient,
                id,
                hidden: &["client"],
            },
            List {
                listed: Entity::Event,
                field: Field::EventClient,
                id,
                hidden: &["client"],
            },
        ],
        Entity::Contract => vec![List {
            listed: Entity::Event,
            field: Field::EventContract,
            id,
            hidden: &["contract", "client"],
        }],
        Entity::Event => {
            let client =
                columns
                    .iter()
                    .zip(row)
                    .find_map(|(column, cell)| match (column.name, cell) {
                        ("client_id", Cell::Int(client)) => Some(*client),
                        _ => None,
                    });
            client
                .map(|client| List {
                    listed: Entity::Client,
                    field: Field::ClientId,
                    id: client,
                    hidden: &[],
                })
                .into_iter()
                .collect()
        }
        Entity::Employee | Entity::Audit => Vec::new(),
    }
}

/// A related list as the checker decides the typed listing: allowed, or
/// `None` (the record was allowed; a list the role may not read is left
/// out, as if it were not asked).
pub fn authorized(role: Role, list: &List) -> Option<Authorized<Query>> {
    match policy::authorize_now(role, Command::Show(list.query())) {
        Decision::Allowed(Allowed::Listing(query)) => Some(query),
        _ => None,
    }
}

/// `show ENTITY ID`: the record, then, in the table and vertical formats,
/// the lists of its related records.
pub async fn show_one_and_related(
    cx: &mut Context<'_>,
    identity: &Identity,
    one: &Authorized<plan::Record>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let (columns, row) = reads::show_one(cx, one, out).await?;
    if !matches!(cx.view.format, Format::Table | Format::Vertical) {
        return Ok(());
    }
    for list in lists_of(one.entity, one.id, &columns, &row) {
        if let Some(query) = authorized(identity.role, &list) {
            show_list(cx, &list, &query, out, (one.entity, one.id)).await?;
        }
    }
    Ok(())
}

/// One related list below record `id` of `of`: a heading, at most
/// [`SHOWN`] rows without the constant columns, and how many more with the
/// listing that shows them.
async fn show_list(
    cx: &mut Context<'_>,
    list: &List,
    query: &Authorized<Query>,
    out: &mut dyn Write,
    (of, id): (Entity, i64),
) -> Result<(), Error> {
    let context = cx.plan_context();
    // Below a record in a table or vertically only: the listing's columns.
    let plan = plan::plan_show(query, &context, Some(SHOWN + 1), plan::Rows::Listing)?;
    let mut rows = cx.database.collect(&plan).await?;
    let output = |source| Error::Output { source };
    if rows.is_empty() {
        let none = Status::RelatedNone {
            listed: list.listed,
            of,
            id,
        };
        return render::status(out, &none).map_err(output);
    }
    let more = rows.len() as u64 > SHOWN;
    let total = if more {
        cx.database
            .count(&plan::plan_count(query, &context)?)
            .await?
    } else {
        rows.len() as i64
    };
    rows.truncate(SHOWN as usize);
    let heading = Status::Related {
        listed: list.listed,
        total,
        of,
        id,
    };
    render::status(out, &heading).map_err(output)?;
    let kept: Vec<bool> = plan
        .columns()
        .iter()
        .map(|c| !list.hidden.contains(&c.name))
        .collect();
    let columns: Vec<OutColumn> = plan
        .columns()
        .iter()
        .zip(&kept)
        .filter_map(|(c, keep)| keep.then_some(*c))
        .collect();
    let mut writer = RowWriter::new(
        out,
        cx.view.format,
        cx.style(None),
        reads::display_columns(&columns),
    );
    for row in rows {
        let row = row
            .into_iter()
            .zip(&kept)
            .filter_map(|(cell, keep)| keep.then_some(cell))
            .collect::<Vec<_>>();
        writer.row(&row).map_err(output)?;
    }
    writer.finish().map_err(output)?;
    if more {
        let command = Command::Show(list.query()).to_string();
        let rest = Status::RelatedMore {
            more: total - SHOWN as i64,
            command: &command,
        };
        render::status(out, &rest).map_err(output)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax;

    fn lists(entity: Entity) -> Vec<List> {
        let columns = [OutColumn {
            name: "client_id",
            kind: plan::ColumnKind::Id,
        }];
        lists_of(entity, 7, &columns, &[Cell::Int(7)])
    }

    /// A related list is exactly the listing a user would type, so the
    /// checker and the planner see nothing they have not seen before.
    #[test]
    fn each_related_list_is_the_typed_listing_it_points_at() {
        let typed = [
            (Entity::Client, "show contracts where client = 7"),
            (Entity::Client, "show events where client = 7"),
            (Entity::Contract, "show events where contract = 7"),
            (Entity::Event, "show clients where id = 7"),
        ];
        let mut built: Vec<(Entity, Query)> = Vec::new();
        for entity in [Entity::Client, Entity::Contract, Entity::Event] {
            built.extend(lists(entity).iter().map(|l| (entity, l.query())));
        }
        let parsed: Vec<(Entity, Query)> = typed
            .iter()
            .map(|(entity, text)| match syntax::parse(text) {
                Ok(Command::Show(query)) => (*entity, query),
                other => panic!("`{text}`: {other:?}"),
            })
            .collect();
        assert_eq!(built, parsed);
        for (_, query) in &built {
            assert_eq!(
                syntax::parse(&Command::Show(query.clone()).to_string()).ok(),
                Some(Command::Show(query.clone())),
                "the pointer below a cut list is the same listing"
            );
        }
        assert!(lists(Entity::Employee).is_empty());
        assert!(lists(Entity::Audit).is_empty());
    }

    /// Every list goes through the checker: for each role, a list is shown
    /// exactly when the checker allows the typed command.
    #[test]
    fn a_related_list_is_shown_exactly_when_the_checker_allows_its_listing() {
        for role in [Role::Management, Role::Sales, Role::Support, Role::Admin] {
            for entity in [Entity::Client, Entity::Contract, Entity::Event] {
                for list in lists(entity) {
                    let typed = matches!(
                        policy::authorize_now(role, Command::Show(list.query())),
                        Decision::Allowed(_)
                    );
                    assert_eq!(
                        authorized(role, &list).is_some(),
                        typed,
                        "{role:?} {list:?}"
                    );
                }
            }
        }
        // Every role reads clients, contracts and events today; a list of
        // what a role may not read (the audit trail, for sales) is left out.
        let audit = List {
            listed: Entity::Audit,
            field: Field::AuditRecord,
            id: 7,
            hidden: &[],
        };
        assert!(authorized(Role::Sales, &audit).is_none());
        assert!(authorized(Role::Support, &audit).is_none());
        assert!(authorized(Role::Management, &audit).is_some());
    }
}

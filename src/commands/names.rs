//! Employee names typed in a command: the employees of that name, or a
//! refusal that names the field and suggests the closest names, among the
//! department the field asks for (support staff for `support`). Writes,
//! reassignments and filters all ask here, so a name is found, and
//! refused, one way; a filter's names are checked before it is planned,
//! and then compared by name as typed.

use super::Context;
use crate::error::Error;
use crate::model::{CompareOp, Field, FieldType, Role};
use crate::syntax::{self, Filter, Value};
use crate::text;

/// The employees named `name` (any case): at least one, or an error that
/// says which field wanted one and suggests the closest names.
pub async fn named(
    cx: &mut Context<'_>,
    name: &str,
    field: Option<Field>,
) -> Result<Vec<(i64, String, String)>, Error> {
    let found = cx.database.employees_named(name).await?;
    if !found.is_empty() {
        return Ok(found);
    }
    let department = field.and_then(Field::department);
    let names = cx
        .database
        .employee_names_in(department.map(Role::name))
        .await?;
    let close = syntax::closest_names(name, names.iter().map(String::as_str));
    let help = match close.as_slice() {
        [] => "`show employees where name ~ \"...\"` finds them".to_owned(),
        [only] => format!("did you mean \"{}\"?", text::one_line(only)),
        [first @ .., last] => format!(
            "did you mean {} or \"{}\"?",
            first
                .iter()
                .map(|n| format!("\"{}\"", text::one_line(n)))
                .collect::<Vec<_>>()
                .join(", "),
            text::one_line(last)
        ),
    };
    Err(Error::NoSuchEmployee {
        name: name.to_owned(),
        field: field.map(Field::name),
        help,
    })
}

/// Every employee a filter names (`support = "Kate"`, `sales in (...)`)
/// exists, or the first that does not is refused with suggestions. A
/// search (`support ~ "kat"`) is not a name and is not checked.
pub async fn check_filter(cx: &mut Context<'_>, filter: Option<&Filter>) -> Result<(), Error> {
    let mut typed = Vec::new();
    if let Some(filter) = filter {
        names_in(filter, &mut typed);
    }
    for (field, name) in typed {
        named(cx, name, Some(field)).await?;
    }
    Ok(())
}

/// The employee names compared with `=`, `!=` or `in`, in order.
fn names_in<'f>(filter: &'f Filter, out: &mut Vec<(Field, &'f str)>) {
    match filter {
        Filter::And(left, right) | Filter::Or(left, right) => {
            names_in(left, out);
            names_in(right, out);
        }
        Filter::Not(inner) => names_in(inner, out),
        Filter::Compare {
            field,
            op: CompareOp::Eq | CompareOp::Ne,
            value: Value::Text(name),
        } if field.ty() == FieldType::Employee => out.push((*field, name)),
        Filter::In { field, values } if field.ty() == FieldType::Employee => {
            out.extend(values.iter().filter_map(|value| match value {
                Value::Text(name) => Some((*field, name.as_str())),
                _ => None,
            }));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Command;

    fn names(text: &str) -> Vec<(Field, String)> {
        let Ok(Command::Show(query)) = syntax::parse(text) else {
            panic!("`{text}` is a listing");
        };
        let mut out = Vec::new();
        names_in(query.filter.as_ref().expect("a filter"), &mut out);
        out.into_iter().map(|(f, n)| (f, n.to_owned())).collect()
    }

    #[test]
    fn names_compared_are_checked_and_searches_are_not() {
        assert_eq!(
            names("show events where support = \"Kate\""),
            [(Field::EventSupport, "Kate".to_owned())]
        );
        assert_eq!(
            names(
                "show events where not (support != \"A\" or attendees > 3) and support in (\"B\", 7)"
            ),
            [
                (Field::EventSupport, "A".to_owned()),
                (Field::EventSupport, "B".to_owned())
            ]
        );
        assert!(names("show events where support ~ \"kat\" and support = 7").is_empty());
        assert!(names("show events where client = \"Kate\"").is_empty());
    }
}

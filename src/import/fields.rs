//! The fields an import row has, the header names that mean each, and
//! matching a header to one (explicit mapping first).

pub use crate::model::sheet::{ImportField, normalize};

/// The field `header` names: the explicit `mapping` first, then the
/// accepted header names.
pub fn field_of(header: &str, mapping: &[(String, ImportField)]) -> Option<ImportField> {
    let key = normalize(header);
    if key.is_empty() {
        return None;
    }
    mapping
        .iter()
        .find(|(column, _)| normalize(column) == key)
        .map(|(_, field)| *field)
        .or_else(|| {
            ImportField::ALL.into_iter().find(|field| {
                field.headers().iter().any(|name| normalize(name) == key)
                    || normalize(field.name()) == key
            })
        })
}

/// The first required field none of `found` is, if any.
pub fn missing_required(found: &[ImportField]) -> Option<ImportField> {
    ImportField::REQUIRED
        .into_iter()
        .find(|f| !found.contains(f))
}

/// Reads `COLUMN=FIELD` (as a command line will give it).
pub fn parse_mapping(text: &str) -> Option<(String, ImportField)> {
    let (column, field) = text.rsplit_once('=')?;
    let column = column.trim();
    (!column.is_empty()).then_some(())?;
    Some((column.to_owned(), ImportField::from_name(field)?))
}

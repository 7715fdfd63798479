//! One cell's text or number as a typed value: dates in the company's
//! zone, whole numbers, a contact cell split into its parts, each checked
//! against the model's limits and `validate`'s rules.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

use super::fields::ImportField;
use super::{ImportRow, RowError, RowProblem};
use crate::model::Field;
use crate::syntax::{TimeValue, parse_time_text};
use crate::validate;
use crate::zone::Zone;

/// A cell as read: trimmed, and empty when it holds nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number cell of a workbook (dates are numbers there).
    Number(f64),
}

impl Cell {
    /// `text` trimmed, its line breaks `\n` (Windows writes `\r\n`),
    /// [`Cell::Empty`] when nothing is left.
    pub fn text(text: &str) -> Cell {
        match unguarded(text.trim()) {
            "" => Cell::Empty,
            trimmed => Cell::Text(trimmed.replace("\r\n", "\n")),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as text (a whole number without `.0`), if not empty.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(text) => Some(text.clone()),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Some(format!("{}", *n as i64)),
            Cell::Number(n) => Some(n.to_string()),
        }
    }
}

/// A cell without the `'` epic's exports put before text that a
/// spreadsheet would take for a formula (`'+1 234 567 8901`), so that an
/// exported sheet imports as it was stored.
fn unguarded(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::text::FORMULA_STARTS) => rest,
        _ => text,
    }
}

/// The first day of Excel's serial dates, as its 1900 leap-year bug makes
/// it for every date from March 1900 on.
fn excel_epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

/// An Excel serial (days since the epoch, the fraction the time of day)
/// as a wall-clock time, to the nearest second; years 1900 to 9999.
pub fn excel_serial(serial: f64) -> Option<NaiveDateTime> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let seconds = (serial * 86_400.0).round() as i64;
    excel_epoch().checked_add_signed(Duration::seconds(seconds))
}

/// `04/06/2023 13:00`, `4.6.2023`: day first, as France writes it.
fn day_first(text: &str) -> Option<NaiveDateTime> {
    let text = text.replace('.', "/");
    for format in ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %Hh%M"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(&text, format) {
            return Some(at);
        }
    }
    NaiveDate::parse_from_str(&text, "%d/%m/%Y")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// A date cell as an instant, wall-clock times read in `zone`: the
/// language's own forms (`4 Jun 2023 @ 1PM`, ISO), day first, or a serial.
pub fn date(cell: &Cell, zone: &Zone) -> Option<DateTime<Utc>> {
    let text = match cell {
        Cell::Empty => return None,
        Cell::Number(serial) => return excel_serial(*serial).map(|at| zone.instant(at)),
        Cell::Text(text) => text,
    };
    if let Ok(serial) = text.parse::<f64>() {
        return excel_serial(serial).map(|at| zone.instant(at));
    }
    match parse_time_text(text) {
        Some(TimeValue::Date(day)) => day.and_hms_opt(0, 0, 0).map(|at| zone.instant(at)),
        Some(TimeValue::DateTime(at)) => Some(zone.instant(at)),
        Some(TimeValue::Instant(at)) => Some(at.with_timezone(&Utc)),
        // `today` and `now` are the language's, not a sheet's.
        Some(TimeValue::RelativeDay(_) | TimeValue::Now) => None,
        None => day_first(text).map(|at| zone.instant(at)),
    }
}

/// A whole number, written as one or as a number cell holding one.
fn integer(cell: &Cell) -> Option<i64> {
    match cell {
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => Some(*n as i64),
        Cell::Text(text) => text.replace([' ', '\u{a0}', '\u{202f}'], "").parse().ok(),
        _ => None,
    }
}

/// A contact cell's parts: name, email, phone, on separate lines or
/// separated by ` / ` (or `;`), in any order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub fn split_contact(text: &str) -> Contact {
    let mut contact = Contact::default();
    let parts = text
        .split(['\n', ';'])
        .flat_map(|line| line.split(" / "))
        .map(str::trim)
        .filter(|part| !part.is_empty());
    for part in parts {
        let slot = if part.contains('@') {
            &mut contact.email
        } else if validate::phone(part).is_ok() {
            &mut contact.phone
        } else {
            &mut contact.name
        };
        match slot {
            Some(held) => {
                held.push(' ');
                held.push_str(part);
            }
            None => *slot = Some(part.to_owned()),
        }
    }
    contact
}

/// The cells of one record, by field (the first non-empty one of a field
/// given twice), typed into an [`ImportRow`].
pub fn type_row(
    row: usize,
    cells: Vec<(ImportField, Cell)>,
    zone: &Zone,
) -> Result<ImportRow, RowError> {
    let numbers = (
        number_of(
            ImportField::EventId,
            &get_cell(&cells, ImportField::EventId),
        )
        .ok()
        .flatten(),
        number_of(
            ImportField::Contract,
            &get_cell(&cells, ImportField::Contract),
        )
        .ok()
        .flatten(),
    );
    let fail = |problem| RowError {
        row,
        problem,
        numbers,
    };
    let get = |field: ImportField| get_cell(&cells, field);
    let text = |field: ImportField| text_of(field, &get(field)).map_err(fail);
    let number = |field: ImportField| number_of(field, &get(field)).map_err(fail);
    let when = |field: ImportField| {
        let cell = get(field);
        match (&cell, date(&cell, zone)) {
            (Cell::Empty, _) => Ok(None),
            (_, Some(at)) => Ok(Some(at)),
            (_, None) => Err(fail(RowProblem::NotADate {
                field,
                given: cell.as_text().unwrap_or_default(),
            })),
        }
    };
    let contact = text(ImportField::ClientContact)?
        .map(|cell| split_contact(&cell))
        .unwrap_or_default();
    let imported = ImportRow {
        row,
        event_id: number(ImportField::EventId)?,
        event_name: text(ImportField::EventName)?,
        contract: number(ImportField::Contract)?,
        client_name: text(ImportField::ClientName)?,
        client_email: text(ImportField::ClientEmail)?,
        client_phone: text(ImportField::ClientPhone)?,
        company: text(ImportField::Company)?,
        sales: text(ImportField::Sales)?,
        contact_name: contact.name,
        contact_email: contact.email,
        contact_phone: contact.phone,
        start: when(ImportField::Start)?,
        end: when(ImportField::End)?,
        support: text(ImportField::Support)?,
        location: text(ImportField::Location)?,
        attendees: number(ImportField::Attendees)?,
        notes: text(ImportField::Notes)?,
    };
    check(&imported).map_err(fail)?;
    Ok(imported)
}

/// The cell of `field`, empty when the row has none.
fn get_cell(cells: &[(ImportField, Cell)], field: ImportField) -> Cell {
    cells
        .iter()
        .find(|(f, cell)| *f == field && !cell.is_empty())
        .map(|(_, cell)| cell.clone())
        .unwrap_or(Cell::Empty)
}

/// A text cell, checked against its model field's length and characters.
fn text_of(field: ImportField, cell: &Cell) -> Result<Option<String>, RowProblem> {
    let Some(text) = cell.as_text() else {
        return Ok(None);
    };
    if let Some(model) = field.model() {
        stored_text(field, model, &text)?;
    }
    Ok(Some(text))
}

/// Whether `text`, of the sheet's `field`, may be stored as `model`: its
/// length and its characters.
fn stored_text(field: ImportField, model: Field, text: &str) -> Result<(), RowProblem> {
    if let Some(max) = model.max_chars().filter(|max| text.chars().count() > *max) {
        return Err(RowProblem::TooLong { field, max });
    }
    if let Some((_, c)) = validate::first_refused(text, model.lines()) {
        return Err(RowProblem::NotPlain {
            field,
            point: validate::code_point(c),
            kind: validate::kind_of(c),
        });
    }
    Ok(())
}

/// A whole-number cell, within its model field's range when it has one.
fn number_of(field: ImportField, cell: &Cell) -> Result<Option<i64>, RowProblem> {
    if cell.is_empty() {
        return Ok(None);
    }
    let given = || cell.as_text().unwrap_or_default();
    let n = integer(cell).ok_or_else(|| RowProblem::NotANumber {
        field,
        given: given(),
    })?;
    let (min, max) = field
        .model()
        .and_then(|m| m.range())
        .unwrap_or((1, i64::MAX));
    if !(min..=max).contains(&n) {
        return Err(RowProblem::OutOfRange { field, min, max });
    }
    Ok(Some(n))
}

/// What every row must hold (a new event's client is the plan's to
/// ask for), and what `validate` says of its email and phone.
fn check(row: &ImportRow) -> Result<(), RowProblem> {
    let required = [
        (ImportField::EventName, row.event_name.is_some()),
        (ImportField::Start, row.start.is_some()),
        (ImportField::End, row.end.is_some()),
    ];
    if let Some((field, _)) = required.into_iter().find(|(_, held)| !held) {
        return Err(RowProblem::Missing { field });
    }
    // The contact cell's person is a client's name when a client is created.
    if let Some(name) = &row.contact_name {
        stored_text(ImportField::ClientContact, Field::ClientName, name)?;
    }
    let emails = [
        (ImportField::ClientEmail, &row.client_email),
        (ImportField::ClientContact, &row.contact_email),
    ];
    for (field, email) in emails {
        if let Some(email) = email {
            validate::email(email).map_err(|error| RowProblem::Invalid { field, error })?;
        }
    }
    let phones = [
        (ImportField::ClientPhone, &row.client_phone),
        (ImportField::ClientContact, &row.contact_phone),
    ];
    for (field, phone) in phones {
        if let Some(phone) = phone {
            validate::phone(phone).map_err(|error| RowProblem::Invalid { field, error })?;
        }
    }
    if let (Some(start), Some(end)) = (row.start, row.end) {
        if end < start {
            return Err(RowProblem::EndBeforeStart);
        }
    }
    Ok(())
}

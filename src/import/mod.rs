//! Importing the support team's spreadsheet, first step: spreadsheet
//! rows → typed import rows. A `.csv` (streamed) or `.xlsx` file, laid
//! out one event per row under a header row or as blocks of label/value
//! pairs down a column, becomes a stream of [`ImportRow`]s, each typed
//! (dates in the company's zone, whole numbers, a contact cell split) and
//! checked with the model's limits and `validate`'s rules, or a
//! [`RowError`] naming its row. No database here: a later step plans and
//! applies the rows.

mod cells;
mod fields;
mod layout;
mod source;
#[cfg(test)]
mod tests;

use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};

pub use cells::{Contact, excel_serial, split_contact};
pub use fields::{ImportField, normalize, parse_mapping};
pub use layout::{Layout, Warning};

use crate::validate::ValueError;
use crate::zone::{Tz, Zone};

/// One event as the sheet gives it, each field typed, `None` when its
/// cell is empty or its column absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The row a spreadsheet shows (1-based); in block layout, the row of
    /// the block's first line.
    pub row: usize,
    pub event_id: Option<i64>,
    pub event_name: Option<String>,
    pub contract: Option<i64>,
    pub client_name: Option<String>,
    pub client_email: Option<String>,
    pub client_phone: Option<String>,
    pub company: Option<String>,
    /// The salesperson's name, as written.
    pub sales: Option<String>,
    /// The parts of the client contact cell.
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// The support contact's name, as written.
    pub support: Option<String>,
    pub location: Option<String>,
    pub attendees: Option<i64>,
    pub notes: Option<String>,
}

/// A row that cannot be imported, and why; the other rows still can.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row}: {problem}")]
pub struct RowError {
    pub row: usize,
    pub problem: RowProblem,
    /// The event and contract numbers the row gives, when they read: the
    /// numbers a sheet uses even where it cannot be imported yet.
    pub numbers: (Option<i64>, Option<i64>),
}

/// The forms a date cell may take, as messages list them.
pub const DATE_FORMS: &str = "4 Jun 2023 @ 1PM, 2023-06-04 13:00, 04/06/2023 13:00, an Excel date";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    #[error("`{field}` is not a date: `{given}` (accepted: {DATE_FORMS})")]
    NotADate { field: ImportField, given: String },
    #[error("`{field}` is not a whole number: `{given}`")]
    NotANumber { field: ImportField, given: String },
    #[error("`{field}` must be {min} to {max}")]
    OutOfRange {
        field: ImportField,
        min: i64,
        max: i64,
    },
    #[error("`{field}` is missing")]
    Missing { field: ImportField },
    #[error("`{field}` is longer than {max} characters")]
    TooLong { field: ImportField, max: usize },
    #[error(
        "`{field}` holds {point} ({kind}): stored text holds no control or bidirectional characters"
    )]
    NotPlain {
        field: ImportField,
        point: String,
        kind: &'static str,
    },
    #[error("`{field}`: {error}")]
    Invalid {
        field: ImportField,
        error: ValueError,
    },
    #[error("`end` is before `start`")]
    EndBeforeStart,
    #[error("cannot be read: {0}")]
    Unreadable(String),
}

/// A sheet that cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the file: {0}")]
    Read(#[source] std::io::Error),
    #[error("cannot read the workbook: {0}")]
    Workbook(String),
    #[error("the workbook has no sheet")]
    NoSheet,
    #[error("the sheet is empty")]
    Empty,
    #[error("`{extension}` files cannot be imported: give a .csv or an .xlsx file")]
    Format { extension: String },
    #[error(
        "the sheet has no `{field}` column (accepted headers: {}; or map a column with COLUMN={field})",
        accepted.join(", ")
    )]
    MissingColumn {
        field: ImportField,
        accepted: Vec<&'static str>,
    },
    #[error("row {row}: cannot be read: {reason}")]
    Unreadable { row: usize, reason: String },
}

impl ImportError {
    /// A file that is not there or not readable is the command line's
    /// mistake; a sheet epic cannot use, the sheet's.
    pub fn exit(&self) -> crate::exit::Exit {
        match self {
            ImportError::Read(_) | ImportError::Format { .. } => crate::exit::Exit::Usage,
            _ => crate::exit::Exit::Validation,
        }
    }
}

/// A sheet being read: how it is laid out, the headers it ignores, and
/// its rows (an iterator, read as it is consumed).
pub struct Import {
    pub layout: Layout,
    /// The fields the sheet has a column (or a block label) for: a field
    /// it lacks is left as it is by an update, where an empty cell is none.
    pub columns: Vec<ImportField>,
    pub warnings: Vec<Warning>,
    rows: layout::Records,
    zone: Zone,
}

impl Iterator for Import {
    type Item = Result<ImportRow, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (row, cells) = match self.rows.next()? {
            Ok(record) => record,
            Err(error) => return Some(Err(error)),
        };
        Some(cells::type_row(row, cells, &self.zone))
    }
}

/// Reads the `.csv` or `.xlsx` file at `path`, dates in `zone`, columns
/// named in `mapping` (header, field) before the accepted names.
pub fn read_path(
    path: &Path,
    zone: Tz,
    mapping: &[(String, ImportField)],
) -> Result<Import, ImportError> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "csv" => read_csv(
            std::fs::File::open(path).map_err(ImportError::Read)?,
            zone,
            mapping,
        ),
        "xlsx" | "xlsm" => read_xlsx(path, zone, mapping),
        _ => Err(ImportError::Format { extension }),
    }
}

/// Reads CSV text (`,` or `;` separated, a BOM allowed) as it is consumed.
pub fn read_csv(
    reader: impl Read + 'static,
    zone: Tz,
    mapping: &[(String, ImportField)],
) -> Result<Import, ImportError> {
    read_rows(source::csv_rows(reader)?, zone, mapping)
}

/// Reads the first sheet of the workbook at `path`.
pub fn read_xlsx(
    path: &Path,
    zone: Tz,
    mapping: &[(String, ImportField)],
) -> Result<Import, ImportError> {
    read_rows(source::xlsx_rows(path)?, zone, mapping)
}

fn read_rows(
    raw: source::RawRows,
    zone: Tz,
    mapping: &[(String, ImportField)],
) -> Result<Import, ImportError> {
    let detected = layout::detect(raw, mapping.to_vec())?;
    Ok(Import {
        layout: detected.layout,
        columns: detected.columns,
        warnings: detected.warnings,
        rows: detected.records,
        zone: Zone::company(zone),
    })
}

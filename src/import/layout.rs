//! How a sheet lays its events out, found from its first row: a header
//! row and one event per row, or blocks of label/value pairs down a
//! column (separated by blank rows or by the first label coming back).
//! Either way, each event becomes its cells by field.

use super::cells::Cell;
use super::fields::{ImportField, field_of, missing_required};
use super::source::{RawRow, RawRows};
use super::{ImportError, RowError};

/// One event's cells by field, and the row it starts on.
pub type Record = Result<(usize, Vec<(ImportField, Cell)>), RowError>;

pub type Records = Box<dyn Iterator<Item = Record>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A header row, then one event per row.
    Rows,
    /// Label in one column, value in the next, an event per block.
    Blocks,
}

/// A header (or a block's label) naming no field: ignored, and said so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row}: `{header}` is not a column epic imports; it is ignored")]
pub struct Warning {
    pub row: usize,
    pub header: String,
}

/// A sheet's layout, the fields its columns (or its blocks' labels) name,
/// the headers it ignores, and its events.
pub struct Detected {
    pub layout: Layout,
    pub columns: Vec<ImportField>,
    pub warnings: Vec<Warning>,
    pub records: Records,
}

/// Whether a header naming no field is worth a warning: epic's own
/// export's read-only columns are not.
fn ignored_silently(header: &str) -> bool {
    let key = super::normalize(header);
    ImportField::EXPORT_ONLY
        .iter()
        .any(|name| super::normalize(name) == key)
}

/// The layout of `raw`, what its headers leave out, and its events.
pub fn detect(
    mut raw: RawRows,
    mapping: Vec<(String, ImportField)>,
) -> Result<Detected, ImportError> {
    let (row, first) = loop {
        match raw.next() {
            None => return Err(ImportError::Empty),
            Some(Err(error)) => {
                return Err(ImportError::Unreadable {
                    row: error.row,
                    reason: error.problem.to_string(),
                });
            }
            Some(Ok((_, cells))) if cells.iter().all(Cell::is_empty) => continue,
            Some(Ok(found)) => break found,
        }
    };
    let texts: Vec<Option<String>> = first.iter().map(Cell::as_text).collect();
    let named = |text: &Option<String>| text.as_deref().and_then(|t| field_of(t, &mapping));
    let recognised = texts.iter().filter(|t| named(t).is_some()).count();
    let filled = texts.iter().filter(|t| t.is_some()).count();
    let leading = texts.iter().find(|t| t.is_some()).and_then(named);
    if recognised < 2 && leading.is_some() && filled <= 2 {
        return blocks(raw, row, first, mapping);
    }
    let columns: Vec<Option<ImportField>> = texts.iter().map(named).collect();
    let found: Vec<ImportField> = columns.iter().flatten().copied().collect();
    required(&found)?;
    let warnings = texts
        .iter()
        .zip(&columns)
        .filter_map(|(text, field)| match (text, field) {
            (Some(header), None) if !ignored_silently(header) => Some(Warning {
                row,
                header: header.clone(),
            }),
            _ => None,
        })
        .collect();
    let records = raw.filter_map(move |item| match item {
        Err(error) => Some(Err(error)),
        Ok((_, cells)) if cells.iter().all(Cell::is_empty) => None,
        Ok((row, cells)) => {
            let fields = columns
                .iter()
                .zip(cells)
                .filter_map(|(field, cell)| field.map(|f| (f, cell)))
                .collect();
            Some(Ok((row, fields)))
        }
    });
    Ok(Detected {
        layout: Layout::Rows,
        columns: found,
        warnings,
        records: Box::new(records),
    })
}

/// The error naming the first required field `found` lacks.
fn required(found: &[ImportField]) -> Result<(), ImportError> {
    match missing_required(found) {
        Some(field) => Err(ImportError::MissingColumn {
            field,
            accepted: field.headers().to_vec(),
        }),
        None => Ok(()),
    }
}

/// A row's label (its first filled cell) and the value beside it.
fn pair(cells: Vec<Cell>) -> Option<(String, Cell)> {
    let at = cells.iter().position(|c| !c.is_empty())?;
    let label = cells[at].as_text()?;
    let value = cells.into_iter().nth(at + 1).unwrap_or(Cell::Empty);
    Some((label, value))
}

/// The block layout: the first block's labels are the sheet's columns.
fn blocks(
    raw: RawRows,
    row: usize,
    first: Vec<Cell>,
    mapping: Vec<(String, ImportField)>,
) -> Result<Detected, ImportError> {
    let mut blocks = Blocks {
        raw,
        carried: Some(Ok((row, first))),
        first_label: None,
    };
    let Some(opening) = blocks.next() else {
        return Err(ImportError::Empty);
    };
    let opening = opening.map_err(|error| ImportError::Unreadable {
        row: error.row,
        reason: error.problem.to_string(),
    })?;
    let found: Vec<ImportField> = opening
        .1
        .iter()
        .filter_map(|(_, label, _)| field_of(label, &mapping))
        .collect();
    required(&found)?;
    let warnings = opening
        .1
        .iter()
        .filter(|(_, label, _)| field_of(label, &mapping).is_none() && !ignored_silently(label))
        .map(|(row, label, _)| Warning {
            row: *row,
            header: label.clone(),
        })
        .collect();
    let labelled = move |(start, pairs): Lines| {
        let fields = pairs
            .into_iter()
            .filter_map(|(_, label, cell)| field_of(&label, &mapping).map(|f| (f, cell)))
            .collect();
        (start, fields)
    };
    let records = std::iter::once(Ok(opening))
        .chain(blocks)
        .map(move |block| block.map(&labelled));
    Ok(Detected {
        layout: Layout::Blocks,
        columns: found,
        warnings,
        records: Box::new(records),
    })
}

/// The rows of a sheet gathered into blocks of (row, label, value).
struct Blocks {
    raw: RawRows,
    /// A row read past the end of the last block: the next one's first.
    carried: Option<RawRow>,
    /// The label that opens every block (normalised).
    first_label: Option<String>,
}

/// A block's first row and its (row, label, value) lines.
type Lines = (usize, Vec<(usize, String, Cell)>);

type Block = Result<Lines, RowError>;

impl Iterator for Blocks {
    type Item = Block;

    fn next(&mut self) -> Option<Block> {
        let mut block: Option<Lines> = None;
        loop {
            let item = self.carried.take().or_else(|| self.raw.next());
            let (row, cells) = match item {
                None => return block.map(Ok),
                Some(Err(error)) if block.is_some() => {
                    self.carried = Some(Err(error));
                    return block.map(Ok);
                }
                Some(Err(error)) => return Some(Err(error)),
                Some(Ok(row)) => row,
            };
            let Some((label, value)) = pair(cells) else {
                match block {
                    Some(done) => return Some(Ok(done)),
                    None => continue,
                }
            };
            let key = super::normalize(&label);
            let first = self.first_label.get_or_insert_with(|| key.clone());
            match &mut block {
                Some(_) if *first == key => {
                    self.carried = Some(Ok((row, vec![Cell::Text(label), value])));
                    return block.map(Ok);
                }
                Some((_, pairs)) => pairs.push((row, label, value)),
                None => block = Some((row, vec![(row, label, value)])),
            }
        }
    }
}

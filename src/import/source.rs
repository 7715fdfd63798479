//! A file's rows as cells, numbered as a spreadsheet numbers them: CSV
//! streamed record by record (its separator sniffed, a BOM skipped),
//! a workbook's first sheet read whole (the format allows no less).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use calamine::{Data, Reader};

use super::cells::Cell;
use super::{ImportError, RowError, RowProblem};

/// One row of a sheet: its number (1-based) and its cells.
pub type RawRow = Result<(usize, Vec<Cell>), RowError>;

/// The rows of a sheet, in order.
pub type RawRows = Box<dyn Iterator<Item = RawRow>>;

const BOM: &[u8] = b"\xef\xbb\xbf";

/// `;` when the first line holds more of them than commas (outside
/// quotes), as a French spreadsheet exports; otherwise `,`.
fn sniff(first_line: &[u8]) -> u8 {
    let mut quoted = false;
    let (mut commas, mut semicolons) = (0, 0);
    for &byte in first_line {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            b'\n' if !quoted => break,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

/// The rows of CSV text from `reader`, read as they are needed.
pub fn csv_rows(reader: impl Read + 'static) -> Result<RawRows, ImportError> {
    let mut buffered = BufReader::with_capacity(64 * 1024, reader);
    let start = buffered.fill_buf().map_err(ImportError::Read)?;
    if start.starts_with(BOM) {
        buffered.consume(BOM.len());
    }
    let separator = sniff(buffered.fill_buf().map_err(ImportError::Read)?);
    let blank_lines = BlankLines {
        inner: buffered,
        buf: Vec::new(),
        at: 0,
        quoted: false,
        line_start: true,
    };
    let records = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(blank_lines)
        .into_records();
    Ok(Box::new(records.enumerate().map(|(at, record)| {
        let row = at + 1;
        match record {
            Ok(record) => Ok((row, record.iter().map(Cell::text).collect())),
            Err(error) => Err(RowError {
                row,
                problem: RowProblem::Unreadable(error.to_string()),
                numbers: (None, None),
            }),
        }
    })))
}

/// A reader that gives every blank line (outside quotes) an empty quoted
/// field: the CSV reader skips blank lines, which are rows to a
/// spreadsheet (and separate blocks), so row numbers stay the sheet's.
struct BlankLines<R> {
    inner: R,
    buf: Vec<u8>,
    at: usize,
    quoted: bool,
    line_start: bool,
}

impl<R: Read> Read for BlankLines<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.buf.len() {
            let mut chunk = [0u8; 8192];
            let read = self.inner.read(&mut chunk)?;
            self.buf.clear();
            self.at = 0;
            for &byte in &chunk[..read] {
                if self.line_start && !self.quoted && (byte == b'\n' || byte == b'\r') {
                    self.buf.extend_from_slice(b"\"\"");
                }
                self.buf.push(byte);
                if byte == b'"' {
                    self.quoted = !self.quoted;
                }
                self.line_start = byte == b'\n' && !self.quoted;
            }
        }
        let count = out.len().min(self.buf.len() - self.at);
        out[..count].copy_from_slice(&self.buf[self.at..self.at + count]);
        self.at += count;
        Ok(count)
    }
}

/// The rows of the first sheet of the workbook at `path`.
pub fn xlsx_rows(path: &Path) -> Result<RawRows, ImportError> {
    let unreadable = |error: calamine::XlsxError| ImportError::Workbook(error.to_string());
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(path).map_err(unreadable)?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(ImportError::NoSheet)?
        .map_err(unreadable)?;
    let first = range.start().map_or(0, |(row, _)| row as usize);
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    let rows: Vec<RawRow> = range
        .rows()
        .enumerate()
        .map(|(at, cells)| {
            let mut row: Vec<Cell> = vec![Cell::Empty; first_column];
            row.extend(cells.iter().map(cell_of));
            Ok((first + at + 1, row))
        })
        .collect();
    Ok(Box::new(rows.into_iter()))
}

fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => Cell::text(text),
        Data::Float(n) => Cell::Number(*n),
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(at) => Cell::Number(at.as_f64()),
        Data::Error(error) => Cell::Text(format!("#{error:?}")),
    }
}

//! render::xlsx: an Excel workbook of one sheet, for people who open
//! results in a spreadsheet (`--format xlsx --output FILE`): typed cells,
//! a bold frozen header, columns as wide as their values.
//!
//! Cells keep their types: integers and money are numbers (money with the
//! `0.00` number format), dates are Excel dates on the wall clock they are
//! shown in (the company's zone, or the one `TZ` chose: the value arrives in
//! that offset), `none` is an empty cell. Text is always a string cell,
//! never a formula, and carries the CSV formula guard besides, so that a
//! sheet saved again as CSV is as safe as epic's own CSV.
//!
//! Rows are written as they arrive to a worksheet in rust_xlsxwriter's
//! constant memory mode, which keeps one row in memory and the rest in a
//! temporary file; the workbook is assembled in another when the result
//! ends, and copied out.

use std::io::{self, Seek, Write};

use rust_xlsxwriter::{Format as CellFormat, Workbook, Worksheet, XlsxError};

use super::csv::guard_formula;
use super::{Column, Kind, Value, display_width};
use crate::text::plain;

/// The widest a column is made, in characters: longer notes wrap the
/// sheet's layout less than they would at their full width.
const MAX_WIDTH: usize = 60;

pub(super) struct XlsxSink<'w> {
    out: &'w mut dyn Write,
    workbook: Workbook,
    sheet: Worksheet,
    /// The widest value of each column so far, the header's included.
    widths: Vec<usize>,
    /// The next row to write (0: the header is still to be written).
    next: u32,
    money: CellFormat,
    date: CellFormat,
    moment: CellFormat,
    /// Reused for each text cell.
    scratch: String,
}

impl<'w> XlsxSink<'w> {
    pub(super) fn new(out: &'w mut dyn Write, columns: &[Column]) -> Self {
        let mut workbook = Workbook::new();
        let sheet = workbook.new_worksheet_with_constant_memory();
        XlsxSink {
            out,
            workbook,
            sheet,
            widths: columns.iter().map(|c| display_width(&c.name)).collect(),
            next: 0,
            money: CellFormat::new().set_num_format("0.00"),
            date: CellFormat::new().set_num_format("yyyy-mm-dd hh:mm"),
            moment: CellFormat::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            scratch: String::new(),
        }
    }

    /// The bold header row, frozen; written with the first row (or by
    /// `finish`), because `RowWriter::new` cannot report an error.
    fn header(&mut self, columns: &[Column]) -> io::Result<()> {
        if self.next > 0 {
            return Ok(());
        }
        self.sheet.set_freeze_panes(1, 0).map_err(xlsx_io)?;
        let bold = CellFormat::new().set_bold();
        for (i, column) in columns.iter().enumerate() {
            self.sheet
                .write_string_with_format(0, col(i)?, &column.name, &bold)
                .map_err(xlsx_io)?;
        }
        self.next = 1;
        Ok(())
    }

    pub(super) fn row(&mut self, columns: &[Column], values: &[Value]) -> io::Result<()> {
        self.header(columns)?;
        let row = self.next;
        for (i, (column, value)) in columns.iter().zip(values).enumerate() {
            let width = self.cell(row, col(i)?, column.kind, value)?;
            self.widths[i] = self.widths[i].max(width);
        }
        self.next += 1;
        Ok(())
    }

    /// Writes one cell; returns how wide it reads, in characters.
    fn cell(&mut self, row: u32, col: u16, kind: Kind, value: &Value) -> io::Result<usize> {
        let sheet = &mut self.sheet;
        let written = match value {
            Value::Null => return Ok(0),
            Value::Bool(b) => sheet.write_boolean(row, col, *b).map(|_| 5),
            // Ids and counts are far below 2^53, where an f64 stops being exact.
            Value::Int(i) => sheet
                .write_number(row, col, *i as f64)
                .map(|_| i.to_string().len()),
            Value::Money(d) => {
                use rust_decimal::prelude::ToPrimitive;
                let amount = d.to_f64().unwrap_or(f64::NAN);
                sheet
                    .write_number_with_format(row, col, amount, &self.money)
                    .map(|_| d.round_dp(2).to_string().len())
            }
            Value::Timestamp(t) => {
                let (format, width) = match kind {
                    Kind::Moment => (&self.moment, 19),
                    _ => (&self.date, 16),
                };
                sheet
                    .write_datetime_with_format(row, col, t.naive_local(), format)
                    .map(|_| width)
            }
            Value::Text(s) => {
                self.scratch.clear();
                guard_formula(&mut self.scratch, s);
                self.scratch.push_str(&plain(s));
                let width = display_width(&self.scratch);
                sheet.write_string(row, col, &self.scratch).map(|_| width)
            }
            Value::Json(document) => {
                let text = super::json::compact(document);
                let width = display_width(&text);
                sheet.write_string(row, col, &text).map(|_| width)
            }
        };
        written.map_err(xlsx_io)
    }

    /// Sizes the columns, then assembles the workbook and writes it out.
    pub(super) fn finish(mut self, columns: &[Column]) -> io::Result<()> {
        self.header(columns)?;
        for (i, width) in self.widths.iter().enumerate() {
            // A little room for the cell's padding and the filter button.
            let width = (*width).clamp(4, MAX_WIDTH) + 2;
            self.sheet
                .set_column_width(col(i)?, width as f64)
                .map_err(xlsx_io)?;
        }
        self.workbook.push_worksheet(self.sheet);
        // A zip file is written with seeks, which a pipe or the batch's
        // output has not: it is assembled in a temporary file, then copied.
        let mut assembled = tempfile::tempfile()?;
        self.workbook
            .save_to_writer(&mut assembled)
            .map_err(xlsx_io)?;
        assembled.seek(io::SeekFrom::Start(0))?;
        io::copy(&mut assembled, &mut self.out)?;
        self.out.flush()
    }
}

/// The sheet column of the `i`th result column.
fn col(i: usize) -> io::Result<u16> {
    u16::try_from(i).map_err(|_| io::Error::other("too many columns for a worksheet"))
}

/// rust_xlsxwriter's error (a row past Excel's 1,048,576, a text past its
/// 32,767 characters) as a failed write, with its own words.
fn xlsx_io(error: XlsxError) -> io::Error {
    match error {
        XlsxError::IoError(error) => error,
        other => io::Error::other(other.to_string()),
    }
}

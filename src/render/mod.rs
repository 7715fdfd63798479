//! render: the last step of the flow — rows and their columns to table,
//! vertical record, CSV or JSON, and the status lines a command writes
//! beside them ([`Status`], and `explain`'s explanation). The only module
//! that formats query output; this file owns the entry point,
//! [`RowWriter`], and what it is given ([`Column`], [`Style`]) and reports
//! ([`Summary`]).
//!
//! Keeping every output format in one place means a value is turned into text
//! by exactly one set of rules: a money amount cannot be exact in CSV and
//! rounded in a table, a timestamp cannot be RFC 3339 in one format and
//! something else in another by accident.
//!
//! **Streaming.** A query can return millions of rows, so the writer never
//! holds them all: the caller feeds a [`RowWriter`] one row at a time and the
//! writer's memory stays bounded whatever the row count. CSV and JSON go out
//! as each row arrives. A table needs column widths before its first line, so
//! it buffers one chunk ([`CHUNK_ROWS`] rows), measures it, prints it, and
//! keeps those widths for the rest of the stream; later text that does not
//! fit is cut with `…` (a later number wider than the first chunk's is shown
//! whole). The result is one aligned table with a single header, however
//! many chunks it took. A first chunk whose ids, numbers, money and dates
//! cannot fit the terminal even with its text cut makes the whole stream
//! vertical records (`set expanded auto`, [`Expanded`]).
//!
//! **Widths.** Everything is measured in terminal columns (display width), not
//! bytes or chars, so accented names and CJK text line up. A table is shrunk
//! to the terminal width when there is one (or `COLUMNS`); a pipe gets full
//! values. Only a [`Kind::Text`] column is ever cut, at a word where it can.
//! A table shows numbers grouped (`12,000`), money with its currency
//! (`€12,000.00`) and dates compactly (`Jun 04 13:00`, the year when it is
//! not [`Style::year`]; a [`Kind::Moment`] to the second); vertical, CSV
//! and JSON keep the full forms. A JSON document ([`Value::Json`]: the
//! audit trail's changes) is itself in JSON, its compact text in CSV, and
//! readable text in a table or record (`support: Théo Marchand → Kate
//! Hastroff`).
//!
//! **Neutralising.** Text coming from the database is never allowed to
//! drive the terminal or reorder what it shows, whatever path it takes out:
//! every character the plain-text rule refuses ([`crate::validate::refused`])
//! goes through [`one_line`] (a table cell, a name in a message, a
//! notification: a newline becomes `↵`) or [`plain`] (vertical records, CSV,
//! error reports: lines kept) and is shown as `�`; JSON escapes it. Both
//! live in the leaf [`crate::text`], which the other steps use too.
//!
//! **Formats.** Tables are for people, so they are the only format that cuts
//! values; the vertical record shows whole values; CSV and JSON are for
//! programs, so they carry exact, typed values and never colour or paging.
//! CSV is also opened by spreadsheets, which run a cell that starts like a
//! formula: such text cells get a leading `'` unless the caller asks for
//! raw CSV ([`Style::raw_csv`]). Two forms are for spreadsheets alone:
//! `csv-excel` (CSV with a byte order mark and `;`, as Excel reads it in
//! every locale) and `xlsx` (a workbook of typed cells, whose text gets the
//! same guard whatever `raw_csv` says: a workbook is for people).
//!
//! **Where each part lives.** One module per output form: `table` (chunks
//! drawn by prettytable with the first chunk's widths), `vertical` (psql's
//! `\x` records), `csv` (and its Excel dialect), `json` and `xlsx`; `status` the status lines and
//! `explain`; `width` measures and cuts text in
//! terminal columns. What the other steps share with this one lives in leaf
//! modules outside it, so that they need not import `render`:
//! [`crate::value`] (the typed cells `db` reads), [`crate::format`] (the
//! format names `syntax` parses) and [`crate::text`] (neutralising).

mod csv;
mod json;
pub mod pager;
mod status;
mod table;
mod vertical;
mod width;
mod xlsx;

#[cfg(test)]
mod tests;

use std::io::{self, Write};

use self::csv::CsvSink;
use self::json::JsonSink;
use self::table::TableSink;
use self::vertical::VerticalSink;
use self::xlsx::XlsxSink;

pub use self::status::{Moved, Status, Undone, explain, status};
pub use self::table::{CHUNK_ROWS, MIN_COLUMN_WIDTH};
pub use self::width::{display_width, terminal_width, truncate_to_width};
// What `RowWriter` takes, where its callers find it.
pub use crate::format::{Expanded, Format};
pub use crate::value::Value;

/// Where a column's cells sit in a table; numbers read best right-aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// What a column holds, which decides how a table shows it: ids, numbers,
/// money and dates are facts and are never cut (a table too narrow for them
/// gives way to vertical records instead); text gives way first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Names, emails, locations, notes: cut at a word, with `…`.
    Text,
    /// A record's number: plain digits (`1023`).
    Id,
    /// A count or an amount of things: thousands separated (`12,000`).
    Number,
    /// Money: thousands separated, two decimals, the currency (`€12,000.00`).
    Money,
    /// A point in time: `Jun 04 13:00` this year, `Jun 04 2023 13:00` otherwise.
    Date,
    /// A point in time to the second (`Jun 04 13:00:07`; a record's
    /// `2023-06-04 13:00:07 +02:00`): the audit trail's, whose entries of
    /// one minute must read in their order.
    Moment,
    /// `true` or `false`.
    Flag,
}

impl Kind {
    /// Whether a table may cut this column's cells.
    pub fn may_be_cut(self) -> bool {
        self == Kind::Text
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub align: Align,
    pub kind: Kind,
    /// The value the query's filter gives every row (`none`, `me`, `true`):
    /// a table leaves the column out and says so in a footer line.
    pub constant: Option<String>,
}

impl Column {
    pub fn new(name: impl Into<String>, align: Align) -> Self {
        let kind = match align {
            Align::Left => Kind::Text,
            Align::Right => Kind::Number,
        };
        Column {
            name: name.into(),
            align,
            kind,
            constant: None,
        }
    }

    /// A column of `kind`, aligned as that kind reads best.
    pub fn of(name: impl Into<String>, kind: Kind) -> Self {
        let align = match kind {
            Kind::Id | Kind::Number | Kind::Money => Align::Right,
            Kind::Text | Kind::Date | Kind::Moment | Kind::Flag => Align::Left,
        };
        Column {
            kind,
            ..Column::new(name, align)
        }
    }

    /// A text column.
    pub fn left(name: impl Into<String>) -> Self {
        Column::new(name, Align::Left)
    }

    /// A number or money column.
    pub fn right(name: impl Into<String>) -> Self {
        Column::new(name, Align::Right)
    }

    /// The same column, which the filter makes `value` in every row.
    pub fn constant(self, value: impl Into<String>) -> Self {
        Column {
            constant: Some(value.into()),
            ..self
        }
    }
}

/// Colour only on a terminal, and never when `NO_COLOR` is set.
pub fn use_color() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether output gets colour under the `color` setting: `auto` in the
/// interactive shell as [`use_color`] says, `always` and `never` whatever
/// it says.
pub fn colored(color: crate::format::Color, interactive: bool) -> bool {
    use crate::format::Color;
    match color {
        Color::Auto => interactive && use_color(),
        Color::Always => true,
        Color::Never => false,
    }
}

/// What the destination can show. The default (no colour, no width, no page)
/// is what a pipe or a file wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// ANSI bold for headers; only for a terminal that asked for it.
    pub color: bool,
    /// Terminal width in columns; `None` = unbounded (pipes).
    pub width: Option<usize>,
    /// Table or vertical rows shown before stopping (interactive shell);
    /// `None` = all.
    pub page: Option<usize>,
    /// CSV text cells exactly as stored, for programs: no `'` before a
    /// leading `=`, `+`, `-`, `@`, tab or carriage return (`--raw-csv`).
    pub raw_csv: bool,
    /// When a table gives way to vertical records (`set expanded`).
    pub expanded: Expanded,
    /// How a table shows the currency of money (`€`, `$`, `CHF `), before
    /// the amount (`EPIC_CURRENCY`).
    pub currency: &'static str,
    /// The current year, which a table's dates leave out (`Jun 04 13:00`);
    /// every other year is shown (`Jun 04 2023 13:00`). 0: always shown.
    pub year: i32,
    /// The zone a table's times are in when it is not the company's: each
    /// then names it (`Jun 04 07:00 EDT`). `None`: the company's, unnamed.
    pub zone: Option<crate::zone::Tz>,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: false,
            width: None,
            page: None,
            raw_csv: false,
            expanded: Expanded::Auto,
            currency: "€",
            year: 0,
            zone: None,
        }
    }
}

/// What [`RowWriter::finish`] reports, so the caller can say "N more rows".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Rows fed to the writer.
    pub rows: u64,
    /// Rows actually written; less than `rows` when the page cut the output.
    pub shown: u64,
}

/// Streams rows to `out` in a format: begin once, row many times, finish once.
///
/// `finish` must be called: a table keeps its last chunk (and its bottom
/// border) until then, and every format flushes there.
pub struct RowWriter<'w> {
    columns: Vec<Column>,
    style: Style,
    sink: Sink<'w>,
    rows: u64,
    shown: u64,
}

enum Sink<'w> {
    Table(TableSink<'w>),
    Vertical(VerticalSink<'w>),
    // Boxed: the csv writer carries its state inline and would size every
    // variant like itself.
    Csv(Box<CsvSink<'w>>),
    Json(JsonSink<'w>),
    // Boxed like CSV: the workbook and its formats are large.
    Xlsx(Box<XlsxSink<'w>>),
}

impl<'w> RowWriter<'w> {
    pub fn new(out: &'w mut dyn Write, format: Format, style: Style, columns: Vec<Column>) -> Self {
        let sink = match format {
            Format::Table if style.expanded == Expanded::On => {
                Sink::Vertical(VerticalSink::new(out, &columns))
            }
            Format::Table => Sink::Table(TableSink::new(out, &columns)),
            Format::Vertical => Sink::Vertical(VerticalSink::new(out, &columns)),
            Format::Csv => Sink::Csv(Box::new(CsvSink::new(out, style.raw_csv, false))),
            Format::CsvExcel => Sink::Csv(Box::new(CsvSink::new(out, style.raw_csv, true))),
            Format::Json => Sink::Json(JsonSink::new(out, &columns)),
            Format::Xlsx => Sink::Xlsx(Box::new(XlsxSink::new(out, &columns))),
        };
        RowWriter {
            columns,
            style,
            sink,
            rows: 0,
            shown: 0,
        }
    }

    /// Writes (or, for a table, buffers a copy of) one row. `values` must
    /// have one value per column.
    pub fn row(&mut self, values: &[Value]) -> io::Result<()> {
        if values.len() != self.columns.len() {
            // A caller bug, but output is the wrong place to panic: report it
            // as a failed write and let the shell carry on.
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "row has {} values for {} columns",
                    values.len(),
                    self.columns.len()
                ),
            ));
        }
        self.rows += 1;
        let paged = matches!(self.sink, Sink::Table(_) | Sink::Vertical(_));
        if paged
            && self
                .style
                .page
                .is_some_and(|page| self.shown >= page as u64)
        {
            // Keep counting so the caller can say how many rows were cut.
            return Ok(());
        }
        self.shown += 1;
        match &mut self.sink {
            Sink::Table(sink) => sink.row(&self.columns, &self.style, values),
            Sink::Vertical(sink) => sink.row(&self.style, self.shown, values),
            Sink::Csv(sink) => sink.row(&self.columns, values),
            Sink::Json(sink) => sink.row(values),
            Sink::Xlsx(sink) => sink.row(&self.columns, values),
        }
    }

    /// Writes whatever the format still owes (last table chunk and bottom
    /// border, CSV header of an empty result, closing `]`) and flushes.
    pub fn finish(self) -> io::Result<Summary> {
        let RowWriter {
            columns,
            style,
            sink,
            rows,
            shown,
        } = self;
        match sink {
            Sink::Table(mut sink) => sink.finish(&columns, &style)?,
            Sink::Vertical(sink) => sink.finish()?,
            Sink::Csv(mut sink) => sink.finish(&columns)?,
            Sink::Json(sink) => sink.finish()?,
            Sink::Xlsx(sink) => sink.finish(&columns)?,
        }
        Ok(Summary { rows, shown })
    }

    /// Rows held in memory, waiting to be written. Bounded by [`CHUNK_ROWS`].
    #[cfg(test)]
    fn buffered_rows(&self) -> usize {
        match &self.sink {
            Sink::Table(sink) => sink.pending.len(),
            Sink::Vertical(_) | Sink::Csv(_) | Sink::Json(_) | Sink::Xlsx(_) => 0,
        }
    }
}

/// ANSI bold and back, for headers (table and vertical) on a terminal that
/// asked for colour.
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Booleans read as the query language writes them (`signed = true`).
fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

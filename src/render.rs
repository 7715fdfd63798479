//! render: the last stage of the flow — rows and their columns to table,
//! vertical record, CSV or JSON. The only module that formats query output.
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
//! keeps those widths for the rest of the stream; later cells that do not fit
//! are cut with `…`. The result is one aligned table with a single header,
//! however many chunks it took.
//!
//! **Widths.** Everything is measured in terminal columns (display width), not
//! bytes or chars, so accented names and CJK text line up. A table is shrunk
//! to the terminal width when there is one; a pipe gets full values.
//!
//! **Neutralising.** Text coming from the database is never allowed to
//! drive the terminal or reorder what it shows, whatever path it takes out:
//! every character the plain-text rule refuses ([`crate::validate::refused`])
//! goes through [`one_line`] (a table cell, a name in a message, a
//! notification: a newline becomes `↵`) or [`plain`] (vertical records, CSV,
//! error reports: lines kept) and is shown as `�`; JSON escapes it. Input is
//! checked against the same rule, so only text stored before it, or by hand,
//! ever needs this.
//!
//! **Formats.** Tables are for people, so they are the only format that cuts
//! values; the vertical record shows whole values; CSV and JSON are for
//! programs, so they carry exact, typed values and never colour or paging.
//! CSV is also opened by spreadsheets, which run a cell that starts like a
//! formula: such text cells get a leading `'` unless the caller asks for
//! raw CSV ([`Style::raw_csv`]).

use std::borrow::Cow;
use std::io::{self, Write};

use prettytable::format::{FormatBuilder, LinePosition, LineSeparator, TableFormat};
use prettytable::{Cell, Row, Table};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::validate::{Lines, refused};

// What moved to the leaf modules, re-exported so that `render::Format` and
// `render::Value` (what `RowWriter` takes) stay where callers find them.
// `syntax`, `db` and the shell still import `FORMAT_NAMES`, `one_line` and
// `plain` from here too; they will import them from `format` and `text`.
pub use crate::format::{FORMAT_NAMES, Format, UnknownFormat};
pub use crate::text::{one_line, plain};
pub use crate::value::Value;

/// Rows a table buffers before it commits to column widths. Large enough that
/// the widths represent the data, small enough that the first screen appears
/// promptly and memory stays flat.
pub const CHUNK_ROWS: usize = 256;

/// A column is not shrunk below this many terminal columns (or its header's
/// width when that is narrower): a few characters and an ellipsis still tell
/// rows apart, one character does not.
pub const MIN_COLUMN_WIDTH: usize = 6;

/// Where a column's cells sit in a table; numbers read best right-aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub align: Align,
}

impl Column {
    pub fn new(name: impl Into<String>, align: Align) -> Self {
        Column {
            name: name.into(),
            align,
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
}

/// What the destination can show. The default (no colour, no width, no page)
/// is what a pipe or a file wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
}

impl<'w> RowWriter<'w> {
    pub fn new(out: &'w mut dyn Write, format: Format, style: Style, columns: Vec<Column>) -> Self {
        let sink = match format {
            Format::Table => Sink::Table(TableSink::new(out)),
            Format::Vertical => Sink::Vertical(VerticalSink::new(out, &columns)),
            Format::Csv => Sink::Csv(Box::new(CsvSink::new(out, style.raw_csv))),
            Format::Json => Sink::Json(JsonSink::new(out, &columns)),
        };
        RowWriter {
            columns,
            style,
            sink,
            rows: 0,
            shown: 0,
        }
    }

    /// Writes (or, for a table, buffers) one row. `values` must have one
    /// value per column.
    pub fn row(&mut self, values: Vec<Value>) -> io::Result<()> {
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
            Sink::Table(sink) => sink.row(&self.columns, &self.style, &values),
            Sink::Vertical(sink) => sink.row(&self.style, self.shown, &values),
            Sink::Csv(sink) => sink.row(&self.columns, &values),
            Sink::Json(sink) => sink.row(&values),
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
        }
        Ok(Summary { rows, shown })
    }

    /// Rows held in memory, waiting to be written. Bounded by [`CHUNK_ROWS`].
    #[cfg(test)]
    fn buffered_rows(&self) -> usize {
        match &self.sink {
            Sink::Table(sink) => sink.pending.len(),
            Sink::Vertical(_) | Sink::Csv(_) | Sink::Json(_) => 0,
        }
    }
}

/// Display width in terminal columns (Unicode East Asian width, combining
/// marks count zero).
pub fn display_width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` so that it fits in `width` columns, ending with `…` when anything
/// was cut. The result is never wider than `width`.
pub fn truncate_to_width(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let room = width - 1; // the ellipsis takes one column
    let mut kept = String::new();
    let mut used = 0;
    for ch in s.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        kept.push(ch);
        used += w;
    }
    // Char widths are summed above, but a string's width can differ from the
    // sum (emoji and script ligatures), so check the real width and give up
    // characters until the promise holds.
    while display_width(&kept) > room {
        kept.pop();
    }
    kept.push('…');
    kept
}

/// Width of the terminal on stdout, or `None` when stdout is not a terminal.
pub fn terminal_width() -> Option<usize> {
    terminal_size::terminal_size_of(io::stdout())
        .map(|(terminal_size::Width(cols), _)| usize::from(cols))
}

const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Text for a vertical record: whole lines are kept (the record shows full
/// values), neutralised as by [`plain`].
fn lines_of(s: &str) -> Vec<Cow<'_, str>> {
    let line = |l: &str| l.strip_suffix('\r').unwrap_or(l).len();
    match plain(s) {
        Cow::Borrowed(s) => s
            .split('\n')
            .map(|l| Cow::Borrowed(&l[..line(l)]))
            .collect(),
        Cow::Owned(s) => s
            .split('\n')
            .map(|l| Cow::Owned(l[..line(l)].to_owned()))
            .collect(),
    }
}

/// The psql convention: NULL is shown as nothing in the human formats.
fn table_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Null => Cow::Borrowed(""),
        Value::Bool(b) => Cow::Borrowed(bool_text(*b)),
        Value::Int(i) => Cow::Owned(i.to_string()),
        Value::Money(d) => Cow::Owned(d.to_string()),
        Value::Text(s) => one_line(s),
        Value::Timestamp(t) => Cow::Owned(t.format("%Y-%m-%d %H:%M").to_string()),
    }
}

/// Booleans read as the query language writes them (`signed = true`).
fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// Pads `s` (already no wider than `width`) to exactly `width` columns.
fn pad(s: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(display_width(s)));
    match align {
        Align::Left => format!("{s}{fill}"),
        Align::Right => format!("{fill}{s}"),
    }
}

fn fit(s: &str, width: usize, align: Align) -> String {
    pad(&truncate_to_width(s, width), width, align)
}

/// Terminal columns a table line takes besides its cells: `| ` before the
/// first cell, ` | ` between cells, ` |` after the last.
fn table_chrome(columns: usize) -> usize {
    1 + 3 * columns
}

/// Column widths that fit `budget` cell columns in total, taken from the
/// widest columns first: every column wider than some cap is cut to the cap,
/// none below its minimum, and the columns' natural widths are never
/// exceeded. If even the minimums do not fit, the minimums are returned and
/// the line will be wider than asked: unreadable stumps help nobody.
fn fit_widths(natural: &[usize], minimum: &[usize], budget: usize) -> Vec<usize> {
    if natural.iter().sum::<usize>() <= budget {
        return natural.to_vec();
    }
    let floor: Vec<usize> = natural
        .iter()
        .zip(minimum)
        .map(|(&n, &m)| n.min(m))
        .collect();
    if floor.iter().sum::<usize>() >= budget {
        return floor;
    }
    let capped = |cap: usize| -> Vec<usize> {
        natural
            .iter()
            .zip(&floor)
            .map(|(&n, &f)| n.min(cap).max(f))
            .collect()
    };
    // The largest cap that fits; the sum grows with the cap, so bisect.
    // cap = 0 yields the floors, which fit (checked above).
    let (mut fits, mut too_wide) = (0, natural.iter().copied().max().unwrap_or(0));
    while fits + 1 < too_wide {
        let mid = fits + (too_wide - fits) / 2;
        if capped(mid).iter().sum::<usize>() <= budget {
            fits = mid;
        } else {
            too_wide = mid;
        }
    }
    let mut widths = capped(fits);
    // One more column for some of the capped columns uses up what the integer
    // cap left over; fewer than all of them, or `fits + 1` would have fit.
    let mut slack = budget.saturating_sub(widths.iter().sum());
    let mut order: Vec<usize> = (0..widths.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(natural[i]));
    for i in order {
        if slack == 0 {
            break;
        }
        if natural[i] > widths[i] {
            widths[i] += 1;
            slack -= 1;
        }
    }
    widths
}

/// Table output in chunks.
///
/// prettytable draws a whole table at a time and measures its own column
/// widths, which does not stream. So each chunk is printed as a table of its
/// own, whose format carries only the lines that chunk owns (top border and
/// header rule for the first, bottom border for the last), and every cell is
/// padded here to the widths fixed by the first chunk: prettytable then
/// measures exactly those widths and the chunks join into one table.
/// prettytable measures with an older unicode-width; the two agree on all but
/// a few exotic emoji and script sequences.
struct TableSink<'w> {
    out: &'w mut dyn Write,
    /// Fixed when the first chunk is printed.
    widths: Option<Vec<usize>>,
    /// Rows waiting to be printed, as single-line text.
    pending: Vec<Vec<String>>,
}

impl<'w> TableSink<'w> {
    fn new(out: &'w mut dyn Write) -> Self {
        TableSink {
            out,
            widths: None,
            pending: Vec::new(),
        }
    }

    fn row(&mut self, columns: &[Column], style: &Style, values: &[Value]) -> io::Result<()> {
        if columns.is_empty() {
            // prettytable would draw `||` lines for a table without columns.
            return Ok(());
        }
        // Print a full chunk only once another row shows up, so that the
        // chunk printed by `finish` is never empty and can carry the bottom
        // border.
        if self.pending.len() >= CHUNK_ROWS {
            self.print_pending(columns, style, false)?;
        }
        let cells = values
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let text = table_text(value);
                match &self.widths {
                    // Cut now so that a huge value does not sit in the buffer.
                    Some(widths) => truncate_to_width(&text, widths[i]),
                    None => text.into_owned(),
                }
            })
            .collect();
        self.pending.push(cells);
        Ok(())
    }

    fn finish(&mut self, columns: &[Column], style: &Style) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.print_pending(columns, style, true)?;
        }
        self.out.flush()
    }

    fn print_pending(&mut self, columns: &[Column], style: &Style, last: bool) -> io::Result<()> {
        let first = self.widths.is_none();
        let pending = &self.pending;
        let widths = self
            .widths
            .get_or_insert_with(|| measure(columns, pending, style.width));

        let mut table = Table::new();
        table.set_format(table_format(first, last));
        let titles: Vec<String> = if first {
            columns
                .iter()
                .zip(widths.iter())
                .map(|(column, &width)| fit(&one_line(&column.name), width, column.align))
                .collect()
        } else {
            Vec::new()
        };
        if first {
            table.set_titles(Row::new(
                titles.iter().map(|title| Cell::new(title)).collect(),
            ));
        }
        for cells in self.pending.drain(..) {
            let row = cells
                .iter()
                .zip(columns.iter().zip(widths.iter()))
                .map(|(text, (column, &width))| Cell::new(&fit(text, width, column.align)))
                .collect();
            table.add_row(Row::new(row));
        }
        // Drawn in memory, then written at once: prettytable writes borders a
        // character at a time, and the header may still need its colour.
        let mut drawn = Vec::new();
        table.print(&mut drawn)?;
        if first && style.color {
            if let Some(bold) = embolden_header(&drawn, &titles) {
                drawn = bold;
            }
        }
        self.out.write_all(&drawn)?;
        // A chunk is the unit a reader waits for; do not let it sit in a
        // caller's buffer.
        self.out.flush()
    }
}

/// Makes the header line of a drawn table bold.
///
/// prettytable tries to skip ANSI sequences when it measures a cell, but with
/// the unicode-width it is built on it still counts each escape character as
/// a column, so a bold title would widen its column. The header is therefore
/// drawn plain and the escapes are added here, once the widths are settled.
/// `None` (stay plain) if the header line is not the expected one.
fn embolden_header(drawn: &[u8], titles: &[String]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(drawn).ok()?;
    let mut lines = text.splitn(3, '\n');
    let (top, header, rest) = (lines.next()?, lines.next()?, lines.next()?);
    if header != format!("| {} |", titles.join(" | ")) {
        return None;
    }
    let bold: Vec<String> = titles
        .iter()
        .map(|title| format!("{BOLD}{title}{RESET}"))
        .collect();
    Some(format!("{top}\n| {} |\n{rest}", bold.join(" | ")).into_bytes())
}

/// Widths from the header and the first chunk, shrunk to the terminal.
fn measure(columns: &[Column], rows: &[Vec<String>], max_width: Option<usize>) -> Vec<usize> {
    let headers: Vec<usize> = columns
        .iter()
        .map(|column| display_width(&one_line(&column.name)))
        .collect();
    let natural: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, &header)| {
            rows.iter()
                .filter_map(|cells| cells.get(i))
                .map(|text| display_width(text))
                .fold(header, usize::max)
        })
        .collect();
    match max_width {
        None => natural,
        Some(max_width) => {
            let minimum: Vec<usize> = headers
                .iter()
                .map(|&header| header.clamp(1, MIN_COLUMN_WIDTH))
                .collect();
            let budget = max_width.saturating_sub(table_chrome(columns.len()));
            fit_widths(&natural, &minimum, budget)
        }
    }
}

/// psql's look: ASCII borders, a rule under the header, no rules between
/// rows. Only the first chunk has the top and the header; only the last has
/// the bottom.
fn table_format(first: bool, last: bool) -> TableFormat {
    let rule = LineSeparator::new('-', '+', '+', '+');
    let mut format = FormatBuilder::new()
        .column_separator('|')
        .borders('|')
        .padding(1, 1);
    if first {
        format = format
            .separator(LinePosition::Top, rule)
            .separator(LinePosition::Title, rule);
    }
    if last {
        format = format.separator(LinePosition::Bottom, rule);
    }
    format.build()
}

/// psql's `\x` layout: a `-[ RECORD n ]` rule, then `name | value` lines.
struct VerticalSink<'w> {
    out: &'w mut dyn Write,
    /// Column names made safe, and the width they are padded to.
    names: Vec<String>,
    name_width: usize,
    /// Reused for each record so a record costs one write.
    buf: String,
}

impl<'w> VerticalSink<'w> {
    fn new(out: &'w mut dyn Write, columns: &[Column]) -> Self {
        let names: Vec<String> = columns
            .iter()
            .map(|column| one_line(&column.name).into_owned())
            .collect();
        let name_width = names
            .iter()
            .map(|name| display_width(name))
            .max()
            .unwrap_or(0);
        VerticalSink {
            out,
            names,
            name_width,
            buf: String::new(),
        }
    }

    fn row(&mut self, style: &Style, number: u64, values: &[Value]) -> io::Result<()> {
        if self.names.is_empty() {
            // A record without fields would be a bare rule; show nothing, as
            // the table does.
            return Ok(());
        }
        let texts: Vec<Cow<'_, str>> = values.iter().map(vertical_text).collect();
        let lines: Vec<Vec<Cow<'_, str>>> = texts.iter().map(|text| lines_of(text)).collect();
        // The rule spans the record's widest line (capped by the terminal), as
        // in psql, with a `+` where it crosses the `|` column.
        let widest = lines
            .iter()
            .flatten()
            .map(|line| self.name_width + 3 + display_width(line))
            .max()
            .unwrap_or(0);
        let label = format!("-[ RECORD {number} ]");
        let rule_width = widest
            .min(style.width.unwrap_or(usize::MAX))
            .max(label.len());
        let crossing = self.name_width + 1;

        self.buf.clear();
        self.buf.push_str(&label);
        for at in label.len()..rule_width {
            self.buf.push(if at == crossing { '+' } else { '-' });
        }
        self.buf.push('\n');
        let blank = " ".repeat(self.name_width);
        for (name, value_lines) in self.names.iter().zip(&lines) {
            for (i, line) in value_lines.iter().enumerate() {
                if i == 0 {
                    let padded = pad(name, self.name_width, Align::Left);
                    if style.color {
                        self.buf.push_str(BOLD);
                        self.buf.push_str(&padded);
                        self.buf.push_str(RESET);
                    } else {
                        self.buf.push_str(&padded);
                    }
                } else {
                    self.buf.push_str(&blank);
                }
                // No trailing space after `|` for an empty value.
                self.buf.push_str(" |");
                if !line.is_empty() {
                    self.buf.push(' ');
                    self.buf.push_str(line);
                }
                self.buf.push('\n');
            }
        }
        self.out.write_all(self.buf.as_bytes())
    }

    fn finish(self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Like the table, but with the offset shown: a record is read closely and
/// has the room.
fn vertical_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Timestamp(t) => Cow::Owned(t.format("%Y-%m-%d %H:%M %:z").to_string()),
        Value::Text(s) => Cow::Borrowed(s),
        other => table_text(other),
    }
}

/// CSV through the csv crate, which owns quoting and keeps a fixed-size
/// buffer of its own.
struct CsvSink<'w> {
    writer: csv::Writer<&'w mut dyn Write>,
    header_written: bool,
    /// Each field is written here first, so a field costs no allocation.
    scratch: String,
    /// No formula guard ([`Style::raw_csv`]).
    raw: bool,
}

impl<'w> CsvSink<'w> {
    fn new(out: &'w mut dyn Write, raw: bool) -> Self {
        // `\n` record terminators (the csv crate's default) rather than
        // RFC 4180's `\r\n`: the output is mostly read by Unix tools, and
        // spreadsheets accept both. Quoting follows RFC 4180.
        CsvSink {
            writer: csv::Writer::from_writer(out),
            header_written: false,
            scratch: String::new(),
            raw,
        }
    }

    /// The header is written with the first row (or by `finish`), because
    /// `RowWriter::new` cannot report a write error.
    fn header(&mut self, columns: &[Column]) -> io::Result<()> {
        if !self.header_written {
            self.header_written = true;
            self.writer
                .write_record(columns.iter().map(|column| column.name.as_bytes()))
                .map_err(csv_io)?;
        }
        Ok(())
    }

    fn row(&mut self, columns: &[Column], values: &[Value]) -> io::Result<()> {
        self.header(columns)?;
        for value in values {
            self.scratch.clear();
            write_csv_text(&mut self.scratch, value, self.raw);
            self.writer
                .write_field(self.scratch.as_bytes())
                .map_err(csv_io)?;
        }
        self.writer.write_record(None::<&[u8]>).map_err(csv_io)?;
        Ok(())
    }

    fn finish(&mut self, columns: &[Column]) -> io::Result<()> {
        self.header(columns)?;
        self.writer.flush()
    }
}

/// The csv crate's error as the I/O error it carries. Its own conversion
/// makes every error `ErrorKind::Other`, which hid a closed pipe (`epic
/// --format csv ... | head`) from the shell and made it a failure.
fn csv_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Characters a spreadsheet reads as the start of a formula (or, tab and
/// carriage return, skips before one) at the beginning of a cell.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Exact, machine-readable text: NULL is an empty field, money keeps its
/// scale, timestamps are RFC 3339 with their offset (as `to_rfc3339`).
/// Text is [`plain`], and unless `raw`, a text cell that a spreadsheet would
/// run as a formula gets a leading `'` (OWASP's advice for CSV injection);
/// numbers, money and times are typed values, never formulas, and stay as
/// they are (`-3` is a number).
fn write_csv_text(buf: &mut String, value: &Value, raw: bool) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = match value {
        Value::Null => Ok(()),
        Value::Bool(b) => buf.write_str(bool_text(*b)),
        Value::Int(i) => write!(buf, "{i}"),
        Value::Money(d) => write!(buf, "{d}"),
        Value::Text(s) => {
            if !raw && s.starts_with(FORMULA_STARTS) {
                buf.push('\'');
            }
            buf.write_str(&plain(s))
        }
        // chrono's own RFC 3339 writer is several times faster than a
        // format string.
        Value::Timestamp(t) => buf.write_str(&t.to_rfc3339()),
    };
}

/// A JSON array with one object per line, written as rows arrive: `[` with
/// the first row, `,` before each later one, `]` at the end.
struct JsonSink<'w> {
    out: &'w mut dyn Write,
    /// Column names, already JSON-encoded with their quotes.
    keys: Vec<String>,
    wrote_row: bool,
    /// Reused for each row so a row costs one write.
    buf: Vec<u8>,
}

impl<'w> JsonSink<'w> {
    fn new(out: &'w mut dyn Write, columns: &[Column]) -> Self {
        let keys = columns
            .iter()
            .map(|column| serde_json::Value::from(column.name.as_str()).to_string())
            .collect();
        JsonSink {
            out,
            keys,
            wrote_row: false,
            buf: Vec::new(),
        }
    }

    fn row(&mut self, values: &[Value]) -> io::Result<()> {
        self.buf.clear();
        self.buf
            .extend_from_slice(if self.wrote_row { b",\n{" } else { b"[\n{" });
        for (i, (key, value)) in self.keys.iter().zip(values).enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.buf.extend_from_slice(key.as_bytes());
            self.buf.push(b':');
            write_json(&mut self.buf, value)?;
        }
        self.buf.push(b'}');
        self.wrote_row = true;
        self.out.write_all(&self.buf)
    }

    fn finish(self) -> io::Result<()> {
        let end: &[u8] = if self.wrote_row { b"\n]\n" } else { b"[]\n" };
        self.out.write_all(end)?;
        self.out.flush()
    }
}

/// Typed JSON. Money is written as the decimal's own digits, a valid JSON
/// number literal, so that no f64 ever rounds an amount.
fn write_json(buf: &mut Vec<u8>, value: &Value) -> io::Result<()> {
    match value {
        Value::Null => buf.extend_from_slice(b"null"),
        Value::Bool(b) => buf.extend_from_slice(bool_text(*b).as_bytes()),
        Value::Int(i) => write!(buf, "{i}")?,
        Value::Money(d) => write!(buf, "{d}")?,
        Value::Text(s) => write_json_string(buf, s),
        Value::Timestamp(t) => serde_json::to_writer(&mut *buf, &t.to_rfc3339())?,
    }
    Ok(())
}

/// A JSON string that no terminal can be driven by: besides the quote and
/// the backslash, every character stored text may not hold
/// ([`crate::validate::refused`]) is escaped, the C0 controls as JSON requires and
/// DEL, C1 and the bidirectional controls too (`\u202e`), which JSON allows
/// raw. A parser reads back exactly the stored text.
fn write_json_string(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    let mut plain_from = 0;
    for (at, c) in s.char_indices() {
        let escape: Cow<'static, str> = match c {
            '"' => Cow::Borrowed("\\\""),
            '\\' => Cow::Borrowed("\\\\"),
            '\n' => Cow::Borrowed("\\n"),
            '\t' => Cow::Borrowed("\\t"),
            '\r' => Cow::Borrowed("\\r"),
            c if refused(c, Lines::One) => Cow::Owned(format!("\\u{:04x}", u32::from(c))),
            _ => continue,
        };
        buf.extend_from_slice(&s.as_bytes()[plain_from..at]);
        buf.extend_from_slice(escape.as_bytes());
        plain_from = at + c.len_utf8();
    }
    buf.extend_from_slice(&s.as_bytes()[plain_from..]);
    buf.push(b'"');
}
#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use std::cell::Cell as Shared;
    use std::rc::Rc;

    fn ts(s: &str) -> Value {
        Value::Timestamp(DateTime::parse_from_rfc3339(s).unwrap())
    }

    fn money(s: &str) -> Value {
        Value::Money(s.parse().unwrap())
    }

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    fn render(
        format: Format,
        style: Style,
        columns: &[Column],
        rows: &[Vec<Value>],
    ) -> (String, Summary) {
        let mut out = Vec::new();
        let mut writer = RowWriter::new(&mut out, format, style, columns.to_vec());
        for row in rows {
            writer.row(row.clone()).unwrap();
        }
        let summary = writer.finish().unwrap();
        (String::from_utf8(out).unwrap(), summary)
    }

    #[track_caller]
    fn check(
        format: Format,
        style: Style,
        columns: &[Column],
        rows: &[Vec<Value>],
        expected: &str,
    ) {
        let (actual, summary) = render(format, style, columns, rows);
        assert_eq!(
            actual, expected,
            "\n--- actual ---\n{actual}\n--- expected ---\n{expected}"
        );
        assert_eq!(summary.rows, rows.len() as u64);
    }

    /// The support team's spreadsheet (SPEC.md), plus an event nobody
    /// supports yet.
    fn events() -> (Vec<Column>, Vec<Vec<Value>>) {
        let columns = vec![
            Column::right("id"),
            Column::left("name"),
            Column::left("start"),
            Column::left("support"),
            Column::left("location"),
            Column::right("attendees"),
            Column::right("total"),
            Column::left("signed"),
        ];
        let rows = vec![
            vec![
                Value::Int(109),
                text("John Ouick Wedding"),
                ts("2023-06-04T13:00:00+02:00"),
                text("Kate Hastroff"),
                text("53 Rue du Château, 41120 Candé-sur-Beuvron, France"),
                Value::Int(75),
                money("8500.50"),
                Value::Bool(true),
            ],
            vec![
                Value::Int(1023),
                text("Lou Bouzin General Assembly"),
                ts("2023-05-05T15:00:00+02:00"),
                text("Aliénor Vichum"),
                text("Salle des fêtes de Mufflins"),
                Value::Int(200),
                money("12000.00"),
                Value::Bool(true),
            ],
            vec![
                Value::Int(1024),
                text("Cool Startup Off-site"),
                ts("2023-09-01T09:30:00+02:00"),
                Value::Null,
                Value::Null,
                Value::Int(40),
                money("3000.00"),
                Value::Bool(false),
            ],
        ];
        (columns, rows)
    }

    fn widths_of(output: &str) -> Vec<usize> {
        output.lines().map(display_width).collect()
    }

    #[test]
    fn table_spec_events() {
        let (columns, rows) = events();
        check(
            Format::Table,
            Style::default(),
            &columns,
            &rows,
            "\
+------+-----------------------------+------------------+----------------+----------------------------------------------------+-----------+----------+--------+
|   id | name                        | start            | support        | location                                           | attendees |    total | signed |
+------+-----------------------------+------------------+----------------+----------------------------------------------------+-----------+----------+--------+
|  109 | John Ouick Wedding          | 2023-06-04 13:00 | Kate Hastroff  | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |  8500.50 | true   |
| 1023 | Lou Bouzin General Assembly | 2023-05-05 15:00 | Aliénor Vichum | Salle des fêtes de Mufflins                        |       200 | 12000.00 | true   |
| 1024 | Cool Startup Off-site       | 2023-09-01 09:30 |                |                                                    |        40 |  3000.00 | false  |
+------+-----------------------------+------------------+----------------+----------------------------------------------------+-----------+----------+--------+
",
        );
    }

    #[test]
    fn vertical_spec_events() {
        let (columns, rows) = events();
        check(
            Format::Vertical,
            Style::default(),
            &columns,
            &rows,
            "\
-[ RECORD 1 ]-------------------------------------------------
id        | 109
name      | John Ouick Wedding
start     | 2023-06-04 13:00 +02:00
support   | Kate Hastroff
location  | 53 Rue du Château, 41120 Candé-sur-Beuvron, France
attendees | 75
total     | 8500.50
signed    | true
-[ RECORD 2 ]--------------------------
id        | 1023
name      | Lou Bouzin General Assembly
start     | 2023-05-05 15:00 +02:00
support   | Aliénor Vichum
location  | Salle des fêtes de Mufflins
attendees | 200
total     | 12000.00
signed    | true
-[ RECORD 3 ]----------------------
id        | 1024
name      | Cool Startup Off-site
start     | 2023-09-01 09:30 +02:00
support   |
location  |
attendees | 40
total     | 3000.00
signed    | false
",
        );
    }

    #[test]
    fn csv_spec_events() {
        let (columns, rows) = events();
        check(
            Format::Csv,
            Style::default(),
            &columns,
            &rows,
            "\
id,name,start,support,location,attendees,total,signed
109,John Ouick Wedding,2023-06-04T13:00:00+02:00,Kate Hastroff,\"53 Rue du Château, 41120 Candé-sur-Beuvron, France\",75,8500.50,true
1023,Lou Bouzin General Assembly,2023-05-05T15:00:00+02:00,Aliénor Vichum,Salle des fêtes de Mufflins,200,12000.00,true
1024,Cool Startup Off-site,2023-09-01T09:30:00+02:00,,,40,3000.00,false
",
        );
    }

    #[test]
    fn json_spec_events() {
        let (columns, rows) = events();
        check(
            Format::Json,
            Style::default(),
            &columns,
            &rows,
            r#"[
{"id":109,"name":"John Ouick Wedding","start":"2023-06-04T13:00:00+02:00","support":"Kate Hastroff","location":"53 Rue du Château, 41120 Candé-sur-Beuvron, France","attendees":75,"total":8500.50,"signed":true},
{"id":1023,"name":"Lou Bouzin General Assembly","start":"2023-05-05T15:00:00+02:00","support":"Aliénor Vichum","location":"Salle des fêtes de Mufflins","attendees":200,"total":12000.00,"signed":true},
{"id":1024,"name":"Cool Startup Off-site","start":"2023-09-01T09:30:00+02:00","support":null,"location":null,"attendees":40,"total":3000.00,"signed":false}
]
"#,
        );
    }

    #[test]
    fn display_width_counts_terminal_columns() {
        for (s, width) in [
            ("", 0),
            ("Kate Hastroff", 13),
            ("Aliénor Vichum", 14),
            ("Alie\u{301}nor", 7), // decomposed accent: the mark takes no column
            ("Candé-sur-Beuvron", 17),
            ("東京", 4),
            ("ｴﾋﾟｯｸ", 5), // half-width katakana
            ("…", 1),
        ] {
            assert_eq!(display_width(s), width, "{s:?}");
        }
    }

    #[test]
    fn truncate_to_width_cuts_with_an_ellipsis() {
        for (s, width, expected) in [
            ("Kate Hastroff", 20, "Kate Hastroff"),
            ("Kate Hastroff", 13, "Kate Hastroff"),
            ("Kate Hastroff", 12, "Kate Hastro…"),
            ("Kate Hastroff", 1, "…"),
            ("Kate Hastroff", 0, ""),
            ("", 0, ""),
            ("Aliénor Vichum", 5, "Alié…"),
            ("Alie\u{301}nor", 5, "Alie\u{301}…"), // the mark stays with its letter
            ("東京タワー", 5, "東京…"),
            ("東京タワー", 6, "東京…"), // a wide char does not fit in one column
            ("東京タワー", 10, "東京タワー"),
        ] {
            let cut = truncate_to_width(s, width);
            assert_eq!(cut, expected, "{s:?} in {width}");
            assert!(display_width(&cut) <= width, "{cut:?} wider than {width}");
        }
    }

    #[test]
    fn fit_widths_takes_from_the_widest_columns() {
        for (natural, minimum, budget, expected) in [
            // Fits already: untouched.
            (vec![4, 10, 20], vec![2, 4, 6], 40, vec![4, 10, 20]),
            // Only the widest column gives.
            (vec![4, 10, 20], vec![2, 4, 6], 30, vec![4, 10, 16]),
            // The two widest meet at a cap; the leftover column goes to the
            // naturally widest.
            (vec![4, 10, 20], vec![2, 4, 6], 21, vec![4, 8, 9]),
            // Never below a minimum.
            (vec![4, 10, 20], vec![2, 4, 6], 12, vec![2, 4, 6]),
            // A column narrower than its minimum keeps its own width.
            (vec![1, 30], vec![6, 6], 10, vec![1, 9]),
        ] {
            let widths = fit_widths(&natural, &minimum, budget);
            assert_eq!(widths, expected, "{natural:?} into {budget}");
        }
    }

    #[test]
    fn table_aligns_by_display_width() {
        let columns = vec![
            Column::left("name"),
            Column::left("city"),
            Column::right("n"),
        ];
        let rows = vec![
            vec![
                text("Aliénor Vichum"),
                text("Candé-sur-Beuvron"),
                Value::Int(1),
            ],
            vec![text("Alie\u{301}nor"), text("東京"), Value::Int(22)],
            vec![text("李小龍"), text("Zürich"), Value::Int(333)],
        ];
        let expected = "\
+----------------+-------------------+-----+
| name           | city              |   n |
+----------------+-------------------+-----+
| Aliénor Vichum | Candé-sur-Beuvron |   1 |
| Alie\u{301}nor        | 東京              |  22 |
| 李小龍         | Zürich            | 333 |
+----------------+-------------------+-----+
";
        check(Format::Table, Style::default(), &columns, &rows, expected);
        let widths = widths_of(expected);
        assert!(widths.iter().all(|&w| w == widths[0]), "{widths:?}");
    }

    #[test]
    fn table_shrinks_to_the_terminal() {
        let (columns, rows) = events();
        let style = Style {
            width: Some(100),
            ..Style::default()
        };
        let expected = "\
+------+--------------+--------------+--------------+--------------+-----------+----------+--------+
|   id | name         | start        | support      | location     | attendees |    total | signed |
+------+--------------+--------------+--------------+--------------+-----------+----------+--------+
|  109 | John Ouick … | 2023-06-04 … | Kate Hastro… | 53 Rue du C… |        75 |  8500.50 | true   |
| 1023 | Lou Bouzin … | 2023-05-05 … | Aliénor Vic… | Salle des f… |       200 | 12000.00 | true   |
| 1024 | Cool Startu… | 2023-09-01 … |              |              |        40 |  3000.00 | false  |
+------+--------------+--------------+--------------+--------------+-----------+----------+--------+
";
        check(Format::Table, style, &columns, &rows, expected);
        assert!(widths_of(expected).iter().all(|&w| w <= 100));
    }

    #[test]
    fn table_fits_every_line_in_many_widths() {
        let (columns, rows) = events();
        // Below the sum of the minimums (8 columns) lines cannot fit; above
        // the natural width nothing is cut.
        for width in 70..=170 {
            let style = Style {
                width: Some(width),
                ..Style::default()
            };
            let (output, _) = render(Format::Table, style, &columns, &rows);
            let widths = widths_of(&output);
            assert!(
                widths.iter().all(|&w| w == widths[0]),
                "{width}: {widths:?}"
            );
            assert!(widths[0] <= width, "{width}: {output}");
            if width < 158 {
                assert!(output.contains('…'), "{width}: {output}");
                assert_eq!(widths[0], width, "the terminal is used fully");
            }
        }
    }

    #[test]
    fn table_keeps_minimum_widths_on_a_tiny_terminal() {
        let columns = vec![
            Column::right("id"),
            Column::left("name"),
            Column::left("location"),
        ];
        let rows = vec![vec![
            Value::Int(109),
            text("John Ouick Wedding"),
            text("53 Rue du Château, 41120 Candé-sur-Beuvron, France"),
        ]];
        let style = Style {
            width: Some(10),
            ..Style::default()
        };
        check(
            Format::Table,
            style,
            &columns,
            &rows,
            // Wider than asked: each column is down to min(6, its header).
            "\
+----+------+--------+
| id | name | locat… |
+----+------+--------+
| 1… | Joh… | 53 Ru… |
+----+------+--------+
",
        );
    }

    #[test]
    fn table_cells_stay_on_one_line() {
        let columns = vec![Column::left("notes")];
        let rows = vec![
            vec![text("Catering at 5PM\nreception at 6PM")],
            vec![text("tab\there, crlf\r\nend")],
            vec![text("bell\u{7} and \u{1b}[31mred")],
        ];
        check(
            Format::Table,
            Style::default(),
            &columns,
            &rows,
            "\
+----------------------------------+
| notes                            |
+----------------------------------+
| Catering at 5PM↵reception at 6PM |
| tab here, crlf↵end               |
| bell\u{FFFD} and \u{FFFD}[31mred               |
+----------------------------------+
",
        );
    }

    #[test]
    fn vertical_shows_whole_multiline_values() {
        let columns = vec![Column::right("id"), Column::left("notes")];
        let rows = vec![vec![
            Value::Int(109),
            text(
                "Wedding starts at 3PM, by the river.\r\nCatering is organized, reception starts at 5PM.\u{1b}",
            ),
        ]];
        let style = Style {
            width: Some(30),
            ..Style::default()
        };
        check(
            Format::Vertical,
            style,
            &columns,
            &rows,
            "\
-[ RECORD 1 ]-----------------
id    | 109
notes | Wedding starts at 3PM, by the river.
      | Catering is organized, reception starts at 5PM.\u{FFFD}
",
        );
    }

    #[test]
    fn vertical_rule_crosses_the_bar_when_names_are_long() {
        let columns = vec![Column::left("contract sales contact"), Column::right("id")];
        let rows = vec![vec![text("Bill Boquet"), Value::Int(652)]];
        check(
            Format::Vertical,
            Style::default(),
            &columns,
            &rows,
            "\
-[ RECORD 1 ]----------+------------
contract sales contact | Bill Boquet
id                     | 652
",
        );
    }

    #[test]
    fn page_stops_showing_but_keeps_counting() {
        let columns = vec![Column::right("id"), Column::left("name")];
        let rows: Vec<Vec<Value>> = (1..=5)
            .map(|i| vec![Value::Int(i), text(&format!("event {i}"))])
            .collect();
        let style = Style {
            page: Some(2),
            ..Style::default()
        };
        for (format, expected, shown) in [
            (
                Format::Table,
                "\
+----+---------+
| id | name    |
+----+---------+
|  1 | event 1 |
|  2 | event 2 |
+----+---------+
",
                2,
            ),
            (
                Format::Vertical,
                "\
-[ RECORD 1 ]-
id   | 1
name | event 1
-[ RECORD 2 ]-
id   | 2
name | event 2
",
                2,
            ),
            // Scripts get everything: the page is for people.
            (
                Format::Csv,
                "id,name\n1,event 1\n2,event 2\n3,event 3\n4,event 4\n5,event 5\n",
                5,
            ),
        ] {
            let (output, summary) = render(format, style, &columns, &rows);
            assert_eq!(output, expected, "{format}");
            assert_eq!(summary, Summary { rows: 5, shown }, "{format}");
        }
    }

    #[test]
    fn csv_times_are_written_as_to_rfc3339_writes_them() {
        for text in [
            "2023-06-04T13:00:00+02:00",
            "2023-06-04T13:00:00.250+00:00",
            "1999-12-31T23:59:59.123456-05:30",
            "2026-11-25T20:51:45.000000001+00:00",
        ] {
            let at = DateTime::parse_from_rfc3339(text).unwrap();
            let mut buf = String::new();
            write_csv_text(&mut buf, &Value::Timestamp(at), false);
            assert_eq!(buf, at.to_rfc3339(), "{text}");
        }
    }

    #[test]
    fn csv_quotes_as_rfc_4180() {
        let columns = vec![
            Column::left("name"),
            Column::left("notes"),
            Column::right("n"),
        ];
        let rows = vec![
            vec![text("Lou Bouzin, Inc."), text(r#"say "hi""#), Value::Int(1)],
            vec![text("line\nbreak"), text(""), Value::Null],
            vec![text(" spaced "), text("crlf\r\n"), Value::Int(-3)],
        ];
        check(
            Format::Csv,
            Style::default(),
            &columns,
            &rows,
            "\
name,notes,n
\"Lou Bouzin, Inc.\",\"say \"\"hi\"\"\",1
\"line
break\",,
 spaced ,\"crlf\r
\",-3
",
        );
    }

    /// Every character stored text may not hold, each in a value of its own,
    /// between plain letters.
    fn hostile_rows() -> Vec<Vec<Value>> {
        ('\u{1}'..='\u{1f}')
            .chain('\u{7f}'..='\u{9f}')
            .chain('\u{202a}'..='\u{202e}')
            .chain('\u{2066}'..='\u{2069}')
            .map(|c| vec![Value::Int(c as i64), text(&format!("a{c}b"))])
            .collect()
    }

    /// The characters of `output` that must never reach a terminal raw;
    /// newlines and tabs only when `lines`.
    fn raw_hostile(output: &str, lines: Lines) -> Vec<String> {
        output
            .chars()
            .filter(|&c| c != '\n' && refused(c, lines))
            .map(crate::validate::code_point)
            .collect()
    }

    #[test]
    fn no_format_lets_a_stored_control_or_bidi_character_out_raw() {
        let columns = vec![Column::right("n"), Column::left("name")];
        let rows = hostile_rows();
        for format in Format::ALL {
            let (output, _) = render(format, Style::default(), &columns, &rows);
            // Tables and JSON keep no tab either; vertical records and CSV
            // keep tabs, as notes may hold them.
            let lines = match format {
                Format::Table | Format::Json => Lines::One,
                Format::Vertical | Format::Csv => Lines::Many,
            };
            assert_eq!(
                raw_hostile(&output, lines),
                Vec::<String>::new(),
                "{format}"
            );
        }
    }

    #[test]
    fn json_escapes_stored_controls_and_bidi_characters_and_reads_back_exactly() {
        let columns = vec![Column::right("n"), Column::left("name")];
        let rows = hostile_rows();
        let (output, _) = render(Format::Json, Style::default(), &columns, &rows);
        assert!(output.contains(r#""a\u202eb""#), "{output}");
        assert!(output.contains(r#""a\u009bb""#), "{output}");
        assert!(output.contains(r#""a\u007fb""#), "{output}");
        assert!(output.contains(r#""a\u001bb""#), "{output}");
        let parsed: serde_json::Value = serde_json::from_str(&output).unwrap();
        for (record, row) in parsed.as_array().unwrap().iter().zip(&rows) {
            let Value::Text(stored) = &row[1] else {
                unreachable!()
            };
            assert_eq!(record["name"].as_str(), Some(stored.as_str()));
        }
    }

    #[test]
    fn table_vertical_and_csv_show_a_refused_character_as_the_replacement_character() {
        let columns = vec![Column::left("name")];
        let rows = vec![vec![text("Kate\u{202e}ffortsaH \u{1b}[2J\u{9b}1m")]];
        let (table, _) = render(Format::Table, Style::default(), &columns, &rows);
        assert!(
            table.contains("| Kate\u{FFFD}ffortsaH \u{FFFD}[2J\u{FFFD}1m |"),
            "{table}"
        );
        let (vertical, _) = render(Format::Vertical, Style::default(), &columns, &rows);
        assert!(vertical.contains("name | Kate\u{FFFD}ffortsaH \u{FFFD}[2J\u{FFFD}1m\n"));
        let (csv, _) = render(Format::Csv, Style::default(), &columns, &rows);
        assert_eq!(csv, "name\nKate\u{FFFD}ffortsaH \u{FFFD}[2J\u{FFFD}1m\n");
    }

    #[test]
    fn csv_text_that_a_spreadsheet_would_run_gets_a_leading_quote() {
        let columns = vec![
            Column::left("name"),
            Column::right("n"),
            Column::right("amount"),
        ];
        let rows = vec![
            vec![text("=1+1"), Value::Int(-2), money("-12.50")],
            vec![text("+cmd|' /C calc'!A0"), Value::Int(1), money("3.00")],
            vec![text("-2"), Value::Null, Value::Null],
            vec![text("@SUM(A1:A9)"), Value::Null, Value::Null],
            vec![text("\t=1+1"), Value::Null, Value::Null],
            vec![text("\r=1+1"), Value::Null, Value::Null],
            vec![text("Kate = support"), Value::Null, Value::Null],
        ];
        check(
            Format::Csv,
            Style::default(),
            &columns,
            &rows,
            "\
name,n,amount
'=1+1,-2,-12.50
'+cmd|' /C calc'!A0,1,3.00
'-2,,
'@SUM(A1:A9),,
'\t=1+1,,
'\u{FFFD}=1+1,,
Kate = support,,
",
        );
        let raw = Style {
            raw_csv: true,
            ..Style::default()
        };
        check(
            Format::Csv,
            raw,
            &columns,
            &rows,
            "\
name,n,amount
=1+1,-2,-12.50
+cmd|' /C calc'!A0,1,3.00
-2,,
@SUM(A1:A9),,
\t=1+1,,
\u{FFFD}=1+1,,
Kate = support,,
",
        );
        // Only CSV guards formulas: the other formats are not spreadsheets.
        let (json, _) = render(Format::Json, Style::default(), &columns, &rows);
        assert!(json.contains(r#""name":"=1+1""#), "{json}");
    }

    /// A reader that went away, like `head` after its lines.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }

        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
    }

    #[test]
    fn a_closed_pipe_is_reported_as_a_broken_pipe_in_every_format() {
        let (columns, rows) = events();
        for format in Format::ALL {
            let mut out = ClosedPipe;
            let mut writer = RowWriter::new(&mut out, format, Style::default(), columns.clone());
            // Enough rows that every format has written by the end.
            let mut result = Ok(());
            for i in 0..3 * CHUNK_ROWS {
                result = writer.row(rows[i % rows.len()].clone());
                if result.is_err() {
                    break;
                }
            }
            let error = result
                .and_then(|()| writer.finish().map(|_| ()))
                .expect_err("nothing can be written");
            assert_eq!(error.kind(), io::ErrorKind::BrokenPipe, "{format}: {error}");
        }
    }

    #[test]
    fn csv_and_json_never_colour() {
        let (columns, rows) = events();
        let colour = Style {
            color: true,
            width: Some(20),
            page: Some(1),
            raw_csv: false,
        };
        for format in [Format::Csv, Format::Json] {
            let plain = render(format, Style::default(), &columns, &rows).0;
            let coloured = render(format, colour, &columns, &rows).0;
            assert_eq!(coloured, plain, "{format}");
            assert!(!coloured.contains('\x1b'));
        }
    }

    #[test]
    fn colour_makes_headers_bold_and_nothing_else() {
        let (columns, rows) = events();
        for format in [Format::Table, Format::Vertical] {
            let plain = render(format, Style::default(), &columns, &rows).0;
            let style = Style {
                color: true,
                ..Style::default()
            };
            let coloured = render(format, style, &columns, &rows).0;
            assert!(coloured.contains("\x1b[1m"), "{format}");
            assert_eq!(
                coloured.replace(BOLD, "").replace(RESET, ""),
                plain,
                "{format}"
            );
        }
    }

    #[test]
    fn json_values_are_typed_and_money_exact() {
        let (mut columns, mut rows) = events();
        columns.push(Column::left("notes"));
        for row in &mut rows {
            row.push(text(
                "quote \" backslash \\ newline \n tab \t bell \u{7} é 東京",
            ));
        }
        let (output, _) = render(Format::Json, Style::default(), &columns, &rows);
        assert!(output.contains(r#""total":12000.00,"#), "{output}");
        assert!(output.contains(r#""total":8500.50,"#), "{output}");
        let parsed: serde_json::Value = serde_json::from_str(&output).unwrap();
        let records = parsed.as_array().unwrap();
        assert_eq!(records.len(), 3);
        let first = records[0].as_object().unwrap();
        let keys: Vec<&str> = first.keys().map(String::as_str).collect();
        let mut names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        names.sort_unstable(); // serde_json's map is sorted without preserve_order
        assert_eq!(keys, names);
        assert_eq!(first["id"], serde_json::json!(109));
        assert_eq!(first["signed"], serde_json::json!(true));
        assert_eq!(
            first["start"],
            serde_json::json!("2023-06-04T13:00:00+02:00")
        );
        assert_eq!(
            first["notes"],
            serde_json::json!("quote \" backslash \\ newline \n tab \t bell \u{7} é 東京")
        );
        assert!(first["total"].is_number());
        assert_eq!(records[2]["support"], serde_json::Value::Null);
        // Key order on the line follows the columns.
        let line = output.lines().nth(1).unwrap();
        let positions: Vec<usize> = columns
            .iter()
            .map(|c| line.find(&format!("\"{}\":", c.name)).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{line}");
    }

    #[test]
    fn empty_results() {
        let (columns, _) = events();
        for (format, expected) in [
            (Format::Table, ""),
            (Format::Vertical, ""),
            (
                Format::Csv,
                "id,name,start,support,location,attendees,total,signed\n",
            ),
            (Format::Json, "[]\n"),
        ] {
            let (output, summary) = render(format, Style::default(), &columns, &[]);
            assert_eq!(output, expected, "{format}");
            assert_eq!(summary, Summary { rows: 0, shown: 0 });
        }
    }

    #[test]
    fn a_row_of_the_wrong_length_is_an_error_not_a_panic() {
        let mut out = Vec::new();
        let mut writer = RowWriter::new(
            &mut out,
            Format::Table,
            Style::default(),
            vec![Column::left("a")],
        );
        let error = writer.row(vec![Value::Int(1), Value::Int(2)]).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(error.to_string(), "row has 2 values for 1 columns");
        assert_eq!(writer.finish().unwrap(), Summary { rows: 0, shown: 0 });
    }

    /// Counts bytes and remembers nothing, like a pipe to `wc -c`.
    struct CountingSink(Rc<Shared<u64>>);

    impl Write for CountingSink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.set(self.0.get() + buf.len() as u64);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn csv_streams_a_hundred_thousand_rows() {
        let written = Rc::new(Shared::new(0));
        let mut sink = CountingSink(Rc::clone(&written));
        let (columns, rows) = events();
        let mut writer = RowWriter::new(&mut sink, Format::Csv, Style::default(), columns);
        let mut written_before = 0;
        for i in 0..100_000 {
            writer.row(rows[i % rows.len()].clone()).unwrap();
            assert_eq!(writer.buffered_rows(), 0);
            if i % 10_000 == 9_999 {
                // Bytes reach the sink while rows are still coming: nothing
                // waits for `finish`.
                assert!(written.get() > written_before, "row {i}");
                written_before = written.get();
            }
        }
        let before_finish = written.get();
        let summary = writer.finish().unwrap();
        assert_eq!(
            summary,
            Summary {
                rows: 100_000,
                shown: 100_000
            }
        );
        // Only the csv crate's own fixed-size buffer was left to flush.
        assert!(written.get() - before_finish <= 8 * 1024);
        assert!(written.get() > 100_000 * 50);
    }

    #[test]
    fn table_streams_in_chunks_that_join_seamlessly() {
        let columns = vec![Column::right("id"), Column::left("name")];
        let total = 2 * CHUNK_ROWS + 10;
        let mut out = Vec::new();
        let mut writer = RowWriter::new(&mut out, Format::Table, Style::default(), columns);
        for i in 0..total {
            // Names after the first chunk are longer than any in it.
            let name = if i < CHUNK_ROWS {
                "short"
            } else {
                "a much longer name"
            };
            writer.row(vec![Value::Int(i as i64), text(name)]).unwrap();
            assert!(writer.buffered_rows() <= CHUNK_ROWS);
        }
        assert_eq!(
            writer.finish().unwrap(),
            Summary {
                rows: total as u64,
                shown: total as u64
            }
        );
        let output = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), total + 4, "top, header, rule, rows, bottom");
        assert_eq!(lines[0], "+-----+-------+");
        assert_eq!(lines[1], "|  id | name  |");
        assert_eq!(lines[2], "+-----+-------+");
        assert_eq!(lines[3], "|   0 | short |");
        assert_eq!(lines[CHUNK_ROWS + 3], "| 256 | a mu… |");
        assert_eq!(lines[total + 2], "| 521 | a mu… |");
        assert_eq!(lines[total + 3], "+-----+-------+");
        assert_eq!(lines.iter().filter(|l| l.starts_with('+')).count(), 3);
    }

    #[test]
    fn table_ends_cleanly_on_a_chunk_boundary() {
        let columns = vec![Column::right("id")];
        for (total, page) in [
            (CHUNK_ROWS, None),
            (2 * CHUNK_ROWS, None),
            (CHUNK_ROWS + 10, Some(CHUNK_ROWS)),
        ] {
            let rows: Vec<Vec<Value>> = (0..total).map(|i| vec![Value::Int(i as i64)]).collect();
            let style = Style {
                page,
                ..Style::default()
            };
            let (output, summary) = render(Format::Table, style, &columns, &rows);
            let shown = page.unwrap_or(total);
            assert_eq!(
                summary,
                Summary {
                    rows: total as u64,
                    shown: shown as u64
                }
            );
            let lines: Vec<&str> = output.lines().collect();
            assert_eq!(lines.len(), shown + 4, "{total} rows");
            assert_eq!(lines.last(), Some(&"+-----+"), "{total} rows");
        }
    }
}

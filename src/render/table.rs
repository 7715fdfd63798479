//! render::table: aligned columns with borders, for people at a terminal,
//! drawn in chunks so that a table of any length streams (prettytable draws
//! each chunk; this module fixes the widths from the first one and fits them
//! to the terminal).

use std::borrow::Cow;
use std::io::{self, Write};

use prettytable::format::{FormatBuilder, LinePosition, LineSeparator, TableFormat};
use prettytable::{Cell, Row, Table};

use chrono::Datelike;

use super::json::readable;
use super::vertical::Records;
use super::width::{display_width, fit, pad, truncate_at_word};
use super::{BOLD, Column, Expanded, Kind, RESET, Style, Value, bool_text};
use crate::text::one_line;

/// Rows a table buffers before it commits to column widths. Large enough that
/// the widths represent the data, small enough that the first screen appears
/// promptly and memory stays flat.
pub const CHUNK_ROWS: usize = 256;

/// A column is not shrunk below this many terminal columns (or its header's
/// width when that is narrower): a few characters and an ellipsis still tell
/// rows apart, one character does not.
pub const MIN_COLUMN_WIDTH: usize = 6;

/// A value as text, whole and plain (the vertical record's numbers, and
/// what a table starts from). The psql convention: NULL is shown as nothing
/// in the human formats.
pub(super) fn plain_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Null => Cow::Borrowed(""),
        Value::Bool(b) => Cow::Borrowed(bool_text(*b)),
        Value::Int(i) => Cow::Owned(i.to_string()),
        Value::Money(d) => Cow::Owned(d.to_string()),
        Value::Text(s) => one_line(s),
        Value::Timestamp(t) => Cow::Owned(t.format("%Y-%m-%d %H:%M").to_string()),
        Value::Json(document) => Cow::Owned(one_line(&readable(document)).into_owned()),
    }
}

/// A value as a table shows it in a column of `kind`: numbers with
/// thousands separators (ids without), money with its currency, dates in
/// the compact form, text on one line.
pub(super) fn cell_text<'v>(value: &'v Value, kind: Kind, style: &Style) -> Cow<'v, str> {
    match value {
        Value::Int(i) if kind != Kind::Id => Cow::Owned(grouped(&i.to_string(), "")),
        Value::Money(d) => Cow::Owned(grouped(&d.to_string(), style.currency)),
        Value::Timestamp(t) => {
            let form = match (t.year() == style.year, kind == Kind::Moment) {
                (true, false) => "%b %d %H:%M",
                (false, false) => "%b %d %Y %H:%M",
                (true, true) => "%b %d %H:%M:%S",
                (false, true) => "%b %d %Y %H:%M:%S",
            };
            match style.zone {
                // The zone's abbreviation at that moment: EDT in June, EST in January.
                Some(zone) => Cow::Owned(
                    t.with_timezone(&zone)
                        .format(&format!("{form} %Z"))
                        .to_string(),
                ),
                None => Cow::Owned(t.format(form).to_string()),
            }
        }
        other => plain_text(other),
    }
}

/// `-12000.50` as `-€12,000.50`: the sign, the currency, the whole part in
/// groups of three, the decimals as they are.
fn grouped(number: &str, currency: &str) -> String {
    let (sign, digits) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (whole, decimals) = match digits.find('.') {
        Some(at) => digits.split_at(at),
        None => (digits, ""),
    };
    let mut text = String::with_capacity(number.len() + whole.len() / 3 + currency.len() + 1);
    text.push_str(sign);
    text.push_str(currency);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            text.push(',');
        }
        text.push(digit);
    }
    text.push_str(decimals);
    text
}

/// The widest compact date (`Jun 04 2023 13:00`): a date column is given
/// this much when later chunks may hold another year than the first's;
/// a moment's (`Jun 04 2023 13:00:07`) is three more.
const LONG_DATE_WIDTH: usize = 17;

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
pub(super) fn fit_widths(natural: &[usize], minimum: &[usize], budget: usize) -> Vec<usize> {
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
///
/// Only text is cut to fit. When the first chunk's ids, numbers, money and
/// dates (and a few columns of each text) do not fit the terminal, the
/// table becomes vertical records (`set expanded auto`). A later chunk's
/// number wider than the first chunk's is shown whole, its line a little
/// wider. Columns the filter makes constant are left out and named in a
/// footer.
pub(super) struct TableSink<'w> {
    out: &'w mut dyn Write,
    /// The columns drawn: all but the constant ones.
    shown: Vec<usize>,
    /// Fixed when the first chunk is printed.
    widths: Option<Vec<usize>>,
    /// Rows waiting to be printed.
    pub(super) pending: Vec<Vec<Value>>,
    /// Set when the first chunk did not fit: every row is a record then.
    records: Option<Records>,
    numbered: u64,
}

impl<'w> TableSink<'w> {
    pub(super) fn new(out: &'w mut dyn Write, columns: &[Column]) -> Self {
        TableSink {
            out,
            shown: (0..columns.len())
                .filter(|&i| columns[i].constant.is_none())
                .collect(),
            widths: None,
            pending: Vec::new(),
            records: None,
            numbered: 0,
        }
    }

    pub(super) fn row(
        &mut self,
        columns: &[Column],
        style: &Style,
        values: &[Value],
    ) -> io::Result<()> {
        if self.shown.is_empty() {
            // prettytable would draw `||` lines for a table without columns.
            return Ok(());
        }
        // Print a full chunk only once another row shows up, so that the
        // chunk printed by `finish` is never empty and can carry the bottom
        // border.
        if self.pending.len() >= CHUNK_ROWS {
            self.print_pending(columns, style, false)?;
        }
        if let Some(records) = &mut self.records {
            self.numbered += 1;
            return records.row(self.out, style, self.numbered, values);
        }
        self.pending.push(values.to_vec());
        Ok(())
    }

    pub(super) fn finish(&mut self, columns: &[Column], style: &Style) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.print_pending(columns, style, true)?;
        }
        if self.widths.is_some() && self.records.is_none() {
            for column in columns {
                if let Some(value) = &column.constant {
                    let line = format!("({}: {} for every row)", column.name, value);
                    self.out.write_all(one_line(&line).as_bytes())?;
                    self.out.write_all(b"\n")?;
                }
            }
        }
        self.out.flush()
    }

    fn print_pending(&mut self, columns: &[Column], style: &Style, last: bool) -> io::Result<()> {
        let texts: Vec<Vec<String>> = self
            .pending
            .iter()
            .map(|row| {
                self.shown
                    .iter()
                    .map(|&i| cell_text(&row[i], columns[i].kind, style).into_owned())
                    .collect()
            })
            .collect();
        let first = self.widths.is_none();
        if first {
            match layout(columns, &self.shown, &texts, style, last) {
                Some(widths) => self.widths = Some(widths),
                None => return self.print_records(columns, style),
            }
        }
        let widths = self.widths.as_deref().unwrap_or_default();
        let shown: Vec<&Column> = self.shown.iter().map(|&i| &columns[i]).collect();
        let mut table = Table::new();
        table.set_format(table_format(first, last));
        let titles: Vec<String> = if first {
            shown
                .iter()
                .zip(widths)
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
        for cells in &texts {
            let row = cells
                .iter()
                .zip(shown.iter().zip(widths))
                .map(|(text, (column, &width))| Cell::new(&cell(text, column, width)))
                .collect();
            table.add_row(Row::new(row));
        }
        self.pending.clear();
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

    /// The first chunk as vertical records, and every row after it.
    fn print_records(&mut self, columns: &[Column], style: &Style) -> io::Result<()> {
        let mut records = Records::new(columns);
        for values in self.pending.drain(..) {
            self.numbered += 1;
            records.row(self.out, style, self.numbered, &values)?;
        }
        self.records = Some(records);
        self.out.flush()
    }
}

/// A cell padded to its column's width; only text is cut (at a word).
fn cell(text: &str, column: &Column, width: usize) -> String {
    if column.kind.may_be_cut() {
        pad(&truncate_at_word(text, width), width, column.align)
    } else {
        pad(text, width, column.align)
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

/// Widths of the shown columns from the header and the first chunk, shrunk
/// to the terminal by cutting text only; `None` when even then the table is
/// wider than the terminal and `set expanded auto` asks for records.
fn layout(
    columns: &[Column],
    shown: &[usize],
    rows: &[Vec<String>],
    style: &Style,
    last: bool,
) -> Option<Vec<usize>> {
    let mut minimum = Vec::with_capacity(shown.len());
    let mut natural = Vec::with_capacity(shown.len());
    for (at, &i) in shown.iter().enumerate() {
        let column = &columns[i];
        let header = display_width(&one_line(&column.name));
        let mut cells = rows
            .iter()
            .map(|cells| display_width(&cells[at]))
            .max()
            .unwrap_or(0);
        if !last {
            match column.kind {
                Kind::Date => cells = cells.max(LONG_DATE_WIDTH),
                Kind::Moment => cells = cells.max(LONG_DATE_WIDTH + 3),
                _ => {}
            }
        }
        natural.push(header.max(cells));
        let short_header = header.clamp(1, MIN_COLUMN_WIDTH);
        minimum.push(if column.kind.may_be_cut() {
            short_header
        } else {
            cells.max(short_header)
        });
    }
    let Some(max_width) = style.width else {
        return Some(natural);
    };
    let budget = max_width.saturating_sub(table_chrome(shown.len()));
    let floor: usize = natural.iter().zip(&minimum).map(|(&n, &m)| n.min(m)).sum();
    if floor > budget && style.expanded == Expanded::Auto {
        return None;
    }
    Some(fit_widths(&natural, &minimum, budget))
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

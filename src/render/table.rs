//! render::table: aligned columns with borders, for people at a terminal,
//! drawn in chunks so that a table of any length streams (prettytable draws
//! each chunk; this module fixes the widths from the first one and fits them
//! to the terminal).

use std::borrow::Cow;
use std::io::{self, Write};

use prettytable::format::{FormatBuilder, LinePosition, LineSeparator, TableFormat};
use prettytable::{Cell, Row, Table};

use super::width::{display_width, fit, truncate_to_width};
use super::{BOLD, Column, RESET, Style, Value, bool_text};
use crate::text::one_line;

/// Rows a table buffers before it commits to column widths. Large enough that
/// the widths represent the data, small enough that the first screen appears
/// promptly and memory stays flat.
pub const CHUNK_ROWS: usize = 256;

/// A column is not shrunk below this many terminal columns (or its header's
/// width when that is narrower): a few characters and an ellipsis still tell
/// rows apart, one character does not.
pub const MIN_COLUMN_WIDTH: usize = 6;

/// The psql convention: NULL is shown as nothing in the human formats.
pub(super) fn table_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Null => Cow::Borrowed(""),
        Value::Bool(b) => Cow::Borrowed(bool_text(*b)),
        Value::Int(i) => Cow::Owned(i.to_string()),
        Value::Money(d) => Cow::Owned(d.to_string()),
        Value::Text(s) => one_line(s),
        Value::Timestamp(t) => Cow::Owned(t.format("%Y-%m-%d %H:%M").to_string()),
    }
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
pub(super) struct TableSink<'w> {
    out: &'w mut dyn Write,
    /// Fixed when the first chunk is printed.
    widths: Option<Vec<usize>>,
    /// Rows waiting to be printed, as single-line text.
    pub(super) pending: Vec<Vec<String>>,
}

impl<'w> TableSink<'w> {
    pub(super) fn new(out: &'w mut dyn Write) -> Self {
        TableSink {
            out,
            widths: None,
            pending: Vec::new(),
        }
    }

    pub(super) fn row(
        &mut self,
        columns: &[Column],
        style: &Style,
        values: &[Value],
    ) -> io::Result<()> {
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

    pub(super) fn finish(&mut self, columns: &[Column], style: &Style) -> io::Result<()> {
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

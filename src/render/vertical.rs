//! render::vertical: one `name | value` block per record (psql's `\x`), for
//! rows too wide for a table; whole values, lines kept.

use std::borrow::Cow;
use std::io::{self, Write};

use super::json::readable;
use super::table::plain_text;
use super::width::{display_width, pad};
use super::{Align, BOLD, Column, Kind, RESET, Style, Value};
use crate::text::{one_line, plain};

/// psql's `\x` layout: a `-[ RECORD n ]` rule, then `name | value` lines.
pub(super) struct VerticalSink<'w> {
    out: &'w mut dyn Write,
    records: Records,
}

impl<'w> VerticalSink<'w> {
    pub(super) fn new(out: &'w mut dyn Write, columns: &[Column]) -> Self {
        VerticalSink {
            out,
            records: Records::new(columns),
        }
    }

    pub(super) fn row(&mut self, style: &Style, number: u64, values: &[Value]) -> io::Result<()> {
        self.records.row(self.out, style, number, values)
    }

    pub(super) fn finish(self) -> io::Result<()> {
        self.out.flush()
    }
}

/// The records' layout, written to whatever stream is given (a vertical
/// view's, or a table's that did not fit).
pub(super) struct Records {
    /// Column names made safe, and the width they are padded to.
    names: Vec<String>,
    name_width: usize,
    /// Each column's kind: a moment is shown to the second.
    kinds: Vec<Kind>,
    /// Reused for each record so a record costs one write.
    buf: String,
}

impl Records {
    pub(super) fn new(columns: &[Column]) -> Self {
        let names: Vec<String> = columns
            .iter()
            .map(|column| one_line(&column.name).into_owned())
            .collect();
        let name_width = names
            .iter()
            .map(|name| display_width(name))
            .max()
            .unwrap_or(0);
        Records {
            names,
            name_width,
            kinds: columns.iter().map(|column| column.kind).collect(),
            buf: String::new(),
        }
    }

    pub(super) fn row(
        &mut self,
        out: &mut dyn Write,
        style: &Style,
        number: u64,
        values: &[Value],
    ) -> io::Result<()> {
        if self.names.is_empty() {
            // A record without fields would be a bare rule; show nothing, as
            // the table does.
            return Ok(());
        }
        let texts: Vec<Cow<'_, str>> = values
            .iter()
            .zip(&self.kinds)
            .map(|(value, &kind)| vertical_text(value, kind))
            .collect();
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
        out.write_all(self.buf.as_bytes())
    }
}

/// Like the table, but with the offset shown: a record is read closely and
/// has the room.
fn vertical_text(value: &Value, kind: Kind) -> Cow<'_, str> {
    match value {
        Value::Timestamp(t) if kind == Kind::Moment => {
            Cow::Owned(t.format("%Y-%m-%d %H:%M:%S %:z").to_string())
        }
        Value::Timestamp(t) => Cow::Owned(t.format("%Y-%m-%d %H:%M %:z").to_string()),
        Value::Json(document) => Cow::Owned(readable(document)),
        Value::Text(s) => Cow::Borrowed(s),
        other => plain_text(other),
    }
}

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

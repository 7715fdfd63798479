//! render::csv: RFC 4180 CSV with a header line, for spreadsheets and
//! programs: exact values, the formula guard, and a closed pipe kept a
//! broken pipe.

use std::io::{self, Write};

use super::{Column, Value, bool_text};
use crate::text::plain;

/// CSV through the csv crate, which owns quoting and keeps a fixed-size
/// buffer of its own.
pub(super) struct CsvSink<'w> {
    writer: ::csv::Writer<&'w mut dyn Write>,
    header_written: bool,
    /// Each field is written here first, so a field costs no allocation.
    scratch: String,
    /// No formula guard ([`Style::raw_csv`]).
    raw: bool,
}

impl<'w> CsvSink<'w> {
    pub(super) fn new(out: &'w mut dyn Write, raw: bool) -> Self {
        // `\n` record terminators (the csv crate's default) rather than
        // RFC 4180's `\r\n`: the output is mostly read by Unix tools, and
        // spreadsheets accept both. Quoting follows RFC 4180.
        CsvSink {
            writer: ::csv::Writer::from_writer(out),
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

    pub(super) fn row(&mut self, columns: &[Column], values: &[Value]) -> io::Result<()> {
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

    pub(super) fn finish(&mut self, columns: &[Column]) -> io::Result<()> {
        self.header(columns)?;
        self.writer.flush()
    }
}

/// The csv crate's error as the I/O error it carries. Its own conversion
/// makes every error `ErrorKind::Other`, which hid a closed pipe (`epic
/// --format csv ... | head`) from the shell and made it a failure.
fn csv_io(error: ::csv::Error) -> io::Error {
    match error.into_kind() {
        ::csv::ErrorKind::Io(error) => error,
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
pub(super) fn write_csv_text(buf: &mut String, value: &Value, raw: bool) {
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
        // Starts with `{`, `[`, a quote, a digit or a word: never a formula.
        Value::Json(document) => buf.write_str(&super::json::compact(document)),
    };
}

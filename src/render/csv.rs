//! render::csv: RFC 4180 CSV with a header line, for spreadsheets and
//! programs: exact values, the formula guard (which the xlsx sink shares),
//! Excel's dialect (`csv-excel`: a byte order mark and `;`), and a closed
//! pipe kept a broken pipe.

use std::io::{self, Write};

use super::{Column, Value, bool_text};
use crate::text::plain;

/// CSV through the csv crate, which owns quoting and keeps a fixed-size
/// buffer of its own.
pub(super) struct CsvSink<'w> {
    writer: ::csv::Writer<Lead<'w>>,
    header_written: bool,
    /// Each field is written here first, so a field costs no allocation.
    scratch: String,
    /// No formula guard ([`Style::raw_csv`]).
    raw: bool,
}

/// The output, with bytes that go before the first write: the byte order
/// mark of Excel's dialect, nothing otherwise.
struct Lead<'w> {
    lead: &'static [u8],
    out: &'w mut dyn Write,
}

impl Write for Lead<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.lead.is_empty() {
            self.out.write_all(self.lead)?;
            self.lead = &[];
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// UTF-8's byte order mark, by which Excel knows a CSV file is UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

impl<'w> CsvSink<'w> {
    /// `excel`: Excel's dialect (`--format csv-excel`), `;` between fields
    /// and a byte order mark first.
    pub(super) fn new(out: &'w mut dyn Write, raw: bool, excel: bool) -> Self {
        // `\n` record terminators (the csv crate's default) rather than
        // RFC 4180's `\r\n`: the output is mostly read by Unix tools, and
        // spreadsheets accept both. Quoting follows RFC 4180.
        let (delimiter, lead) = if excel { (b';', BOM) } else { (b',', &b""[..]) };
        CsvSink {
            writer: ::csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(Lead { lead, out }),
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

/// The formula guard: a `'` into `buf` when text `s` starts like a
/// formula. CSV and xlsx text cells both go through it, so a workbook's
/// text saved again as CSV is as safe as epic's own CSV.
pub(super) fn guard_formula(buf: &mut String, s: &str) {
    if s.starts_with(crate::text::FORMULA_STARTS) {
        buf.push('\'');
    }
}

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
            if !raw {
                guard_formula(buf, s);
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

//! render::json: a JSON array of objects with typed values, for programs;
//! written row by row, with every character a terminal could be driven by
//! escaped.

use std::borrow::Cow;
use std::io::{self, Write};

use super::{Column, Value, bool_text};
use crate::validate::{Lines, refused};

/// A JSON array with one object per line, written as rows arrive: `[` with
/// the first row, `,` before each later one, `]` at the end.
pub(super) struct JsonSink<'w> {
    out: &'w mut dyn Write,
    /// Column names, already JSON-encoded with their quotes.
    keys: Vec<String>,
    wrote_row: bool,
    /// Reused for each row so a row costs one write.
    buf: Vec<u8>,
}

impl<'w> JsonSink<'w> {
    pub(super) fn new(out: &'w mut dyn Write, columns: &[Column]) -> Self {
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

    pub(super) fn row(&mut self, values: &[Value]) -> io::Result<()> {
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

    pub(super) fn finish(self) -> io::Result<()> {
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

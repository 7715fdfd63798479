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
        Value::Json(document) => write_document(buf, document),
    }
    Ok(())
}

/// A JSON document as itself, its strings (and keys) escaped as
/// [`write_json_string`] escapes text.
fn write_document(buf: &mut Vec<u8>, document: &serde_json::Value) {
    use serde_json::Value as J;
    match document {
        J::Null => buf.extend_from_slice(b"null"),
        J::Bool(b) => buf.extend_from_slice(bool_text(*b).as_bytes()),
        J::Number(n) => buf.extend_from_slice(n.to_string().as_bytes()),
        J::String(s) => write_json_string(buf, s),
        J::Array(items) => {
            buf.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                write_document(buf, item);
            }
            buf.push(b']');
        }
        J::Object(entries) => {
            buf.push(b'{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                write_json_string(buf, key);
                buf.push(b':');
                write_document(buf, item);
            }
            buf.push(b'}');
        }
    }
}

/// A JSON document's compact text, as JSON output writes it (CSV's cell).
pub(super) fn compact(document: &serde_json::Value) -> String {
    let mut buf = Vec::new();
    write_document(&mut buf, document);
    // Only whole UTF-8 strings and ASCII were written.
    String::from_utf8(buf).unwrap_or_default()
}

/// How many characters of a string [`readable`] shows.
const READABLE_CHARS: usize = 120;

/// A JSON document as a line people read (a table's or a record's text):
/// an object as `key: value; key: value`, a change `{"old": a, "new": b}`
/// as `a → b` (or the one of the two it has), none as `none`, a string as
/// its first 120 characters, anything else as its compact text. The
/// database words the notifications by the same rule
/// (`epic_audit_change_text`, sql/0015), so an audit entry and the
/// notification of it say the same.
pub(super) fn readable(document: &serde_json::Value) -> String {
    match document {
        serde_json::Value::Object(entries) => {
            let said: Vec<String> = entries
                .iter()
                .map(|(key, item)| format!("{key}: {}", change(item)))
                .collect();
            said.join("; ")
        }
        other => scalar(other),
    }
}

/// One field's value: a change, or a value.
fn change(item: &serde_json::Value) -> String {
    if let serde_json::Value::Object(sides) = item
        && !sides.is_empty()
        && sides.keys().all(|key| key == "old" || key == "new")
    {
        return match (sides.get("old"), sides.get("new")) {
            (Some(old), Some(new)) => format!("{} → {}", scalar(old), scalar(new)),
            (Some(one), None) | (None, Some(one)) => scalar(one),
            (None, None) => String::new(),
        };
    }
    scalar(item)
}

fn scalar(item: &serde_json::Value) -> String {
    match item {
        serde_json::Value::Null => "none".to_owned(),
        serde_json::Value::String(s) => s.chars().take(READABLE_CHARS).collect(),
        other => compact(other),
    }
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

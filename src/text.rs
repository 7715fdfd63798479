//! text: neutralising text on its way out of epic, for every step that shows
//! something (`render`'s tables, vertical records and CSV, the caret line of a
//! syntax error, names in messages, notifications, the prompt, every error
//! report).
//!
//! Text coming from the database is never allowed to drive the terminal or
//! reorder what it shows: every character the plain-text rule refuses
//! ([`crate::validate::refused`]) goes through [`one_line`] (a newline
//! becomes `↵`) or [`plain`] (lines kept) and is shown as `�`. Input is
//! checked against the same rule, so only text stored before it, or by hand,
//! ever needs this. (JSON escapes such characters instead; that is
//! `render`'s.)
//!
//! A leaf: besides the rule it applies, from the leaf `validate`, it imports
//! nothing of the crate, so `syntax`, `error` and the shell can neutralise
//! without depending on `render`.

use std::borrow::Cow;

use crate::validate::{Lines, refused};

/// Text as one line (a table cell, a name in a message, a notification):
/// newlines become `↵`, tabs a space, and every other character stored text
/// may not hold ([`crate::validate::refused`]: controls, DEL, C1, bidirectional
/// overrides and isolates) `�`, so that a value can neither break the line,
/// send escape sequences to the terminal, nor reorder what is shown.
pub fn one_line(s: &str) -> Cow<'_, str> {
    if shown_as_stored(s, Lines::One) {
        return Cow::Borrowed(s);
    }
    let mut line = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => line.push('↵'),
            '\t' => line.push(' '),
            c if refused(c, Lines::One) => line.push(REPLACEMENT),
            c => line.push(c),
        }
    }
    Cow::Owned(line)
}

/// Text that keeps its lines (a vertical record, a CSV cell, an error
/// message): newlines, tabs and a carriage return right before a newline
/// (a line end, however the text was typed) stay, and every other character
/// [`crate::validate::refused`] names becomes `�`, as in [`one_line`]. The
/// one function every output path that is not a single line uses, so stored
/// text reaches no terminal raw.
pub fn plain(s: &str) -> Cow<'_, str> {
    if shown_as_stored(s, Lines::Many) {
        return Cow::Borrowed(s);
    }
    let line_end = |c: char, next: Option<&char>| c == '\r' && next == Some(&'\n');
    let mut text = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if refused(c, Lines::Many) && !line_end(c, chars.peek()) {
            text.push(REPLACEMENT);
        } else {
            text.push(c);
        }
    }
    Cow::Owned(text)
}

/// Whether `s` holds nothing [`refused`] refuses (with `Lines::Many`, a
/// carriage return right before a newline is a line end and stays), so
/// that [`one_line`] and [`plain`] may show it as it is. Read byte by byte
/// rather than by character, because every cell of an export passes here
/// and nearly all of them are clean: the refused characters are the ASCII
/// controls, whose bytes never occur inside a longer UTF-8 sequence, and
/// two-byte (C1) and three-byte (bidirectional) sequences with a lead byte
/// of their own. A test checks this against [`refused`] on every character.
fn shown_as_stored(s: &str, lines: Lines) -> bool {
    let bytes = s.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let refused_here = match byte {
            0x20..=0x7e => false,
            b'\n' | b'\t' => lines == Lines::One,
            b'\r' => lines == Lines::One || bytes.get(at + 1) != Some(&b'\n'),
            0x00..=0x1f | 0x7f => true,
            // U+0080 to U+009F.
            0xc2 => matches!(bytes.get(at + 1), Some(0x80..=0x9f)),
            // U+202A to U+202E and U+2066 to U+2069.
            0xe2 => matches!(
                bytes.get(at + 1..at + 3),
                Some([0x80, 0xaa..=0xae] | [0x81, 0xa6..=0xa9])
            ),
            _ => false,
        };
        if refused_here {
            return false;
        }
        at += 1;
    }
    true
}

/// What a refused character is shown as: visible, one column wide, and
/// inert on every terminal.
const REPLACEMENT: char = '\u{FFFD}';

/// Characters a spreadsheet reads as the start of a formula (or, tab and
/// carriage return, skips before one) at the beginning of a cell: what
/// exports guard with a `'` and the sheet reader takes the guard off.
pub const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::{one_line, plain, shown_as_stored};
    use crate::validate::{Lines, refused};

    #[test]
    fn plain_keeps_lines_and_tabs_and_one_line_keeps_neither() {
        let stored = "one\r\n\ttwo\rthree\u{2066}";
        assert_eq!(plain(stored), "one\r\n\ttwo\u{FFFD}three\u{FFFD}");
        assert_eq!(one_line(stored), "one↵ two↵three\u{FFFD}");
        assert!(matches!(plain("Aliénor Vichum"), Cow::Borrowed(_)));
        assert!(matches!(one_line("Aliénor Vichum"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_byte_scan_refuses_exactly_what_the_rule_refuses_on_every_character() {
        for c in (0..=0x10ffff_u32).filter_map(char::from_u32) {
            for lines in [Lines::One, Lines::Many] {
                let expected = !refused(c, lines);
                for text in [format!("{c}"), format!("é{c}x"), format!("{c}{c}")] {
                    assert_eq!(shown_as_stored(&text, lines), expected, "{text:?}");
                }
            }
        }
        assert!(shown_as_stored("line\r\nnext", Lines::Many));
        assert!(!shown_as_stored("line\r\nnext", Lines::One));
        assert!(!shown_as_stored("cut\r", Lines::Many));
    }
}

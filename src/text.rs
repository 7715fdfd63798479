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
    if !s.chars().any(|c| refused(c, Lines::One)) {
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
    let mut chars = s.chars().peekable();
    let line_end = |c: char, next: Option<&char>| c == '\r' && next == Some(&'\n');
    let mut clean = true;
    while let Some(c) = chars.next() {
        if refused(c, Lines::Many) && !line_end(c, chars.peek()) {
            clean = false;
            break;
        }
    }
    if clean {
        return Cow::Borrowed(s);
    }
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

    use super::{one_line, plain};

    #[test]
    fn plain_keeps_lines_and_tabs_and_one_line_keeps_neither() {
        let stored = "one\r\n\ttwo\rthree\u{2066}";
        assert_eq!(plain(stored), "one\r\n\ttwo\u{FFFD}three\u{FFFD}");
        assert_eq!(one_line(stored), "one↵ two↵three\u{FFFD}");
        assert!(matches!(plain("Aliénor Vichum"), Cow::Borrowed(_)));
        assert!(matches!(one_line("Aliénor Vichum"), Cow::Borrowed(_)));
    }
}

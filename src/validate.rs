//! Checks on values users type, shared by every command that stores them.
//! Each mirrors (and is stricter than or equal to) the CHECK constraint in
//! `sql/`, so a value refused by the database is refused here first with a
//! clear message.
//!
//! **Plain text.** Stored text is shown later on other people's terminals,
//! in spreadsheets and in programs, so it may not hold what could drive a
//! terminal or disguise itself: [`refused`] is that rule, written once. The
//! parser refuses such a character in every value a command would store,
//! with a caret under it; the database refuses it again (`sql/0010`); and
//! `render` replaces it wherever text already stored reaches the user.
//! Filters store nothing and keep every character, so that text stored
//! before the rule can still be found (and fixed).
//!
//! The limits are the fields' rows in `model` (`FieldSpec::limit`), which
//! name these constants; tests/schema.rs compares them with the schema.

pub use crate::model::{
    Lines, MAX_EMAIL_BYTES, MAX_NAME_CHARS, MAX_PHONE_DIGITS, MIN_PHONE_DIGITS,
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("`{given}` is not an email address; write it as name@domain.tld")]
    Email { given: String },
    #[error("a name must be 1 to {max} characters, without leading or trailing spaces")]
    Name { max: usize },
    #[error(
        "a name cannot hold {point} ({kind}): stored text holds no control or bidirectional characters"
    )]
    NotPlain { point: String, kind: &'static str },
    #[error(
        "`{given}` is not a phone number: use digits, spaces, `+`, `-`, `.` and parentheses, with {min} to {max} digits",
        min = MIN_PHONE_DIGITS,
        max = MAX_PHONE_DIGITS
    )]
    Phone { given: String },
}

/// Digits, spaces, `+ - . ( )`, with [`MIN_PHONE_DIGITS`] to
/// [`MAX_PHONE_DIGITS`] (6 to 20) digits: "+ 666 12345" is a real number.
pub fn phone(given: &str) -> Result<String, ValueError> {
    let trimmed = given.trim();
    let digits = trimmed.chars().filter(char::is_ascii_digit).count();
    let allowed = trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
    if allowed && (MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&digits) {
        Ok(trimmed.to_owned())
    } else {
        Err(ValueError::Phone {
            given: given.to_owned(),
        })
    }
}

/// The characters no stored text may hold: the C0 controls (NUL to U+001F,
/// less newline and tab where the text may span lines), DEL (U+007F), the
/// C1 controls (U+0080 to U+009F: U+009B alone starts an escape sequence on
/// many terminals), and the bidirectional embeddings, overrides and isolates
/// (U+202A to U+202E, U+2066 to U+2069), which make text display in an
/// order other than the one it is stored in. `sql/0010` is this rule as a
/// regular expression, and a test checks that the two agree on every
/// character.
pub fn refused(c: char, lines: Lines) -> bool {
    match c {
        '\n' | '\t' => lines == Lines::One,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// The first character of `text` that [`refused`] refuses, and its byte
/// offset in `text`.
pub fn first_refused(text: &str, lines: Lines) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| refused(c, lines))
}

/// `U+202E`: how a message names a character that cannot be shown.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// What kind of character [`refused`] refused, in words.
pub fn kind_of(c: char) -> &'static str {
    match c {
        '\n' => "a line break",
        '\t' => "a tab",
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => "a bidirectional control character",
        _ => "a control character",
    }
}

/// A practical email check: one `@`, no spaces, a dot in the domain, no
/// empty labels. Returns the address trimmed.
pub fn email(given: &str) -> Result<String, ValueError> {
    let trimmed = given.trim();
    let refuse = || ValueError::Email {
        given: given.to_owned(),
    };
    if trimmed.len() > MAX_EMAIL_BYTES
        || trimmed
            .chars()
            .any(|c| c.is_whitespace() || refused(c, Lines::One))
    {
        return Err(refuse());
    }
    let (local, domain) = trimmed.split_once('@').ok_or_else(refuse)?;
    let labels_ok =
        domain.split('.').count() >= 2 && domain.split('.').all(|label| !label.is_empty());
    if local.is_empty()
        || domain.contains('@')
        || !labels_ok
        || local.starts_with('.')
        || local.ends_with('.')
    {
        return Err(refuse());
    }
    Ok(trimmed.to_owned())
}

pub fn full_name(given: &str) -> Result<String, ValueError> {
    let trimmed = given.trim();
    let count = trimmed.chars().count();
    if let Some((_, c)) = first_refused(trimmed, Lines::One) {
        return Err(ValueError::NotPlain {
            point: code_point(c),
            kind: kind_of(c),
        });
    }
    if count == 0 || count > MAX_NAME_CHARS {
        return Err(ValueError::Name {
            max: MAX_NAME_CHARS,
        });
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_from_the_spec_are_accepted() {
        for good in [
            "kevin@startup.io",
            "john.ouick@gmail.com",
            "jacky@loubouzin.grd",
            " kate@epic.events ",
        ] {
            assert!(email(good).is_ok(), "{good}");
        }
        assert_eq!(
            email(" kate@epic.events ").as_deref(),
            Ok("kate@epic.events")
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "kate",
            "kate@",
            "@epic.events",
            "kate@epic",
            "ka te@epic.events",
            "a@b@c.d",
            "kate@epic..events",
            ".k@epic.events",
        ] {
            assert_eq!(
                email(bad),
                Err(ValueError::Email {
                    given: bad.to_owned()
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_phone_message_names_its_limits() {
        assert!(
            phone("12345")
                .unwrap_err()
                .to_string()
                .ends_with("parentheses, with 6 to 20 digits")
        );
    }

    #[test]
    fn the_spec_phone_numbers_are_accepted_and_others_refused() {
        for good in [
            "+678 123 456 78",
            "+1 234 567 8901",
            "+ 666 12345",
            "(555) 123-4567",
            "01.23.45.67.89",
        ] {
            assert!(phone(good).is_ok(), "{good}");
        }
        for bad in [
            "12345",
            "call me",
            "+1 (555) 123-4567 x89",
            "1234567890123456789012",
        ] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    /// Every character the rule refuses, by the ranges the rule names.
    fn every_refused_character() -> Vec<char> {
        ('\u{0}'..='\u{1f}')
            .chain('\u{7f}'..='\u{9f}')
            .chain('\u{202a}'..='\u{202e}')
            .chain('\u{2066}'..='\u{2069}')
            .collect()
    }

    #[test]
    fn every_control_del_c1_and_bidi_character_is_refused_in_one_line_text() {
        let all = every_refused_character();
        assert_eq!(all.len(), 32 + 33 + 5 + 4);
        for c in all {
            assert!(refused(c, Lines::One), "{}", code_point(c));
        }
    }

    #[test]
    fn notes_may_hold_newlines_and_tabs_and_nothing_else_refused() {
        for c in every_refused_character() {
            assert_eq!(
                refused(c, Lines::Many),
                c != '\n' && c != '\t',
                "{}",
                code_point(c)
            );
        }
        assert_eq!(first_refused("line one\n\tline two", Lines::Many), None);
        assert_eq!(
            first_refused("line one\n\tline two", Lines::One),
            Some((8, '\n'))
        );
    }

    #[test]
    fn the_characters_around_the_refused_ranges_are_plain_text() {
        for c in [
            ' ', '~', '\u{a0}', 'é', '\u{2029}', '\u{2065}', '\u{206a}', '\u{200e}', '東', '…',
            '\u{fffd}',
        ] {
            assert!(!refused(c, Lines::One), "{}", code_point(c));
        }
    }

    #[test]
    fn first_refused_gives_the_byte_offset_of_the_first_one() {
        assert_eq!(first_refused("plain", Lines::One), None);
        assert_eq!(first_refused("\u{1b}[31m", Lines::One), Some((0, '\u{1b}')));
        // Offsets are in bytes: `é` takes two.
        assert_eq!(
            first_refused("évil\u{202e}txt.exe\u{7}", Lines::One),
            Some((5, '\u{202e}'))
        );
        assert_eq!(first_refused("a\u{85}b", Lines::Many), Some((1, '\u{85}')));
    }

    #[test]
    fn refused_characters_are_named_by_code_point_and_kind() {
        assert_eq!(code_point('\u{202e}'), "U+202E");
        assert_eq!(
            full_name("Kate\u{202e}").unwrap_err().to_string(),
            "a name cannot hold U+202E (a bidirectional control character): \
             stored text holds no control or bidirectional characters"
        );
        assert_eq!(code_point('\u{1b}'), "U+001B");
        assert_eq!(code_point('\u{9b}'), "U+009B");
        assert_eq!(kind_of('\u{2066}'), "a bidirectional control character");
        assert_eq!(kind_of('\u{7f}'), "a control character");
        assert_eq!(kind_of('\n'), "a line break");
    }

    #[test]
    fn names_and_emails_refuse_hostile_text() {
        for bad in [
            "Kate\u{202e}ffortsaH",
            "Kate\u{1b}[2J",
            "Kate\u{9b}2J",
            "Kate\tH",
        ] {
            assert!(
                matches!(full_name(bad), Err(ValueError::NotPlain { .. })),
                "{bad:?}"
            );
            assert!(email(&format!("{bad}@epic.events")).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            full_name("  Aliénor Vichum ").as_deref(),
            Ok("Aliénor Vichum")
        );
        assert!(full_name("").is_err());
        assert!(full_name(&"x".repeat(121)).is_err());
    }
}

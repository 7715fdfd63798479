//! Checks on values users type, shared by every command that stores them.
//! Each mirrors (and is stricter than or equal to) the CHECK constraint in
//! `sql/`, so a value refused by the database is refused here first with a
//! clear message.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("`{given}` is not an email address; write it as name@domain.tld")]
    Email { given: String },
    #[error("a name must be 1 to {max} characters, without leading or trailing spaces")]
    Name { max: usize },
    #[error(
        "`{given}` is not a phone number: use digits, spaces, `+`, `-`, `.` and parentheses, with 6 to 20 digits"
    )]
    Phone { given: String },
}

/// Digits, spaces, `+ - . ( )`, with 6 to 20 digits: "+ 666 12345" is a real number.
pub fn phone(given: &str) -> Result<String, ValueError> {
    let trimmed = given.trim();
    let digits = trimmed.chars().filter(char::is_ascii_digit).count();
    let allowed = trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
    if allowed && (6..=20).contains(&digits) {
        Ok(trimmed.to_owned())
    } else {
        Err(ValueError::Phone {
            given: given.to_owned(),
        })
    }
}

pub const MAX_EMAIL_BYTES: usize = 254;
pub const MAX_NAME_CHARS: usize = 120;

/// A practical email check: one `@`, no spaces, a dot in the domain, no
/// empty labels. Returns the address trimmed.
pub fn email(given: &str) -> Result<String, ValueError> {
    let trimmed = given.trim();
    let refuse = || ValueError::Email {
        given: given.to_owned(),
    };
    if trimmed.len() > MAX_EMAIL_BYTES
        || trimmed.chars().any(|c| c.is_whitespace() || c.is_control())
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
    if count == 0 || count > MAX_NAME_CHARS || trimmed.chars().any(char::is_control) {
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

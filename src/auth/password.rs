//! Passwords: the policy every new password must meet, checked before the
//! database checks its own rules again, and bcrypt hashing for the
//! operator's loaders (the demo, `epic gen`); logins and password changes
//! are hashed and verified by the database.
//!
//! bcrypt silently ignores everything after the 72nd byte, so two long
//! passwords sharing a prefix would be the same password. The policy refuses
//! passwords longer than 72 bytes instead of truncating them (64 characters
//! of any script fit, which is what the policy promises).

pub const MIN_CHARS: usize = 12;
pub const MAX_BYTES: usize = 72;

/// Passwords people pick that are long enough to pass the length rule.
/// Compared case-insensitively.
const COMMON: &str = include_str!("common-passwords.txt");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password is too short: it needs at least {MIN_CHARS} characters")]
    TooShort,
    #[error(
        "the password is too long: at most {MAX_BYTES} bytes (64 characters of any script fit)"
    )]
    TooLong,
    #[error("the password must not contain the email address or its first part")]
    ContainsEmail,
    #[error("the password must not contain the employee's name")]
    ContainsName,
    #[error("the password is on the list of common passwords; choose one nobody else would")]
    Common,
    #[error("the password is one character repeated, or a simple sequence")]
    Trivial,
    #[error("the two passwords differ")]
    Mismatch,
    #[error(
        "the password breaks the database's password rules (12 characters to 72 bytes, without the name or email)"
    )]
    Weak,
    #[error("could not hash the password")]
    Hash,
}

/// Checks `password` for the account `email` / `full_name`.
pub fn check_policy(password: &str, email: &str, full_name: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if password.len() > MAX_BYTES {
        return Err(PasswordError::TooLong);
    }
    let lowered = password.to_lowercase();
    let local_part = email.split('@').next().unwrap_or("").to_lowercase();
    if local_part.chars().count() >= 3 && lowered.contains(&local_part)
        || lowered.contains(&email.to_lowercase())
    {
        return Err(PasswordError::ContainsEmail);
    }
    let name = full_name.to_lowercase();
    let name_parts = name
        .split_whitespace()
        .filter(|part| part.chars().count() >= 3);
    if lowered.contains(&name) || name_parts.into_iter().any(|part| lowered.contains(part)) {
        return Err(PasswordError::ContainsName);
    }
    if COMMON.lines().any(|common| common.trim() == lowered) {
        return Err(PasswordError::Common);
    }
    if is_trivial(password) {
        return Err(PasswordError::Trivial);
    }
    Ok(())
}

/// One repeated character, or a run of consecutive code points (`abcdef...`, `123456...`).
fn is_trivial(password: &str) -> bool {
    let chars: Vec<char> = password.chars().collect();
    let all_same = chars.windows(2).all(|w| w[0] == w[1]);
    let ascending = chars.windows(2).all(|w| w[1] as u32 == w[0] as u32 + 1);
    let descending = chars.windows(2).all(|w| w[0] as u32 == w[1] as u32 + 1);
    all_same || ascending || descending
}

pub fn hash_password(password: &str, cost: u32) -> Result<String, PasswordError> {
    if password.len() > MAX_BYTES {
        return Err(PasswordError::TooLong);
    }
    bcrypt::hash(password, cost).map_err(|_| PasswordError::Hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(password: &str) -> Result<(), PasswordError> {
        check_policy(password, "kate@epic.events", "Kate Hastroff")
    }

    #[test]
    fn policy_rules_each_refuse_with_their_reason() {
        assert_eq!(check("Sh0rt-pass"), Err(PasswordError::TooShort));
        assert_eq!(check(&"é".repeat(37)), Err(PasswordError::TooLong));
        assert_eq!(
            check("My-kate-password-1"),
            Err(PasswordError::ContainsEmail)
        );
        assert_eq!(
            check("Hastroff-Runs-2023"),
            Err(PasswordError::ContainsName)
        );
        assert_eq!(check("Password1234"), Err(PasswordError::Common));
        assert_eq!(check("zzzzzzzzzzzzzz"), Err(PasswordError::Trivial));
        assert_eq!(check("abcdefghijklmn"), Err(PasswordError::Trivial));
        assert_eq!(check("Runs-Events-Well-42"), Ok(()));
    }

    #[test]
    fn sixty_four_characters_of_any_script_are_accepted_up_to_72_bytes() {
        let long = "Correct-Horse-Battery-Staple-".repeat(3);
        let long = &long[..64];
        assert_eq!(check(long), Ok(()));
        assert_eq!(check(&"x1Y2".repeat(19)), Err(PasswordError::TooLong));
    }

    #[test]
    fn hashes_verify_and_never_contain_the_password() {
        let hash = hash_password("Runs-Events-Well-42", 4).expect("hashes");
        assert!(hash.starts_with("$2"));
        assert!(!hash.contains("Runs-Events"));
        assert!(bcrypt::verify("Runs-Events-Well-42", &hash).expect("a bcrypt hash"));
        assert!(!bcrypt::verify("Runs-Events-Well-43", &hash).expect("a bcrypt hash"));
    }
}

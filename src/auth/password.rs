//! Passwords: the policy every new password must meet, checked before the
//! database checks its own rules again, and bcrypt hashing for the
//! operator's loaders (the demo, `epic gen`); logins and password changes
//! are hashed and verified by the database.
//!
//! Length alone lets `Password1234!` and `Summer2024!!` through, so a
//! password must also be hard to guess: zxcvbn, the estimator modelled on
//! what password crackers try (common passwords, names, dates, keyboard
//! walks, repeats, l33t), must put it at 3 of 4 or more (about 10^10
//! guesses), knowing the account's name and email and the company's words.
//!
//! bcrypt silently ignores everything after the 72nd byte, so two long
//! passwords sharing a prefix would be the same password. The policy refuses
//! passwords longer than 72 bytes instead of truncating them (64 characters
//! of any script fit, which is what the policy promises).

pub const MIN_CHARS: usize = 12;
pub const MAX_BYTES: usize = 72;
/// zxcvbn's score a password needs, of 4.
pub const MIN_STRENGTH: u8 = 3;
/// Words an attacker of this company tries first.
const COMPANY_WORDS: &[&str] = &["epic", "events", "epicevents", "epic events", "crm"];

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
    #[error(
        "the password is too easy to guess (strength {score} of 4; it needs {MIN_STRENGTH}){}{}",
        warning.as_deref().map(|w| format!(": {w}")).unwrap_or_default(),
        suggestion.as_deref().map(|s| format!("\nhelp: {s}")).unwrap_or_else(|| "\nhelp: a few unrelated words make a strong password".to_owned())
    )]
    Guessable {
        score: u8,
        warning: Option<String>,
        suggestion: Option<String>,
    },
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
    strong_enough(password, email, full_name)
}

/// zxcvbn's estimate, with the account's and the company's words as the
/// first guesses.
fn strong_enough(password: &str, email: &str, full_name: &str) -> Result<(), PasswordError> {
    let email = email.to_lowercase();
    let name = full_name.to_lowercase();
    let mut context: Vec<&str> = COMPANY_WORDS.to_vec();
    context.push(&email);
    context.extend(
        email
            .split(['@', '.', '-', '_', '+'])
            .filter(|w| !w.is_empty()),
    );
    context.push(&name);
    context.extend(name.split_whitespace());
    let estimate = zxcvbn::zxcvbn(password, &context);
    let score = u8::from(estimate.score());
    if score >= MIN_STRENGTH {
        // `Summer2024!!` scores 3, `Summer` 0: a guessable word with digits
        // and symbols after it is what crackers try right after the word.
        // `Passw0rd!Passw0rd` is one guess typed twice: judge one of them.
        // `Epic2026Events` is two guessable words with a year between them:
        // judge the words alone.
        let stem = match repeated_part(password) {
            Some(part) => part,
            None => password.chars().filter(|c| c.is_alphabetic()).collect(),
        };
        if stem.is_empty() || stem == password {
            return Ok(());
        }
        let stem_score = u8::from(zxcvbn::zxcvbn(&stem, &context).score());
        if stem_score >= MIN_STRENGTH {
            return Ok(());
        }
        return Err(PasswordError::Guessable {
            score: stem_score,
            warning: Some(
                "without its digits and symbols it is a word or name that is easy to guess"
                    .to_owned(),
            ),
            suggestion: Some(
                "strength comes from the words: a few unrelated ones, not a year or symbols around a common one".to_owned(),
            ),
        });
    }
    // zxcvbn's feedback is sentences; ours are lowercase, without a period.
    let words = |text: String| {
        let text = text.trim_end_matches('.').to_owned();
        let mut chars = text.chars();
        chars
            .next()
            .map(|first| first.to_lowercase().chain(chars).collect::<String>())
    };
    let feedback = estimate.feedback();
    Err(PasswordError::Guessable {
        score,
        warning: feedback
            .and_then(|f| f.warning())
            .and_then(|w| words(w.to_string())),
        suggestion: feedback
            .and_then(|f| f.suggestions().first())
            .and_then(|s| words(s.to_string())),
    })
}

/// The part a password repeats, its letters and digits only
/// (`Passw0rd!Passw0rd`: `Passw0rd`), if it is one part typed two or more times.
fn repeated_part(password: &str) -> Option<String> {
    let chars: Vec<char> = password.chars().filter(|c| c.is_alphanumeric()).collect();
    (1..=chars.len() / 2)
        .filter(|period| chars.len() % period == 0)
        .find(|&period| chars.chunks(period).all(|chunk| chunk == &chars[..period]))
        .map(|period| chars[..period].iter().collect())
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
        assert!(matches!(
            check("Password1234!"),
            Err(PasswordError::Guessable { .. })
        ));
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

    /// Passwords people pick that pass a length rule: all refused.
    #[test]
    fn obvious_passwords_are_refused_whatever_their_length() {
        let obvious = [
            "Password1234!",
            "Summer2024!!",
            "Company2024!",
            "Epicevents1!",
            "EpicEvents2026",
            "aaaaaaaaaaaa1",
            "monkeymonkey",
            "December2026",
            "stneve.cipe@etak",
            "Kate.Hastroff1",
            "Hastroff2024!",
            "qwertyuiop123",
            "1q2w3e4r5t6y",
            "Welcome123456",
            "iloveyou12345",
            "Passw0rd!Passw0rd",
            "Letmein2026!!",
            "123456789012",
            "abcdefghijkl1",
            "Football1234",
            "Epic-Events-2026",
            "P@ssw0rd12345",
            "Winter2025!!",
            "admin1234567",
            "CompanyName123",
            "Qwerty123456!",
            "Changeme2026!",
            "Spring2026!!!",
            "Autumn2023!!",
            "Monday123456",
            "Epic2026Events",
            "EventsEpic2026",
            "Passwordpassword",
            "Abcd1234abcd",
            "Kate2026Kate",
            "Trustno1trustno1",
            "January2027!",
            "Password123456",
            "Welcome2026!",
            "Kate@epic.events1",
        ];
        for password in obvious {
            assert!(check(password).is_err(), "`{password}` was accepted");
        }
    }

    /// What the tests and the demo log in with is strong enough.
    #[test]
    fn the_passwords_of_the_demo_and_the_tests_pass() {
        for (password, email, name) in [
            ("Correct-Horse-Battery-42", "admin@epic.events", "Ada Admin"),
            (
                "Correct-Horse-Battery-42",
                "admin@epic.events",
                "Administrator",
            ),
            ("Runs-The-Wedding-42", "kate@epic.events", "Kate Hastroff"),
            // The README's example of a passphrase.
            (
                "violet-harbour-trombone",
                "kate@epic.events",
                "Kate Hastroff",
            ),
            ("Closes-Big-Deals-19", "bill@epic.events", "Bill Boquet"),
            (
                "Balances-The-Books-7",
                "helene@epic.events",
                "Hélène Garnier",
            ),
            (
                "A-New-Long-Passphrase-7",
                "kate@epic.events",
                "Kate Hastroff",
            ),
            ("Finds-New-Clients-33", "nina@epic.events", "Nina Nouvelle"),
            ("Long-Enough-Pass-1", "new@epic.events", "New Person"),
            ("Signs-The-Deals-77", "maud@epic.events", "Maud Gestion"),
            ("Another-Long-Password-1", "x@epic.events", "Someone Else"),
            (
                "A-Brand-New-Passphrase-8",
                "kate@epic.events",
                "Kate Hastroff",
            ),
            (
                "Twelve-Rounds-Of-Salt-12",
                "cost@epic.events",
                "Cost Checker",
            ),
        ] {
            assert_eq!(check_policy(password, email, name), Ok(()), "{password}");
        }
    }
}

//! The fields of generated rows that both datasets (the demo's and `epic gen`'s) make the
//! same way: people's names, email addresses, companies, what a contract still owes, when an
//! event starts and how long it lasts, where it is. Each takes the random stream and draws
//! from it in a fixed order, so a seed always gives the same rows. Pure.

use std::collections::HashSet;
use std::fmt::Write as _;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use fake::locales::{Data, EN, FR_FR};
use fake::rand::RngExt;
use fake::rand::rngs::ChaCha8Rng;
use fake::rand::seq::IndexedRandom;

use super::pools::{self, Kind};

/// One element of a non-empty slice (every pool here is a non-empty constant or checked).
pub(crate) fn pick<T: Copy>(rng: &mut ChaCha8Rng, from: &[T]) -> T {
    *from.choose(rng).expect("pools are never empty")
}

/// A time between `from` and `to` (`from` when the span is empty), to the second.
pub(crate) fn between(
    rng: &mut ChaCha8Rng,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DateTime<Utc> {
    let span = (to - from).num_seconds().max(0);
    from + Duration::seconds(rng.random_range(0..=span))
}

/// Lowercase ASCII letters and digits only, so a name becomes a valid email part or domain.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' | 'ì' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ÿ' => out.push('y'),
            'ñ' => out.push('n'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            _ => {}
        }
    }
    if out.is_empty() { "client".into() } else { out }
}

/// Two clients with the same name would otherwise share an address, which confuses searches.
pub(crate) fn unique_email(local: &str, domain: &str, taken: &mut HashSet<String>) -> String {
    let mut email = format!("{local}@{domain}");
    let mut n = 2;
    while taken.contains(&email) {
        email = format!("{local}{n}@{domain}");
        n += 1;
    }
    taken.insert(email.clone());
    email
}

/// A first and a last name, French or English.
pub(crate) fn person(rng: &mut ChaCha8Rng, french: bool) -> (&'static str, &'static str) {
    if french {
        (
            pick(rng, FR_FR::NAME_FIRST_NAME),
            pick(rng, FR_FR::NAME_LAST_NAME),
        )
    } else {
        (
            pick(rng, EN::NAME_FIRST_NAME),
            pick(rng, EN::NAME_LAST_NAME),
        )
    }
}

/// `first.last`, as an email's local part.
pub(crate) fn email_local(first: &str, last: &str) -> String {
    format!("{}.{}", slug(first), slug(last))
}

/// A company from `templates` (`{}` a last name from `names`).
pub(crate) fn company(rng: &mut ChaCha8Rng, templates: &[&str], names: &[&'static str]) -> String {
    pick(rng, templates).replace("{}", pick(rng, names))
}

/// The domain of a client's email: their company's, or a free provider of their country.
pub(crate) fn email_domain(rng: &mut ChaCha8Rng, company: Option<&str>, french: bool) -> String {
    match company {
        Some(company) => {
            let tld = if french { "fr" } else { "com" };
            format!("{}.{tld}", slug(company))
        }
        None if french => pick(rng, FR_FR::INTERNET_FREE_EMAIL_PROVIDER).to_owned(),
        None => pick(rng, EN::INTERNET_FREE_EMAIL_PROVIDER).to_owned(),
    }
}

/// What a contract of `total` cents still owes, in cents: unsigned contracts are unpaid,
/// signed ones at every stage of payment.
pub(crate) fn remaining(rng: &mut ChaCha8Rng, signed: bool, total: i64) -> i64 {
    match (signed, rng.random_range(0..5)) {
        (false, _) | (true, 4) => total,
        (true, 0 | 1) => 0,
        (true, _) => rng.random_range(1..total),
    }
}

/// The kind of an event for a client, and its host: the company, or the person when there
/// is none.
pub(crate) fn event_kind<'a>(
    rng: &mut ChaCha8Rng,
    company: Option<&'a str>,
    full_name: &'a str,
) -> (&'static Kind, &'a str) {
    let (kinds, host) = match company {
        Some(company) => (pools::COMPANY_EVENTS, company),
        None => (pools::PRIVATE_EVENTS, full_name),
    };
    (kinds.choose(rng).expect("kinds are never empty"), host)
}

/// How long an event of `kind` lasts: whole hours, and half an hour more or not.
pub(crate) fn duration(rng: &mut ChaCha8Rng, kind: &Kind) -> Duration {
    let hours = rng.random_range(kind.hours.0..=kind.hours.1);
    Duration::hours(hours) + Duration::minutes(30 * rng.random_range(0..2))
}

/// A start on `day`, on the hour or half hour between 08:00 and 19:30 UTC: daytime in Paris
/// all year.
pub(crate) fn daytime(rng: &mut ChaCha8Rng, day: DateTime<Utc>) -> DateTime<Utc> {
    let midnight = day.date_naive().and_time(NaiveTime::MIN).and_utc();
    midnight + Duration::minutes(30 * rng.random_range(16..40))
}

/// Whether an event has a location (most do), written to `into`: a known venue with the
/// chance given, otherwise a street address.
pub(crate) fn location(rng: &mut ChaCha8Rng, venue_chance: f64, into: &mut String) -> bool {
    if !rng.random_bool(0.92) {
        return false;
    }
    if rng.random_bool(venue_chance) {
        into.push_str(pick(rng, pools::VENUES));
    } else {
        let number = rng.random_range(1..=180);
        let street = pick(rng, pools::STREETS);
        let city = pick(rng, pools::CITIES);
        let _ = write!(into, "{number} {street}, {city}, France");
    }
    true
}

/// A planner's note, with the chance given.
pub(crate) fn note(rng: &mut ChaCha8Rng, chance: f64) -> Option<&'static str> {
    rng.random_bool(chance).then(|| pick(rng, pools::NOTES))
}

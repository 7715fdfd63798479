//! The forms a time takes: ISO dates and moments, `today+7d`, `now`, and
//! the support team's `4 Jun 2023 @ 1PM`, quoted or not.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::syntax::ast::TimeValue;
use crate::syntax::lexer::{Token, TokenKind, tokenize};

pub(super) enum TimeError {
    /// The first token cannot start a date.
    NotADate,
    /// It starts like a date but is not one; `from..=to` are the token indexes.
    Invalid {
        from: usize,
        to: usize,
        reason: &'static str,
    },
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month(word: &str) -> Option<u32> {
    let word = word.to_lowercase();
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    MONTHS
        .iter()
        .zip(full)
        .position(|(short, long)| {
            word == *short || word == long || (word == "sept" && *short == "sep")
        })
        .map(|index| index as u32 + 1)
}

/// `1PM`, `12:30 am`, `13:00`, `13:00:15`.
fn time_of_day(raw: &str) -> Option<NaiveTime> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let (clock, meridiem) = if let Some(clock) = compact.strip_suffix("am") {
        (clock, Some(false))
    } else if let Some(clock) = compact.strip_suffix("pm") {
        (clock, Some(true))
    } else {
        (compact.as_str(), None)
    };
    let mut parts = clock.split(':');
    let hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    let second: u32 = parts.next().map_or(Some(0), |s| s.parse().ok())?;
    let hour = match meridiem {
        // 12AM is midnight and 12PM noon.
        Some(pm) if (1..=12).contains(&hour) => hour % 12 + if pm { 12 } else { 0 },
        Some(_) => return None,
        None => hour,
    };
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// An ISO date token: `2023-06-01`, `2023-06-01T13:00`, with an optional offset.
fn iso(raw: &str) -> Option<TimeValue> {
    if raw.len() == 10 {
        return NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .map(TimeValue::Date);
    }
    let normalized = raw.replacen([' ', 't'], "T", 1);
    let has_offset = normalized.ends_with('Z') || normalized[10..].contains(['+', '-']);
    if has_offset {
        let with_seconds = if normalized[11..]
            .split(['+', '-', 'Z'])
            .next()?
            .matches(':')
            .count()
            == 1
        {
            let split = normalized[11..].find(['+', '-', 'Z'])? + 11;
            format!("{}:00{}", &normalized[..split], &normalized[split..])
        } else {
            normalized.clone()
        };
        let fixed = with_seconds.replace('Z', "+00:00");
        return chrono::DateTime::parse_from_str(&fixed, "%Y-%m-%dT%H:%M:%S%#z")
            .ok()
            .map(TimeValue::Instant);
    }
    NaiveDateTime::parse_from_str(&normalized, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(&normalized, "%Y-%m-%dT%H:%M"))
        .ok()
        .map(TimeValue::DateTime)
}

/// `time = iso_date [ ( "T" | " " ) clock [ utc_offset ] ] | relative_day | spreadsheet ;`
/// from the start of `tokens` (the quoted form is [`parse_time_text`]);
/// returns the time and how many tokens it used.
pub(super) fn parse_time_tokens(tokens: &[Token]) -> Result<(TimeValue, usize), TimeError> {
    let first = tokens.first().ok_or(TimeError::NotADate)?;
    match first.kind {
        TokenKind::Date => iso(&first.raw).map(|v| (v, 1)).ok_or(TimeError::Invalid {
            from: 0,
            to: 0,
            reason: "no such day or time",
        }),
        TokenKind::Word => relative_day(first, tokens),
        TokenKind::Number => spreadsheet(first, tokens),
        _ => Err(TimeError::NotADate),
    }
}

/// `( "today" | "tomorrow" | "yesterday" ) [ ( "+" | "-" ) digit { digit } ( "d" | "w" ) ] | "now"`
fn relative_day(first: &Token, tokens: &[Token]) -> Result<(TimeValue, usize), TimeError> {
    let base = match first.raw.to_lowercase().as_str() {
        "today" => 0,
        "tomorrow" => 1,
        "yesterday" => -1,
        "now" => return Ok((TimeValue::Now, 1)),
        _ => return Err(TimeError::NotADate),
    };
    // `today+7d`, `today - 2w`, `today + 3 days`
    let sign = match tokens.get(1) {
        Some(t) if t.is_symbol("+") => 1,
        Some(t) if t.is_symbol("-") => -1,
        _ => return Ok((TimeValue::RelativeDay(base), 1)),
    };
    let invalid = |to: usize| TimeError::Invalid {
        from: 0,
        to,
        reason: "write a number of days or weeks, like today+7d or today-2w",
    };
    let amount = tokens
        .get(2)
        .filter(|t| t.kind == TokenKind::Number)
        .and_then(|t| t.raw.parse::<i32>().ok())
        .ok_or_else(|| invalid(tokens.len().min(3) - 1))?;
    let unit = tokens.get(3).ok_or_else(|| invalid(2))?;
    let per = match unit.raw.to_lowercase().as_str() {
        "d" | "day" | "days" if unit.kind == TokenKind::Word => 1,
        "w" | "week" | "weeks" if unit.kind == TokenKind::Word => 7,
        _ => return Err(invalid(3)),
    };
    let days = amount
        .checked_mul(per)
        .and_then(|d| d.checked_mul(sign))
        .and_then(|d| d.checked_add(base))
        .filter(|d| d.abs() <= 365_000)
        .ok_or_else(|| invalid(3))?;
    Ok((TimeValue::RelativeDay(days), 4))
}

/// `day month_name year [ "@" time_of_day ]`, the support team's spreadsheet form.
fn spreadsheet(first: &Token, tokens: &[Token]) -> Result<(TimeValue, usize), TimeError> {
    // The spreadsheet's form: `4 Jun 2023` and optionally `@ 1PM`.
    let month_token = tokens.get(1).filter(|t| t.kind == TokenKind::Word);
    let Some(month_number) = month_token.and_then(|t| month(&t.raw)) else {
        return Err(TimeError::NotADate);
    };
    let invalid = |to: usize, reason: &'static str| TimeError::Invalid {
        from: 0,
        to,
        reason,
    };
    let year = tokens
        .get(2)
        .filter(|t| t.kind == TokenKind::Number && t.raw.len() == 4)
        .and_then(|t| t.raw.parse::<i32>().ok())
        .ok_or_else(|| invalid(1, "the year is missing"))?;
    let day: u32 = first.raw.parse().map_err(|_| invalid(2, "no such day"))?;
    let date = NaiveDate::from_ymd_opt(year, month_number, day)
        .ok_or_else(|| invalid(2, "no such day"))?;
    if !tokens.get(3).is_some_and(|t| t.is_symbol("@")) {
        return Ok((TimeValue::Date(date), 3));
    }
    let time = tokens
        .get(4)
        .filter(|t| matches!(t.kind, TokenKind::TimeOfDay | TokenKind::Number))
        .and_then(|t| time_of_day(&t.raw))
        .ok_or_else(|| {
            invalid(
                tokens.len().min(5) - 1,
                "the time after `@` is not like 1PM or 13:00",
            )
        })?;
    Ok((TimeValue::DateTime(date.and_time(time)), 5))
}

/// `'"' time '"'`: a time written inside quotes; the whole text must be one.
pub fn parse_time_text(text: &str) -> Option<TimeValue> {
    let tokens = tokenize(text).ok()?;
    match parse_time_tokens(&tokens) {
        Ok((value, used)) if used == tokens.len() => Some(value),
        _ => None,
    }
}

//! Lexing: command text to tokens with byte spans, built from nom parsers
//! for each kind of lexeme. Longest forms are tried first, so `2023-06-01`
//! is a date, not a number and a minus, and `1PM` a time of day.

use std::ops::Range;

use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_while, take_while_m_n, take_while1};
use nom::character::complete::{char, one_of, space0};
use nom::combinator::{opt, recognize};
use nom::{IResult, Parser};

use super::error::SyntaxError;
use super::kind::ErrorKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, digits and `_`, starting with a letter or `_`.
    Word,
    /// Digits with an optional fraction: `75`, `12000.00`.
    Number,
    /// A double-quoted string; the token's `value` holds it unescaped.
    Str,
    /// `2023-06-01`, `2023-06-01T13:00`, `2023-06-01 13:00:00+02:00`.
    Date,
    /// `1PM`, `1:30 pm`, `13:00`.
    TimeOfDay,
    /// `=`, `!=`, `<`, `<=`, `>`, `>=`, `~`, `(`, `)`, `,`, `+`, `-`, `@`.
    Symbol,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    /// The text as typed (for strings, with quotes and escapes).
    pub raw: String,
    /// For strings, the unescaped content; otherwise the raw text.
    pub value: String,
    pub span: Range<usize>,
}

impl Token {
    pub fn is_word(&self, word: &str) -> bool {
        self.kind == TokenKind::Word && self.raw.eq_ignore_ascii_case(word)
    }

    pub fn is_symbol(&self, symbol: &str) -> bool {
        self.kind == TokenKind::Symbol && self.raw == symbol
    }
}

fn digits(count: usize) -> impl Fn(&str) -> IResult<&str, &str> {
    move |input| take_while_m_n(count, count, |c: char| c.is_ascii_digit()).parse(input)
}

/// `HH:MM[:SS]`
fn clock(input: &str) -> IResult<&str, &str> {
    recognize((
        take_while_m_n(1, 2, |c: char| c.is_ascii_digit()),
        char(':'),
        digits(2),
        opt((char(':'), digits(2))),
    ))
    .parse(input)
}

/// `Z`, `+02:00`, `-0500`
fn utc_offset(input: &str) -> IResult<&str, &str> {
    alt((
        tag("Z"),
        recognize((one_of("+-"), digits(2), opt(char(':')), digits(2))),
    ))
    .parse(input)
}

/// `2023-06-01`, optionally with `T13:00` or ` 13:00` and an offset.
fn date(input: &str) -> IResult<&str, &str> {
    recognize((
        digits(4),
        char('-'),
        digits(2),
        char('-'),
        digits(2),
        opt((alt((tag("T"), tag("t"), tag(" "))), clock, opt(utc_offset))),
    ))
    .parse(input)
}

/// `1PM`, `12:30 am`, or a 24-hour `13:00`.
fn time_of_day(input: &str) -> IResult<&str, &str> {
    alt((
        recognize((
            take_while_m_n(1, 2, |c: char| c.is_ascii_digit()),
            opt((char(':'), digits(2))),
            space0,
            alt((tag_no_case("am"), tag_no_case("pm"))),
            // `1pmx` is not a time.
            nom::combinator::not(take_while1(|c: char| c.is_alphanumeric() || c == '_')),
        )),
        clock,
    ))
    .parse(input)
}

fn number(input: &str) -> IResult<&str, &str> {
    recognize((
        take_while1(|c: char| c.is_ascii_digit()),
        opt((char('.'), take_while1(|c: char| c.is_ascii_digit()))),
    ))
    .parse(input)
}

fn word(input: &str) -> IResult<&str, &str> {
    recognize((
        take_while_m_n(1, 1, |c: char| c.is_alphabetic() || c == '_'),
        take_while(|c: char| c.is_alphanumeric() || c == '_'),
    ))
    .parse(input)
}

fn symbol(input: &str) -> IResult<&str, &str> {
    alt((
        tag("!="),
        tag("<="),
        tag(">="),
        tag("<>"),
        recognize(one_of("=<>~(),+-@")),
    ))
    .parse(input)
}

/// Splits `text` into tokens. Fails on an unterminated string or a
/// character that has no meaning in the language.
pub fn tokenize(text: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut tokens = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(tokens);
        }
        let start = text.len() - rest.len();
        if rest.starts_with('"') {
            let (value, len) = string(text, start)?;
            tokens.push(Token {
                kind: TokenKind::Str,
                raw: rest[..len].to_owned(),
                value,
                span: start..start + len,
            });
            rest = &rest[len..];
            continue;
        }
        let lexed = date(rest)
            .map(|(r, t)| (r, t, TokenKind::Date))
            .or_else(|_| time_of_day(rest).map(|(r, t)| (r, t, TokenKind::TimeOfDay)))
            .or_else(|_| number(rest).map(|(r, t)| (r, t, TokenKind::Number)))
            .or_else(|_| word(rest).map(|(r, t)| (r, t, TokenKind::Word)))
            .or_else(|_| symbol(rest).map(|(r, t)| (r, t, TokenKind::Symbol)));
        match lexed {
            Ok((remaining, raw, kind)) => {
                let raw = if raw == "<>" { "!=" } else { raw };
                tokens.push(Token {
                    kind,
                    raw: raw.to_owned(),
                    value: raw.to_owned(),
                    span: start..text.len() - remaining.len(),
                });
                rest = remaining;
            }
            Err(_) => {
                let c = rest.chars().next().expect("rest is not empty");
                let mut error = SyntaxError::at(
                    ErrorKind::UnexpectedCharacter { character: c },
                    start..start + c.len_utf8(),
                    text,
                );
                if c == '\'' {
                    error = error.with_help("strings are written in double quotes: \"like this\"");
                } else if c == ';' {
                    error =
                        error.with_help("commands end at the end of the line; no `;` is needed");
                }
                return Err(error);
            }
        }
    }
}

/// A double-quoted string starting at `start`: its unescaped value and its length in bytes.
fn string(text: &str, start: usize) -> Result<(String, usize), SyntaxError> {
    let mut value = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            '"' => return Ok((value, offset + 2)),
            '\\' => match chars
                .next()
                .map(|(at, escaped)| (at, escaped, unescape(escaped)))
            {
                Some((_, _, Some(unescaped))) => value.push(unescaped),
                Some((escape_offset, other, None)) => {
                    let at = start + 1 + escape_offset - 1;
                    return Err(SyntaxError::at(
                        ErrorKind::UnknownEscape { escaped: other },
                        at..at + 1 + other.len_utf8(),
                        text,
                    )
                    .with_help(r#"the escapes are \" \\ \n \t \r"#));
                }
                None => break,
            },
            '\0' => {
                let at = start + 1 + offset;
                return Err(SyntaxError::at(ErrorKind::NulInString, at..at + 1, text));
            }
            c => value.push(c),
        }
    }
    Err(
        SyntaxError::at(ErrorKind::UnclosedString, start..start + 1, text)
            .with_help(r#"end it with `"`; write \" for a quote inside a string"#),
    )
}

/// What the character after a `\\` in a string stands for.
fn unescape(escaped: char) -> Option<char> {
    match escaped {
        '"' => Some('"'),
        '\\' => Some('\\'),
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        _ => None,
    }
}

/// Where the character at byte `at` of a string token's value was typed:
/// the character itself, or the escape that stands for it (`\r`). The
/// token's whole span if `at` is past its value.
pub fn span_in_string(token: &Token, at: usize) -> Range<usize> {
    let mut chars = token.raw.char_indices().skip(1); // the opening quote
    let mut value_offset = 0;
    while let Some((start, c)) = chars.next() {
        let (end, produced) = match c {
            '\\' => match chars.next() {
                Some((escape, escaped)) => (
                    escape + escaped.len_utf8(),
                    unescape(escaped).unwrap_or(escaped),
                ),
                None => break,
            },
            '"' => break,
            c => (start + c.len_utf8(), c),
        };
        if value_offset >= at {
            return token.span.start + start..token.span.start + end;
        }
        value_offset += produced.len_utf8();
    }
    token.span.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, String)> {
        tokenize(text)
            .expect("lexes")
            .into_iter()
            .map(|t| (t.kind, t.value))
            .collect()
    }

    #[test]
    fn dates_times_numbers_and_words_are_told_apart() {
        use TokenKind::*;
        assert_eq!(
            kinds("start >= 2023-06-01 and x < 2023-06-01T13:00+02:00"),
            vec![
                (Word, "start".into()),
                (Symbol, ">=".into()),
                (Date, "2023-06-01".into()),
                (Word, "and".into()),
                (Word, "x".into()),
                (Symbol, "<".into()),
                (Date, "2023-06-01T13:00+02:00".into()),
            ]
        );
        assert_eq!(
            kinds("4 Jun 2023 @ 1PM"),
            vec![
                (Number, "4".into()),
                (Word, "Jun".into()),
                (Number, "2023".into()),
                (Symbol, "@".into()),
                (TimeOfDay, "1PM".into()),
            ]
        );
        assert_eq!(
            kinds("today+7d 12000.00"),
            vec![
                (Word, "today".into()),
                (Symbol, "+".into()),
                (Number, "7".into()),
                (Word, "d".into()),
                (Number, "12000.00".into()),
            ]
        );
    }

    #[test]
    fn strings_unescape_and_keep_their_span() {
        let tokens = tokenize(r#"x = "say \"hi\"\n""#).expect("lexes");
        assert_eq!(tokens[2].value, "say \"hi\"\n");
        assert_eq!(tokens[2].span, 4..18);
    }

    #[test]
    fn a_string_character_is_found_where_it_was_typed() {
        let text = r#"name = "é\r\"x""#;
        let tokens = tokenize(text).expect("lexes");
        let token = &tokens[2];
        assert_eq!(token.value, "é\r\"x");
        // `é` (bytes 0..2 of the value) was typed at 8..10, `\r` at 10..12,
        // `\"` at 12..14, `x` at 14..15.
        for (at, typed) in [(0, "é"), (2, r"\r"), (3, r#"\""#), (4, "x")] {
            let span = span_in_string(token, at);
            assert_eq!(&text[span], typed, "value byte {at}");
        }
        assert_eq!(span_in_string(token, 99), token.span);
    }

    #[test]
    fn a_control_character_outside_strings_is_named_by_code_point() {
        let error = tokenize("show events \u{1b}[2J").expect_err("refused");
        assert_eq!(error.message, "unexpected character U+001B");
        assert_eq!(error.span, 12..13);
    }

    #[test]
    fn an_unterminated_string_points_at_its_opening_quote() {
        let error = tokenize(r#"x ~ "Ouick"#).expect_err("unterminated");
        assert_eq!(
            error.to_string(),
            "this string has no closing quote\n  x ~ \"Ouick\n      ^\nhelp: end it with `\"`; write \\\" for a quote inside a string"
        );
    }
}

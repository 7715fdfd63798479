//! Syntax highlighting on a terminal: the line's tokens in colour.

use super::*;

/// `line` with ANSI colours around its tokens. Strings are found here rather
/// than by the lexer so that an unterminated one (still being typed) or one
/// with a bad escape is still shown as a string.
pub(super) fn highlight_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut budget = MAX_LEXICAL_ERRORS;
    let mut at = 0;
    while at < line.len() {
        let Some(offset) = line[at..].find('"') else {
            highlight_run(&line[at..], &mut out, &mut budget);
            break;
        };
        let quote = at + offset;
        highlight_run(&line[at..quote], &mut out, &mut budget);
        let end = string_end(line, quote);
        paint(&mut out, Some(STRING), &line[quote..end]);
        at = end;
    }
    out
}

/// The end of the string starting at the quote at `start`: after its
/// closing quote, or the end of the line if it has none yet.
fn string_end(line: &str, start: usize) -> usize {
    let mut chars = line[start + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' => return start + 1 + offset + 1,
            _ => {}
        }
    }
    line.len()
}

/// Highlights `run`, a stretch of the line with no string in it, through the
/// lexer, so dates and times are coloured exactly as the parser reads them.
/// A character the lexer refuses is copied as it is and lexing resumes after it.
fn highlight_run(run: &str, out: &mut String, budget: &mut usize) {
    let mut at = 0;
    while at < run.len() {
        let rest = &run[at..];
        let (tokens, bad) = match tokenize(rest) {
            Ok(tokens) => (tokens, None),
            Err(error) if *budget > 0 && rest.is_char_boundary(error.span.start) => {
                *budget -= 1;
                let bad = error.span.start;
                // The tokens before the bad character lex the same on their own.
                (tokenize(&rest[..bad]).unwrap_or_default(), Some(bad))
            }
            Err(_) => {
                out.push_str(rest);
                return;
            }
        };
        let mut copied = 0;
        for token in &tokens {
            out.push_str(&rest[copied..token.span.start]);
            paint(out, color(token), &rest[token.span.clone()]);
            copied = token.span.end;
        }
        // No error, or one past the last character: the run is done.
        let Some((bad, bad_char)) = bad.and_then(|bad| Some((bad, rest[bad..].chars().next()?)))
        else {
            out.push_str(&rest[copied..]);
            return;
        };
        let after = bad + bad_char.len_utf8();
        out.push_str(&rest[copied..after]);
        at += after;
    }
}

fn color(token: &Token) -> Option<&'static str> {
    match token.kind {
        TokenKind::Word => {
            let word = token.raw.to_lowercase();
            if LANGUAGE_WORDS.contains(&word.as_str())
                || help::command_names().contains(&word.as_str())
            {
                Some(KEYWORD)
            } else if MOMENT_WORDS.contains(&word.as_str()) {
                Some(MOMENT)
            } else {
                None
            }
        }
        TokenKind::Number => Some(NUMBER),
        TokenKind::Date | TokenKind::TimeOfDay => Some(MOMENT),
        TokenKind::Str => Some(STRING),
        TokenKind::Symbol => None,
    }
}

fn paint(out: &mut String, color: Option<&str>, text: &str) {
    match color {
        Some(color) => {
            out.push_str(color);
            out.push_str(text);
            out.push_str(RESET);
        }
        None => out.push_str(text),
    }
}

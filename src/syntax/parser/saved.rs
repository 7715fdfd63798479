//! Saved queries: `save [team] query NAME as ...`, `NAME` and `show NAME`,
//! `show queries`, `delete [team] query NAME`.
//!
//! A name runs as a command of its own, so it may not be a word the
//! language takes where it stands, nor one typo from one: otherwise
//! `show evnts` would stop being a misspelling of `show events`, and a
//! query named `shwo` would hide the help `shwo` gets. The parser knows
//! the names' form only; which names exist is the database's.

use super::{Parser, command_words};
use crate::model::Entity;
use crate::syntax::ast::{Command, SaveQuery};
use crate::syntax::error::SyntaxError;
use crate::syntax::kind::{ErrorKind, Want};
use crate::syntax::lexer::{Token, TokenKind};
use crate::syntax::suggest::distance;

/// The commands a saved query may hold: the reads.
pub const SAVABLE: [&str; 4] = ["show", "count", "report", "explain"];

/// What `show` takes besides an entity and a saved query's name.
pub(super) const SHOWN_BESIDES: [&str; 5] =
    ["sessions", "security", "notifications", "time", "queries"];

/// The longest name a saved query may have (the database says the same).
const MAX_NAME: usize = 40;

/// The words a saved query's name may not be, nor be a typo of.
fn reserved() -> impl Iterator<Item = &'static str> {
    command_words()
        .chain(Entity::names())
        .chain(SHOWN_BESIDES)
        .chain(["query", "team"])
}

/// Why `name` cannot name a saved query, if it cannot: its form, or the
/// word of the language it is or is one typo from (one edit: a misspelling
/// further off, standing alone, is taken for a saved query's name).
pub fn refuse_name(name: &str) -> Option<ErrorKind> {
    let mut chars = name.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= MAX_NAME;
    if !well_formed {
        return Some(ErrorKind::NotAQueryName {
            found: name.to_owned(),
        });
    }
    let lower = name.to_ascii_lowercase();
    // What another tool calls a command gets the epic form instead.
    if crate::syntax::instead::command_word(&lower, "").is_some() {
        let near = None;
        return Some(ErrorKind::ReservedName { name: lower, near });
    }
    let near = reserved().min_by_key(|word| distance(&lower, word))?;
    match distance(&lower, near) {
        0 => Some(ErrorKind::ReservedName {
            name: lower,
            near: None,
        }),
        1 => Some(ErrorKind::ReservedName {
            name: lower,
            near: Some(near),
        }),
        _ => None,
    }
}

/// The help beside a refused name: every word a name may not be near.
pub fn reserved_help() -> String {
    let mut words: Vec<&str> = reserved().collect();
    words.sort_unstable();
    words.dedup();
    format!(
        "a saved query's name may not be, nor be one typo from: {}; \
         nor `list`, `find` and the SQL words",
        words.join(", ")
    )
}

impl Parser<'_> {
    /// `save = "save" [ "team" ] "query" query_name "as" ( show | count | report | explain ) ;`
    pub(super) fn save(&mut self) -> Result<Command, SyntaxError> {
        self.could_end_with_word("settings");
        self.could_end_with_word("team");
        let team = self.eat_word("team");
        if !team && !self.peek_word("query") {
            let allowed = vec!["query", "team", "settings"];
            return Err(self.expected(
                Want::Clauses {
                    allowed: allowed.clone(),
                },
                &allowed,
            ));
        }
        self.query_keyword("save")?;
        let name = self.query_name()?;
        if !self.eat_word("as") {
            let after = Some(format!("save query {name}"));
            return Err(self.expected(Want::Keyword { word: "as", after }, &["as"]));
        }
        let start = self.here().start;
        let Some(first) = self.peek().cloned() else {
            return Err(self.expected(Want::Saved, &SAVABLE));
        };
        if !SAVABLE.iter().any(|word| first.is_word(word)) {
            return Err(self.not_savable(first.raw.clone(), first.span.clone()));
        }
        let command = self.command()?;
        if !savable(&command) {
            let end = self.here().end.max(start);
            return Err(self.not_savable(command.to_string(), start..end));
        }
        Ok(Command::SaveQuery(SaveQuery {
            team,
            name,
            command: Box::new(command),
        }))
    }

    /// `delete_query = "delete" [ "team" ] "query" query_name ;`
    pub(super) fn delete_query(&mut self) -> Result<Command, SyntaxError> {
        let team = self.eat_word("team");
        self.query_keyword("delete")?;
        let name = self.query_name()?;
        Ok(Command::DeleteQuery { team, name })
    }

    /// Whether `delete` is followed by `query` or `team query`.
    pub(super) fn deletes_a_query(&self) -> bool {
        self.could_end_with_word("query");
        self.could_end_with_word("team");
        self.peek_word("query") || self.peek_word("team")
    }

    /// `run_query = query_name ;`: a saved query's name standing alone
    /// (`token`, just read), when it can be one.
    pub(super) fn run_query(&self, token: &Token) -> Option<Command> {
        let alone = token.kind == TokenKind::Word && self.peek().is_none();
        (alone && refuse_name(&token.raw).is_none()).then(|| Command::RunQuery {
            name: token.raw.to_ascii_lowercase(),
        })
    }

    /// `"show" query_name`: the next token, if it is a saved query's name
    /// standing alone, and not an entity's.
    pub(super) fn show_saved(&mut self) -> Option<Command> {
        let token = self.peek()?.clone();
        if Entity::from_name(&token.raw).is_some() || self.peek_at(1).is_some() {
            return None;
        }
        self.position += 1;
        let run = self.run_query(&token);
        if run.is_none() {
            self.position -= 1;
        }
        run
    }

    /// `query_name = letter { letter | digit | "_" } ;`, not a reserved word.
    fn query_name(&mut self) -> Result<String, SyntaxError> {
        let Some(token) = self.peek().cloned() else {
            return Err(self.expected(Want::QueryName, &[]));
        };
        if token.kind != TokenKind::Word {
            return Err(self.expected(Want::QueryName, &[]));
        }
        self.position += 1;
        match refuse_name(&token.raw) {
            None => Ok(token.raw.to_ascii_lowercase()),
            Some(kind @ ErrorKind::ReservedName { .. }) => {
                Err(self.fail(kind, token.span).with_help(reserved_help()))
            }
            Some(kind) => Err(self.fail(kind, token.span)),
        }
    }

    /// `"query"` after `save [team]` or `delete [team]`.
    fn query_keyword(&mut self, command: &str) -> Result<(), SyntaxError> {
        if self.eat_word("query") {
            return Ok(());
        }
        let after = Some(command.to_owned());
        Err(self.expected(
            Want::Keyword {
                word: "query",
                after,
            },
            &["query"],
        ))
    }

    fn not_savable(&self, found: String, span: std::ops::Range<usize>) -> SyntaxError {
        self.fail(ErrorKind::NotSavable { found }, span).with_help(
            "for example: save query mine as show events where support is me and start >= today",
        )
    }
}

/// Whether `command` may be saved: a listing, a record, a count, a report
/// or the `explain` of one; never another saved query.
pub fn savable(command: &Command) -> bool {
    matches!(
        command,
        Command::Show(_)
            | Command::ShowOne { .. }
            | Command::Count { .. }
            | Command::Report { .. }
            | Command::Explain(_)
    )
}

#[cfg(test)]
mod tests {
    use crate::syntax::{Command, Want, expected_at_end, parse};

    #[test]
    fn a_saved_query_round_trips_and_runs_by_name() {
        let line =
            "save query mine as show events where support is me and start >= today order by start";
        let command = parse(line).unwrap();
        assert_eq!(command.to_string(), line);
        assert_eq!(parse(&command.to_string()).unwrap(), command);
        let team = parse("SAVE TEAM QUERY Unpaid_Big as report unpaid").unwrap();
        assert_eq!(
            team.to_string(),
            "save team query unpaid_big as report unpaid"
        );
        for line in ["mine", "show mine", "MINE", "show Mine"] {
            let name = "mine".to_owned();
            assert_eq!(parse(line).unwrap(), Command::RunQuery { name });
        }
        assert_eq!(parse("show queries").unwrap(), Command::ShowQueries);
        let delete = parse("delete team query late_events").unwrap();
        assert_eq!(delete.to_string(), "delete team query late_events");
        assert_eq!(
            parse("delete query mine").unwrap().to_string(),
            "delete query mine"
        );
        // Entities and their misspellings keep their meaning.
        assert!(matches!(parse("show events").unwrap(), Command::Show(_)));
        let error = parse("show evnts").unwrap_err().to_string();
        assert!(error.contains("did you mean `events`"), "{error}");
        let error = parse("shwo").unwrap_err().to_string();
        assert!(error.contains("unknown command"), "{error}");
    }

    #[test]
    fn only_reads_are_saved_and_names_cannot_shadow_the_language() {
        let error = parse("save query x as delete client 3")
            .unwrap_err()
            .to_string();
        assert!(error.contains("only a read can be saved"), "{error}");
        assert!(error.contains("not `delete`"), "{error}");
        let error = parse("save query x as show sessions")
            .unwrap_err()
            .to_string();
        assert!(error.contains("not `show sessions`"), "{error}");
        let error = parse("save query x as show mine").unwrap_err().to_string();
        assert!(error.contains("not `show mine`"), "{error}");
        for (name, word) in [("events", "events"), ("show", "show"), ("evnts", "events")] {
            let line = format!("save query {name} as count events");
            let error = parse(&line).unwrap_err().to_string();
            assert!(error.contains(&format!("`{word}`")), "{error}");
            assert!(
                error.contains("may not be, nor be one typo from: "),
                "{error}"
            );
        }
        for name in ["mine", "late", "upcoming", "my_week_2"] {
            let line = format!("save query {name} as count events");
            assert!(parse(&line).is_ok(), "{name}");
        }
        for name in ["list", "select", "shwo", "queris"] {
            let line = format!("save query {name} as count events");
            assert!(parse(&line).is_err(), "{name}");
        }
        assert!(parse("save query 9x as count events").is_err());
        let long = format!("save query {} as count events", "a".repeat(41));
        assert!(parse(&long).is_err());
        assert!(parse("save query x as").is_err());
        assert!(expected_at_end("save query x as ").contains(&Want::Saved));
        assert!(expected_at_end("save ").contains(&Want::Keyword {
            word: "team",
            after: None
        }));
    }
}

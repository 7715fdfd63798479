//! The commands that read: `help`, `set format`, `explain`, `show`, `count`
//! and `report`.

use super::Parser;
use crate::format::{Expanded, FORMAT_NAMES, Format, PAGE_ROWS, Switch};
use crate::model::Entity;
use crate::syntax::ast::{Command, Query};
use crate::syntax::error::SyntaxError;
use crate::syntax::help;
use crate::syntax::kind::{ErrorKind, Thing, ValueError, Want};
use crate::syntax::lexer::{Token, TokenKind};
use crate::syntax::suggest::did_you_mean;

/// The settings `set` takes.
pub const SETTINGS: [&str; 7] = [
    "format",
    "expanded",
    "pager",
    "page_size",
    "timing",
    "security",
    "time",
];

/// The commands `explain` takes.
pub const EXPLAINED: [&str; 2] = ["show", "count"];

use super::saved::SHOWN_BESIDES;

/// Which clauses of a `show` came already.
#[derive(Clone, Copy)]
struct Clauses {
    filter: bool,
    order: bool,
    limit: bool,
    offset: bool,
}

impl Parser<'_> {
    /// `help = "help" [ command_name ] ;`
    pub(super) fn help(&mut self) -> Result<Command, SyntaxError> {
        let Some(topic) = self.next() else {
            // The topic is a command's name or an entity's.
            self.could_end_with(|| Want::Command);
            self.could_end_with(|| Want::Entity);
            return Ok(Command::Help { topic: None });
        };
        match help::find_topic(&topic.raw) {
            Some(found) if topic.kind == TokenKind::Word => {
                Ok(Command::Help { topic: Some(found) })
            }
            _ => {
                let topic_word = topic.raw.clone();
                let error = self.fail(ErrorKind::NoHelp { topic: topic_word }, topic.span.clone());
                Err(match did_you_mean(&topic.raw, help::topic_names()) {
                    Some(word) => error.did_you_mean(word),
                    None => error.with_help(format!(
                        "help is available for: {}",
                        help::topic_names().join(", ")
                    )),
                })
            }
        }
    }

    /// `show_settings | set_format | set_expanded | set_pager | set_page_size | set_timing | set_security | set_time_zone`:
    /// the word after `set` picks the rule; `show_settings = "set" ;` is `set` alone.
    pub(super) fn set(&mut self) -> Result<Command, SyntaxError> {
        match self.next() {
            Some(setting) if setting.is_word("format") => self.set_format(),
            Some(setting) if setting.is_word("expanded") => self.set_expanded(),
            Some(setting) if setting.is_word("pager") => self.set_pager(),
            Some(setting) if setting.is_word("page_size") => self.set_page_size(),
            Some(setting) if setting.is_word("timing") => self.set_timing(),
            Some(setting) if setting.is_word("security") => self.set_security(),
            Some(setting) if setting.is_word("time") => self.set_time_zone(),
            Some(setting) => {
                let error = self.fail(
                    ErrorKind::Unknown {
                        what: Thing::Setting,
                        word: setting.raw.clone(),
                    },
                    setting.span.clone(),
                );
                Err(match did_you_mean(&setting.raw, SETTINGS) {
                    Some(word) => error.did_you_mean(word),
                    None => error.with_help(
                        "settings are `format` (set format table|vertical|csv|json), \
                         `expanded` (set expanded auto|on|off), \
                         `pager` and `timing` (set timing on|off), \
                         `page_size` (set page_size 50), \
                         `security` (set security NAME = VALUE, for admins) and \
                         `time zone` (set time zone \"Europe/Paris\", for management)",
                    ),
                })
            }
            None => {
                self.could_end_with(|| Want::Setting);
                Ok(Command::ShowSettings)
            }
        }
    }

    /// `set_format = "set" "format" ( "table" | "vertical" | "csv" | "json" ) ;`
    fn set_format(&mut self) -> Result<Command, SyntaxError> {
        let Some(name) = self.next() else {
            return Err(self.expected(Want::Format, &[]));
        };
        match name.value.parse::<Format>() {
            Ok(format) => Ok(Command::SetFormat { format }),
            Err(_) => {
                let error = self.fail(
                    ErrorKind::Unknown {
                        what: Thing::Format,
                        word: name.raw.clone(),
                    },
                    name.span.clone(),
                );
                Err(
                    match did_you_mean(&name.raw, FORMAT_NAMES.iter().copied()) {
                        Some(word) => error.did_you_mean(word),
                        None => {
                            error.with_help(format!("formats are: {}", FORMAT_NAMES.join(", ")))
                        }
                    },
                )
            }
        }
    }

    /// `set_expanded = "set" "expanded" ( "auto" | "on" | "off" ) ;`
    fn set_expanded(&mut self) -> Result<Command, SyntaxError> {
        let expanded = self.setting_value(
            ("expanded", Want::Expanded, Thing::Expanded),
            &Expanded::NAMES,
            Expanded::from_name,
        )?;
        Ok(Command::SetExpanded { expanded })
    }

    /// `set_pager = "set" "pager" ( "on" | "off" ) ;`
    fn set_pager(&mut self) -> Result<Command, SyntaxError> {
        let pager = self.setting_value(
            ("pager", Want::Pager, Thing::Pager),
            &Switch::NAMES,
            Switch::from_name,
        )?;
        Ok(Command::SetPager { pager })
    }

    /// `set_page_size = "set" "page_size" digit { digit } ;`  (* 1 to 1000000 *)
    fn set_page_size(&mut self) -> Result<Command, SyntaxError> {
        let (name, min, max) = ("page_size", *PAGE_ROWS.start(), *PAGE_ROWS.end());
        let (min, max) = (min as i32, max as i32);
        match self.next() {
            Some(token) if token.kind == TokenKind::Number => match token.raw.parse::<u32>() {
                Ok(rows) if PAGE_ROWS.contains(&rows) => Ok(Command::SetPageSize { rows }),
                _ => Err(self.fail(
                    ValueError::SettingOutOfRange { name, min, max },
                    token.span.clone(),
                )),
            },
            _ => Err(self.expected(Want::SettingValue { name, min, max }, &[])),
        }
    }

    /// `set_timing = "set" "timing" ( "on" | "off" ) ;`
    fn set_timing(&mut self) -> Result<Command, SyntaxError> {
        let timing = self.setting_value(
            ("timing", Want::Timing, Thing::Timing),
            &Switch::NAMES,
            Switch::from_name,
        )?;
        Ok(Command::SetTiming { timing })
    }

    /// The word naming a setting's value, one of `names` (any case); a
    /// misspelling gets a did-you-mean, anything else the list.
    fn setting_value<T>(
        &mut self,
        (setting, want, thing): (&str, Want, Thing),
        names: &[&'static str],
        from_name: fn(&str) -> Option<T>,
    ) -> Result<T, SyntaxError> {
        let Some(name) = self.next() else {
            return Err(self.expected(want, &[]));
        };
        match from_name(&name.value) {
            Some(value) if name.kind == TokenKind::Word => Ok(value),
            _ => {
                let error = self.fail(
                    ErrorKind::Unknown {
                        what: thing,
                        word: name.raw.clone(),
                    },
                    name.span.clone(),
                );
                Err(match did_you_mean(&name.raw, names.iter().copied()) {
                    Some(word) => error.did_you_mean(word),
                    None => error.with_help(format!("set {setting} {}", names.join("|"))),
                })
            }
        }
    }

    /// `save_settings = "save" "settings" ;`
    pub(super) fn save_settings(&mut self) -> Result<Command, SyntaxError> {
        if self.eat_word("settings") {
            return Ok(Command::SaveSettings);
        }
        let after = Some("save".to_owned());
        let want = Want::Keyword {
            word: "settings",
            after,
        };
        Err(self.expected(want, &[]))
    }

    /// `"zone"` after `time`, in `set time zone` and `show time zone`.
    fn zone_after_time(&mut self, command: &str) -> Result<(), SyntaxError> {
        if self.eat_word("zone") {
            return Ok(());
        }
        let after = Some(format!("{command} time"));
        Err(self.expected(
            Want::Keyword {
                word: "zone",
                after,
            },
            &[],
        ))
    }

    /// `set_time_zone = "set" "time" "zone" string ;`: a zone of the IANA
    /// database, in any case (`UTC` may go unquoted).
    fn set_time_zone(&mut self) -> Result<Command, SyntaxError> {
        self.zone_after_time("set")?;
        let help = "name a zone of the IANA time zone database in quotes, \
                    as \"Europe/Paris\", \"America/New_York\" or \"UTC\"";
        let Some(name) = self.next() else {
            return Err(self.expected(Want::TimeZone, &[]).with_help(help));
        };
        match crate::zone::parse_name(&name.value) {
            Ok(zone) if matches!(name.kind, TokenKind::Str | TokenKind::Word) => {
                Ok(Command::SetTimeZone { zone: zone.name() })
            }
            _ => Err(self
                .fail(
                    ErrorKind::Unknown {
                        what: Thing::TimeZone,
                        word: name.raw.clone(),
                    },
                    name.span.clone(),
                )
                .with_help(help)),
        }
    }

    /// `explain = "explain" ( show | count ) ;`
    pub(super) fn explain(&mut self, keyword: &Token) -> Result<Command, SyntaxError> {
        let inner = match self.peek() {
            Some(t) if t.is_word("show") => {
                self.position += 1;
                self.show()?
            }
            Some(t) if t.is_word("count") => {
                self.position += 1;
                self.count()?
            }
            _ => {
                return Err(self
                    .expected(Want::Explained, &EXPLAINED)
                    .with_help(format!(
                        "for example: explain show events where support is none (after `{}`)",
                        keyword.raw
                    )));
            }
        };
        // Sessions, notifications and the security settings are not listings of SQL of their own.
        if !matches!(
            inner,
            Command::Show(_) | Command::ShowOne { .. } | Command::Count { .. }
        ) {
            let command = inner.to_string();
            return Err(self
                .fail(
                    ErrorKind::ExplainNotListing { command },
                    keyword.span.clone(),
                )
                .with_help("for example: explain show events where support is none"));
        }
        Ok(Command::Explain(Box::new(inner)))
    }

    /// `report = "report" ( "sales" | "events" | "unpaid" ) ;`
    pub(super) fn report(&mut self) -> Result<Command, SyntaxError> {
        use crate::syntax::ast::Report;
        let Some(token) = self.next() else {
            return Err(self.expected(Want::Report, &[]));
        };
        let report = match token.raw.to_lowercase().as_str() {
            "sales" => Report::Sales,
            "events" => Report::Events,
            "unpaid" => Report::Unpaid,
            _ => {
                let error = self.fail(
                    ErrorKind::Unknown {
                        what: Thing::Report,
                        word: token.raw.clone(),
                    },
                    token.span,
                );
                return Err(match did_you_mean(&token.raw, Report::NAMES) {
                    Some(word) => error.did_you_mean(word),
                    None => error.with_help("reports are: sales, events, unpaid"),
                });
            }
        };
        Ok(Command::Report { report })
    }

    /// `show = "show" entity record_id
    ///      | "show" entity [ where ] [ order ] [ paging ] ;`,
    /// and `show_sessions`, `show_security`, `show_notifications`,
    /// `show_time_zone`.
    pub(super) fn show(&mut self) -> Result<Command, SyntaxError> {
        for word in SHOWN_BESIDES {
            self.could_end_with_word(word);
        }
        if self.eat_word("sessions") {
            return Ok(Command::ShowSessions);
        }
        if self.eat_word("security") {
            return Ok(Command::ShowSecurity);
        }
        if self.eat_word("notifications") {
            return Ok(Command::ShowNotifications);
        }
        if self.eat_word("time") {
            self.zone_after_time("show")?;
            return Ok(Command::ShowTimeZone);
        }
        if self.eat_word("queries") {
            return Ok(Command::ShowQueries);
        }
        if let Some(run) = self.show_saved() {
            return Ok(run);
        }
        let entity = self.entity()?;
        if let Some(token) = self.peek().cloned()
            && token.kind == TokenKind::Number
        {
            self.position += 1;
            let id = self.record_id(&token)?;
            return Ok(Command::ShowOne { entity, id });
        }
        let filter = self.where_clause(entity)?;
        let order = self.order_clause(entity)?;
        let (limit, offset) = self.paging()?;
        let seen = Clauses {
            filter: filter.is_some(),
            order: !order.is_empty(),
            limit: limit.is_some(),
            offset: offset.is_some(),
        };
        if self.peek().is_some() {
            return Err(self.clause_error(entity, seen));
        }
        self.could_end_with(|| Want::Clauses {
            allowed: seen.allowed(),
        });
        Ok(Command::Show(Query {
            entity,
            filter,
            order,
            limit,
            offset,
        }))
    }

    /// The error for an unexpected token after a show's clauses: says which
    /// clauses could still come.
    fn clause_error(&self, entity: Entity, seen: Clauses) -> SyntaxError {
        let allowed = seen.allowed();
        let has_where = seen.filter;
        let keywords: Vec<&'static str> = allowed
            .iter()
            .map(|w| w.split(' ').next().unwrap_or(w))
            .collect();
        let mut error = if allowed.is_empty() {
            self.expected(Want::EndOfCommand, &[])
        } else {
            self.expected(Want::Clauses { allowed }, &keywords)
        };
        if error.help.is_none()
            && let Some(token) = self.peek()
            && let Some(help) = crate::syntax::instead::clause_word(&token.raw)
        {
            error = error.with_help(help);
        }
        if error.help.is_none()
            && !has_where
            && let Some(token) = self.peek()
            && entity.field(&token.raw).is_some()
        {
            error = error.with_help(format!(
                "conditions start with `where`: show {entity} where {} ...",
                token.raw
            ));
        }
        error
    }

    /// `count = "count" entity [ where ] ;`
    pub(super) fn count(&mut self) -> Result<Command, SyntaxError> {
        let entity = self.entity()?;
        let filter = self.where_clause(entity)?;
        let allowed = || {
            if filter.is_some() {
                vec!["and", "or"]
            } else {
                vec!["where"]
            }
        };
        if self.peek().is_some() {
            let allowed = allowed();
            return Err(self.expected(Want::Clauses { allowed }, &["where", "and", "or"]));
        }
        self.could_end_with(|| Want::Clauses { allowed: allowed() });
        Ok(Command::Count { entity, filter })
    }
}

impl Clauses {
    /// The clauses that may still come after these, in their order.
    fn allowed(self) -> Vec<&'static str> {
        let mut allowed: Vec<&'static str> = Vec::new();
        let nothing_after_where = !self.order && !self.limit && !self.offset;
        if !self.filter && nothing_after_where {
            allowed.push("where");
        }
        if self.filter && nothing_after_where {
            allowed.extend(["and", "or"]);
        }
        if nothing_after_where {
            allowed.push("order by");
        }
        if !self.limit {
            allowed.push("limit");
        }
        if !self.offset {
            allowed.push("offset");
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use crate::format::{Expanded, Switch};
    use crate::syntax::{Command, Want, expected_at_end, parse};

    #[test]
    fn set_expanded_takes_auto_on_or_off() {
        for (text, expanded) in [
            ("set expanded auto", Expanded::Auto),
            ("set expanded ON", Expanded::On),
            ("set expanded off", Expanded::Off),
        ] {
            let command = parse(text).unwrap();
            assert_eq!(command, Command::SetExpanded { expanded });
            assert_eq!(parse(&command.to_string()).unwrap(), command);
        }
        let error = parse("set expanded of").unwrap_err();
        assert!(error.to_string().contains("`of`"), "{error}");
        assert!(parse("set expanded").is_err());
        assert!(parse("set expanded \"on\"").is_err());
        assert!(expected_at_end("set expanded ").contains(&Want::Expanded));
    }

    #[test]
    fn set_pager_takes_on_or_off() {
        for (line, pager) in [("set pager on", Switch::On), ("set pager OFF", Switch::Off)] {
            let command = parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(command, Command::SetPager { pager });
            assert_eq!(command.to_string(), line.to_lowercase());
        }
        let error = parse("set pager of").unwrap_err().to_string();
        assert!(error.contains("unknown pager setting `of`"), "{error}");
        let error = parse("set pager less").unwrap_err().to_string();
        assert!(error.contains("set pager on|off"), "{error}");
        assert!(parse("set pager").is_err());
        assert!(expected_at_end("set pager ").contains(&Want::Pager));
    }

    #[test]
    fn set_timing_takes_on_or_off() {
        for (line, timing) in [
            ("set timing on", Switch::On),
            ("set TIMING off", Switch::Off),
        ] {
            let command = parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(command, Command::SetTiming { timing });
            assert_eq!(command.to_string(), line.to_lowercase());
        }
        let error = parse("set timing yes").unwrap_err().to_string();
        assert!(error.contains("set timing on|off"), "{error}");
        assert!(parse("set timing").is_err());
        assert!(expected_at_end("set timing ").contains(&Want::Timing));
    }

    #[test]
    fn set_time_zone_takes_an_iana_zone_and_show_time_zone_shows_it() {
        for (text, zone) in [
            ("set time zone \"Europe/Paris\"", "Europe/Paris"),
            ("SET TIME ZONE \"america/new_york\"", "America/New_York"),
            ("set time zone UTC", "UTC"),
        ] {
            let command = parse(text).unwrap();
            assert_eq!(command, Command::SetTimeZone { zone });
            assert_eq!(parse(&command.to_string()).unwrap(), command);
        }
        let error = parse("set time zone \"Paris\"").unwrap_err().to_string();
        assert!(error.contains("unknown time zone `\"Paris\"`"), "{error}");
        assert!(error.contains("\"Europe/Paris\""), "{error}");
        assert!(parse("set time zone").is_err());
        assert!(parse("set time \"UTC\"").is_err());
        assert!(parse("set time zone \"UTC\" now").is_err());
        assert!(expected_at_end("set time zone ").contains(&Want::TimeZone));
        assert_eq!(parse("show time zone").unwrap(), Command::ShowTimeZone);
        assert!(parse("show time").is_err());
    }
}

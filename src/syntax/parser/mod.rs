//! The parser: one function per grammar rule of `grammar.md`, over the
//! tokens of [`super::lexer`]. Each rule function's doc quotes its rule; the
//! rules are grouped by family:
//!
//! - this file: the cursor over the tokens, and `command`, which picks a
//!   rule by the first word;
//! - [`commands`]: `help`, `show_settings`, `save_settings`, `set_page_size`, `set_format`, `set_expanded`, `set_pager`, `set_timing`, `explain`, `show`, `count`, `report`;
//! - [`write`]: `create`, `update`, `delete`, and the values a write stores;
//! - [`identity`]: `login`, `set_security`, `revoke`, `unlock`, `reset_password`;
//! - [`saved`]: `save`, `run_query`, `show_queries`, `delete_query`, `query_name`;
//! - [`import`]: `import`, `import_option`, `mapping`, `import_field`;
//! - [`filter`]: `where` with its conditions and operators, `order`, `limit`, `offset`;
//! - [`values`]: `entity`, `record_id`, `employee_ref`, and a value of a field's type;
//! - [`time`]: the forms a time takes.
//!
//! Every failure is an [`ErrorKind`](super::kind::ErrorKind) at a span; the
//! kinds write their own messages.
//!
//! The same rules serve completion: [`expected_at_end`] runs them over the
//! text before the cursor and collects, as [`Want`]s, what each rule would
//! have taken where the text ends (what it names in an error there, and
//! what an optional part could still add), so the completer offers what
//! the grammar takes without a grammar of its own.
//!
//! The whole grammar, as `grammar.md` gives it:
//!
//! ```text
//! command    = show | count | explain | help | set_format | set_expanded | set_pager | set_timing | set_security | quit
//!            | set_time_zone | show_time_zone | show_settings | save_settings | set_page_size
//!            | login | logout | whoami | passwd
//!            | show_sessions | show_notifications | show_security | revoke | unlock | reset_password
//!            | create | update | delete | deactivate | report | undo
//!            | save | run_query | show_queries | delete_query | import ;
//!
//! show       = "show" entity record_id
//!            | "show" entity [ where ] [ order ] [ paging ] ;
//! count      = "count" entity [ where ] ;
//! explain    = "explain" ( show | count ) ;
//! help       = "help" [ command_name | entity ] ;
//! set_format = "set" "format" ( "table" | "vertical" | "csv" | "json" ) ;
//! set_expanded = "set" "expanded" ( "auto" | "on" | "off" ) ;
//! set_pager    = "set" "pager" ( "on" | "off" ) ;
//! set_page_size = "set" "page_size" digit { digit } ;  (* 1 to 1000000 *)
//! set_timing   = "set" "timing" ( "on" | "off" ) ;
//! set_security = "set" "security" security_setting "=" digit { digit } ;
//! security_setting = "session_hours" | "idle_minutes" | "login_max_failures"
//!                  | "login_window_minutes" | "login_cooldown_minutes"
//!                  | "login_address_max_failures"
//!                  | "login_server_max_failures_per_minute" | "bcrypt_cost" ;
//! set_time_zone = "set" "time" "zone" ( string | word ) ;  (* a zone of the IANA database *)
//! show_settings = "set" ;
//! save_settings = "save" "settings" ;
//! quit       = "quit" | "exit" ;
//!
//! login          = "login" email ;               (* the rest of the line, quotes optional *)
//! logout         = "logout" ;
//! whoami         = "whoami" ;
//! passwd         = "passwd" ;
//! show_sessions  = "show" "sessions" ;
//! show_notifications = "show" "notifications" ;
//! show_security  = "show" "security" ;
//! show_time_zone = "show" "time" "zone" ;
//! revoke         = "revoke" "session" record_id | "revoke" "sessions" "of" employee_ref ;
//! unlock         = "unlock" string ;
//! reset_password = "reset" "password" "of" employee_ref ;
//! employee_ref   = [ "employee" ] record_id | string ;
//! report         = "report" ( "sales" | "events" | "unpaid" ) ;
//!
//! save         = "save" [ "team" ] "query" query_name "as" ( show | count | report | explain ) ;
//! run_query    = query_name | "show" query_name ;
//! show_queries = "show" "queries" ;
//! delete_query = "delete" [ "team" ] "query" query_name ;
//! query_name   = letter { letter | digit | "_" } ; (* at most 40 *)
//!
//! import        = "import" "events" "from" string { import_option } ; (* each option at most once *)
//! import_option = "sales" employee_ref | "map" mapping { "," mapping } | "apply" ;
//! mapping       = string "=" import_field ;
//! import_field  = "event_id" | "event_name" | "contract" | "client_name"
//!               | "client_contact" | "client_email" | "client_phone" | "company"
//!               | "sales" | "start" | "end" | "support" | "location"
//!               | "attendees" | "notes" ;
//!
//! create     = "create" entity [ "for" ( "client" | "contract" ) record_id ]
//!              { field value } ;
//! update     = "update" entity ( record_id | where ) "set" field "=" ( value | "none" )
//!              { "," field "=" ( value | "none" ) } ;
//! delete     = "delete" entity record_id [ "reassign" "to" employee_ref ] ;
//! deactivate = "deactivate" employee_ref ;
//! undo       = "undo" ;
//!
//! entity     = "clients" | "client" | "contracts" | "contract"
//!            | "events" | "event" | "employees" | "employee" | "audit" ;
//! record_id  = digit { digit } ;
//!
//! where      = "where" or ;
//! or         = and { "or" and } ;
//! and        = unary { "and" unary } ;
//! unary      = "not" unary | "(" or ")" | condition ;
//! condition  = field operator value
//!            | field "is" [ "not" ] ( "none" | "me" )
//!            | field [ "not" ] "in" "(" value { "," value } ")" ;
//! operator   = "=" | "!=" | "<" | "<=" | ">" | ">=" | "~" ;
//!
//! order      = "order" "by" field [ "asc" | "desc" ] { "," field [ "asc" | "desc" ] } ;
//! paging     = limit [ offset ] | offset [ limit ] ;
//! limit      = "limit" digit { digit } ;
//! offset     = "offset" digit { digit } ;
//!
//! value      = string | number | boolean | enum_word | time ;
//! boolean    = "true" | "false" | "yes" | "no" ;
//! time       = iso_date [ ( "T" | " " ) clock [ utc_offset ] ]
//!            | ( "today" | "tomorrow" | "yesterday" ) [ ( "+" | "-" ) digit { digit } ( "d" | "w" ) ]
//!            | "now"
//!            | day month_name year [ "@" time_of_day ]
//!            | '"' time '"' ;
//! ```
//!
//! Keywords are case-insensitive. Once a rule has seen its keyword it is
//! committed: an error names the token that broke it, never the start of the
//! line. Values are parsed by their field's type, so `attendees > many` fails
//! here, with a caret under `many`.

mod commands;
mod filter;
mod identity;
mod import;
mod saved;

pub use commands::{EXPLAINED, SETTINGS};
pub use identity::{REVOKED, types_a_password};
pub use saved::{SAVABLE, savable};
mod time;
pub use time::parse_time_text;
mod values;
mod write;

#[cfg(test)]
mod tests;

use std::cell::RefCell;

use super::ast::Command;
use super::error::SyntaxError;
use super::help;
use super::kind::{ErrorKind, Thing, Want};
use super::lexer::{Token, TokenKind, tokenize};
use super::suggest::did_you_mean;

/// Longer commands are refused before any parsing: bounded work for hostile input.
pub const MAX_COMMAND_BYTES: usize = 64 * 1024;
/// Parentheses and `not`s nest at most this deep, so no input can exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// Parses one complete command (possibly spanning several lines).
pub fn parse(text: &str) -> Result<Command, SyntaxError> {
    if text.len() > MAX_COMMAND_BYTES {
        return Err(too_long());
    }
    if let Some(command) = identity::login(text)? {
        return Ok(command);
    }
    let tokens = tokenize(text).map_err(|error| {
        instead_of_sql(text)
            .or_else(|| import::unquoted_file(text))
            .unwrap_or(error)
    })?;
    let mut parser = Parser::new(text, tokens, false);
    let command = parser.command()?;
    parser.end()?;
    Ok(command)
}

/// What could come where `text` ends, each as the parser would name it in
/// an error there: the text before the cursor in, what completion may offer
/// out. Empty when nothing can follow, and when `text` does not lex or
/// breaks the grammar before its end (a value of the wrong type in a
/// condition is passed over, since what may follow it does not depend on it).
pub fn expected_at_end(text: &str) -> Vec<Want> {
    if text.len() > MAX_COMMAND_BYTES || !matches!(identity::login(text), Ok(None)) {
        return Vec::new();
    }
    let Ok(tokens) = tokenize(text) else {
        return Vec::new();
    };
    let mut parser = Parser::new(text, tokens, true);
    // The outcome does not matter: what the rules noted at the end does.
    let _ = parser.command().and_then(|_| parser.end());
    parser.at_end.into_inner()
}

/// Every word a command starts with: those `help` documents, and `exit`.
pub fn command_words() -> impl Iterator<Item = &'static str> {
    help::command_names().into_iter().chain(["exit"])
}

/// The error for a command over [`MAX_COMMAND_BYTES`] (the batch reader
/// stops collecting one there and says so itself).
pub fn too_long() -> SyntaxError {
    SyntaxError::at(ErrorKind::TooLong, 0..0, "")
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    position: usize,
    depth: usize,
    /// Run for [`expected_at_end`]: notes what could come at the end.
    completing: bool,
    /// What could come where the input ends, noted while completing.
    at_end: RefCell<Vec<Want>>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, tokens: Vec<Token>, completing: bool) -> Parser<'a> {
        Parser {
            text,
            tokens,
            position: 0,
            depth: 0,
            completing,
            at_end: RefCell::new(Vec::new()),
        }
    }

    /// While completing, notes `what` as something that could come, if the
    /// input ends here. A rule calls it where an optional part may start,
    /// since ending there is no error to name what it would have taken.
    fn could_end_with(&self, what: impl FnOnce() -> Want) {
        if self.completing && self.peek().is_none() {
            self.at_end.borrow_mut().push(what());
        }
    }

    /// [`Parser::could_end_with`] one keyword or symbol.
    fn could_end_with_word(&self, word: &'static str) {
        self.could_end_with(|| Want::Keyword { word, after: None });
    }

    /// What `create` wants when `for PARENT ID` does not come: `for`, or
    /// the parent after it.
    fn parent_wanted(&self, parent: &'static str) -> Want {
        let for_given = self
            .position
            .checked_sub(1)
            .and_then(|at| self.tokens.get(at))
            .is_some_and(|t| t.is_word("for"));
        Want::Parent { parent, for_given }
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Token> {
        self.tokens.get(self.position + ahead)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.position).cloned();
        if token.is_some() {
            self.position += 1;
        }
        token
    }

    fn peek_word(&self, word: &str) -> bool {
        self.peek().is_some_and(|t| t.is_word(word))
    }

    fn peek_symbol(&self, symbol: &str) -> bool {
        self.peek().is_some_and(|t| t.is_symbol(symbol))
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.peek_word(word);
        if found {
            self.position += 1;
        }
        found
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        let found = self.peek_symbol(symbol);
        if found {
            self.position += 1;
        }
        found
    }

    /// Where the next token is, or the end of the text.
    fn here(&self) -> std::ops::Range<usize> {
        match self.peek() {
            Some(token) => token.span.clone(),
            None => {
                let end = self.text.trim_end().len();
                end..end
            }
        }
    }

    /// The error of `kind` at `span` of this command.
    fn fail(&self, kind: impl Into<ErrorKind>, span: std::ops::Range<usize>) -> SyntaxError {
        SyntaxError::at(kind, span, self.text)
    }

    /// "expected X, found `y`" at the next token, with a suggestion when
    /// the token is a near miss of one of `keywords`.
    /// At the end of the input, `what` is also noted for completion.
    fn expected(&self, what: Want, keywords: &[&'static str]) -> SyntaxError {
        match self.peek() {
            None => {
                self.could_end_with(|| what.clone());
                self.fail(ErrorKind::Expected { what, found: None }, self.here())
            }
            Some(token) => {
                let found = Some(token.raw.clone());
                let mut error = self.fail(ErrorKind::Expected { what, found }, token.span.clone());
                if token.kind == TokenKind::Word
                    && let Some(word) = did_you_mean(&token.raw, keywords.iter().copied())
                {
                    error = error.did_you_mean(word);
                }
                error
            }
        }
    }

    fn end(&self) -> Result<(), SyntaxError> {
        match self.peek() {
            None => Ok(()),
            Some(token) => {
                let span = token.span.start..self.text.trim_end().len().max(token.span.end);
                let found = token.raw.clone();
                let mut error = self.fail(ErrorKind::AfterEnd { found }, span);
                if token.kind == TokenKind::Word
                    && let Some(word) = did_you_mean(
                        &token.raw,
                        ["and", "or", "order", "limit", "offset", "where"],
                    )
                    && !word.eq_ignore_ascii_case(&token.raw)
                {
                    error = error.did_you_mean(word);
                }
                Err(error)
            }
        }
    }

    /// `command = show | count | explain | help | set_format | set_expanded | set_pager | set_timing | set_security | quit
    ///         | set_time_zone | show_time_zone | show_settings | save_settings | set_page_size | login | logout | whoami | passwd
    ///         | show_sessions | show_notifications | show_security | revoke | unlock | reset_password
    ///         | create | update | delete | deactivate | report | undo
    ///         | save | run_query | show_queries | delete_query | import ;`
    /// (`login` is read before the tokens, by [`identity::login`]).
    fn command(&mut self) -> Result<Command, SyntaxError> {
        let Some(first) = self.next() else {
            return Err(self.expected(Want::Command, &[]));
        };
        if first.kind != TokenKind::Word {
            let found = Some(first.raw);
            return Err(self
                .fail(
                    ErrorKind::Expected {
                        what: Want::Command,
                        found,
                    },
                    first.span,
                )
                .with_help(commands_help()));
        }
        match first.raw.to_lowercase().as_str() {
            "help" => self.help(),
            "quit" | "exit" => Ok(Command::Quit),
            "set" => self.set(),
            "save" if self.peek_word("settings") => self.save_settings(),
            "show" => self.show(),
            "count" => self.count(),
            "explain" => self.explain(&first),
            "logout" => Ok(Command::Logout),
            "whoami" => Ok(Command::WhoAmI),
            "passwd" => Ok(Command::Passwd),
            "revoke" => self.revoke(),
            "unlock" => self.unlock(),
            "reset" => self.reset_password(),
            "report" => self.report(),
            "create" => self.write(Self::create),
            "update" => self.write(Self::update),
            "delete" if self.deletes_a_query() => self.delete_query(),
            "delete" => self.write(Self::delete),
            "save" => self.save(),
            "deactivate" => self.deactivate(),
            // `undo = "undo" ;`: what it takes back is the database's to say.
            "undo" => Ok(Command::Undo),
            "import" => self.import(),
            _ => match self.run_query(&first) {
                Some(run) => Ok(run),
                None => Err(self.unknown_command(&first)),
            },
        }
    }

    /// A first word that is no command (nor a saved query's name).
    fn unknown_command(&self, first: &Token) -> SyntaxError {
        let word = first.raw.clone();
        let what = Thing::Command;
        let error = self.fail(ErrorKind::Unknown { what, word }, first.span.clone());
        match (
            super::instead::command_word(&first.raw, &self.text[first.span.end..]),
            did_you_mean(&first.raw, command_words()),
        ) {
            (Some(help), _) => error.with_help(help),
            (None, Some(word)) => error.did_you_mean(word),
            (None, None) => error.with_help(commands_help()),
        }
    }
}

impl Parser<'_> {
    /// A write's `rule`, whose entity is a writable one: what it noted as
    /// an entity at the end is one (the audit log is refused there).
    fn write(
        &mut self,
        rule: fn(&mut Self) -> Result<Command, SyntaxError>,
    ) -> Result<Command, SyntaxError> {
        let result = rule(self);
        for want in self.at_end.get_mut() {
            if *want == Want::Entity {
                *want = Want::WritableEntity;
            }
        }
        result
    }
}

/// An SQL statement, whose `*` or `;` the lexer refuses before the
/// parser could say that epic has no `SELECT`: the error at its first word.
fn instead_of_sql(text: &str) -> Option<SyntaxError> {
    let start = text.len() - text.trim_start().len();
    let word = text[start..].split_whitespace().next()?;
    let help = super::instead::command_word(word, "")?;
    let kind = ErrorKind::Unknown {
        what: Thing::Command,
        word: word.to_owned(),
    };
    Some(SyntaxError::at(kind, start..start + word.len(), text).with_help(help))
}

fn commands_help() -> String {
    format!(
        "commands are: {}; type `help` for more",
        help::command_names().join(", ")
    )
}

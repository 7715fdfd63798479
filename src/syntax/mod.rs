//! The language stage: text in, a typed [`Command`] out. The grammar is
//! documented in `grammar.md`; [`help`] holds the syntax and examples that
//! both `help` and that document show.
//!
//! [`expected_at_end`] runs the same parser over the text before the
//! cursor and says what could come there, which is all completion knows of
//! the grammar.
//!
//! Architecture invariant: this module does no I/O, knows nothing of roles or
//! SQL, and never panics; every failure is a [`SyntaxError`] carrying the
//! span of the offending text.

pub mod ast;
mod error;
pub mod help;
mod instead;
mod kind;
pub mod lexer;
mod parser;
mod suggest;

pub use ast::{Command, Filter, Order, Query, TimeValue, Value};
pub use error::{SyntaxError, SyntaxErrorKind};
pub use kind::{ErrorKind, Thing, ValueError, Want};
pub use parser::{
    EXPLAINED, MAX_COMMAND_BYTES, MAX_DEPTH, REVOKED, SAVABLE, SETTINGS, command_words,
    expected_at_end, parse, parse_time_text, savable, too_long, types_a_password,
};
pub use suggest::{closest_names, did_you_mean};

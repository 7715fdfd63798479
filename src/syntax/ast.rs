//! Typed commands: what the parser produces and the shell runs. `Display`
//! prints the canonical form, and parsing that form gives the same command
//! back (tested), so `explain` and the history can show commands exactly.

use std::fmt;

use crate::render::Format;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `help` or `help <command>`.
    Help { topic: Option<&'static str> },
    /// `quit` or `exit`.
    Quit,
    /// `set format table|vertical|csv|json`.
    SetFormat { format: Format },
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Help { topic: None } => f.write_str("help"),
            Command::Help { topic: Some(topic) } => write!(f, "help {topic}"),
            Command::Quit => f.write_str("quit"),
            Command::SetFormat { format } => write!(f, "set format {format}"),
        }
    }
}

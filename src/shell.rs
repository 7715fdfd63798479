//! The shell: runs each command through the stages (parse, then run against
//! the database, then render) and is the only place that wires them
//! together. The same [`Shell::execute`] serves the interactive editor and
//! batch input, so a batch file behaves exactly like typing it.

use std::io::{IsTerminal, Write};
use std::path::Path;

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{Config as EditorConfig, Editor};
use tokio::runtime::Runtime;

use crate::config::Config;
use crate::db::Database;
use crate::error::{self, Error, Exit};
use crate::input::{self, EditorHelper, Entry};
use crate::render::Format;
use crate::syntax::{self, Command, help};

/// Whether the shell goes on after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

pub struct Shell {
    pub config: Config,
    pub database: Database,
    pub format: Format,
    /// On a terminal: colour (unless NO_COLOR), paging, prompts.
    pub interactive: bool,
    pub verbose: bool,
}

impl Shell {
    /// Parses and runs one command, writing its output to `out`.
    pub async fn execute(&mut self, entry: &Entry, out: &mut dyn Write) -> Result<Flow, Error> {
        let command = syntax::parse(&entry.text).map_err(|e| {
            if self.interactive {
                e
            } else {
                e.at_line(entry.first_line)
            }
        })?;
        let output = |e| Error::Output { source: e };
        match command {
            Command::Help { topic: None } => {
                out.write_all(help::overview().as_bytes()).map_err(output)?
            }
            Command::Help { topic: Some(topic) } => {
                let entry = help::find(topic).expect("the parser only accepts known topics");
                out.write_all(help::detail(entry).as_bytes())
                    .map_err(output)?;
            }
            Command::Quit => return Ok(Flow::Quit),
            Command::SetFormat { format } => self.format = format,
        }
        out.flush().map_err(output)?;
        Ok(Flow::Continue)
    }

    /// Runs a batch: stops at the first failure unless `keep_going`, and
    /// returns the exit status (the first failure's kind).
    pub fn run_batch(
        &mut self,
        runtime: &Runtime,
        entries: impl Iterator<Item = std::io::Result<Entry>>,
        out: &mut dyn Write,
        err: &mut dyn Write,
        keep_going: bool,
    ) -> Exit {
        let mut status = Exit::Success;
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(source) => {
                    let error = Error::Input { source };
                    let _ = writeln!(err, "{}", error::describe(&error, self.verbose, None));
                    return error.exit();
                }
            };
            match runtime.block_on(self.execute(&entry, out)) {
                Ok(Flow::Continue) => {}
                Ok(Flow::Quit) => break,
                Err(error) if error.is_broken_pipe() => return status,
                Err(error) => {
                    let _ = writeln!(
                        err,
                        "{}",
                        error::describe(&error, self.verbose, Some(entry.first_line))
                    );
                    if status == Exit::Success {
                        status = error.exit();
                    }
                    if !keep_going {
                        break;
                    }
                }
            }
        }
        status
    }

    /// The interactive loop on a terminal.
    pub fn run_interactive(
        &mut self,
        runtime: &Runtime,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Exit {
        let editor_config = EditorConfig::builder()
            .auto_add_history(false)
            .max_history_size(10_000)
            .map(|builder| builder.build())
            .unwrap_or_default();
        let mut editor: Editor<EditorHelper, FileHistory> = match Editor::with_config(editor_config)
        {
            Ok(editor) => editor,
            Err(e) => {
                let _ = writeln!(err, "error: cannot open the terminal: {e}");
                return Exit::Internal;
            }
        };
        editor.set_helper(Some(EditorHelper));
        let history = self.config.history_file();
        prepare_history_file(&history);
        let _ = editor.load_history(&history);
        let _ = writeln!(
            err,
            "epic {} on {}. Type `help` for commands, Ctrl-D to leave.",
            env!("CARGO_PKG_VERSION"),
            self.database.location
        );
        loop {
            match editor.readline(&self.prompt()) {
                Ok(line) => {
                    if line.trim().is_empty() {
                        continue;
                    }
                    if input::fit_for_history(&line)
                        && editor.add_history_entry(line.as_str()).unwrap_or(false)
                    {
                        let _ = editor.append_history(&history);
                    }
                    let entry = Entry {
                        first_line: 1,
                        text: input::join_continuations(&line).into_owned(),
                    };
                    match runtime.block_on(self.execute(&entry, out)) {
                        Ok(Flow::Continue) => {}
                        Ok(Flow::Quit) => break,
                        Err(error) => {
                            let _ =
                                writeln!(err, "{}", error::describe(&error, self.verbose, None));
                        }
                    }
                }
                // Ctrl-C abandons the line being typed, not the shell.
                Err(ReadlineError::Interrupted) => continue,
                Err(ReadlineError::Eof) => break,
                Err(e) => {
                    let _ = writeln!(err, "error: cannot read from the terminal: {e}");
                    return Exit::Internal;
                }
            }
        }
        // A mistake typed in the shell was already answered on screen; leaving is a success.
        Exit::Success
    }

    fn prompt(&self) -> String {
        "epic> ".to_owned()
    }
}

/// Colour only on a terminal, and never when `NO_COLOR` is set.
pub fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The history may hold client names and ids: readable by its owner only.
fn prepare_history_file(path: &Path) {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(parent) = path.parent() {
        let _ = crate::db::local::create_data_dir(parent);
    }
    let _ = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path);
}

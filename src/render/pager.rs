//! render::pager: output longer than the screen goes through `$PAGER`
//! (`less -SFRX` when it is unset, as psql does), in the interactive shell
//! only. What a command writes is kept until it is longer than the screen:
//! then the pager is started and given it, and the rest as it comes; a
//! shorter output is written to the terminal when the command ends. Notes
//! (the paging line, "no rows") go the same way, after what they follow.

use std::cell::RefCell;
use std::io::{self, IsTerminal, Write};
use std::process::{Child, ChildStdin, Command, Stdio};

/// The pager when `PAGER` is unset (or empty).
pub const DEFAULT_PAGER: &str = "less -SFRX";

/// One command's output, paged when it is longer than the screen. Write
/// through `&Pager` (both the output and the notes), then [`Pager::finish`].
pub struct Pager<'a> {
    inner: RefCell<Inner<'a>>,
}

struct Inner<'a> {
    out: &'a mut dyn Write,
    state: State,
    /// Lines that still fit on the screen (a line stays for the prompt).
    lines: usize,
    command: String,
}

enum State {
    /// Not longer than the screen yet.
    Kept(Vec<u8>),
    /// Given to the pager.
    Paged(Child, ChildStdin),
    /// Straight to the terminal: the pager could not start, or it was left.
    Direct,
    /// The pager was quit early: the rest is not wanted.
    Gone(Child),
}

impl<'a> Pager<'a> {
    /// A pager for the terminal on standard output, or `None` when there is
    /// none (a pipe, a file) or its height is unknown.
    pub fn for_terminal(out: &'a mut dyn Write) -> Option<Pager<'a>> {
        if !io::stdout().is_terminal() {
            return None;
        }
        let (_, terminal_size::Height(rows)) = terminal_size::terminal_size_of(io::stdout())?;
        let command = std::env::var("PAGER")
            .ok()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_PAGER.to_owned());
        Some(Pager::new(out, usize::from(rows), command))
    }

    /// A pager for a screen of `rows` lines, started with `sh -c command`.
    pub fn new(out: &'a mut dyn Write, rows: usize, command: String) -> Pager<'a> {
        Pager {
            inner: RefCell::new(Inner {
                out,
                state: State::Kept(Vec::new()),
                lines: rows.saturating_sub(1).max(1),
                command,
            }),
        }
    }

    /// Ends the command's output: writes what was kept, or closes the
    /// pager's input and waits until it is quit.
    pub fn finish(self) -> io::Result<()> {
        let inner = self.inner.into_inner();
        match inner.state {
            State::Kept(kept) => {
                inner.out.write_all(&kept)?;
                inner.out.flush()
            }
            State::Paged(mut child, stdin) => {
                drop(stdin);
                child.wait().map(drop)
            }
            State::Gone(mut child) => child.wait().map(drop),
            State::Direct => inner.out.flush(),
        }
    }
}

impl Inner<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.state {
            State::Kept(kept) => {
                kept.extend_from_slice(buf);
                if kept.iter().filter(|b| **b == b'\n').count() > self.lines {
                    let kept = std::mem::take(kept);
                    self.start(&kept)?;
                }
                Ok(())
            }
            State::Paged(_, stdin) => match stdin.write_all(buf) {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                    self.quit();
                    Ok(())
                }
                other => other,
            },
            State::Direct => self.out.write_all(buf),
            State::Gone(_) => Ok(()),
        }
    }

    /// Starts the pager with what was kept; without one, writes it out.
    fn start(&mut self, kept: &[u8]) -> io::Result<()> {
        let spawned = Command::new("sh")
            .arg("-c")
            .arg(&self.command)
            .stdin(Stdio::piped())
            .spawn();
        match spawned {
            Ok(mut child) => match child.stdin.take() {
                Some(stdin) => {
                    self.state = State::Paged(child, stdin);
                    self.write(kept)
                }
                None => {
                    self.state = State::Gone(child);
                    Ok(())
                }
            },
            Err(_) => {
                self.state = State::Direct;
                self.out.write_all(kept)
            }
        }
    }

    /// The pager was quit before the end: drop its input.
    fn quit(&mut self) {
        if let State::Paged(..) = self.state
            && let State::Paged(child, stdin) = std::mem::replace(&mut self.state, State::Direct)
        {
            drop(stdin);
            self.state = State::Gone(child);
        }
    }
}

impl Write for &Pager<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.borrow_mut().write(buf)?;
        Ok(buf.len())
    }

    /// Nothing is decided by a flush: kept output stays kept until it is
    /// longer than the screen or the command ends.
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner.borrow_mut().state {
            State::Paged(_, stdin) => match stdin.flush() {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            },
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_that_fits_is_written_when_the_command_ends() {
        let mut out = Vec::new();
        let pager = Pager::new(&mut out, 5, "exit 1".to_owned());
        writeln!(&pager, "one\ntwo").expect("kept");
        pager.finish().expect("written");
        assert_eq!(out, b"one\ntwo\n");
    }

    #[test]
    fn output_longer_than_the_screen_goes_to_the_pager() {
        let dir = std::env::temp_dir().join(format!("epic-pager-{}", std::process::id()));
        let file = dir.with_extension("txt");
        let mut out = Vec::new();
        let pager = Pager::new(&mut out, 3, format!("cat > '{}'", file.display()));
        for n in 0..10 {
            writeln!(&pager, "line {n}").expect("paged");
        }
        pager.finish().expect("waited");
        let paged = std::fs::read_to_string(&file).expect("the pager wrote");
        let _ = std::fs::remove_file(&file);
        assert!(out.is_empty());
        assert_eq!(paged.lines().count(), 10);
        assert!(paged.starts_with("line 0\n"));
    }
}

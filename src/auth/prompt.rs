//! Asking for a secret on the terminal. Echo is turned off before the
//! prompt is shown, so that nothing typed once the prompt appears (or
//! typed ahead of it) is displayed, and the terminal is restored however
//! the read ends.
//!
//! The line is read key by key, with signals off: Ctrl-C arrives as a byte
//! and cancels the read (an error of kind `Interrupted`), so that it ends
//! the command asking, never the shell.

use std::fs::File;
use std::io::{self, Read, Write};

use nix::sys::termios::{self, LocalFlags, SetArg, SpecialCharacterIndices, Termios};

const CTRL_C: u8 = 0x03;
const CTRL_D: u8 = 0x04;
const CTRL_U: u8 = 0x15;
const BACKSPACE: u8 = 0x08;
const DELETE: u8 = 0x7f;

/// Shows `prompt` on the controlling terminal and reads one line without
/// echo. End of input (Ctrl-D on an empty line) is an error of kind
/// `UnexpectedEof`; Ctrl-C one of kind `Interrupted`.
pub fn secret(prompt: &str) -> io::Result<String> {
    let tty = File::options().read(true).write(true).open("/dev/tty")?;
    let saved = termios::tcgetattr(&tty)?;
    let mut quiet = saved.clone();
    quiet
        .local_flags
        .remove(LocalFlags::ECHO | LocalFlags::ICANON | LocalFlags::ISIG);
    quiet.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
    quiet.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
    termios::tcsetattr(&tty, SetArg::TCSANOW, &quiet)?;
    let restore = Restore { tty: &tty, saved };
    (&tty).write_all(prompt.as_bytes())?;
    (&tty).flush()?;
    let typed = read_keys(&tty);
    // Enter (or the cancel) moves to the next line, as the echo would have.
    let _ = (&tty).write_all(b"\r\n");
    drop(restore);
    let typed = typed?;
    String::from_utf8(typed)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the password is not UTF-8"))
}

/// The bytes typed up to Enter, with Backspace and Ctrl-U applied.
fn read_keys(mut tty: &File) -> io::Result<Vec<u8>> {
    let mut typed = Vec::new();
    let mut key = [0u8; 1];
    loop {
        if tty.read(&mut key)? == 0 {
            return Err(no_password());
        }
        match key[0] {
            b'\r' | b'\n' => return Ok(typed),
            CTRL_C => {
                return Err(io::Error::new(
                    io::ErrorKind::Interrupted,
                    "cancelled at the password prompt",
                ));
            }
            CTRL_D if typed.is_empty() => return Err(no_password()),
            CTRL_U => typed.clear(),
            BACKSPACE | DELETE => {
                // A whole character, however many bytes it took.
                while let Some(byte) = typed.pop() {
                    if byte & 0xC0 != 0x80 {
                        break;
                    }
                }
            }
            byte => typed.push(byte),
        }
    }
}

fn no_password() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "no password was typed (end of input)",
    )
}

/// Puts the terminal back as it was.
struct Restore<'a> {
    tty: &'a File,
    saved: Termios,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(self.tty, SetArg::TCSANOW, &self.saved);
    }
}

//! The shell's question before a bulk update: `Update 3 events? [y/N]`,
//! asked on the controlling terminal. Only `y` or `yes` is a yes; Enter
//! alone, anything else, Ctrl-C and Ctrl-D are a no. The answer is read
//! key by key with signals off, so that Ctrl-C answers the question and
//! never ends the shell, and the terminal is restored however it ends.

use std::fs::File;
use std::io::{self, Read, Write};

use nix::sys::termios::{self, LocalFlags, SetArg, SpecialCharacterIndices};

const CTRL_C: u8 = 0x03;
const CTRL_D: u8 = 0x04;
const BACKSPACE: u8 = 0x08;
const DELETE: u8 = 0x7f;
/// An answer is a word: longer input is no answer anyone means.
const MAX_ANSWER: usize = 16;

/// Shows `question` on the terminal and reads the answer: `true` for yes.
pub fn ask(question: &str) -> io::Result<bool> {
    let tty = File::options().read(true).write(true).open("/dev/tty")?;
    let saved = termios::tcgetattr(&tty)?;
    let mut keys = saved.clone();
    keys.local_flags
        .remove(LocalFlags::ECHO | LocalFlags::ICANON | LocalFlags::ISIG);
    keys.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
    keys.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
    termios::tcsetattr(&tty, SetArg::TCSANOW, &keys)?;
    (&tty).write_all(question.as_bytes())?;
    (&tty).flush()?;
    let answer = read_answer(&tty);
    let _ = (&tty).write_all(b"\r\n");
    termios::tcsetattr(&tty, SetArg::TCSANOW, &saved)?;
    let answer = answer?;
    Ok(matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes"))
}

/// The printable ASCII typed up to Enter, echoed as typed; empty for
/// Ctrl-C or Ctrl-D.
fn read_answer(mut tty: &File) -> io::Result<String> {
    let mut typed = String::new();
    let mut key = [0u8; 1];
    loop {
        if tty.read(&mut key)? == 0 {
            return Ok(String::new());
        }
        match key[0] {
            b'\r' | b'\n' => return Ok(typed),
            CTRL_C | CTRL_D => return Ok(String::new()),
            BACKSPACE | DELETE if typed.pop().is_some() => tty.write_all(b"\x08 \x08")?,
            byte if byte.is_ascii_graphic() && typed.len() < MAX_ANSWER => {
                typed.push(char::from(byte));
                tty.write_all(&[byte])?;
            }
            // Other keys (and the rest of a character past ASCII) are no answer.
            _ => {}
        }
    }
}

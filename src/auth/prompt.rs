//! Asking for a secret on the terminal. Echo is turned off before the
//! prompt is shown, so that nothing typed once the prompt appears (or
//! typed ahead of it) is displayed, and the terminal is restored however
//! the read ends.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};

use nix::sys::termios::{self, LocalFlags, SetArg, Termios};

/// Shows `prompt` on the controlling terminal and reads one line without
/// echo. End of input (Ctrl-D) is an error of kind `UnexpectedEof`.
pub fn secret(prompt: &str) -> io::Result<String> {
    let tty = File::options().read(true).write(true).open("/dev/tty")?;
    let saved = termios::tcgetattr(&tty)?;
    let mut quiet = saved.clone();
    quiet.local_flags.remove(LocalFlags::ECHO);
    // The Enter key still moves to the next line.
    quiet.local_flags.insert(LocalFlags::ECHONL);
    termios::tcsetattr(&tty, SetArg::TCSANOW, &quiet)?;
    let restore = Restore { tty: &tty, saved };
    (&tty).write_all(prompt.as_bytes())?;
    (&tty).flush()?;
    let mut line = String::new();
    let read = BufReader::new(&tty).read_line(&mut line)?;
    drop(restore);
    if read == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "no password was typed (end of input)",
        ));
    }
    let typed = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(typed);
    Ok(line)
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

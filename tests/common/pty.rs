//! A shell (Kate's, or anyone's) on a pseudo-terminal of its own, as she would see it: the
//! live notifications and the pager are about what reaches a terminal.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::TestDb;

const KATE_PASSWORD: &str = "Runs-The-Wedding-42";

/// A logged-in shell, and every byte it has put on the screen.
pub struct Terminal {
    shell: Child,
    keyboard: std::fs::File,
    chunks: mpsc::Receiver<Vec<u8>>,
    screen: Vec<u8>,
    /// The logged-in prompt, `epic kate>`.
    prompt: String,
}

impl Terminal {
    /// Logs Kate in and opens her shell on a terminal of `rows` × `columns`
    /// (`None`: the pseudo-terminal's own size), with `PAGER` set when given;
    /// returns once her prompt is shown.
    pub fn kates(db: &TestDb, size: Option<(u16, u16)>, pager: Option<&Path>) -> Terminal {
        Terminal::logged_in(db, "kate@epic.events", KATE_PASSWORD, size, pager)
    }

    /// [`Terminal::kates`] for whoever `email` and `password` log in.
    pub fn logged_in(
        db: &TestDb,
        email: &str,
        password: &str,
        size: Option<(u16, u16)>,
        pager: Option<&Path>,
    ) -> Terminal {
        Terminal::logged_in_with(db, email, password, size, pager, &[])
    }

    /// [`Terminal::logged_in`] with `env` set for the login and the shell
    /// (a `DATABASE_URL` of its own, say).
    pub fn logged_in_with(
        db: &TestDb,
        email: &str,
        password: &str,
        size: Option<(u16, u16)>,
        pager: Option<&Path>,
        env: &[(&str, String)],
    ) -> Terminal {
        let user = email.split('@').next().unwrap_or(email);
        let session_file = db.home.path().join(format!("{user}-session"));
        let login = env
            .iter()
            .fold(db.epic(), |epic, (name, value)| epic.env(name, value))
            .env("EPIC_SESSION_FILE", &session_file)
            .args(["login", email])
            .stdin(format!("{password}\n"))
            .run();
        assert_eq!(login.code, 0, "{login:?}");
        let size = size.map(|(rows, columns)| nix::pty::Winsize {
            ws_row: rows,
            ws_col: columns,
            ws_xpixel: 0,
            ws_ypixel: 0,
        });
        let pty = nix::pty::openpty(size.as_ref(), None).expect("a pseudo-terminal");
        let slave = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup the terminal"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_epic"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", db.url())
            .env("PGPASSWORD", super::CLIENT_PASSWORD)
            .env("EPIC_CONFIG", db.home.path().join("config.toml"))
            .env("EPIC_DATA_DIR", db.home.path())
            .env("EPIC_SESSION_FILE", &session_file)
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .stdin(slave(&pty.slave))
            .stdout(slave(&pty.slave))
            .stderr(slave(&pty.slave));
        if let Some(pager) = pager {
            command.env("PAGER", pager);
        }
        command.envs(env.iter().map(|(name, value)| (name, value)));
        // The terminal is the shell's controlling terminal, as in a real
        // login: the password prompt opens `/dev/tty`.
        let tty = nix::unistd::ttyname(&pty.slave).expect("the terminal's name");
        let tty = std::ffi::CString::new(tty.into_os_string().into_encoded_bytes())
            .expect("a path without NUL");
        // SAFETY: between fork and exec only `setsid`, `open` and `close`
        // run, which are async-signal-safe; nothing is allocated.
        unsafe {
            command.pre_exec(move || {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                let fd = libc::open(tty.as_ptr(), libc::O_RDWR);
                if fd < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                libc::close(fd);
                Ok(())
            });
        }
        let shell = command.spawn().expect("start the shell");
        drop(pty.slave);
        let (sender, chunks) = mpsc::channel::<Vec<u8>>();
        let mut master = std::fs::File::from(pty.master);
        let keyboard = master.try_clone().expect("dup the terminal");
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = master.read(&mut buffer) {
                if n == 0 || sender.send(buffer[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        let mut terminal = Terminal {
            shell,
            keyboard,
            chunks,
            screen: Vec::new(),
            prompt: format!("epic {user}>"),
        };
        terminal.wait_for_prompts(1);
        terminal
    }

    /// How long until `needle` is on the screen, or the screen so far.
    pub fn wait_for(&mut self, needle: &str, within: Duration) -> Result<Duration, String> {
        let start = Instant::now();
        while start.elapsed() < within {
            if let Ok(chunk) = self.chunks.recv_timeout(Duration::from_millis(50)) {
                self.screen.extend_from_slice(&chunk);
            }
            if self.text().contains(needle) {
                return Ok(start.elapsed());
            }
        }
        Err(self.text())
    }

    /// Types a line and waits until the prompt is back.
    pub fn type_line(&mut self, line: &str) {
        let prompts = self.prompts();
        self.keyboard
            .write_all(format!("{line}\r").as_bytes())
            .expect("type");
        self.wait_for_prompts(prompts + 1);
    }

    /// Presses keys (raw bytes: `\x03` is Ctrl-C) without waiting for anything.
    pub fn press(&mut self, keys: &[u8]) {
        self.keyboard.write_all(keys).expect("type");
    }

    /// Ctrl-C: abandons the line being typed, and waits for the new prompt
    /// (keys pressed before it would be lost).
    pub fn cancel_line(&mut self) {
        let prompts = self.prompts();
        self.press(b"\x03");
        self.wait_for_prompts(prompts + 1);
    }

    /// Whether the shell is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.shell.try_wait(), Ok(None))
    }

    fn prompts(&self) -> usize {
        self.text().matches(self.prompt.as_str()).count()
    }

    fn wait_for_prompts(&mut self, prompts: usize) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if let Ok(chunk) = self.chunks.recv_timeout(Duration::from_millis(50)) {
                self.screen.extend_from_slice(&chunk);
            }
            if self.prompts() >= prompts {
                return;
            }
        }
        panic!("no prompt; the screen so far:\n{}", self.text());
    }

    /// Every byte on the screen so far, as it reached the terminal.
    pub fn screen(&self) -> &[u8] {
        &self.screen
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.screen).into_owned()
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.shell.id() as i32),
            nix::sys::signal::Signal::SIGKILL,
        );
        let _ = self.shell.wait();
    }
}

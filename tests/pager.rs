//! The pager: in the interactive shell a listing longer than the screen
//! goes through `$PAGER` (here a stub that records what it got), one that
//! fits does not, and a batch never does, whatever `PAGER` says.

mod common;

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::TestDb;

const KATE_PASSWORD: &str = "Runs-The-Wedding-42";

/// Kate's shell on a pseudo-terminal of 24 rows and 100 columns.
struct Terminal {
    shell: Child,
    keyboard: std::fs::File,
    chunks: mpsc::Receiver<Vec<u8>>,
    screen: Vec<u8>,
}

impl Terminal {
    fn kates(db: &TestDb, pager: &Path) -> Terminal {
        let kate_session = db.home.path().join("kate-session");
        let login = db
            .epic()
            .env("EPIC_SESSION_FILE", &kate_session)
            .args(["login", "kate@epic.events"])
            .stdin(format!("{KATE_PASSWORD}\n"))
            .run();
        assert_eq!(login.code, 0, "{login:?}");
        let size = nix::pty::Winsize {
            ws_row: 24,
            ws_col: 100,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        let pty = nix::pty::openpty(Some(&size), None).expect("a pseudo-terminal");
        let slave = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup the terminal"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_epic"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", db.url())
            .env("PGPASSWORD", common::CLIENT_PASSWORD)
            .env("EPIC_CONFIG", db.home.path().join("config.toml"))
            .env("EPIC_DATA_DIR", db.home.path())
            .env("EPIC_SESSION_FILE", &kate_session)
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env("PAGER", pager)
            .stdin(slave(&pty.slave))
            .stdout(slave(&pty.slave))
            .stderr(slave(&pty.slave));
        let shell = command.spawn().expect("start Kate's shell");
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
        };
        terminal.wait_for_prompts(1);
        terminal
    }

    /// Types a line and waits until the prompt is back.
    fn type_line(&mut self, line: &str) {
        let prompts = self.prompts();
        self.keyboard
            .write_all(format!("{line}\r").as_bytes())
            .expect("type");
        self.wait_for_prompts(prompts + 1);
    }

    fn prompts(&self) -> usize {
        self.text().matches("epic kate>").count()
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

    fn text(&self) -> String {
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

/// A `PAGER` that appends what it was given to `paged.txt`, then a marker.
fn stub_pager(db: &TestDb) -> (PathBuf, PathBuf) {
    let paged = db.home.path().join("paged.txt");
    let script = db.home.path().join("pager.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat >> '{0}'\necho '--end of page--' >> '{0}'\n",
            paged.display()
        ),
    )
    .expect("write the stub pager");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    (script, paged)
}

fn table_rows(text: &str) -> usize {
    // A data row starts with `|` and a right-aligned id.
    text.lines()
        .filter(|l| {
            l.starts_with('|')
                && l[1..]
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit())
        })
        .count()
}

#[test]
fn a_long_listing_opens_the_pager_a_short_one_and_a_batch_do_not() {
    let db = TestDb::migrated();
    assert_eq!(db.operator().arg("demo").run().code, 0);
    let (pager, paged) = stub_pager(&db);
    let mut terminal = Terminal::kates(&db, &pager);

    terminal.type_line("show clients limit 3");
    assert!(!paged.exists(), "three rows fit on the screen");
    assert_eq!(table_rows(&terminal.text()), 3, "{}", terminal.text());

    terminal.type_line("show clients limit 150");
    let got = std::fs::read_to_string(&paged).expect("the pager was started");
    assert_eq!(got.matches("--end of page--").count(), 1);
    assert_eq!(
        table_rows(&got),
        150,
        "an explicit limit is honoured:\n{got}"
    );
    assert!(got.contains("| name "), "the header is paged too:\n{got}");

    // A batch, with the same PAGER, never pages.
    let batch = db
        .epic()
        .env("EPIC_SESSION_FILE", db.home.path().join("kate-session"))
        .env("PAGER", &pager)
        .args(["-c", "show clients limit 150"])
        .run();
    assert_eq!(batch.code, 0, "{batch:?}");
    assert_eq!(table_rows(&batch.stdout), 150);
    let after = std::fs::read_to_string(&paged).expect("still there");
    assert_eq!(after, got, "the batch did not start the pager");
}

//! A read that lost its connection is run once more, on a new one: a
//! server that failed over, restarted, or ended the backend under an idle
//! shell costs the reader nothing. Only a read (a listing, a count, a
//! record, a report, `explain`) and only when it had printed nothing yet,
//! so no row is shown twice; a write that lost its connection is never
//! sent again (its outcome is what exit code 7 and `MaybeApplied` say).
//! `tests/failover.rs` ends a read's backend under it.

use std::io::Write;

use super::{Flow, Shell};
use crate::db::DbError;
use crate::error::Error;
use crate::syntax::Command;

impl Shell {
    /// [`Shell::run_command`], run a second time if it was a read whose
    /// connection was lost before it printed anything.
    pub(super) async fn run_command_reading_again_if_lost(
        &mut self,
        command: Command,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<Flow, Error> {
        if !is_read(&command) {
            return self.run_command(command, out, err).await;
        }
        let mut watched = Watched {
            inner: out,
            wrote: false,
        };
        let first = self.run_command(command.clone(), &mut watched, err).await;
        let lost = matches!(
            first,
            Err(Error::Db(
                DbError::ConnectionLost { .. } | DbError::LostAfterCommit { .. }
            ))
        );
        if lost && !watched.wrote {
            return self.run_command(command, watched.inner, err).await;
        }
        first
    }

    /// The command about to open may run on the read profile's server
    /// (`db::replica`) if it only reads.
    pub(super) fn route(&mut self, command: &Command) {
        if is_read(command) {
            self.database.read_on_replica();
        }
    }
}

/// Whether `command` only reads, so that running it again changes nothing.
fn is_read(command: &Command) -> bool {
    matches!(
        command,
        Command::Show(_)
            | Command::ShowOne { .. }
            | Command::Count { .. }
            | Command::Explain(_)
            | Command::Report { .. }
            | Command::RunQuery { .. }
            | Command::ShowQueries
            | Command::ShowSessions
            | Command::ShowSecurity
            | Command::ShowTimeZone
    )
}

/// Standard output that remembers whether anything reached it.
struct Watched<'a> {
    inner: &'a mut dyn Write,
    wrote: bool,
}

impl Write for Watched<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.wrote |= !bytes.is_empty();
        self.inner.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

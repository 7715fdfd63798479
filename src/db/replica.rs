//! Where a read runs: with a read profile (`EPIC_READ_URL`), `show`,
//! `count`, `report` and `explain` go to its server, a standby, when it
//! answers, and to the primary otherwise; every other command goes to the
//! primary. The session check runs on the standby too, where it writes
//! nothing (`sql/0020`), so the primary is told the session is in use
//! here: once per [`PRIMARY_MARK_EVERY`] of reading, one statement that
//! marks it seen and answers whether it is still alive. That statement
//! also bounds what a lagging standby could let through: a session revoked
//! on the primary stops reading within that interval, however far the
//! standby is behind, because a session the primary no longer knows as
//! alive reads on the primary, whose own check refuses it.
//! `tests/ha.rs` runs this on a real streaming standby.

use std::time::{Duration, Instant};

use deadpool_postgres::{Object, Pool};

use super::statement::arg;
use super::{Database, DbError};

/// How often a desk reading on a standby tells the primary its session is
/// in use: well inside the shortest idle limit (one minute), and the
/// longest a revocation waits for a standby that lags.
pub const PRIMARY_MARK_EVERY: Duration = Duration::from_secs(10);

/// How long a read profile that could not be reached is left alone before
/// it is tried again: reads go to the primary meanwhile, without waiting
/// for a connection attempt each.
const UNREACHABLE_REST: Duration = Duration::from_secs(30);

/// The primary's session check, which marks the session seen (at most
/// every 5 seconds) and says whether it is alive.
const MARK_ON_PRIMARY: &str = "SELECT state FROM epic_session_check($1)";

/// The read profile's connections.
pub(super) struct Replica {
    pub(super) pool: Pool,
    /// The connection reads use, kept like the primary's (`Database::held`).
    pub(super) held: Option<Object>,
    /// Not tried again before then, after it could not be reached.
    resting_until: Option<Instant>,
    /// When the primary last heard that this desk's session reads here.
    primary_marked: Option<Instant>,
}

impl Replica {
    pub(super) fn new(pool: Pool) -> Replica {
        Replica {
            pool,
            held: None,
            resting_until: None,
            primary_marked: None,
        }
    }
}

impl Database {
    /// The next command only reads (`show`, `count`, `report`, `explain`):
    /// with a read profile it runs there. Until its transaction ends; then
    /// commands go to the primary again unless told otherwise.
    pub fn read_on_replica(&mut self) {
        self.next_reads = self.replica.is_some();
    }

    /// Chooses the connection of the command opening now, for the session
    /// of `token`: the read profile's when the command only reads, the
    /// profile's server is reachable, and the session is alive on the
    /// primary as of [`PRIMARY_MARK_EVERY`] ago at most.
    pub(super) async fn choose_connection(&mut self, token: &str) {
        self.on_replica =
            std::mem::take(&mut self.next_reads) && self.opens_on_replica(token).await;
    }

    async fn opens_on_replica(&mut self, token: &str) -> bool {
        if !self.alive_on_primary(token).await {
            return false;
        }
        let Some(replica) = self.replica.as_mut() else {
            return false;
        };
        if replica
            .resting_until
            .is_some_and(|until| Instant::now() < until)
        {
            return false;
        }
        if replica
            .held
            .as_ref()
            .is_some_and(|client| client.is_closed())
        {
            replica.held = None;
        }
        if replica.held.is_none() {
            match replica.pool.get().await {
                Ok(client) => replica.held = Some(client),
                Err(_) => {
                    replica.resting_until = Some(Instant::now() + UNREACHABLE_REST);
                    return false;
                }
            }
        }
        true
    }

    /// The connection the open command uses: the replica's when it opened
    /// there, the primary's otherwise.
    pub(super) fn held_slot(&mut self) -> &mut Option<Object> {
        match (self.on_replica, self.replica.as_mut()) {
            (true, Some(replica)) => &mut replica.held,
            _ => &mut self.held,
        }
    }

    /// [`Self::held_slot`], to read.
    pub(super) fn held_now(&self) -> Option<&Object> {
        match (self.on_replica, self.replica.as_ref()) {
            (true, Some(replica)) => replica.held.as_ref(),
            _ => self.held.as_ref(),
        }
    }

    /// A new connection for the open command, where it runs.
    pub(super) async fn connect_for_command(&self) -> Result<Object, DbError> {
        match (self.on_replica, self.replica.as_ref()) {
            (true, Some(replica)) => Ok(replica.pool.get().await?),
            _ => self.client().await,
        }
    }

    /// After a command's transaction: the next one goes to the primary
    /// unless it is a read again.
    pub(super) fn leave_replica(&mut self) {
        self.on_replica = false;
        self.next_reads = false;
    }

    /// The read profile's server, as it says (`db status`): `None`
    /// without a profile, an error when it cannot be reached (reads then go
    /// to the primary).
    pub async fn reads_reached(&self) -> Option<Result<super::Reached, DbError>> {
        let replica = self.replica.as_ref()?;
        Some(match replica.pool.get().await {
            Ok(client) => super::reached_by(&client).await,
            Err(failed) => Err(failed.into()),
        })
    }

    /// Tells the primary the session is in use, when it has not heard so
    /// for [`PRIMARY_MARK_EVERY`], and whether it is still alive there. A
    /// primary that cannot be reached (a failover under way) leaves the
    /// standby's own check to guard the read.
    async fn alive_on_primary(&mut self, token: &str) -> bool {
        let due = self.replica.as_ref().is_some_and(|replica| {
            replica
                .primary_marked
                .is_none_or(|at| at.elapsed() >= PRIMARY_MARK_EVERY)
        });
        if !due {
            return true;
        }
        let answer = match self.primary_session().await {
            Ok(client) => {
                client
                    .query_typed_one(MARK_ON_PRIMARY, &[arg(&token)])
                    .await
            }
            Err(_) => {
                self.mark_done();
                return true;
            }
        };
        match answer {
            Ok(row) if row.get::<_, Option<String>>(0).as_deref() == Some("ok") => {
                self.mark_done();
                true
            }
            // Not alive: the command runs on the primary, whose check says why.
            Ok(_) => false,
            Err(_) => {
                self.forget_broken_primary();
                self.mark_done();
                true
            }
        }
    }

    fn mark_done(&mut self) {
        if let Some(replica) = self.replica.as_mut() {
            replica.primary_marked = Some(Instant::now());
        }
    }

    /// The primary's connection, opened (or reopened) for a statement
    /// outside any command.
    async fn primary_session(&mut self) -> Result<&Object, DbError> {
        self.forget_broken_primary();
        if self.held.is_none() {
            self.held = Some(self.client().await?);
        }
        Ok(self.held.as_ref().expect("just opened"))
    }

    fn forget_broken_primary(&mut self) {
        if self.held.as_ref().is_some_and(|client| client.is_closed()) {
            self.held = None;
        }
    }
}

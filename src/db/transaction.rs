//! A command's transaction: opened as the application role, acting for a
//! session, in the same round trip as the session's check (or, for a
//! session the shell already knows, with the command's first statement),
//! and ended exactly once, by the [`Transaction`] its opening returned.
//! Both the role and the session setting are transaction-local: nothing
//! outlives the command.

use futures_util::FutureExt;

use super::identity::{CHECK_SESSION, Identity, SessionProblem, session_check_of};
use super::statement::arg;
use super::{Database, DbError};

/// A command's transaction, open on the session's connection (or about to
/// open, with its first statement: [`Database::expect_session`]). Only an
/// opening makes one; [`Self::commit`], [`Self::rollback`] and
/// [`Self::finish`] take it, so it ends once, and one left unused is a
/// warning. A statement that committed on its own (a write with
/// `Then::Commit`) leaves it nothing to do but it is ended all the same.
#[must_use = "a command's transaction ends with `commit`, `rollback` or `finish`"]
#[derive(Debug)]
pub struct Transaction {
    _opened: (),
}

impl Transaction {
    /// Commits what the command did.
    pub async fn commit(self, database: &mut Database) -> Result<(), DbError> {
        database.end(true).await
    }

    /// Rolls back what the command did; a failure to say so is no failure
    /// (the server rolls back a transaction whose connection is gone).
    pub async fn rollback(self, database: &mut Database) -> Result<(), DbError> {
        database.end(false).await
    }

    /// Commits what succeeded, rolls back what failed.
    pub async fn finish(self, database: &mut Database, succeeded: bool) -> Result<(), DbError> {
        database.end(succeeded).await
    }
}

/// What [`Database::expect_session`] checks.
pub(super) struct Expected {
    pub(super) token: String,
    employee_id: i64,
    department: String,
    name: String,
}

/// Fails the transaction unless the session of token `$1` is alive and
/// still employee `$2`, of department `$3`, named `$4`.
pub const EXPECT_SESSION: &str = "SELECT epic_expect_session($1, $2, $3, $4)";

/// Becomes the application role (`$2`) acting for the session of token
/// `$1`, until the transaction ends (`set_config(.., true)` is `SET
/// LOCAL`). The database hashes the token to find the session. Without
/// Memoize: it sizes its cache from the planner's estimate, and on a
/// million events setting that up and freeing it took 4 ms of a first page
/// that otherwise takes 0.5 ms.
pub const ENTER_APP_ROLE: &str = "SELECT set_config('epic.session', $1, true), \
     set_config('role', $2, true), set_config('enable_memoize', 'off', true)";

impl Database {
    /// Opens a command for a session whose identity the shell already
    /// knows, without a round trip of its own: BEGIN, a check that the
    /// session is still alive and still `expected` (`epic_expect_session`,
    /// which fails the transaction otherwise) and the switch to the app role
    /// go out with the command's first statement (see `send_opening`). If
    /// nothing is sent before it ends, nothing was opened.
    pub fn expect_session(&mut self, token: &str, expected: &Identity) -> Transaction {
        self.expecting = Some(Expected {
            token: token.to_owned(),
            employee_id: expected.employee_id,
            department: expected.role.name().to_owned(),
            name: expected.name.clone(),
        });
        Transaction { _opened: () }
    }

    /// Opens a command's transaction as the application role, acting for
    /// the session of `token`, whose statements the policies guard. One
    /// round trip: the statements are pipelined.
    pub async fn begin(&mut self, token: &str) -> Result<Transaction, DbError> {
        self.choose_connection(token).await;
        let app_role = self.app_role.clone();
        let client = self.session().await?;
        let enter_args = [arg(&token), arg(&app_role)];
        let (begun, entered) = tokio::join!(
            client.batch_execute("BEGIN"),
            client.execute_typed(ENTER_APP_ROLE, &enter_args),
        );
        self.in_command = begun.is_ok();
        if let Err(e) = begun.and(entered) {
            let _ = self.end(false).await;
            return Err(e.into());
        }
        Ok(Transaction { _opened: () })
    }

    /// [`Self::begin`] with the session check first, in the same
    /// transaction and the same round trip: the session's identity and the
    /// open transaction if it is alive; why not (and nothing open) if it is
    /// not.
    pub async fn begin_checked(
        &mut self,
        token: &str,
    ) -> Result<Result<(Identity, Transaction), SessionProblem>, DbError> {
        self.choose_connection(token).await;
        let app_role = self.app_role.clone();
        let client = self.session().await?;
        let check_args = [arg(&token)];
        let enter_args = [arg(&token), arg(&app_role)];
        let (begun, checked, entered) = tokio::join!(
            client.batch_execute("BEGIN"),
            client.query_typed_one(CHECK_SESSION, &check_args),
            client.execute_typed(ENTER_APP_ROLE, &enter_args),
        );
        self.in_command = begun.is_ok();
        let outcome = begun
            .and(checked)
            .and_then(|row| entered.map(|_| session_check_of(&row)));
        match outcome {
            Ok(Ok(identity)) => Ok(Ok((identity, Transaction { _opened: () }))),
            Ok(Err(problem)) => {
                self.end(false).await?;
                Ok(Err(problem))
            }
            Err(e) => {
                let _ = self.end(false).await;
                Err(e.into())
            }
        }
    }

    /// [`Self::begin`] for a caller that holds no [`Transaction`] and ends
    /// it with [`Self::finish`]: the tests that look at the connection
    /// between two commands. Commands hold theirs.
    pub async fn begin_as(&mut self, token: &str) -> Result<(), DbError> {
        let Transaction { _opened: () } = self.begin(token).await?;
        Ok(())
    }

    /// Ends a transaction opened by [`Self::begin_as`]: commits what
    /// succeeded, rolls back what failed.
    pub async fn finish(&mut self, succeeded: bool) -> Result<(), DbError> {
        self.end(succeeded).await
    }

    /// Ends the command's transaction. Does nothing when the command's last
    /// statement already committed (a write with `Then::Commit`).
    async fn end(&mut self, succeeded: bool) -> Result<(), DbError> {
        let ended = self.end_where_it_ran(succeeded).await;
        self.leave_replica();
        ended
    }

    async fn end_where_it_ran(&mut self, succeeded: bool) -> Result<(), DbError> {
        // An opening never sent opened nothing.
        self.expecting = None;
        if !std::mem::take(&mut self.in_command) {
            return Ok(());
        }
        // A transaction whose connection is gone was rolled back by the
        // server: connecting again only to say so would put that
        // connection's failure (no primary yet, in a failover) in place of
        // the command's own.
        let gone = self.held_now().is_none_or(|client| client.is_closed());
        if gone && !succeeded {
            *self.held_slot() = None;
            return Ok(());
        }
        let client = self.session().await?;
        let outcome = client
            .batch_execute(if succeeded { "COMMIT" } else { "ROLLBACK" })
            .await;
        match outcome {
            Ok(()) => Ok(()),
            Err(_) if !succeeded => Ok(()),
            Err(e) => Err(self.failed_commit(e)),
        }
    }

    /// A COMMIT (or a statement sent with it) failed. A lost connection
    /// leaves the outcome unknown, and is not used again.
    pub(super) fn failed_commit(&mut self, error: tokio_postgres::Error) -> DbError {
        let error = DbError::at_commit(error);
        if matches!(error, DbError::LostAfterCommit { .. }) {
            *self.held_slot() = None;
        }
        error
    }

    /// Sends the opening [`Self::expect_session`] left for the command's
    /// first statement, on the session's connection, just before it:
    /// queued, not awaited, in the same round trip.
    pub(super) async fn send_opening(&mut self) -> Result<(), DbError> {
        let Some(expected) = self.expecting.take() else {
            return Ok(());
        };
        let client = self.held_now().expect("the session's connection is open");
        let expect_args = [
            arg(&expected.token),
            arg(&expected.employee_id),
            arg(&expected.department),
            arg(&expected.name),
        ];
        let enter_args = [arg(&expected.token), arg(&self.app_role)];
        // Polled once, each request is queued in order; their answers are
        // not needed: if one fails, the transaction is failed and the
        // statement that follows says so (`DbError::SessionChanged`).
        let _ = client.batch_execute("BEGIN").now_or_never();
        let _ = client
            .execute_typed(EXPECT_SESSION, &expect_args)
            .now_or_never();
        let _ = client
            .execute_typed(ENTER_APP_ROLE, &enter_args)
            .now_or_never();
        self.in_command = true;
        Ok(())
    }
}

//! The live notifications' connection: one of its own (not the pool's),
//! LISTENing on `epic_notifications`, and the read the listener makes
//! through row security, as the application role with the shell's token.
//! A NOTIFY's payload is never read: it is a wake-up, whoever sent it
//! (`sql/0009`).

use futures_util::StreamExt;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio_postgres::AsyncMessage;

use super::connect::Tls;
use super::statement::arg;

/// What the listener adds to the URL's `application_name` ("epic" unless
/// it names another).
pub const LISTENER: &str = "live notifications";

/// A connection that LISTENs on `epic_notifications`.
pub struct Listener {
    client: tokio_postgres::Client,
}

impl Listener {
    /// Connects with `pg_config` and LISTENs. Each NOTIFY sends `()` to the
    /// receiver returned; it closes when the connection ends. `None` when
    /// the connection or the LISTEN fails.
    pub async fn open(
        pg_config: &tokio_postgres::Config,
        tls: Tls,
    ) -> Option<(Listener, UnboundedReceiver<()>)> {
        // Named, so that a DBA (and a test) tells it from the commands'
        // connection in `pg_stat_activity`.
        let mut pg_config = pg_config.clone();
        let named = pg_config.get_application_name().unwrap_or("epic");
        pg_config.application_name(format!("{named} {LISTENER}"));
        let (client, mut connection) = pg_config.connect(tls).await.ok()?;
        let (wake, woken) = unbounded_channel();
        tokio::spawn(async move {
            let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(message) = messages.next().await {
                match message {
                    // The payload is ignored: it is a wake-up, whoever sent it.
                    Ok(AsyncMessage::Notification(_)) => {
                        if wake.send(()).is_err() {
                            break;
                        }
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        });
        client
            .batch_execute("LISTEN epic_notifications")
            .await
            .ok()?;
        Some((Listener { client }, woken))
    }

    /// The employee's unread notifications newer than `after`, oldest
    /// first, marked read as they are taken: the shell shows them at once.
    /// Row security shows, and lets mark, nobody else's.
    pub async fn take_unread_after(
        &mut self,
        token: &str,
        app_role: &str,
        after: i64,
    ) -> Result<Vec<(i64, String)>, tokio_postgres::Error> {
        let transaction = as_session(&mut self.client, token, app_role).await?;
        let rows = transaction
            .query_typed(
                "UPDATE notifications SET read_at = now() WHERE id > $1 AND read_at IS NULL \
                 RETURNING id, message",
                &[arg(&after)],
            )
            .await?;
        transaction.commit().await?;
        let mut news: Vec<(i64, String)> =
            rows.iter().map(|row| (row.get(0), row.get(1))).collect();
        news.sort_unstable_by_key(|(id, _)| *id);
        Ok(news)
    }
}

/// Opens a read as the application role for the session of `token`.
async fn as_session<'a>(
    client: &'a mut tokio_postgres::Client,
    token: &str,
    app_role: &str,
) -> Result<tokio_postgres::Transaction<'a>, tokio_postgres::Error> {
    let transaction = client.transaction().await?;
    transaction
        .execute_typed(
            "SELECT set_config('epic.session', $1, true), set_config('role', $2, true)",
            &[arg(&token), arg(&app_role)],
        )
        .await?;
    Ok(transaction)
}

//! Live notifications: while a shell is open, a background thread keeps a
//! connection of its own that LISTENs on `epic_notifications` and prints
//! the logged-in employee's new notifications above the prompt, through
//! rustyline's external printer, without disturbing the line being typed.
//!
//! Any session may LISTEN on any channel and NOTIFY any payload, so the
//! payload carries nothing (`sql/0009`): a notification only wakes the
//! thread, which then reads its employee's unread notifications through
//! row security, as the application role, with the shell's session token.
//! A forged NOTIFY therefore shows nothing that is not really theirs, and
//! nobody learns anyone's messages by listening. Who is logged in can
//! change with a login; the shell hands the thread each new token.

use futures_util::StreamExt;
use rustyline::ExternalPrinter;
use tokio::sync::watch;
use tokio_postgres::AsyncMessage;

use crate::db::connect::Tls;

/// What the thread reads notifications as: the session's token, or nobody.
pub type Listening = watch::Sender<Option<String>>;

/// Starts the listener thread; it ends with the process. Failures (the
/// database restarting) only end live notifications; `show notifications`
/// still lists them. Returns where to send each new token.
pub fn start<P>(
    pg_config: tokio_postgres::Config,
    tls: Tls,
    app_role: String,
    mut printer: P,
) -> Listening
where
    P: ExternalPrinter + Send + 'static,
{
    let (sender, mut tokens) = watch::channel(None::<String>);
    let spawned = std::thread::Builder::new()
        .name("epic-notifications".to_owned())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let Ok((mut client, mut connection)) = pg_config.connect(tls).await else {
                    return;
                };
                let (wake, mut woken) = tokio::sync::mpsc::unbounded_channel();
                tokio::spawn(async move {
                    let mut messages =
                        futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
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
                if client
                    .batch_execute("LISTEN epic_notifications")
                    .await
                    .is_err()
                {
                    return;
                }
                let mut token: Option<String> = None;
                // The newest notification already announced (at login) or shown.
                let mut shown: i64 = 0;
                loop {
                    tokio::select! {
                        changed = tokens.changed() => {
                            if changed.is_err() {
                                return;
                            }
                            token = tokens.borrow_and_update().clone();
                            shown = match &token {
                                Some(token) => newest(&mut client, token, &app_role).await.unwrap_or(i64::MAX),
                                None => 0,
                            };
                        }
                        woke = woken.recv() => {
                            if woke.is_none() {
                                return;
                            }
                            let Some(token) = &token else { continue };
                            let Ok(news) = unread_after(&mut client, token, &app_role, shown).await else {
                                continue;
                            };
                            for (id, message) in news {
                                shown = shown.max(id);
                                let _ = printer.print(format!("» {}\n", crate::render::one_line(&message)));
                            }
                        }
                    }
                }
            });
        });
    // Without the thread the shell works the same, only without live news.
    let _ = spawned;
    sender
}

/// Opens a read as the application role for the session of `token`.
async fn as_session<'a>(
    client: &'a mut tokio_postgres::Client,
    token: &str,
    app_role: &str,
) -> Result<tokio_postgres::Transaction<'a>, tokio_postgres::Error> {
    let transaction = client.transaction().await?;
    transaction
        .execute(
            "SELECT set_config('epic.session', $1, true), set_config('role', $2, true)",
            &[&token, &app_role],
        )
        .await?;
    Ok(transaction)
}

/// The newest of the employee's notifications: those up to it were there
/// before this session's shell started listening.
async fn newest(
    client: &mut tokio_postgres::Client,
    token: &str,
    app_role: &str,
) -> Result<i64, tokio_postgres::Error> {
    let transaction = as_session(client, token, app_role).await?;
    let newest: i64 = transaction
        .query_one("SELECT coalesce(max(id), 0) FROM notifications", &[])
        .await?
        .get(0);
    transaction.commit().await?;
    Ok(newest)
}

/// The employee's unread notifications newer than `after`, oldest first.
/// Row security shows nobody else's.
async fn unread_after(
    client: &mut tokio_postgres::Client,
    token: &str,
    app_role: &str,
    after: i64,
) -> Result<Vec<(i64, String)>, tokio_postgres::Error> {
    let transaction = as_session(client, token, app_role).await?;
    let rows = transaction
        .query(
            "SELECT id, message FROM notifications WHERE id > $1 AND read_at IS NULL ORDER BY id",
            &[&after],
        )
        .await?;
    transaction.commit().await?;
    Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
}

//! Live notifications: while a shell is open, a background thread keeps a
//! connection of its own that LISTENs on `epic_notifications` and prints
//! the logged-in employee's notifications above the prompt, through
//! rustyline's external printer, without disturbing the line being typed.
//!
//! The payload is `employee id:message` (see `sql/0007`); notifications for
//! someone else are ignored. Who that is can change with a login, so the
//! thread reads it from a shared cell for each notification.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use futures_util::StreamExt;
use rustyline::ExternalPrinter;
use tokio_postgres::{AsyncMessage, NoTls};

/// No one: nothing is shown.
pub const NOBODY: i64 = 0;

/// Starts the listener thread; it ends with the process. Failures (the
/// database restarting) only end live notifications; `show notifications`
/// still lists them.
pub fn start<P>(pg_config: tokio_postgres::Config, listening_for: Arc<AtomicI64>, mut printer: P)
where
    P: ExternalPrinter + Send + 'static,
{
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
                let Ok((client, mut connection)) = pg_config.connect(NoTls).await else {
                    return;
                };
                let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
                tokio::spawn(async move {
                    let mut messages =
                        futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
                    while let Some(message) = messages.next().await {
                        match message {
                            Ok(AsyncMessage::Notification(notification)) => {
                                if sender.send(notification.payload().to_owned()).is_err() {
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
                while let Some(payload) = receiver.recv().await {
                    if let Some(message) = for_me(&payload, listening_for.load(Ordering::Relaxed)) {
                        let _ = printer.print(format!("» {message}\n"));
                    }
                }
            });
        });
    // Without the thread the shell works the same, only without live news.
    let _ = spawned;
}

/// The message of a payload `id:message` addressed to `employee`.
fn for_me(payload: &str, employee: i64) -> Option<&str> {
    let (id, message) = payload.split_once(':')?;
    (employee != NOBODY && id.parse::<i64>().ok()? == employee).then_some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_logged_in_employees_notifications_are_shown() {
        assert_eq!(
            for_me("7:Event 109 was assigned to you", 7),
            Some("Event 109 was assigned to you")
        );
        assert_eq!(for_me("8:Event 109 was assigned to you", 7), None);
        assert_eq!(
            for_me("7:Event 109: a colon", 7),
            Some("Event 109: a colon")
        );
        assert_eq!(for_me("7:anything", NOBODY), None);
        assert_eq!(for_me("garbage", 7), None);
    }
}

//! Live notifications: while a shell is open, a background thread keeps a
//! connection of its own (`db::listen`) that LISTENs on `epic_notifications` and prints
//! the logged-in employee's new notifications above the prompt, through
//! rustyline's external printer, without disturbing the line being typed.
//!
//! Any session may LISTEN on any channel and NOTIFY any payload, so the
//! payload carries nothing (`sql/0009`): a notification only wakes the
//! thread, which then reads its employee's unread notifications through
//! row security, as the application role, with the shell's session token,
//! and marks what it shows read (`show notifications` lists them as seen).
//! A forged NOTIFY therefore shows nothing that is not really theirs, and
//! nobody learns anyone's messages by listening. Who is logged in can
//! change with a login; the shell hands the thread each new token.

use rustyline::ExternalPrinter;
use tokio::sync::watch;

use crate::db::connect::Tls;
use crate::db::listen::Listener;

/// What the thread reads notifications as: the session's token with the
/// newest notification the shell saw when it logged in (those up to it are
/// not news), or nobody. The shell reads that number itself, before its
/// next prompt, so that nothing made after the prompt appears is missed
/// however late the thread connects.
pub type Listening = watch::Sender<Option<(String, i64)>>;

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
    let (sender, mut tokens) = watch::channel(None::<(String, i64)>);
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
                let Some((mut listener, mut woken)) = Listener::open(&pg_config, tls).await else {
                    return;
                };
                let mut token: Option<String> = None;
                // The newest notification already announced (at login) or shown.
                let mut shown: i64 = 0;
                loop {
                    tokio::select! {
                        changed = tokens.changed() => {
                            if changed.is_err() {
                                return;
                            }
                            let seen = tokens.borrow_and_update().clone();
                            (token, shown) = match seen {
                                Some((token, newest)) => (Some(token), newest),
                                None => (None, 0),
                            };
                            // A NOTIFY sent before this connection listened
                            // woke nobody: look once now.
                        }
                        woke = woken.recv() => {
                            if woke.is_none() {
                                return;
                            }
                        }
                    }
                    let Some(token) = &token else { continue };
                    let Ok(news) = listener.take_unread_after(token, &app_role, shown).await else {
                        continue;
                    };
                    for (id, message) in news {
                        shown = shown.max(id);
                        let _ = printer.print(format!("» {}\n", crate::text::one_line(&message)));
                    }
                }
            });
        });
    // Without the thread the shell works the same, only without live news.
    let _ = spawned;
    sender
}

//! The shell: runs each command through the stages (parse, then run against
//! the database, then render) and is the only place that wires them
//! together. The same [`Shell::execute`] serves the interactive editor and
//! batch input, so a batch file behaves exactly like typing it.

mod confirm;
pub mod listen;
mod names;
mod retry;
pub mod settings;

use crate::input::{self, Entry};

use std::io::Write;
use std::path::Path;

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config as EditorConfig, Editor};
use tokio::runtime::Runtime;

use crate::auth::AuthError;
use crate::auth::session::{self, PasswordSource, Session};
use crate::commands::bulk::Confirm;
use crate::commands::{self, Context, View, identity};
use crate::complete::LanguageHelper;
use crate::config::Config;
use crate::config::settings::Settings;
use crate::db::identity::Identity;
use crate::db::{Database, DbError, Transaction};
use crate::error::{self, Error};
use crate::exit::Exit;
use crate::format::Switch;
use crate::model::Entity;
use crate::render::{self, Status};
use crate::syntax::{self, Command, help};
use crate::text;

/// Whether the shell goes on after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

pub struct Shell {
    config: Config,
    database: Database,
    /// How output is shown; `set format` changes it.
    pub view: View,
    /// The settings the view comes from, with where each comes from.
    settings: Settings,
    verbose: bool,
    passwords: PasswordSource,
    session: Session,
    /// How a bulk update is confirmed: the question on a terminal, or
    /// (a batch) `--yes`.
    pub confirm: Confirm,
}

impl Shell {
    pub fn new(
        config: Config,
        database: Database,
        settings: Settings,
        interactive: bool,
        verbose: bool,
        passwords: PasswordSource,
    ) -> Result<Shell, Error> {
        Ok(Shell {
            config,
            database,
            view: settings::view(&settings, interactive),
            settings,
            verbose,
            passwords,
            session: Session::Unknown,
            confirm: if interactive {
                Confirm::Ask(confirm::ask)
            } else {
                Confirm::Refuse
            },
        })
    }

    /// What the command stage runs with.
    fn context(&mut self) -> Context<'_> {
        Context {
            database: &mut self.database,
            config: &self.config,
            view: self.view,
            session: &mut self.session,
            passwords: self.passwords,
            confirm: self.confirm,
        }
    }

    /// The identity for the command about to run, checked by the database.
    pub async fn require_identity(&mut self) -> Result<Identity, Error> {
        session::identify(&mut self.database, &self.config, &mut self.session)
            .await
            .map_err(Error::from)
    }

    /// [`Self::require_identity`] that also opens the command's transaction
    /// as the application role, in the same round trip. The caller ends it
    /// with the [`Transaction`].
    async fn open_command(&mut self) -> Result<(Identity, Transaction), Error> {
        session::open_command(&mut self.database, &self.config, &mut self.session)
            .await
            .map_err(Error::from)
    }

    /// Parses and runs one command, writing its output to `out` and notes
    /// (empty results, paging) to `err`.
    pub async fn execute(
        &mut self,
        entry: &Entry,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<Flow, Error> {
        let command = syntax::parse(&entry.text).map_err(|e| {
            if self.view.interactive {
                e
            } else {
                e.at_line(entry.first_line)
            }
        })?;
        let check = check_after_loss(&command);
        let (timed, started) = (self.view.timing, std::time::Instant::now());
        let flow = self
            .run_command_reading_again_if_lost(command, out, err)
            .await;
        if timed == Switch::On && self.view.timing == Switch::On {
            let took = Status::Took {
                seconds: started.elapsed().as_secs_f64(),
            };
            let _ = render::status(err, &took);
        }
        flow.map_err(|error| match error {
            Error::Db(DbError::LostAfterCommit { source }) => match check {
                Some(check) => Error::MaybeApplied { check, source },
                // A read's COMMIT changes nothing: the connection was lost, that is all.
                None => Error::Db(DbError::ConnectionLost { source }),
            },
            other => other,
        })
    }

    /// Runs one parsed command (see [`Shell::execute`]).
    async fn run_command(
        &mut self,
        command: Command,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<Flow, Error> {
        let output = |e| Error::Output { source: e };
        match command {
            Command::Help { topic: None } => {
                out.write_all(help::overview().as_bytes()).map_err(output)?
            }
            Command::Help { topic: Some(topic) } => {
                // The parser accepts known topics only.
                let text = help::topic_text(topic, &crate::policy::writers);
                out.write_all(text.as_bytes()).map_err(output)?;
            }
            Command::Quit => return Ok(Flow::Quit),
            command @ (Command::SetFormat { .. }
            | Command::SetExpanded { .. }
            | Command::SetPager { .. }
            | Command::SetTiming { .. }
            | Command::SetPageSize { .. }) => {
                settings::set_in_session(&mut self.settings, &mut self.view, &command)
            }
            Command::ShowSettings => {
                let (current, file) = (self.settings.clone(), self.config.config_file.clone());
                settings::list(&current, file.as_deref(), &self.context(), out, err)?
            }
            Command::SaveSettings => {
                settings::save(&self.settings, self.config.config_file.as_deref(), err)?
            }
            Command::ShowTimeZone => commands::zone::show(&self.context(), out)?,
            Command::Login { email } => identity::login(&mut self.context(), &email, err).await?,
            // The identity gate itself runs as the schema owner.
            command @ (Command::Logout | Command::WhoAmI | Command::Passwd) => {
                crate::telemetry::breadcrumb(&command);
                self.run_identity_command(command, out, err).await?
            }
            command => {
                crate::telemetry::breadcrumb(&command);
                let saved = commands::saved::name_run(&command);
                let ran = self.run_as_app(command, out, err).await;
                ran.map_err(|error| commands::saved::unless_logged_out(error, saved))?
            }
        }
        out.flush().map_err(output)?;
        Ok(Flow::Continue)
    }

    /// `logout`, `whoami` and `passwd`, after the session check alone.
    async fn run_identity_command(
        &mut self,
        command: Command,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        let identity = self.require_identity().await?;
        crate::telemetry::set_user(Some(&identity));
        refuse_before_password_change(&identity, &command)?;
        match command {
            Command::Logout => identity::logout(&mut self.context(), err).await,
            Command::WhoAmI => identity::whoami(&self.context(), &identity, out),
            Command::Passwd => identity::passwd(&mut self.context(), &identity, err).await,
            _ => unreachable!("only the identity commands run as the client login"),
        }
    }

    /// Every other command: its transaction as the application role,
    /// opened in the same round trip as its session check (or with its
    /// first statement, for the session the previous command established).
    async fn run_as_app(
        &mut self,
        command: Command,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        self.route(&command);
        if let Some(done) = self.run_expecting(&command, out, err).await {
            return done;
        }
        self.route(&command);
        let (identity, transaction) = self.open_command().await?;
        crate::telemetry::set_user(Some(&identity));
        if let Err(refused) = refuse_before_password_change(&identity, &command) {
            transaction.rollback(&mut self.database).await?;
            return Err(refused);
        }
        // All of it happens, or none.
        self.run_in_transaction(identity, transaction, command, out, err)
            .await
    }

    /// A command in its transaction as the application role, opened by the
    /// identity gate: run, committed or rolled back, run again after a
    /// deadlock, and its refusal audited. Notes ("Updated client 12.") are
    /// told once the command has committed, never before a COMMIT that
    /// fails or whose answer is lost.
    async fn run_in_transaction(
        &mut self,
        mut identity: Identity,
        mut transaction: Transaction,
        command: Command,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        let mut notes = Vec::new();
        let mut attempt = 1;
        let result = loop {
            notes.clear();
            let result = commands::run_as(
                &mut self.context(),
                &identity,
                command.clone(),
                out,
                &mut notes,
            )
            .await;
            transaction
                .finish(&mut self.database, result.is_ok())
                .await?;
            // Rolled back by PostgreSQL for another command's sake (a
            // deadlock): nothing happened, so again.
            let contended = matches!(result, Err(Error::Db(DbError::Contended { .. })));
            if !contended || attempt == CONTENDED_ATTEMPTS {
                break result;
            }
            attempt += 1;
            (identity, transaction) = self.open_command().await?;
        };
        let result = self.unless_the_session_ended(result).await;
        if let Err(error) = &result {
            self.audit_denial(error).await?;
        }
        result?;
        err.write_all(&notes)
            .map_err(|source| Error::Output { source })
    }

    /// The employee the last command ran as, if any.
    pub fn logged_in_employee(&self) -> Option<i64> {
        self.session.identity().map(|i| i.employee_id)
    }

    /// Runs a command for the identity the previous command established,
    /// its session check sent with its first statement (one round trip
    /// saved). `None` when it does not apply or the answer cannot be
    /// trusted: the session changed, or the checker said no on the
    /// strength of what may be an old role. Nothing has run then, and the
    /// caller asks the database first, as for a first command.
    async fn run_expecting(
        &mut self,
        command: &Command,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Option<Result<(), Error>> {
        // Commands whose first act, after the checker, is a statement: one
        // that sends nothing would never have its session checked.
        let sends_first = matches!(
            command,
            Command::Show(_) | Command::ShowOne { .. } | Command::Count { .. } | Command::Create(_)
        );
        let identity = self.session.identity()?.clone();
        let token = self.session.live_token()?.to_owned();
        if !sends_first || identity.must_change_password {
            return None;
        }
        crate::telemetry::set_user(Some(&identity));
        let transaction = self.database.expect_session(&token, &identity);
        let result =
            commands::run_as(&mut self.context(), &identity, command.clone(), out, err).await;
        let retry = matches!(
            result,
            Err(Error::Db(
                crate::db::DbError::SessionChanged | crate::db::DbError::Contended { .. }
            )) | Err(Error::Denied { .. })
        );
        if let Err(e) = transaction.finish(&mut self.database, result.is_ok()).await {
            return Some(Err(e.into()));
        }
        if retry {
            self.session.doubt();
            return None;
        }
        Some(self.unless_the_session_ended(result).await)
    }

    /// A record not found, or a write that found nothing, may mean that the
    /// session ended while the command ran (an admin revoked it or
    /// deactivated the account): row security then hides every row. The
    /// database says which it was; nothing was changed either way.
    async fn unless_the_session_ended(&mut self, result: Result<(), Error>) -> Result<(), Error> {
        if matches!(
            result,
            Err(Error::NotFound { .. } | Error::NoneMatch { .. })
                | Err(Error::Db(crate::db::DbError::SessionChanged))
        ) {
            self.require_identity().await?;
        }
        result
    }

    /// Records a refusal in the audit log, in a transaction of its own (the
    /// refused command's was rolled back). The database writes it in the
    /// session's name.
    async fn audit_denial(&mut self, error: &Error) -> Result<(), Error> {
        let Error::Denied {
            message,
            request,
            entity,
            record,
        } = error
        else {
            return Ok(());
        };
        let token = self.session.token()?;
        let transaction = self.database.begin(&token).await?;
        let result = self
            .database
            .audit_denial(request, message, *entity, *record)
            .await;
        transaction
            .finish(&mut self.database, result.is_ok())
            .await?;
        Ok(result?)
    }

    /// Runs a batch: stops at the first failure unless `keep_going`, and
    /// returns the exit status (the first failure's kind).
    pub fn run_batch(
        &mut self,
        runtime: &Runtime,
        entries: impl Iterator<Item = Result<Entry, Error>>,
        out: &mut dyn Write,
        err: &mut dyn Write,
        keep_going: bool,
        numbered: bool,
    ) -> Exit {
        let mut status = Exit::Success;
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                // The input itself failed: nothing more can be read.
                Err(error @ Error::Input { .. }) => {
                    let _ = writeln!(err, "{}", error::report(&error, self.verbose, None));
                    return error.exit();
                }
                // Lines that make no command (not UTF-8, too long): they say
                // where they are, and the next command can still run.
                Err(error) => {
                    let _ = writeln!(err, "{}", error::report(&error, self.verbose, None));
                    if status == Exit::Success {
                        status = error.exit();
                    }
                    if !keep_going {
                        break;
                    }
                    continue;
                }
            };
            match runtime.block_on(self.execute(&entry, out, err)) {
                Ok(Flow::Continue) => {}
                Ok(Flow::Quit) => break,
                Err(error) if error.is_broken_pipe() => return status,
                Err(error) => {
                    let _ = writeln!(
                        err,
                        "{}",
                        error::report(&error, self.verbose, numbered.then_some(entry.first_line))
                    );
                    if status == Exit::Success {
                        status = error.exit();
                    }
                    if !keep_going {
                        break;
                    }
                }
            }
        }
        status
    }

    /// The line editor, with the language's helper and the history file
    /// loaded (`None` if the terminal cannot be opened, said on `err`).
    fn line_editor(
        &self,
        history: &Path,
        err: &mut dyn Write,
    ) -> Option<Editor<LanguageHelper, FileHistory>> {
        // Tab completes as far as the candidates agree and lists them all
        // when they differ, each field with what it holds.
        let editor_config = EditorConfig::builder()
            .auto_add_history(false)
            .completion_type(CompletionType::List)
            .completion_show_all_if_ambiguous(true)
            .max_history_size(self.settings.history_size)
            .map(|builder| builder.build())
            .unwrap_or_default();
        let mut editor: Editor<LanguageHelper, FileHistory> =
            match Editor::with_config(editor_config) {
                Ok(editor) => editor,
                Err(e) => {
                    let _ = writeln!(err, "error: cannot open the terminal: {e}");
                    return None;
                }
            };
        editor.set_helper(Some(LanguageHelper::new(
            Vec::new(),
            render::colored(self.settings.color, true),
        )));
        prepare_history_file(history);
        let _ = editor.load_history(history);
        Some(editor)
    }

    /// The interactive loop on a terminal.
    pub fn run_interactive(
        &mut self,
        runtime: &Runtime,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Exit {
        let history = self.config.history_file();
        let Some(mut editor) = self.line_editor(&history, err) else {
            return Exit::Internal;
        };
        let greeting = Status::Greeting {
            version: env!("CARGO_PKG_VERSION"),
            location: self.database.location.to_string(),
        };
        let _ = render::status(err, &greeting);
        self.resume_session(runtime, err);
        // Live notifications, printed above the prompt for whoever is logged in.
        let listening = editor.create_external_printer().ok().map(|printer| {
            let (pg_config, tls) = self.database.connection_settings();
            listen::start(pg_config, tls, self.database.app_role().to_owned(), printer)
        });
        let mut names_for: Option<i64> = None;
        loop {
            self.session_changed(runtime, &mut editor, listening.as_ref(), &mut names_for);
            let typed =
                input::read_continued(&self.prompt(), |prompt| match editor.readline(prompt) {
                    Ok(line) => Ok(Some(line)),
                    Err(ReadlineError::Eof) => Ok(None),
                    Err(other) => Err(other),
                });
            match typed {
                Ok(Some(line)) => {
                    if line.trim().is_empty() {
                        continue;
                    }
                    if input::fit_for_history(&line)
                        && editor.add_history_entry(line.as_str()).unwrap_or(false)
                    {
                        let _ = editor.append_history(&history);
                    }
                    let entry = Entry {
                        first_line: 1,
                        text: input::join_continuations(&line).into_owned(),
                    };
                    match self.execute_paged(runtime, &entry, out, err) {
                        Ok(Flow::Continue) => self.names_after(runtime, &mut editor, &entry.text),
                        Ok(Flow::Quit) => break,
                        // Ctrl-C at a password prompt ends that command only.
                        Err(Error::Auth(AuthError::Cancelled)) => {
                            let _ = writeln!(err, "(cancelled; nothing was done)");
                        }
                        Err(error) => {
                            let _ = writeln!(err, "{}", error::report(&error, self.verbose, None));
                        }
                    }
                }
                // Ctrl-C abandons the line being typed, not the shell.
                Err(ReadlineError::Interrupted) => continue,
                Ok(None) => break,
                Err(e) => {
                    let _ = writeln!(err, "error: cannot read from the terminal: {e}");
                    return Exit::Internal;
                }
            }
        }
        // A mistake typed in the shell was already answered on screen; leaving is a success.
        Exit::Success
    }

    /// [`Self::execute`] in the interactive shell: output longer than the
    /// screen goes through the pager (`render::pager`), never when standard
    /// output is not a terminal. Notes go the same way, after the output.
    fn execute_paged(
        &mut self,
        runtime: &Runtime,
        entry: &Entry,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<Flow, Error> {
        let pager = match self.view.pager {
            Switch::On => render::pager::Pager::for_terminal(out),
            Switch::Off => None,
        };
        let Some(pager) = pager else {
            return runtime.block_on(self.execute(entry, out, err));
        };
        let flow = runtime.block_on(self.execute(entry, &mut &pager, &mut &pager));
        let finished = pager.finish().map_err(|source| Error::Output { source });
        let flow = flow?;
        finished?;
        Ok(flow)
    }

    /// Resumes a saved session, so the prompt says who from the start.
    fn resume_session(&mut self, runtime: &Runtime, err: &mut dyn Write) {
        match runtime.block_on(self.require_identity()) {
            Ok(identity) => {
                let resumed = Status::LoggedInAs {
                    name: &identity.name,
                    role: identity.role,
                };
                let _ = render::status(err, &resumed);
            }
            Err(Error::Auth(AuthError::NotLoggedIn)) => {
                let _ = render::status(err, &Status::NotLoggedIn);
            }
            Err(error) => {
                let _ = writeln!(err, "{}", error::report(&error, self.verbose, None));
            }
        }
    }

    /// When the session changed since `names_for` (a login, a logout):
    /// the names to complete after `support =`, read as the logged-in
    /// employee (only someone logged in may read the directory), and the
    /// listener told the new token with the newest notification there is
    /// now, so that it shows every one made from here on.
    fn session_changed(
        &mut self,
        runtime: &Runtime,
        editor: &mut Editor<LanguageHelper, FileHistory>,
        listening: Option<&listen::Listening>,
        names_for: &mut Option<i64>,
    ) {
        let acting = self.session.identity().map(|i| i.session_id);
        if acting == *names_for {
            return;
        }
        *names_for = acting;
        let seen = match self.session.live_token() {
            Some(token) => {
                let token = token.to_owned();
                let (names, newest) = runtime
                    .block_on(self.directory_and_news())
                    .unwrap_or_default();
                if let Some(helper) = editor.helper_mut() {
                    helper.set_employees(names);
                }
                Some((token, newest))
            }
            None => {
                if let Some(helper) = editor.helper_mut() {
                    helper.set_employees(Vec::new());
                }
                None
            }
        };
        if let Some(listening) = listening {
            listening.send_replace(seen);
        }
    }

    /// `epic> `, or `epic kate> ` once someone is logged in.
    fn prompt(&self) -> String {
        match self.session.identity() {
            Some(identity) => {
                let who = identity.email.split('@').next().unwrap_or(&identity.email);
                format!("epic {}> ", text::one_line(who))
            }
            None => "epic> ".to_owned(),
        }
    }
}

/// A command that shows whether `command` was applied, for when the
/// connection was lost after its COMMIT was sent; `None` for reads, which
/// change nothing.
fn check_after_loss(command: &Command) -> Option<String> {
    use crate::syntax::ast::{Assign, EmployeeRef, Value, quote};
    let email = |values: &[(crate::model::Field, Assign)]| {
        values.iter().find_map(|(field, value)| match value {
            Assign::Value(Value::Text(text)) if field.ty() == crate::model::FieldType::Email => {
                Some(quote(text))
            }
            _ => None,
        })
    };
    Some(match command {
        Command::Create(create) => match (create.entity, email(&create.values)) {
            (Entity::Event, _) => format!(
                "show events where contract = {}",
                create.parent.unwrap_or_default()
            ),
            (entity @ (Entity::Client | Entity::Employee), Some(email)) => {
                format!("show {} where email = {email}", entity.plural())
            }
            (entity, _) => format!("show {} order by id desc limit 5", entity.plural()),
        },
        Command::Update { entity, id, .. } => format!("show {} {id}", entity.singular()),
        Command::Delete { id, .. } => format!("show employee {id}"),
        Command::Deactivate { employee } => match employee {
            EmployeeRef::Id(id) => format!("show employee {id}"),
            EmployeeRef::Name(name) => format!("show employees where name = {}", quote(name)),
        },
        Command::SetSecurity { .. } => "show security".to_owned(),
        Command::SetTimeZone { .. } => "show time zone".to_owned(),
        Command::RevokeSession { .. } | Command::RevokeSessionsOf { .. } => {
            "show sessions".to_owned()
        }
        Command::Unlock { .. } | Command::ResetPassword { .. } | Command::UpdateWhere { .. } => {
            "show audit order by at desc limit 5".to_owned()
        }
        Command::ShowNotifications => "show notifications".to_owned(),
        Command::SaveQuery(_) | Command::DeleteQuery { .. } => "show queries".to_owned(),
        _ => return None,
    })
}

/// A session holding a temporary password may run only what changes it
/// (and the harmless commands); anything else is refused before it runs.
fn refuse_before_password_change(identity: &Identity, command: &Command) -> Result<(), Error> {
    if identity.must_change_password && !session::allowed_before_password_change(command) {
        return Err(AuthError::MustChangePassword.into());
    }
    Ok(())
}

/// How many times a command rolled back by a deadlock is run in all.
const CONTENDED_ATTEMPTS: usize = 3;

/// The history may hold client names and ids: readable by its owner only.
fn prepare_history_file(path: &Path) {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(parent) = path.parent() {
        let _ = crate::db::local::create_data_dir(parent);
    }
    let _ = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path);
}

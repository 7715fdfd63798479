//! The shell: runs each command through the stages (parse, then run against
//! the database, then render) and is the only place that wires them
//! together. The same [`Shell::execute`] serves the interactive editor and
//! batch input, so a batch file behaves exactly like typing it.

use std::io::{IsTerminal, Write};
use std::path::Path;

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{Config as EditorConfig, Editor};
use tokio::runtime::Runtime;

use crate::auth::AuthError;
use crate::complete::LanguageHelper;
use crate::config::Config;
use crate::db::identity::Identity;
use crate::db::{Database, DbError};
use crate::error::{self, Error};
use crate::exit::Exit;
use crate::input::{self, Entry};
use crate::model::Entity;
use crate::plan::{self, ColumnKind, PlanContext};
use crate::policy::{self, Request};
use crate::render::{self, Column, Format, RowWriter, Style};
use crate::session::{self, PasswordSource};
use crate::syntax::ast::Report;
use crate::syntax::{self, Command, Query, help};

/// Whether the shell goes on after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

pub struct Shell {
    pub config: Config,
    pub database: Database,
    pub format: Format,
    /// On a terminal: colour (unless NO_COLOR), paging, prompts.
    pub interactive: bool,
    pub verbose: bool,
    pub passwords: PasswordSource,
    /// CSV text cells as stored, without the formula guard (`--raw-csv`).
    pub raw_csv: bool,
    /// The session token, once read or issued: what each command presents.
    pub(crate) token: Option<String>,
    /// Who ran the last command, as the database said then.
    pub(crate) identity: Option<Identity>,
}

impl Shell {
    pub fn new(
        config: Config,
        database: Database,
        format: Format,
        interactive: bool,
        verbose: bool,
        passwords: PasswordSource,
    ) -> Result<Shell, Error> {
        Ok(Shell {
            config,
            database,
            format,
            interactive,
            verbose,
            passwords,
            raw_csv: false,
            token: None,
            identity: None,
        })
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
            if self.interactive {
                e
            } else {
                e.at_line(entry.first_line)
            }
        })?;
        let check = check_after_loss(&command);
        self.run_command(command, out, err)
            .await
            .map_err(|error| match error {
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
                let text = help::find(topic).map_or_else(help::overview, help::detail);
                out.write_all(text.as_bytes()).map_err(output)?;
            }
            Command::Quit => return Ok(Flow::Quit),
            Command::SetFormat { format } => self.format = format,
            Command::Login { email } => self.login(&email, err).await?,
            command => {
                crate::telemetry::breadcrumb(&command);
                // The identity gate itself runs as the schema owner; every
                // other command opens its transaction as the application
                // role in the same round trip as its session check.
                let as_owner =
                    matches!(command, Command::Logout | Command::WhoAmI | Command::Passwd);
                if !as_owner && let Some(done) = self.run_expecting(&command, out, err).await {
                    done?;
                    out.flush().map_err(output)?;
                    return Ok(Flow::Continue);
                }
                let identity = if as_owner {
                    self.require_identity().await?
                } else {
                    self.open_command().await?
                };
                crate::telemetry::set_user(Some(&identity));
                if identity.must_change_password
                    && !session::allowed_before_password_change(&command)
                {
                    if !as_owner {
                        self.database.finish(false).await?;
                    }
                    return Err(AuthError::MustChangePassword.into());
                }
                match command {
                    Command::Logout => self.logout(err).await?,
                    Command::WhoAmI => self.whoami(&identity, out)?,
                    Command::Passwd => self.passwd(&identity, err).await?,
                    // All of it happens, or none.
                    command => {
                        // Notes ("Updated client 12.") are told once the
                        // command has committed, never before a COMMIT that
                        // fails or whose answer is lost.
                        let mut notes = Vec::new();
                        let result = self.run_as(&identity, command, out, &mut notes).await;
                        self.database.finish(result.is_ok()).await?;
                        let result = self.unless_the_session_ended(result).await;
                        if let Err(error) = &result {
                            self.audit_denial(error).await?;
                        }
                        result?;
                        err.write_all(&notes).map_err(output)?;
                    }
                }
            }
        }
        out.flush().map_err(output)?;
        Ok(Flow::Continue)
    }

    /// The employee the last command ran as, if any.
    pub fn logged_in_employee(&self) -> Option<i64> {
        self.identity.as_ref().map(|i| i.employee_id)
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
        let identity = self.identity.clone()?;
        let token = self.token.clone()?;
        if !sends_first || identity.must_change_password {
            return None;
        }
        crate::telemetry::set_user(Some(&identity));
        self.database.expect_session(&token, &identity);
        let result = self.run_as(&identity, command.clone(), out, err).await;
        let retry = matches!(
            result,
            Err(Error::Db(crate::db::DbError::SessionChanged)) | Err(Error::Denied { .. })
        );
        if let Err(e) = self.database.finish(result.is_ok()).await {
            return Some(Err(e.into()));
        }
        if retry {
            self.identity = None;
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
            Err(Error::NotFound { .. }) | Err(Error::Db(crate::db::DbError::SessionChanged))
        ) {
            self.require_identity().await?;
        }
        result
    }

    /// Asks the permission checker.
    pub(crate) fn authorize(&self, identity: &Identity, request: &Request) -> Result<(), Error> {
        policy::authorize(identity.role, request).map_err(|denial| Error::Denied {
            message: denial.rule,
            request: request.to_string(),
            entity: request.record_entity(),
            record: request.id,
        })
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
        let token = self.token()?;
        self.database.begin_as(&token).await?;
        let result = self
            .database
            .audit_denial(request, message, *entity, *record)
            .await;
        self.database.finish(result.is_ok()).await?;
        Ok(result?)
    }

    /// A command that needs a logged-in employee.
    async fn run_as(
        &mut self,
        identity: &Identity,
        command: Command,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        if let Some(request) = policy::request_for(&command) {
            self.authorize(identity, &request)?;
        }
        let output = |e| Error::Output { source: e };
        match command {
            Command::Show(query) => self.show(&query, out, err).await?,
            Command::ShowOne { entity, id } => self.show_one(entity, id, out).await?,
            Command::Count { entity, filter } => {
                let plan = plan::plan_count(entity, filter.as_ref(), &self.plan_context())?;
                let count = self.database.count(&plan).await?;
                writeln!(out, "{count}").map_err(output)?;
            }
            Command::Explain(inner) => self.explain(&inner, out)?,
            Command::ShowSessions => {
                self.list(&plan::plan_sessions(), "live sessions", out, err)
                    .await?;
            }
            Command::ShowSecurity => {
                self.list(&plan::plan_security(), "security settings", out, err)
                    .await?;
            }
            Command::SetSecurity { setting, value } => {
                self.set_security(setting, value, err).await?;
            }
            Command::RevokeSession { id } => {
                self.revoke_session(id, err).await?;
            }
            Command::RevokeSessionsOf { employee } => {
                self.revoke_sessions_of(&employee, err).await?;
            }
            Command::Unlock { email } => {
                self.unlock(&email, err).await?;
            }
            Command::ResetPassword { employee } => {
                self.reset_password(identity, &employee, out).await?;
            }
            Command::ShowNotifications => {
                self.list(&plan::plan_notifications(), "notifications", out, err)
                    .await?;
                self.database
                    .execute(&plan::plan_notifications_read())
                    .await?;
            }
            Command::Create(create) => self.create(identity, create, out).await?,
            Command::Update { entity, id, set } => {
                self.update(identity, entity, id, set, err).await?
            }
            Command::Delete {
                entity,
                id,
                reassign_to,
            } => self.delete(identity, entity, id, reassign_to, err).await?,
            Command::Deactivate { employee } => self.deactivate(identity, employee, err).await?,
            Command::Report { report } => self.report(report, out, err).await?,
            Command::Help { .. }
            | Command::Quit
            | Command::SetFormat { .. }
            | Command::Login { .. }
            | Command::Logout
            | Command::WhoAmI
            | Command::Passwd => unreachable!("handled outside the application role"),
        }
        Ok(())
    }

    /// A report. In a table or vertical view, a bar of block characters
    /// beside the amount it measures makes the sizes readable at a glance;
    /// CSV and JSON get the plain numbers.
    async fn report(
        &mut self,
        report: Report,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        let plan = plan::plan_report(report);
        if !matches!(self.format, Format::Table | Format::Vertical) {
            return self.list(&plan, "rows", out, err).await;
        }
        // Reports are small (one row per employee, or per unpaid contract),
        // and the longest bar needs the largest amount: collect them.
        let mut rows: Vec<Vec<render::Value>> = Vec::new();
        self.database
            .stream(&plan, |row| {
                rows.push(row);
                Ok::<(), Error>(())
            })
            .await?;
        let measured = match report {
            Report::Sales => 5,
            Report::Events => 3,
            Report::Unpaid => 4,
        };
        let amount = |row: &[render::Value]| -> f64 {
            match row.get(measured) {
                Some(render::Value::Money(m)) => m.to_string().parse().unwrap_or(0.0),
                Some(render::Value::Int(n)) => *n as f64,
                _ => 0.0,
            }
        };
        let scale = match report {
            // Each contract's bar is its share still due.
            Report::Unpaid => None,
            _ => Some(rows.iter().map(|r| amount(r)).fold(0.0, f64::max)),
        };
        let mut columns = display_columns(&plan.columns);
        columns.push(Column::left(""));
        let mut writer = RowWriter::new(out, self.format, self.style(None), columns);
        let output = |source| Error::Output { source };
        for mut row in rows {
            let fraction = match scale {
                Some(max) if max > 0.0 => amount(&row) / max,
                Some(_) => 0.0,
                None => match (row.get(3), row.get(4)) {
                    (Some(render::Value::Money(total)), Some(render::Value::Money(due)))
                        if !total.is_zero() =>
                    {
                        (due / total).to_string().parse().unwrap_or(0.0)
                    }
                    _ => 0.0,
                },
            };
            row.push(render::Value::Text(bar(fraction, 20)));
            writer.row(row).map_err(output)?;
        }
        let summary = writer.finish().map_err(output)?;
        if summary.rows == 0 {
            writeln!(err, "(nothing to report)").map_err(output)?;
        }
        Ok(())
    }

    /// A whole plan as a listing, never paged (small, administrative lists).
    async fn list(
        &mut self,
        plan: &plan::Plan,
        noun: &str,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        let columns = display_columns(&plan.columns);
        let mut writer = RowWriter::new(out, self.format, self.style(None), columns);
        self.database
            .stream(plan, |row| {
                writer.row(row).map_err(|source| Error::Output { source })
            })
            .await?;
        let summary = writer.finish().map_err(|source| Error::Output { source })?;
        if summary.rows == 0 {
            writeln!(err, "(no {noun})").map_err(|source| Error::Output { source })?;
        }
        Ok(())
    }

    pub(crate) fn plan_context(&self) -> PlanContext {
        PlanContext {
            me: self.identity.as_ref().map(|i| i.employee_id),
            now: chrono::Local::now(),
        }
    }

    pub(crate) fn style(&self, page: Option<usize>) -> Style {
        Style {
            color: self.interactive && use_color(),
            width: if self.interactive {
                render::terminal_width()
            } else {
                None
            },
            page,
            raw_csv: self.raw_csv,
        }
    }

    /// A listing. In the shell a table stops after a page and says how many
    /// rows there are in all; batches, CSV and JSON are never cut.
    async fn show(
        &mut self,
        query: &Query,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<(), Error> {
        let paged = self.interactive && matches!(self.format, Format::Table | Format::Vertical);
        let page = paged.then_some(self.config.page_size);
        let context = self.plan_context();
        let plan = plan::plan_show(query, &context, page.map(|p| p as u64 + 1))?;
        let columns = display_columns(&plan.columns);
        let mut writer = RowWriter::new(out, self.format, self.style(page), columns);
        self.database
            .stream(&plan, |row| {
                writer.row(row).map_err(|source| Error::Output { source })
            })
            .await?;
        let summary = writer.finish().map_err(|source| Error::Output { source })?;
        let noun = query.entity.plural();
        if summary.rows == 0 {
            let message = match (&query.filter, query.offset) {
                (_, Some(offset)) if offset > 0 => format!("no {noun} after the first {offset}"),
                (Some(_), _) => format!("no {noun} match"),
                (None, _) => format!("no {noun} yet"),
            };
            writeln!(err, "({message})").map_err(|source| Error::Output { source })?;
        } else if summary.shown < summary.rows {
            let total = plan::plan_count(query.entity, query.filter.as_ref(), &context)?;
            let total = self.database.count(&total).await?;
            let offset = query.offset.unwrap_or(0);
            writeln!(
                err,
                "(showing {} to {} of {total} {noun}; add `limit N offset {}` for the next ones, \
                 or `set format csv` to get them all)",
                offset + 1,
                offset + summary.shown,
                offset + summary.shown
            )
            .map_err(|source| Error::Output { source })?;
        }
        Ok(())
    }

    /// One record, vertically (or as one CSV/JSON row), with related names.
    async fn show_one(
        &mut self,
        entity: Entity,
        id: i64,
        out: &mut dyn Write,
    ) -> Result<(), Error> {
        let plan = plan::plan_show_one(entity, id);
        let Some(row) = self.database.fetch_one(&plan).await? else {
            return Err(Error::NotFound {
                entity: entity.singular(),
                id,
            });
        };
        let columns = plan.columns.iter().map(|c| Column::left(c.name)).collect();
        let format = match self.format {
            Format::Table => Format::Vertical,
            other => other,
        };
        let mut writer = RowWriter::new(out, format, self.style(None), columns);
        writer.row(row).map_err(|source| Error::Output { source })?;
        writer.finish().map_err(|source| Error::Output { source })?;
        Ok(())
    }

    /// The typed command as epic understood it, and the SQL it would run.
    fn explain(&self, command: &Command, out: &mut dyn Write) -> Result<(), Error> {
        let Some(plan) = plan::plan_read(command, &self.plan_context()) else {
            // The parser refuses these after `explain`; said again, not assumed.
            return Err(syntax::SyntaxError::new(
                syntax::SyntaxErrorKind::Expected,
                format!("`explain` shows the SQL of a listing or a count, not of `{command}`"),
                0..0,
                "",
            )
            .with_help("for example: explain show events where support is none")
            .into());
        };
        let plan = plan?;
        let mut text = format!("command: {command}\nsql:     {}\nparams:", plan.sql);
        if plan.params.is_empty() {
            text.push_str(" none\n");
        } else {
            text.push('\n');
            for (index, param) in plan.params.iter().enumerate() {
                text.push_str(&format!("  ${} = {param}\n", index + 1));
            }
        }
        // A filter may hold any character (it stores nothing), so the
        // command and its parameters are shown neutralised.
        out.write_all(render::plain(&text).as_bytes())
            .map_err(|source| Error::Output { source })
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

    /// The interactive loop on a terminal.
    pub fn run_interactive(
        &mut self,
        runtime: &Runtime,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Exit {
        let editor_config = EditorConfig::builder()
            .auto_add_history(false)
            .max_history_size(10_000)
            .map(|builder| builder.build())
            .unwrap_or_default();
        let mut editor: Editor<LanguageHelper, FileHistory> =
            match Editor::with_config(editor_config) {
                Ok(editor) => editor,
                Err(e) => {
                    let _ = writeln!(err, "error: cannot open the terminal: {e}");
                    return Exit::Internal;
                }
            };
        editor.set_helper(Some(LanguageHelper::new(Vec::new(), use_color())));
        let history = self.config.history_file();
        prepare_history_file(&history);
        let _ = editor.load_history(&history);
        let _ = writeln!(
            err,
            "epic {} on {}. Type `help` for commands, Ctrl-D to leave.",
            env!("CARGO_PKG_VERSION"),
            self.database.location
        );
        // Resume a saved session, so the prompt says who from the start.
        match runtime.block_on(self.require_identity()) {
            Ok(identity) => {
                let _ = writeln!(
                    err,
                    "Logged in as {} ({}).",
                    render::one_line(&identity.name),
                    identity.role
                );
            }
            Err(Error::Auth(AuthError::NotLoggedIn)) => {
                let _ = writeln!(err, "Not logged in: type `login EMAIL`.");
            }
            Err(error) => {
                let _ = writeln!(err, "{}", error::report(&error, self.verbose, None));
            }
        }
        // Live notifications, printed above the prompt for whoever is logged in.
        let listening = editor.create_external_printer().ok().map(|printer| {
            let (pg_config, tls) = self.database.connection_settings();
            crate::listen::start(pg_config, tls, self.database.app_role().to_owned(), printer)
        });
        let mut names_for: Option<i64> = None;
        loop {
            if let Some(listening) = &listening {
                // Only a new token wakes the thread.
                listening.send_if_modified(|token| {
                    let now = self.identity.as_ref().and(self.token.clone());
                    let changed = *token != now;
                    *token = now;
                    changed
                });
            }
            // Names to complete after `support =`, read as the logged-in
            // employee (only someone logged in may read the directory).
            let acting = self.identity.as_ref().map(|i| i.session_id);
            if acting != names_for {
                let names = match acting {
                    Some(_) => runtime.block_on(self.directory_names()).unwrap_or_default(),
                    None => Vec::new(),
                };
                if let Some(helper) = editor.helper_mut() {
                    helper.set_employees(names);
                }
                names_for = acting;
            }
            match editor.readline(&self.prompt()) {
                Ok(line) => {
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
                    match runtime.block_on(self.execute(&entry, out, err)) {
                        Ok(Flow::Continue) => {}
                        Ok(Flow::Quit) => break,
                        Err(error) => {
                            let _ = writeln!(err, "{}", error::report(&error, self.verbose, None));
                        }
                    }
                }
                // Ctrl-C abandons the line being typed, not the shell.
                Err(ReadlineError::Interrupted) => continue,
                Err(ReadlineError::Eof) => break,
                Err(e) => {
                    let _ = writeln!(err, "error: cannot read from the terminal: {e}");
                    return Exit::Internal;
                }
            }
        }
        // A mistake typed in the shell was already answered on screen; leaving is a success.
        Exit::Success
    }

    /// Active employees' names, read under the application role.
    async fn directory_names(&mut self) -> Result<Vec<String>, Error> {
        let token = self.token()?;
        self.database.begin_as(&token).await?;
        let names = self.database.employee_names().await;
        self.database.finish(names.is_ok()).await?;
        Ok(names?)
    }

    /// `epic> `, or `epic kate> ` once someone is logged in.
    fn prompt(&self) -> String {
        match &self.identity {
            Some(identity) => {
                let who = identity.email.split('@').next().unwrap_or(&identity.email);
                format!("epic {}> ", render::one_line(who))
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
        Command::RevokeSession { .. } | Command::RevokeSessionsOf { .. } => {
            "show sessions".to_owned()
        }
        Command::Unlock { .. } | Command::ResetPassword { .. } => {
            "show audit order by at desc limit 5".to_owned()
        }
        Command::ShowNotifications => "show notifications".to_owned(),
        _ => return None,
    })
}

/// A horizontal bar `width` cells long at full scale, in eighths of a cell.
fn bar(fraction: f64, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (fraction.clamp(0.0, 1.0) * (width * 8) as f64).round() as usize;
    let mut text = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        text.push(PARTS[eighths % 8]);
    }
    text
}

/// The renderer's columns for a plan's: numbers and money to the right.
fn display_columns(columns: &[plan::OutColumn]) -> Vec<Column> {
    columns
        .iter()
        .map(|c| match c.kind {
            ColumnKind::Id | ColumnKind::Integer | ColumnKind::Money => Column::right(c.name),
            _ => Column::left(c.name),
        })
        .collect()
}

/// Colour only on a terminal, and never when `NO_COLOR` is set.
pub fn use_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

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

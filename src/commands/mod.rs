//! The command stage: what each command does once it is parsed, one module
//! per command family (`reads`, `related`, `reports`, `writes`, `bulk`, `undo`,
//! `identity`, `zone`, `saved`, `import`; `names` finds the employees a command names), each a function
//! over a [`Context`] and a command the checker allowed.
//! [`run_as`] asks the checker and hands the command to its family; the
//! shell keeps the loops and the identity gate in front of this.

pub mod bulk;
pub mod identity;
pub mod import;
pub mod names;
pub mod reads;
pub mod related;
pub mod reports;
pub mod saved;
pub mod undo;
pub mod writes;
pub mod zone;

use std::io::Write;

use crate::auth::session::{PasswordSource, Session};
use crate::config::Config;
use crate::db::Database;
use crate::db::identity::Identity;
use crate::error::Error;
use crate::format::{Color, Switch};
use crate::plan::{self, PlanContext};
use crate::policy::{self, Allowed, Authorized, Decision, Denial, Request};
use crate::render::{self, Expanded, Format, Style};
use crate::syntax::Command;
use crate::syntax::ast::EmployeeRef;
use crate::text;

/// How output is shown: chosen at start-up and by `set format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub format: Format,
    /// On a terminal: colour (unless NO_COLOR), paging, prompts.
    pub interactive: bool,
    /// CSV text cells as stored, without the formula guard (`--raw-csv`).
    pub raw_csv: bool,
    /// When a table gives way to vertical records (`set expanded`).
    pub expanded: Expanded,
    /// Whether long output in the shell goes through `$PAGER` (`set pager`).
    pub pager: Switch,
    /// Whether the shell prints each command's time (`set timing`).
    pub timing: Switch,
    /// When tables and records are coloured (the config file's `color`).
    pub color: Color,
    /// Rows an interactive table shows before it stops (`page_size`).
    pub page_size: usize,
}

/// What a command runs with.
pub struct Context<'a> {
    pub database: &'a mut Database,
    pub config: &'a Config,
    pub view: View,
    pub session: &'a mut Session,
    pub passwords: PasswordSource,
    /// How a bulk update is confirmed.
    pub confirm: bulk::Confirm,
}

impl Context<'_> {
    pub fn plan_context(&self) -> PlanContext {
        PlanContext {
            me: self.session.identity().map(|i| i.employee_id),
            now: chrono::Utc::now(),
            zone: self.database.zone(),
            indexed_searches: Vec::new(),
        }
    }

    pub fn style(&self, page: Option<usize>) -> Style {
        Style {
            color: render::colored(self.view.color, self.view.interactive),
            // A batch's tables are as wide as their values, unless `COLUMNS`
            // asks for a width.
            width: if self.view.interactive {
                render::terminal_width().or(self.config.columns)
            } else {
                self.config.columns
            },
            page,
            raw_csv: self.view.raw_csv,
            expanded: self.view.expanded,
            currency: self.config.currency,
            year: chrono::Datelike::year(&self.database.zone().local(chrono::Utc::now())),
            zone: Some(self.database.zone())
                .filter(|zone| !zone.is_company())
                .map(|zone| zone.tz()),
        }
    }

    /// Asks the permission checker about a request the command's stage
    /// made (a write, once it read who owns the record).
    pub fn authorize<C>(
        &self,
        identity: &Identity,
        request: &Request,
        command: C,
    ) -> Result<Authorized<C>, Error> {
        policy::authorize(identity.role, request, command).map_err(|denial| denied(denial, request))
    }

    /// The identity for the command about to run, checked by the database.
    pub async fn require_identity(&mut self) -> Result<Identity, Error> {
        crate::auth::session::identify(self.database, self.config, self.session)
            .await
            .map_err(Error::from)
    }

    /// Resolves an employee named by number or full name; an ambiguous name
    /// lists the candidates.
    pub async fn employee(
        &mut self,
        employee: &EmployeeRef,
    ) -> Result<(i64, String, String), Error> {
        self.employee_for(employee, None).await
    }

    /// [`Context::employee`], for a field: a name that matches nobody is
    /// refused with the closest names of the field's department.
    pub async fn employee_for(
        &mut self,
        employee: &EmployeeRef,
        field: Option<crate::model::Field>,
    ) -> Result<(i64, String, String), Error> {
        match employee {
            EmployeeRef::Id(id) => match self.database.employee_by_id(*id).await? {
                Some((name, email)) => Ok((*id, name, email)),
                None => Err(Error::NotFound {
                    entity: "employee",
                    id: *id,
                }),
            },
            EmployeeRef::Name(name) => {
                let mut found = names::named(self, name, field).await?;
                match found.len() {
                    1 => Ok(found.remove(0)),
                    _ => Err(Error::AmbiguousEmployee {
                        name: name.clone(),
                        candidates: found
                            .iter()
                            .map(|(id, name, email)| {
                                format!(
                                    "employee {id} ({}, {})",
                                    text::one_line(name),
                                    text::one_line(email)
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(", "),
                    }),
                }
            }
        }
    }
}

/// A refusal, as the error the edge reports and the audit trail records.
pub fn denied(denial: Denial, request: &Request) -> Error {
    let (entity, record) = request.refused();
    Error::Denied {
        message: denial.rule,
        request: request.to_string(),
        entity,
        record,
    }
}

/// A command that needs a logged-in employee, in its transaction as the
/// application role: the checker first, then the command's family.
pub async fn run_as(
    cx: &mut Context<'_>,
    identity: &Identity,
    command: Command,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    match policy::authorize_now(identity.role, command) {
        Decision::Allowed(allowed) => run_allowed(cx, identity, allowed, out, err).await,
        Decision::Denied(denial, request) => Err(denied(denial, &request)),
        Decision::Later(command) => run_write_or_own(cx, identity, command, out, err).await,
    }
}

/// A command the checker allowed from the command alone.
async fn run_allowed(
    cx: &mut Context<'_>,
    identity: &Identity,
    allowed: Allowed,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    match allowed {
        Allowed::Listing(query) => reads::show(cx, &query, out, err).await,
        Allowed::Record(one) => related::show_one_and_related(cx, identity, &one, out).await,
        Allowed::Count(query) => reads::count(cx, &query, out).await,
        Allowed::Explain(inner) => reads::explain(cx, inner, out).await,
        Allowed::Sessions(sessions) => {
            let plan = plan::plan_sessions(&sessions);
            reads::list(cx, &plan, "live sessions", out, err).await
        }
        Allowed::Security(limits) => {
            let plan = plan::plan_security(&limits);
            reads::list(cx, &plan, "security settings", out, err).await
        }
        Allowed::Report(report) => reports::report(cx, &report, out, err).await,
        Allowed::SetSecurity { setting, value } => {
            identity::set_security(cx, setting, value, err).await
        }
        Allowed::SetTimeZone { zone } => zone::set(cx, zone, err).await,
        Allowed::RevokeSession { id } => identity::revoke_session(cx, id, err).await,
        Allowed::RevokeSessionsOf { employee } => {
            identity::revoke_sessions_of(cx, &employee, err).await
        }
        Allowed::Unlock { email } => identity::unlock(cx, &email, err).await,
        Allowed::Import(import) => import::import_events(cx, &import, out, err).await,
    }
}

/// A write, whose check needs the record's owners, or a command about
/// one's own records.
async fn run_write_or_own(
    cx: &mut Context<'_>,
    identity: &Identity,
    command: Command,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    match command {
        Command::ResetPassword { employee } => {
            identity::reset_password(cx, identity, &employee, out).await
        }
        Command::ShowNotifications => reads::notifications(cx, out, err).await,
        Command::Create(create) => writes::create(cx, identity, create, out).await,
        Command::Update { entity, id, set } => {
            writes::update(cx, identity, entity, id, set, err).await
        }
        Command::Delete {
            entity,
            id,
            reassign_to,
        } => writes::delete(cx, identity, entity, id, reassign_to, err).await,
        Command::UpdateWhere {
            entity,
            filter,
            set,
        } => bulk::update_where(cx, identity, entity, filter, set, out, err).await,
        Command::Deactivate { employee } => writes::deactivate(cx, identity, employee, err).await,
        Command::SaveQuery(save) => saved::save(cx, identity, save, err).await,
        Command::RunQuery { name } => saved::run(cx, identity, name, out, err).await,
        Command::ShowQueries => saved::list(cx, out, err).await,
        Command::DeleteQuery { team, name } => saved::delete(cx, identity, team, name, err).await,
        Command::Undo => undo::undo(cx, identity, err).await,
        Command::Help { .. }
        | Command::Quit
        | Command::SetFormat { .. }
        | Command::SetExpanded { .. }
        | Command::ShowTimeZone
        | Command::Login { .. }
        | Command::Logout
        | Command::WhoAmI
        | Command::Passwd => unreachable!("handled outside the application role"),
        read => unreachable!("`{read}` is checked from the command alone"),
    }
}

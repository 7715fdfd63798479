//! The permission checker: one function, [`authorize`], decides whether a
//! role may do something, from (role, action, target, ownership, fields
//! touched), before anything runs or prints.
//!
//! The rules are the table [`GRANTS`], written to be read beside SPEC.md's
//! "Who may do what": anything it does not grant is refused. Ownership is
//! relative to the acting employee and is established by the caller from
//! the database (a client's sales contact, an event's support contact).
//! The database enforces the same table again with row-level security, so a
//! bug here is caught there.

use std::fmt;

use crate::model::{Field, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Read,
    Create,
    Update,
    Delete,
}

/// What the action is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Client,
    Contract,
    Event,
    Employee,
    /// Other employees' login sessions (list, revoke).
    Sessions,
    /// Login lock-outs.
    Logins,
    /// Someone else's password (reset).
    Password,
    AuditLog,
    /// The security limits (session length, idle time, lock-outs).
    Security,
    /// The company's time zone.
    TimeZone,
    /// The saved queries everyone shares (`save team query`).
    TeamQueries,
    /// The support team's spreadsheet, loaded into the CRM (`import
    /// events`): a data migration, which writes clients, contracts and
    /// events that no other grant lets one role write together.
    Import,
}

/// Whose record it is, from the acting employee's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ownership {
    /// Theirs: the client's sales contact (for a client, its contracts and
    /// events), or the event's support contact.
    Own,
    /// Someone else's.
    Others,
    /// The notion does not apply (employees, sessions).
    NotApplicable,
}

/// Fields, and facts about the record, that carry a rule of their own: a
/// fact of each field's row in `model` ([`crate::model::FieldSpec::guard`]).
pub use crate::model::Guarded;

mod checked;
mod saved;
mod words;
mod writers;
pub use checked::{
    DeleteEmployee, LiveSessions, MarkNotificationsRead, OwnNotifications, OwnRecords, Record,
    Refused, SecurityLimits, Update, own_records,
};
pub use saved::{
    DeleteSaved, FindSaved, ReadSaved, SavedQueries, StoreSaved, delete_saved, read_saved,
    store_saved, team_request,
};
use words::{join_or, noun, role_phrase, verb};
pub use writers::{permission_tables, writers};

/// What a command asks to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub action: Action,
    pub target: Target,
    pub ownership: Ownership,
    /// The guarded fields an update or create sets.
    pub touches: Vec<Guarded>,
    /// The record, for the message.
    pub id: Option<i64>,
}

/// The guarded fields among `fields`, set by a write of `action`, from
/// each field's row (its [`crate::model::FieldSpec::guard`]), each once,
/// in the order first set. A create touches no [`Guarded::ClientDetails`]:
/// a new client has no details yet, and its sales contact gives them.
pub fn touched(action: Action, fields: impl IntoIterator<Item = Field>) -> Vec<Guarded> {
    let mut guarded: Vec<Guarded> = Vec::new();
    for field in fields {
        let rule = field
            .spec()
            .guard
            .filter(|rule| *rule != Guarded::ClientDetails || action == Action::Update);
        if let Some(rule) = rule
            && !guarded.contains(&rule)
        {
            guarded.push(rule);
        }
    }
    guarded
}

/// Who a grant applies to for ownership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whose {
    Any,
    OwnOnly,
}

/// One line of the table: `role` may `action` on `target`, for records
/// that are `whose`, touching none of `except`.
struct Grant {
    role: Role,
    action: Action,
    target: Target,
    whose: Whose,
    except: &'static [Guarded],
}

const fn grant(
    role: Role,
    action: Action,
    target: Target,
    whose: Whose,
    except: &'static [Guarded],
) -> Grant {
    Grant {
        role,
        action,
        target,
        whose,
        except,
    }
}

use Action::*;
use Role::*;
use Target::*;
use Whose::*;

const ROLES: [Role; 4] = [Management, Sales, Support, Admin];

/// SPEC.md, "Who may do what". Reads for everyone are listed once per role.
const GRANTS: &[Grant] = &[
    // Every logged-in employee reads clients, contracts, events and the directory.
    grant(Management, Read, Client, Any, &[]),
    grant(Management, Read, Contract, Any, &[]),
    grant(Management, Read, Event, Any, &[]),
    grant(Management, Read, Employee, Any, &[]),
    grant(Sales, Read, Client, Any, &[]),
    grant(Sales, Read, Contract, Any, &[]),
    grant(Sales, Read, Event, Any, &[]),
    grant(Sales, Read, Employee, Any, &[]),
    grant(Support, Read, Client, Any, &[]),
    grant(Support, Read, Contract, Any, &[]),
    grant(Support, Read, Event, Any, &[]),
    grant(Support, Read, Employee, Any, &[]),
    grant(Admin, Read, Client, Any, &[]),
    grant(Admin, Read, Contract, Any, &[]),
    grant(Admin, Read, Event, Any, &[]),
    grant(Admin, Read, Employee, Any, &[]),
    // management: create, update, delete employees other than admins;
    // nobody deactivates, deletes or demotes themselves
    grant(Management, Create, Employee, Any, &[Guarded::AdminAccount]),
    grant(
        Management,
        Update,
        Employee,
        Any,
        &[Guarded::AdminAccount, Guarded::OwnAccount],
    ),
    grant(
        Management,
        Delete,
        Employee,
        Any,
        &[Guarded::AdminAccount, Guarded::OwnAccount],
    ),
    // management: create and update all contracts
    grant(Management, Create, Contract, Any, &[]),
    grant(Management, Update, Contract, Any, &[]),
    // management: update all events, including assigning or removing support
    grant(Management, Update, Event, Any, &[]),
    // management: reassign a client to another salesperson, and nothing else on a client
    grant(Management, Update, Client, Any, &[Guarded::ClientDetails]),
    // management: reset a forgotten password, not an admin's
    grant(
        Management,
        Update,
        Password,
        NotApplicableOk,
        &[Guarded::AdminAccount],
    ),
    // sales: create clients (owned by themselves)
    grant(Sales, Create, Client, OwnOnly, &[]),
    // sales: update their own clients, not the owner
    grant(Sales, Update, Client, OwnOnly, &[Guarded::ClientOwner]),
    // sales: update contracts of their own clients
    grant(Sales, Update, Contract, OwnOnly, &[]),
    // sales: create an event for their own client (whose contract is signed:
    // a fact of the data, checked with the contract locked)
    grant(Sales, Create, Event, OwnOnly, &[Guarded::EventSupport]),
    // support: update the events they are the support contact of, not the
    // contract, not the support contact
    grant(
        Support,
        Update,
        Event,
        OwnOnly,
        &[Guarded::EventContract, Guarded::EventSupport],
    ),
    // admin: what management may, admin accounts included...
    grant(Admin, Create, Employee, Any, &[]),
    grant(Admin, Update, Employee, Any, &[Guarded::OwnAccount]),
    grant(Admin, Delete, Employee, Any, &[Guarded::OwnAccount]),
    grant(Admin, Create, Contract, Any, &[]),
    grant(Admin, Update, Contract, Any, &[]),
    grant(Admin, Update, Event, Any, &[]),
    grant(Admin, Update, Client, Any, &[Guarded::ClientDetails]),
    grant(Admin, Update, Password, NotApplicableOk, &[]),
    // ...plus security administration: sessions, unlocking, the audit log
    grant(Admin, Read, Sessions, NotApplicableOk, &[]),
    grant(Admin, Update, Sessions, NotApplicableOk, &[]),
    grant(Admin, Update, Logins, NotApplicableOk, &[]),
    grant(Admin, Read, Security, NotApplicableOk, &[]),
    grant(Admin, Update, Security, NotApplicableOk, &[]),
    // management and admins: the company's time zone (everyone reads it)
    grant(Management, Update, TimeZone, NotApplicableOk, &[]),
    grant(Admin, Update, TimeZone, NotApplicableOk, &[]),
    grant(Admin, Read, AuditLog, NotApplicableOk, &[]),
    // Management reads the audit trail of the CRM's records too.
    grant(Management, Read, AuditLog, NotApplicableOk, &[]),
    // management and admins: the team's saved queries (each their own, anyone)
    grant(Management, Update, TeamQueries, NotApplicableOk, &[]),
    // admin: importing the support team's spreadsheet, a data migration
    grant(Admin, Create, Import, NotApplicableOk, &[]),
    grant(Admin, Update, TeamQueries, NotApplicableOk, &[]),
];

/// The rule of [`Guarded::AdminAccount`], in words (the database says the same).
pub const ADMIN_RULE: &str = "only an admin may create an admin, change, reset or remove an admin account, or move anyone into or out of the admin department";

/// The rule of [`Guarded::OwnAccount`].
pub const OWN_ACCOUNT_RULE: &str =
    "nobody may deactivate, delete or change the department of their own account";

/// The rule that no grant can waive, kept by the database alone: whoever
/// writes, even without a session, and under a race between two admins.
/// No checked request reaches it (an acting admin is an active admin, and
/// [`OWN_ACCOUNT_RULE`] keeps them), so the shell only relays the
/// database's words, which are these (tests/trust.rs compares them).
pub const LAST_ADMIN_RULE: &str =
    "the last active admin cannot be deactivated, deleted or moved out of the admin department";

/// `Any` under another name, for targets that have no owner: reads better in the table.
#[allow(non_upper_case_globals)]
const NotApplicableOk: Whose = Any;

/// A refusal, naming the rule in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule}")]
pub struct Denial {
    pub rule: String,
}

/// A command, or the part of one a plan is made from, that the checker
/// allowed. Only this module builds one, and every planning function takes
/// one, so no SQL is ever made for a command nobody checked:
///
/// ```compile_fail
/// use epic::model::Entity;
/// use epic::plan::{plan_show, PlanContext, Rows};
/// use epic::syntax::Query;
/// let query = Query { entity: Entity::Client, filter: None, order: Vec::new(), limit: None, offset: None };
/// let context = PlanContext { me: None, now: chrono::Utc::now(), zone: Default::default(), indexed_searches: Vec::new() };
/// // A plain query is not an authorized one.
/// let _ = plan_show(&query, &context, None, Rows::Listing);
/// ```
///
/// ```compile_fail
/// use epic::policy::Authorized;
/// // Nor can one be made outside the checker.
/// let _ = Authorized { command: () };
/// ```
#[derive(Debug)]
pub struct Authorized<C> {
    command: C,
}

impl<C> Authorized<C> {
    pub fn command(&self) -> &C {
        &self.command
    }

    pub fn into_command(self) -> C {
        self.command
    }
}

impl<C> std::ops::Deref for Authorized<C> {
    type Target = C;

    fn deref(&self) -> &C {
        &self.command
    }
}

/// Decides `request` for `role`. Allowed when one grant matches the role,
/// action and target, its ownership condition holds, and no guarded field
/// it excludes is touched. `command` is what the request asks for; it
/// comes back [`Authorized`] when allowed.
pub fn authorize<C>(role: Role, request: &Request, command: C) -> Result<Authorized<C>, Denial> {
    if allows(role, request) {
        Ok(Authorized { command })
    } else {
        Err(Denial {
            rule: rule(role, request),
        })
    }
}

/// Whether `role` may make `request` (the decision alone, for the tests
/// that walk the table).
pub fn allows(role: Role, request: &Request) -> bool {
    GRANTS.iter().any(|g| {
        g.role == role
            && g.action == request.action
            && g.target == request.target
            && (g.whose == Any || request.ownership == Ownership::Own)
            && !request.touches.iter().any(|field| g.except.contains(field))
    })
}

/// Who may do it, in words, from the table itself.
fn rule(role: Role, request: &Request) -> String {
    if let Some(rule) = guarded_rule(role, request) {
        return rule;
    }
    let what = what(request);
    let who = who(request.action, request.target);
    if who.is_empty() {
        return format!("nobody may {what}");
    }
    format!("only {} may {what}", join_or(&who))
}

/// The record a request is about, as a message names it. A create's id is
/// its parent's: the record does not exist yet.
fn record(request: &Request, noun: &str) -> String {
    match (request.action, request.target, request.id) {
        (Create, Event, Some(id)) => format!("a new {noun} for contract {id}"),
        (Create, Contract, Some(id)) => format!("a new {noun} for client {id}"),
        (_, _, Some(id)) => format!("{noun} {id}"),
        (_, _, None) => format!("{noun}s"),
    }
}

/// A guarded field the role could otherwise change: that field's rule.
fn guarded_rule(role: Role, request: &Request) -> Option<String> {
    let field = request.touches.iter().find(|field| {
        GRANTS.iter().any(|g| {
            g.role == role
                && g.action == request.action
                && g.target == request.target
                && g.except.contains(field)
        })
    })?;
    Some(match field {
        Guarded::ClientOwner => format!(
            "only management may reassign {} to another salesperson",
            record(request, "client")
        ),
        Guarded::ClientDetails => format!(
            "only the client's sales contact may change the details of {}; management may only reassign it",
            record(request, "client")
        ),
        Guarded::AdminAccount => ADMIN_RULE.to_owned(),
        Guarded::OwnAccount => OWN_ACCOUNT_RULE.to_owned(),
        Guarded::EventContract => format!(
            "only management may move {} to another contract",
            record(request, "event")
        ),
        Guarded::EventSupport => format!(
            "only management may assign or remove the support contact of {}",
            record(request, "event")
        ),
    })
}

/// Who the table lets `action` `target`, as a message says them.
fn who(action: Action, target: Target) -> Vec<&'static str> {
    let mut who: Vec<&'static str> = Vec::new();
    for role in ROLES {
        for g in GRANTS
            .iter()
            .filter(|g| g.role == role && g.action == action && g.target == target)
        {
            let phrase = match (g.whose, target) {
                (OwnOnly, Client | Contract) => "the client's sales contact",
                (OwnOnly, Event) if role == Sales => "the client's sales contact",
                (OwnOnly, Event) => "the event's support contact",
                _ => role_phrase(role),
            };
            if !who.contains(&phrase) {
                who.push(phrase);
            }
        }
    }
    // Admins may everything management may: saying management suffices.
    if who.contains(&"management") {
        who.retain(|w| *w != "admins");
    }
    // The owner first, as one would say it: "the client's sales contact or management".
    who.sort_by_key(|w| !w.starts_with("the "));
    who
}

/// What the request asks to do, as a message says it.
fn what(request: &Request) -> String {
    match (request.action, request.target) {
        (Read, Sessions) => "list sessions".to_owned(),
        (Update, Sessions) => "revoke sessions".to_owned(),
        (Update, Logins) => "unlock logins".to_owned(),
        (Update, Password) => "reset passwords".to_owned(),
        (Create, Contract) => match request.id {
            Some(id) => format!("create a contract for client {id}"),
            None => "create contracts".to_owned(),
        },
        (Read, AuditLog) => "read the audit log".to_owned(),
        (Read, Security) => "read the security settings".to_owned(),
        (Update, Security) => "change security settings".to_owned(),
        (_, TimeZone) => "change the company's time zone".to_owned(),
        (_, TeamQueries) => "save or delete team queries".to_owned(),
        (_, Import) => "import a spreadsheet (a data migration)".to_owned(),
        (Create, Event) => match request.id {
            Some(id) => format!("create an event for contract {id}"),
            None => "create events".to_owned(),
        },
        (action, target) => format!("{} {}", verb(action), record(request, noun(target))),
    }
}

/// How a command is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// From the command alone, before anything runs: this request.
    Now(Request),
    /// A write, or a password reset: by the write stage, once it has read
    /// who owns the record (or whose password it is); see `write`.
    OnceOwnersAreKnown,
    /// About one's own session (`whoami`, `logout`, `passwd`), one's own
    /// notifications or saved queries (see `saved`; a saved query's command
    /// is checked when it runs), which every logged-in employee may; or nobody's
    /// business (`help`, `quit`, `set format`, `login`).
    Own,
}

/// How `command` is checked, and for the commands whose target has no
/// owner to look up, what it asks.
pub fn check_for(command: &crate::syntax::Command) -> Check {
    use crate::syntax::Command as C;
    let (action, target, id) = match command {
        C::Show(query) => (Read, target_of(query.entity), None),
        C::ShowOne { entity, id } => (Read, target_of(*entity), Some(*id)),
        C::Count { entity, .. } => (Read, target_of(*entity), None),
        C::Explain(inner) => return check_for(inner),
        C::ShowSessions => (Read, Sessions, None),
        C::RevokeSession { id } => (Update, Sessions, Some(*id)),
        C::RevokeSessionsOf { .. } => (Update, Sessions, None),
        C::Unlock { .. } => (Update, Logins, None),
        C::ShowSecurity => (Read, Security, None),
        C::SetSecurity { .. } => (Update, Security, None),
        C::SetTimeZone { .. } => (Update, TimeZone, None),
        // Reports summarise what every logged-in employee may read.
        C::Report { .. } => (Read, Contract, None),
        C::Import(_) => (Create, Import, None),
        C::SaveQuery(_) | C::RunQuery { .. } | C::ShowQueries | C::DeleteQuery { .. } => {
            return saved::check_for(command);
        }
        C::Help { .. }
        | C::Quit
        | C::SetFormat { .. }
        | C::SetExpanded { .. }
        | C::SetPager { .. }
        | C::SetTiming { .. }
        | C::ShowSettings
        | C::SaveSettings
        | C::SetPageSize { .. }
        | C::ShowTimeZone
        | C::Login { .. }
        | C::Logout
        | C::WhoAmI
        | C::Passwd
        | C::ShowNotifications => return Check::Own,
        C::Create(_)
        | C::Update { .. }
        | C::UpdateWhere { .. }
        | C::Delete { .. }
        | C::Deactivate { .. }
        | C::ResetPassword { .. }
        | C::Undo => return Check::OnceOwnersAreKnown,
    };
    Check::Now(Request {
        action,
        target,
        ownership: Ownership::NotApplicable,
        touches: Vec::new(),
        id,
    })
}

/// The checker's target for records of `entity`.
pub fn target_of(entity: crate::model::Entity) -> Target {
    use crate::model::Entity;
    match entity {
        Entity::Client => Client,
        Entity::Contract => Contract,
        Entity::Event => Event,
        Entity::Employee => Employee,
        Entity::Audit => AuditLog,
    }
}

/// A command the checker decided from the command alone, allowed, and
/// split into what each stage takes.
#[derive(Debug)]
pub enum Allowed {
    Listing(Authorized<crate::syntax::Query>),
    Record(Authorized<Record>),
    Count(Authorized<crate::syntax::Query>),
    /// `explain` of an allowed read.
    Explain(Authorized<crate::syntax::Command>),
    Sessions(Authorized<LiveSessions>),
    Security(Authorized<SecurityLimits>),
    Report(Authorized<crate::syntax::ast::Report>),
    /// The security administration the database's functions decide again.
    SetSecurity {
        setting: &'static str,
        value: i32,
    },
    SetTimeZone {
        zone: &'static str,
    },
    RevokeSession {
        id: i64,
    },
    RevokeSessionsOf {
        employee: crate::syntax::ast::EmployeeRef,
    },
    Unlock {
        email: String,
    },
    Import(Authorized<crate::syntax::ast::ImportEvents>),
}

/// What the checker makes of a whole command.
#[derive(Debug)]
pub enum Decision {
    Allowed(Allowed),
    Denied(Denial, Request),
    /// Not decided from the command alone (see [`Check`]): the command, back.
    Later(crate::syntax::Command),
}

/// Decides `command` for `role` if [`check_for`] can decide it now.
pub fn authorize_now(role: Role, command: crate::syntax::Command) -> Decision {
    let Check::Now(request) = check_for(&command) else {
        return Decision::Later(command);
    };
    if !allows(role, &request) {
        let rule = rule(role, &request);
        return Decision::Denied(Denial { rule }, request);
    }
    match split(command) {
        Ok(allowed) => Decision::Allowed(allowed),
        Err(command) => Decision::Later(command),
    }
}

/// The read an allowed `explain` shows the plan of, split as
/// [`authorize_now`] splits it. `None` for what is not a read (the parser
/// refuses those after `explain`).
pub fn read_of(explained: Authorized<crate::syntax::Command>) -> Option<Allowed> {
    use crate::syntax::Command as C;
    match explained.command {
        read @ (C::Show(_) | C::ShowOne { .. } | C::Count { .. }) => split(read).ok(),
        _ => None,
    }
}

/// An allowed command, split into what each stage takes; back if it is
/// not one that [`check_for`] decides now.
fn split(command: crate::syntax::Command) -> Result<Allowed, crate::syntax::Command> {
    use crate::syntax::Command as C;
    Ok(match command {
        C::Show(query) => Allowed::Listing(Authorized { command: query }),
        C::ShowOne { entity, id } => Allowed::Record(Authorized {
            command: Record { entity, id },
        }),
        // A count is of a listing: its order, limit and offset aside.
        C::Count { entity, filter } => Allowed::Count(Authorized {
            command: crate::syntax::Query {
                entity,
                filter,
                order: Vec::new(),
                limit: None,
                offset: None,
            },
        }),
        C::Explain(inner) => Allowed::Explain(Authorized { command: *inner }),
        C::ShowSessions => Allowed::Sessions(Authorized {
            command: LiveSessions,
        }),
        C::ShowSecurity => Allowed::Security(Authorized {
            command: SecurityLimits,
        }),
        C::Report { report } => Allowed::Report(Authorized { command: report }),
        C::SetSecurity { setting, value } => Allowed::SetSecurity { setting, value },
        C::SetTimeZone { zone } => Allowed::SetTimeZone { zone },
        C::RevokeSession { id } => Allowed::RevokeSession { id },
        C::RevokeSessionsOf { employee } => Allowed::RevokeSessionsOf { employee },
        C::Unlock { email } => Allowed::Unlock { email },
        C::Import(import) => Allowed::Import(Authorized { command: import }),
        other => return Err(other),
    })
}

/// A command taken as allowed, for the unit tests of the stages after the
/// checker.
#[cfg(test)]
pub(crate) fn assume_allowed<C>(command: C) -> Authorized<C> {
    Authorized { command }
}

impl Request {
    /// What the audit trail files a refusal under: the target's kind (a
    /// refused `create contract` is a contract's), its record, and for a
    /// create the record it was for (a client, a contract).
    pub fn refused(&self) -> (Option<&'static str>, Refused) {
        let entity = match self.target {
            Client => Some("client"),
            Contract => Some("contract"),
            Event => Some("event"),
            Employee | Password => Some("employee"),
            Sessions => Some("session"),
            Logins | AuditLog | Security | TimeZone | TeamQueries | Import => None,
        };
        let parent = match (self.action, self.target) {
            (Create, Contract) => Some("client"),
            (Create, Event) => Some("contract"),
            _ => None,
        };
        let refused = match (parent, self.id) {
            (Some(parent), Some(id)) => Refused {
                id: None,
                parent: Some((parent, id)),
            },
            (_, id) => Refused {
                id: id.filter(|_| self.action != Create),
                parent: None,
            },
        };
        (entity, refused)
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {:?}", self.action, self.target)?;
        if let Some(id) = self.id {
            write!(f, " {id}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

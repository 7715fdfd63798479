//! The checked commands that are not the parser's: what `policy` hands
//! the later stages for a record shown, an update with its employees
//! resolved, an employee's deletion, and the administrative reads. They live
//! here, beside the `Authorized` that wraps them, so that `policy` needs
//! nothing of `plan` (which takes them).

use crate::model::{Entity, Field};
use crate::syntax::ast::Assign;

/// `show ENTITY ID`: one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub entity: Entity,
    pub id: i64,
}

/// `update ENTITY ID set ...`, with employee names already resolved to ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub entity: Entity,
    pub id: i64,
    pub set: Vec<(Field, Assign)>,
}

/// `delete employee ID`: employees are the only records ever deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeleteEmployee {
    pub id: i64,
}

/// `show sessions`.
#[derive(Debug, Clone, Copy)]
pub struct LiveSessions;

/// `show security`.
#[derive(Debug, Clone, Copy)]
pub struct SecurityLimits;

/// `show notifications`: the acting employee's own.
#[derive(Debug, Clone, Copy)]
pub struct OwnNotifications;

/// What `show notifications` does after listing them.
#[derive(Debug, Clone, Copy)]
pub struct MarkNotificationsRead;

/// A refusal as the audit trail files it ([`super::Request::refused`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// The record the refused command was about, when it exists.
    pub id: Option<i64>,
    /// The record a refused create was for: `("client", 304)`.
    pub parent: Option<(&'static str, i64)>,
}

/// What every logged-in employee may do with their own records: read and
/// mark their notifications. The database's row policies show each
/// employee only theirs.
pub fn own_records<C: OwnRecords>(command: C) -> super::Authorized<C> {
    super::Authorized { command }
}

/// The commands [`own_records`] allows: sealed, so that the list is here.
pub trait OwnRecords: own::Sealed {}

mod own {
    pub trait Sealed {}
    impl Sealed for super::OwnNotifications {}
    impl Sealed for super::MarkNotificationsRead {}
}

impl OwnRecords for OwnNotifications {}
impl OwnRecords for MarkNotificationsRead {}

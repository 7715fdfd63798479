//! Epic Events CRM: a secure shell with a small query language over PostgreSQL.
//!
//! Every command flows one way, and each module owns one step:
//!
//! ```text
//! line --input--> text --syntax--> Command --policy--> Authorized --commands/plan--> Plan --db--> rows --render--> output
//! ```
//!
//! `main` turns flags into a [`config::Config`], the [`shell`] reads lines from
//! [`input`] and parses them with [`syntax`]; [`policy`] checks each command
//! and only it makes the [`policy::Authorized`] values that [`plan`] turns
//! into SQL; [`commands`] runs each family of commands; [`db`] owns every
//! connection to PostgreSQL (including the local cluster epic manages itself),
//! and [`render`] is the only place that formats output. Errors are typed in
//! each stage and gathered in [`error::Error`], which knows the exit code and
//! the message a user sees; only `main` turns them into a process exit code.
//!
//! Below the stages are leaves that import none of them, so that no stage
//! depends on a later one or on the edge: [`exit`] (the exit codes each
//! stage's error names), [`value`], [`format`] and [`text`] (the cells, the
//! format names and the neutralising that the stages share with `render`),
//! and [`zone`] (the time zone dates are read and shown in).
//!
//! [`import`] reads the support team's spreadsheet into typed rows, using
//! only `syntax`'s date forms and the leaves.

pub mod auth;
pub mod commands;
pub mod complete;
pub mod config;
pub mod data;
pub mod db;
pub mod error;
pub mod exit;
pub mod format;
pub mod import;
pub mod input;
pub mod model;
pub mod plan;
pub mod policy;
pub mod render;
pub mod shell;
pub mod syntax;
pub mod telemetry;
pub mod text;
pub mod validate;
pub mod value;
pub mod zone;

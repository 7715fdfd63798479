//! Epic Events CRM: a secure shell with a small query language over PostgreSQL.
//!
//! Every command flows one way, and each module owns one step:
//!
//! ```text
//! line --input--> text --syntax--> Command --shell--> run --db--> rows --render--> output
//! ```
//!
//! `main` turns flags into a [`config::Config`], the [`shell`] reads lines from
//! [`input`], parses them with [`syntax`] and runs them, [`db`] owns every
//! connection to PostgreSQL (including the local cluster epic manages itself),
//! and [`render`] is the only place that formats output. Errors are typed in
//! each stage and gathered in [`error::Error`], which knows the exit code and
//! the message a user sees; only `main` turns them into a process exit code.

pub mod auth;
pub mod complete;
pub mod config;
pub mod data;
pub mod db;
pub mod error;
pub mod input;
pub mod listen;
pub mod model;
pub mod plan;
pub mod policy;
pub mod render;
pub mod session;
pub mod setup;
pub mod shell;
pub mod syntax;
pub mod telemetry;
pub mod validate;
pub mod write;

/// The loaders' errors and reports where `error` has always named them.
pub use db::load::{demo, generate};

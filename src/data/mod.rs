//! Generated data: the rows the operator's loaders write (`db::load`), made
//! from a seed and a clock and nothing else. No I/O here, so the same seed
//! always gives the same rows and tests check them without a database.
//! [`demo`] is SPEC.md's records and the demo around them, [`generate`]
//! `epic gen`'s bulk rows, [`pools`] the word lists both draw from and
//! [`rows`] the fields of rows both make the same way.

pub mod demo;
pub mod generate;
pub mod pools;
pub mod rows;

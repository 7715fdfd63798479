//! An import's plan as the user reads it: a line per thing a row does (a
//! client, contract or event created, an event's fields old → new, a row
//! not taken and why), in the sheet's order, then the counts. Text from
//! the sheet is neutralised like any output.

use std::io::Write;

use super::plan::{Change, Shown, Step, Tally};
use crate::error::Error;
use crate::import::{Layout, Warning};
use crate::syntax::ast::quote;
use crate::text::one_line;
use crate::zone::Zone;

pub struct Show<'a> {
    out: &'a mut dyn Write,
    zone: Zone,
}

fn output(source: std::io::Error) -> Error {
    Error::Output { source }
}

impl<'a> Show<'a> {
    pub fn new(out: &'a mut dyn Write, zone: Zone) -> Show<'a> {
        Show { out, zone }
    }

    pub fn opening(
        &mut self,
        file: &str,
        layout: Layout,
        warnings: &[Warning],
    ) -> Result<(), Error> {
        let laid_out = match layout {
            Layout::Rows => "one event per row",
            Layout::Blocks => "one block of rows per event",
        };
        writeln!(self.out, "Import of {} ({laid_out}):", one_line(file)).map_err(output)?;
        for warning in warnings {
            writeln!(self.out, "{}", one_line(&warning.to_string())).map_err(output)?;
        }
        Ok(())
    }

    pub fn steps(&mut self, steps: &[Step]) -> Result<(), Error> {
        for step in steps {
            let line = self.line(step);
            writeln!(self.out, "{}", one_line(&line)).map_err(output)?;
        }
        Ok(())
    }

    fn line(&self, step: &Step) -> String {
        match step {
            Step::NewClient {
                row,
                name,
                email,
                company,
                sales,
            } => {
                let company = company
                    .as_ref()
                    .map(|c| format!(" of {}", quote(c)))
                    .unwrap_or_default();
                format!(
                    "row {row}: create client {} <{email}>{company}, sales {sales}",
                    quote(name)
                )
            }
            Step::NewContract { row, id, client } => format!(
                "row {row}: create contract {id} for {client}: signed, total 0.00 \
                 (the sheet has no amounts)"
            ),
            Step::NewEvent {
                row,
                id,
                name,
                contract,
                start,
                end,
                support,
            } => {
                let number = id.map(|id| format!("{id} ")).unwrap_or_default();
                let support = support
                    .as_ref()
                    .map(|s| format!(", support {s}"))
                    .unwrap_or_default();
                format!(
                    "row {row}: create event {number}{} for contract {contract}, {} to {}{support}",
                    quote(name),
                    self.time(*start),
                    self.time(*end)
                )
            }
            Step::Update { row, id, changes } => {
                let changes: Vec<String> = changes.iter().map(|c| self.change(c)).collect();
                format!("row {row}: update event {id}: {}", changes.join("; "))
            }
            Step::Skipped { row, why } => format!("row {row}: not imported: {why}"),
        }
    }

    fn change(&self, change: &Change) -> String {
        format!(
            "{} {} → {}",
            change.field,
            self.shown(&change.old),
            self.shown(&change.new)
        )
    }

    fn shown(&self, value: &Shown) -> String {
        match value {
            Shown::None => "none".to_owned(),
            Shown::Text(text) => quote(text),
            Shown::Number(n) => n.to_string(),
            Shown::Time(at) => self.time(*at),
            Shown::Employee(name) => name.clone(),
        }
    }

    fn time(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        let local = self.zone.local(at);
        match chrono::Timelike::second(&local) {
            0 => local.format("%Y-%m-%d %H:%M").to_string(),
            _ => local.format("%Y-%m-%d %H:%M:%S").to_string(),
        }
    }

    pub fn summary(&mut self, tally: &Tally, applied: bool) -> Result<(), Error> {
        let made = if applied { "created" } else { "to create" };
        let changed = if applied { "updated" } else { "to update" };
        let lines = [
            format!(
                "clients: {} found, {} {made}",
                tally.clients_found.len(),
                tally.clients_created.len()
            ),
            format!(
                "contracts: {} found, {} {made}",
                tally.contracts_found.len(),
                tally.contracts_created.len()
            ),
            format!(
                "events: {} {made}, {} {changed}, {} unchanged",
                tally.events_created, tally.events_updated, tally.events_unchanged
            ),
            format!("support contacts: {} assigned", tally.support_assigned),
        ];
        for line in lines {
            writeln!(self.out, "{line}").map_err(output)?;
        }
        if !tally.skipped.is_empty() {
            let rows: Vec<String> = tally.skipped.iter().map(ToString::to_string).collect();
            writeln!(
                self.out,
                "rows not imported: {} (row {})",
                rows.len(),
                rows.join(", ")
            )
            .map_err(output)?;
        }
        Ok(())
    }
}

/// After a dry run that found nothing wrong.
pub fn dry_run_note(err: &mut dyn Write) -> Result<(), Error> {
    writeln!(
        err,
        "Dry run: nothing was written. Add `apply` (`epic import events FILE --apply`) to import."
    )
    .map_err(output)
}

/// After an import was applied (and committed: notes are told after).
pub fn applied_note(err: &mut dyn Write, file: &str, tally: &Tally) -> Result<(), Error> {
    let skipped = match tally.skipped.len() {
        0 => String::new(),
        rows => format!(
            " {} not imported (listed above).",
            counted(rows, "row was", "rows were")
        ),
    };
    writeln!(
        err,
        "Imported {}: {}, {} and {} created, {} updated.{skipped}",
        one_line(file),
        counted(tally.clients_created.len(), "client", "clients"),
        counted(tally.contracts_created.len(), "contract", "contracts"),
        counted(tally.events_created, "event", "events"),
        counted(tally.events_updated, "event", "events"),
    )
    .map_err(output)
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

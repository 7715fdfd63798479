//! `import events from "FILE"`: the support team's sheet, read by
//! `crate::import`, matched with the CRM's records and planned; shown as a
//! dry run, or applied in one transaction.

use std::io::Write;

use crate::db::identity::Identity;
use crate::error::Error;
use crate::policy::Authorized;
use crate::syntax::ast::ImportEvents;

use super::Context;

/// Plans the import of the sheet and shows it; with `apply`, writes it.
pub async fn import_events(
    _cx: &mut Context<'_>,
    _identity: &Identity,
    import: &Authorized<ImportEvents>,
    _out: &mut dyn Write,
    _err: &mut dyn Write,
) -> Result<(), Error> {
    Err(Error::Invalid {
        message: format!("`{}` cannot run yet", import.command()),
    })
}

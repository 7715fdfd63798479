//! The company's time zone as commands see it: the zone this session's
//! dates are in (`choose`, once at start), `show time zone` (anyone) and
//! `set time zone` (management and admins; the database checks the role
//! again and audits the change).

use std::io::Write;

use super::Context;
use crate::config::Config;
use crate::db::Database;
use crate::error::Error;
use crate::render::{self, Column, Format, RowWriter, Status, Value};
use crate::zone::TzChoice;

fn output(source: std::io::Error) -> Error {
    Error::Output { source }
}

/// Dates in the zone `TZ` chose, else in the company's; a `TZ` that names
/// no zone is ignored, and said so on `err`.
pub fn choose(database: &mut Database, config: &Config, err: &mut dyn Write) -> Result<(), Error> {
    let tz = TzChoice::read(config.tz.as_deref());
    if let TzChoice::Unknown(value) = &tz {
        let company = database.zone().company_tz().name();
        render::status(err, &Status::TzIgnored { value, company }).map_err(output)?;
    }
    database.choose_zone(&tz);
    Ok(())
}

/// `show time zone`: the company's zone, this user's, and where it comes from.
pub fn show(cx: &Context<'_>, out: &mut dyn Write) -> Result<(), Error> {
    let zone = cx.database.zone();
    let from = if zone.is_company() { "company" } else { "TZ" };
    let fields = [
        ("company", zone.company_tz().name()),
        ("yours", zone.tz().name()),
        ("from", from),
    ];
    let columns = fields.iter().map(|(name, _)| Column::left(*name)).collect();
    let format = match cx.view.format {
        Format::Table => Format::Vertical,
        other => other,
    };
    let mut writer = RowWriter::new(out, format, cx.style(None), columns);
    let row = fields.iter().map(|(_, v)| Value::Text((*v).to_owned()));
    writer.row(&row.collect::<Vec<_>>()).map_err(output)?;
    writer.finish().map_err(output)?;
    Ok(())
}

/// `set time zone "ZONE"`: the database checks the role and the name, and
/// audits the change; this session's dates follow at once (other sessions
/// read it when they start).
pub async fn set(
    cx: &mut Context<'_>,
    zone: &'static str,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let before = cx.database.set_time_zone(zone).await?;
    // The parser took the name from the zone list: it names one.
    if let Ok(company) = crate::zone::parse_name(zone) {
        cx.database.company_zone_changed(company);
    }
    let now = cx.database.zone();
    let yours = (!now.is_company()).then(|| now.tz().name());
    let changed = Status::TimeZoneSet {
        before: &before,
        after: zone,
        yours,
    };
    render::status(err, &changed).map_err(output)
}

//! Reports: small summaries, with bars in a table or vertical view.

use std::io::Write;

use super::Context;
use super::reads::{display_columns, list};
use crate::error::Error;
use crate::plan;
use crate::policy::Authorized;
use crate::render::{self, Column, Format, RowWriter};
use crate::syntax::ast::Report;

/// A report. In a table or vertical view, a bar of block characters
/// beside the amount it measures makes the sizes readable at a glance; its
/// header says what it measures (`due of total`, `signed_total vs
/// largest`) and it starts with the percentage, so that a bar cut short in
/// a narrow terminal still tells rows apart. CSV and JSON get the plain
/// numbers.
pub async fn report(
    cx: &mut Context<'_>,
    report: &Authorized<Report>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let plan = plan::plan_report(report);
    if !matches!(cx.view.format, Format::Table | Format::Vertical) {
        return list(cx, &plan, "rows", out, err).await;
    }
    // Reports are small (one row per employee, or per unpaid contract),
    // and the longest bar needs the largest amount: collect them.
    let rows: Vec<Vec<render::Value>> = cx.database.collect(&plan).await?;
    let measured = match report.command() {
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
    let scale = match report.command() {
        // Each contract's bar is its share still due.
        Report::Unpaid => None,
        _ => Some(rows.iter().map(|r| amount(r)).fold(0.0, f64::max)),
    };
    let mut columns = display_columns(plan.columns());
    let header = match scale {
        None => "due of total".to_owned(),
        Some(_) => format!(
            "{} vs largest",
            plan.columns().get(measured).map_or("", |c| c.name)
        ),
    };
    columns.push(Column::left(header));
    let mut writer = RowWriter::new(out, cx.view.format, cx.style(None), columns);
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
        writer.row(&row).map_err(output)?;
    }
    let summary = writer.finish().map_err(output)?;
    if summary.rows == 0 {
        render::status(err, &render::Status::NothingToReport).map_err(output)?;
    }
    Ok(())
}

/// The percentage, then a horizontal bar `width` cells long at full scale,
/// in eighths of a cell.
fn bar(fraction: f64, width: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let fraction = fraction.clamp(0.0, 1.0);
    let eighths = (fraction * (width * 8) as f64).round() as usize;
    let mut text = format!("{:>3}% ", (fraction * 100.0).round() as u32);
    text.push_str(&"█".repeat(eighths / 8));
    if eighths % 8 > 0 {
        text.push(PARTS[eighths % 8]);
    }
    if eighths == 0 {
        text.pop(); // no trailing space after `0%`
    }
    text
}

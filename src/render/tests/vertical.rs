//! Vertical records: whole values and psql's rule.

use super::{check, text};
use crate::render::{Column, Format, Style, Value};

#[test]
fn vertical_shows_whole_multiline_values() {
    let columns = vec![Column::right("id"), Column::left("notes")];
    let rows = vec![vec![
        Value::Int(109),
        text(
            "Wedding starts at 3PM, by the river.\r\nCatering is organized, reception starts at 5PM.\u{1b}",
        ),
    ]];
    let style = Style {
        width: Some(30),
        ..Style::default()
    };
    check(
        Format::Vertical,
        style,
        &columns,
        &rows,
        "\
-[ RECORD 1 ]-----------------
id    | 109
notes | Wedding starts at 3PM, by the river.
      | Catering is organized, reception starts at 5PM.\u{FFFD}
",
    );
}

#[test]
fn vertical_rule_crosses_the_bar_when_names_are_long() {
    let columns = vec![Column::left("contract sales contact"), Column::right("id")];
    let rows = vec![vec![text("Bill Boquet"), Value::Int(652)]];
    check(
        Format::Vertical,
        Style::default(),
        &columns,
        &rows,
        "\
-[ RECORD 1 ]----------+------------
contract sales contact | Bill Boquet
id                     | 652
",
    );
}

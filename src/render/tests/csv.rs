//! CSV: exact times, RFC 4180 quoting, the formula guard.

use chrono::DateTime;

use super::{check, money, render, text};
use crate::render::csv::write_csv_text;
use crate::render::{Column, Format, Style, Value};

#[test]
fn csv_times_are_written_as_to_rfc3339_writes_them() {
    for text in [
        "2023-06-04T13:00:00+02:00",
        "2023-06-04T13:00:00.250+00:00",
        "1999-12-31T23:59:59.123456-05:30",
        "2026-11-25T20:51:45.000000001+00:00",
    ] {
        let at = DateTime::parse_from_rfc3339(text).unwrap();
        let mut buf = String::new();
        write_csv_text(&mut buf, &Value::Timestamp(at), false);
        assert_eq!(buf, at.to_rfc3339(), "{text}");
    }
}

#[test]
fn csv_quotes_as_rfc_4180() {
    let columns = vec![
        Column::left("name"),
        Column::left("notes"),
        Column::right("n"),
    ];
    let rows = vec![
        vec![text("Lou Bouzin, Inc."), text(r#"say "hi""#), Value::Int(1)],
        vec![text("line\nbreak"), text(""), Value::Null],
        vec![text(" spaced "), text("crlf\r\n"), Value::Int(-3)],
    ];
    check(
        Format::Csv,
        Style::default(),
        &columns,
        &rows,
        "\
name,notes,n
\"Lou Bouzin, Inc.\",\"say \"\"hi\"\"\",1
\"line
break\",,
 spaced ,\"crlf\r
\",-3
",
    );
}

#[test]
fn csv_text_that_a_spreadsheet_would_run_gets_a_leading_quote() {
    let columns = vec![
        Column::left("name"),
        Column::right("n"),
        Column::right("amount"),
    ];
    let rows = vec![
        vec![text("=1+1"), Value::Int(-2), money("-12.50")],
        vec![text("+cmd|' /C calc'!A0"), Value::Int(1), money("3.00")],
        vec![text("-2"), Value::Null, Value::Null],
        vec![text("@SUM(A1:A9)"), Value::Null, Value::Null],
        vec![text("\t=1+1"), Value::Null, Value::Null],
        vec![text("\r=1+1"), Value::Null, Value::Null],
        vec![text("Kate = support"), Value::Null, Value::Null],
    ];
    check(
        Format::Csv,
        Style::default(),
        &columns,
        &rows,
        "\
name,n,amount
'=1+1,-2,-12.50
'+cmd|' /C calc'!A0,1,3.00
'-2,,
'@SUM(A1:A9),,
'\t=1+1,,
'\u{FFFD}=1+1,,
Kate = support,,
",
    );
    let raw = Style {
        raw_csv: true,
        ..Style::default()
    };
    check(
        Format::Csv,
        raw,
        &columns,
        &rows,
        "\
name,n,amount
=1+1,-2,-12.50
+cmd|' /C calc'!A0,1,3.00
-2,,
@SUM(A1:A9),,
\t=1+1,,
\u{FFFD}=1+1,,
Kate = support,,
",
    );
    // Only CSV guards formulas: the other formats are not spreadsheets.
    let (json, _) = render(Format::Json, Style::default(), &columns, &rows);
    assert!(json.contains(r#""name":"=1+1""#), "{json}");
}

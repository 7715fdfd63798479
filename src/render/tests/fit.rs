//! Tables that fit without losing facts: ids, numbers, money and dates whole
//! at every width, their table forms, constant columns in a footer.

use super::{events, money, render, text, ts};
use crate::render::{Column, Format, Kind, Style, Value};

#[test]
fn numbers_and_money_are_grouped_and_dates_compact() {
    let columns = vec![
        Column::of("id", Kind::Id),
        Column::of("n", Kind::Number),
        Column::of("total", Kind::Money),
        Column::of("start", Kind::Date),
    ];
    let rows = vec![
        vec![
            Value::Int(1234567),
            Value::Int(1234567),
            money("-1234567.5"),
            ts("2026-06-04T13:00:00+02:00"),
        ],
        vec![
            Value::Int(7),
            Value::Int(-999),
            money("0.00"),
            ts("2023-12-31T23:59:00+00:00"),
        ],
    ];
    let style = Style {
        year: 2026,
        currency: "CHF ",
        ..Style::default()
    };
    let (output, _) = render(Format::Table, style, &columns, &rows);
    assert_eq!(
        output,
        "\
+---------+-----------+------------------+-------------------+
|      id |         n |            total | start             |
+---------+-----------+------------------+-------------------+
| 1234567 | 1,234,567 | -CHF 1,234,567.5 | Jun 04 13:00      |
|       7 |      -999 |         CHF 0.00 | Dec 31 2023 23:59 |
+---------+-----------+------------------+-------------------+
",
    );
    // CSV and JSON keep plain numbers and full dates.
    let (csv, _) = render(Format::Csv, style, &columns, &rows);
    assert!(
        csv.contains("1234567,1234567,-1234567.5,2026-06-04T13:00:00+02:00"),
        "{csv}"
    );
}

#[test]
fn no_id_number_money_or_date_is_cut_at_any_width() {
    let (columns, rows) = events();
    for width in 20..=200 {
        let style = Style {
            width: Some(width),
            ..Style::default()
        };
        let (output, _) = render(Format::Table, style, &columns, &rows);
        if output.starts_with("-[ RECORD") {
            // Too narrow for the table: records, in their full forms.
            for whole in ["1023", "2023-05-05 15:00 +02:00", "12000.00", "8500.50"] {
                assert!(output.contains(whole), "{width}: {whole} in\n{output}");
            }
            continue;
        }
        for whole in [
            "1023",
            "May 05 2023 15:00",
            "€12,000.00",
            "€8,500.50",
            "200",
            "false",
        ] {
            assert!(output.contains(whole), "{width}: {whole} in\n{output}");
        }
        assert!(output.lines().all(|l| super::display_width(l) <= width));
    }
}

#[test]
fn a_constant_column_is_left_out_and_named_below() {
    let columns = vec![
        Column::of("id", Kind::Id),
        Column::left("name"),
        Column::left("support").constant("none"),
    ];
    let rows = vec![
        vec![Value::Int(1), text("Gala"), Value::Null],
        vec![Value::Int(2), text("Fair"), Value::Null],
    ];
    let (output, _) = render(Format::Table, Style::default(), &columns, &rows);
    assert_eq!(
        output,
        "\
+----+------+
| id | name |
+----+------+
|  1 | Gala |
|  2 | Fair |
+----+------+
(support: none for every row)
"
    );
    // Other formats keep every column.
    let (csv, _) = render(Format::Csv, Style::default(), &columns, &rows);
    assert_eq!(csv, "id,name,support\n1,Gala,\n2,Fair,\n");
}

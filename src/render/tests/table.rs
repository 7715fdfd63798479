//! Tables: widths fitted to the terminal, display width, one line per cell.

use super::{check, events, render, text, widths_of};
use crate::render::table::fit_widths;
use crate::render::{Column, Expanded, Format, Style, Value};

#[test]
fn fit_widths_takes_from_the_widest_columns() {
    for (natural, minimum, budget, expected) in [
        // Fits already: untouched.
        (vec![4, 10, 20], vec![2, 4, 6], 40, vec![4, 10, 20]),
        // Only the widest column gives.
        (vec![4, 10, 20], vec![2, 4, 6], 30, vec![4, 10, 16]),
        // The two widest meet at a cap; the leftover column goes to the
        // naturally widest.
        (vec![4, 10, 20], vec![2, 4, 6], 21, vec![4, 8, 9]),
        // Never below a minimum.
        (vec![4, 10, 20], vec![2, 4, 6], 12, vec![2, 4, 6]),
        // A column narrower than its minimum keeps its own width.
        (vec![1, 30], vec![6, 6], 10, vec![1, 9]),
    ] {
        let widths = fit_widths(&natural, &minimum, budget);
        assert_eq!(widths, expected, "{natural:?} into {budget}");
    }
}

#[test]
fn table_aligns_by_display_width() {
    let columns = vec![
        Column::left("name"),
        Column::left("city"),
        Column::right("n"),
    ];
    let rows = vec![
        vec![
            text("Aliénor Vichum"),
            text("Candé-sur-Beuvron"),
            Value::Int(1),
        ],
        vec![text("Alie\u{301}nor"), text("東京"), Value::Int(22)],
        vec![text("李小龍"), text("Zürich"), Value::Int(333)],
    ];
    let expected = "\
+----------------+-------------------+-----+
| name           | city              |   n |
+----------------+-------------------+-----+
| Aliénor Vichum | Candé-sur-Beuvron |   1 |
| Alie\u{301}nor        | 東京              |  22 |
| 李小龍         | Zürich            | 333 |
+----------------+-------------------+-----+
";
    check(Format::Table, Style::default(), &columns, &rows, expected);
    let widths = widths_of(expected);
    assert!(widths.iter().all(|&w| w == widths[0]), "{widths:?}");
}

#[test]
fn table_shrinks_to_the_terminal() {
    let (columns, rows) = events();
    let style = Style {
        width: Some(100),
        ..Style::default()
    };
    let expected = "\
+------+------------+-------------------+-----------+------------+-----------+------------+--------+
|   id | name       | start             | support   | location   | attendees |      total | signed |
+------+------------+-------------------+-----------+------------+-----------+------------+--------+
|  109 | John Ouic… | Jun 04 2023 13:00 | Kate Has… | 53 Rue du… |        75 |  €8,500.50 | true   |
| 1023 | Lou Bouzi… | May 05 2023 15:00 | Aliénor…  | Salle des… |       200 | €12,000.00 | true   |
| 1024 | Cool Star… | Sep 01 2023 09:30 |           |            |        40 |  €3,000.00 | false  |
+------+------------+-------------------+-----------+------------+-----------+------------+--------+
";
    check(Format::Table, style, &columns, &rows, expected);
    assert!(widths_of(expected).iter().all(|&w| w <= 100));
}

#[test]
fn table_fits_every_line_in_many_widths() {
    let (columns, rows) = events();
    // Below the sum of the minimums (8 columns) lines cannot fit; above
    // the natural width nothing is cut.
    for width in 70..=170 {
        let style = Style {
            width: Some(width),
            ..Style::default()
        };
        let (output, _) = render(Format::Table, style, &columns, &rows);
        // Below 84 columns the ids, dates, numbers and money with a few
        // columns of each text do not fit: records instead.
        if width < 84 {
            assert!(output.starts_with("-[ RECORD 1 ]"), "{width}: {output}");
            assert!(output.contains("| 53 Rue du Château, 41120 Candé-sur-Beuvron, France\n"));
            continue;
        }
        let widths = widths_of(&output);
        assert!(
            widths.iter().all(|&w| w == widths[0]),
            "{width}: {widths:?}"
        );
        assert!(widths[0] <= width, "{width}: {output}");
        if width < 158 {
            assert!(output.contains('…'), "{width}: {output}");
            assert_eq!(widths[0], width, "the terminal is used fully");
        }
    }
}

#[test]
fn table_keeps_minimum_widths_on_a_tiny_terminal() {
    let columns = vec![
        Column::right("id"),
        Column::left("name"),
        Column::left("location"),
    ];
    let rows = vec![vec![
        Value::Int(109),
        text("John Ouick Wedding"),
        text("53 Rue du Château, 41120 Candé-sur-Beuvron, France"),
    ]];
    let style = Style {
        width: Some(10),
        expanded: Expanded::Off,
        ..Style::default()
    };
    check(
        Format::Table,
        style,
        &columns,
        &rows,
        // Wider than asked: each text column is down to min(6, its header),
        // the number is whole.
        "\
+-----+------+--------+
|  id | name | locat… |
+-----+------+--------+
| 109 | Joh… | 53 Ru… |
+-----+------+--------+
",
    );
    // `set expanded auto` (the default): records, whole values.
    check(
        Format::Table,
        Style {
            expanded: Expanded::Auto,
            ..style
        },
        &columns,
        &rows,
        "\
-[ RECORD 1 ]
id       | 109
name     | John Ouick Wedding
location | 53 Rue du Château, 41120 Candé-sur-Beuvron, France
",
    );
}

#[test]
fn table_cells_stay_on_one_line() {
    let columns = vec![Column::left("notes")];
    let rows = vec![
        vec![text("Catering at 5PM\nreception at 6PM")],
        vec![text("tab\there, crlf\r\nend")],
        vec![text("bell\u{7} and \u{1b}[31mred")],
    ];
    check(
        Format::Table,
        Style::default(),
        &columns,
        &rows,
        "\
+----------------------------------+
| notes                            |
+----------------------------------+
| Catering at 5PM↵reception at 6PM |
| tab here, crlf↵end               |
| bell\u{FFFD} and \u{FFFD}[31mred               |
+----------------------------------+
",
    );
}

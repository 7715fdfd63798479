//! Tests of the renderer: every format on the SPEC's events, paging, colour,
//! closed pipes and streaming here; each format's own rules in `tests/`.

mod audit;
mod csv;
mod fit;
mod hostile;
mod json;
mod status;
mod table;
mod vertical;
mod xlsx;

use std::cell::Cell as Shared;
use std::io::{self, Write};
use std::rc::Rc;

use chrono::DateTime;

use super::{
    BOLD, CHUNK_ROWS, Column, Format, Kind, RESET, RowWriter, Style, Summary, Value, display_width,
};

fn ts(s: &str) -> Value {
    Value::Timestamp(DateTime::parse_from_rfc3339(s).unwrap())
}

fn money(s: &str) -> Value {
    Value::Money(s.parse().unwrap())
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn render(
    format: Format,
    style: Style,
    columns: &[Column],
    rows: &[Vec<Value>],
) -> (String, Summary) {
    let mut out = Vec::new();
    let mut writer = RowWriter::new(&mut out, format, style, columns.to_vec());
    for row in rows {
        writer.row(row).unwrap();
    }
    let summary = writer.finish().unwrap();
    (String::from_utf8(out).unwrap(), summary)
}

#[track_caller]
fn check(format: Format, style: Style, columns: &[Column], rows: &[Vec<Value>], expected: &str) {
    let (actual, summary) = render(format, style, columns, rows);
    assert_eq!(
        actual, expected,
        "\n--- actual ---\n{actual}\n--- expected ---\n{expected}"
    );
    assert_eq!(summary.rows, rows.len() as u64);
}

/// The support team's spreadsheet (SPEC.md), plus an event nobody
/// supports yet.
fn events() -> (Vec<Column>, Vec<Vec<Value>>) {
    let columns = vec![
        Column::of("id", Kind::Id),
        Column::left("name"),
        Column::of("start", Kind::Date),
        Column::left("support"),
        Column::left("location"),
        Column::of("attendees", Kind::Number),
        Column::of("total", Kind::Money),
        Column::of("signed", Kind::Flag),
    ];
    let rows = vec![
        vec![
            Value::Int(109),
            text("John Ouick Wedding"),
            ts("2023-06-04T13:00:00+02:00"),
            text("Kate Hastroff"),
            text("53 Rue du Château, 41120 Candé-sur-Beuvron, France"),
            Value::Int(75),
            money("8500.50"),
            Value::Bool(true),
        ],
        vec![
            Value::Int(1023),
            text("Lou Bouzin General Assembly"),
            ts("2023-05-05T15:00:00+02:00"),
            text("Aliénor Vichum"),
            text("Salle des fêtes de Mufflins"),
            Value::Int(200),
            money("12000.00"),
            Value::Bool(true),
        ],
        vec![
            Value::Int(1024),
            text("Cool Startup Off-site"),
            ts("2023-09-01T09:30:00+02:00"),
            Value::Null,
            Value::Null,
            Value::Int(40),
            money("3000.00"),
            Value::Bool(false),
        ],
    ];
    (columns, rows)
}

fn widths_of(output: &str) -> Vec<usize> {
    output.lines().map(display_width).collect()
}

#[test]
fn table_spec_events() {
    let (columns, rows) = events();
    check(
            Format::Table,
            Style::default(),
            &columns,
            &rows,
            "\
+------+-----------------------------+-------------------+----------------+----------------------------------------------------+-----------+------------+--------+
|   id | name                        | start             | support        | location                                           | attendees |      total | signed |
+------+-----------------------------+-------------------+----------------+----------------------------------------------------+-----------+------------+--------+
|  109 | John Ouick Wedding          | Jun 04 2023 13:00 | Kate Hastroff  | 53 Rue du Château, 41120 Candé-sur-Beuvron, France |        75 |  €8,500.50 | true   |
| 1023 | Lou Bouzin General Assembly | May 05 2023 15:00 | Aliénor Vichum | Salle des fêtes de Mufflins                        |       200 | €12,000.00 | true   |
| 1024 | Cool Startup Off-site       | Sep 01 2023 09:30 |                |                                                    |        40 |  €3,000.00 | false  |
+------+-----------------------------+-------------------+----------------+----------------------------------------------------+-----------+------------+--------+
",
        );
}

#[test]
fn vertical_spec_events() {
    let (columns, rows) = events();
    check(
        Format::Vertical,
        Style::default(),
        &columns,
        &rows,
        "\
-[ RECORD 1 ]-------------------------------------------------
id        | 109
name      | John Ouick Wedding
start     | 2023-06-04 13:00 +02:00
support   | Kate Hastroff
location  | 53 Rue du Château, 41120 Candé-sur-Beuvron, France
attendees | 75
total     | 8500.50
signed    | true
-[ RECORD 2 ]--------------------------
id        | 1023
name      | Lou Bouzin General Assembly
start     | 2023-05-05 15:00 +02:00
support   | Aliénor Vichum
location  | Salle des fêtes de Mufflins
attendees | 200
total     | 12000.00
signed    | true
-[ RECORD 3 ]----------------------
id        | 1024
name      | Cool Startup Off-site
start     | 2023-09-01 09:30 +02:00
support   |
location  |
attendees | 40
total     | 3000.00
signed    | false
",
    );
}

#[test]
fn csv_spec_events() {
    let (columns, rows) = events();
    check(
            Format::Csv,
            Style::default(),
            &columns,
            &rows,
            "\
id,name,start,support,location,attendees,total,signed
109,John Ouick Wedding,2023-06-04T13:00:00+02:00,Kate Hastroff,\"53 Rue du Château, 41120 Candé-sur-Beuvron, France\",75,8500.50,true
1023,Lou Bouzin General Assembly,2023-05-05T15:00:00+02:00,Aliénor Vichum,Salle des fêtes de Mufflins,200,12000.00,true
1024,Cool Startup Off-site,2023-09-01T09:30:00+02:00,,,40,3000.00,false
",
        );
}

#[test]
fn json_spec_events() {
    let (columns, rows) = events();
    check(
        Format::Json,
        Style::default(),
        &columns,
        &rows,
        r#"[
{"id":109,"name":"John Ouick Wedding","start":"2023-06-04T13:00:00+02:00","support":"Kate Hastroff","location":"53 Rue du Château, 41120 Candé-sur-Beuvron, France","attendees":75,"total":8500.50,"signed":true},
{"id":1023,"name":"Lou Bouzin General Assembly","start":"2023-05-05T15:00:00+02:00","support":"Aliénor Vichum","location":"Salle des fêtes de Mufflins","attendees":200,"total":12000.00,"signed":true},
{"id":1024,"name":"Cool Startup Off-site","start":"2023-09-01T09:30:00+02:00","support":null,"location":null,"attendees":40,"total":3000.00,"signed":false}
]
"#,
    );
}

#[test]
fn page_stops_showing_but_keeps_counting() {
    let columns = vec![Column::right("id"), Column::left("name")];
    let rows: Vec<Vec<Value>> = (1..=5)
        .map(|i| vec![Value::Int(i), text(&format!("event {i}"))])
        .collect();
    let style = Style {
        page: Some(2),
        ..Style::default()
    };
    for (format, expected, shown) in [
        (
            Format::Table,
            "\
+----+---------+
| id | name    |
+----+---------+
|  1 | event 1 |
|  2 | event 2 |
+----+---------+
",
            2,
        ),
        (
            Format::Vertical,
            "\
-[ RECORD 1 ]-
id   | 1
name | event 1
-[ RECORD 2 ]-
id   | 2
name | event 2
",
            2,
        ),
        // Scripts get everything: the page is for people.
        (
            Format::Csv,
            "id,name\n1,event 1\n2,event 2\n3,event 3\n4,event 4\n5,event 5\n",
            5,
        ),
    ] {
        let (output, summary) = render(format, style, &columns, &rows);
        assert_eq!(output, expected, "{format}");
        assert_eq!(summary, Summary { rows: 5, shown }, "{format}");
    }
}

/// A reader that went away, like `head` after its lines.
struct ClosedPipe;

impl Write for ClosedPipe {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::from(io::ErrorKind::BrokenPipe))
    }

    fn flush(&mut self) -> io::Result<()> {
        Err(io::Error::from(io::ErrorKind::BrokenPipe))
    }
}

#[test]
fn a_closed_pipe_is_reported_as_a_broken_pipe_in_every_format() {
    let (columns, rows) = events();
    for format in Format::ALL {
        let mut out = ClosedPipe;
        let mut writer = RowWriter::new(&mut out, format, Style::default(), columns.clone());
        // Enough rows that every format has written by the end.
        let mut result = Ok(());
        for i in 0..3 * CHUNK_ROWS {
            result = writer.row(&rows[i % rows.len()]);
            if result.is_err() {
                break;
            }
        }
        let error = result
            .and_then(|()| writer.finish().map(|_| ()))
            .expect_err("nothing can be written");
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe, "{format}: {error}");
    }
}

#[test]
fn csv_and_json_never_colour() {
    let (columns, rows) = events();
    let colour = Style {
        color: true,
        width: Some(20),
        page: Some(1),
        raw_csv: false,
        ..Style::default()
    };
    for format in [Format::Csv, Format::Json] {
        let plain = render(format, Style::default(), &columns, &rows).0;
        let coloured = render(format, colour, &columns, &rows).0;
        assert_eq!(coloured, plain, "{format}");
        assert!(!coloured.contains('\x1b'));
    }
}

#[test]
fn colour_makes_headers_bold_and_nothing_else() {
    let (columns, rows) = events();
    for format in [Format::Table, Format::Vertical] {
        let plain = render(format, Style::default(), &columns, &rows).0;
        let style = Style {
            color: true,
            ..Style::default()
        };
        let coloured = render(format, style, &columns, &rows).0;
        assert!(coloured.contains("\x1b[1m"), "{format}");
        assert_eq!(
            coloured.replace(BOLD, "").replace(RESET, ""),
            plain,
            "{format}"
        );
    }
}

#[test]
fn empty_results() {
    let (columns, _) = events();
    for (format, expected) in [
        (Format::Table, ""),
        (Format::Vertical, ""),
        (
            Format::Csv,
            "id,name,start,support,location,attendees,total,signed\n",
        ),
        (Format::Json, "[]\n"),
    ] {
        let (output, summary) = render(format, Style::default(), &columns, &[]);
        assert_eq!(output, expected, "{format}");
        assert_eq!(summary, Summary { rows: 0, shown: 0 });
    }
}

#[test]
fn a_row_of_the_wrong_length_is_an_error_not_a_panic() {
    let mut out = Vec::new();
    let mut writer = RowWriter::new(
        &mut out,
        Format::Table,
        Style::default(),
        vec![Column::left("a")],
    );
    let error = writer.row(&[Value::Int(1), Value::Int(2)]).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(error.to_string(), "row has 2 values for 1 columns");
    assert_eq!(writer.finish().unwrap(), Summary { rows: 0, shown: 0 });
}

/// Counts bytes and remembers nothing, like a pipe to `wc -c`.
struct CountingSink(Rc<Shared<u64>>);

impl Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.set(self.0.get() + buf.len() as u64);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn csv_streams_a_hundred_thousand_rows() {
    let written = Rc::new(Shared::new(0));
    let mut sink = CountingSink(Rc::clone(&written));
    let (columns, rows) = events();
    let mut writer = RowWriter::new(&mut sink, Format::Csv, Style::default(), columns);
    let mut written_before = 0;
    for i in 0..100_000 {
        writer.row(&rows[i % rows.len()]).unwrap();
        assert_eq!(writer.buffered_rows(), 0);
        if i % 10_000 == 9_999 {
            // Bytes reach the sink while rows are still coming: nothing
            // waits for `finish`.
            assert!(written.get() > written_before, "row {i}");
            written_before = written.get();
        }
    }
    let before_finish = written.get();
    let summary = writer.finish().unwrap();
    assert_eq!(
        summary,
        Summary {
            rows: 100_000,
            shown: 100_000
        }
    );
    // Only the csv crate's own fixed-size buffer was left to flush.
    assert!(written.get() - before_finish <= 8 * 1024);
    assert!(written.get() > 100_000 * 50);
}

#[test]
fn table_streams_in_chunks_that_join_seamlessly() {
    let columns = vec![Column::right("id"), Column::left("name")];
    let total = 2 * CHUNK_ROWS + 10;
    let mut out = Vec::new();
    let mut writer = RowWriter::new(&mut out, Format::Table, Style::default(), columns);
    for i in 0..total {
        // Names after the first chunk are longer than any in it.
        let name = if i < CHUNK_ROWS {
            "short"
        } else {
            "a much longer name"
        };
        writer.row(&[Value::Int(i as i64), text(name)]).unwrap();
        assert!(writer.buffered_rows() <= CHUNK_ROWS);
    }
    assert_eq!(
        writer.finish().unwrap(),
        Summary {
            rows: total as u64,
            shown: total as u64
        }
    );
    let output = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), total + 4, "top, header, rule, rows, bottom");
    assert_eq!(lines[0], "+-----+-------+");
    assert_eq!(lines[1], "|  id | name  |");
    assert_eq!(lines[2], "+-----+-------+");
    assert_eq!(lines[3], "|   0 | short |");
    assert_eq!(lines[CHUNK_ROWS + 3], "| 256 | a mu… |");
    assert_eq!(lines[total + 2], "| 521 | a mu… |");
    assert_eq!(lines[total + 3], "+-----+-------+");
    assert_eq!(lines.iter().filter(|l| l.starts_with('+')).count(), 3);
}

#[test]
fn table_ends_cleanly_on_a_chunk_boundary() {
    let columns = vec![Column::right("id")];
    for (total, page) in [
        (CHUNK_ROWS, None),
        (2 * CHUNK_ROWS, None),
        (CHUNK_ROWS + 10, Some(CHUNK_ROWS)),
    ] {
        let rows: Vec<Vec<Value>> = (0..total).map(|i| vec![Value::Int(i as i64)]).collect();
        let style = Style {
            page,
            ..Style::default()
        };
        let (output, summary) = render(Format::Table, style, &columns, &rows);
        let shown = page.unwrap_or(total);
        assert_eq!(
            summary,
            Summary {
                rows: total as u64,
                shown: shown as u64
            }
        );
        let lines: Vec<&str> = output.lines().collect();
        assert_eq!(lines.len(), shown + 4, "{total} rows");
        assert_eq!(lines.last(), Some(&"+-----+"), "{total} rows");
    }
}

//! Stored control and bidirectional characters, in every format.

use super::{render, text};
use crate::render::{Column, Format, Style, Value};
use crate::validate::{Lines, refused};

/// Every character stored text may not hold, each in a value of its own,
/// between plain letters.
fn hostile_rows() -> Vec<Vec<Value>> {
    ('\u{1}'..='\u{1f}')
        .chain('\u{7f}'..='\u{9f}')
        .chain('\u{202a}'..='\u{202e}')
        .chain('\u{2066}'..='\u{2069}')
        .map(|c| vec![Value::Int(c as i64), text(&format!("a{c}b"))])
        .collect()
}

/// The characters of `output` that must never reach a terminal raw;
/// newlines and tabs only when `lines`.
fn raw_hostile(output: &str, lines: Lines) -> Vec<String> {
    output
        .chars()
        .filter(|&c| c != '\n' && refused(c, lines))
        .map(crate::validate::code_point)
        .collect()
}

#[test]
fn no_format_lets_a_stored_control_or_bidi_character_out_raw() {
    let columns = vec![Column::right("n"), Column::left("name")];
    let rows = hostile_rows();
    for format in Format::ALL {
        let (output, _) = render(format, Style::default(), &columns, &rows);
        // Tables and JSON keep no tab either; vertical records and CSV
        // keep tabs, as notes may hold them.
        let lines = match format {
            Format::Table | Format::Json => Lines::One,
            Format::Vertical | Format::Csv | Format::CsvExcel | Format::Xlsx => Lines::Many,
        };
        assert_eq!(
            raw_hostile(&output, lines),
            Vec::<String>::new(),
            "{format}"
        );
    }
}

#[test]
fn json_escapes_stored_controls_and_bidi_characters_and_reads_back_exactly() {
    let columns = vec![Column::right("n"), Column::left("name")];
    let rows = hostile_rows();
    let (output, _) = render(Format::Json, Style::default(), &columns, &rows);
    assert!(output.contains(r#""a\u202eb""#), "{output}");
    assert!(output.contains(r#""a\u009bb""#), "{output}");
    assert!(output.contains(r#""a\u007fb""#), "{output}");
    assert!(output.contains(r#""a\u001bb""#), "{output}");
    let parsed: serde_json::Value = serde_json::from_str(&output).unwrap();
    for (record, row) in parsed.as_array().unwrap().iter().zip(&rows) {
        let Value::Text(stored) = &row[1] else {
            unreachable!()
        };
        assert_eq!(record["name"].as_str(), Some(stored.as_str()));
    }
}

#[test]
fn table_vertical_and_csv_show_a_refused_character_as_the_replacement_character() {
    let columns = vec![Column::left("name")];
    let rows = vec![vec![text("Kate\u{202e}ffortsaH \u{1b}[2J\u{9b}1m")]];
    let (table, _) = render(Format::Table, Style::default(), &columns, &rows);
    assert!(
        table.contains("| Kate\u{FFFD}ffortsaH \u{FFFD}[2J\u{FFFD}1m |"),
        "{table}"
    );
    let (vertical, _) = render(Format::Vertical, Style::default(), &columns, &rows);
    assert!(vertical.contains("name | Kate\u{FFFD}ffortsaH \u{FFFD}[2J\u{FFFD}1m\n"));
    let (csv, _) = render(Format::Csv, Style::default(), &columns, &rows);
    assert_eq!(csv, "name\nKate\u{FFFD}ffortsaH \u{FFFD}[2J\u{FFFD}1m\n");
}

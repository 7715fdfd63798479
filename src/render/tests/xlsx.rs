//! The workbook as Excel reads it: the sheet's XML (header style, frozen
//! row, widths) and its cells read back with calamine.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};

use super::{events, text};
use crate::render::{Column, Format, RowWriter, Style, Value};

fn workbook(style: Style, columns: &[Column], rows: &[Vec<Value>]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut writer = RowWriter::new(&mut out, Format::Xlsx, style, columns.to_vec());
    for row in rows {
        writer.row(row).unwrap();
    }
    writer.finish().unwrap();
    out
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

fn cells(bytes: Vec<u8>) -> Vec<Vec<Data>> {
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

#[test]
fn the_header_is_bold_and_frozen_and_columns_fit_their_values_up_to_a_cap() {
    let (columns, mut rows) = events();
    rows[0][4] = text(&"a long location ".repeat(10));
    let bytes = workbook(Style::default(), &columns, &rows);
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{sheet}"
    );
    // One width per column: `id` as its header (at least 4) and the
    // padding, the long location at the cap.
    let widths: Vec<f64> = sheet
        .split("<col ")
        .skip(1)
        .map(|col| {
            let width = col.split("width=\"").nth(1).unwrap();
            width.split('"').next().unwrap().parse().unwrap()
        })
        .collect();
    assert_eq!(widths.len(), columns.len(), "{sheet}");
    assert!(
        widths[0] < 7.0 && widths[4] > 62.0 && widths[4] < 63.0,
        "{widths:?}"
    );
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains("<b/>"), "{styles}");
    assert!(styles.contains(r#"formatCode="0.00""#), "{styles}");
}

#[test]
fn cells_are_typed_and_text_is_guarded_even_for_raw_csv() {
    let columns = vec![
        Column::left("note"),
        Column::left("flag"),
        Column::left("doc"),
    ];
    let rows = vec![vec![
        text("+33 6 12 34 56 78"),
        Value::Bool(true),
        Value::Json(serde_json::json!({"a": 1})),
    ]];
    let raw = Style {
        raw_csv: true,
        ..Style::default()
    };
    let read = cells(workbook(raw, &columns, &rows));
    assert_eq!(
        read[1],
        [
            Data::String("'+33 6 12 34 56 78".into()),
            Data::Bool(true),
            Data::String(r#"{"a":1}"#.into())
        ]
    );
}

#[test]
fn an_empty_result_is_a_header_alone() {
    let (columns, _) = events();
    let read = cells(workbook(Style::default(), &columns, &[]));
    assert_eq!(read.len(), 1);
    assert_eq!(read[0][0], Data::String("id".into()));
}

#[test]
fn csv_for_excel_starts_with_the_byte_order_mark_even_when_empty() {
    let (columns, _) = events();
    let mut out = Vec::new();
    let writer = RowWriter::new(&mut out, Format::CsvExcel, Style::default(), columns);
    writer.finish().unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "\u{feff}id;name;start;support;location;attendees;total;signed\n"
    );
}

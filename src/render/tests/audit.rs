//! The audit trail's cells: a JSON document is itself in JSON, its compact
//! text in CSV, readable text in a table or a record; its times read to the
//! second.

use super::{check, render, ts};
use crate::render::{Column, Format, Kind, Style, Value};

fn entries() -> (Vec<Column>, Vec<Vec<Value>>) {
    let columns = vec![
        Column::of("id", Kind::Id),
        Column::of("at", Kind::Moment),
        Column::left("changes"),
    ];
    let changes = serde_json::json!({
        "support": {"old": "Théo Marchand", "new": "Kate Hastroff"},
        "attendees": {"old": 200, "new": 250},
        "notes": {"old": null, "new": "bell \u{7}"},
    });
    let refusal =
        serde_json::json!({"request": "delete client 3", "rule": "only sales", "client": 3});
    let rows = vec![
        vec![
            Value::Int(6),
            ts("2023-06-04T13:00:07+02:00"),
            Value::Json(changes),
        ],
        vec![
            Value::Int(7),
            ts("2023-06-04T13:00:09+02:00"),
            Value::Json(refusal),
        ],
    ];
    (columns, rows)
}

#[test]
fn a_table_reads_changes_as_text_and_times_to_the_second() {
    let (columns, rows) = entries();
    let style = Style {
        year: 2023,
        ..Style::default()
    };
    check(
        Format::Table,
        style,
        &columns,
        &rows,
        "\
+----+-----------------+------------------------------------------------------------------------------------+
| id | at              | changes                                                                            |
+----+-----------------+------------------------------------------------------------------------------------+
|  6 | Jun 04 13:00:07 | support: Théo Marchand → Kate Hastroff; attendees: 200 → 250; notes: none → bell \u{fffd} |
|  7 | Jun 04 13:00:09 | request: delete client 3; rule: only sales; client: 3                              |
+----+-----------------+------------------------------------------------------------------------------------+
",
    );
}

#[test]
fn a_record_reads_changes_as_text_and_times_to_the_second() {
    let (columns, rows) = entries();
    let (output, _) = render(Format::Vertical, Style::default(), &columns, &rows[..1]);
    assert!(
        output.contains("at      | 2023-06-04 13:00:07 +02:00\n"),
        "{output}"
    );
    assert!(
        output.contains(
            "changes | support: Théo Marchand → Kate Hastroff; attendees: 200 → 250; notes: none → bell \u{fffd}\n"
        ),
        "{output}"
    );
}

#[test]
fn json_carries_the_object_itself() {
    let (columns, rows) = entries();
    let (output, _) = render(Format::Json, Style::default(), &columns, &rows);
    assert!(
        output.contains(
            r#""changes":{"support":{"old":"Théo Marchand","new":"Kate Hastroff"},"attendees":{"old":200,"new":250},"notes":{"old":null,"new":"bell \u0007"}}"#
        ),
        "{output}"
    );
    let parsed: serde_json::Value = serde_json::from_str(&output).unwrap();
    assert_eq!(parsed[0]["changes"]["attendees"]["new"], 250);
    assert_eq!(parsed[0]["changes"]["notes"]["new"], "bell \u{7}");
    assert_eq!(parsed[1]["changes"]["client"], 3);
    assert_eq!(parsed[0]["at"], "2023-06-04T13:00:07+02:00");
}

#[test]
fn csv_carries_the_compact_text() {
    let (columns, rows) = entries();
    let (output, _) = render(Format::Csv, Style::default(), &columns, &rows[1..]);
    assert_eq!(
        output,
        "id,at,changes\n7,2023-06-04T13:00:09+02:00,\"{\"\"request\"\":\"\"delete client 3\"\",\"\"rule\"\":\"\"only sales\"\",\"\"client\"\":3}\"\n"
    );
}

//! JSON: typed values, exact money, keys in column order.

use super::{events, render, text};
use crate::render::{Column, Format, Style};

#[test]
fn json_values_are_typed_and_money_exact() {
    let (mut columns, mut rows) = events();
    columns.push(Column::left("notes"));
    for row in &mut rows {
        row.push(text(
            "quote \" backslash \\ newline \n tab \t bell \u{7} é 東京",
        ));
    }
    let (output, _) = render(Format::Json, Style::default(), &columns, &rows);
    assert!(output.contains(r#""total":12000.00,"#), "{output}");
    assert!(output.contains(r#""total":8500.50,"#), "{output}");
    let parsed: serde_json::Value = serde_json::from_str(&output).unwrap();
    let records = parsed.as_array().unwrap();
    assert_eq!(records.len(), 3);
    let first = records[0].as_object().unwrap();
    let keys: Vec<&str> = first.keys().map(String::as_str).collect();
    // serde_json keeps an object's order (`preserve_order`).
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(keys, names);
    assert_eq!(first["id"], serde_json::json!(109));
    assert_eq!(first["signed"], serde_json::json!(true));
    assert_eq!(
        first["start"],
        serde_json::json!("2023-06-04T13:00:00+02:00")
    );
    assert_eq!(
        first["notes"],
        serde_json::json!("quote \" backslash \\ newline \n tab \t bell \u{7} é 東京")
    );
    assert!(first["total"].is_number());
    assert_eq!(records[2]["support"], serde_json::Value::Null);
    // Key order on the line follows the columns.
    let line = output.lines().nth(1).unwrap();
    let positions: Vec<usize> = columns
        .iter()
        .map(|c| line.find(&format!("\"{}\":", c.name)).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{line}");
}

use std::io::Cursor;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::*;

const PARIS: Tz = Tz::Europe__Paris;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a test instant")
        .with_timezone(&Utc)
}

fn csv_with(text: &str, mapping: &[(String, ImportField)]) -> Result<Import, ImportError> {
    read_csv(Cursor::new(text.as_bytes().to_vec()), PARIS, mapping)
}

fn csv(text: &str) -> Import {
    csv_with(text, &[]).expect("a readable sheet")
}

fn all_ok(import: Import) -> Vec<ImportRow> {
    import
        .map(|row| row.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// Event 109 of SPEC.md as the sheet gives it, on `row`.
fn event_109(row: usize) -> ImportRow {
    ImportRow {
        row,
        event_id: Some(109),
        event_name: Some("John Ouick Wedding".into()),
        contract: Some(652),
        client_name: Some("John Ouick".into()),
        client_email: None,
        client_phone: None,
        company: None,
        sales: None,
        contact_name: Some("John Ouick".into()),
        contact_email: Some("john.ouick@gmail.com".into()),
        contact_phone: Some("+1 234 567 8901".into()),
        start: Some(utc("2023-06-04T13:00:00+02:00")),
        end: Some(utc("2023-06-05T02:00:00+02:00")),
        support: Some("Kate Hastroff".into()),
        location: Some("53 Rue du Château, 41120 Candé-sur-Beuvron, France".into()),
        attendees: Some(75),
        notes: Some(
            "Wedding starts at 3PM, by the river. Catering is organized, reception starts at 5PM."
                .into(),
        ),
    }
}

/// Event 1023 of SPEC.md, on `row`.
fn event_1023(row: usize) -> ImportRow {
    ImportRow {
        row,
        event_id: Some(1023),
        event_name: Some("Lou Bouzin General Assembly".into()),
        contract: Some(412),
        client_name: Some("Lou Bouzin".into()),
        client_email: None,
        client_phone: None,
        company: None,
        sales: None,
        contact_name: Some("Jacky Blangier".into()),
        contact_email: Some("jacky@loubouzin.grd".into()),
        contact_phone: Some("+ 666 12345".into()),
        start: Some(utc("2023-05-05T15:00:00+02:00")),
        end: Some(utc("2023-05-05T17:00:00+02:00")),
        support: Some("Aliénor Vichum".into()),
        location: Some("Salle des fêtes de Mufflins".into()),
        attendees: Some(200),
        notes: Some("Shareholders' general assembly (~200 people).".into()),
    }
}

const HEADER: &str = "Event ID,Event,Contract ID,Client name,Client contact,Start,End,Support contact,Location,Attendees,Notes";

const ROW_109: &str = "109,John Ouick Wedding,652,John Ouick,\"John Ouick\njohn.ouick@gmail.com\n+1 234 567 8901\",4 Jun 2023 @ 1PM,5 Jun 2023 @ 2AM,Kate Hastroff,\"53 Rue du Château, 41120 Candé-sur-Beuvron, France\",75,\"Wedding starts at 3PM, by the river. Catering is organized, reception starts at 5PM.\"";

const ROW_1023: &str = "1023,Lou Bouzin General Assembly,412,Lou Bouzin,Jacky Blangier / jacky@loubouzin.grd / + 666 12345,5 May 2023 @ 3PM,5 May 2023 @ 5PM,Aliénor Vichum,Salle des fêtes de Mufflins,200,Shareholders' general assembly (~200 people).";

/// The two events in block layout: labels down column A.
fn blocks_csv(separator: &str) -> String {
    let block = |row: &str| -> String {
        HEADER
            .split(',')
            .zip(cells_of(row))
            .map(|(label, value)| format!("{label},{value}\n"))
            .collect()
    };
    format!("{}{separator}{}", block(ROW_109), block(ROW_1023))
}

/// A row's CSV cells (commas inside quotes kept).
fn cells_of(row: &str) -> Vec<String> {
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(row.as_bytes());
    let record = reader.records().next().expect("a row").expect("a record");
    record
        .iter()
        .map(|cell| format!("\"{}\"", cell.replace('"', "\"\"")))
        .collect()
}

#[test]
fn the_spec_examples_in_row_layout() {
    let import = csv(&format!("{HEADER}\n{ROW_109}\n{ROW_1023}\n"));
    assert_eq!(import.layout, Layout::Rows);
    assert!(import.warnings.is_empty());
    // Row 109's contact cell spans three lines; 1023 is still row 3.
    assert_eq!(all_ok(import), vec![event_109(2), event_1023(3)]);
}

#[test]
fn the_spec_examples_in_block_layout_separated_by_a_blank_row() {
    let import = csv(&blocks_csv("\n"));
    assert_eq!(import.layout, Layout::Blocks);
    // 11 labels, a blank row, then the second block.
    assert_eq!(all_ok(import), vec![event_109(1), event_1023(13)]);
    // A blank row of empty cells, as a spreadsheet exports it.
    let import = csv(&blocks_csv(",\n,\n"));
    assert_eq!(all_ok(import), vec![event_109(1), event_1023(14)]);
}

#[test]
fn a_repeated_first_label_starts_the_next_block() {
    let import = csv(&blocks_csv(""));
    assert_eq!(import.layout, Layout::Blocks);
    assert_eq!(all_ok(import), vec![event_109(1), event_1023(12)]);
}

#[test]
fn french_headers_semicolons_a_bom_and_day_first_dates() {
    let text = "\u{feff}ID événement;Nom de l'Événement;ID contrat;NOM DU CLIENT;Email client;Téléphone client;Début;Fin;Contact support;Lieu;Participants;Remarques\n\
        1023;Lou Bouzin General Assembly;412;Lou Bouzin;jacky@loubouzin.grd;+ 666 12345;05/05/2023 15:00;5/5/2023 17:00;;;200;\n";
    let import = csv(text);
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
    let rows = all_ok(import);
    let expected = ImportRow {
        client_email: Some("jacky@loubouzin.grd".into()),
        client_phone: Some("+ 666 12345".into()),
        contact_name: None,
        contact_email: None,
        contact_phone: None,
        support: None,
        location: None,
        notes: None,
        ..event_1023(2)
    };
    assert_eq!(rows, vec![expected]);
}

#[test]
fn dates_in_every_form_the_sheet_uses() {
    let zone = Zone::company(PARIS);
    let one_pm = Some(utc("2023-06-04T13:00:00+02:00"));
    for text in [
        "4 Jun 2023 @ 1PM",
        "2023-06-04 13:00",
        "2023-06-04T13:00",
        "04/06/2023 13:00",
        "45081.541666",
        "2023-06-04T11:00Z",
    ] {
        assert_eq!(
            cells::date(&cells::Cell::text(text), &zone),
            one_pm,
            "{text}"
        );
    }
    let serial = cells::Cell::Number(45081.541666);
    assert_eq!(cells::date(&serial, &zone), one_pm);
    for text in ["32/13/2023", "today", "now", "4 Jun", "soon", "0"] {
        assert_eq!(cells::date(&cells::Cell::text(text), &zone), None, "{text}");
    }
}

#[test]
fn a_contact_cell_splits_into_name_email_and_phone() {
    let expected = Contact {
        name: Some("Jacky Blangier".into()),
        email: Some("jacky@loubouzin.grd".into()),
        phone: Some("+ 666 12345".into()),
    };
    for text in [
        "Jacky Blangier\njacky@loubouzin.grd\n+ 666 12345",
        "Jacky Blangier / jacky@loubouzin.grd / + 666 12345",
        "+ 666 12345\r\n jacky@loubouzin.grd \nJacky Blangier",
    ] {
        assert_eq!(split_contact(text), expected, "{text:?}");
    }
    assert_eq!(split_contact("Jacky Blangier").email, None);
}

#[test]
fn empty_cells_are_none_and_text_is_trimmed() {
    let text = "Event,Client,Client email,Start,End,Location,Attendees,Notes\n  Gala  ,  Ann ,ann@a.fr,2023-06-04 13:00,2023-06-04 15:00,   ,,\"\"\n";
    let rows = all_ok(csv(text));
    let row = &rows[0];
    assert_eq!(row.event_name.as_deref(), Some("Gala"));
    assert_eq!(row.client_name.as_deref(), Some("Ann"));
    assert_eq!(
        (&row.location, row.attendees, &row.notes),
        (&None, None, &None)
    );
    assert_eq!(
        (row.event_id, row.contract, &row.support),
        (None, None, &None)
    );
}

#[test]
fn bad_rows_are_reported_with_their_row_and_the_others_still_read() {
    let text = "Event,Client name,Client email,Start,End,Attendees\n\
        Gala,Ann,ann@a.fr,2023-06-04 13:00,2023-06-04 15:00,10\n\
        Gala 2,Ann,ann@a.fr,32/13/2023,2023-06-04 15:00,10\n\
        Gala 3,Ann,ann@,2023-06-04 13:00,2023-06-04 15:00,10\n\
        ,Ann,ann@a.fr,2023-06-04 13:00,2023-06-04 15:00,10\n\
        Gala 5,Ann,ann@a.fr,2023-06-04 13:00,2023-06-04 15:00,many\n\
        Gala 6,Ann,ann@a.fr,2023-06-04 16:00,2023-06-04 15:00,10\n\
        \n\
        Gala 8,Ann,ann@a.fr,2023-06-04 13:00,2023-06-04 15:00,10\n";
    let results: Vec<_> = csv(text).collect();
    let messages: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(row) => format!("row {}: ok", row.row),
            Err(error) => error.to_string(),
        })
        .collect();
    assert_eq!(messages[0], "row 2: ok");
    assert_eq!(
        messages[1],
        "row 3: `start` is not a date: `32/13/2023` (accepted: 4 Jun 2023 @ 1PM, 2023-06-04 13:00, 04/06/2023 13:00, an Excel date)"
    );
    assert!(
        messages[2].starts_with("row 4: `client_email`: `ann@` is not an email"),
        "{}",
        messages[2]
    );
    assert_eq!(messages[3], "row 5: `event_name` is missing");
    assert_eq!(
        messages[4],
        "row 6: `attendees` is not a whole number: `many`"
    );
    assert_eq!(messages[5], "row 7: `end` is before `start`");
    // The blank row 8 is no event; row 9 is.
    assert_eq!(messages[6..], ["row 9: ok"]);
}

#[test]
fn a_missing_column_is_an_error_naming_it_and_its_headers() {
    let error = csv_with(
        "Event,Client,Client email,End\nGala,Ann,ann@a.fr,5 Jun 2023\n",
        &[],
    )
    .err()
    .expect("no start column");
    assert_eq!(
        error.to_string(),
        "the sheet has no `start` column (accepted headers: Start, Event date start, Début; or map a column with COLUMN=start)"
    );
    let error = csv_with("Event,Client,Start\n", &[]).err().expect("no end");
    assert!(matches!(
        error,
        ImportError::MissingColumn {
            field: ImportField::End,
            ..
        }
    ));
    // A client is not a column every sheet needs: epic's own export finds
    // its events by number, and names the columns it has.
    let import = csv_with(
        "id,name,start,end,updated\n109,Gala,4 Jun 2023 @ 1PM,4 Jun 2023 @ 3PM,x\n",
        &[],
    )
    .expect("an exported sheet");
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
    assert_eq!(
        import.columns,
        [
            ImportField::EventId,
            ImportField::EventName,
            ImportField::Start,
            ImportField::End
        ]
    );
}

#[test]
fn unknown_headers_are_warnings_and_a_mapping_names_columns() {
    let text = "Event,Client,Mail,Quand,Jusqu'à,Budget\nGala,Ann,ann@a.fr,4 Jun 2023 @ 1PM,4 Jun 2023 @ 3PM,100\n";
    let mapping: Vec<(String, ImportField)> = ["Quand=start", "jusqua=END", "Mail=client email"]
        .iter()
        .map(|m| parse_mapping(m).expect("a mapping"))
        .collect();
    let import = csv_with(text, &mapping).expect("mapped");
    let warnings: Vec<String> = import.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["row 1: `Budget` is not a column epic imports; it is ignored"]
    );
    let rows = all_ok(import);
    assert_eq!(rows[0].start, Some(utc("2023-06-04T13:00:00+02:00")));
    assert_eq!(rows[0].client_email.as_deref(), Some("ann@a.fr"));
    // A mapping overrides the accepted names: here `Event` is the notes.
    let mapping = [("Event".to_owned(), ImportField::Notes)];
    assert!(csv_with(text, &mapping).is_err());
    assert_eq!(parse_mapping("Quand=nothing"), None);
    assert_eq!(parse_mapping("=start"), None);
}

#[test]
fn headers_compare_without_case_accents_spaces_or_punctuation() {
    assert_eq!(normalize("Nom de l'Événement"), "nomdelevenement");
    assert_eq!(normalize(" Téléphone-client "), "telephoneclient");
    assert_eq!(
        fields::field_of("ÉVÉNEMENT", &[]),
        Some(ImportField::EventName)
    );
    assert_eq!(
        fields::field_of("event_date_start", &[]),
        Some(ImportField::Start)
    );
    assert_eq!(fields::field_of("Budget", &[]), None);
}

#[test]
fn a_generated_fifty_row_sheet_reads_row_by_row() {
    let mut text = String::from("Event,Client name,Client email,Start,End,Attendees\n");
    for n in 1..=50 {
        text.push_str(&format!(
            "Event {n},Client {n},c{n}@example.com,2023-06-{day:02} 10:00,2023-06-{day:02} 12:00,{n}\n",
            day = n % 28 + 1
        ));
    }
    let rows = all_ok(csv(&text));
    assert_eq!(rows.len(), 50);
    for (at, row) in rows.iter().enumerate() {
        let n = at + 1;
        assert_eq!((row.row, row.attendees), (n + 1, Some(n as i64)));
        assert_eq!(row.event_name, Some(format!("Event {n}")));
    }
}

#[test]
fn out_of_range_and_too_long_come_from_the_model() {
    let long = "x".repeat(201);
    let text = format!(
        "Event,Client,Client email,Start,End,Attendees\n{long},Ann,ann@a.fr,2023-06-04,2023-06-05,1\nGala,Ann,ann@a.fr,2023-06-04,2023-06-05,-4\n"
    );
    let errors: Vec<String> = csv(&text)
        .map(|r| r.expect_err("refused").to_string())
        .collect();
    assert_eq!(
        errors[0],
        "row 2: `event_name` is longer than 200 characters"
    );
    assert!(
        errors[1].starts_with("row 3: `attendees` must be"),
        "{}",
        errors[1]
    );
}

fn write_xlsx(path: &Path, rows: &[Vec<XCell>]) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy hh:mm");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                XCell::S(text) => sheet.write_string(r, c, *text).map(|_| ()),
                XCell::N(n) => sheet.write_number(r, c, *n).map(|_| ()),
                XCell::D(n) => sheet.write_number_with_format(r, c, *n, &date).map(|_| ()),
                XCell::Blank => Ok(()),
            }
            .expect("a cell");
        }
    }
    workbook.save(path).expect("the workbook saved");
}

enum XCell {
    S(&'static str),
    N(f64),
    /// A number formatted as a date.
    D(f64),
    Blank,
}

#[test]
fn a_workbook_with_strings_serial_dates_and_empty_cells() {
    use XCell::{Blank, D, N, S};
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("events.XLSX");
    let header = HEADER.split(',').map(S).collect();
    write_xlsx(
        &path,
        &[
            header,
            vec![
                N(109.0),
                S("John Ouick Wedding"),
                N(652.0),
                S("John Ouick"),
                S("John Ouick\njohn.ouick@gmail.com\n+1 234 567 8901"),
                N(45081.541666),
                D(45082.083333),
                S("Kate Hastroff"),
                S("53 Rue du Château, 41120 Candé-sur-Beuvron, France"),
                N(75.0),
                S(
                    "Wedding starts at 3PM, by the river. Catering is organized, reception starts at 5PM.",
                ),
            ],
            vec![Blank],
            vec![
                N(1023.0),
                S("Lou Bouzin General Assembly"),
                N(412.0),
                S("Lou Bouzin"),
                S("Jacky Blangier / jacky@loubouzin.grd / + 666 12345"),
                S("5 May 2023 @ 3PM"),
                S("05/05/2023 17:00"),
                Blank,
                Blank,
                N(200.0),
                Blank,
            ],
        ],
    );
    let import = read_path(&path, PARIS, &[]).expect("a workbook");
    assert_eq!(import.layout, Layout::Rows);
    let expected = ImportRow {
        support: None,
        location: None,
        notes: None,
        ..event_1023(4)
    };
    assert_eq!(all_ok(import), vec![event_109(2), expected]);
}

#[test]
fn a_workbook_in_block_layout() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("blocks.xlsx");
    let mut rows = Vec::new();
    let leak = |text: String| XCell::S(Box::leak(text.into_boxed_str()));
    for (at, event) in [ROW_109, ROW_1023].into_iter().enumerate() {
        if at > 0 {
            rows.push(vec![XCell::Blank]);
        }
        for (label, value) in HEADER.split(',').zip(cells_of(event)) {
            let value = value.trim_matches('"').replace("\"\"", "\"");
            rows.push(vec![XCell::S(label), leak(value)]);
        }
    }
    write_xlsx(&path, &rows);
    let import = read_path(&path, PARIS, &[]).expect("a workbook");
    assert_eq!(import.layout, Layout::Blocks);
    let rows = all_ok(import);
    assert_eq!(rows, vec![event_109(1), event_1023(13)]);
}

#[test]
fn other_files_are_refused_by_their_extension() {
    let error = read_path(Path::new("events.ods"), PARIS, &[])
        .err()
        .expect("refused");
    assert_eq!(
        error.to_string(),
        "`ods` files cannot be imported: give a .csv or an .xlsx file"
    );
    assert!(matches!(csv_with("", &[]), Err(ImportError::Empty)));
}

#[test]
fn windows_line_ends_and_blank_rows_keep_the_sheets_row_numbers() {
    let text = "Event,Client,Client email,Start,End,Notes\r\n\r\nGala,Ann,ann@a.fr,2023-06-04,2023-06-05\r\n\r\n\r\nGala 2,Ann,ann@a.fr,2023-06-04,2023-06-05,\"Two\r\n\r\nlines\"\r\nGala 3,Ann,ann@a.fr,2023-06-04,2023-06-05\r\n";
    let rows = all_ok(csv(text));
    let numbers: Vec<usize> = rows.iter().map(|r| r.row).collect();
    assert_eq!(numbers, [3, 6, 7]);
    // A blank line inside quotes is the cell's, not a row.
    assert_eq!(rows[1].notes.as_deref(), Some("Two\n\nlines"));
    // A name holds one line, as everywhere else.
    let text =
        "Event,Client,Client email,Start,End\n\"Ga\nla\",Ann,ann@a.fr,2023-06-04,2023-06-05\n";
    let error = csv(text).next().expect("a row").expect_err("two lines");
    assert_eq!(error.row, 2);
    assert!(error.to_string().contains("a line break"), "{error}");
}

#[test]
fn quotes_and_blank_lines_inside_cells_survive_the_reads_chunks() {
    // Far more than one 8 KiB read, so cells span the chunks' edges.
    let mut text = String::from("Event;Client;Client email;Start;End;Notes\n");
    for n in 1..=300 {
        text.push_str(&format!(
            "Event {n};Client;c@example.com;2023-06-04;2023-06-05;\"say \"\"hi\"\"\n\n{n}\"\n"
        ));
    }
    assert!(text.len() > 2 * 8192, "{}", text.len());
    let rows = all_ok(csv(&text));
    assert_eq!(rows.len(), 300);
    for (at, row) in rows.iter().enumerate() {
        assert_eq!(row.row, at + 2);
        assert_eq!(row.notes, Some(format!("say \"hi\"\n\n{}", at + 1)));
    }
}

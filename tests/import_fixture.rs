//! The import tests' spreadsheet fixture (`common::sheet`) checked against
//! the sheet reader, without a database: every writer's file reads back to
//! exactly the values written, the rows meant to fail when read fail on
//! their row with their reason, and the rows meant to fail when planned
//! read fine.

mod common;

use std::collections::HashSet;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::sheet::{
    self, COLUMNS, CsvStyle, Fixture, Stage, ZONE, expected_import_row, expected_rows,
};
use epic::import::{ImportField, ImportRow, Layout, RowError, read_path};

/// Every result the reader gives for the file at `path`.
fn read(path: &Path) -> (Layout, Vec<Result<ImportRow, RowError>>) {
    let import = read_path(path, ZONE, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert!(import.warnings.is_empty(), "{:?}", import.warnings);
    (import.layout, import.collect())
}

/// What `fixture` written to `path` must read as, row by row.
fn check(fixture: &Fixture, path: &Path) {
    let (layout, results) = read(path);
    assert_eq!(layout, Layout::Rows);
    assert_eq!(results.len(), fixture.events.len(), "{}", path.display());
    for ((row, event), result) in fixture.rows().zip(results) {
        match (fixture.bad(row), result) {
            (Some(bad), Err(error)) if bad.stage == Stage::Read => {
                assert_eq!(error.row, row, "{error}");
                assert!(error.to_string().contains(bad.why), "row {row}: {error}");
            }
            (Some(bad), result) if bad.stage == Stage::Read => {
                panic!("row {row} should fail ({}) but read as {result:?}", bad.why)
            }
            (_, Ok(read)) => same(&read, &expected_import_row(row, event)),
            (_, Err(error)) => panic!("row {row} should read: {error}"),
        }
    }
}

/// Field by field, so a failure names the field.
fn same(read: &ImportRow, expected: &ImportRow) {
    let row = expected.row;
    assert_eq!(read.row, row);
    assert_eq!(read.event_id, expected.event_id, "row {row}: event id");
    assert_eq!(read.event_name, expected.event_name, "row {row}: name");
    assert_eq!(read.contract, expected.contract, "row {row}: contract");
    assert_eq!(read.client_name, expected.client_name, "row {row}: client");
    assert_eq!(
        read.contact_name, expected.contact_name,
        "row {row}: contact"
    );
    assert_eq!(
        read.contact_email, expected.contact_email,
        "row {row}: email"
    );
    assert_eq!(
        read.contact_phone, expected.contact_phone,
        "row {row}: phone"
    );
    assert_eq!(read.start, expected.start, "row {row}: start");
    assert_eq!(read.end, expected.end, "row {row}: end");
    assert_eq!(read.support, expected.support, "row {row}: support");
    assert_eq!(read.location, expected.location, "row {row}: location");
    assert_eq!(read.attendees, expected.attendees, "row {row}: attendees");
    assert_eq!(read.notes, expected.notes, "row {row}: notes");
    assert_eq!(
        read, expected,
        "row {row}: a field the sheet has no column for"
    );
}

#[test]
fn the_fixture_has_the_shape_the_import_tests_count_on() {
    let fixture = sheet::spec_and_generated();
    let good = expected_rows(&fixture);
    assert_eq!(good.len(), 2 + sheet::GENERATED_ROWS);
    assert_eq!(fixture.events.len(), good.len() + fixture.bad_rows.len());
    assert_eq!(good[0], (2, &fixture.events[0]));
    assert_eq!(good[0].1.event_id, Some(109));
    assert_eq!(good[1].1.event_id, Some(1023));
    let last = fixture.events.len() + 1;
    assert!(fixture.bad(last).is_none(), "the last row is good");
    let rows: Vec<usize> = fixture.bad_rows.iter().map(|b| b.row).collect();
    assert_eq!(rows, [7, 16, 25, 34, 43, 52]);
    let without_id: Vec<usize> = good
        .iter()
        .filter(|(_, e)| e.event_id.is_none())
        .map(|(row, _)| *row)
        .collect();
    assert_eq!(without_id, [10, 17, 23, 30, 37, 44, 50, 57]);
    assert_eq!(last, 61);
    let ids: Vec<i64> = good.iter().filter_map(|(_, e)| e.event_id).collect();
    assert_eq!(
        ids.len(),
        ids.iter().collect::<HashSet<_>>().len(),
        "ids unique"
    );
    assert!(
        ids[2..]
            .iter()
            .copied()
            .eq(sheet::FIRST_EVENT..sheet::FIRST_EVENT + 44)
    );
    let names: HashSet<_> = fixture
        .events
        .iter()
        .filter_map(|e| e.name.as_ref())
        .collect();
    assert_eq!(
        names.len(),
        fixture.events.len() - 1,
        "names unique (one is missing)"
    );
    let emails: HashSet<String> = sheet::CLIENTS.iter().map(|c| c.email()).collect();
    assert_eq!(emails.len(), sheet::CLIENTS.len());
}

#[test]
fn every_generated_contract_has_one_client_and_good_rows() {
    let fixture = sheet::spec_and_generated();
    for contract in sheet::FIRST_CONTRACT..sheet::FIRST_CONTRACT + sheet::CONTRACTS as i64 {
        let rows: Vec<_> = expected_rows(&fixture)
            .into_iter()
            .filter(|(_, e)| e.contract == Some(contract))
            .collect();
        assert!(rows.len() >= 2, "contract {contract}: {} rows", rows.len());
        let owner = sheet::client_of_contract(contract);
        for (row, event) in rows {
            assert_eq!(
                event.client_name.as_deref(),
                Some(owner.client_name),
                "row {row}"
            );
            assert_eq!(event.contact_email, Some(owner.email()), "row {row}");
        }
    }
}

#[test]
fn each_csv_style_reads_back_as_written() {
    let fixture = sheet::spec_and_generated();
    let dir = tempfile::tempdir().expect("a temp dir");
    for (style, name) in [
        (CsvStyle::English, "english.csv"),
        (CsvStyle::French, "french.csv"),
        (CsvStyle::Iso, "iso.csv"),
    ] {
        let path = dir.path().join(name);
        sheet::write_csv(&fixture, &path, style);
        check(&fixture, &path);
    }
}

#[test]
fn the_csv_styles_are_what_they_say() {
    let fixture = sheet::spec_and_generated();
    let dir = tempfile::tempdir().expect("a temp dir");
    let text = |style| {
        let path = dir.path().join("sheet.csv");
        sheet::write_csv(&fixture, &path, style);
        std::fs::read_to_string(path).expect("the CSV")
    };
    let english = text(CsvStyle::English);
    assert!(english.starts_with("Event ID,Event,Contract ID,Client name,"));
    assert!(
        english.contains("4 Jun 2023 @ 1PM,5 Jun 2023 @ 2AM"),
        "{english}"
    );
    let french = text(CsvStyle::French);
    assert!(french.starts_with("\u{feff}ID événement;Événement;ID contrat;Nom du client;"));
    assert!(french.contains("04/06/2023 13:00;05/06/2023 02:00"));
    assert!(text(CsvStyle::Iso).contains("2023-06-04 13:00,2023-06-05 02:00"));
}

#[test]
fn the_workbook_reads_back_as_written_with_real_date_cells() {
    let fixture = sheet::spec_and_generated();
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("events.xlsx");
    sheet::write_xlsx(&fixture, &path);
    check(&fixture, &path);

    let mut workbook: Xlsx<_> = open_workbook(&path).expect("the workbook");
    let range = workbook
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("its cells");
    let column = |field| COLUMNS.iter().position(|f| *f == field).expect("a column");
    let (start, attendees) = (column(ImportField::Start), column(ImportField::Attendees));
    for (row, event) in fixture.rows() {
        let cell = |c: usize| range.get((row - 1, c)).cloned().unwrap_or(Data::Empty);
        if event.raw.is_empty() {
            let Data::DateTime(at) = cell(start) else {
                panic!("row {row}: start is {:?}", cell(start))
            };
            assert_eq!(at.as_datetime(), event.start, "row {row}");
        }
        match (event.attendees, cell(attendees)) {
            (_, Data::String(text)) => assert_eq!(text, "many", "row {row}"),
            (Some(n), Data::Float(f)) => assert_eq!(f, n as f64, "row {row}"),
            (None, Data::Empty) => {}
            (n, other) => panic!("row {row}: attendees {n:?} written as {other:?}"),
        }
    }
}

#[test]
fn the_spec_events_read_back_from_blocks() {
    let events = sheet::spec_events();
    let dir = tempfile::tempdir().expect("a temp dir");
    let starts = sheet::block_rows(&events);
    assert_eq!(starts, [1, 13]);
    for name in ["blocks.xlsx", "blocks.csv"] {
        let path = dir.path().join(name);
        if name.ends_with("xlsx") {
            sheet::write_blocks_xlsx(&events, &path);
        } else {
            sheet::write_blocks_csv(&events, &path);
        }
        let (layout, results) = read(&path);
        assert_eq!(layout, Layout::Blocks, "{name}");
        assert_eq!(results.len(), 2, "{name}");
        for ((event, row), result) in events.iter().zip(&starts).zip(results) {
            let read = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            same(&read, &expected_import_row(*row, event));
        }
    }
}

#[test]
fn the_plan_bad_rows_fail_only_through_the_database() {
    let fixture = sheet::spec_and_generated();
    let plan_bad: Vec<_> = fixture
        .bad_rows
        .iter()
        .filter(|b| b.stage == Stage::Plan)
        .map(|b| (b.row, &fixture.events[b.row - 2]))
        .collect();
    let [(16, nobody), (34, foreign)] = plan_bad[..] else {
        panic!("{plan_bad:?}")
    };
    assert_eq!(nobody.support.as_deref(), Some("Nobody Atall"));
    let contract = nobody.contract.expect("a contract");
    assert_eq!(
        nobody.client_name.as_deref(),
        Some(sheet::client_of_contract(contract).client_name)
    );
    // John Ouick's contract, named by a new event of a client of the sheet's.
    assert_eq!(foreign.contract, Some(652));
    assert!(
        foreign
            .contact_email
            .as_deref()
            .is_some_and(|e| e.ends_with("@sheet.example"))
    );
    for event in [nobody, foreign] {
        let id = event.event_id.expect("a new event id");
        assert!(id >= sheet::FIRST_BAD_EVENT, "{id}");
    }
}

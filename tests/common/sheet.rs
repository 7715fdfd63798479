//! The support team's spreadsheet as the import tests feed it: SPEC.md's
//! events 109 and 1023 exactly as the demo holds them, then generated new
//! clients, contracts and events (deterministic, no randomness), with a
//! few rows that must fail — some when read, some when planned — spread
//! through the sheet. Written as CSV (English, French, ISO dates), as a
//! workbook with real date cells, and in SPEC.md's label/value blocks.
//!
//! Times are wall clocks in [`ZONE`], the zone the demo's SPEC.md dates
//! were written in: a database importing these sheets must have it as its
//! company zone, or events 109 and 1023 would move.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};
use epic::import::{ImportField, ImportRow};
use epic::zone::{Tz, Zone};

/// The company zone the fixture's wall clocks are in.
pub const ZONE: Tz = Tz::Europe__Paris;

/// The support employees of the demo (`src/data/demo.rs`), as named there.
pub const DEMO_SUPPORT: [&str; 3] = ["Kate Hastroff", "Aliénor Vichum", "Théo Marchand"];

/// The first generated contract and event ids, and the bad rows' event ids.
pub const FIRST_CONTRACT: i64 = 9001;
pub const FIRST_EVENT: i64 = 9101;
pub const FIRST_BAD_EVENT: i64 = 9201;

/// How many generated contracts and good rows the fixture has.
pub const CONTRACTS: usize = 20;
pub const GENERATED_ROWS: usize = 52;

/// One row of the sheet, as written. Empty fields are empty cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetEvent {
    pub event_id: Option<i64>,
    pub name: Option<String>,
    pub contract: Option<i64>,
    /// The client: a person's name, or a company's (the contact then names the person).
    pub client_name: Option<String>,
    /// Written as one "Client contact" cell, `name\nemail\nphone` (parts left out when none).
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// Wall clocks in [`ZONE`].
    pub start: Option<NaiveDateTime>,
    pub end: Option<NaiveDateTime>,
    pub support: Option<String>,
    pub location: Option<String>,
    pub attendees: Option<i64>,
    pub notes: Option<String>,
    /// Cells written as this text instead of the field's value (a bad cell).
    pub raw: Vec<(ImportField, String)>,
}

/// Which step refuses a bad row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The reader: `epic::import` gives a `RowError` for it.
    Read,
    /// The planner: the row reads fine, the database refuses it.
    Plan,
}

/// A row that must fail, and a fragment of the reason given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadRow {
    /// The row the spreadsheet shows (the header is row 1).
    pub row: usize,
    pub why: &'static str,
    pub stage: Stage,
}

/// A sheet: its events in the order written (row 2 on), and which fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    pub events: Vec<SheetEvent>,
    pub bad_rows: Vec<BadRow>,
}

impl Fixture {
    /// Every row with the number a spreadsheet shows it at.
    pub fn rows(&self) -> impl Iterator<Item = (usize, &SheetEvent)> {
        self.events.iter().enumerate().map(|(at, e)| (at + 2, e))
    }

    /// The bad row at `row`, if it is one.
    pub fn bad(&self, row: usize) -> Option<&BadRow> {
        self.bad_rows.iter().find(|b| b.row == row)
    }

    /// The events that read without error: good rows and the plan-bad ones.
    pub fn readable_rows(&self) -> Vec<(usize, &SheetEvent)> {
        self.rows()
            .filter(|(row, _)| self.bad(*row).is_none_or(|b| b.stage == Stage::Plan))
            .collect()
    }
}

/// The good rows (neither read- nor plan-bad) with their row numbers: what
/// an import must leave in the database.
pub fn expected_rows(fixture: &Fixture) -> Vec<(usize, &SheetEvent)> {
    fixture
        .rows()
        .filter(|(row, _)| fixture.bad(*row).is_none())
        .collect()
}

/// A wall clock of the fixture as the instant it means.
pub fn instant(at: NaiveDateTime) -> DateTime<Utc> {
    Zone::company(ZONE).instant(at)
}

/// What `epic::import` reads `event` on `row` as (it has no raw cell).
pub fn expected_import_row(row: usize, event: &SheetEvent) -> ImportRow {
    ImportRow {
        row,
        event_id: event.event_id,
        event_name: event.name.clone(),
        contract: event.contract,
        client_name: event.client_name.clone(),
        client_email: None,
        client_phone: None,
        company: None,
        sales: None,
        contact_name: event.contact_name.clone(),
        contact_email: event.contact_email.clone(),
        contact_phone: event.contact_phone.clone(),
        start: event.start.map(instant),
        end: event.end.map(instant),
        support: event.support.clone(),
        location: event.location.clone(),
        attendees: event.attendees,
        notes: event.notes.clone(),
    }
}

fn wall(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|day| day.and_hms_opt(h, mi, 0))
        .expect("a fixture date")
}

fn some(text: &str) -> Option<String> {
    Some(text.to_owned())
}

/// SPEC.md's events 109 and 1023, as `src/data/demo.rs` holds them.
pub fn spec_events() -> Vec<SheetEvent> {
    let wedding = SheetEvent {
        event_id: Some(109),
        name: some("John Ouick Wedding"),
        contract: Some(652),
        client_name: some("John Ouick"),
        contact_name: some("John Ouick"),
        contact_email: some("john.ouick@gmail.com"),
        contact_phone: some("+1 234 567 8901"),
        start: Some(wall(2023, 6, 4, 13, 0)),
        end: Some(wall(2023, 6, 5, 2, 0)),
        support: some("Kate Hastroff"),
        location: some("53 Rue du Château, 41120 Candé-sur-Beuvron, France"),
        attendees: Some(75),
        notes: some(
            "Wedding starts at 3PM, by the river. Catering is organized, reception starts at 5PM.",
        ),
        raw: Vec::new(),
    };
    let assembly = SheetEvent {
        event_id: Some(1023),
        name: some("Lou Bouzin General Assembly"),
        contract: Some(412),
        client_name: some("Lou Bouzin"),
        contact_name: some("Jacky Blangier"),
        contact_email: some("jacky@loubouzin.grd"),
        contact_phone: some("+ 666 12345"),
        start: Some(wall(2023, 5, 5, 15, 0)),
        end: Some(wall(2023, 5, 5, 17, 0)),
        support: some("Aliénor Vichum"),
        location: some("Salle des fêtes de Mufflins"),
        attendees: Some(200),
        notes: some("Shareholders' general assembly (~200 people)."),
        raw: Vec::new(),
    };
    vec![wedding, assembly]
}

/// A new client of the sheet: the name the sheet gives (a company's or
/// the person's), the person, their email (unique) and phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetClient {
    pub client_name: &'static str,
    pub contact_name: &'static str,
    /// The email before `@`: [`EMAIL_DOMAIN`] follows.
    pub local: &'static str,
    pub phone: Option<&'static str>,
}

impl SheetClient {
    /// The client's email, unique to them.
    pub fn email(&self) -> String {
        format!("{}@{EMAIL_DOMAIN}", self.local)
    }

    /// The client's company, when the sheet names one.
    pub fn company(&self) -> Option<&'static str> {
        (self.client_name != self.contact_name).then_some(self.client_name)
    }
}

/// The twelve new clients, five of them companies.
pub const CLIENTS: [SheetClient; 12] = [
    client(
        "Nadia Roussel",
        "Nadia Roussel",
        "nadia.roussel",
        Some("+33 6 12 34 56 01"),
    ),
    client(
        "Brasserie Lumière",
        "Paul Girard",
        "paul.girard",
        Some("+33 1 42 00 11 02"),
    ),
    client(
        "Owen Hartley",
        "Owen Hartley",
        "owen.hartley",
        Some("+44 20 7946 0103"),
    ),
    client(
        "Atelier Vernet",
        "Claire Vernet",
        "claire.vernet",
        Some("+33 4 78 22 33 04"),
    ),
    client(
        "Élodie Marchetti",
        "Élodie Marchetti",
        "elodie.marchetti",
        None,
    ),
    client(
        "Northwind Events Ltd",
        "Sam Whitfield",
        "sam.whitfield",
        Some("+44 161 496 0106"),
    ),
    client(
        "Yannick Le Goff",
        "Yannick Le Goff",
        "yannick.legoff",
        Some("06 11 22 33 07"),
    ),
    client(
        "Cabinet Dufresne & Fils",
        "Louis Dufresne",
        "louis.dufresne",
        Some("+33 5 56 00 08 08"),
    ),
    client(
        "Maya Okafor",
        "Maya Okafor",
        "maya.okafor",
        Some("+1 415 555 0109"),
    ),
    client(
        "Vignobles Castel",
        "Inès Castel",
        "ines.castel",
        Some("+33 5 57 10 10 10"),
    ),
    client("Hugo Bernier", "Hugo Bernier", "hugo.bernier", None),
    client(
        "Lumen Studio",
        "Rita Moreau",
        "rita.moreau",
        Some("+33 9 70 12 12 12"),
    ),
];

const fn client(
    client_name: &'static str,
    contact_name: &'static str,
    email: &'static str,
    phone: Option<&'static str>,
) -> SheetClient {
    SheetClient {
        client_name,
        contact_name,
        local: email,
        phone,
    }
}

/// The domain of every new client's email.
pub const EMAIL_DOMAIN: &str = "sheet.example";

/// The client of generated contract `contract` (9001.. ).
pub fn client_of_contract(contract: i64) -> &'static SheetClient {
    let at = usize::try_from(contract - FIRST_CONTRACT).expect("a generated contract");
    &CLIENTS[at % CLIENTS.len()]
}

const KINDS: [&str; 13] = [
    "Launch Party",
    "Annual Dinner",
    "Wedding",
    "Seminar",
    "Birthday Party",
    "Wine Tasting",
    "Product Demo",
    "Board Meeting",
    "Garden Party",
    "Team Building",
    "Gala",
    "Workshop",
    "Christmas Party",
];

const PLACES: [&str; 5] = [
    "12 Quai des Chartrons, 33000 Bordeaux",
    "Le Grand Hangar, Nantes",
    "Château de Vaux, 77950 Maincy",
    "The Loft, 3 Rue Oberkampf, Paris",
    "Domaine des Pins, Arcachon",
];

/// Generated good row `g`: contract 9001 + g % 20, its client, an event
/// every four days from October 2026 (over both clock changes).
fn generated(g: usize, event_id: Option<i64>) -> SheetEvent {
    let contract = FIRST_CONTRACT + (g % CONTRACTS) as i64;
    let who = client_of_contract(contract);
    let day = NaiveDate::from_ymd_opt(2026, 10, 5).expect("a date") + Duration::days(4 * g as i64);
    let start = day
        .and_hms_opt(8 + (g * 5 % 13) as u32, [0, 15, 30, 45][g % 4], 0)
        .expect("a time");
    let hours = if g % 9 == 0 { 26 } else { 2 + g % 4 };
    let notes = match g % 4 {
        0 => Some(format!(
            "Client asked for a {} setup.\nCall {} a week before.",
            ["quiet", "festive", "formal"][g % 3],
            who.contact_name
        )),
        1 => None,
        _ => some(
            [
                "Vegetarian menu.",
                "Projector needed.",
                "Parking for 20 cars.",
            ][g % 3],
        ),
    };
    SheetEvent {
        event_id,
        name: Some(format!("{} {}", who.client_name, KINDS[g % KINDS.len()])),
        contract: Some(contract),
        client_name: some(who.client_name),
        contact_name: some(who.contact_name),
        contact_email: Some(who.email()),
        contact_phone: who.phone.map(str::to_owned),
        start: Some(start),
        end: Some(start + Duration::hours(hours as i64)),
        support: (g % 5 != 4).then(|| DEMO_SUPPORT[g % 3].to_owned()),
        location: (g % 4 != 1).then(|| PLACES[g % PLACES.len()].to_owned()),
        attendees: (g % 6 != 2).then_some(10 + (g as i64 * 37) % 290),
        notes,
        raw: Vec::new(),
    }
}

/// The bad rows: (index among the events, starting 0, what is wrong).
/// Spread through the sheet; the last event stays good.
const BAD_AT: [(usize, Bad); 6] = [
    (5, Bad::NotADate),
    (14, Bad::UnknownSupport),
    (23, Bad::ManyAttendees),
    (32, Bad::ForeignContract),
    (41, Bad::EndBeforeStart),
    (50, Bad::NoName),
];

#[derive(Debug, Clone, Copy)]
enum Bad {
    NotADate,
    ManyAttendees,
    EndBeforeStart,
    NoName,
    UnknownSupport,
    ForeignContract,
}

impl Bad {
    fn why(self) -> (&'static str, Stage) {
        match self {
            Bad::NotADate => ("is not a date", Stage::Read),
            Bad::ManyAttendees => ("not a whole number", Stage::Read),
            Bad::EndBeforeStart => ("before", Stage::Read),
            Bad::NoName => ("is missing", Stage::Read),
            Bad::UnknownSupport => ("Nobody Atall", Stage::Plan),
            Bad::ForeignContract => ("contract", Stage::Plan),
        }
    }

    /// `event` (a generated row) spoiled this way.
    fn spoil(self, mut event: SheetEvent) -> SheetEvent {
        match self {
            Bad::NotADate => event
                .raw
                .push((ImportField::Start, "next Tuesday-ish".into())),
            Bad::ManyAttendees => event.raw.push((ImportField::Attendees, "many".into())),
            Bad::EndBeforeStart => event.end = event.start.map(|s| s - Duration::hours(3)),
            Bad::NoName => event.name = None,
            Bad::UnknownSupport => event.support = some("Nobody Atall"),
            // John Ouick's contract, for a client of the sheet's.
            Bad::ForeignContract => event.contract = Some(652),
        }
        event
    }
}

/// SPEC.md's two events, then 52 generated good rows (8 without an event
/// id) with six bad rows among them.
pub fn spec_and_generated() -> Fixture {
    let mut events = spec_events();
    let mut bad_rows = Vec::new();
    let (mut next_event, mut next_bad, mut g) = (FIRST_EVENT, FIRST_BAD_EVENT, 0);
    let bad_at: HashMap<usize, Bad> = BAD_AT.into_iter().collect();
    while g < GENERATED_ROWS {
        let at = events.len();
        if let Some(bad) = bad_at.get(&at) {
            let (why, stage) = bad.why();
            bad_rows.push(BadRow {
                row: at + 2,
                why,
                stage,
            });
            events.push(bad.spoil(generated(g + 100, Some(next_bad))));
            next_bad += 1;
            continue;
        }
        let id = (g % 6 != 5).then(|| {
            next_event += 1;
            next_event - 1
        });
        events.push(generated(g, id));
        g += 1;
    }
    Fixture { events, bad_rows }
}

/// How a CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvStyle {
    /// English headers, `,`, dates as SPEC.md writes them (`4 Jun 2023 @ 1PM`).
    English,
    /// French headers, `;`, a UTF-8 BOM, dates day first (`04/06/2023 13:00`).
    French,
    /// English headers, `,`, ISO dates (`2023-06-04 13:00`).
    Iso,
}

/// The columns written, in order.
pub const COLUMNS: [ImportField; 11] = [
    ImportField::EventId,
    ImportField::EventName,
    ImportField::Contract,
    ImportField::ClientName,
    ImportField::ClientContact,
    ImportField::Start,
    ImportField::End,
    ImportField::Support,
    ImportField::Location,
    ImportField::Attendees,
    ImportField::Notes,
];

/// The header of `field`, English or French, one the reader accepts.
pub fn header(field: ImportField, french: bool) -> &'static str {
    let name = match (field, french) {
        (ImportField::EventId, false) => "Event ID",
        (ImportField::EventId, true) => "ID événement",
        (ImportField::EventName, false) => "Event",
        (ImportField::EventName, true) => "Événement",
        (ImportField::Contract, false) => "Contract ID",
        (ImportField::Contract, true) => "ID contrat",
        (ImportField::ClientName, false) => "Client name",
        (ImportField::ClientName, true) => "Nom du client",
        (ImportField::ClientContact, false) => "Client contact",
        (ImportField::ClientContact, true) => "Contact client",
        (ImportField::Start, false) => "Start",
        (ImportField::Start, true) => "Début",
        (ImportField::End, false) => "End",
        (ImportField::End, true) => "Fin",
        (ImportField::Support, false) => "Support contact",
        (ImportField::Support, true) => "Contact support",
        (ImportField::Location, false) => "Location",
        (ImportField::Location, true) => "Lieu",
        (ImportField::Attendees, false) => "Attendees",
        (ImportField::Attendees, true) => "Participants",
        (ImportField::Notes, false) => "Notes",
        (ImportField::Notes, true) => "Remarques",
        (other, _) => panic!("the fixture writes no {other} column"),
    };
    assert!(
        field.headers().contains(&name),
        "{name} is not a {field} header"
    );
    name
}

/// `4 Jun 2023 @ 1PM`, `5 Oct 2026 @ 9:15AM`.
pub fn spreadsheet_date(at: NaiveDateTime) -> String {
    let hour = match at.hour() % 12 {
        0 => 12,
        h => h,
    };
    let meridiem = if at.hour() < 12 { "AM" } else { "PM" };
    let clock = match at.minute() {
        0 => format!("{hour}{meridiem}"),
        m => format!("{hour}:{m:02}{meridiem}"),
    };
    format!("{} {} {} @ {clock}", at.day(), at.format("%b"), at.year())
}

/// The contact cell: `name\nemail\nphone`, the parts there are.
pub fn contact_cell(event: &SheetEvent) -> Option<String> {
    let parts: Vec<&str> = [
        &event.contact_name,
        &event.contact_email,
        &event.contact_phone,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// A cell's value before it is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(i64),
    Date(NaiveDateTime),
}

/// The value of `event`'s `field` cell (a raw override first).
pub fn value(event: &SheetEvent, field: ImportField) -> Value {
    if let Some((_, text)) = event.raw.iter().find(|(f, _)| *f == field) {
        return Value::Text(text.clone());
    }
    let text = |t: &Option<String>| t.clone().map_or(Value::Empty, Value::Text);
    let number = |n: Option<i64>| n.map_or(Value::Empty, Value::Number);
    let date = |d: Option<NaiveDateTime>| d.map_or(Value::Empty, Value::Date);
    match field {
        ImportField::EventId => number(event.event_id),
        ImportField::EventName => text(&event.name),
        ImportField::Contract => number(event.contract),
        ImportField::ClientName => text(&event.client_name),
        ImportField::ClientContact => text(&contact_cell(event)),
        ImportField::Start => date(event.start),
        ImportField::End => date(event.end),
        ImportField::Support => text(&event.support),
        ImportField::Location => text(&event.location),
        ImportField::Attendees => number(event.attendees),
        ImportField::Notes => text(&event.notes),
        other => panic!("the fixture writes no {other} column"),
    }
}

fn csv_text(value: Value, style: CsvStyle) -> String {
    match value {
        Value::Empty => String::new(),
        Value::Text(text) => text,
        Value::Number(n) => n.to_string(),
        Value::Date(at) => match style {
            CsvStyle::English => spreadsheet_date(at),
            CsvStyle::French => at.format("%d/%m/%Y %H:%M").to_string(),
            CsvStyle::Iso => at.format("%Y-%m-%d %H:%M").to_string(),
        },
    }
}

/// Writes `fixture` as a CSV file in `style`, a header row first.
pub fn write_csv(fixture: &Fixture, path: &Path, style: CsvStyle) {
    let mut out: Vec<u8> = Vec::new();
    if style == CsvStyle::French {
        out.extend_from_slice(b"\xef\xbb\xbf");
    }
    let mut writer = csv::WriterBuilder::new()
        .delimiter(if style == CsvStyle::French {
            b';'
        } else {
            b','
        })
        .from_writer(out);
    let french = style == CsvStyle::French;
    writer
        .write_record(COLUMNS.map(|f| header(f, french)))
        .expect("a header");
    for event in &fixture.events {
        let cells = COLUMNS.map(|f| csv_text(value(event, f), style));
        writer.write_record(&cells).expect("a record");
    }
    let bytes = writer.into_inner().expect("the CSV text");
    std::fs::write(path, bytes).expect("the CSV written");
}

/// The number format of the workbook's date cells.
pub const XLSX_DATE_FORMAT: &str = "dd/mm/yyyy hh:mm";

fn write_cell(
    sheet: &mut rust_xlsxwriter::Worksheet,
    (row, column): (u32, u16),
    value: Value,
    date: &rust_xlsxwriter::Format,
) {
    match value {
        Value::Empty => Ok(sheet),
        Value::Text(text) => sheet.write_string(row, column, text),
        Value::Number(n) => sheet.write_number(row, column, n as f64),
        Value::Date(at) => sheet.write_datetime_with_format(row, column, at, date),
    }
    .expect("a cell written");
}

/// Writes `fixture` as a workbook: a header row, dates as Excel date
/// cells, numbers as numbers, empty cells left out.
pub fn write_xlsx(fixture: &Fixture, path: &Path) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format(XLSX_DATE_FORMAT);
    for (column, field) in COLUMNS.into_iter().enumerate() {
        let at = (0, column as u16);
        write_cell(sheet, at, Value::Text(header(field, false).into()), &date);
    }
    for (at, event) in fixture.events.iter().enumerate() {
        for (column, field) in COLUMNS.into_iter().enumerate() {
            let cell = (at as u32 + 1, column as u16);
            write_cell(sheet, cell, value(event, field), &date);
        }
    }
    workbook.save(path).expect("the workbook saved");
}

/// The rows the blocks of `events` start on: one line per column, a blank
/// row between blocks.
pub fn block_rows(events: &[SheetEvent]) -> Vec<usize> {
    (0..events.len())
        .map(|at| 1 + at * (COLUMNS.len() + 1))
        .collect()
}

/// Writes `events` as SPEC.md lays them out: a label in column A, its
/// value in B, a blank row between events (dates as Excel dates).
pub fn write_blocks_xlsx(events: &[SheetEvent], path: &Path) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format(XLSX_DATE_FORMAT);
    for (event, first) in events.iter().zip(block_rows(events)) {
        for (line, field) in COLUMNS.into_iter().enumerate() {
            let row = (first + line - 1) as u32;
            write_cell(
                sheet,
                (row, 0),
                Value::Text(header(field, false).into()),
                &date,
            );
            write_cell(sheet, (row, 1), value(event, field), &date);
        }
    }
    workbook.save(path).expect("the workbook saved");
}

/// The same blocks as CSV, dates as SPEC.md writes them.
pub fn write_blocks_csv(events: &[SheetEvent], path: &Path) {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for (at, event) in events.iter().enumerate() {
        if at > 0 {
            writer.write_record(["", ""]).expect("a blank row");
        }
        for field in COLUMNS {
            let text = csv_text(value(event, field), CsvStyle::English);
            writer
                .write_record([header(field, false), text.as_str()])
                .expect("a line");
        }
    }
    let bytes = writer.into_inner().expect("the CSV text");
    std::fs::write(path, bytes).expect("the CSV written");
}

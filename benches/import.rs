//! `epic import events` at scale, against `epic gen` making the same data.
//!
//! `cargo bench --bench import` writes a sheet of 100,000 event rows (CSV:
//! 10,000 contracts of 3,334 clients, a support contact on every third
//! event), then, on two fresh local databases holding the demo:
//!
//! - times `epic gen` adding the same numbers of clients, contracts and
//!   events (binary COPY, triggers off for the bulk: the floor);
//! - times `epic import events FILE --sales "Bill Boquet" --apply` as the
//!   admin (every row planned, written as the app role under row security
//!   with every trigger and the audit trail);
//! - measures the import's peak memory on a tenth of the sheet and on the
//!   whole: streamed, it stays flat.
//!
//! The target (issue 17): the import within 3x gen's time. It prints the
//! table and writes it into `BENCH.md`'s "Importing the support team's
//! sheet" section. Options: `-- --rows N` (default 100000), `--no-write`.

mod common;
use common::section;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use common::{ADMIN_EMAIL, ADMIN_PASSWORD, Bench, Run, measure};

const SECTION: &str = "## Importing the support team's sheet";

/// The demo's salesperson who owns the sheet's new clients.
const SALES: &str = "Bill Boquet";

struct Sheet {
    events: usize,
    contracts: usize,
    clients: usize,
}

impl Sheet {
    fn of(events: usize) -> Sheet {
        let contracts = events.div_ceil(10);
        Sheet {
            events,
            contracts,
            clients: contracts.div_ceil(3),
        }
    }

    /// The sheet as the support team's CSV: English headers, day-first dates.
    fn write(&self, path: &Path) {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("the sheet"));
        writeln!(
            out,
            "Event ID,Event,Contract ID,Client name,Client email,Client phone,Start,End,\
             Support contact,Location,Attendees,Notes"
        )
        .expect("written");
        for i in 0..self.events {
            let contract = i / 10;
            let client = contract / 3;
            let day = 1 + i % 28;
            let support = if i % 3 == 0 { "Kate Hastroff" } else { "" };
            writeln!(
                out,
                "{},Event {i},{},Client {client},client{client}@sheet.example,+33 1 00 00 {:02} 00,\
                 {day:02}/06/2027 13:00,{day:02}/06/2027 18:00,{support},Hall {},{},",
                20_000 + i,
                20_000 + contract,
                client % 100,
                i % 50,
                i % 300
            )
            .expect("written");
        }
    }
}

struct Options {
    rows: usize,
    write: bool,
}

fn options() -> Options {
    let mut options = Options {
        rows: 100_000,
        write: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rows" => options.rows = args.next().and_then(|n| n.parse().ok()).expect("--rows N"),
            "--no-write" => options.write = false,
            // cargo bench passes --bench.
            _ => {}
        }
    }
    options
}

/// A fresh local database holding the demo, its admin logged in.
fn fresh(dir: &Path) -> Bench {
    let bench = Bench::new(dir);
    let demo = bench.epic(None).arg("demo").output().expect("epic demo");
    assert!(demo.status.success(), "epic demo failed");
    bench.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    bench
}

fn import(bench: &Bench, sheet: &Path) -> Run {
    let mut command = bench.epic(Some(ADMIN_EMAIL));
    command
        .args(["import", "events"])
        .arg(sheet)
        .args(["--sales", SALES, "--apply"])
        .stderr(std::process::Stdio::null());
    measure(&mut command, None)
}

fn stop(bench: &Bench) {
    let _ = bench.epic(None).args(["db", "stop"]).output();
}

fn main() {
    let options = options();
    let root = tempfile::tempdir().expect("a directory");
    let sheet = Sheet::of(options.rows);
    let tenth = Sheet::of(options.rows / 10);
    let (whole_csv, tenth_csv) = (root.path().join("sheet.csv"), root.path().join("tenth.csv"));
    sheet.write(&whole_csv);
    tenth.write(&tenth_csv);

    eprintln!("epic gen of {} events ...", sheet.events);
    // gen fills an empty CRM with the demo and the bulk, its totals
    // counting the demo's records.
    use epic::data::demo::{DEMO_CLIENTS, DEMO_CONTRACTS, DEMO_EVENTS};
    let generated = Bench::new(&root.path().join("gen"));
    let mut command = generated.epic(None);
    command.args([
        "gen",
        "--clients",
        &(sheet.clients as u64 + DEMO_CLIENTS).to_string(),
        "--contracts",
        &(sheet.contracts as u64 + DEMO_CONTRACTS).to_string(),
        "--events",
        &(sheet.events as u64 + DEMO_EVENTS).to_string(),
    ]);
    let generating = measure(&mut command, None);
    stop(&generated);

    eprintln!("epic import of {} rows ...", sheet.events);
    let importing = fresh(&root.path().join("import"));
    let whole = import(&importing, &whole_csv);
    stop(&importing);
    eprintln!("epic import of {} rows ...", tenth.events);
    let importing = fresh(&root.path().join("import-tenth"));
    let small = import(&importing, &tenth_csv);
    stop(&importing);

    let ratio = whole.wall.as_secs_f64() / generating.wall.as_secs_f64();
    let mut text = String::new();
    let _ = writeln!(text, "{SECTION}\n");
    let _ = writeln!(
        text,
        "Regenerate with `cargo bench --bench import`. A sheet of {} event rows ({} contracts, \
         {} clients, a support contact on every third event) imported with `epic import events \
         FILE --sales \"{SALES}\" --apply` into a fresh demo, against `epic gen` adding the same \
         numbers to an empty database (the demo, then COPY with triggers off for the bulk, one transaction).\n",
        sheet.events, sheet.contracts, sheet.clients
    );
    let _ = writeln!(
        text,
        "| measure | value | target | met |\n| --- | ---: | --- | --- |"
    );
    let met = |ok: bool| if ok { "yes" } else { "**no**" };
    let _ = writeln!(
        text,
        "| import of {} rows / `epic gen` of the same ({:.2} s / {:.2} s) | {ratio:.2} | ≤ 3 | {} |",
        sheet.events,
        whole.wall.as_secs_f64(),
        generating.wall.as_secs_f64(),
        met(ratio <= 3.0)
    );
    let growth = whole.max_rss_kib as f64 / small.max_rss_kib as f64;
    let _ = writeln!(
        text,
        "| import peak memory, {} rows / {} rows ({:.1} MiB / {:.1} MiB) | {growth:.2} | flat (≤ 1.5) | {} |",
        sheet.events,
        tenth.events,
        whole.max_rss_kib as f64 / 1024.0,
        small.max_rss_kib as f64 / 1024.0,
        met(growth <= 1.5)
    );
    println!("{text}");
    if options.write {
        section::write_section(SECTION, &text);
    }
}

//! Any bytes, read as a batch file is read, then each command parsed; what
//! parses is printed and parsed again (the same command), and planned or
//! explained as the shell would. libFuzzer looks for a panic anywhere on
//! the way; `tests/fuzz.rs` runs a bounded version of this in CI.

#![no_main]

use chrono::{Local, TimeZone};
use epic::plan::{self, PlanContext};
use epic::syntax::{self, Command};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(now) = Local.with_ymd_and_hms(2023, 6, 1, 12, 0, 0).single() else {
        return;
    };
    let context = PlanContext { me: Some(7), now };
    for entry in epic::input::Batch::new(data) {
        // Lines that are not UTF-8 or too long are errors of their own.
        let Ok(entry) = entry else { continue };
        let Ok(command) = syntax::parse(&entry.text) else {
            continue;
        };
        let printed = command.to_string();
        assert_eq!(syntax::parse(&printed).as_ref(), Ok(&command), "{printed}");
        match &command {
            Command::Explain(inner) => {
                let plan =
                    plan::plan_read(inner, &context).expect("explain takes only what has a plan");
                if let Ok(plan) = plan {
                    let mut text = format!("command: {inner}\nsql: {}\n", plan.sql);
                    for param in &plan.params {
                        text.push_str(&format!("{param}\n"));
                    }
                }
            }
            Command::Create(create) => {
                let _ = plan::plan_create(create, 7, &context, Vec::new());
            }
            Command::Update { entity, id, set } => {
                let _ = plan::plan_update(*entity, *id, set, &context);
            }
            Command::Report { report } => {
                let _ = plan::plan_report(*report);
            }
            other => {
                let _ = plan::plan_read(other, &context);
            }
        }
    }
});

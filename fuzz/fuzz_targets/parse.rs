//! Any bytes, read as a batch file is read, then each command parsed; what
//! parses is printed and parsed again (the same command), and planned or
//! explained as the shell would. libFuzzer looks for a panic anywhere on
//! the way; `tests/fuzz.rs` runs a bounded version of this in CI.

#![no_main]

use chrono::{Local, TimeZone};
use epic::model::Role;
use epic::plan::{self, PlanContext};
use epic::policy::{self, Allowed, Decision};
use epic::syntax;
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
        // Planned as the shell plans it: what the checker allows an admin
        // from the command alone (writes need their records' owners).
        match policy::authorize_now(Role::Admin, command) {
            Decision::Allowed(Allowed::Listing(query)) => {
                let _ = plan::plan_show(&query, &context, None, plan::Rows::Listing);
            }
            Decision::Allowed(Allowed::Count(query)) => {
                let _ = plan::plan_count(&query, &context);
            }
            Decision::Allowed(Allowed::Record(one)) => {
                let _ = plan::plan_show_one(&one);
            }
            Decision::Allowed(Allowed::Report(report)) => {
                let _ = plan::plan_report(&report);
            }
            Decision::Allowed(Allowed::Explain(inner)) => {
                let shown = inner.command().to_string();
                let plan = plan::plan_read(inner, &context, plan::Rows::Listing)
                    .expect("explain takes only what has a plan");
                if let Ok(plan) = plan {
                    let mut text = format!("command: {shown}\nsql: {}\n", plan.sql());
                    for param in plan.params() {
                        text.push_str(&format!("{param}\n"));
                    }
                }
            }
            _ => {}
        }
    }
});

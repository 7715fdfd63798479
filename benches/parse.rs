//! Parse + check + plan cost per command, for the examples of `help` (criterion).
//! The target is under 20 microseconds per command.
//!
//! Run with `cargo bench --bench parse`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use epic::model::Role;
use epic::plan::{self, PlanContext};
use epic::policy::{self, Allowed, Decision};
use epic::syntax::{self, help};

fn parse_and_plan(text: &str, context: &PlanContext) -> usize {
    let command = syntax::parse(text).expect("the examples parse");
    // As the shell does it: the checker first (an admin reads everything).
    let plan = match policy::authorize_now(Role::Admin, command) {
        Decision::Allowed(Allowed::Listing(query)) => {
            plan::plan_show(&query, context, None, plan::Rows::Listing).expect("plans")
        }
        Decision::Allowed(Allowed::Count(query)) => {
            plan::plan_count(&query, context).expect("plans")
        }
        Decision::Allowed(Allowed::Record(one)) => plan::plan_show_one(&one),
        _ => return 0,
    };
    plan.sql().len()
}

fn examples() -> Vec<&'static str> {
    help::COMMANDS
        .iter()
        .filter(|c| c.name == "show" || c.name == "count")
        .flat_map(|c| c.examples.iter().copied())
        .collect()
}

fn bench(c: &mut Criterion) {
    let context = PlanContext {
        me: Some(7),
        now: chrono::Utc::now(),
        zone: epic::zone::Zone::default(),
        indexed_searches: Vec::new(),
    };
    let examples = examples();
    c.bench_function(
        &format!("parse+plan, all {} examples", examples.len()),
        |b| {
            b.iter(|| {
                for example in &examples {
                    black_box(parse_and_plan(black_box(example), &context));
                }
            })
        },
    );
    let longest =
        "show events where client ~ \"Ouick\" or (location ~ \"Mufflins\" and attendees >= 100)";
    c.bench_function("parse+plan, the longest issue example", |b| {
        b.iter(|| black_box(parse_and_plan(black_box(longest), &context)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

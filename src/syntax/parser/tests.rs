//! Unit tests of the rule families: each command parses to its AST, and
//! representative mistakes give their message and span.

use super::*;
use crate::model::Field;
use crate::syntax::ast::{Assign, Command, Value};
use crate::syntax::error::SyntaxErrorKind;
use crate::validate::{Lines, code_point, refused};

/// Every character stored text may not hold, NUL aside (the lexer
/// refuses it in any string).
fn refused_characters() -> Vec<char> {
    ('\u{1}'..='\u{1f}')
        .chain('\u{7f}'..='\u{9f}')
        .chain('\u{202a}'..='\u{202e}')
        .chain('\u{2066}'..='\u{2069}')
        .collect()
}

/// Each stored text field, as `create` and `update` set it, with a value
/// it accepts once `{}` is replaced by plain text.
const STORED: &[(&str, &str, &str)] = &[
    ("client", "name", "Kevin {}Casey"),
    ("client", "email", "kevin{}@startup.io"),
    ("client", "phone", "+678 123 {}456 78"),
    ("client", "company", "Cool {}Startup"),
    ("event", "name", "Off{}-site"),
    ("event", "location", "Salle {}des fêtes"),
    ("event", "notes", "Catering {}at 5PM"),
    ("employee", "name", "Kate {}Hastroff"),
    ("employee", "email", "kate{}@epic.events"),
];

fn create(entity: &str, field: &str, value: &str) -> String {
    let required: &[(&str, &str)] = match entity {
        "client" => &[("name", r#""N""#), ("email", r#""n@e.io""#)],
        "event" => &[
            ("name", r#""N""#),
            ("start", "2023-06-04"),
            ("end", "2023-06-05"),
        ],
        _ => &[
            ("name", r#""N""#),
            ("email", r#""n@e.io""#),
            ("department", "sales"),
        ],
    };
    let parent = if entity == "event" {
        " for contract 7"
    } else {
        ""
    };
    let mut text = format!("create {entity}{parent}");
    for (name, given) in required.iter().filter(|(name, _)| *name != field) {
        text.push_str(&format!(" {name} {given}"));
    }
    text.push_str(&format!(r#" {field} "{value}""#));
    text
}

fn update(entity: &str, field: &str, value: &str) -> String {
    format!(r#"update {entity} 7 set {field} = "{value}""#)
}

#[test]
fn the_plain_values_of_every_stored_text_field_are_accepted() {
    for (entity, field, value) in STORED {
        let value = value.replace("{}", "");
        for text in [create(entity, field, &value), update(entity, field, &value)] {
            assert!(parse(&text).is_ok(), "{text}: {:?}", parse(&text));
        }
    }
}

#[test]
fn every_refused_character_in_every_stored_text_field_is_refused_where_it_was_typed() {
    for (entity, field, value) in STORED {
        let lines = if *field == "notes" {
            Lines::Many
        } else {
            Lines::One
        };
        for c in refused_characters()
            .into_iter()
            .filter(|&c| refused(c, lines))
        {
            // As typed (raw), and as an escape where there is one.
            let mut forms = vec![c.to_string()];
            match c {
                '\n' => forms.push(r"\n".to_owned()),
                '\t' => forms.push(r"\t".to_owned()),
                '\r' => forms.push(r"\r".to_owned()),
                _ => {}
            }
            for form in forms {
                let value = value.replace("{}", &form);
                for text in [create(entity, field, &value), update(entity, field, &value)] {
                    let error = parse(&text).expect_err(&text);
                    assert_eq!(error.kind, SyntaxErrorKind::BadValue, "{text:?}");
                    assert!(
                        error
                            .message
                            .starts_with(&format!("`{field}` cannot hold {} (", code_point(c))),
                        "{text:?}: {}",
                        error.message
                    );
                    assert_eq!(&text[error.span.clone()], form, "{text:?}");
                }
            }
        }
    }
}

#[test]
fn notes_may_hold_line_breaks_and_tabs_typed_or_escaped() {
    for notes in ["Catering\nat 5PM\tsharp", r"Catering\nat 5PM\tsharp"] {
        let text = format!(r#"update event 7 set notes = "{notes}""#);
        let Ok(Command::Update { set, .. }) = parse(&text) else {
            panic!("{text:?}: {:?}", parse(&text));
        };
        assert_eq!(
            set,
            vec![(
                Field::EventNotes,
                Assign::Value(Value::Text("Catering\nat 5PM\tsharp".to_owned()))
            )]
        );
    }
}

#[test]
fn filters_store_nothing_and_keep_every_character() {
    for c in refused_characters() {
        let text = format!("show events where name ~ \"a{c}b\"");
        assert!(parse(&text).is_ok(), "{}", code_point(c));
    }
    assert!(parse("revoke sessions of \"Kate\u{202e}\"").is_ok());
}

#[test]
fn the_error_names_the_character_and_draws_the_caret_under_it_neutralised() {
    let error = parse("update client 7 set name = \"Kate \u{202e}ffortsaH\"").unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "`name` cannot hold U+202E (a bidirectional control character)\n  \
         update client 7 set name = \"Kate \u{FFFD}ffortsaH\"\n  \
         {}^\n\
         help: stored text holds no control or bidirectional characters, \
         and only notes may hold line breaks and tabs",
            " ".repeat(33)
        )
    );
    let error = parse(r#"update event 7 set notes = "Room\r12""#).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "`notes` cannot hold U+000D (a control character)\n  \
         update event 7 set notes = \"Room\\r12\"\n  \
         {}^^\n\
         help: stored text holds no control or bidirectional characters; \
         notes may hold line breaks and tabs",
            " ".repeat(32)
        )
    );
}

// Each rule family parses to the expected AST.

use crate::format::Format;
use crate::model::{CompareOp, Entity};
use crate::syntax::ast::{Create, EmployeeRef, Filter, Order, Query, Report, TimeValue};
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn parsed(text: &str) -> Command {
    parse(text).unwrap_or_else(|e| panic!("`{text}` does not parse:\n{e}"))
}

fn compare(field: Field, op: CompareOp, value: Value) -> Filter {
    Filter::Compare { field, op, value }
}

fn money(text: &str) -> Value {
    Value::Money(text.parse::<Decimal>().expect("a decimal"))
}

#[test]
fn show_parses_its_filter_order_limit_and_offset() {
    assert_eq!(
        parsed(
            "show contracts where signed = true and remaining > 0 \
             order by remaining desc, created limit 20 offset 5"
        ),
        Command::Show(Query {
            entity: Entity::Contract,
            filter: Some(Filter::And(
                Box::new(compare(
                    Field::ContractSigned,
                    CompareOp::Eq,
                    Value::Bool(true)
                )),
                Box::new(compare(Field::ContractRemaining, CompareOp::Gt, money("0"))),
            )),
            order: vec![
                Order {
                    field: Field::ContractRemaining,
                    descending: true,
                },
                Order {
                    field: Field::ContractCreated,
                    descending: false,
                },
            ],
            limit: Some(20),
            offset: Some(5),
        })
    );
    assert_eq!(
        parsed("SHOW Event 109"),
        Command::ShowOne {
            entity: Entity::Event,
            id: 109
        }
    );
    assert_eq!(parsed("show sessions"), Command::ShowSessions);
    assert_eq!(parsed("show security"), Command::ShowSecurity);
    assert_eq!(parsed("show notifications"), Command::ShowNotifications);
}

#[test]
fn not_binds_tighter_than_and_which_binds_tighter_than_or() {
    let Command::Count { entity, filter } =
        parsed("count events where attendees > 1 or attendees < 9 and not support is none")
    else {
        panic!("a count");
    };
    assert_eq!(entity, Entity::Event);
    assert_eq!(
        filter,
        Some(Filter::Or(
            Box::new(compare(
                Field::EventAttendees,
                CompareOp::Gt,
                Value::Integer(1)
            )),
            Box::new(Filter::And(
                Box::new(compare(
                    Field::EventAttendees,
                    CompareOp::Lt,
                    Value::Integer(9)
                )),
                Box::new(Filter::Not(Box::new(Filter::IsNone {
                    field: Field::EventSupport,
                    negated: false
                }))),
            )),
        ))
    );
    let Command::Count { filter, .. } =
        parsed("count events where not (support is me or attendees >= 100)")
    else {
        panic!("a count");
    };
    assert_eq!(
        filter,
        Some(Filter::Not(Box::new(Filter::Or(
            Box::new(Filter::IsMe {
                field: Field::EventSupport,
                negated: false
            }),
            Box::new(compare(
                Field::EventAttendees,
                CompareOp::Ge,
                Value::Integer(100)
            )),
        ))))
    );
}

#[test]
fn conditions_take_in_lists_is_forms_and_typed_values() {
    let filter_of = |text: &str| match parsed(text) {
        Command::Show(Query { filter, .. }) => filter.expect("a filter"),
        other => panic!("not a listing: {other:?}"),
    };
    assert_eq!(
        filter_of("show employees where department in (sales, \"support\")"),
        Filter::In {
            field: Field::EmployeeDepartment,
            values: vec![Value::Enum("sales"), Value::Enum("support")],
        }
    );
    assert_eq!(
        filter_of("show events where support not in (\"Kate Hastroff\", 7)"),
        Filter::Not(Box::new(Filter::In {
            field: Field::EventSupport,
            values: vec![Value::Text("Kate Hastroff".into()), Value::Integer(7)],
        }))
    );
    assert_eq!(
        filter_of("show clients where phone is not none"),
        Filter::IsNone {
            field: Field::ClientPhone,
            negated: true
        }
    );
    assert_eq!(
        filter_of("show clients where company ~ \"startup\""),
        compare(
            Field::ClientCompany,
            CompareOp::Contains,
            Value::Text("startup".into())
        )
    );
    assert_eq!(
        filter_of("show contracts where total <> 12000.50"),
        compare(Field::ContractTotal, CompareOp::Ne, money("12000.50"))
    );
}

#[test]
fn times_take_every_documented_form() {
    let time_of = |text: &str| match parsed(&format!("show events where start = {text}")) {
        Command::Show(Query {
            filter:
                Some(Filter::Compare {
                    value: Value::Time(time),
                    ..
                }),
            ..
        }) => time,
        other => panic!("`{text}`: {other:?}"),
    };
    let june_4 = NaiveDate::from_ymd_opt(2023, 6, 4).expect("a day");
    let at = |h, m| TimeValue::DateTime(june_4.and_hms_opt(h, m, 0).expect("a time"));
    assert_eq!(time_of("2023-06-04"), TimeValue::Date(june_4));
    assert_eq!(time_of("2023-06-04T13:00"), at(13, 0));
    assert_eq!(time_of("4 Jun 2023"), TimeValue::Date(june_4));
    assert_eq!(time_of("4 june 2023 @ 1PM"), at(13, 0));
    assert_eq!(time_of("\"4 Jun 2023 @ 12:30 am\""), at(0, 30));
    assert_eq!(time_of("today"), TimeValue::RelativeDay(0));
    assert_eq!(time_of("tomorrow"), TimeValue::RelativeDay(1));
    assert_eq!(time_of("today+7d"), TimeValue::RelativeDay(7));
    assert_eq!(time_of("yesterday - 2w"), TimeValue::RelativeDay(-15));
    assert_eq!(time_of("now"), TimeValue::Now);
}

#[test]
fn the_other_reading_commands_parse() {
    assert_eq!(parsed("help"), Command::Help { topic: None });
    assert_eq!(
        parsed("help SHOW"),
        Command::Help {
            topic: Some("show")
        }
    );
    assert_eq!(parsed("quit"), Command::Quit);
    assert_eq!(parsed("exit"), Command::Quit);
    assert_eq!(
        parsed("set format csv"),
        Command::SetFormat {
            format: Format::Csv
        }
    );
    assert_eq!(
        parsed("explain count events where support is none"),
        Command::Explain(Box::new(Command::Count {
            entity: Entity::Event,
            filter: Some(Filter::IsNone {
                field: Field::EventSupport,
                negated: false
            }),
        }))
    );
    assert_eq!(
        parsed("report unpaid"),
        Command::Report {
            report: Report::Unpaid
        }
    );
}

#[test]
fn the_identity_commands_parse() {
    assert_eq!(
        parsed("login kate@epic.events"),
        Command::Login {
            email: "kate@epic.events".into()
        }
    );
    assert_eq!(
        parsed("  LOGIN \"kate@epic.events\" "),
        Command::Login {
            email: "kate@epic.events".into()
        }
    );
    assert_eq!(parsed("logout"), Command::Logout);
    assert_eq!(parsed("whoami"), Command::WhoAmI);
    assert_eq!(parsed("passwd"), Command::Passwd);
    assert_eq!(
        parsed("set security idle_minutes = 20"),
        Command::SetSecurity {
            setting: "idle_minutes",
            value: 20
        }
    );
    assert_eq!(
        parsed("revoke session 12"),
        Command::RevokeSession { id: 12 }
    );
    assert_eq!(
        parsed("revoke sessions of \"Kate Hastroff\""),
        Command::RevokeSessionsOf {
            employee: EmployeeRef::Name("Kate Hastroff".into())
        }
    );
    assert_eq!(
        parsed("unlock \"kate@epic.events\""),
        Command::Unlock {
            email: "kate@epic.events".into()
        }
    );
    assert_eq!(
        parsed("reset password of employee 7"),
        Command::ResetPassword {
            employee: EmployeeRef::Id(7)
        }
    );
}

#[test]
fn the_writing_commands_parse() {
    assert_eq!(
        parsed("create contract for client 12 total 12000.00 remaining 0"),
        Command::Create(Create {
            entity: Entity::Contract,
            parent: Some(12),
            values: vec![
                (Field::ContractTotal, Assign::Value(money("12000.00"))),
                (Field::ContractRemaining, Assign::Value(money("0"))),
            ],
        })
    );
    assert_eq!(
        parsed(
            "create employee name \"Bill Boquet\" email \"bill@epic.events\" \
             department sales"
        ),
        Command::Create(Create {
            entity: Entity::Employee,
            parent: None,
            values: vec![
                (
                    Field::EmployeeName,
                    Assign::Value(Value::Text("Bill Boquet".into()))
                ),
                (
                    Field::EmployeeEmail,
                    Assign::Value(Value::Text("bill@epic.events".into()))
                ),
                (
                    Field::EmployeeDepartment,
                    Assign::Value(Value::Enum("sales"))
                ),
            ],
        })
    );
    assert_eq!(
        parsed("update event 109 set support = none, attendees = 80"),
        Command::Update {
            entity: Entity::Event,
            id: 109,
            set: vec![
                (Field::EventSupport, Assign::None),
                (Field::EventAttendees, Assign::Value(Value::Integer(80))),
            ],
        }
    );
    assert_eq!(
        parsed("delete employee 7 reassign to \"Kate Hastroff\""),
        Command::Delete {
            entity: Entity::Employee,
            id: 7,
            reassign_to: Some(EmployeeRef::Name("Kate Hastroff".into())),
        }
    );
    assert_eq!(
        parsed("deactivate employee 9"),
        Command::Deactivate {
            employee: EmployeeRef::Id(9)
        }
    );
}

// Representative mistakes: the whole rendered message, caret and help.
/// Checks the whole rendered error of `text`, and its class.
fn check(text: &str, kind: SyntaxErrorKind, expected: &str) {
    let error = parse(text).expect_err(text);
    assert_eq!(error.to_string(), expected, "{text}");
    assert_eq!(error.kind, kind, "{text}");
}

#[test]
fn unknown_words_are_named_with_a_suggestion() {
    check(
        "shwo events",
        SyntaxErrorKind::Unknown,
        "unknown command `shwo`\n  shwo events\n  ^^^^\nhelp: did you mean `show`?",
    );
    check(
        "show evnets",
        SyntaxErrorKind::Unknown,
        "unknown entity `evnets`\n  show evnets\n       ^^^^^^\nhelp: did you mean `events`?",
    );
    check(
        "show events where suport is none",
        SyntaxErrorKind::Unknown,
        "events have no field `suport`\n  show events where suport is none\n                    ^^^^^^\n\
         help: did you mean `support`?",
    );
    check(
        "set format tabel",
        SyntaxErrorKind::Unknown,
        "unknown format `tabel`\n  set format tabel\n             ^^^^^\nhelp: did you mean `table`?",
    );
    check(
        "update employee 7 set department = slaes",
        SyntaxErrorKind::BadValue,
        "unknown department `slaes`\n  update employee 7 set department = slaes\n                                     ^^^^^\n\
         help: did you mean `sales`?",
    );
}

#[test]
fn a_missing_or_wrong_token_is_expected_where_it_should_be() {
    check(
        "show events where support none",
        SyntaxErrorKind::Expected,
        "expected an operator after `support`: `=`, `!=`, `~`, `is none`, `is me`; found `none`\n  \
         show events where support none\n                            ^^^^\nhelp: write `support is none`",
    );
    check(
        "show events order start",
        SyntaxErrorKind::Expected,
        "expected `by` after `order`, found `start`\n  show events order start\n                    ^^^^^",
    );
    check(
        "count events where",
        SyntaxErrorKind::Expected,
        "expected a field at the end of the command\n  count events where\n                    ^",
    );
    check(
        "show events limit 5 where support is none",
        SyntaxErrorKind::Expected,
        "expected `offset`, found `where`\n  show events limit 5 where support is none\n                      ^^^^^",
    );
    check(
        "show events where (support is none",
        SyntaxErrorKind::Expected,
        "this parenthesis is never closed\n  show events where (support is none\n                    ^\n\
         help: add `)` after the condition",
    );
    check(
        "create client name \"Kevin\"",
        SyntaxErrorKind::Expected,
        "a new client needs: email\n  create client name \"Kevin\"\n                            ^\n\
         help: for example: create client name \"Kevin Casey\" email \"kevin@startup.io\" phone \"+678 123 456 78\"",
    );
    check(
        "show events 1 2",
        SyntaxErrorKind::Expected,
        "unexpected `2` after the end of the command\n  show events 1 2\n                ^",
    );
}

#[test]
fn values_and_operators_that_do_not_fit_are_refused_under_the_value() {
    check(
        "show events where attendees > many",
        SyntaxErrorKind::BadValue,
        "`attendees` takes a whole number, not `many`\n  show events where attendees > many\n                                ^^^^\n\
         help: for example: attendees >= 100",
    );
    check(
        "show contracts where total < 1.234",
        SyntaxErrorKind::BadValue,
        "`1.234` has more than two decimals\n  show contracts where total < 1.234\n                               ^^^^^\n\
         help: amounts are exact to the cent: 12000.00",
    );
    check(
        "show events where start = 31 Feb 2023",
        SyntaxErrorKind::BadValue,
        "`31 Feb 2023` is not a valid date: no such day\n  show events where start = 31 Feb 2023\n                            ^^^^^^^^^^^\n\
         help: write dates like 2023-06-01, 2023-06-01T13:00, today, today+7d, or 4 Jun 2023 @ 1PM",
    );
    check(
        "show contracts where signed ~ \"yes\"",
        SyntaxErrorKind::BadOperator,
        "`~` does not apply to `signed` (true or false)\n  show contracts where signed ~ \"yes\"\n                              ^\n\
         help: use one of: `=`, `!=`",
    );
    check(
        "show clients where name is none",
        SyntaxErrorKind::BadOperator,
        "`name` always has a value, so it is never none\n  show clients where name is none\n                             ^^^^\n\
         help: fields of clients that can be none: phone, company",
    );
    check(
        "delete audit 1",
        SyntaxErrorKind::BadOperator,
        "the audit log is read-only\n  delete audit 1\n         ^^^^^\nhelp: entries are added by the changes they record",
    );
    check(
        "update event 1 set attendees = 100001",
        SyntaxErrorKind::BadValue,
        "`attendees` must be a whole number from 0 to 100000, not 100001\n  \
         update event 1 set attendees = 100001\n                                 ^^^^^^",
    );
    check(
        "set security bcrypt_cost = 3",
        SyntaxErrorKind::BadValue,
        "`bcrypt_cost` is a whole number from 4 to 31\n  set security bcrypt_cost = 3\n                             ^",
    );
}

#[test]
fn lexical_and_bounded_errors_keep_their_messages() {
    check(
        "show events where name = \"open",
        SyntaxErrorKind::Lexical,
        "this string has no closing quote\n  show events where name = \"open\n                           ^\n\
         help: end it with `\"`; write \\\" for a quote inside a string",
    );
    check(
        "show events where name = 'x'",
        SyntaxErrorKind::Lexical,
        "unexpected character `'`\n  show events where name = 'x'\n                           ^\n\
         help: strings are written in double quotes: \"like this\"",
    );
    let deep = format!(
        "show events where {}attendees > 1{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    let error = parse(&deep).expect_err("too deep");
    assert_eq!(error.kind, SyntaxErrorKind::TooDeep);
    assert_eq!(
        error.message,
        "conditions are nested too deeply: at most 64 levels of parentheses and `not`"
    );
    // Under the first parenthesis past the limit.
    assert_eq!(error.span.start, "show events where ".len() + MAX_DEPTH + 1);
    let long = format!(
        "show events where name ~ \"{}\"",
        "a".repeat(MAX_COMMAND_BYTES)
    );
    assert_eq!(
        parse(&long).expect_err("too long").to_string(),
        "the command is too long: at most 65536 bytes"
    );
}

/// The rules (`name = ... ;`) in `text`'s blocks fenced by `fence`, whitespace collapsed.
fn rules(text: &str, fence: &str) -> Vec<String> {
    let mut rules = Vec::new();
    let mut inside = false;
    let mut rule = String::new();
    for line in text.lines() {
        let line = line.trim_start_matches("//!").trim();
        if line.starts_with("```") {
            inside = line == fence;
            continue;
        }
        if !inside || line.is_empty() {
            continue;
        }
        rule.push(' ');
        rule.push_str(line.split("(*").next().unwrap_or(line).trim());
        if line.ends_with(';') || line.contains("; (*") {
            rules.push(rule.split_whitespace().collect::<Vec<_>>().join(" "));
            rule.clear();
        }
    }
    rules
}

#[test]
fn the_module_doc_holds_every_rule_of_grammar_md() {
    // grammar.md gives the writes' rules in their own section, later.
    let mut documented = rules(include_str!("../../../grammar.md"), "```ebnf");
    let mut here = rules(include_str!("mod.rs"), "```text");
    assert!(documented.len() > 30, "{documented:?}");
    documented.sort();
    here.sort();
    assert_eq!(here, documented);
}

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

//! What people write instead: the SQL, pgcli and English habits a user
//! brings (`between`, `like`, `==`, `null`, `sort by`, `SELECT`), each with
//! the epic form that says it. The parser's error paths ask here for their
//! `help:` line where the habit shows; grammar.md lists [`INSTEAD`] (a test
//! checks that it lists every row).

use crate::model::{Entity, Field, FieldType, Limit, money_max};

/// One habit: what is written, and the epic form, as the `help:` line says it.
pub struct Instead {
    /// What people write, as grammar.md shows it.
    pub written: &'static str,
    /// The epic form.
    pub epic: &'static str,
}

/// Every habit, written once: the help lines below are these rows.
pub const INSTEAD: &[Instead] = &[
    Instead {
        written: "start between today and today+7d",
        epic: "start >= today and start <= today+7d",
    },
    Instead {
        written: "name like \"%Wedding%\"",
        epic: "name ~ \"Wedding\"",
    },
    Instead {
        written: "name contains \"Wedding\"",
        epic: "name ~ \"Wedding\"",
    },
    Instead {
        written: "support == \"Kate Hastroff\"",
        epic: "support = \"Kate Hastroff\"",
    },
    Instead {
        written: "support = null",
        epic: "support is none",
    },
    Instead {
        written: "date = tomorrow",
        epic: "start >= tomorrow and start < tomorrow+1d",
    },
    Instead {
        written: "paid = false",
        epic: "remaining > 0",
    },
    Instead {
        written: "sort by start",
        epic: "order by start",
    },
    Instead {
        written: "list clients",
        epic: "show clients",
    },
    Instead {
        written: "find Kate",
        epic: "show clients where name ~ \"Kate\"",
    },
    Instead {
        written: "select * from events",
        epic: "show events where ...",
    },
    Instead {
        written: "create client name=\"Z Z\"",
        epic: "name \"Z Z\"",
    },
    Instead {
        written: "update contract 652 set remaining = -5",
        epic: "set remaining = 1000.00",
    },
    Instead {
        written: "tody",
        epic: "today",
    },
];

/// The epic form of the row whose written form starts with `written`.
fn epic(written: &str) -> &'static str {
    INSTEAD
        .iter()
        .find(|row| row.written.starts_with(written))
        .map_or("", |row| row.epic)
}

/// A word where an operator belongs: `between`, `like`, `contains`.
pub fn operator_word(word: &str, field: Field) -> Option<String> {
    match word.to_lowercase().as_str() {
        "between" => Some(format!(
            "write `{field} >= A and {field} <= B`, e.g. `{}`",
            epic("start between").replace("start", field.name())
        )),
        "like" | "ilike" | "contains" => Some(format!(
            "`~` finds text anywhere, in any case, without `%`: `{field} ~ \"Wedding\"`"
        )),
        _ => None,
    }
}

/// A value that is not one: `null`, or the second `=` of `==`.
pub fn value_word(raw: &str, field: Field) -> Option<String> {
    match raw.to_lowercase().as_str() {
        "null" | "nil" if field.nullable() => {
            Some(format!("epic writes null as none: `{field} is none`"))
        }
        "null" | "nil" => Some(format!("`{field}` always has a value")),
        "=" => Some(format!("epic compares with one `=`: `{field} = ...`")),
        _ => None,
    }
}

/// A field `entity` does not have, but that a user means: `date`, `paid`.
pub fn field_word(entity: Entity, word: &str) -> Option<String> {
    match (entity, word.to_lowercase().as_str()) {
        (Entity::Event, "date" | "day" | "when") => {
            Some(format!("events have `start` and `end`: `{}`", epic("date")))
        }
        (Entity::Contract, "paid") => Some(format!(
            "unpaid contracts have money remaining: `{}`; paid ones `remaining = 0`",
            epic("paid")
        )),
        _ => None,
    }
}

/// A word where a clause belongs: `sort` for `order by`.
pub fn clause_word(word: &str) -> Option<String> {
    match word.to_lowercase().as_str() {
        "sort" | "sorted" => Some(format!("write `{}`", epic("sort by"))),
        _ => None,
    }
}

/// A command epic does not have but another tool does.
/// `rest` is what follows it on the line.
pub fn command_word(word: &str, rest: &str) -> Option<String> {
    let rest = rest.trim();
    match word.to_lowercase().as_str() {
        "list" | "ls" | "get" if rest.is_empty() => {
            Some(format!("write `{}`", epic("list clients")))
        }
        "list" | "ls" | "get" => Some(format!("write `show {rest}`")),
        "find" | "search" => {
            let name = rest.trim_matches('"');
            let name = if name.is_empty() { "Kate" } else { name };
            Some(format!(
                "to search by name, write `{}` (or employees, events)",
                epic("find Kate").replace("Kate", name)
            ))
        }
        "select" | "insert" | "with" => Some(format!(
            "epic speaks its own language: `{}`; type `help` for more",
            epic("select")
        )),
        _ => None,
    }
}

/// A write's field followed by `=` in `create`, where none belongs.
pub fn create_equals(field: Field, next: Option<&crate::syntax::lexer::Token>) -> String {
    let value = next.map_or(example_value(field), |next| next.raw.as_str());
    format!("`create` gives each field its value without `=`: `{field} {value}`")
}

/// The help for a value to store that does not fit `field`: an example of
/// the write (`set remaining = 1000.00` after `update`, `remaining
/// 1000.00` after `create`) and what the field accepts.
pub fn write_example(field: Field, set: bool) -> String {
    let example = if set {
        format!("set {field} = {}", example_value(field))
    } else {
        format!("{field} {}", example_value(field))
    };
    match accepted(field) {
        Some(range) => format!("for example: `{example}`; {range}"),
        None => format!("for example: `{example}`"),
    }
}

fn example_value(field: Field) -> &'static str {
    match field.ty() {
        FieldType::Money => "1000.00",
        FieldType::Integer | FieldType::Id => "75",
        FieldType::Boolean => "true",
        FieldType::Enum(choices) => choices.first().copied().unwrap_or("\"...\""),
        FieldType::Employee => "\"Kate Hastroff\"",
        FieldType::Email => "\"name@example.com\"",
        FieldType::Phone => "\"+33 1 23 45 67 89\"",
        FieldType::Timestamp => "today",
        FieldType::Text => "\"Z Z\"",
    }
}

/// What the model accepts for `field`, where it is a range.
fn accepted(field: Field) -> Option<String> {
    match field.spec().limit {
        Limit::Money { .. } => Some(format!("amounts are from 0.00 to {}", money_max())),
        Limit::Range { min, max } => Some(format!("{field} is from {min} to {max}")),
        _ => None,
    }
}

/// Time words a typo away from `word`: `tody` for `today`.
pub const TIME_WORDS: [&str; 4] = ["today", "tomorrow", "yesterday", "now"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    /// Each row as a whole command, in the order of [`INSTEAD`].
    const TYPED: &[&str] = &[
        "show events where start between today and today+7d",
        "show events where name like \"%Wedding%\"",
        "show events where name contains \"Wedding\"",
        "show events where support == \"Kate Hastroff\"",
        "show events where support = null",
        "show events where date = tomorrow",
        "show contracts where paid = false",
        "show events sort by start",
        "list clients",
        "find Kate",
        "select * from events",
        "create client name=\"Z Z\" email \"z@z.io\"",
        "update contract 652 set remaining = -5",
        "show events where start > tody",
    ];

    #[test]
    fn each_habit_gets_its_epic_form() {
        assert_eq!(TYPED.len(), INSTEAD.len());
        for (typed, row) in TYPED.iter().zip(INSTEAD) {
            let error = parse(typed).expect_err(typed);
            let help = error.help.unwrap_or_default();
            assert!(help.contains(row.epic), "{typed}: {help}");
            assert!(
                !help.contains(&format!("\"{}\"", row.written)),
                "{typed}: {help}"
            );
        }
    }

    #[test]
    fn no_quoted_value_for_a_keyword_or_an_operator() {
        for typed in [
            "show events where support = null",
            "show events where support == \"Kate\"",
            "show events where name like \"x\"",
            "show events where start between today and today+7d",
        ] {
            let help = parse(typed).expect_err(typed).help.unwrap_or_default();
            for word in ["\"null\"", "\"=\"", "\"like\"", "\"between\""] {
                assert!(!help.contains(word), "{typed}: {help}");
            }
        }
    }

    #[test]
    fn grammar_md_lists_every_row() {
        let grammar = include_str!("../../grammar.md");
        for row in INSTEAD {
            let line = format!("| `{}` | `{}` |", row.written, row.epic);
            assert!(grammar.contains(&line), "grammar.md lacks {line}");
        }
    }
}

//! The command reference: one entry per command, with its syntax, what it
//! does and examples. `help` prints it, and a test checks that `grammar.md`
//! shows the same syntax and that every example parses, so the three never
//! drift apart.

use crate::model::{Entity, Field, FieldType, Write};

pub struct CommandHelp {
    pub name: &'static str,
    pub syntax: &'static str,
    pub summary: &'static str,
    pub examples: &'static [&'static str],
}

pub const COMMANDS: &[CommandHelp] = &[
    CommandHelp {
        name: "show",
        syntax: "show ENTITY [where CONDITION] [order by FIELD [asc|desc], ...] [limit N] [offset N]\n  show ENTITY ID",
        summary: "list clients, contracts, events or employees, or show one record in full with the records \
                  one step away (a client's contracts and events, a contract's events, an event's client)",
        examples: &[
            "show clients",
            "show events where support is none",
            "show events where support is me",
            "show contracts where signed = false",
            "show contracts where remaining > 0",
            "show contracts where signed = true and remaining > 0 order by remaining desc limit 20",
            "show clients where company ~ \"startup\" order by last_contact desc limit 10",
            "show events where client ~ \"Ouick\" or (location ~ \"Mufflins\" and attendees >= 100)",
            "show events where start >= 2023-06-01 and start < 2023-07-01",
            "show events where support = \"Kate Hastroff\"",
            "show events where start >= today and start < today+30d order by start",
            "show events where start = 4 Jun 2023",
            "show employees where department in (sales, support) and active = true",
            "show event 109",
            "show client 1",
            "show notifications",
            "show audit where entity = contract and record = 652",
        ],
    },
    CommandHelp {
        name: "count",
        syntax: "count ENTITY [where CONDITION]",
        summary: "count the records that match, without listing them",
        examples: &[
            "count contracts where signed = false",
            "count events where support is none",
        ],
    },
    CommandHelp {
        name: "explain",
        syntax: "explain show ... | explain count ...",
        summary: "show how epic understood a command and the SQL it would run, without running it",
        examples: &["explain show events where support is none"],
    },
    CommandHelp {
        name: "create",
        syntax: "create ENTITY [for client|contract ID] FIELD VALUE ...",
        summary: "create a client, a contract for a client, an event for a signed contract, or an employee",
        examples: &[
            "create client name \"Kevin Casey\" email \"kevin@startup.io\" phone \"+678 123 456 78\" company \"Cool Startup LLC\"",
            "create contract for client 12 total 12000.00 remaining 12000.00",
            "create event for contract 652 name \"John Ouick Wedding\" start \"4 Jun 2023 @ 1PM\" end \"5 Jun 2023 @ 2AM\" attendees 75",
            "create employee name \"Bill Boquet\" email \"bill@epic.events\" department sales",
        ],
    },
    CommandHelp {
        name: "update",
        syntax: "update ENTITY ID set FIELD = VALUE, ...\n  update ENTITY where CONDITION set FIELD = VALUE, ...",
        summary: "change fields of a record, or of all a condition matches (previewed, then confirmed); \
                  `none` empties an optional field",
        examples: &[
            "update client 12 set phone = \"+678 999 000 11\", last_contact = today",
            "update contract 652 set signed = true",
            "update event 109 set support = \"Kate Hastroff\"",
            "update event 109 set support = none",
            "update events where support = \"Aliénor Vichum\" and start >= today set support = \"Kate Hastroff\"",
        ],
    },
    CommandHelp {
        name: "delete",
        syntax: "delete employee ID [reassign to EMPLOYEE]",
        summary: "delete an employee, moving their clients and events to another",
        examples: &["delete employee 7 reassign to 8", "delete employee 9"],
    },
    CommandHelp {
        name: "deactivate",
        syntax: "deactivate EMPLOYEE",
        summary: "keep an employee's record but end their access (their sessions are revoked)",
        examples: &["deactivate employee 9"],
    },
    CommandHelp {
        name: "undo",
        syntax: "undo",
        summary: "take back your own last change: an update's fields set back, a created record deleted",
        examples: &["undo"],
    },
    CommandHelp {
        name: "import",
        syntax: "import events from \"FILE\" [sales EMPLOYEE] [map \"COLUMN\" = FIELD, ...] [apply]",
        summary: "load the support team's spreadsheet (.csv or .xlsx) into the CRM (admin): a dry run that \
                  prints the plan, or with `apply` all of it in one transaction; `sales` owns the new clients \
                  the sheet gives no salesperson, `map` names the field of a column",
        examples: &[
            "import events from \"events.xlsx\"",
            "import events from \"events.xlsx\" apply",
            "import events from \"suivi.csv\" sales \"Bill Boquet\" map \"Quand\" = start, \"Jusqu'à\" = end",
        ],
    },
    CommandHelp {
        name: "report",
        syntax: "report sales|events|unpaid",
        summary: "per salesperson totals, upcoming events per support contact, or contracts with money due",
        examples: &["report sales", "report events", "report unpaid"],
    },
    CommandHelp {
        name: "login",
        syntax: "login EMAIL",
        summary: "log in; the password is asked for without echo, never typed in the command",
        examples: &["login kate@epic.events"],
    },
    CommandHelp {
        name: "logout",
        syntax: "logout",
        summary: "end your session (it is revoked, and its file removed)",
        examples: &["logout"],
    },
    CommandHelp {
        name: "whoami",
        syntax: "whoami",
        summary: "who is logged in, with which role, and until when",
        examples: &["whoami"],
    },
    CommandHelp {
        name: "passwd",
        syntax: "passwd",
        summary: "change your password (your other sessions are revoked)",
        examples: &["passwd"],
    },
    CommandHelp {
        name: "revoke",
        syntax: "revoke session ID | revoke sessions of EMPLOYEE",
        summary: "end someone's session, or all their sessions (admin); `show sessions` lists them",
        examples: &[
            "show sessions",
            "revoke session 12",
            "revoke sessions of \"Kate Hastroff\"",
        ],
    },
    CommandHelp {
        name: "unlock",
        syntax: "unlock \"EMAIL\"",
        summary: "lift the lock put on an email after too many failed logins (admin)",
        examples: &["unlock \"kate@epic.events\""],
    },
    CommandHelp {
        name: "reset",
        syntax: "reset password of EMPLOYEE",
        summary: "give an employee a temporary password, shown once, to change at their next login (management, admin)",
        examples: &[
            "reset password of employee 7",
            "reset password of \"Kate Hastroff\"",
        ],
    },
    CommandHelp {
        name: "help",
        syntax: "help [COMMAND]\n  help ENTITY",
        summary: "list the commands, show one command's syntax and examples, or an entity's fields",
        examples: &["help", "help show", "help events", "help create"],
    },
    CommandHelp {
        name: "set",
        syntax: "set\n  set format table|vertical|csv|json\n  set expanded auto|on|off\n  set pager on|off\n  set page_size N\n  set timing on|off\n  set security SETTING = N\n  set time zone \"ZONE\"",
        summary: "list the shell's settings and where each comes from (`set` alone); choose how results are printed for the rest of the session (the format; \
                  expanded: when a table becomes records, `auto` by default; pager: `on` or `off`; page_size: rows a table shows before it stops; timing: print each command's time); \
                  change a security limit (admin); change the company's time zone, which dates are \
                  read and shown in (management, admin; `show time zone` shows it)",
        examples: &[
            "set",
            "set format csv",
            "set format table",
            "set expanded on",
            "set pager off",
            "set page_size 50",
            "set timing on",
            "show security",
            "set security idle_minutes = 20",
            "show time zone",
            "set time zone \"Europe/Paris\"",
        ],
    },
    CommandHelp {
        name: "save",
        syntax: "save settings",
        summary: "write this session's format, expanded, pager, page_size and timing into the config file's \
                  [shell] table (~/.config/epic/config.toml, or EPIC_CONFIG), keeping the rest of it",
        examples: &["save settings"],
    },
    CommandHelp {
        name: "quit",
        syntax: "quit | exit",
        summary: "leave the shell (Ctrl-D does the same)",
        examples: &["quit", "exit"],
    },
    CommandHelp {
        name: "save",
        syntax: "save [team] query NAME as show ...|count ...|report ...|explain ...\n  NAME | show NAME\n  show queries\n  delete [team] query NAME",
        summary: "keep a read under a name, yours or (management) the team's, kept in the database; \
                  `NAME` runs it, checked as if typed",
        examples: &[
            "save query mine as show events where support is me and start >= today order by start",
            "mine",
            "show mine",
            "show queries",
            "save team query unsigned as show contracts where signed = false order by created",
            "delete query mine",
            "delete team query unsigned",
        ],
    },
];

/// What `help` can be asked about: the commands, then each entity.
pub fn topic_names() -> Vec<&'static str> {
    let mut names = command_names();
    names.extend(Entity::ALL.iter().map(|e| e.plural()));
    names
}

/// The topic `help WORD` names: a command's name, or an entity's plural
/// (for either of its names).
pub fn find_topic(name: &str) -> Option<&'static str> {
    if let Some(command) = find(name) {
        return Some(command.name);
    }
    let name = name.to_lowercase();
    Entity::ALL
        .into_iter()
        .find(|e| e.plural() == name || e.singular() == name)
        .map(Entity::plural)
}

/// The text `help TOPIC` prints; `writers` says who may write a field (the
/// checker's table: `policy::writers`, which this stage cannot import).
pub fn topic_text(topic: &str, writers: &dyn Fn(Entity, Field) -> String) -> String {
    match Entity::ALL.into_iter().find(|e| e.plural() == topic) {
        Some(entity) => entity_detail(entity, writers),
        None => find(topic).map_or_else(overview, detail),
    }
}

/// A field's type in a word or two.
fn type_name(ty: FieldType) -> String {
    match ty {
        FieldType::Id => "id".to_owned(),
        FieldType::Text => "text".to_owned(),
        FieldType::Email => "email".to_owned(),
        FieldType::Phone => "phone".to_owned(),
        FieldType::Money => "money".to_owned(),
        FieldType::Integer => "number".to_owned(),
        FieldType::Boolean => "true/false".to_owned(),
        FieldType::Timestamp => "date and time".to_owned(),
        FieldType::Employee => "employee".to_owned(),
        FieldType::Enum(choices) => choices.join("|"),
    }
}

/// Whether and when a write sets a field.
fn settable(write: Write) -> &'static str {
    match write {
        Write::Never => "no",
        Write::Optional => "yes",
        Write::RequiredOnCreate => "required on create",
    }
}

/// `help ENTITY`: each field of the entity, from the model's rows (type,
/// whether it can be none, whether a write sets it) and who may write it.
pub fn entity_detail(entity: Entity, writers: &dyn Fn(Entity, Field) -> String) -> String {
    let header = [
        "field",
        "type",
        "can be none",
        "can be set",
        "who may write it",
    ];
    let mut rows: Vec<[String; 5]> = vec![header.map(str::to_owned)];
    for spec in entity.specs() {
        rows.push([
            spec.name.to_owned(),
            type_name(spec.ty),
            if spec.nullable { "yes" } else { "no" }.to_owned(),
            settable(spec.write).to_owned(),
            writers(entity, spec.field),
        ]);
    }
    let mut widths = [0; 5];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = format!("The fields of {}:\n\n", entity.plural());
    for row in &rows {
        let mut line = String::from(" ");
        for (cell, width) in row.iter().zip(widths) {
            line.push_str(&format!(" {cell:width$} "));
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text.push_str(&format!(
        "\nFilter with `show {0} where FIELD ...`; README's \"Who may do what\" is the whole permission table.\n",
        entity.plural()
    ));
    text
}

/// The fields a create requires and the ones a create or update may set,
/// per entity (`help create`, `help update`).
fn fields_per_entity(required: bool) -> String {
    let mut text = String::new();
    for entity in Entity::ALL {
        let names = |fields: &mut dyn Iterator<Item = Field>| {
            fields.map(Field::name).collect::<Vec<_>>().join(", ")
        };
        let settable = names(&mut entity.settable());
        if settable.is_empty() {
            continue;
        }
        text.push_str(&format!("  {}\n", entity.singular()));
        if required {
            let needed = names(&mut entity.required_on_create());
            text.push_str(&format!("    required: {needed}\n"));
        }
        text.push_str(&format!("    settable: {settable}\n"));
    }
    text
}

pub fn command_names() -> Vec<&'static str> {
    COMMANDS.iter().map(|c| c.name).collect()
}

pub fn find(name: &str) -> Option<&'static CommandHelp> {
    let name = name.to_lowercase();
    COMMANDS
        .iter()
        .find(|c| c.name == name || (c.name == "quit" && name == "exit"))
}

/// The text `help` prints.
pub fn overview() -> String {
    let width = COMMANDS.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut text = String::from("Commands:\n");
    for command in COMMANDS {
        text.push_str(&format!("  {:width$}  {}\n", command.name, command.summary));
    }
    text.push_str(
        "\nA line ending in `\\`, `and`, `or` or `,`, or with an open quote or parenthesis,\n\
         continues on the next. Type `help COMMAND` for its syntax and examples,\n\
         `help ENTITY` (clients, contracts, events, employees, audit) for its fields;\n\
         grammar.md describes the whole language.\n",
    );
    text
}

/// The text `help COMMAND` prints.
pub fn detail(command: &CommandHelp) -> String {
    let mut text = format!("{}\n\n  {}\n\nExamples:\n", command.summary, command.syntax);
    for example in command.examples {
        text.push_str(&format!("  {example}\n"));
    }
    match command.name {
        "create" => text.push_str(&format!("\nFields:\n{}", fields_per_entity(true))),
        "update" => text.push_str(&format!("\nFields:\n{}", fields_per_entity(false))),
        _ => {}
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRAMMAR: &str = include_str!("../../grammar.md");

    /// Every line of every ```epic block in grammar.md.
    fn documented_examples() -> Vec<&'static str> {
        let mut examples = Vec::new();
        let mut inside = false;
        for line in GRAMMAR.lines() {
            match line.trim() {
                "```epic" => inside = true,
                "```" => inside = false,
                example if inside && !example.is_empty() => examples.push(example),
                _ => {}
            }
        }
        examples
    }

    #[test]
    fn every_field_of_the_model_appears_in_its_entitys_help() {
        let writers =
            |entity: Entity, field: Field| format!("<{}.{}>", entity.singular(), field.name());
        for entity in Entity::ALL {
            assert_eq!(find_topic(entity.singular()), Some(entity.plural()));
            let text = topic_text(entity.plural(), &writers);
            for spec in entity.specs() {
                let line = text
                    .lines()
                    .find(|line| line.trim_start().starts_with(&format!("{} ", spec.name)))
                    .unwrap_or_else(|| panic!("help {} lacks {}", entity.plural(), spec.name));
                assert!(line.contains(&type_name(spec.ty)), "{line}");
                assert!(line.contains(&writers(entity, spec.field)), "{line}");
            }
        }
        let create = detail(find("create").expect("create has help"));
        let update = detail(find("update").expect("update has help"));
        for entity in Entity::ALL {
            for field in entity.settable() {
                assert!(
                    update.contains(field.name()),
                    "help update lacks {}",
                    field.name()
                );
                assert!(
                    create.contains(field.name()),
                    "help create lacks {}",
                    field.name()
                );
            }
        }
    }

    #[test]
    fn every_example_in_grammar_md_parses() {
        let examples = documented_examples();
        assert!(examples.len() >= 6, "grammar.md lost its examples");
        for example in examples {
            if let Err(error) = crate::syntax::parse(example) {
                panic!("grammar.md example `{example}` does not parse:\n{error}");
            }
        }
    }

    #[test]
    fn help_and_grammar_md_show_the_same_syntax_and_examples() {
        let documented = documented_examples();
        for command in COMMANDS {
            for line in command.syntax.lines() {
                let line = line.trim();
                assert!(
                    GRAMMAR.contains(&format!("`{line}`")),
                    "grammar.md lacks the syntax `{line}`"
                );
            }
            for example in command.examples {
                assert!(
                    documented.contains(example),
                    "grammar.md lacks the example `{example}`"
                );
                assert!(
                    crate::syntax::parse(example).is_ok(),
                    "`{example}` does not parse"
                );
            }
        }
    }
}

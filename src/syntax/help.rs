//! The command reference: one entry per command, with its syntax, what it
//! does and examples. `help` prints it, and a test checks that `grammar.md`
//! shows the same syntax and that every example parses, so the three never
//! drift apart.

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
        summary: "list clients, contracts, events or employees, or show one record in full",
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
            "show notifications",
            "show audit where entity = contract and id = 652",
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
        syntax: "update ENTITY ID set FIELD = VALUE, ...",
        summary: "change fields of a record; `none` empties an optional field",
        examples: &[
            "update client 12 set phone = \"+678 999 000 11\", last_contact = today",
            "update contract 652 set signed = true",
            "update event 109 set support = \"Kate Hastroff\"",
            "update event 109 set support = none",
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
        syntax: "help [COMMAND]",
        summary: "list the commands, or show one command's syntax and examples",
        examples: &["help", "help show"],
    },
    CommandHelp {
        name: "set",
        syntax: "set format table|vertical|csv|json\n  set expanded auto|on|off\n  set security SETTING = N",
        summary: "choose how results are printed for the rest of the session (expanded: whether a \
                  table too wide for the terminal becomes records, `auto` by default); change a \
                  security limit (admin)",
        examples: &[
            "set format csv",
            "set format table",
            "set expanded on",
            "show security",
            "set security idle_minutes = 20",
        ],
    },
    CommandHelp {
        name: "quit",
        syntax: "quit | exit",
        summary: "leave the shell (Ctrl-D does the same)",
        examples: &["quit", "exit"],
    },
];

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
         continues on the next. Type `help COMMAND` for its syntax and examples;\n\
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

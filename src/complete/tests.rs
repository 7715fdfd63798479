use super::*;

/// Kate is in support, Aliénor in sales, Helene in management.
pub(super) fn helper(color: bool) -> LanguageHelper {
    let employees = vec![
        Colleague::new(7, "Kate Hastroff".into(), "support"),
        Colleague::new(3, "Aliénor Martin".into(), "sales"),
        Colleague::new(12, "Helene Marchand".into(), "management"),
    ];
    LanguageHelper::new(employees, color)
}

/// The candidates for the cursor at the end of `line`.
pub(super) fn check(line: &str, expected: &[&str]) {
    let (_, candidates) = helper(false).candidates(line, line.len());
    assert_eq!(candidates, expected, "completing `{line}`");
}

/// Commands and what they name first.
#[test]
fn completion_follows_the_grammar() {
    let cases: &[(&str, &[&str])] = &[
        (
            "",
            &[
                "count",
                "create",
                "deactivate",
                "delete",
                "exit",
                "explain",
                "help",
                "import",
                "login",
                "logout",
                "passwd",
                "quit",
                "report",
                "reset",
                "revoke",
                "save",
                "set",
                "show",
                "undo",
                "unlock",
                "update",
                "whoami",
            ],
        ),
        ("sh", &["show"]),
        ("un", &["undo", "unlock"]),
        ("SH", &["SHow"]),
        ("shwo ", &[]),
        ("explain ", &["count", "show"]),
        ("explain show ev", &["event", "events"]),
        (
            "show ",
            &[
                "audit",
                "clients",
                "contracts",
                "employees",
                "events",
                "notifications",
                "queries",
                "security",
                "sessions",
                "time",
            ],
        ),
        ("show time ", &["zone"]),
        ("save ", &["query", "settings", "team"]),
        (
            "set ",
            &[
                "expanded",
                "format",
                "page_size",
                "pager",
                "security",
                "time",
                "timing",
            ],
        ),
        (
            "count ",
            &["audit", "clients", "contracts", "employees", "events"],
        ),
        ("revoke ", &["session", "sessions"]),
        ("revoke sessions ", &["of"]),
        (
            "revoke sessions of ",
            &[NAMES[0], NAMES[1], NAMES[2], "employee"],
        ),
        ("reset p", &["password"]),
        ("show e", &["employee", "employees", "event", "events"]),
        ("show events wh", &["where"]),
        ("show events ", &["limit", "offset", "order by", "where"]),
        ("count events ", &["where"]),
        ("show event 109 ", &[]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

/// Inside a `where`: fields, operators, values, and what follows a condition.
#[test]
fn completion_follows_conditions() {
    let cases: &[(&str, &[&str])] = &[
        ("show events where sup", &["support"]),
        ("show events where not s", &["start", "support"]),
        ("show events where n", &["name", "not", "notes"]),
        (
            "show events where support ",
            &["!=", "=", "in", "is", "not in", "~"],
        ),
        ("show events where attendees <", &["<", "<="]),
        (
            "show events where start ",
            &["!=", "<", "<=", "=", ">", ">="],
        ),
        ("show contracts where signed ", &["!=", "="]),
        ("show events where support is ", &["me", "none", "not"]),
        ("show events where support is not ", &["me", "none"]),
        ("show events where location is ", &["none", "not"]),
        ("show events where id is ", &[]),
        ("show events where support not ", &["in"]),
        ("show events where support = ", &[NAMES[2]]),
        ("show clients where sales = ", &[NAMES[0]]),
        ("show contracts where sales = ", &[NAMES[0]]),
        ("show audit where actor = ", &[]),
        ("show events where support = ka", &["\"Kate Hastroff\""]),
        ("show events where support = \"Ka", &["\"Kate Hastroff\""]),
        ("show events where support = \"al", &[]),
        ("show clients where sales = \"al", &["\"Aliénor Martin\""]),
        (
            "show clients where sales = \"Aliénor M",
            &["\"Aliénor Martin\""],
        ),
        ("show events where support in (\"K", &["\"Kate Hastroff\""]),
        ("show events where notes ~ \"Ka", &[]),
        ("show events where notes ~ ", &[]),
        ("show employees where department = s", &["sales", "support"]),
        (
            "show employees where department = \"s",
            &["\"sales\"", "\"support\""],
        ),
        (
            "show employees where department in (",
            &["admin", "management", "sales", "support"],
        ),
        (
            "show employees where department in (sales, su",
            &["support"],
        ),
        ("show employees where department in (sales ", &[")", ","]),
        ("show contracts where signed = ", &["false", "true"]),
        (
            "show events where start >= t",
            &["today", "today+7d", "today-7d", "tomorrow"],
        ),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

/// What may follow a whole condition.
#[test]
fn completion_follows_a_condition() {
    let cases: &[(&str, &[&str])] = &[
        (
            "show events where support is none ",
            &["and", "limit", "offset", "or", "order by"],
        ),
        (
            "show events where support is none o",
            &["offset", "or", "order by"],
        ),
        ("count events where support is none ", &["and", "or"]),
        ("show events where (support is none ", &[")", "and", "or"]),
        (
            "show events where (support is none) ",
            &["and", "limit", "offset", "or", "order by"],
        ),
        (
            "show events where start = 4 Jun 2023 @ 1PM ",
            &["and", "limit", "offset", "or", "order by"],
        ),
        (
            "show events where start < today+30d ",
            &["and", "limit", "offset", "or", "order by"],
        ),
        (
            "show events where attendees > 100 ",
            &["and", "limit", "offset", "or", "order by"],
        ),
        (
            "show events where attendees > many ",
            &["and", "limit", "offset", "or", "order by"],
        ),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

/// After `order`, `limit` and `offset`, and the commands after them.
#[test]
fn completion_follows_order_limit_and_the_other_commands() {
    let cases: &[(&str, &[&str])] = &[
        ("show events order ", &["by"]),
        ("show events order by st", &["start"]),
        (
            "show events order by start ",
            &[",", "asc", "desc", "limit", "offset"],
        ),
        (
            "show events order by start desc ",
            &[",", "limit", "offset"],
        ),
        ("show events order by start desc, e", &["end"]),
        ("show events limit 10 ", &["offset"]),
        ("show events limit 10 offset 5 ", &[]),
        (
            "set ",
            &[
                "expanded",
                "format",
                "page_size",
                "pager",
                "security",
                "time",
                "timing",
            ],
        ),
        ("set pager ", &["off", "on"]),
        ("set timing ", &["off", "on"]),
        ("set time z", &["zone"]),
        ("set expanded o", &["off", "on"]),
        ("set security idle", &["idle_minutes"]),
        ("set format c", &["csv"]),
        ("set format ", &["csv", "json", "table", "vertical"]),
        ("set \\\nformat j", &["json"]),
        ("help sh", &["show"]),
        ("help show ", &[]),
        ("quit ", &[]),
        ("show events where 'x' ", &[]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

#[test]
fn the_replaced_word_starts_where_the_user_began_it() {
    let helper = helper(false);
    assert_eq!(helper.candidates("sh", 2).0, 0);
    assert_eq!(helper.candidates("show events wh", 14).0, 12);
    assert_eq!(helper.candidates("show events where support ", 26).0, 26);
    let line = "show events where support = \"Ka";
    assert_eq!(
        helper.candidates(line, line.len()).0,
        line.find('"').unwrap_or(0)
    );
    let line = "show events where attendees <";
    assert_eq!(helper.candidates(line, line.len()).0, line.len() - 1);
}

#[test]
fn only_the_text_before_the_cursor_counts() {
    let helper = helper(false);
    assert_eq!(helper.candidates("sh events", 2).1, vec!["show"]);
    // Inside `é`: not a character boundary, so nothing to complete.
    let line = "show events where support = \"Alié";
    assert_eq!(
        helper.candidates(line, line.len() - 1).1,
        Vec::<String>::new()
    );
}

/// `text` without its ANSI SGR sequences.
fn strip_ansi(text: &str) -> String {
    let mut plain = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

const LINES: &[&str] = &[
    "",
    "   ",
    "show events where support = \"Kate Hastroff\"",
    "show events where client ~ \"Aliénor",
    "SHOW Events WHERE start >= 2023-06-01T13:00+02:00 and attendees > 100",
    "show events where start = 4 Jun 2023 @ 1PM order by start desc limit 5",
    "explain count events where name ~ \"a \\\" b\" or not (notes is none)",
    "shwo ; 'x' \\\n  next",
    "x \"a\\q\" y \"unterminated \\",
    "Aliénor 日本 ~ é ¬ today+7d",
    "set format csv",
];

#[test]
fn without_colour_the_line_is_untouched() {
    let helper = helper(false);
    for line in LINES {
        assert!(matches!(helper.highlight(line, 0), Cow::Borrowed(l) if l == *line));
    }
}

#[test]
fn colour_adds_only_escape_codes() {
    let helper = helper(true);
    for line in LINES {
        let highlighted = helper.highlight(line, line.len());
        assert_eq!(strip_ansi(&highlighted), *line, "highlighting `{line}`");
    }
}

#[test]
fn every_prefix_typed_highlights_and_completes_without_panicking() {
    let helper = helper(true);
    for line in LINES {
        for (end, _) in line.char_indices().chain([(line.len(), ' ')]) {
            let typed = &line[..end];
            assert_eq!(strip_ansi(&helper.highlight(typed, end)), typed);
            for pos in 0..=end {
                let (start, _) = helper.candidates(typed, pos);
                assert!(start <= pos);
            }
        }
    }
}

#[test]
fn tokens_are_coloured_by_kind() {
    let helper = helper(true);
    let highlighted = helper.highlight("show events where attendees > 100", 0);
    assert_eq!(
        highlighted,
        "\x1b[1;34mshow\x1b[0m events \x1b[1;34mwhere\x1b[0m attendees > \x1b[33m100\x1b[0m"
    );
    let highlighted = helper.highlight("x ~ \"Aliénor", 0);
    assert_eq!(highlighted, "x ~ \x1b[32m\"Aliénor\x1b[0m");
    let highlighted = helper.highlight("start >= 2023-06-01 and x = \"a\"", 0);
    assert_eq!(
        highlighted,
        "start >= \x1b[36m2023-06-01\x1b[0m \x1b[1;34mand\x1b[0m x = \x1b[32m\"a\"\x1b[0m"
    );
    let highlighted = helper.highlight("import events from \"a.csv\" apply", 0);
    assert_eq!(
        highlighted,
        "\x1b[1;34mimport\x1b[0m events \x1b[1;34mfrom\x1b[0m \x1b[32m\"a.csv\"\x1b[0m \x1b[1;34mapply\x1b[0m"
    );
    let highlighted = helper.highlight("a;b", 0);
    assert_eq!(highlighted, "a;b");
}

#[test]
fn typing_repaints_only_with_colour() {
    assert!(helper(true).highlight_char("show", 4, CmdKind::Other));
    assert!(!helper(true).highlight_char("show", 2, CmdKind::MoveCursor));
    assert!(!helper(false).highlight_char("show", 4, CmdKind::Other));
}

/// Every employee's name, quoted, in order.
pub(super) const NAMES: [&str; 3] = [
    "\"Aliénor Martin\"",
    "\"Helene Marchand\"",
    "\"Kate Hastroff\"",
];

/// The candidates for each line, with the names of the fields of `entity`
/// as one expected list.
fn check_fields(entity: crate::model::Entity, lines: &[&str], and_not: bool) {
    let mut fields: Vec<&str> = entity.fields().iter().map(|f| f.name()).collect();
    if and_not {
        fields.push("not");
    }
    fields.sort_unstable();
    for line in lines {
        check(line, &fields);
    }
}

/// The writes and reports, which the old hand-written state machine never
/// completed, and `show notifications`, which it had drifted from.
#[test]
fn completion_covers_every_command() {
    let writable: &[&str] = &["clients", "contracts", "employees", "events"];
    let cases: &[(&str, &[&str])] = &[
        ("create ", writable),
        ("update ", writable),
        (
            "delete ",
            &[
                "clients",
                "contracts",
                "employees",
                "events",
                "query",
                "team",
            ],
        ),
        ("save ", &["query", "settings", "team"]),
        (
            "save query mine as ",
            &["count", "explain", "report", "show"],
        ),
        ("delete team ", &["query"]),
        ("create cl", &["client", "clients"]),
        ("create contract ", &["for"]),
        ("create contract for ", &["client"]),
        ("create event for ", &["contract"]),
        ("create contract for client ", &[]),
        ("report ", &["events", "sales", "unpaid"]),
        ("report u", &["unpaid"]),
        ("show n", &["notifications"]),
        ("explain show n", &["notifications"]),
        ("show notifications ", &[]),
        ("update client 3 ", &["set"]),
        ("update events ", &["where"]),
        ("update events where attendees > 3 ", &["and", "or", "set"]),
        (
            "update events where attendees > 3 set ",
            &[
                "attendees",
                "contract",
                "end",
                "location",
                "name",
                "notes",
                "start",
                "support",
            ],
        ),
        (
            "update client 3 set ",
            &["company", "email", "last_contact", "name", "phone", "sales"],
        ),
        ("update client 3 set na", &["name"]),
        ("update client 3 set name ", &["="]),
        ("update event 3 set support = ", &[NAMES[2], "none"]),
        (
            "update employee 3 set department = ",
            &["admin", "management", "sales", "support"],
        ),
        ("deactivate ", &[NAMES[0], NAMES[1], NAMES[2], "employee"]),
        (
            "create client ",
            &["email", "name", "company", "last_contact", "phone", "sales"],
        ),
        (
            "create client name \"Ann\" phone none ",
            &["email", "company", "last_contact", "sales"],
        ),
        (
            "create employee ",
            &["department", "email", "name", "active"],
        ),
        ("update client 3 set name = \"Ann\" ", &[","]),
        ("update client 3 set phone = ", &["none"]),
        ("delete employee 3 ", &["reassign"]),
        ("delete client 3 ", &[]),
        (
            "delete employee 3 reassign to ",
            &[NAMES[0], NAMES[1], NAMES[2], "employee"],
        ),
        (
            "reset password of ",
            &[NAMES[0], NAMES[1], NAMES[2], "employee"],
        ),
        ("set security idle_minutes ", &["="]),
        ("login ", &[]),
        ("unlock ", &[]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
    let help = helper(false).candidates("help ", 5).1;
    let mut topics = helper(false).candidates("", 0).1;
    topics.extend(["audit", "clients", "contracts", "employees", "events"].map(String::from));
    topics.sort();
    assert_eq!(help, topics);
}

/// Where a field comes, and after a value the parser passes over.
#[test]
fn completion_offers_the_fields_of_the_entity_in_question() {
    use crate::model::Entity;
    let conditions = [
        "show events where ",
        "show events where support is none and ",
        "count events where (",
    ];
    check_fields(Entity::Event, &conditions, true);
    check_fields(Entity::Event, &["show events order by "], false);
    check_fields(Entity::Client, &["show clients order by "], false);
    let after_condition: &[&str] = &["and", "limit", "offset", "or", "order by"];
    let cases: &[(&str, &[&str])] = &[
        ("show events where support not", &["not in"]),
        (
            "explain show events where support is none ",
            after_condition,
        ),
        ("show events where support ~ Kate ", after_condition),
        (
            "show events where support in (\"Kate Hastroff\", ",
            &[NAMES[2]],
        ),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

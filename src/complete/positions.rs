//! Every command of grammar.md, at each of its positions: exactly what Tab
//! offers there, and how the list shows it.

use super::tests::{NAMES, check, helper};
use crate::model::sheet::ImportField;
use crate::model::{Entity, Field, Write};

/// Sorted, as the list gives them.
fn sorted<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut words: Vec<&str> = words.into_iter().collect();
    words.sort_unstable();
    words
}

/// What the list shows at the end of `line`, in order.
fn check_shown(line: &str, expected: &[&str]) {
    let (_, pairs) = helper(false).pairs(line, line.len());
    let shown: Vec<&str> = pairs.iter().map(|p| p.display.as_str()).collect();
    assert_eq!(shown, expected, "listing `{line}`");
}

const WRITABLE: &[&str] = &["clients", "contracts", "employees", "events"];
const MOMENTS: &[&str] = &[
    "now",
    "today",
    "today+7d",
    "today-7d",
    "tomorrow",
    "yesterday",
];
const ORDERED: &[&str] = &["!=", "<", "<=", "=", ">", ">="];
const NUMERIC: &[&str] = &["!=", "<", "<=", "=", ">", ">=", "in", "not in"];
/// The employees' numbers, in order.
const IDS: [&str; 3] = ["3", "7", "12"];

/// `update ENTITY ID set`: exactly the settable fields, from the model.
#[test]
fn after_set_come_exactly_the_settable_fields() {
    for entity in Entity::ALL.into_iter().filter(|e| *e != Entity::Audit) {
        let settable = sorted(entity.settable().map(Field::name));
        let line = format!("update {} 109 set ", entity.singular());
        check(&line, &settable);
        // After a `,` another may come.
        let first = settable[0];
        let after_comma = format!("{line}{first} = none, ");
        if entity.field(first).is_some_and(Field::nullable) {
            check(&after_comma, &settable);
        }
    }
    check(
        "update event 109 set ",
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
    );
}

/// `create ENTITY`: the required fields first, then the optional ones,
/// each group in order; those already given are not offered again.
#[test]
fn create_offers_the_required_fields_first() {
    for entity in Entity::ALL.into_iter().filter(|e| *e != Entity::Audit) {
        let line = match entity {
            Entity::Contract => "create contract for client 3 ".to_owned(),
            Entity::Event => "create event for contract 4 ".to_owned(),
            _ => format!("create {} ", entity.singular()),
        };
        let required = sorted(entity.required_on_create().map(Field::name));
        let is_optional = |f: &Field| f.spec().write == Write::Optional;
        let optional = sorted(entity.settable().filter(is_optional).map(Field::name));
        let expected: Vec<&str> = required.into_iter().chain(optional).collect();
        check(&line, &expected);
    }
    check(
        "create client ",
        &["email", "name", "company", "last_contact", "phone", "sales"],
    );
    check_shown(
        "create client ",
        &[
            "email  (email, required)",
            "name  (text, required)",
            "company  (text)",
            "last_contact  (date)",
            "phone  (phone)",
            "sales  (sales employee)",
        ],
    );
    check(
        "create contract for client 3 total 10 ",
        &["remaining", "signed"],
    );
    check(
        "create employee name \"A\" ",
        &["department", "email", "active"],
    );
}

/// Where a value goes: the values of the field's type that come from a
/// list, `none` where the field may be empty, and the people who fit.
#[test]
fn values_come_from_the_fields_type() {
    let cases: &[(&str, Vec<&str>)] = &[
        ("show events where start = ", MOMENTS.to_vec()),
        (
            "show events where end < to",
            vec!["today", "today+7d", "today-7d", "tomorrow"],
        ),
        ("show clients where last_contact >= ", MOMENTS.to_vec()),
        ("update event 109 set start = ", MOMENTS.to_vec()),
        ("create event for contract 4 end ", MOMENTS.to_vec()),
        ("create client last_contact ", MOMENTS.to_vec()),
        ("create client phone ", vec!["none"]),
        ("show contracts where signed = ", vec!["false", "true"]),
        ("update contract 3 set signed = ", vec!["false", "true"]),
        ("show employees where active != ", vec!["false", "true"]),
        (
            "create employee department ",
            vec!["admin", "management", "sales", "support"],
        ),
        (
            "show audit where entity = ",
            vec!["client", "contract", "employee", "event", "session"],
        ),
        ("show events where support = ", vec![NAMES[2]]),
        ("update event 109 set support = ", vec![NAMES[2], "none"]),
        (
            "create event for contract 4 support ",
            vec![NAMES[2], "none"],
        ),
        ("update event 109 set support = \"", vec![NAMES[2]]),
        ("show clients where sales = ", vec![NAMES[0]]),
        ("update client 2 set sales = ", vec![NAMES[0]]),
        ("create client sales ", vec![NAMES[0]]),
        ("show contracts where sales in (", vec![NAMES[0]]),
        ("show events where support = \"H", vec![]),
        // Free text, numbers and amounts: nothing to choose from.
        ("show events where client = ", vec![]),
        ("show contracts where total > ", vec![]),
        ("update event 109 set attendees = ", vec![]),
        ("update event 109 set location = ", vec!["none"]),
        ("show audit where actor = ", vec![]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

/// After `where FIELD`: the operators of the field's type, `is` where
/// `none` or `me` may follow, `in` where a list may.
#[test]
fn operators_follow_the_fields_type() {
    let cases: &[(&str, &[&str])] = &[
        ("show events where start ", ORDERED),
        ("show audit where at ", ORDERED),
        ("show contracts where total ", NUMERIC),
        ("count events where attendees ", NUMERIC),
        ("show events where contract ", NUMERIC),
        (
            "show employees where department ",
            &["!=", "=", "in", "not in"],
        ),
        ("show employees where active ", &["!=", "="]),
        (
            "show clients where sales ",
            &["!=", "=", "in", "is", "not in", "~"],
        ),
        ("show clients where sales is ", &["me", "not"]),
        ("show clients where phone is ", &["none", "not"]),
        (
            "show events where start > today ",
            &["and", "limit", "offset", "or", "order by"],
        ),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
    check_shown(
        "show audit where ",
        &[
            "action  (text)",
            "actor  (text)",
            "at  (date)",
            "entity  (employee/client/contract/event/session)",
            "id  (number)",
            "not",
            "record  (number)",
        ],
    );
}

/// The reads, settings and identity commands, position by position.
#[test]
fn every_other_position() {
    let names_or_employee = [NAMES[0], NAMES[1], NAMES[2], "employee"];
    let names_or_ids = [NAMES[0], NAMES[1], NAMES[2], IDS[0], IDS[1], IDS[2]];
    let cases: &[(&str, &[&str])] = &[
        // show, count, explain
        ("show event ", &["limit", "offset", "order by", "where"]),
        ("show events offset 5 ", &["limit"]),
        ("show events limit ", &[]),
        ("show sessions ", &[]),
        ("show security ", &[]),
        ("show time zone ", &[]),
        (
            "count ",
            &["audit", "clients", "contracts", "employees", "events"],
        ),
        (
            "explain count ",
            &["audit", "clients", "contracts", "employees", "events"],
        ),
        (
            "explain show events ",
            &["limit", "offset", "order by", "where"],
        ),
        // help
        (
            "help c",
            &[
                "client",
                "clients",
                "contract",
                "contracts",
                "count",
                "create",
            ],
        ),
        ("help events ", &[]),
        // set
        ("set expanded ", &["auto", "off", "on"]),
        ("set security bcrypt_cost ", &["="]),
        ("set security bcrypt_cost = ", &[]),
        ("set time ", &["zone"]),
        ("set time zone ", &[]),
        // the commands of one word
        ("quit ", &[]),
        ("exit ", &[]),
        ("logout ", &[]),
        ("whoami ", &[]),
        ("passwd ", &[]),
        ("login ", &[]),
        // sessions and passwords
        ("revoke session ", &[]),
        ("revoke sessions of ", &names_or_employee),
        ("revoke sessions of employee ", &names_or_ids),
        ("revoke sessions of \"K", &[NAMES[2]]),
        ("unlock ", &[]),
        ("reset ", &["password"]),
        ("reset password ", &["of"]),
        ("reset password of employee ", &names_or_ids),
        // report
        ("report ", &["events", "sales", "unpaid"]),
        ("report sales ", &[]),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

/// The writes, position by position.
#[test]
fn every_position_of_the_writes() {
    let all_names = [NAMES[0], NAMES[1], NAMES[2]];
    let names_or_employee = [NAMES[0], NAMES[1], NAMES[2], "employee"];
    let names_or_ids = [NAMES[0], NAMES[1], NAMES[2], IDS[0], IDS[1], IDS[2]];
    let cases: &[(&str, &[&str])] = &[
        ("create ", WRITABLE),
        ("create event ", &["for"]),
        ("create event for ", &["contract"]),
        ("create event for contract ", &[]),
        ("update ", WRITABLE),
        ("update event ", &["where"]),
        ("update event 109 ", &["set"]),
        ("update event 109 set start ", &["="]),
        ("update employee ", &["where", IDS[0], IDS[1], IDS[2]]),
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
        ("delete event ", &[]),
        ("delete employee ", &IDS),
        ("delete employee 3 reassign ", &["to"]),
        ("delete employee 3 reassign to employee ", &names_or_ids),
        ("deactivate ", &names_or_employee),
        ("deactivate employee ", &names_or_ids),
        ("deactivate \"", &all_names),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
    check_shown(
        "update employee ",
        &[
            "where",
            "3  (Aliénor Martin)",
            "7  (Kate Hastroff)",
            "12  (Helene Marchand)",
        ],
    );
    check_shown("update event 109 set st", &["start  (date)"]);
}

/// `import events from "FILE"` and its options, position by position:
/// each option until it is given, the sheet's field names after `=`, and
/// only salespeople after `sales`.
#[test]
fn every_position_of_the_import() {
    let fields = sorted(ImportField::ALL.map(ImportField::name));
    let file = "import events from \"suivi.xlsx\" ";
    let cases: &[(&str, &[&str])] = &[
        ("i", &["import"]),
        ("import ", &["events"]),
        ("import ev", &["events"]),
        ("import events ", &["from"]),
        ("import events from ", &[]),
        ("import events from \"", &[]),
        (file, &["apply", "map", "sales"]),
        (&format!("{file}apply "), &["map", "sales"]),
        (&format!("{file}a"), &["apply"]),
        (&format!("{file}map "), &[]),
        (&format!("{file}map \"Quand\" "), &["="]),
        (&format!("{file}map \"Quand\" = "), &fields),
        (
            &format!("{file}map \"Quand\" = s"),
            &["sales", "start", "support"],
        ),
        (
            &format!("{file}map \"Quand\" = client_e"),
            &["client_email"],
        ),
        (
            &format!("{file}map \"Quand\" = start "),
            &[",", "apply", "sales"],
        ),
        (&format!("{file}map \"Quand\" = start, "), &[]),
        (&format!("{file}map \"Quand\" = start, \"Fin\" = "), &fields),
        (&format!("{file}sales "), &[NAMES[0], "employee"]),
        (&format!("{file}sales \"A"), &[NAMES[0]]),
        (&format!("{file}sales \"K"), &[]),
        (&format!("{file}sales employee "), &[NAMES[0], IDS[0]]),
        (&format!("{file}sales employee 3 "), &["apply", "map"]),
        (&format!("{file}apply sales 3 map \"A\" = end "), &[","]),
        (
            &format!("{file}apply sales 3 map \"A\" = end, \"B\" = notes "),
            &[","],
        ),
    ];
    for (line, expected) in cases {
        check(line, expected);
    }
}

/// The writes after which the shell reloads the names, and only those.
#[test]
fn the_names_change_with_the_writes_to_employees() {
    let changing = [
        "create employee name \"A B\" email \"a@b.c\" department sales",
        "update employee 7 set department = sales",
        "delete employee 7 reassign to employee 3",
        "deactivate \"Kate Hastroff\"",
        "deactivate employee 7",
    ];
    for line in changing {
        assert!(super::changes_employees(line), "{line}");
    }
    let other = [
        "create client name \"A B\" email \"a@b.c\"",
        "update event 109 set support = \"Kate Hastroff\"",
        "show employees",
        "update employee 7 set",
        "",
    ];
    for line in other {
        assert!(!super::changes_employees(line), "{line}");
    }
}

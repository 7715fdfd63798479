use super::*;

/// SPEC.md's table, encoded a second way: per role, the exact set of
/// (action, target, needs own, forbidden guarded fields) it is granted.
/// The checker must agree with it on every combination.
fn spec_allows(role: Role, request: &Request) -> bool {
    let own = request.ownership == Ownership::Own;
    let touches = |field: Guarded| request.touches.contains(&field);
    let reads = matches!(request.target, Client | Contract | Event | Employee);
    match (request.action, request.target) {
        (Read, _) if reads => true,
        (Read, Sessions) => role == Admin,
        (Read, AuditLog) => matches!(role, Management | Admin),
        (_, Sessions) | (_, Logins) => role == Admin && request.action == Update,
        (Read | Update, Security) => role == Admin,
        (Update, Password) => {
            role == Admin || (role == Management && !touches(Guarded::AdminAccount))
        }
        (Create, Employee) => {
            role == Admin || (role == Management && !touches(Guarded::AdminAccount))
        }
        (Update | Delete, Employee) => {
            !touches(Guarded::OwnAccount)
                && (role == Admin || (role == Management && !touches(Guarded::AdminAccount)))
        }
        (Create, Contract) => matches!(role, Management | Admin),
        (Update, Contract) => matches!(role, Management | Admin) || (role == Sales && own),
        (Create, Client) => role == Sales && own,
        (Update, Client) => {
            (matches!(role, Management | Admin) && !touches(Guarded::ClientDetails))
                || (role == Sales && own && !touches(Guarded::ClientOwner))
        }
        (Create, Event) => role == Sales && own && !touches(Guarded::EventSupport),
        (Create, Import) => role == Admin,
        (Update, Event) => {
            matches!(role, Management | Admin)
                || (role == Support
                    && own
                    && !touches(Guarded::EventContract)
                    && !touches(Guarded::EventSupport))
        }
        _ => false,
    }
}

#[test]
fn the_checker_agrees_with_the_spec_on_every_combination() {
    let actions = [Read, Create, Update, Delete];
    let targets = [
        Client, Contract, Event, Employee, Sessions, Logins, Password, AuditLog, Security, Import,
    ];
    let ownerships = [Ownership::Own, Ownership::Others, Ownership::NotApplicable];
    let field_groups: [&[Guarded]; 10] = [
        &[],
        &[Guarded::ClientOwner],
        &[Guarded::ClientDetails],
        &[Guarded::ClientOwner, Guarded::ClientDetails],
        &[Guarded::EventContract],
        &[Guarded::EventSupport],
        &[Guarded::EventContract, Guarded::EventSupport],
        &[Guarded::AdminAccount],
        &[Guarded::OwnAccount],
        &[Guarded::AdminAccount, Guarded::OwnAccount],
    ];
    let mut checked = 0;
    for role in ROLES {
        for action in actions {
            for target in targets {
                for ownership in ownerships {
                    for fields in field_groups {
                        let request = Request {
                            action,
                            target,
                            ownership,
                            touches: fields.to_vec(),
                            id: Some(12),
                        };
                        assert_eq!(
                            allows(role, &request),
                            spec_allows(role, &request),
                            "{role} {request} ({ownership:?}, {fields:?})"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 4 * 4 * 10 * 3 * 10);
}

fn denial(
    role: Role,
    action: Action,
    target: Target,
    ownership: Ownership,
    touches: &[Guarded],
) -> String {
    let request = Request {
        action,
        target,
        ownership,
        touches: touches.to_vec(),
        id: Some(12),
    };
    authorize(role, &request, ()).expect_err("denied").rule
}

#[test]
fn denials_name_the_rule_in_plain_words() {
    use Ownership::*;
    assert_eq!(
        denial(Sales, Update, Client, Others, &[]),
        "only the client's sales contact or management may update client 12"
    );
    assert_eq!(
        denial(Sales, Update, Client, Own, &[Guarded::ClientOwner]),
        "only management may reassign client 12 to another salesperson"
    );
    assert_eq!(
        denial(Support, Update, Event, Own, &[Guarded::EventSupport]),
        "only management may assign or remove the support contact of event 12"
    );
    assert_eq!(
        denial(Support, Update, Event, Others, &[]),
        "only the event's support contact or management may update event 12"
    );
    assert_eq!(
        denial(Support, Create, Client, NotApplicable, &[]),
        "only the client's sales contact may create client 12"
    );
    assert_eq!(
        denial(Sales, Create, Event, Others, &[]),
        "only the client's sales contact may create an event for contract 12"
    );
    assert_eq!(
        denial(Sales, Delete, Employee, NotApplicable, &[]),
        "only management may delete employee 12"
    );
    assert_eq!(
        denial(Management, Delete, Client, Own, &[]),
        "nobody may delete client 12"
    );
    assert_eq!(
        denial(Management, Read, Sessions, NotApplicable, &[]),
        "only admins may list sessions"
    );
    assert_eq!(
        denial(Support, Update, Password, NotApplicable, &[]),
        "only management may reset passwords"
    );
    assert_eq!(
        denial(Sales, Create, Contract, NotApplicable, &[]),
        "only management may create a contract for client 12"
    );
}

#[test]
fn denials_for_a_guarded_field_name_its_rule() {
    use Ownership::*;
    assert_eq!(
        denial(
            Management,
            Update,
            Password,
            NotApplicable,
            &[Guarded::AdminAccount]
        ),
        ADMIN_RULE
    );
    assert_eq!(
        denial(
            Management,
            Create,
            Employee,
            NotApplicable,
            &[Guarded::AdminAccount]
        ),
        ADMIN_RULE
    );
    assert_eq!(
        denial(
            Admin,
            Delete,
            Employee,
            NotApplicable,
            &[Guarded::OwnAccount]
        ),
        OWN_ACCOUNT_RULE
    );
    assert_eq!(
        denial(
            Management,
            Update,
            Client,
            Others,
            &[Guarded::ClientDetails]
        ),
        "only the client's sales contact may change the details of client 12; management may only reassign it"
    );
    // A create names the record it would make, by its parent.
    assert_eq!(
        denial(Sales, Create, Event, Own, &[Guarded::EventSupport]),
        "only management may assign or remove the support contact of a new event for contract 12"
    );
}

#[test]
fn a_write_touches_the_guards_of_the_fields_it_sets_once_each() {
    use crate::model::Field;
    assert_eq!(
        touched(
            Update,
            [Field::ClientName, Field::ClientSales, Field::ClientEmail]
        ),
        vec![Guarded::ClientDetails, Guarded::ClientOwner]
    );
    assert_eq!(
        touched(Create, [Field::ClientName, Field::ClientSales]),
        vec![Guarded::ClientOwner]
    );
    assert_eq!(
        touched(
            Update,
            [
                Field::EventNotes,
                Field::EventSupport,
                Field::EventContract,
                Field::EventSupport
            ]
        ),
        vec![Guarded::EventSupport, Guarded::EventContract]
    );
    assert_eq!(
        touched(Create, [Field::EventName, Field::EventSupport]),
        vec![Guarded::EventSupport]
    );
    assert!(touched(Update, [Field::EmployeeDepartment, Field::ContractTotal]).is_empty());
}

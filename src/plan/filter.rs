//! Conditions: every filter compiles to a predicate that is never NULL;
//! relative dates are resolved against the command's clock and time zone.

use super::*;

/// A predicate that is true or false, never NULL.
pub(super) fn condition(
    b: &mut Builder,
    filter: &Filter,
    context: &PlanContext,
) -> Result<(), PlanError> {
    match filter {
        Filter::And(left, right) | Filter::Or(left, right) => {
            b.push("(");
            condition(b, left, context)?;
            b.push(if matches!(filter, Filter::And(..)) {
                " AND "
            } else {
                " OR "
            });
            condition(b, right, context)?;
            b.push(")");
        }
        Filter::Not(inner) => {
            b.push("NOT ");
            condition(b, inner, context)?;
        }
        Filter::IsNone { field, negated } => {
            b.push("(");
            b.push(column(*field));
            b.push(if *negated {
                " IS NOT NULL)"
            } else {
                " IS NULL)"
            });
        }
        Filter::IsMe { field, negated } => {
            let me = context.me.ok_or(PlanError::MeWithoutLogin {
                field: field.name(),
            })?;
            if *negated {
                b.push("NOT ");
            }
            guarded(b, *field, |b| {
                b.push(column(*field));
                b.push(" = ");
                b.bind(Param::Int(me));
            });
        }
        Filter::In { field, values } => in_list(b, *field, values, context),
        Filter::Compare { field, op, value } => compare(b, *field, *op, value, context),
    }
    Ok(())
}

/// `(col IS NOT NULL AND <test>)` for fields that can be none, so the test
/// is never NULL; just `(<test>)` otherwise.
pub(super) fn guarded(b: &mut Builder, field: Field, test: impl FnOnce(&mut Builder)) {
    b.push("(");
    if field.nullable() {
        b.push(column(field));
        b.push(" IS NOT NULL AND ");
    }
    test(b);
    b.push(")");
}

/// `%text%` for ILIKE, with the pattern characters of the text escaped.
pub(super) fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

pub(super) fn compare(
    b: &mut Builder,
    field: Field,
    op: CompareOp,
    value: &Value,
    context: &PlanContext,
) {
    if op == CompareOp::Ne {
        // `!=` is exactly `not =`: it includes the records where the field is none.
        b.push("NOT ");
        compare(b, field, CompareOp::Eq, value, context);
        return;
    }
    let ty = field.ty();
    if let Value::Time(time) = value {
        return compare_time(b, field, op, resolve(*time, context));
    }
    guarded(b, field, |b| match (ty, op, value) {
        // A related record named by its id (`client = 304`): its key.
        (_, op, Value::Integer(id)) if field.names_a_record().is_some() => {
            b.push("c.id ");
            b.push(if op == CompareOp::Contains {
                "="
            } else {
                op.symbol()
            });
            b.push(" ");
            b.bind(Param::Int(*id));
        }
        (FieldType::Employee, CompareOp::Eq, Value::Integer(id)) => {
            b.push(column(field));
            b.push(" = ");
            b.bind(Param::Int(*id));
        }
        (FieldType::Employee, CompareOp::Eq, Value::Text(name)) => {
            b.push(column(field));
            b.push(" IN (SELECT id FROM employees WHERE lower(full_name) = lower(");
            b.bind(Param::Text(name.clone()));
            b.push("))");
        }
        (FieldType::Employee, _, Value::Text(name)) => {
            b.push(column(field));
            b.push(" IN (SELECT id FROM employees WHERE full_name ILIKE ");
            b.bind(Param::Text(contains_pattern(name)));
            b.push(")");
        }
        (_, CompareOp::Contains, Value::Text(text))
            if trigram_search(field, indexed(b, context, field, text)).is_some() =>
        {
            let (key, call) =
                trigram_search(field, indexed(b, context, field, text)).expect("just matched");
            // An array of ids: an index condition on the primary key.
            b.push(key);
            b.push(" = ANY (ARRAY(SELECT ");
            b.push(&call);
            b.bind(Param::Text(contains_pattern(text)));
            b.push(")))");
        }
        (_, CompareOp::Contains, Value::Text(text)) => {
            b.push(column(field));
            b.push(" ILIKE ");
            b.bind(Param::Text(contains_pattern(text)));
        }
        (FieldType::Email, _, Value::Text(text)) => {
            b.push("lower(");
            b.push(column(field));
            b.push(") = lower(");
            b.bind(Param::Text(text.clone()));
            b.push(")");
        }
        (_, op, value) => {
            b.push(column(field));
            b.push(" ");
            b.push(op.symbol());
            b.push(" ");
            b.bind(scalar(value));
        }
    });
}

/// Searches with a trigram index: the key to test and the call, up to its
/// pattern, of the function that finds the matching records (sql/0008 for
/// a client's name and company, sql/0019's `epic_search` for the rest).
/// Under row-level security a plain `ILIKE` cannot use the index, so these
/// go through the function. An event's name, location and notes and a
/// client's email go through it in counts (`counting`), and in listings when
/// the database judged the search selective (`PlanContext::indexed_searches`,
/// [`plan_search_selectivity`]): the function gives every match, which for
/// a common word (`location ~ "Lyon"`, a tenth of the events) costs a
/// listing far more than reading in id order until its page is full, and
/// for a rare one far less.
pub(super) fn trigram_search(field: Field, indexed: bool) -> Option<(&'static str, String)> {
    match field {
        Field::ClientName | Field::ContractClient | Field::EventClient => {
            Some(("c.id", "epic_clients_named(".to_owned()))
        }
        Field::ClientCompany => Some(("c.id", "epic_clients_of_company(".to_owned())),
        _ if indexed => {
            let (key, searched) = searched_by_epic_search(field)?;
            Some((key, format!("epic_search('{searched}', ")))
        }
        _ => None,
    }
}

/// Whether a `~` search of `text` in `field` goes through its index here.
fn indexed(b: &Builder, context: &PlanContext, field: Field, text: &str) -> bool {
    b.counting
        || context
            .indexed_searches
            .iter()
            .any(|(f, t)| *f == field && t == text)
}

/// The fields `epic_search` searches (sql/0019): the key of each, and its
/// name there (a constant of ours, never the user's text).
fn searched_by_epic_search(field: Field) -> Option<(&'static str, &'static str)> {
    match field {
        Field::ClientEmail => Some(("c.id", "client email")),
        Field::EventName => Some(("e.id", "event name")),
        Field::EventLocation => Some(("e.id", "event location")),
        Field::EventNotes => Some(("e.id", "event notes")),
        _ => None,
    }
}

/// The `~` searches of `filter` whose plan depends on how many records
/// match: those on the fields `epic_search` searches.
pub fn searches_by_selectivity(filter: &Filter) -> Vec<(Field, String)> {
    let mut found = Vec::new();
    let mut stack = vec![filter];
    while let Some(filter) = stack.pop() {
        match filter {
            Filter::And(left, right) | Filter::Or(left, right) => {
                stack.extend([left.as_ref(), right.as_ref()])
            }
            Filter::Not(inner) => stack.push(inner),
            Filter::Compare {
                field,
                op: CompareOp::Contains,
                value: Value::Text(text),
            } if searched_by_epic_search(*field).is_some() => {
                found.push((*field, text.clone()));
            }
            _ => {}
        }
    }
    found
}

/// Asks the database, for each of `searches`, whether going through its
/// trigram index costs a listing of `wanted` rows (0: every row) less than
/// reading in id order, and about how many records match (sql/0022
/// `epic_search_sampled`, from a sample of the table). One row per search,
/// in order: `selective`, `matches`.
pub fn plan_search_selectivity(searches: &[(Field, String)], wanted: u64) -> Plan {
    let (names, patterns) = searches
        .iter()
        .filter_map(|(field, text)| {
            let (_, searched) = searched_by_epic_search(*field)?;
            Some((searched.to_owned(), contains_pattern(text)))
        })
        .unzip();
    let mut b = Builder::new();
    b.push("SELECT r.selective, r.matches FROM unnest(");
    b.bind(Param::TextList(names));
    b.push(", ");
    b.bind(Param::TextList(patterns));
    b.push(") WITH ORDINALITY AS s(field, pattern, n), LATERAL epic_search_sampled(s.field, s.pattern, ");
    b.bind(Param::Int(i64::try_from(wanted).unwrap_or(i64::MAX)));
    b.push(") AS r ORDER BY s.n");
    Plan {
        sql: b.sql,
        params: b.params,
        columns: vec![
            col("selective", ColumnKind::Bool),
            col("matches", ColumnKind::Id),
        ],
    }
}

pub(super) fn scalar(value: &Value) -> Param {
    match value {
        Value::Text(text) => Param::Text(text.clone()),
        Value::Integer(n) => Param::Int(*n),
        Value::Money(amount) => Param::Money(*amount),
        Value::Bool(flag) => Param::Bool(*flag),
        Value::Enum(word) => Param::Text((*word).to_owned()),
        Value::Time(_) => unreachable!("times are compared by compare_time"),
    }
}

pub(super) fn in_list(b: &mut Builder, field: Field, values: &[Value], _context: &PlanContext) {
    let texts: Vec<String> = values
        .iter()
        .filter_map(|v| match v {
            Value::Text(t) => Some(t.clone()),
            Value::Enum(w) => Some((*w).to_owned()),
            _ => None,
        })
        .collect();
    let ints: Vec<i64> = values
        .iter()
        .filter_map(|v| {
            if let Value::Integer(n) = v {
                Some(*n)
            } else {
                None
            }
        })
        .collect();
    let money: Vec<Decimal> = values
        .iter()
        .filter_map(|v| {
            if let Value::Money(m) = v {
                Some(*m)
            } else {
                None
            }
        })
        .collect();
    guarded(b, field, |b| match field.ty() {
        FieldType::Employee => {
            b.push(column(field));
            b.push(" IN (SELECT id FROM employees WHERE lower(full_name) = ANY(");
            b.bind(Param::TextList(
                texts.iter().map(|t| t.to_lowercase()).collect(),
            ));
            b.push(") OR id = ANY(");
            b.bind(Param::IntList(ints));
            b.push("))");
        }
        FieldType::Email => {
            b.push("lower(");
            b.push(column(field));
            b.push(") = ANY(");
            b.bind(Param::TextList(
                texts.iter().map(|t| t.to_lowercase()).collect(),
            ));
            b.push(")");
        }
        FieldType::Money => {
            b.push(column(field));
            b.push(" = ANY(");
            b.bind(Param::MoneyList(money));
            b.push(")");
        }
        FieldType::Id | FieldType::Integer => {
            b.push(column(field));
            b.push(" = ANY(");
            b.bind(Param::IntList(ints));
            b.push(")");
        }
        _ => {
            b.push(column(field));
            b.push(" = ANY(");
            b.bind(Param::TextList(texts));
            b.push(")");
            if field.names_a_record().is_some() && !ints.is_empty() {
                // Related records named by id: `client in (304, "Lou Bouzin")`.
                b.push(" OR c.id = ANY(");
                b.bind(Param::IntList(ints));
                b.push(")");
            }
        }
    });
}

/// A resolved time: an instant, or a whole local day `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Moment {
    Instant(DateTime<Utc>),
    Day {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
}

/// The day `date` in `zone`, from its midnight to the next.
pub(super) fn local_day(date: NaiveDate, zone: &crate::zone::Zone) -> Moment {
    let start = zone.instant(date.and_hms_opt(0, 0, 0).expect("midnight exists"));
    let next = date.succ_opt().unwrap_or(date);
    let end = zone.instant(next.and_hms_opt(0, 0, 0).expect("midnight exists"));
    Moment::Day { start, end }
}

/// A typed time, in the command's zone and against its clock.
pub(super) fn resolve(time: TimeValue, context: &PlanContext) -> Moment {
    let zone = &context.zone;
    match time {
        TimeValue::Date(date) => local_day(date, zone),
        TimeValue::DateTime(at) => Moment::Instant(zone.instant(at)),
        TimeValue::Instant(at) => Moment::Instant(at.with_timezone(&Utc)),
        TimeValue::RelativeDay(days) => {
            let today = zone.local(context.now).date();
            local_day(today + chrono::Duration::days(i64::from(days)), zone)
        }
        TimeValue::Now => Moment::Instant(context.now),
    }
}

/// Comparing with a day means the whole day: `start = 2023-06-04` is any
/// time that day, `start > 2023-06-04` from the next midnight on.
pub(super) fn compare_time(b: &mut Builder, field: Field, op: CompareOp, moment: Moment) {
    let col = column(field);
    let one = |b: &mut Builder, symbol: &str, at: DateTime<Utc>| {
        b.push(col);
        b.push(" ");
        b.push(symbol);
        b.push(" ");
        b.bind(Param::Time(at));
    };
    b.push("(");
    match (moment, op) {
        (Moment::Instant(at), op) => one(b, op.symbol(), at),
        (Moment::Day { start, end }, CompareOp::Eq) => {
            one(b, ">=", start);
            b.push(" AND ");
            one(b, "<", end);
        }
        (Moment::Day { start, .. }, CompareOp::Lt) => one(b, "<", start),
        (Moment::Day { end, .. }, CompareOp::Le) => one(b, "<", end),
        (Moment::Day { end, .. }, CompareOp::Gt) => one(b, ">=", end),
        (Moment::Day { start, .. }, _) => one(b, ">=", start),
    }
    b.push(")");
}

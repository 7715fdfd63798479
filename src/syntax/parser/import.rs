//! Importing the support team's spreadsheet: `import events from "FILE"`
//! and its options `sales`, `map` and `apply`, in any order, each once.
//!
//! The parser knows the command's words and the names of the sheet's
//! columns ([`ImportField`], the model's); whether the file exists and what
//! it holds is the import's to say when it runs, and who may import is the
//! checker's.

use super::Parser;
use crate::model::sheet::ImportField;
use crate::syntax::ast::{Command, ImportEvents, quote};
use crate::syntax::error::{SyntaxError, did_you_mean_help};
use crate::syntax::kind::{ErrorKind, Thing, Want};
use crate::syntax::lexer::TokenKind;
use crate::syntax::suggest::did_you_mean;

/// The options that may follow the file, in the grammar's order.
const IMPORT_OPTIONS: [&str; 3] = ["sales", "map", "apply"];

/// The help beside a malformed `import`.
const EXAMPLE: &str =
    "for example: import events from \"events.xlsx\" sales \"Bill Boquet\" map \"Quand\" = start";

impl Parser<'_> {
    /// `import = "import" "events" "from" string { import_option } ;`
    pub(super) fn import(&mut self) -> Result<Command, SyntaxError> {
        self.import_keyword("events", "import")?;
        self.import_keyword("from", "import events")?;
        let file = self.import_text(Want::ImportFile)?;
        let mut import = ImportEvents {
            file,
            sales: None,
            map: Vec::new(),
            apply: false,
        };
        while self.import_option(&mut import)? {}
        Ok(Command::Import(import))
    }

    /// `word`, which must come after `after`.
    fn import_keyword(&mut self, word: &'static str, after: &str) -> Result<(), SyntaxError> {
        if self.eat_word(word) {
            return Ok(());
        }
        let after = Some(after.to_owned());
        Err(or_example(
            self.expected(Want::Keyword { word, after }, &[word]),
        ))
    }

    /// `import_option = "sales" employee_ref | "map" mapping { "," mapping } | "apply" ;`
    /// One option into `import`, if one comes: `false` where none does.
    fn import_option(&mut self, import: &mut ImportEvents) -> Result<bool, SyntaxError> {
        let given = [import.sales.is_some(), !import.map.is_empty(), import.apply];
        let allowed: Vec<&'static str> = IMPORT_OPTIONS
            .into_iter()
            .zip(given)
            .filter_map(|(option, given)| (!given).then_some(option))
            .collect();
        if !allowed.is_empty() {
            self.could_end_with(|| Want::Clauses {
                allowed: allowed.clone(),
            });
        }
        let Some(token) = self.peek().cloned() else {
            return Ok(false);
        };
        let Some(index) = IMPORT_OPTIONS.iter().position(|o| token.is_word(o)) else {
            // With every option given, what follows is after the end.
            if allowed.is_empty() {
                return Ok(false);
            }
            let what = Want::Clauses {
                allowed: allowed.clone(),
            };
            return Err(or_example(self.expected(what, &allowed)));
        };
        let option = IMPORT_OPTIONS[index];
        if given[index] {
            return Err(self
                .fail(ErrorKind::OptionTwice { option }, token.span)
                .with_help(format!("give `{option}` once, anywhere after the file")));
        }
        self.position += 1;
        match option {
            "sales" => import.sales = Some(self.employee_ref_as(Want::SalesEmployee)?),
            "map" => import.map = self.mappings()?,
            _ => import.apply = true,
        }
        Ok(true)
    }

    /// `mapping { "," mapping }`, after `map`.
    fn mappings(&mut self) -> Result<Vec<(String, ImportField)>, SyntaxError> {
        let mut map = Vec::new();
        loop {
            let (column, field) = self.mapping()?;
            self.could_end_with_word(",");
            let comma = self.eat_symbol(",");
            // `map "A" = start "B" = end`: the comma forgotten.
            if !comma && self.peek().is_some_and(|t| t.kind == TokenKind::Str) {
                let after = Some(format!("{} = {field}", quote(&column)));
                let what = Want::Keyword { word: ",", after };
                return Err(self.expected(what, &[]).with_help(
                    "mappings are separated by commas: map \"A\" = start, \"B\" = end",
                ));
            }
            map.push((column, field));
            if !comma {
                return Ok(map);
            }
        }
    }

    /// `mapping = string "=" import_field ;`
    fn mapping(&mut self) -> Result<(String, ImportField), SyntaxError> {
        let column = self.import_text(Want::ImportColumn)?;
        if !self.eat_symbol("=") {
            let after = Some(quote(&column));
            return Err(self
                .expected(Want::Keyword { word: "=", after }, &[])
                .with_help(format!("map {} = FIELD; {}", quote(&column), fields_help())));
        }
        Ok((column, self.import_field()?))
    }

    /// `import_field = "event_id" | "event_name" | "contract" | "client_name"
    ///              | "client_contact" | "client_email" | "client_phone" | "company"
    ///              | "sales" | "start" | "end" | "support" | "location"
    ///              | "attendees" | "notes" ;`
    fn import_field(&mut self) -> Result<ImportField, SyntaxError> {
        let token = match self.peek() {
            Some(token) if token.kind == TokenKind::Word => token.clone(),
            _ => {
                return Err(self
                    .expected(Want::ImportField, &[])
                    .with_help(fields_help()));
            }
        };
        if let Some(field) = ImportField::ALL
            .into_iter()
            .find(|field| token.is_word(field.name()))
        {
            self.position += 1;
            return Ok(field);
        }
        let names = ImportField::ALL.map(ImportField::name);
        let help = match did_you_mean(&token.raw, names) {
            Some(near) => format!("{} {}", did_you_mean_help(near), fields_help()),
            None => fields_help(),
        };
        let what = Thing::ImportField;
        let word = token.raw.clone();
        Err(self
            .fail(ErrorKind::Unknown { what, word }, token.span)
            .with_help(help))
    }

    /// A string naming the file or a column: any text, but some.
    fn import_text(&mut self, want: Want) -> Result<String, SyntaxError> {
        let token = self.peek().cloned();
        if let Some(token) = &token
            && token.kind == TokenKind::Str
            && !token.value.trim().is_empty()
        {
            self.position += 1;
            return Ok(token.value.clone());
        }
        // A word or a number is likely the name, its quotes forgotten.
        let name = match token {
            Some(token) if matches!(token.kind, TokenKind::Word | TokenKind::Number) => {
                quote(&token.raw)
            }
            _ if want == Want::ImportFile => "\"events.xlsx\"".to_owned(),
            _ => "\"Quand\"".to_owned(),
        };
        let help = match want {
            Want::ImportFile => format!("for example: import events from {name}"),
            _ => format!("for example: map {name} = start"),
        };
        Err(self.expected(want, &[]).with_help(help))
    }
}

/// `error`, with the example of an import unless it has a suggestion.
fn or_example(error: SyntaxError) -> SyntaxError {
    match error.help {
        Some(_) => error,
        None => error.with_help(EXAMPLE),
    }
}

/// The names a mapping's field may be.
fn fields_help() -> String {
    let names = ImportField::ALL.map(ImportField::name);
    format!("the fields are: {}", names.join(", "))
}

/// The error of an `import` whose file is not in quotes, which the lexer
/// refuses before the parser sees it (`import events from events.csv`
/// stops at the `.`): at the file's name, with the line to write.
pub(super) fn unquoted_file(text: &str) -> Option<SyntaxError> {
    let mut rest = text.trim_start();
    for word in ["import", "events", "from"] {
        let end = rest.find(char::is_whitespace)?;
        if !rest[..end].eq_ignore_ascii_case(word) {
            return None;
        }
        rest = rest[end..].trim_start();
    }
    let start = text.len() - rest.len();
    let file = rest.split_whitespace().next()?;
    if file.starts_with('"') {
        return None;
    }
    let kind = ErrorKind::Expected {
        what: Want::ImportFile,
        found: Some(file.to_owned()),
    };
    let help = format!("for example: import events from {}", quote(file));
    Some(SyntaxError::at(kind, start..start + file.len(), text).with_help(help))
}

#[cfg(test)]
mod tests {
    use crate::model::sheet::ImportField;
    use crate::syntax::ast::{Command, EmployeeRef, ImportEvents};
    use crate::syntax::{SyntaxErrorKind, Want, expected_at_end, parse};

    fn import(text: &str) -> ImportEvents {
        match parse(text) {
            Ok(Command::Import(import)) => import,
            other => panic!("`{text}`: {other:?}"),
        }
    }

    #[test]
    fn an_import_takes_its_options_in_any_order_and_prints_them_in_one() {
        let plain = import("import events from \"events.xlsx\"");
        assert_eq!(plain.file, "events.xlsx");
        assert_eq!((plain.sales, plain.map, plain.apply), (None, vec![], false));
        let canonical = "import events from \"Suivi \\\"2023\\\".csv\" sales \"Bill Boquet\" \
                         map \"Quand\" = start, \"Jusqu'à\" = end apply";
        let full = import(canonical);
        assert_eq!(full.to_string(), canonical);
        assert_eq!(full.file, "Suivi \"2023\".csv");
        assert_eq!(full.sales, Some(EmployeeRef::Name("Bill Boquet".into())));
        assert_eq!(
            full.map,
            vec![
                ("Quand".to_owned(), ImportField::Start),
                ("Jusqu'à".to_owned(), ImportField::End)
            ]
        );
        let shuffled = import(
            "IMPORT Events FROM \"Suivi \\\"2023\\\".csv\" apply MAP \"Quand\" = START, \
             \"Jusqu'à\" = end sales \"Bill Boquet\"",
        );
        assert_eq!(shuffled, full);
        let by_number = import("import events from \"a.csv\" sales employee 3 apply");
        assert_eq!(by_number.sales, Some(EmployeeRef::Id(3)));
        assert_eq!(
            by_number.to_string(),
            "import events from \"a.csv\" sales employee 3 apply"
        );
        assert_eq!(
            import("import events from \"a.csv\" sales 3").sales,
            Some(EmployeeRef::Id(3))
        );
        for field in ImportField::ALL {
            let text = format!("import events from \"a.csv\" map \"X\" = {field}");
            assert_eq!(import(&text).map, vec![("X".to_owned(), field)]);
        }
    }

    /// The message and the help of `text`'s error, and where its caret starts.
    fn refused(text: &str) -> (String, String, usize) {
        let error = parse(text).expect_err(text);
        let help = error.help.clone().unwrap_or_default();
        (error.message.clone(), help, error.span.start)
    }

    #[test]
    fn a_malformed_import_is_refused_where_it_breaks() {
        let (message, help, at) = refused("import events from \"a.csv\" map \"Quand\" = nothing");
        assert_eq!(message, "unknown import field `nothing`");
        assert!(
            help.starts_with("the fields are: event_id, event_name, "),
            "{help}"
        );
        assert!(help.ends_with("attendees, notes"), "{help}");
        assert_eq!(at, "import events from \"a.csv\" map \"Quand\" = ".len());
        let (message, help, _) = refused("import events from \"a.csv\" map \"Quand\" = strat");
        assert_eq!(message, "unknown import field `strat`");
        assert!(
            help.starts_with("did you mean `start`? the fields are: "),
            "{help}"
        );
        let (message, _, at) = refused("import events from \"a.csv\" apply sales 3 apply");
        assert_eq!(message, "`apply` is given twice");
        assert_eq!(at, "import events from \"a.csv\" apply sales 3 ".len());
        let (message, _, _) =
            refused("import events from \"a.csv\" map \"A\" = start map \"B\" = end");
        assert_eq!(message, "`map` is given twice");
        let (message, help, _) = refused("import events from \"a.csv\" aply");
        assert_eq!(message, "expected `sales`, `map`, `apply`, found `aply`");
        assert_eq!(help, "did you mean `apply`?");
        let (message, _, _) = refused("import events from \"a.csv\" map \"A\" = start \"B\" = end");
        assert_eq!(message, "expected `,` after `\"A\" = start`, found `\"B\"`");
        let (message, _, _) = refused("import events from \"\"");
        assert_eq!(
            message,
            "expected the sheet's file in quotes after `from`, found `\"\"`"
        );
        let (message, _, _) = refused("import events from \"a.csv\" map \" \" = start");
        assert_eq!(
            message,
            "expected a column's header in quotes, found `\" \"`"
        );
        let (message, help, at) = refused("import events from events.csv apply");
        assert_eq!(
            message,
            "expected the sheet's file in quotes after `from`, found `events.csv`"
        );
        assert_eq!(help, "for example: import events from \"events.csv\"");
        assert_eq!(at, "import events from ".len());
        let (message, _, _) = refused("import clients from \"a.csv\"");
        assert_eq!(message, "expected `events` after `import`, found `clients`");
        let (message, _, _) = refused("import events \"a.csv\"");
        assert_eq!(
            message,
            "expected `from` after `import events`, found `\"a.csv\"`"
        );
        let (message, _, _) = refused("import events from \"a.csv\" sales");
        assert!(message.starts_with("expected a salesperson: "), "{message}");
        let (message, help, _) = refused("importt events from \"a.csv\"");
        assert_eq!(message, "unknown command `importt`");
        assert_eq!(help, "did you mean `import`?");
        let error = parse("import events from \"a.csv\" map \"A\" = nothing").expect_err("");
        assert_eq!(error.kind, SyntaxErrorKind::Unknown);
        let error = parse("import events from \"a.csv\" apply apply").expect_err("");
        assert_eq!(error.kind, SyntaxErrorKind::Expected);
    }

    #[test]
    fn completion_learns_each_position_from_the_rules() {
        let keyword = |word| Want::Keyword { word, after: None };
        let options = |allowed: &[&'static str]| Want::Clauses {
            allowed: allowed.to_vec(),
        };
        assert!(matches!(
            &expected_at_end("import ")[..],
            [Want::Keyword { word: "events", .. }]
        ));
        assert!(matches!(
            &expected_at_end("import events ")[..],
            [Want::Keyword { word: "from", .. }]
        ));
        assert_eq!(
            expected_at_end("import events from "),
            vec![Want::ImportFile]
        );
        let file = "import events from \"a.csv\" ";
        assert_eq!(
            expected_at_end(file),
            vec![options(&["sales", "map", "apply"])]
        );
        let applied = format!("{file}apply ");
        assert_eq!(expected_at_end(&applied), vec![options(&["sales", "map"])]);
        assert_eq!(
            expected_at_end(&format!("{file}map ")),
            vec![Want::ImportColumn]
        );
        let mapped = format!("{file}map \"Quand\" = ");
        assert_eq!(expected_at_end(&mapped), vec![Want::ImportField]);
        assert_eq!(
            expected_at_end(&format!("{mapped}start ")),
            vec![keyword(","), options(&["sales", "apply"])]
        );
        assert_eq!(
            expected_at_end(&format!("{file}sales ")),
            vec![keyword("employee"), Want::SalesEmployee]
        );
        let all = format!("{file}sales 3 map \"A\" = end apply ");
        assert_eq!(expected_at_end(&all), vec![]);
    }
}

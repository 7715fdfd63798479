//! The fields an import row has, the header names that mean each, and
//! matching a header to one (explicit mapping first).

use crate::model::Field;

/// A column of the support team's spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportField {
    EventId,
    EventName,
    Contract,
    ClientName,
    /// A name, an email and a phone in one cell, split by [`super::cells`].
    ClientContact,
    ClientEmail,
    ClientPhone,
    Start,
    End,
    Support,
    Location,
    Attendees,
    Notes,
}

impl ImportField {
    pub const ALL: [ImportField; 13] = [
        ImportField::EventId,
        ImportField::EventName,
        ImportField::Contract,
        ImportField::ClientName,
        ImportField::ClientContact,
        ImportField::ClientEmail,
        ImportField::ClientPhone,
        ImportField::Start,
        ImportField::End,
        ImportField::Support,
        ImportField::Location,
        ImportField::Attendees,
        ImportField::Notes,
    ];

    /// The columns a sheet must have. An email may come from either the
    /// email column or the contact cell: see [`missing_required`].
    pub const REQUIRED: [ImportField; 4] = [
        ImportField::EventName,
        ImportField::Start,
        ImportField::End,
        ImportField::ClientName,
    ];

    /// The name a `COLUMN=FIELD` mapping uses.
    pub fn name(self) -> &'static str {
        match self {
            ImportField::EventId => "event_id",
            ImportField::EventName => "event_name",
            ImportField::Contract => "contract",
            ImportField::ClientName => "client_name",
            ImportField::ClientContact => "client_contact",
            ImportField::ClientEmail => "client_email",
            ImportField::ClientPhone => "client_phone",
            ImportField::Start => "start",
            ImportField::End => "end",
            ImportField::Support => "support",
            ImportField::Location => "location",
            ImportField::Attendees => "attendees",
            ImportField::Notes => "notes",
        }
    }

    /// The field named `name` in a mapping (header rules apply: case,
    /// accents, spaces and punctuation aside).
    pub fn from_name(name: &str) -> Option<ImportField> {
        let key = normalize(name);
        ImportField::ALL
            .into_iter()
            .find(|field| normalize(field.name()) == key)
    }

    /// The header names, English then French, that mean this field.
    pub fn headers(self) -> &'static [&'static str] {
        match self {
            ImportField::EventId => &["Event ID", "ID", "ID événement"],
            ImportField::EventName => &[
                "Event",
                "Event name",
                "Name",
                "Événement",
                "Nom de l'événement",
            ],
            ImportField::Contract => &["Contract ID", "Contract", "ID contrat", "Contrat"],
            ImportField::ClientName => &["Client name", "Client", "Nom du client"],
            ImportField::ClientContact => &["Client contact", "Contact client"],
            ImportField::ClientEmail => &["Client email", "Email client", "E-mail client"],
            ImportField::ClientPhone => &["Client phone", "Téléphone client"],
            ImportField::Start => &["Start", "Event date start", "Début"],
            ImportField::End => &["End", "Event date end", "Fin"],
            ImportField::Support => &["Support contact", "Support", "Contact support"],
            ImportField::Location => &["Location", "Lieu"],
            ImportField::Attendees => &["Attendees", "Participants"],
            ImportField::Notes => &["Notes", "Remarques"],
        }
    }

    /// The model's field this one is stored in, whose limits apply.
    pub fn model(self) -> Option<Field> {
        match self {
            ImportField::EventId => Some(Field::EventId),
            ImportField::EventName => Some(Field::EventName),
            ImportField::Contract => Some(Field::EventContract),
            ImportField::ClientName => Some(Field::ClientName),
            ImportField::ClientContact => None,
            ImportField::ClientEmail => Some(Field::ClientEmail),
            ImportField::ClientPhone => Some(Field::ClientPhone),
            ImportField::Start => Some(Field::EventStart),
            ImportField::End => Some(Field::EventEnd),
            ImportField::Support => Some(Field::EventSupport),
            ImportField::Location => Some(Field::EventLocation),
            ImportField::Attendees => Some(Field::EventAttendees),
            ImportField::Notes => Some(Field::EventNotes),
        }
    }
}

impl std::fmt::Display for ImportField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A header as compared: lower case, accents off, letters and digits only,
/// so `Nom de l'Événement` and `nomdelevenement` are the same header.
pub fn normalize(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.chars().flat_map(char::to_lowercase) {
        let plain = match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
            'ç' => "c",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' | 'ì' => "i",
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => continue,
        };
        out.push_str(plain);
    }
    out
}

/// The field `header` names: the explicit `mapping` first, then the
/// accepted header names.
pub fn field_of(header: &str, mapping: &[(String, ImportField)]) -> Option<ImportField> {
    let key = normalize(header);
    if key.is_empty() {
        return None;
    }
    mapping
        .iter()
        .find(|(column, _)| normalize(column) == key)
        .map(|(_, field)| *field)
        .or_else(|| {
            ImportField::ALL.into_iter().find(|field| {
                field.headers().iter().any(|name| normalize(name) == key)
                    || normalize(field.name()) == key
            })
        })
}

/// The first required field none of `found` is, if any (an email is
/// required too: its column or the contact cell that holds it).
pub fn missing_required(found: &[ImportField]) -> Option<ImportField> {
    let required = ImportField::REQUIRED
        .into_iter()
        .find(|f| !found.contains(f));
    required.or_else(|| {
        let email = [ImportField::ClientEmail, ImportField::ClientContact];
        (!found.iter().any(|f| email.contains(f))).then_some(ImportField::ClientEmail)
    })
}

/// Reads `COLUMN=FIELD` (as a command line will give it).
pub fn parse_mapping(text: &str) -> Option<(String, ImportField)> {
    let (column, field) = text.rsplit_once('=')?;
    let column = column.trim();
    (!column.is_empty()).then_some(())?;
    Some((column.to_owned(), ImportField::from_name(field)?))
}

//! The columns of the support team's spreadsheet an import reads: each
//! column's name in a `--map`, the header names (English and French) that
//! mean it, and the model field whose limits it takes. A leaf fact, read by
//! the parser (`import ... map "COLUMN" = FIELD`), the completer and the
//! sheet reader (`crate::import`).

use super::Field;

/// A column of the support team's spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportField {
    EventId,
    EventName,
    Contract,
    ClientName,
    /// A name, an email and a phone in one cell, split by the reader.
    ClientContact,
    ClientEmail,
    ClientPhone,
    /// The client's company (a new client's).
    Company,
    /// The salesperson of a new client.
    Sales,
    Start,
    End,
    Support,
    Location,
    Attendees,
    Notes,
}

impl ImportField {
    pub const ALL: [ImportField; 15] = [
        ImportField::EventId,
        ImportField::EventName,
        ImportField::Contract,
        ImportField::ClientName,
        ImportField::ClientContact,
        ImportField::ClientEmail,
        ImportField::ClientPhone,
        ImportField::Company,
        ImportField::Sales,
        ImportField::Start,
        ImportField::End,
        ImportField::Support,
        ImportField::Location,
        ImportField::Attendees,
        ImportField::Notes,
    ];

    /// The columns a sheet must have: what every event has. A row that
    /// creates an event needs its client too (a name and an email, from
    /// their columns or the contact cell), which the import says row by row:
    /// a sheet exported from epic finds its events by number instead.
    pub const REQUIRED: [ImportField; 3] =
        [ImportField::EventName, ImportField::Start, ImportField::End];

    /// Headers of epic's own events export that name no field an import
    /// writes (they are read through the event's contract and support
    /// contact): skipped without a warning, so an exported sheet imports
    /// as it is.
    pub const EXPORT_ONLY: [&'static str; 3] = ["support_email", "updated", "client_id"];

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
            ImportField::Company => "company",
            ImportField::Sales => "sales",
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
            ImportField::Company => &["Company", "Client company", "Société", "Entreprise"],
            ImportField::Sales => &["Sales contact", "Sales", "Commercial", "Contact commercial"],
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
            ImportField::Company => Some(Field::ClientCompany),
            ImportField::Sales => Some(Field::ClientSales),
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

//! The word lists both generated datasets draw from (the demo's and `epic
//! gen`'s): kinds of event, company names, venues, streets and notes.
//! [`super::rows`] makes fields of rows from them.

/// A kind of event: its name, a plausible head count and how long it lasts in hours.
pub(crate) struct Kind {
    pub(crate) name: &'static str,
    pub(crate) attendees: (i32, i32),
    pub(crate) hours: (i64, i64),
}

const fn kind(name: &'static str, attendees: (i32, i32), hours: (i64, i64)) -> Kind {
    Kind {
        name,
        attendees,
        hours,
    }
}

pub(crate) const PRIVATE_EVENTS: &[Kind] = &[
    kind("Wedding", (40, 250), (8, 14)),
    kind("Birthday Party", (10, 80), (3, 6)),
    kind("Anniversary Dinner", (10, 60), (3, 5)),
    kind("Christening", (20, 80), (3, 6)),
];

pub(crate) const COMPANY_EVENTS: &[Kind] = &[
    kind("General Assembly", (20, 400), (2, 4)),
    kind("Product Launch", (50, 600), (3, 6)),
    kind("Seminar", (15, 120), (6, 9)),
    kind("Team Building", (10, 150), (5, 9)),
    kind("Gala Dinner", (80, 500), (4, 7)),
    kind("Christmas Party", (30, 300), (4, 7)),
    kind("Conference", (100, 1000), (24, 56)),
    kind("Off-site", (10, 60), (30, 54)),
    kind("Board Meeting", (5, 20), (2, 3)),
];

/// Company name templates; `{}` is a last name. The demo's French companies are the first
/// five.
pub(crate) const FRENCH_COMPANIES: &[&str] = &[
    "{} & Fils",
    "Maison {}",
    "{} Conseil",
    "Atelier {}",
    "{} SAS",
    "Groupe {}",
    "{} Événements",
    "Cabinet {}",
];
pub(crate) const ENGLISH_COMPANIES: &[&str] = &[
    "{} Inc",
    "{} LLC",
    "{} Group",
    "{} and Sons",
    "{} Partners",
    "{} Labs",
    "{} Holdings",
];

pub(crate) const VENUES: &[&str] = &[
    "Château de Chenonceau, 37150 Chenonceaux, France",
    "Domaine des Hauts de Loire, 41150 Onzain, France",
    "Palais des Congrès, 2 Place de la Porte Maillot, 75017 Paris, France",
    "Cité des Congrès, 5 Rue de Valmy, 44000 Nantes, France",
    "Abbaye de Fontevraud, 49590 Fontevraud-l'Abbaye, France",
    "Les Docks, 10 Place de la Joliette, 13002 Marseille, France",
    "Salle des fêtes de Candé-sur-Beuvron, 41120 Candé-sur-Beuvron, France",
    "Hangar 14, Quai des Chartrons, 33000 Bordeaux, France",
    "Halle Tony Garnier, 20 Place des Docteurs Mérieux, 69007 Lyon, France",
    "Moulin de la Galette, 83 Rue Lepic, 75018 Paris, France",
];

pub(crate) const CITIES: &[&str] = &[
    "75008 Paris",
    "69002 Lyon",
    "13001 Marseille",
    "33000 Bordeaux",
    "44000 Nantes",
    "31000 Toulouse",
    "59800 Lille",
    "67000 Strasbourg",
    "06000 Nice",
    "37000 Tours",
    "41000 Blois",
    "35000 Rennes",
];

pub(crate) const STREETS: &[&str] = &[
    "Rue de la République",
    "Avenue Jean Jaurès",
    "Rue Victor Hugo",
    "Boulevard Pasteur",
    "Quai de la Loire",
    "Place du Marché",
    "Rue des Lilas",
    "Allée des Tilleuls",
    "Chemin du Moulin",
];

pub(crate) const NOTES: &[&str] = &[
    "Vegetarian and gluten-free menus needed; see the guest list.",
    "Client wants a rehearsal the day before.",
    "Parking for about 40 cars; shuttle from the station at 2PM.",
    "DJ booked until 2AM; sound limit 95 dB after midnight.",
    "Projector and two wireless microphones on stage.",
    "Catering is organized; confirm the head count a week before.",
    "Outdoors if the weather allows; a marquee is booked as a fallback.",
    "Badges printed on site; the welcome desk opens one hour early.",
    "Photographer booked for the whole day.",
    "Step-free entrance needed for two guests in wheelchairs.",
];

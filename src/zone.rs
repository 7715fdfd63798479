//! The time zone dates are read and shown in: the company's (a database
//! setting, `set time zone`), unless `TZ` names another zone for one user.
//! This leaf owns which zone that is, what `TZ` means (a choice, no choice,
//! or a value epic cannot read), zone names, and turning a wall-clock time
//! into an instant. Nothing else asks the process for its zone.

use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
pub use chrono_tz::Tz;

/// The zone of a user's dates, and the company's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    company: Tz,
    /// The zone `TZ` chose, if it chose one.
    chosen: Option<Tz>,
}

impl Default for Zone {
    /// UTC, the company's until the database says otherwise.
    fn default() -> Zone {
        Zone::company(Tz::UTC)
    }
}

impl Zone {
    /// The company's zone, nobody having chosen another.
    pub fn company(company: Tz) -> Zone {
        Zone {
            company,
            chosen: None,
        }
    }

    /// The company's zone, or the one `tz` chose.
    pub fn new(company: Tz, tz: &TzChoice) -> Zone {
        let chosen = match tz {
            TzChoice::Zone(chosen) => Some(*chosen),
            _ => None,
        };
        Zone { company, chosen }
    }

    /// The same choice of `TZ`, with the company's zone changed.
    pub fn with_company(self, company: Tz) -> Zone {
        Zone { company, ..self }
    }

    /// The zone dates are read and shown in.
    pub fn tz(&self) -> Tz {
        self.chosen.unwrap_or(self.company)
    }

    /// The company's zone.
    pub fn company_tz(&self) -> Tz {
        self.company
    }

    /// Whether dates are in the company's zone (shown times then name none).
    pub fn is_company(&self) -> bool {
        self.tz() == self.company
    }

    /// The offset from UTC at `at`.
    pub fn offset_at(&self, at: DateTime<Utc>) -> FixedOffset {
        self.tz().offset_from_utc_datetime(&at.naive_utc()).fix()
    }

    /// The wall-clock time `at` in this zone as an instant. A time the
    /// clock passes twice (set back) is the first; one it skips (set
    /// forward) is the moment an hour later.
    pub fn instant(&self, at: NaiveDateTime) -> DateTime<Utc> {
        match self.tz().from_local_datetime(&at) {
            chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
            chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
            chrono::LocalResult::None => self.instant(at + chrono::Duration::hours(1)),
        }
    }

    /// `at` on this zone's wall clock.
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.tz()).naive_local()
    }
}

/// What `TZ` says about a user's zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TzChoice {
    /// Unset, empty, or UTC as containers and servers set it by default:
    /// the company's zone applies.
    None,
    /// A zone the user chose.
    Zone(Tz),
    /// A value that names no zone epic knows: ignored, and said so once.
    Unknown(String),
}

/// The values of `TZ` that are a machine's default rather than a user's choice.
pub const NO_CHOICE: [&str; 5] = ["", "UTC", "Etc/UTC", "UTC0", ":/etc/localtime"];

impl TzChoice {
    /// Reads `TZ` (`value`: its value, if set). `:Europe/Paris` and a path
    /// into a zoneinfo directory name the zone they end with.
    pub fn read(value: Option<&str>) -> TzChoice {
        let Some(value) = value else {
            return TzChoice::None;
        };
        if NO_CHOICE.contains(&value) {
            return TzChoice::None;
        }
        match zone_of_tz(value) {
            Some(tz) => TzChoice::Zone(tz),
            None => TzChoice::Unknown(value.to_owned()),
        }
    }
}

/// The zone `TZ`'s value names, if any (`UTC` included).
fn zone_of_tz(value: &str) -> Option<Tz> {
    let name = value.strip_prefix(':').unwrap_or(value);
    let name = name
        .rsplit_once("/zoneinfo/")
        .map_or(name, |(_, zone)| zone);
    Tz::from_str(name).ok()
}

/// The zone of this process, which the first admin's company starts with:
/// `TZ` if it names an IANA zone, else the machine's zone, else UTC.
pub fn process_zone(tz: Option<&str>) -> Tz {
    tz.and_then(zone_of_tz)
        .or_else(|| {
            iana_time_zone::get_timezone()
                .ok()
                .and_then(|name| Tz::from_str(&name).ok())
        })
        .unwrap_or(Tz::UTC)
}

/// A zone name that is not one of the IANA database's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{name:?} is not a time zone epic knows\nhelp: name a zone of the IANA time zone database, as \"Europe/Paris\", \"America/New_York\" or \"UTC\""
)]
pub struct UnknownZone {
    pub name: String,
}

/// The zone named `name` (case aside: `europe/paris` is `Europe/Paris`).
pub fn parse_name(name: &str) -> Result<Tz, UnknownZone> {
    Tz::from_str(name)
        .ok()
        .or_else(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .copied()
                .find(|tz| tz.name().eq_ignore_ascii_case(name))
        })
        .ok_or_else(|| UnknownZone {
            name: name.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_machine_default_is_no_choice_and_the_company_zone_applies() {
        for value in [None, Some(""), Some("UTC"), Some("Etc/UTC"), Some("UTC0")] {
            assert_eq!(TzChoice::read(value), TzChoice::None, "{value:?}");
        }
        assert_eq!(TzChoice::read(Some(":/etc/localtime")), TzChoice::None);
        let paris = Tz::Europe__Paris;
        let zone = Zone::new(paris, &TzChoice::read(Some("UTC")));
        assert_eq!((zone.tz(), zone.is_company()), (paris, true));
    }

    #[test]
    fn tz_naming_another_zone_is_the_users() {
        let paris = Tz::Europe__Paris;
        let new_york = Tz::America__New_York;
        for value in [
            "America/New_York",
            ":America/New_York",
            "/usr/share/zoneinfo/America/New_York",
        ] {
            assert_eq!(TzChoice::read(Some(value)), TzChoice::Zone(new_york));
        }
        let zone = Zone::new(paris, &TzChoice::Zone(new_york));
        assert_eq!((zone.tz(), zone.is_company()), (new_york, false));
        // The company's own zone, named by TZ, is the company's.
        assert!(Zone::new(paris, &TzChoice::Zone(paris)).is_company());
        assert_eq!(
            TzChoice::read(Some("CET-1CEST")),
            TzChoice::Unknown("CET-1CEST".into())
        );
    }

    #[test]
    fn changing_the_company_zone_keeps_a_users_choice() {
        let paris = Tz::Europe__Paris;
        let new_york = Tz::America__New_York;
        let chose = Zone::new(paris, &TzChoice::Zone(new_york));
        assert_eq!(chose.with_company(Tz::UTC).tz(), new_york);
        assert!(chose.with_company(new_york).is_company());
        let company = Zone::company(paris).with_company(new_york);
        assert_eq!((company.tz(), company.is_company()), (new_york, true));
    }

    #[test]
    fn wall_clock_times_are_instants_in_the_zone() {
        let zone = Zone::company(Tz::Europe__Paris);
        let at = |s| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        let utc = |s| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            zone.instant(at("2023-06-04 13:00")),
            utc("2023-06-04T11:00:00Z")
        );
        // Skipped by the clock: an hour later. Passed twice: the first.
        assert_eq!(
            zone.instant(at("2023-03-26 02:30")),
            utc("2023-03-26T01:30:00Z")
        );
        assert_eq!(
            zone.instant(at("2023-10-29 02:30")),
            utc("2023-10-29T00:30:00Z")
        );
        assert_eq!(
            zone.offset_at(utc("2023-01-01T00:00:00Z"))
                .local_minus_utc(),
            3600
        );
    }

    #[test]
    fn zone_names_are_the_iana_databases_in_any_case() {
        assert_eq!(parse_name("Europe/Paris"), Ok(Tz::Europe__Paris));
        assert_eq!(parse_name("europe/paris"), Ok(Tz::Europe__Paris));
        let error = parse_name("Paris").unwrap_err();
        assert!(error.to_string().contains("\"Europe/Paris\""), "{error}");
        assert_eq!(process_zone(Some("Asia/Tokyo")), Tz::Asia__Tokyo);
        assert_eq!(process_zone(Some("UTC")), Tz::UTC);
    }
}

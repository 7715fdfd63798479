//! format: the names of the output forms, shared by the step that reads a
//! command (`syntax`'s `set format csv`, its completion, `main`'s
//! `--format`) and the step that writes the result (`render`). The shell's
//! four (`table`, `vertical`, `csv`, `json`) are [`Format::ALL`]; the two
//! export forms for spreadsheets (`xlsx`, `csv-excel`) are
//! [`Format::EXPORTS`], which only the `--format` flag names: an xlsx
//! workbook is binary and goes to a file (`--output`), never to a terminal.
//!
//! A leaf: it imports nothing of the crate, so the parser can name a format
//! without depending on the renderer that writes it.

use std::fmt;
use std::str::FromStr;

/// The names accepted by [`Format::from_str`], in the order they are offered
/// to users (help text, completion).
pub const FORMAT_NAMES: &[&str] = &["table", "vertical", "csv", "json"];

/// The names only `--format` accepts besides [`FORMAT_NAMES`].
pub const EXPORT_NAMES: &[&str] = &["xlsx", "csv-excel"];

/// How query output is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns with borders, for people at a terminal.
    Table,
    /// One `name | value` block per record, for wide rows (psql's `\x`).
    Vertical,
    /// RFC 4180 CSV with a header line, for spreadsheets.
    Csv,
    /// A JSON array of objects with typed values, for programs.
    Json,
    /// An Excel workbook of typed cells (`--format xlsx --output FILE`).
    Xlsx,
    /// CSV as Excel opens it in every locale: a UTF-8 byte order mark
    /// (without which Excel reads the text as the locale's code page) and
    /// `;` between fields (the list separator of locales whose decimal
    /// separator is a comma).
    CsvExcel,
}

impl Format {
    /// Every format, in the order of [`FORMAT_NAMES`].
    pub const ALL: [Format; 4] = [Format::Table, Format::Vertical, Format::Csv, Format::Json];

    /// The export forms, in the order of [`EXPORT_NAMES`]: only for
    /// `--format`, not `set format` or the config file.
    pub const EXPORTS: [Format; 2] = [Format::Xlsx, Format::CsvExcel];

    /// The format `--format` names: one of [`Format::ALL`] or
    /// [`Format::EXPORTS`], in any case.
    pub fn from_flag(s: &str) -> Result<Format, UnknownFormat> {
        Format::ALL
            .into_iter()
            .chain(Format::EXPORTS)
            .find(|format| format.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownFormat {
                given: s.to_string(),
            })
    }

    /// The lowercase name, as typed by users.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Vertical => "vertical",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
            Format::CsvExcel => "csv-excel",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|format| format.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownFormat {
                given: s.to_string(),
            })
    }
}

/// When a table gives way to vertical records (`set expanded`, psql's
/// `\x`): `auto` when even with its text cut the table is wider than the
/// terminal, `on` always, `off` never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Expanded {
    #[default]
    Auto,
    On,
    Off,
}

impl Expanded {
    /// The names `set expanded` takes, in the order they are offered.
    pub const NAMES: [&'static str; 3] = ["auto", "on", "off"];

    pub fn name(self) -> &'static str {
        match self {
            Expanded::Auto => "auto",
            Expanded::On => "on",
            Expanded::Off => "off",
        }
    }

    /// The setting named `s` (any case).
    pub fn from_name(s: &str) -> Option<Expanded> {
        [Expanded::Auto, Expanded::On, Expanded::Off]
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Expanded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A setting that is on or off (`set pager on|off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Switch {
    #[default]
    On,
    Off,
}

impl Switch {
    /// The names such a setting takes, in the order they are offered.
    pub const NAMES: [&'static str; 2] = ["on", "off"];

    pub fn name(self) -> &'static str {
        match self {
            Switch::On => "on",
            Switch::Off => "off",
        }
    }

    /// The setting named `s` (any case).
    pub fn from_name(s: &str) -> Option<Switch> {
        [Switch::On, Switch::Off]
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Switch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The rows an interactive table may show before it stops (`page_size`,
/// `set page_size N`, `EPIC_PAGE_SIZE`).
pub const PAGE_ROWS: std::ops::RangeInclusive<u32> = 1..=1_000_000;

/// When tables and records use colour (the config file's `color`):
/// `auto` on a terminal unless `NO_COLOR` is set, `always` (even in a
/// pipe, and despite `NO_COLOR`, which a setting of one's own overrides),
/// `never`. CSV and JSON are never coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

impl Color {
    /// The names `color` takes, in the order they are offered.
    pub const NAMES: [&'static str; 3] = ["auto", "always", "never"];

    pub fn name(self) -> &'static str {
        match self {
            Color::Auto => "auto",
            Color::Always => "always",
            Color::Never => "never",
        }
    }

    /// The setting named `s` (any case).
    pub fn from_name(s: &str) -> Option<Color> {
        [Color::Auto, Color::Always, Color::Never]
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown format `{given}`; expected one of: table, vertical, csv, json")]
pub struct UnknownFormat {
    pub given: String,
}

#[cfg(test)]
mod tests {
    use super::{EXPORT_NAMES, FORMAT_NAMES, Format};

    #[test]
    fn export_formats_are_the_flags_alone() {
        let names: Vec<String> = Format::EXPORTS.iter().map(Format::to_string).collect();
        assert_eq!(names, EXPORT_NAMES);
        for name in FORMAT_NAMES.iter().chain(EXPORT_NAMES) {
            assert_eq!(
                Format::from_flag(&name.to_uppercase()).unwrap().name(),
                *name
            );
        }
        // `set format` and the config file know the shell's four only.
        assert!("xlsx".parse::<Format>().is_err());
        assert!("csv-excel".parse::<Format>().is_err());
        assert!(Format::from_flag("xls").is_err());
    }

    #[test]
    fn format_names_parse_case_insensitively_and_display_lowercase() {
        for (given, expected) in [
            ("table", Format::Table),
            ("Vertical", Format::Vertical),
            ("CSV", Format::Csv),
            ("jSoN", Format::Json),
        ] {
            assert_eq!(given.parse::<Format>().unwrap(), expected, "{given}");
        }
        let names: Vec<String> = Format::ALL.iter().map(Format::to_string).collect();
        assert_eq!(names, FORMAT_NAMES);
        for name in FORMAT_NAMES {
            assert_eq!(name.parse::<Format>().unwrap().to_string(), *name);
        }
    }

    #[test]
    fn unknown_format_names_the_choices() {
        for given in ["xml", "", " table", "tables"] {
            let error = given.parse::<Format>().unwrap_err();
            assert_eq!(error.given, given);
            assert_eq!(
                error.to_string(),
                format!(
                    "unknown format `{given}`; expected one of: {}",
                    FORMAT_NAMES.join(", ")
                )
            );
        }
    }
}

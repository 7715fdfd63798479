//! The shell's settings and the `[shell]` table of the per-user config file
//! that holds them: how results are shown (format, pager, page size,
//! expanded, colour), the history's size, timing, and the profile to
//! connect with when none is named. [`SETTINGS`] gives each one's name and
//! what it accepts, [`Settings::default`] its default: the file's reader,
//! `set`'s listing and `save settings` all go through them.
//!
//! Which value wins: a `set` in the session over a flag or the environment,
//! those over the file, the file over the default. A `[shell]` key the
//! table does not know, or a value it does not accept, is refused with the
//! file, the key, the value and what is accepted: a setting silently
//! ignored would be a surprise found much later.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item};

use crate::exit::Exit;
use crate::format::{Color, Expanded, FORMAT_NAMES, Format, PAGE_ROWS, Switch};

/// The table of the config file the settings live in.
pub const TABLE: &str = "shell";

/// One setting; its place in [`SETTINGS`] is its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Format,
    Pager,
    PageSize,
    Expanded,
    Color,
    HistorySize,
    Timing,
    DefaultProfile,
}

/// What a setting takes.
#[derive(Debug, Clone, Copy)]
pub enum Accepts {
    OneOf(&'static [&'static str]),
    /// A whole number in a range, of `unit`s.
    Number {
        min: usize,
        max: usize,
        unit: &'static str,
    },
    /// A profile's name, from the file's `[profiles]`.
    Profile,
}

impl std::fmt::Display for Accepts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Accepts::OneOf(names) => {
                let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                write!(f, "one of {}", quoted.join(", "))
            }
            Accepts::Number { min, max, unit } => {
                write!(f, "a number of {unit} from {min} to {max}")
            }
            Accepts::Profile => f.write_str("the name of a profile of the file's [profiles]"),
        }
    }
}

/// A setting's name (the file's key), what it takes, and whether
/// `save settings` writes it (the ones a session's `set` changes).
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub key: Key,
    pub name: &'static str,
    pub accepts: Accepts,
    pub saved: bool,
}

/// Every setting, in the order `set` lists them.
pub const SETTINGS: [Setting; 8] = [
    Setting {
        key: Key::Format,
        name: "format",
        accepts: Accepts::OneOf(FORMAT_NAMES),
        saved: true,
    },
    Setting {
        key: Key::Pager,
        name: "pager",
        accepts: Accepts::OneOf(&Switch::NAMES),
        saved: true,
    },
    Setting {
        key: Key::PageSize,
        name: "page_size",
        accepts: Accepts::Number {
            min: *PAGE_ROWS.start() as usize,
            max: *PAGE_ROWS.end() as usize,
            unit: "rows",
        },
        saved: true,
    },
    Setting {
        key: Key::Expanded,
        name: "expanded",
        accepts: Accepts::OneOf(&Expanded::NAMES),
        saved: true,
    },
    Setting {
        key: Key::Color,
        name: "color",
        accepts: Accepts::OneOf(&Color::NAMES),
        saved: false,
    },
    Setting {
        key: Key::HistorySize,
        name: "history_size",
        accepts: Accepts::Number {
            min: 1,
            max: 1_000_000,
            unit: "lines",
        },
        saved: false,
    },
    Setting {
        key: Key::Timing,
        name: "timing",
        accepts: Accepts::OneOf(&Switch::NAMES),
        saved: true,
    },
    Setting {
        key: Key::DefaultProfile,
        name: "default_profile",
        accepts: Accepts::Profile,
        saved: false,
    },
];

/// Where a setting's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Default,
    File,
    Environment,
    Flag,
    Session,
}

impl Origin {
    /// As `set` lists it.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Default => "default",
            Origin::File => "config file",
            Origin::Environment => "environment",
            Origin::Flag => "flag",
            Origin::Session => "this session",
        }
    }
}

/// Every setting's value, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub format: Format,
    pub pager: Switch,
    /// Rows a table shows in the interactive shell before it stops.
    pub page_size: usize,
    pub expanded: Expanded,
    pub color: Color,
    /// Lines the shell's history keeps.
    pub history_size: usize,
    pub timing: Switch,
    /// The profile to connect with when neither `--profile` nor
    /// `EPIC_PROFILE` names one; `None`: the file's top-level connection.
    pub default_profile: Option<String>,
    origins: [Origin; SETTINGS.len()],
}

/// The defaults, written once: `set` shows them, README's table documents them.
impl Default for Settings {
    fn default() -> Self {
        Settings {
            format: Format::Table,
            pager: Switch::On,
            page_size: 100,
            expanded: Expanded::Auto,
            color: Color::Auto,
            history_size: 10_000,
            timing: Switch::Off,
            default_profile: None,
            origins: [Origin::Default; SETTINGS.len()],
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{} is not valid TOML (line {line}, column {column}): {detail}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        detail: String,
    },
    #[error(
        "`{key}` in [shell] of {} must be {accepted}, not {given}",
        path.display()
    )]
    Invalid {
        path: PathBuf,
        key: &'static str,
        accepted: String,
        /// The value as the file writes it.
        given: String,
    },
    #[error(
        "unknown key `{key}` in [shell] of {}\nhelp: the keys accepted there are {accepted}",
        path.display()
    )]
    UnknownKey {
        path: PathBuf,
        key: String,
        accepted: String,
    },
    #[error("`shell` in {} must be a table (`[shell]`)", path.display())]
    NotATable { path: PathBuf },
    #[error("cannot read the config file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot write the config file {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("there is no place for a config file: set EPIC_CONFIG to its path")]
    NoPath,
}

impl SettingsError {
    /// A file written wrong is the user's to fix (usage); one that cannot
    /// be read or written is internal.
    pub fn exit(&self) -> Exit {
        match self {
            SettingsError::Read { .. } | SettingsError::Write { .. } => Exit::Internal,
            _ => Exit::Usage,
        }
    }
}

/// Line and column (from 1) of a TOML error in `text`.
pub fn error_position(text: &str, error: &toml_edit::TomlError) -> (usize, usize) {
    let offset = error.span().map_or(0, |span| span.start).min(text.len());
    let boundary = (0..=offset)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..boundary];
    (
        before.matches('\n').count() + 1,
        before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
    )
}

fn parse(text: &str, path: &Path) -> Result<DocumentMut, SettingsError> {
    text.parse::<DocumentMut>().map_err(|error| {
        let (line, column) = error_position(text, &error);
        SettingsError::Syntax {
            path: path.to_owned(),
            line,
            column,
            detail: error.message().to_owned(),
        }
    })
}

/// A value of the file as text: strings as they are, numbers in digits,
/// booleans as `on` and `off`.
fn item_text(item: &Item) -> Option<String> {
    let value = item.as_value()?;
    value
        .as_str()
        .map(str::to_owned)
        .or_else(|| value.as_integer().map(|n| n.to_string()))
        .or_else(|| {
            value
                .as_bool()
                .map(|b| if b { "on" } else { "off" }.to_owned())
        })
}

fn number(text: &str, accepts: Accepts) -> Option<usize> {
    let Accepts::Number { min, max, .. } = accepts else {
        return None;
    };
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (min..=max).contains(n))
}

impl Settings {
    /// The settings of the config file at `path` over the defaults; no
    /// path, or no file there, gives the defaults.
    pub fn load(path: Option<&Path>) -> Result<Settings, SettingsError> {
        let mut settings = Settings::default();
        let Some(path) = path else {
            return Ok(settings);
        };
        match std::fs::read_to_string(path) {
            Ok(text) => settings.read(&text, path)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(SettingsError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        }
        Ok(settings)
    }

    /// Takes the `[shell]` table of a config file's `text`; `path` is for messages.
    pub fn read(&mut self, text: &str, path: &Path) -> Result<(), SettingsError> {
        let document = parse(text, path)?;
        let Some(item) = document.get(TABLE) else {
            return Ok(());
        };
        let not_a_table = || SettingsError::NotATable {
            path: path.to_owned(),
        };
        let table = item.as_table_like().ok_or_else(not_a_table)?;
        for (key, item) in table.iter() {
            let Some(setting) = SETTINGS.iter().find(|s| s.name == key) else {
                let names: Vec<String> = SETTINGS.iter().map(|s| format!("`{}`", s.name)).collect();
                return Err(SettingsError::UnknownKey {
                    path: path.to_owned(),
                    key: key.to_owned(),
                    accepted: names.join(", "),
                });
            };
            let taken = item_text(item).is_some_and(|text| self.set_text(setting.key, &text));
            if !taken {
                return Err(SettingsError::Invalid {
                    path: path.to_owned(),
                    key: setting.name,
                    accepted: setting.accepts.to_string(),
                    given: item.to_string().trim().to_owned(),
                });
            }
            self.mark(setting.key, Origin::File);
        }
        Ok(())
    }

    /// Sets `key` from its text; `false` when the text is not one it takes.
    fn set_text(&mut self, key: Key, text: &str) -> bool {
        let accepts = SETTINGS[key as usize].accepts;
        match key {
            Key::Format => text.parse().map(|f| self.format = f).is_ok(),
            Key::Pager => Switch::from_name(text).map(|v| self.pager = v).is_some(),
            Key::Timing => Switch::from_name(text).map(|v| self.timing = v).is_some(),
            Key::Expanded => Expanded::from_name(text)
                .map(|v| self.expanded = v)
                .is_some(),
            Key::Color => Color::from_name(text).map(|v| self.color = v).is_some(),
            Key::PageSize => number(text, accepts).map(|n| self.page_size = n).is_some(),
            Key::HistorySize => number(text, accepts)
                .map(|n| self.history_size = n)
                .is_some(),
            Key::DefaultProfile => {
                let name = text.trim();
                let fits = !name.is_empty() && !name.chars().any(char::is_control);
                if fits {
                    self.default_profile = Some(name.to_owned());
                }
                fits
            }
        }
    }

    /// Says where `key`'s value now comes from.
    pub fn mark(&mut self, key: Key, origin: Origin) {
        self.origins[key as usize] = origin;
    }

    pub fn origin(&self, key: Key) -> Origin {
        self.origins[key as usize]
    }

    /// `key`'s value as the file and `set` write it; `None` for no default profile.
    pub fn value(&self, key: Key) -> Option<String> {
        Some(match key {
            Key::Format => self.format.name().to_owned(),
            Key::Pager => self.pager.name().to_owned(),
            Key::PageSize => self.page_size.to_string(),
            Key::Expanded => self.expanded.name().to_owned(),
            Key::Color => self.color.name().to_owned(),
            Key::HistorySize => self.history_size.to_string(),
            Key::Timing => self.timing.name().to_owned(),
            Key::DefaultProfile => return self.default_profile.clone(),
        })
    }

    /// Writes the settings a session changes ([`Setting::saved`]) into the
    /// `[shell]` table of the config file at `path`, keeping the rest of
    /// the file (its comments, profiles, other settings) as it was; creates
    /// the file, readable by its owner only, and its directory if need be.
    pub fn save(&self, path: Option<&Path>) -> Result<PathBuf, SettingsError> {
        let path = path.ok_or(SettingsError::NoPath)?;
        let read_error = |source| SettingsError::Read {
            path: path.to_owned(),
            source,
        };
        // A link is followed, so that the file it names is the one changed.
        let path = match std::fs::canonicalize(path) {
            Ok(target) => target,
            Err(e) if e.kind() == io::ErrorKind::NotFound => path.to_owned(),
            Err(e) => return Err(read_error(e)),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(read_error(e)),
        };
        let mut document = parse(&text, &path)?;
        let shell = document.entry(TABLE).or_insert(toml_edit::table());
        let table = shell
            .as_table_like_mut()
            .ok_or_else(|| SettingsError::NotATable { path: path.clone() })?;
        for setting in SETTINGS.iter().filter(|s| s.saved) {
            // An export format (`--format xlsx`) is the flag's alone: the
            // file takes the shell's four.
            if setting.key == Key::Format && !Format::ALL.contains(&self.format) {
                continue;
            }
            let Some(value) = self.value(setting.key) else {
                continue;
            };
            let mut value = match (setting.accepts, value.parse::<i64>()) {
                (Accepts::Number { .. }, Ok(number)) => toml_edit::Value::from(number),
                _ => toml_edit::Value::from(value),
            };
            // A comment after the old value stays after the new one.
            if let Some(old) = table.get(setting.name).and_then(Item::as_value) {
                *value.decor_mut() = old.decor().clone();
            }
            table.insert(setting.name, Item::Value(value));
        }
        write_private(&path, &document.to_string()).map_err(|source| SettingsError::Write {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }
}

/// Writes `text` to `path` through a file beside it, renamed over it: a
/// failed write leaves the old file whole. The file is readable by its
/// owner only (mode 0600), its new directories too (0700).
fn write_private(path: &Path, text: &str) -> io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".saving");
    let beside = path.with_file_name(name);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&beside)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&beside, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Settings, SettingsError> {
        let mut settings = Settings::default();
        settings
            .read(text, Path::new("/home/u/.config/epic/config.toml"))
            .map(|()| settings)
    }

    #[test]
    fn each_setting_sits_at_its_number() {
        for (at, setting) in SETTINGS.iter().enumerate() {
            assert_eq!(setting.key as usize, at, "{}", setting.name);
        }
    }

    #[test]
    fn every_default_is_a_value_its_setting_accepts() {
        let defaults = Settings::default();
        for setting in SETTINGS {
            if let Some(value) = defaults.value(setting.key) {
                let mut settings = Settings::default();
                assert!(settings.set_text(setting.key, &value), "{}", setting.name);
                assert_eq!(settings, defaults, "{}", setting.name);
            }
        }
    }

    #[test]
    fn the_shell_table_sets_values_and_says_they_come_from_the_file() {
        let settings = read(
            "# mine\nhost = \"db\"\n[shell]\nformat = \"CSV\"\npager = false\npage_size = 25\n\
             color = \"never\"\ndefault_profile = \"prod\"\n[profiles.prod]\nhost = \"p\"\n",
        )
        .expect("valid");
        assert_eq!(settings.format, Format::Csv);
        assert_eq!(settings.pager, Switch::Off);
        assert_eq!(settings.page_size, 25);
        assert_eq!(settings.color, Color::Never);
        assert_eq!(settings.default_profile.as_deref(), Some("prod"));
        assert_eq!(settings.origin(Key::Format), Origin::File);
        assert_eq!(settings.origin(Key::Timing), Origin::Default);
        assert_eq!(settings.timing, Switch::Off);
    }

    #[test]
    fn a_bad_value_names_the_file_the_key_the_value_and_what_is_accepted() {
        let cases = [
            (
                "[shell]\nformat = \"xml\"",
                "`format` in [shell] of /home/u/.config/epic/config.toml must be \
                 one of `table`, `vertical`, `csv`, `json`, not \"xml\"",
            ),
            (
                "[shell]\npage_size = 0",
                "`page_size` in [shell] of /home/u/.config/epic/config.toml must be \
                 a number of rows from 1 to 1000000, not 0",
            ),
            (
                "[shell]\ncolor = true",
                "`color` in [shell] of /home/u/.config/epic/config.toml must be \
                 one of `auto`, `always`, `never`, not true",
            ),
        ];
        for (text, message) in cases {
            let error = read(text).expect_err(text);
            assert_eq!(error.to_string(), message);
            assert_eq!(error.exit(), Exit::Usage);
        }
    }

    #[test]
    fn an_unknown_key_is_refused_with_the_keys_there_are() {
        let error = read("[shell]\nformt = \"csv\"").expect_err("unknown");
        let message = error.to_string();
        assert!(
            message.starts_with("unknown key `formt` in [shell] of "),
            "{message}"
        );
        assert!(
            message.contains("`format`, `pager`, `page_size`"),
            "{message}"
        );
        assert!(matches!(
            read("shell = 3"),
            Err(SettingsError::NotATable { .. })
        ));
    }

    /// README's example is a file epic takes, and its table gives each
    /// setting's default as [`Settings::default`] has it.
    #[test]
    fn the_readme_documents_every_setting_and_its_default() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("### The config file")
            .nth(1)
            .expect("README has the section");
        let example = section
            .split("```toml\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("an example");
        let settings = read(example).expect("README's example is valid");
        assert!(
            SETTINGS
                .iter()
                .all(|s| settings.origin(s.key) == Origin::File)
        );
        let defaults = Settings::default();
        for setting in SETTINGS {
            let default = defaults
                .value(setting.key)
                .map_or("none".to_owned(), |v| format!("`{v}`"));
            let row = format!("| `{}` |", setting.name);
            let line = section.lines().find(|l| l.starts_with(&row));
            let line = line.unwrap_or_else(|| panic!("README lacks the row {row}"));
            assert!(
                line.split('|')
                    .nth(3)
                    .is_some_and(|d| d.trim().starts_with(&default)),
                "{line}"
            );
        }
    }

    #[test]
    fn no_file_gives_the_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        let settings = Settings::load(Some(&dir.path().join("none.toml"))).expect("defaults");
        assert_eq!(settings, Settings::default());
        assert_eq!(Settings::load(None).expect("defaults"), Settings::default());
    }

    #[test]
    fn saving_keeps_comments_and_profiles_and_creates_a_private_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("new").join("config.toml");
        let mut settings = Settings {
            format: Format::Json,
            ..Settings::default()
        };
        assert_eq!(settings.save(Some(&path)).expect("saved"), path);
        let mode = std::fs::metadata(&path)
            .expect("written")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let written = std::fs::read_to_string(&path).expect("written");
        assert_eq!(
            Settings::load(Some(&path)).expect("valid").format,
            Format::Json
        );
        assert!(written.contains("[shell]"), "{written}");

        let kept = "# my profiles\n[profiles.prod]\nhost = \"db.example\" # the primary\n\n\
                    [shell]\nformat = \"csv\" # for spreadsheets\ncolor = \"never\"\n";
        std::fs::write(&path, kept).expect("write");
        settings.timing = Switch::On;
        settings.save(Some(&path)).expect("saved");
        let written = std::fs::read_to_string(&path).expect("written");
        assert!(
            written.starts_with(
                "# my profiles\n[profiles.prod]\nhost = \"db.example\" # the primary\n"
            ),
            "{written}"
        );
        assert!(
            written.contains("format = \"json\" # for spreadsheets\n"),
            "{written}"
        );
        assert!(written.contains("color = \"never\"\n"), "{written}");
        assert!(written.contains("page_size = 100\n"), "{written}");
        assert!(written.contains("timing = \"on\""), "{written}");
        let again = Settings::load(Some(&path)).expect("valid");
        assert_eq!(
            (again.format, again.timing, again.color),
            (Format::Json, Switch::On, Color::Never)
        );
    }

    #[test]
    fn an_export_format_is_not_saved_and_the_files_own_is_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[shell]\nformat = \"csv\"\n").expect("write");
        for format in Format::EXPORTS {
            let settings = Settings {
                format,
                ..Settings::default()
            };
            settings.save(Some(&path)).expect("saved");
            let again = Settings::load(Some(&path)).expect("still valid");
            assert_eq!(again.format, Format::Csv, "{format}");
        }
    }
}

//! The shell's settings in a session: the [`View`] they give commands,
//! `set`'s listing of them, the session's `set` commands (recorded as this
//! session's), and `save settings`. What the settings are, and the file
//! that holds them, is `config::settings`'.

use std::io::Write;
use std::path::Path;

use crate::commands::{Context, View};
use crate::config::settings::{Key, Origin, SETTINGS, Settings};
use crate::error::Error;
use crate::render::{self, Column, RowWriter, Status, Value};
use crate::syntax::Command;

fn output(source: std::io::Error) -> Error {
    Error::Output { source }
}

/// What commands run with under `settings`.
pub fn view(settings: &Settings, interactive: bool) -> View {
    View {
        format: settings.format,
        interactive,
        raw_csv: false,
        expanded: settings.expanded,
        pager: settings.pager,
        timing: settings.timing,
        color: settings.color,
        page_size: settings.page_size,
    }
}

/// A session's `set format|expanded|pager|page_size|timing`: into the settings, as
/// this session's, and into the view. Any other command changes nothing.
pub fn set_in_session(settings: &mut Settings, view: &mut View, command: &Command) {
    let key = match *command {
        Command::SetFormat { format } => {
            settings.format = format;
            Key::Format
        }
        Command::SetExpanded { expanded } => {
            settings.expanded = expanded;
            Key::Expanded
        }
        Command::SetPager { pager } => {
            settings.pager = pager;
            Key::Pager
        }
        Command::SetTiming { timing } => {
            settings.timing = timing;
            Key::Timing
        }
        Command::SetPageSize { rows } => {
            settings.page_size = rows as usize;
            Key::PageSize
        }
        _ => return,
    };
    settings.mark(key, Origin::Session);
    *view = View {
        raw_csv: view.raw_csv,
        ..self::view(settings, view.interactive)
    };
}

/// `set`: each setting, its value and where it comes from, in the current
/// format; then, on `err`, the config file read.
pub fn list(
    settings: &Settings,
    file: Option<&Path>,
    cx: &Context<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let columns = ["setting", "value", "from"]
        .into_iter()
        .map(Column::left)
        .collect();
    let mut writer = RowWriter::new(out, cx.view.format, cx.style(None), columns);
    for setting in SETTINGS {
        let value = settings.value(setting.key).map_or(Value::Null, Value::Text);
        let row = vec![
            Value::Text(setting.name.to_owned()),
            value,
            Value::Text(settings.origin(setting.key).name().to_owned()),
        ];
        writer.row(&row).map_err(output)?;
    }
    writer.finish().map_err(output)?;
    if let Some(file) = file {
        let path = file.display().to_string();
        let found = file.exists();
        render::status(err, &Status::ConfigFile { path: &path, found }).map_err(output)?;
    }
    Ok(())
}

/// `save settings`, and which file it wrote.
pub fn save(settings: &Settings, file: Option<&Path>, err: &mut dyn Write) -> Result<(), Error> {
    let written = settings.save(file)?;
    let path = written.display().to_string();
    render::status(err, &Status::SettingsSaved { path: &path }).map_err(output)
}

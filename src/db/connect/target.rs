//! Where the configured deployment is: the configuration's plain settings
//! (`DATABASE_URL`, the config file and its profile) read into a server to
//! reach or the local cluster, and the role names the profile sets. The
//! configuration only gathers the settings; what they mean for a
//! connection is decided here.

use super::{ConnectError, Profile, RoleOverrides, ServerSettings, load_profile};
use crate::config::{Config, DatabaseTarget};
use crate::db::roles::RoleNames;

/// Where the data lives, once the config file is read.
#[derive(Debug)]
pub enum Target {
    Server(Box<ServerSettings>),
    Local,
}

/// Where the data lives: `DATABASE_URL`, else the config file's profile,
/// else the local cluster. A file that names no server (only the shell's
/// settings, or the role names) leaves the data in the local cluster.
pub fn target(config: &Config) -> Result<Target, ConnectError> {
    if let DatabaseTarget::Url(url) = &config.database {
        return Ok(Target::Server(Box::new(ServerSettings::from_url(
            url.expose(),
        )?)));
    }
    Ok(match profile(config)? {
        Some(profile) if !profile.settings.pg.get_hosts().is_empty() => {
            Target::Server(Box::new(profile.settings))
        }
        Some(_) | None => Target::Local,
    })
}

/// The deployment's role names: the config file's `[roles]`, else the defaults.
pub fn role_names(config: &Config) -> Result<RoleNames, ConnectError> {
    let overrides = match profile(config) {
        Ok(Some(profile)) => profile.roles,
        _ => RoleOverrides::default(),
    };
    Ok(RoleNames::new(
        overrides.owner.as_deref(),
        overrides.migrator.as_deref(),
        overrides.client.as_deref(),
        overrides.app.as_deref(),
    )?)
}

fn profile(config: &Config) -> Result<Option<Profile>, ConnectError> {
    match &config.config_file {
        Some(path) => load_profile(path, config.profile.as_deref()),
        None => Ok(None),
    }
}

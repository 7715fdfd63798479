//! Saved queries: `save [team] query NAME as ...`, running one by its name,
//! `show queries` and `delete [team] query NAME`. They live in the
//! database (`sql/0016`), so they follow their employee from desk to desk.
//!
//! A saved query holds the text of a read as epic prints it. Running one
//! parses that text again and hands the command to [`super::run_as`], so
//! the checker and row security decide what it shows now, for whoever runs
//! it: a team query that lists the audit trail shows it to management and
//! is refused to sales, as the typed command would be.

use std::io::Write;

use super::{Context, denied, reads};
use crate::db::identity::Identity;
use crate::error::Error;
use crate::plan;
use crate::policy::{self, DeleteSaved, FindSaved, SavedQueries, StoreSaved};
use crate::render::{self, Status};
use crate::syntax;
use crate::syntax::ast::SaveQuery;
use crate::value::Value;

fn output(source: std::io::Error) -> Error {
    Error::Output { source }
}

/// `save [team] query NAME as COMMAND`: stored as the command prints, the
/// team's only for management and admins (the database checks again).
pub async fn save(
    cx: &mut Context<'_>,
    identity: &Identity,
    save: SaveQuery,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let store = StoreSaved {
        team: save.team,
        name: save.name,
        text: save.command.to_string(),
    };
    let store = policy::store_saved(identity.role, store)
        .map_err(|denial| denied(denial, &policy::team_request()))?;
    cx.database.execute(&plan::plan_store_saved(&store)).await?;
    let (name, team) = (store.name.as_str(), store.team);
    render::status(err, &Status::QuerySaved { name, team }).map_err(output)
}

/// `delete [team] query NAME`.
pub async fn delete(
    cx: &mut Context<'_>,
    identity: &Identity,
    team: bool,
    name: String,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let delete = policy::delete_saved(identity.role, DeleteSaved { team, name })
        .map_err(|denial| denied(denial, &policy::team_request()))?;
    let deleted = cx
        .database
        .execute(&plan::plan_delete_saved(&delete))
        .await?;
    if deleted == 0 {
        return Err(no_such_query(cx, &delete.name).await);
    }
    let name = delete.name.as_str();
    render::status(err, &Status::QueryDeleted { name, team }).map_err(output)
}

/// `show queries`: one's own, then the team's.
pub async fn list(
    cx: &mut Context<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let plan = plan::plan_saved_queries(&policy::read_saved(SavedQueries));
    reads::list(cx, &plan, "saved queries", out, err).await
}

/// `NAME` or `show NAME`: the saved query's command, parsed and checked
/// again, run as if typed.
pub async fn run(
    cx: &mut Context<'_>,
    identity: &Identity,
    name: String,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Error> {
    let find = policy::read_saved(FindSaved { name });
    let text = match cx.database.fetch_one(&plan::plan_find_saved(&find)).await? {
        Some(row) => match row.into_iter().next() {
            Some(Value::Text(text)) => text,
            _ => return Err(no_such_query(cx, &find.name).await),
        },
        None => return Err(no_such_query(cx, &find.name).await),
    };
    let command = syntax::parse(&text)?;
    // Stored by `save`, which takes reads only; a desk's SQL may have
    // stored anything of its own, and a saved query never runs another.
    if !syntax::savable(&command) {
        return Err(Error::Invalid {
            message: format!(
                "the saved query `{}` holds `{command}`, which is not a read\n\
                 help: `delete query {}` and save it again",
                find.name, find.name
            ),
        });
    }
    Box::pin(super::run_as(cx, identity, command, out, err)).await
}

/// The name a lone word runs as a saved query, if `command` is one.
pub fn name_run(command: &syntax::Command) -> Option<String> {
    match command {
        syntax::Command::RunQuery { name } => Some(name.clone()),
        _ => None,
    }
}

/// A lone word run while nobody is logged in: most likely a command
/// mistyped, said as such (a saved query needs a session to be found).
pub fn unless_logged_out(error: Error, saved: Option<String>) -> Error {
    match (error, saved) {
        (Error::Auth(crate::auth::AuthError::NotLoggedIn), Some(name)) => {
            Error::UnknownOrSaved { name }
        }
        (error, _) => error,
    }
}

/// The error for a name that names no saved query one may run: the closest
/// name, or every name there is.
async fn no_such_query(cx: &mut Context<'_>, name: &str) -> Error {
    let names = match names(cx).await {
        Ok(names) => names,
        Err(error) => return error,
    };
    let help = match syntax::did_you_mean(name, names.iter().map(String::as_str)) {
        Some(close) => format!("did you mean `{close}`?"),
        None if names.is_empty() => {
            "there are no saved queries yet: `save query NAME as show ...` saves one".to_owned()
        }
        None => format!("the saved queries are: {}", names.join(", ")),
    };
    Error::NoSuchQuery {
        name: name.to_owned(),
        help,
    }
}

/// The names of the saved queries one may run, each once.
async fn names(cx: &mut Context<'_>) -> Result<Vec<String>, Error> {
    let plan = plan::plan_saved_queries(&policy::read_saved(SavedQueries));
    let mut names: Vec<String> = Vec::new();
    cx.database
        .stream(&plan, |row| {
            if let Some(Value::Text(name)) = row.first()
                && !names.contains(name)
            {
                names.push(name.clone());
            }
            Ok::<(), Error>(())
        })
        .await?;
    Ok(names)
}

#[cfg(test)]
mod tests {
    /// What `run` parses is what `save` stored: the command as it prints.
    #[test]
    fn a_saved_command_is_stored_as_it_prints_and_runs_as_parsed() {
        let line =
            "SAVE QUERY Mine AS show events WHERE support IS me AND start >= today ORDER BY start";
        let crate::syntax::Command::SaveQuery(save) = crate::syntax::parse(line).unwrap() else {
            panic!("not a save");
        };
        let text = save.command.to_string();
        assert_eq!(
            text,
            "show events where support is me and start >= today order by start"
        );
        assert_eq!(crate::syntax::parse(&text).unwrap(), *save.command);
        assert!(crate::syntax::savable(&save.command));
    }
}

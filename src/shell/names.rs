//! The employees the shell's completion offers: read as the logged-in
//! employee (only someone logged in may read the directory) at each login,
//! and again after each command that changed an employee, so that someone
//! created in this shell is offered at the next Tab.

use rustyline::Editor;
use rustyline::history::FileHistory;
use tokio::runtime::Runtime;

use super::Shell;
use crate::complete::{Colleague, LanguageHelper, changes_employees};
use crate::db::DbError;
use crate::error::Error;

impl Shell {
    /// After `text` ran without an error: reloads the names when it wrote
    /// to an employee. A failure to read them leaves the old ones.
    pub(super) fn names_after(
        &mut self,
        runtime: &Runtime,
        editor: &mut Editor<LanguageHelper, FileHistory>,
        text: &str,
    ) {
        if self.session.live_token().is_none() || !changes_employees(text) {
            return;
        }
        if let (Ok(names), Some(helper)) = (
            runtime.block_on(self.directory_and_news()),
            editor.helper_mut(),
        ) {
            helper.set_employees(names.0);
        }
    }

    /// Active employees and the newest notification's number, read under
    /// the application role in one transaction.
    pub(super) async fn directory_and_news(&mut self) -> Result<(Vec<Colleague>, i64), Error> {
        let token = self.session.token()?;
        let transaction = self.database.begin(&token).await?;
        let read = async {
            let names = self.database.employee_names().await?;
            let newest = self.database.newest_notification().await?;
            Ok::<_, DbError>((names, newest))
        }
        .await;
        transaction.finish(&mut self.database, read.is_ok()).await?;
        let (rows, newest) = read?;
        let names = rows
            .into_iter()
            .map(|(id, name, department)| Colleague::new(id, name, &department))
            .collect();
        Ok((names, newest))
    }
}

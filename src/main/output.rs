//! `--output FILE`: the results of a batch written to a file that appears
//! whole or not at all. They go to a temporary file beside it, which
//! replaces FILE (a rename, atomic on one file system) only once every
//! command succeeded and wrote something; a failed batch, or one that
//! wrote no result (`-c whoami`), leaves FILE as it was. Mode 0600, as
//! `epic db backup`'s: results hold clients' names, emails and phones.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

pub struct Output {
    file: Option<BufWriter<File>>,
    temporary: PathBuf,
    path: PathBuf,
    wrote: bool,
}

impl Output {
    pub fn create(path: &Path) -> io::Result<Output> {
        let name = path
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "--output names no file"))?;
        let mut hidden = std::ffi::OsString::from(".");
        hidden.push(name);
        hidden.push(format!(".{}.tmp", std::process::id()));
        let temporary = path.with_file_name(hidden);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temporary)?;
        Ok(Output {
            file: Some(BufWriter::new(file)),
            temporary,
            path: path.to_owned(),
            wrote: false,
        })
    }

    /// Puts the written file in FILE's place; false (FILE left as it
    /// was) when nothing was written.
    pub fn commit(mut self) -> io::Result<bool> {
        if !self.wrote {
            return Ok(false);
        }
        if let Some(file) = self.file.take() {
            let file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.sync_all()?;
        }
        let renamed = std::fs::rename(&self.temporary, &self.path);
        if renamed.is_err() {
            let _ = std::fs::remove_file(&self.temporary);
        }
        renamed.map(|()| true)
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => {
                self.wrote |= !buf.is_empty();
                file.write(buf)
            }
            None => Err(io::Error::other("output already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Output {
    /// Not committed (a failed batch, an error): the temporary file goes.
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

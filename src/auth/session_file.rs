//! The session file: where the token lives between invocations. Readable by
//! its owner only, created that way (never chmod-ed after writing), and
//! refused when it is a symlink, someone else's, or readable by others.

use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use super::AuthError;

/// The token, or `None` when there is no session file.
pub fn read(path: &Path) -> Result<Option<String>, AuthError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(AuthError::File {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let unsafe_file = |reason| AuthError::UnsafeFile {
        path: path.to_path_buf(),
        reason,
    };
    if meta.file_type().is_symlink() {
        return Err(unsafe_file(
            "it is a symbolic link; delete it and log in again",
        ));
    }
    if !meta.is_file() || meta.uid() != nix::unistd::geteuid().as_raw() {
        return Err(unsafe_file(
            "it is not a regular file of yours; delete it and log in again",
        ));
    }
    if meta.mode() & 0o077 != 0 {
        return Err(unsafe_file(
            "others can read or change it (it must be mode 0600); delete it and log in again",
        ));
    }
    let mut token = String::new();
    fs::OpenOptions::new()
        .read(true)
        // No following a symlink swapped in since the check above.
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(path)
        .and_then(|file| file.take(16 * 1024).read_to_string(&mut token))
        .map_err(|source| AuthError::File {
            path: path.to_path_buf(),
            source,
        })?;
    let token = token.trim().to_owned();
    Ok((!token.is_empty()).then_some(token))
}

/// Replaces the session file with `token`: written to a new file created
/// with mode 0600, then renamed into place.
pub fn write(path: &Path, token: &str) -> Result<(), AuthError> {
    let failed = |source| AuthError::File {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        crate::db::local::create_data_dir(parent).map_err(failed)?;
    }
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    let _ = fs::remove_file(&temporary);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(nix::libc::O_NOFOLLOW)
        .open(&temporary)
        .map_err(failed)?;
    file.write_all(token.as_bytes()).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    fs::rename(&temporary, path).map_err(failed)
}

pub fn remove(path: &Path) -> Result<(), AuthError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(source) => Err(AuthError::File {
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_file_is_written_private_read_back_and_removed() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("state/epic/session");
        assert_eq!(read(&path).expect("no file yet"), None);
        write(&path, "a.b.c").expect("written");
        assert_eq!(
            fs::metadata(&path).expect("exists").permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(read(&path).expect("read").as_deref(), Some("a.b.c"));
        remove(&path).expect("removed");
        assert!(!path.exists());
    }

    #[test]
    fn readable_by_others_or_a_symlink_is_refused() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("session");
        write(&path, "a.b.c").expect("written");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
        let error = read(&path).expect_err("world-readable");
        assert!(
            error.to_string().contains("others can read or change it"),
            "{error}"
        );
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&path, &link).expect("symlink");
        let error = read(&link).expect_err("a symlink");
        assert!(error.to_string().contains("symbolic link"), "{error}");
    }
}

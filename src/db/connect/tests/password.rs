//! `PGPASSWORD` and `.pgpass`.

use super::*;

#[test]
fn the_first_matching_pgpass_line_wins() {
    let text = "db:5432:crm:alice:first\n*:*:*:alice:second\n*:*:*:*:third\n";
    assert_eq!(
        pgpass_lookup(text, "db", 5432, "crm", "alice").as_deref(),
        Some("first")
    );
    assert_eq!(
        pgpass_lookup(text, "db", 5433, "crm", "alice").as_deref(),
        Some("second")
    );
    assert_eq!(
        pgpass_lookup(text, "other", 1, "x", "bob").as_deref(),
        Some("third")
    );
    assert_eq!(
        pgpass_lookup("db:5432:crm:alice:pw", "db", 5432, "crm", "bob"),
        None
    );
}

#[test]
fn pgpass_escapes_comments_and_odd_lines() {
    let text = "# a comment: *:*:*:*:no\n\
                \n\
                too:short\n\
                h\\:x:5432:d\\\\b:u:p\\:w\\\\d:ignored\r\n\
                *x:5432:d:u:not-a-wildcard\n\
                h:5432:d:u:\n";
    assert_eq!(
        pgpass_lookup(text, "h:x", 5432, "d\\b", "u").as_deref(),
        Some("p:w\\d")
    );
    // `*` is a wildcard only as a whole field.
    assert_eq!(pgpass_lookup(text, "hx", 5432, "d", "u"), None);
    assert_eq!(
        pgpass_lookup(text, "*x", 5432, "d", "u").as_deref(),
        Some("not-a-wildcard")
    );
    // An empty password is no password.
    assert_eq!(pgpass_lookup(text, "h", 5432, "d", "u"), None);
    // A comment is never matched, even by wildcards.
    assert_eq!(pgpass_lookup("# *:*:*:*:x", "#", 1, "d", "u"), None);
}

fn pgpass_file(dir: &Path, text: &str, mode: u32) -> PathBuf {
    let path = dir.join("pgpass");
    std::fs::write(&path, text).expect("write pgpass");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    path
}

#[test]
fn fill_password_reads_the_environment_then_pgpass() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = pgpass_file(
        dir.path(),
        "localhost:5432:crm:alice:from-socket\nh2:6000:*:alice:from-h2\n",
        0o600,
    );

    let mut socket = settings("host=/run/postgresql user=alice dbname=crm");
    socket.fill_password(None, Some(&file)).expect("filled");
    assert_eq!(socket.pg.get_password(), Some(&b"from-socket"[..]));

    // PGPASSWORD first, as libpq.
    let mut both = settings("host=/run/postgresql user=alice dbname=crm");
    both.fill_password(Some("from-env"), Some(&file))
        .expect("filled");
    assert_eq!(both.pg.get_password(), Some(&b"from-env"[..]));

    // The second host's own port is used for its line.
    let mut two = settings("host=h1,h2 port=5432,6000 user=alice dbname=crm");
    two.fill_password(None, Some(&file)).expect("filled");
    assert_eq!(two.pg.get_password(), Some(&b"from-h2"[..]));

    let mut unmatched = settings("host=other user=alice");
    unmatched
        .fill_password(Some("from-env"), Some(&file))
        .expect("filled");
    assert_eq!(unmatched.pg.get_password(), Some(&b"from-env"[..]));

    let mut given = settings("postgres://alice:given@localhost/crm");
    given
        .fill_password(Some("from-env"), Some(&file))
        .expect("filled");
    assert_eq!(given.pg.get_password(), Some(&b"given"[..]));

    let mut nothing = settings("host=other user=alice");
    nothing.fill_password(Some(""), None).expect("filled");
    assert_eq!(nothing.pg.get_password(), None);
}

#[test]
fn a_pgpass_others_can_read_is_refused_and_odd_files_are_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = pgpass_file(dir.path(), "*:*:*:*:pw\n", 0o644);
    let mut s = settings("host=h user=u");
    let e = s.fill_password(None, Some(&file)).expect_err("refused");
    let text = e.to_string();
    assert!(
        text.contains(&format!("chmod 600 {}", file.display())),
        "{text}"
    );
    assert!(text.contains("(mode 644)"), "{text}");
    assert_eq!(e.exit(), Exit::Usage);

    for skipped in [
        Path::new("/dev/null"),
        &dir.path().join("absent"),
        dir.path(),
    ] {
        let mut s = settings("host=h user=u");
        s.fill_password(Some("env"), Some(skipped))
            .expect("skipped");
        assert_eq!(
            s.pg.get_password(),
            Some(&b"env"[..]),
            "{}",
            skipped.display()
        );
    }
}

//! The config file's profiles.

use super::*;

const CONFIG: &str = r#"
host = "db.example.com"
port = 6432
user = "alice"
database = "crm"
sslrootcert = "/etc/epic/ca.pem"
channel_binding = "require"

[roles]
owner = "epic_owner"
app = "epic_app"

[profiles.staging]
hosts = ["s1.example.com", "s2.example.com"]
ports = [5432, 5433]
sslmode = "verify-ca"
connect_timeout = 5

[profiles.staging.roles]
app = "staging_app"

[profiles.local]
host = "/var/run/postgresql"
database = "epic"
application_name = "epic-dev"
target_session_attrs = "read-write"
"#;

fn parse(text: &str, profile: Option<&str>) -> Result<Profile, ConnectError> {
    parse_profile(text, Path::new("/home/u/.config/epic/config.toml"), profile)
}

#[test]
fn the_top_level_is_the_default_connection() {
    let p = parse(CONFIG, None).expect("valid");
    assert_eq!(p.name, None);
    assert_eq!(p.settings.describe(), "alice@db.example.com:6432/crm");
    assert_eq!(p.settings.tls.mode, SslMode::VerifyFull);
    assert_eq!(
        p.settings.tls.root_cert,
        Some(PathBuf::from("/etc/epic/ca.pem"))
    );
    assert_eq!(
        p.settings.pg.get_channel_binding(),
        PgChannelBinding::Require
    );
    assert_eq!(
        p.roles,
        RoleOverrides {
            owner: Some("epic_owner".to_owned()),
            migrator: None,
            client: None,
            app: Some("epic_app".to_owned()),
        }
    );
    assert_eq!(p.path, PathBuf::from("/home/u/.config/epic/config.toml"));
}

#[test]
fn a_profile_overrides_the_top_level() {
    let staging = parse(CONFIG, Some("staging")).expect("valid");
    assert_eq!(staging.name.as_deref(), Some("staging"));
    assert_eq!(
        staging.settings.describe(),
        "alice@s1.example.com:5432,s2.example.com:5433/crm"
    );
    assert_eq!(staging.settings.tls.mode, SslMode::VerifyCa);
    assert_eq!(
        staging.settings.pg.get_connect_timeout(),
        Some(&Duration::from_secs(5))
    );
    assert_eq!(staging.roles.owner.as_deref(), Some("epic_owner"));
    assert_eq!(staging.roles.app.as_deref(), Some("staging_app"));

    // `host` replaces the top-level `host`; `port` is still inherited.
    let local = parse(CONFIG, Some("local")).expect("valid");
    assert_eq!(
        local.settings.describe(),
        "alice@/var/run/postgresql:6432/epic"
    );
    assert_eq!(local.settings.tls.mode, SslMode::Disable);
    assert_eq!(local.settings.pg.get_application_name(), Some("epic-dev"));
    assert_eq!(
        local.settings.pg.get_target_session_attrs(),
        TargetSessionAttrs::ReadWrite
    );
}

#[test]
fn unknown_keys_are_named_with_the_accepted_ones() {
    let e = parse("hots = \"x\"\n", None).expect_err("unknown");
    assert_eq!(
        e.to_string(),
        "unknown key `hots` in the top-level table of /home/u/.config/epic/config.toml\n\
         help: the keys accepted there are `host`, `hosts`, `port`, `ports`, `database`, \
         `user`, `sslmode`, `sslrootcert`, `channel_binding`, `target_session_attrs`, \
         `connect_timeout`, `application_name`, `profiles`, `roles`, `shell`"
    );
    assert_eq!(e.exit(), Exit::Usage);
    // The shell's settings are another reader's: no connection key is missed for them.
    let with_shell = parse("host = \"db\"\n[shell]\nformat = \"csv\"\n", None).expect("valid");
    assert_eq!(with_shell.settings.pg.get_hosts().len(), 1);
    // Every profile is checked, not only the one asked for.
    let e = parse(
        "[profiles.a]\nhost = \"h\"\n[profiles.b]\ndbname = \"x\"\n",
        Some("a"),
    )
    .expect_err("unknown");
    let text = e.to_string();
    assert!(
        text.starts_with("unknown key `dbname` in [profiles.b] of "),
        "{text}"
    );
    assert!(text.ends_with("`application_name`, `roles`"), "{text}");
    let e = parse("[roles]\nadmin = \"x\"\n", None).expect_err("unknown");
    assert!(
        e.to_string()
            .ends_with("help: the keys accepted there are `owner`, `migrator`, `client`, `app`"),
        "{e}"
    );
}

#[test]
fn a_password_in_the_config_file_is_refused() {
    for (text, table) in [
        ("password = \"hunter2\"\n", "the top-level table"),
        ("[profiles.p]\npassword = \"hunter2\"\n", "[profiles.p]"),
    ] {
        let e = parse(text, None).expect_err("refused").to_string();
        assert_eq!(
            e,
            format!(
                "/home/u/.config/epic/config.toml sets a `password` in {table}\n\
                 help: passwords go in ~/.pgpass or PGPASSWORD, never in the config file"
            )
        );
    }
}

#[test]
fn a_missing_profile_lists_those_there() {
    let e = parse(CONFIG, Some("prod"))
        .expect_err("missing")
        .to_string();
    assert_eq!(
        e,
        "there is no profile `prod` in /home/u/.config/epic/config.toml\n\
         help: the profiles there are `staging`, `local`"
    );
    let e = parse("host = \"h\"\n", Some("prod"))
        .expect_err("missing")
        .to_string();
    assert!(
        e.ends_with("help: the file has no profiles: add a `[profiles.prod]` table"),
        "{e}"
    );
}

#[test]
fn load_profile_reads_the_file_and_a_missing_file_is_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let absent = dir.path().join("config.toml");
    assert!(load_profile(&absent, None).expect("no file").is_none());
    let e = load_profile(&absent, Some("staging")).expect_err("no file");
    assert!(matches!(e, ConnectError::NoConfigFile { .. }), "{e}");
    assert_eq!(e.exit(), Exit::Usage);

    std::fs::write(&absent, CONFIG).expect("write");
    let p = load_profile(&absent, Some("staging"))
        .expect("valid")
        .expect("a file");
    assert_eq!(p.path, absent);
    assert_eq!(p.settings.tls.mode, SslMode::VerifyCa);

    let e = load_profile(dir.path(), None).expect_err("a directory");
    assert_eq!(e.exit(), Exit::Internal, "{e}");
}

#[test]
fn values_of_the_wrong_kind_are_explained() {
    for (text, expected) in [
        (
            "port = \"5432\"",
            "`port` in the top-level table of /home/u/.config/epic/config.toml must be a port number from 1 to 65535",
        ),
        ("port = 70000", "must be a port number from 1 to 65535"),
        (
            "hosts = []",
            "`hosts` in the top-level table of /home/u/.config/epic/config.toml must be a list of host names",
        ),
        (
            "host = \"a,b\"",
            "must be a host name or socket directory (use `hosts` for several)",
        ),
        ("connect_timeout = -1", "must be a number of seconds"),
        (
            "user = 1",
            "`user` in the top-level table of /home/u/.config/epic/config.toml must be a string",
        ),
        ("profiles = 1", "`profiles` in the top-level table"),
        ("[roles]\nowner = true", "`owner` in [roles] of"),
        (
            "host = \"a\"\nhosts = [\"b\"]",
            "the top-level table of /home/u/.config/epic/config.toml sets both `host` and `hosts`\nhelp: keep one of them",
        ),
    ] {
        let e = parse(text, None).expect_err(text).to_string();
        assert!(e.contains(expected), "{text}: {e}");
    }
}

#[test]
fn bad_values_in_a_profile_name_where_they_are_and_what_is_accepted() {
    let e = parse("[profiles.p]\nhost = \"h\"\nsslmode = \"on\"\n", Some("p"))
        .expect_err("bad sslmode");
    assert_eq!(
        e.to_string(),
        "`sslmode` in [profiles.p] of /home/u/.config/epic/config.toml must be one of \
         `disable`, `prefer`, `require`, `verify-ca`, `verify-full`"
    );
    assert_eq!(e.exit(), Exit::Usage);
    for (text, expected) in [
        (
            "channel_binding = \"always\"",
            "`channel_binding` in the top-level table of /home/u/.config/epic/config.toml \
             must be one of `disable`, `prefer`, `require`",
        ),
        (
            "target_session_attrs = \"primary\"",
            "`target_session_attrs` in the top-level table of /home/u/.config/epic/config.toml \
             must be one of `any`, `read-write`, `read-only`",
        ),
    ] {
        assert_eq!(parse(text, None).expect_err(text).to_string(), expected);
    }
    // What tokio-postgres still refuses is wrapped with where it was.
    let wrapped = ConnectError::InProfile {
        path: PathBuf::from("/c.toml"),
        table: "[profiles.p]".to_owned(),
        source: Box::new(ConnectError::NoSystemRoots {
            mode: SslMode::VerifyFull,
        }),
    };
    assert!(
        wrapped
            .to_string()
            .starts_with("in [profiles.p] of /c.toml: no trusted")
    );
    assert_eq!(wrapped.exit(), Exit::DatabaseUnavailable);
}

#[test]
fn toml_mistakes_give_the_line() {
    let e = parse("host = \"h\"\nport = \n", None).expect_err("syntax");
    let text = e.to_string();
    assert!(
        text.starts_with("/home/u/.config/epic/config.toml is not valid TOML (line 2, "),
        "{text}"
    );
    // The text itself is not quoted back (it could hold a secret).
    let e = parse("password = \"hunter2", None).expect_err("syntax");
    assert!(!e.to_string().contains("hunter2"), "{e}");
}

#[test]
fn a_file_without_a_server_gives_settings_without_hosts() {
    let p = parse("[roles]\nclient = \"c\"\n", None).expect("valid");
    assert!(p.settings.pg.get_hosts().is_empty());
    assert_eq!(p.roles.client.as_deref(), Some("c"));
}

#[test]
fn sslrootcert_may_start_in_the_home_directory() {
    let Some(home) = dirs::home_dir() else {
        return;
    };
    let p = parse("host = \"h\"\nsslrootcert = \"~/ca.pem\"\n", None).expect("valid");
    assert_eq!(p.settings.tls.root_cert, Some(home.join("ca.pem")));
}

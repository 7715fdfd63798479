//! Reading connection strings, and the libpq variables made from them.

use super::*;

#[test]
fn a_url_gives_its_settings_with_the_tls_keys_taken_out() {
    let s = settings(
        "postgres://alice:s%40cret@db.example.com:6432/crm\
         ?sslmode=verify-ca&sslrootcert=/etc/epic/ca.pem&channel_binding=require",
    );
    assert_eq!(s.tls.mode, SslMode::VerifyCa);
    assert_eq!(s.tls.root_cert, Some(PathBuf::from("/etc/epic/ca.pem")));
    assert_eq!(s.pg.get_user(), Some("alice"));
    assert_eq!(s.pg.get_password(), Some(&b"s@cret"[..]));
    assert_eq!(s.pg.get_dbname(), Some("crm"));
    assert_eq!(
        s.pg.get_hosts(),
        &[Host::Tcp("db.example.com".to_owned())][..]
    );
    assert_eq!(s.pg.get_ports(), &[6432][..]);
    assert_eq!(s.pg.get_channel_binding(), PgChannelBinding::Require);
    assert_eq!(s.pg.get_ssl_mode(), PgSslMode::Require);
    assert_eq!(s.pg.get_application_name(), Some("epic"));
}

#[test]
fn the_query_is_rebuilt_without_the_tls_keys_and_in_order() {
    let stripped = strip_url(
        "postgresql://u@h/db?application_name=a&sslmode=require&target_session_attrs=read-write&sslrootcert=%2Fca.pem",
    )
    .expect("valid");
    assert_eq!(
        stripped.rest,
        "postgresql://u@h/db?application_name=a&target_session_attrs=read-write"
    );
    assert_eq!(stripped.sslmode.as_deref(), Some("require"));
    assert_eq!(stripped.sslrootcert.as_deref(), Some("/ca.pem"));

    let only_tls = strip_url("postgres://u@h/db?sslmode=disable").expect("valid");
    assert_eq!(only_tls.rest, "postgres://u@h/db");
    let no_query = strip_url("postgres://u:p?w@h/db").expect("valid");
    assert_eq!(no_query.rest, "postgres://u:p?w@h/db");
    assert_eq!(no_query.sslmode, None);
}

#[test]
fn several_hosts_keep_their_ports() {
    let s = settings("postgresql://u@h1:5432,h2:5433/db");
    assert_eq!(
        s.pg.get_hosts(),
        &[Host::Tcp("h1".to_owned()), Host::Tcp("h2".to_owned())][..]
    );
    assert_eq!(s.pg.get_ports(), &[5432, 5433][..]);
    assert_eq!(s.describe(), "u@h1:5432,h2:5433/db");
    assert_eq!(s.tls.mode, SslMode::VerifyFull);

    let kv = settings("host=h1,h2 port=5432,5433 user=u dbname=db");
    assert_eq!(kv.describe(), "u@h1:5432,h2:5433/db");
}

#[test]
fn percent_encoding_is_decoded_in_the_tls_keys_too() {
    let s = settings("postgres://u@h/db?sslrootcert=%2Ftmp%2Fa%20b.pem&sslmode=verify%2Dfull");
    assert_eq!(s.tls.root_cert, Some(PathBuf::from("/tmp/a b.pem")));
    assert_eq!(s.tls.mode, SslMode::VerifyFull);
    // A `%` not followed by two hex digits is itself.
    assert_eq!(percent_decode("100%").expect("valid"), "100%");
    assert!(matches!(
        percent_decode("%ff"),
        Err(ConnectError::BadSettings { .. })
    ));
}

#[test]
fn ipv6_hosts_are_written_with_brackets() {
    let s = settings("postgres://u@[::1]:5433/db");
    assert_eq!(s.pg.get_hosts(), &[Host::Tcp("::1".to_owned())][..]);
    assert_eq!(s.describe(), "u@[::1]:5433/db");
}

#[test]
fn key_value_settings_take_quotes_and_escapes() {
    let s = settings(
        r"host=db.example.com port=5433 user=u dbname=d sslmode=verify-ca sslrootcert='/a b.pem' password='it\'s \\ here' application_name=my\ app",
    );
    assert_eq!(s.tls.mode, SslMode::VerifyCa);
    assert_eq!(s.tls.root_cert, Some(PathBuf::from("/a b.pem")));
    assert_eq!(s.pg.get_password(), Some(&br"it's \ here"[..]));
    assert_eq!(s.pg.get_application_name(), Some("my app"));
    assert_eq!(s.pg.get_ports(), &[5433][..]);
    // Spaces around `=` are allowed, as tokio-postgres allows them.
    let spaced = settings("host = h  user= u sslmode =require");
    assert_eq!(spaced.tls.mode, SslMode::Require);
    assert_eq!(spaced.pg.get_user(), Some("u"));
}

#[test]
fn tcp_defaults_to_verify_full_and_every_mode_maps_to_the_wire() {
    assert_eq!(settings("host=h user=u").tls.mode, SslMode::VerifyFull);
    let cases = [
        ("disable", SslMode::Disable, PgSslMode::Disable),
        ("prefer", SslMode::Prefer, PgSslMode::Prefer),
        ("require", SslMode::Require, PgSslMode::Require),
        ("verify-ca", SslMode::VerifyCa, PgSslMode::Require),
        ("verify-full", SslMode::VerifyFull, PgSslMode::Require),
    ];
    for (text, mode, wire) in cases {
        let url = settings(&format!("postgres://u@h/db?sslmode={text}"));
        assert_eq!(url.tls.mode, mode, "{text}");
        assert_eq!(url.pg.get_ssl_mode(), wire, "{text}");
        assert_eq!(mode.as_str(), text);
        let kv = settings(&format!("host=h sslmode={text}"));
        assert_eq!(kv.tls.mode, mode, "{text}");
    }
}

#[test]
fn unix_sockets_never_use_tls() {
    for text in [
        "host=/var/run/postgresql user=u sslmode=verify-full",
        "postgres://u@%2Fvar%2Frun%2Fpostgresql/db?sslmode=require",
        "postgres:///db?host=/tmp&user=u",
    ] {
        let s = settings(text);
        assert_eq!(s.tls.mode, SslMode::Disable, "{text}");
        assert_eq!(s.pg.get_ssl_mode(), PgSslMode::Disable, "{text}");
    }
    // A hostaddr is TCP even with a socket-looking host.
    let tcp = settings("host=/tmp hostaddr=127.0.0.1 user=u");
    assert_eq!(tcp.tls.mode, SslMode::VerifyFull);
}

#[test]
fn sslrootcert_system_means_the_systems_roots() {
    for text in [
        "postgres://u@h/db?sslrootcert=system",
        "host=h sslrootcert=system",
        "host=h sslrootcert=''",
    ] {
        assert_eq!(settings(text).tls.root_cert, None, "{text}");
    }
}

#[test]
fn the_last_sslmode_wins() {
    let s = settings("postgres://u@h/db?sslmode=disable&sslmode=verify-ca");
    assert_eq!(s.tls.mode, SslMode::VerifyCa);
    let s = settings("host=h sslmode=require sslmode=prefer");
    assert_eq!(s.tls.mode, SslMode::Prefer);
}

#[test]
fn an_unknown_sslmode_is_named_with_the_accepted_ones() {
    let e = error("postgres://u:hunter2@h/db?sslmode=allow");
    assert_eq!(
        e.to_string(),
        "unknown sslmode `allow`\nhelp: sslmode is one of \
         `disable`, `prefer`, `require`, `verify-ca`, `verify-full`"
    );
    assert_eq!(e.exit(), Exit::Usage);
    assert!(matches!(
        error("host=h sslmode=VERIFY-FULL"),
        ConnectError::UnknownSslMode { given } if given == "VERIFY-FULL"
    ));
}

#[test]
fn other_options_reach_tokio_postgres_and_unknown_ones_are_named() {
    let s = settings(
        "postgres://u@h/db?target_session_attrs=read-write&connect_timeout=7&application_name=report",
    );
    assert_eq!(
        s.pg.get_target_session_attrs(),
        TargetSessionAttrs::ReadWrite
    );
    assert_eq!(s.pg.get_connect_timeout(), Some(&Duration::from_secs(7)));
    assert_eq!(s.pg.get_application_name(), Some("report"));

    let e = error("postgres://u:hunter2@h/db?sslcert=/c.pem");
    let text = e.to_string();
    assert!(
        text.starts_with("the connection settings are not valid: unknown option `sslcert`\nhelp: "),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
    assert_eq!(e.exit(), Exit::Usage);
    let e = error("host=h port=x");
    assert!(
        e.to_string().contains("invalid value for option `port`"),
        "{e}"
    );
}

#[test]
fn key_value_mistakes_never_echo_the_text() {
    for (text, expected) in [
        (
            "host=h password='hunter2",
            "the quoted value of `password` is not terminated",
        ),
        (
            "host=h hunter2",
            "`=` is missing after the keyword at byte 7",
        ),
        (
            "host=h =hunter2",
            "a keyword is missing before `=` at byte 7",
        ),
        ("host=h password=", "`password=` has no value"),
    ] {
        let e = error(text).to_string();
        assert!(e.contains(expected), "{text}: {e}");
        assert!(!e.contains("hunter2"), "{text}: {e}");
    }
}

#[test]
fn passwords_never_show_in_debug_or_describe() {
    let s = settings("postgres://alice:hunter2@h/db");
    let shown = format!("{s:?} {}", s.describe());
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("alice@h:5432/db"), "{shown}");
    let s = settings("host=h user=alice password=hunter2");
    assert!(!format!("{s:?}").contains("hunter2"));
}

#[test]
fn describe_fills_in_what_the_server_would() {
    assert_eq!(settings("host=h user=u").describe(), "u@h:5432/u");
    assert_eq!(settings("host=h").describe(), "?@h:5432/?");
    assert_eq!(
        settings("host=/run/pg user=u dbname=d").describe(),
        "u@/run/pg:5432/d"
    );
}

// --- libpq variables ----------------------------------------------------

fn env_of(s: &ServerSettings) -> std::collections::HashMap<&'static str, String> {
    s.libpq_env().into_iter().collect()
}

#[test]
fn libpq_env_carries_everything_pg_dump_needs() {
    let s = settings(
        "postgres://alice:pw@h1:5432,h2:5433/crm?sslmode=verify-ca&sslrootcert=/ca.pem\
         &channel_binding=require&target_session_attrs=read-write&connect_timeout=9",
    );
    let env = env_of(&s);
    let expected = [
        ("PGHOST", "h1,h2"),
        ("PGPORT", "5432,5433"),
        ("PGUSER", "alice"),
        ("PGDATABASE", "crm"),
        ("PGPASSWORD", "pw"),
        ("PGSSLMODE", "verify-ca"),
        ("PGSSLROOTCERT", "/ca.pem"),
        ("PGCHANNELBINDING", "require"),
        ("PGTARGETSESSIONATTRS", "read-write"),
        ("PGCONNECT_TIMEOUT", "9"),
        ("PGAPPNAME", "epic"),
    ];
    for (name, value) in expected {
        assert_eq!(env.get(name).map(String::as_str), Some(value), "{name}");
    }
    assert_eq!(env.len(), expected.len(), "{env:?}");
}

#[test]
fn libpq_env_leaves_out_defaults_and_says_system_only_for_verify_full() {
    let env = env_of(&settings("host=h user=u"));
    assert_eq!(
        env.get("PGSSLMODE").map(String::as_str),
        Some("verify-full")
    );
    assert_eq!(env.get("PGSSLROOTCERT").map(String::as_str), Some("system"));
    for absent in [
        "PGPASSWORD",
        "PGCHANNELBINDING",
        "PGTARGETSESSIONATTRS",
        "PGPORT",
    ] {
        assert!(!env.contains_key(absent), "{absent}: {env:?}");
    }
    let ca = env_of(&settings("host=h sslmode=verify-ca"));
    assert!(!ca.contains_key("PGSSLROOTCERT"), "{ca:?}");
    let socket = env_of(&settings("host=/run/pg user=u"));
    assert_eq!(socket.get("PGHOST").map(String::as_str), Some("/run/pg"));
    assert_eq!(socket.get("PGSSLMODE").map(String::as_str), Some("disable"));
    let off = env_of(&settings("host=h channel_binding=disable"));
    assert_eq!(
        off.get("PGCHANNELBINDING").map(String::as_str),
        Some("disable")
    );
}

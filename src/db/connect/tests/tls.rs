//! The connector for each `sslmode`, and channel binding.

use super::*;

#[test]
fn a_connector_is_built_for_every_mode() {
    let pki = Pki::new();
    for mode in ["disable", "prefer", "require", "verify-ca", "verify-full"] {
        pki.settings(mode, Some("ca.pem"))
            .tls_connector()
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
    }
    // Without a CA file, only the verify modes need the system's roots.
    for mode in ["disable", "prefer", "require"] {
        pki.settings(mode, None)
            .tls_connector()
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
    }
    for mode in ["verify-ca", "verify-full"] {
        match pki.settings(mode, None).tls_connector() {
            Ok(_) | Err(ConnectError::NoSystemRoots { .. }) => {}
            Err(e) => panic!("{mode}: {e}"),
        }
    }
}

#[test]
fn the_connector_fits_a_deadpool_manager() {
    fn shareable<T: Clone + Send + Sync + 'static>(_: &T) {}
    let s = settings("host=db.example.test user=u sslmode=require");
    let connector = s.tls_connector().expect("a connector");
    shareable(&connector);
    let _manager = deadpool_postgres::Manager::from_config(
        s.pg.clone(),
        connector,
        deadpool_postgres::ManagerConfig {
            recycling_method: deadpool_postgres::RecyclingMethod::Clean,
        },
    );
}

#[test]
fn bad_ca_files_are_named() {
    let pki = Pki::new();
    let missing = pki.settings("verify-full", Some("absent.pem"));
    let e = missing.tls_connector().expect_err("missing");
    assert!(matches!(e, ConnectError::RootCertMissing { .. }), "{e}");
    assert!(
        e.to_string()
            .contains(&pki.path("absent.pem").display().to_string()),
        "{e}"
    );
    assert_eq!(e.exit(), Exit::Usage);

    // A key is not a certificate; nor is an empty file.
    for file in ["server.key", "empty.pem"] {
        std::fs::write(pki.path("empty.pem"), "").expect("write");
        let e = pki
            .settings("verify-ca", Some(file))
            .tls_connector()
            .expect_err("no certificate");
        assert_eq!(
            e.to_string(),
            format!(
                "the CA file {} (sslrootcert) holds no certificate\n\
                 help: it must hold PEM certificates (`-----BEGIN CERTIFICATE-----`)",
                pki.path(file).display()
            )
        );
    }

    std::fs::write(
        pki.path("garbage.pem"),
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
    )
    .expect("write");
    let e = pki
        .settings("require", Some("garbage.pem"))
        .tls_connector()
        .expect_err("garbage");
    assert!(matches!(e, ConnectError::RootCertInvalid { .. }), "{e}");

    std::fs::set_permissions(pki.path("ca.pem"), std::fs::Permissions::from_mode(0o000))
        .expect("chmod");
    if std::fs::read(pki.path("ca.pem")).is_err() {
        // (root reads anything: only checked when the file is unreadable)
        let e = pki
            .settings("verify-full", Some("ca.pem"))
            .tls_connector()
            .expect_err("unreadable");
        assert!(e.to_string().starts_with("cannot read the CA file "), "{e}");
        assert_eq!(e.exit(), Exit::Internal);
    }
}

#[test]
fn no_system_roots_is_an_environment_problem() {
    let e = roots_from_system(Vec::new(), SslMode::VerifyFull).expect_err("no roots");
    assert_eq!(
        e.to_string(),
        "no trusted certificate authorities were found on this system, and sslmode `verify-full` needs them\n\
         help: set sslrootcert to the CA file that signed the server's certificate, \
         or install the system's CA certificates (`ca-certificates`)"
    );
    assert_eq!(e.exit(), Exit::DatabaseUnavailable);
}

#[tokio::test]
async fn verify_full_checks_the_chain_and_the_name() {
    let pki = Pki::new();
    let full = pki.settings("verify-full", Some("ca.pem"));
    handshake(&full, "db.example.test", &pki, "server.pem")
        .await
        .expect("the right name");
    handshake(&full, "127.0.0.1", &pki, "server.pem")
        .await
        .expect("the right address");
    assert_eq!(
        refused(&full, "other.example.test", &pki, "server.pem").await,
        TlsProblem::WrongHost
    );
    assert_eq!(
        refused(&full, "127.0.0.2", &pki, "server.pem").await,
        TlsProblem::WrongHost
    );
    let other = pki.settings("verify-full", Some("other-ca.pem"));
    assert_eq!(
        refused(&other, "db.example.test", &pki, "server.pem").await,
        TlsProblem::UnknownIssuer
    );
}

#[tokio::test]
async fn verify_ca_checks_the_chain_but_not_the_name() {
    let pki = Pki::new();
    let ca = pki.settings("verify-ca", Some("ca.pem"));
    handshake(&ca, "other.example.test", &pki, "server.pem")
        .await
        .expect("any name");
    let other = pki.settings("verify-ca", Some("other-ca.pem"));
    assert_eq!(
        refused(&other, "db.example.test", &pki, "server.pem").await,
        TlsProblem::UnknownIssuer
    );
    // A self-signed certificate is not trusted for being one...
    pki.self_signed();
    assert_eq!(
        refused(&other, "db.example.test", &pki, "selfsigned.pem").await,
        TlsProblem::UnknownIssuer
    );
    // ...and a CA's certificate cannot be a server's.
    let ca_itself = pki.settings("verify-ca", Some("ca.pem"));
    match refused(&ca_itself, "db.example.test", &pki, "ca.pem").await {
        TlsProblem::Other(text) => {
            assert!(
                text.starts_with("the server presents a CA certificate"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_self_signed_server_certificate_can_be_its_own_root() {
    let pki = Pki::new();
    pki.self_signed();
    let pinned = pki.settings("verify-full", Some("selfsigned.pem"));
    handshake(&pinned, "db.example.test", &pki, "selfsigned.pem")
        .await
        .expect("trusted as its own root");
    assert_eq!(
        refused(&pinned, "db.example.test", &pki, "server.pem").await,
        TlsProblem::UnknownIssuer
    );
}

#[tokio::test]
async fn require_checks_nothing_unless_given_a_ca() {
    let pki = Pki::new();
    for mode in ["require", "prefer"] {
        let plain = pki.settings(mode, None);
        handshake(&plain, "anything.example", &pki, "server.pem")
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
        // With a CA it is verify-ca.
        let other = pki.settings(mode, Some("other-ca.pem"));
        assert_eq!(
            refused(&other, "db.example.test", &pki, "server.pem").await,
            TlsProblem::UnknownIssuer,
            "{mode}"
        );
        let ca = pki.settings(mode, Some("ca.pem"));
        handshake(&ca, "anything.example", &pki, "server.pem")
            .await
            .unwrap_or_else(|e| panic!("{mode}: {e}"));
    }
}

#[tokio::test]
async fn an_expired_certificate_is_told_apart() {
    let pki = Pki::new();
    pki.expired();
    let full = pki.settings("verify-full", Some("ca.pem"));
    assert_eq!(
        refused(&full, "db.example.test", &pki, "expired.pem").await,
        TlsProblem::Expired
    );
}

#[tokio::test]
async fn an_unusable_host_name_fails_only_when_a_handshake_is_tried() {
    let pki = Pki::new();
    let s = pki.settings("require", None);
    let mut connector = s.tls_connector().expect("a connector");
    // What tokio-postgres asks for a Unix socket: no error yet.
    MakeTlsConnect::<DuplexStream>::make_tls_connect(&mut connector, "").expect("infallible");
    let e = handshake(&s, "", &pki, "server.pem")
        .await
        .err()
        .expect("no name to check");
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The fingerprint `openssl` computes, as lowercase hex.
fn fingerprint(pki: &Pki, cert: &str, digest: &str) -> String {
    let output = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", digest, "-in", cert])
        .current_dir(pki.dir.path())
        .output()
        .expect("openssl runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let (_, colons) = text.trim().split_once('=').expect("a fingerprint");
    colons.replace(':', "").to_lowercase()
}

#[tokio::test]
async fn the_stream_gives_the_channel_binding_of_the_servers_certificate() {
    let pki = Pki::new();
    pki.sign("server384", "ca", "-sha384");
    pki.sign("server512", "ca", "-sha512");
    // (`require`: ring does not verify ECDSA with SHA-512 in a chain.)
    let s = pki.settings("require", None);
    for (cert, digest) in [
        ("server.pem", "-sha256"),
        ("server384.pem", "-sha384"),
        ("server512.pem", "-sha512"),
    ] {
        let stream = handshake(&s, "db.example.test", &pki, cert)
            .await
            .expect("handshake");
        let binding = stream.end_point().expect("a binding");
        assert_eq!(hex(&binding), fingerprint(&pki, cert, digest), "{cert}");
    }
}

#[test]
fn the_end_point_hash_follows_the_signature_algorithm() {
    let pki = Pki::new();
    pki.openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "pss.key",
        "-out",
        "pss.pem",
        "-days",
        "1",
        "-subj",
        "/CN=pss",
        "-sha384",
        "-sigopt",
        "rsa_padding_mode:pss",
        "-sigopt",
        "rsa_pss_saltlen:-1",
    ]);
    assert_eq!(
        signature_hash(&pki.der("pss.pem")),
        Some(EndPointHash::Sha384)
    );
    pki.openssl(&[
        "req", "-x509", "-newkey", "ed25519", "-nodes", "-keyout", "ed.key", "-out", "ed.pem",
        "-days", "1", "-subj", "/CN=ed",
    ]);
    assert_eq!(signature_hash(&pki.der("ed.pem")), None);
    pki.sign("sha1", "ca", "-sha1");
    assert_eq!(
        signature_hash(&pki.der("sha1.pem")),
        Some(EndPointHash::Sha256)
    );
    assert_eq!(signature_hash(b"\x30\x05\x30"), None);
    assert_eq!(signature_hash(&[]), None);
}

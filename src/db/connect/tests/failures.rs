//! Telling failures apart, on real tokio-postgres errors.

use super::*;

/// Reads one length-prefixed startup-phase message (SSLRequest,
/// StartupMessage), without its length.
async fn read_startup(stream: &mut (impl AsyncRead + Unpin)) -> Vec<u8> {
    let length = stream.read_u32().await.expect("a length");
    let mut body = vec![0; usize::try_from(length).expect("small") - 4];
    stream.read_exact(&mut body).await.expect("a message");
    body
}

const AUTHENTICATION_OK: &[u8] = b"R\0\0\0\x08\0\0\0\0";

fn connect_for(settings: &ServerSettings, host: &str) -> RustlsConnect {
    let mut connector = settings.tls_connector().expect("a connector");
    MakeTlsConnect::<DuplexStream>::make_tls_connect(&mut connector, host).expect("infallible")
}

async fn within<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), future)
        .await
        .expect("done in time")
}

#[tokio::test]
async fn a_server_without_tls_is_told_apart() {
    let s = settings("host=db.example.test user=u sslmode=require");
    let (client, mut server) = tokio::io::duplex(4096);
    let server = tokio::spawn(async move {
        read_startup(&mut server).await;
        server.write_all(b"N").await.expect("write");
        server
    });
    let result = within(s.pg.connect_raw(client, connect_for(&s, "db.example.test"))).await;
    let _ = server.await;
    let error = result.err().expect("refused");
    assert_eq!(tls_problem(&error), Some(TlsProblem::NoTlsOffered));
}

#[tokio::test]
async fn a_certificate_from_another_ca_is_told_apart() {
    let pki = Pki::new();
    let s = pki.settings("verify-full", Some("other-ca.pem"));
    let acceptor = pki.acceptor("server.pem");
    let (client, mut server) = tokio::io::duplex(64 * 1024);
    let server = tokio::spawn(async move {
        read_startup(&mut server).await;
        server.write_all(b"S").await.expect("write");
        let _ = acceptor.accept(server).await;
    });
    let result = within(s.pg.connect_raw(client, connect_for(&s, "db.example.test"))).await;
    let _ = server.await;
    let error = result.err().expect("refused");
    assert_eq!(tls_problem(&error), Some(TlsProblem::UnknownIssuer));
}

#[tokio::test]
async fn channel_binding_required_but_not_used_is_told_apart() {
    let s = settings("host=db.example.test user=u sslmode=disable channel_binding=require");
    let (client, mut server) = tokio::io::duplex(4096);
    let server = tokio::spawn(async move {
        read_startup(&mut server).await;
        server.write_all(AUTHENTICATION_OK).await.expect("write");
        server
    });
    let result = within(s.pg.connect_raw(client, tokio_postgres::NoTls)).await;
    let _ = server.await;
    let error = result.err().expect("refused");
    assert_eq!(tls_problem(&error), Some(TlsProblem::ChannelBinding));
}

#[tokio::test]
async fn tokio_postgres_binds_the_channel_over_this_connector() {
    let pki = Pki::new();
    let s = pki.settings("verify-full", Some("ca.pem"));
    let mut pg = s.pg.clone();
    pg.password("pw").channel_binding(PgChannelBinding::Require);
    let acceptor = pki.acceptor("server.pem");
    let (client, mut server) = tokio::io::duplex(64 * 1024);
    let server = tokio::spawn(async move {
        read_startup(&mut server).await;
        server.write_all(b"S").await.expect("write");
        let mut tls = acceptor.accept(server).await.expect("handshake");
        read_startup(&mut tls).await;
        let mechanisms = b"SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0";
        let mut sasl = b"R".to_vec();
        let length = u32::try_from(8 + mechanisms.len()).expect("small");
        sasl.extend_from_slice(&length.to_be_bytes());
        sasl.extend_from_slice(&10u32.to_be_bytes());
        sasl.extend_from_slice(mechanisms);
        tls.write_all(&sasl).await.expect("write");
        tls.flush().await.expect("flush");
        assert_eq!(tls.read_u8().await.expect("a message"), b'p');
        read_startup(&mut tls).await
    });
    let result = within(pg.connect_raw(client, connect_for(&s, "db.example.test"))).await;
    let response = server.await.expect("the server saw a response");
    assert!(result.is_err(), "the fake server never finishes");
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("SCRAM-SHA-256-PLUS\0"), "{response:?}");
    assert!(
        response.contains("p=tls-server-end-point,,"),
        "{response:?}"
    );
}

#[test]
fn rustls_errors_inside_io_errors_are_classified() {
    let wrapped = |error: rustls::Error| io::Error::new(io::ErrorKind::InvalidData, error);
    let cases = [
        (
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
            TlsProblem::UnknownIssuer,
        ),
        (
            rustls::Error::InvalidCertificate(CertificateError::NotValidForName),
            TlsProblem::WrongHost,
        ),
        (
            rustls::Error::InvalidCertificate(CertificateError::Expired),
            TlsProblem::Expired,
        ),
        (
            rustls::Error::InvalidCertificate(CertificateError::Revoked),
            TlsProblem::Other("invalid peer certificate: Revoked".to_owned()),
        ),
    ];
    for (error, expected) in cases {
        assert_eq!(classify(&wrapped(error.clone())), Some(expected.clone()));
        assert_eq!(classify(&error), Some(expected));
    }
    let unrelated = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
    assert_eq!(classify(&unrelated), None);
}

#[test]
fn tls_problems_read_as_one_sentence_and_a_hint() {
    for problem in [
        TlsProblem::UnknownIssuer,
        TlsProblem::WrongHost,
        TlsProblem::Expired,
        TlsProblem::NoTlsOffered,
        TlsProblem::ChannelBinding,
        TlsProblem::Other("x".to_owned()),
    ] {
        let text = problem.to_string();
        let (sentence, hint) = text.split_once('\n').expect("two lines");
        assert!(sentence.starts_with("the "), "{text}");
        assert!(hint.starts_with("help: "), "{text}");
        assert!(!hint.contains('\n'), "{text}");
    }
    assert_eq!(
        TlsProblem::UnknownIssuer.to_string(),
        "the server's certificate is not signed by a certificate authority epic trusts\n\
         help: check sslrootcert: it must be the CA that signed the server's certificate"
    );
}

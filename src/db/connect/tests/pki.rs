//! Certificates made by `openssl`, and TLS handshakes over an in-memory pipe.

use super::*;

/// Certificates made by `openssl` in a temporary directory: two CAs
/// and, signed by `ca`, `server` for db.example.test and 127.0.0.1.
pub(super) struct Pki {
    pub(super) dir: tempfile::TempDir,
}

pub(super) const SERVER_EXTENSIONS: &str = "subjectAltName=DNS:db.example.test,IP:127.0.0.1\n\
                                 basicConstraints=CA:FALSE\n\
                                 extendedKeyUsage=serverAuth\n";

impl Pki {
    pub(super) fn new() -> Pki {
        let pki = Pki {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        std::fs::write(pki.path("server.ext"), SERVER_EXTENSIONS).expect("write");
        pki.ca("ca");
        pki.ca("other-ca");
        pki.openssl(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=db.example.test",
        ]);
        pki.sign("server", "ca", "-sha256");
        pki
    }

    pub(super) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub(super) fn openssl(&self, args: &[&str]) {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("openssl runs");
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    pub(super) fn ca(&self, name: &str) {
        let (key, pem, subject) = (
            format!("{name}.key"),
            format!("{name}.pem"),
            format!("/CN=epic test {name}"),
        );
        self.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &pem,
            "-days",
            "30",
            "-subj",
            &subject,
        ]);
    }

    /// Signs `server.csr` with `ca` into `{name}.pem`.
    pub(super) fn sign(&self, name: &str, ca: &str, digest: &str) {
        let (out, ca_pem, ca_key) = (
            format!("{name}.pem"),
            format!("{ca}.pem"),
            format!("{ca}.key"),
        );
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            &ca_pem,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-out",
            &out,
            "-days",
            "30",
            "-extfile",
            "server.ext",
            digest,
        ]);
    }

    /// `selfsigned.pem`: the server's key signing its own certificate
    /// (not a CA's: `basicConstraints=CA:FALSE`).
    pub(super) fn self_signed(&self) {
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-signkey",
            "server.key",
            "-out",
            "selfsigned.pem",
            "-days",
            "30",
            "-extfile",
            "server.ext",
        ]);
    }

    /// `expired.pem`: the server's certificate, valid only in 2020.
    pub(super) fn expired(&self) {
        std::fs::write(
            self.path("ca.cnf"),
            "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\n\
             serial = serial\ndefault_md = sha256\npolicy = any\n[any]\ncommonName = supplied\n",
        )
        .expect("write");
        std::fs::write(self.path("index.txt"), "").expect("write");
        std::fs::write(self.path("serial"), "01\n").expect("write");
        self.openssl(&[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-cert",
            "ca.pem",
            "-keyfile",
            "ca.key",
            "-in",
            "server.csr",
            "-out",
            "expired.pem",
            "-startdate",
            "20200101000000Z",
            "-enddate",
            "20210101000000Z",
            "-extfile",
            "server.ext",
            "-notext",
        ]);
    }

    pub(super) fn der(&self, name: &str) -> CertificateDer<'static> {
        CertificateDer::from_pem_file(self.path(name)).expect("a certificate")
    }

    /// A server presenting `cert`, whose key is `server.key` (or
    /// `ca.key` for `ca.pem`, self-signed).
    pub(super) fn acceptor(&self, cert: &str) -> tokio_rustls::TlsAcceptor {
        let key = if cert == "ca.pem" {
            "ca.key"
        } else {
            "server.key"
        };
        let key = PrivateKeyDer::from_pem_file(self.path(key)).expect("a key");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(vec![self.der(cert)], key)
        .expect("server config");
        tokio_rustls::TlsAcceptor::from(Arc::new(config))
    }

    /// Settings for `host` with `mode` and maybe a CA of this PKI.
    pub(super) fn settings(&self, mode: &str, ca: Option<&str>) -> ServerSettings {
        let root = ca.map_or(String::new(), |ca| {
            format!(
                " sslrootcert={}",
                quote(&self.path(ca).display().to_string())
            )
        });
        settings(&format!("host=db.example.test user=u sslmode={mode}{root}"))
    }
}

/// A TLS handshake over an in-memory pipe, with a rustls server that
/// presents `cert`; the client connects to `host`.
pub(super) async fn handshake(
    settings: &ServerSettings,
    host: &str,
    pki: &Pki,
    cert: &str,
) -> io::Result<RustlsStream<DuplexStream>> {
    let (client, server) = tokio::io::duplex(64 * 1024);
    let acceptor = pki.acceptor(cert);
    let server = tokio::spawn(async move { acceptor.accept(server).await });
    let mut connector = settings.tls_connector().expect("a connector");
    let connect =
        MakeTlsConnect::<DuplexStream>::make_tls_connect(&mut connector, host).expect("infallible");
    let result = tokio::time::timeout(Duration::from_secs(20), connect.connect(client))
        .await
        .expect("the handshake ends");
    let _ = server.await;
    result
}

pub(super) async fn refused(
    settings: &ServerSettings,
    host: &str,
    pki: &Pki,
    cert: &str,
) -> TlsProblem {
    match handshake(settings, host, pki, cert).await {
        Ok(_) => panic!("the handshake should fail"),
        Err(e) => classify(&e).expect("a TLS problem"),
    }
}

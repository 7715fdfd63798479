//! The TLS connector: one rustls configuration per set of settings, with
//! a verifier for each `sslmode` (see the module documentation of
//! [`super`]), and the streams that give tokio-postgres the channel binding.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};

use super::channel_binding::tls_server_end_point;
use super::{ConnectError, ServerSettings, SslMode, TlsSettings};

impl ServerSettings {
    /// A connector that does what libpq does for `tls.mode` (see the module
    /// documentation). Reads the CA file, or the system's roots, now: a
    /// problem with them shows before any connection is tried.
    pub fn tls_connector(&self) -> Result<MakeRustlsConnect, ConnectError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let algorithms = provider.signature_verification_algorithms;
        let mode = self.tls.mode;
        let root_cert = self.tls.root_cert.as_deref();
        let verifier: Arc<dyn ServerCertVerifier> = match (mode, root_cert) {
            // Disable never starts a handshake; the connector is only there
            // because tokio-postgres wants one.
            (SslMode::Disable, _) | (SslMode::Prefer | SslMode::Require, None) => {
                Arc::new(PartialVerifier {
                    check: PartialCheck::EncryptOnly,
                    algorithms,
                })
            }
            (SslMode::Prefer | SslMode::Require | SslMode::VerifyCa, _) => {
                Arc::new(PartialVerifier {
                    check: PartialCheck::ChainOnly(webpki_verifier(
                        trusted_roots(root_cert, mode)?,
                        &provider,
                    )?),
                    algorithms,
                })
            }
            (SslMode::VerifyFull, _) => {
                webpki_verifier(trusted_roots(root_cert, mode)?, &provider)?
            }
        };
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ConnectError::TlsSetup {
                detail: e.to_string(),
            })?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        // What libpq 17 sends: PostgreSQL 17 requires it for
        // `sslnegotiation=direct`, older servers ignore it.
        config.alpn_protocols = vec![b"postgresql".to_vec()];
        Ok(MakeRustlsConnect {
            config: Arc::new(config),
        })
    }
}

/// The TLS connector every pool and connection of epic's uses.
pub type Tls = MakeRustlsConnect;

/// A connector for connections that never start TLS (the local cluster's
/// Unix socket): tokio-postgres wants one all the same.
pub fn unencrypted() -> Tls {
    let settings = ServerSettings {
        pg: tokio_postgres::Config::new(),
        tls: TlsSettings {
            mode: SslMode::Disable,
            root_cert: None,
        },
    };
    settings
        .tls_connector()
        .expect("a connector that verifies nothing needs no file")
}

fn webpki_verifier(
    roots: RootCertStore,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>, ConnectError> {
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| ConnectError::TlsSetup {
            detail: e.to_string(),
        })
}

fn trusted_roots(root_cert: Option<&Path>, mode: SslMode) -> Result<RootCertStore, ConnectError> {
    match root_cert {
        Some(path) => roots_from_file(path),
        None => roots_from_system(rustls_native_certs::load_native_certs().certs, mode),
    }
}

fn roots_from_file(path: &Path) -> Result<RootCertStore, ConnectError> {
    let pem = std::fs::read(path).map_err(|source| {
        if source.kind() == io::ErrorKind::NotFound {
            ConnectError::RootCertMissing {
                path: path.to_owned(),
            }
        } else {
            ConnectError::Read {
                what: "the CA file",
                path: path.to_owned(),
                source,
            }
        }
    })?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConnectError::RootCertInvalid {
            path: path.to_owned(),
            detail: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(ConnectError::RootCertEmpty {
            path: path.to_owned(),
        });
    }
    let mut roots = RootCertStore::empty();
    let (added, _unusable) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(ConnectError::RootCertInvalid {
            path: path.to_owned(),
            detail: "none of its certificates can be read".to_owned(),
        });
    }
    Ok(roots)
}

pub(super) fn roots_from_system(
    certs: Vec<CertificateDer<'static>>,
    mode: SslMode,
) -> Result<RootCertStore, ConnectError> {
    let mut roots = RootCertStore::empty();
    let (added, _unusable) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(ConnectError::NoSystemRoots { mode });
    }
    Ok(roots)
}

/// The certificate checks libpq leaves out for `require`/`prefer` (none)
/// and `verify-ca` (the name); `verify-full` uses webpki's verifier as it is.
/// Either way the handshake must be signed by the certificate's key.
#[derive(Debug)]
struct PartialVerifier {
    check: PartialCheck,
    algorithms: WebPkiSupportedAlgorithms,
}

#[derive(Debug)]
enum PartialCheck {
    /// `require` and `prefer` without a CA: any certificate.
    EncryptOnly,
    /// `verify-ca`: the full check, except that a certificate not valid for
    /// the name is accepted. webpki checks the chain (and dates, and usage)
    /// before the name, so a name error means everything else passed.
    ChainOnly(Arc<WebPkiServerVerifier>),
}

impl ServerCertVerifier for PartialVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let PartialCheck::ChainOnly(inner) = &self.check else {
            return Ok(ServerCertVerified::assertion());
        };
        match inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The connector handed to tokio-postgres (or to
/// `deadpool_postgres::Manager::from_config`): one rustls configuration,
/// shared by every connection.
#[derive(Clone)]
pub struct MakeRustlsConnect {
    config: Arc<ClientConfig>,
}

impl fmt::Debug for MakeRustlsConnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MakeRustlsConnect")
    }
}

impl<S> MakeTlsConnect<S> for MakeRustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type TlsConnect = RustlsConnect;
    type Error = Infallible;

    /// tokio-postgres calls this for every host, with an empty name for
    /// Unix sockets (where no handshake follows), so a name that is not
    /// one is reported only if a handshake is tried.
    fn make_tls_connect(&mut self, domain: &str) -> Result<RustlsConnect, Infallible> {
        Ok(RustlsConnect {
            config: self.config.clone(),
            domain: domain.to_owned(),
        })
    }
}

/// One handshake's connector, for one host name.
pub struct RustlsConnect {
    config: Arc<ClientConfig>,
    domain: String,
}

impl<S> TlsConnect<S> for RustlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = RustlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<RustlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let name = ServerName::try_from(self.domain.clone()).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("`{}` is not a host name TLS can check", self.domain),
                )
            })?;
            let stream = tokio_rustls::TlsConnector::from(self.config)
                .connect(name, stream)
                .await?;
            Ok(RustlsStream(stream))
        })
    }
}

/// A TLS stream that tells tokio-postgres its `tls-server-end-point`
/// channel binding (RFC 5929), so that `channel_binding=require` works.
pub struct RustlsStream<S>(tokio_rustls::client::TlsStream<S>);

impl<S> TlsStream for RustlsStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    fn channel_binding(&self) -> ChannelBinding {
        self.end_point()
            .map_or_else(ChannelBinding::none, ChannelBinding::tls_server_end_point)
    }
}

impl<S> RustlsStream<S> {
    pub(super) fn end_point(&self) -> Option<Vec<u8>> {
        let (_, connection) = self.0.get_ref();
        connection
            .peer_certificates()
            .and_then(|chain| chain.first())
            .and_then(|cert| tls_server_end_point(cert))
    }
}

impl<S> AsyncRead for RustlsStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S> AsyncWrite for RustlsStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

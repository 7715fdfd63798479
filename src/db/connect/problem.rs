//! Telling TLS failures apart: a driver error's source chain read for what
//! went wrong with TLS or channel binding, in words a user can act on.

use std::error::Error as StdError;
use std::io;

use rustls::CertificateError;

/// Why a connection's TLS (or its channel binding) failed, in words a user
/// can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsProblem {
    #[error(
        "the server's certificate is not signed by a certificate authority epic trusts\n\
         help: check sslrootcert: it must be the CA that signed the server's certificate"
    )]
    UnknownIssuer,
    #[error(
        "the server's certificate is not valid for the host name epic connected to\n\
         help: connect with a host name the certificate lists, or have the certificate reissued for this one"
    )]
    WrongHost,
    #[error(
        "the server's certificate has expired\n\
         help: the server needs a renewed certificate (check this computer's clock too)"
    )]
    Expired,
    #[error(
        "the server does not offer TLS\n\
         help: enable ssl on the server, or, on a network you trust, set sslmode=disable"
    )]
    NoTlsOffered,
    #[error(
        "the server did not use channel binding, and channel_binding=require asks for it\n\
         help: channel binding needs TLS (an sslmode other than `disable`) and a password \
         the server keeps as SCRAM-SHA-256"
    )]
    ChannelBinding,
    #[error(
        "the TLS handshake with the server failed: {0}\nhelp: check sslmode and the server's TLS settings"
    )]
    Other(String),
}

/// What went wrong with TLS or channel binding in `error`, if that is
/// what went wrong.
pub fn tls_problem(error: &tokio_postgres::Error) -> Option<TlsProblem> {
    classify(error)
}

/// Walks the source chain. rustls errors arrive inside an `io::Error`
/// (from tokio-rustls), whose `source()` skips them: they are looked for
/// with `get_ref`.
pub(super) fn classify(error: &(dyn StdError + 'static)) -> Option<TlsProblem> {
    let mut in_handshake = false;
    let mut innermost = None;
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(rustls) = rustls_error(error) {
            return Some(from_rustls(rustls));
        }
        if let Some(db) = error.downcast_ref::<tokio_postgres::error::DbError>() {
            // The server's words for a binding that did not match
            // ("SCRAM channel binding check failed", ...).
            let message = db.message().to_lowercase();
            return (message.contains("channel binding") || message.contains("channel-binding"))
                .then_some(TlsProblem::ChannelBinding);
        }
        let text = error.to_string();
        // tokio-postgres' own messages (connect_tls.rs, connect_raw.rs,
        // error/mod.rs in 0.7).
        match text.as_str() {
            "server does not support TLS" => return Some(TlsProblem::NoTlsOffered),
            "server did not use channel binding" => return Some(TlsProblem::ChannelBinding),
            "error performing TLS handshake" => in_handshake = true,
            _ => {}
        }
        innermost = Some(text);
        current = error.source();
    }
    if in_handshake {
        innermost.map(TlsProblem::Other)
    } else {
        None
    }
}

fn rustls_error<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    if let Some(rustls) = error.downcast_ref::<rustls::Error>() {
        return Some(rustls);
    }
    error
        .downcast_ref::<io::Error>()?
        .get_ref()?
        .downcast_ref::<rustls::Error>()
}

fn from_rustls(error: &rustls::Error) -> TlsProblem {
    match error {
        // A bad signature: a certificate naming a trusted CA as its issuer
        // that this CA did not sign. To the user, the same: not our CA's.
        rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer | CertificateError::BadSignature,
        ) => TlsProblem::UnknownIssuer,
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => TlsProblem::WrongHost,
        rustls::Error::InvalidCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        ) => TlsProblem::Expired,
        // webpki's words for a CA certificate presented as the server's:
        // what `openssl req -x509` makes by default, so worth explaining.
        rustls::Error::InvalidCertificate(CertificateError::Other(other))
            if other.to_string() == "CaUsedAsEndEntity" =>
        {
            TlsProblem::Other(
                "the server presents a CA certificate as its own (as `openssl req -x509` makes \
                 by default), which only names a certificate authority"
                    .to_owned(),
            )
        }
        other => TlsProblem::Other(other.to_string()),
    }
}

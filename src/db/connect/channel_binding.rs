//! Channel binding: the `tls-server-end-point` hash of the server's
//! certificate (RFC 5929), read from its DER by hand, which tokio-postgres
//! binds SCRAM authentication to.

/// RFC 5929's `tls-server-end-point`: the server certificate hashed with
/// the hash of its signature algorithm, SHA-256 for MD5 and SHA-1. `None`
/// for algorithms without one (Ed25519): the server cannot bind either.
pub(super) fn tls_server_end_point(cert: &[u8]) -> Option<Vec<u8>> {
    use sha2::Digest;
    Some(match signature_hash(cert)? {
        EndPointHash::Sha224 => sha2::Sha224::digest(cert).to_vec(),
        EndPointHash::Sha256 => sha2::Sha256::digest(cert).to_vec(),
        EndPointHash::Sha384 => sha2::Sha384::digest(cert).to_vec(),
        EndPointHash::Sha512 => sha2::Sha512::digest(cert).to_vec(),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EndPointHash {
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

const DER_SEQUENCE: u8 = 0x30;
const DER_OID: u8 = 0x06;
/// `[0]`, constructed: the first field of RSASSA-PSS parameters.
const DER_CONTEXT_0: u8 = 0xa0;

/// The hash of a certificate's `signatureAlgorithm` (the field after
/// `tbsCertificate`: `Certificate ::= SEQUENCE { tbsCertificate,
/// signatureAlgorithm AlgorithmIdentifier, signatureValue }`).
pub(super) fn signature_hash(cert: &[u8]) -> Option<EndPointHash> {
    let (DER_SEQUENCE, certificate, _) = der_element(cert)? else {
        return None;
    };
    let (DER_SEQUENCE, _tbs, rest) = der_element(certificate)? else {
        return None;
    };
    let (DER_SEQUENCE, algorithm, _) = der_element(rest)? else {
        return None;
    };
    let (DER_OID, oid, parameters) = der_element(algorithm)? else {
        return None;
    };
    const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01];
    const ECDSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04];
    if let Some(last) = oid.strip_prefix(RSA) {
        return match last {
            [4] | [5] | [11] => Some(EndPointHash::Sha256), // MD5, SHA-1, SHA-256
            [12] => Some(EndPointHash::Sha384),
            [13] => Some(EndPointHash::Sha512),
            [14] => Some(EndPointHash::Sha224),
            [10] => pss_hash(parameters),
            _ => None,
        };
    }
    match oid.strip_prefix(ECDSA)? {
        [1] | [3, 2] => Some(EndPointHash::Sha256), // SHA-1, SHA-256
        [3, 1] => Some(EndPointHash::Sha224),
        [3, 3] => Some(EndPointHash::Sha384),
        [3, 4] => Some(EndPointHash::Sha512),
        _ => None,
    }
}

/// RSASSA-PSS names its hash in its parameters (`hashAlgorithm [0]`,
/// SHA-1 when absent).
fn pss_hash(parameters: &[u8]) -> Option<EndPointHash> {
    let (DER_SEQUENCE, fields, _) = der_element(parameters)? else {
        return None;
    };
    let Some((DER_CONTEXT_0, hash, _)) = der_element(fields) else {
        return Some(EndPointHash::Sha256);
    };
    let (DER_SEQUENCE, algorithm, _) = der_element(hash)? else {
        return None;
    };
    let (DER_OID, oid, _) = der_element(algorithm)? else {
        return None;
    };
    const SHA2: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02];
    const SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];
    if oid == SHA1 {
        return Some(EndPointHash::Sha256);
    }
    match oid.strip_prefix(SHA2)? {
        [1] => Some(EndPointHash::Sha256),
        [2] => Some(EndPointHash::Sha384),
        [3] => Some(EndPointHash::Sha512),
        [4] => Some(EndPointHash::Sha224),
        _ => None,
    }
}

/// One DER element: its tag, its contents, and what follows it.
fn der_element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, rest) = rest.split_at(count);
        let length = bytes
            .iter()
            .fold(0usize, |length, &b| (length << 8) | usize::from(b));
        (length, rest)
    };
    if rest.len() < length {
        return None;
    }
    let (contents, after) = rest.split_at(length);
    Some((tag, contents, after))
}

//! Session tokens: HS256 JWTs that carry a session's id, checked for
//! signature, algorithm, issuer, audience and expiry before the database is
//! asked whether the session is still alive.
//!
//! The token proves nothing on its own about roles: it names a session
//! (`jti`) and an employee (`sub`); what the employee may do is read from
//! the database on every command.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::AuthError;
use crate::config::Config;

pub const ISSUER: &str = "epic";
pub const AUDIENCE: &str = "epic-crm";
/// Clock skew tolerated on `exp` and `iat`.
pub const LEEWAY_SECONDS: u64 = 5;
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The session's id: 128 random bits, base64url.
    pub jti: String,
    /// The employee's id.
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    pub fn employee_id(&self) -> Result<i64, AuthError> {
        self.sub.parse().map_err(|_| AuthError::InvalidToken)
    }
}

/// A fresh session id: 128 bits from the operating system's generator.
pub fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores instead of the session id: its SHA-256.
pub fn session_id_hash(jti: &str) -> Vec<u8> {
    Sha256::digest(jti.as_bytes()).to_vec()
}

/// The signing keys, from `EPIC_SECRET_KEY` or the key file epic generates.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(***)")
    }
}

impl Keys {
    pub fn from_secret(secret: &[u8]) -> Result<Keys, AuthError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(AuthError::WeakSecret {
                bytes: secret.len(),
            });
        }
        Ok(Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        })
    }

    /// `EPIC_SECRET_KEY` when set; otherwise `secret.key` in the data
    /// directory, created (32 random bytes, mode 0600) on first use.
    pub fn load(config: &Config) -> Result<Keys, AuthError> {
        match &config.secret_key {
            Some(secret) => Keys::from_secret(secret.expose().as_bytes()),
            None => Keys::from_secret(&key_file(&config.data_dir.join("secret.key"))?),
        }
    }

    pub fn issue(&self, claims: &Claims) -> Result<String, AuthError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|_| AuthError::InvalidToken)
    }

    /// Checks the signature (HS256 only), issuer, audience and expiry, with
    /// every claim required.
    pub fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub", "jti"]);
        validation.validate_exp = true;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(
            |error| match error.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::SessionExpired,
                _ => AuthError::InvalidToken,
            },
        )?;
        let claims = data.claims;
        if claims.jti.len() < 22
            || claims.iat > jsonwebtoken::get_current_timestamp() as i64 + LEEWAY_SECONDS as i64
        {
            return Err(AuthError::InvalidToken);
        }
        Ok(claims)
    }
}

/// Reads the generated key, or creates it: owner-only from the moment it
/// exists (created with mode 0600, never chmod-ed afterwards).
fn key_file(path: &Path) -> Result<Vec<u8>, AuthError> {
    let unreadable = |source: std::io::Error| AuthError::KeyFile {
        path: path.to_path_buf(),
        source,
    };
    match fs::symlink_metadata(path) {
        Ok(meta) => {
            if meta.file_type().is_symlink()
                || meta.mode() & 0o077 != 0
                || meta.uid() != nix::unistd::geteuid().as_raw()
            {
                return Err(AuthError::UnsafeFile {
                    path: path.to_path_buf(),
                    reason: "it must be a regular file of yours that only you can read (mode 0600)",
                });
            }
            let text = fs::read_to_string(path).map_err(unreadable)?;
            STANDARD.decode(text.trim()).map_err(|_| AuthError::UnsafeFile {
                path: path.to_path_buf(),
                reason: "it is not a key written by epic; delete it to have a new one made (everyone logs in again)",
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                crate::db::local::create_data_dir(parent).map_err(unreadable)?;
            }
            let mut secret = vec![0u8; 32];
            rand::rng().fill_bytes(&mut secret);
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(unreadable)?;
            file.write_all(STANDARD.encode(&secret).as_bytes())
                .map_err(unreadable)?;
            debug_assert_eq!(
                fs::metadata(path)
                    .map(|m| m.permissions().mode() & 0o777)
                    .ok(),
                Some(0o600)
            );
            Ok(secret)
        }
        Err(e) => Err(unreadable(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::from_secret(&[7u8; 32]).expect("32 bytes is enough")
    }

    fn claims() -> Claims {
        let now = jsonwebtoken::get_current_timestamp() as i64;
        Claims {
            jti: new_session_id(),
            sub: "7".into(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now + 3600,
        }
    }

    #[test]
    fn a_token_verifies_with_its_key_and_not_with_another() {
        let claims = claims();
        let token = keys().issue(&claims).expect("signs");
        assert_eq!(keys().verify(&token).expect("verifies"), claims);
        let other = Keys::from_secret(&[8u8; 32]).expect("key");
        assert!(matches!(other.verify(&token), Err(AuthError::InvalidToken)));
    }

    #[test]
    fn short_secrets_are_refused_without_showing_them() {
        let error = Keys::from_secret(b"too-short-secret").expect_err("16 bytes");
        assert_eq!(
            error.to_string(),
            "EPIC_SECRET_KEY is too short: it has 16 bytes and needs at least 32\nhelp: generate one with `openssl rand -base64 48`"
        );
    }

    #[test]
    fn session_ids_carry_128_random_bits() {
        let a = new_session_id();
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).expect("base64url").len(), 16);
        assert_ne!(a, new_session_id());
        assert_eq!(session_id_hash(&a).len(), 32);
    }

    #[test]
    fn wrong_issuer_audience_or_expired_tokens_are_refused() {
        let keys = keys();
        let mut wrong_issuer = claims();
        wrong_issuer.iss = "someone-else".into();
        assert!(matches!(
            keys.verify(&keys.issue(&wrong_issuer).expect("signs")),
            Err(AuthError::InvalidToken)
        ));
        let mut wrong_audience = claims();
        wrong_audience.aud = "other-app".into();
        assert!(matches!(
            keys.verify(&keys.issue(&wrong_audience).expect("signs")),
            Err(AuthError::InvalidToken)
        ));
        let mut expired = claims();
        expired.exp -= 7200;
        assert!(matches!(
            keys.verify(&keys.issue(&expired).expect("signs")),
            Err(AuthError::SessionExpired)
        ));
    }

    #[test]
    fn the_generated_key_file_is_private_from_the_start_and_reused() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("secret.key");
        let first = key_file(&path).expect("created");
        assert_eq!(
            fs::metadata(&path).expect("exists").permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(key_file(&path).expect("read back"), first);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(matches!(key_file(&path), Err(AuthError::UnsafeFile { .. })));
    }
}

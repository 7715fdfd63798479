//! Identity: who may use epic. Today this holds the password policy and
//! hashing used when an account is created; sessions and login build on it.

mod password;

pub use password::{
    MAX_BYTES, MIN_CHARS, PasswordError, check_policy, hash_password, verify_password,
};

//! PKCE with S256 only (RFC 7636; OAuth 2.1 forbids `plain`, and so do we).
//!
//! [`CodeVerifier`] is a secret: its `Debug` is redacted, and it is only ever handed to the
//! token request (docs/security.md#verifier: never in URLs, messages, storage or logs). It
//! is `Clone` because results are plain data a Rust app may clone (docs/decisions.md#rust-api).

use std::fmt;

use sha2::{Digest, Sha256};

use crate::error::ConnectError;
use crate::random::{base64url, token43};

/// The only challenge method this crate sends (RFC 7636 §4.2).
pub const METHOD: &str = "S256";

/// RFC 7636 §4.1: 43 to 128 characters of `[A-Za-z0-9._~-]`.
pub fn is_valid_verifier(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// `BASE64URL(SHA256(ASCII(verifier)))` (RFC 7636 §4.2), for a valid verifier.
pub fn pkce_challenge(verifier: &str) -> Result<String, ConnectError> {
    if !is_valid_verifier(verifier) {
        return Err(ConnectError::invalid_options("a code verifier is 43 to 128 of [A-Za-z0-9._~-]"));
    }
    Ok(base64url(&Sha256::digest(verifier.as_bytes())))
}

/// A PKCE code verifier: a secret, kept in memory only.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(transparent))]
pub struct CodeVerifier(String);

impl CodeVerifier {
    /// 32 CSPRNG bytes, base64url: 43 characters (RFC 7636 §4.1).
    pub fn generate() -> Result<Self, ConnectError> {
        token43().map(CodeVerifier)
    }

    /// Wraps an existing verifier, checking RFC 7636 §4.1.
    pub fn new(s: impl Into<String>) -> Result<Self, ConnectError> {
        let s = s.into();
        pkce_challenge(&s)?;
        Ok(CodeVerifier(s))
    }

    /// The secret itself, for the token request.
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// Its S256 challenge.
    pub fn challenge(&self) -> String {
        base64url(&Sha256::digest(self.0.as_bytes()))
    }
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeVerifier([redacted])")
    }
}

/// A fresh verifier and its challenge.
#[derive(Debug)]
pub struct Pkce {
    /// The secret verifier.
    pub verifier: CodeVerifier,
    /// `BASE64URL(SHA256(verifier))`.
    pub challenge: String,
}

impl Pkce {
    /// Generates a pair from the CSPRNG.
    pub fn generate() -> Result<Self, ConnectError> {
        let verifier = CodeVerifier::generate()?;
        let challenge = verifier.challenge();
        Ok(Pkce { verifier, challenge })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[test]
    fn rfc7636_appendix_b() {
        let v = CodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        assert_eq!(v.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert_eq!(pkce_challenge(v.secret()).unwrap(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn length_boundaries() {
        assert!(pkce_challenge(&"a".repeat(42)).is_err());
        assert!(pkce_challenge(&"a".repeat(43)).is_ok());
        assert!(pkce_challenge(&"a".repeat(128)).is_ok());
        assert!(pkce_challenge(&"a".repeat(129)).is_err());
    }

    #[test]
    fn charset() {
        let ok = format!("{}-._~", "A".repeat(40));
        assert!(is_valid_verifier(&ok));
        for bad in ['+', '/', '=', ' ', '%', 'é', '\n', '!'] {
            let v = format!("{}{bad}", "a".repeat(43));
            let e = pkce_challenge(&v).unwrap_err();
            assert_eq!(*e.code(), ErrorCode::InvalidOptions);
            assert!(!e.to_string().contains(&v), "the error never echoes the verifier");
        }
    }

    #[test]
    fn debug_is_redacted() {
        let p = Pkce::generate().unwrap();
        let shown = format!("{p:?}");
        assert!(shown.contains("[redacted]"));
        assert!(!shown.contains(p.verifier.secret()));
    }

    #[test]
    fn generated_verifiers_are_valid_and_distinct() {
        let mut seen = HashSet::new();
        for _ in 0..10_000 {
            let p = Pkce::generate().unwrap();
            assert!(is_valid_verifier(p.verifier.secret()));
            assert_eq!(p.verifier.secret().len(), 43);
            assert_eq!(p.challenge, pkce_challenge(p.verifier.secret()).unwrap());
            assert!(seen.insert(p.verifier.secret().to_owned()));
        }
    }

    proptest! {
        #[test]
        fn challenge_never_panics(s in ".*") {
            let _ = pkce_challenge(&s);
        }

        #[test]
        fn valid_grammar_always_accepted(s in "[A-Za-z0-9._~-]{43,128}") {
            prop_assert_eq!(pkce_challenge(&s).unwrap().len(), 43);
        }
    }
}

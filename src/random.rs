//! The CSPRNG and the flow `state` (docs/flows.md#connect: ≥128 bits from a CSPRNG).
//!
//! Randomness comes only from `getrandom` (the browser's `crypto.getRandomValues` on wasm).
//! If it is missing, every caller gets `crypto_unavailable`: there is no weaker fallback.

use crate::error::{ConnectError, ErrorCode};

/// Base64url without padding (RFC 4648 §5), as PKCE (RFC 7636 §3) and our states use it.
/// Twenty lines instead of the `base64` crate's generic engine: about 1.2 KB less wasm
/// (docs/decisions.md#dependencies); the crate checks it in the tests.
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Fills `buf` from the operating system's or browser's CSPRNG.
pub fn fill(buf: &mut [u8]) -> Result<(), ConnectError> {
    getrandom::fill(buf)
        .map_err(|_| ConnectError::with_detail(ErrorCode::CryptoUnavailable, "no cryptographic random source"))
}

/// 32 random bytes as base64url without padding (43 characters).
pub(crate) fn token43() -> Result<String, ConnectError> {
    let mut bytes = [0u8; 32];
    fill(&mut bytes)?;
    Ok(base64url(&bytes))
}

/// A fresh flow state: 256 CSPRNG bits, base64url, 43 characters.
pub fn generate_state() -> Result<String, ConnectError> {
    token43()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// Whether `s` is a non-empty string of base64url characters (`[A-Za-z0-9_-]`).
    fn is_url_safe_token(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn base64url_matches_the_base64_crate(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            prop_assert_eq!(base64url(&bytes), URL_SAFE_NO_PAD.encode(&bytes));
        }
    }
    use std::collections::HashSet;

    #[test]
    fn states_are_43_url_safe_characters_and_never_repeat() {
        let mut seen = HashSet::new();
        for _ in 0..10_000 {
            let s = generate_state().unwrap();
            assert_eq!(s.len(), 43);
            assert!(is_url_safe_token(&s), "{s}");
            assert!(seen.insert(s));
        }
    }

    #[test]
    fn url_safe_grammar() {
        assert!(is_url_safe_token("aZ09-_"));
        for bad in ["", "a b", "a+b", "a/b", "a=", "é"] {
            assert!(!is_url_safe_token(bad), "{bad}");
        }
    }
}

//! The byte helpers the parsers and serializers share: decimal and hex digits in and out,
//! and a split at a substring. Written by hand so that neither `core::fmt`, the integer
//! `FromStr` error machinery nor the two-way substring searcher reaches the wasm
//! (docs/architecture.md#size).

/// The hex digits, lowercase: IPv6 text (RFC 5952 §4.3) and JSON `\u00XX` escapes use
/// them as they are, percent-encoding (WHATWG URL §1.3) uppercases them.
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// The lowercase hex digit of `n`'s low four bits.
pub(crate) fn hex_digit(n: u8) -> char {
    char::from(HEX_DIGITS[usize::from(n & 15)])
}

/// The value of one hex digit (either case).
pub(crate) fn hex_value(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

/// 1 to `max_digits` ASCII digits as a number; `None` for anything else (a sign, a
/// space, an empty string, too many digits). `max_digits` must be at most 19, so the
/// value fits a `u64`.
pub(crate) fn decimal(s: &[u8], max_digits: usize) -> Option<u64> {
    if s.is_empty() || s.len() > max_digits {
        return None;
    }
    s.iter().try_fold(0, |n, b| b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0')))
}

/// Appends `n` in decimal.
pub(crate) fn push_decimal(out: &mut String, n: u64) {
    push_digits(out, n, 10);
}

/// Appends `n` in lowercase hex, without leading zeros.
pub(crate) fn push_hex(out: &mut String, n: u64) {
    push_digits(out, n, 16);
}

/// Appends `n` in base `radix` (10 or 16), without leading zeros.
fn push_digits(out: &mut String, n: u64, radix: u64) {
    if n >= radix {
        push_digits(out, n / radix, radix);
    }
    out.push(hex_digit((n % radix) as u8));
}

/// `s` split around the first `pat`.
pub(crate) fn split_at_str<'a>(s: &'a str, pat: &str) -> Option<(&'a str, &'a str)> {
    let at = s.as_bytes().windows(pat.len()).position(|w| w == pat.as_bytes())?;
    Some((s.get(..at)?, s.get(at + pat.len()..)?))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decimal_reads_only_plain_digits() {
        assert_eq!(decimal(b"0", 3), Some(0));
        assert_eq!(decimal(b"255", 3), Some(255));
        assert_eq!(decimal(b"1000", 3), None);
        for bad in [&b""[..], b"+1", b"-1", b" 1", b"1 ", b"1.0", b"0x1"] {
            assert_eq!(decimal(bad, 5), None, "{bad:?}");
        }
        assert_eq!(decimal(b"9999999999999999999", 19), Some(9_999_999_999_999_999_999));
    }

    #[test]
    fn hex_digits_both_ways() {
        let all: String = (0..16).map(hex_digit).collect();
        assert_eq!(all, "0123456789abcdef");
        for (i, c) in all.bytes().enumerate() {
            assert_eq!(hex_value(c), Some(i as u8));
            assert_eq!(hex_value(c.to_ascii_uppercase()), Some(i as u8));
        }
        assert_eq!(hex_value(b'g'), None);
        let mut out = String::new();
        push_hex(&mut out, 0xfe80);
        assert_eq!(out, "fe80");
    }

    #[test]
    fn split_at_the_first_match() {
        assert_eq!(split_at_str("a::b::c", "::"), Some(("a", "b::c")));
        assert_eq!(split_at_str("abc", "d"), None);
        assert_eq!(split_at_str("é=x", "="), Some(("é", "x")));
    }

    proptest! {
        #[test]
        fn push_decimal_and_decimal_agree_with_std(n: u64) {
            let mut out = String::new();
            push_decimal(&mut out, n);
            prop_assert_eq!(&out, &n.to_string());
            if out.len() <= 19 {
                prop_assert_eq!(decimal(out.as_bytes(), 19), Some(n));
            }
            let mut hex = String::new();
            push_hex(&mut hex, n);
            prop_assert_eq!(hex, format!("{n:x}"));
        }

        #[test]
        fn split_at_str_agrees_with_split_once(s in "[a-c=&]{0,12}", pat in "[a-c=&]{1,3}") {
            prop_assert_eq!(split_at_str(&s, &pat), s.split_once(pat.as_str()));
        }
    }
}

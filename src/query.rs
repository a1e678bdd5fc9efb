//! `application/x-www-form-urlencoded` (WHATWG URL §5): the query strings of authorize
//! URLs and callbacks, and token request bodies (RFC 6749 §4.1.3, Appendix B).
//!
//! Forty lines instead of `form_urlencoded` and `percent-encoding` (about 3.5 KB of wasm
//! with their 768-byte table and lossy UTF-8 decoding; docs/decisions.md#dependencies). One
//! difference by design: a name or value that does not decode to UTF-8 is refused (`None`)
//! rather than patched with U+FFFD, so nothing unreadable is ever compared or passed on.
//! The tests hold both directions to the `form_urlencoded` crate.

use crate::ascii::{hex_digit, hex_value, split_at_str};

/// Appends `name=value`, `&`-separated from what `out` already holds.
pub fn append_pair(out: &mut String, name: &str, value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    encode(out, name);
    out.push('=');
    encode(out, value);
}

/// The urlencoded byte serializer: ASCII alphanumerics and `*-._` stay, a space becomes
/// `+`, every other byte `%XX`.
fn encode(out: &mut String, s: &str) {
    for b in s.bytes() {
        match b {
            b' ' => out.push('+'),
            b'*' | b'-' | b'.' | b'_' => out.push(char::from(b)),
            b if b.is_ascii_alphanumeric() => out.push(char::from(b)),
            b => push_percent_encoded(out, b),
        }
    }
}

/// Appends `b` as `%XX` (uppercase hex).
pub(crate) fn push_percent_encoded(out: &mut String, b: u8) {
    out.push('%');
    out.push(hex_digit(b >> 4).to_ascii_uppercase());
    out.push(hex_digit(b).to_ascii_uppercase());
}

/// The `&`-separated parts of a query as written, empty ones skipped.
pub(crate) fn parts(query: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(query);
    std::iter::from_fn(move || loop {
        let part = match split_at_str(rest?, "&") {
            Some((part, after)) => {
                rest = Some(after);
                part
            }
            None => rest.take()?,
        };
        if !part.is_empty() {
            return Some(part);
        }
    })
}

/// The `name=value` pairs of a query, still encoded; empty pairs skipped, a pair without
/// `=` has an empty value.
pub fn raw_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    parts(query).map(|p| split_at_str(p, "=").unwrap_or((p, "")))
}

/// Percent-decodes `s` (`+` as a space when `plus_as_space`); a `%` not followed by two hex
/// digits stays as it is. `None` when the result is not UTF-8.
pub fn decode(s: &str, plus_as_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |at: usize| bytes.get(at).copied().and_then(hex_value);
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
            (b'+', _, _) if plus_as_space => out.push(b' '),
            (b, _, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Why [`named_values`] refused a query.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// A name or value is not UTF-8.
    NotUtf8,
    /// A name not asked for (only when `strict`).
    Unknown,
    /// This name appears more than once.
    Repeated(String),
}

/// The decoded values of `names` in a query, into `values` (in the same order), each name
/// at most once. Other names are skipped, or refused when `strict`. A query that is not
/// UTF-8 anywhere is refused as such; otherwise the first other problem is reported.
pub(crate) fn named_values(
    query: &str,
    names: &[&str],
    values: &mut [Option<String>],
    strict: bool,
) -> Result<(), Refused> {
    let mut refused = None;
    for (name, value) in raw_pairs(query) {
        let (Some(name), Some(value)) = (decode(name, true), decode(value, true)) else {
            return Err(Refused::NotUtf8);
        };
        if refused.is_some() {
            continue;
        }
        match names.iter().position(|n| *n == name).and_then(|i| values.get_mut(i)) {
            Some(slot) if slot.is_some() => refused = Some(Refused::Repeated(name)),
            Some(slot) => *slot = Some(value),
            None if strict => refused = Some(Refused::Unknown),
            None => {}
        }
    }
    refused.map_or(Ok(()), Err)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every pair of a query, decoded the way the readers decode them (what
    /// `form_urlencoded::parse` returns); `None` when a name or value is not UTF-8.
    fn pairs(query: &str) -> Option<Vec<(String, String)>> {
        raw_pairs(query).map(|(n, v)| Some((decode(n, true)?, decode(v, true)?))).collect()
    }

    #[test]
    fn known_forms() {
        let mut q = String::new();
        append_pair(&mut q, "a b", "c&d=e+f/é*~");
        append_pair(&mut q, "x", "");
        assert_eq!(q, "a+b=c%26d%3De%2Bf%2F%C3%A9*%7E&x=");
        assert_eq!(
            pairs("a=1&&b&c=%zz&d=%41+%2B").unwrap(),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "".into()),
                ("c".into(), "%zz".into()),
                ("d".into(), "A +".into()),
            ]
        );
        assert_eq!(pairs("a=%FF"), None);
        assert_eq!(decode("/a+b%20c", false).as_deref(), Some("/a+b c"));
    }

    #[test]
    fn named_values_refuse_in_a_fixed_order() {
        let names = ["a", "b"];
        let read = |q: &str, strict: bool| {
            let mut values: [Option<String>; 2] = Default::default();
            named_values(q, &names, &mut values, strict).map(|()| values)
        };
        assert_eq!(read("b=%41&x=1&&a", false), Ok([Some(String::new()), Some("A".into())]));
        assert_eq!(read("x=1", false), Ok([None, None]));
        assert_eq!(read("x=1", true), Err(Refused::Unknown));
        assert_eq!(read("a=1&b=2&a=3&b=4", false), Err(Refused::Repeated("a".into())));
        assert_eq!(read("x=1&a=1&a=2", true), Err(Refused::Unknown));
        // Not UTF-8 anywhere wins over an earlier problem.
        assert_eq!(read("a=1&a=2&x=%FF", false), Err(Refused::NotUtf8));
        assert_eq!(read("x=1&%FF", true), Err(Refused::NotUtf8));
    }

    proptest! {
        #[test]
        fn serializes_like_form_urlencoded(name in ".{0,12}", value in ".{0,24}") {
            let mut ours = String::from("k=v");
            append_pair(&mut ours, &name, &value);
            let theirs = form_urlencoded::Serializer::for_suffix(String::from("k=v"), 0)
                .append_pair(&name, &value).finish();
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn parses_like_form_urlencoded_where_it_is_utf8(q in "[a-z%0-9A-F=&+é]{0,30}") {
            let theirs: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes()).into_owned().collect();
            match pairs(&q) {
                Some(ours) => prop_assert_eq!(ours, theirs),
                None => {
                    let lossy = theirs.iter().any(|(k, v)| k.contains(char::REPLACEMENT_CHARACTER) || v.contains(char::REPLACEMENT_CHARACTER));
                    prop_assert!(lossy);
                }
            }
        }
    }
}

//! A deliberately strict parser for absolute `http:` / `https:` URLs (RFC 3986 §3, with
//! the WHATWG URL Standard's host and origin rules).
//!
//! It fails closed: anything a browser might read differently (backslashes, whitespace,
//! control or non-ASCII characters, percent-encoded or empty hosts, shorthand IPv4 such as
//! `127.1`, an empty port) is rejected, so the host this crate checks is the host the
//! browser will load. [`HttpUrl::origin`] serialises exactly as `location.origin` does.

use crate::ascii::{decimal, hex_value, push_decimal, push_hex, split_at_str};
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// `http` or `https`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// `http:`
    Http,
    /// `https:`
    Https,
}

impl Scheme {
    /// The scheme name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    /// 80 or 443.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// A host, normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// An ASCII domain, lowercased.
    Domain(String),
    /// A dotted-quad IPv4 address.
    Ipv4(Ipv4Addr),
    /// A bracketed IPv6 address.
    Ipv6(Ipv6Addr),
}

/// Why a URL was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// Whitespace, control, non-ASCII or backslash characters.
    BadCharacter,
    /// Not `http://` or `https://`.
    Scheme,
    /// The host is empty or not a plain ASCII name or canonical IP address.
    Host,
    /// The port is empty, not a number or too large.
    Port,
}

impl UrlError {
    /// A human-readable reason.
    pub fn detail(&self) -> &'static str {
        match self {
            UrlError::BadCharacter => "URL has whitespace, a control, non-ASCII or \\ character",
            UrlError::Scheme => "URL must start with http:// or https://",
            UrlError::Host => "URL host is not a plain name or canonical IP",
            UrlError::Port => "URL port is not 0 to 65535",
        }
    }
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.detail())
    }
}

impl std::error::Error for UrlError {}

/// An absolute http(s) URL, split into its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpUrl {
    href: String,
    scheme: Scheme,
    userinfo: bool,
    host: Host,
    port: Option<u16>,
    path: String,
    query: Option<String>,
    fragment: Option<String>,
}

impl HttpUrl {
    /// Parses `s`, failing closed (see the module docs).
    pub fn parse(s: &str) -> Result<HttpUrl, UrlError> {
        if !s.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'\\') {
            return Err(UrlError::BadCharacter);
        }
        let (scheme, rest) = split_at_str(s, "://").ok_or(UrlError::Scheme)?;
        let scheme = if scheme.eq_ignore_ascii_case("http") {
            Scheme::Http
        } else if scheme.eq_ignore_ascii_case("https") {
            Scheme::Https
        } else {
            return Err(UrlError::Scheme);
        };
        // Byte positions rather than std's char searchers, which would add their code to
        // the wasm. The input is ASCII, so every byte position is a char boundary.
        let end = rest.bytes().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let (userinfo, host_port) = match authority.bytes().rposition(|b| b == b'@') {
            Some(at) => (true, &authority[at + 1..]),
            None => (false, authority),
        };
        let (host, port) = parse_host_port(host_port)?;
        let (before_fragment, fragment) = match split_at_str(tail, "#") {
            Some((b, f)) => (b, Some(f.to_owned())),
            None => (tail, None),
        };
        let (path, query) = match split_at_str(before_fragment, "?") {
            Some((p, q)) => (p, Some(q.to_owned())),
            None => (before_fragment, None),
        };
        let path = if path.is_empty() { "/" } else { path }.to_owned();
        Ok(HttpUrl { href: s.to_owned(), scheme, userinfo, host, port, path, query, fragment })
    }

    /// The URL exactly as it was given.
    pub fn as_str(&self) -> &str {
        &self.href
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Whether the URL has a `user:pass@` part.
    pub fn has_userinfo(&self) -> bool {
        self.userinfo
    }

    /// The host.
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// The host as serialised in an origin (IPv6 in brackets).
    pub fn host_str(&self) -> String {
        let mut out = String::new();
        self.push_host(&mut out);
        out
    }

    /// Appends [`HttpUrl::host_str`] to `out`.
    fn push_host(&self, out: &mut String) {
        match &self.host {
            Host::Domain(d) => out.push_str(d),
            Host::Ipv4(a) => {
                for (i, octet) in a.octets().into_iter().enumerate() {
                    if i > 0 {
                        out.push('.');
                    }
                    push_decimal(out, u64::from(octet));
                }
            }
            Host::Ipv6(a) => {
                out.push('[');
                serialize_ipv6(out, a);
                out.push(']');
            }
        }
    }

    /// The port written in the URL, if any (even the default one).
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The port the browser connects to.
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or(self.scheme.default_port())
    }

    /// The path (`/` when empty).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The fragment, without `#` (`Some("")` for a bare `#`).
    pub fn fragment(&self) -> Option<&str> {
        self.fragment.as_deref()
    }

    /// `scheme://host[:port]`, default port omitted, as browsers serialise origins.
    pub fn origin(&self) -> String {
        let mut out = String::from(self.scheme.as_str());
        out.push_str("://");
        self.push_host(&mut out);
        let port = self.effective_port();
        if port != self.scheme.default_port() {
            out.push(':');
            push_decimal(&mut out, u64::from(port));
        }
        out
    }

    /// `localhost`, `127.0.0.0/8` or `[::1]`.
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.host)
    }
}

/// Whether a host is a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`).
pub fn is_loopback_host(host: &Host) -> bool {
    match host {
        Host::Domain(d) => d == "localhost",
        Host::Ipv4(a) => a.is_loopback(),
        Host::Ipv6(a) => a.is_loopback(),
    }
}

fn parse_host_port(s: &str) -> Result<(Host, Option<u16>), UrlError> {
    let (host, port) = if let Some(inner) = s.strip_prefix('[') {
        let (addr, after) = split_at_str(inner, "]").ok_or(UrlError::Host)?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or(UrlError::Host)?),
        };
        (Host::Ipv6(parse_ipv6(addr)?), port)
    } else {
        let (h, port) = match split_at_str(s, ":") {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        };
        (parse_name(h)?, port)
    };
    let port = match port {
        None => None,
        Some(p) => Some(decimal(p.as_bytes(), 5).and_then(|n| u16::try_from(n).ok()).ok_or(UrlError::Port)?),
    };
    Ok((host, port))
}

/// RFC 4291 §2.2 text form, pieces of 1 to 4 hex digits and at most one `::`. Dotted
/// tails, zone ids and IPv4-mapped addresses serialise differently across parsers (and
/// map onto IPv4 hosts): they are refused.
fn parse_ipv6(s: &str) -> Result<Ipv6Addr, UrlError> {
    // The pieces of one side of `::` into `out`; how many, or `None` when one is malformed.
    let pieces = |part: &str, out: &mut [u16; 8]| -> Option<usize> {
        if part.is_empty() {
            return Some(0);
        }
        let mut n = 0;
        for p in part.as_bytes().split(|b| *b == b':') {
            if !(1..=4).contains(&p.len()) {
                return None;
            }
            let piece = p.iter().try_fold(0, |v, b| Some(v * 16 + u16::from(hex_value(*b)?)))?;
            *out.get_mut(n)? = piece;
            n += 1;
        }
        Some(n)
    };
    let (head, tail, compressed) = match split_at_str(s, "::") {
        Some((h, t)) => (h, t, true),
        None => (s, "", false),
    };
    let (mut all, mut tail_pieces) = ([0u16; 8], [0u16; 8]);
    let (Some(head_len), Some(tail_len)) = (pieces(head, &mut all), pieces(tail, &mut tail_pieces)) else {
        return Err(UrlError::Host);
    };
    let given = head_len + tail_len;
    if (compressed && given > 7) || (!compressed && given != 8) {
        return Err(UrlError::Host);
    }
    for (slot, piece) in all.iter_mut().rev().zip(tail_pieces[..tail_len].iter().rev()) {
        *slot = *piece;
    }
    let addr = Ipv6Addr::from(all);
    if addr.to_ipv4_mapped().is_some() {
        return Err(UrlError::Host);
    }
    Ok(addr)
}

/// WHATWG URL §3.7 IPv6 serializer: lowercase hex, no leading zeros, the first longest
/// run of two or more zero pieces compressed to `::`.
fn serialize_ipv6(out: &mut String, addr: &Ipv6Addr) {
    let pieces = addr.segments();
    let (mut best_start, mut best_len, mut run) = (0, 0, 0);
    for (i, piece) in pieces.iter().enumerate() {
        run = if *piece == 0 { run + 1 } else { 0 };
        if run > best_len {
            (best_start, best_len) = (i + 1 - run, run);
        }
    }
    let hex = |out: &mut String, ps: &[u16]| {
        for (i, p) in ps.iter().enumerate() {
            if i > 0 {
                out.push(':');
            }
            push_hex(out, u64::from(*p));
        }
    };
    if best_len < 2 {
        return hex(out, &pieces);
    }
    hex(out, &pieces[..best_start]);
    out.push_str("::");
    hex(out, &pieces[best_start + best_len..]);
}

fn parse_name(h: &str) -> Result<Host, UrlError> {
    if h.is_empty() || h.len() > 253 {
        return Err(UrlError::Host);
    }
    if !h.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')) {
        return Err(UrlError::Host);
    }
    let labels = || h.as_bytes().split(|b| *b == b'.');
    if labels().any(|l| l.is_empty() || l.len() > 63) {
        return Err(UrlError::Host);
    }
    // WHATWG treats a host whose last label is numeric (or 0x…) as IPv4: accept only the
    // canonical dotted quad.
    let last = labels().next_back().unwrap_or_default();
    let numeric = last.iter().all(u8::is_ascii_digit) || matches!(last, [b'0', b'x' | b'X', ..]);
    if numeric {
        let mut octets = [0u8; 4];
        let mut n = 0;
        for label in labels() {
            let canonical = label.len() == 1 || label.first() != Some(&b'0');
            let octet = decimal(label, 3).and_then(|v| u8::try_from(v).ok()).filter(|_| canonical);
            *octets.get_mut(n).ok_or(UrlError::Host)? = octet.ok_or(UrlError::Host)?;
            n += 1;
        }
        if n != 4 {
            return Err(UrlError::Host);
        }
        return Ok(Host::Ipv4(Ipv4Addr::from(octets)));
    }
    Ok(Host::Domain(h.to_ascii_lowercase()))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn origin(s: &str) -> Result<String, UrlError> {
        HttpUrl::parse(s).map(|u| u.origin())
    }

    #[test]
    fn origins_serialise_like_browsers() {
        assert_eq!(origin("https://example.com:443").unwrap(), "https://example.com");
        assert_eq!(origin("https://Example.COM/a?b#c").unwrap(), "https://example.com");
        assert_eq!(origin("HTTP://LOCALHOST:8080/x").unwrap(), "http://localhost:8080");
        assert_eq!(origin("http://127.0.0.1:80/").unwrap(), "http://127.0.0.1");
        assert_eq!(origin("https://[::1]:443/").unwrap(), "https://[::1]");
        assert_eq!(origin("http://[0:0:0:0:0:0:0:1]:8080").unwrap(), "http://[::1]:8080");
        assert_eq!(origin("http://[2001:DB8::1]").unwrap(), "http://[2001:db8::1]");
        assert_eq!(origin("http://[::]").unwrap(), "http://[::]");
        assert_eq!(origin("http://[1:0:0:2:0:0:0:3]").unwrap(), "http://[1:0:0:2::3]");
        assert_eq!(origin("http://[1:0:0:2:0:0:3:4]").unwrap(), "http://[1::2:0:0:3:4]");
        assert_eq!(origin("http://[1:0:2:3:4:5:6:7]").unwrap(), "http://[1:0:2:3:4:5:6:7]");
        assert_eq!(origin("http://[0001:00a0::]").unwrap(), "http://[1:a0::]");
        // IPv4-compatible (not mapped) stays hex, as in WHATWG (std would print it dotted
        // in some versions).
        assert_eq!(origin("http://[::7f00:1]").unwrap(), "http://[::7f00:1]");
        assert_eq!(origin("HtTpS://a.example:08443").unwrap(), "https://a.example:8443");
        assert_eq!(origin("http://a.example:443").unwrap(), "http://a.example:443");
        assert_eq!(origin("https://a.example:80").unwrap(), "https://a.example:80");
    }

    #[test]
    fn ports() {
        let u = HttpUrl::parse("https://example.com:443").unwrap();
        assert_eq!((u.port(), u.effective_port()), (Some(443), 443));
        let u = HttpUrl::parse("http://example.com/").unwrap();
        assert_eq!((u.port(), u.effective_port(), u.scheme()), (None, 80, Scheme::Http));
        assert_eq!(HttpUrl::parse("http://a.com:65535").unwrap().port(), Some(65535));
        assert_eq!(HttpUrl::parse("http://a.com:0").unwrap().port(), Some(0));
    }

    #[test]
    fn parts() {
        let u = HttpUrl::parse("https://user:pw@a.example:8443/p/q?x=1&y#frag").unwrap();
        assert!(u.has_userinfo());
        assert_eq!(u.host(), &Host::Domain("a.example".into()));
        assert_eq!(u.port(), Some(8443));
        assert_eq!((u.path(), u.query(), u.fragment()), ("/p/q", Some("x=1&y"), Some("frag")));
        let bare = HttpUrl::parse("https://a.example#").unwrap();
        assert_eq!((bare.path(), bare.fragment()), ("/", Some("")));
    }

    #[test]
    fn tricky_inputs_are_refused_or_read_like_a_browser() {
        assert_eq!(HttpUrl::parse("https://a.com\\@b.com"), Err(UrlError::BadCharacter));
        let at = HttpUrl::parse("https://a.com@b.com").unwrap();
        assert!(at.has_userinfo());
        assert_eq!(at.host_str(), "b.com");
        assert_eq!(at.origin(), "https://b.com");
        // WHATWG takes the last `@` as the userinfo delimiter.
        let two = HttpUrl::parse("https://a@b.com@c.com/x").unwrap();
        assert_eq!((two.host_str().as_str(), two.path()), ("c.com", "/x"));
        // `@` after the authority is path/query, not userinfo.
        let enc = HttpUrl::parse("https://a.com%2F@b.com").unwrap();
        assert!(enc.has_userinfo() && enc.host_str() == "b.com");
        let later = HttpUrl::parse("https://a.com/p?x=u@b.com").unwrap();
        assert!(!later.has_userinfo());
        assert_eq!(later.host_str(), "a.com");
        for bad in [
            "https:/\\evil.com",
            "https:evil.com",
            "//evil.com",
            "https:/evil.com",
            "javascript:alert(1)",
            "ftp://a.com",
            "https://a.com/\tx",
            "https://a .com",
            "https://a.com\n",
            "https://é.com",
            "https://",
            "https://:443",
            "https://a.com:",
            "https://a.com:65536",
            "https://a.com:8o",
            "https://127.1",
            "https://0x7f.0.0.1",
            "https://127.000.0.1",
            "https://1.2.3.4.5",
            "https://256.1.1.1",
            "https://a%2ecom",
            "https://[::1",
            "https://[::ffff:127.0.0.1]",
            "https://[fe80::1%25eth0]",
            "https://a..com",
            "https://a.com.",
            "https://[::1]x",
            "https://a.com:-1",
            "https://123",
            "https://a.c\tom",
            "\thttps://a.com",
            " https://a.com",
            "https://a.com/x\r\ny",
            "https://a.com/\u{7f}",
            "https://a.com/caf\u{e9}",
            "https://xn--a.com\u{ff0e}evil.com",
            "https:///evil.com",
            "https:\\\\evil.com",
            "https:/\\evil.com",
            "HTTPS:evil.com",
            "https//evil.com",
            "https://[::ffff:7f00:1]",
            "https://[::FFFF:0:1]",
            "https://[fe80::1%eth0]",
            "https://[::1]:",
            "https://[::1]:99999",
            "https://[1:2:3:4:5:6:7:8:9]",
            "https://a.com:+1",
            "https://a.com: 1",
            "https://a.com:1:2",
            "https://0x7f000001",
            "https://2130706433",
            "https://0177.0.0.1",
            "https://127.0.0.01",
            "https://127.0.0.1.",
            "https://1.2.3.0x4",
            "https://a.0x1",
            "https://a%40b.com",
            "https://%61.com",
        ] {
            assert!(HttpUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn loopback_hosts() {
        for lo in ["http://localhost", "http://127.0.0.1:1", "http://127.9.8.7", "http://[::1]:9"] {
            assert!(HttpUrl::parse(lo).unwrap().is_loopback(), "{lo}");
        }
        for not in ["http://localhost.evil.com", "http://128.0.0.1", "http://[::2]", "http://evil-localhost"] {
            assert!(!HttpUrl::parse(not).unwrap().is_loopback(), "{not}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in ".*") {
            let _ = HttpUrl::parse(&s).map(|u| u.origin());
        }

        #[test]
        fn accepted_hosts_round_trip(s in "(https?://)?[a-zA-Z0-9@:.\\[\\]%/?#-]{0,30}") {
            if let Ok(u) = HttpUrl::parse(&s) {
                // The origin re-parses to itself: what we report is stable.
                let again = HttpUrl::parse(&u.origin()).unwrap();
                prop_assert_eq!(again.origin(), u.origin());
                prop_assert_eq!(again.host(), u.host());
            }
        }

        #[test]
        fn ipv6_serialisation_round_trips(segs in proptest::array::uniform8(prop_oneof![Just(0u16), Just(1u16), any::<u16>()])) {
            let addr = Ipv6Addr::from(segs);
            let mut text = String::new();
            serialize_ipv6(&mut text, &addr);
            // std's serialiser is the reference (it follows RFC 5952, as WHATWG does) except
            // for IPv4-mapped/compatible forms, which we never produce.
            if addr.to_ipv4_mapped().is_none() && !(segs[..6].iter().all(|s| *s == 0) && segs[6] != 0) {
                prop_assert_eq!(&text, &addr.to_string());
            }
            prop_assert_eq!(text.parse::<Ipv6Addr>().unwrap(), addr);
            prop_assert!(!text.contains(":::"));
            // Our own parser reads it back (IPv4-mapped addresses are refused by design).
            if addr.to_ipv4_mapped().is_none() {
                prop_assert_eq!(parse_ipv6(&text), Ok(addr));
            }
        }

        #[test]
        fn ipv6_parser_agrees_with_std(s in "[0-9a-fA-F:]{0,40}") {
            let ours = parse_ipv6(&s).ok();
            let std = s.parse::<Ipv6Addr>().ok().filter(|a| a.to_ipv4_mapped().is_none());
            prop_assert_eq!(ours, std);
        }

        #[test]
        fn ipv4_hosts_agree_with_std(a in 0u16..300, b in 0u16..300, c in 0u16..300, d in 0u16..300) {
            let text = format!("{a}.{b}.{c}.{d}");
            let ours = HttpUrl::parse(&format!("http://{text}/")).ok().map(|u| u.host().clone());
            let std = text.parse::<std::net::Ipv4Addr>().ok().map(Host::Ipv4);
            prop_assert_eq!(ours.clone(), std);
            if let Some(Host::Ipv4(addr)) = ours {
                prop_assert_eq!(HttpUrl::parse(&format!("http://{text}/")).unwrap().host_str(), addr.to_string());
            }
        }

        #[test]
        fn never_panics_on_url_like_input(s in "(https?://)?[a-z0-9@:.\\[\\]%/?#-]{0,30}") {
            let _ = HttpUrl::parse(&s).map(|u| u.origin());
        }
    }
}

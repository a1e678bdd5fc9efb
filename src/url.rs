//! A deliberately strict parser for absolute `http:` / `https:` URLs (RFC 3986 §3, with
//! the WHATWG URL Standard's host and origin rules).
//!
//! It fails closed: anything a browser might read differently (backslashes, whitespace,
//! control or non-ASCII characters, percent-encoded or empty hosts, shorthand IPv4 such as
//! `127.1`, an empty port) is rejected, so the host this crate checks is the host the
//! browser will load. [`HttpUrl::origin`] serialises exactly as `location.origin` does.

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
            UrlError::BadCharacter => "URL contains whitespace, control, non-ASCII or backslash characters",
            UrlError::Scheme => "URL must start with http:// or https://",
            UrlError::Host => "URL host must be a plain ASCII name or a canonical IP address",
            UrlError::Port => "URL port must be a number from 0 to 65535",
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
        let (scheme, rest) = s.split_once("://").ok_or(UrlError::Scheme)?;
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            _ => return Err(UrlError::Scheme),
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let (userinfo, host_port) = match authority.rfind('@') {
            Some(at) => (true, &authority[at + 1..]),
            None => (false, authority),
        };
        let (host, port) = parse_host_port(host_port)?;
        let (before_fragment, fragment) = match tail.split_once('#') {
            Some((b, f)) => (b, Some(f.to_owned())),
            None => (tail, None),
        };
        let (path, query) = match before_fragment.split_once('?') {
            Some((p, q)) => (p, Some(q.to_owned())),
            None => (before_fragment, None),
        };
        let path = if path.is_empty() { "/".to_owned() } else { path.to_owned() };
        Ok(HttpUrl { scheme, userinfo, host, port, path, query, fragment })
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
        match &self.host {
            Host::Domain(d) => d.clone(),
            Host::Ipv4(a) => a.to_string(),
            Host::Ipv6(a) => format!("[{}]", serialize_ipv6(a)),
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
        let port = self.effective_port();
        if port == self.scheme.default_port() {
            format!("{}://{}", self.scheme.as_str(), self.host_str())
        } else {
            format!("{}://{}:{port}", self.scheme.as_str(), self.host_str())
        }
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
        let (addr, after) = inner.split_once(']').ok_or(UrlError::Host)?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or(UrlError::Host)?),
        };
        (Host::Ipv6(parse_ipv6(addr)?), port)
    } else {
        let (h, port) = match s.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        };
        (parse_name(h)?, port)
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().map_err(|_| UrlError::Port)?)
        }
        Some(_) => return Err(UrlError::Port),
    };
    Ok((host, port))
}

fn parse_ipv6(s: &str) -> Result<Ipv6Addr, UrlError> {
    // Dotted tails, zone ids and IPv4-mapped addresses serialise differently across
    // parsers (and map onto IPv4 hosts): refuse them.
    if s.contains(['.', '%']) {
        return Err(UrlError::Host);
    }
    let addr = s.parse::<Ipv6Addr>().map_err(|_| UrlError::Host)?;
    if addr.to_ipv4_mapped().is_some() {
        return Err(UrlError::Host);
    }
    Ok(addr)
}

/// WHATWG URL §3.7 IPv6 serializer: lowercase hex, no leading zeros, the first longest
/// run of two or more zero pieces compressed to `::`.
fn serialize_ipv6(addr: &Ipv6Addr) -> String {
    let pieces = addr.segments();
    let (mut best_start, mut best_len) = (0, 0);
    let mut i = 0;
    while i < 8 {
        if pieces[i] == 0 {
            let start = i;
            while i < 8 && pieces[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                (best_start, best_len) = (start, i - start);
            }
        } else {
            i += 1;
        }
    }
    let hex = |ps: &[u16]| ps.iter().map(|p| format!("{p:x}")).collect::<Vec<_>>().join(":");
    if best_len < 2 {
        return hex(&pieces);
    }
    format!("{}::{}", hex(&pieces[..best_start]), hex(&pieces[best_start + best_len..]))
}

fn parse_name(h: &str) -> Result<Host, UrlError> {
    let h = h.to_ascii_lowercase();
    if h.is_empty() || h.len() > 253 {
        return Err(UrlError::Host);
    }
    if !h.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')) {
        return Err(UrlError::Host);
    }
    let labels: Vec<&str> = h.split('.').collect();
    if labels.iter().any(|l| l.is_empty() || l.len() > 63) {
        return Err(UrlError::Host);
    }
    // WHATWG treats a host whose last label is numeric (or 0x…) as IPv4: accept only the
    // canonical dotted quad.
    let last = labels.last().copied().unwrap_or("");
    let numeric = last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x");
    if numeric {
        if labels.len() != 4 || labels.iter().any(|l| l.len() > 1 && l.starts_with('0')) {
            return Err(UrlError::Host);
        }
        return h.parse::<Ipv4Addr>().map(Host::Ipv4).map_err(|_| UrlError::Host);
    }
    Ok(Host::Domain(h))
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
            let text = serialize_ipv6(&addr);
            prop_assert_eq!(text.parse::<Ipv6Addr>().unwrap(), addr);
            prop_assert!(!text.contains(":::"));
        }

        #[test]
        fn never_panics_on_url_like_input(s in "(https?://)?[a-z0-9@:.\\[\\]%/?#-]{0,30}") {
            let _ = HttpUrl::parse(&s).map(|u| u.origin());
        }
    }
}

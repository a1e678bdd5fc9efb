//! Input checks that fail closed: the Vendo base URL and provider slug and the `returnTo`
//! path (docs/flows.md#connect), Vocobase's `redirect_uri` rules (docs/security.md#redirect-uris, docs/flows.md#helpers), and endpoints.

use crate::error::ConnectError;
use crate::url::{HttpUrl, Scheme};

/// Which `redirect_uri` rule failed: the sub-cases of Vocobase's `INVALID_REDIRECT_URI`
/// (docs/errors.md#redirect-uri-rule-codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectUriRule {
    /// Not a URL this crate can read unambiguously.
    InvalidUrl,
    /// Not `https:` (and not loopback `http:`).
    NotHttps,
    /// Contains `@` / userinfo.
    Userinfo,
    /// Contains a fragment, even an empty `#`.
    Fragment,
    /// Uses a port other than 443.
    NonDefaultPort,
    /// The host is not exactly one of the allowed hosts.
    HostNotAllowed,
}

impl RedirectUriRule {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            RedirectUriRule::InvalidUrl => "invalid_url",
            RedirectUriRule::NotHttps => "not_https",
            RedirectUriRule::Userinfo => "userinfo",
            RedirectUriRule::Fragment => "fragment",
            RedirectUriRule::NonDefaultPort => "non_default_port",
            RedirectUriRule::HostNotAllowed => "host_not_allowed",
        }
    }

    /// Which rule, in words.
    pub fn message(&self) -> &'static str {
        match self {
            RedirectUriRule::InvalidUrl => "redirect_uri is not a valid absolute URL",
            RedirectUriRule::NotHttps => "redirect_uri must use https://",
            RedirectUriRule::Userinfo => "redirect_uri must not contain @ or userinfo",
            RedirectUriRule::Fragment => "redirect_uri must not contain a fragment",
            RedirectUriRule::NonDefaultPort => "redirect_uri must use the default port (443)",
            RedirectUriRule::HostNotAllowed => "redirect_uri host is not in the allowed hosts",
        }
    }
}

/// The connect-link redirect rules (docs/flows.md#connect-link): https only, no userinfo (`@`), no fragment, the default
/// port, and the host exactly one of `allowed_hosts` (ASCII case-insensitive). On a
/// loopback host `http:` and any port are allowed too (RFC 8252 §7.3).
pub fn validate_redirect_uri(uri: &str, allowed_hosts: &[String]) -> Result<HttpUrl, RedirectUriRule> {
    let url = HttpUrl::parse(uri).map_err(|_| RedirectUriRule::InvalidUrl)?;
    let loopback = url.is_loopback();
    if url.scheme() != Scheme::Https && !loopback {
        return Err(RedirectUriRule::NotHttps);
    }
    if url.has_userinfo() || uri.bytes().any(|b| b == b'@') {
        return Err(RedirectUriRule::Userinfo);
    }
    if url.fragment().is_some() {
        return Err(RedirectUriRule::Fragment);
    }
    if !loopback && url.effective_port() != 443 {
        return Err(RedirectUriRule::NonDefaultPort);
    }
    let host = url.host_str();
    // An IPv6 entry may be written with or without brackets; otherwise exact.
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(&host);
    if !allowed_hosts.iter().any(|h| h.eq_ignore_ascii_case(&host) || h.eq_ignore_ascii_case(bare)) {
        return Err(RedirectUriRule::HostNotAllowed);
    }
    Ok(url)
}

/// Starts with one `/` (so it has no scheme and no authority), and holds no `\\`,
/// control characters or whitespace other than a (decoded) space.
fn is_safe_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.bytes().any(|b| b == b'\\')
        && !p.chars().any(|c| c.is_control() || (c.is_whitespace() && c != ' '))
}

/// docs/flows.md#connect `returnTo`: a same-origin path. It starts with `/`, not `//`, has no `\`, no
/// scheme, no control characters or whitespace — also after percent-decoding, repeated
/// until stable (so `%252F` cannot hide a `/`; more than 8 layers is refused). At most
/// 2048 bytes. A raw space is refused; an encoded one (`%20`, as in `/search?q=a%20b`) is fine.
pub fn validate_return_to(path: &str) -> Result<(), ConnectError> {
    if path.len() > 2048 {
        return Err(ConnectError::invalid_options("return_to is over 2048 characters"));
    }
    if path.bytes().any(|b| b == b' ') || !safe_when_decoded(path) {
        return Err(ConnectError::invalid_options("return_to must be a same-origin path like /settings"));
    }
    Ok(())
}

/// [`is_safe_path`] at every layer of percent-decoding, until the text stops changing
/// (within 8 layers).
fn safe_when_decoded(path: &str) -> bool {
    let mut current = path.to_owned();
    for _ in 0..8 {
        if !is_safe_path(&current) {
            return false;
        }
        // A path that does not decode to UTF-8 is refused, not patched (fail closed).
        match crate::query::decode(&current, false) {
            Some(decoded) if decoded == current => return true,
            Some(decoded) => current = decoded,
            None => return false,
        }
    }
    false
}

/// The path when it is a valid `returnTo` (a same-origin path: docs/options.md#connect), else
/// `None`.
pub fn sanitize_return_to(path: &str) -> Option<String> {
    validate_return_to(path).ok().map(|_| path.to_owned())
}

/// A validated Vendo base URL (docs/flows.md#connect).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    url: HttpUrl,
    prefix: String,
}

impl BaseUrl {
    /// Its origin, compared exactly with `event.origin`.
    pub fn origin(&self) -> String {
        self.url.origin()
    }

    /// The base URL with `path` (starting with `/`) appended to its path prefix.
    pub fn join(&self, path: &str) -> String {
        let mut url = self.origin();
        url.push_str(&self.prefix);
        url.push_str(path);
        url
    }
}

/// `https:`, or `http:` on a loopback host; no userinfo, query or fragment. A path prefix
/// is kept, without trailing slashes.
pub fn validate_base_url(s: &str) -> Result<BaseUrl, ConnectError> {
    let url = HttpUrl::parse(s).map_err(|e| ConnectError::invalid_options(["base_url: ", e.detail()].concat()))?;
    if url.scheme() != Scheme::Https && !url.is_loopback() {
        return Err(ConnectError::invalid_options("base_url must be https: (http: on loopback only)"));
    }
    if url.has_userinfo() || url.query().is_some() || url.fragment().is_some() {
        return Err(ConnectError::invalid_options("base_url must not have credentials, query or fragment"));
    }
    let mut prefix = url.path();
    while let Some(shorter) = prefix.strip_suffix('/') {
        prefix = shorter;
    }
    let prefix = prefix.to_owned();
    Ok(BaseUrl { url, prefix })
}

/// A catalog slug: `[a-z0-9][a-z0-9_-]{0,63}` (docs/flows.md#connect).
pub fn validate_provider_slug(s: &str) -> Result<(), ConnectError> {
    let b = s.as_bytes();
    let ok = (1..=64).contains(&b.len())
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_' || *c == b'-');
    if ok {
        Ok(())
    } else {
        Err(ConnectError::invalid_options("provider must match [a-z0-9][a-z0-9_-]{0,63}"))
    }
}

/// An OAuth endpoint (authorization, token, revocation) or a hosted link: `https:` or
/// loopback `http:`, no userinfo, no fragment; a query is allowed.
pub fn validate_endpoint(s: &str, what: &str) -> Result<HttpUrl, ConnectError> {
    let url = HttpUrl::parse(s).map_err(|e| ConnectError::invalid_options([what, ": ", e.detail()].concat()))?;
    if url.scheme() != Scheme::Https && !url.is_loopback() {
        return Err(ConnectError::must_be(what, "https: (http: on loopback only)"));
    }
    if url.has_userinfo() || url.fragment().is_some() {
        return Err(ConnectError::invalid_options([what, " must not have credentials or a fragment"].concat()));
    }
    Ok(url)
}

/// Every option whose Rust name (`snake_case`) differs from its JS name (`camelCase`):
/// error details name the Rust field, and the JS skin shows them with the JS name
/// (docs/options.md). A test holds the JS names to `index.d.ts`.
pub const OPTION_NAMES: &[(&str, &str)] = &[
    ("base_url", "baseUrl"),
    ("app_key", "appKey"),
    ("return_to", "returnTo"),
    ("authorization_endpoint", "authorizationEndpoint"),
    ("client_id", "clientId"),
    ("redirect_uri", "redirectUri"),
    ("extra_params", "extraParams"),
    ("timeout_ms", "timeoutMs"),
    ("closed_grace_ms", "closedGraceMs"),
    ("token_endpoint", "tokenEndpoint"),
    ("revocation_endpoint", "revocationEndpoint"),
    ("code_verifier", "codeVerifier"),
    ("refresh_token", "refreshToken"),
    ("body_encoding", "bodyEncoding"),
    ("opener_origin", "openerOrigin"),
    ("ack_timeout_ms", "ackTimeoutMs"),
    ("app_state", "appState"),
];

/// An error detail as the JS API shows it: a leading Rust option name (details start with
/// the option they are about) spelled as in JS. Wire names later in the text stay.
pub fn js_detail(detail: &str) -> String {
    let name_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    OPTION_NAMES
        .iter()
        .find_map(|(rust, js)| {
            let rest = detail.strip_prefix(rust)?;
            // The whole leading name: `state` is not the start of `state_key`.
            (!rest.bytes().next().is_some_and(name_byte)).then(|| [js, rest].concat())
        })
        .unwrap_or_else(|| detail.to_owned())
}

/// An origin option (`openerOrigin`), serialised as browsers serialise origins:
/// `https://host:443` and `https://host` are the same origin (docs/security.md#origins), so
/// either spelling matches a `MessageEvent.origin`. Anything with a path, query, fragment
/// or credentials is refused.
pub fn validate_origin(origin: &str, field: &str) -> Result<String, ConnectError> {
    match HttpUrl::parse(origin) {
        Ok(u)
            if !origin.ends_with('/')
                && u.path() == "/"
                && !u.has_userinfo()
                && u.query().is_none()
                && u.fragment().is_none() =>
        {
            Ok(u.origin())
        }
        _ => Err(ConnectError::must_be(field, "an origin such as https://app.example")),
    }
}

/// `value` must not be empty: a missing option is named as missing (`client_id is required`),
/// before any format check (docs/decisions.md#unknown-options).
pub fn required(value: &str, name: &str) -> Result<(), ConnectError> {
    if value.is_empty() {
        return Err(ConnectError::invalid_options([name, " is required"].concat()));
    }
    Ok(())
}

/// A caller-supplied `state`: 1–1024 printable ASCII characters (it is percent-encoded on
/// the wire and compared exactly on the way back; docs/decisions.md#state).
pub fn validate_state(state: &str) -> Result<(), ConnectError> {
    if state.is_empty() || state.len() > 1024 || !state.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(ConnectError::must_be("state", "1 to 1024 printable ASCII characters"));
    }
    Ok(())
}

/// The caller's state once checked, or a fresh one from the CSPRNG.
pub fn state_or_fresh(given: Option<&str>) -> Result<String, ConnectError> {
    match given {
        Some(s) => validate_state(s).map(|_| s.to_owned()),
        None => crate::random::generate_state(),
    }
}

/// The largest delay a browser timer honours (2^31 - 1 ms).
const MAX_MS: f64 = 2_147_483_647.0;

/// The common options' times (docs/options.md#common): `timeout_ms` a positive number of
/// milliseconds, `closed_grace_ms` a non-negative one, each within a browser timer's range.
pub fn validate_times(timeout_ms: f64, closed_grace_ms: f64) -> Result<(), ConnectError> {
    if !(timeout_ms > 0.0 && timeout_ms <= MAX_MS) {
        return Err(ConnectError::must_be("timeout_ms", "a positive number of milliseconds"));
    }
    if !(0.0..=MAX_MS).contains(&closed_grace_ms) {
        return Err(ConnectError::must_be("closed_grace_ms", "a non-negative number of milliseconds"));
    }
    Ok(())
}

/// `connect()`'s `app_key`, when given: a non-empty string, at most 4096 bytes.
pub fn validate_app_key(app_key: Option<&str>) -> Result<(), ConnectError> {
    if app_key.is_some_and(|k| k.is_empty() || k.len() > 4096) {
        return Err(ConnectError::invalid_options("app_key must be a non-empty string"));
    }
    Ok(())
}

/// `authorize()`'s `issuer`, when given: not empty (an empty one would skip nothing and match
/// nothing; RFC 9207 §2.4 compares it exactly).
pub fn validate_issuer(issuer: Option<&str>) -> Result<(), ConnectError> {
    if issuer == Some("") {
        return Err(ConnectError::must_be("issuer", "a non-empty string"));
    }
    Ok(())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_common_times_stay_within_a_browser_timer() {
        assert!(validate_times(300_000.0, 1500.0).is_ok());
        assert!(validate_times(MAX_MS, 0.0).is_ok(), "the largest timer delay, and no grace");
        for (timeout, grace, name) in [
            (0.0, 0.0, "timeout_ms"),
            (-1.0, 0.0, "timeout_ms"),
            (f64::NAN, 0.0, "timeout_ms"),
            (MAX_MS + 1.0, 0.0, "timeout_ms"),
            (1.0, -1.0, "closed_grace_ms"),
            (1.0, f64::NAN, "closed_grace_ms"),
            (1.0, f64::INFINITY, "closed_grace_ms"),
        ] {
            let e = validate_times(timeout, grace).unwrap_err();
            assert_eq!(*e.code(), crate::error::ErrorCode::InvalidOptions);
            assert!(e.detail().unwrap_or_default().starts_with(name), "{timeout} {grace}: {:?}", e.detail());
        }
    }

    #[test]
    fn an_app_key_and_an_issuer_when_given_are_not_empty() {
        assert!(validate_app_key(None).is_ok() && validate_app_key(Some("ak_1")).is_ok());
        assert!(validate_app_key(Some(&"k".repeat(4096))).is_ok());
        for bad in [String::new(), "k".repeat(4097)] {
            let e = validate_app_key(Some(&bad)).unwrap_err();
            assert!(e.detail().unwrap_or_default().starts_with("app_key"), "{:?}", e.detail());
        }
        assert!(validate_issuer(None).is_ok() && validate_issuer(Some("https://as.example")).is_ok());
        assert!(validate_issuer(Some("")).unwrap_err().detail().unwrap_or_default().starts_with("issuer"));
    }

    /// docs/security.md#origins: every origin the SDK computes drops the default port, as
    /// `location.origin` and `event.origin` do, so `:443` never makes two origins differ.
    #[test]
    fn default_ports_are_the_same_origin_everywhere() {
        // connect: the Vendo base URL.
        assert_eq!(validate_base_url("https://vendo.example:443/base").unwrap().origin(), "https://vendo.example");
        // authorize / connect links: the redirect URI the callback posts from.
        let redirect = validate_endpoint("https://app.example:443/cb", "redirect_uri").unwrap();
        assert_eq!(redirect.origin(), "https://app.example");
        assert_eq!(validate_endpoint("http://127.0.0.1:80/cb", "redirect_uri").unwrap().origin(), "http://127.0.0.1");
        // The callback page: openerOrigin, the postMessage target and the ack's origin.
        assert_eq!(validate_origin("https://app.example:443", "opener_origin").unwrap(), "https://app.example");
        assert_eq!(validate_origin("https://APP.example", "opener_origin").unwrap(), "https://app.example");
        // Other ports stay, and stay different.
        assert_eq!(validate_origin("https://app.example:8443", "opener_origin").unwrap(), "https://app.example:8443");
        assert_eq!(validate_origin("http://app.example:443", "opener_origin").unwrap(), "http://app.example:443");
        for bad in [
            "https://app.example/",
            "https://app.example/x",
            "https://u@app.example",
            "https://app.example?x",
            "app.example",
        ] {
            assert!(validate_origin(bad, "opener_origin").is_err(), "{bad}");
        }
    }

    #[test]
    fn details_name_rust_fields_and_js_shows_its_own() {
        let e = validate_endpoint("ftp://x", "token_endpoint").unwrap_err();
        let detail = e.into_info().detail.unwrap();
        assert!(detail.starts_with("token_endpoint"), "{detail}");
        assert!(js_detail(&detail).starts_with("tokenEndpoint: "), "{}", js_detail(&detail));
        assert_eq!(
            js_detail("authorization_endpoint must not carry redirect_uri"),
            "authorizationEndpoint must not carry redirect_uri"
        );
        assert_eq!(
            js_detail("state must be 1 to 1024 printable ASCII characters"),
            "state must be 1 to 1024 printable ASCII characters"
        );
        assert_eq!(js_detail("the popup was closed"), "the popup was closed");
        assert_eq!(js_detail(""), "");
        assert_eq!(js_detail("base_url"), "baseUrl", "a name alone");
        assert_eq!(js_detail("app_state_key is odd"), "app_state_key is odd", "only a whole leading name");
        assert_eq!(js_detail("é base_url"), "é base_url");
        for (rust, js) in OPTION_NAMES {
            assert_eq!(js_detail(&[rust, " is required"].concat()), [js, " is required"].concat());
            assert!(rust.contains('_') && !js.contains('_'), "{rust} / {js}");
        }
    }

    #[test]
    fn caller_states_are_printable_ascii_up_to_1024() {
        for ok in ["s", "a-b_c.d~e!*'()", &"x".repeat(1024)] {
            assert_eq!(state_or_fresh(Some(ok)).unwrap(), ok);
        }
        for bad in ["", "a b", "é", "a\n", &"x".repeat(1025)] {
            assert_eq!(*state_or_fresh(Some(bad)).unwrap_err().code(), crate::ErrorCode::InvalidOptions, "{bad:?}");
        }
        assert_eq!(state_or_fresh(None).unwrap().len(), 43);
    }
    use proptest::prelude::*;

    fn hosts(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn redirect_uri_rules() {
        let allowed = hosts(&["app.example.com", "localhost", "127.0.0.1"]);
        let check = |u: &str| validate_redirect_uri(u, &allowed).err().map(|r| r.code());
        assert_eq!(check("https://app.example.com/cb"), None);
        assert_eq!(check("https://APP.example.com:443/cb?x=1"), None);
        assert_eq!(check("http://app.example.com/cb"), Some("not_https"));
        assert_eq!(check("https://user@app.example.com/cb"), Some("userinfo"));
        assert_eq!(check("https://app.example.com/cb?next=a@b"), Some("userinfo"));
        assert_eq!(check("https://app.example.com/cb#x"), Some("fragment"));
        assert_eq!(check("https://app.example.com/cb#"), Some("fragment"));
        assert_eq!(check("https://app.example.com:8443/cb"), Some("non_default_port"));
        assert_eq!(check("https://evil.example.com/cb"), Some("host_not_allowed"));
        assert_eq!(check("https://app.example.com.evil.com/cb"), Some("host_not_allowed"));
        assert_eq!(check("https://sub.app.example.com/cb"), Some("host_not_allowed"));
        assert_eq!(check("https://app.example.com\\@evil.com"), Some("invalid_url"));
        assert_eq!(check("not a url"), Some("invalid_url"));
        // Loopback: http and any port, still allow-listed.
        assert_eq!(check("http://localhost:8080/cb"), None);
        assert_eq!(check("http://127.0.0.1:3000/cb"), None);
        assert_eq!(check("http://[::1]:3000/cb"), Some("host_not_allowed"));
        assert_eq!(check("http://127.0.0.2:3000/cb"), Some("host_not_allowed"));
        assert_eq!(check("https://localhost:3000/cb"), None);
        assert_eq!(check("https://app.example.com/cb?q=1&r=2"), None);
        assert_eq!(check("HTTPS://App.Example.Com/cb"), None);
        assert_eq!(check("https://app.example.com.:443/cb"), Some("invalid_url"));
        assert_eq!(check("https://app.example.com:0443/cb"), None);
        assert_eq!(check("https://a.com@app.example.com/cb"), Some("userinfo"));
        assert_eq!(check("ftp://app.example.com/cb"), Some("invalid_url"));
        for v6 in ["[::1]", "::1"] {
            let ok = validate_redirect_uri("http://[::1]:9/cb", &hosts(&[v6]));
            assert!(ok.is_ok(), "{v6}");
        }
        let r = RedirectUriRule::NonDefaultPort;
        assert!(!r.message().is_empty() && r.code() == "non_default_port");
        assert_eq!(validate_redirect_uri("https://a.com/", &[]).unwrap_err(), RedirectUriRule::HostNotAllowed);
    }

    #[test]
    fn return_to_accepts_plain_paths() {
        for ok in [
            "/",
            "/connections/notion",
            "/a?b=c&d=e+f",
            "/search?q=a%20b",
            "/a#frag",
            "/caf%C3%A9",
            "/a/b:c",
            "/100%",
            "/%zz",
            "/a%2Fb",
        ] {
            assert!(validate_return_to(ok).is_ok(), "{ok}");
            assert_eq!(sanitize_return_to(ok).as_deref(), Some(ok));
        }
    }

    #[test]
    fn return_to_refuses_every_escape() {
        for bad in [
            "",
            "connections",
            "//evil.com",
            "/\\evil.com",
            "\\\\evil.com",
            "https://evil.com",
            "javascript:alert(1)",
            "/%2F/evil.com",
            "/%2fevil.com",
            "%2F%2Fevil.com",
            "/%5Cevil.com",
            "/%5cevil.com",
            "/\t/evil.com",
            "/%09/evil",
            "/%0a",
            "/a b",
            "/%252F%252Fevil.com",
            "/%25252F/evil.com",
            "/%2F%2Fevil.com",
            " /a",
            "/a\u{0}",
            "/\u{2028}",
            "%2Fa",
            "/%E2%80%A8",
            "/%C2%85",
            "/%00",
            "/%7F",
            "/%2f%2fevil.com",
            "/%2F%2Fevil.com",
            "/%5C%5Cevil.com",
            "/%255Cevil.com",
            "/%25%32%46evil.com",
            "/%2525252525252525252F",
            "/\u{a0}",
            "/\r\n",
            "/a\u{b}",
        ] {
            assert!(validate_return_to(bad).is_err(), "{bad:?}");
            assert_eq!(sanitize_return_to(bad), None);
        }
        assert!(validate_return_to(&format!("/{}", "a".repeat(2048))).is_err());
        assert!(validate_return_to(&format!("/{}", "a".repeat(2047))).is_ok());
        let e = validate_return_to("//evil.com").unwrap_err();
        assert_eq!(*e.code(), crate::error::ErrorCode::InvalidOptions);
        assert!(e.detail().is_some());
    }

    #[test]
    fn base_urls() {
        let b = validate_base_url("https://vendo.example/").unwrap();
        assert_eq!(b.origin(), "https://vendo.example");
        assert_eq!(b.join("/api/x"), "https://vendo.example/api/x");
        let p = validate_base_url("http://127.0.0.1:8081/sim/wrong_state//").unwrap();
        assert_eq!(p.join("/api/x"), "http://127.0.0.1:8081/sim/wrong_state/api/x");
        for ok in ["http://localhost:3000", "http://[::1]:1", "https://a.b"] {
            assert!(validate_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://vendo.example",
            "https://u:p@vendo.example",
            "https://vendo.example?x=1",
            "https://vendo.example#",
            "vendo.example",
            "javascript:alert(1)",
            "https://vendo.example\\@evil.com",
            "http://localhost.evil.com",
        ] {
            assert!(validate_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn provider_slugs() {
        for ok in ["notion", "google-calendar", "a", "0x_1", &"a".repeat(64)] {
            assert!(validate_provider_slug(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Notion", "-a", "_a", "a/b", "a.b", "a b", "../x", &"a".repeat(65), "ü"] {
            assert!(validate_provider_slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn endpoints() {
        assert!(validate_endpoint("https://as.example/auth?tenant=1", "e").is_ok());
        assert!(validate_endpoint("http://127.0.0.1:9/token", "e").is_ok());
        for bad in ["http://as.example/auth", "https://u@as.example", "https://as.example/a#b", "data:text/html,x"] {
            let e = validate_endpoint(bad, "token_endpoint").unwrap_err();
            assert!(e.to_string().contains("token_endpoint"), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn never_panic(s in ".*") {
            let _ = validate_redirect_uri(&s, &["a.com".to_string()]);
            let _ = validate_return_to(&s);
            let _ = validate_base_url(&s);
            let _ = validate_provider_slug(&s);
            let _ = validate_endpoint(&s, "x");
        }

        #[test]
        fn accepted_return_to_never_decodes_to_an_escape(s in "/[a-zA-Z0-9%/\\\\:.?#=&-]{0,24}") {
            if validate_return_to(&s).is_ok() {
                let once = crate::query::decode(&s, false).unwrap();
                prop_assert!(!once.starts_with("//") && !once.contains('\\'));
            }
        }
    }
}

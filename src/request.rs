//! URL builders: the Vendo authorize entry (docs/flows.md#connect, docs/wire.md#authorize-url) and the OAuth 2.1
//! authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, docs/flows.md#authorize). Every value is
//! percent-encoded (`application/x-www-form-urlencoded`); reserved parameters cannot be
//! overridden.

use crate::ascii::split_at_str;
use crate::error::ConnectError;
use crate::pkce::METHOD;
use crate::query::{append_pair, decode, parts, push_percent_encoded, raw_pairs};
use crate::url::HttpUrl;
use crate::validate::BaseUrl;

/// The parameters of `GET {baseUrl}/api/oauth/{provider}/authorize`.
#[derive(Debug)]
pub struct VendoAuthorize<'a> {
    /// The validated base URL.
    pub base: &'a BaseUrl,
    /// The validated provider slug.
    pub provider: &'a str,
    /// The page's own origin.
    pub opener_origin: &'a str,
    /// The flow's state.
    pub state: &'a str,
    /// The App Key, if any.
    pub app_key: Option<&'a str>,
    /// The validated `returnTo` path, if any.
    pub return_to: Option<&'a str>,
}

/// `{base}/api/oauth/{provider}/authorize?embed=1&opener_origin=…&state=…[&app_key=…][&returnTo=…]`.
pub fn vendo_authorize_url(req: &VendoAuthorize<'_>) -> String {
    let mut q = String::new();
    append_pair(&mut q, "embed", "1");
    append_pair(&mut q, "opener_origin", req.opener_origin);
    append_pair(&mut q, "state", req.state);
    if let Some(k) = req.app_key {
        append_pair(&mut q, "app_key", k);
    }
    if let Some(r) = req.return_to {
        append_pair(&mut q, "returnTo", r);
    }
    let mut url = req.base.join("/api/oauth/");
    encode_segment(&mut url, req.provider);
    url.push_str("/authorize?");
    url.push_str(&q);
    url
}

/// Appends `s` with everything but RFC 3986 unreserved characters percent-encoded, so even
/// an unchecked slug stays one path segment (callers validate it first; this is a second fence).
fn encode_segment(out: &mut String, s: &str) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            push_percent_encoded(out, b);
        }
    }
}

/// An OAuth 2.1 authorization request.
#[derive(Debug)]
pub struct AuthorizationRequest<'a> {
    /// The validated authorization endpoint (may carry its own query).
    pub endpoint: &'a HttpUrl,
    /// The client id.
    pub client_id: &'a str,
    /// The redirect URI.
    pub redirect_uri: &'a str,
    /// Space-separated scopes.
    pub scope: Option<&'a str>,
    /// The flow's state.
    pub state: &'a str,
    /// The S256 challenge, when PKCE is on.
    pub code_challenge: Option<&'a str>,
    /// Extra parameters (e.g. Aimable's `collection_id`, `space_id`).
    pub extra_params: &'a [(String, String)],
}

/// Names the SDK sets itself (or that must never appear in a URL), which neither
/// `extraParams` nor the endpoint's own query may carry.
pub const RESERVED: [&str; 9] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "code_challenge",
    "code_challenge_method",
    "scope",
    "client_secret",
    "code_verifier",
];

/// The authorization URL: the endpoint's own query, then `response_type=code`,
/// `client_id`, `redirect_uri`, `scope`, `state`, `code_challenge` + `S256`, then extras.
pub fn authorization_url(req: &AuthorizationRequest<'_>) -> Result<String, ConnectError> {
    let own = req.endpoint.query().unwrap_or("");
    // A name that does not decode to UTF-8 cannot be one of the (ASCII) reserved names.
    for name in raw_pairs(own).filter_map(|(n, _)| decode(n, true)) {
        if RESERVED.contains(&name.as_str()) {
            return Err(ConnectError::invalid_options(["authorization_endpoint must not carry ", &name].concat()));
        }
    }
    let mut q = own.to_owned();
    append_pair(&mut q, "response_type", "code");
    append_pair(&mut q, "client_id", req.client_id);
    append_pair(&mut q, "redirect_uri", req.redirect_uri);
    if let Some(scope) = req.scope.filter(|s| !s.is_empty()) {
        append_pair(&mut q, "scope", scope);
    }
    append_pair(&mut q, "state", req.state);
    if let Some(challenge) = req.code_challenge {
        append_pair(&mut q, "code_challenge", challenge);
        append_pair(&mut q, "code_challenge_method", METHOD);
    }
    for (name, value) in req.extra_params {
        if name.is_empty() || RESERVED.contains(&name.as_str()) {
            let shown = if name.is_empty() { "an empty name" } else { name.as_str() };
            return Err(ConnectError::invalid_options(["extra_params may not set ", shown].concat()));
        }
        append_pair(&mut q, name, value);
    }
    Ok([without_query(req.endpoint.as_str()), "?", &q].concat())
}

fn without_query(url: &str) -> &str {
    let end = url.bytes().position(|b| matches!(b, b'?' | b'#')).unwrap_or(url.len());
    &url[..end]
}

/// `url` (validated, without a fragment) with `name=value` set: an existing `name` is
/// replaced, other parameters keep their order. Used to add `vc_state` to a redirect URI
/// (docs/flows.md#connect-link).
pub fn with_query_param(parsed: &HttpUrl, name: &str, value: &str) -> String {
    // Other parameters are kept byte for byte; only `name` (however it is encoded) goes.
    let mut query = String::new();
    for pair in parts(parsed.query().unwrap_or("")) {
        let key = split_at_str(pair, "=").map_or(pair, |(k, _)| k);
        if decode(key, true).as_deref() != Some(name) {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(pair);
        }
    }
    append_pair(&mut query, name, value);
    [without_query(parsed.as_str()), "?", &query].concat()
}

/// Scopes joined with single spaces (RFC 6749 §3.3: scope tokens are ASCII); empty parts
/// dropped.
pub fn join_scope(parts: &[String]) -> String {
    let mut out = String::new();
    for part in parts.iter().map(|s| s.trim_ascii()).filter(|s| !s.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::validate::{validate_base_url, validate_endpoint};
    use proptest::prelude::*;

    #[test]
    fn vendo_url_has_the_documented_shape() {
        let base = validate_base_url("https://vendo.example/").unwrap();
        let url = vendo_authorize_url(&VendoAuthorize {
            base: &base,
            provider: "notion",
            opener_origin: "https://app.example",
            state: "s t&u",
            app_key: Some("ak_1+2"),
            return_to: Some("/connections/notion?tab=a&b"),
        });
        assert_eq!(
            url,
            "https://vendo.example/api/oauth/notion/authorize?embed=1&opener_origin=https%3A%2F%2Fapp.example\
             &state=s+t%26u&app_key=ak_1%2B2&returnTo=%2Fconnections%2Fnotion%3Ftab%3Da%26b"
        );
        let plain = vendo_authorize_url(&VendoAuthorize {
            base: &base,
            provider: "slack",
            opener_origin: "http://localhost:8080",
            state: "s",
            app_key: None,
            return_to: None,
        });
        assert_eq!(plain, "https://vendo.example/api/oauth/slack/authorize?embed=1&opener_origin=http%3A%2F%2Flocalhost%3A8080&state=s");
        let prefixed = validate_base_url("http://127.0.0.1:8081/sim//").unwrap();
        let odd = vendo_authorize_url(&VendoAuthorize {
            base: &prefixed,
            provider: "../x?y",
            opener_origin: "o",
            state: "s",
            app_key: None,
            return_to: Some("/"),
        });
        assert_eq!(
            odd,
            "http://127.0.0.1:8081/sim/api/oauth/%2E%2E%2Fx%3Fy/authorize?embed=1&opener_origin=o&state=s&returnTo=%2F"
        );
    }

    fn endpoint_url(s: &str) -> HttpUrl {
        validate_endpoint(s, "authorizationEndpoint").unwrap()
    }

    /// The endpoint checked where it enters, then the request built: what `authorize` does.
    fn build(endpoint: &str, extra: &[(String, String)]) -> Result<String, ConnectError> {
        let endpoint = validate_endpoint(endpoint, "authorizationEndpoint")?;
        authorization_url(&req(&endpoint, extra))
    }

    /// The redirect URI checked where it enters, then `vc_state` set.
    fn set(redirect: &str, name: &str, value: &str) -> Result<String, ConnectError> {
        validate_endpoint(redirect, "redirectUri").map(|u| with_query_param(&u, name, value))
    }

    fn req<'a>(endpoint: &'a HttpUrl, extra: &'a [(String, String)]) -> AuthorizationRequest<'a> {
        AuthorizationRequest {
            endpoint,
            client_id: "client id",
            redirect_uri: "https://app.example/cb?x=1",
            scope: Some("people:read deals:write"),
            state: "st",
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            extra_params: extra,
        }
    }

    #[test]
    fn authorization_url_encodes_everything_and_keeps_the_endpoint_query() {
        let extra = vec![("collection_id".to_string(), "a&b=c".to_string())];
        let url = build("https://api.aimable.example/v1/authorize?tenant=t1", &extra).unwrap();
        assert_eq!(
            url,
            "https://api.aimable.example/v1/authorize?tenant=t1&response_type=code&client_id=client+id\
             &redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1&scope=people%3Aread+deals%3Awrite&state=st\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&collection_id=a%26b%3Dc"
        );
        let as_example = endpoint_url("https://as.example/auth");
        let no_pkce = AuthorizationRequest { code_challenge: None, scope: None, ..req(&as_example, &[]) };
        let url = authorization_url(&no_pkce).unwrap();
        assert!(!url.contains("code_challenge") && !url.contains("scope"), "{url}");
    }

    #[test]
    fn reserved_parameters_cannot_be_overridden() {
        for name in RESERVED.iter().chain(&[""]) {
            let extra = vec![(name.to_string(), "x".to_string())];
            assert!(build("https://as.example/auth", &extra).is_err(), "{name}");
        }
        assert!(build("https://as.example/auth?state=evil", &[]).is_err());
        assert!(build("https://as.example/auth?code_challenge_method=plain", &[]).is_err());
        assert!(build("http://as.example/auth", &[]).is_err());
        assert!(build("https://as.example/auth#x", &[]).is_err());
        assert!(build("https://as.example/auth?st%61te=evil", &[]).is_err());
        assert!(build("https://as.example/auth?client_secret", &[]).is_err());
        assert!(build("https://u@as.example/auth", &[]).is_err());
        let e = build("https://as.example/auth?redirect_uri=x", &[]).unwrap_err();
        assert_eq!(*e.code(), crate::error::ErrorCode::InvalidOptions);
        let ok = build("http://localhost:9/auth?", &[]).unwrap();
        assert!(ok.starts_with("http://localhost:9/auth?response_type=code&client_id=client+id&"), "{ok}");
    }

    #[test]
    fn query_param_is_set_once() {
        assert_eq!(set("https://app.example/cb", "vc_state", "a b").unwrap(), "https://app.example/cb?vc_state=a+b");
        assert_eq!(
            set("http://localhost:8080/cb?from=app&vc_state=old&z=1", "vc_state", "new").unwrap(),
            "http://localhost:8080/cb?from=app&z=1&vc_state=new"
        );
        assert_eq!(
            set("https://app.example/cb?a=%7E&b&vc%5Fstate=old&&c=x+y&vc_state", "vc_state", "n&=+").unwrap(),
            "https://app.example/cb?a=%7E&b&c=x+y&vc_state=n%26%3D%2B"
        );
        assert_eq!(set("https://app.example/cb?", "vc_state", "s").unwrap(), "https://app.example/cb?vc_state=s");
        assert_eq!(set("https://app.example", "vc_state", "s").unwrap(), "https://app.example?vc_state=s");
        assert!(set("https://app.example/cb#", "vc_state", "x").is_err());
        assert!(set("https://app.example/cb#f", "vc_state", "x").is_err());
        assert!(set("/relative", "vc_state", "x").is_err());
    }

    #[test]
    fn scopes() {
        assert_eq!(join_scope(&["openid".into(), " ".into(), "offline_access".into()]), "openid offline_access");
        assert_eq!(join_scope(&[]), "");
    }

    proptest! {
        #[test]
        fn state_survives_encoding(state in ".{1,40}") {
            let base = validate_base_url("https://v.example").unwrap();
            let url = vendo_authorize_url(&VendoAuthorize {
                base: &base, provider: "p", opener_origin: "https://a.example", state: &state, app_key: None, return_to: None,
            });
            let query = url.split_once('?').unwrap().1;
            let got: Vec<_> = form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k == "state").map(|(_, v)| v.into_owned()).collect();
            prop_assert_eq!(got, vec![state]);
        }

        #[test]
        fn authorization_params_round_trip(client_id in ".{0,20}", state in ".{1,20}", name in "[a-z_]{1,10}", value in ".{0,20}") {
            let extra = vec![(name.clone(), value.clone())];
            let endpoint = endpoint_url("https://as.example/a?t=1");
            let r = AuthorizationRequest { client_id: &client_id, state: &state, ..req(&endpoint, &extra) };
            match authorization_url(&r) {
                Ok(url) => {
                    let query = url.split_once('?').unwrap().1.to_owned();
                    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
                    prop_assert_eq!(&pairs[0], &("t".to_string(), "1".to_string()));
                    prop_assert_eq!(&pairs[1], &("response_type".to_string(), "code".to_string()));
                    prop_assert_eq!(&pairs[2], &("client_id".to_string(), client_id.clone()));
                    prop_assert!(pairs.contains(&("state".to_string(), state.clone())));
                    prop_assert!(pairs.contains(&("code_challenge_method".to_string(), "S256".to_string())));
                    prop_assert_eq!(pairs.last().unwrap(), &(name, value));
                }
                Err(_) => prop_assert!(RESERVED.contains(&name.as_str())),
            }
        }

        #[test]
        fn with_query_param_sets_exactly_one(q in "[a-z=&%0-9+]{0,20}", v in ".{0,10}") {
            let url = format!("https://app.example/cb?{q}");
            let out = set(&url, "vc_state", &v).unwrap();
            let query = out.split_once('?').unwrap().1.to_owned();
            let got: Vec<String> = form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k == "vc_state").map(|(_, v)| v.into_owned()).collect();
            prop_assert_eq!(got, vec![v]);
        }

        #[test]
        fn never_panics(endpoint in ".*", name in ".{0,10}") {
            let extra = vec![(name, "v".to_string())];
            let _ = build(&endpoint, &extra);
            let _ = set(&endpoint, "vc_state", "x");
        }
    }
}

//! Token endpoint bodies and responses for public clients (docs/flows.md#tokens): the code
//! exchange (RFC 6749 §4.1.3, RFC 7636 §4.5), refresh (§6), revocation (RFC 7009 §2), as
//! `application/x-www-form-urlencoded` or JSON (Vendaze). There is never a client secret.
//! Responses (§5.1 / §5.2) are judged through [`MessageData`] (the browser parses the JSON
//! with `JSON.parse`), keep unknown fields in `extra`, and errors never carry token values.

use std::fmt;

use crate::ascii::{decimal, hex_digit, push_decimal, split_at_str};
use crate::error::{ConnectError, ErrorCode, ErrorInfo};
use crate::message::{Field, MessageData};
use crate::validate::{required, validate_endpoint};

/// How request bodies are encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "lowercase"))]
pub enum BodyEncoding {
    /// `application/x-www-form-urlencoded` (RFC 6749).
    #[default]
    Form,
    /// `application/json` (Vendaze).
    Json,
}

impl BodyEncoding {
    /// `"form"` (or absent) or `"json"`.
    pub fn parse(s: Option<&str>) -> Result<Self, ConnectError> {
        match s {
            None | Some("form") => Ok(BodyEncoding::Form),
            Some("json") => Ok(BodyEncoding::Json),
            Some(_) => Err(ConnectError::invalid_options("body_encoding must be \"form\" or \"json\"")),
        }
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> &'static str {
        match self {
            BodyEncoding::Form => "application/x-www-form-urlencoded",
            BodyEncoding::Json => "application/json",
        }
    }
}

/// A token endpoint request.
pub enum TokenRequest<'a> {
    /// `grant_type=authorization_code`.
    ExchangeCode {
        /// The client id.
        client_id: &'a str,
        /// The authorization code.
        code: &'a str,
        /// The PKCE verifier.
        code_verifier: &'a str,
        /// The redirect URI of the authorization request.
        redirect_uri: &'a str,
    },
    /// `grant_type=refresh_token`.
    Refresh {
        /// The client id.
        client_id: &'a str,
        /// The refresh token.
        refresh_token: &'a str,
        /// A narrower scope, if any.
        scope: Option<&'a str>,
    },
    /// RFC 7009 revocation.
    Revoke {
        /// The client id.
        client_id: &'a str,
        /// The token to revoke.
        token: &'a str,
        /// `access_token` or `refresh_token`, if known.
        token_type_hint: Option<&'a str>,
    },
}

/// The grant and the client, never the code, verifier or token it carries.
impl fmt::Debug for TokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, client_id) = match self {
            TokenRequest::ExchangeCode { client_id, .. } => ("ExchangeCode", client_id),
            TokenRequest::Refresh { client_id, .. } => ("Refresh", client_id),
            TokenRequest::Revoke { client_id, .. } => ("Revoke", client_id),
        };
        f.debug_struct(name).field("client_id", client_id).finish_non_exhaustive()
    }
}

impl TokenRequest<'_> {
    fn pairs(&self) -> Vec<(&str, &str)> {
        match self {
            TokenRequest::ExchangeCode { client_id, code, code_verifier, redirect_uri } => vec![
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("client_id", client_id),
                ("code_verifier", code_verifier),
            ],
            TokenRequest::Refresh { client_id, refresh_token, scope } => {
                let mut p =
                    vec![("grant_type", "refresh_token"), ("refresh_token", *refresh_token), ("client_id", *client_id)];
                p.extend(scope.map(|s| ("scope", s)));
                p
            }
            TokenRequest::Revoke { client_id, token, token_type_hint } => {
                let mut p = vec![("token", *token), ("client_id", *client_id)];
                p.extend(token_type_hint.map(|h| ("token_type_hint", h)));
                p
            }
        }
    }

    /// The request body in the chosen encoding (JSON members in the same order as the form).
    pub fn body(&self, enc: BodyEncoding) -> String {
        let pairs = self.pairs();
        match enc {
            BodyEncoding::Form => {
                let mut s = String::new();
                for (k, v) in pairs {
                    crate::query::append_pair(&mut s, k, v);
                }
                s
            }
            BodyEncoding::Json => {
                let mut out = String::from("{");
                for (i, (k, v)) in pairs.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_string(&mut out, k);
                    out.push(':');
                    json_string(&mut out, v);
                }
                out.push('}');
                out
            }
        }
    }
}

/// Appends `s` as a JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped.
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(hex_digit(c as u8 >> 4));
                out.push(hex_digit(c as u8));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The fields a token response is read for; every other field goes to `extra`.
pub const TOKEN_FIELDS: &[&str] = &["access_token", "token_type", "expires_in", "refresh_token", "scope", "id_token"];

impl TokenResponse {
    /// The JS result's fields, in order (docs/results.md#tokens).
    pub const JS_FIELDS: [&'static str; 8] =
        ["accessToken", "tokenType", "expiresIn", "expiresAt", "refreshToken", "scope", "idToken", "extra"];
}

/// A successful token response (RFC 6749 §5.1; docs/results.md#tokens).
#[derive(Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// Usually `Bearer`.
    pub token_type: String,
    /// Lifetime in seconds.
    pub expires_in: Option<f64>,
    /// Expiry in epoch milliseconds, computed when the response arrived.
    pub expires_at: Option<f64>,
    /// A (rotated) refresh token.
    pub refresh_token: Option<String>,
    /// The granted scope.
    pub scope: Option<String>,
    /// An OpenID Connect ID token.
    pub id_token: Option<String>,
    /// Every other field (e.g. Vendaze's `workspace_slug`), as the text of a JSON object
    /// (`{}` when there are none): parse it with the JSON library your app already has.
    pub extra: String,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |o: &Option<String>| o.as_ref().map(|_| "[redacted]");
        f.debug_struct("TokenResponse")
            .field("access_token", &"[redacted]")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("expires_at", &self.expires_at)
            .field("refresh_token", &redacted(&self.refresh_token))
            .field("scope", &self.scope)
            .field("id_token", &redacted(&self.id_token))
            .field("extra", &"[…]")
            .finish()
    }
}

/// `"the {what} answered {status}{rest}"`.
fn answered(what: &str, status: u16, rest: &str) -> ConnectError {
    let mut detail = ["the ", what, " answered "].concat();
    push_decimal(&mut detail, u64::from(status));
    detail.push_str(rest);
    ConnectError::invalid_response(detail)
}

fn oauth_error(body: &dyn MessageData) -> Option<ConnectError> {
    let Field::Str(code) = body.field("error") else { return None };
    if code.is_empty() {
        return None;
    }
    let detail = match body.field("error_description") {
        Field::Str(d) => Some(d),
        _ => None,
    };
    Some(ErrorInfo { code: ErrorCode::from_wire(&code), detail, provider: None }.into())
}

fn string_field(body: &dyn MessageData, key: &str) -> Result<Option<String>, ConnectError> {
    match body.field(key) {
        Field::Missing | Field::Null => Ok(None),
        Field::Str(s) => Ok(Some(s)),
        _ => Err(ConnectError::invalid_response(["token response field ", key, " is not a string"].concat())),
    }
}

/// Seconds as a JSON string (Vambe sends `"60"`): digits, optionally a fraction.
fn seconds(s: &str) -> Option<f64> {
    let s = s.trim_ascii();
    let (int, frac) = match split_at_str(s, ".") {
        Some((_, "")) => return None,
        Some(parts) => parts,
        None => (s, ""),
    };
    // At most 15 + 9 digits: both parts are exact in an `f64`.
    let int = decimal(int.as_bytes(), 15)?;
    let frac_digits = if frac.is_empty() { 0 } else { decimal(frac.as_bytes(), 9)? };
    Some(int as f64 + frac_digits as f64 / 10f64.powi(frac.len() as i32))
}

/// Judges a token endpoint's answer: its status and its body, when the body is a JSON object.
pub fn parse_token_response(
    status: u16,
    body: Option<&dyn MessageData>,
    now_ms: f64,
) -> Result<TokenResponse, ConnectError> {
    let Some(body) = body.filter(|b| b.is_plain_object()) else {
        return Err(answered("token endpoint", status, " without a JSON object"));
    };
    if let Some(e) = oauth_error(body) {
        return Err(e);
    }
    if !(200..300).contains(&status) {
        return Err(answered("token endpoint", status, ""));
    }
    let access_token = string_field(body, "access_token")?.filter(|s| !s.is_empty());
    let token_type = string_field(body, "token_type")?.filter(|s| !s.is_empty());
    let (Some(access_token), Some(token_type)) = (access_token, token_type) else {
        return Err(ConnectError::invalid_response("no access_token or token_type"));
    };
    let expires_in = match body.field("expires_in") {
        Field::Missing | Field::Null => None,
        Field::Num(n) => Some(n),
        Field::Str(s) => Some(seconds(&s).ok_or_else(bad_expiry)?),
        Field::Other => return Err(bad_expiry()),
    };
    if expires_in.is_some_and(|e| !e.is_finite() || e < 0.0) {
        return Err(bad_expiry());
    }
    Ok(TokenResponse {
        access_token,
        token_type,
        expires_at: expires_in.map(|e| now_ms + e * 1000.0),
        expires_in,
        refresh_token: string_field(body, "refresh_token")?,
        scope: string_field(body, "scope")?,
        id_token: string_field(body, "id_token")?,
        extra: body.rest_as_json(TOKEN_FIELDS),
    })
}

fn bad_expiry() -> ConnectError {
    ConnectError::invalid_response("expires_in is not a number ≥ 0")
}

/// Judges a revocation endpoint's answer (RFC 7009 §2.2: 200 whatever the token's state).
pub fn parse_revoke_response(status: u16, body: Option<&dyn MessageData>) -> Result<(), ConnectError> {
    if (200..300).contains(&status) {
        return Ok(());
    }
    match body.filter(|b| b.is_plain_object()).and_then(oauth_error) {
        Some(e) => Err(e),
        None => Err(answered("revocation endpoint", status, "")),
    }
}

// ---------------------------------------------------------------------------------------
// The three calls' options and their checks (docs/flows.md#tokens, docs/options.md#tokens).

/// `exchangeCode` options: trade an authorization code (and its verifier) for tokens.
#[derive(Clone, Debug, Default)]
pub struct ExchangeCode {
    /// The token endpoint.
    pub token_endpoint: String,
    /// The public client's id.
    pub client_id: String,
    /// The authorization code.
    pub code: String,
    /// The PKCE code verifier.
    pub code_verifier: String,
    /// The redirect URI used in the authorization request.
    pub redirect_uri: String,
    /// `form` (RFC 6749) or `json` (Vendaze).
    pub body_encoding: BodyEncoding,
}

/// `refreshToken` options.
#[derive(Clone, Debug, Default)]
pub struct RefreshToken {
    /// The token endpoint.
    pub token_endpoint: String,
    /// The public client's id.
    pub client_id: String,
    /// The refresh token.
    pub refresh_token: String,
    /// `form` or `json`.
    pub body_encoding: BodyEncoding,
}

/// `revokeToken` options.
#[derive(Clone, Debug, Default)]
pub struct RevokeToken {
    /// The revocation endpoint.
    pub revocation_endpoint: String,
    /// The public client's id.
    pub client_id: String,
    /// The access or refresh token to revoke.
    pub token: String,
    /// `form` or `json`.
    pub body_encoding: BodyEncoding,
}

/// One token endpoint call, its options checked and its body built: what the browser layer
/// and the JS skin (with its own `fetch`) send, or any HTTP client. Send `body` as a POST
/// to `endpoint` with `Content-Type: encoding.content_type()` and judge the answer with
/// [`parse_token_response`] or [`parse_revoke_response`].
pub struct TokenCall {
    /// The endpoint, checked (`validate::validate_endpoint`).
    pub endpoint: String,
    /// The option that named it, for the `network_error` detail.
    pub what: &'static str,
    /// The body's encoding.
    pub encoding: BodyEncoding,
    /// The request body.
    pub body: String,
}

/// The endpoint and encoding; never the body, which carries a code, verifier or token.
impl fmt::Debug for TokenCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCall")
            .field("endpoint", &self.endpoint)
            .field("encoding", &self.encoding)
            .field("body", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl TokenCall {
    fn new(
        endpoint: &str,
        what: &'static str,
        encoding: BodyEncoding,
        req: TokenRequest<'_>,
    ) -> Result<Self, ConnectError> {
        validate_endpoint(endpoint, what)?;
        Ok(TokenCall { endpoint: endpoint.to_owned(), what, encoding, body: req.body(encoding) })
    }

    /// The `network_error` for an endpoint that could not be reached.
    pub fn unreachable(&self) -> ConnectError {
        ConnectError::with_detail(ErrorCode::NetworkError, [self.what, " could not be reached"].concat())
    }
}

impl ExchangeCode {
    /// The call, or `invalid_options` naming the first option that is missing or wrong.
    pub fn call(&self) -> Result<TokenCall, ConnectError> {
        for (v, n) in [
            (&self.client_id, "client_id"),
            (&self.code, "code"),
            (&self.code_verifier, "code_verifier"),
            (&self.redirect_uri, "redirect_uri"),
        ] {
            required(v, n)?;
        }
        let req = TokenRequest::ExchangeCode {
            client_id: &self.client_id,
            code: &self.code,
            code_verifier: &self.code_verifier,
            redirect_uri: &self.redirect_uri,
        };
        TokenCall::new(&self.token_endpoint, "token_endpoint", self.body_encoding, req)
    }
}

impl RefreshToken {
    /// The call, or `invalid_options` naming the first option that is missing or wrong.
    pub fn call(&self) -> Result<TokenCall, ConnectError> {
        required(&self.client_id, "client_id")?;
        required(&self.refresh_token, "refresh_token")?;
        let req = TokenRequest::Refresh { client_id: &self.client_id, refresh_token: &self.refresh_token, scope: None };
        TokenCall::new(&self.token_endpoint, "token_endpoint", self.body_encoding, req)
    }
}

impl RevokeToken {
    /// The call, or `invalid_options` naming the first option that is missing or wrong.
    pub fn call(&self) -> Result<TokenCall, ConnectError> {
        required(&self.client_id, "client_id")?;
        required(&self.token, "token")?;
        let req = TokenRequest::Revoke { client_id: &self.client_id, token: &self.token, token_type_hint: None };
        TokenCall::new(&self.revocation_endpoint, "revocation_endpoint", self.body_encoding, req)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn exchange() -> ExchangeCode {
        ExchangeCode {
            token_endpoint: "https://auth.example/token".into(),
            client_id: "app".into(),
            code: "c".into(),
            code_verifier: "v".into(),
            redirect_uri: "https://app.example/cb".into(),
            body_encoding: BodyEncoding::Form,
        }
    }

    #[test]
    fn a_call_is_checked_and_its_body_built() {
        let call = exchange().call().unwrap();
        assert_eq!(call.endpoint, "https://auth.example/token");
        assert_eq!(call.encoding.content_type(), "application/x-www-form-urlencoded");
        assert!(call.body.contains("grant_type=authorization_code"), "{}", call.body);
        assert!(call.body.contains("code_verifier=v"), "{}", call.body);
        let json = ExchangeCode { body_encoding: BodyEncoding::Json, ..exchange() }.call().unwrap();
        assert!(json.body.starts_with('{'), "{}", json.body);
        assert_eq!(call.unreachable().code(), &ErrorCode::NetworkError);
        assert!(!format!("{call:?}").contains("code_verifier=v"), "Debug shows no secret: {call:?}");
        assert_eq!(call.unreachable().detail(), Some("token_endpoint could not be reached"));
    }

    #[test]
    fn a_missing_option_is_named_before_the_endpoint_is_checked() {
        let missing = |o: ExchangeCode| o.call().unwrap_err().detail().unwrap_or_default().to_owned();
        assert_eq!(
            missing(ExchangeCode { code_verifier: String::new(), token_endpoint: "x".into(), ..exchange() }),
            "code_verifier is required"
        );
        assert_eq!(missing(ExchangeCode { client_id: String::new(), ..exchange() }), "client_id is required");
        let refresh = RefreshToken {
            token_endpoint: "https://auth.example/token".into(),
            client_id: "app".into(),
            ..Default::default()
        };
        assert_eq!(refresh.call().unwrap_err().detail(), Some("refresh_token is required"));
        let revoke = RevokeToken {
            revocation_endpoint: "https://auth.example/revoke".into(),
            client_id: "app".into(),
            ..Default::default()
        };
        assert_eq!(revoke.call().unwrap_err().detail(), Some("token is required"));
    }

    #[test]
    fn an_endpoint_must_be_https_and_is_named() {
        let e = ExchangeCode { token_endpoint: "http://auth.example/token".into(), ..exchange() }.call().unwrap_err();
        assert_eq!(e.code(), &ErrorCode::InvalidOptions);
        assert!(e.detail().unwrap_or_default().starts_with("token_endpoint"), "{e:?}");
        let e = RevokeToken {
            revocation_endpoint: "not a url".into(),
            client_id: "app".into(),
            token: "t".into(),
            body_encoding: BodyEncoding::Form,
        }
        .call()
        .unwrap_err();
        assert!(e.detail().unwrap_or_default().starts_with("revocation_endpoint"), "{e:?}");
    }
    use serde_json::Value;

    /// The body as the browser would hand it over: parsed when it is JSON.
    fn parse_token_response(status: u16, body: &str, now: f64) -> Result<TokenResponse, ConnectError> {
        let json: Option<Value> = serde_json::from_str(body).ok();
        super::parse_token_response(status, json.as_ref().map(|v| v as &dyn MessageData), now)
    }

    fn parse_revoke_response(status: u16, body: &str) -> Result<(), ConnectError> {
        let json: Option<Value> = serde_json::from_str(body).ok();
        super::parse_revoke_response(status, json.as_ref().map(|v| v as &dyn MessageData))
    }

    fn extra(t: &TokenResponse) -> serde_json::Map<String, Value> {
        serde_json::from_str(&t.extra).unwrap()
    }

    const VENDAZE: &str = r#"{
        "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.access",
        "refresh_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.refresh",
        "token_type": "Bearer", "expires_in": 3600, "workspace_slug": "acme-corp" }"#;

    #[test]
    fn vendaze_response() {
        let t = parse_token_response(200, VENDAZE, 1_000.0).unwrap();
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(t.expires_in, Some(3600.0));
        assert_eq!(t.expires_at, Some(3_601_000.0));
        assert_eq!(t.refresh_token.as_deref(), Some("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.refresh"));
        assert_eq!(extra(&t).get("workspace_slug"), Some(&Value::from("acme-corp")));
        assert_eq!(extra(&t).len(), 1);
        let shown = format!("{t:?}");
        assert!(!shown.contains("eyJ"), "{shown}");
    }

    #[test]
    fn vambe_style_string_expiry_and_scope() {
        let t = parse_token_response(
            200,
            r#"{"access_token":"a","token_type":"bearer","expires_in":"60","scope":"read_orders read_products"}"#,
            0.0,
        )
        .unwrap();
        assert_eq!(t.expires_at, Some(60_000.0));
        assert_eq!(t.scope.as_deref(), Some("read_orders read_products"));
        assert_eq!(t.refresh_token, None);
    }

    #[test]
    fn oauth_errors_become_their_code() {
        let e = parse_token_response(400, r#"{"error":"invalid_grant","error_description":"code expired"}"#, 0.0)
            .unwrap_err();
        assert_eq!(*e.code(), ErrorCode::InvalidGrant);
        assert_eq!(e.detail(), Some("code expired"));
        let e = parse_token_response(401, r#"{"error":"vendor_specific"}"#, 0.0).unwrap_err();
        assert_eq!(e.code().as_str(), "vendor_specific");
    }

    #[test]
    fn malformed_responses_are_invalid_response_without_secrets() {
        for (status, body) in [
            (200, "<html>"),
            (200, "[]"),
            (200, r#"{"token_type":"Bearer"}"#),
            (200, r#"{"access_token":"SECRET","token_type":5}"#),
            (200, r#"{"access_token":"SECRET","token_type":"Bearer","expires_in":-1}"#),
            (200, r#"{"access_token":"SECRET","token_type":"Bearer","expires_in":"soon"}"#),
            (200, r#"{"access_token":"SECRET","token_type":"Bearer","refresh_token":7}"#),
            (500, r#"{"access_token":"SECRET","token_type":"Bearer"}"#),
            (502, ""),
        ] {
            let e = parse_token_response(status, body, 0.0).unwrap_err();
            assert_eq!(*e.code(), ErrorCode::InvalidResponse, "{body}");
            assert!(!e.to_string().contains("SECRET"));
        }
    }

    #[test]
    fn bodies() {
        let x = TokenRequest::ExchangeCode {
            client_id: "c",
            code: "a+b&c",
            code_verifier: "v",
            redirect_uri: "https://app/cb?x=1",
        };
        assert_eq!(
            x.body(BodyEncoding::Form),
            "grant_type=authorization_code&code=a%2Bb%26c&redirect_uri=https%3A%2F%2Fapp%2Fcb%3Fx%3D1&client_id=c&code_verifier=v"
        );
        assert_eq!(
            x.body(BodyEncoding::Json),
            r#"{"grant_type":"authorization_code","code":"a+b&c","redirect_uri":"https://app/cb?x=1","client_id":"c","code_verifier":"v"}"#
        );
        let r = TokenRequest::Refresh { client_id: "c", refresh_token: "r t", scope: None };
        assert_eq!(r.body(BodyEncoding::Form), "grant_type=refresh_token&refresh_token=r+t&client_id=c");
        let v = TokenRequest::Revoke { client_id: "c", token: "t=1", token_type_hint: Some("refresh_token") };
        assert_eq!(v.body(BodyEncoding::Form), "token=t%3D1&client_id=c&token_type_hint=refresh_token");
        assert!(!v.body(BodyEncoding::Json).contains("secret"));
    }

    #[test]
    fn exact_bodies_and_special_characters() {
        let r = TokenRequest::Refresh { client_id: "c+1", refresh_token: "a b&c=d+e", scope: Some("read write") };
        assert_eq!(
            r.body(BodyEncoding::Form),
            "grant_type=refresh_token&refresh_token=a+b%26c%3Dd%2Be&client_id=c%2B1&scope=read+write"
        );
        assert_eq!(
            r.body(BodyEncoding::Json),
            r#"{"grant_type":"refresh_token","refresh_token":"a b&c=d+e","client_id":"c+1","scope":"read write"}"#
        );
        let v = TokenRequest::Revoke { client_id: "c", token: "t\"q", token_type_hint: None };
        assert_eq!(v.body(BodyEncoding::Form), "token=t%22q&client_id=c");
        assert_eq!(v.body(BodyEncoding::Json), r#"{"token":"t\"q","client_id":"c"}"#);
        let ctl = TokenRequest::Revoke { client_id: "c", token: "a\u{1}\n\\é", token_type_hint: None };
        let json: Value = serde_json::from_str(&ctl.body(BodyEncoding::Json)).unwrap();
        assert_eq!(json["token"], "a\u{1}\n\\é");
        for req in [r, v] {
            for enc in [BodyEncoding::Form, BodyEncoding::Json] {
                assert!(!req.body(enc).contains("client_secret"));
            }
        }
    }

    #[test]
    fn full_response_and_redaction() {
        let body = r#"{"access_token":"AT-SECRET","token_type":"Bearer","expires_in":0,
            "refresh_token":"RT-SECRET","id_token":"ID-SECRET","scope":"openid","n":null,"k":[1]}"#;
        let t = parse_token_response(201, body, 5.0).unwrap();
        assert_eq!((t.expires_in, t.expires_at), (Some(0.0), Some(5.0)));
        assert_eq!(t.id_token.as_deref(), Some("ID-SECRET"));
        assert_eq!(extra(&t).len(), 2);
        assert_eq!(extra(&t).get("k"), Some(&serde_json::json!([1])));
        let shown = format!("{t:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("Bearer") && shown.contains("[redacted]"), "{shown}");
        let none =
            parse_token_response(200, r#"{"access_token":"a","token_type":"b","expires_in":null}"#, 1.0).unwrap();
        assert_eq!((none.expires_in, none.expires_at), (None, None));
    }

    #[test]
    fn an_error_body_wins_whatever_the_status() {
        let e = parse_token_response(200, r#"{"error":"access_denied","access_token":"SECRET"}"#, 0.0).unwrap_err();
        assert_eq!(*e.code(), ErrorCode::AccessDenied);
        assert_eq!(e.detail(), None);
        let e = parse_token_response(422, r#"{"error":5}"#, 0.0).unwrap_err();
        assert_eq!(*e.code(), ErrorCode::InvalidResponse);
        for bad in ["NaN", "Infinity", "-0.5", "1e400", ""] {
            let body = format!(r#"{{"access_token":"SECRET","token_type":"Bearer","expires_in":"{bad}"}}"#);
            let e = parse_token_response(200, &body, 0.0).unwrap_err();
            assert_eq!(*e.code(), ErrorCode::InvalidResponse, "{bad}");
            assert!(!e.to_string().contains("SECRET"));
        }
        let e = parse_token_response(200, r#"{"access_token":"x","token_type":"Bearer","expires_in":1e400}"#, 0.0);
        assert_eq!(*e.unwrap_err().code(), ErrorCode::InvalidResponse);
    }

    #[test]
    fn string_expiry_forms() {
        for (s, want) in [("60", 60.0), (" 7 ", 7.0), ("1.5", 1.5), ("0", 0.0)] {
            let body = format!(r#"{{"access_token":"a","token_type":"b","expires_in":"{s}"}}"#);
            assert_eq!(parse_token_response(200, &body, 0.0).unwrap().expires_in, Some(want), "{s}");
        }
        for bad in ["1e3", "0x10", "1.", ".5", "+1", "1 2"] {
            let body = format!(r#"{{"access_token":"a","token_type":"b","expires_in":"{bad}"}}"#);
            assert!(parse_token_response(200, &body, 0.0).is_err(), "{bad}");
        }
    }

    #[test]
    fn status_appears_in_the_detail() {
        let e = parse_token_response(503, "{}", 0.0).unwrap_err();
        assert_eq!(e.detail(), Some("the token endpoint answered 503"));
        let e = parse_token_response(0, "<html>", 0.0).unwrap_err();
        assert_eq!(e.detail(), Some("the token endpoint answered 0 without a JSON object"));
    }

    #[test]
    fn revoke() {
        assert!(parse_revoke_response(200, "").is_ok());
        assert!(parse_revoke_response(200, "{}").is_ok());
        assert_eq!(
            *parse_revoke_response(400, r#"{"error":"unsupported_token_type"}"#).unwrap_err().code(),
            ErrorCode::UnsupportedTokenType
        );
        assert_eq!(*parse_revoke_response(503, "busy").unwrap_err().code(), ErrorCode::InvalidResponse);
        assert!(parse_revoke_response(204, r#"{"error":"invalid_request"}"#).is_ok());
        let e = parse_revoke_response(400, r#"{"error":"invalid_client","error_description":"no"}"#).unwrap_err();
        assert_eq!((e.code(), e.detail()), (&ErrorCode::InvalidClient, Some("no")));
        assert_eq!(*parse_revoke_response(0, "").unwrap_err().code(), ErrorCode::InvalidResponse);
    }

    #[test]
    fn encodings() {
        assert_eq!(BodyEncoding::parse(None).unwrap(), BodyEncoding::Form);
        assert_eq!(BodyEncoding::parse(Some("json")).unwrap().content_type(), "application/json");
        assert_eq!(BodyEncoding::parse(Some("form")).unwrap().content_type(), "application/x-www-form-urlencoded");
        assert_eq!(BodyEncoding::default(), BodyEncoding::Form);
        for bad in ["xml", "JSON", "", " form"] {
            assert_eq!(*BodyEncoding::parse(Some(bad)).unwrap_err().code(), ErrorCode::InvalidOptions);
        }
    }

    proptest! {
        #[test]
        fn bodies_round_trip(client_id in ".{0,12}", code in ".{0,24}", verifier in ".{0,12}", redirect in ".{0,24}") {
            let req = TokenRequest::ExchangeCode {
                client_id: &client_id, code: &code, code_verifier: &verifier, redirect_uri: &redirect,
            };
            let form: Vec<(String, String)> =
                form_urlencoded::parse(req.body(BodyEncoding::Form).as_bytes()).into_owned().collect();
            let want = |k: &str, v: &str| (k.to_string(), v.to_string());
            prop_assert_eq!(form, vec![
                want("grant_type", "authorization_code"), want("code", &code), want("redirect_uri", &redirect),
                want("client_id", &client_id), want("code_verifier", &verifier),
            ]);
            let json: Value = serde_json::from_str(&req.body(BodyEncoding::Json)).unwrap();
            prop_assert_eq!(json.get("code").and_then(Value::as_str), Some(code.as_str()));
            prop_assert_eq!(json.get("redirect_uri").and_then(Value::as_str), Some(redirect.as_str()));
            prop_assert_eq!(json.get("client_id").and_then(Value::as_str), Some(client_id.as_str()));
            prop_assert_eq!(json.as_object().map(|m| m.len()), Some(5));
        }

        #[test]
        fn secrets_never_reach_errors_or_debug(token in "[A-Za-z0-9]{12,20}", status in 0u16..600, expires in proptest::option::of(-5i64..5)) {
            let expiry = expires.map(|e| format!(r#","expires_in":{e}"#)).unwrap_or_default();
            let body = format!(r#"{{"access_token":"{token}","refresh_token":"{token}","token_type":"Bearer"{expiry}}}"#);
            match parse_token_response(status, &body, 0.0) {
                Ok(t) => {
                    let shown = format!("{:?}", t);
                    prop_assert!(!shown.contains(&token));
                }
                Err(e) => {
                    let shown = format!("{} {:?}", e, e);
                    prop_assert!(!shown.contains(&token));
                }
            }
        }

        #[test]
        fn never_panics(status in 0u16..1000, body in ".*") {
            let _ = parse_token_response(status, &body, 0.0);
            let _ = parse_revoke_response(status, &body);
        }
    }
}

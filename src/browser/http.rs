//! Token endpoint calls for public clients with the browser's `fetch` (docs/flows.md#tokens;
//! RFC 6749 §4.1.3, §6; RFC 7009 §2). Bodies and responses are built and judged by
//! [`crate::token`], the response body parsed with `JSON.parse`; this module only moves
//! bytes. Tokens travel in request bodies, never in URLs or logs.
//!
//! `fetch` through `web-sys` rather than `gloo-net`: one POST needs none of its builder,
//! `http` types or body helpers, and they cost about 3 KB of wasm (docs/decisions.md#dependencies).

use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

use super::js_data::JsData;
use crate::error::{ConnectError, ErrorCode};
use crate::token::{parse_revoke_response, parse_token_response, BodyEncoding, TokenRequest, TokenResponse};
use crate::validate::validate_endpoint;

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

fn required(value: &str, name: &str) -> Result<(), ConnectError> {
    if value.is_empty() {
        return Err(ConnectError::invalid_options([name, " is required"].concat()));
    }
    Ok(())
}

/// One token endpoint call, its options checked and its body built: what both the Rust
/// calls here and the JS skin (which sends it with its own `fetch`) send.
pub(crate) struct Prepared {
    /// The endpoint, checked.
    pub endpoint: String,
    /// The option that named it, for the `network_error` detail.
    pub what: &'static str,
    /// The body's encoding.
    pub encoding: BodyEncoding,
    /// The request body.
    pub body: String,
}

impl Prepared {
    fn new(
        endpoint: &str,
        what: &'static str,
        encoding: BodyEncoding,
        req: TokenRequest<'_>,
    ) -> Result<Self, ConnectError> {
        validate_endpoint(endpoint, what)?;
        Ok(Prepared { endpoint: endpoint.to_owned(), what, encoding, body: req.body(encoding) })
    }

    /// The `network_error` for an endpoint that could not be reached.
    pub(crate) fn unreachable(&self) -> ConnectError {
        ConnectError::with_detail(ErrorCode::NetworkError, [self.what, " could not be reached"].concat())
    }
}

impl ExchangeCode {
    pub(crate) fn prepare(&self) -> Result<Prepared, ConnectError> {
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
        Prepared::new(&self.token_endpoint, "token_endpoint", self.body_encoding, req)
    }
}

impl RefreshToken {
    pub(crate) fn prepare(&self) -> Result<Prepared, ConnectError> {
        required(&self.client_id, "client_id")?;
        required(&self.refresh_token, "refresh_token")?;
        let req = TokenRequest::Refresh { client_id: &self.client_id, refresh_token: &self.refresh_token, scope: None };
        Prepared::new(&self.token_endpoint, "token_endpoint", self.body_encoding, req)
    }
}

impl RevokeToken {
    pub(crate) fn prepare(&self) -> Result<Prepared, ConnectError> {
        required(&self.client_id, "client_id")?;
        required(&self.token, "token")?;
        let req = TokenRequest::Revoke { client_id: &self.client_id, token: &self.token, token_type_hint: None };
        Prepared::new(&self.revocation_endpoint, "revocation_endpoint", self.body_encoding, req)
    }
}

/// Sends a prepared call; the answer's status and its body parsed as JSON (`undefined`
/// when it is not JSON).
async fn post(p: Prepared) -> Result<(u16, JsValue), ConnectError> {
    let network = |_| p.unreachable();
    let window = super::window().ok_or_else(|| ConnectError::invalid_options("no window: run this in a browser"))?;
    let headers = Object::new();
    let _ = Reflect::set(&headers, &"Content-Type".into(), &p.encoding.content_type().into());
    let _ = Reflect::set(&headers, &"Accept".into(), &"application/json".into());
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&p.body));
    let response: Response =
        JsFuture::from(window.fetch_with_str_and_init(&p.endpoint, &init)).await.map_err(network)?.unchecked_into();
    let text = JsFuture::from(response.text().map_err(network)?).await.map_err(network)?;
    let json = text.as_string().and_then(|t| JSON::parse(&t).ok()).unwrap_or(JsValue::UNDEFINED);
    Ok((response.status(), json))
}

/// A JSON body as message data; `None` when the body was not JSON.
pub(crate) fn json_body(json: &JsValue) -> Option<JsData<'_>> {
    Some(JsData(json)).filter(|_| !json.is_undefined())
}

/// Exchanges an authorization code for tokens (RFC 6749 §4.1.3, RFC 7636 §4.5).
pub async fn exchange_code(o: &ExchangeCode) -> Result<TokenResponse, ConnectError> {
    let (status, json) = post(o.prepare()?).await?;
    parse_token_response(status, json_body(&json).as_ref().map(|b| b as _), js_sys::Date::now())
}

/// Refreshes an access token (RFC 6749 §6).
pub async fn refresh_token(o: &RefreshToken) -> Result<TokenResponse, ConnectError> {
    let (status, json) = post(o.prepare()?).await?;
    parse_token_response(status, json_body(&json).as_ref().map(|b| b as _), js_sys::Date::now())
}

/// Revokes a token (RFC 7009 §2).
pub async fn revoke_token(o: &RevokeToken) -> Result<(), ConnectError> {
    let (status, json) = post(o.prepare()?).await?;
    parse_revoke_response(status, json_body(&json).as_ref().map(|b| b as _))
}

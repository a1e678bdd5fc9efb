//! Rust results to plain JS data (docs/results.md: camelCase, `null` for absent values,
//! numbers for times) and `ConnectError` to the JS `Error` subclass. Each result is taken
//! apart field by field (a field added to its struct does not compile here until it is
//! given a JS name) and built by name with `object!`. The tests below hold each object's
//! keys, in order, to the result type's `JS_FIELDS`, which `src/contract.rs` holds to
//! `index.d.ts`.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use vendo_connect::__skin::{js_detail, TYPE_ACK, TYPE_DONE, TYPE_ERROR};
use vendo_connect::browser::FlowEvent;
use vendo_connect::{
    Authorization, AuthorizationResponse, Callback, ConnectError, ConnectLinkResponse, Connection, LinkedTool, Outcome,
    RedirectResult, TokenResponse, VendoMessage,
};

#[wasm_bindgen(module = "/src/connect-error.js")]
extern "C" {
    /// The JS `ConnectError` class (an `Error` subclass).
    #[wasm_bindgen(js_name = ConnectError)]
    pub type JsConnectError;

    #[wasm_bindgen(constructor, js_class = ConnectError)]
    fn new(code: &str, detail: Option<&str>, provider: Option<&str>) -> JsConnectError;
}

/// A `ConnectError` instance for `e`.
pub fn error(e: ConnectError) -> JsValue {
    let detail = e.detail().map(js_detail);
    JsConnectError::new(e.code().as_str(), detail.as_deref(), e.provider()).into()
}

/// A JS string or `null`.
pub fn opt(v: Option<impl AsRef<str>>) -> JsValue {
    v.map_or(JsValue::NULL, |s| JsValue::from_str(s.as_ref()))
}

/// A JS string. Like [`opt`], it takes result fields by value: each `String` is freed here,
/// once, rather than by every caller's drop of what is left of its struct.
pub fn s(v: impl AsRef<str>) -> JsValue {
    JsValue::from_str(v.as_ref())
}

/// `onEvent`'s argument: `{ kind, detail }`.
pub fn flow_event(e: &FlowEvent) -> JsValue {
    object! { "kind" => s(e.kind.as_str()), "detail" => opt(e.detail.as_deref()) }
}

/// Any flow's result.
pub fn outcome(o: Outcome) -> JsValue {
    match o {
        Outcome::Connection(c) => connection(c),
        Outcome::Authorization(a) => authorization(a),
        Outcome::ConnectLink(l) => linked(l),
    }
}

/// `completeRedirect()`'s result (docs/results.md#redirect-result): the flow's result with
/// `flow` (`"authorize"` or `"connectLink"`) and `appState` (the app's value, or `null`).
pub fn redirect_result(r: RedirectResult) -> JsValue {
    let flow = r.flow().as_str();
    let RedirectResult { outcome: result, app_state } = r;
    let value = outcome(result);
    let app_state = app_state.and_then(|text| js_sys::JSON::parse(&text).ok()).unwrap_or(JsValue::NULL);
    let _ = Reflect::set(&value, &s("flow"), &s(flow));
    let _ = Reflect::set(&value, &s("appState"), &app_state);
    value
}

/// `authorize()`'s result (docs/results.md#authorization).
fn authorization(a: Authorization) -> JsValue {
    let Authorization { code, state, code_verifier, redirect_uri, iss } = a;
    object! {
        "code" => s(code),
        "state" => s(state),
        "codeVerifier" => opt(code_verifier.as_ref().map(|v| v.secret())),
        "redirectUri" => s(redirect_uri),
        "iss" => opt(iss),
    }
}

/// `connect()`'s result (docs/results.md#connection).
fn connection(c: Connection) -> JsValue {
    let Connection { provider, connection_id, external_id, display_name, return_url, state } = c;
    object! {
        "provider" => s(provider),
        "connectionId" => s(connection_id),
        "externalId" => opt(external_id),
        "displayName" => opt(display_name),
        "returnUrl" => opt(return_url),
        "state" => s(state),
    }
}

/// `openConnectLink()`'s result (docs/results.md#linked-tool).
fn linked(l: LinkedTool) -> JsValue {
    let LinkedTool { tool, connection_id } = l;
    object! { "tool" => s(tool), "connectionId" => s(connection_id) }
}

/// A token response (docs/results.md#tokens); `extra` keeps unknown fields as JSON values.
pub fn tokens(t: TokenResponse) -> JsValue {
    let TokenResponse { access_token, token_type, expires_in, expires_at, refresh_token, scope, id_token, extra } = t;
    let num = |v: Option<f64>| v.map_or(JsValue::NULL, JsValue::from_f64);
    object! {
        "accessToken" => s(access_token),
        "tokenType" => s(token_type),
        "expiresIn" => num(expires_in),
        "expiresAt" => num(expires_at),
        "refreshToken" => opt(refresh_token),
        "scope" => opt(scope),
        "idToken" => opt(id_token),
        "extra" => js_sys::JSON::parse(&extra).unwrap_or_else(|_| Object::new().into()),
    }
}

/// `parseVendoMessage()`'s result: the message with camelCase fields.
pub fn vendo_message(m: VendoMessage) -> JsValue {
    match m {
        VendoMessage::Done(d) => {
            object! {
                "type" => s(TYPE_DONE),
                "provider" => s(d.provider),
                "connectionId" => s(d.connection_id),
                "externalId" => opt(d.external_id),
                "displayName" => opt(d.display_name),
                "returnUrl" => opt(d.return_url),
                "state" => opt(d.state),
            }
        }
        VendoMessage::Error(e) => {
            object! {
                "type" => s(TYPE_ERROR),
                "code" => s(e.code),
                "detail" => opt(e.detail),
                "provider" => opt(e.provider),
                "state" => opt(e.state),
            }
        }
        VendoMessage::Ack(a) => {
            object! { "type" => s(TYPE_ACK), "connectionId" => s(a.connection_id) }
        }
    }
}

/// `parseCallbackUrl()`'s result, tagged by `type`.
pub fn callback(c: Callback) -> JsValue {
    match c {
        Callback::Authorization(AuthorizationResponse::Code { code, state, iss }) => {
            object! { "type" => s("code"), "code" => s(code), "state" => opt(state), "iss" => opt(iss) }
        }
        Callback::Authorization(AuthorizationResponse::Error { error, error_description, error_uri, state, iss }) => {
            object! {
                "type" => s("error"),
                "error" => s(error),
                "errorDescription" => opt(error_description),
                "errorUri" => opt(error_uri),
                "state" => opt(state),
                "iss" => opt(iss),
            }
        }
        Callback::ConnectLink(ConnectLinkResponse::Ok { tool, connection_id, vc_state }) => {
            object! {
                "type" => s("connect_link_ok"),
                "tool" => s(tool),
                "connectionId" => s(connection_id),
                "vcState" => opt(vc_state),
            }
        }
        Callback::ConnectLink(ConnectLinkResponse::Error { error, vc_state }) => {
            object! { "type" => s("connect_link_error"), "error" => s(error), "vcState" => opt(vc_state) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vendo_connect::CodeVerifier;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// The object's own keys, in order.
    fn keys(o: &JsValue) -> Vec<String> {
        Object::keys(o.unchecked_ref::<Object>()).iter().map(|k| k.as_string().unwrap()).collect()
    }

    fn connection_result() -> Connection {
        Connection {
            provider: "notion".into(),
            connection_id: "c".into(),
            external_id: None,
            display_name: Some("Acme".into()),
            return_url: None,
            state: "s".into(),
        }
    }

    fn authorization_result() -> Authorization {
        Authorization {
            code: "code".into(),
            state: "s".into(),
            code_verifier: Some(CodeVerifier::new("v".repeat(43)).unwrap()),
            redirect_uri: "https://app.example/cb".into(),
            iss: None,
        }
    }

    /// Each result object has its documented fields (`JS_FIELDS`, held to `index.d.ts` by
    /// src/contract.rs), in that order, and no other.
    #[wasm_bindgen_test]
    fn each_result_has_its_documented_fields_in_order() {
        assert_eq!(keys(&connection(connection_result())), Connection::JS_FIELDS);
        assert_eq!(keys(&authorization(authorization_result())), Authorization::JS_FIELDS);
        assert_eq!(keys(&linked(LinkedTool { tool: "t".into(), connection_id: "c".into() })), LinkedTool::JS_FIELDS);
        let t = TokenResponse {
            access_token: "a".into(),
            token_type: "Bearer".into(),
            expires_in: Some(60.0),
            expires_at: None,
            refresh_token: None,
            scope: None,
            id_token: None,
            extra: "{}".into(),
        };
        assert_eq!(keys(&tokens(t)), TokenResponse::JS_FIELDS);

        let r = RedirectResult { outcome: Outcome::Authorization(authorization_result()), app_state: None };
        let added: Vec<&str> = Authorization::JS_FIELDS.iter().chain(&RedirectResult::JS_FIELDS).copied().collect();
        assert_eq!(keys(&redirect_result(r)), added, "completeRedirect() adds its fields after the flow's");
    }
}

//! Rust results to plain JS data (SPEC §2: camelCase, `null` for absent values, numbers
//! for times) and `ConnectError` to the JS `Error` subclass.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::browser::FlowEvent;
use crate::callback::{AuthorizationResponse, Callback, ConnectLinkResponse};
use crate::error::ConnectError;
use crate::message::VendoMessage;
use crate::protocol::{Connection, LinkedTool};
use crate::token::TokenResponse;

#[wasm_bindgen(module = "/src/js/connect-error.js")]
extern "C" {
    /// The JS `ConnectError` class (an `Error` subclass).
    #[wasm_bindgen(js_name = ConnectError)]
    pub type JsConnectError;

    #[wasm_bindgen(constructor, js_class = ConnectError)]
    fn new(code: &str, detail: Option<String>, provider: Option<String>) -> JsConnectError;
}

/// A `ConnectError` instance for `e`.
pub fn error(e: ConnectError) -> JsValue {
    JsConnectError::new(e.code.as_str(), e.detail, e.provider).into()
}

/// A JS string or `null`.
pub fn opt(v: Option<impl AsRef<str>>) -> JsValue {
    v.map_or(JsValue::NULL, |s| JsValue::from_str(s.as_ref()))
}

/// A plain object from key/value pairs.
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

/// `onEvent`'s argument: `{ kind, detail }`.
pub fn flow_event(e: &FlowEvent) -> JsValue {
    object(&[("kind", s(e.kind)), ("detail", opt(e.detail.as_deref()))])
}

/// `connect()`'s result (SPEC §1.1).
pub fn connection(c: Connection) -> JsValue {
    object(&[
        ("provider", s(&c.provider)),
        ("connectionId", s(&c.connection_id)),
        ("externalId", opt(c.external_id)),
        ("displayName", opt(c.display_name)),
        ("returnUrl", opt(c.return_url)),
        ("state", s(&c.state)),
    ])
}

/// `openConnectLink()`'s result (SPEC §1.3).
pub fn linked(l: LinkedTool) -> JsValue {
    object(&[("tool", s(&l.tool)), ("connectionId", s(&l.connection_id))])
}

/// A token response (SPEC §1.2); `extra` keeps unknown fields as JSON values.
pub fn tokens(t: TokenResponse) -> JsValue {
    let num = |v: Option<f64>| v.map_or(JsValue::NULL, JsValue::from_f64);
    let extra = json_object(&t.extra);
    object(&[
        ("accessToken", s(&t.access_token)),
        ("tokenType", s(&t.token_type)),
        ("expiresIn", num(t.expires_in)),
        ("expiresAt", num(t.expires_at)),
        ("refreshToken", opt(t.refresh_token.as_deref())),
        ("scope", opt(t.scope.as_deref())),
        ("idToken", opt(t.id_token.as_deref())),
        ("extra", extra),
    ])
}

fn json_object(map: &serde_json::Map<String, serde_json::Value>) -> JsValue {
    let o = Object::new();
    for (k, v) in map {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &json_value(v));
    }
    o.into()
}

fn json_value(v: &serde_json::Value) -> JsValue {
    use serde_json::Value;
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => n.as_f64().map_or(JsValue::NULL, JsValue::from_f64),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => items.iter().map(json_value).collect::<js_sys::Array>().into(),
        Value::Object(map) => json_object(map),
    }
}

/// `parseVendoMessage()`'s result: the message with camelCase fields.
pub fn vendo_message(m: VendoMessage) -> JsValue {
    match m {
        VendoMessage::Done(d) => object(&[
            ("type", s(crate::message::TYPE_DONE)),
            ("provider", s(&d.provider)),
            ("connectionId", s(&d.connection_id)),
            ("externalId", opt(d.external_id)),
            ("displayName", opt(d.display_name)),
            ("returnUrl", opt(d.return_url)),
            ("state", opt(d.state)),
        ]),
        VendoMessage::Error(e) => object(&[
            ("type", s(crate::message::TYPE_ERROR)),
            ("code", s(&e.code)),
            ("detail", opt(e.detail)),
            ("provider", opt(e.provider)),
            ("state", opt(e.state)),
        ]),
        VendoMessage::Ack(a) => object(&[("type", s(crate::message::TYPE_ACK)), ("connectionId", s(&a.connection_id))]),
    }
}

/// `parseCallbackUrl()`'s result, tagged by `type`.
pub fn callback(c: Callback) -> JsValue {
    match c {
        Callback::Authorization(AuthorizationResponse::Code { code, state, iss }) => {
            object(&[("type", s("code")), ("code", s(&code)), ("state", opt(state)), ("iss", opt(iss))])
        }
        Callback::Authorization(AuthorizationResponse::Error { error, error_description, error_uri, state, iss }) => {
            object(&[
                ("type", s("error")),
                ("error", s(&error)),
                ("errorDescription", opt(error_description)),
                ("errorUri", opt(error_uri)),
                ("state", opt(state)),
                ("iss", opt(iss)),
            ])
        }
        Callback::ConnectLink(ConnectLinkResponse::Ok { tool, connection_id, vc_state }) => object(&[
            ("type", s("connect_link_ok")),
            ("tool", s(&tool)),
            ("connectionId", s(&connection_id)),
            ("vcState", opt(vc_state)),
        ]),
        Callback::ConnectLink(ConnectLinkResponse::Error { error, vc_state }) => {
            object(&[("type", s("connect_link_error")), ("error", s(&error)), ("vcState", opt(vc_state))])
        }
    }
}

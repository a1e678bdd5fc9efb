//! Rust results to plain JS data (docs/results.md: camelCase, `null` for absent values,
//! numbers for times) and `ConnectError` to the JS `Error` subclass. The field names come
//! from the result types' `JS_FIELDS` lists, which a test holds against `index.d.ts`.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::browser::js_data::object;
use crate::callback::{AuthorizationResponse, Callback, ConnectLinkResponse};
use crate::error::ConnectError;
use crate::flow::FlowEvent;
use crate::message::VendoMessage;
use crate::redirect::RedirectResult;
use crate::results::{Authorization, Connection, LinkedTool, Outcome};
use crate::token::TokenResponse;

#[wasm_bindgen(module = "/src/js/connect-error.js")]
extern "C" {
    /// The JS `ConnectError` class (an `Error` subclass).
    #[wasm_bindgen(js_name = ConnectError)]
    pub type JsConnectError;

    #[wasm_bindgen(constructor, js_class = ConnectError)]
    fn new(code: &str, detail: Option<&str>, provider: Option<&str>) -> JsConnectError;
}

/// A `ConnectError` instance for `e`.
pub fn error(e: ConnectError) -> JsValue {
    let detail = e.detail.as_deref().map(crate::validate::js_detail);
    JsConnectError::new(e.code.as_str(), detail.as_deref(), e.provider.as_deref()).into()
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
    let [flow, app_state] = RedirectResult::JS_FIELDS;
    let kind = r.flow().as_str();
    let value = outcome(r.outcome);
    let state = r.app_state.and_then(|text| js_sys::JSON::parse(&text).ok()).unwrap_or(JsValue::NULL);
    let _ = Reflect::set(&value, &s(flow), &s(kind));
    let _ = Reflect::set(&value, &s(app_state), &state);
    value
}

/// `authorize()`'s result (docs/results.md#authorization).
fn authorization(a: Authorization) -> JsValue {
    let verifier = opt(a.code_verifier.as_ref().map(|v| v.secret()));
    object(&Authorization::JS_FIELDS, &[s(a.code), s(a.state), verifier, s(a.redirect_uri), opt(a.iss)])
}

/// `connect()`'s result (docs/results.md#connection).
fn connection(c: Connection) -> JsValue {
    let values =
        [s(c.provider), s(c.connection_id), opt(c.external_id), opt(c.display_name), opt(c.return_url), s(c.state)];
    object(&Connection::JS_FIELDS, &values)
}

/// `openConnectLink()`'s result (docs/results.md#linked-tool).
fn linked(l: LinkedTool) -> JsValue {
    object(&LinkedTool::JS_FIELDS, &[s(l.tool), s(l.connection_id)])
}

/// A token response (docs/results.md#tokens); `extra` keeps unknown fields as JSON values.
pub fn tokens(t: TokenResponse) -> JsValue {
    let num = |v: Option<f64>| v.map_or(JsValue::NULL, JsValue::from_f64);
    let extra = js_sys::JSON::parse(&t.extra).unwrap_or_else(|_| Object::new().into());
    let values = [
        s(t.access_token),
        s(t.token_type),
        num(t.expires_in),
        num(t.expires_at),
        opt(t.refresh_token.as_deref()),
        opt(t.scope.as_deref()),
        opt(t.id_token.as_deref()),
        extra,
    ];
    object(&TokenResponse::JS_FIELDS, &values)
}

/// `parseVendoMessage()`'s result: the message with camelCase fields.
pub fn vendo_message(m: VendoMessage) -> JsValue {
    match m {
        VendoMessage::Done(d) => {
            object! {
                "type" => s(crate::message::TYPE_DONE),
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
                "type" => s(crate::message::TYPE_ERROR),
                "code" => s(e.code),
                "detail" => opt(e.detail),
                "provider" => opt(e.provider),
                "state" => opt(e.state),
            }
        }
        VendoMessage::Ack(a) => {
            object! { "type" => s(crate::message::TYPE_ACK), "connectionId" => s(a.connection_id) }
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

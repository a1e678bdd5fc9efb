//! Typed popup messages: Vendo's `vendo:oauth:done` / `vendo:oauth:error` /
//! `vendo:connection:ack` (docs/wire.md#messages, docs/flows.md#connect) and this SDK's own callback envelope
//! between the app's callback page and the opener (docs/flows.md#callback-page).
//!
//! Parsers read through [`MessageData`], so they are pure and testable natively, while the
//! browser layer reads a JS value without ever throwing. Anything that is not exactly a
//! documented message (wrong types, missing fields, unknown `type`) parses to `None`.

/// One field of a message, as far as these parsers care.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    /// The key is absent (or `undefined`).
    Missing,
    /// The value is `null`.
    Null,
    /// The value is a string.
    Str(String),
    /// The value is a finite number.
    Num(f64),
    /// Any other value (boolean, object, a getter that throws, …).
    Other,
}

/// A message's data: a plain object whose fields can be read. The browser reads a JS
/// value through it without throwing; tests read `serde_json` values.
pub trait MessageData {
    /// Whether the value is a plain object (not an array, function or primitive).
    fn is_plain_object(&self) -> bool;
    /// Reads one field.
    fn field(&self, key: &str) -> Field;
    /// The object without the `known` keys, as JSON text (`{}` when nothing is left): what
    /// a token response keeps in `extra` (docs/results.md#tokens).
    fn rest_as_json(&self, known: &[&str]) -> String;
}

#[cfg(test)]
impl MessageData for serde_json::Value {
    fn is_plain_object(&self) -> bool {
        self.is_object()
    }

    fn field(&self, key: &str) -> Field {
        match self.as_object().and_then(|o| o.get(key)) {
            None => Field::Missing,
            Some(serde_json::Value::Null) => Field::Null,
            Some(serde_json::Value::String(s)) => Field::Str(s.clone()),
            Some(serde_json::Value::Number(n)) => n.as_f64().map_or(Field::Other, Field::Num),
            Some(_) => Field::Other,
        }
    }

    fn rest_as_json(&self, known: &[&str]) -> String {
        let mut map = self.as_object().cloned().unwrap_or_default();
        map.retain(|k, _| !known.contains(&k.as_str()));
        serde_json::Value::Object(map).to_string()
    }
}

/// The `BroadcastChannel` a redirect flow and its callback page share (docs/wire.md#channel).
pub fn channel_name(state: &str) -> String {
    let mut name = String::from("vendo-connect:");
    name.push_str(state);
    name
}

/// The channel a popup flow listens on besides the popup itself: only when its callback page
/// is on the opener's own origin (a `BroadcastChannel` reaches only its own origin) and the
/// flow has a state to name it by (docs/flows.md#callback-page).
pub fn flow_channel(callback_origin: &str, opener_origin: &str, state: Option<&str>) -> Option<String> {
    state.filter(|_| callback_origin == opener_origin).map(channel_name)
}

/// `type` of a successful Vendo callback.
pub const TYPE_DONE: &str = "vendo:oauth:done";
/// `type` of a failed Vendo callback.
pub const TYPE_ERROR: &str = "vendo:oauth:error";
/// `type` of the opener's acknowledgement.
pub const TYPE_ACK: &str = "vendo:connection:ack";
/// `type` of the envelope the app's callback page posts (docs/flows.md#callback-page).
pub const TYPE_CALLBACK: &str = "vendo-connect:callback";
/// `type` of the opener's answer to the envelope.
pub const TYPE_CALLBACK_ACK: &str = "vendo-connect:callback:ack";

/// A Vendo popup message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VendoMessage {
    /// `vendo:oauth:done`.
    Done(VendoDone),
    /// `vendo:oauth:error`.
    Error(VendoFailure),
    /// `vendo:connection:ack`.
    Ack(VendoAck),
}

/// `vendo:oauth:done` (docs/wire.md#done-message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VendoDone {
    /// The provider slug.
    pub provider: String,
    /// Vendo's connection id.
    pub connection_id: String,
    /// `vendo_conn_…`.
    pub external_id: Option<String>,
    /// A label for the account.
    pub display_name: Option<String>,
    /// The `returnTo` path echoed, or `None`.
    pub return_url: Option<String>,
    /// The caller's state, when echoed.
    pub state: Option<String>,
}

/// `vendo:oauth:error` (docs/wire.md#error-message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VendoFailure {
    /// The server's (or provider's) code.
    pub code: String,
    /// Its detail.
    pub detail: Option<String>,
    /// The provider, when sent.
    pub provider: Option<String>,
    /// The caller's state, when echoed.
    pub state: Option<String>,
}

/// `vendo:connection:ack` (docs/wire.md#ack-message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VendoAck {
    /// The acknowledged connection.
    pub connection_id: String,
}

/// The envelope the app's callback page posts to the opener (docs/flows.md#callback-page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackEnvelope {
    /// The flow's state (`""` for a connect link minted without one).
    pub state: String,
    /// The callback URL's query, without `?`.
    pub query: String,
}

/// Reads a message's string fields, noting whether each had the documented type, so a
/// message is built whole and refused once at the end.
struct Fields<'a> {
    data: &'a dyn MessageData,
    valid: bool,
}

impl Fields<'_> {
    /// A required, non-empty string.
    fn required(&mut self, key: &str) -> String {
        match self.data.field(key) {
            Field::Str(s) if !s.is_empty() => s,
            _ => {
                self.valid = false;
                String::new()
            }
        }
    }

    /// A string, `null` or absent (`None` for the latter two).
    fn optional(&mut self, key: &str) -> Option<String> {
        match self.data.field(key) {
            Field::Missing | Field::Null => None,
            Field::Str(s) => Some(s),
            Field::Num(_) | Field::Other => {
                self.valid = false;
                None
            }
        }
    }
}

fn message_type(data: &dyn MessageData) -> Option<String> {
    if !data.is_plain_object() {
        return None;
    }
    match data.field("type") {
        Field::Str(t) => Some(t),
        _ => None,
    }
}

/// Parses a Vendo popup message; `None` for anything else. Never panics.
pub fn parse_vendo_message(data: &dyn MessageData) -> Option<VendoMessage> {
    let mut f = Fields { data, valid: true };
    let message = match message_type(data)?.as_str() {
        TYPE_DONE => VendoMessage::Done(VendoDone {
            provider: f.required("provider"),
            connection_id: f.required("connection_id"),
            external_id: f.optional("external_id"),
            display_name: f.optional("display_name"),
            return_url: f.optional("return_url"),
            state: f.optional("state"),
        }),
        TYPE_ERROR => VendoMessage::Error(VendoFailure {
            code: f.required("code"),
            detail: f.optional("detail"),
            provider: f.optional("provider"),
            state: f.optional("state"),
        }),
        TYPE_ACK => VendoMessage::Ack(VendoAck { connection_id: f.required("connection_id") }),
        _ => return None,
    };
    f.valid.then_some(message)
}

/// Parses the callback page's envelope; `None` for anything else.
pub fn parse_callback_envelope(data: &dyn MessageData) -> Option<CallbackEnvelope> {
    if message_type(data)? != TYPE_CALLBACK {
        return None;
    }
    match (data.field("state"), data.field("query")) {
        (Field::Str(state), Field::Str(query)) => Some(CallbackEnvelope { state, query }),
        _ => None,
    }
}

/// Parses the opener's answer to the envelope; returns its state.
pub fn parse_callback_ack(data: &dyn MessageData) -> Option<String> {
    if message_type(data)? != TYPE_CALLBACK_ACK {
        return None;
    }
    match data.field("state") {
        Field::Str(state) => Some(state),
        _ => None,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn a_flow_listens_on_its_channel_only_for_a_callback_page_of_its_own_origin() {
        let app = "https://app.example";
        assert_eq!(flow_channel(app, app, Some("s")), Some("vendo-connect:s".to_owned()));
        assert_eq!(flow_channel("https://other.example", app, Some("s")), None, "another origin");
        assert_eq!(flow_channel("https://app.example:8443", app, Some("s")), None, "another port");
        assert_eq!(flow_channel(app, app, None), None, "a link minted elsewhere has no state");
    }
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn done() -> Value {
        json!({
            "type": "vendo:oauth:done", "provider": "notion",
            "connection_id": "00000000-0000-0000-0000-000000000000",
            "external_id": "vendo_conn_1", "display_name": "Acme Notion Workspace",
            "return_url": "/connections/notion"
        })
    }

    #[test]
    fn documented_payloads_parse() {
        let Some(VendoMessage::Done(d)) = parse_vendo_message(&done()) else { panic!() };
        assert_eq!(d.provider, "notion");
        assert_eq!(d.return_url.as_deref(), Some("/connections/notion"));
        assert_eq!(d.state, None);
        let composio = json!({ "type": "vendo:oauth:done", "provider": "google-calendar", "connection_id": "c",
            "external_id": "vendo_conn_2", "display_name": "user@example.com", "return_url": null });
        assert!(matches!(parse_vendo_message(&composio), Some(VendoMessage::Done(VendoDone { return_url: None, .. }))));
        let err = json!({ "type": "vendo:oauth:error", "code": "oauth_state_invalid", "detail": "..." });
        assert_eq!(
            parse_vendo_message(&err),
            Some(VendoMessage::Error(VendoFailure {
                code: "oauth_state_invalid".into(),
                detail: Some("...".into()),
                provider: None,
                state: None,
            }))
        );
        let ack = json!({ "type": "vendo:connection:ack", "connection_id": "c" });
        assert_eq!(parse_vendo_message(&ack), Some(VendoMessage::Ack(VendoAck { connection_id: "c".into() })));
    }

    #[test]
    fn wrong_field_types_invalidate_the_message() {
        for key in ["provider", "connection_id", "external_id", "display_name", "return_url", "state", "type"] {
            for bad in [json!(1), json!(true), json!({}), json!([]), json!(["x"])] {
                let mut m = done();
                m[key] = bad.clone();
                assert_eq!(parse_vendo_message(&m), None, "{key} = {bad}");
            }
        }
        for key in ["provider", "connection_id"] {
            let mut m = done();
            m[key] = json!(null);
            assert_eq!(parse_vendo_message(&m), None, "{key} null");
            m[key] = json!("");
            assert_eq!(parse_vendo_message(&m), None, "{key} empty");
            m.as_object_mut().unwrap().remove(key);
            assert_eq!(parse_vendo_message(&m), None, "{key} missing");
        }
        assert_eq!(parse_vendo_message(&json!({ "type": "vendo:oauth:error", "code": 5 })), None);
        assert_eq!(parse_vendo_message(&json!({ "type": "vendo:oauth:error" })), None);
    }

    #[test]
    fn extra_fields_are_ignored_and_null_optionals_accepted() {
        let mut m = done();
        m["unexpected"] = json!({ "deep": [1, 2, 3] });
        m["display_name"] = json!(null);
        assert!(matches!(parse_vendo_message(&m), Some(VendoMessage::Done(VendoDone { display_name: None, .. }))));
    }

    #[test]
    fn non_messages_are_none() {
        for v in [
            json!(null),
            json!("vendo:oauth:done"),
            json!(42),
            json!([done()]),
            json!({}),
            json!({ "type": "vendo:oauth:DONE" }),
            json!({ "type": "other" }),
        ] {
            assert_eq!(parse_vendo_message(&v), None, "{v}");
        }
    }

    /// docs/wire.md#messages: the contract's messages are objects; one posted as JSON text is
    /// not a message (the engine and `parseVendoMessage` alike).
    #[test]
    fn a_message_as_json_text_is_none() {
        for text in [done().to_string(), json!({ "type": "vendo:connection:ack", "connection_id": "c" }).to_string()] {
            assert_eq!(parse_vendo_message(&Value::String(text.clone())), None, "{text}");
            assert_eq!(parse_callback_envelope(&Value::String(text)), None);
        }
    }

    #[test]
    fn envelope_and_ack() {
        let e = json!({ "type": TYPE_CALLBACK, "state": "s", "query": "code=1&state=s" });
        assert_eq!(
            parse_callback_envelope(&e),
            Some(CallbackEnvelope { state: "s".into(), query: "code=1&state=s".into() })
        );
        let stateless = json!({ "type": TYPE_CALLBACK, "state": "", "query": "status=ok" });
        assert!(parse_callback_envelope(&stateless).is_some());
        assert_eq!(parse_callback_envelope(&json!({ "type": TYPE_CALLBACK, "state": 1, "query": "" })), None);
        assert_eq!(parse_callback_envelope(&json!({ "type": TYPE_CALLBACK, "state": "s" })), None);
        assert_eq!(parse_callback_envelope(&done()), None);
        assert_eq!(parse_callback_ack(&json!({ "type": TYPE_CALLBACK_ACK, "state": "s" })).as_deref(), Some("s"));
        assert_eq!(parse_callback_ack(&json!({ "type": TYPE_ACK, "state": "s" })), None);
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            prop_oneof![Just("vendo:oauth:done".to_owned()), Just("vendo:oauth:error".to_owned()), ".*"]
                .prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("type".to_owned()),
                        Just("connection_id".to_owned()),
                        Just("provider".to_owned()),
                        Just("code".to_owned()),
                        Just("state".to_owned()),
                        "[a-z_]{1,8}"
                    ],
                    inner,
                    0..6,
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn channel_names_carry_the_state() {
        assert_eq!(channel_name("abc"), "vendo-connect:abc");
    }

    proptest! {
        #[test]
        fn parsers_never_panic(v in arb_json()) {
            let _ = parse_vendo_message(&v);
            let _ = parse_callback_envelope(&v);
            let _ = parse_callback_ack(&v);
        }
    }
}

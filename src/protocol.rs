//! What each flow accepts as its answer: the [`Protocol`] judges for the Vendo popup
//! protocol (docs/flows.md#connect, docs/wire.md#messages), OAuth 2.1 authorization responses (docs/flows.md#authorize, RFC 6749
//! §4.1.2, RFC 9207) and hosted connect-link callbacks (docs/flows.md#connect-link, docs/wire.md#callback-query).
//!
//! Every judge fails closed: anything that is not exactly this flow's answer is ignored,
//! and a well-formed answer that breaks a rule (wrong `iss`, wrong kind) rejects.

use crate::callback::{parse_callback_query, AuthorizationResponse, Callback, ConnectLinkResponse};
use crate::error::{ConnectError, ErrorCode, ErrorInfo};
use crate::flow::{Ack, Protocol, Verdict};
use crate::message::{parse_callback_envelope, parse_vendo_message, MessageData, VendoMessage};
use crate::pkce::CodeVerifier;
use crate::results::{Authorization, Connection, LinkedTool, Outcome};

/// The Vendo popup protocol: `vendo:oauth:done` / `vendo:oauth:error` (docs/wire.md#messages).
#[derive(Debug)]
pub struct VendoProtocol {
    /// The flow's state; a message carrying another state is ignored.
    pub state: String,
    /// The requested provider slug, attached to errors.
    pub provider: String,
}

impl Protocol for VendoProtocol {
    fn judge(&mut self, data: &dyn MessageData) -> Verdict {
        match parse_vendo_message(data) {
            None => Verdict::Ignore("not a vendo:oauth message"),
            Some(VendoMessage::Ack(_)) => Verdict::Ignore("an ack is not a result"),
            Some(VendoMessage::Done(done)) => {
                if done.state.as_deref().is_some_and(|s| s != self.state) {
                    return Verdict::Ignore("state does not match");
                }
                let ack = Ack::Vendo { connection_id: done.connection_id.clone() };
                Verdict::Settle {
                    result: Ok(Outcome::Connection(Connection {
                        provider: done.provider,
                        connection_id: done.connection_id,
                        external_id: done.external_id,
                        display_name: done.display_name,
                        return_url: done.return_url,
                        state: self.state.clone(),
                    })),
                    ack: Some(ack),
                }
            }
            Some(VendoMessage::Error(failure)) => {
                if failure.state.as_deref().is_some_and(|s| s != self.state) {
                    return Verdict::Ignore("state does not match");
                }
                let e = ErrorInfo {
                    code: ErrorCode::from_wire(&failure.code),
                    detail: failure.detail,
                    provider: Some(self.provider.clone()),
                };
                Verdict::Settle { result: Err(e.into()), ack: None }
            }
        }
    }
}

/// Redirect flows: the app's callback page posts `{ type: "vendo-connect:callback",
/// state, query }` (docs/flows.md#callback-page) and the opener parses `query` itself. The envelope's state
/// and the state inside the query must both be this flow's (`""`/absent for a stateless
/// connect link), or the message is ignored / rejected.
fn judge_redirect(
    data: &dyn MessageData,
    state: Option<&str>,
    conclude: &mut dyn FnMut(Callback) -> Result<Outcome, ConnectError>,
) -> Verdict {
    let Some(envelope) = parse_callback_envelope(data) else {
        return Verdict::Ignore("not a callback message");
    };
    if envelope.state != state.unwrap_or("") {
        return Verdict::Ignore("state does not match");
    }
    let ack = Some(Ack::Callback { state: envelope.state });
    let result = parse_callback_query(&envelope.query).and_then(|cb| {
        if cb.state() != state {
            return Err(ConnectError::invalid_response("callback state does not match"));
        }
        conclude(cb)
    });
    Verdict::Settle { result, ack }
}

fn wrong_kind() -> Result<Outcome, ConnectError> {
    Err(ConnectError::invalid_response("the callback is of another kind"))
}

/// OAuth 2.1 authorization responses (RFC 6749 §4.1.2, §4.1.2.1; RFC 9207).
#[derive(Debug)]
pub struct AuthorizationProtocol {
    /// The flow's state; compared exactly and required.
    pub state: String,
    /// The expected issuer (RFC 9207 §2.4); `None` skips the `iss` check.
    pub issuer: Option<String>,
    /// The PKCE verifier, moved into the result when the code arrives.
    pub verifier: Option<CodeVerifier>,
    /// The redirect URI of the request, repeated in the result.
    pub redirect_uri: String,
}

impl Protocol for AuthorizationProtocol {
    fn judge(&mut self, data: &dyn MessageData) -> Verdict {
        let AuthorizationProtocol { state, issuer, verifier, redirect_uri } = self;
        judge_redirect(data, Some(state), &mut |cb| {
            conclude_authorization(cb, issuer.as_deref(), verifier.take(), redirect_uri)
        })
    }
}

/// The result of an authorization response whose state was matched already, for both
/// modes (docs/flows.md#authorize, docs/flows.md#redirect-mode): a code resolves with the
/// verifier, an OAuth error rejects with its code, and the `iss` rule of RFC 9207 §2.4
/// applies to both.
pub fn conclude_authorization(
    cb: Callback,
    issuer: Option<&str>,
    verifier: Option<CodeVerifier>,
    redirect_uri: &str,
) -> Result<Outcome, ConnectError> {
    let Callback::Authorization(response) = cb else { return wrong_kind() };
    let (iss, success) = match &response {
        AuthorizationResponse::Code { iss, .. } => (iss, true),
        AuthorizationResponse::Error { iss, .. } => (iss, false),
    };
    check_issuer(issuer, iss.as_deref(), success)?;
    match response {
        AuthorizationResponse::Code { code, state, iss } => Ok(Outcome::Authorization(Authorization {
            code,
            state: state.unwrap_or_default(),
            code_verifier: verifier,
            redirect_uri: redirect_uri.to_owned(),
            iss,
        })),
        AuthorizationResponse::Error { error, error_description, .. } => {
            Err(ErrorInfo { code: ErrorCode::from_wire(&error), detail: error_description, provider: None }.into())
        }
    }
}

/// RFC 9207 §2.4: with an expected issuer, a mismatching `iss` is always rejected and
/// a missing one is rejected on success responses.
fn check_issuer(expected: Option<&str>, iss: Option<&str>, required: bool) -> Result<(), ConnectError> {
    match (expected, iss) {
        (None, _) => Ok(()),
        (Some(expected), Some(got)) if expected == got => Ok(()),
        (Some(_), Some(_)) => Err(ConnectError::invalid_response("iss does not match the issuer")),
        (Some(_), None) if required => Err(ConnectError::invalid_response("iss is missing")),
        (Some(_), None) => Ok(()),
    }
}

/// Hosted connect-link callbacks (`status`/`tool`/`connection_id`/`error`, docs/wire.md#callback-query).
#[derive(Debug)]
pub struct ConnectLinkProtocol {
    /// The `vc_state` the SDK added to the redirect URI; `None` for a link minted
    /// elsewhere, whose callback carries none.
    pub state: Option<String>,
}

impl Protocol for ConnectLinkProtocol {
    fn judge(&mut self, data: &dyn MessageData) -> Verdict {
        judge_redirect(data, self.state.as_deref(), &mut conclude_connect_link)
    }
}

/// The result of a connect-link callback whose state was matched already, for both modes
/// (docs/wire.md#callback-query).
pub fn conclude_connect_link(cb: Callback) -> Result<Outcome, ConnectError> {
    match cb {
        Callback::ConnectLink(ConnectLinkResponse::Ok { tool, connection_id, .. }) => {
            Ok(Outcome::ConnectLink(LinkedTool { tool, connection_id }))
        }
        Callback::ConnectLink(ConnectLinkResponse::Error { error, .. }) => {
            Err(ConnectError::new(ErrorCode::from_wire(&error)))
        }
        Callback::Authorization(_) => wrong_kind(),
    }
}

/// The state a callback page files its envelope under (docs/flows.md#callback-page): the single `vc_state`
/// of a connect-link callback, else the single OAuth `state`, else `""` (a connect link
/// minted without one). `None` when the one it would use appears more than once.
pub fn envelope_state(query: &str) -> Option<String> {
    // `None` when the query is not UTF-8 or repeats `name`.
    let single = |name: &str| -> Option<Option<String>> {
        let mut value = [None];
        crate::query::named_values(query, &[name], &mut value, false).ok()?;
        let [value] = value;
        Some(value)
    };
    match single("vc_state")? {
        Some(v) => Some(v),
        None => Some(single("state")?.unwrap_or_default()),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    fn vendo() -> VendoProtocol {
        VendoProtocol { state: "S".into(), provider: "notion".into() }
    }

    #[test]
    fn vendo_done_resolves_with_an_ack() {
        let data = json!({
            "type": "vendo:oauth:done", "provider": "notion", "connection_id": "c1",
            "external_id": "vendo_conn_1", "display_name": "Acme", "return_url": null, "state": "S"
        });
        let Verdict::Settle { result: Ok(Outcome::Connection(c)), ack } = vendo().judge(&data) else {
            panic!("settles")
        };
        assert_eq!(c.connection_id, "c1");
        assert_eq!(c.state, "S");
        assert_eq!(c.return_url, None);
        assert_eq!(ack, Some(Ack::Vendo { connection_id: "c1".into() }));
    }

    #[test]
    fn vendo_done_without_state_is_accepted_but_a_wrong_state_is_ignored() {
        let without = json!({ "type": "vendo:oauth:done", "provider": "notion", "connection_id": "c1" });
        assert!(matches!(vendo().judge(&without), Verdict::Settle { result: Ok(_), .. }));
        let wrong = json!({ "type": "vendo:oauth:done", "provider": "notion", "connection_id": "c1", "state": "T" });
        assert_eq!(vendo().judge(&wrong), Verdict::Ignore("state does not match"));
        let wrong_err = json!({ "type": "vendo:oauth:error", "code": "x", "state": "T" });
        assert_eq!(vendo().judge(&wrong_err), Verdict::Ignore("state does not match"));
    }

    #[test]
    fn vendo_error_passes_the_server_code_through() {
        for code in ["oauth_state_invalid", "composio_not_active", "access_denied", "brand_new_code"] {
            let data = json!({ "type": "vendo:oauth:error", "code": code, "detail": "d" });
            let Verdict::Settle { result: Err(e), ack: None } = vendo().judge(&data) else { panic!("rejects") };
            assert_eq!(e.code().as_str(), code);
            assert_eq!(e.detail(), Some("d"));
            assert_eq!(e.provider(), Some("notion"));
        }
    }

    #[test]
    fn vendo_ignores_acks_and_garbage() {
        for data in [
            json!({ "type": "vendo:connection:ack", "connection_id": "c" }),
            json!({ "type": "vendo:oauth:done", "provider": "notion", "connection_id": 7 }),
            json!("vendo:oauth:done"),
            json!(null),
            json!([1, 2]),
        ] {
            assert!(matches!(vendo().judge(&data), Verdict::Ignore(_)), "{data}");
        }
    }

    fn envelope(state: &str, query: &str) -> serde_json::Value {
        json!({ "type": "vendo-connect:callback", "state": state, "query": query })
    }

    fn oauth(issuer: Option<&str>) -> AuthorizationProtocol {
        AuthorizationProtocol {
            state: "S".into(),
            issuer: issuer.map(str::to_owned),
            verifier: Some(CodeVerifier::new("v".repeat(43)).unwrap()),
            redirect_uri: "https://app.example/cb".into(),
        }
    }

    #[test]
    fn authorization_code_with_matching_state_and_iss() {
        let mut p = oauth(Some("https://as.example"));
        let v = p.judge(&envelope("S", "code=abc&state=S&iss=https%3A%2F%2Fas.example"));
        let Verdict::Settle { result: Ok(Outcome::Authorization(a)), ack } = v else { panic!("resolves") };
        assert_eq!((a.code.as_str(), a.state.as_str()), ("abc", "S"));
        assert_eq!(a.iss.as_deref(), Some("https://as.example"));
        assert_eq!(a.redirect_uri, "https://app.example/cb");
        assert_eq!(a.code_verifier.as_ref().map(CodeVerifier::secret), Some("v".repeat(43).as_str()));
        assert_eq!(ack, Some(Ack::Callback { state: "S".into() }));
    }

    #[test]
    fn authorization_rejects_wrong_or_missing_iss() {
        let mut p = oauth(Some("https://as.example"));
        for q in ["code=abc&state=S&iss=https%3A%2F%2Fevil.example", "code=abc&state=S"] {
            let Verdict::Settle { result: Err(e), .. } = p.judge(&envelope("S", q)) else { panic!("rejects {q}") };
            assert_eq!(*e.code(), ErrorCode::InvalidResponse, "{q}");
        }
        // Without an expected issuer, iss is reported but not checked.
        assert!(matches!(
            oauth(None).judge(&envelope("S", "code=abc&state=S&iss=x")),
            Verdict::Settle { result: Ok(_), .. }
        ));
    }

    #[test]
    fn authorization_state_must_match_in_envelope_and_query() {
        let mut p = oauth(None);
        assert_eq!(p.judge(&envelope("T", "code=abc&state=T")), Verdict::Ignore("state does not match"));
        let Verdict::Settle { result: Err(e), .. } = p.judge(&envelope("S", "code=abc&state=T")) else { panic!() };
        assert_eq!(*e.code(), ErrorCode::InvalidResponse);
        let Verdict::Settle { result: Err(e), .. } = p.judge(&envelope("S", "code=abc")) else { panic!() };
        assert_eq!(*e.code(), ErrorCode::InvalidResponse);
    }

    #[test]
    fn authorization_error_response_rejects_with_its_code() {
        let v = oauth(None).judge(&envelope("S", "error=access_denied&error_description=User+said+no&state=S"));
        let Verdict::Settle { result: Err(e), .. } = v else { panic!() };
        assert_eq!(*e.code(), ErrorCode::AccessDenied);
        assert_eq!(e.detail(), Some("User said no"));
    }

    #[test]
    fn duplicate_parameters_reject() {
        let v = oauth(None).judge(&envelope("S", "code=a&code=b&state=S"));
        assert!(matches!(v, Verdict::Settle { result: Err(e), .. } if *e.code() == ErrorCode::InvalidResponse));
    }

    #[test]
    fn connect_link_results() {
        let mut p = ConnectLinkProtocol { state: Some("V".into()) };
        let ok = p.judge(&envelope("V", "status=ok&tool=google_sheets&connection_id=conn_1&vc_state=V"));
        let Verdict::Settle { result: Ok(Outcome::ConnectLink(l)), .. } = ok else { panic!() };
        assert_eq!(l, LinkedTool { tool: "google_sheets".into(), connection_id: "conn_1".into() });
        for &code in crate::error::ErrorCode::CONNECT_LINK {
            let v = p.judge(&envelope("V", &format!("status=error&error={code}&vc_state=V")));
            let Verdict::Settle { result: Err(e), .. } = v else { panic!() };
            assert_eq!(e.code().as_str(), code);
        }
        // An OAuth response is the wrong kind for a connect link.
        let v = p.judge(&envelope("V", "code=x&state=V&vc_state=V"));
        assert!(matches!(v, Verdict::Settle { result: Err(_), .. }));
    }

    #[test]
    fn stateless_connect_link_accepts_only_stateless_callbacks() {
        let mut p = ConnectLinkProtocol { state: None };
        assert!(matches!(
            p.judge(&envelope("", "status=ok&tool=t&connection_id=c")),
            Verdict::Settle { result: Ok(_), .. }
        ));
        assert_eq!(
            p.judge(&envelope("X", "status=ok&tool=t&connection_id=c&vc_state=X")),
            Verdict::Ignore("state does not match")
        );
    }

    #[test]
    fn debug_output_carries_no_secret() {
        use crate::flow::{Flow, FlowConfig, Incoming, Input};
        let verifier = "v".repeat(43);
        let config = FlowConfig {
            expected_origin: "https://app.example".into(),
            accept_channel: true,
            opened_at: 0.0,
            timeout_ms: 1.0,
            closed_grace_ms: 1.0,
            detect_close: true,
            close_popup: true,
            blank: false,
        };
        let flow = Flow::new(Box::new(oauth(None)), config);
        let data = envelope("S", "code=the-code&state=S");
        let input = Input::Message(Incoming {
            origin: "https://app.example",
            from_popup: true,
            via_channel: false,
            data: &data,
        });
        let request = crate::token::TokenRequest::ExchangeCode {
            client_id: "client",
            code: "the-code",
            code_verifier: &verifier,
            redirect_uri: "https://app.example/cb",
        };
        for text in [format!("{flow:?}"), format!("{input:?}"), format!("{request:?}"), format!("{:?}", oauth(None))] {
            assert!(!text.contains(&verifier) && !text.contains("the-code"), "{text}");
        }
        assert!(format!("{input:?}").contains("https://app.example"), "the origin is shown");
        assert!(format!("{request:?}").contains("client"), "the client id is shown");
    }

    #[test]
    fn envelope_state_picks_vc_state_then_state() {
        assert_eq!(envelope_state("status=ok&vc_state=V&state=S").as_deref(), Some("V"));
        assert_eq!(envelope_state("code=c&state=S").as_deref(), Some("S"));
        assert_eq!(envelope_state("status=ok&tool=t").as_deref(), Some(""));
        assert_eq!(envelope_state("code=c&state=S&state=T"), None);
        assert_eq!(envelope_state("vc_state=a&vc_state=b"), None);
    }
}

//! What the flows resolve with (docs/results.md): [`Connection`] for `connect`,
//! [`Authorization`] for `authorize`, [`LinkedTool`] for `open_connect_link`, and the one
//! [`Outcome`] the engine settles with, so the engine and its driver are compiled once.
//!
//! Nothing here depends on the engine (`flow`) or the judges (`protocol`): both depend on
//! this module, so the core's imports form no cycle.

use crate::pkce::CodeVerifier;

/// What any flow settles with: one closed enum, so the engine is compiled once.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// `connect`'s result.
    Connection(Connection),
    /// `authorize`'s result.
    Authorization(Authorization),
    /// `open_connect_link`'s result.
    ConnectLink(LinkedTool),
}

/// A flow result type: how it is taken out of an [`Outcome`].
pub trait FlowResult: Sized {
    /// `Some` when the outcome is of this flow's kind.
    fn from_outcome(o: Outcome) -> Option<Self>;
}

impl FlowResult for Connection {
    fn from_outcome(o: Outcome) -> Option<Self> {
        match o {
            Outcome::Connection(c) => Some(c),
            _ => None,
        }
    }
}

impl FlowResult for Authorization {
    fn from_outcome(o: Outcome) -> Option<Self> {
        match o {
            Outcome::Authorization(a) => Some(a),
            _ => None,
        }
    }
}

impl FlowResult for LinkedTool {
    fn from_outcome(o: Outcome) -> Option<Self> {
        match o {
            Outcome::ConnectLink(l) => Some(l),
            _ => None,
        }
    }
}

impl Connection {
    /// The JS result's fields, in order (docs/results.md#connection). `index.d.ts`
    /// (src/contract.rs) and the object the JS skin builds (npm/src/convert.rs) are tested
    /// against this list.
    pub const JS_FIELDS: [&'static str; 6] =
        ["provider", "connectionId", "externalId", "displayName", "returnUrl", "state"];
}

impl Authorization {
    /// The JS result's fields, in order (docs/results.md#authorization).
    pub const JS_FIELDS: [&'static str; 5] = ["code", "state", "codeVerifier", "redirectUri", "iss"];
}

impl LinkedTool {
    /// The JS result's fields, in order (docs/results.md#linked-tool).
    pub const JS_FIELDS: [&'static str; 2] = ["tool", "connectionId"];
}

/// A Vendo connection (docs/results.md#connection).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Connection {
    /// The provider slug the server reports.
    pub provider: String,
    /// Vendo's connection id.
    pub connection_id: String,
    /// The external id (`vendo_conn_…`), if sent.
    pub external_id: Option<String>,
    /// A human label for the account, if sent.
    pub display_name: Option<String>,
    /// The `returnTo` path echoed back, if any.
    pub return_url: Option<String>,
    /// The flow's state.
    pub state: String,
}

/// An authorization code, with what the token request needs (docs/results.md#authorization).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Authorization {
    /// The authorization code.
    pub code: String,
    /// The state, equal to the flow's.
    pub state: String,
    /// The code verifier (redacted in `Debug`), when PKCE was on.
    pub code_verifier: Option<CodeVerifier>,
    /// The redirect URI to repeat in the token request (RFC 6749 §4.1.3).
    pub redirect_uri: String,
    /// The `iss` parameter (RFC 9207), if sent.
    pub iss: Option<String>,
}

/// A hosted connect link's success (docs/results.md#linked-tool).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LinkedTool {
    /// The connector slug.
    pub tool: String,
    /// The persistent connection id.
    pub connection_id: String,
}

#[cfg(all(test, feature = "serde", not(target_arch = "wasm32")))]
mod serde_tests {
    use super::*;
    use crate::error::{ConnectError, ErrorCode};
    use crate::token::TokenResponse;

    fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(v: &T) -> String {
        let json = serde_json::to_string(v).unwrap();
        assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), v, "{json}");
        json
    }

    #[test]
    fn results_and_errors_round_trip_through_serde() {
        round_trip(&Connection {
            provider: "notion".into(),
            connection_id: "c".into(),
            external_id: None,
            display_name: Some("Acme".into()),
            return_url: None,
            state: "s".into(),
        });
        round_trip(&LinkedTool { tool: "t".into(), connection_id: "c".into() });
        let a = Authorization {
            code: "code".into(),
            state: "s".into(),
            code_verifier: Some(CodeVerifier::new("v".repeat(43)).unwrap()),
            redirect_uri: "https://app.example/cb".into(),
            iss: None,
        };
        assert!(round_trip(&a).contains(&"v".repeat(43)), "the verifier travels as a plain string");
        let e = ConnectError::with_detail(ErrorCode::PopupClosed, "closed").for_provider("notion");
        assert!(round_trip(&e).contains("\"popup_closed\""), "codes travel as their wire spelling");
        round_trip(&ConnectError::new(ErrorCode::Other("brand_new".into())));
        round_trip(&TokenResponse {
            access_token: "a".into(),
            token_type: "Bearer".into(),
            expires_in: Some(60.0),
            expires_at: Some(1.0),
            refresh_token: None,
            scope: None,
            id_token: None,
            extra: "{}".into(),
        });
    }
}

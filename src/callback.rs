//! Callback URL parsing (docs/flows.md#callback-page, §3): an OAuth authorization response (RFC 6749
//! §4.1.2 / §4.1.2.1, RFC 9207 `iss`) or a hosted connect-link callback (docs/wire.md#callback-query:
//! `status` / `tool` / `connection_id` / `error`, plus the SDK's `vc_state`).
//!
//! A recognised parameter given twice is an error (RFC 6749 §3.1: parameters must not be
//! repeated); unknown parameters are ignored. Errors never echo the code.

use crate::ascii::split_at_str;
use crate::error::ConnectError;
use crate::query::{named_values, Refused};

/// A parsed callback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callback {
    /// An OAuth authorization response.
    Authorization(AuthorizationResponse),
    /// A hosted connect-link callback.
    ConnectLink(ConnectLinkResponse),
}

/// RFC 6749 §4.1.2 (success) and §4.1.2.1 (error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthorizationResponse {
    /// `code` + `state` (+ `iss`).
    Code {
        /// The authorization code.
        code: String,
        /// The echoed state.
        state: Option<String>,
        /// RFC 9207 issuer identifier.
        iss: Option<String>,
    },
    /// `error` (+ description, uri, state, iss).
    Error {
        /// The OAuth error code.
        error: String,
        /// `error_description`.
        error_description: Option<String>,
        /// `error_uri`.
        error_uri: Option<String>,
        /// The echoed state.
        state: Option<String>,
        /// RFC 9207 issuer identifier.
        iss: Option<String>,
    },
}

/// What a connect link's redirect carries (docs/wire.md#callback-query).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectLinkResponse {
    /// `status=ok`.
    Ok {
        /// The connector slug.
        tool: String,
        /// The persistent connection id.
        connection_id: String,
        /// The SDK's state.
        vc_state: Option<String>,
    },
    /// `status=error`.
    Error {
        /// The documented error code.
        error: String,
        /// The SDK's state.
        vc_state: Option<String>,
    },
}

impl Callback {
    /// The state that binds the callback to a flow: OAuth `state`, or `vc_state`.
    pub fn state(&self) -> Option<&str> {
        match self {
            Callback::Authorization(AuthorizationResponse::Code { state, .. })
            | Callback::Authorization(AuthorizationResponse::Error { state, .. }) => state.as_deref(),
            Callback::ConnectLink(ConnectLinkResponse::Ok { vc_state, .. })
            | Callback::ConnectLink(ConnectLinkResponse::Error { vc_state, .. }) => vc_state.as_deref(),
        }
    }
}

const KNOWN: [&str; 10] =
    ["code", "state", "iss", "error", "error_description", "error_uri", "status", "tool", "connection_id", "vc_state"];

/// The recognised parameters, each at most once.
struct Params([Option<String>; KNOWN.len()]);

impl Params {
    fn parse(query: &str) -> Result<Self, ConnectError> {
        let mut values: [Option<String>; KNOWN.len()] = Default::default();
        match named_values(query, &KNOWN, &mut values, false) {
            Ok(()) => Ok(Params(values)),
            Err(Refused::Repeated(name)) => {
                Err(ConnectError::invalid_response(["the callback repeats the parameter ", &name].concat()))
            }
            Err(_) => Err(ConnectError::invalid_response("the callback is not valid UTF-8")),
        }
    }

    fn has(&self, name: &str) -> bool {
        KNOWN.iter().position(|k| *k == name).is_some_and(|i| self.0[i].is_some())
    }

    fn take(&mut self, name: &str) -> Option<String> {
        KNOWN.iter().position(|k| *k == name).and_then(|i| self.0[i].take())
    }

    fn required(&mut self, name: &str) -> Result<String, ConnectError> {
        self.take(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ConnectError::invalid_response(["the callback has no ", name].concat()))
    }
}

/// Parses a callback query string (without `?`).
pub fn parse_callback_query(query: &str) -> Result<Callback, ConnectError> {
    let mut p = Params::parse(query)?;
    // Required parameters first: a refusal then has little to drop.
    match p.take("status").as_deref() {
        Some("ok") => {
            let (tool, connection_id) = (p.required("tool")?, p.required("connection_id")?);
            Ok(Callback::ConnectLink(ConnectLinkResponse::Ok { tool, connection_id, vc_state: p.take("vc_state") }))
        }
        Some("error") => {
            let error = p.required("error")?;
            Ok(Callback::ConnectLink(ConnectLinkResponse::Error { error, vc_state: p.take("vc_state") }))
        }
        Some(_) => Err(ConnectError::invalid_response("the callback status is not ok or error")),
        None if p.has("code") => Ok(Callback::Authorization(AuthorizationResponse::Code {
            code: p.required("code")?,
            state: p.take("state"),
            iss: p.take("iss"),
        })),
        None if p.has("error") => Ok(Callback::Authorization(AuthorizationResponse::Error {
            error: p.required("error")?,
            error_description: p.take("error_description"),
            error_uri: p.take("error_uri"),
            state: p.take("state"),
            iss: p.take("iss"),
        })),
        None => Err(ConnectError::invalid_response("the URL has no callback parameters")),
    }
}

/// Parses the query of an absolute or relative callback URL (the fragment is ignored).
pub fn parse_callback_url(url: &str) -> Result<Callback, ConnectError> {
    let before_fragment = split_at_str(url, "#").map_or(url, |(b, _)| b);
    let query = split_at_str(before_fragment, "?").map_or("", |(_, q)| q);
    parse_callback_query(query)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use proptest::prelude::*;

    fn code(code: &str, state: Option<&str>, iss: Option<&str>) -> Callback {
        Callback::Authorization(AuthorizationResponse::Code {
            code: code.into(),
            state: state.map(Into::into),
            iss: iss.map(Into::into),
        })
    }

    #[test]
    fn vendaze_examples() {
        assert_eq!(
            parse_callback_url("https://yourapp.com/oauth/callback?code=AUTH_CODE&state=YOUR_STATE").unwrap(),
            code("AUTH_CODE", Some("YOUR_STATE"), None)
        );
        let denied =
            parse_callback_url("https://yourapp.com/oauth/callback?error=access_denied&state=YOUR_STATE").unwrap();
        assert_eq!(
            denied,
            Callback::Authorization(AuthorizationResponse::Error {
                error: "access_denied".into(),
                error_description: None,
                error_uri: None,
                state: Some("YOUR_STATE".into()),
                iss: None,
            })
        );
        assert_eq!(denied.state(), Some("YOUR_STATE"));
    }

    #[test]
    fn decoding_iss_and_relative_urls() {
        assert_eq!(
            parse_callback_url("/cb?code=a%2Bb+c&state=s%26t&iss=https%3A%2F%2Fas.example&extra=1#frag=x").unwrap(),
            code("a+b c", Some("s&t"), Some("https://as.example"))
        );
        assert_eq!(parse_callback_url("?code=x").unwrap(), code("x", None, None));
        assert_eq!(parse_callback_query("code=x&state=").unwrap(), code("x", Some(""), None));
    }

    #[test]
    fn fragment_parameters_are_not_read() {
        assert!(parse_callback_url("https://app.example/cb#code=x&state=y").is_err());
    }

    #[test]
    fn connect_link_callbacks() {
        assert_eq!(
            parse_callback_url(
                "https://app.example/cb?from=app&status=ok&tool=google_sheets&connection_id=conn_1&vc_state=V"
            )
            .unwrap(),
            Callback::ConnectLink(ConnectLinkResponse::Ok {
                tool: "google_sheets".into(),
                connection_id: "conn_1".into(),
                vc_state: Some("V".into()),
            })
        );
        for &e in ErrorCode::CONNECT_LINK {
            let cb = parse_callback_query(&format!("status=error&error={e}")).unwrap();
            assert_eq!(cb, Callback::ConnectLink(ConnectLinkResponse::Error { error: e.into(), vc_state: None }));
        }
    }

    #[test]
    fn malformed_callbacks_are_invalid_response() {
        for q in [
            "",
            "foo=bar",
            "status=ok&tool=t",
            "status=ok&connection_id=c",
            "status=error",
            "status=pending",
            "code=",
            "error=",
            "status=ok&tool=&connection_id=c",
        ] {
            assert_eq!(*parse_callback_query(q).unwrap_err().code(), ErrorCode::InvalidResponse, "{q}");
        }
    }

    #[test]
    fn connect_link_codes_are_known_codes() {
        for &code in ErrorCode::CONNECT_LINK {
            assert!(!matches!(ErrorCode::from_wire(code), ErrorCode::Other(_)), "{code}");
        }
    }

    #[test]
    fn repeated_parameters_are_rejected_without_echoing_values() {
        for q in [
            "code=secret1&code=secret2",
            "code=a&state=1&state=2",
            "status=ok&status=ok&tool=t&connection_id=c",
            "code=a&iss=x&iss=y",
            "status=ok&tool=t&connection_id=c&vc_state=a&vc_state=b",
        ] {
            let e = parse_callback_query(q).unwrap_err();
            assert_eq!(*e.code(), ErrorCode::InvalidResponse, "{q}");
            assert!(!e.to_string().contains("secret"), "{e}");
        }
        // Unknown parameters may repeat.
        assert!(parse_callback_query("x=1&x=2&code=a").is_ok());
    }

    proptest! {
        #[test]
        fn never_panics(s in ".*") {
            let _ = parse_callback_url(&s);
            let _ = parse_callback_query(&s);
        }

        #[test]
        fn round_trips_any_code(c in "[^\u{0}]{1,40}", st in ".{0,40}") {
            let q = form_urlencoded::Serializer::new(String::new()).append_pair("code", &c).append_pair("state", &st).finish();
            prop_assert_eq!(parse_callback_query(&q).unwrap(), code(&c, Some(&st), None));
        }
    }
}

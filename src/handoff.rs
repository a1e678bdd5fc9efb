//! The callback page's hand-off (docs/flows.md#callback-page), decided without a browser:
//! where the page's envelope goes and under which state, which ack ends its wait, and how
//! the page ends. `browser::callback_page` carries the decisions out (`window.opener`, the
//! `BroadcastChannel`, the ack timer).

use crate::error::ConnectError;
use crate::message::channel_name;
use crate::protocol::envelope_state;
use crate::validate::validate_origin;

/// Options of `complete_callback`.
#[derive(Clone, Debug)]
pub struct CallbackOptions {
    /// The opener's origin when it differs from this page's (default: this page's origin).
    pub opener_origin: Option<String>,
    /// How long to wait for the opener's ack (default 2000 ms).
    pub ack_timeout_ms: u32,
}

impl Default for CallbackOptions {
    fn default() -> Self {
        CallbackOptions { opener_origin: None, ack_timeout_ms: 2000 }
    }
}

/// How the result left the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// Posted to `window.opener`.
    Opener,
    /// Posted on the flow's `BroadcastChannel` (no opener: Cross-Origin-Opener-Policy
    /// severed it, docs/wire.md#channel).
    Channel,
}

impl Delivery {
    /// Whether the page closes when its wait for the ack ends: when acknowledged, or when
    /// its opener was told (an opener that did not ack still has the result). A channel
    /// envelope nobody acknowledged leaves the page open with `ORPHAN_MESSAGE`.
    pub fn closes_page(self, acknowledged: bool) -> bool {
        acknowledged || self == Delivery::Opener
    }
}

/// What `complete_callback` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallbackOutcome {
    /// Where the message went.
    pub delivery: Delivery,
    /// Whether the opener acknowledged it in time.
    pub acknowledged: bool,
}

/// The text left for the person when nobody could be told.
pub const ORPHAN_MESSAGE: &str =
    "This sign-in window could not reach the page that opened it. You can close it and try again.";

/// Where a callback page's envelope goes (docs/wire.md#callback-envelope).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handoff {
    /// The origin the opener must have: the envelope's `postMessage` target, and the only
    /// origin an ack is taken from. Never `"*"`.
    pub target: String,
    /// The state the envelope is filed under ([`envelope_state`]).
    pub state: String,
    /// How the envelope travels.
    pub delivery: Delivery,
}

impl Handoff {
    /// Decides the hand-off of a page at `own_origin` whose response is `query`, with or
    /// without a `window.opener`. To the opener when there is one, at `opener_origin` or
    /// this page's origin; otherwise on the channel of the response's state. An error means
    /// nobody can be told: the page shows [`ORPHAN_MESSAGE`].
    pub fn plan(
        options: &CallbackOptions,
        own_origin: String,
        query: &str,
        has_opener: bool,
    ) -> Result<Handoff, ConnectError> {
        let target = match options.opener_origin.as_deref() {
            Some(o) => validate_origin(o, "opener_origin")?,
            None => own_origin,
        };
        let state =
            envelope_state(query).ok_or_else(|| ConnectError::invalid_response("the callback has no single state"))?;
        let delivery = match (has_opener, state.is_empty()) {
            (true, _) => Delivery::Opener,
            (false, false) => Delivery::Channel,
            (false, true) => return Err(ConnectError::invalid_options("no opener and no state")),
        };
        Ok(Handoff { target, state, delivery })
    }

    /// The channel to post on, when the envelope goes there.
    pub fn channel(&self) -> Option<String> {
        (self.delivery == Delivery::Channel).then(|| channel_name(&self.state))
    }

    /// Whether a message ends the wait: an ack of this state (`ack_state`, from
    /// `message::parse_callback_ack`), which on the opener route must come from the opener
    /// window (`from_opener`: `event.source`) at the target origin (`origin`). On the
    /// channel, only this origin's pages can post.
    pub fn is_ack(&self, origin: Option<&str>, from_opener: bool, ack_state: Option<&str>) -> bool {
        let sender = match self.delivery {
            Delivery::Opener => from_opener && origin == Some(self.target.as_str()),
            Delivery::Channel => true,
        };
        sender && ack_state == Some(self.state.as_str())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    const APP: &str = "https://app.example";

    fn plan(opener_origin: Option<&str>, query: &str, has_opener: bool) -> Result<Handoff, ConnectError> {
        let options = CallbackOptions { opener_origin: opener_origin.map(Into::into), ..Default::default() };
        Handoff::plan(&options, APP.into(), query, has_opener)
    }

    #[test]
    fn an_opener_is_told_at_this_pages_origin_or_the_one_given() {
        let h = plan(None, "code=c&state=S", true).unwrap();
        assert_eq!(h, Handoff { target: APP.into(), state: "S".into(), delivery: Delivery::Opener });
        assert_eq!(h.channel(), None);
        let h = plan(Some("https://opener.example"), "code=c&state=S", true).unwrap();
        assert_eq!(h.target, "https://opener.example");
    }

    #[test]
    fn without_an_opener_the_envelope_goes_on_the_states_channel() {
        let h = plan(None, "code=c&state=S", false).unwrap();
        assert_eq!(h.delivery, Delivery::Channel);
        assert_eq!(h.channel().as_deref(), Some("vendo-connect:S"));
        // A connect link's own state wins over an OAuth one.
        assert_eq!(plan(None, "status=ok&vc_state=V&state=S", false).unwrap().state, "V");
    }

    #[test]
    fn a_connect_link_without_state_reaches_only_an_opener() {
        assert_eq!(plan(None, "status=ok&tool=t", true).unwrap().state, "");
        let e = plan(None, "status=ok&tool=t", false).unwrap_err();
        assert_eq!(e.code(), &ErrorCode::InvalidOptions);
    }

    #[test]
    fn a_repeated_state_or_a_bad_opener_origin_is_refused() {
        assert_eq!(plan(None, "state=A&state=B", true).unwrap_err().code(), &ErrorCode::InvalidResponse);
        for bad in ["*", "https://app.example/path", "app.example", "https://app.example/"] {
            let e = plan(Some(bad), "state=S", true).unwrap_err();
            assert_eq!(e.code(), &ErrorCode::InvalidOptions, "{bad}");
        }
    }

    #[test]
    fn only_the_openers_ack_of_this_state_ends_the_wait() {
        let h = plan(None, "state=S", true).unwrap();
        assert!(h.is_ack(Some(APP), true, Some("S")));
        assert!(!h.is_ack(Some(APP), false, Some("S")), "another window of the app's origin");
        assert!(!h.is_ack(Some("https://evil.example"), true, Some("S")), "the opener after it navigated away");
        assert!(!h.is_ack(None, true, Some("S")));
        assert!(!h.is_ack(Some(APP), true, Some("T")), "another flow's ack");
        assert!(!h.is_ack(Some(APP), true, None), "not an ack");
    }

    #[test]
    fn on_the_channel_an_ack_of_this_state_ends_the_wait() {
        let h = plan(None, "state=S", false).unwrap();
        assert!(h.is_ack(None, false, Some("S")));
        assert!(!h.is_ack(None, false, Some("T")));
        assert!(!h.is_ack(None, false, None));
    }

    #[test]
    fn the_page_stays_open_only_for_an_unacknowledged_channel_envelope() {
        assert!(Delivery::Opener.closes_page(true) && Delivery::Opener.closes_page(false));
        assert!(Delivery::Channel.closes_page(true));
        assert!(!Delivery::Channel.closes_page(false));
    }
}

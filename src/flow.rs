//! The sans-IO flow state machine (SPEC §2, §5; the shape of rustls / quinn-proto).
//!
//! Inputs go in ([`Input`]): a message (its origin, whether its `event.source` is our
//! popup, whether it came over the flow's `BroadcastChannel`, and its data), the popup
//! seen closed, a clock tick, an abort, a supersede, or a failure of the surrounding
//! step. Decisions come out ([`Action`]): send an ack, resolve, reject, close the popup,
//! or a note of why a message was ignored. The browser layer only feeds it events and
//! carries out the actions, so every race is decided here and tested natively.
//!
//! What a message must say is the [`Protocol`]'s business (see [`crate::protocol`]);
//! who may speak (exact origin, our popup or our channel) is checked here first.

use crate::error::{ConnectError, ErrorCode};
use crate::message::MessageData;

/// What a protocol concludes about a message that passed the origin and source checks.
#[derive(Debug, PartialEq)]
pub enum Verdict<T> {
    /// Not for this flow; ignored by design, with the reason for the debug hook.
    Ignore(&'static str),
    /// The flow's answer, and the ack to send back to the popup, if any.
    Settle {
        /// The result the flow settles with.
        result: Result<T, ConnectError>,
        /// The acknowledgement to post back before settling.
        ack: Option<Ack>,
    },
}

/// The rules that turn one protocol's messages into a result.
pub trait Protocol {
    /// What the flow resolves with.
    type Output;
    /// Judges the data of a message from the expected origin and window.
    fn judge(&self, data: &dyn MessageData) -> Verdict<Self::Output>;
}

/// An acknowledgement the opener posts back to the popup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ack {
    /// Vendo: `{ type: "vendo:connection:ack", connection_id }` (seed 004).
    Vendo {
        /// The connection id from the `done` message.
        connection_id: String,
    },
    /// Our callback page: `{ type: "vendo-connect:callback:ack", state }` (SPEC §1.4).
    Callback {
        /// The flow's state.
        state: String,
    },
}

/// Where a message came from, as the browser saw it.
pub struct Incoming<'a> {
    /// `event.origin`, as serialised by the browser.
    pub origin: &'a str,
    /// `event.source` is the popup this flow opened.
    pub from_popup: bool,
    /// It arrived on the flow's own `BroadcastChannel` (same-origin by construction).
    pub via_channel: bool,
    /// `event.data`.
    pub data: &'a dyn MessageData,
}

/// One event fed to the machine. Times are epoch milliseconds from the caller's clock.
pub enum Input<'a> {
    /// A `message` event on the opener window or the flow's channel.
    Message(Incoming<'a>),
    /// The popup's `closed` read `true`.
    PopupClosed {
        /// When it was seen.
        now: f64,
    },
    /// Time passed.
    Tick {
        /// The current time.
        now: f64,
    },
    /// The caller's `AbortSignal` fired.
    Abort,
    /// A newer flow started.
    Superseded,
    /// A step outside the machine failed (e.g. the connect-link factory rejected).
    Failed(ConnectError),
}

/// A decision for the browser layer to carry out, in order.
#[derive(Debug, PartialEq)]
pub enum Action<T> {
    /// A message was ignored; the reason is for the debug hook only.
    Ignored(&'static str),
    /// A message was accepted as the flow's answer.
    Accepted,
    /// The popup was first seen closed; the grace period starts.
    PopupClosedSeen,
    /// Post this ack to the popup (at the expected origin) or on the channel.
    SendAck(Ack),
    /// Settle the flow's promise successfully.
    Resolve(T),
    /// Settle the flow's promise with an error.
    Reject(ConnectError),
    /// Close the popup (only when `closePopup` is on).
    ClosePopup,
}

/// The fixed parameters of one flow (SPEC §2 common options).
#[derive(Clone, Debug)]
pub struct FlowConfig {
    /// The only `event.origin` accepted, exactly.
    pub expected_origin: String,
    /// Messages on the flow's `BroadcastChannel` are accepted (redirect flows, SPEC §1.4).
    pub accept_channel: bool,
    /// Absolute deadline (epoch ms) after which the flow rejects with `timeout`.
    pub deadline: f64,
    /// How long a closed popup may still deliver its result (`closedGraceMs`).
    pub closed_grace_ms: f64,
    /// Whether a closed popup ends the flow at all (`detectClose`).
    pub detect_close: bool,
    /// Whether the popup is closed when the flow settles (`closePopup`).
    pub close_popup: bool,
}

/// One flow, from popup opened to settled.
pub struct Flow<P: Protocol> {
    protocol: P,
    config: FlowConfig,
    closed_since: Option<f64>,
    settled: bool,
}

impl<P: Protocol> Flow<P> {
    /// A pending flow.
    pub fn new(protocol: P, config: FlowConfig) -> Self {
        Flow { protocol, config, closed_since: None, settled: false }
    }

    /// Whether the flow has settled; after that every input is a no-op.
    pub fn is_settled(&self) -> bool {
        self.settled
    }

    /// The flow's configuration.
    pub fn config(&self) -> &FlowConfig {
        &self.config
    }

    /// Feeds one event and returns the decisions it leads to.
    pub fn handle(&mut self, input: Input<'_>) -> Vec<Action<P::Output>> {
        if self.settled {
            return match input {
                Input::Message(_) => vec![Action::Ignored("flow already settled")],
                _ => Vec::new(),
            };
        }
        match input {
            Input::Message(m) => self.on_message(m),
            Input::PopupClosed { now } => self.on_popup_closed(now),
            Input::Tick { now } => self.on_tick(now),
            Input::Abort => self.fail(ConnectError::new(ErrorCode::Aborted)),
            Input::Superseded => self.fail(ConnectError::with_detail(
                ErrorCode::Superseded,
                "a new flow started while this one was pending",
            )),
            Input::Failed(e) => self.fail(e),
        }
    }

    fn on_message(&mut self, m: Incoming<'_>) -> Vec<Action<P::Output>> {
        if m.origin != self.config.expected_origin {
            return vec![Action::Ignored("origin does not match")];
        }
        let trusted_window = m.from_popup || (m.via_channel && self.config.accept_channel);
        if !trusted_window {
            return vec![Action::Ignored("source is not this flow's popup")];
        }
        match self.protocol.judge(m.data) {
            Verdict::Ignore(reason) => vec![Action::Ignored(reason)],
            Verdict::Settle { result, ack } => {
                let mut out = vec![Action::Accepted];
                if let Some(ack) = ack {
                    out.push(Action::SendAck(ack));
                }
                out.extend(self.settle(result));
                out
            }
        }
    }

    fn on_popup_closed(&mut self, now: f64) -> Vec<Action<P::Output>> {
        if !self.config.detect_close {
            return self.on_tick(now);
        }
        if self.closed_since.is_some() {
            return self.on_tick(now);
        }
        self.closed_since = Some(now);
        let mut out = vec![Action::PopupClosedSeen];
        out.extend(self.on_tick(now));
        out
    }

    fn on_tick(&mut self, now: f64) -> Vec<Action<P::Output>> {
        if let Some(since) = self.closed_since {
            if now - since >= self.config.closed_grace_ms {
                return self.fail(ConnectError::with_detail(
                    ErrorCode::PopupClosed,
                    "the popup was closed before the flow finished",
                ));
            }
        }
        if now >= self.config.deadline {
            return self.fail(ConnectError::with_detail(ErrorCode::Timeout, "no result before timeoutMs"));
        }
        Vec::new()
    }

    fn fail(&mut self, e: ConnectError) -> Vec<Action<P::Output>> {
        self.settle(Err(e))
    }

    fn settle(&mut self, result: Result<P::Output, ConnectError>) -> Vec<Action<P::Output>> {
        self.settled = true;
        let mut out = vec![match result {
            Ok(v) => Action::Resolve(v),
            Err(e) => Action::Reject(e),
        }];
        if self.config.close_popup {
            out.push(Action::ClosePopup);
        }
        out
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::message::Field;

    /// Test data: a `type` field only.
    struct Data(&'static str);
    impl MessageData for Data {
        fn is_plain_object(&self) -> bool {
            true
        }
        fn field(&self, key: &str) -> Field {
            if key == "type" {
                Field::Str(self.0.into())
            } else {
                Field::Missing
            }
        }
    }

    /// `ok` resolves with an ack, `err` rejects, anything else is ignored.
    struct Echo;
    impl Protocol for Echo {
        type Output = &'static str;
        fn judge(&self, data: &dyn MessageData) -> Verdict<&'static str> {
            match data.field("type") {
                Field::Str(s) if s == "ok" => {
                    Verdict::Settle { result: Ok("done"), ack: Some(Ack::Callback { state: "s".into() }) }
                }
                Field::Str(s) if s == "err" => {
                    Verdict::Settle { result: Err(ConnectError::new(ErrorCode::AccessDenied)), ack: None }
                }
                _ => Verdict::Ignore("not for us"),
            }
        }
    }

    const ORIGIN: &str = "https://vendo.example";

    fn flow() -> Flow<Echo> {
        Flow::new(
            Echo,
            FlowConfig {
                expected_origin: ORIGIN.into(),
                accept_channel: false,
                deadline: 10_000.0,
                closed_grace_ms: 1500.0,
                detect_close: true,
                close_popup: true,
            },
        )
    }

    fn msg<'a>(origin: &'a str, from_popup: bool, data: &'a Data) -> Input<'a> {
        Input::Message(Incoming { origin, from_popup, via_channel: false, data })
    }

    fn code<T>(actions: &[Action<T>]) -> Option<&str> {
        actions.iter().find_map(|a| match a {
            Action::Reject(e) => Some(e.code.as_str()),
            _ => None,
        })
    }

    #[test]
    fn accepted_message_acks_then_resolves_then_closes() {
        let mut f = flow();
        let out = f.handle(msg(ORIGIN, true, &Data("ok")));
        assert_eq!(
            out,
            vec![
                Action::Accepted,
                Action::SendAck(Ack::Callback { state: "s".into() }),
                Action::Resolve("done"),
                Action::ClosePopup,
            ]
        );
        assert!(f.is_settled());
    }

    #[test]
    fn origin_must_match_exactly() {
        for origin in [
            "https://vendo.example/",
            "https://vendo.example.evil.com",
            "http://vendo.example",
            "https://vendo.example:443",
            "https://VENDO.example",
            "https://evil.com",
            "null",
            "",
        ] {
            let mut f = flow();
            assert_eq!(f.handle(msg(origin, true, &Data("ok"))), vec![Action::Ignored("origin does not match")]);
            assert!(!f.is_settled(), "{origin}");
        }
    }

    #[test]
    fn source_must_be_our_popup_unless_the_channel_is_accepted() {
        let mut f = flow();
        assert_eq!(f.handle(msg(ORIGIN, false, &Data("ok"))), vec![Action::Ignored("source is not this flow's popup")]);
        let channel =
            Input::Message(Incoming { origin: ORIGIN, from_popup: false, via_channel: true, data: &Data("ok") });
        assert_eq!(f.handle(channel), vec![Action::Ignored("source is not this flow's popup")]);

        let mut f = flow();
        f.config.accept_channel = true;
        let channel =
            Input::Message(Incoming { origin: ORIGIN, from_popup: false, via_channel: true, data: &Data("ok") });
        assert!(f.handle(channel).contains(&Action::Resolve("done")));
    }

    #[test]
    fn spoofed_error_before_the_real_done_is_ignored() {
        let mut f = flow();
        assert_eq!(
            f.handle(msg("https://evil.com", true, &Data("err"))),
            vec![Action::Ignored("origin does not match")]
        );
        assert_eq!(
            f.handle(msg(ORIGIN, false, &Data("err"))),
            vec![Action::Ignored("source is not this flow's popup")]
        );
        assert!(f.handle(msg(ORIGIN, true, &Data("ok"))).contains(&Action::Resolve("done")));
    }

    #[test]
    fn ignored_data_keeps_the_flow_pending() {
        let mut f = flow();
        assert_eq!(f.handle(msg(ORIGIN, true, &Data("noise"))), vec![Action::Ignored("not for us")]);
        assert!(!f.is_settled());
    }

    #[test]
    fn result_in_the_same_tick_the_popup_is_first_seen_closed_wins() {
        let mut f = flow();
        assert_eq!(f.handle(Input::PopupClosed { now: 1000.0 }), vec![Action::PopupClosedSeen]);
        assert!(f.handle(msg(ORIGIN, true, &Data("ok"))).contains(&Action::Resolve("done")));
    }

    #[test]
    fn result_during_the_grace_period_wins() {
        let mut f = flow();
        f.handle(Input::PopupClosed { now: 1000.0 });
        assert!(f.handle(Input::PopupClosed { now: 2499.0 }).is_empty());
        assert!(f.handle(Input::Tick { now: 2499.0 }).is_empty());
        assert!(f.handle(msg(ORIGIN, true, &Data("ok"))).contains(&Action::Resolve("done")));
    }

    #[test]
    fn popup_closed_is_reported_after_the_grace_period() {
        let mut f = flow();
        f.handle(Input::PopupClosed { now: 1000.0 });
        let out = f.handle(Input::PopupClosed { now: 2500.0 });
        assert_eq!(code(&out), Some("popup_closed"));
        assert_eq!(f.handle(msg(ORIGIN, true, &Data("ok"))), vec![Action::Ignored("flow already settled")]);
    }

    #[test]
    fn zero_grace_reports_at_once() {
        let mut f = flow();
        f.config.closed_grace_ms = 0.0;
        let out = f.handle(Input::PopupClosed { now: 1.0 });
        assert_eq!(out.first(), Some(&Action::PopupClosedSeen));
        assert_eq!(code(&out), Some("popup_closed"));
    }

    #[test]
    fn detect_close_off_ignores_closed_but_still_times_out() {
        let mut f = flow();
        f.config.detect_close = false;
        assert!(f.handle(Input::PopupClosed { now: 1.0 }).is_empty());
        assert!(f.handle(Input::PopupClosed { now: 9_999.0 }).is_empty());
        assert_eq!(code(&f.handle(Input::PopupClosed { now: 10_000.0 })), Some("timeout"));
    }

    #[test]
    fn timeout_abort_supersede_and_failure_reject_and_close() {
        for (input, expected) in [
            (Input::Tick { now: 10_000.0 }, "timeout"),
            (Input::Abort, "aborted"),
            (Input::Superseded, "superseded"),
            (Input::Failed(ConnectError::new(ErrorCode::Other("x".into()))), "x"),
        ] {
            let mut f = flow();
            let out = f.handle(input);
            assert_eq!(code(&out), Some(expected));
            assert_eq!(out.last(), Some(&Action::ClosePopup));
        }
    }

    #[test]
    fn close_popup_off_leaves_the_popup() {
        let mut f = flow();
        f.config.close_popup = false;
        let out = f.handle(Input::Abort);
        assert!(!out.contains(&Action::ClosePopup));
    }

    #[test]
    fn error_message_rejects_without_ack() {
        let mut f = flow();
        let out = f.handle(msg(ORIGIN, true, &Data("err")));
        assert_eq!(code(&out), Some("access_denied"));
        assert!(!out.iter().any(|a| matches!(a, Action::SendAck(_))));
    }

    #[test]
    fn duplicates_and_late_events_do_nothing() {
        let mut f = flow();
        f.handle(msg(ORIGIN, true, &Data("ok")));
        assert_eq!(f.handle(msg(ORIGIN, true, &Data("ok"))), vec![Action::Ignored("flow already settled")]);
        assert!(f.handle(Input::Abort).is_empty());
        assert!(f.handle(Input::Superseded).is_empty());
        assert!(f.handle(Input::Tick { now: 1e12 }).is_empty());
        assert!(f.handle(Input::PopupClosed { now: 1e12 }).is_empty());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn input_strategy() -> impl Strategy<Value = u8> {
            0u8..9
        }

        proptest! {
            /// Whatever happens, in whatever order, a flow settles at most once, and
            /// only a message from the expected origin and window can resolve it.
            #[test]
            fn settles_at_most_once(seq in proptest::collection::vec((input_strategy(), 0.0f64..20_000.0), 0..40)) {
                let mut f = flow();
                let (ok, err, noise) = (Data("ok"), Data("err"), Data("noise"));
                let mut settled = 0;
                for (kind, now) in seq {
                    let out = f.handle(match kind {
                        0 => msg(ORIGIN, true, &ok),
                        1 => msg(ORIGIN, true, &err),
                        2 => msg(ORIGIN, true, &noise),
                        3 => msg("https://evil.com", true, &ok),
                        4 => msg(ORIGIN, false, &ok),
                        5 => Input::PopupClosed { now },
                        6 => Input::Tick { now },
                        7 => Input::Abort,
                        _ => Input::Superseded,
                    });
                    let resolves = out.iter().filter(|a| matches!(a, Action::Resolve(_))).count();
                    let rejects = out.iter().filter(|a| matches!(a, Action::Reject(_))).count();
                    if resolves > 0 { prop_assert!(kind == 0); }
                    settled += resolves + rejects;
                    prop_assert!(settled <= 1);
                }
            }
        }
    }
}

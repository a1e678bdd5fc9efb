//! The sans-IO flow state machine (docs/flows.md#engine; the shape of rustls / quinn-proto).
//!
//! Inputs go in ([`Input`]) with the current time: a message (its origin, whether its
//! `event.source` is our popup, whether it came over the flow's `BroadcastChannel`, and its
//! data), the popup seen on a page, sent to its link or seen closed, a clock tick, an abort,
//! a supersede, or a failure of the surrounding step. Decisions come out ([`Action`]): send
//! an ack, resolve, reject, close the popup after a delay the machine computes, report the
//! popup uncertain, or a note of why a message was ignored.
//! The browser layer only feeds it events and carries out the actions, so every race and
//! every delay is decided here and tested natively.
//!
//! What a message must say is the [`Protocol`]'s business (see [`crate::protocol`]); who
//! may speak (exact origin, our popup or our channel) is checked here first. The machine is
//! not generic: every protocol answers with one [`Outcome`], so the browser driver that
//! runs it is compiled once.

use crate::error::{ConnectError, ErrorCode};
use crate::message::MessageData;
use crate::results::Outcome;

/// After an ack, how long the popup gets to read it before it is closed (Vendo's callback
/// page waits for the ack; docs/flows.md#ack-then-close, docs/decisions.md#ack-then-close).
pub const ACK_CLOSE_DELAY_MS: f64 = 300.0;
/// A popup is never closed sooner than this after the SDK navigated it: Chromium drops a
/// `close()` that arrives while the popup's first cross-origin navigation commits
/// (docs/decisions.md#ack-then-close). A popup never navigated (still blank) closes at once.
pub const MIN_POPUP_AGE_MS: f64 = 600.0;
/// How often the browser layer reads `popup.closed` and feeds [`Input::Tick`].
pub const POLL_MS: u32 = 100;
/// A popup counts as showing a page once two reads at least this far apart found it on one.
/// Cross-Origin-Opener-Policy severs a popup just after its first page commits, and the
/// opener can glimpse that page first: 4–74 ms in Chromium 156 (docs/decisions.md#coop).
pub const PAGE_SEEN_MS: f64 = 250.0;

macro_rules! event_kinds {
    ($($(#[$doc:meta])* $variant:ident = $text:literal,)*) => {
        /// What happened in a flow, for the `onEvent` debug hook (docs/flows.md#events).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "snake_case"))]
        pub enum FlowEventKind {
            $($(#[$doc])* $variant,)*
        }

        impl FlowEventKind {
            /// The kind as JS sees it (`event.kind`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(FlowEventKind::$variant => $text,)*
                }
            }

            /// Every kind, in order (the source of the TypeScript union).
            pub const ALL: &'static [FlowEventKind] = &[$(FlowEventKind::$variant,)*];
        }
    };
}

event_kinds! {
    /// The popup opened (or the caller's window was adopted).
    PopupOpened = "popup_opened",
    /// A blank popup was navigated to the minted connect link.
    PopupNavigated = "popup_navigated",
    /// A message was ignored; `detail` says why and from which origin.
    MessageIgnored = "message_ignored",
    /// A message was accepted as the flow's answer.
    MessageAccepted = "message_accepted",
    /// The ack was posted back to the popup.
    AckSent = "ack_sent",
    /// The popup was first seen closed; the grace period runs.
    PopupClosedDetected = "popup_closed_detected",
    /// The popup reads closed, but it may still be open and its result may still arrive
    /// (Cross-Origin-Opener-Policy severed it, docs/decisions.md#coop): the flow waits for
    /// its result, `timeoutMs` or `signal`. Show "finish in the other window, or cancel".
    PopupUncertain = "popup_uncertain",
    /// The flow resolved.
    Resolved = "resolved",
    /// The flow rejected; `detail` is the error code.
    Rejected = "rejected",
}

/// One step of a flow, for the `onEvent` debug hook. Never carries message data, codes,
/// verifiers or tokens: only what happened and, for ignored messages, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowEvent {
    /// What happened.
    pub kind: FlowEventKind,
    /// Why a message was ignored (with its origin), or the error code of a rejection.
    pub detail: Option<String>,
}

/// What a protocol concludes about a message that passed the origin and source checks.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Not for this flow; ignored by design, with the reason for the debug hook.
    Ignore(&'static str),
    /// The flow's answer, and the ack to send back to the popup, if any.
    Settle {
        /// The result the flow settles with.
        result: Result<Outcome, ConnectError>,
        /// The acknowledgement to post back before settling.
        ack: Option<Ack>,
    },
}

/// The rules that turn one protocol's messages into a result. Judged through a trait
/// object, so the machine and the driver exist once for every protocol.
pub trait Protocol {
    /// Judges the data of a message from the expected origin and window. Called until it
    /// settles, at most once with a `Settle` verdict (it may move its secrets out then).
    fn judge(&mut self, data: &dyn MessageData) -> Verdict;
}

/// An acknowledgement the opener posts back to the popup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ack {
    /// Vendo: `{ type: "vendo:connection:ack", connection_id }` (docs/wire.md#vendo).
    Vendo {
        /// The connection id from the `done` message.
        connection_id: String,
    },
    /// Our callback page: `{ type: "vendo-connect:callback:ack", state }` (docs/wire.md#callback).
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

/// The origin and the source checks, not the data: it may hold a code or a token.
impl std::fmt::Debug for Incoming<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Incoming")
            .field("origin", &self.origin)
            .field("from_popup", &self.from_popup)
            .field("via_channel", &self.via_channel)
            .finish_non_exhaustive()
    }
}

/// One event fed to the machine.
#[derive(Debug)]
pub enum Input<'a> {
    /// A `message` event on the opener window or the flow's channel.
    Message(Incoming<'a>),
    /// The popup's `closed` read `true`.
    PopupClosed,
    /// A read found the popup open on a page other than its initial `about:blank`
    /// (docs/decisions.md#coop).
    PopupLoaded,
    /// The SDK sent the blank popup to its URL (a link function's minted link).
    Navigated,
    /// Time passed.
    Tick,
    /// The caller's `AbortSignal` fired, or the Rust future was dropped.
    Abort(&'static str),
    /// A newer flow started.
    Superseded,
    /// A step outside the machine failed (e.g. the connect-link factory rejected).
    Failed(ConnectError),
}

/// A decision for the browser layer to carry out, in order.
#[derive(Debug, PartialEq)]
pub enum Action {
    /// A message was ignored; the reason is for the debug hook only.
    Ignored(&'static str),
    /// A message was accepted as the flow's answer.
    Accepted,
    /// The popup was first seen closed; the grace period starts.
    PopupClosedSeen,
    /// The popup reads closed but its result may still arrive (docs/decisions.md#coop).
    PopupUncertain,
    /// Post this ack to the popup (at the expected origin) or on the channel.
    SendAck(Ack),
    /// Settle the flow successfully.
    Resolve(Outcome),
    /// Settle the flow with an error.
    Reject(ConnectError),
    /// Close the popup after this many milliseconds (only when `closePopup` is on): long
    /// enough for it to read an ack, and never before it is [`MIN_POPUP_AGE_MS`] old.
    ClosePopup {
        /// The delay, in milliseconds (0 = now).
        after_ms: u32,
    },
}

/// The fixed parameters of one flow (docs/options.md#common).
#[derive(Clone, Debug)]
pub struct FlowConfig {
    /// The only `event.origin` accepted, exactly.
    pub expected_origin: String,
    /// Messages on the flow's `BroadcastChannel` are accepted (redirect flows, docs/flows.md#callback-page).
    pub accept_channel: bool,
    /// When the popup opened (epoch ms, the caller's clock).
    pub opened_at: f64,
    /// How long the flow may take (`timeoutMs`), from `opened_at`.
    pub timeout_ms: f64,
    /// How long a closed popup may still deliver its result (`closedGraceMs`).
    pub closed_grace_ms: f64,
    /// Whether a closed popup ends the flow at all (`detectClose`).
    pub detect_close: bool,
    /// Whether the popup is closed when the flow settles (`closePopup`).
    pub close_popup: bool,
    /// The popup opened blank (a link function's link is still being minted) and waits for
    /// [`Input::Navigated`]; otherwise it opened on the flow's URL at `opened_at`.
    pub blank: bool,
}

/// One flow, from popup opened to settled.
pub struct Flow {
    protocol: Box<dyn Protocol>,
    config: FlowConfig,
    /// When the SDK last sent the popup to a URL; `None` while it is blank.
    navigated_at: Option<f64>,
    /// When a read first found the popup on a page since then.
    page_seen_at: Option<f64>,
    /// The popup has shown a page for [`PAGE_SEEN_MS`] since then.
    loaded: bool,
    /// When the popup was first seen closed, and whether that was before its first page
    /// loaded (the grace period then ends in `opener_lost`, not `popup_closed`).
    closed: Option<(f64, bool)>,
    /// The popup reads closed but the flow still waits for its result.
    uncertain: bool,
    settled: bool,
}

/// The machine's state, not its protocol (which holds the state and may hold a verifier).
impl std::fmt::Debug for Flow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flow")
            .field("config", &self.config)
            .field("navigated_at", &self.navigated_at)
            .field("page_seen_at", &self.page_seen_at)
            .field("loaded", &self.loaded)
            .field("closed", &self.closed)
            .field("uncertain", &self.uncertain)
            .field("settled", &self.settled)
            .finish_non_exhaustive()
    }
}

impl Flow {
    /// A pending flow.
    pub fn new(protocol: Box<dyn Protocol>, config: FlowConfig) -> Self {
        let navigated_at = (!config.blank).then_some(config.opened_at);
        Flow {
            protocol,
            config,
            navigated_at,
            page_seen_at: None,
            loaded: false,
            closed: None,
            uncertain: false,
            settled: false,
        }
    }

    /// Whether the driver should look for [`Input::PopupLoaded`]: the popup was sent to a
    /// URL and has not been seen on a page for [`PAGE_SEEN_MS`] yet.
    pub fn awaits_load(&self) -> bool {
        self.navigated_at.is_some() && !self.loaded && !self.settled
    }

    /// Whether the flow has settled; after that every input is a no-op.
    pub fn is_settled(&self) -> bool {
        self.settled
    }

    /// The flow's configuration.
    pub fn config(&self) -> &FlowConfig {
        &self.config
    }

    /// Feeds one event, seen at `now` (epoch ms), and returns the decisions it leads to.
    pub fn handle(&mut self, input: Input<'_>, now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        if self.settled {
            if let Input::Message(_) = input {
                out.push(Action::Ignored("flow already settled"));
            }
            return out;
        }
        match input {
            Input::Message(m) => self.on_message(&mut out, m, now),
            Input::PopupClosed => self.on_popup_closed(&mut out, now),
            Input::PopupLoaded => {
                if self.navigated_at.is_some() {
                    let since = *self.page_seen_at.get_or_insert(now);
                    self.loaded |= now - since >= PAGE_SEEN_MS;
                }
                self.on_tick(&mut out, now)
            }
            Input::Navigated => {
                (self.navigated_at, self.page_seen_at, self.loaded) = (Some(now), None, false);
                self.on_tick(&mut out, now)
            }
            Input::Tick => self.on_tick(&mut out, now),
            Input::Abort(why) => {
                self.settle(&mut out, Err(ConnectError::with_detail(ErrorCode::Aborted, why)), false, now)
            }
            Input::Superseded => {
                let e = ConnectError::with_detail(ErrorCode::Superseded, "a newer flow started");
                self.settle(&mut out, Err(e), false, now)
            }
            Input::Failed(e) => self.settle(&mut out, Err(e), false, now),
        }
        out
    }

    fn on_message(&mut self, out: &mut Vec<Action>, m: Incoming<'_>, now: f64) {
        let trusted_window = m.from_popup || (m.via_channel && self.config.accept_channel);
        if m.origin != self.config.expected_origin {
            out.push(Action::Ignored("origin does not match"));
        } else if !trusted_window {
            out.push(Action::Ignored("source is not this flow's popup"));
        } else {
            match self.protocol.judge(m.data) {
                Verdict::Ignore(reason) => out.push(Action::Ignored(reason)),
                Verdict::Settle { result, ack } => {
                    out.push(Action::Accepted);
                    let acked = ack.is_some();
                    if let Some(ack) = ack {
                        out.push(Action::SendAck(ack));
                    }
                    self.settle(out, result, acked, now);
                }
            }
        }
    }

    /// The rule of docs/decisions.md#coop. A popup that reads closed before it was seen on a
    /// page for [`PAGE_SEEN_MS`] was, almost always, severed by Cross-Origin-Opener-Policy at that
    /// navigation and is still open: a flow with a channel keeps waiting for its result (the
    /// app is told it is uncertain); a flow without one ends in `opener_lost`. A popup seen
    /// on a page first, or never navigated, was closed: `popup_closed` after the grace.
    fn on_popup_closed(&mut self, out: &mut Vec<Action>, now: f64) {
        if self.closed.is_none() && !self.uncertain {
            let severed = self.navigated_at.is_some() && !self.loaded;
            if !self.config.detect_close || (severed && self.config.accept_channel) {
                self.uncertain = true;
                out.push(Action::PopupUncertain);
            } else {
                self.closed = Some((now, severed));
                out.push(Action::PopupClosedSeen);
            }
        }
        self.on_tick(out, now);
    }

    fn on_tick(&mut self, out: &mut Vec<Action>, now: f64) {
        if let Some((_, severed)) = self.closed.filter(|(since, _)| now - since >= self.config.closed_grace_ms) {
            let e = if severed {
                ConnectError::with_detail(ErrorCode::OpenerLost, "Cross-Origin-Opener-Policy cut the popup off")
            } else {
                ConnectError::with_detail(ErrorCode::PopupClosed, "the popup was closed")
            };
            self.settle(out, Err(e), false, now);
        } else if now - self.config.opened_at >= self.config.timeout_ms {
            let e = ConnectError::with_detail(ErrorCode::Timeout, "no result before timeoutMs");
            self.settle(out, Err(e), false, now);
        }
    }

    fn settle(&mut self, out: &mut Vec<Action>, result: Result<Outcome, ConnectError>, acked: bool, now: f64) {
        self.settled = true;
        out.push(match result {
            Ok(v) => Action::Resolve(v),
            Err(e) => Action::Reject(e),
        });
        if self.config.close_popup {
            // A popup never sent anywhere has no navigation to wait for.
            let after_ms = self.navigated_at.map_or(0, |at| close_delay(now - at, acked));
            out.push(Action::ClosePopup { after_ms });
        }
    }
}

/// The pauses between further `close()` calls while a popup the flow closed is still open:
/// a popup in the middle of a cross-origin navigation (a process swap in Chromium) can drop a
/// `close()`. A short chain (1.2 s in all) that ends by itself; `browser::popup` runs it.
pub const CLOSE_RETRY_GAPS_MS: [u32; 3] = [150, 350, 700];

/// How long to wait before closing a popup of age `age_ms`: the ack's reading time if one
/// was sent, and at least until the popup is [`MIN_POPUP_AGE_MS`] old.
pub fn close_delay(age_ms: f64, acked: bool) -> u32 {
    let young = MIN_POPUP_AGE_MS - age_ms;
    let ack = if acked { ACK_CLOSE_DELAY_MS } else { 0.0 };
    let ms = if young > ack { young } else { ack };
    if ms > 0.0 {
        ms as u32
    } else {
        0
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::message::Field;
    use crate::results::LinkedTool;

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
        fn rest_as_json(&self, _: &[&str]) -> String {
            "{}".into()
        }
    }

    fn done() -> Outcome {
        Outcome::ConnectLink(LinkedTool { tool: "done".into(), connection_id: "c".into() })
    }

    /// `ok` resolves with an ack, `err` rejects, anything else is ignored.
    struct Echo;
    impl Protocol for Echo {
        fn judge(&mut self, data: &dyn MessageData) -> Verdict {
            match data.field("type") {
                Field::Str(s) if s == "ok" => {
                    Verdict::Settle { result: Ok(done()), ack: Some(Ack::Callback { state: "s".into() }) }
                }
                Field::Str(s) if s == "err" => {
                    Verdict::Settle { result: Err(ConnectError::new(ErrorCode::AccessDenied)), ack: None }
                }
                _ => Verdict::Ignore("not for us"),
            }
        }
    }

    const ORIGIN: &str = "https://vendo.example";

    fn flow() -> Flow {
        Flow::new(
            Box::new(Echo),
            FlowConfig {
                expected_origin: ORIGIN.into(),
                accept_channel: false,
                opened_at: 0.0,
                timeout_ms: 10_000.0,
                closed_grace_ms: 1500.0,
                detect_close: true,
                close_popup: true,
                blank: false,
            },
        )
    }

    /// A flow whose popup opened blank (a link function's).
    fn blank_flow(accept_channel: bool) -> Flow {
        let config = FlowConfig { blank: true, accept_channel, ..flow().config };
        Flow::new(Box::new(Echo), config)
    }

    fn msg<'a>(origin: &'a str, from_popup: bool, data: &'a Data) -> Input<'a> {
        Input::Message(Incoming { origin, from_popup, via_channel: false, data })
    }

    fn code(actions: &[Action]) -> Option<&str> {
        actions.iter().find_map(|a| match a {
            Action::Reject(e) => Some(e.code().as_str()),
            _ => None,
        })
    }

    #[test]
    fn accepted_message_acks_then_resolves_then_closes() {
        let mut f = flow();
        let out = f.handle(msg(ORIGIN, true, &Data("ok")), 1.0);
        assert_eq!(
            out,
            vec![
                Action::Accepted,
                Action::SendAck(Ack::Callback { state: "s".into() }),
                Action::Resolve(done()),
                Action::ClosePopup { after_ms: 599 },
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
            assert_eq!(f.handle(msg(origin, true, &Data("ok")), 1.0), vec![Action::Ignored("origin does not match")]);
            assert!(!f.is_settled(), "{origin}");
        }
    }

    /// A flow whose expected origin came from a `:443` URL accepts the browser's spelling
    /// of the same origin (docs/security.md#origins).
    #[test]
    fn an_explicit_default_port_is_the_same_origin() {
        let expected = crate::url::HttpUrl::parse("https://vendo.example:443/api").unwrap().origin();
        let mut f = flow();
        f.config.expected_origin = expected;
        let actions = f.handle(msg("https://vendo.example", true, &Data("ok")), 1.0);
        assert!(f.is_settled(), "{actions:?}");
    }

    #[test]
    fn source_must_be_our_popup_unless_the_channel_is_accepted() {
        let mut f = flow();
        assert_eq!(
            f.handle(msg(ORIGIN, false, &Data("ok")), 1.0),
            vec![Action::Ignored("source is not this flow's popup")]
        );
        let channel =
            Input::Message(Incoming { origin: ORIGIN, from_popup: false, via_channel: true, data: &Data("ok") });
        assert_eq!(f.handle(channel, 1.0), vec![Action::Ignored("source is not this flow's popup")]);

        let mut f = flow();
        f.config.accept_channel = true;
        let channel =
            Input::Message(Incoming { origin: ORIGIN, from_popup: false, via_channel: true, data: &Data("ok") });
        assert!(f.handle(channel, 1.0).contains(&Action::Resolve(done())));
    }

    #[test]
    fn spoofed_error_before_the_real_done_is_ignored() {
        let mut f = flow();
        assert_eq!(
            f.handle(msg("https://evil.com", true, &Data("err")), 1.0),
            vec![Action::Ignored("origin does not match")]
        );
        assert_eq!(
            f.handle(msg(ORIGIN, false, &Data("err")), 1.0),
            vec![Action::Ignored("source is not this flow's popup")]
        );
        assert!(f.handle(msg(ORIGIN, true, &Data("ok")), 1.0).contains(&Action::Resolve(done())));
    }

    #[test]
    fn ignored_data_keeps_the_flow_pending() {
        let mut f = flow();
        assert_eq!(f.handle(msg(ORIGIN, true, &Data("noise")), 1.0), vec![Action::Ignored("not for us")]);
        assert!(!f.is_settled());
    }

    #[test]
    fn result_in_the_same_tick_the_popup_is_first_seen_closed_wins() {
        let mut f = flow();
        assert_eq!(f.handle(Input::PopupClosed, 1000.0), vec![Action::PopupClosedSeen]);
        assert!(f.handle(msg(ORIGIN, true, &Data("ok")), 1.0).contains(&Action::Resolve(done())));
    }

    #[test]
    fn result_during_the_grace_period_wins() {
        let mut f = flow();
        f.handle(Input::PopupClosed, 1000.0);
        assert!(f.handle(Input::PopupClosed, 2499.0).is_empty());
        assert!(f.handle(Input::Tick, 2499.0).is_empty());
        assert!(f.handle(msg(ORIGIN, true, &Data("ok")), 1.0).contains(&Action::Resolve(done())));
    }

    /// Two reads [`PAGE_SEEN_MS`] apart found the popup on a page, the last at `at`.
    fn seen_on_page(f: &mut Flow, at: f64) {
        assert!(f.handle(Input::PopupLoaded, at - PAGE_SEEN_MS).is_empty());
        assert!(f.handle(Input::PopupLoaded, at).is_empty());
        assert!(!f.awaits_load());
    }

    #[test]
    fn popup_closed_is_reported_after_the_grace_period() {
        let mut f = flow();
        seen_on_page(&mut f, 500.0);
        f.handle(Input::PopupClosed, 1000.0);
        let out = f.handle(Input::PopupClosed, 2500.0);
        assert_eq!(code(&out), Some("popup_closed"));
        assert_eq!(f.handle(msg(ORIGIN, true, &Data("ok")), 1.0), vec![Action::Ignored("flow already settled")]);
    }

    #[test]
    fn zero_grace_reports_at_once() {
        let mut f = flow();
        seen_on_page(&mut f, 300.0);
        f.config.closed_grace_ms = 0.0;
        let out = f.handle(Input::PopupClosed, 301.0);
        assert_eq!(out.first(), Some(&Action::PopupClosedSeen));
        assert_eq!(code(&out), Some("popup_closed"));
    }

    #[test]
    fn detect_close_off_reports_uncertain_once_and_still_times_out() {
        let mut f = flow();
        f.config.detect_close = false;
        seen_on_page(&mut f, 300.0);
        assert_eq!(f.handle(Input::PopupClosed, 301.0), vec![Action::PopupUncertain]);
        assert!(f.handle(Input::PopupClosed, 9_999.0).is_empty());
        assert_eq!(code(&f.handle(Input::PopupClosed, 10_000.0)), Some("timeout"));
    }

    #[test]
    fn timeout_abort_supersede_and_failure_reject_and_close() {
        for (input, expected) in [
            (Input::Tick, "timeout"),
            (Input::Abort("the signal fired"), "aborted"),
            (Input::Superseded, "superseded"),
            (Input::Failed(ConnectError::new(ErrorCode::Other("x".into()))), "x"),
        ] {
            let mut f = flow();
            let out = f.handle(input, 10_000.0);
            assert_eq!(code(&out), Some(expected));
            assert!(matches!(out.last(), Some(Action::ClosePopup { .. })));
        }
    }

    #[test]
    fn close_popup_off_leaves_the_popup() {
        let mut f = flow();
        f.config.close_popup = false;
        let out = f.handle(Input::Abort("x"), 0.0);
        assert!(!out.iter().any(|a| matches!(a, Action::ClosePopup { .. })));
    }

    #[test]
    fn error_message_rejects_without_ack() {
        let mut f = flow();
        let out = f.handle(msg(ORIGIN, true, &Data("err")), 1.0);
        assert_eq!(code(&out), Some("access_denied"));
        assert!(!out.iter().any(|a| matches!(a, Action::SendAck(_))));
    }

    #[test]
    fn duplicates_and_late_events_do_nothing() {
        let mut f = flow();
        f.handle(msg(ORIGIN, true, &Data("ok")), 1.0);
        assert_eq!(f.handle(msg(ORIGIN, true, &Data("ok")), 1.0), vec![Action::Ignored("flow already settled")]);
        assert!(f.handle(Input::Abort("x"), 0.0).is_empty());
        assert!(f.handle(Input::Superseded, 0.0).is_empty());
        assert!(f.handle(Input::Tick, 1e12).is_empty());
        assert!(f.handle(Input::PopupClosed, 1e12).is_empty());
    }

    #[test]
    fn a_dropped_close_is_retried_a_few_times_then_given_up() {
        let gaps = CLOSE_RETRY_GAPS_MS;
        assert!(gaps.windows(2).all(|w| w[0] < w[1]), "each pause longer than the last: {gaps:?}");
        assert!(gaps[0] >= POLL_MS, "no sooner than the closed poll reads it");
        assert_eq!(gaps.iter().sum::<u32>(), 1200, "ends by itself, well inside a person's patience");
    }

    #[test]
    fn close_waits_for_the_ack_and_for_a_young_popup() {
        assert_eq!(close_delay(0.0, false), 600);
        assert_eq!(close_delay(100.0, true), 500);
        assert_eq!(close_delay(450.0, true), 300);
        assert_eq!(close_delay(5_000.0, true), 300);
        assert_eq!(close_delay(5_000.0, false), 0);
        assert_eq!(close_delay(f64::NAN, false), 0);
        let mut f = flow();
        let out = f.handle(msg(ORIGIN, true, &Data("ok")), 2_000.0);
        assert_eq!(out.last(), Some(&Action::ClosePopup { after_ms: 300 }));
        let mut f = flow();
        assert_eq!(f.handle(Input::Abort("x"), 2_000.0).last(), Some(&Action::ClosePopup { after_ms: 0 }));
    }

    /// docs/decisions.md#coop: closed before any page loaded, with a channel, the flow waits.
    #[test]
    fn severed_at_the_first_navigation_with_a_channel_waits_for_the_result() {
        let mut f = flow();
        f.config.accept_channel = true;
        assert!(f.awaits_load());
        assert_eq!(f.handle(Input::PopupClosed, 300.0), vec![Action::PopupUncertain]);
        assert!(f.handle(Input::PopupClosed, 5_000.0).is_empty());
        assert!(f.handle(Input::Tick, 9_999.0).is_empty());
        let channel =
            Input::Message(Incoming { origin: ORIGIN, from_popup: false, via_channel: true, data: &Data("ok") });
        assert!(f.handle(channel, 9_999.0).contains(&Action::Resolve(done())));
    }

    #[test]
    fn an_uncertain_flow_still_ends_by_its_signal_or_its_deadline() {
        let mut f = flow();
        f.config.accept_channel = true;
        f.handle(Input::PopupClosed, 300.0);
        assert_eq!(code(&f.handle(Input::Abort("x"), 301.0)), Some("aborted"));
        let mut f = flow();
        f.config.accept_channel = true;
        f.handle(Input::PopupClosed, 300.0);
        assert_eq!(code(&f.handle(Input::Tick, 10_000.0)), Some("timeout"));
    }

    #[test]
    fn severed_at_the_first_navigation_without_a_channel_is_opener_lost() {
        let mut f = flow();
        assert_eq!(f.handle(Input::PopupClosed, 300.0), vec![Action::PopupClosedSeen]);
        assert_eq!(code(&f.handle(Input::Tick, 1_800.0)), Some("opener_lost"));
    }

    #[test]
    fn closed_after_a_page_loaded_is_a_close_channel_or_not() {
        for channel in [false, true] {
            let mut f = flow();
            f.config.accept_channel = channel;
            seen_on_page(&mut f, 400.0);
            assert_eq!(f.handle(Input::PopupClosed, 4_000.0), vec![Action::PopupClosedSeen]);
            assert!(f.handle(Input::Tick, 5_499.0).is_empty());
            assert_eq!(code(&f.handle(Input::Tick, 5_500.0)), Some("popup_closed"));
        }
    }

    /// The opener glimpses the first page COOP is severing: not long enough to count.
    #[test]
    fn a_page_glimpsed_before_the_popup_read_closed_is_still_a_severance() {
        let mut f = flow();
        f.config.accept_channel = true;
        assert!(f.handle(Input::PopupLoaded, 300.0).is_empty());
        assert!(f.handle(Input::PopupLoaded, 300.0 + PAGE_SEEN_MS - 1.0).is_empty());
        assert!(f.awaits_load());
        assert_eq!(f.handle(Input::PopupClosed, 300.0 + PAGE_SEEN_MS), vec![Action::PopupUncertain]);
    }

    #[test]
    fn a_blank_popup_closed_before_it_was_navigated_is_a_close() {
        let mut f = blank_flow(true);
        assert!(!f.awaits_load());
        assert!(f.handle(Input::PopupLoaded, 100.0).is_empty());
        assert_eq!(f.handle(Input::PopupClosed, 200.0), vec![Action::PopupClosedSeen]);
        assert_eq!(code(&f.handle(Input::Tick, 1_700.0)), Some("popup_closed"));
    }

    #[test]
    fn a_navigated_blank_popup_follows_the_rule_from_its_navigation() {
        let mut f = blank_flow(true);
        f.handle(Input::Navigated, 1_000.0);
        assert!(f.awaits_load());
        assert_eq!(f.handle(Input::PopupClosed, 1_300.0), vec![Action::PopupUncertain]);
    }

    /// A failed link function leaves a popup nothing was ever loaded in: closed at once.
    #[test]
    fn a_blank_popup_closes_at_once_a_navigated_one_waits_from_its_navigation() {
        let mut f = blank_flow(false);
        let out = f.handle(Input::Failed(ConnectError::new(ErrorCode::Other("x".into()))), 300.0);
        assert_eq!(out.last(), Some(&Action::ClosePopup { after_ms: 0 }));
        let mut f = blank_flow(false);
        f.handle(Input::Navigated, 1_000.0);
        assert_eq!(f.handle(Input::Abort("x"), 1_100.0).last(), Some(&Action::ClosePopup { after_ms: 500 }));
    }

    #[test]
    fn the_deadline_counts_from_the_popup_opening() {
        let mut f = flow();
        f.config.opened_at = 5_000.0;
        assert!(f.handle(Input::Tick, 14_999.0).is_empty());
        assert_eq!(code(&f.handle(Input::Tick, 15_000.0)), Some("timeout"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn input_strategy() -> impl Strategy<Value = u8> {
            0u8..11
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
                        5 => Input::PopupClosed,
                        6 => Input::Tick,
                        7 => Input::Abort("x"),
                        8 => Input::PopupLoaded,
                        9 => Input::Navigated,
                        _ => Input::Superseded,
                    }, now);
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

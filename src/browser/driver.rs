//! One running flow: feeds browser events into the pure [`Flow`] and carries out its
//! [`Action`]s (SPEC §2, §5).
//!
//! Everything the browser holds for the flow (the `message` listeners, the channel, the
//! abort listener, the poll timer) lives in RAII guards that are dropped on every exit
//! path, the moment the flow settles. Only one flow is pending at a time: starting a new
//! one supersedes the old.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll};

use futures_channel::oneshot;
use gloo_events::EventListener;
use gloo_timers::callback::Interval;
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortSignal, BroadcastChannel, MessageEvent, Window};

use super::js_data::JsData;
use super::popup;
use crate::error::{ConnectError, ErrorCode};
use crate::flow::{Ack, Action, Flow, FlowConfig, Incoming, Input, Protocol};
use crate::message::{TYPE_ACK, TYPE_CALLBACK_ACK};

/// How often the popup's `closed` and the deadline are checked.
pub const POLL_MS: u32 = 100;
/// After an ack, how long the popup gets to read it before we close it.
pub const ACK_CLOSE_DELAY_MS: u32 = 300;
/// A popup younger than this is closed once it reaches this age (see `ClosePopup`).
pub const MIN_POPUP_AGE_MS: f64 = 600.0;

/// One step of a flow, for the `onEvent` debug hook. Never carries message data,
/// codes, verifiers or tokens: only what happened and, for ignored messages, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowEvent {
    /// `popup_opened`, `popup_navigated`, `message_ignored`, `message_accepted`,
    /// `ack_sent`, `popup_closed_detected`, `resolved` or `rejected`.
    pub kind: &'static str,
    /// Why a message was ignored (with its origin), or the error code of a rejection.
    pub detail: Option<String>,
}

/// The debug hook (`onEvent` in JS).
pub type EventHook = Rc<dyn Fn(&FlowEvent)>;

/// Calls the hook, if any.
pub(crate) fn emit(hook: &Option<EventHook>, kind: &'static str, detail: Option<String>) {
    if let Some(hook) = hook {
        hook(&FlowEvent { kind, detail });
    }
}

type Settled<T> = Result<T, ConnectError>;

/// A flow's result. The popup is already open when you get one; await it for the result.
pub struct FlowFuture<T>(FutureState<T>);

enum FutureState<T> {
    Ready(Option<Settled<T>>),
    Waiting(oneshot::Receiver<Settled<T>>),
}

impl<T> FlowFuture<T> {
    pub(crate) fn failed(e: ConnectError) -> Self {
        FlowFuture(FutureState::Ready(Some(Err(e))))
    }
}

// Nothing inside is structurally pinned: the value is only ever moved out.
impl<T> Unpin for FlowFuture<T> {}

impl<T> Future for FlowFuture<T> {
    type Output = Settled<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Settled<T>> {
        match &mut self.get_mut().0 {
            FutureState::Ready(r) => Poll::Ready(
                r.take()
                    .unwrap_or_else(|| Err(ConnectError::with_detail(ErrorCode::Aborted, "polled after completion"))),
            ),
            FutureState::Waiting(rx) => Pin::new(rx).poll(cx).map(|r| {
                r.unwrap_or_else(|_| Err(ConnectError::with_detail(ErrorCode::Aborted, "the flow was dropped")))
            }),
        }
    }
}

/// What [`start`] needs. The popup is already open.
pub(crate) struct Launch<P> {
    pub protocol: P,
    pub config: FlowConfig,
    pub popup: Window,
    pub channel_name: Option<String>,
    pub signal: Option<AbortSignal>,
    pub on_event: Option<EventHook>,
}

struct Guards {
    _listeners: Vec<EventListener>,
    _poll: Interval,
}

struct Driver<P: Protocol> {
    flow: Flow<P>,
    popup: Window,
    opened_at: f64,
    channel: Option<BroadcastChannel>,
    guards: Option<Guards>,
    sender: Option<oneshot::Sender<Settled<P::Output>>>,
    on_event: Option<EventHook>,
}

/// A running flow, shared by its listeners.
pub(crate) struct Running<P: Protocol>(RefCell<Driver<P>>);

trait Pending {
    fn supersede(&self);
}

impl<P: Protocol> Pending for Running<P> {
    fn supersede(&self) {
        self.dispatch(Input::Superseded);
    }
}

thread_local! {
    static PENDING: RefCell<Option<Weak<dyn Pending>>> = RefCell::new(None);
}

/// Rejects the pending flow, if any, with `superseded`.
pub(crate) fn supersede_pending() {
    let previous = PENDING.with(|p| p.borrow_mut().take()).and_then(|w| w.upgrade());
    if let Some(previous) = previous {
        previous.supersede();
    }
}

/// Starts driving a flow whose popup is open. Returns its future and a handle.
pub(crate) fn start<P: Protocol + 'static>(
    window: &Window,
    launch: Launch<P>,
) -> (FlowFuture<P::Output>, Rc<Running<P>>) {
    let (tx, rx) = oneshot::channel();
    let channel = launch.channel_name.as_deref().and_then(|n| BroadcastChannel::new(n).ok());
    let running = Rc::new(Running(RefCell::new(Driver {
        flow: Flow::new(launch.protocol, launch.config),
        popup: launch.popup,
        opened_at: js_sys::Date::now(),
        channel: channel.clone(),
        guards: None,
        sender: Some(tx),
        on_event: launch.on_event,
    })));

    let mut listeners = Vec::with_capacity(3);
    let r = Rc::clone(&running);
    listeners.push(EventListener::new(window, "message", move |e| r.on_message(e, false)));
    if let Some(channel) = &channel {
        let r = Rc::clone(&running);
        listeners.push(EventListener::new(channel, "message", move |e| r.on_message(e, true)));
    }
    if let Some(signal) = &launch.signal {
        let r = Rc::clone(&running);
        listeners.push(EventListener::once(signal, "abort", move |_| r.dispatch(Input::Abort)));
    }
    let r = Rc::clone(&running);
    let poll = Interval::new(POLL_MS, move || r.poll());
    running.0.borrow_mut().guards = Some(Guards { _listeners: listeners, _poll: poll });

    let weak: Weak<dyn Pending> = Rc::downgrade(&running) as Weak<dyn Pending>;
    PENDING.with(|p| *p.borrow_mut() = Some(weak));
    (FlowFuture(FutureState::Waiting(rx)), running)
}

impl<P: Protocol> Running<P> {
    /// Feeds one input and carries out the decisions. Borrows are never held while
    /// calling out to JS, so a hook that starts a new flow cannot re-enter a borrow.
    pub(crate) fn dispatch(&self, input: Input<'_>) {
        let actions = match self.0.try_borrow_mut() {
            Ok(mut d) => d.flow.handle(input),
            Err(_) => return,
        };
        let mut acked = false;
        for action in actions {
            self.perform(action, &mut acked);
        }
    }

    /// Whether the flow has settled.
    pub(crate) fn is_settled(&self) -> bool {
        self.0.try_borrow().map(|d| d.flow.is_settled()).unwrap_or(true)
    }

    /// The popup this flow drives.
    pub(crate) fn popup(&self) -> Option<Window> {
        self.0.try_borrow().ok().map(|d| d.popup.clone())
    }

    /// Emits a debug event through the flow's hook.
    pub(crate) fn emit(&self, kind: &'static str, detail: Option<String>) {
        let hook = self.0.try_borrow().ok().and_then(|d| d.on_event.clone());
        emit(&hook, kind, detail);
    }

    fn on_message(&self, event: &web_sys::Event, via_channel: bool) {
        let Some(event) = event.dyn_ref::<MessageEvent>() else { return };
        let Some(popup) = self.popup() else { return };
        let origin = event.origin();
        let from_popup = !via_channel && event.source().is_some_and(|s| Object::is(&s, popup.as_ref()));
        let data = event.data();
        let actions = match self.0.try_borrow_mut() {
            Ok(mut d) => d.flow.handle(Input::Message(Incoming {
                origin: &origin,
                from_popup,
                via_channel,
                data: &JsData(&data),
            })),
            Err(_) => return,
        };
        let mut acked = false;
        for action in actions {
            if let Action::Ignored(reason) = action {
                self.emit("message_ignored", Some(format!("{reason} (origin {origin})")));
            } else {
                self.perform(action, &mut acked);
            }
        }
    }

    fn poll(&self) {
        let Ok((detect, popup)) = self.0.try_borrow().map(|d| (d.flow.config().detect_close, d.popup.clone())) else {
            return;
        };
        let now = js_sys::Date::now();
        let closed = detect && popup.closed().unwrap_or(false);
        self.dispatch(if closed { Input::PopupClosed { now } } else { Input::Tick { now } });
    }

    fn perform(&self, action: Action<P::Output>, acked: &mut bool) {
        match action {
            Action::Ignored(reason) => self.emit("message_ignored", Some(reason.to_owned())),
            Action::Accepted => self.emit("message_accepted", None),
            Action::PopupClosedSeen => self.emit("popup_closed_detected", None),
            Action::SendAck(ack) => {
                self.send_ack(&ack);
                *acked = true;
                self.emit("ack_sent", None);
            }
            Action::Resolve(value) => {
                self.settle(Ok(value));
                self.emit("resolved", None);
            }
            Action::Reject(e) => {
                let code = e.code.as_str().to_owned();
                self.settle(Err(e));
                self.emit("rejected", Some(code));
            }
            Action::ClosePopup => {
                let Ok((popup, age)) =
                    self.0.try_borrow().map(|d| (d.popup.clone(), js_sys::Date::now() - d.opened_at))
                else {
                    return;
                };
                // After an ack, let the popup read it (seed 004: it waits for one) first. A
                // popup closed while its first cross-origin navigation is committing can
                // survive in Chromium, so a very young popup is closed a little later.
                let young = (MIN_POPUP_AGE_MS - age).max(0.0) as u32;
                popup::close_surely(popup, young.max(if *acked { ACK_CLOSE_DELAY_MS } else { 0 }));
            }
        }
    }

    fn send_ack(&self, ack: &Ack) {
        let Ok(d) = self.0.try_borrow() else { return };
        let msg = Object::new();
        let set = |k: &str, v: &str| {
            let _ = Reflect::set(&msg, &JsValue::from_str(k), &JsValue::from_str(v));
        };
        let target = d.flow.config().expected_origin.as_str();
        match ack {
            Ack::Vendo { connection_id } => {
                set("type", TYPE_ACK);
                set("connection_id", connection_id);
            }
            Ack::Callback { state } => {
                set("type", TYPE_CALLBACK_ACK);
                set("state", state);
                if let Some(channel) = &d.channel {
                    let _ = channel.post_message(&msg);
                }
            }
        }
        // Always the exact expected origin, never "*".
        let _ = d.popup.post_message(&msg, target);
    }

    /// Settles the promise and releases everything the flow held.
    fn settle(&self, result: Settled<P::Output>) {
        let (sender, guards, channel) = match self.0.try_borrow_mut() {
            Ok(mut d) => (d.sender.take(), d.guards.take(), d.channel.take()),
            Err(_) => return,
        };
        if let Some(channel) = channel {
            channel.close();
        }
        PENDING.with(|p| {
            let mut p = p.borrow_mut();
            let ours = p.as_ref().is_some_and(|w| std::ptr::addr_eq(w.as_ptr(), self as *const Self));
            if ours {
                *p = None;
            }
        });
        if let Some(sender) = sender {
            let _ = sender.send(result);
        }
        // The guards may be running right now (we may be inside one of their callbacks):
        // drop them once this turn of the event loop is done.
        if let Some(guards) = guards {
            wasm_bindgen_futures::spawn_local(async move { drop(guards) });
        }
    }
}

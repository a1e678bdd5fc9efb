//! One running flow: feeds browser events into the pure `Flow` (`src/flow.rs`) and carries out its
//! `Action`s (docs/flows.md#engine). Compiled once for every protocol.
//!
//! Everything the browser holds for the flow (the `message` listeners, the channel, the
//! abort listener, the poll timer) lives in RAII guards that are dropped on every exit
//! path, the moment the flow settles. Only one flow is pending at a time: starting a new
//! one supersedes the old. The flow's [`FlowFuture`] is `#[must_use]`; dropping it before
//! it settles ends the flow as an abort would.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use gloo_timers::callback::Interval;
use js_sys::Object;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, BroadcastChannel, MessageEvent, Window};

use super::guards::{later, Listener};
use super::js_data::{object, prop, JsData};
use super::popup;
use crate::error::{ConnectError, ErrorCode};
use crate::flow::{Ack, Action, Flow, FlowConfig, Incoming, Input, Protocol, POLL_MS};
pub use crate::flow::{FlowEvent, FlowEventKind};
use crate::message::{TYPE_ACK, TYPE_CALLBACK_ACK};
use crate::results::{FlowResult, Outcome};

/// The debug hook (`onEvent` in JS).
pub type EventHook = Rc<dyn Fn(&FlowEvent)>;

/// Calls the hook, if any.
pub(crate) fn emit(hook: &Option<EventHook>, kind: FlowEventKind, detail: Option<String>) {
    if let Some(hook) = hook {
        hook(&FlowEvent { kind, detail });
    }
}

type Settled = Result<Outcome, ConnectError>;

/// A flow's result. The popup is already open when you get one: await it for the result,
/// or drop it to cancel the flow (the popup closes, listeners and timers are removed).
///
/// Every flow returns this one type. It is not `Send` (browser objects live on the page's
/// thread); see the crate docs for Leptos' `Action::new_local` and `spawn_local`.
#[must_use = "the popup is open: await the future for the result, or drop it to cancel the flow"]
pub struct FlowFuture<T> {
    state: FutureState,
    _result: PhantomData<fn() -> T>,
}

enum FutureState {
    Failed(Option<ConnectError>),
    Running(Rc<Running>),
}

impl<T> fmt::Debug for FlowFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            FutureState::Failed(_) => "failed",
            FutureState::Running(_) => "running",
        };
        f.debug_struct("FlowFuture").field("state", &state).finish()
    }
}

impl<T> FlowFuture<T> {
    pub(crate) fn failed(e: ConnectError) -> Self {
        FlowFuture { state: FutureState::Failed(Some(e)), _result: PhantomData }
    }

    pub(crate) fn running(r: Rc<Running>) -> Self {
        FlowFuture { state: FutureState::Running(r), _result: PhantomData }
    }
}

fn poll_raw(state: &mut FutureState, cx: &mut Context<'_>) -> Poll<Settled> {
    match state {
        FutureState::Failed(e) => Poll::Ready(Err(e
            .take()
            .unwrap_or_else(|| ConnectError::with_detail(ErrorCode::Aborted, "polled after completion")))),
        FutureState::Running(r) => r.poll_result(cx),
    }
}

impl<T: FlowResult> Future for FlowFuture<T> {
    type Output = Result<T, ConnectError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        poll_raw(&mut self.get_mut().state, cx).map(|r| {
            r.and_then(|o| T::from_outcome(o).ok_or_else(|| ConnectError::invalid_response("unexpected flow result")))
        })
    }
}

impl<T> Drop for FlowFuture<T> {
    fn drop(&mut self) {
        if let FutureState::Running(r) = &self.state {
            r.dispatch(Input::Abort("the flow's future was dropped"));
        }
    }
}

/// What [`start`] needs. The popup is already open.
pub(crate) struct Launch {
    pub protocol: Box<dyn Protocol>,
    pub config: FlowConfig,
    pub popup: Window,
    pub channel_name: Option<String>,
    pub signal: Option<AbortSignal>,
    pub on_event: Option<EventHook>,
}

struct Guards {
    _message: Listener,
    _channel: Option<Listener>,
    _abort: Option<Listener>,
    _poll: Interval,
}

/// Who hears of the result: the Rust future (result kept, waker woken) or a callback
/// (the JS skin's resolve/reject, so the npm build needs no async executor).
pub type OnSettle = Box<dyn FnOnce(Settled)>;

struct Driver {
    flow: Flow,
    popup: Window,
    channel: Option<BroadcastChannel>,
    guards: Option<Guards>,
    result: Option<Settled>,
    waker: Option<Waker>,
    on_settle: Option<OnSettle>,
    on_event: Option<EventHook>,
}

/// A running flow, shared by its listeners and its future.
pub struct Running(RefCell<Driver>);

impl fmt::Debug for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Running").field("settled", &self.is_settled()).finish_non_exhaustive()
    }
}

thread_local! {
    static PENDING: Cell<Weak<Running>> = const { Cell::new(Weak::new()) };
}

/// Rejects the pending flow, if any, with `superseded`.
pub(crate) fn supersede_pending() {
    let previous = PENDING.try_with(Cell::take).ok().and_then(|w| w.upgrade());
    if let Some(previous) = previous {
        previous.dispatch(Input::Superseded);
    }
}

/// Starts driving a flow whose popup is open.
pub(crate) fn start(window: &Window, launch: Launch) -> Rc<Running> {
    let channel = launch.channel_name.as_deref().and_then(|n| BroadcastChannel::new(n).ok());
    let running = Rc::new(Running(RefCell::new(Driver {
        flow: Flow::new(launch.protocol, launch.config),
        popup: launch.popup,
        channel: channel.clone(),
        guards: None,
        result: None,
        waker: None,
        on_settle: None,
        on_event: launch.on_event,
    })));

    let r = Rc::clone(&running);
    let message = Listener::new(window, "message", Box::new(move |e| r.on_message(e, false)));
    let channel = channel.map(|channel| {
        let r = Rc::clone(&running);
        Listener::new(&channel, "message", Box::new(move |e| r.on_message(e, true)))
    });
    let abort = launch.signal.map(|signal| {
        let r = Rc::clone(&running);
        Listener::new(&signal, "abort", Box::new(move |_| r.dispatch(Input::Abort("the signal fired"))))
    });
    let r = Rc::clone(&running);
    let poll = Interval::new(POLL_MS, move || r.poll());
    if let Ok(mut d) = running.0.try_borrow_mut() {
        d.guards = Some(Guards { _message: message, _channel: channel, _abort: abort, _poll: poll });
    }
    let _ = PENDING.try_with(|p| p.set(Rc::downgrade(&running)));
    running
}

impl Running {
    /// Feeds one input and carries out the decisions. Borrows are never held while
    /// calling out to JS, so a hook that starts a new flow cannot re-enter a borrow.
    pub(crate) fn dispatch(&self, input: Input<'_>) {
        let actions = match self.0.try_borrow_mut() {
            Ok(mut d) => d.flow.handle(input, js_sys::Date::now()),
            Err(_) => return,
        };
        for action in actions {
            self.perform(action);
        }
    }

    /// Hands the result to `f` instead of a future (the JS skin).
    pub fn on_settle(&self, f: OnSettle) {
        if let Ok(mut d) = self.0.try_borrow_mut() {
            d.on_settle = Some(f);
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
    pub(crate) fn emit(&self, kind: FlowEventKind, detail: Option<String>) {
        let hook = self.0.try_borrow().ok().and_then(|d| d.on_event.clone());
        emit(&hook, kind, detail);
    }

    fn poll_result(&self, cx: &mut Context<'_>) -> Poll<Settled> {
        let Ok(mut d) = self.0.try_borrow_mut() else {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        match d.result.take() {
            Some(r) => Poll::Ready(r),
            None if d.flow.is_settled() => {
                Poll::Ready(Err(ConnectError::with_detail(ErrorCode::Aborted, "polled after completion")))
            }
            None => {
                d.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }

    fn on_message(&self, event: &web_sys::Event, via_channel: bool) {
        let Some(event) = event.dyn_ref::<MessageEvent>() else { return };
        let origin = prop(event, "origin").as_string().unwrap_or_default();
        let (source, data) = (prop(event, "source"), prop(event, "data"));
        let actions = match self.0.try_borrow_mut() {
            Ok(mut d) => {
                // `Object.is` runs no page code, so it may run inside the borrow.
                let from_popup = !via_channel && Object::is(&source, &d.popup);
                let message = Incoming { origin: &origin, from_popup, via_channel, data: &JsData(&data) };
                d.flow.handle(Input::Message(message), js_sys::Date::now())
            }
            Err(_) => return,
        };
        for action in actions {
            if let Action::Ignored(reason) = action {
                let detail = [reason, " (origin ", &origin, ")"].concat();
                self.emit(FlowEventKind::MessageIgnored, Some(detail));
            } else {
                self.perform(action);
            }
        }
    }

    /// Reads the popup: closed, seen on its first page (read only until then: a page of
    /// another origin makes the read throw), or neither (docs/decisions.md#coop).
    fn poll(&self) {
        let Ok((awaits_load, popup)) = self.0.try_borrow().map(|d| (d.flow.awaits_load(), d.popup.clone())) else {
            return;
        };
        self.dispatch(if popup::closed(&popup) == Some(true) {
            Input::PopupClosed
        } else if awaits_load && popup::loaded(&popup) {
            Input::PopupLoaded
        } else {
            Input::Tick
        });
    }

    fn perform(&self, action: Action) {
        match action {
            Action::Ignored(reason) => self.emit(FlowEventKind::MessageIgnored, Some(reason.to_owned())),
            Action::Accepted => self.emit(FlowEventKind::MessageAccepted, None),
            Action::PopupClosedSeen => self.emit(FlowEventKind::PopupClosedDetected, None),
            Action::PopupUncertain => self.emit(FlowEventKind::PopupUncertain, None),
            Action::SendAck(ack) => {
                self.send_ack(&ack);
                self.emit(FlowEventKind::AckSent, None);
            }
            Action::Resolve(value) => {
                self.settle(Ok(value));
                self.emit(FlowEventKind::Resolved, None);
            }
            Action::Reject(e) => {
                let code = e.code().as_str().to_owned();
                self.settle(Err(e));
                self.emit(FlowEventKind::Rejected, Some(code));
            }
            Action::ClosePopup { after_ms } => {
                if let Some(popup) = self.popup() {
                    popup::close_surely(popup, after_ms);
                }
            }
        }
    }

    fn send_ack(&self, ack: &Ack) {
        let Ok(d) = self.0.try_borrow() else { return };
        let msg = match ack {
            Ack::Vendo { connection_id } => {
                object(&["type", "connection_id"], &[TYPE_ACK.into(), connection_id.into()])
            }
            Ack::Callback { state } => {
                let msg = object(&["type", "state"], &[TYPE_CALLBACK_ACK.into(), state.into()]);
                if let Some(channel) = &d.channel {
                    let _ = channel.post_message(&msg);
                }
                msg
            }
        };
        // Always the exact expected origin, never "*".
        let _ = d.popup.post_message(&msg, &d.flow.config().expected_origin);
    }

    /// Hands over the result and releases everything the flow held.
    fn settle(&self, result: Settled) {
        let (guards, channel, waker, callback) = match self.0.try_borrow_mut() {
            Ok(mut d) => {
                let callback = d.on_settle.take();
                let result = match callback {
                    Some(_) => Some(result),
                    None => {
                        d.result = Some(result);
                        None
                    }
                };
                (d.guards.take(), d.channel.take(), d.waker.take(), callback.zip(result))
            }
            Err(_) => return,
        };
        if let Some(channel) = channel {
            channel.close();
        }
        let _ = PENDING.try_with(|p| {
            let pending = p.take();
            if !std::ptr::eq(pending.as_ptr(), self) {
                p.set(pending);
            }
        });
        if let Some(waker) = waker {
            waker.wake();
        }
        if let Some((callback, result)) = callback {
            callback(result);
        }
        // The guards may be running right now (we may be inside one of their callbacks):
        // drop them once this turn of the event loop is done.
        if let Some(guards) = guards {
            later(0, Box::new(move || drop(guards)));
        }
    }
}

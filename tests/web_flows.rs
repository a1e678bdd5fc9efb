//! The popup engine in a real browser (headless Chromium through wasm-bindgen-test).
//!
//! The flows open real popups on the test server's own origin (ChromeDriver turns the
//! popup blocker off; the Playwright suite proves the user-gesture path with it on).
//! Code runs *inside* the popup through the popup's own `Function` constructor, so its
//! messages carry the popup as `event.source`, exactly as a server's callback page would.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use js_sys::{Function, Reflect};
use vendo_connect::browser::{
    authorize, connect, AuthorizeOptions, CommonOptions, ConnectOptions, FlowEvent, FlowEventKind,
};
use vendo_connect::ErrorCode;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::Window;

wasm_bindgen_test_configure!(run_in_browser);

fn window() -> Window {
    web_sys::window().unwrap()
}

fn origin() -> String {
    window().location().origin().unwrap()
}

/// Runs `body` inside `win`'s own realm.
fn run_in(win: &JsValue, body: &str) -> JsValue {
    let ctor: Function = Reflect::get(win, &"Function".into()).unwrap().unchecked_into();
    let f: Function = Reflect::construct(&ctor, &js_sys::Array::of1(&body.into())).unwrap().unchecked_into();
    f.call0(&JsValue::NULL).unwrap_or(JsValue::UNDEFINED)
}

/// Counts `window.open` calls, to prove that a rejected call opened nothing.
fn count_opens() -> impl Fn() -> u32 {
    run_in(
        window().as_ref(),
        "if (window.__opens === undefined) { window.__opens = 0; const o = window.open; \
         window.open = function (...a) { window.__opens++; window.__lastUrl = String(a[0]); window.__lastArgs = a; const w = o.apply(this, a); window.__lastPopup = w; return w; }; }",
    );
    || Reflect::get(window().as_ref(), &"__opens".into()).unwrap().as_f64().unwrap() as u32
}

fn last_popup() -> JsValue {
    Reflect::get(window().as_ref(), &"__lastPopup".into()).unwrap()
}

/// A popup the flow can drive and the test can script. The test server has no Vendo
/// pages, so the flow is handed (`window` option) a same-origin window whose navigations
/// are intercepted (Navigation API): it moves to the authorize URL without leaving the
/// document, and scripts run in it post with the popup as `event.source`.
async fn scriptable_popup() -> Window {
    let w = window().open_with_url_and_target(&format!("{}/wasm-bindgen-test", origin()), "_blank").unwrap().unwrap();
    for _ in 0..200 {
        let ready = Reflect::get(w.as_ref(), &"Function".into()).ok().map(|_| {
            run_in(
                w.as_ref(),
                "return location.pathname === '/wasm-bindgen-test' && document.readyState === 'complete';",
            )
        });
        if ready.and_then(|v| v.as_bool()) == Some(true) {
            run_in(
                w.as_ref(),
                "navigation.addEventListener('navigate', (e) => { if (e.canIntercept) e.intercept(); });",
            );
            return w;
        }
        TimeoutFuture::new(20).await;
    }
    panic!("the scriptable popup never loaded");
}

/// Options whose flow drives `popup`.
fn driving(popup: &Window, provider: &str) -> ConnectOptions {
    let mut o = options(provider);
    o.common.window = Some(popup.clone());
    o
}

/// The URL the last `window.open` was given.
fn last_url() -> String {
    Reflect::get(window().as_ref(), &"__lastUrl".into()).unwrap().as_string().unwrap()
}

fn options(provider: &str) -> ConnectOptions {
    let _ = count_opens(); // installs the window.open wrapper that last_popup() reads
    ConnectOptions {
        base_url: origin(),
        provider: provider.into(),
        common: CommonOptions { closed_grace_ms: 200.0, ..Default::default() },
        ..Default::default()
    }
}

const AUTHORIZE: &str = "/api/oauth/notion/authorize";

/// Script for the popup: record acks, then post `payload` to the opener at our origin.
fn post_from_popup(payload: &str) -> String {
    format!(
        "window.__acks = []; addEventListener('message', e => {{ if (e.source === opener) __acks.push(e.data); }}); \
         opener.postMessage({payload}, location.origin);"
    )
}

#[wasm_bindgen_test]
async fn the_popup_opens_before_connect_returns_at_the_authorize_url() {
    let opens = count_opens();
    let before = opens();
    let mut o = ConnectOptions { state: Some("st-0".into()), ..options("notion") };
    o.common.timeout_ms = 100.0;
    let flow = connect(o);
    assert_eq!(opens(), before + 1, "the popup opens before connect() returns");
    let url = last_url();
    let expected = format!(
        "{0}{AUTHORIZE}?embed=1&opener_origin={1}&state=st-0",
        origin(),
        String::from(js_sys::encode_uri_component(&origin()))
    );
    assert_eq!(url, expected);
    assert_eq!(*flow.await.unwrap_err().code(), ErrorCode::Timeout);
}

#[wasm_bindgen_test]
async fn connect_resolves_on_done_and_acks_the_popup() {
    let popup = scriptable_popup().await;
    let flow = connect(ConnectOptions { state: Some("st-1".into()), ..driving(&popup, "notion") });
    let popup: JsValue = popup.into();
    run_in(
        &popup,
        &post_from_popup(
            "{ type: 'vendo:oauth:done', provider: 'notion', connection_id: 'c-1', external_id: 'vendo_conn_1', \
             display_name: 'Acme', return_url: null, state: 'st-1' }",
        ),
    );
    let c = flow.await.expect("resolves");
    assert_eq!((c.provider.as_str(), c.connection_id.as_str()), ("notion", "c-1"));
    assert_eq!(c.display_name.as_deref(), Some("Acme"));
    assert_eq!(c.return_url, None);
    assert_eq!(c.state, "st-1");
    TimeoutFuture::new(50).await;
    let acks = js_sys::JSON::stringify(&run_in(&popup, "return window.__acks;")).unwrap();
    assert_eq!(String::from(acks), r#"[{"type":"vendo:connection:ack","connection_id":"c-1"}]"#);
    TimeoutFuture::new(900).await;
    assert_eq!(Reflect::get(&popup, &"closed".into()).unwrap(), JsValue::TRUE, "popup closed after the ack");
}

#[wasm_bindgen_test]
async fn messages_from_another_window_or_with_another_state_are_ignored() {
    let events: Rc<RefCell<Vec<FlowEvent>>> = Rc::default();
    let log = Rc::clone(&events);
    let popup = scriptable_popup().await;
    let mut o = driving(&popup, "notion");
    o.state = Some("mine".into());
    o.common.on_event = Some(Rc::new(move |e| log.borrow_mut().push(e.clone())));
    let flow = connect(o);
    let popup: JsValue = popup.into();
    // The opener posting to itself: right origin, wrong source.
    run_in(window().as_ref(), "postMessage({ type: 'vendo:oauth:error', code: 'spoofed' }, location.origin);");
    // From the popup, but another flow's state; then garbage; then the real answer.
    run_in(&popup, &post_from_popup("{ type: 'vendo:oauth:error', code: 'spoofed', state: 'theirs' }"));
    run_in(&popup, "opener.postMessage({ type: 'vendo:oauth:done', connection_id: 42 }, location.origin);");
    run_in(&popup, "opener.postMessage('hello', location.origin);");
    // A real answer posted as JSON text: not a message (docs/wire.md#messages).
    run_in(
        &popup,
        "opener.postMessage(JSON.stringify({ type: 'vendo:oauth:done', provider: 'notion', connection_id: 'c', state: 'mine' }), location.origin);",
    );
    run_in(
        &popup,
        "opener.postMessage({ type: 'vendo:oauth:error', code: 'access_denied', detail: 'no' }, location.origin);",
    );
    let err = flow.await.expect_err("rejects with the real error");
    assert_eq!(*err.code(), ErrorCode::AccessDenied);
    assert_eq!(err.detail(), Some("no"));
    assert_eq!(err.provider(), Some("notion"));
    let ignored: Vec<String> = events
        .borrow()
        .iter()
        .filter(|e| e.kind == FlowEventKind::MessageIgnored)
        .filter_map(|e| e.detail.clone())
        .collect();
    assert!(ignored.iter().any(|d| d.contains("source is not this flow's popup")), "{ignored:?}");
    assert!(ignored.iter().any(|d| d.contains("state does not match")), "{ignored:?}");
    assert!(ignored.iter().filter(|d| d.contains("not a vendo:oauth message")).count() >= 3, "{ignored:?}");
    let kinds: Vec<&str> = events.borrow().iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"popup_opened"));
    assert_eq!(kinds.last(), Some(&"rejected"));
}

#[wasm_bindgen_test]
async fn person_closing_the_popup_rejects_after_the_grace_period() {
    let popup = scriptable_popup().await;
    let flow = connect(driving(&popup, "notion"));
    TimeoutFuture::new(500).await; // the poll has seen the popup on a page (PAGE_SEEN_MS)
    run_in(popup.as_ref(), "window.close();");
    let err = flow.await.expect_err("popup_closed");
    assert_eq!(*err.code(), ErrorCode::PopupClosed);
}

/// docs/decisions.md#coop: closed before its first page was seen, a `connect()` popup can
/// no longer be heard from.
#[wasm_bindgen_test]
async fn a_connect_popup_closed_before_its_first_page_is_opener_lost() {
    let flow = connect(options("notion"));
    last_popup().unchecked_ref::<Window>().close().unwrap();
    assert_eq!(*flow.await.unwrap_err().code(), ErrorCode::OpenerLost);
}

/// docs/decisions.md#coop: an `authorize()` popup (it has a channel) closed before its first
/// page is uncertain: the flow waits, and the envelope on the channel still resolves it.
#[wasm_bindgen_test]
async fn an_authorize_popup_closed_before_its_first_page_waits_for_its_channel() {
    let events: Rc<RefCell<Vec<FlowEvent>>> = Rc::default();
    let log = Rc::clone(&events);
    let _ = count_opens();
    let flow = authorize(AuthorizeOptions {
        authorization_endpoint: format!("{}/authorize", origin()),
        client_id: "c".into(),
        redirect_uri: format!("{}/callback", origin()),
        state: Some("coop-state".into()),
        common: CommonOptions {
            closed_grace_ms: 0.0,
            on_event: Some(Rc::new(move |e| log.borrow_mut().push(e.clone()))),
            ..Default::default()
        },
        ..Default::default()
    });
    last_popup().unchecked_ref::<Window>().close().unwrap();
    TimeoutFuture::new(400).await;
    let kinds: Vec<&str> = events.borrow().iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["popup_opened", "popup_uncertain"]);
    run_in(
        window().as_ref(),
        "const c = new BroadcastChannel('vendo-connect:coop-state'); \
         c.postMessage({ type: 'vendo-connect:callback', state: 'coop-state', query: 'code=k&state=coop-state' }); c.close();",
    );
    assert_eq!(flow.await.expect("the channel's answer").code, "k");
}

#[wasm_bindgen_test]
async fn result_posted_while_closing_still_wins() {
    let popup = scriptable_popup().await;
    let flow = connect(driving(&popup, "notion"));
    run_in(
        popup.as_ref(),
        "opener.postMessage({ type: 'vendo:oauth:done', provider: 'notion', connection_id: 'late' }, location.origin); window.close();",
    );
    assert_eq!(flow.await.expect("the message beats popup_closed").connection_id, "late");
}

#[wasm_bindgen_test]
async fn abort_signal_rejects_and_closes_the_popup() {
    let controller = web_sys::AbortController::new().unwrap();
    let popup = scriptable_popup().await;
    let mut o = driving(&popup, "notion");
    o.common.signal = Some(controller.signal());
    let flow = connect(o);
    controller.abort();
    assert_eq!(*flow.await.unwrap_err().code(), ErrorCode::Aborted);
    TimeoutFuture::new(800).await; // a popup younger than MIN_POPUP_AGE_MS is closed at that age
    assert!(popup.closed().unwrap());
}

#[wasm_bindgen_test]
async fn dropping_the_future_ends_the_flow_closes_the_popup_and_leaves_nothing_behind() {
    let popup = scriptable_popup().await;
    let events: Rc<RefCell<Vec<FlowEvent>>> = Rc::default();
    let seen = Rc::clone(&events);
    let mut o = driving(&popup, "notion");
    o.common.on_event = Some(Rc::new(move |e: &FlowEvent| seen.borrow_mut().push(e.clone())));
    let flow = connect(o);
    TimeoutFuture::new(50).await;
    drop(flow);
    let rejected: Vec<Option<String>> =
        events.borrow().iter().filter(|e| e.kind == FlowEventKind::Rejected).map(|e| e.detail.clone()).collect();
    assert_eq!(rejected, vec![Some("aborted".to_owned())], "dropping the future aborts the flow at once");
    TimeoutFuture::new(800).await; // closed once the popup is MIN_POPUP_AGE_MS old
    assert!(popup.closed().unwrap(), "dropping the future closes the popup");
    // Nothing of the dropped flow is left: its message listener no longer hears anything
    // (no further events), and the next flow runs on its own.
    let count = events.borrow().len();
    run_in(
        window().as_ref(),
        "window.postMessage({ type: 'vendo:oauth:done', provider: 'notion', connection_id: 'x' }, location.origin);",
    );
    TimeoutFuture::new(300).await;
    assert_eq!(events.borrow().len(), count, "no listener or timer of the dropped flow is still running");
    let mut next = options("notion");
    next.common.timeout_ms = 50.0;
    assert_eq!(*connect(next).await.unwrap_err().code(), ErrorCode::Timeout);
}

#[wasm_bindgen_test]
async fn a_settled_future_dropped_later_changes_nothing() {
    let mut o = options("notion");
    o.common.timeout_ms = 30.0;
    let flow = connect(o);
    TimeoutFuture::new(300).await;
    drop(flow); // settled with `timeout` already: dropping it is not an abort
    let mut o = options("notion");
    o.common.timeout_ms = 30.0;
    assert_eq!(*connect(o).await.unwrap_err().code(), ErrorCode::Timeout);
}

#[wasm_bindgen_test]
async fn an_aborted_signal_opens_nothing() {
    let opens = count_opens();
    let before = opens();
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let mut o = options("notion");
    o.common.signal = Some(controller.signal());
    assert_eq!(*connect(o).await.unwrap_err().code(), ErrorCode::Aborted);
    assert_eq!(opens(), before);
}

#[wasm_bindgen_test]
async fn a_new_flow_supersedes_the_pending_one() {
    let first_popup = scriptable_popup().await;
    let first = connect(driving(&first_popup, "notion"));
    let mut o = options("slack");
    o.common.timeout_ms = 100.0;
    let second = connect(o);
    assert_eq!(*first.await.unwrap_err().code(), ErrorCode::Superseded);
    TimeoutFuture::new(800).await;
    assert!(first_popup.closed().unwrap());
    assert_eq!(*second.await.unwrap_err().code(), ErrorCode::Timeout);
}

#[wasm_bindgen_test]
async fn close_popup_false_leaves_it_open() {
    let popup = scriptable_popup().await;
    let mut o = driving(&popup, "notion");
    o.common.timeout_ms = 50.0;
    o.common.close_popup = false;
    let flow = connect(o);
    assert_eq!(*flow.await.unwrap_err().code(), ErrorCode::Timeout);
    assert!(!popup.closed().unwrap());
    popup.close().unwrap();
}

#[wasm_bindgen_test]
async fn detect_close_false_never_reports_popup_closed() {
    let mut o = options("notion");
    o.common.detect_close = false;
    o.common.closed_grace_ms = 0.0;
    o.common.timeout_ms = 600.0;
    let flow = connect(o);
    let popup = last_popup();
    popup.unchecked_ref::<Window>().close().unwrap();
    assert_eq!(*flow.await.unwrap_err().code(), ErrorCode::Timeout);
}

#[wasm_bindgen_test]
async fn invalid_options_reject_before_any_window_opens() {
    let opens = count_opens();
    let before = opens();
    let cases: Vec<ConnectOptions> = vec![
        ConnectOptions { provider: "Not A Slug".into(), ..options("x") },
        ConnectOptions { base_url: "http://vendo.example".into(), ..options("notion") },
        ConnectOptions { base_url: "javascript:alert(1)".into(), ..options("notion") },
        ConnectOptions { return_to: Some("//evil.com".into()), ..options("notion") },
        ConnectOptions { return_to: Some("/%2F%2Fevil.com".into()), ..options("notion") },
        ConnectOptions { state: Some(String::new()), ..options("notion") },
        ConnectOptions { common: CommonOptions { timeout_ms: -1.0, ..Default::default() }, ..options("notion") },
    ];
    for o in cases {
        assert_eq!(*connect(o).await.unwrap_err().code(), ErrorCode::InvalidOptions);
    }
    assert_eq!(opens(), before);
}

#[wasm_bindgen_test]
async fn a_closed_window_option_is_popup_blocked() {
    let w = window().open_with_url("about:blank").unwrap().unwrap();
    w.close().unwrap();
    let mut o = options("notion");
    o.common.window = Some(w);
    assert_eq!(*connect(o).await.unwrap_err().code(), ErrorCode::PopupBlocked);
}

#[wasm_bindgen_test]
async fn a_window_the_caller_opened_is_used() {
    let opens = count_opens();
    let w = scriptable_popup().await;
    let before = opens();
    let flow = connect(driving(&w, "notion"));
    assert_eq!(opens(), before, "no second window");
    assert!(run_in(w.as_ref(), "return location.pathname;").as_string().unwrap().ends_with("/notion/authorize"));
    run_in(
        w.as_ref(),
        "opener.postMessage({ type: 'vendo:oauth:done', provider: 'notion', connection_id: 'w' }, location.origin);",
    );
    assert_eq!(flow.await.unwrap().connection_id, "w");
}

#[wasm_bindgen_test]
async fn popup_is_centred_sized_and_named_as_asked() {
    let _ = count_opens();
    let mut o = options("notion");
    o.common.timeout_ms = 50.0;
    o.common.popup = vendo_connect::browser::PopupOptions { width: 420, height: 300, name: "vendo-test".into() };
    let flow = connect(o);
    let args = run_in(window().as_ref(), "return window.__lastArgs;");
    let args: js_sys::Array = args.unchecked_into();
    assert_eq!(args.get(1).as_string().as_deref(), Some("vendo-test"));
    let features = args.get(2).as_string().unwrap();
    let w = window();
    let expect_left =
        (w.screen_x().unwrap().as_f64().unwrap() + (w.outer_width().unwrap().as_f64().unwrap() - 420.0) / 2.0).round();
    assert!(features.starts_with("popup=yes,width=420,height=300,left="), "{features}");
    let left: f64 = features.split("left=").nth(1).unwrap().split(',').next().unwrap().parse().unwrap();
    let screen = w.screen().unwrap();
    let max_left = screen.avail_width().unwrap() as f64 - 420.0;
    assert!(left == expect_left || left == 0.0 || left == max_left.max(0.0), "{features} vs {expect_left}");
    assert_eq!(*flow.await.unwrap_err().code(), ErrorCode::Timeout);
}

#[wasm_bindgen_test]
async fn a_blocked_popup_rejects_at_once_whatever_window_open_returns() {
    for fake in ["null", "({})", "({ closed: true })", "({ closed: undefined, postMessage() {} })"] {
        run_in(window().as_ref(), &format!("window.__realOpen = window.open; window.open = () => {fake};"));
        let flow = connect(options("notion"));
        run_in(window().as_ref(), "window.open = window.__realOpen;");
        assert_eq!(*flow.await.unwrap_err().code(), ErrorCode::PopupBlocked, "{fake}");
    }
}

/// `popup_support()` reads the real navigator: popups work in this (desktop) browser, and an
/// iOS home-screen app (`navigator.standalone`) is recognised (docs/flows.md#redirect-mode).
#[wasm_bindgen_test]
fn popup_support_reads_the_navigator() {
    use vendo_connect::browser::popup_support;
    assert_eq!(popup_support().reason, None);
    assert!(popup_support().popup);
    let define = Function::new_no_args(
        "Object.defineProperty(Navigator.prototype, 'standalone', { get: () => true, configurable: true })",
    );
    define.call0(&JsValue::NULL).unwrap();
    let ios = popup_support();
    Function::new_no_args("delete Navigator.prototype.standalone").call0(&JsValue::NULL).unwrap();
    assert_eq!((ios.popup, ios.reason), (false, Some("an iOS home-screen web app")));
}

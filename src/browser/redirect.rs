//! Same-tab redirect mode in the browser (docs/flows.md#redirect-mode): where popups cannot
//! work, the pending record in `sessionStorage`, leaving the tab, and finishing on the
//! redirect page. What is decided (the mode, the record, the verdict) is
//! `src/redirect.rs`'s; this module only reads and writes the browser.

use std::rc::Rc;

use js_sys::Object;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Storage, Window};

use super::callback_page::{hand_off, own_origin, page_query, strip_response, CallbackOptions, OnDone};
use super::js_data::prop;
use crate::error::{ConnectError, ErrorCode};
use crate::redirect::{
    finish, no_pending_flow, popup_unsupported_reason, response_state, storage_key, PendingRedirect, RedirectResult,
    Response, STORAGE_PREFIX,
};

/// Whether popups can work here (`popupSupport()`, docs/flows.md#redirect-mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PopupSupport {
    /// `false` in a place where popups are known not to work.
    pub popup: bool,
    /// Why not (e.g. "Instagram's in-app browser"); `None` when `popup` is `true`.
    pub reason: Option<&'static str>,
}

/// Reads the user agent and `navigator.standalone` (set on iOS home-screen web apps) and
/// says whether a popup can work here.
pub fn popup_support() -> PopupSupport {
    let reason = super::window().and_then(|w| {
        let navigator = w.navigator();
        let standalone = prop(&navigator, "standalone") == JsValue::TRUE;
        popup_unsupported_reason(&navigator.user_agent().unwrap_or_default(), standalone)
    });
    PopupSupport { popup: reason.is_none(), reason }
}

/// This tab's `sessionStorage`; same-tab flows cannot run without it.
fn session_storage(window: &Window) -> Result<Storage, ConnectError> {
    Some(prop(window, "sessionStorage")).filter(JsValue::is_object).map(JsCast::unchecked_into).ok_or_else(|| {
        ConnectError::with_detail(
            ErrorCode::UnsupportedEnvironment,
            "sessionStorage is unavailable: same-tab flows need it",
        )
    })
}

/// Removes the records of abandoned flows that have expired, and anything under the SDK's
/// prefix that is not a record.
fn sweep(storage: &Storage, now: f64) {
    // `Object.keys` of a `Storage` lists its keys (a prefixed key never shadows a `Storage`
    // member), as a copy that removing does not disturb.
    let keys = Object::keys(storage).into_iter().filter_map(|k| k.as_string());
    for key in keys.filter(|k| k.starts_with(STORAGE_PREFIX)) {
        let text = storage.get_item(&key).ok().flatten().unwrap_or_default();
        if PendingRedirect::decode(&text).is_none_or(|r| r.is_expired(now)) {
            let _ = storage.remove_item(&key);
        }
    }
}

/// Stores the flow's record and navigates this tab to `url` (`location.href = url`, as
/// `location.assign(url)` would).
pub(crate) fn leave(window: &Window, record: &PendingRedirect, url: &str) -> Result<(), ConnectError> {
    let storage = session_storage(window)?;
    sweep(&storage, js_sys::Date::now());
    let key = storage_key(&record.state);
    storage.set_item(&key, &record.encode()).map_err(|_| {
        ConnectError::with_detail(
            ErrorCode::UnsupportedEnvironment,
            "sessionStorage refused the record (full or blocked)",
        )
    })?;
    if window.location().set_href(url).is_err() {
        let _ = storage.remove_item(&key);
        return Err(ConnectError::invalid_options("the tab could not navigate to the URL"));
    }
    Ok(())
}

/// Told how [`start_complete_redirect`] ended: `Ok(None)` when there was nothing for this
/// page to finish.
pub(crate) type OnRedirectDone = Box<dyn FnOnce(Result<Option<RedirectResult>, ConnectError>)>;

/// `completeRedirect()` with a completion callback (the JS skin settles its promise from it).
///
/// 1. No response in the URL: nothing to do (`None`); the address bar is left alone.
/// 2. Otherwise the response is stripped from the address bar first.
/// 3. The record filed under the response's state is taken out of `sessionStorage`
///    (usable once), the expired records of abandoned flows are swept, and
///    `redirect::finish` judges the response.
/// 4. With no record, the page is either a popup's callback page or a response nobody here
///    waits for. It is handed to the opener as `completeCallback` does; if a popup flow
///    acknowledges it, there is nothing for this page to do (`None`, and the window
///    closes). If nobody does, it is `invalid_state`: a replay, a reload of the unstripped
///    URL, a tampered state, or a flow this tab never started.
pub fn start_complete_redirect(options: CallbackOptions, done: OnRedirectDone) {
    let Some(window) = super::window() else {
        return done(Err(ConnectError::invalid_options("no window")));
    };
    let query = page_query(&window);
    let state = match response_state(&query) {
        Ok(Response::None) => return done(Ok(None)),
        Ok(Response::Bound(state)) => state,
        Err(e) => {
            strip_response(&window);
            return done(Err(e));
        }
    };
    strip_response(&window);
    let now = js_sys::Date::now();
    let record = session_storage(&window).ok().and_then(|storage| {
        let key = storage_key(&state);
        let text = storage.get_item(&key).ok().flatten();
        let _ = storage.remove_item(&key);
        sweep(&storage, now);
        text.map(|t| PendingRedirect::decode(&t))
    });
    match record {
        // Found and judged; an unreadable record is judged as none.
        Some(record) => done(finish(&query, record, now).map(Some)),
        None => {
            let origin = match own_origin(&window) {
                Ok(origin) => origin,
                Err(e) => return done(Err(e)),
            };
            let done: OnDone = Box::new(move |handed| {
                done(match handed {
                    Ok(out) if out.acknowledged => Ok(None),
                    Err(e) if *e.code() != ErrorCode::InvalidOptions => Err(e),
                    _ => Err(no_pending_flow()),
                })
            });
            hand_off(options, window, query, origin, done);
        }
    }
}

/// Finishes a same-tab flow on the redirect page (docs/flows.md#redirect-mode). Call it on
/// every load of the redirect URI: `Ok(None)` when there is nothing to finish (no
/// response in the URL, or a popup flow took it); docs/flows.md#completeredirect gives the
/// steps.
///
/// # Examples
///
/// ```no_run
/// wasm_bindgen_futures::spawn_local(async {
///     match vendo_connect::browser::complete_redirect(Default::default()).await {
///         Ok(Some(done)) => { /* exchange the code; restore `done.app_state` */ }
///         Ok(None) => {}
///         Err(e) => web_sys::console::warn_1(&e.code().as_str().into()),
///     }
/// });
/// ```
pub async fn complete_redirect(options: CallbackOptions) -> Result<Option<RedirectResult>, ConnectError> {
    let slot = Rc::new(super::callback_page::Slot::default());
    let filled = Rc::clone(&slot);
    start_complete_redirect(options, Box::new(move |r| filled.fill(r)));
    super::callback_page::SlotFuture(slot).await
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::redirect::RecordFlow;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn record(state: &str, expires_at: f64) -> String {
        PendingRedirect {
            flow: RecordFlow::ConnectLink,
            state: state.into(),
            code_verifier: None,
            redirect_uri: "https://app.example/cb".into(),
            issuer: None,
            expires_at,
            app_state: None,
        }
        .encode()
    }

    /// The sweep removes expired records and whatever under the SDK's prefix is not a
    /// record, and leaves live records and everyone else's keys alone.
    #[wasm_bindgen_test]
    fn sweep_removes_expired_records_and_junk_under_the_prefix_only() {
        let storage = session_storage(&web_sys::window().unwrap()).unwrap();
        let now = js_sys::Date::now();
        let junk = [STORAGE_PREFIX, "junk"].concat();
        let entries = [
            (storage_key("live"), record("live", now + 60_000.0)),
            (storage_key("old"), record("old", now - 1_000.0)),
            (junk.clone(), "not a record".to_owned()),
            ("someone-else".to_owned(), "kept".to_owned()),
        ];
        for (k, v) in &entries {
            storage.set_item(k, v).unwrap();
        }
        sweep(&storage, now);
        let left = |k: &str| storage.get_item(k).unwrap().is_some();
        assert!(left(&storage_key("live")), "a live record stays");
        assert!(!left(&storage_key("old")), "an expired record goes");
        assert!(!left(&junk), "junk under the prefix goes");
        assert!(left("someone-else"), "other keys stay");
        for (k, _) in &entries {
            storage.remove_item(k).unwrap();
        }
    }
}

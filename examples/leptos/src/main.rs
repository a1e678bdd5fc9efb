//! A Leptos 0.8 client-side app that uses vendo-connect's Rust API directly.
//!
//! Every flow is started **inside its click handler**: `connect()` / `authorize()` open the
//! popup when they are called, so the popup blocker sees a user gesture. The future they
//! return is then spawned with `spawn_local_scoped_with_cancellation`, which ties it to the
//! component that started it: when that component unmounts, Leptos drops the future, and
//! dropping a pending flow cancels it and closes its popup.
//!
//! The same wasm also runs the OAuth callback page (`callback.html`), which only calls
//! `complete_callback()`.
//!
//! Every outcome is shown in an `<output id=… data-status=…>` the end-to-end test reads
//! (`tests/e2e/leptos.test.mjs`).

use leptos::prelude::*;
use leptos::task::{spawn_local, spawn_local_scoped_with_cancellation};

#[cfg(feature = "flows")]
use vendo_connect::browser::{
    authorize, complete_callback, connect, exchange_code, AuthorizeOptions, CallbackOptions, ConnectOptions,
    ExchangeCode,
};

// `--no-default-features`: the same app with every vendo-connect call replaced by a stub,
// to measure what the crate adds to a Leptos app (scripts/build-examples.sh).
#[cfg(not(feature = "flows"))]
mod stub;
#[cfg(not(feature = "flows"))]
use stub::{
    authorize, complete_callback, connect, exchange_code, AuthorizeOptions, CallbackOptions, ConnectOptions,
    ExchangeCode,
};

/// The OAuth client registered at the local oidc-provider (`www/stand-ins/oidc.mjs`).
const CLIENT_ID: &str = "vendo-connect-demo";

fn main() {
    let page = Page::read();
    if page.is_callback {
        leptos::mount::mount_to_body(CallbackPage);
    } else {
        leptos::mount::mount_to_body(move || {
            provide_context(page);
            view! { <App /> }
        });
    }
}

/// Where the local servers are: `?vendo=` and `?oidc=`, defaulting to `make demo`'s ports.
#[derive(Clone, Debug)]
struct Page {
    vendo: String,
    oidc: String,
    origin: String,
    is_callback: bool,
}

impl Page {
    fn read() -> Self {
        let location = window().location();
        let params = web_sys::UrlSearchParams::new_with_str(&location.search().unwrap_or_default()).ok();
        let param = |name: &str, default: &str| {
            let value = params.as_ref().and_then(|p| p.get(name)).unwrap_or_else(|| default.to_owned());
            value.trim_end_matches('/').to_owned()
        };
        Page {
            vendo: param("vendo", "http://127.0.0.1:8081"),
            oidc: param("oidc", "http://127.0.0.1:8083"),
            origin: location.origin().unwrap_or_default(),
            is_callback: location.pathname().unwrap_or_default().ends_with("/callback.html"),
        }
    }

    fn callback_url(&self) -> String {
        format!("{}/callback.html", self.origin)
    }
}

/// What one button's flow came to.
#[derive(Clone, Debug, Default, PartialEq)]
enum Status {
    #[default]
    Idle,
    Pending,
    /// Named fields to show (never a secret).
    Done(Vec<(&'static str, String)>),
    /// A typed `ConnectError`: its code and detail.
    Failed {
        code: String,
        detail: Option<String>,
    },
}

impl Status {
    fn failed(code: &str, detail: Option<&str>) -> Self {
        Status::Failed { code: code.to_owned(), detail: detail.map(str::to_owned) }
    }

    fn name(&self) -> &'static str {
        match self {
            Status::Idle => "idle",
            Status::Pending => "pending",
            Status::Done(_) => "resolved",
            Status::Failed { .. } => "rejected",
        }
    }
}

/// `<output id=… data-status=… data-code=…>` with one `<dd data-field=…>` per field.
#[component]
fn Outcome(id: &'static str, status: ReadSignal<Status>) -> impl IntoView {
    view! {
        <output id=id class="outcome" data-status=move || status.with(Status::name)
            data-code=move || status.with(|s| match s { Status::Failed { code, .. } => Some(code.clone()), _ => None })>
            {move || match status.get() {
                Status::Idle => view! { <span>"—"</span> }.into_any(),
                Status::Pending => view! { <span>"waiting for the popup…"</span> }.into_any(),
                Status::Done(fields) => view! {
                    <dl>
                        {fields.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd data-field=k>{v}</dd> }).collect_view()}
                    </dl>
                }.into_any(),
                Status::Failed { code, detail } => view! {
                    <span class="error">"ConnectError " <code data-field="code">{code}</code>
                        {detail.map(|d| view! { ": " <span data-field="detail">{d}</span> })}
                    </span>
                }.into_any(),
            }}
        </output>
    }
}

#[component]
fn App() -> impl IntoView {
    let page = expect_context::<Page>();
    view! {
        <main>
            <h1>"vendo-connect × Leptos"</h1>
            <p class="servers">"Vendo " <code id="vendo-origin">{page.vendo.clone()}</code>
                " · OAuth " <code id="oidc-origin">{page.oidc.clone()}</code></p>
            <ConnectNotion />
            <ConnectDenied />
            <StartAndUnmount />
            <SignIn />
        </main>
    }
}

/// "Connect Notion": the Vendo popup protocol, resolved with the new connection.
#[component]
fn ConnectNotion() -> impl IntoView {
    let page = expect_context::<Page>();
    let (status, set_status) = signal(Status::Idle);

    let on_click = move |_| {
        // Opens the popup now, inside the click. Nothing is awaited before this call.
        let flow =
            connect(ConnectOptions { base_url: page.vendo.clone(), provider: "notion".into(), ..Default::default() });
        set_status.set(Status::Pending);
        spawn_local_scoped_with_cancellation(async move {
            match flow.await {
                Ok(connection) => set_status.set(Status::Done(vec![
                    ("connection_id", connection.connection_id),
                    ("display_name", connection.display_name.unwrap_or_default()),
                ])),
                Err(e) => set_status.set(Status::failed(e.code().as_str(), e.detail())),
            }
        });
    };

    view! {
        <section>
            <h2>"Connect Notion"</h2>
            <button id="connect-notion" on:click=on_click>"Connect Notion"</button>
            <Outcome id="connect-result" status=status />
        </section>
    }
}

/// "Connect (deny)": the Vendo server's `error_access_denied` switch makes the callback
/// report `access_denied`; the flow rejects with that typed code.
#[component]
fn ConnectDenied() -> impl IntoView {
    let page = expect_context::<Page>();
    let (status, set_status) = signal(Status::Idle);

    let on_click = move |_| {
        let flow = connect(ConnectOptions {
            base_url: format!("{}/sim/error_access_denied", page.vendo),
            provider: "notion".into(),
            ..Default::default()
        });
        set_status.set(Status::Pending);
        spawn_local_scoped_with_cancellation(async move {
            match flow.await {
                Ok(connection) => set_status.set(Status::Done(vec![("connection_id", connection.connection_id)])),
                Err(e) => set_status.set(Status::failed(e.code().as_str(), e.detail())),
            }
        });
    };

    view! {
        <section>
            <h2>"Connect (deny)"</h2>
            <button id="connect-deny" on:click=on_click>"Connect (deny)"</button>
            <Outcome id="deny-result" status=status />
        </section>
    }
}

/// "Start and unmount": a child component starts a flow; unmounting the child (the toggle)
/// while the popup is open drops the flow's future, which cancels the flow and closes
/// the popup.
#[component]
fn StartAndUnmount() -> impl IntoView {
    let (mounted, set_mounted) = signal(true);
    let (unmounts, set_unmounts) = signal(0u32);

    view! {
        <section>
            <h2>"Start and unmount"</h2>
            <button id="toggle-child" on:click=move |_| set_mounted.update(|m| *m = !*m)>
                {move || if mounted.get() { "Unmount the child" } else { "Mount the child" }}
            </button>
            <p id="child-state" data-mounted=move || mounted.get().to_string() data-unmounts=move || unmounts.get().to_string()>
                {move || if mounted.get() { "child mounted" } else { "child unmounted" }}
            </p>
            <Show when=move || mounted.get()>
                <PendingConnect on_unmount=set_unmounts />
            </Show>
        </section>
    }
}

#[component]
fn PendingConnect(on_unmount: WriteSignal<u32>) -> impl IntoView {
    let page = expect_context::<Page>();
    let (status, set_status) = signal(Status::Idle);
    on_cleanup(move || on_unmount.update(|n| *n += 1));

    let on_click = move |_| {
        let flow =
            connect(ConnectOptions { base_url: page.vendo.clone(), provider: "notion".into(), ..Default::default() });
        set_status.set(Status::Pending);
        // The task belongs to this component: when it unmounts, Leptos aborts the task and
        // drops `flow` with it, before it settles.
        spawn_local_scoped_with_cancellation(async move {
            match flow.await {
                Ok(connection) => set_status.set(Status::Done(vec![("connection_id", connection.connection_id)])),
                Err(e) => set_status.set(Status::failed(e.code().as_str(), e.detail())),
            }
        });
    };

    view! {
        <div class="child">
            <button id="child-start" on:click=on_click>"Start a connect flow"</button>
            <Outcome id="child-result" status=status />
        </div>
    }
}

/// "Sign in with OAuth": `authorize()` against the local oidc-provider (login + consent
/// in the popup, `callback.html` hands the code back), then `exchange_code()`.
#[component]
fn SignIn() -> impl IntoView {
    let page = expect_context::<Page>();
    let (status, set_status) = signal(Status::Idle);

    let on_click = move |_| {
        let oidc = page.oidc.clone();
        let flow = authorize(AuthorizeOptions {
            authorization_endpoint: format!("{oidc}/auth"),
            client_id: CLIENT_ID.into(),
            redirect_uri: page.callback_url(),
            scope: vec!["openid".into(), "offline_access".into()],
            issuer: Some(oidc.clone()),
            ..Default::default()
        });
        set_status.set(Status::Pending);
        spawn_local_scoped_with_cancellation(async move {
            let authorization = match flow.await {
                Ok(a) => a,
                Err(e) => return set_status.set(Status::failed(e.code().as_str(), e.detail())),
            };
            let iss = authorization.iss.clone().unwrap_or_default();
            let tokens = exchange_code(&ExchangeCode {
                token_endpoint: format!("{oidc}/token"),
                client_id: CLIENT_ID.into(),
                code: authorization.code,
                code_verifier: authorization.code_verifier.as_ref().map(|v| v.secret().to_owned()).unwrap_or_default(),
                redirect_uri: authorization.redirect_uri,
                ..Default::default()
            })
            .await;
            match tokens {
                // Show that tokens arrived, never the tokens themselves.
                Ok(t) => set_status.set(Status::Done(vec![
                    ("access_token", if t.access_token.is_empty() { "missing" } else { "received" }.into()),
                    ("refresh_token", if t.refresh_token.is_some() { "received" } else { "none" }.into()),
                    ("token_type", t.token_type),
                    ("expires_in", t.expires_in.map(|s| s.to_string()).unwrap_or_default()),
                    ("iss", iss),
                ])),
                Err(e) => set_status.set(Status::failed(e.code().as_str(), e.detail())),
            }
        });
    };

    view! {
        <section>
            <h2>"Sign in with OAuth"</h2>
            <button id="sign-in" on:click=on_click>"Sign in with OAuth"</button>
            <Outcome id="sign-in-result" status=status />
        </section>
    }
}

/// `callback.html`: runs in the popup, hands the authorization response to the opener.
#[component]
fn CallbackPage() -> impl IntoView {
    let (status, set_status) = signal(String::from("Finishing sign-in…"));
    spawn_local(async move {
        match complete_callback(CallbackOptions::default()).await {
            Ok(_) => set_status.set("Signed in. This window will close.".into()),
            Err(e) => set_status.set(format!("Could not finish: {}", e.code().as_str())),
        }
    });
    view! { <p id="callback-status">{status}</p> }
}

/// A component test as an app writes one: the real `ConnectNotion` component, mounted under
/// wasm-bindgen-test, its flow's outcome scripted with `vendo_connect::testing`
/// (docs/testing.md#rust). `wasm-pack test --headless --chrome` in examples/leptos.
#[cfg(all(test, target_arch = "wasm32", feature = "flows"))]
mod tests {
    use super::*;
    use vendo_connect::testing::{self, AuthorizeOutcome, OAuthServer, Outcome, TokenOutcome};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    async fn sleep(ms: i32) {
        let tick = js_sys::Promise::new(&mut |resolve, _| {
            let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(tick).await;
    }

    /// The page as the tests give it: Vendo and the authorization server (`/oidc`) on the test
    /// page's own origin, where `vendo_connect::testing` answers their popups.
    fn test_page() -> Page {
        let origin = testing::base_url();
        Page { vendo: origin.clone(), oidc: format!("{origin}/oidc"), origin, is_callback: false }
    }

    /// Mounts `component` with [`test_page`], clicks `#{button}`, and returns `#{output}`'s
    /// `data-status` once it is no longer pending, with the shown fields.
    async fn click<V: IntoView + 'static>(component: fn() -> V, button: &str, output: &str) -> (String, String) {
        let host = document().create_element("div").unwrap();
        document().body().unwrap().append_child(&host).unwrap();
        let page = test_page();
        let mount = leptos::mount::mount_to(host.clone().unchecked_into(), move || {
            provide_context(page.clone());
            component()
        });
        let button: web_sys::HtmlElement =
            host.query_selector(&format!("#{button}")).unwrap().unwrap().unchecked_into();
        button.click();
        let output = host.query_selector(&format!("#{output}")).unwrap().unwrap();
        for _ in 0..250 {
            let status = output.get_attribute("data-status").unwrap_or_default();
            if status != "pending" && status != "idle" {
                let text = output.text_content().unwrap_or_default();
                drop(mount);
                host.remove();
                return (status, text);
            }
            sleep(20).await;
        }
        panic!("the flow did not settle");
    }

    /// Clicks `ConnectNotion`'s button, its flow scripted with `outcome`.
    async fn click_connect(outcome: Outcome) -> (String, String) {
        testing::next_connect(outcome).unwrap();
        click(|| view! { <ConnectNotion /> }, "connect-notion", "connect-result").await
    }

    /// Clicks `SignIn`'s button against the scripted authorization server.
    async fn click_sign_in(outcome: AuthorizeOutcome, token: Option<TokenOutcome>) -> (String, String) {
        let page = test_page();
        testing::serve_oauth(&OAuthServer {
            issuer: page.oidc.clone(),
            client_id: CLIENT_ID.into(),
            redirect_uris: vec![page.callback_url()],
            authorization_endpoint: Some(format!("{}/auth", page.oidc)),
            token_endpoint: None,
        })
        .unwrap();
        testing::next_authorize(outcome).unwrap();
        if let Some(token) = token {
            testing::next_token(token).unwrap();
        }
        click(|| view! { <SignIn /> }, "sign-in", "sign-in-result").await
    }

    #[wasm_bindgen_test]
    async fn connect_notion_shows_the_new_connection() {
        let (status, text) =
            click_connect(Outcome::Done { connection_id: "conn-7".into(), display_name: Some("Test Wiki".into()) })
                .await;
        assert_eq!(status, "resolved");
        assert!(text.contains("conn-7") && text.contains("Test Wiki"), "{text}");
    }

    #[wasm_bindgen_test]
    async fn connect_notion_shows_a_denial() {
        let (status, text) = click_connect(Outcome::Denied).await;
        assert_eq!(status, "rejected");
        assert!(text.contains("access_denied"), "{text}");
    }

    #[wasm_bindgen_test]
    async fn sign_in_exchanges_the_code_with_its_verifier() {
        let (status, text) = click_sign_in(AuthorizeOutcome::Done, None).await;
        assert_eq!(status, "resolved", "{text}");
        assert!(text.contains("received") && text.contains("Bearer"), "{text}");
        assert!(text.contains(&test_page().oidc), "iss: {text}");
    }

    #[wasm_bindgen_test]
    async fn sign_in_shows_a_refused_token_exchange() {
        let token =
            TokenOutcome::Error { code: "invalid_grant".into(), detail: Some("the code expired".into()), status: 400 };
        let (status, text) = click_sign_in(AuthorizeOutcome::Done, Some(token)).await;
        assert_eq!(status, "rejected");
        assert!(text.contains("invalid_grant") && text.contains("the code expired"), "{text}");
    }

    #[wasm_bindgen_test]
    async fn sign_in_shows_a_denial() {
        let (status, text) = click_sign_in(AuthorizeOutcome::Denied, None).await;
        assert_eq!(status, "rejected");
        assert!(text.contains("access_denied"), "{text}");
    }
}

//! Reads JS option objects (camelCase, docs/options.md) into the Rust option structs.
//! Only types are checked here (a wrong type is `invalid_options` naming the option);
//! every value rule lives once, in the core or the flow that takes the option. Nothing
//! here throws.

use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortSignal, Window};

use super::convert::flow_event;
use crate::browser::{CommonOptions, PopupOptions};
use crate::error::ConnectError;
use crate::token::BodyEncoding;

/// A JS options object (or `undefined`, read as `{}`).
pub struct Opts(JsValue);

fn bad(name: &str, what: &str) -> ConnectError {
    ConnectError::must_be(name, what)
}

impl Opts {
    /// Wraps `value`, which must be an object or undefined.
    pub fn new(value: JsValue, name: &str) -> Result<Self, ConnectError> {
        if value.is_undefined() {
            return Ok(Opts(js_sys::Object::new().into()));
        }
        if !value.is_object() || value.is_function() {
            return Err(bad(name, "an object"));
        }
        Ok(Opts(value))
    }

    /// The raw value of `key` (undefined when missing or when reading it throws).
    pub fn raw(&self, key: &str) -> JsValue {
        Reflect::get(&self.0, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    fn present(&self, key: &str) -> Option<JsValue> {
        Some(self.raw(key)).filter(|v| !v.is_undefined() && !v.is_null())
    }

    /// An optional string.
    pub fn string(&self, key: &str) -> Result<Option<String>, ConnectError> {
        self.present(key).map(|v| v.as_string().ok_or_else(|| bad(key, "a string"))).transpose()
    }

    /// A required, non-empty string.
    pub fn required(&self, key: &str) -> Result<String, ConnectError> {
        self.string(key)?.filter(|s| !s.is_empty()).ok_or_else(|| bad(key, "a non-empty string"))
    }

    /// An optional finite number.
    pub fn number(&self, key: &str) -> Result<Option<f64>, ConnectError> {
        self.present(key)
            .map(|v| v.as_f64().filter(|n| n.is_finite()).ok_or_else(|| bad(key, "a finite number")))
            .transpose()
    }

    /// An optional boolean.
    pub fn boolean(&self, key: &str) -> Result<Option<bool>, ConnectError> {
        self.present(key).map(|v| v.as_bool().ok_or_else(|| bad(key, "a boolean"))).transpose()
    }

    /// An optional function.
    pub fn function(&self, key: &str) -> Result<Option<Function>, ConnectError> {
        self.present(key).map(|v| v.dyn_into::<Function>().map_err(|_| bad(key, "a function"))).transpose()
    }

    /// Fails when `key` is present at all (e.g. `clientSecret`).
    pub fn forbid(&self, key: &str, why: &str) -> Result<(), ConnectError> {
        match self.present(key) {
            Some(_) => Err(ConnectError::invalid_options([key, " is not accepted: ", why].concat())),
            None => Ok(()),
        }
    }

    /// `bodyEncoding`: "form" (default) or "json".
    pub fn body_encoding(&self) -> Result<BodyEncoding, ConnectError> {
        BodyEncoding::parse(self.string("bodyEncoding")?.as_deref())
    }

    /// An array of strings, or one string (`scope`).
    pub fn strings(&self, key: &str) -> Result<Vec<String>, ConnectError> {
        let Some(v) = self.present(key) else { return Ok(Vec::new()) };
        if let Some(s) = v.as_string() {
            return Ok(s.split(' ').filter(|p| !p.is_empty()).map(str::to_owned).collect());
        }
        if !js_sys::Array::is_array(&v) {
            return Err(bad(key, "a string or an array of strings"));
        }
        js_sys::Array::from(&v)
            .iter()
            .map(|item| item.as_string().ok_or_else(|| bad(key, "an array of strings")))
            .collect()
    }

    /// A `{ name: string }` object of string values (`extraParams`), in key order.
    pub fn string_map(&self, key: &str) -> Result<Vec<(String, String)>, ConnectError> {
        let Some(v) = self.present(key) else { return Ok(Vec::new()) };
        if !v.is_object() || js_sys::Array::is_array(&v) {
            return Err(bad(key, "an object of strings"));
        }
        let entries = js_sys::Object::entries(v.unchecked_ref());
        entries
            .iter()
            .map(|pair| {
                let pair = js_sys::Array::from(&pair);
                match (pair.get(0).as_string(), pair.get(1).as_string()) {
                    (Some(k), Some(v)) => Ok((k, v)),
                    _ => Err(bad(key, "an object whose values are strings")),
                }
            })
            .collect()
    }

    /// The common options of every flow (SPEC §2).
    pub fn common(&self) -> Result<CommonOptions, ConnectError> {
        let mut c = CommonOptions::default();
        if let Some(v) = self.number("timeoutMs")? {
            c.timeout_ms = v;
        }
        if let Some(v) = self.number("closedGraceMs")? {
            c.closed_grace_ms = v;
        }
        if let Some(v) = self.boolean("detectClose")? {
            c.detect_close = v;
        }
        if let Some(v) = self.boolean("closePopup")? {
            c.close_popup = v;
        }
        if let Some(v) = self.present("signal") {
            c.signal = Some(v.dyn_into::<AbortSignal>().map_err(|_| bad("signal", "an AbortSignal"))?);
        }
        if let Some(v) = self.present("window") {
            let looks_like_window =
                v.is_object() && Reflect::get(&v, &"window".into()).is_ok_and(|w| js_sys::Object::is(&w, &v));
            if !looks_like_window {
                return Err(bad("window", "a Window"));
            }
            // Whether it is still open is the flow's check (popup::adopt).
            c.window = Some(v.unchecked_into::<Window>());
        }
        if let Some(p) = self.present("popup") {
            let p = Opts::new(p, "popup")?;
            let mut popup = PopupOptions::default();
            // A number that is not a whole u32 reads as 0, which PopupOptions::validate refuses.
            let size = |key: &str| -> Result<Option<u32>, ConnectError> {
                Ok(p.number(key)?.map(|n| if n.fract() == 0.0 && (0.0..=4e9).contains(&n) { n as u32 } else { 0 }))
            };
            popup.width = size("width")?.unwrap_or(popup.width);
            popup.height = size("height")?.unwrap_or(popup.height);
            popup.name = p.string("name")?.unwrap_or(popup.name);
            c.popup = popup;
        }
        if let Some(f) = self.function("onEvent")? {
            c.on_event = Some(Rc::new(move |e| {
                // A throwing hook must not break the flow.
                let _ = f.call1(&JsValue::NULL, &flow_event(e));
            }));
        }
        Ok(c)
    }
}

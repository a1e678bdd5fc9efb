//! Reads a JS value (a `MessageEvent`'s `data`, or anything a caller passes to
//! `parseVendoMessage`) as [`MessageData`], never throwing: a getter or Proxy trap that
//! throws reads as a field of the wrong type.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::message::{Field, MessageData};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;
}

/// A borrowed JS value read as message data.
pub struct JsData<'a>(pub &'a JsValue);

impl MessageData for JsData<'_> {
    fn is_plain_object(&self) -> bool {
        self.0.is_object() && !self.0.is_function() && is_array(self.0) == Ok(false)
    }

    fn field(&self, key: &str) -> Field {
        match Reflect::get(self.0, &JsValue::from_str(key)) {
            Err(_) => Field::Other,
            Ok(v) if v.is_undefined() => Field::Missing,
            Ok(v) if v.is_null() => Field::Null,
            Ok(v) => v.as_string().map_or(Field::Other, Field::Str),
        }
    }
}

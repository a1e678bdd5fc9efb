//! Reads a JS value (a `MessageEvent`'s `data`, or anything a caller passes to
//! `parseVendoMessage`) as [`MessageData`], never throwing: a getter or Proxy trap that
//! throws reads as a field of the wrong type.

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;

use crate::message::{Field, MessageData};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;
}

/// `target[key]`, or `undefined` when reading it throws. For properties read once or
/// twice: one `Reflect.get` import serves them all, where each `web-sys` getter adds an
/// import of its own to the wasm and the glue.
pub(crate) fn prop(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A plain object from names and the values in the same order: the messages the SDK posts,
/// and (in the JS skin) every result object.
pub fn object(names: &[&str], values: &[JsValue]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in names.iter().zip(values) {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// A borrowed JS value read as message data.
pub struct JsData<'a>(pub &'a JsValue);

/// Not the value: message data may hold a code or a token.
impl std::fmt::Debug for JsData<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JsData(..)")
    }
}

impl MessageData for JsData<'_> {
    fn is_plain_object(&self) -> bool {
        self.0.is_object() && !self.0.is_function() && is_array(self.0) == Ok(false)
    }

    fn field(&self, key: &str) -> Field {
        match Reflect::get(self.0, &JsValue::from_str(key)) {
            Err(_) => Field::Other,
            Ok(v) if v.is_undefined() => Field::Missing,
            Ok(v) if v.is_null() => Field::Null,
            Ok(v) => match v.as_string() {
                Some(s) => Field::Str(s),
                None => v.as_f64().filter(|n| n.is_finite()).map_or(Field::Other, Field::Num),
            },
        }
    }

    fn rest_as_json(&self, known: &[&str]) -> String {
        let copy = js_sys::Object::assign(&js_sys::Object::new(), self.0.unchecked_ref());
        for key in known {
            let _ = Reflect::delete_property(&copy, &JsValue::from_str(key));
        }
        JSON::stringify(&copy).ok().and_then(|s| s.as_string()).unwrap_or_else(|| "{}".into())
    }
}

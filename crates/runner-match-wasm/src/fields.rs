//! Reading the fields of a (snapshotted) plain JS object, with one wording for every
//! mistake: `{what}: {key} must be …, got …` naming the kind of value, never the value.
//! Options and runner objects are read with this; no serde deserializer runs in wasm.

use wasm_bindgen::{JsCast, JsValue};

use crate::error::ClientError;
use crate::snapshot::describe;

/// The fields of `object`, read key by key.
pub(crate) struct Fields<'a> {
    object: &'a JsValue,
    /// The prefix of type errors (`invalid options`).
    what: &'a str,
}

impl<'a> Fields<'a> {
    /// The fields of `object`, refusing any key not in `known`: a typo in an option name
    /// (`timeoutMS`) must not be silently ignored. `name` names the object in that error.
    pub(crate) fn known(
        object: &'a JsValue,
        name: &str,
        what: &'a str,
        known: &[&str],
    ) -> Result<Self, ClientError> {
        let keys = js_sys::Object::keys(object.unchecked_ref::<js_sys::Object>());
        for key in keys.iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(ClientError::invalid_input(format!(
                    "unknown {name} key {key:?} (known: {})",
                    known.join(", ")
                )));
            }
        }
        Ok(Self { object, what })
    }

    /// The value at `key`; `None` for `undefined` and `null` (absent, as JSON has it).
    pub(crate) fn get(&self, key: &str) -> Option<JsValue> {
        let value = js_sys::Reflect::get(self.object, &JsValue::from_str(key)).ok()?;
        (!value.is_undefined() && !value.is_null()).then_some(value)
    }

    /// The error for `key` holding `value` where `expected` was wanted.
    pub(crate) fn wrong(&self, key: &str, expected: &str, value: &JsValue) -> ClientError {
        ClientError::invalid_input(format!(
            "{}: {key} must be {expected}, got {}",
            self.what,
            describe(value)
        ))
    }

    /// A number field.
    pub(crate) fn number(&self, key: &str) -> Result<Option<f64>, ClientError> {
        self.get(key)
            .map(|value| {
                value
                    .as_f64()
                    .ok_or_else(|| self.wrong(key, "a number", &value))
            })
            .transpose()
    }

    /// A string field.
    pub(crate) fn string(&self, key: &str) -> Result<Option<String>, ClientError> {
        self.get(key)
            .map(|value| {
                value
                    .as_string()
                    .ok_or_else(|| self.wrong(key, "a string", &value))
            })
            .transpose()
    }

    /// An array-of-strings field.
    pub(crate) fn strings(&self, key: &str) -> Result<Option<Vec<String>>, ClientError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let expected = "an array of strings";
        let array = value
            .dyn_ref::<js_sys::Array>()
            .ok_or_else(|| self.wrong(key, expected, &value))?;
        array
            .iter()
            .map(|item| {
                item.as_string()
                    .ok_or_else(|| self.wrong(key, expected, &item))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

//! Reading the fields of option objects (snapshotted plain objects), naming the kind of
//! a wrong value, never the value: `{what}: {key} must be …, got …`. Each object is read
//! once, its keys checked against the ones it may have, every value checked as it is read.

use std::ops::RangeInclusive;

use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::snapshot::describe;

/// The fields of `object`, read key by key.
pub(crate) struct Fields<'a> {
    object: &'a JsValue,
    /// The prefix of type errors (`invalid options`).
    what: &'a str,
    /// How range errors name a key of this object: `` for options, `rateLimit.` within.
    path: &'a str,
}

impl<'a> Fields<'a> {
    /// The fields of `object`, refusing any key not in `known`: a typo in an option name
    /// (`timeoutMS`) must not be silently ignored. `name` names the object in that error.
    pub(crate) fn known(
        object: &'a JsValue,
        name: &str,
        what: &'a str,
        known: &[&str],
    ) -> Result<Self, Error> {
        let keys = js_sys::Object::keys(object.unchecked_ref::<js_sys::Object>());
        for key in keys.iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(Error::invalid_input(format!(
                    "unknown {name} key {key:?} (known: {})",
                    known.join(", ")
                )));
            }
        }
        Ok(Self {
            object,
            what,
            path: "",
        })
    }

    /// The same fields, their range errors naming keys as `path` + key.
    pub(crate) fn at(self, path: &'a str) -> Self {
        Self { path, ..self }
    }

    /// The value at `key`; `None` for `undefined` and `null` (absent, as JSON has it).
    pub(crate) fn get(&self, key: &str) -> Option<JsValue> {
        let value = js_sys::Reflect::get(self.object, &JsValue::from_str(key)).ok()?;
        (!value.is_undefined() && !value.is_null()).then_some(value)
    }

    /// The error for `key` holding `value` where `expected` was wanted.
    pub(crate) fn wrong(&self, key: &str, expected: &str, value: &JsValue) -> Error {
        Error::invalid_input(format!(
            "{}: {key} must be {expected}, got {}",
            self.what,
            describe(value)
        ))
    }

    /// A number field.
    fn number(&self, key: &str) -> Result<Option<f64>, Error> {
        self.get(key)
            .map(|value| {
                value
                    .as_f64()
                    .ok_or_else(|| self.wrong(key, "a number", &value))
            })
            .transpose()
    }

    /// A whole number field within `range`; `default` when absent (`None`: required).
    pub(crate) fn whole(
        &self,
        key: &str,
        default: Option<u32>,
        range: RangeInclusive<u32>,
    ) -> Result<u32, Error> {
        let name = format!("{}{key}", self.path);
        let value = match (self.number(key)?, default) {
            (Some(value), _) => value,
            (None, Some(default)) => return Ok(default),
            (None, None) => {
                let what = self.what;
                return Err(Error::invalid_input(format!("{what}: missing {name}")));
            }
        };
        let (low, high) = (*range.start(), *range.end());
        if value.fract() != 0.0 || value < f64::from(low) || value > f64::from(high) {
            // JS writes the number (as the caller would), and wasm carries no float formatting.
            let got = js_sys::Number::from(value)
                .to_string_with_radix(10)
                .unwrap_or_default();
            return Err(Error::invalid_input(format!(
                "{name} must be a whole number from {low} to {high}, got {got}"
            )));
        }
        Ok(value as u32)
    }

    /// A string field.
    pub(crate) fn string(&self, key: &str) -> Result<Option<String>, Error> {
        self.get(key)
            .map(|value| {
                value
                    .as_string()
                    .ok_or_else(|| self.wrong(key, "a string", &value))
            })
            .transpose()
    }

    /// An array-of-strings field.
    pub(crate) fn strings(&self, key: &str) -> Result<Option<Vec<String>>, Error> {
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

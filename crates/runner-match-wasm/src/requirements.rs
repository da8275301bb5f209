//! Reading `requiredTags` from JS: a comma-separated string or expression, an array of
//! tags, or a `{ require, prefer, avoid }` object with soft preferences.

use runner_match::{PreferenceKind, Preferences, Requirements, MAX_TAGS};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::fields::Fields;
use crate::snapshot::{describe, is_plain_object, snapshot};

/// Builds requirements from a JS value, with the core's rules. Anything else is an
/// `invalid_input` error that says what was passed (and, for expressions, where).
pub fn requirements_from_js(value: &JsValue) -> Result<Requirements, Error> {
    let value = &snapshot(value, "requiredTags")?;
    if value.is_undefined() || value.is_null() {
        return Ok(Requirements::any());
    }
    if value.is_string() || js_sys::Array::is_array(value) {
        return hard_requirements(value, "requiredTags");
    }
    if !is_plain_object(value) {
        return Err(Error::invalid_input(format!(
            "requiredTags must be a string, an array of strings or a plain object {{ require, prefer, avoid }}, got {}",
            describe(value)
        )));
    }
    let fields = Fields::known(
        value,
        "requiredTags",
        "invalid requiredTags",
        &["require", "prefer", "avoid"],
    )?;
    let hard = match fields.get("require") {
        None => Requirements::any(),
        Some(require) => hard_requirements(&require, "requiredTags.require")?,
    };
    let mut preferences = Preferences::new();
    for (field, kind) in [
        ("prefer", PreferenceKind::Prefer),
        ("avoid", PreferenceKind::Avoid),
    ] {
        let Some(weights) = fields.get(field) else {
            continue;
        };
        if !is_plain_object(&weights) {
            return Err(Error::invalid_input(format!(
                "requiredTags.{field} must be an object of weights such as {{ 'gpu-h100': 3 }}, got {}",
                describe(&weights)
            )));
        }
        // Own enumerable string keys only: `__proto__` from JSON.parse is just a key.
        let entries = js_sys::Object::entries(weights.unchecked_ref());
        for entry in entries.iter() {
            let entry: js_sys::Array = entry.unchecked_into();
            let key = entry.get(0).as_string().unwrap_or_default();
            let Some(weight) = entry.get(1).as_f64() else {
                return Err(Error::invalid_input(format!(
                    "requiredTags.{field}[{key:?}] must be a number, got {}",
                    describe(&entry.get(1))
                )));
            };
            preferences
                .add(kind, &key, weight)
                .map_err(|err| Error::requirement(&format!("requiredTags.{field}"), err))?;
        }
    }
    Ok(hard.with_preferences(preferences))
}

/// A string (comma list or expression) or an array of tag strings.
fn hard_requirements(value: &JsValue, what: &str) -> Result<Requirements, Error> {
    let parsed = if let Some(text) = value.as_string() {
        text.parse()
    } else if let Some(array) = value.dyn_ref::<js_sys::Array>() {
        // Room for any list the core accepts (it refuses one past `MAX_TAGS`), and no
        // more: an array's `length` is the caller's to inflate.
        let mut tags = Vec::with_capacity((array.length() as usize).min(MAX_TAGS));
        for (index, item) in array.iter().enumerate() {
            match item.as_string() {
                Some(tag) => tags.push(tag),
                None => {
                    return Err(Error::invalid_input(format!(
                        "{what}[{index}] is {}, expected a string",
                        describe(&item)
                    )))
                }
            }
        }
        Requirements::from_tags(&tags)
    } else {
        return Err(Error::invalid_input(format!(
            "{what} must be a string or an array of strings, got {}",
            describe(value)
        )));
    };
    parsed.map_err(|err| Error::requirement(what, err))
}

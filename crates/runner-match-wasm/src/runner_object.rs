//! Reading one runner object in the API's shape, the complete way: every field checked,
//! errors in the wire's wording (``invalid type for `tags` …``), naming the kind of a
//! wrong value, never the value (a self-hosted runner's `headers` and `endpoint` may hold
//! credentials). Plain managed runners take the column path of `runner_columns` instead.

use runner_match::{Runner, RunnerSource, RunnerStatus, RunnerType, SecretHeaders};
use wasm_bindgen::prelude::*;

use crate::error::{Error, RunnerReadError};

#[wasm_bindgen(module = "/js/results.js")]
extern "C" {
    /// What an exception says, whatever was thrown (never throws itself).
    #[wasm_bindgen(js_name = errorText)]
    pub(crate) fn error_text(error: &JsValue) -> String;
}

/// The error for runner objects whose reads threw.
pub(crate) fn unreadable(error: JsValue) -> Error {
    Error::invalid_input(format!("runners could not be read: {}", error_text(&error)))
}

/// The kind of a JS value as the wire names it: its `typeof` (`object` for arrays),
/// `null` apart.
fn kind(value: &JsValue) -> String {
    match value.is_null() {
        true => "null".to_owned(),
        false => value.js_typeof().as_string().unwrap_or_default(),
    }
}

/// A runner object in either listing's shape (unknown fields ignored; `null` optional
/// fields count as absent).
pub(crate) fn read_runner(item: &JsValue) -> Result<Runner, RunnerReadError> {
    if !item.is_object() || js_sys::Array::is_array(item) {
        return Err(RunnerReadError::NotAnObject { kind: kind(item) });
    }
    let get = |field: &'static str| {
        js_sys::Reflect::get(item, &JsValue::from_str(field)).map_err(|err| {
            let thrown = error_text(&err);
            RunnerReadError::FieldUnreadable { field, thrown }
        })
    };
    let wrong = |field, value: &JsValue, expected| {
        let kind = kind(value);
        RunnerReadError::WrongType {
            field,
            kind,
            expected,
        }
    };
    let string = |value: JsValue, field| {
        let wrong = || wrong(field, &value, "a string");
        value.as_string().ok_or_else(wrong)
    };
    let required = |field| {
        let value = get(field)?;
        if value.is_undefined() {
            return Err(RunnerReadError::Missing { field });
        }
        string(value, field)
    };
    let optional = |field| {
        let value = get(field)?;
        match value.is_undefined() || value.is_null() {
            true => Ok(None),
            false => string(value, field).map(Some),
        }
    };
    let timestamp = |field| {
        let parsed = required(field)?.parse();
        parsed.map_err(|source| RunnerReadError::Timestamp { field, source })
    };
    let (id, name, status) = (required("id")?, required("name")?, required("status")?);
    let tags = get("tags")?;
    let tags = match tags.dyn_ref::<js_sys::Array>() {
        Some(array) => array
            .iter()
            .map(|tag| string(tag, "tags"))
            .collect::<Result<Vec<_>, _>>()?,
        None if tags.is_undefined() => return Err(RunnerReadError::Missing { field: "tags" }),
        None => return Err(wrong("tags", &tags, "a sequence")),
    };
    let (created_at, updated_at) = (timestamp("created_at")?, timestamp("updated_at")?);
    let runner_type = optional("runner_type")?;
    let (user_id, endpoint) = (optional("user_id")?, optional("endpoint")?);
    let headers = get("headers")?;
    let bad_headers = || RunnerReadError::InvalidValue { field: "headers" };
    let headers = if headers.is_undefined() || headers.is_null() {
        SecretHeaders::default()
    } else if headers.is_object() && !js_sys::Array::is_array(&headers) {
        let names = js_sys::Reflect::own_keys(&headers).map_err(|_| bad_headers())?;
        let mut read = Vec::new();
        for name in names.iter() {
            let Some(key) = name.as_string() else {
                continue;
            };
            let value = js_sys::Reflect::get(&headers, &name).map_err(|_| bad_headers())?;
            read.push((key, string(value, "headers")?));
        }
        read.into_iter().collect()
    } else {
        return Err(bad_headers());
    };
    Ok(Runner {
        id,
        name,
        runner_type: runner_type.as_deref().map(RunnerType::from),
        status: RunnerStatus::from(status.as_str()),
        tags,
        created_at,
        updated_at,
        source: match endpoint {
            Some(endpoint) => RunnerSource::SelfHosted {
                user_id: user_id.unwrap_or_default(),
                endpoint,
                headers,
            },
            None => RunnerSource::Managed,
        },
    })
}

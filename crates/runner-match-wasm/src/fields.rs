//! Reading the fields of JS objects, naming the kind of a wrong value, never the value:
//! options (snapshotted plain objects: `{what}: {key} must be …, got …`) and runner
//! objects in the API's shape (the wire's wording: ``invalid type for `tags` …``). No
//! serde deserializer reads JS values.

use runner_match::{Runner, RunnerSource, RunnerStatus, RunnerType, SecretHeaders};
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
pub(crate) fn read_runner(item: &JsValue) -> Result<Runner, String> {
    if !item.is_object() || js_sys::Array::is_array(item) {
        return Err(format!(
            "invalid type: {}, expected a runner object",
            kind(item)
        ));
    }
    let get = |key: &str| {
        js_sys::Reflect::get(item, &JsValue::from_str(key))
            .map_err(|err| format!("reading `{key}` threw {}", crate::results::error_text(&err)))
    };
    let string = |value: JsValue, key: &str| {
        value.as_string().ok_or_else(|| {
            format!(
                "invalid type for `{key}`: {}, expected a string",
                kind(&value)
            )
        })
    };
    let required = |key: &str| {
        let value = get(key)?;
        if value.is_undefined() {
            return Err(format!("missing field `{key}`"));
        }
        string(value, key)
    };
    let optional = |key: &str| {
        let value = get(key)?;
        match value.is_undefined() || value.is_null() {
            true => Ok(None),
            false => string(value, key).map(Some),
        }
    };
    let timestamp = |key: &str| {
        required(key)?.parse().map_err(|_| {
            format!("invalid value for `{key}`: expected RFC 3339 such as \"2024-01-10T08:00:00Z\"")
        })
    };
    let (id, name, status) = (required("id")?, required("name")?, required("status")?);
    let tags = get("tags")?;
    let tags = match tags.dyn_ref::<js_sys::Array>() {
        Some(array) => array
            .iter()
            .map(|tag| string(tag, "tags"))
            .collect::<Result<Vec<_>, _>>()?,
        None if tags.is_undefined() => return Err("missing field `tags`".to_owned()),
        None => {
            return Err(format!(
                "invalid type for `tags`: {}, expected a sequence",
                kind(&tags)
            ))
        }
    };
    let (created_at, updated_at) = (timestamp("created_at")?, timestamp("updated_at")?);
    let runner_type = optional("runner_type")?;
    let (user_id, endpoint) = (optional("user_id")?, optional("endpoint")?);
    let headers = get("headers")?;
    let headers = if headers.is_undefined() || headers.is_null() {
        SecretHeaders::default()
    } else if headers.is_object() && !js_sys::Array::is_array(&headers) {
        let names = js_sys::Reflect::own_keys(&headers)
            .map_err(|_| "invalid value for `headers`".to_owned())?;
        let mut read = Vec::new();
        for name in names.iter() {
            let Some(key) = name.as_string() else {
                continue;
            };
            let value = js_sys::Reflect::get(&headers, &name)
                .map_err(|_| "invalid value for `headers`".to_owned())?;
            read.push((key, string(value, "headers")?));
        }
        read.into_iter().collect()
    } else {
        return Err("invalid value for `headers`".to_owned());
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

//! Reading a runner from the wire (either listing's shape), with errors that name the
//! field and the kind of value, never the value: a self-hosted runner's `headers` and
//! `endpoint` may hold credentials, and serde's own messages quote what they got.

use std::fmt;

use serde::{Deserialize, Deserializer};

use super::{Runner, RunnerSource, RunnerStatus, RunnerType, SecretHeaders};
use crate::timestamp::Timestamp;

/// The union of both listings' runner shapes, as received (objects only).
pub(super) struct WireRunner(WireFields);

impl<'de> Deserialize<'de> for WireRunner {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Errors from inside the object are worded by `field_error`; one about the
        // value as a whole (a string in place of an object) gets the same treatment.
        let entered = std::cell::Cell::new(false);
        deserializer
            .deserialize_map(WireVisitor(&entered))
            .map(WireRunner)
            .map_err(|err| match entered.get() {
                true => err,
                false => {
                    <D::Error as serde::de::Error>::custom(field_error(None, &err.to_string()))
                }
            })
    }
}

struct WireFields {
    id: String,
    name: String,
    runner_type: Option<RunnerType>,
    status: RunnerStatus,
    tags: Vec<String>,
    created_at: Timestamp,
    updated_at: Timestamp,
    user_id: Option<String>,
    endpoint: Option<String>,
    headers: Option<SecretHeaders>,
}

/// Reads a runner object field by field, so that an error names the field and never
/// quotes its value (a self-hosted runner's `headers` or `endpoint` may hold
/// credentials). Unknown fields are skipped; `null` optional fields count as absent.
struct WireVisitor<'a>(&'a std::cell::Cell<bool>);

impl<'de> serde::de::Visitor<'de> for WireVisitor<'_> {
    type Value = WireFields;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a runner object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<WireFields, A::Error> {
        use serde::de::Error;
        self.0.set(true);
        fn field<'de, A: serde::de::MapAccess<'de>, T: Deserialize<'de>>(
            map: &mut A,
            name: &'static str,
            slot: &mut Option<T>,
        ) -> Result<(), A::Error> {
            if slot.is_some() {
                return Err(A::Error::duplicate_field(name));
            }
            let value = map
                .next_value::<T>()
                .map_err(|err| A::Error::custom(field_error(Some(name), &err.to_string())))?;
            *slot = Some(value);
            Ok(())
        }
        fn required<T, E: Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
            value.ok_or_else(|| E::missing_field(name))
        }
        let (mut id, mut name, mut status, mut tags) = (None, None, None, None);
        let (mut created_at, mut updated_at) = (None, None);
        let mut runner_type: Option<Option<RunnerType>> = None;
        let mut user_id: Option<Option<String>> = None;
        let mut endpoint: Option<Option<String>> = None;
        let mut headers: Option<Option<SecretHeaders>> = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "id" => field(&mut map, "id", &mut id)?,
                "name" => field(&mut map, "name", &mut name)?,
                "status" => field(&mut map, "status", &mut status)?,
                "tags" => field(&mut map, "tags", &mut tags)?,
                "created_at" => field(&mut map, "created_at", &mut created_at)?,
                "updated_at" => field(&mut map, "updated_at", &mut updated_at)?,
                "runner_type" => field(&mut map, "runner_type", &mut runner_type)?,
                "user_id" => field(&mut map, "user_id", &mut user_id)?,
                "endpoint" => field(&mut map, "endpoint", &mut endpoint)?,
                "headers" => field(&mut map, "headers", &mut headers)?,
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(WireFields {
            id: required(id, "id")?,
            name: required(name, "name")?,
            status: required(status, "status")?,
            tags: required(tags, "tags")?,
            created_at: required(created_at, "created_at")?,
            updated_at: required(updated_at, "updated_at")?,
            runner_type: runner_type.flatten(),
            user_id: user_id.flatten(),
            endpoint: endpoint.flatten(),
            headers: headers.flatten(),
        })
    }
}

/// `message` (serde's, about field `name` or the whole runner) rewritten to name the
/// field and the kind of value found, never the value: serde quotes what it got
/// (`invalid type: string "Bearer …", expected a map`), and a self-hosted runner's
/// fields may carry credentials. Gives `invalid type for `tags`: string, expected a
/// sequence`; serde_json's position suffix is dropped (it is added again outside).
fn field_error(name: Option<&str>, message: &str) -> String {
    let message = message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at]);
    // serde-wasm-bindgen shows its errors as JS `Error`s do.
    let message = message.strip_prefix("Error: ").unwrap_or(message);
    let field = name
        .map(|name| format!(" for `{name}`"))
        .unwrap_or_default();
    if message.starts_with("missing field `") || message.starts_with("duplicate field `") {
        return message.to_owned();
    }
    for kind in ["invalid type", "invalid value", "invalid length"] {
        let Some(rest) = message
            .strip_prefix(kind)
            .and_then(|r| r.strip_prefix(": "))
        else {
            continue;
        };
        let (found, expected) = rest.rsplit_once(", expected ").unwrap_or((rest, "?"));
        // The kind is the leading words (`floating point`), before any quoted value;
        // serde-wasm-bindgen names other JS values `JsValue(…)`.
        let found = found
            .split(|c: char| !(c.is_ascii_alphabetic() || c == ' '))
            .next()
            .unwrap_or_default()
            .trim();
        let found = if found == "JsValue" { "object" } else { found };
        return format!("{kind}{field}: {found}, expected {expected}");
    }
    // A type's own message (a timestamp's): keep what it expected, if it says.
    match message.rsplit_once(": expected ") {
        Some((_, expected)) => format!("invalid value{field}: expected {expected}"),
        None => format!("invalid value{field}"),
    }
}

impl From<WireRunner> for Runner {
    fn from(WireRunner(wire): WireRunner) -> Self {
        let source = match wire.endpoint {
            Some(endpoint) => RunnerSource::SelfHosted {
                user_id: wire.user_id.unwrap_or_default(),
                endpoint,
                headers: wire.headers.unwrap_or_default(),
            },
            None => RunnerSource::Managed,
        };
        Runner {
            id: wire.id,
            name: wire.name,
            runner_type: wire.runner_type,
            status: wire.status,
            tags: wire.tags,
            created_at: wire.created_at,
            updated_at: wire.updated_at,
            source,
        }
    }
}

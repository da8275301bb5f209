//! Reading a runner from the wire (either listing's shape), with errors that name the
//! field and the kind of value, never the value: a self-hosted runner's `headers` and
//! `endpoint` may hold credentials, and serde's own messages quote what they got.

#[cfg(feature = "serde")]
use std::fmt;

#[cfg(feature = "serde")]
use serde::{Deserialize, Deserializer};

use super::{Runner, RunnerSource, RunnerStatus, RunnerType, SecretHeaders};
use crate::json::{Decode, JsonError, Reader};
use crate::substring::{rfind, rsplit_once};
use crate::timestamp::Timestamp;

/// Reads a runner object field by field, so that an error names the field and never
/// quotes its value (a self-hosted runner's `headers` or `endpoint` may hold
/// credentials). Unknown fields are skipped; `null` optional fields count as absent.
impl Decode for Runner {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let reword = |err: JsonError, name: Option<&str>| {
            let message = field_error(name, &err.to_string());
            err.reworded(message)
        };
        // An error about the value as a whole (a string in place of an object) is
        // worded like one about a field.
        let mut entries = reader
            .open(b'{', &"a runner object")
            .map_err(|err| reword(err, None))?;
        let mut slots = Slots::default();
        while let Some(key) = entries.next_key(reader)? {
            let name = &*key;
            let read = match name {
                "id" => reader.field(&mut slots.id, name),
                "name" => reader.field(&mut slots.name, name),
                "status" => reader.field(&mut slots.status, name),
                "tags" => reader.field(&mut slots.tags, name),
                "created_at" => reader.field(&mut slots.created_at, name),
                "updated_at" => reader.field(&mut slots.updated_at, name),
                "runner_type" => reader.field(&mut slots.runner_type, name),
                "user_id" => reader.field(&mut slots.user_id, name),
                "endpoint" => reader.field(&mut slots.endpoint, name),
                "headers" => reader.field(&mut slots.headers, name),
                _ => {
                    reader.skip_field()?;
                    continue;
                }
            };
            read.map_err(|err| reword(err, Some(name)))?;
        }
        slots.finish().map_err(|missing| reader.missing(missing))
    }
}

/// The fields of a runner object in either listing's shape, as they arrive: `None`
/// until given (a `null` optional field is `Some(None)`).
#[derive(Default)]
struct Slots {
    id: Option<String>,
    name: Option<String>,
    status: Option<RunnerStatus>,
    tags: Option<Vec<String>>,
    created_at: Option<Timestamp>,
    updated_at: Option<Timestamp>,
    runner_type: Option<Option<RunnerType>>,
    user_id: Option<Option<String>>,
    endpoint: Option<Option<String>>,
    headers: Option<Option<SecretHeaders>>,
}

impl Slots {
    /// The runner, or the name of the first required field missing.
    fn finish(self) -> Result<Runner, &'static str> {
        // One pattern for the required fields, so that a missing one drops the slots in
        // one place, not at each of six `?`s.
        let Slots {
            id: Some(id),
            name: Some(name),
            status: Some(status),
            tags: Some(tags),
            created_at: Some(created_at),
            updated_at: Some(updated_at),
            runner_type,
            user_id,
            endpoint,
            headers,
        } = self
        else {
            return Err(self.first_absent());
        };
        let source = match endpoint.flatten() {
            Some(endpoint) => RunnerSource::SelfHosted {
                user_id: user_id.flatten().unwrap_or_default(),
                endpoint,
                headers: headers.flatten().unwrap_or_default(),
            },
            None => RunnerSource::Managed,
        };
        Ok(Runner {
            id,
            name,
            runner_type: runner_type.flatten(),
            status,
            tags,
            created_at,
            updated_at,
            source,
        })
    }

    /// The first required field absent, in declaration order (as serde's derive checks
    /// them).
    fn first_absent(&self) -> &'static str {
        let required = [
            (self.id.is_none(), "id"),
            (self.name.is_none(), "name"),
            (self.status.is_none(), "status"),
            (self.tags.is_none(), "tags"),
            (self.created_at.is_none(), "created_at"),
            (self.updated_at.is_none(), "updated_at"),
        ];
        required
            .into_iter()
            .find_map(|(absent, name)| absent.then_some(name))
            .unwrap_or_default()
    }
}

/// A runner read by serde (feature `serde`), with the same wording as [`Decode`].
#[cfg(feature = "serde")]
pub(super) struct WireRunner(Runner);

#[cfg(feature = "serde")]
impl From<WireRunner> for Runner {
    fn from(WireRunner(runner): WireRunner) -> Self {
        runner
    }
}

#[cfg(feature = "serde")]
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

#[cfg(feature = "serde")]
struct WireVisitor<'a>(&'a std::cell::Cell<bool>);

#[cfg(feature = "serde")]
impl<'de> serde::de::Visitor<'de> for WireVisitor<'_> {
    type Value = Runner;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a runner object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Runner, A::Error> {
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
        let mut slots = Slots::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "id" => field(&mut map, "id", &mut slots.id)?,
                "name" => field(&mut map, "name", &mut slots.name)?,
                "status" => field(&mut map, "status", &mut slots.status)?,
                "tags" => field(&mut map, "tags", &mut slots.tags)?,
                "created_at" => field(&mut map, "created_at", &mut slots.created_at)?,
                "updated_at" => field(&mut map, "updated_at", &mut slots.updated_at)?,
                "runner_type" => field(&mut map, "runner_type", &mut slots.runner_type)?,
                "user_id" => field(&mut map, "user_id", &mut slots.user_id)?,
                "endpoint" => field(&mut map, "endpoint", &mut slots.endpoint)?,
                "headers" => field(&mut map, "headers", &mut slots.headers)?,
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        slots.finish().map_err(A::Error::missing_field)
    }
}

/// `message` (serde's, about field `name` or the whole runner) rewritten to name the
/// field and the kind of value found, never the value: serde quotes what it got
/// (`invalid type: string "Bearer …", expected a map`), and a self-hosted runner's
/// fields may carry credentials. Gives `invalid type for `tags`: string, expected a
/// sequence`; serde_json's position suffix is dropped (it is added again outside).
fn field_error(name: Option<&str>, message: &str) -> String {
    let message = rfind(message, " at line ").map_or(message, |at| &message[..at]);
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
        let (found, expected) = rsplit_once(rest, ", expected ").unwrap_or((rest, "?"));
        // The kind is the leading words (`floating point`), before any quoted value.
        let found = found
            .split(|c: char| !(c.is_ascii_alphabetic() || c == ' '))
            .next()
            .unwrap_or_default()
            .trim();
        return format!("{kind}{field}: {found}, expected {expected}");
    }
    // A type's own message (a timestamp's): keep what it expected, if it says.
    match rsplit_once(message, ": expected ") {
        Some((_, expected)) => format!("invalid value{field}: expected {expected}"),
        None => format!("invalid value{field}"),
    }
}

//! The runner model, in ComfyControl's wire format (snake_case JSON).
//!
//! One [`Runner`] type serves both listings: managed runners
//! (`GET /v1/managed-runner`) and self-hosted runners (`GET /v1/runner`). A runner
//! knows where it came from through [`RunnerSource`]; the self-hosted `headers` (which
//! may carry credentials for the runner's ComfyUI endpoint) live in [`SecretHeaders`],
//! which cannot be serialized and never shows its values in `Debug` output.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::timestamp::Timestamp;

/// One page of a runner listing: `{"runners": [...], "total": N}`.
///
/// ```
/// let page: runner_match::RunnerPage = serde_json::from_str(
///     r#"{"runners":[{"id":"r1","name":"A100 box","runner_type":"pro","status":"active",
///        "tags":["gpu-a100"],"created_at":"2024-01-10T08:00:00Z",
///        "updated_at":"2024-01-15T10:30:00Z"}],"total":1}"#,
/// )?;
/// assert_eq!(page.total, 1);
/// assert_eq!(page.runners[0].tags, ["gpu-a100"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunnerPage {
    /// The runners on this page, newest `created_at` first.
    pub runners: Vec<Runner>,
    /// How many runners there are across all pages.
    pub total: u64,
}

#[derive(Deserialize)]
struct WirePage {
    runners: Vec<Runner>,
    total: u64,
}

impl<'de> Deserialize<'de> for RunnerPage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let WirePage { runners, total } =
            map_only(deserializer, "a runner page object {runners, total}")?;
        Ok(RunnerPage { runners, total })
    }
}

/// Deserializes `T` from a map only: serde's derive would also take a sequence of the
/// field values, which is not the documented wire shape.
fn map_only<'de, D, T>(deserializer: D, expecting: &'static str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct MapOnly<T>(std::marker::PhantomData<T>, &'static str);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for MapOnly<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.1)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    deserializer.deserialize_map(MapOnly(std::marker::PhantomData, expecting))
}

/// A runner as ComfyControl lists it.
///
/// Deserializes both the managed-runner shape (with `runner_type`) and the self-hosted
/// shape (with `user_id`, `endpoint` and `headers`); serializes back to the managed
/// shape, never emitting `headers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "WireRunner")]
pub struct Runner {
    /// The runner's UUID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The managed tier (`plus` / `pro`); `None` for self-hosted runners, which have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_type: Option<RunnerType>,
    /// Whether the runner takes work. Only [`RunnerStatus::Active`] is schedulable.
    pub status: RunnerStatus,
    /// Tags used for workflow matching, compared exactly (case-sensitive).
    pub tags: Vec<String>,
    /// When the runner was created (listings are newest first by this instant).
    pub created_at: Timestamp,
    /// When the runner was last changed.
    pub updated_at: Timestamp,
    /// Which listing the runner came from. Not part of the managed wire format.
    #[serde(skip)]
    pub source: RunnerSource,
}

impl Runner {
    /// `true` when ComfyControl may schedule work on this runner: its status is
    /// `active`. Disabled runners and statuses this crate does not know are not.
    pub fn is_schedulable(&self) -> bool {
        self.status == RunnerStatus::Active
    }
}

/// Where a runner comes from.
///
/// `Debug` hides what an `endpoint` URL may carry besides its address: userinfo
/// (`user:password@`), the query and the fragment (`?token=…`).
///
/// ```
/// use runner_match::RunnerSource;
/// let source = RunnerSource::SelfHosted {
///     user_id: "u1".into(),
///     endpoint: "https://me:hunter2@comfy.example:8188/api?key=s3cret#x".into(),
///     headers: Default::default(),
/// };
/// let shown = format!("{source:?}");
/// assert!(shown.contains(r#"endpoint: "https://<redacted>@comfy.example:8188/api?<redacted>""#), "{shown}");
/// assert!(!shown.contains("hunter2") && !shown.contains("s3cret"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub enum RunnerSource {
    /// A ComfyControl-managed runner (`GET /v1/managed-runner`).
    #[default]
    Managed,
    /// A self-hosted runner (`GET /v1/runner`) pointing at the user's own ComfyUI.
    SelfHosted {
        /// The owner's user id.
        user_id: String,
        /// The ComfyUI endpoint URL.
        endpoint: String,
        /// Headers ComfyControl sends to the endpoint; may contain secrets.
        headers: SecretHeaders,
    },
}

impl fmt::Debug for RunnerSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Managed => f.write_str("Managed"),
            Self::SelfHosted {
                user_id,
                endpoint,
                headers,
            } => f
                .debug_struct("SelfHosted")
                .field("user_id", user_id)
                .field("endpoint", &redacted_url(endpoint))
                .field("headers", headers)
                .finish(),
        }
    }
}

/// `url` with its userinfo, query and fragment replaced by `<redacted>` (the scheme,
/// host, port and path stay, to tell endpoints apart).
fn redacted_url(url: &str) -> String {
    let (address, hidden) = match url.find(['?', '#']) {
        Some(at) => (&url[..at], Some(&url[at..at + 1])),
        None => (url, None),
    };
    let authority_start = address.find("://").map_or(0, |at| at + 3);
    let authority_end = address[authority_start..]
        .find('/')
        .map_or(address.len(), |at| authority_start + at);
    let mut shown = match address[authority_start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}<redacted>{}",
            &address[..authority_start],
            &address[authority_start + at..]
        ),
        None => address.to_owned(),
    };
    if let Some(mark) = hidden {
        shown.push_str(if mark == "?" {
            "?<redacted>"
        } else {
            "#<redacted>"
        });
    }
    shown
}

/// The `headers` of a self-hosted runner. They may hold credentials, so this type
/// deliberately implements no `Serialize`, and its `Debug` shows only header names.
///
/// ```
/// let headers: runner_match::SecretHeaders =
///     serde_json::from_str(r#"{"Authorization":"Bearer hunter2"}"#)?;
/// assert_eq!(format!("{headers:?}"), r#"SecretHeaders { names: ["Authorization"], values: "<redacted>" }"#);
/// assert_eq!(headers.get("Authorization"), Some("Bearer hunter2"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct SecretHeaders(BTreeMap<String, String>);

impl SecretHeaders {
    /// The value of header `name`, compared exactly.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The header names, without values.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `true` when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretHeaders")
            .field("names", &self.0.keys().collect::<Vec<_>>())
            .field("values", &"<redacted>")
            .finish()
    }
}

macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        ///
        /// Values the API documentation does not list are kept in `Other` rather than
        /// failing the whole page.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the crate does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(wire: &str) -> Self {
                match wire {
                    $($wire => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let wire = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                Ok(Self::from(&*wire))
            }
        }
    };
}

open_enum! {
    /// A managed runner's tier.
    RunnerType {
        /// `plus`
        Plus => "plus",
        /// `pro`
        Pro => "pro",
    }
}

open_enum! {
    /// A runner's state. Only `active` runners get work.
    RunnerStatus {
        /// `active`: schedulable.
        Active => "active",
        /// `disabled`: never gets a workflow.
        Disabled => "disabled",
    }
}

/// The union of both listings' runner shapes, as received (objects only).
struct WireRunner(WireFields);

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

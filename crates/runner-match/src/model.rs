//! The runner model, in ComfyControl's wire format (snake_case JSON).
//!
//! One [`Runner`] type serves both listings: managed runners
//! (`GET /v1/managed-runner`) and self-hosted runners (`GET /v1/runner`). A runner
//! knows where it came from through [`RunnerSource`]; the self-hosted `headers` (which
//! may carry credentials for the runner's ComfyUI endpoint) live in [`SecretHeaders`],
//! which cannot be serialized and never shows its values in `Debug` output.

use std::fmt;

#[cfg(feature = "serde")]
use serde::{Deserialize, Deserializer, Serialize};

use crate::json::{Decode, JsonError, Reader};
use crate::timestamp::Timestamp;

mod wire;

/// One page of a runner listing: `{"runners": [...], "total": N}`.
///
/// ```
/// let page: runner_match::RunnerPage = runner_match::json::decode(
///     r#"{"runners":[{"id":"r1","name":"A100 box","runner_type":"pro","status":"active",
///        "tags":["gpu-a100"],"created_at":"2024-01-10T08:00:00Z",
///        "updated_at":"2024-01-15T10:30:00Z"}],"total":1}"#,
/// )?;
/// assert_eq!(page.total, 1);
/// assert_eq!(page.runners[0].tags, ["gpu-a100"]);
/// # Ok::<(), runner_match::json::JsonError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct RunnerPage {
    /// The runners on this page, newest `created_at` first.
    pub runners: Vec<Runner>,
    /// How many runners there are across all pages.
    pub total: u64,
}

#[cfg(feature = "serde")]
#[derive(Deserialize)]
struct WirePage {
    runners: Vec<Runner>,
    total: u64,
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for RunnerPage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let WirePage { runners, total } =
            map_only(deserializer, "a runner page object {runners, total}")?;
        Ok(RunnerPage { runners, total })
    }
}

/// Objects only, as the serde impl reads them.
impl Decode for RunnerPage {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let (runners, total) =
            decode_page(reader, "a runner page object {runners, total}", "runners")?;
        Ok(RunnerPage { runners, total })
    }
}

/// A listing's page, `{"<list>": [...], "total": N}`: its items and total.
pub(crate) fn decode_page<T: Decode>(
    reader: &mut Reader<'_>,
    expecting: &str,
    list: &str,
) -> Result<(Vec<T>, u64), JsonError> {
    let mut entries = reader.open(b'{', &expecting)?;
    let (mut items, mut total) = (None, None);
    while let Some(key) = entries.next_key(reader)? {
        match &*key {
            key if key == list => reader.field(&mut items, list)?,
            "total" => reader.field(&mut total, "total")?,
            _ => reader.skip_field()?,
        }
    }
    Ok((
        reader.required(items, list)?,
        reader.required(total, "total")?,
    ))
}

/// Deserializes `T` from a map only: serde's derive would also take a sequence of the
/// field values, which is not the documented wire shape.
#[cfg(feature = "serde")]
pub(crate) fn map_only<'de, D, T>(deserializer: D, expecting: &'static str) -> Result<T, D::Error>
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
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(from = "wire::WireRunner"))]
pub struct Runner {
    /// The runner's UUID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The managed tier (`plus` / `pro`); `None` for self-hosted runners, which have none.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
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
    #[cfg_attr(feature = "serde", serde(skip))]
    pub source: RunnerSource,
}

impl Runner {
    /// `true` when ComfyControl may schedule work on this runner: its status is
    /// `active`. Disabled runners and statuses this crate does not know are not.
    pub fn is_schedulable(&self) -> bool {
        self.status.is_schedulable()
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
    let parts = crate::source::EndpointParts::of(url);
    let userinfo = if parts.has_userinfo {
        "<redacted>@"
    } else {
        ""
    };
    let hidden = match parts.hidden {
        Some(mark) => format!("{mark}<redacted>"),
        None => String::new(),
    };
    format!("{}{userinfo}{}{hidden}", parts.scheme, parts.address)
}

/// The `headers` of a self-hosted runner. They may hold credentials, so this type
/// deliberately implements no `Serialize`, and its `Debug` shows only header names.
///
/// ```
/// let headers: runner_match::SecretHeaders =
///     runner_match::json::decode(r#"{"Authorization":"Bearer hunter2"}"#)?;
/// assert_eq!(format!("{headers:?}"), r#"SecretHeaders { names: ["Authorization"], values: "<redacted>" }"#);
/// assert_eq!(headers.get("Authorization"), Some("Bearer hunter2"));
/// # Ok::<(), runner_match::json::JsonError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretHeaders(Vec<(String, String)>);

impl SecretHeaders {
    /// The value of header `name`, compared exactly.
    pub fn get(&self, name: &str) -> Option<&str> {
        let at = self
            .0
            .binary_search_by(|(key, _)| key.as_str().cmp(name))
            .ok()?;
        Some(&self.0[at].1)
    }

    /// The header names, without values, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(name, _)| name.as_str())
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

/// Headers by name, sorted; a name given twice keeps its last value (as a JSON object
/// read into a map does).
impl FromIterator<(String, String)> for SecretHeaders {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(headers: I) -> Self {
        let headers: Vec<(String, String)> = headers.into_iter().collect();
        // Stable by name, so the last of equal names is the one given last.
        let order =
            crate::order::sorted_positions(headers.len(), &|a, b| headers[a].0.cmp(&headers[b].0));
        let name = |at: u32| headers[at as usize].0.as_str();
        let last: Vec<u32> = (0..order.len())
            .filter(|&i| {
                order
                    .get(i + 1)
                    .is_none_or(|&next| name(next) != name(order[i]))
            })
            .map(|i| order[i])
            .collect();
        Self(crate::order::take(headers, &last))
    }
}

/// An object of string values.
impl Decode for SecretHeaders {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut entries = reader.open(b'{', &"a map")?;
        let mut headers = Vec::new();
        while let Some(name) = entries.next_key(reader)? {
            let value = reader.value::<String>()?;
            headers.push((name.into_owned(), value));
        }
        Ok(headers.into_iter().collect())
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for SecretHeaders {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Headers;
        impl<'de> serde::de::Visitor<'de> for Headers {
            type Value = SecretHeaders;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<SecretHeaders, A::Error> {
                let mut headers = Vec::new();
                while let Some(header) = map.next_entry::<String, String>()? {
                    headers.push(header);
                }
                Ok(headers.into_iter().collect())
            }
        }
        deserializer.deserialize_map(Headers)
    }
}

impl fmt::Debug for SecretHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretHeaders")
            .field("names", &self.names().collect::<Vec<_>>())
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

        impl $crate::json::Decode for $name {
            fn decode(reader: &mut $crate::json::Reader<'_>) -> Result<Self, $crate::json::JsonError> {
                reader.str(&"a string").map(|wire| Self::from(&*wire))
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let wire = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(&*wire))
            }
        }
    };
}

// Shared with the workflow model (`WorkflowStatus`).
pub(crate) use open_enum;

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

impl RunnerStatus {
    /// `true` for the one status ComfyControl schedules work on, `active`.
    ///
    /// ```
    /// use runner_match::RunnerStatus;
    /// assert!(RunnerStatus::from("active").is_schedulable());
    /// assert!(!RunnerStatus::from("maintenance").is_schedulable());
    /// ```
    pub fn is_schedulable(&self) -> bool {
        *self == Self::Active
    }
}

//! Where runners come from: the two listings of ComfyControl's runner pool.
//!
//! Managed runners (`GET /v1/managed-runner`, Pro and Plus tiers only) and an account's
//! own self-hosted runners (`GET /v1/runner`) both take work; a [`Source`] names one
//! listing. Its wire spelling is `managed` / `self-hosted`, the same in JS options,
//! JSON results and CLI flags.

use std::fmt;
use std::str::FromStr;

#[cfg(feature = "serde")]
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::{Runner, RunnerSource, SecretHeaders};
use crate::substring;

/// One runner listing.
///
/// ```
/// use runner_match::Source;
/// let source: Source = "self-hosted".parse()?;
/// assert_eq!(source, Source::SelfHosted);
/// assert_eq!(source.path(), "/v1/runner");
/// assert_eq!(Source::Managed.to_string(), "managed");
/// assert_eq!(
///     "Managed".parse::<Source>().unwrap_err().to_string(),
///     r#"unknown runner source "Managed": expected "managed" or "self-hosted""#
/// );
/// # Ok::<(), runner_match::SourceError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// ComfyControl-managed runners, `GET /v1/managed-runner`.
    Managed,
    /// The account's own runners, `GET /v1/runner`.
    SelfHosted,
}

/// A string that names no [`Source`], or an empty list of them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// Not `managed` or `self-hosted` (compared exactly).
    #[error("unknown runner source {input:?}: expected \"managed\" or \"self-hosted\"")]
    Unknown {
        /// The rejected text (at most 100 characters of it).
        input: String,
    },
    /// A list of sources with none in it.
    #[error("sources must name at least one of \"managed\", \"self-hosted\"")]
    Empty,
}

impl Source {
    /// Both sources, in the canonical order (managed first).
    pub const ALL: [Source; 2] = [Source::Managed, Source::SelfHosted];

    /// The wire spelling: `managed` or `self-hosted`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Managed => "managed",
            Self::SelfHosted => "self-hosted",
        }
    }

    /// The listing's path: `/v1/managed-runner` or `/v1/runner`.
    pub fn path(self) -> &'static str {
        match self {
            Self::Managed => "/v1/managed-runner",
            Self::SelfHosted => "/v1/runner",
        }
    }

    /// The source a runner says it came from.
    pub fn of(runner: &Runner) -> Source {
        match runner.source {
            RunnerSource::Managed => Self::Managed,
            RunnerSource::SelfHosted { .. } => Self::SelfHosted,
        }
    }

    /// Parses a list of sources (from options or a CLI flag) into a set in canonical
    /// order, duplicates dropped. An empty list is an error: reading no listing at all
    /// is never what a caller means.
    ///
    /// ```
    /// use runner_match::{Source, SourceError};
    /// assert_eq!(Source::parse_list(["self-hosted", "managed", "self-hosted"])?, Source::ALL);
    /// assert_eq!(Source::parse_list(Vec::<&str>::new()), Err(SourceError::Empty));
    /// # Ok::<(), SourceError>(())
    /// ```
    pub fn parse_list<I, S>(items: I) -> Result<Vec<Source>, SourceError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let named = items
            .into_iter()
            .map(|item| item.as_ref().parse::<Source>())
            .collect::<Result<Vec<_>, _>>()?;
        Self::canonical(&named)
    }

    /// `sources` in canonical order ([`Source::ALL`]'s), each once; an empty list is an
    /// error, as in [`Source::parse_list`].
    ///
    /// ```
    /// use runner_match::{Source, SourceError};
    /// assert_eq!(Source::canonical(&[Source::SelfHosted, Source::Managed, Source::SelfHosted])?, Source::ALL);
    /// assert_eq!(Source::canonical(&[]), Err(SourceError::Empty));
    /// # Ok::<(), SourceError>(())
    /// ```
    pub fn canonical(sources: &[Source]) -> Result<Vec<Source>, SourceError> {
        if sources.is_empty() {
            return Err(SourceError::Empty);
        }
        Ok(Self::ALL
            .into_iter()
            .filter(|source| sources.contains(source))
            .collect())
    }

    /// Makes every runner read from this listing say so: the listing, not the shape of
    /// each object, decides a runner's source. A runner from `/v1/runner` missing its
    /// `endpoint` still becomes self-hosted (with empty fields); one from
    /// `/v1/managed-runner` carrying self-hosted fields becomes managed, and its
    /// `headers` are dropped (a managed runner has none to keep).
    pub fn claim(self, runners: &mut [Runner]) {
        for runner in runners {
            match (self, &runner.source) {
                (Self::Managed, RunnerSource::SelfHosted { .. }) => {
                    runner.source = RunnerSource::Managed;
                }
                (Self::SelfHosted, RunnerSource::Managed) => {
                    runner.source = RunnerSource::SelfHosted {
                        user_id: String::new(),
                        endpoint: String::new(),
                        headers: SecretHeaders::default(),
                    };
                }
                _ => {}
            }
        }
    }
}

/// A self-hosted runner's endpoint with its credentials removed: the user info
/// (`user:password@`), the query and the fragment, where tokens usually travel. What is
/// left (scheme, host, port, path) says where the runner is, safe to show or return.
/// (A secret in the path itself cannot be told from a path and stays.)
///
/// ```
/// use runner_match::source::endpoint_without_credentials;
/// assert_eq!(
///     endpoint_without_credentials("https://comfy:hunter2@studio.example.net:8188/api?token=abc#x"),
///     "https://studio.example.net:8188/api"
/// );
/// assert_eq!(endpoint_without_credentials("http://10.0.0.7:8188"), "http://10.0.0.7:8188");
/// assert_eq!(endpoint_without_credentials("user@host/p?q"), "host/p");
/// ```
pub fn endpoint_without_credentials(endpoint: &str) -> String {
    let parts = EndpointParts::of(endpoint);
    format!("{}{}", parts.scheme, parts.address)
}

/// An endpoint URL split around what may carry credentials: `scheme` (with `://`, or
/// empty), whether there is user info, `address` (host, port and path) and the first
/// character of the query or fragment that follows, if any.
pub(crate) struct EndpointParts<'a> {
    pub(crate) scheme: &'a str,
    pub(crate) has_userinfo: bool,
    pub(crate) address: &'a str,
    pub(crate) hidden: Option<char>,
}

impl<'a> EndpointParts<'a> {
    pub(crate) fn of(endpoint: &'a str) -> Self {
        let (scheme, rest) = match substring::find(endpoint, "://") {
            Some(at) => endpoint.split_at(at + 3),
            None => ("", endpoint),
        };
        let (rest, hidden) = match rest.find(['?', '#']) {
            Some(at) => (&rest[..at], rest[at..].chars().next()),
            None => (rest, None),
        };
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let userinfo_end = rest[..authority_end].rfind('@');
        Self {
            scheme,
            has_userinfo: userinfo_end.is_some(),
            address: &rest[userinfo_end.map_or(0, |at| at + 1)..],
            hidden,
        }
    }
}

impl FromStr for Source {
    type Err = SourceError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        match input {
            "managed" => Ok(Self::Managed),
            "self-hosted" => Ok(Self::SelfHosted),
            other => Err(SourceError::Unknown {
                input: other.chars().take(100).collect(),
            }),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl Serialize for Source {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runner(json: &str) -> Runner {
        crate::json::decode(json).unwrap()
    }

    const MANAGED: &str = r#"{"id":"m","name":"m","runner_type":"pro","status":"active","tags":[],
        "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}"#;
    const SELF_HOSTED: &str = r#"{"id":"s","name":"s","user_id":"u","endpoint":"https://x",
        "headers":{"Authorization":"Bearer sk"},"status":"active","tags":[],
        "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}"#;

    #[test]
    fn the_listing_decides_the_source() {
        let mut runners = [runner(MANAGED), runner(SELF_HOSTED)];
        assert_eq!(
            runners.iter().map(Source::of).collect::<Vec<_>>(),
            Source::ALL
        );
        Source::SelfHosted.claim(&mut runners);
        assert!(runners.iter().all(|r| Source::of(r) == Source::SelfHosted));
        assert!(
            matches!(&runners[1].source, RunnerSource::SelfHosted { endpoint, .. } if endpoint == "https://x")
        );
        Source::Managed.claim(&mut runners);
        assert!(runners.iter().all(|r| r.source == RunnerSource::Managed));
    }

    #[test]
    fn parse_errors_are_exact_and_bounded() {
        let long = "x".repeat(500);
        match long.parse::<Source>().unwrap_err() {
            SourceError::Unknown { input } => assert_eq!(input.len(), 100),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            Source::parse_list(["managed", "self_hosted"])
                .unwrap_err()
                .to_string(),
            r#"unknown runner source "self_hosted": expected "managed" or "self-hosted""#
        );
        assert_eq!(Source::parse_list(["managed"]).unwrap(), [Source::Managed]);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_reads_and_writes_the_wire_name() {
        assert_eq!(
            serde_json::to_string(&Source::SelfHosted).unwrap(),
            r#""self-hosted""#
        );
        assert_eq!(
            serde_json::from_str::<Source>(r#""managed""#).unwrap(),
            Source::Managed
        );
    }
}

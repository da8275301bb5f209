//! The runner pool behind a client's answers and how each requested source fared
//! (`client.pool()`, part of `diagnose --json`), from [`Pool`](crate::Pool)'s statuses.

use super::SourceKind;
use crate::SourceState;

/// The pool behind a client's answers: how many runners, and how each source fared.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct PoolReport {
    /// Runners in the pool, all sources together.
    pub runners: usize,
    /// One entry per requested source, managed first.
    pub sources: Vec<SourceReport>,
}

/// How one requested source fared.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct SourceReport {
    /// The listing.
    pub source: SourceKind,
    /// `ok`: read completely; `unavailable`: contributes no runners, for `reason`.
    pub status: SourceStatusKind,
    /// How many runners it contributed.
    pub runners: usize,
    /// Why it is unavailable: `no_managed_runners` (a 403 on managed runners while the
    /// self-hosted listing loaded: the account's tier has none).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub reason: Option<String>,
    /// The reason in words.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub message: Option<String>,
}

/// Whether a source was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum SourceStatusKind {
    /// Read completely.
    Ok,
    /// Contributes no runners; the read still succeeded.
    Unavailable,
}

impl PoolReport {
    /// The report for a pool's statuses.
    pub fn new(runners: usize, statuses: &[crate::SourceStatus]) -> Self {
        let sources = statuses
            .iter()
            .map(|status| {
                let source = SourceKind::from(status.source);
                match status.state {
                    SourceState::Ok { runners } => SourceReport {
                        source,
                        status: SourceStatusKind::Ok,
                        runners,
                        reason: None,
                        message: None,
                    },
                    SourceState::Unavailable(why) => SourceReport {
                        source,
                        status: SourceStatusKind::Unavailable,
                        runners: 0,
                        reason: Some(why.code().to_owned()),
                        message: Some(why.to_string()),
                    },
                }
            })
            .collect();
        Self { runners, sources }
    }
}

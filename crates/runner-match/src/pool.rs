//! Sans-IO policy for combining runner listings into one pool.
//!
//! ComfyControl schedules a workflow on managed runners and on the account's own
//! self-hosted runners alike, so the pool a client matches against is every requested
//! [`Source`]. The caller reads each listing (concurrently, under one request budget)
//! and hands each outcome to [`Pool::combine`], which decides what the caller may
//! present.
//!
//! # Policies
//! - **Never a partial list as if complete.** Any failure of a requested listing fails
//!   the whole read, with that listing's own error (the first in canonical order:
//!   managed, then self-hosted), except the one case below.
//! - **A Free tier has no managed runners.** ComfyControl answers 403 to
//!   `GET /v1/managed-runner` for tiers without managed runners. When both sources were
//!   requested and the self-hosted listing loaded, that 403 means "none": the pool is the
//!   self-hosted runners, and the managed source's status says
//!   [`Unavailable::NoManagedRunners`]. No runner is missing from that answer: the
//!   account's tier has none to list.
//! - **Asked for alone, a 403 stays an error.** `sources: [managed]` on a Free tier is
//!   `forbidden`: the caller asked for nothing else, and an empty list would read as "no
//!   runner matches". A 403 on the self-hosted listing (undocumented) is always an error.
//! - **The listing decides the source.** Every runner of a listing is
//!   [`claim`](Source::claim)ed by it, so results carry the right source whatever each
//!   object looked like.

use std::fmt;

use crate::model::Runner;
use crate::source::Source;

/// What reading one listing gave, as the caller classified it. `E` is the caller's own
/// error type, handed back untouched when it fails the read.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceOutcome<E> {
    /// Every page read: the listing's runners.
    Loaded(Vec<Runner>),
    /// HTTP 403 (after any retries).
    Forbidden(E),
    /// Any other failure.
    Failed(E),
}

/// Why a requested source contributed no runners without failing the read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unavailable {
    /// The managed listing answered 403: the account's tier has no managed runners.
    NoManagedRunners,
}

impl Unavailable {
    /// A stable machine-readable spelling: `no_managed_runners`.
    pub fn code(self) -> &'static str {
        match self {
            Self::NoManagedRunners => "no_managed_runners",
        }
    }
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoManagedRunners => f.write_str(
                "the account's tier has no managed runners (403; they need Pro or Plus)",
            ),
        }
    }
}

/// How one requested source fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceState {
    /// Read completely.
    Ok {
        /// How many runners it listed.
        runners: usize,
    },
    /// Contributes no runners, for this reason; the read still succeeded.
    Unavailable(Unavailable),
}

/// A requested source and how it fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceStatus {
    /// The listing.
    pub source: Source,
    /// How it fared.
    pub state: SourceState,
}

/// Every runner of the requested sources, with a status per source.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    runners: Vec<Runner>,
    statuses: Vec<SourceStatus>,
}

impl Pool {
    /// Combines each requested source's outcome under the [module's policies](self).
    /// Sources may come in any order; statuses come out in canonical order. A source
    /// given twice counts once (its first outcome).
    ///
    /// ```
    /// use runner_match::pool::{Pool, SourceOutcome, SourceState, Unavailable};
    /// use runner_match::Source;
    /// # let runners: Vec<runner_match::Runner> = runner_match::json::decode(r#"[{"id":"s1","name":"home",
    /// #   "user_id":"u","endpoint":"https://comfy.example","headers":{},"status":"active","tags":["flux"],
    /// #   "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}]"#)?;
    /// // A Free tier: 403 on managed runners, its own runners load.
    /// let pool = Pool::combine([
    ///     (Source::Managed, SourceOutcome::Forbidden("403 Forbidden")),
    ///     (Source::SelfHosted, SourceOutcome::Loaded(runners)),
    /// ])?;
    /// assert_eq!(pool.runners().len(), 1);
    /// assert_eq!(pool.state(Source::Managed), Some(SourceState::Unavailable(Unavailable::NoManagedRunners)));
    /// assert_eq!(pool.state(Source::SelfHosted), Some(SourceState::Ok { runners: 1 }));
    ///
    /// // Managed runners asked for alone: the 403 is the answer.
    /// let alone = Pool::combine([(Source::Managed, SourceOutcome::Forbidden("403 Forbidden"))]);
    /// assert_eq!(alone.unwrap_err(), "403 Forbidden");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn combine<E>(
        outcomes: impl IntoIterator<Item = (Source, SourceOutcome<E>)>,
    ) -> Result<Pool, E> {
        let mut distinct: Vec<(Source, SourceOutcome<E>)> = Vec::with_capacity(2);
        for (source, outcome) in outcomes {
            if !distinct.iter().any(|(seen, _)| *seen == source) {
                distinct.push((source, outcome));
            }
        }
        crate::order::sort_by(&mut distinct, |a, b| a.0.cmp(&b.0));

        let self_hosted_loaded = distinct.iter().any(|(source, outcome)| {
            *source == Source::SelfHosted && matches!(outcome, SourceOutcome::Loaded(_))
        });
        // A real failure wins over a 403, so the caller sees what actually broke.
        let failed = distinct
            .iter()
            .position(|(_, outcome)| matches!(outcome, SourceOutcome::Failed(_)));
        if let Some((_, SourceOutcome::Failed(error))) = failed.map(|at| distinct.swap_remove(at)) {
            return Err(error);
        }

        let mut runners = Vec::new();
        let mut statuses = Vec::with_capacity(distinct.len());
        for (source, outcome) in distinct {
            let state = match outcome {
                SourceOutcome::Loaded(mut listed) => {
                    source.claim(&mut listed);
                    let count = listed.len();
                    if runners.is_empty() {
                        runners = listed;
                    } else {
                        runners.append(&mut listed);
                    }
                    SourceState::Ok { runners: count }
                }
                SourceOutcome::Forbidden(_) if source == Source::Managed && self_hosted_loaded => {
                    SourceState::Unavailable(Unavailable::NoManagedRunners)
                }
                SourceOutcome::Forbidden(error) | SourceOutcome::Failed(error) => {
                    return Err(error)
                }
            };
            statuses.push(SourceStatus { source, state });
        }
        Ok(Pool { runners, statuses })
    }

    /// The runners of every source that loaded, in the order the sources were combined
    /// (managed first), each listing in its own order. Index them with
    /// [`RunnerIndex::new`](crate::RunnerIndex::new) for listing order.
    pub fn runners(&self) -> &[Runner] {
        &self.runners
    }

    /// The runners, by value.
    pub fn into_runners(self) -> Vec<Runner> {
        self.runners
    }

    /// One status per requested source, managed first.
    pub fn statuses(&self) -> &[SourceStatus] {
        &self.statuses
    }

    /// How `source` fared; `None` when it was not requested.
    pub fn state(&self, source: Source) -> Option<SourceState> {
        self.statuses
            .iter()
            .find(|status| status.source == source)
            .map(|status| status.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RunnerSource;

    fn runners(ids: &[&str], source: Source) -> Vec<Runner> {
        let endpoint = match source {
            Source::Managed => String::new(),
            Source::SelfHosted => r#""user_id":"u","endpoint":"https://x","headers":{},"#.into(),
        };
        ids.iter()
            .map(|id| {
                crate::json::decode(&format!(
                    r#"{{"id":"{id}","name":"{id}",{endpoint}"status":"active","tags":[],
                    "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}}"#
                ))
                .unwrap()
            })
            .collect()
    }

    use SourceOutcome::{Failed, Forbidden, Loaded};

    #[test]
    fn both_sources_load() {
        let pool = Pool::combine([
            (
                Source::SelfHosted,
                Loaded(runners(&["s1"], Source::SelfHosted)),
            ),
            (
                Source::Managed,
                Loaded(runners(&["m1", "m2"], Source::Managed)),
            ),
        ])
        .map_err(|_: &str| ())
        .unwrap();
        let ids: Vec<&str> = pool.runners().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["m1", "m2", "s1"]);
        assert_eq!(
            pool.statuses(),
            [
                SourceStatus {
                    source: Source::Managed,
                    state: SourceState::Ok { runners: 2 }
                },
                SourceStatus {
                    source: Source::SelfHosted,
                    state: SourceState::Ok { runners: 1 }
                },
            ]
        );
    }

    #[test]
    fn failures_fail_the_whole_read() {
        // Any non-403 failure, whatever else loaded.
        type Outcomes = Vec<(Source, SourceOutcome<&'static str>)>;
        let cases: Vec<(Outcomes, &str)> = vec![
            (
                vec![
                    (Source::Managed, Loaded(runners(&["m"], Source::Managed))),
                    (Source::SelfHosted, Failed("500")),
                ],
                "500",
            ),
            (
                vec![
                    (Source::Managed, Forbidden("403 managed")),
                    (Source::SelfHosted, Failed("401")),
                ],
                "401",
            ),
            (
                vec![
                    (Source::SelfHosted, Failed("timeout")),
                    (Source::Managed, Failed("429")),
                ],
                "429",
            ),
            // A 403 is excused only by a loaded self-hosted listing.
            (vec![(Source::Managed, Forbidden("403"))], "403"),
            (
                vec![
                    (Source::Managed, Forbidden("403 managed")),
                    (Source::SelfHosted, Forbidden("403 self")),
                ],
                "403 managed",
            ),
            (
                vec![
                    (Source::Managed, Loaded(Vec::new())),
                    (Source::SelfHosted, Forbidden("403 self")),
                ],
                "403 self",
            ),
        ];
        for (outcomes, want) in cases {
            assert_eq!(Pool::combine(outcomes).unwrap_err(), want);
        }
    }

    #[test]
    fn the_listing_claims_its_runners_and_duplicates_count_once() {
        // A managed-shaped object in the self-hosted listing is still self-hosted.
        let pool = Pool::combine([
            (
                Source::SelfHosted,
                Loaded(runners(&["odd"], Source::Managed)),
            ),
            (Source::SelfHosted, Failed("ignored: second outcome")),
        ])
        .unwrap();
        assert!(matches!(
            pool.runners()[0].source,
            RunnerSource::SelfHosted { .. }
        ));
        assert_eq!(pool.state(Source::Managed), None);
        assert_eq!(
            Unavailable::NoManagedRunners.to_string(),
            "the account's tier has no managed runners (403; they need Pro or Plus)"
        );
        assert_eq!(Unavailable::NoManagedRunners.code(), "no_managed_runners");
    }
}

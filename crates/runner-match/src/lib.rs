#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod model;
mod rank;
mod requirements;
mod timestamp;
// index: RunnerIndex (added by the index work)
// paging: sans-IO pager (added by the paging work)

pub use model::{Runner, RunnerPage, RunnerSource, RunnerStatus, RunnerType, SecretHeaders};
pub use rank::{
    compare, compare_runners, fit, matches, pick, rank, Fit, Match, WILDCARD_RUNNER_SCORE,
};
pub use requirements::{RequirementError, Requirements, TagProblem, MAX_TAGS, MAX_TAG_BYTES};
pub use timestamp::{Timestamp, TimestampError};

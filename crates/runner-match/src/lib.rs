#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod expr;
mod index;
mod model;
pub mod paging;
mod rank;
pub mod rate;
mod requirements;
pub mod retry;
mod timestamp;
pub use paging::{PageRequest, Pager, PagingError, MAX_BATCH, MAX_PER_PAGE, SAFETY_MARGIN_PAGES};
pub use rate::{
    BudgetError, RequestBudget, IN_FLIGHT_POLL_MS, RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_MS,
};
pub use retry::{
    parse_retry_after, Failure, RetryDecision, RetryPolicy, MAX_RETRY_AFTER_MS,
    RATE_LIMIT_COOLDOWN_MS,
};

pub use expr::{
    Expression, ExpressionError, ExpressionErrorKind, ExpressionNode, Unmet, MAX_EXPRESSION_BYTES,
    MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_TERMS,
};
pub use index::{Ranked, RunnerIndex};
pub use model::{Runner, RunnerPage, RunnerSource, RunnerStatus, RunnerType, SecretHeaders};
pub use rank::{
    compare, compare_runners, fit, matches, pick, rank, Fit, Match, WILDCARD_RUNNER_SCORE,
};
pub use requirements::{RequirementError, Requirements, TagProblem, MAX_TAGS, MAX_TAG_BYTES};
pub use timestamp::{Timestamp, TimestampError};

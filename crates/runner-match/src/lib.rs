#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

// The wire model.
mod model;
#[doc(hidden)]
pub mod order;
pub mod source;
#[doc(hidden)]
pub mod substring;
mod timestamp;
mod workflow;

// What a workflow asks for: tag lists, expressions, preferences.
mod expr;
mod preferences;
mod requirements;

// Matching, scoring and ranking, plain and indexed, and why.
mod decimal;
mod enforce;
mod explain;
mod index;
mod interner;
mod rank;
mod score;

// Sans-IO client logic: callers bring the I/O and the clock. Public modules, because
// their module docs state the policies.
mod error_code;
pub mod http_error;
pub mod limits;
pub mod paging;
pub mod pool;
pub mod progress;
pub mod rate;
pub mod retry;
pub mod secret;
pub mod workflow_paging;

// Waiting workflows against the pool: "why is my workflow stuck?".
pub mod diagnose;
pub mod json;
pub mod json_write;
pub mod report;

pub use error_code::ErrorCode;
pub use model::{Runner, RunnerPage, RunnerSource, RunnerStatus, RunnerType, SecretHeaders};
pub use source::{Source, SourceError};
pub use timestamp::{Timestamp, TimestampError, EXPECTED_TIMESTAMP};
pub use workflow::{Workflow, WorkflowPage, WorkflowStatus};

pub use expr::{
    Expression, ExpressionError, ExpressionErrorKind, ExpressionNode, Unmet, MAX_EXPRESSION_BYTES,
    MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_TERMS,
};
pub use preferences::{
    Preference, PreferenceError, PreferenceKind, Preferences, MAX_PREFERENCES,
    MAX_PREFERENCE_WEIGHT, PREFERENCE_INFLUENCE,
};
pub use requirements::{
    looks_like_expression, RequirementError, Requirements, TagError, TagProblem, MAX_TAGS,
    MAX_TAG_BYTES,
};

pub use enforce::{workflow_tags, WorkflowTags};
pub use explain::{
    explain, Change, Explanation, Hint, Reason, Similarity, Suggestion, TagSuggestion, Verdict,
};
pub use index::{Ranked, RunnerIndex, TagIndex, TagIndexBuilder, TagIndexError};
pub use rank::{
    compare, compare_runners, fit, matches, pick, rank, Fit, Match, WILDCARD_RUNNER_SCORE,
};
pub use score::{ScoreBreakdown, TermScore};

pub use paging::{PageRequest, Pager, PagingError, MAX_BATCH, MAX_PER_PAGE, SAFETY_MARGIN_PAGES};
pub use rate::{
    BudgetError, LooserThanComfyControl, RequestBudget, IN_FLIGHT_POLL_MS, RATE_LIMIT_REQUESTS,
    RATE_LIMIT_WINDOW_MS,
};
pub use retry::{
    parse_retry_after, Failure, RetryDecision, RetryPolicy, MAX_RETRY_AFTER_MS,
    RATE_LIMIT_COOLDOWN_MS,
};

pub use diagnose::{diagnose, Diagnosis, Stuck, WorkflowDiagnosis};
pub use pool::{Pool, SourceOutcome, SourceState, SourceStatus, Unavailable};
pub use progress::{Progress, ReadProgress};
pub use workflow_paging::{WorkflowListing, WorkflowPager, DEFAULT_WORKFLOW_PAGES};

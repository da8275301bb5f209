//! Errors as JS sees them: real `Error` objects with a stable `code`.
//!
//! Every failure of the package is an [`Error`]: the core's own errors, wrapped as they
//! are, and the failures only the glue can see (a JS value of the wrong kind, an HTTP
//! answer, a lost connection). [`Error::into_js`] is the one way out to JS: an `Error`
//! named `RunnerMatchError` with `code` (an [`ErrorCode`]), `status` for HTTP errors and
//! `offset` for expression errors, its message scrubbed of anything token-shaped (and
//! of the client's own token, where known) in that one place.

use runner_match::json::JsonError;
use runner_match::rate::{BudgetError, LooserThanComfyControl};
use runner_match::secret::{scrub_token_shapes, Token, TokenProblem};
use runner_match::{
    PagingError, RequirementError, Source, SourceError, TagIndexError, TimestampError,
};
use wasm_bindgen::prelude::*;

/// The stable machine-readable cause of an error: the core's codes, shared with the
/// native client and the CLI.
pub use runner_match::ErrorCode;

/// Any failure of the package, ready to become a JS `Error`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A requirement the core refuses; `what` names the argument (`requiredTags`).
    #[error("invalid {what}: {source}")]
    Requirement {
        /// The argument, as JS spells it.
        what: String,
        /// The core's reason.
        source: RequirementError,
    },
    /// A token that cannot be sent (never quoted).
    #[error(transparent)]
    Token(#[from] TokenProblem),
    /// A `sources` option the core refuses.
    #[error("invalid sources: {0}")]
    Sources(#[from] SourceError),
    /// A `rateLimit` that is no budget.
    #[error("invalid rateLimit: {0}")]
    Budget(#[from] BudgetError),
    /// A `rateLimit` looser than ComfyControl's own.
    #[error("rateLimit of {0}")]
    LooserBudget(#[from] LooserThanComfyControl),
    /// A listing whose pages do not add up; `what` says which page or list.
    #[error("{what}: {source}")]
    Paging {
        /// `page 3 does not fit`, `the runner list is incomplete`.
        what: String,
        /// The core's reason.
        source: PagingError,
    },
    /// Plain `http:` to a host that is not loopback.
    #[error("{}", runner_match::secret::plain_http_refusal(.host))]
    InsecureUrl {
        /// The host, as the URL parser reads it.
        host: String,
    },
    /// A runner object the caller passed (`runners[index]`) that is not a runner.
    #[error("runners[{index}] is not a runner: {source}")]
    Runner {
        /// Its place in the caller's array.
        index: usize,
        /// What is wrong with it.
        source: RunnerReadError,
    },
    /// Runners whose columns the core's index refuses.
    #[error("runners could not be indexed: {0}")]
    Index(#[from] TagIndexError),
    /// A 2xx answer whose body is not the listing's page.
    #[error("{0}")]
    Decode(#[from] PageDecodeError),
    /// The module-level `findRunners` before `configure`.
    #[error(
        "call configure({{ token }}) before findRunners, or use new RunnerClient({{ token }})"
    )]
    NotConfigured,
    /// A JS value that is not what the argument needs (the message names its kind,
    /// never its content).
    #[error("{0}")]
    InvalidInput(String),
    /// A failure described by the glue itself: an HTTP answer, a transport failure, a
    /// timeout.
    #[error("{}", .0.message)]
    Client(#[from] ClientError),
}

impl Error {
    /// The stable cause.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Paging {
                source: PagingError::InvalidPerPage { .. },
                ..
            } => ErrorCode::InvalidInput,
            Self::Paging { .. } | Self::Decode(_) => ErrorCode::Decode,
            Self::InsecureUrl { .. } => ErrorCode::InsecureUrl,
            Self::NotConfigured => ErrorCode::NotConfigured,
            Self::Client(error) => error.code,
            _ => ErrorCode::InvalidInput,
        }
    }

    /// An `invalid_input` error about a JS value.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::InvalidInput(message.into())
    }

    /// A requirement error for the argument `what`.
    pub(crate) fn requirement(what: &str, source: impl Into<RequirementError>) -> Self {
        let (what, source) = (what.to_owned(), source.into());
        Self::Requirement { what, source }
    }

    /// A paging error in the context `what`.
    pub(crate) fn paging(what: impl Into<String>, source: PagingError) -> Self {
        let what = what.into();
        Self::Paging { what, source }
    }

    /// The message for people: for an expression error, with the input and a caret
    /// under the problem.
    fn message(&self) -> String {
        match self {
            Self::Requirement { source, .. } if source.offset().is_some() => {
                format!("{self}\n{}", source.render())
            }
            _ => self.to_string(),
        }
    }

    /// The JS `Error`: the one place errors cross into JS, with the one token scrub.
    /// `token`, when known, is redacted exactly (servers and proxies may echo it back);
    /// anything shaped like a ComfyControl token always is.
    pub fn into_js(self, token: Option<&Token>) -> JsValue {
        let mut message = self.message();
        if let Some(token) = token {
            message = token.redact(&message);
        }
        let error = js_sys::Error::new(&scrub_token_shapes(&message));
        error.set_name("RunnerMatchError");
        let set = |key: &str, value: JsValue| {
            // Setting a data property on a fresh Error object cannot fail.
            let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &value);
        };
        set("code", JsValue::from_str(self.code().as_str()));
        let (status, offset) = match &self {
            Self::Client(error) => (error.status, error.offset),
            Self::Requirement { source, .. } => (None, source.offset()),
            _ => (None, None),
        };
        if let Some(status) = status {
            set("status", JsValue::from(status));
        }
        if let Some(offset) = offset {
            set("offset", JsValue::from(offset as u32));
        }
        error.into()
    }
}

impl From<Error> for JsValue {
    fn from(error: Error) -> Self {
        error.into_js(None)
    }
}

/// Why a runner object the caller passed is not a runner ([`Error::Runner`]), in the
/// wire's wording (``invalid type for `tags` …``): it names the field and the kind of a
/// wrong value, never the value (a self-hosted runner's `headers` and `endpoint` may
/// hold credentials).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RunnerReadError {
    /// Not an object, or an array.
    #[error("invalid type: {kind}, expected a runner object")]
    NotAnObject {
        /// The value's `typeof` (`null` apart, `object` for arrays).
        kind: String,
    },
    /// Reading the object threw (a getter, a revoked proxy).
    #[error("reading it threw {thrown}")]
    Unreadable {
        /// What the exception says.
        thrown: String,
    },
    /// Reading a field threw.
    #[error("reading `{field}` threw {thrown}")]
    FieldUnreadable {
        /// The field, as the wire spells it.
        field: &'static str,
        /// What the exception says.
        thrown: String,
    },
    /// A required field is absent.
    #[error("missing field `{field}`")]
    Missing {
        /// The field.
        field: &'static str,
    },
    /// A field of the wrong kind.
    #[error("invalid type for `{field}`: {kind}, expected {expected}")]
    WrongType {
        /// The field.
        field: &'static str,
        /// The value's kind, as [`NotAnObject`](Self::NotAnObject) names it.
        kind: String,
        /// `a string`, `a sequence`.
        expected: &'static str,
    },
    /// A timestamp field that is not RFC 3339 (the core's reason is the source; the
    /// message does not quote the value).
    #[error(
        "invalid value for `{field}`: expected {}",
        runner_match::EXPECTED_TIMESTAMP
    )]
    Timestamp {
        /// `created_at` or `updated_at`.
        field: &'static str,
        /// The core's reason.
        source: TimestampError,
    },
    /// A field whose value cannot be read as its type (`headers` that are no object).
    #[error("invalid value for `{field}`")]
    InvalidValue {
        /// The field.
        field: &'static str,
    },
}

/// A 2xx answer whose body is not the listing's page ([`Error::Decode`]): the core's
/// decoder's reason, where, and what the server said the body was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "page {page}{of} is not {what} ({source}; content-type {content_type:?})",
    of = of_listing(path)
)]
#[non_exhaustive]
pub struct PageDecodeError {
    /// The page number.
    pub page: u32,
    /// The listing's path (`/v1/workflow`).
    pub path: String,
    /// What the page should have been (`a runner list`).
    pub what: &'static str,
    /// The answer's `content-type`.
    pub content_type: String,
    /// The core's reason.
    pub source: JsonError,
}

/// ` of /v1/workflow`: the listing a page belongs to, left out for the managed listing
/// (whose messages keep their original wording).
fn of_listing(path: &str) -> String {
    if path == Source::Managed.path() {
        String::new()
    } else {
        format!(" of {path}")
    }
}

/// A failure described by the glue itself, with the fields its JS `Error` carries
/// (kept for the crate's public API; [`Error::Client`] wraps it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({code})")]
pub struct ClientError {
    /// What kind of failure.
    pub code: ErrorCode,
    /// A sentence for people; never contains the token.
    pub message: String,
    /// The HTTP status, for HTTP errors.
    pub status: Option<u16>,
    /// Byte offset into the input, for expression parse errors.
    pub offset: Option<usize>,
}

impl ClientError {
    /// An error without status or offset.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            status: None,
            offset: None,
        }
    }

    /// An `invalid_input` error.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    /// Converts into a JS `Error` with `name`, `code`, and `status`/`offset` when set
    /// (see [`Error::into_js`]).
    pub fn into_js(self) -> JsValue {
        Error::Client(self).into_js(None)
    }
}

impl From<ClientError> for JsValue {
    fn from(error: ClientError) -> Self {
        error.into_js()
    }
}

#[wasm_bindgen(typescript_custom_section)]
const ERROR_TS: &str = r#"
/** What every function of this package throws or rejects with. */
export interface RunnerMatchError extends Error {
    name: "RunnerMatchError";
    /** Stable cause: branch on this, not on the message. */
    code: ErrorCode;
    /** The HTTP status, for errors that came from an HTTP response. */
    status?: number;
    /** Byte offset into the requirement string, for parse errors. */
    offset?: number;
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written TypeScript `ErrorCode` lists exactly the core's codes, in order.
    #[test]
    fn the_typescript_error_code_is_the_cores() {
        let declarations = include_str!("../js/types.d.ts");
        let line = declarations
            .lines()
            .find(|line| line.starts_with("export type ErrorCode ="))
            .expect("js/types.d.ts declares ErrorCode");
        let declared: Vec<&str> = line
            .trim_start_matches("export type ErrorCode =")
            .trim_end_matches(';')
            .split('|')
            .map(|code| code.trim().trim_matches('"'))
            .collect();
        assert_eq!(declared, ErrorCode::ALL.map(ErrorCode::as_str));
    }

    #[test]
    fn messages_and_codes() {
        let expression = "gpu & (".parse::<runner_match::Requirements>().unwrap_err();
        let error = Error::requirement("requiredTags", expression.clone());
        assert_eq!(error.code(), ErrorCode::InvalidInput);
        assert_eq!(
            error.message(),
            format!(
                "invalid requiredTags: {expression}\n{}",
                expression.render()
            )
        );
        let tags = runner_match::Requirements::from_tags([""]).unwrap_err();
        let error = Error::requirement("requiredTags", tags.clone());
        assert_eq!(error.message(), format!("invalid requiredTags: {tags}"));
        let http = ClientError {
            status: Some(503),
            ..ClientError::new(ErrorCode::Server, "503 server error")
        };
        assert_eq!(Error::from(http).code(), ErrorCode::Server);
        assert_eq!(Error::NotConfigured.code(), ErrorCode::NotConfigured);
    }

    /// A runner the glue cannot read: the wire's wording after `runners[i] is not a
    /// runner: `, the core's reason kept as the source, `invalid_input`.
    #[test]
    fn runner_read_errors_keep_their_wording_and_source() {
        use std::error::Error as _;
        let timestamp = "2024-13-01".parse::<runner_match::Timestamp>().unwrap_err();
        let cases = [
            (
                RunnerReadError::NotAnObject { kind: "null".into() },
                "invalid type: null, expected a runner object",
            ),
            (
                RunnerReadError::Unreadable { thrown: "Error: no".into() },
                "reading it threw Error: no",
            ),
            (
                RunnerReadError::FieldUnreadable { field: "tags", thrown: "Error: no".into() },
                "reading `tags` threw Error: no",
            ),
            (RunnerReadError::Missing { field: "id" }, "missing field `id`"),
            (
                RunnerReadError::WrongType {
                    field: "tags",
                    kind: "string".into(),
                    expected: "a sequence",
                },
                "invalid type for `tags`: string, expected a sequence",
            ),
            (
                RunnerReadError::Timestamp { field: "created_at", source: timestamp.clone() },
                "invalid value for `created_at`: expected RFC 3339 such as \"2024-01-10T08:00:00Z\"",
            ),
            (RunnerReadError::InvalidValue { field: "headers" }, "invalid value for `headers`"),
        ];
        for (source, reason) in cases {
            let error = Error::Runner { index: 4, source };
            assert_eq!(error.code(), ErrorCode::InvalidInput);
            assert_eq!(
                error.message(),
                format!("runners[4] is not a runner: {reason}")
            );
        }
        let error = Error::Runner {
            index: 0,
            source: RunnerReadError::Timestamp {
                field: "updated_at",
                source: timestamp.clone(),
            },
        };
        let read = error.source().expect("the runner read error");
        let core = read.source().expect("the core's timestamp error");
        assert_eq!(core.to_string(), timestamp.to_string());
    }

    /// A body that is not the page: the same words as ever, `decode`, the core's
    /// decoder error as the source.
    #[test]
    fn page_decode_errors_keep_the_json_error() {
        use std::error::Error as _;
        let json = runner_match::json::decode::<runner_match::RunnerPage>("<html>")
            .map(drop)
            .unwrap_err();
        let error = |path: &str| {
            Error::from(PageDecodeError {
                page: 2,
                path: path.to_owned(),
                what: "a runner list",
                content_type: "text/html".to_owned(),
                source: json.clone(),
            })
        };
        let managed = error("/v1/managed-runner");
        assert_eq!(managed.code(), ErrorCode::Decode);
        assert_eq!(
            managed.message(),
            format!("page 2 is not a runner list ({json}; content-type \"text/html\")")
        );
        assert_eq!(
            error("/v1/runner").message(),
            format!(
                "page 2 of /v1/runner is not a runner list ({json}; content-type \"text/html\")"
            )
        );
        let page = managed.source().expect("the page error");
        assert_eq!(
            page.source().map(ToString::to_string),
            Some(json.to_string())
        );
    }

    #[test]
    fn index_errors_keep_the_core_error() {
        use std::error::Error as _;
        let core = runner_match::TagIndexError::Repeated {
            what: "vocabulary",
            text: "gpu".into(),
        };
        let error = Error::from(core.clone());
        assert_eq!(error.code(), ErrorCode::InvalidInput);
        assert_eq!(
            error.message(),
            "runners could not be indexed: \"gpu\" appears twice in the vocabulary"
        );
        assert_eq!(
            error.source().map(ToString::to_string),
            Some(core.to_string())
        );
    }
}

//! Errors as JS sees them: real `Error` objects with a stable `code`.
//!
//! Every failure of the package is an [`Error`]: the core's own errors, wrapped as they
//! are, and the failures only the glue can see (a JS value of the wrong kind, an HTTP
//! answer, a lost connection). [`Error::into_js`] is the one way out to JS: an `Error`
//! named `RunnerMatchError` with `code` (an [`ErrorCode`]), `status` for HTTP errors and
//! `offset` for expression errors, its message scrubbed of anything token-shaped (and
//! of the client's own token, where known) in that one place.

use runner_match::rate::{BudgetError, LooserThanComfyControl};
use runner_match::secret::{scrub_token_shapes, Token, TokenProblem};
use runner_match::{PagingError, RequirementError, SourceError};
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
    /// timeout, a body that does not decode.
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
            Self::Paging { .. } => ErrorCode::Decode,
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
}

//! Errors as JS sees them: real `Error` objects with a stable `code`.
//!
//! Every failure of the package, synchronous or asynchronous, becomes a
//! [`ClientError`] and crosses into JS as an `Error` whose `name` is
//! `RunnerMatchError`, with `code` (an [`ErrorCode`]), and `status` for HTTP errors.
//! Messages are built from fixed text plus server or input text; the API token is
//! never part of any of them (the token lives in [`crate::secret::Token`], which
//! cannot be formatted).

use std::fmt;

use wasm_bindgen::prelude::*;

/// The stable machine-readable cause of an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// 401: the token is missing, wrong, expired or revoked.
    Unauthorized,
    /// 403: the account's tier has no managed runners (they need Pro or Plus).
    Forbidden,
    /// 429 after every retry.
    RateLimited,
    /// 5xx after every retry.
    Server,
    /// Any other unexpected HTTP status (400, 404, …).
    Http,
    /// The request never got an answer (DNS, connection refused, CORS, offline).
    Network,
    /// No answer within `timeoutMs`.
    Timeout,
    /// A body that is not the documented shape.
    Decode,
    /// Bad tags, expression or options; raised before any request.
    InvalidInput,
    /// `http://` to a host that is not loopback: the token would cross a network in clear.
    InsecureUrl,
    /// `findRunners` was called before `configure({ token })`.
    NotConfigured,
}

impl ErrorCode {
    /// The wire/JS spelling, e.g. `rate_limited`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::RateLimited => "rate_limited",
            Self::Server => "server",
            Self::Http => "http",
            Self::Network => "network",
            Self::Timeout => "timeout",
            Self::Decode => "decode",
            Self::InvalidInput => "invalid_input",
            Self::InsecureUrl => "insecure_url",
            Self::NotConfigured => "not_configured",
        }
    }
}

/// A failure, ready to become a JS `Error`.
#[derive(Debug, Clone, PartialEq, Eq)]
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

    /// Converts into a JS `Error` with `name`, `code`, and `status`/`offset` when set.
    pub fn into_js(self) -> JsValue {
        let error = js_sys::Error::new(&crate::secret::scrub_token_shapes(&self.message));
        error.set_name("RunnerMatchError");
        let set = |key: &str, value: JsValue| {
            // Setting a data property on a fresh Error object cannot fail.
            let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &value);
        };
        set("code", JsValue::from_str(self.code.as_str()));
        if let Some(status) = self.status {
            set("status", JsValue::from(status));
        }
        if let Some(offset) = self.offset {
            set("offset", JsValue::from(offset as u32));
        }
        error.into()
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code.as_str())
    }
}

impl std::error::Error for ClientError {}

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

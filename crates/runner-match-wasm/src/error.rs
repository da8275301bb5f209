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

/// The stable machine-readable cause of an error: the core's codes, shared with the
/// native client and the CLI.
pub use runner_match::ErrorCode;

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

#[cfg(test)]
mod declared_codes {
    use super::ErrorCode;

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
}

//! The API token, kept out of every message, `Debug` output and error.

use std::fmt;

use runner_match::secret::TokenProblem;

use crate::error::{Error, ErrorCode};

/// A ComfyControl API token (`cfc_…`). It has no `Display`, its `Debug` is
/// `Token(<redacted>)`, and it is only read to build the `Authorization` header.
///
/// ```
/// let token = runner_match_client::Token::new("cfc_secret123")?;
/// assert_eq!(format!("{token:?}"), "Token(<redacted>)");
/// # Ok::<(), runner_match_client::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Validates a token without ever quoting it back (the core's
    /// [`check_token`](runner_match::secret::check_token)): an empty one is
    /// `not_configured`, any other problem `invalid_input`.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        let token = token.into();
        match runner_match::secret::check_token(&token) {
            Ok(()) => Ok(Self(token)),
            Err(TokenProblem::Empty) => Err(Error::new(
                ErrorCode::NotConfigured,
                "no API token: create one in the ComfyControl dashboard (account settings → API Tokens)",
            )),
            Err(problem) => Err(Error::invalid_input(problem.to_string())),
        }
    }

    /// The `Authorization` header value.
    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// `text` with every occurrence of the token replaced (defence in depth for server
    /// text that echoes it, whatever its shape).
    pub(crate) fn redact(&self, text: &str) -> String {
        text.replace(&self.0, "<redacted>")
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_without_echoing() {
        let token = Token::new("cfc_supersecret123").unwrap();
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(token.bearer(), "Bearer cfc_supersecret123");
        assert_eq!(token.redact("x cfc_supersecret123 y"), "x <redacted> y");
        for bad in ["", "  ", "cfc_a b", "cfc_a\nX-Evil: 1", "cfc_\u{1F680}"] {
            let err = Token::new(bad).unwrap_err();
            assert!(!err.message().contains("cfc_"), "{}", err.message());
        }
        assert_eq!(
            Token::new("").unwrap_err().code(),
            crate::ErrorCode::NotConfigured
        );
        assert!(Token::new("x".repeat(4097)).is_err());
    }
}

//! The API token, kept out of every message, `Debug` output and error: a newtype over
//! the core's [`Token`](runner_match::secret::Token), which does the checking and the
//! redaction, and how a bad one becomes this client's error.

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
pub struct Token(pub(crate) runner_match::secret::Token);

impl Token {
    /// Validates a token without ever quoting it back (the core's
    /// [`check_token`](runner_match::secret::check_token)): an empty one is
    /// `not_configured`, any other problem `invalid_input`.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        Ok(Self(runner_match::secret::Token::new(token.into())?))
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The core's Debug is the same redacted text.
        self.0.fmt(f)
    }
}

/// A token that cannot be used, without ever quoting it: an empty one is
/// `not_configured`, any other problem `invalid_input`.
impl From<TokenProblem> for Error {
    fn from(problem: TokenProblem) -> Self {
        match problem {
            TokenProblem::Empty => Error::new(
                ErrorCode::NotConfigured,
                "no API token: create one in the ComfyControl dashboard (account settings → API Tokens)",
            ),
            problem => Error::invalid_input(problem.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_tokens_become_errors_without_echoing() {
        let token = Token::new("cfc_supersecret123").unwrap();
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        for bad in ["", "  ", "cfc_a b", "cfc_a\nX-Evil: 1", "cfc_\u{1F680}"] {
            let err = Token::new(bad).unwrap_err();
            assert!(!err.message().contains("cfc_"), "{}", err.message());
        }
        let empty = Token::new("").unwrap_err();
        assert_eq!(empty.code(), ErrorCode::NotConfigured);
        assert!(Token::new("x".repeat(4097)).is_err());
    }
}

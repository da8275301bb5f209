//! The API token: the core's [`Token`](runner_match::secret::Token), kept out of every
//! message, `Debug` output and error, and how a bad one becomes this client's error.

use runner_match::secret::TokenProblem;

use crate::error::{Error, ErrorCode};

/// A ComfyControl API token (`cfc_…`): the core's type, shared with the npm package. It
/// has no `Display`, its `Debug` is `Token(<redacted>)`, and it is only read to build the
/// `Authorization` header.
///
/// ```
/// let token = runner_match_client::Token::new("cfc_secret123".to_owned())?;
/// assert_eq!(format!("{token:?}"), "Token(<redacted>)");
/// # Ok::<(), runner_match::secret::TokenProblem>(())
/// ```
pub use runner_match::secret::Token;

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
        for bad in ["", "  ", "cfc_a b", "cfc_a\nX-Evil: 1", "cfc_\u{1F680}"] {
            let err = Error::from(Token::new(bad.to_owned()).unwrap_err());
            assert!(!err.message().contains("cfc_"), "{}", err.message());
        }
        let empty = Error::from(Token::new(String::new()).unwrap_err());
        assert_eq!(empty.code(), ErrorCode::NotConfigured);
        assert!(Token::new("x".repeat(4097)).is_err());
    }
}

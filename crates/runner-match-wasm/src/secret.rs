//! The API token, kept out of every message.

use std::fmt;

use crate::error::ClientError;

/// A ComfyControl API token. It has no `Display`, its `Debug` is redacted, and it is
/// only ever read to build the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Validates a token without ever quoting it back (the core's
    /// [`check_token`](runner_match::secret::check_token)).
    pub fn new(token: String) -> Result<Self, ClientError> {
        runner_match::secret::check_token(&token)
            .map_err(|problem| ClientError::invalid_input(problem.to_string()))?;
        Ok(Self(token))
    }

    /// The `Authorization` header value.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// Replaces every occurrence of the token in `text` (defence in depth for messages
    /// that echo user input or server text).
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.0, "<redacted>")
    }

    /// The error with the token scrubbed from its message.
    pub fn redact_error(&self, error: ClientError) -> ClientError {
        ClientError {
            message: self.redact(&error.message),
            ..error
        }
    }
}

/// Replaces anything shaped like a ComfyControl token (`cfc_…`) with `cfc_<redacted>`:
/// the core's rule, shared with the native client. Every error passes through this on
/// its way to JS.
pub use runner_match::secret::scrub_token_shapes;

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
        let secret = "cfc_supersecret123";
        let token = Token::new(secret.into()).unwrap();
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(token.bearer(), "Bearer cfc_supersecret123");
        assert_eq!(token.redact("bad cfc_supersecret123!"), "bad <redacted>!");
        for bad in [
            "",
            "  ",
            "cfc_a b",
            "cfc_a\nX-Evil: 1",
            "cfc_\0",
            "cfc_x\u{2026}",
            "cfc_\u{1F680}",
            "cfc_\u{200B}",
        ] {
            let err = Token::new(bad.into()).unwrap_err();
            assert!(!err.message.contains("cfc_"), "{}", err.message);
        }
        assert!(Token::new("x".repeat(4097)).is_err());
    }
}

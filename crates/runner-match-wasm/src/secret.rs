//! The API token, kept out of every message.

use std::fmt;

use crate::error::ClientError;

/// The most characters a token may have; real ones are far shorter.
const MAX_TOKEN_CHARS: usize = 4096;

/// A ComfyControl API token. It has no `Display`, its `Debug` is redacted, and it is
/// only ever read to build the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Validates a token without ever quoting it back.
    pub fn new(token: String) -> Result<Self, ClientError> {
        if token.trim().is_empty() {
            return Err(ClientError::invalid_input(
                "token must be a non-empty string",
            ));
        }
        if token.chars().count() > MAX_TOKEN_CHARS {
            return Err(ClientError::invalid_input(format!(
                "token is longer than {MAX_TOKEN_CHARS} characters"
            )));
        }
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            // A newline would let a token inject headers; spaces are never part of one.
            return Err(ClientError::invalid_input(
                "token contains whitespace or control characters",
            ));
        }
        Ok(Self(token))
    }

    /// The `Authorization` header value.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// Replaces every occurrence of the token in `text` (defence in depth for messages
    /// that echo user input, such as option-type errors).
    pub fn redact(&self, text: &str) -> String {
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
        let secret = "cfc_supersecret123";
        let token = Token::new(secret.into()).unwrap();
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(token.bearer(), "Bearer cfc_supersecret123");
        assert_eq!(token.redact("bad cfc_supersecret123!"), "bad <redacted>!");
        for bad in ["", "  ", "cfc_a b", "cfc_a\nX-Evil: 1", "cfc_\0"] {
            let err = Token::new(bad.into()).unwrap_err();
            assert!(!err.message.contains("cfc_"), "{}", err.message);
        }
        assert!(Token::new("x".repeat(4097)).is_err());
    }
}

//! The API token, kept out of every message.

use crate::error::ClientError;

/// A ComfyControl API token: the core's type, shared with the native client. It has no
/// `Display`, its `Debug` is redacted, and it is only ever read to build the
/// `Authorization` header.
pub use runner_match::secret::Token;

/// Validates a token without ever quoting it back.
pub fn parse_token(token: String) -> Result<Token, ClientError> {
    Token::new(token).map_err(|problem| ClientError::invalid_input(problem.to_string()))
}

/// The error with the token scrubbed from its message.
pub fn redact_error(token: &Token, error: ClientError) -> ClientError {
    ClientError {
        message: token.redact(&error.message),
        ..error
    }
}

/// Replaces anything shaped like a ComfyControl token (`cfc_…`) with `cfc_<redacted>`:
/// the core's rule, shared with the native client. Every error passes through this on
/// its way to JS.
pub use runner_match::secret::scrub_token_shapes;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_without_echoing() {
        let secret = "cfc_supersecret123";
        let token = parse_token(secret.into()).unwrap();
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
            let err = parse_token(bad.into()).unwrap_err();
            assert!(!err.message.contains("cfc_"), "{}", err.message);
        }
        assert!(parse_token("x".repeat(4097)).is_err());
    }
}

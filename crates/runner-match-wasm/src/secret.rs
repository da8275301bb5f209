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
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            // Tokens are `cfc_` + alphanumerics; anything else cannot travel in an HTTP
            // header (fetch would throw deep inside the request), and a newline could
            // inject one.
            return Err(ClientError::invalid_input(
                "token must be printable ASCII without spaces, as ComfyControl's tokens are",
            ));
        }
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

/// Replaces anything shaped like a ComfyControl token (`cfc_` followed by token
/// characters) with `cfc_<redacted>`. Every error passes through this on its way to JS,
/// so even a token pasted into the wrong option, or echoed by a server before the
/// client knew it, is not repeated.
pub fn scrub_token_shapes(text: &str) -> String {
    const PREFIX: &str = "cfc_";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(PREFIX) {
        out.push_str(&rest[..at + PREFIX.len()]);
        let after = &rest[at + PREFIX.len()..];
        let secret_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        if secret_len > 0 {
            out.push_str("<redacted>");
        }
        rest = &after[secret_len..];
    }
    out.push_str(rest);
    out
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

    #[test]
    fn token_shapes_are_scrubbed() {
        let cases = [
            ("no token here", "no token here"),
            ("bad cfc_AbC123 there", "bad cfc_<redacted> there"),
            ("\"cfc_x-y_z\",cfc_2", "\"cfc_<redacted>\",cfc_<redacted>"),
            ("cfc_", "cfc_"),
            ("ünï cfc_ä", "ünï cfc_ä"),
        ];
        for (input, want) in cases {
            assert_eq!(scrub_token_shapes(input), want);
        }
    }
}

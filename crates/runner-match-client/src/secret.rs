//! The API token, kept out of every message, `Debug` output and error.

use std::fmt;

use crate::error::Error;

/// The most characters a token may have; real ones are far shorter.
const MAX_TOKEN_CHARS: usize = 4096;

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
    /// Validates a token without ever quoting it back: non-empty printable ASCII
    /// without spaces (anything else cannot travel in a header, and a newline could
    /// inject one), at most 4096 characters.
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        let token = token.into();
        if token.trim().is_empty() {
            return Err(Error::new(
                crate::ErrorCode::NotConfigured,
                "no API token: create one in the ComfyControl dashboard (account settings → API Tokens)",
            ));
        }
        if token.chars().count() > MAX_TOKEN_CHARS {
            return Err(Error::invalid_input(format!(
                "the token is longer than {MAX_TOKEN_CHARS} characters"
            )));
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid_input(
                "the token must be printable ASCII without spaces, as ComfyControl's tokens are",
            ));
        }
        Ok(Self(token))
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

/// Replaces anything shaped like a ComfyControl token (`cfc_` followed by token
/// characters) with `cfc_<redacted>`; every [`Error`] message passes through it.
pub(crate) fn scrub_token_shapes(text: &str) -> String {
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

    #[test]
    fn token_shapes_are_scrubbed() {
        let cases = [
            ("no token here", "no token here"),
            ("bad cfc_AbC123 there", "bad cfc_<redacted> there"),
            ("\"cfc_x-y_z\",cfc_2", "\"cfc_<redacted>\",cfc_<redacted>"),
            ("cfc_", "cfc_"),
        ];
        for (input, want) in cases {
            assert_eq!(scrub_token_shapes(input), want);
        }
    }
}

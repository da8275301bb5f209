//! Errors with the same stable codes as the JS package (`RunnerMatchError.code`).

/// The stable, machine-readable cause of an [`Error`]: the core's codes, the same set
/// and spellings as the JS package's `ErrorCode`, so scripts can branch on either.
pub use runner_match::ErrorCode;

/// A failure of the client. The message is built from fixed text plus server or input
/// text, with the token and anything shaped like one (`cfc_…`) scrubbed, and never
/// holds a self-hosted runner's headers or endpoint.
///
/// `Display` is the message followed by the code: `401 Unauthorized: Invalid token
/// (check the API token; …) (unauthorized)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({code})")]
pub struct Error {
    code: ErrorCode,
    message: String,
    status: Option<u16>,
}

impl Error {
    /// An error without an HTTP status. Token-shaped text in `message` is scrubbed.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: runner_match::secret::scrub_token_shapes(&message.into()),
            status: None,
        }
    }

    /// An [`ErrorCode::InvalidInput`] error.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn with_message(mut self, message: String) -> Self {
        self.message = runner_match::secret::scrub_token_shapes(&message);
        self
    }

    /// What kind of failure.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// A sentence for people, saying what went wrong and, where it can, what to do.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status, for errors that came from an HTTP response.
    pub fn status(&self) -> Option<u16> {
        self.status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_scrubbing() {
        let error = Error::new(ErrorCode::Http, "echoed cfc_abc123 back").with_status(400);
        assert_eq!(
            error.to_string(),
            "echoed cfc_<redacted> back (http)",
            "token shapes are scrubbed"
        );
        assert_eq!((error.code(), error.status()), (ErrorCode::Http, Some(400)));
    }
}

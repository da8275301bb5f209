//! How a client words a non-2xx answer from ComfyControl: one classification and one
//! wording for every client, so the npm package and the native client say the same
//! thing, with the API's own message and what to do.

use std::fmt;

use crate::error_code::ErrorCode;
use crate::json::{Decode, JsonError, Reader};
use crate::retry::Failure;

/// What kind of failure a status is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// 401: the token is missing, wrong, expired or revoked.
    Unauthorized,
    /// 403: e.g. managed runners on a tier without them.
    Forbidden,
    /// 429: over the rate limit.
    RateLimited,
    /// 3xx: the API never redirects; the base URL points elsewhere.
    Redirect,
    /// 5xx.
    Server,
    /// Anything else (400, 404, …).
    Other,
}

/// A non-2xx answer, classified and worded.
///
/// ```
/// use runner_match::http_error::{HttpError, HttpErrorKind};
/// // The API's body was {"status": 401, "message": "Token has expired"}.
/// let error = HttpError::from_answer(401, Some("Token has expired"));
/// assert_eq!(error.kind, HttpErrorKind::Unauthorized);
/// assert_eq!(error.to_string(), "401 Unauthorized: Token has expired (check the API token; it may be wrong, expired or revoked)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    /// The HTTP status.
    pub status: u16,
    /// Its kind.
    pub kind: HttpErrorKind,
    /// A sentence: the status, the API's `message` (at most 300 characters) when there
    /// is one, and what to do.
    pub message: String,
}

/// The most characters of the API's own message quoted.
const MAX_QUOTED: usize = 300;

impl HttpError {
    /// Classifies `status` and words it, quoting `api_message`: the `message` of the
    /// documented error body `{"status": …, "message": "…"}` (blank ones are left out).
    /// Pass text already scrubbed of anything secret.
    pub fn from_answer(status: u16, api_message: Option<&str>) -> Self {
        let said = api_message
            .filter(|m| !m.trim().is_empty())
            .map(|m| format!(": {}", quote(m)))
            .unwrap_or_default();
        let (kind, message) = match status {
            401 => (
                HttpErrorKind::Unauthorized,
                format!("401 Unauthorized{said} (check the API token; it may be wrong, expired or revoked)"),
            ),
            403 => (
                HttpErrorKind::Forbidden,
                format!("403 Forbidden{said} (managed runners need a Pro or Plus tier)"),
            ),
            429 => (
                HttpErrorKind::RateLimited,
                format!("429 Too Many Requests{said} (ComfyControl allows 40 requests per 10 s)"),
            ),
            300..=399 => (
                HttpErrorKind::Redirect,
                format!("unexpected redirect (HTTP {status}){said}: point the base URL at the API itself"),
            ),
            500..=599 => (HttpErrorKind::Server, format!("{status} server error{said}")),
            _ => (HttpErrorKind::Other, format!("unexpected HTTP {status}{said}")),
        };
        Self {
            status,
            kind,
            message,
        }
    }
}

/// The API's error body, `{"status": 401, "message": "Invalid token"}`.
struct ApiErrorBody {
    message: String,
}

/// An object with a string `message` (other fields ignored).
impl Decode for ApiErrorBody {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut entries = reader.open(b'{', &"an error body object")?;
        let mut message = None;
        while let Some(key) = entries.next_key(reader)? {
            match &*key {
                "message" => reader.field(&mut message, "message")?,
                _ => reader.skip_field()?,
            }
        }
        Ok(Self {
            message: reader.required(message, "message")?,
        })
    }
}

impl HttpError {
    /// Classifies `status` and words it, quoting the `message` of `body` when it is the
    /// documented error body (any other body is not quoted). Pass text already scrubbed
    /// of anything secret.
    ///
    /// ```
    /// use runner_match::{http_error::HttpError, ErrorCode};
    /// let error = HttpError::from_body(403, r#"{"status":403,"message":"Managed runners require Pro or Plus tier"}"#);
    /// assert_eq!(error.code(), ErrorCode::Forbidden);
    /// assert!(error.message.contains("Managed runners require Pro or Plus tier"));
    /// assert_eq!(HttpError::from_body(502, "<html>bad gateway</html>").message, "502 server error");
    /// ```
    pub fn from_body(status: u16, body: &str) -> Self {
        let api = crate::json::decode::<ApiErrorBody>(body).ok();
        Self::from_answer(status, api.as_ref().map(|b| b.message.as_str()))
    }

    /// The client error code for this answer: a redirect or any other unexpected
    /// status is [`ErrorCode::Http`].
    pub fn code(&self) -> ErrorCode {
        match self.kind {
            HttpErrorKind::Unauthorized => ErrorCode::Unauthorized,
            HttpErrorKind::Forbidden => ErrorCode::Forbidden,
            HttpErrorKind::RateLimited => ErrorCode::RateLimited,
            HttpErrorKind::Server => ErrorCode::Server,
            HttpErrorKind::Redirect | HttpErrorKind::Other => ErrorCode::Http,
        }
    }

    /// What the [`RetryPolicy`](crate::RetryPolicy) needs when the answer may be
    /// transient (429, 5xx), with the answer's `Retry-After`; `None` when retrying
    /// cannot help.
    pub fn retryable(&self, retry_after: Option<String>) -> Option<Failure> {
        matches!(
            self.kind,
            HttpErrorKind::RateLimited | HttpErrorKind::Server
        )
        .then(|| Failure::Status {
            status: self.status,
            retry_after,
        })
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// At most [`MAX_QUOTED`] characters of `message`.
fn quote(message: &str) -> String {
    match message.char_indices().nth(MAX_QUOTED) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified_and_worded() {
        let cases = [
            (
                401,
                HttpErrorKind::Unauthorized,
                "401 Unauthorized: said (check the API token; it may be wrong, expired or revoked)",
            ),
            (
                403,
                HttpErrorKind::Forbidden,
                "403 Forbidden: said (managed runners need a Pro or Plus tier)",
            ),
            (
                429,
                HttpErrorKind::RateLimited,
                "429 Too Many Requests: said (ComfyControl allows 40 requests per 10 s)",
            ),
            (
                302,
                HttpErrorKind::Redirect,
                "unexpected redirect (HTTP 302): said: point the base URL at the API itself",
            ),
            (503, HttpErrorKind::Server, "503 server error: said"),
            (404, HttpErrorKind::Other, "unexpected HTTP 404: said"),
        ];
        for (status, kind, message) in cases {
            let error = HttpError::from_answer(status, Some("said"));
            assert_eq!(
                (error.status, error.kind, error.message.as_str()),
                (status, kind, message)
            );
        }
        assert_eq!(
            HttpError::from_answer(502, None).message,
            "502 server error"
        );
        let retry = |status| HttpError::from_answer(status, None).retryable(Some("2".into()));
        assert_eq!(
            retry(429),
            Some(Failure::Status {
                status: 429,
                retry_after: Some("2".into())
            })
        );
        assert!(retry(503).is_some() && retry(599).is_some());
        assert!(retry(401).is_none() && retry(404).is_none() && retry(302).is_none());
        assert_eq!(
            HttpError::from_answer(500, Some("  ")).message,
            "500 server error"
        );
        let long = HttpError::from_answer(400, Some(&"x".repeat(400)));
        assert!(long.message.ends_with(&format!("{}…", "x".repeat(300))));
    }
}

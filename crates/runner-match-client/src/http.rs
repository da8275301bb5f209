//! One `GET` of one page, classified into a body or a typed failure. No retries here:
//! the caller asks the core's `RetryPolicy` what to do with a failure.

use std::time::Duration;

use runner_match::http_error::HttpError;
use runner_match::Failure;
use ureq::Agent;

use crate::error::{Error, ErrorCode};
use crate::secret::Token;

/// The largest body read: a page of 100 runners is a few tens of KB.
const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

/// A failed attempt: the error to report if no retry follows, and what the retry
/// policy needs to know (`None`: not worth retrying).
#[derive(Debug)]
pub(crate) struct AttemptError {
    pub(crate) error: Error,
    pub(crate) retryable: Option<Failure>,
}

/// An agent that never follows a redirect (the `Authorization` header must not travel
/// to wherever a `Location` points), reports every status as a response, and bounds
/// each exchange, headers and body, by `timeout`.
pub(crate) fn agent(timeout: Duration) -> Agent {
    Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("runner-match-client/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// `GET url` with the token, returning the 2xx body.
pub(crate) fn get(
    agent: &Agent,
    token: &Token,
    url: &str,
    what: &str,
    timeout: Duration,
) -> Result<String, AttemptError> {
    let transport = |err: ureq::Error| {
        let (code, failure, message) = match err {
            ureq::Error::Timeout(_) => (
                ErrorCode::Timeout,
                Failure::Timeout,
                format!(
                    "{what} got no complete answer within {} ms",
                    timeout.as_millis()
                ),
            ),
            other => (
                ErrorCode::Network,
                Failure::Network,
                // ureq's text names the failure (refused, DNS, TLS); it holds no header.
                format!(
                    "could not read {what}: {}",
                    token.0.redact(&other.to_string())
                ),
            ),
        };
        AttemptError {
            error: Error::new(code, message),
            retryable: Some(failure),
        }
    };
    let mut response = agent
        .get(url)
        .header("Authorization", token.0.bearer())
        .header("Accept", "application/json")
        .call()
        .map_err(transport)?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_BODY_BYTES)
        .read_to_string();
    let body = match body {
        Ok(body) => body,
        Err(ureq::Error::BodyExceedsLimit(limit)) => {
            return Err(AttemptError {
                error: Error::new(
                    ErrorCode::Decode,
                    format!("{what} is larger than {limit} bytes"),
                ),
                retryable: None,
            })
        }
        Err(err) => return Err(transport(err)),
    };
    if (200..300).contains(&status) {
        return Ok(body);
    }
    Err(http_error(status, &token.0.redact(&body), retry_after))
}

/// Classifies a non-2xx answer with the core's wording, surfacing the API's own message.
pub(crate) fn http_error(status: u16, body: &str, retry_after: Option<String>) -> AttemptError {
    let answer = HttpError::from_body(status, body);
    let code = answer.code();
    let retryable = answer.retryable(retry_after);
    AttemptError {
        error: Error::new(code, answer.message).with_status(status),
        retryable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified() {
        let cases = [
            (401, ErrorCode::Unauthorized, false),
            (403, ErrorCode::Forbidden, false),
            (429, ErrorCode::RateLimited, true),
            (302, ErrorCode::Http, false),
            (404, ErrorCode::Http, false),
            (503, ErrorCode::Server, true),
        ];
        for (status, code, retryable) in cases {
            let e = http_error(status, r#"{"status":1,"message":"said"}"#, None);
            assert_eq!(e.error.code(), code, "{status}");
            assert_eq!(e.error.status(), Some(status));
            assert_eq!(e.retryable.is_some(), retryable, "{status}");
            assert!(e.error.message().contains(": said"), "{}", e.error);
        }
    }
}

//! One `GET` of one page, classified into a body or a typed failure. No retries here:
//! the caller asks the core's `RetryPolicy` what to do with a failure.

use std::time::Duration;

use runner_match::Failure;
use serde::Deserialize;
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

/// The API's error body, `{"status": 401, "message": "Invalid token"}`.
#[derive(Deserialize)]
struct ApiErrorBody {
    message: String,
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
                    token.redact(&other.to_string())
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
        .header("Authorization", token.bearer())
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
    Err(http_error(status, &token.redact(&body), retry_after))
}

/// Classifies a non-2xx answer, surfacing the API's own message and saying what to do.
pub(crate) fn http_error(status: u16, body: &str, retry_after: Option<String>) -> AttemptError {
    let api_message = serde_json::from_str::<ApiErrorBody>(body)
        .map(|b| b.message)
        .ok()
        .filter(|m| !m.trim().is_empty())
        .map(|m| truncate(&m, 300));
    let said = api_message.map(|m| format!(": {m}")).unwrap_or_default();
    let (code, message) = match status {
        401 => (
            ErrorCode::Unauthorized,
            format!(
                "401 Unauthorized{said} (check the API token; it may be wrong, expired or revoked)"
            ),
        ),
        403 => (
            ErrorCode::Forbidden,
            format!("403 Forbidden{said} (managed runners need a Pro or Plus tier)"),
        ),
        429 => (
            ErrorCode::RateLimited,
            format!("429 Too Many Requests{said} (ComfyControl allows 40 requests per 10 s)"),
        ),
        300..=399 => (
            ErrorCode::Http,
            format!(
                "unexpected redirect (HTTP {status}){said}; redirects are not followed, so \
                 the token never travels elsewhere: point the base URL at the API itself"
            ),
        ),
        500..=599 => (ErrorCode::Server, format!("{status} server error{said}")),
        _ => (ErrorCode::Http, format!("unexpected HTTP {status}{said}")),
    };
    let retryable = (status == 429 || (500..=599).contains(&status)).then_some(Failure::Status {
        status,
        retry_after,
    });
    AttemptError {
        error: Error::new(code, message).with_status(status),
        retryable,
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
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

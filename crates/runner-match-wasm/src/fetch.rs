//! One `GET` of one page, classified into a page or a typed failure.

use gloo_net::http::Request;
use runner_match::http_error::HttpError;
use runner_match::json::Decode;
use runner_match::{Failure, PageRequest, RunnerPage, WorkflowPage};
use web_sys::{AbortController, RequestCache, RequestCredentials, RequestRedirect, ResponseType};

use crate::error::{ClientError, ErrorCode};
use crate::options::ClientConfig;
use crate::timer::Deadline;

/// A failed attempt: the typed error to report if no retry follows, and what the
/// retry policy needs to know (`None`: not worth retrying).
#[derive(Debug)]
pub struct AttemptError {
    /// The error reported if this is the last attempt.
    pub error: ClientError,
    /// The observation for the retry policy, when the failure may be transient.
    pub retryable: Option<Failure>,
}

/// A listing's page type, and how a decode error names it.
pub trait ListingPage: Decode {
    /// `a runner list`, `a workflow list`.
    const WHAT: &'static str;
}

impl ListingPage for RunnerPage {
    const WHAT: &'static str = "a runner list";
}

impl ListingPage for WorkflowPage {
    const WHAT: &'static str = "a workflow list";
}

/// A 2xx answer's body, not yet decoded.
#[derive(Debug)]
pub struct Body {
    text: String,
    content_type: String,
}

impl Body {
    /// The body as the listing's page type (page `page` of `path`), or a `decode` error.
    #[inline(never)]
    pub fn decode<P: ListingPage>(self, path: &str, page: u32) -> Result<P, ClientError> {
        // The managed listing keeps its original wording; others name their path.
        let of = if path == "/v1/managed-runner" {
            String::new()
        } else {
            format!(" of {path}")
        };
        runner_match::json::decode::<P>(&self.text).map_err(|err| {
            ClientError::new(
                ErrorCode::Decode,
                format!(
                    "page {page}{of} is not {} ({err}; content-type {:?})",
                    P::WHAT,
                    self.content_type
                ),
            )
        })
    }
}

/// Fetches one page of the listing at `path`, with the token in the header, no cookies,
/// no cache, and the configured timeout covering the whole exchange (headers and body).
///
/// Redirects are never followed (`redirect: 'manual'`): following one would send the
/// `Authorization` header to wherever the `Location` points, and whether a runtime
/// strips it across origins is the runtime's choice, not ours. A redirect is a typed
/// `http` error that names the fix (point `baseUrl` at the final address).
/// Not generic: one copy of this state machine serves every listing (decoding is
/// [`Body::decode`]).
pub async fn fetch_listing(
    config: &ClientConfig,
    path: &str,
    request: PageRequest,
) -> Result<Body, AttemptError> {
    let url = config.base_url.listing(path, &request.query());
    let controller = AbortController::new().map_err(|_| AttemptError {
        error: ClientError::new(ErrorCode::Network, "this JS runtime has no AbortController"),
        retryable: None,
    })?;
    let signal = controller.signal();
    let deadline = Deadline::new(controller, config.timeout_ms);
    let sent = Request::get(&url)
        .header("Authorization", &config.token.bearer())
        .header("Accept", "application/json")
        .credentials(RequestCredentials::Omit)
        .cache(RequestCache::NoStore)
        .redirect(RequestRedirect::Manual)
        .abort_signal(Some(&signal))
        .send()
        .await;
    let transport = |page: u32| {
        if signal.aborted() {
            AttemptError {
                error: ClientError::new(
                    ErrorCode::Timeout,
                    format!(
                        "page {page} got no complete answer within {} ms",
                        config.timeout_ms
                    ),
                ),
                retryable: Some(Failure::Timeout),
            }
        } else {
            AttemptError {
                error: ClientError::new(
                    ErrorCode::Network,
                    format!(
                        "could not reach {} (network error, DNS, refused connection or CORS)",
                        config.base_url.as_str()
                    ),
                ),
                retryable: Some(Failure::Network),
            }
        }
    };
    let response = sent.map_err(|_| transport(request.page))?;
    let status = response.status();
    // Browsers hide a manual redirect behind an opaque status-0 response; Node shows it.
    if response.type_() == ResponseType::Opaqueredirect || (300..400).contains(&status) {
        drop(deadline);
        return Err(redirect_error(status));
    }
    let content_type = response.headers().get("content-type").unwrap_or_default();
    let retry_after = response.headers().get("retry-after");
    let body = response.text().await.map_err(|_| transport(request.page))?;
    drop(deadline);

    if (200..300).contains(&status) {
        return Ok(Body {
            text: body,
            content_type,
        });
    }
    Err(http_error(status, &body, retry_after))
}

/// A redirect, refused: the token is only ever sent to `baseUrl` itself.
fn redirect_error(status: u16) -> AttemptError {
    let shown = if status == 0 {
        "a redirect".to_owned()
    } else {
        format!("HTTP {status} (a redirect)")
    };
    AttemptError {
        error: ClientError {
            status: (status != 0).then_some(status),
            ..ClientError::new(
                ErrorCode::Http,
                format!(
                    "the API answered {shown}; redirects are not followed so the token \
                     never goes to another address: set baseUrl to the final URL"
                ),
            )
        },
        retryable: None,
    }
}

/// Classifies a non-2xx answer with the core's wording, surfacing the API's own message.
fn http_error(status: u16, body: &str, retry_after: Option<String>) -> AttemptError {
    let answer = HttpError::from_body(status, body);
    let code = answer.code();
    let retryable = answer.retryable(retry_after);
    AttemptError {
        error: ClientError {
            status: Some(status),
            ..ClientError::new(code, answer.message)
        },
        retryable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_errors_are_classified_and_surface_the_api_message() {
        let e = http_error(401, r#"{"status":401,"message":"Token has expired"}"#, None);
        assert_eq!(e.error.code, ErrorCode::Unauthorized);
        assert_eq!(e.error.status, Some(401));
        assert!(e
            .error
            .message
            .starts_with("401 Unauthorized: Token has expired"));
        assert!(e.retryable.is_none());

        let e = http_error(
            403,
            r#"{"status":403,"message":"Managed runners require Pro or Plus tier"}"#,
            None,
        );
        assert_eq!(e.error.code, ErrorCode::Forbidden);
        assert!(e.error.message.contains("Pro or Plus"));

        let e = http_error(429, "", Some("3".into()));
        assert_eq!(e.error.code, ErrorCode::RateLimited);
        assert_eq!(
            e.retryable,
            Some(Failure::Status {
                status: 429,
                retry_after: Some("3".into())
            })
        );

        let e = http_error(502, "<html>bad gateway</html>", None);
        assert_eq!(
            (e.error.code, e.error.message.as_str()),
            (ErrorCode::Server, "502 server error")
        );
        assert!(e.retryable.is_some());

        let e = http_error(
            404,
            r#"{"status":404,"message":"requested entity not found"}"#,
            None,
        );
        assert_eq!(e.error.code, ErrorCode::Http);
        assert!(e.retryable.is_none());
    }
}

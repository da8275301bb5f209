//! One `GET` of one page, classified into a page or a typed failure.

use js_sys::{Array, Promise};
use runner_match::http_error::HttpError;
use runner_match::json::{Decode, JsonError};
use runner_match::{Failure, PageRequest, RunnerPage, WorkflowPage};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, RequestCache, RequestCredentials, RequestInit, RequestRedirect, Response,
    ResponseType,
};

use crate::error::{ClientError, ErrorCode, PageDecodeError};
use crate::options::ClientConfig;
use crate::timer::Deadline;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` of windows, workers and Node alike (no `Request` object: the
    /// URL is already absolute and its query built).
    #[wasm_bindgen(js_name = fetch, catch)]
    fn fetch_with_init(url: &str, init: &RequestInit) -> Result<Promise, JsValue>;
}

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
    pub fn decode<P: ListingPage>(self, path: &str, page: u32) -> Result<P, PageDecodeError> {
        match runner_match::json::decode::<P>(&self.text) {
            Ok(page) => Ok(page),
            Err(err) => Err(self.decode_error(path, page, P::WHAT, err)),
        }
    }

    /// Why the body is not `what` (not generic: one copy for every page type).
    #[inline(never)]
    fn decode_error(
        self,
        path: &str,
        page: u32,
        what: &'static str,
        source: JsonError,
    ) -> PageDecodeError {
        PageDecodeError {
            page,
            path: path.to_owned(),
            what,
            content_type: self.content_type,
            source,
        }
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
    let init = RequestInit::new();
    let header = |name: &str, value: &str| Array::of2(&name.into(), &value.into());
    init.set_headers(&Array::of2(
        &header("Authorization", &config.token.bearer()),
        &header("Accept", "application/json"),
    ));
    init.set_credentials(RequestCredentials::Omit);
    init.set_cache(RequestCache::NoStore);
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(&signal));
    let sent = match fetch_with_init(&url, &init) {
        Ok(promise) => JsFuture::from(promise).await,
        Err(error) => Err(error),
    };
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
    let response: Response = sent.map_err(|_| transport(request.page))?.unchecked_into();
    let status = response.status();
    // Browsers hide a manual redirect behind an opaque status-0 response; Node shows it.
    if response.type_() == ResponseType::Opaqueredirect || (300..400).contains(&status) {
        drop(deadline);
        return Err(redirect_error(status));
    }
    let headers = response.headers();
    let content_type = headers
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default();
    let retry_after = headers.get("retry-after").ok().flatten();
    let body = match response.array_buffer() {
        Ok(bytes) => JsFuture::from(bytes).await,
        Err(error) => Err(error),
    };
    let body =
        utf8_text(js_sys::Uint8Array::new(&body.map_err(|_| transport(request.page))?).to_vec());
    drop(deadline);

    if (200..300).contains(&status) {
        return Ok(Body {
            text: body,
            content_type,
        });
    }
    Err(http_error(status, &body, retry_after))
}

/// A body's bytes as text, read as `Response.text()` reads them (UTF-8, a leading BOM
/// dropped, each invalid sequence as U+FFFD), so the bytes cross into wasm once, as they
/// came: no UTF-16 string of the whole body for the generated glue to encode again.
fn utf8_text(mut bytes: Vec<u8>) -> String {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    }
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
    fn bodies_read_as_response_text_reads_them() {
        assert_eq!(utf8_text(b"{\"a\":1}".to_vec()), "{\"a\":1}");
        assert_eq!(utf8_text(b"\xEF\xBB\xBF[1]".to_vec()), "[1]");
        assert_eq!(utf8_text(b"\xEF\xBB\xBF\xEF\xBB\xBF".to_vec()), "\u{feff}");
        assert_eq!(
            utf8_text("gpu-é\u{1F600}".as_bytes().to_vec()),
            "gpu-é\u{1F600}"
        );
        // Maximal subparts each become one U+FFFD, as the WHATWG decoder does.
        assert_eq!(
            utf8_text(b"a\xF0\x9F\x98b\xFFc".to_vec()),
            "a\u{FFFD}b\u{FFFD}c"
        );
        assert_eq!(utf8_text(Vec::new()), "");
    }

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

//! Validating the API base URL, and refusing to send a token in clear.
//!
//! The URL is read by the platform's own URL parser (`URL`, the one `fetch` uses), so
//! the loopback rule judges the host `fetch` will connect to: `http://127.1` and
//! `http://0x7f.1` are `127.0.0.1` to both. Before it, a few checks refuse what that
//! parser would silently repair (surrounding spaces, backslashes, `https:host` without
//! slashes, an empty port): a base URL must mean one thing, as written.

use runner_match::limits::{MAX_BASE_URL_BYTES, MAX_HOST_BYTES};
use runner_match::secret::is_loopback_host;
use runner_match::substring;

use crate::error::Error;

/// A validated base URL: `http(s)://host[:port][/path]`, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// As configured, scheme in lower case.
    text: String,
    /// Its origin, as the URL parser serializes it (`http://127.0.0.1:8080`).
    origin: String,
}

impl BaseUrl {
    /// Parses `input`. `http:` is accepted only for loopback hosts (127.0.0.0/8 in any
    /// spelling the URL parser reads as such, `localhost`, `[::1]`): anywhere else the
    /// bearer token would cross a network unencrypted, which is an `insecure_url` error.
    pub fn parse(input: &str) -> Result<Self, Error> {
        if input.len() > MAX_BASE_URL_BYTES {
            return Err(Error::invalid_input(format!(
                "baseUrl is longer than {MAX_BASE_URL_BYTES} bytes"
            )));
        }
        let invalid = |why: &str| {
            Error::invalid_input(format!("baseUrl {input:?} is not a usable URL: {why}"))
        };
        let (scheme, rest) = substring::split_once(input, "://")
            .ok_or_else(|| invalid("expected http(s)://host"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(invalid("the scheme must be https (or http for loopback)"));
        }
        if rest.contains(['?', '#']) {
            return Err(invalid("it must not carry a query or fragment"));
        }
        if rest
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
        {
            return Err(invalid(
                "it contains whitespace, control characters or backslashes",
            ));
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.contains('@') {
            return Err(invalid(
                "credentials belong in the token option, not the URL",
            ));
        }
        let malformed = || invalid("the host or port is malformed");
        let url = web_sys::Url::new(input).map_err(|_| malformed())?;
        let host = url.hostname();
        if authority.is_empty() || authority.ends_with(':') || host.len() > MAX_HOST_BYTES {
            return Err(malformed());
        }
        if url.protocol() != "https:" && !is_loopback_host(&host) {
            return Err(Error::InsecureUrl { host });
        }
        // As written (fetch reads it with the same parser), scheme in lower case.
        Ok(Self {
            text: format!("{scheme}://{authority}{}", path.trim_end_matches('/')),
            origin: url.origin(),
        })
    }

    /// The URL of the listing at `path` (`/v1/runner`) for `query`.
    pub fn listing(&self, path: &str, query: &str) -> String {
        format!("{}{path}?{query}", self.text)
    }

    /// The base URL as configured, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The origin requests go to, to compare with a page's (`location.origin`).
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        Self {
            text: runner_match::limits::DEFAULT_BASE_URL.to_owned(),
            origin: runner_match::limits::DEFAULT_BASE_URL.to_owned(),
        }
    }
}

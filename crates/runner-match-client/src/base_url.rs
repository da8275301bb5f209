//! The API base URL: `https://` anywhere, plain `http://` only to loopback hosts, checked
//! when the client is built, so the token never leaves over plain http.

use ureq::http::Uri;

use crate::error::{Error, ErrorCode};

/// ComfyControl's API ([`runner_match::limits::DEFAULT_BASE_URL`]).
pub const DEFAULT_BASE_URL: &str = runner_match::limits::DEFAULT_BASE_URL;

/// A validated base URL without a trailing slash (a path prefix, as behind a proxy, is
/// kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BaseUrl(String);

impl BaseUrl {
    /// Validates `input`: `http(s)://host[:port][/prefix]`, no credentials, query or
    /// fragment; `http` only for `127.0.0.0/8`, `localhost` and `[::1]`
    /// ([`ErrorCode::InsecureUrl`] otherwise, before any connection).
    pub(crate) fn parse(input: &str) -> Result<Self, Error> {
        let invalid = |why: &str| {
            Error::invalid_input(format!(
                "base URL {:?} is not usable: {why}",
                input.chars().take(200).collect::<String>()
            ))
        };
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("it contains whitespace or control characters"));
        }
        // `Uri` accepts userinfo silently; credentials belong in the token.
        let uri: Uri = input
            .parse()
            .map_err(|_| invalid("expected http(s)://host[:port][/path]"))?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(invalid("expected http(s)://host[:port][/path]"));
        };
        if authority.as_str().contains('@') {
            return Err(invalid(
                "credentials belong in CFC_TOKEN / the token, not in the URL",
            ));
        }
        if uri.query().is_some() || input.contains('#') {
            return Err(invalid("a base URL takes no query or fragment"));
        }
        let secure = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return Err(invalid("the scheme must be https (or http for loopback)")),
        };
        let host = authority.host();
        if host.is_empty() {
            return Err(invalid("the host is missing"));
        }
        if !secure && !runner_match::secret::is_loopback_host(host) {
            return Err(Error::new(
                ErrorCode::InsecureUrl,
                runner_match::secret::plain_http_refusal(host),
            ));
        }
        Ok(Self(format!(
            "{}://{}{}",
            scheme.to_ascii_lowercase(),
            authority.as_str(),
            uri.path().trim_end_matches('/')
        )))
    }

    /// The URL of `path` (`/v1/…`) with `query` (`page=1&per_page=100`).
    pub(crate) fn endpoint(&self, path: &str, query: &str) -> String {
        format!("{}{path}?{query}", self.0)
    }

    /// The base URL, without a trailing slash.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        let cases = [
            (DEFAULT_BASE_URL, DEFAULT_BASE_URL),
            ("https://api.comfycontrol.app///", DEFAULT_BASE_URL),
            (
                "HTTPS://proxy.example:8443/cc/",
                "https://proxy.example:8443/cc",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("HTTP://LOCALHOST:3000//", "http://LOCALHOST:3000"),
            ("http://[::1]:8080/prefix", "http://[::1]:8080/prefix"),
        ];
        for (input, want) in cases {
            assert_eq!(BaseUrl::parse(input).unwrap().as_str(), want, "{input}");
        }
        assert_eq!(
            BaseUrl::parse(DEFAULT_BASE_URL)
                .unwrap()
                .endpoint("/v1/runner", "page=1&per_page=100"),
            "https://api.comfycontrol.app/v1/runner?page=1&per_page=100"
        );
    }

    #[test]
    fn refuses_plain_http_off_the_machine() {
        // The host test is the core's `is_loopback_host` (tested there); these check
        // that this parser hands it the host as written, brackets included.
        for input in [
            "HTTP://comfy.example:8080/v1",
            "http://0.0.0.0:8080",
            "http://[::ffff:127.0.0.1]",
            "http://127.0.0.1.example:80",
        ] {
            let err = BaseUrl::parse(input).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InsecureUrl, "{input}: {err}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_url() {
        let cases = [
            ("api.comfycontrol.app", "expected http(s)://host"),
            ("ftp://x", "the scheme must be https"),
            ("https://user:cfc_pw@a", "credentials belong in CFC_TOKEN"),
            ("https://a/?x=1", "no query or fragment"),
            ("https://a b", "whitespace"),
        ];
        for (input, want) in cases {
            let err = BaseUrl::parse(input).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput, "{input}");
            assert!(err.message().contains(want), "{input}: {err}");
            assert!(!err.message().contains("cfc_pw"), "{err}");
        }
    }
}

//! Validating the API base URL, and refusing to send a token in clear.

use crate::error::{ClientError, ErrorCode};

/// ComfyControl's API.
pub const DEFAULT_BASE_URL: &str = "https://api.comfycontrol.app";

/// The longest base URL accepted.
const MAX_URL_BYTES: usize = 2048;

/// A validated base URL: `http(s)://host[:port][/path]`, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Parses `input`. `http:` is accepted only for loopback hosts (127.0.0.0/8,
    /// `localhost`, `[::1]`): anywhere else the bearer token would cross a network
    /// unencrypted, which is an `insecure_url` error.
    pub fn parse(input: &str) -> Result<Self, ClientError> {
        if input.len() > MAX_URL_BYTES {
            return Err(ClientError::invalid_input(format!(
                "baseUrl is longer than {MAX_URL_BYTES} bytes"
            )));
        }
        let invalid = |why: &str| {
            ClientError::invalid_input(format!("baseUrl {input:?} is not a usable URL: {why}"))
        };
        let (scheme, rest) = input
            .split_once("://")
            .ok_or_else(|| invalid("expected http(s)://host"))?;
        let secure = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return Err(invalid("the scheme must be https (or http for loopback)")),
        };
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
        let (authority, path) = match rest.find('/') {
            Some(slash) => rest.split_at(slash),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(invalid(
                "credentials belong in the token option, not the URL",
            ));
        }
        let host = host_of(authority).ok_or_else(|| invalid("the host or port is malformed"))?;
        if !secure && !runner_match::secret::is_loopback_host(host) {
            return Err(ClientError::new(
                ErrorCode::InsecureUrl,
                format!(
                    "refusing plain http to {host:?}: the API token would cross the network \
                     unencrypted; use https (http is allowed only for 127.0.0.1, localhost and [::1])"
                ),
            ));
        }
        let base = format!(
            "{}://{authority}{}",
            scheme.to_ascii_lowercase(),
            path.trim_end_matches('/')
        );
        Ok(Self(base))
    }

    /// The URL of the listing at `path` (`/v1/runner`) for `query`.
    pub fn listing(&self, path: &str, query: &str) -> String {
        format!("{}{path}?{query}", self.0)
    }

    /// The base URL as configured, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        Self(DEFAULT_BASE_URL.to_owned())
    }
}

/// The host of `host[:port]` or `[v6][:port]`; `None` when malformed.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        if v6.is_empty()
            || !v6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return None;
        }
        let port = match after {
            "" => None,
            // Only a port may follow `]`: `[::1].evil.example` is not loopback.
            _ => Some(after.strip_prefix(':')?),
        };
        (&authority[..v6.len() + 2], port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    // DNS names are at most 253 bytes.
    let name_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'));
    let host_ok = host.len() <= 253 && (host.starts_with('[') || name_ok);
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok());
    (host_ok && port_ok).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        let cases = [
            (
                "https://api.comfycontrol.app",
                "https://api.comfycontrol.app",
            ),
            (
                "https://api.comfycontrol.app/",
                "https://api.comfycontrol.app",
            ),
            (
                "HTTPS://Example.com:8443/proxy/",
                "https://Example.com:8443/proxy",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://127.12.0.9", "http://127.12.0.9"),
            ("http://localhost:3000/", "http://localhost:3000"),
            ("http://LOCALHOST", "http://LOCALHOST"),
            ("http://[::1]:8080", "http://[::1]:8080"),
        ];
        for (input, want) in cases {
            assert_eq!(BaseUrl::parse(input).unwrap().as_str(), want, "{input}");
        }
        assert_eq!(
            BaseUrl::default().listing("/v1/managed-runner", "page=1&per_page=100"),
            "https://api.comfycontrol.app/v1/managed-runner?page=1&per_page=100"
        );
    }

    #[test]
    fn refuses_plain_http_off_the_machine() {
        for input in [
            "http://api.comfycontrol.app",
            "http://10.0.0.5:8080",
            "http://127.0.0.1.nip.io",
            "http://128.0.0.1",
            "http://[::2]",
            "http://localhost.example.com",
        ] {
            let err = BaseUrl::parse(input).unwrap_err();
            assert_eq!(err.code, ErrorCode::InsecureUrl, "{input}: {}", err.message);
        }
    }

    #[test]
    fn rejects_what_is_not_a_url() {
        let cases = [
            ("api.comfycontrol.app", "expected http(s)://host"),
            ("ftp://x", "the scheme must be https"),
            ("https://", "the host or port is malformed"),
            ("https://a:99999", "the host or port is malformed"),
            ("https://a:", "the host or port is malformed"),
            (
                "https://user:pw@a",
                "credentials belong in the token option",
            ),
            ("https://a/?x=1", "query or fragment"),
            ("https://a b", "whitespace"),
            ("http://[::1].evil.example", "the host or port is malformed"),
            ("http://[::1]x:80", "the host or port is malformed"),
            (
                &format!("https://{}.example", "a".repeat(300)),
                "the host or port is malformed",
            ),
            ("javascript:alert(1)", "expected http(s)://host"),
        ];
        for (input, want) in cases {
            let err = BaseUrl::parse(input).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{input}");
            assert!(err.message.contains(want), "{input}: {}", err.message);
        }
    }
}

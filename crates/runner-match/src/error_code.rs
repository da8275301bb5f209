//! The stable, machine-readable causes of a client failure, shared by every client: the
//! npm package's `RunnerMatchError.code`, the native client's `Error::code()` and the
//! CLI's `--json` errors spell them the same way, so scripts can branch on any of them.

use std::fmt;

/// Why a call failed. [`ErrorCode::as_str`] is the spelling every client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 401: the token is missing, wrong, expired or revoked.
    Unauthorized,
    /// 403: the account's tier has no managed runners (they need Pro or Plus).
    Forbidden,
    /// 429 after every retry.
    RateLimited,
    /// 5xx after every retry.
    Server,
    /// Any other unexpected HTTP status (400, 404, a redirect, …).
    Http,
    /// The request never got an answer (DNS, connection refused, CORS, offline).
    Network,
    /// No complete answer within the timeout.
    Timeout,
    /// A body that is not the documented shape, or a listing that cannot be completed.
    Decode,
    /// Bad tags, expression or options; raised before any request.
    InvalidInput,
    /// `http://` to a host that is not loopback: the token would cross a network in clear.
    InsecureUrl,
    /// No token was given (JS: `findRunners` before `configure({ token })`).
    NotConfigured,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [ErrorCode; 11] = [
        Self::Unauthorized,
        Self::Forbidden,
        Self::RateLimited,
        Self::Server,
        Self::Http,
        Self::Network,
        Self::Timeout,
        Self::Decode,
        Self::InvalidInput,
        Self::InsecureUrl,
        Self::NotConfigured,
    ];

    /// The spelling every client uses, e.g. `rate_limited`.
    ///
    /// ```
    /// use runner_match::ErrorCode;
    /// assert_eq!(ErrorCode::RateLimited.as_str(), "rate_limited");
    /// assert_eq!(ErrorCode::ALL.map(ErrorCode::as_str).len(), 11);
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::RateLimited => "rate_limited",
            Self::Server => "server",
            Self::Http => "http",
            Self::Network => "network",
            Self::Timeout => "timeout",
            Self::Decode => "decode",
            Self::InvalidInput => "invalid_input",
            Self::InsecureUrl => "insecure_url",
            Self::NotConfigured => "not_configured",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

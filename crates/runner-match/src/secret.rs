//! Keeping the API token safe in text and on the wire: the pure checks every client
//! (the npm package, the native client, the CLI) applies the same way.

use crate::substring;

/// The most characters a token may have; real ones are far shorter.
pub const MAX_TOKEN_CHARS: usize = 4096;

/// Why a string cannot be an API token. The messages never quote the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenProblem {
    /// Empty or only whitespace.
    #[error("token must be a non-empty string")]
    Empty,
    /// Longer than [`MAX_TOKEN_CHARS`].
    #[error("token is longer than {MAX_TOKEN_CHARS} characters")]
    TooLong,
    /// Not printable ASCII: it could not travel in an HTTP header, and a newline could
    /// inject one.
    #[error("token must be printable ASCII without spaces, as ComfyControl's tokens are")]
    NotPrintableAscii,
}

/// Checks that `token` can be sent as `Authorization: Bearer <token>`: non-empty,
/// at most [`MAX_TOKEN_CHARS`] characters, printable ASCII without spaces (tokens are
/// `cfc_` and alphanumerics).
///
/// ```
/// use runner_match::secret::{check_token, TokenProblem};
/// assert_eq!(check_token("cfc_abc123"), Ok(()));
/// assert_eq!(check_token(" "), Err(TokenProblem::Empty));
/// assert_eq!(check_token("cfc_a\nX-Evil: 1"), Err(TokenProblem::NotPrintableAscii));
/// ```
pub fn check_token(token: &str) -> Result<(), TokenProblem> {
    if token.trim().is_empty() {
        Err(TokenProblem::Empty)
    } else if token.chars().count() > MAX_TOKEN_CHARS {
        Err(TokenProblem::TooLong)
    } else if !token.bytes().all(|b| b.is_ascii_graphic()) {
        Err(TokenProblem::NotPrintableAscii)
    } else {
        Ok(())
    }
}

/// A ComfyControl API token (`cfc_…`), checked by [`check_token`]. It has no `Display`,
/// its `Debug` is `Token(<redacted>)`, and it is read only to build the `Authorization`
/// header: every client (the npm package, the native client, the CLI) holds its token in
/// this one type.
///
/// ```
/// use runner_match::secret::{Token, TokenProblem};
/// let token = Token::new("cfc_secret123".to_owned())?;
/// assert_eq!(format!("{token:?}"), "Token(<redacted>)");
/// assert_eq!(token.bearer(), "Bearer cfc_secret123");
/// assert_eq!(token.redact("echo: cfc_secret123"), "echo: <redacted>");
/// assert_eq!(Token::new(" ".to_owned()).unwrap_err(), TokenProblem::Empty);
/// # Ok::<(), TokenProblem>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Validates `token` ([`check_token`]) without ever quoting it back.
    pub fn new(token: String) -> Result<Self, TokenProblem> {
        check_token(&token)?;
        Ok(Self(token))
    }

    /// The `Authorization` header value.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// `text` with every occurrence of the token replaced by `<redacted>` (defence in
    /// depth for server or input text that echoes it, whatever its shape).
    pub fn redact(&self, text: &str) -> String {
        substring::replace(text, &self.0, "<redacted>")
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Replaces anything shaped like a ComfyControl token (`cfc_` followed by token
/// characters) with `cfc_<redacted>`. Clients pass every error message through it, so
/// even a token pasted into the wrong place, or echoed by a server, is not repeated.
///
/// ```
/// use runner_match::secret::scrub_token_shapes;
/// assert_eq!(scrub_token_shapes("bad cfc_AbC123 there"), "bad cfc_<redacted> there");
/// ```
pub fn scrub_token_shapes(text: &str) -> String {
    const PREFIX: &str = "cfc_";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = substring::find(rest, PREFIX) {
        out.push_str(&rest[..at + PREFIX.len()]);
        let after = &rest[at + PREFIX.len()..];
        let secret_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(after.len());
        if secret_len > 0 {
            out.push_str("<redacted>");
        }
        rest = &after[secret_len..];
    }
    out.push_str(rest);
    out
}

/// Why a client refuses to send the token to `host` over plain `http://` (the
/// `insecure_url` error's one wording, shared by the npm package and the native client).
///
/// ```
/// let why = runner_match::secret::plain_http_refusal("example.com");
/// assert!(why.starts_with("refusing plain http to \"example.com\""));
/// ```
pub fn plain_http_refusal(host: &str) -> String {
    format!(
        "refusing plain http to {host:?}: the API token would cross the network unencrypted; \
         use https (http is allowed only for 127.0.0.0/8, localhost and [::1])"
    )
}

/// `true` for hosts whose traffic never leaves the machine, the only ones a client may
/// send the token to over plain `http://`: `localhost` (any case, a trailing dot
/// allowed), `[::1]`, and dotted-quad `127.0.0.0/8`. Names that merely start that way
/// (`127.0.0.1.nip.io`, `localhost.example.com`) are not.
///
/// ```
/// use runner_match::secret::is_loopback_host;
/// assert!(is_loopback_host("127.0.0.1") && is_loopback_host("LOCALHOST") && is_loopback_host("[::1]"));
/// assert!(!is_loopback_host("127.0.0.1.nip.io") && !is_loopback_host("0.0.0.0") && !is_loopback_host("[::2]"));
/// ```
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    if host.eq_ignore_ascii_case("localhost") || host == "[::1]" {
        return true;
    }
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets[0] == "127"
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.len() <= 3 && o.parse::<u8>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shapes_are_scrubbed() {
        let cases = [
            ("no token here", "no token here"),
            ("bad cfc_AbC123 there", "bad cfc_<redacted> there"),
            ("\"cfc_x-y_z\",cfc_2", "\"cfc_<redacted>\",cfc_<redacted>"),
            ("cfc_", "cfc_"),
            ("ünï cfc_ä", "ünï cfc_ä"),
        ];
        for (input, want) in cases {
            assert_eq!(scrub_token_shapes(input), want);
        }
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "127.0.0.1",
            "127.12.0.9",
            "localhost",
            "LocalHost.",
            "[::1]",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "api.comfycontrol.app",
            "10.0.0.5",
            "127.0.0.1.nip.io",
            "128.0.0.1",
            "127.0.0.256",
            "127.0.1",
            "0.0.0.0",
            "[::2]",
            "localhost.example.com",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}

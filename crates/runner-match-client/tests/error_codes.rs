//! The native error codes are exactly the JS package's: same set, same spellings.

use runner_match_client::ErrorCode;
use runner_match_wasm::ErrorCode as JsCode;

/// Exhaustive both ways: a code added on either side fails to compile here.
fn js_twin(code: ErrorCode) -> JsCode {
    match code {
        ErrorCode::Unauthorized => JsCode::Unauthorized,
        ErrorCode::Forbidden => JsCode::Forbidden,
        ErrorCode::RateLimited => JsCode::RateLimited,
        ErrorCode::Server => JsCode::Server,
        ErrorCode::Http => JsCode::Http,
        ErrorCode::Network => JsCode::Network,
        ErrorCode::Timeout => JsCode::Timeout,
        ErrorCode::Decode => JsCode::Decode,
        ErrorCode::InvalidInput => JsCode::InvalidInput,
        ErrorCode::InsecureUrl => JsCode::InsecureUrl,
        ErrorCode::NotConfigured => JsCode::NotConfigured,
        _ => unreachable!("a code without a JS twin"),
    }
}

fn native_twin(code: JsCode) -> ErrorCode {
    match code {
        JsCode::Unauthorized => ErrorCode::Unauthorized,
        JsCode::Forbidden => ErrorCode::Forbidden,
        JsCode::RateLimited => ErrorCode::RateLimited,
        JsCode::Server => ErrorCode::Server,
        JsCode::Http => ErrorCode::Http,
        JsCode::Network => ErrorCode::Network,
        JsCode::Timeout => ErrorCode::Timeout,
        JsCode::Decode => ErrorCode::Decode,
        JsCode::InvalidInput => ErrorCode::InvalidInput,
        JsCode::InsecureUrl => ErrorCode::InsecureUrl,
        JsCode::NotConfigured => ErrorCode::NotConfigured,
    }
}

#[test]
fn codes_and_spellings_match_the_js_package() {
    for code in ErrorCode::ALL {
        let js = js_twin(code);
        assert_eq!(code.as_str(), js.as_str());
        assert_eq!(native_twin(js), code);
        assert_eq!(code.to_string(), js.as_str());
    }
}

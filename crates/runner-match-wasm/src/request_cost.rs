//! What one page request costs against ComfyControl's rate limit, as the server counts.
//!
//! Every `GET` carries `Authorization`, which CORS never lets through unannounced: a
//! browser page (or worker) on another origin than the API sends a preflight
//! (`OPTIONS`) first, and Cloudflare's limit counts it. Preflight caching
//! (`Access-Control-Max-Age`) is per URL, each page has its own URL, and the package
//! cannot see the cache, so a cross-origin request is always charged 2. Runtimes
//! without a `location` (Node, Deno without `--location`) do no CORS: 1.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::base_url::BaseUrl;

/// Budget units of one request to `base_url` from this runtime: 2 across origins in a
/// browser or worker (preflight + `GET`), 1 otherwise.
pub fn request_cost(base_url: &BaseUrl) -> u32 {
    match page_origin() {
        None => 1,
        Some(page) if page == base_url.origin() => 1,
        // Another origin, or an opaque one (`"null"`): overcounting only costs time,
        // undercounting costs a 10 s cooldown.
        Some(_) => 2,
    }
}

/// `globalThis.location.origin`, present in windows and workers (`"null"` for opaque
/// origins such as `file:` pages, which never match).
fn page_origin() -> Option<String> {
    let location = Reflect::get(&js_sys::global(), &JsValue::from_str("location")).ok()?;
    if location.is_undefined() || location.is_null() {
        return None;
    }
    Reflect::get(&location, &JsValue::from_str("origin"))
        .ok()?
        .as_string()
}

//! Time for the client: the JS clock, sleeping, and a timeout that aborts a fetch.
//! `setTimeout` exists in browsers, workers and Node alike.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, ms as f64);
    });
    // A promise that only ever resolves cannot reject.
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Aborts an `AbortController` after a delay unless dropped first. Dropping clears the
/// timer and frees the callback, so a request that finished in time leaks nothing.
pub struct Deadline {
    timer: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Deadline {
    /// Arms the deadline: `controller.abort()` runs after `ms` milliseconds.
    pub fn new(controller: web_sys::AbortController, ms: u32) -> Self {
        let callback = Closure::<dyn FnMut()>::new(move || controller.abort());
        let timer = set_timeout(callback.as_ref().unchecked_ref(), f64::from(ms));
        Self {
            timer,
            _callback: callback,
        }
    }
}

impl std::fmt::Debug for Deadline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deadline").finish_non_exhaustive()
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
    }
}

//! The one bridge from Rust futures to JS promises. Every exported async method and
//! every concurrent read hands its future over boxed, so `future_to_promise` and the
//! executor's task code are instantiated once in the .wasm instead of once per future
//! type (each copy is 0.3–2.4 KB).

use std::future::Future;
use std::pin::Pin;

use js_sys::Promise;
use wasm_bindgen::JsValue;

/// A future that settles a promise.
pub(crate) type Task = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

/// Runs `task` on the JS event loop; the promise settles with its result.
pub(crate) fn spawn(task: Task) -> Promise {
    wasm_bindgen_futures::future_to_promise(task)
}

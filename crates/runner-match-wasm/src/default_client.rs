//! `configure` and the module-level `findRunners`, backed by one default client.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::{find_runners_with, Inner};
use crate::error::Error;

thread_local! {
    static DEFAULT_CLIENT: RefCell<Option<Rc<Inner>>> = const { RefCell::new(None) };
}

/// Sets up the client used by `findRunners`. Throws for bad options, keeping the
/// previous configuration. Calling it again replaces the client (and its cache).
#[wasm_bindgen]
pub fn configure(
    #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
) -> Result<(), JsValue> {
    let inner = Inner::from_options(options)?;
    DEFAULT_CLIENT.with(|client| *client.borrow_mut() = Some(inner));
    Ok(())
}

/// Active runners that can run a workflow with these tags, best fit first, using the
/// client set up by `configure`. Rejects with `not_configured` before `configure`.
#[wasm_bindgen(js_name = findRunners, unchecked_return_type = "Promise<RunnerMatch[]>")]
pub fn find_runners(
    #[wasm_bindgen(unchecked_param_type = "RequiredTags")] required_tags: JsValue,
) -> Promise {
    match DEFAULT_CLIENT.with(|client| client.borrow().clone()) {
        Some(inner) => find_runners_with(inner, required_tags),
        None => Promise::reject(&Error::NotConfigured.into()),
    }
}

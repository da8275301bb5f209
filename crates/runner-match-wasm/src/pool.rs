//! `client.pool()`: the runner pool behind a client's answers, and how each requested
//! source fared (the client reads them in `client`, combined by the core's policy,
//! [`runner_match::Pool`]).

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::{ask, Query, RunnerClient};

#[wasm_bindgen]
impl RunnerClient {
    /// The pool behind this client's answers: how many runners, and per requested
    /// source whether it was read (`ok`) or contributes none (`unavailable`, e.g. a Free
    /// tier's managed runners). Loads the runners like `findRunners` (cached).
    #[wasm_bindgen(unchecked_return_type = "Promise<PoolReport>")]
    pub fn pool(&self) -> Promise {
        ask(self.inner.clone(), Ok(Query::Pool))
    }
}

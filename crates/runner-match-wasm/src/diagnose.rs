//! `client.diagnose()`: the waiting workflows of `GET /v1/workflow` against the pool,
//! as plain objects mapped one to one from the core's [`runner_match::Diagnosis`]
//! ([`runner_match::report::DiagnoseReport`]).

use std::cell::RefCell;
use std::num::NonZeroU32;
use std::rc::Rc;

use js_sys::Promise;
use runner_match::limits::MAX_WORKFLOW_PAGES;
use runner_match::report::{DiagnoseJson, PoolReport};
use runner_match::{
    Timestamp, WorkflowListing, WorkflowPage, WorkflowPager, DEFAULT_WORKFLOW_PAGES,
};
use wasm_bindgen::prelude::*;

use crate::client::{ask, Inner, Loaded, Query, RunnerClient};
use crate::error::{ClientError, Error, ErrorCode};
use crate::fields::Fields;
use crate::report_js::to_js;
use crate::snapshot::{describe, is_plain_object, snapshot};
use crate::task::spawn;
use crate::timer::now_ms;

#[wasm_bindgen]
impl RunnerClient {
    /// The waiting workflows (`accepted`, `uploaded`, `queued`) of the newest
    /// `maxPages` pages of `GET /v1/workflow`, each with how many runners of the pool
    /// can run it now, the best of them, and, when none or only untagged runners can,
    /// the explanation; plus a one-line summary. Runners come from the cache like
    /// `findRunners`; workflows are read fresh, concurrently with any runner read.
    ///
    /// Its TypeScript signature (an optional argument) is declared below.
    #[wasm_bindgen(skip_typescript)]
    pub fn diagnose(&self, options: Option<JsValue>) -> Promise {
        let query = max_pages_from_js(&options.unwrap_or_default())
            .map(|max_pages| WorkflowRead::start(&self.inner, max_pages).query());
        ask(self.inner.clone(), query)
    }
}

/// The workflow read of one `diagnose`, started with the call so that it runs while the
/// runners load; its promise settles when the listing (or its error) is in `listing`.
struct WorkflowRead {
    done: Promise,
    listing: Rc<RefCell<Option<Result<WorkflowListing, Error>>>>,
}

impl WorkflowRead {
    fn start(inner: &Rc<Inner>, max_pages: NonZeroU32) -> Self {
        let listing: Rc<RefCell<Option<Result<WorkflowListing, Error>>>> = Rc::default();
        let (inner, into) = (inner.clone(), listing.clone());
        let done = spawn(Box::pin(async move {
            let read = read_workflows(&inner, max_pages).await;
            *into.borrow_mut() = Some(read);
            Ok(JsValue::UNDEFINED)
        }));
        Self { done, listing }
    }

    /// The client query answered by [`report`](Self::report) once the read is done
    /// (it never rejects: it reports through `listing`).
    fn query(self) -> Query {
        Query::After {
            pending: self.done.clone(),
            answer: Box::new(move |inner, loaded| self.report(inner, loaded)),
        }
    }

    /// The report of a finished read (`done` has settled) against the pool as loaded.
    fn report(self, inner: &Inner, loaded: &Loaded) -> Result<JsValue, JsValue> {
        let index = &loaded.index;
        let unread =
            || Err(ClientError::new(ErrorCode::Network, "the workflow list was not read").into());
        let listing = self
            .listing
            .take()
            .unwrap_or_else(unread)
            .map_err(|err| err.into_js(Some(&inner.config.token)))?;
        let now = Timestamp::from_unix_millis(now_ms() as i64).ok_or_else(|| {
            Error::invalid_input("the system clock is outside the years 0000–9999")
        })?;
        let diagnosis = runner_match::diagnose(index, &listing.workflows, now);
        to_js(&DiagnoseJson::new(
            &diagnosis,
            &listing,
            PoolReport::new(index.len(), &loaded.statuses),
        ))
    }
}

// wasm-bindgen cannot give a typed parameter a `?`: the class gets this signature by
// declaration merging.
#[wasm_bindgen(typescript_custom_section)]
const DIAGNOSE_TS: &str = r#"
export interface RunnerClient {
    /**
     * The waiting workflows (`accepted`, `uploaded`, `queued`) of the newest `maxPages`
     * pages of `GET /v1/workflow`, each against the runner pool, with a one-line summary.
     */
    diagnose(options?: DiagnoseOptions): Promise<DiagnoseReport>;
}
"#;

/// `maxPages` from the (optional) options object, validated before any request.
fn max_pages_from_js(options: &JsValue) -> Result<NonZeroU32, Error> {
    let options = snapshot(options, "diagnose options")?;
    if options.is_undefined() {
        return Ok(NonZeroU32::new(DEFAULT_WORKFLOW_PAGES).unwrap_or(NonZeroU32::MIN));
    }
    if !is_plain_object(&options) {
        return Err(Error::invalid_input(format!(
            "diagnose options must be an object such as {{ maxPages: 3 }}, got {}",
            describe(&options)
        )));
    }
    let fields = Fields::known(
        &options,
        "diagnose options",
        "invalid diagnose options",
        &["maxPages"],
    )?;
    let pages = fields.whole(
        "maxPages",
        Some(DEFAULT_WORKFLOW_PAGES),
        1..=MAX_WORKFLOW_PAGES,
    )?;
    Ok(NonZeroU32::new(pages).unwrap_or(NonZeroU32::MIN))
}

/// The newest pages of the workflow listing, one after another under the budget.
async fn read_workflows(
    inner: &Rc<Inner>,
    max_pages: NonZeroU32,
) -> Result<WorkflowListing, Error> {
    let mut pager = WorkflowPager::new(max_pages);
    while let Some(request) = pager.next_request() {
        let page: WorkflowPage = inner.fetch_with_retries("/v1/workflow", request).await?;
        pager.receive(request, page).map_err(|err| {
            Error::paging(format!("workflow page {} does not fit", request.page), err)
        })?;
    }
    pager
        .finish()
        .map_err(|err| Error::paging("the workflow list is incomplete", err))
}

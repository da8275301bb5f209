//! Sans-IO paging over the newest workflows (`GET /v1/workflow`), a bounded number of
//! pages.
//!
//! Unlike a runner listing, which must be read whole to be matched against, the workflow
//! listing holds an account's whole history, newest first. Diagnosing needs only the
//! recent part, where waiting workflows sit, so a [`WorkflowPager`] reads at most
//! `max_pages` pages of [`MAX_PER_PAGE`] and says whether it stopped before the end.
//!
//! # Policies
//! - **In order, one page at a time.** Page 1 first, then 2, …: a bounded read is a
//!   handful of requests, and reading in order never misses a workflow that existed
//!   when the read began while workflows are only added (they are only ever added).
//! - **Stopping.** A page shorter than the page size (or empty) ends the listing, as does
//!   having seen `total` distinct workflows; reaching `max_pages` first is an early stop,
//!   reported by [`WorkflowListing::stopped_early`] (never silently).
//! - **Shifting pages.** A workflow submitted mid-read pushes the others down, so one
//!   may show up on two pages: it is kept once, the copy with the newest `updated_at`
//!   (on a tie, the later page's), as the runner [`Pager`](crate::Pager) does.
//! - **No status filter is sent.** The docs' `status` filter exists in one version of the
//!   page only and takes one status (not `accepted` or `uploaded`); callers filter on
//!   [`WorkflowStatus::is_waiting`](crate::WorkflowStatus::is_waiting) themselves.
//! - **Order.** The result is newest `created_at` first, then `id` ascending, whatever
//!   order the pages listed it in.

use std::num::NonZeroU32;

use crate::order::{sort_by, take};
use crate::paging::{newest, PageRequest, PagingError, MAX_PER_PAGE};
use crate::workflow::{Workflow, WorkflowPage};

/// Pages a [`WorkflowPager::default`] reads: the newest 300 workflows.
pub const DEFAULT_WORKFLOW_PAGES: u32 = 3;

/// What a bounded read of the workflow listing found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowListing {
    /// The workflows read, once each, newest first.
    pub workflows: Vec<Workflow>,
    /// The listing's size as the last page reported it (all statuses, all pages).
    pub total: u64,
    /// Pages requested.
    pub pages: u32,
    /// `true` when the page limit ended the read before the listing did: older
    /// workflows were not read.
    pub stopped_early: bool,
}

/// Plans and merges a bounded, in-order read of the workflow listing; see the
/// [module docs](self).
///
/// ```
/// use runner_match::{WorkflowPage, WorkflowPager};
/// # fn fetch(query: &str) -> WorkflowPage {
/// #     let workflow = |i: u32| serde_json::json!({"id": format!("w{i}"), "name": "x",
/// #         "status": "queued", "tags": [], "created_at": format!("2024-01-01T00:{i:02}:00Z"),
/// #         "updated_at": "2024-01-01T00:00:00Z"});
/// #     let page: u32 = query.split('&').next().unwrap()[5..].parse().unwrap();
/// #     let workflows: Vec<_> = (0..100).map(|k| workflow(59 - (page - 1) * 10 - k % 10)).collect();
/// #     let page = serde_json::json!({"workflows": workflows, "total": 1000});
/// #     runner_match::json::decode(&page.to_string()).unwrap()
/// # }
/// let mut pager = WorkflowPager::new(std::num::NonZeroU32::new(2).unwrap());
/// while let Some(request) = pager.next_request() {
///     // A real client sends `GET /v1/workflow?{query}` here.
///     let page = fetch(&request.query());
///     pager.receive(request, page)?;
/// }
/// let listing = pager.finish()?;
/// assert_eq!((listing.pages, listing.stopped_early, listing.total), (2, true, 1000));
/// # Ok::<(), runner_match::PagingError>(())
/// ```
#[derive(Debug, Clone)]
pub struct WorkflowPager {
    max_pages: u32,
    /// Pages are issued in order: `1..=issued` were requested.
    issued: u32,
    /// The one page in flight, if any.
    in_flight: Option<u32>,
    /// The newest `total`; `None` until a page arrived.
    total: Option<u64>,
    /// A short page or `total` reached: the listing is read to its end.
    ended: bool,
    /// Every copy read, in order; [`newest`] picks one per id.
    workflows: Vec<Workflow>,
}

impl Default for WorkflowPager {
    /// A pager reading at most [`DEFAULT_WORKFLOW_PAGES`] pages.
    fn default() -> Self {
        Self::new(NonZeroU32::new(DEFAULT_WORKFLOW_PAGES).unwrap_or(NonZeroU32::MIN))
    }
}

impl WorkflowPager {
    /// A pager reading at most `max_pages` pages of [`MAX_PER_PAGE`] workflows.
    pub fn new(max_pages: NonZeroU32) -> Self {
        Self {
            max_pages: max_pages.get(),
            issued: 0,
            in_flight: None,
            total: None,
            ended: false,
            workflows: Vec::new(),
        }
    }

    /// The next page to request, or `None` while one is in flight or when the read is
    /// over (then call [`finish`](Self::finish)).
    pub fn next_request(&mut self) -> Option<PageRequest> {
        if self.in_flight.is_some() || self.ended || self.issued >= self.max_pages {
            return None;
        }
        self.issued += 1;
        self.in_flight = Some(self.issued);
        Some(PageRequest {
            page: self.issued,
            per_page: MAX_PER_PAGE,
        })
    }

    /// Merges the response to `request`. A response to a request not in flight is an
    /// error ([`PagingError::NotRequested`] or [`PagingError::AlreadyReceived`]) and
    /// changes nothing.
    pub fn receive(&mut self, request: PageRequest, page: WorkflowPage) -> Result<(), PagingError> {
        if request.per_page != MAX_PER_PAGE || request.page == 0 || request.page > self.issued {
            return Err(PagingError::NotRequested {
                page: request.page,
                per_page: request.per_page,
            });
        }
        if self.in_flight != Some(request.page) {
            return Err(PagingError::AlreadyReceived { page: request.page });
        }
        self.in_flight = None;
        let short = page.workflows.len() < MAX_PER_PAGE as usize;
        self.total = Some(page.total);
        self.workflows.extend(page.workflows);
        // Distinct workflows are counted only when the copies could reach `total`.
        let at_least = |count: usize| u64::try_from(count).unwrap_or(u64::MAX) >= page.total;
        self.ended = short || (at_least(self.workflows.len()) && at_least(self.kept().len()));
        Ok(())
    }

    /// `true` once no request is left: the listing ended or the page limit is reached.
    pub fn is_done(&self) -> bool {
        self.in_flight.is_none()
            && self.total.is_some()
            && (self.ended || self.issued >= self.max_pages)
    }

    /// The workflows read, newest first. [`PagingError::Incomplete`] while a page is in
    /// flight or before any page arrived.
    pub fn finish(self) -> Result<WorkflowListing, PagingError> {
        let Some(total) = self.total.filter(|_| self.is_done()) else {
            return Err(PagingError::Incomplete {
                received: self
                    .issued
                    .saturating_sub(u32::from(self.in_flight.is_some())),
                expected: self.issued.max(1),
            });
        };
        let kept = self.kept();
        let mut workflows = take(self.workflows, &kept);
        sort_by(&mut workflows, |a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(WorkflowListing {
            workflows,
            total,
            pages: self.issued,
            stopped_early: !self.ended,
        })
    }

    /// The positions in `workflows` of the copy kept per id.
    fn kept(&self) -> Vec<u32> {
        newest(self.workflows.len(), &|at| {
            (&self.workflows[at].id, &self.workflows[at].updated_at)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ids: std::ops::Range<u32>, total: u64) -> WorkflowPage {
        let workflows = ids
            .map(|i| {
                let json = serde_json::json!({"id": format!("w{i:04}"), "name": "x",
                    "status": "queued", "tags": [],
                    "created_at": format!("2024-01-01T00:00:00.{:03}Z", 999 - i),
                    "updated_at": "2024-01-01T00:00:00Z"});
                crate::json::decode(&json.to_string()).unwrap()
            })
            .collect();
        WorkflowPage { workflows, total }
    }

    fn read(max_pages: u32, mut serve: impl FnMut(u32) -> WorkflowPage) -> WorkflowListing {
        let mut pager = WorkflowPager::new(NonZeroU32::new(max_pages).unwrap());
        while let Some(request) = pager.next_request() {
            assert_eq!(pager.next_request(), None, "one page at a time");
            pager.receive(request, serve(request.page)).unwrap();
        }
        pager.finish().unwrap()
    }

    #[test]
    fn stops_at_a_short_page_or_the_limit() {
        let listing = read(3, |p| page((p - 1) * 100..(p * 100).min(150), 150));
        assert_eq!(
            (
                listing.workflows.len(),
                listing.pages,
                listing.stopped_early
            ),
            (150, 2, false)
        );
        assert_eq!(listing.workflows[0].id, "w0000");

        let listing = read(2, |p| page((p - 1) * 100..p * 100, 450));
        assert_eq!(
            (
                listing.workflows.len(),
                listing.pages,
                listing.stopped_early
            ),
            (200, 2, true)
        );

        // Exactly `total` seen on a full page: the end, no empty page requested.
        let listing = read(5, |p| page((p - 1) * 100..p * 100, 200));
        assert_eq!((listing.pages, listing.stopped_early), (2, false));

        let listing = read(1, |_| page(0..0, 0));
        assert_eq!((listing.workflows.len(), listing.stopped_early), (0, false));
    }

    #[test]
    fn a_shifted_workflow_is_kept_once() {
        // A new workflow arrived between page 1 and page 2: w0099 shows up twice.
        let listing = read(3, |p| match p {
            1 => page(0..100, 151),
            _ => page(99..150, 151),
        });
        assert_eq!(listing.workflows.len(), 150);
        assert!(!listing.stopped_early);
    }

    #[test]
    fn unexpected_responses_change_nothing() {
        let mut pager = WorkflowPager::default();
        assert!(matches!(
            pager.clone().finish(),
            Err(PagingError::Incomplete { .. })
        ));
        let first = pager.next_request().unwrap();
        let stray = PageRequest {
            page: 2,
            per_page: 100,
        };
        assert_eq!(
            pager.receive(stray, page(0..1, 1)),
            Err(PagingError::NotRequested {
                page: 2,
                per_page: 100
            })
        );
        pager.receive(first, page(0..100, 1000)).unwrap();
        assert_eq!(
            pager.receive(first, page(0..100, 1000)),
            Err(PagingError::AlreadyReceived { page: 1 })
        );
        assert!(!pager.is_done());
    }
}

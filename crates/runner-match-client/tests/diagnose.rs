//! `Client::diagnose` against the stand-in's workflows: the waiting ones only, a bounded
//! read that says when it stopped early, workflows never cached, the pool cached.

mod support;

use std::num::NonZeroU32;

use runner_match::{diagnose, Runner, RunnerIndex, Timestamp, Workflow};
use runner_match_client::{Client, DiagnoseOptions};
use serde_json::json;
use support::{Standin, TOKEN};

fn workflow_requests(s: &Standin) -> Vec<serde_json::Value> {
    s.api_requests()
        .into_iter()
        .filter(|e| e["path"] == "/v1/workflow")
        .collect()
}

#[test]
fn diagnoses_the_waiting_workflows_against_the_whole_pool() {
    let s = Standin::start(&["--self-hosted", "demo"]);
    let client = Client::builder(TOKEN).base_url(&s.url).build().unwrap();
    let diagnosed = client.diagnose(DiagnoseOptions::default()).unwrap();
    let diagnosis = diagnosed.diagnosis();

    // The same answer as the core over what the stand-in serves, read independently.
    let fleet = s.fleet();
    let mut runners: Vec<Runner> = serde_json::from_value(fleet["managed"].clone()).unwrap();
    runners.extend(serde_json::from_value::<Vec<Runner>>(fleet["selfHosted"].clone()).unwrap());
    let served = s.workflows();
    let workflows: Vec<Workflow> = serde_json::from_value(served["workflows"].clone()).unwrap();
    let index = RunnerIndex::new(runners);
    let reference = diagnose(&index, &workflows, diagnosed.now().clone());
    assert_eq!(diagnosis.summary(), reference.summary());
    assert_eq!(diagnosis.workflows.len(), 10, "ten of the sixteen wait");
    let counts = |d: &runner_match::Diagnosis<'_>| -> Vec<(String, usize)> {
        d.workflows
            .iter()
            .map(|w| (w.workflow.name.clone(), w.match_count))
            .collect()
    };
    assert_eq!(counts(&diagnosis), counts(&reference));
    let listing = diagnosed.listing();
    assert_eq!(
        (listing.pages, listing.stopped_early, listing.total),
        (1, false, 16)
    );

    // Workflows are read every time; the pool comes from the cache.
    client.diagnose(DiagnoseOptions::default()).unwrap();
    assert_eq!(workflow_requests(&s).len(), 2);
    let runner_reads = s
        .api_requests()
        .iter()
        .filter(|e| e["path"] != "/v1/workflow")
        .count();
    assert_eq!(runner_reads, 2, "one read of each runner listing");
    let now: Timestamp = diagnosed.now().clone();
    assert!(diagnosis
        .workflows
        .iter()
        .all(|w| w.waited_ms <= w.workflow.waited_ms(&now)));
}

#[test]
fn a_long_listing_stops_at_the_page_limit_and_says_so() {
    let s = Standin::start(&[]);
    s.set_workflows(json!({"generate": 450, "seed": 7}));
    let client = Client::builder(TOKEN).base_url(&s.url).build().unwrap();
    let two = NonZeroU32::new(2).unwrap();
    let diagnosed = client.diagnose(DiagnoseOptions::max_pages(two)).unwrap();
    let listing = diagnosed.listing();
    assert_eq!(
        (listing.pages, listing.stopped_early, listing.total),
        (2, true, 450)
    );
    assert_eq!(listing.workflows.len(), 200);
    let log = workflow_requests(&s);
    let pages: Vec<(u64, u64)> = log
        .iter()
        .map(|e| (e["page"].as_u64().unwrap(), e["perPage"].as_u64().unwrap()))
        .collect();
    assert_eq!(pages, [(1, 100), (2, 100)], "in order, 100 a page, no more");
    assert!(log
        .iter()
        .all(|e| !e["query"].as_str().unwrap_or("").contains("status")));
}

//! One encoding, not two: the JSON writer ([`ToJson`], what the JS package and the CLI
//! emit) writes every report shape exactly as its `Serialize` derive (the Rust API's
//! serde view) does, byte for byte, on realistic reports and on edge cases (absent
//! fields, empty lists, fractional, tiny and non-finite numbers, escapes).
#![cfg(feature = "serde")]

mod support;

use std::cell::RefCell;
use std::fmt::Debug;
use std::rc::Rc;

use runner_match::json_write::{JsonWriter, ToJson};
use runner_match::pool::{Pool, SourceOutcome};
use runner_match::report::*;
use runner_match::{
    diagnose, explain, rank, workflow_tags, Preferences, Requirements, Runner, RunnerIndex, Source,
    Workflow, WorkflowListing,
};
use serde_json::json;
use support::runner;

/// The writer's text is serde_json's compact text, byte for byte, so any parser reads
/// the same value from both. (Not `to_value` against a parse of the text: serde_json's
/// default float parser is not correctly rounded, `0.46153846153846156` reads back as
/// `0.4615384615384616`, while `JSON.parse` and Rust's `f64::from_str` are exact.)
fn same<T: ToJson + serde::Serialize + Debug>(value: &T) {
    assert_eq!(
        value.to_json(),
        serde_json::to_string(value).unwrap(),
        "{value:?}"
    );
}

/// Managed (two tiers and an unknown one), self-hosted, untagged, disabled and
/// unknown-status runners, with a repeated tag and text that needs escaping.
fn fleet() -> Vec<Runner> {
    let table: [(&str, &str, &str, &[&str]); 7] = [
        ("a100-eu", "pro", "active", &["gpu-a100", "flux", "eu-west"]),
        ("a100-sdxl", "plus", "active", &["gpu-a100", "sdxl", "sdxl"]),
        (
            "h100-dev",
            "pro",
            "active",
            &["gpu-h100", "flux", "development"],
        ),
        (
            "self-us",
            "self",
            "active",
            &["flux", "us-east", "tab\there"],
        ),
        ("pool", "pro", "active", &[]),
        ("off", "pro", "disabled", &["flux"]),
        ("odd", "ultra", "maintenance", &["flux"]),
    ];
    let mut fleet: Vec<Runner> = table
        .iter()
        .enumerate()
        .map(|(at, (id, kind, status, tags))| {
            let created = format!("2024-0{}-01T00:00:00Z", 7 - at);
            runner(id, kind, status, tags, &created)
        })
        .collect();
    fleet[0].name = "A100 \"eu\" \\ \u{1} ✓".to_owned();
    fleet
}

fn requirements() -> Vec<Requirements> {
    let weighted = Preferences::from_weights(
        [("gpu-h100", 3.0), ("type:pro", 1.5), ("eu-west", 1e-30)],
        [("development", 0.7)],
    )
    .unwrap();
    let mut all: Vec<Requirements> = [
        "",
        "flux",
        "gpu-a100, flux",
        "GPU-A100, fluz",
        "flux, nowhere",
        "gpu-* & (flux | sdxl) & !development",
        "type:plus & sdxl",
        "flux | missing",
    ]
    .iter()
    .map(|text| text.parse().unwrap())
    .collect();
    all.push(
        "flux"
            .parse::<Requirements>()
            .unwrap()
            .with_preferences(weighted),
    );
    all
}

#[test]
fn matches_and_api_runners() {
    let fleet = fleet();
    for runner in &fleet {
        same(&ApiRunner::from(runner));
    }
    for requirements in requirements() {
        let ranked = rank(&fleet, &requirements);
        let wanted = wanted_tags(&requirements, &ranked);
        let found: Vec<RunnerMatch> = ranked
            .iter()
            .map(|m| RunnerMatch::new(m, &wanted))
            .collect();
        same(&found);
        same(&WorkflowTagsReport::from(workflow_tags(&requirements)));
    }
}

/// `streamed` (a shape written straight from borrowed data) writes `report`'s text,
/// whole and in pieces of any size.
fn same_text(streamed: &dyn ToJson, report: &dyn ToJson) {
    let text = report.to_json();
    assert_eq!(streamed.to_json(), text);
    for piece in [0, 1, 7, 64, 1 << 16] {
        let pieces = Rc::new(RefCell::new(Vec::<String>::new()));
        let into = pieces.clone();
        let mut json = JsonWriter::in_pieces(piece, move |p| into.borrow_mut().push(p.to_owned()));
        streamed.write_json(&mut json);
        assert_eq!(json.finish(), "");
        let pieces = pieces.borrow();
        assert_eq!(pieces.concat(), text, "pieces of {piece}");
        if piece < text.len() / 4 {
            assert!(pieces.len() > 1, "pieces of {piece}: {}", pieces.len());
        }
    }
}

#[test]
fn explanations() {
    let fleet = fleet();
    for requirements in requirements() {
        let explanation = explain(&fleet, &requirements);
        let report = ExplanationReport::new(&explanation);
        same(&report);
        same_text(&ExplanationJson(&explanation), &report);
        let index = RunnerIndex::new(fleet.clone());
        let counted = index.explain(&requirements);
        same_text(
            &ExplanationJson(&counted),
            &ExplanationReport::new(&counted),
        );
    }
    same_text(
        &ApiRunnersJson(&fleet),
        &fleet.iter().map(ApiRunner::from).collect::<Vec<_>>(),
    );
    same(&ExplanationReport::new(&explain(
        &[],
        &"flux".parse().unwrap(),
    )));
}

#[test]
fn diagnoses_and_pools() {
    let workflow = |id: &str, status: &str, tags: &[&str]| -> Workflow {
        serde_json::from_value(json!({
            "id": id, "name": format!("workflow {id}"), "status": status, "tags": tags,
            "created_at": "2024-06-01T10:00:00Z", "updated_at": "2024-06-01T10:00:00Z"
        }))
        .unwrap()
    };
    let workflows = vec![
        workflow("w1", "queued", &["gpu-a100", "flux"]),
        workflow("w2", "accepted", &["GPU-A100"]),
        workflow("w3", "uploaded", &["gpu-h100", "sdxl"]),
        workflow("w4", "queued", &["bad tag,"]),
        workflow("w5", "queued", &[]),
        workflow("w6", "completed", &["flux"]),
    ];
    let listing = WorkflowListing {
        workflows: workflows.clone(),
        total: 1234,
        pages: 2,
        stopped_early: true,
    };
    let now: runner_match::Timestamp = "2024-06-01T10:01:30.5Z".parse().unwrap();
    let pool = Pool::combine([
        (Source::Managed, SourceOutcome::<()>::Forbidden(())),
        (Source::SelfHosted, SourceOutcome::Loaded(fleet())),
    ])
    .unwrap();
    let pool_report = PoolReport::new(pool.runners().len(), pool.statuses());
    same(&pool_report);
    let index = RunnerIndex::new(fleet());
    let diagnosis = diagnose(&index, &workflows, now.clone());
    let report = DiagnoseReport::new(&diagnosis, &listing, pool_report.clone());
    same(&report);
    same_text(
        &DiagnoseJson::new(&diagnosis, &listing, pool_report),
        &report,
    );

    // No active runner, no sources.
    let empty = RunnerIndex::new(Vec::new());
    let none = PoolReport::new(0, &[]);
    same(&DiagnoseReport::new(
        &diagnose(&empty, &workflows, now),
        &listing,
        none,
    ));
}

#[test]
fn edge_values_and_every_kind() {
    let verdict = RunnerVerdict {
        id: String::new(),
        name: "\u{0}\u{1f}\u{7f}\u{2028}".to_owned(),
        source: SourceKind::SelfHosted,
        matched: true,
        score: Some(f64::NAN),
        fit: Some(FitKind::Wildcard),
        breakdown: Some(BreakdownReport {
            fit_score: 0.8333333333333334,
            preference_score: Some(5e-324),
            terms: vec![TermReport {
                term: "type:pro".to_owned(),
                kind: TermKind::Avoid,
                weight: 1e6,
                satisfied: false,
            }],
            score: f64::INFINITY,
        }),
        reasons: Vec::new(),
    };
    same(&verdict);
    same(&RunnerMatch {
        id: "r".to_owned(),
        name: "r".to_owned(),
        runner_type: None,
        status: "active".to_owned(),
        tags: Vec::new(),
        created_at: String::new(),
        updated_at: String::new(),
        score: 0.1 + 0.2,
        fit: FitKind::Superset,
        matched_tags: Vec::new(),
        extra_tags: vec!["x".to_owned()],
        source: SourceKind::Managed,
    });
    same(&WaitingWorkflow {
        workflow: WorkflowReport {
            id: "w".to_owned(),
            name: "w".to_owned(),
            status: "queued".to_owned(),
            tags: Vec::new(),
            created_at: String::new(),
            waited_ms: 1e17,
        },
        match_count: usize::MAX,
        best: None,
        explanation: None,
        stuck: Some(StuckReport {
            kind: StuckKind::UnknownTag,
            tag: Some("GPU".to_owned()),
            near_miss: Some(SimilarityKind::Whitespace),
            message: String::new(),
        }),
    });
    for kind in [
        ReasonKind::Disabled,
        ReasonKind::UnknownStatus,
        ReasonKind::Missing,
    ]
    .into_iter()
    .chain([
        ReasonKind::Excluded,
        ReasonKind::NoTagMatches,
        ReasonKind::TypeMismatch,
    ])
    .chain([ReasonKind::ClauseFailed])
    {
        same(&ReasonReport {
            kind,
            subject: None,
            message: "m".to_owned(),
        });
    }
    for kind in [
        StuckKind::NoActiveRunner,
        StuckKind::NoRunnerHasAll,
        StuckKind::UnreadableTags,
    ] {
        same(&StuckReport {
            kind,
            tag: None,
            near_miss: None,
            message: "m".to_owned(),
        });
    }
    for kind in [ChangeKind::DropTag, ChangeKind::DropClause] {
        same(&ChangeReport {
            kind,
            subject: "s".to_owned(),
            runners: 0,
            message: String::new(),
        });
    }
    for similarity in [SimilarityKind::Case, SimilarityKind::Typo] {
        same(&HintReport {
            tag: "t".to_owned(),
            suggestions: vec![SuggestionReport {
                tag: "T".to_owned(),
                runners: 2,
                similarity,
            }],
            message: String::new(),
        });
    }
    same(&TermReport {
        term: String::new(),
        kind: TermKind::Prefer,
        weight: 2.5,
        satisfied: true,
    });
    same(&SourceReport {
        source: SourceKind::Managed,
        status: SourceStatusKind::Ok,
        runners: 3,
        reason: None,
        message: Some(String::new()),
    });
    same(&SourceStatusKind::Unavailable);
}

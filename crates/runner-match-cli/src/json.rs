//! `--json` output: exactly the JS package's result objects, serialized from the very
//! structs the package serializes ([`runner_match::report`]), so the CLI and the
//! package cannot drift apart.

use runner_match::report::{
    wanted_tags, ApiRunner, DiagnoseReport, ExplanationReport, PoolReport, RunnerMatch,
};
use runner_match::{Diagnosis, Explanation, Match, Requirements, Runner};
use runner_match_client::{Diagnosed, Error};
use serde_json::{json, Value};

/// `findRunners`' result: `RunnerMatch[]`.
pub(crate) fn matches(requirements: &Requirements, matches: &[Match<'_>]) -> Value {
    let wanted = wanted_tags(requirements, matches);
    let found: Vec<RunnerMatch> = matches
        .iter()
        .map(|found| RunnerMatch::new(found, &wanted))
        .collect();
    to_value(&found)
}

/// `explain`'s result: `ExplanationReport`.
pub(crate) fn explanation(explanation: &Explanation<'_>) -> Value {
    to_value(&ExplanationReport::new(explanation))
}

/// `client.diagnose()`'s result: `DiagnoseReport`.
pub(crate) fn diagnosis(diagnosed: &Diagnosed, diagnosis: &Diagnosis<'_>) -> Value {
    let pool = diagnosed.pool();
    let pool = PoolReport::new(pool.runners().len(), pool.statuses());
    to_value(&DiagnoseReport::new(diagnosis, diagnosed.listing(), pool))
}

/// `listRunners`' result: `ApiRunner[]`, the API's own snake_case objects (self-hosted
/// ones without `headers`, their `endpoint` without credentials).
pub(crate) fn runners(runners: &[Runner]) -> Value {
    to_value(&runners.iter().map(ApiRunner::from).collect::<Vec<_>>())
}

/// An error as the JS package exposes it: `{ code, message, status? }`, plus `hint`.
pub(crate) fn error(error: &Error, hint: Option<&str>) -> Value {
    let mut object = json!({ "code": error.code().as_str(), "message": error.message() });
    if let Some(status) = error.status() {
        object["status"] = json!(status);
    }
    if let Some(hint) = hint {
        object["hint"] = json!(hint);
    }
    json!({ "error": object })
}

fn to_value(value: &impl serde::Serialize) -> Value {
    // Plain structs of strings, numbers and vectors always serialize.
    serde_json::to_value(value).expect("result shapes serialize")
}

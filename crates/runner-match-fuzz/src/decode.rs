//! The page/runner decoder target.

use std::fmt::Debug;

use runner_match::json::{self, Decode};
use runner_match::{
    Runner, RunnerPage, RunnerSource, RunnerStatus, RunnerType, SecretHeaders, Timestamp, Workflow,
    WorkflowPage,
};
use serde::de::DeserializeOwned;

use crate::reference;

/// Longest input also tried as a bare timestamp (RFC 3339 texts are short).
const MAX_TIMESTAMP_INPUT: usize = 64;

/// See [`crate::decode_page`].
pub(crate) fn decode_page(data: &[u8]) {
    if let Ok(page) = serde_json::from_slice::<RunnerPage>(data) {
        page.runners.iter().for_each(check_runner);
        let text = serde_json::to_string(&page).expect("a decoded page serializes");
        let again: RunnerPage = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("re-decoding {text:?} failed: {e}"));
        let mut want = page.clone();
        want.runners.iter_mut().for_each(as_serialized);
        assert_eq!(again, want, "page round trip through {text:?}");
        for (a, b) in again.runners.iter().zip(&want.runners) {
            assert_same_text(a, b);
        }
        let text_again = serde_json::to_string(&again).expect("serializes");
        assert_eq!(text_again, text, "serialization is not stable");
    }
    if let Ok(runner) = serde_json::from_slice::<Runner>(data) {
        check_runner(&runner);
        let text = serde_json::to_string(&runner).expect("a decoded runner serializes");
        let again: Runner = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("re-decoding {text:?} failed: {e}"));
        let mut want = runner.clone();
        as_serialized(&mut want);
        assert_eq!(again, want, "runner round trip through {text:?}");
        assert_same_text(&again, &want);
        assert_eq!(serde_json::to_string(&again).expect("serializes"), text);
    }
    // A bare runner list, as `standin/fleet.json` holds it.
    if let Ok(runners) = serde_json::from_slice::<Vec<Runner>>(data) {
        runners.iter().for_each(check_runner);
        let text = serde_json::to_string(&runners).expect("a runner list serializes");
        let again: Vec<Runner> = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("re-decoding {text:?} failed: {e}"));
        let mut want = runners.clone();
        want.iter_mut().for_each(as_serialized);
        assert_eq!(again, want, "runner list round trip through {text:?}");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        // The product's decoder against the serde impls, on every wire type.
        one_decoder::<RunnerPage>(text);
        one_decoder::<Runner>(text);
        one_decoder::<Vec<Runner>>(text);
        one_decoder::<SecretHeaders>(text);
        one_decoder::<WorkflowPage>(text);
        one_decoder::<Workflow>(text);
        // The whole input as a timestamp, against the reference parser.
        if text.len() <= MAX_TIMESTAMP_INPUT {
            check_timestamp_text(text);
        }
    }
}

/// `json::decode` (what the product runs) and the serde impl over the same reader
/// (`json::from_str`) give the same value or the same error message.
fn one_decoder<T: Decode + DeserializeOwned + PartialEq + Debug>(text: &str) {
    let ours = json::decode::<T>(text).map_err(|err| without_float(&err.to_string()));
    let serde = json::from_str::<T>(text).map_err(|err| without_float(&err.to_string()));
    assert_eq!(
        ours, serde,
        "json::decode and the serde impl disagree on {text:?}"
    );
}

/// `message` without the digits of a float it shows: past 15 significant digits the
/// decoder shows the number's decimal digits where serde shows an `f64`'s shortest
/// form (`…370.9552` against `…370.955`), as documented in `runner_match::json`.
fn without_float(message: &str) -> String {
    let Some((head, rest)) = message.split_once("floating point `") else {
        return message.to_owned();
    };
    let tail = rest.split_once('`').map_or("", |(_, tail)| tail);
    format!("{head}floating point `…`{tail}")
}

/// What a runner becomes after serializing: the managed shape (the self-hosted
/// `user_id`, `endpoint` and `headers` are never written).
fn as_serialized(runner: &mut Runner) {
    runner.source = RunnerSource::Managed;
}

/// Timestamps compare by instant; the wire text must survive too.
fn assert_same_text(a: &Runner, b: &Runner) {
    assert_eq!(a.created_at.as_str(), b.created_at.as_str());
    assert_eq!(a.updated_at.as_str(), b.updated_at.as_str());
}

fn check_runner(runner: &Runner) {
    for at in [&runner.created_at, &runner.updated_at] {
        let want = reference::timestamp(at.as_str());
        assert_eq!(
            Some((at.unix_seconds(), at.subsec_nanos())),
            want,
            "decoded timestamp {at:?} disagrees with the RFC 3339 reference"
        );
    }
    // Open enums: the wire string maps back to the same value, and `Other` never
    // holds a known spelling.
    assert_eq!(RunnerStatus::from(runner.status.as_str()), runner.status);
    if let RunnerStatus::Other(other) = &runner.status {
        assert!(
            other != "active" && other != "disabled",
            "{other:?} as Other"
        );
    }
    assert_eq!(
        runner.is_schedulable(),
        runner.status.as_str() == "active",
        "only `active` is schedulable"
    );
    if let Some(kind) = &runner.runner_type {
        assert_eq!(&RunnerType::from(kind.as_str()), kind);
        if let RunnerType::Other(other) = kind {
            assert!(other != "pro" && other != "plus", "{other:?} as Other");
        }
    }
    if let RunnerSource::SelfHosted { headers, .. } = &runner.source {
        // `Debug` shows header names only, never a value.
        let names: Vec<&str> = headers.names().collect();
        assert_eq!(names.len(), headers.len());
        assert_eq!(
            format!("{headers:?}"),
            format!("SecretHeaders {{ names: {names:?}, values: \"<redacted>\" }}")
        );
    }
}

/// `Timestamp::from_str` must accept exactly what the reference accepts, with the
/// same instant.
fn check_timestamp_text(text: &str) {
    let got = text.parse::<Timestamp>();
    let want = reference::timestamp(text);
    match (&got, want) {
        (Ok(at), Some(want)) => {
            assert_eq!((at.unix_seconds(), at.subsec_nanos()), want, "{text:?}");
            assert_eq!(at.as_str(), text);
        }
        (Err(err), None) => assert_eq!(err.input, text),
        _ => panic!("timestamp {text:?}: core {got:?}, reference {want:?}"),
    }
}

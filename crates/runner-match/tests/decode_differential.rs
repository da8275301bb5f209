//! One decoder: the product's `json::decode` and the serde `Deserialize` impls (kept
//! for the Rust API, run by `json::from_str` and serde_json) must agree on every text,
//! valid or not: the same value, or errors with the same message.
#![cfg(feature = "serde")]

use std::fmt::Debug;

use proptest::prelude::*;
use runner_match::json::{self, Decode};
use runner_match::{Runner, RunnerPage, SecretHeaders, Workflow, WorkflowPage};
use serde::de::DeserializeOwned;

/// Both paths on `text`: equal values, or equal messages.
fn agree<T: Decode + DeserializeOwned + PartialEq + Debug>(text: &str) {
    let ours = json::decode::<T>(text).map_err(|err| err.to_string());
    let serde = json::from_str::<T>(text).map_err(|err| err.to_string());
    assert_eq!(ours, serde, "{text:.300}");
    // serde_json accepts the same texts (it reads `-0` as a float, the reader as 0).
    if !text.contains("-0") {
        assert_eq!(
            ours.is_ok(),
            serde_json::from_str::<T>(text).is_ok(),
            "{text:.300}"
        );
    }
}

fn agree_on_every_type(text: &str) {
    agree::<RunnerPage>(text);
    agree::<Runner>(text);
    agree::<Vec<Runner>>(text);
    agree::<SecretHeaders>(text);
    agree::<WorkflowPage>(text);
    agree::<Workflow>(text);
}

const RUNNER: &str = r#"{"id":"r1","name":"n","runner_type":"pro","status":"active","tags":["a"],"created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}"#;
const WORKFLOW: &str = r#"{"id":"w1","name":"n","status":"queued","tags":["a"],"created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z","started_at":null}"#;

#[test]
fn fixtures_agree() {
    let page = include_str!("fixtures/managed-runners-example.json");
    let fixtures = [
        page.to_owned(),
        RUNNER.to_owned(),
        WORKFLOW.to_owned(),
        format!(r#"{{"runners":[{RUNNER},{RUNNER}],"total":2,"x":{{"y":[1,2.5,null]}}}}"#),
        format!(r#"{{"workflows":[{WORKFLOW}],"total":1}}"#),
        format!("[{RUNNER}]"),
        r#"{"Authorization":"Bearer s3cret","X":"1","X":"2"}"#.to_owned(),
        RUNNER.replace(r#""id":"r1""#, r#""id":"r1","id":"r2""#),
        RUNNER.replace(r#""tags":["a"]"#, r#""tags":"a""#),
        RUNNER.replace(r#""tags":["a"]"#, r#""tags":["a",7]"#),
        RUNNER.replace(r#""status":"active""#, r#""status":1.5e2"#),
        RUNNER.replace(r#""name":"n""#, r#""name":-0.00125"#),
        RUNNER.replace(r#""name":"n""#, r#""name":18446744073709551616"#),
        RUNNER.replace(r#""name":"n""#, r#""name":1e400"#),
        RUNNER.replace("2024-01-10T08:00:00Z", "soon"),
        RUNNER.replace(
            r#""runner_type":"pro""#,
            r#""endpoint":"https://x","headers":{"A":1}"#,
        ),
        RUNNER.replace(r#""runner_type":"pro""#, r#""headers":"Bearer s3cret""#),
        RUNNER.replace(
            r#""runner_type":"pro""#,
            r#""user_id":null,"endpoint":null"#,
        ),
        RUNNER.replace(r#""id":"r1","#, ""),
        RUNNER.replace(r#""id":"r1""#, r#""id" "r1""#),
        RUNNER.replace(r#""id":"r1""#, r#""id":"r1"#),
        WORKFLOW.replace(r#""started_at":null"#, r#""started_at":5"#),
        WORKFLOW.replace(r#""status":"queued""#, r#""status":["queued"]"#),
        r#"{"runners":[],"total":-1}"#.to_owned(),
        r#"{"runners":[],"total":1e3}"#.to_owned(),
        r#"{"runners":[],"total":true}"#.to_owned(),
        r#"{"runners":[],"total":1,"total":2}"#.to_owned(),
        r#"{"runners":[]}"#.to_owned(),
        r#"{"workflows":[],"total":0} x"#.to_owned(),
        r#"[[], 0]"#.to_owned(),
        r#"["cfc_r1"]"#.to_owned(),
        r#"{"runners":[[[]]],"total":1}"#.to_owned(),
        format!("{}{}", "[".repeat(300), "]".repeat(300)),
        String::new(),
    ];
    for text in &fixtures {
        agree_on_every_type(text);
    }
}

/// A JSON value of the kinds a wire field may hold, or should not.
fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(r#""2024-01-10T08:00:00Z""#.to_owned()),
        Just(r#""2024-01-10T09:00:00.5+01:00""#.to_owned()),
        Just(r#""soon""#.to_owned()),
        Just(r#""active""#.to_owned()),
        Just(r#""pro""#.to_owned()),
        Just(r#""\ud83d\ude80 \"x\"\n""#.to_owned()),
        Just(r#""""#.to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("0".to_owned()),
        Just("-0".to_owned()),
        Just("7".to_owned()),
        Just("-12".to_owned()),
        Just("1.5".to_owned()),
        Just("2.5e-3".to_owned()),
        Just("1E3".to_owned()),
        Just("18446744073709551615".to_owned()),
        "[a-z]{0,6}".prop_map(|s| format!("{s:?}")),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((key(), inner), 0..4).prop_map(|entries| object(&entries)),
        ]
    })
}

/// A key of the wire types, or another.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "id",
            "name",
            "status",
            "tags",
            "created_at",
            "updated_at",
            "runner_type",
            "user_id",
            "endpoint",
            "headers",
            "runners",
            "workflows",
            "total",
            "started_at",
            "completed_at",
            "extra",
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ]
}

fn object(entries: &[(String, String)]) -> String {
    let fields: Vec<String> = entries.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
    format!("{{{}}}", fields.join(","))
}

/// A runner object: the documented fields (some left out, some wrong) and extras.
fn runner() -> impl Strategy<Value = String> {
    let field = |name: &'static str, good: &'static str| {
        prop_oneof![
            4 => Just(Some((name.to_owned(), good.to_owned()))),
            1 => Just(None),
            1 => value().prop_map(move |v| Some((name.to_owned(), v))),
        ]
    };
    (
        field("id", r#""r1""#),
        field("name", r#""n""#),
        field("status", r#""active""#),
        field("tags", r#"["a","b"]"#),
        field("created_at", r#""2024-01-10T08:00:00Z""#),
        field("updated_at", r#""2024-01-10T08:00:00Z""#),
        field("endpoint", r#""https://x""#),
        field("headers", r#"{"A":"s3cret"}"#),
        prop::collection::vec((key(), value()), 0..2),
    )
        .prop_map(|(a, b, c, d, e, f, g, h, extra)| {
            let mut entries: Vec<(String, String)> =
                [a, b, c, d, e, f, g, h].into_iter().flatten().collect();
            entries.extend(extra);
            object(&entries)
        })
}

/// A page of runners or workflows, sometimes with a wrong part.
fn page() -> impl Strategy<Value = String> {
    let items = prop_oneof![
        4 => prop::collection::vec(runner(), 0..3).prop_map(|r| format!("[{}]", r.join(","))),
        1 => value(),
    ];
    let total = prop_oneof![4 => Just("2".to_owned()), 1 => value()];
    (
        prop::sample::select(vec!["runners", "workflows"]),
        items,
        total,
        any::<bool>(),
    )
        .prop_map(|(list, items, total, reversed)| match reversed {
            false => format!(r#"{{"{list}":{items},"total":{total}}}"#),
            true => format!(r#"{{"total":{total}, "{list}" : {items} }}"#),
        })
}

/// `text` with one edit: cut short, or one byte replaced by a JSON-significant one.
fn mutated(text: String, at: usize, byte: u8, cut: bool) -> String {
    let mut bytes = text.into_bytes();
    let at = at % (bytes.len() + 1);
    if cut {
        bytes.truncate(at);
    } else if at < bytes.len() && bytes[at].is_ascii() {
        bytes[at] = byte;
    }
    String::from_utf8(bytes).unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn generated_pages_agree(text in page()) {
        agree_on_every_type(&text);
    }

    #[test]
    fn generated_runners_agree(text in runner()) {
        agree_on_every_type(&text);
    }

    #[test]
    fn damaged_pages_agree(
        text in page(),
        at in any::<usize>(),
        byte in prop::sample::select(b"{}[],:\"\\ 0a-.eEn".to_vec()),
        cut in any::<bool>(),
    ) {
        agree_on_every_type(&mutated(text, at, byte, cut));
    }
}

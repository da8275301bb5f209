//! The wire format: the documented example, tolerant enums, self-hosted runners, secrets.
//!
//! Read with the product's decoder (`json::decode`, no serde needed); the `serde`
//! feature's impls agree with it on every text (tests/decode_differential.rs), and what
//! only serde does (`Serialize`) is tested here with the feature.

use runner_match::json::{self, JsonError};
use runner_match::{Runner, RunnerPage, RunnerSource, RunnerStatus, RunnerType};
use serde_json::json;

const EXAMPLE: &str = include_str!("fixtures/managed-runners-example.json");

#[test]
fn documented_example_decodes() {
    let page: RunnerPage = json::decode(EXAMPLE).unwrap();
    assert_eq!(page.total, 2);
    let first = &page.runners[0];
    assert_eq!(first.id, "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
    assert_eq!(first.name, "Managed Pro Runner 1");
    assert_eq!(first.runner_type, Some(RunnerType::Pro));
    assert_eq!(first.status, RunnerStatus::Active);
    assert_eq!(first.tags, ["managed", "gpu-a100", "high-performance"]);
    assert_eq!(first.created_at.as_str(), "2024-01-10T08:00:00Z");
    assert_eq!(first.source, RunnerSource::Managed);
    assert_eq!(page.runners[1].runner_type, Some(RunnerType::Plus));
}

#[cfg(feature = "serde")]
#[test]
fn round_trips_to_the_same_json() {
    let page: RunnerPage = serde_json::from_str(EXAMPLE).unwrap();
    let again: serde_json::Value = serde_json::to_value(&page).unwrap();
    let original: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
    assert_eq!(again, original);
}

fn runner(fields: serde_json::Value) -> Result<Runner, JsonError> {
    let mut value = json!({
        "id": "r1", "name": "n", "runner_type": "pro", "status": "active", "tags": [],
        "created_at": "2024-01-10T08:00:00Z", "updated_at": "2024-01-10T08:00:00Z"
    });
    for (k, v) in fields.as_object().unwrap() {
        value[k] = v.clone();
    }
    json::decode(&value.to_string())
}

#[test]
fn unknown_enum_values_are_kept_not_fatal() {
    let r = runner(json!({"status": "inactive", "runner_type": "enterprise"})).unwrap();
    assert_eq!(r.status, RunnerStatus::Other("inactive".into()));
    assert_eq!(r.runner_type, Some(RunnerType::Other("enterprise".into())));
    assert!(!r.is_schedulable());
    assert!(!runner(json!({"status": "disabled"}))
        .unwrap()
        .is_schedulable());
    assert!(runner(json!({"status": "active"}))
        .unwrap()
        .is_schedulable());
    // Case matters on the wire too: "Active" is not "active".
    assert!(!runner(json!({"status": "Active"}))
        .unwrap()
        .is_schedulable());
}

#[cfg(feature = "serde")]
#[test]
fn unknown_enum_values_serialize_as_read() {
    let r = runner(json!({"status": "inactive", "runner_type": "enterprise"})).unwrap();
    assert_eq!(serde_json::to_value(&r).unwrap()["status"], "inactive");
}

#[test]
fn wrong_shapes_are_errors() {
    // Errors name the field and what was expected, never the value (see the secrets
    // test below).
    let cases = [
        (
            json!({"tags": "gpu"}),
            "invalid type for `tags`: string, expected a sequence",
        ),
        (
            json!({"created_at": "yesterday"}),
            "invalid value for `created_at`: expected RFC 3339 such as \"2024-01-10T08:00:00Z\"",
        ),
        (
            json!({"status": 1}),
            "invalid type for `status`: integer, expected a string",
        ),
        (
            json!({"id": null}),
            "invalid type for `id`: null, expected a string",
        ),
        (
            json!({"id": "a", "tags": ["x", 7]}),
            "invalid type for `tags`: integer, expected a string",
        ),
    ];
    for (fields, want) in cases {
        let err = runner(fields.clone()).unwrap_err().to_string();
        assert_eq!(err, want, "{fields}");
    }
    let twice = r#"{"id":"a","id":"b","name":"n","status":"active","tags":[],
        "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}"#;
    let err = json::decode::<Runner>(twice).unwrap_err().to_string();
    assert!(err.starts_with("duplicate field `id`"), "{err}");
    let missing: Result<Runner, _> = json::decode(&json!({"id": "x"}).to_string());
    assert!(missing
        .unwrap_err()
        .to_string()
        .contains("missing field `name`"));
    let page: Result<RunnerPage, _> = json::decode(r#"{"runners":[]}"#);
    assert!(page
        .unwrap_err()
        .to_string()
        .contains("missing field `total`"));
}

const SELF_HOSTED: &str = r#"{"id":"s1","user_id":"u1","name":"Home 4090","status":"active",
  "endpoint":"https://comfy.example.com","tags":["production","gpu-a100"],
  "headers":{"Authorization":"Bearer sk-very-secret"},
  "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}"#;

#[test]
fn self_hosted_runners_know_their_source() {
    let r: Runner = json::decode(SELF_HOSTED).unwrap();
    assert_eq!(r.runner_type, None);
    match &r.source {
        RunnerSource::SelfHosted {
            user_id,
            endpoint,
            headers,
        } => {
            assert_eq!(user_id, "u1");
            assert_eq!(endpoint, "https://comfy.example.com");
            assert_eq!(headers.get("Authorization"), Some("Bearer sk-very-secret"));
            assert_eq!(headers.names().collect::<Vec<_>>(), ["Authorization"]);
        }
        other => panic!("expected self-hosted, got {other:?}"),
    }
}

#[cfg(feature = "serde")]
#[test]
fn headers_never_leave_through_serde_or_debug() {
    let r: Runner = serde_json::from_str(SELF_HOSTED).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    let debug = format!("{r:?} {r:#?}");
    for output in [&json, &debug] {
        assert!(!output.contains("sk-very-secret"), "{output}");
    }
    assert!(
        !json.contains("headers") && !json.contains("endpoint"),
        "{json}"
    );
    assert!(debug.contains("<redacted>"));
}

#[test]
fn decode_errors_name_the_field_never_the_value() {
    let secret = "Bearer sk-very-secret";
    let cases = [
        json!({"headers": secret}),
        json!({"headers": {"Authorization": [secret]}}),
        json!({"endpoint": ["https://me:sk-very-secret@x"], "headers": {}}),
        json!({"user_id": {"k": secret}, "endpoint": "https://x"}),
        json!({"name": [secret]}),
    ];
    for fields in cases {
        let one = runner(fields.clone()).unwrap_err().to_string();
        let mut page = json!({"runners": [{"id": "r1", "name": "n", "status": "active",
            "tags": [], "created_at": "2024-01-10T08:00:00Z",
            "updated_at": "2024-01-10T08:00:00Z"}], "total": 1});
        for (k, v) in fields.as_object().unwrap() {
            page["runners"][0][k] = v.clone();
        }
        let text = serde_json::to_string(&page).unwrap();
        let in_page = json::decode::<RunnerPage>(&text).unwrap_err().to_string();
        for err in [&one, &in_page] {
            assert!(!err.contains("sk-very-secret"), "{fields}: {err}");
            assert!(err.contains(" for `"), "{fields}: {err}");
        }
    }
    // A runner that is a string (not an object) is not quoted either.
    let err = json::decode::<RunnerPage>(r#"{"runners":["sk-very-secret"],"total":1}"#)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("invalid type: string, expected a runner object"),
        "{err}"
    );
    assert!(!err.contains("sk-very-secret"), "{err}");
}

#[test]
fn debug_hides_endpoint_credentials() {
    let text = SELF_HOSTED.replace(
        "https://comfy.example.com",
        "https://me:pa55word@comfy.example.com:8188/base?token=t0ken#frag",
    );
    let r: Runner = json::decode(&text).unwrap();
    let debug = format!("{r:?} {r:#?}");
    for secret in ["pa55word", "t0ken", "frag", "sk-very-secret"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert!(
        debug.contains(r#"endpoint: "https://<redacted>@comfy.example.com:8188/base?<redacted>""#),
        "{debug}"
    );
    let plain: Runner = json::decode(SELF_HOSTED).unwrap();
    assert!(format!("{plain:?}").contains(r#"endpoint: "https://comfy.example.com""#));
}

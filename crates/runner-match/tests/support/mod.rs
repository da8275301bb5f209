//! What the integration tests share: one runner builder, through the wire format.
//!
//! Each test file uses part of it (`mod support;`), hence the `dead_code` allowance.
#![allow(dead_code)]

use runner_match::Runner;
use serde_json::json;

/// A runner as the API lists it. `kind` is the runner type (`pro`, `plus`, any other
/// wire string), or `self` for a self-hosted runner (no type, an endpoint and a user).
/// `updated_at` equals `created`.
pub fn runner(id: &str, kind: &str, status: &str, tags: &[&str], created: &str) -> Runner {
    let mut value = json!({
        "id": id, "name": format!("runner {id}"), "status": status, "tags": tags,
        "created_at": created, "updated_at": created
    });
    if kind == "self" {
        value["endpoint"] = json!("https://comfy.example");
        value["user_id"] = json!("u-1");
    } else {
        value["runner_type"] = json!(kind);
    }
    runner_match::json::decode(&value.to_string()).expect("a valid runner")
}

/// An active `pro` runner created at one fixed instant.
pub fn active(id: &str, tags: &[&str]) -> Runner {
    runner(id, "pro", "active", tags, "2024-01-10T08:00:00Z")
}

/// Preferences from generated `(avoid, key, weight)` items, in order; a key listed
/// twice is an error, skipped here.
pub fn preferences(items: Vec<(bool, String, f64)>) -> runner_match::Preferences {
    use runner_match::PreferenceKind;
    let mut prefs = runner_match::Preferences::new();
    for (avoid, key, weight) in items {
        let kind = if avoid {
            PreferenceKind::Avoid
        } else {
            PreferenceKind::Prefer
        };
        let _ = prefs.add(kind, &key, weight);
    }
    prefs
}

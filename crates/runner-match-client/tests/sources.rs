//! The pool's sources against the stand-in: managed and self-hosted runners together by
//! default, a Free tier's 403 on managed runners, failures that fail the whole read, and
//! self-hosted secrets (headers, endpoint credentials) kept out of every output.

mod support;

use runner_match::{SourceState, Unavailable};
use runner_match_client::{Client, ClientBuilder, ErrorCode, LoadedPool, Source};
use serde_json::{json, Value};
use support::{Standin, TOKEN};

const HEADER_SECRET: &str = "hdr-SECRET-value-789";
const ENDPOINT_SECRET: &str = "pw-SECRET-in-url";

fn self_hosted() -> Value {
    json!([
        {"id": "5e1f0000-0000-4000-8000-000000000001", "user_id": "u-1", "name": "Home 4090",
         "endpoint": format!("https://admin:{ENDPOINT_SECRET}@comfy.example:8188/?key={ENDPOINT_SECRET}"),
         "headers": {"Authorization": format!("Bearer {HEADER_SECRET}"), "X-Api-Key": HEADER_SECRET},
         "status": "active", "tags": ["gpu-rtx4090", "flux", "self"],
         "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-02T00:00:00Z"},
        {"id": "5e1f0000-0000-4000-8000-000000000002", "user_id": "u-1", "name": "Lab A100",
         "endpoint": "http://10.0.0.9:8188", "headers": {},
         "status": "active", "tags": ["gpu-a100", "flux"],
         "created_at": "2026-10-01T00:00:00Z", "updated_at": "2026-10-02T00:00:00Z"}
    ])
}

fn state(pool: &LoadedPool, source: Source) -> Option<SourceState> {
    let status = pool.statuses().iter().find(|s| s.source == source)?;
    Some(status.state)
}

fn standin() -> Standin {
    let s = Standin::start(&[]);
    let managed = s.fleet()["managed"].clone();
    s.set_fleet(json!({"managed": managed, "selfHosted": self_hosted()}));
    s
}

fn client(s: &Standin) -> ClientBuilder {
    Client::builder(TOKEN).base_url(&s.url)
}

fn paths(s: &Standin) -> Vec<String> {
    let mut paths: Vec<String> = s
        .api_requests()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect();
    paths.sort();
    paths
}

#[test]
fn both_sources_by_default_each_alone_on_request() {
    let s = standin();
    let pool = client(&s).build().unwrap().pool().unwrap();
    assert_eq!(pool.runners().len(), 38);
    assert_eq!(
        state(&pool, Source::Managed),
        Some(SourceState::Ok { runners: 36 })
    );
    assert_eq!(
        state(&pool, Source::SelfHosted),
        Some(SourceState::Ok { runners: 2 })
    );
    assert_eq!(paths(&s), ["/v1/managed-runner", "/v1/runner"]);
    let home = pool
        .runners()
        .iter()
        .find(|r| r.name == "Home 4090")
        .unwrap();
    assert_eq!(Source::of(home), Source::SelfHosted);

    let flux: runner_match::Requirements = "gpu-rtx4090, flux".parse().unwrap();
    let client = client(&s).build().unwrap();
    let ranking = client.find(&flux).unwrap();
    let best = ranking.matches()[0];
    assert_eq!(
        (best.runner.name.as_str(), Source::of(best.runner)),
        ("Home 4090", Source::SelfHosted)
    );

    for only in Source::ALL {
        s.clear_requests();
        let pool = client_only(&s, only).pool().unwrap();
        assert!(pool.runners().iter().all(|r| Source::of(r) == only));
        assert_eq!(pool.statuses().len(), 1);
        assert_eq!(paths(&s), [only.path()]);
    }
}

fn client_only(s: &Standin, source: Source) -> Client {
    client(s).sources([source]).build().unwrap()
}

#[test]
fn a_free_tier_pool_is_its_own_runners_and_says_why() {
    let s = standin();
    s.configure(json!({"tier": "free"}));
    let pool = client(&s).build().unwrap().pool().unwrap();
    assert_eq!(pool.runners().len(), 2);
    assert_eq!(
        state(&pool, Source::Managed),
        Some(SourceState::Unavailable(Unavailable::NoManagedRunners))
    );
    assert_eq!(
        state(&pool, Source::SelfHosted),
        Some(SourceState::Ok { runners: 2 })
    );

    let err = client_only(&s, Source::Managed).pool().unwrap_err();
    assert_eq!(
        (err.code(), err.status()),
        (ErrorCode::Forbidden, Some(403))
    );
}

#[test]
fn any_other_failure_fails_the_read_never_a_partial_list() {
    let s = standin();
    for (path, status, code) in [
        ("/v1/runner", 500, ErrorCode::Server),
        ("/v1/managed-runner", 401, ErrorCode::Unauthorized),
        ("/v1/runner", 403, ErrorCode::Forbidden),
    ] {
        s.control_reset();
        let managed = s.fleet()["managed"].clone();
        s.set_fleet(json!({"managed": managed, "selfHosted": self_hosted()}));
        s.faults(json!([{"path": path, "status": status, "times": "always"}]));
        let err = client(&s)
            .max_retries(0)
            .build()
            .unwrap()
            .list()
            .unwrap_err();
        assert_eq!(err.code(), code, "{path} {status}: {err}");
    }
}

#[test]
fn progress_spans_both_sources() {
    let s = standin();
    // The self-hosted listing (one page) answers first: no report before every source
    // has a total, then one per managed page (4 of 10), then the final one.
    s.faults(json!([{"path": "/v1/managed-runner", "page": 1, "delayMs": 300}]));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    client(&s)
        .per_page(10)
        .on_progress(move |p| sink.lock().unwrap().push((p.loaded, p.total)))
        .build()
        .unwrap()
        .list()
        .unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 5, "{seen:?}");
    assert_eq!(seen[0], (12, 38), "2 self-hosted + managed page 1");
    assert!(
        seen.iter()
            .all(|&(loaded, total)| loaded <= total && total == 38),
        "{seen:?}"
    );
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    assert_eq!(
        seen[3..],
        [(38, 38), (38, 38)],
        "the last page, then the final report"
    );
}

#[test]
fn self_hosted_secrets_stay_out_of_debug_and_errors() {
    let s = standin();
    let client = client(&s).build().unwrap();
    let pool = client.pool().unwrap();
    let flux: runner_match::Requirements = "flux".parse().unwrap();
    let ranking = client.find(&flux).unwrap();
    let texts = [
        format!("{pool:?}"),
        format!("{client:?}"),
        format!("{ranking:?}"),
    ];
    for text in &texts {
        assert!(!text.contains(HEADER_SECRET), "{text}");
        assert!(!text.contains(ENDPOINT_SECRET), "{text}");
        assert!(!text.contains(TOKEN), "{text}");
    }
    // A self-hosted page that fails to decode is reported without quoting it.
    s.faults(json!([{"path": "/v1/runner", "body": format!("{{\"runners\":[{{\"id\":1,\"headers\":{{\"X\":\"{HEADER_SECRET}\"}}}}],\"total\":1}}")}]));
    let err = client.refresh().unwrap_err();
    assert_eq!(err.code(), ErrorCode::Decode);
    assert!(!err.to_string().contains(HEADER_SECRET), "{err}");
}

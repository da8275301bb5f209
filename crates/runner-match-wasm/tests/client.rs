//! The client against the stand-in API (`STANDIN_URL`, set by
//! `node standin/with-standin.mjs -- cargo test …`), run both in Node and in headless
//! Chromium (`WASM_BINDGEN_USE_BROWSER=1`), where every request is cross-origin and so
//! also proves the CORS preflight for `Authorization`.
#![cfg(target_arch = "wasm32")]

use gloo_net::http::Request;
use runner_match::{rank, Requirements, Runner};
use runner_match_wasm::match_runners::match_runners;
use runner_match_wasm::RunnerClient;
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const STANDIN: &str = match option_env!("STANDIN_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:9/run-these-tests-through-standin/with-standin.mjs",
};
const TOKEN: &str = "cfc_demo";

fn js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap()
}

/// `undefined` (what `refresh()` resolves to) reads as `null`.
fn from_js(value: JsValue) -> Value {
    match js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|text| text.as_string())
    {
        Some(text) => serde_json::from_str(&text).unwrap(),
        None => Value::Null,
    }
}

async fn control(method: &str, path: &str, body: Option<Value>) -> Value {
    let url = format!("{STANDIN}/__standin/{path}");
    let builder = match method {
        "GET" => Request::get(&url),
        "POST" => Request::post(&url),
        "PUT" => Request::put(&url),
        _ => Request::delete(&url),
    };
    let response = match body {
        Some(body) => builder
            .header("content-type", "application/json")
            .body(body.to_string())
            .unwrap()
            .send()
            .await
            .unwrap(),
        None => builder.send().await.unwrap(),
    };
    assert!(
        response.ok(),
        "control {method} {path}: {}",
        response.status()
    );
    let text = response.text().await.unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// A clean stand-in: default fleet, no faults, empty log.
async fn reset() {
    control("POST", "reset", None).await;
}

async fn api_requests() -> Vec<Value> {
    let log = control("GET", "requests", None).await;
    log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "api")
        .cloned()
        .collect()
}

fn client(extra: Value) -> RunnerClient {
    // These tests count the managed listing's requests; the pool of both sources is
    // tested in tests/pool.test.mjs.
    let mut options =
        json!({ "token": TOKEN, "baseUrl": STANDIN, "maxRetries": 1, "sources": ["managed"] });
    options
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    RunnerClient::new(js(&options)).unwrap()
}

async fn settle(promise: js_sys::Promise) -> Result<Value, js_sys::Error> {
    JsFuture::from(promise).await.map(from_js).map_err(|err| {
        err.dyn_into::<js_sys::Error>()
            .expect("rejections are Error objects")
    })
}

/// The JS `Error` a call threw.
fn thrown<T: std::fmt::Debug>(result: Result<T, JsValue>) -> js_sys::Error {
    result.unwrap_err().dyn_into().unwrap()
}

fn code(error: &js_sys::Error) -> String {
    js_sys::Reflect::get(error, &"code".into())
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
async fn finds_runners_ranked_exactly_like_the_core() {
    reset().await;
    let fleet: Vec<Runner> =
        serde_json::from_value(control("GET", "fleet", None).await["managed"].clone()).unwrap();
    let found = settle(client(json!({})).find_runners("gpu-a100, flux".into()))
        .await
        .unwrap();
    let req: Requirements = "gpu-a100, flux".parse().unwrap();
    let want: Vec<(String, f64)> = rank(&fleet, &req)
        .iter()
        .map(|m| (m.runner.id.clone(), m.score))
        .collect();
    let got: Vec<(String, f64)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap().to_owned(),
                m["score"].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(!got.is_empty());
    assert_eq!(got, want);
    assert_eq!(found[0]["matchedTags"], json!(["gpu-a100", "flux"]));
}

#[wasm_bindgen_test]
async fn pages_concurrently_and_caches() {
    reset().await;
    control("PUT", "fleet", Some(json!({ "generate": 250, "seed": 7 }))).await;
    let c = client(json!({}));
    let listed = settle(c.list_runners()).await.unwrap();
    let ids: std::collections::BTreeSet<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 250);
    let requests = api_requests().await;
    let pages: Vec<u64> = requests
        .iter()
        .map(|r| r["page"].as_u64().unwrap())
        .collect();
    assert_eq!(
        pages[0], 1,
        "page 1 first: it tells how many pages there are"
    );
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(requests
        .iter()
        .all(|r| r["perPage"] == 100 && r["authorization"] == "present"));

    settle(c.find_runners("flux".into())).await.unwrap();
    assert_eq!(api_requests().await.len(), 3, "answered from the cache");
    settle(c.refresh()).await.unwrap();
    assert_eq!(api_requests().await.len(), 6, "refresh reloads every page");
}

#[wasm_bindgen_test]
async fn retries_a_503_then_succeeds() {
    reset().await;
    control(
        "POST",
        "faults",
        Some(json!([{ "status": 503, "retryAfter": "0" }])),
    )
    .await;
    let found = settle(client(json!({})).find_runners(JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(
        found.as_array().unwrap().len(),
        34,
        "every active runner of the default fleet"
    );
    let statuses: Vec<Value> = api_requests()
        .await
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(statuses, [json!(503), json!(200)]);
}

#[wasm_bindgen_test]
async fn http_errors_reject_with_codes() {
    let cases = [
        (
            json!({ "status": 401, "times": "always" }),
            "unauthorized",
            401,
            "Invalid token",
        ),
        (
            json!({ "status": 403, "times": "always" }),
            "forbidden",
            403,
            "Pro or Plus",
        ),
        (
            json!({ "status": 500, "times": "always" }),
            "server",
            500,
            "gave up after 1 retry",
        ),
        (
            json!({ "body": "{\"runners\":[{\"id\":" }),
            "decode",
            0,
            "page 1 is not a runner list",
        ),
    ];
    for (fault, want_code, want_status, want_text) in cases {
        reset().await;
        control("POST", "faults", Some(json!([fault]))).await;
        let err = settle(client(json!({})).find_runners("flux".into()))
            .await
            .unwrap_err();
        let message = String::from(err.message());
        assert_eq!(code(&err), want_code, "{message}");
        assert!(message.contains(want_text), "{message}");
        assert!(!message.contains(TOKEN), "{message}");
        let status = js_sys::Reflect::get(&err, &"status".into()).unwrap();
        assert_eq!(status.as_f64().unwrap_or(0.0) as u16, want_status);
    }
}

#[wasm_bindgen_test]
async fn a_hung_request_times_out() {
    reset().await;
    control(
        "POST",
        "faults",
        Some(json!([{ "hang": true, "times": "always" }])),
    )
    .await;
    let c = client(json!({ "timeoutMs": 150, "maxRetries": 0 }));
    let err = settle(c.find_runners("flux".into())).await.unwrap_err();
    assert_eq!(code(&err), "timeout");
    reset().await;
}

#[wasm_bindgen_test]
async fn bad_input_is_rejected_before_any_request() {
    reset().await;
    let c = client(json!({}));
    for bad in [
        JsValue::from("a,,b"),
        JsValue::from(5),
        js(&json!(["ok", 1])),
    ] {
        let err = settle(c.find_runners(bad)).await.unwrap_err();
        assert_eq!(code(&err), "invalid_input");
    }
    assert!(api_requests().await.is_empty());
    let insecure = RunnerClient::new(js(
        &json!({ "token": TOKEN, "baseUrl": "http://example.com" }),
    ));
    let err = thrown(insecure);
    assert_eq!(code(&err), "insecure_url");
}

#[wasm_bindgen_test]
fn match_runners_is_pure() {
    let runners = js(&serde_json::from_str::<Value>(include_str!(
        "../../runner-match/tests/fixtures/managed-runners-example.json"
    ))
    .unwrap()["runners"]);
    let found = from_js(match_runners(runners, "gpu-a100".into()).unwrap());
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["name"], "Managed Pro Runner 1");
    assert_eq!(found[0]["runnerType"], "pro");
    let err = thrown(match_runners(js(&json!([{ "id": 1 }])), JsValue::UNDEFINED));
    assert_eq!(code(&err), "invalid_input");
    assert!(String::from(err.message()).starts_with("runners[0] is not a runner"));
}

/// The error `RunnerClient::new` throws for `baseUrl`.
fn base_url_error(base_url: &str) -> js_sys::Error {
    thrown(RunnerClient::new(js(
        &json!({ "token": TOKEN, "baseUrl": base_url }),
    )))
}

#[wasm_bindgen_test]
fn base_urls_are_read_by_the_platform_url_parser() {
    for (input, want) in [
        (
            "https://api.comfycontrol.app/",
            "https://api.comfycontrol.app",
        ),
        (
            "HTTPS://Example.com:8443/proxy/",
            "https://Example.com:8443/proxy",
        ),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.12.0.9", "http://127.12.0.9"),
        ("http://localhost:3000/", "http://localhost:3000"),
        ("http://LOCALHOST", "http://LOCALHOST"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        // Loopback to `fetch`, whose parser reads them as 127.0.0.1 or [::1].
        ("http://127.1", "http://127.1"),
        ("http://0x7f.1:8080", "http://0x7f.1:8080"),
        ("http://2130706433", "http://2130706433"),
        ("http://0177.0.0.1", "http://0177.0.0.1"),
        ("http://[0:0:0:0:0:0:0:1]", "http://[0:0:0:0:0:0:0:1]"),
    ] {
        let client = RunnerClient::new(js(&json!({ "token": TOKEN, "baseUrl": input })));
        assert_eq!(client.unwrap().base_url(), want, "{input}");
    }
    for input in [
        "http://api.comfycontrol.app",
        "http://10.0.0.5:8080",
        "http://127.0.0.1.nip.io",
        "http://128.0.0.1",
        "http://0.0.0.0",
        "http://[::2]",
        "http://[::ffff:127.0.0.1]",
        "http://localhost.example.com",
    ] {
        let err = base_url_error(input);
        assert_eq!(code(&err), "insecure_url", "{input}");
        assert!(String::from(err.message()).contains("use https"), "{input}");
    }
    let long_host = format!("https://{}.example", "a".repeat(300));
    for (input, want) in [
        ("api.comfycontrol.app", "expected http(s)://host"),
        ("https:api.comfycontrol.app", "expected http(s)://host"),
        ("javascript:alert(1)", "expected http(s)://host"),
        ("ftp://x", "the scheme must be https"),
        ("ws://localhost:1", "the scheme must be https"),
        ("https://", "the host or port is malformed"),
        ("https:///api", "the host or port is malformed"),
        ("https://a:99999", "the host or port is malformed"),
        ("https://a:", "the host or port is malformed"),
        (
            "https://user:pw@a",
            "credentials belong in the token option",
        ),
        ("http://127.0.0.1:8080@evil.example", "credentials belong"),
        ("https://a/?x=1", "query or fragment"),
        ("https://a b", "whitespace"),
        ("https://a\\api", "backslashes"),
        (" https://a", "the scheme must be https"),
        ("http://[::1].evil.example", "the host or port is malformed"),
        ("http://[::1]x:80", "the host or port is malformed"),
        (&long_host, "the host or port is malformed"),
    ] {
        let err = base_url_error(input);
        assert_eq!(code(&err), "invalid_input", "{input}");
        let message = String::from(err.message());
        assert!(message.contains(want), "{input}: {message}");
    }
}

#[wasm_bindgen_test]
async fn a_loopback_spelling_reaches_the_stand_in() {
    reset().await;
    // The stand-in listens on 127.0.0.1: `127.1` is the same address to `fetch`.
    let base_url = STANDIN.replacen("127.0.0.1", "127.1", 1);
    assert_ne!(base_url, STANDIN);
    let c = client(json!({ "baseUrl": base_url }));
    assert_eq!(c.base_url(), base_url);
    let found = settle(c.find_runners("flux".into())).await.unwrap();
    assert!(!found.as_array().unwrap().is_empty());
    assert_eq!(api_requests().await.len(), 1);
}

#[wasm_bindgen_test]
fn options_are_validated_with_exact_messages() {
    let message = |extra: Value| {
        let mut options = json!({ "token": TOKEN });
        options
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let err = thrown(RunnerClient::new(js(&options)));
        assert_eq!(code(&err), "invalid_input");
        String::from(err.message())
    };
    for (extra, want) in [
        (json!({ "timeoutMs": 0 }), "timeoutMs must be a whole number from 1 to 600000, got 0"),
        (json!({ "maxRetries": 2.5 }), "maxRetries must be a whole number from 0 to 10, got 2.5"),
        (json!({ "perPage": 101 }), "perPage must be a whole number from 1 to 100, got 101"),
        (json!({ "cacheTtlMs": -1 }), "cacheTtlMs must be a whole number from 0 to 86400000, got -1"),
        (json!({ "maxConcurrency": 17 }), "maxConcurrency must be a whole number from 1 to 16, got 17"),
        (json!({ "token": "" }), "token must be a non-empty string"),
        (json!({ "timeoutMS": 5 }), "unknown options key \"timeoutMS\" (known: token, baseUrl, cacheTtlMs, timeoutMs, maxRetries, maxConcurrency, perPage, rateLimit, sources, onProgress)"),
        (json!({ "maxRetries": "3" }), "invalid options: maxRetries must be a number, got a string"),
        (json!({ "rateLimit": { "requests": 3 } }), "invalid options: missing rateLimit.windowMs"),
        (json!({ "rateLimit": { "requests": 3, "windowMs": 999 } }), "rateLimit.windowMs must be a whole number from 1000 to 60000, got 999"),
        (
            json!({ "rateLimit": { "requests": 12, "windowMs": 3000 } }),
            "rateLimit of 12 requests per 3000 ms lets up to 48 through in 10000 ms; \
             ComfyControl allows 40: use requests × ⌈10000 / windowMs⌉ ≤ 40",
        ),
        (json!({ "sources": [] }), r#"invalid sources: sources must name at least one of "managed", "self-hosted""#),
        (
            json!({ "sources": ["Managed"] }),
            r#"invalid sources: unknown runner source "Managed": expected "managed" or "self-hosted""#,
        ),
    ] {
        let got = message(extra.clone());
        assert!(got.starts_with(want), "{extra}: {got}");
    }
    // The token is scrubbed from every later message, whatever its shape.
    let options = json!({ "token": "secret-token", "baseUrl": "http://secret-token.example" });
    let err = thrown(RunnerClient::new(js(&options)));
    assert_eq!(code(&err), "insecure_url");
    let got = String::from(err.message());
    assert!(
        got.starts_with("refusing plain http to \"<redacted>.example\""),
        "{got}"
    );
    let client = RunnerClient::new(js(&json!({ "token": "cfc_secret_value" }))).unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("cfc_secret_value"), "{shown}");
}

/// The limits the glue enforces are the core's (`runner_match::limits`, `MAX_TAGS`):
/// the limit itself is accepted, one past it refused with the usual message.
#[wasm_bindgen_test]
async fn limits_are_the_cores() {
    use runner_match::limits::{
        MAX_BASE_URL_BYTES, MAX_CONCURRENCY, MAX_HOST_BYTES, MAX_WORKFLOW_PAGES,
    };
    use runner_match::MAX_TAGS;

    let concurrency =
        |n: u32| RunnerClient::new(js(&json!({ "token": TOKEN, "maxConcurrency": n })));
    assert!(concurrency(MAX_CONCURRENCY).is_ok());
    let err = thrown(concurrency(MAX_CONCURRENCY + 1));
    assert_eq!(
        String::from(err.message()),
        format!(
            "maxConcurrency must be a whole number from 1 to {MAX_CONCURRENCY}, got {}",
            MAX_CONCURRENCY + 1
        )
    );

    // A path up to the longest URL accepted, and a host of `bytes` bytes (labels of 63).
    let url_of = |bytes: usize| {
        let base = "https://api.example/";
        format!("{base}{}", "p".repeat(bytes - base.len()))
    };
    let host_of = |bytes: usize| {
        let labels: Vec<String> = (0..bytes.div_ceil(64)).map(|_| "a".repeat(63)).collect();
        let host = labels.join(".");
        format!("https://{}", &host[host.len() - bytes..])
    };
    for ok in [url_of(MAX_BASE_URL_BYTES), host_of(MAX_HOST_BYTES)] {
        let client = RunnerClient::new(js(&json!({ "token": TOKEN, "baseUrl": ok })));
        assert!(client.is_ok(), "{ok}");
    }
    let err = base_url_error(&url_of(MAX_BASE_URL_BYTES + 1));
    assert_eq!(
        String::from(err.message()),
        format!("baseUrl is longer than {MAX_BASE_URL_BYTES} bytes")
    );
    let err = base_url_error(&host_of(MAX_HOST_BYTES + 1));
    assert!(String::from(err.message()).ends_with("the host or port is malformed"));

    // Refused before any request: no stand-in needed.
    let c = RunnerClient::new(js(&json!({ "token": TOKEN, "baseUrl": STANDIN }))).unwrap();
    let options = js(&json!({ "maxPages": MAX_WORKFLOW_PAGES + 1 }));
    let err = settle(c.diagnose(Some(options))).await.unwrap_err();
    assert_eq!(code(&err), "invalid_input");
    assert_eq!(
        String::from(err.message()),
        format!(
            "maxPages must be a whole number from 1 to {MAX_WORKFLOW_PAGES}, got {}",
            MAX_WORKFLOW_PAGES + 1
        )
    );

    let tags = |n: usize| js(&json!((0..n).map(|i| format!("t{i}")).collect::<Vec<_>>()));
    assert!(match_runners(js(&json!([])), tags(MAX_TAGS)).is_ok());
    let err = thrown(match_runners(js(&json!([])), tags(MAX_TAGS + 1)));
    assert_eq!(code(&err), "invalid_input");
    let message = String::from(err.message());
    assert!(
        message.contains(&format!("more than {MAX_TAGS} tags")),
        "{message}"
    );
}

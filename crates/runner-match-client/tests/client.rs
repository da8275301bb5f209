//! The native client against the ComfyControl stand-in on 127.0.0.1: results, every
//! error code, retries with Retry-After, the request budget (on the stand-in's request
//! log), timeouts, the cache, progress, redirects and secrets.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use runner_match::{rank, Requirements, RetryPolicy, Runner};
use runner_match_client::{Client, ClientBuilder, ErrorCode, Progress, Source};
use serde_json::json;
use support::{peak_per_window, Standin, TOKEN, WRONG_TOKEN};

/// Retries that wait 1–2 ms instead of up to 500 ms (Retry-After still rules).
const FAST_RETRY: RetryPolicy = RetryPolicy {
    max_retries: 2,
    base_delay_ms: 2,
    max_delay_ms: 2,
};

/// A client of managed runners only, so that request counts are one listing's.
fn client(s: &Standin) -> ClientBuilder {
    Client::builder(TOKEN)
        .base_url(&s.url)
        .retry_policy(FAST_RETRY)
        .sources([Source::Managed])
}

fn req(text: &str) -> Requirements {
    text.parse().expect("valid requirements")
}

fn served_fleet(s: &Standin) -> Vec<Runner> {
    serde_json::from_value(s.fleet()["managed"].clone()).expect("the fleet decodes")
}

#[test]
fn find_explain_and_list_agree_with_the_core_over_the_served_fleet() {
    let s = Standin::start(&[]);
    let client = client(&s).per_page(10).build().unwrap();
    let fleet = served_fleet(&s);
    let list = client.list().unwrap();
    assert_eq!(list.len(), fleet.len());
    for query in [
        "gpu-a100, flux",
        "GPU-A100",
        "gpu-* & !development",
        "",
        "type:pro, sdxl",
    ] {
        let requirements = req(query);
        let ranking = client.find(&requirements).unwrap();
        let got: Vec<(&str, f64)> = ranking
            .matches()
            .iter()
            .map(|m| (m.runner.id.as_str(), m.score))
            .collect();
        let want: Vec<(&str, f64)> = rank(&fleet, &requirements)
            .iter()
            .map(|m| (m.runner.id.as_str(), m.score))
            .collect();
        assert_eq!(got, want, "{query:?}");
        let explained = client.explain(&requirements).unwrap();
        assert_eq!(
            explained.explanation().match_count(),
            want.len(),
            "{query:?}"
        );
    }
    // 36 runners at 10 a page: 4 pages, read once (the cache served the rest).
    let pages: Vec<u64> = s
        .api_requests()
        .iter()
        .map(|e| e["page"].as_u64().unwrap())
        .collect();
    let mut sorted = pages.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [1, 2, 3, 4]);
    assert_eq!(pages[0], 1, "page 1 goes first, alone");
}

#[test]
fn the_cache_lives_for_its_ttl_and_refresh_reads_again() {
    let s = Standin::start(&[]);
    let cached = client(&s).build().unwrap();
    cached.list().unwrap();
    cached.find(&req("flux")).unwrap();
    assert_eq!(s.api_requests().len(), 1);
    cached.refresh().unwrap();
    assert_eq!(s.api_requests().len(), 2);

    s.clear_requests();
    let uncached = client(&s).cache_ttl(Duration::ZERO).build().unwrap();
    uncached.list().unwrap();
    uncached.list().unwrap();
    assert_eq!(s.api_requests().len(), 2);
}

#[test]
fn progress_counts_runners_and_ends_at_the_total() {
    let s = Standin::start(&[]);
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let sink = seen.clone();
    let client = client(&s)
        .per_page(10)
        .on_progress(move |p| sink.lock().unwrap().push(p))
        .build()
        .unwrap();
    client.list().unwrap();
    let seen = seen.lock().unwrap();
    assert!(seen.len() >= 4, "one call per page: {seen:?}");
    assert_eq!(
        seen[0],
        Progress {
            loaded: 10,
            total: 36
        }
    );
    assert_eq!(
        *seen.last().unwrap(),
        Progress {
            loaded: 36,
            total: 36
        }
    );
    assert!(
        seen.windows(2).all(|w| w[0].loaded <= w[1].loaded),
        "{seen:?}"
    );
}

#[test]
fn http_statuses_map_to_codes_and_only_transient_ones_are_retried() {
    let s = Standin::start(&[]);
    // (fault, code, status, requests made: 1 + retries)
    let cases = [
        (json!({"status": 404}), ErrorCode::Http, Some(404), 1),
        (
            json!({"status": 400, "message": "per_page is wrong"}),
            ErrorCode::Http,
            Some(400),
            1,
        ),
        (
            json!({"status": 503, "times": "always"}),
            ErrorCode::Server,
            Some(503),
            3,
        ),
        (
            json!({"status": 429, "retryAfter": "0", "times": "always"}),
            ErrorCode::RateLimited,
            Some(429),
            3,
        ),
        (
            json!({"body": "{\"runners\":[{\"id\":"}),
            ErrorCode::Decode,
            None,
            1,
        ),
        (json!({"body": {"items": []}}), ErrorCode::Decode, None, 1),
    ];
    for (fault, code, status, requests) in cases {
        s.clear_requests();
        s.faults(json!([fault.clone()]));
        let err = client(&s).build().unwrap().list().unwrap_err();
        assert_eq!((err.code(), err.status()), (code, status), "{fault}: {err}");
        assert_eq!(s.api_requests().len(), requests, "{fault}: {err}");
        s.control_reset();
    }
}

#[test]
fn unauthorized_and_forbidden_say_what_to_do() {
    let s = Standin::start(&[]);
    let err = Client::builder(WRONG_TOKEN)
        .base_url(&s.url)
        .build()
        .unwrap()
        .list()
        .unwrap_err();
    assert_eq!(
        (err.code(), err.status()),
        (ErrorCode::Unauthorized, Some(401))
    );
    assert!(err.message().contains("check the API token"), "{err}");
    assert!(!err.to_string().contains(WRONG_TOKEN));

    s.configure(json!({"tier": "free"}));
    let err = client(&s).build().unwrap().list().unwrap_err();
    assert_eq!(
        (err.code(), err.status()),
        (ErrorCode::Forbidden, Some(403))
    );
    assert!(err.message().contains("Pro or Plus"), "{err}");
}

#[test]
fn network_timeout_and_configuration_errors() {
    // Nothing listens on a port that was free a moment ago.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = Client::builder(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(FAST_RETRY)
        .build()
        .unwrap()
        .list()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Network, "{err}");
    assert!(err.message().contains("gave up after 2 retries"), "{err}");

    let s = Standin::start(&[]);
    s.faults(json!([{"hang": true, "times": "always"}]));
    let started = Instant::now();
    let err = client(&s)
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .build()
        .unwrap()
        .list()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Timeout, "{err}");
    assert!(err.message().contains("within 200 ms"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the timeout bounds each attempt"
    );
    assert_eq!(s.api_requests().len(), 2, "one retry after the timeout");

    let err = Client::builder("").build().unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotConfigured);
    let err = Client::builder(TOKEN).per_page(0).build().unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(err.message(), "per_page must be from 1 to 100, got 0");
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_any_connection() {
    // 0.0.0.0 reaches this machine's listeners, but it is not a loopback address, so
    // the token would go out unencrypted were it a real remote host.
    let listener = TcpListener::bind("0.0.0.0:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    for url in [
        format!("http://0.0.0.0:{port}"),
        "http://api.comfycontrol.app".to_owned(),
        "http://10.0.0.1:8080".to_owned(),
    ] {
        let err = Client::builder(TOKEN).base_url(&url).build().unwrap_err();
        assert_eq!(err.code(), ErrorCode::InsecureUrl, "{url}: {err}");
    }
    assert!(listener.accept().is_err(), "no connection was made");
    // The check can fail: a connection to that address does reach the listener.
    std::net::TcpStream::connect(("0.0.0.0", port)).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    assert!(listener.accept().is_ok());
}

#[test]
fn retry_after_is_honoured() {
    let s = Standin::start(&[]);
    s.faults(json!([{"status": 503, "retryAfter": "1"}]));
    let runners = client(&s).build().unwrap().list().unwrap();
    assert_eq!(runners.len(), 36);
    let log = s.api_requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["status"], 503);
    let gap = log[1]["time"].as_u64().unwrap() - log[0]["time"].as_u64().unwrap();
    assert!(gap >= 1000, "waited {gap} ms, Retry-After said 1 s");

    // A 429 pauses every request for its Retry-After, not just the one that got it.
    s.clear_requests();
    s.faults(json!([{"page": 2, "status": 429, "retryAfter": "1"}]));
    let client = client(&s).per_page(5).concurrency(4).build().unwrap();
    assert_eq!(client.list().unwrap().len(), 36);
    let log = s.api_requests();
    let limited = log.iter().position(|e| e["status"] == 429).unwrap();
    let at = log[limited]["time"].as_u64().unwrap();
    let answered = at + log[limited]["ms"].as_u64().unwrap();
    let later: Vec<u64> = log[limited + 1..]
        .iter()
        .map(|e| e["time"].as_u64().unwrap())
        .filter(|&t| t > answered + 50)
        .collect();
    assert!(!later.is_empty());
    assert!(later.iter().all(|&t| t >= at + 1000), "{log:?}");
}

#[test]
fn the_budget_holds_on_the_servers_log() {
    let s = Standin::start(&[]);
    // The stand-in enforces the same limit: a single 429 would show in the log.
    // 4 per second is the loosest one-second budget a client accepts (40 per 10 s).
    s.configure(json!({"rateLimit": {"limit": 4, "windowMs": 1000, "cooldownMs": 1000}}));
    let client = client(&s)
        .per_page(3)
        .concurrency(8)
        .rate_limit(4, Duration::from_millis(1000))
        .build()
        .unwrap();
    assert_eq!(client.list().unwrap().len(), 36);
    let log = s.api_requests();
    assert_eq!(log.len(), 12, "36 runners, 3 a page");
    assert!(log.iter().all(|e| e["status"] == 200), "{log:?}");
    assert_eq!(peak_per_window(&log, 1000), 4);
}

#[test]
fn redirects_are_not_followed_so_the_token_stays_home() {
    // A server answering 302 to a second server; the second must see nothing.
    let elsewhere = TcpListener::bind("127.0.0.1:0").unwrap();
    elsewhere.set_nonblocking(true).unwrap();
    let target = elsewhere.local_addr().unwrap();
    let redirector = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", redirector.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = redirector.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf);
        let answer = format!(
            "HTTP/1.1 302 Found\r\nLocation: http://{target}/v1/managed-runner\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(answer.as_bytes()).unwrap();
    });
    let err = Client::builder(TOKEN)
        .base_url(&url)
        .sources([Source::Managed])
        .build()
        .unwrap()
        .list()
        .unwrap_err();
    server.join().unwrap();
    assert_eq!(
        (err.code(), err.status()),
        (ErrorCode::Http, Some(302)),
        "{err}"
    );
    assert!(
        err.message().contains("unexpected redirect (HTTP 302)"),
        "{err}"
    );
    assert!(
        elsewhere.accept().is_err(),
        "the redirect target got a connection"
    );
}

#[test]
fn the_token_appears_in_no_error_and_no_debug_output() {
    let s = Standin::start(&[]);
    // A server echoing the token in its error message.
    s.faults(json!([{"status": 400, "message": format!("bad header Bearer {TOKEN}")}]));
    let client = client(&s).build().unwrap();
    let err = client.list().unwrap_err();
    for text in [err.to_string(), format!("{err:?}"), format!("{client:?}")] {
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
    }
    assert!(err.message().contains("<redacted>"), "{err}");
}

#[test]
fn pages_after_the_first_are_read_concurrently() {
    let s = Standin::start(&[]);
    s.faults(json!([{"delayMs": 300, "times": "always"}]));
    let client = client(&s).per_page(10).concurrency(4).build().unwrap();
    assert_eq!(client.list().unwrap().len(), 36);
    let log = s.api_requests();
    let open_at = |i: usize| {
        let t = log[i]["time"].as_u64().unwrap();
        log.iter()
            .filter(|e| {
                let start = e["time"].as_u64().unwrap();
                start <= t && t < start + e["ms"].as_u64().unwrap()
            })
            .count()
    };
    assert_eq!(log[0]["page"], 1);
    assert_eq!(open_at(0), 1, "page 1 goes alone");
    let most = (0..log.len()).map(open_at).max().unwrap();
    assert_eq!(most, 3, "pages 2–4 at once: {log:?}");
}

#[test]
fn a_request_holds_its_budget_slot_until_its_answer() {
    let s = Standin::start(&[]);
    // 2 requests per second; page 2 takes 1.5 s to answer. Counting requests when they
    // start would let page 4 go once page 2's start left the window; holding the slot
    // until the answer keeps it back.
    s.faults(json!([{"page": 2, "delayMs": 1500}]));
    let client = client(&s)
        .per_page(10)
        .concurrency(4)
        .rate_limit(2, Duration::from_millis(1000))
        .build()
        .unwrap();
    assert_eq!(client.list().unwrap().len(), 36);
    let log = s.api_requests();
    assert_eq!(log.len(), 4);
    // Each request occupies a slot from its start until a window after its answer. The
    // stand-in stamps a request's end when its response closes, which a loaded machine can
    // delay past the moment the client had the answer: 200 ms of slack absorbs that, while
    // a budget that freed page 2's slot at its start would send page 4 while page 2 was
    // still pending, 500 ms or more inside the window.
    const SLACK_MS: u64 = 200;
    for (i, entry) in log.iter().enumerate() {
        let t = entry["time"].as_u64().unwrap();
        let occupied = log
            .iter()
            .enumerate()
            .filter(|(j, e)| {
                let start = e["time"].as_u64().unwrap();
                *j != i && start <= t && t + SLACK_MS < start + e["ms"].as_u64().unwrap() + 1000
            })
            .count();
        assert!(
            occupied < 2,
            "page {} started with {occupied} slots taken: {log:?}",
            entry["page"]
        );
    }
}

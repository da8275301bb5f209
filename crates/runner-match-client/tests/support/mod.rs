//! The ComfyControl stand-in (`standin/server.mjs`, Node) on 127.0.0.1 for the native
//! client's and the CLI's integration tests: one server per test, driven through its
//! control API (`/__standin/…`), killed on drop.
#![allow(dead_code)] // each test file uses a different part

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

/// The token the stand-ins accept; it must never show up in any output.
pub const TOKEN: &str = "cfc_SECRET_do_not_leak_123";
/// A token the stand-ins reject (401); it must never show up either.
pub const WRONG_TOKEN: &str = "cfc_WRONG_do_not_leak_456";

/// The repository root.
pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running stand-in.
pub struct Standin {
    child: Child,
    pub url: String,
}

impl Standin {
    /// Starts `node standin/server.mjs --port 0` accepting [`TOKEN`], with `args`.
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new("node")
            .arg(repo_dir().join("standin/server.mjs"))
            .args(["--port", "0", "--token", TOKEN])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs standin/server.mjs (Node 20 is on PATH)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("the stand-in prints its URL");
        let url = line.trim().to_owned();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "stand-in said {url:?}"
        );
        Self { child, url }
    }

    fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let url = format!("{}/__standin/{path}", self.url);
        let mut response = match (method, body) {
            ("GET", _) => agent.get(&url).call(),
            ("POST", Some(body)) => agent.post(&url).send(body.to_string()),
            ("POST", None) => agent.post(&url).send_empty(),
            ("PUT", Some(body)) => agent.put(&url).send(body.to_string()),
            ("DELETE", _) => agent.delete(&url).call(),
            _ => unreachable!("{method}"),
        }
        .expect("the control API answers");
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        assert!(status < 300, "{method} {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Appends faults (see standin/README.md).
    pub fn faults(&self, faults: Value) {
        self.control("POST", "faults", Some(faults));
    }

    /// Changes the configuration (`tier`, `rateLimit`, …).
    pub fn configure(&self, patch: Value) {
        self.control("PUT", "config", Some(patch));
    }

    /// Replaces the fleet (`[...]` managed runners, or `{managed, selfHosted}`).
    pub fn set_fleet(&self, spec: Value) {
        self.control("PUT", "fleet", Some(spec));
    }

    /// The fleet as served: `{managed: [...], selfHosted: [...]}`.
    pub fn fleet(&self) -> Value {
        self.control("GET", "fleet", None)
    }

    /// Replaces the workflow listing (an array, or `{generate: N, seed}`).
    pub fn set_workflows(&self, spec: Value) {
        self.control("PUT", "workflows", Some(spec));
    }

    /// The workflows as served: `{workflows: [...]}`.
    pub fn workflows(&self) -> Value {
        self.control("GET", "workflows", None)
    }

    /// The API requests of the log (`GET /v1/…`), in arrival order.
    pub fn api_requests(&self) -> Vec<Value> {
        let log = self.control("GET", "requests", None);
        log["requests"]
            .as_array()
            .expect("a request list")
            .iter()
            .filter(|entry| entry["kind"] == "api")
            .cloned()
            .collect()
    }

    /// Clears the log and the faults, restores the fleet and the configuration.
    pub fn control_reset(&self) {
        self.control("POST", "reset", None);
    }

    /// Clears the log.
    pub fn clear_requests(&self) {
        self.control("DELETE", "requests", None);
    }
}

impl Drop for Standin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The most log entries whose arrival `time` falls in any window `[t, t + window_ms)`.
pub fn peak_per_window(log: &[Value], window_ms: u64) -> usize {
    let times: Vec<u64> = log
        .iter()
        .map(|e| e["time"].as_u64().expect("a time"))
        .collect();
    (0..times.len())
        .map(|i| {
            times
                .iter()
                .filter(|&&t| t >= times[i] && t < times[i] + window_ms)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// A small fleet: `(name, tags, status)` managed runners, newest first.
pub fn small_fleet(runners: &[(&str, &[&str], &str)]) -> Value {
    let list: Vec<Value> = runners
        .iter()
        .enumerate()
        .map(|(i, (name, tags, status))| {
            json!({
                "id": format!("00000000-0000-4000-8000-{:012}", i + 1),
                "name": name,
                "runner_type": "pro",
                "status": status,
                "tags": tags,
                "created_at": format!("2025-01-{:02}T00:00:00Z", 28 - i),
                "updated_at": "2025-02-01T00:00:00Z",
            })
        })
        .collect();
    Value::Array(list)
}

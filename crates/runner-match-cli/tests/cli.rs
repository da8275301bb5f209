//! The `runner-match` binary against the stand-in on 127.0.0.1: exit codes, the human
//! table (piped: no colour; on a pseudo-terminal: colour unless `NO_COLOR`), the
//! progress bar, errors that say what to do, and secrets in no output.

#[path = "../../runner-match-client/tests/support/mod.rs"]
mod support;

use std::net::TcpListener;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::json;
use support::{small_fleet, Standin, TOKEN, WRONG_TOKEN};

const BINARY: &str = env!("CARGO_BIN_EXE_runner-match");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().expect("exited, not killed"),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        }
    }
}

/// Runs the binary with `args`, `CFC_TOKEN=token` (unless `None`), piped output.
fn run_with(token: Option<&str>, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(BINARY);
    command.args(args).env_clear().envs(env.iter().copied());
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    if let Some(token) = token {
        command.env("CFC_TOKEN", token);
    }
    let run: Run = command.output().expect("the binary runs").into();
    for text in [&run.stdout, &run.stderr] {
        assert!(
            !text.contains(TOKEN) && !text.contains(WRONG_TOKEN),
            "{text}"
        );
    }
    run
}

fn run(s: &Standin, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend(["--base-url", &s.url]);
    run_with(Some(TOKEN), &all, &[])
}

/// Three managed runners and no self-hosted ones: a table small enough to spell out.
fn small_standin() -> Standin {
    let s = Standin::start(&[]);
    s.set_fleet(json!({
        "managed": small_fleet(&[
            ("A100 flux", &["gpu-a100", "flux"], "active"),
            ("A100 flux eu", &["gpu-a100", "flux", "eu-west"], "active"),
            ("H100 video", &["gpu-h100", "video"], "active"),
            ("A100 off", &["gpu-a100", "flux"], "disabled"),
        ]),
        "selfHosted": [],
    }));
    s
}

#[test]
fn exit_codes_for_matches_and_misses() {
    let s = small_standin();
    let found = run(&s, &["find", "gpu-a100"]);
    assert_eq!(found.code, 0, "{}", found.stderr);
    let missed = run(&s, &["find", "gpu-a100", "video"]);
    assert_eq!(missed.code, 1, "{}", missed.stderr);
    assert!(
        missed.stdout.contains("No runner can run"),
        "{}",
        missed.stdout
    );
    assert_eq!(run(&s, &["explain", "gpu-a100,flux"]).code, 0);
    let why = run(&s, &["explain", "GPU-A100"]);
    assert_eq!(why.code, 1);
    assert!(
        why.stdout.contains("Tags are case-sensitive"),
        "{}",
        why.stdout
    );
    assert_eq!(run(&s, &["list"]).code, 0);
    assert_eq!(run(&s, &["diagnose"]).code, 0);
}

#[test]
fn tags_split_by_the_shell_are_one_list() {
    let s = small_standin();
    // `find gpu-a100, flux` arrives as `gpu-a100,` and `flux`: the same as one argument.
    let split = run(&s, &["find", "gpu-a100,", "flux", "--json"]);
    let whole = run(&s, &["find", "gpu-a100, flux", "--json"]);
    assert_eq!((split.code, whole.code), (0, 0), "{}", split.stderr);
    assert_eq!(split.stdout, whole.stdout);
    let names: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(&split.stdout)
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["A100 flux", "A100 flux eu"]);
    // Separate words are separate tags too, and a trailing comma at the very end is
    // still the empty-tag error it is everywhere else.
    assert_eq!(run(&s, &["find", "gpu-a100", "flux"]).code, 0);
    assert_eq!(run(&s, &["find", "gpu-a100,"]).code, 2);
}

#[test]
fn usage_errors_exit_2_before_any_request() {
    let s = small_standin();
    let no_token = run_with(None, &["find", "flux", "--base-url", &s.url], &[]);
    assert_eq!(no_token.code, 2);
    assert!(
        no_token.stderr.contains("CFC_TOKEN is not set"),
        "{}",
        no_token.stderr
    );
    assert_eq!(no_token.stdout, "");

    let blank = run_with(Some("  "), &["list", "--base-url", &s.url], &[]);
    assert_eq!(blank.code, 2);

    for args in [
        vec!["find", "gpu-* & (flux"],
        vec!["find", "a,,b"],
        vec!["list", "--sources", "managed,nope"],
        vec!["list", "--timeout", "0"],
        vec!["find"],
        vec!["frobnicate"],
        vec!["list", "--token", "x"],
    ] {
        let result = run(&s, &args);
        assert_eq!(result.code, 2, "{args:?}: {}", result.stderr);
        assert_eq!(result.stdout, "", "{args:?}");
    }
    assert!(s.api_requests().is_empty(), "bad input made a request");
}

#[test]
fn plain_http_to_a_remote_host_exits_2_before_any_connection() {
    let listener = TcpListener::bind("0.0.0.0:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://0.0.0.0:{}", listener.local_addr().unwrap().port());
    let result = run_with(Some(TOKEN), &["list", "--base-url", &url], &[]);
    assert_eq!(result.code, 2, "{}", result.stderr);
    assert!(
        result.stderr.contains("refusing plain http"),
        "{}",
        result.stderr
    );
    assert!(
        result.stderr.contains("hint: use an https://"),
        "{}",
        result.stderr
    );
    assert!(listener.accept().is_err(), "a connection was made");
}

#[test]
fn api_errors_exit_3_and_say_what_to_do() {
    let s = small_standin();
    let wrong = run_with(
        Some(WRONG_TOKEN),
        &["find", "flux", "--base-url", &s.url],
        &[],
    );
    assert_eq!(wrong.code, 3);
    assert!(
        wrong.stderr.contains("hint: check CFC_TOKEN"),
        "{}",
        wrong.stderr
    );

    let free = run_with(
        Some("cfc_free_demo"),
        &["list", "--sources", "managed", "--base-url", &s.url],
        &[],
    );
    assert_eq!(free.code, 3);
    assert!(free.stderr.contains("Pro or Plus"), "{}", free.stderr);
    assert!(
        free.stderr.contains("--sources self-hosted"),
        "{}",
        free.stderr
    );

    s.faults(json!([{"status": 503, "retryAfter": "0", "times": "always"}]));
    let down = run(&s, &["find", "flux", "--json"]);
    assert_eq!(down.code, 3);
    assert_eq!(down.stdout, "");
    let error: serde_json::Value = serde_json::from_str(&down.stderr).unwrap();
    assert_eq!(
        (
            error["error"]["code"].as_str(),
            error["error"]["status"].as_u64()
        ),
        (Some("server"), Some(503))
    );
    s.control_reset();

    s.faults(json!([{"hang": true, "times": "always"}]));
    let started = Instant::now();
    let slow = run(&s, &["list", "--sources", "managed", "--timeout", "0.2"]);
    assert_eq!(slow.code, 3, "{}", slow.stderr);
    assert!(slow.stderr.contains("within 200 ms"), "{}", slow.stderr);
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[test]
fn a_free_tier_gets_its_own_runners_with_a_note() {
    let s = Standin::start(&["--self-hosted", "demo"]);
    let free = run_with(Some("cfc_free_demo"), &["list", "--base-url", &s.url], &[]);
    assert_eq!(free.code, 0, "{}", free.stderr);
    assert!(
        free.stderr
            .contains("note: the account's tier has no managed runners"),
        "{}",
        free.stderr
    );
    assert!(
        free.stdout
            .lines()
            .skip(1)
            .all(|l| l.contains("self-hosted") || l.ends_with(" runners")),
        "{}",
        free.stdout
    );
}

#[test]
fn the_table_piped_has_its_rows_and_no_colour() {
    let s = small_standin();
    let result = run_with(
        Some(TOKEN),
        &["find", "gpu-a100", "--base-url", &s.url],
        // Even a terminal-ish environment does not colour a pipe.
        &[("TERM", "xterm-256color"), ("CLICOLOR_FORCE", "1")],
    );
    assert_eq!(result.code, 0);
    assert!(!result.stdout.contains('\x1b') && !result.stderr.contains('\x1b'));
    assert_eq!(
        result.stdout,
        "\
SCORE            RUNNER        TYPE  SOURCE   FIT       MATCHED   EXTRA
████████░░ 0.83  A100 flux     pro   managed  superset  gpu-a100  flux
████████░░ 0.75  A100 flux eu  pro   managed  superset  gpu-a100  flux,eu-west
2 runners can run it
"
    );
    let list = run(&s, &["list"]);
    assert_eq!(
        list.stdout,
        "\
RUNNER        TYPE  SOURCE   STATUS    TAGS
A100 flux     pro   managed  active    gpu-a100,flux
A100 flux eu  pro   managed  active    gpu-a100,flux,eu-west
H100 video    pro   managed  active    gpu-h100,video
A100 off      pro   managed  disabled  gpu-a100,flux
4 runners
"
    );
}

/// Runs the binary on a pseudo-terminal (util-linux `script`): stdout and stderr both
/// go to the terminal, and come back merged.
fn on_a_terminal(s: &Standin, args: &str, env: &[(&str, &str)]) -> String {
    let command = format!("{BINARY} {args} --base-url {}", s.url);
    let output = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("CFC_TOKEN", TOKEN)
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .output()
        .expect("util-linux script runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(!text.contains(TOKEN));
    text
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let s = small_standin();
    let coloured = on_a_terminal(&s, "find gpu-a100", &[]);
    assert!(coloured.contains("\x1b[32mgpu-a100\x1b[0m"), "{coloured:?}");
    let plain = on_a_terminal(&s, "find gpu-a100", &[("NO_COLOR", "1")]);
    assert!(plain.contains("A100 flux eu"), "{plain:?}");
    assert!(!plain.contains("\x1b["), "{plain:?}");
}

#[test]
fn a_slow_read_shows_a_progress_bar_on_a_terminal_only() {
    let s = small_standin();
    s.faults(json!([{"path": "/v1/managed-runner", "delayMs": 1600, "times": 2}]));
    let terminal = on_a_terminal(&s, "list", &[]);
    assert!(terminal.contains("reading runners"), "{terminal:?}");
    assert!(terminal.contains("A100 flux eu"), "{terminal:?}");
    let piped = run(&s, &["list"]);
    assert!(
        !piped.stderr.contains("reading runners"),
        "{}",
        piped.stderr
    );
}

#[test]
fn secrets_stay_out_of_every_output() {
    let s = Standin::start(&["--self-hosted", "demo"]);
    let secrets: Vec<String> = {
        let fleet = s.fleet();
        let mut found = Vec::new();
        for runner in fleet["selfHosted"].as_array().unwrap() {
            // Credential-looking header values (not `X-Team: studio`), and the
            // credentials in endpoints (user info, a `token=` query); `list --json`
            // shows endpoints without them, as the JS package's `listRunners` does.
            for value in runner["headers"].as_object().unwrap().values() {
                let value = value.as_str().unwrap();
                if value.len() >= 12 {
                    found.push(value.to_owned());
                }
            }
            let endpoint = runner["endpoint"].as_str().unwrap();
            if let Some((userinfo, _)) = endpoint.split_once('@') {
                found.push(userinfo.rsplit(':').next().unwrap().to_owned());
            }
            if let Some((_, query)) = endpoint.split_once("token=") {
                found.push(query.to_owned());
            }
        }
        found
    };
    assert!(
        secrets.len() >= 7,
        "the demo fleet has secret-looking values: {secrets:?}"
    );
    let mut outputs = Vec::new();
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["find", "flux", "--json"],
        vec!["find", "gpu-rtx4090"],
        vec!["explain", "gpu-h100", "--json"],
        vec!["diagnose"],
        vec!["--help"],
    ] {
        let result = run(&s, &args);
        outputs.push(result.stdout);
        outputs.push(result.stderr);
    }
    s.faults(json!([{"status": 400, "message": format!("echo {TOKEN}")}]));
    let echoed = run(&s, &["list"]);
    assert_eq!(echoed.code, 3);
    assert!(echoed.stderr.contains("<redacted>"), "{}", echoed.stderr);
    for text in &outputs {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{secret} in {text}");
        }
    }
}

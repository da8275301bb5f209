//! Replays the checked-in fuzz corpus (`fuzz/corpus/<target>/`) through the same target
//! functions the cargo-fuzz targets call, on stable and without a fuzzing engine, so the
//! targets keep compiling and every input the fuzzer ever kept (crashes included, once
//! reported and fixed) stays a regression test.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target)
}

/// Runs `run` on every file of the target's corpus; fails if the directory is missing
/// or empty, and names every input that panics.
fn replay(target: &str, run: fn(&[u8])) {
    let dir = corpus_dir(target);
    let entries = fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("corpus {} is missing: {err}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "corpus {} is empty", dir.display());
    let mut failed = Vec::new();
    for path in &files {
        let data = fs::read(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        if catch_unwind(AssertUnwindSafe(|| run(&data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} {target} corpus inputs failed:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
    println!("{target}: replayed {} corpus inputs", files.len());
}

#[test]
fn decode_page_corpus() {
    replay("decode_page", runner_match_fuzz::decode_page);
}

#[test]
fn parse_requirements_corpus() {
    replay("parse_requirements", runner_match_fuzz::parse_requirements);
}

#[test]
fn differential_corpus() {
    replay("differential", runner_match_fuzz::differential);
}

/// The targets must accept the empty input and random-looking bytes without panicking.
#[test]
fn degenerate_inputs() {
    let noise: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    for data in [&b""[..], &[0], &[0xff; 64], &noise] {
        runner_match_fuzz::decode_page(data);
        runner_match_fuzz::parse_requirements(data);
        runner_match_fuzz::differential(data);
    }
}

/// Hand-written inputs that each exercise one contract, kept here so that a failure
/// names the case.
#[test]
fn hand_written_regressions() {
    // A self-hosted runner: headers never serialize, the runner comes back managed.
    runner_match_fuzz::decode_page(
        br#"{"id":"s","name":"s","status":"active","tags":[],"user_id":"u",
        "endpoint":"http://127.0.0.1:8188","headers":{"Authorization":"Bearer x"},
        "created_at":"2024-01-10T09:00:00.5+01:00","updated_at":"2023-12-31T23:59:60Z"}"#,
    );
    // Timestamps the reference and the core must read alike.
    for text in [
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:60.999999999999-23:59",
        "2024-02-29 12:00:00z",
        "2023-02-29T00:00:00Z",
    ] {
        runner_match_fuzz::decode_page(text.as_bytes());
    }
    for text in [
        "a,,b",
        "gpu & (flux | )",
        "\"unterminated",
        "\"a\\nb\"",
        "gpu a100, flux",
        "type:pro, !type:*",
        "a\u{a0},\u{2003}b",
        "日? | *ü",
        "!(a, b) | c",
    ] {
        runner_match_fuzz::parse_requirements(text.as_bytes());
    }
    // mode 0x22: generated expression with preferences, over two runners:
    // an active pro runner tagged gpu+flux, and an untagged active runner.
    let mut data = vec![0x22, 2, 8, 0, 2, 0, 2, 0, 0, 0];
    data.extend([2, 0x00, 0x65]); // prefer gpu ×1, prefer flux ×3
    data.extend([5, 0, 0, 6, 0, 8, 2, 4]); // gpu & (flux | GPU)
    runner_match_fuzz::differential(&data);
    // mode 3: raw expression text.
    let mut data = vec![3, 1, 0, 0, 1, 2];
    data.extend(b"flux & !dev, type:p*");
    runner_match_fuzz::differential(&data);
}

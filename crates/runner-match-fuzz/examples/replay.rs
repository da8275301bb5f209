//! Runs one fuzz target over files or directories on stable, without a fuzzing engine:
//! reproduces a crash artifact, or finds the slowest inputs of a corpus.
//!
//! ```text
//! cargo run --release -p runner-match-fuzz --example replay -- <target> <file or dir>...
//! ```
//!
//! Prints each input's time (slowest last); a panicking input stops the run with the
//! panic message, like the fuzzer would.

use std::path::PathBuf;
use std::time::{Duration, Instant};
use std::{env, fs, process};

fn main() {
    let mut args = env::args().skip(1);
    let target = args.next().unwrap_or_default();
    let run: fn(&[u8]) = match target.as_str() {
        "decode_page" => runner_match_fuzz::decode_page,
        "parse_requirements" => runner_match_fuzz::parse_requirements,
        "differential" => runner_match_fuzz::differential,
        _ => {
            eprintln!("usage: replay <decode_page|parse_requirements|differential> <path>...");
            process::exit(2);
        }
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for arg in args {
        let path = PathBuf::from(arg);
        match fs::read_dir(&path) {
            Ok(entries) => files.extend(entries.filter_map(|e| Some(e.ok()?.path()))),
            Err(_) => files.push(path),
        }
    }
    let mut times: Vec<(Duration, PathBuf)> = Vec::new();
    for path in files {
        let data = fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let start = Instant::now();
        run(&data);
        times.push((start.elapsed(), path));
    }
    times.sort();
    let total: Duration = times.iter().map(|(t, _)| *t).sum();
    for (time, path) in times.iter().rev().take(10).rev() {
        println!("{:>10.3?} {}", time, path.display());
    }
    println!("{} inputs in {total:.3?}", times.len());
}

//! Explains, for the embedded sample fleet (the stand-in server's default fleet), why
//! each runner can or cannot run a workflow with the requirement given on the command
//! line: a tag list or an expression, with optional weighted preferences.
//! No token, no network.
//!
//! ```text
//! cargo run -p runner-match --example explain -- GPU-A100, flux
//! cargo run -p runner-match --example explain -- 'gpu-h100 & eu-west & video'
//! cargo run -p runner-match --example explain -- flux --prefer gpu-h100=3 --avoid development=2
//! ```

use runner_match::{explain, PreferenceKind, Preferences, RequirementError, Requirements, Runner};

const SAMPLE_FLEET: &str = include_str!("../../../standin/fleet.json");

fn main() {
    let requirements = match parse_args(std::env::args().skip(1)) {
        Ok(req) => req,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(2);
        }
    };
    let fleet: Vec<Runner> = match runner_match::json::decode(SAMPLE_FLEET) {
        Ok(fleet) => fleet,
        Err(err) => {
            eprintln!("error: the embedded fleet does not decode: {err}");
            std::process::exit(1);
        }
    };
    println!("{}", explain(&fleet, &requirements));
}

/// The requirement words joined by spaces, then `--prefer KEY=WEIGHT` and
/// `--avoid KEY=WEIGHT` options anywhere.
fn parse_args(args: impl Iterator<Item = String>) -> Result<Requirements, String> {
    let mut words: Vec<String> = Vec::new();
    let mut preferences = Preferences::new();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let kind = match arg.as_str() {
            "--prefer" => PreferenceKind::Prefer,
            "--avoid" => PreferenceKind::Avoid,
            _ => {
                words.push(arg);
                continue;
            }
        };
        let spec = args.next().ok_or(format!("{arg} needs KEY=WEIGHT"))?;
        let (key, weight) = spec
            .rsplit_once('=')
            .ok_or(format!("{arg} {spec}: expected KEY=WEIGHT"))?;
        let weight: f64 = weight
            .parse()
            .map_err(|_| format!("{arg} {spec}: {weight:?} is not a number"))?;
        preferences
            .add(kind, key, weight)
            .map_err(|err| err.to_string())?;
    }
    let requirements: Requirements = words
        .join(" ")
        .parse()
        .map_err(|err: RequirementError| err.render())?;
    Ok(requirements.with_preferences(preferences))
}

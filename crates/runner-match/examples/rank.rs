//! Ranks the embedded sample fleet (the stand-in server's default fleet) for the tags
//! given on the command line, and prints a table. No token, no network.
//!
//! ```text
//! cargo run -p runner-match --example rank -- gpu-a100, flux
//! ```

use runner_match::{rank, Fit, Requirements, Runner};

const SAMPLE_FLEET: &str = include_str!("../../../standin/fleet.json");

fn main() {
    let input = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    let requirements: Requirements = match input.parse() {
        Ok(req) => req,
        Err(err) => {
            eprintln!("error: {err}");
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
    let ranked = rank(&fleet, &requirements);
    let wanted = if requirements.is_wildcard() {
        "no tags (any runner)".to_owned()
    } else {
        format!("[{requirements}]")
    };
    println!(
        "{} of {} runners can run a workflow tagged {wanted}\n",
        ranked.len(),
        fleet.len()
    );
    if ranked.is_empty() {
        println!("Nothing matches. Try fewer tags; tags are case-sensitive.");
        return;
    }
    println!(
        "{:>5}  {:<28} {:<5} {:<10} tags",
        "score", "name", "type", "fit"
    );
    for m in &ranked {
        let fit = match m.fit {
            Fit::Exact => "exact".to_owned(),
            Fit::Superset { extra_tags } => format!("+{extra_tags} extra"),
            Fit::WildcardRunner => "wildcard".to_owned(),
        };
        let kind = m.runner.runner_type.as_ref().map_or("-", |t| t.as_str());
        println!(
            "{:>5.3}  {:<28} {:<5} {:<10} {}",
            m.score,
            m.runner.name,
            kind,
            fit,
            m.runner.tags.join(", ")
        );
    }
    if !requirements.is_wildcard() {
        println!("\nTry: make demo TAGS='gpu-h100, video'   (tags are comma-separated)");
    }
}

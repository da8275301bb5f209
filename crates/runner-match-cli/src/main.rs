//! `runner-match`: which ComfyControl runner can run this workflow, and why not?
//!
//! The token comes from the `CFC_TOKEN` environment variable only. See `--help` for the
//! commands and exit codes.

mod args;
mod json;
mod progress;
mod table;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use runner_match::Requirements;
use runner_match::SourceState;
use runner_match_client::{Client, DiagnoseOptions, Error, ErrorCode, LoadedPool};

use crate::args::{Cli, Command};
use crate::table::Style;

/// Exit code: some runner can run it (or the command succeeded).
const EXIT_OK: u8 = 0;
/// Exit code: no runner can run it (`find`, `explain`).
const EXIT_NO_RUNNER: u8 = 1;
/// Exit code: usage error or bad input (missing `CFC_TOKEN`, bad tags, bad URL).
const EXIT_USAGE: u8 = 2;
/// Exit code: the API or the network failed.
const EXIT_API: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            report(&cli, &error);
            ExitCode::from(exit_code(&error))
        }
    }
}

fn run(cli: &Cli) -> Result<u8, Error> {
    // Parse the tags before reading the token or the network: bad input costs nothing.
    let requirements = match &cli.command {
        Command::Find { tags } | Command::Explain { tags } => Some(parse_tags(tags)?),
        Command::List | Command::Diagnose { .. } => None,
    };
    let token = std::env::var("CFC_TOKEN").unwrap_or_default();
    if token.trim().is_empty() {
        return Err(Error::new(
            ErrorCode::NotConfigured,
            "CFC_TOKEN is not set: export your ComfyControl API token (dashboard → account \
             settings → API Tokens) as CFC_TOKEN; it is read only from the environment, so \
             it never shows in shell history or the process list",
        ));
    }
    let bar = progress::Bar::new();
    let client = Client::builder(token)
        .base_url(cli.base_url.clone())
        .sources(cli.sources.iter().copied())
        .timeout(std::time::Duration::from_secs_f64(cli.timeout))
        .on_progress(bar.callback())
        .build()?;
    let style = Style::for_stdout();
    let mut out = std::io::stdout().lock();
    let code = match &cli.command {
        Command::Find { .. } => {
            let requirements = requirements.expect("parsed above");
            let ranking = client.find(&requirements);
            bar.finish();
            let ranking = ranking?;
            notes(ranking.pool());
            let matches = ranking.matches();
            if cli.json {
                print_json(&mut out, &json::matches(&requirements, &matches));
            } else {
                table::matches(&mut out, &style, &matches, &requirements);
            }
            if matches.is_empty() {
                EXIT_NO_RUNNER
            } else {
                EXIT_OK
            }
        }
        Command::Explain { .. } => {
            let requirements = requirements.expect("parsed above");
            let explained = client.explain(&requirements);
            bar.finish();
            let explained = explained?;
            notes(explained.pool());
            let explanation = explained.explanation();
            if cli.json {
                print_json(&mut out, &json::explanation(&explanation));
            } else {
                let _ = writeln!(out, "{explanation}");
            }
            if explanation.match_count() == 0 {
                EXIT_NO_RUNNER
            } else {
                EXIT_OK
            }
        }
        Command::List => {
            let pool = client.pool();
            bar.finish();
            let pool = pool?;
            notes(&pool);
            if cli.json {
                print_json(&mut out, &json::runners(pool.runners()));
            } else {
                table::runners(&mut out, &style, pool.runners());
            }
            EXIT_OK
        }
        Command::Diagnose { max_pages } => {
            let diagnosed = client.diagnose(DiagnoseOptions::max_pages(*max_pages));
            bar.finish();
            let diagnosed = diagnosed?;
            notes(diagnosed.pool());
            let diagnosis = diagnosed.diagnosis();
            if cli.json {
                print_json(&mut out, &json::diagnosis(&diagnosed, &diagnosis));
            } else {
                table::diagnosis(&mut out, &style, &diagnosed, &diagnosis);
            }
            EXIT_OK
        }
    };
    let _ = out.flush();
    Ok(code)
}

/// Sources that gave no runners without failing the read, on stderr (so `--json` output
/// stays exactly the result).
fn notes(pool: &LoadedPool) {
    let style = Style::for_stderr();
    for status in pool.statuses() {
        if let SourceState::Unavailable(why) = status.state {
            eprintln!(
                "{} {why}; {} runners skipped, the pool is the other sources' runners",
                style.dim("note:"),
                status.source
            );
        }
    }
}

/// The tags as one requirement: several arguments are one comma-separated list. The
/// shell splits `find gpu-a100, flux` into `gpu-a100,` and `flux`, so a comma ending an
/// argument that another follows is the separator itself, not an empty tag.
fn parse_tags(tags: &[String]) -> Result<Requirements, Error> {
    let last = tags.len().saturating_sub(1);
    let parts: Vec<&str> = tags
        .iter()
        .enumerate()
        .map(|(i, tag)| match tag.strip_suffix(',') {
            Some(stripped) if i < last => stripped,
            _ => tag.as_str(),
        })
        .collect();
    parts
        .join(", ")
        .parse::<Requirements>()
        .map_err(|err| Error::invalid_input(format!("invalid tags: {err}")))
}

fn print_json(out: &mut impl Write, compact: &str) {
    let _ = writeln!(out, "{}", json::pretty(compact));
}

fn exit_code(error: &Error) -> u8 {
    match error.code() {
        ErrorCode::InvalidInput | ErrorCode::InsecureUrl | ErrorCode::NotConfigured => EXIT_USAGE,
        _ => EXIT_API,
    }
}

/// What to do next, for the errors a person can fix.
fn advice(error: &Error) -> Option<&'static str> {
    match error.code() {
        ErrorCode::Unauthorized => Some(
            "check CFC_TOKEN: the token may be mistyped, expired or revoked; create a new one \
             in the ComfyControl dashboard (account settings → API Tokens)",
        ),
        ErrorCode::Forbidden => Some(
            "managed runners need a Pro or Plus tier: upgrade, or ask for your own runners \
             only with --sources self-hosted",
        ),
        ErrorCode::RateLimited => {
            Some("ComfyControl allows 40 requests per 10 s per IP: wait a little and try again")
        }
        ErrorCode::InsecureUrl => {
            Some("use an https:// --base-url (plain http only for 127.0.0.0/8, localhost, [::1])")
        }
        ErrorCode::Network | ErrorCode::Timeout => {
            Some("check the network and --base-url, then try again")
        }
        _ => None,
    }
}

/// The error on stderr: a sentence and advice, or with `--json` one JSON object
/// `{"error": {"code", "message", "status"?}}` (stdout stays empty either way).
fn report(cli: &Cli, error: &Error) {
    let mut err = std::io::stderr().lock();
    if cli.json {
        let _ = writeln!(err, "{}", json::error(error, advice(error)));
        return;
    }
    let style = Style::for_stderr();
    let _ = writeln!(err, "{} {}", style.error("error:"), error.message());
    if let Some(advice) = advice(error) {
        let _ = writeln!(err, "{} {advice}", style.dim("hint:"));
    }
}

//! The command line.

use std::num::NonZeroU32;

use clap::{Parser, Subcommand};
use runner_match::Source;

const AFTER_HELP: &str = "\
The API token is read from the CFC_TOKEN environment variable only (never an argument,
never printed):
  CFC_TOKEN=cfc_… runner-match find gpu-a100,flux

Sources: --sources managed,self-hosted (the default) reads both listings; a Free tier
has no managed runners (403), so its pool is its self-hosted runners, and a note says so.

TAGS are a comma-separated list (gpu-a100,flux), several arguments (gpu-a100 flux), or
an expression ('gpu-* & (flux | sdxl) & !development').

Exit codes:
  0  some runner can run it (find, explain); the command succeeded (list, diagnose)
  1  no runner can run it (find, explain)
  2  usage error or bad input (missing CFC_TOKEN, bad tags, bad or insecure --base-url)
  3  the API or the network failed (401, 403, 429, 5xx, timeout, unreadable answer)";

/// Which ComfyControl runner can run this workflow, and why not?
#[derive(Debug, Parser)]
#[command(name = "runner-match", version, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,

    /// The API base URL (https; plain http only for loopback hosts).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        default_value = runner_match_client::DEFAULT_BASE_URL
    )]
    pub(crate) base_url: String,

    /// Which runner listings make up the pool (comma-separated). With both, a Free
    /// tier's 403 on managed runners leaves your self-hosted runners.
    #[arg(
        long,
        global = true,
        value_name = "SOURCES",
        value_delimiter = ',',
        value_parser = parse_source,
        default_value = "managed,self-hosted"
    )]
    pub(crate) sources: Vec<Source>,

    /// Seconds each request may take, headers and body (retries get their own).
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 10.0, value_parser = parse_timeout)]
    pub(crate) timeout: f64,

    /// Machine-readable output: the same shapes as the JS package's results.
    #[arg(long, global = true)]
    pub(crate) json: bool,
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if (0.001..=600.0).contains(&seconds) => Ok(seconds),
        _ => Err(format!("expected seconds from 0.001 to 600, got {text:?}")),
    }
}

fn parse_source(text: &str) -> Result<Source, String> {
    text.trim()
        .parse()
        .map_err(|err: runner_match::SourceError| err.to_string())
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Runners that can run a workflow with these tags, best fit first.
    Find {
        /// The workflow's tags or requirement expression.
        #[arg(required = true, num_args = 1.., value_name = "TAGS")]
        tags: Vec<String>,
    },
    /// Why each runner can or cannot run a workflow with these tags.
    Explain {
        /// The workflow's tags or requirement expression.
        #[arg(required = true, num_args = 1.., value_name = "TAGS")]
        tags: Vec<String>,
    },
    /// Your waiting workflows (accepted, uploaded, queued), and why each still waits.
    Diagnose {
        /// Pages of 100 workflows to read at most, newest first.
        #[arg(long, value_name = "N", default_value_t = NonZeroU32::new(runner_match::DEFAULT_WORKFLOW_PAGES).expect("non-zero"))]
        max_pages: NonZeroU32,
    },
    /// Every runner, newest first.
    List,
}

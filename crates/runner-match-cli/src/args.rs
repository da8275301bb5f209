//! The command line.

use clap::{Parser, Subcommand};

const AFTER_HELP: &str = "\
The API token is read from the CFC_TOKEN environment variable only (never an argument,
never printed):
  CFC_TOKEN=cfc_… runner-match find gpu-a100,flux

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

    /// Machine-readable output: the same shapes as the JS package's results.
    #[arg(long, global = true)]
    pub(crate) json: bool,
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
    /// Your waiting workflows, and why each is still waiting.
    Diagnose,
    /// Every runner, newest first.
    List,
}

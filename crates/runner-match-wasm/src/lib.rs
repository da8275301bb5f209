#![doc = include_str!("../README.md")]
//!
//! ## The crate
//!
//! WebAssembly bindings of [`runner_match`]. Thin glue: matching, ranking, paging,
//! retry and rate-limit logic live in the pure core crate; this crate reads JS values,
//! does the I/O with gloo-net, and turns every failure into a JS `Error` with a stable
//! `code` ([`error::ErrorCode`]). One module per exported concept.

pub mod base_url;
pub mod client;
pub mod default_client;
pub mod diagnose;
pub mod error;
pub mod explain;
pub mod fetch;
mod fields;
pub mod match_runners;
pub mod options;
pub mod pool;
pub mod request_cost;
pub mod requirements;
mod results;
pub mod secret;
pub mod snapshot;
pub mod timer;
pub mod types;
pub mod workflow_tags;

pub use client::RunnerClient;
pub use error::{ClientError, ErrorCode};
pub use results::wanted_tags;

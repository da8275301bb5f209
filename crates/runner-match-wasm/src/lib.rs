#![doc = include_str!("../README.md")]
//!
//! ## The crate
//!
//! WebAssembly bindings of [`runner_match`]. Thin glue: matching, ranking, paging,
//! retry and rate-limit logic, and the result shapes ([`runner_match::report`]) live in
//! the pure core crate; this crate reads JS values, does the I/O with the platform's `fetch`, and
//! turns every failure ([`Error`]) into a JS `Error` with a stable `code`
//! ([`ErrorCode`]). One module per exported concept; all private but `match_runners`.

mod base_url;
mod client;
mod default_client;
mod diagnose;
mod error;
mod explain;
mod fetch;
mod fields;
mod is_expression;
mod kinds;
pub mod match_runners;
mod options;
mod pool;
mod report_js;
mod request_cost;
mod requirement_text;
mod requirements;
mod results;
mod runner_columns;
mod runner_object;
mod snapshot;
mod task;
mod timer;
mod workflow_tags;

pub use client::RunnerClient;
pub use error::{ClientError, Error, ErrorCode, PageDecodeError, RunnerReadError};

// The result shapes are the core's report structs, and some arguments are read field by
// field: their TypeScript declarations are written by hand, next to the JS glue.
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TYPES_TS: &str = include_str!("../js/types.d.ts");

#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod base_url;
mod client;
mod config;
mod error;
mod http;
mod listing;
mod secret;

pub use base_url::DEFAULT_BASE_URL;
pub use client::{Client, DiagnoseOptions, Diagnosed, Explained, LoadedPool, Ranking};
pub use config::{ClientBuilder, ProgressFn};
pub use error::{Error, ErrorCode};
pub use secret::Token;

/// The core crate, re-exported: requirements, runners, sources, matches, explanations
/// and diagnoses are its types.
pub use runner_match;
pub use runner_match::{Progress, Source};

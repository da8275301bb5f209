//! The `kinds` byte of a ranking that crosses into JS (one per result, see `results`):
//! how a runner fits, and the per-runner facts `js/results.js` needs to shape its
//! `RunnerMatch` (whether it has a `runner_type`, whether it is self-hosted).

use runner_match::{Fit, Runner, RunnerSource};

/// `kinds` bits (`js/results.js` has the same constants, and `FITS` in this order:
/// tests/glue-modules.test.mjs checks): the fit in the low two bits (0 exact, 1
/// superset, 2 wildcard runner)…
const FIT_SUPERSET: u8 = 1;
const FIT_WILDCARD: u8 = 2;
/// …whether the runner has a `runner_type`, and whether it is self-hosted.
pub(crate) const HAS_TYPE: u8 = 4;
const SELF_HOSTED: u8 = 8;

/// The low two bits of `kinds`.
pub(crate) fn fit_bits(fit: Fit) -> u8 {
    match fit {
        Fit::Exact => 0,
        Fit::Superset { .. } => FIT_SUPERSET,
        Fit::WildcardRunner => FIT_WILDCARD,
    }
}

/// The per-runner bits of `kinds` (no fit).
pub(crate) fn runner_flags(runner: &Runner) -> u8 {
    let mut flags = 0;
    if runner.runner_type.is_some() {
        flags |= HAS_TYPE;
    }
    if matches!(runner.source, RunnerSource::SelfHosted { .. }) {
        flags |= SELF_HOSTED;
    }
    flags
}

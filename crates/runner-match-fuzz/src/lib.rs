//! Fuzz target functions for `runner-match`.
//!
//! Each function takes the fuzzer's raw bytes, never panics on any input unless the
//! core breaks one of its documented contracts, and is called from two places:
//!
//! - the cargo-fuzz targets in `fuzz/fuzz_targets/` (nightly, libFuzzer), and
//! - `tests/corpus_replay.rs`, which replays the checked-in corpus `fuzz/corpus/<target>/`
//!   through the same functions on stable, so the targets cannot rot.
//!
//! | target | input | asserts |
//! |---|---|---|
//! | [`decode_page`] | JSON bytes | page / runner / runner-list decoding never panics; the product's `json::decode` and the serde impls agree (same value or same message) on every wire type; a decoded value re-serializes and re-decodes equal (self-hosted runners come back managed), with the same timestamp texts and stable output; timestamps agree with a reference RFC 3339 parser |
//! | [`parse_requirements`] | text | comma strings and line lists agree with a reference `Requirements` builder (tags, or the first bad tag's position and problem); both string forms round-trip; an expression's canonical form re-parses equal; `eval` agrees with a reference evaluator on sample runners; `unmet` is empty iff `eval` holds; errors point inside the input at what they name, and `render` never panics |
//! | [`differential`] | structured bytes (below) | `RunnerIndex::rank` = `rank` = a naive README implementation (same runners, order, score bits, fit) for plain lists, expressions and preferences; `Expression::eval` = a reference evaluator; `rank` returns exactly the active runners `eval` admits; score breakdowns reproduce the scores |
//!
//! # The differential input
//!
//! Read by hand, byte by byte (an exhausted input reads as zeros):
//!
//! 1. `mode`: `mode % 4` is 0 or 1 for a plain tag list, 2 for a generated
//!    expression (bit `0x10`: spaces around operators), 3 for raw expression text;
//!    bit `0x20` adds preferences;
//! 2. the fleet: a count byte (`% 65`, at most 64 runners), then per runner a `kind`
//!    byte (status in the low three bits, runner type in the next two, self-hosted in
//!    the top bit), a `when` byte (`created_at`, `id` and `updated_at` from small tables
//!    with equal instants spelled differently), a tag-count byte (`% 6`) and one byte per
//!    tag from a small alphabet with case variants, `""`, `" flux"` and `"gpu-*"`;
//! 3. with bit `0x20`: a count byte (`% 4`) and one byte per preference (key from a
//!    small table of expressions, prefer or avoid, weight from `1e-6` to `1e6`);
//! 4. the requirement: a count byte (`% 5`) and one byte per tag (mode 0/1); a tree of
//!    depth at most 4 (mode 2); or the remaining bytes as text (mode 3, skipped when it
//!    does not parse); then, for modes 0–2, a `pick` seed.

mod decode;
mod differential;
mod input;
mod parse;
mod reference;

pub use differential::MAX_RUNNERS;

/// Decodes `data` as a `RunnerPage`, a `Runner` and a runner list (each may fail, none
/// may panic), checks every success round-trips, and checks short inputs as
/// timestamps against a reference parser.
pub fn decode_page(data: &[u8]) {
    decode::decode_page(data);
}

/// Reads `data` as text (lossy UTF-8) and parses it as a comma-separated
/// `Requirements`, as a `Requirements::from_tags` list of its lines, and as an
/// `Expression`, checking each result (or error) against the documentation.
pub fn parse_requirements(data: &[u8]) {
    parse::parse_requirements(data);
}

/// Decodes `data` into a fleet of at most [`MAX_RUNNERS`] runners and a requirement
/// (see the crate docs) and checks that every way of ranking agrees.
pub fn differential(data: &[u8]) {
    differential::differential(data);
}

#[cfg(test)]
mod tests {
    use super::*;
    use runner_match::{Expression, ExpressionErrorKind, Requirements, MAX_EXPRESSION_DEPTH};

    /// An AND of ORs under `!` nested `bangs` deep: its canonical form
    /// (`!…!((a | b) & c)`) nests one level deeper than the input.
    fn and_of_or_under(bangs: usize) -> String {
        format!("{}(a|b,c)", "!".repeat(bangs))
    }

    #[test]
    fn canonical_depth_is_measured_like_the_parser() {
        let e = Expression::parse(&and_of_or_under(MAX_EXPRESSION_DEPTH - 2)).expect("fits");
        assert!(!parse::exceeds_canonical_depth(e.root()));
        Expression::parse(&e.to_string()).expect("canonical form within the limit");
    }

    /// Finding 1 (fixed in the core): an input within the depth limit whose canonical
    /// form would nest deeper is rejected with `TooDeep` at its innermost `(`, so every
    /// accepted expression's canonical form parses back.
    #[test]
    fn canonical_form_of_a_depth_limit_expression_parses_back() {
        let input = and_of_or_under(MAX_EXPRESSION_DEPTH - 1);
        let err = Expression::parse(&input).expect_err("its canonical form is too deep");
        assert_eq!(err.kind, ExpressionErrorKind::TooDeep);
        assert_eq!(err.offset, MAX_EXPRESSION_DEPTH - 1, "at the innermost '('");
        assert_eq!(err.to_string(), "nesting deeper than 64 at 63");
        for bangs in 0..MAX_EXPRESSION_DEPTH - 1 {
            let e = Expression::parse(&and_of_or_under(bangs)).expect("fits");
            let canonical = e.to_string();
            let again = Expression::parse(&canonical);
            assert_eq!(again.as_ref().ok(), Some(&e), "{canonical:?}: {again:?}");
        }
        // Plain nesting to the limit is unaffected.
        let deep = format!("{}a", "!".repeat(MAX_EXPRESSION_DEPTH));
        let e = Expression::parse(&deep).expect("at the limit");
        assert_eq!(Expression::parse(&e.to_string()).ok(), Some(e));
    }

    /// Finding 3 (fixed in the core): a plain tag list whose tags hold expression
    /// syntax displays them quoted, so `a|b` (one literal tag) reads back as itself.
    #[test]
    fn display_of_a_plain_list_parses_back() {
        for tag in ["a|b", "gpu-*", "type:pro", "(x)"] {
            let req = Requirements::from_tags([tag]).expect("a valid tag");
            let again = req.to_string().parse::<Requirements>();
            assert_eq!(again.as_ref(), Ok(&req), "{tag:?} displays as {req}");
        }
    }
}

//! Numbers as text, exactly as `{}` and `{:.3}` write an `f64`, without `core::fmt`'s
//! float code (about 17 KB of WebAssembly: Grisu with a Dragon4 fallback).
//!
//! [`Shortest`] lays out the crate's one set of shortest round-trip digits
//! ([`digits::shortest`], also what the JSON writer uses) without an exponent, as `{}`
//! does, taking the upper of two equally close candidates as `{}` does ([`Tie::Up`]).
//! [`Thousandths`] rounds the exact binary value with integer arithmetic, ties to even,
//! as `{:.3}` does. Only `u64` arithmetic: `u128` would bring its own division and
//! formatting code.

mod digits;

use std::fmt;

pub(crate) use digits::{ascii, shortest, Tie};

/// An `f64` as `{}` writes it: `3`, `2.5`, `0.1`, `-0`, `10000000`, `NaN`, `inf`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shortest(pub(crate) f64);

impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x.is_nan() {
            return f.write_str("NaN");
        }
        if x.is_sign_negative() {
            f.write_str("-")?;
        }
        if x.is_infinite() {
            return f.write_str("inf");
        }
        if x == 0.0 {
            return f.write_str("0");
        }
        let digits = shortest(x.abs(), Tie::Up);
        let mut buffer = [0; 20];
        let text =
            std::str::from_utf8(ascii(digits.significand, &mut buffer)).map_err(|_| fmt::Error)?;
        // 0.DIGITS × 10^point, without an exponent.
        let len = text.len() as i64;
        let point = i64::from(digits.exponent) + len;
        if point <= 0 {
            f.write_str("0.")?;
            zeros(f, -point)?;
            f.write_str(text)
        } else if point >= len {
            f.write_str(text)?;
            zeros(f, point - len)
        } else {
            let (whole, fraction) = text.split_at(point as usize);
            f.write_str(whole)?;
            f.write_str(".")?;
            f.write_str(fraction)
        }
    }
}

fn zeros(f: &mut fmt::Formatter<'_>, count: i64) -> fmt::Result {
    (0..count).try_for_each(|_| f.write_str("0"))
}

/// `x = mantissa × 2^exponent`, exactly, for a finite non-negative `x`.
fn parts(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let biased = (bits >> 52) as i64;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    }
}

/// An `f64` as `{:.3}` writes it: `0.750`, `1.000`, `0.062` (0.0625, a tie, to even).
/// Exact below 2^64; larger values (never a score) are written as [`Shortest`] does,
/// with `.000`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Thousandths(pub(crate) f64);

impl fmt::Display for Thousandths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        let magnitude = x.abs();
        if magnitude.is_nan() || magnitude >= 9_007_199_254_740_992.0 {
            // NaN, infinities, and integers from 2^53 on, exact as `u64` below 2^64.
            return if magnitude < 18_446_744_073_709_551_616.0 {
                let sign = if x < 0.0 { "-" } else { "" };
                write!(f, "{sign}{}.000", magnitude as u64)
            } else if x.is_finite() {
                write!(f, "{}.000", Shortest(x))
            } else {
                Shortest(x).fmt(f)
            };
        }
        let sign = if x.is_sign_negative() { "-" } else { "" };
        // magnitude × 1000 = mantissa × 1000 × 2^exponent, with exponent ≤ 0 here.
        let (mantissa, exponent) = parts(magnitude);
        let scaled = mantissa * 1000;
        let shift = exponent.unsigned_abs();
        let thousandths = if shift == 0 {
            scaled
        } else if shift >= 64 {
            0 // below half a thousandth: scaled < 2^63
        } else {
            let (whole, rest) = (scaled >> shift, scaled & ((1 << shift) - 1));
            let half = 1 << (shift - 1);
            whole + u64::from(rest > half || (rest == half && whole % 2 == 1))
        };
        write!(f, "{sign}{}.{:03}", thousandths / 1000, thousandths % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn agrees(x: f64) {
        let (shortest, thousandths) = (Shortest(x).to_string(), Thousandths(x).to_string());
        assert!(shortest == format!("{x}"), "{x:e}: {shortest:.40}");
        if x.abs() < 18_446_744_073_709_551_616.0 || !x.is_finite() {
            assert!(thousandths == format!("{x:.3}"), "{x:e}: {thousandths:.40}");
        }
    }

    #[test]
    fn writes_what_core_fmt_writes() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            3.0,
            2.5,
            0.1,
            0.3,
            1e7,
            1e21,
            1e22,
            1e23,
            1e-7,
            1.5e-7,
            0.0625,
            0.125,
            0.0005,
            0.9995,
            0.999_75,
            123.456,
            1e-300,
            5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::EPSILON,
            0.875,
            0.675,
            1_000_000.0,
            18_446_744_073_709_549_568.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            // Ties between two shortest candidates: `{}` takes the upper one (`…687.13`).
            181_889_094_932_687.0 + 0.125,
            12_345.0 + 1.0 / 8192.0,
        ] {
            agrees(x);
        }
    }

    proptest! {
        #[test]
        fn any_f64_is_written_as_core_fmt_writes_it(bits in any::<u64>()) {
            agrees(f64::from_bits(bits));
        }

        #[test]
        fn short_binary_fractions_are_written_as_core_fmt_writes_them(
            whole in 0u64..1 << 52, fraction in any::<u64>(), bits in 0u32..64,
        ) {
            let x = whole as f64 + (fraction >> (64 - bits.max(1))) as f64 / 2f64.powi(bits as i32);
            agrees(x);
        }

        #[test]
        fn scores_are_written_as_core_fmt_writes_them(score in 0.0..=1.0f64, weight in 1u32..1000) {
            agrees(score);
            agrees(f64::from(weight) / 8.0);
        }
    }
}

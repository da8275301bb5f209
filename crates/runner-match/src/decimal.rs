//! Numbers as text, exactly as `{}` and `{:.3}` write an `f64`, without `core::fmt`'s
//! float code (about 17 KB of WebAssembly: Grisu with a Dragon4 fallback).
//!
//! [`Shortest`] takes its digits from `zmij` (the fewest digits that read back as the
//! same number, the closest such: what `{}` prints too; `serde_json` writes floats with
//! it as well), breaks an exact tie between two such upwards as `{}` does (`zmij` picks
//! the even one), and lays them out without an exponent, as `{}` does. [`Thousandths`]
//! rounds the exact binary value with integer arithmetic, ties to even, as `{:.3}` does.

use std::fmt;

/// An `f64` as `{}` writes it: `3`, `2.5`, `0.1`, `-0`, `10000000`, `NaN`, `inf`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shortest(pub(crate) f64);

impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x.is_nan() {
            return f.write_str("NaN");
        }
        if x.is_infinite() {
            return f.write_str(if x > 0.0 { "inf" } else { "-inf" });
        }
        let sign = if x.is_sign_negative() { "-" } else { "" };
        let Some((mut digits, mut point)) = shortest_digits(x.abs()) else {
            return write!(f, "{sign}0");
        };
        if is_midpoint(x.abs(), digits * 10 + 5, point - decimal_len(digits) - 1) {
            let len = decimal_len(digits);
            digits += 1;
            point += i64::from(decimal_len(digits) > len);
            while digits % 10 == 0 {
                digits /= 10;
            }
        }
        let text = digits.to_string();
        let zeros = |count: i64| "0".repeat(usize::try_from(count).unwrap_or(0));
        let len = text.len() as i64;
        if point <= 0 {
            write!(f, "{sign}0.{}{text}", zeros(-point))
        } else if point >= len {
            write!(f, "{sign}{text}{}", zeros(point - len))
        } else {
            let (whole, fraction) = text.split_at(point as usize);
            write!(f, "{sign}{whole}.{fraction}")
        }
    }
}

/// `zmij`'s digits for a finite, non-negative `x` as `(digits, point)`, the value being
/// `0.DIGITS × 10^point` and `digits` without trailing zeros; `None` for zero.
fn shortest_digits(x: f64) -> Option<(u64, i64)> {
    let mut buffer = zmij::Buffer::new();
    // `1.25`, `1e+21`, `1.5e-7`: digits with a point, then an optional exponent.
    let text = buffer.format_finite(x);
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let exponent = match exponent.strip_prefix('-') {
        Some(negated) => -decimal_value(negated),
        None => decimal_value(exponent.trim_start_matches('+')),
    };
    let before_point = mantissa.find('.').unwrap_or(mantissa.len());
    let all: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let leading = all.len() - all.trim_start_matches('0').len();
    let significant = all.trim_matches('0');
    if significant.is_empty() {
        return None;
    }
    let point = before_point as i64 - leading as i64 + exponent;
    Some((decimal_value(significant) as u64, point))
}

/// Whether `x` (finite, non-negative) is exactly `n × 10^power`.
fn is_midpoint(x: f64, n: u64, power: i64) -> bool {
    let bits = x.to_bits();
    let biased = (bits >> 52) as i64;
    let fraction = bits & ((1 << 52) - 1);
    let (mut mantissa, mut exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    let zeros = mantissa.trailing_zeros();
    mantissa >>= zeros;
    exponent += i64::from(zeros);
    if power < 0 {
        // x = mantissa / 2^k (mantissa odd) has exactly k decimals, n / 10^-power has
        // -power (n ends in 5): equal iff k = -power and n = mantissa × 5^k.
        let k = -power;
        return exponent == -k
            && k <= 27
            && u128::from(mantissa) * 5u128.pow(k as u32) == u128::from(n);
    }
    let Some(tens) = 10u128
        .checked_pow(power as u32)
        .and_then(|t| t.checked_mul(u128::from(n)))
    else {
        return false;
    };
    (0..=74).contains(&exponent) && u128::from(mantissa) << exponent == tens
}

/// How many decimal digits `n` has.
fn decimal_len(n: u64) -> i64 {
    n.checked_ilog10().map_or(1, |log| i64::from(log) + 1)
}

/// The value of a run of ASCII digits (an exponent, or at most 17 significant digits).
fn decimal_value(digits: &str) -> i64 {
    digits.bytes().fold(0, |value, digit| {
        value * 10 + i64::from(digit.wrapping_sub(b'0'))
    })
}

/// An `f64` as `{:.3}` writes it: `0.750`, `1.000`, `0.062` (0.0625, a tie, to even).
/// Exact below 2^64; larger values (never a score) are written as [`Shortest`] does,
/// with `.000`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Thousandths(pub(crate) f64);

impl fmt::Display for Thousandths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if !x.is_finite() {
            return Shortest(x).fmt(f);
        }
        let sign = if x.is_sign_negative() { "-" } else { "" };
        let magnitude = x.abs();
        if magnitude >= 18_446_744_073_709_551_616.0 {
            return write!(f, "{}.000", Shortest(x));
        }
        // magnitude = mantissa × 2^exponent, exactly.
        let bits = magnitude.to_bits();
        let biased = (bits >> 52) as i32;
        let fraction = bits & ((1 << 52) - 1);
        let (mantissa, exponent) = if biased == 0 {
            (fraction, -1074)
        } else {
            (fraction | (1 << 52), biased - 1075)
        };
        let scaled = u128::from(mantissa) * 1000;
        let thousandths = if exponent >= 0 {
            scaled << exponent
        } else if exponent < -100 {
            0 // below 2^-47: far under half a thousandth
        } else {
            let shift = exponent.unsigned_abs();
            let (whole, rest) = (scaled >> shift, scaled & ((1u128 << shift) - 1));
            let half = 1u128 << (shift - 1);
            whole + u128::from(rest > half || (rest == half && whole % 2 == 1))
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

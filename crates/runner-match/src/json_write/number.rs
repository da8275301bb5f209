//! Floats as serde_json writes them: the shortest digits that read back as the same
//! `f64`, laid out plainly for 1e-5 ≤ |x| < 1e16 (`0.75`, `90500.0`) and in scientific
//! notation otherwise (`1e-7`, `1.5e+16`); `null` for NaN and the infinities.
//!
//! The digits are the crate's one shortest-digits routine ([`crate::decimal`], the
//! same that writes weights in messages), with serde_json's rule for an exact tie
//! between two closest candidates (the even one). It needs no tables: a fixed-point
//! `u64` path for 2⁻⁷ ≤ |x| < 2⁵³ (every score and weight, and whole numbers) and
//! Burger & Dybvig's exact bignum method for the rest.
//!
//! Measured (`cargo test --release -p runner-match --lib -- --ignored --nocapture
//! speed`, half a million scores k/13 and 0.5 + k/1000, weights like 2.5 and whole
//! numbers; a shared 2-core machine, best of 5): natively about 45 ns a float written as
//! a JSON array item against serde_json's 29 ns; the digits alone 13 ns, against
//! 490 ns for Burger & Dybvig alone (the only method before). In the `.wasm`, an
//! explanation of 100k runners (about 72k floats) spends about 8 ms writing numbers
//! (CPU profile in Node), against about 175 ms before. The fixed-point path costs
//! 0.23 KB gzipped (377 B raw) of WebAssembly; with `zmij` gone from the core (its
//! digits had been `decimal`'s second routine), the `.wasm` went from 138,127 to
//! 136,094 B gzipped. The speed-ups measured on Burger & Dybvig before, a 128-bit
//! fast path for 2⁻¹⁰ … 2⁵³ (2.7× for 1 KB gzipped; `u128` brings its own
//! multiplication and division code to WebAssembly) and a one-division digit step
//! (1.65× for 0.1 KB), are not taken: the fixed point is faster than either on the
//! values the crate writes, and Burger & Dybvig now only sees values no score or
//! weight takes.

use crate::decimal::{ascii, shortest, Tie};

/// Appends `value` to `out`.
pub(super) fn write_f64(out: &mut String, value: f64) {
    if !value.is_finite() {
        out.push_str("null");
        return;
    }
    // The text is laid out in place and appended once: at most `-0.0000` and 17
    // digits, or `-d.` and 16 digits and `e-324`. Zeros are there already.
    let mut text = [b'0'; 32];
    let mut len = 0;
    if value.is_sign_negative() {
        text[0] = b'-';
        len = 1;
    }
    if value == 0.0 {
        text[len + 1] = b'.';
        len += 3;
    } else {
        let digits = shortest(value.abs(), Tie::Even);
        let mut buffer = [0; 20];
        let digits_text = ascii(digits.significand, &mut buffer);
        let count = digits_text.len();
        let mut put = |at: usize, bytes: &[u8]| text[at..at + bytes.len()].copy_from_slice(bytes);
        // `value` = d.ddd × 10^exponent.
        let exponent = digits.exponent + count as i32 - 1;
        if (-5..0).contains(&exponent) {
            // 0.000ddd
            put(len + 1, b".");
            len += 1 + exponent.unsigned_abs() as usize;
            put(len, digits_text);
            len += count;
        } else if (0..16).contains(&exponent) {
            // ddd.ddd or ddd000.0
            let whole = exponent as usize + 1;
            if count > whole {
                put(len, &digits_text[..whole]);
                put(len + whole, b".");
                put(len + whole + 1, &digits_text[whole..]);
                len += count + 1;
            } else {
                put(len, digits_text);
                put(len + whole, b".");
                len += whole + 2;
            }
        } else {
            // d.ddde+dd
            put(len, &digits_text[..1]);
            len += 1;
            if count > 1 {
                put(len, b".");
                put(len + 1, &digits_text[1..]);
                len += count;
            }
            put(len, if exponent < 0 { b"e-" } else { b"e+" });
            let exponent_text = ascii(u64::from(exponent.unsigned_abs()), &mut buffer);
            put(len + 2, exponent_text);
            len += 2 + exponent_text.len();
        }
    }
    push_ascii(out, &text[..len]);
}

/// Appends a whole number's digits to `out`.
pub(super) fn push_unsigned(out: &mut String, value: u64) {
    push_ascii(out, ascii(value, &mut [0; 20]));
}

/// Appends ASCII text to `out`.
fn push_ascii(out: &mut String, text: &[u8]) {
    out.push_str(std::str::from_utf8(text).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(value: f64) -> String {
        let mut out = String::new();
        write_f64(&mut out, value);
        out
    }

    #[test]
    fn spells_floats_exactly_like_serde_json() {
        let edges = [
            0.0,
            -0.0,
            1.0,
            0.5,
            0.1,
            0.2 + 0.1,
            2.0 / 3.0,
            0.75,
            1e-5,
            1e-6,
            1e-7,
            0.000_123_4,
            1.25e-5,
            1e15,
            123_456_789_012_345.6,
            1e16,
            1.5e16,
            9_007_199_254_740_992.0,
            1e21,
            1e22,
            90_500.0,
            1e6,
            5e-324,
            2.2250738585072014e-308,
            f64::from_bits((1 << 52) - 1),
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::EPSILON,
            1e23,
            -3.5,
            0.6,
            0.8333333333333334,
            0.9166666666666666,
        ];
        for value in edges {
            assert_eq!(
                written(value),
                serde_json::to_string(&value).unwrap(),
                "{value:e}"
            );
        }
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(written(value), "null");
        }
    }

    #[test]
    fn spells_random_bit_patterns_and_scores_like_serde_json() {
        // Every exponent with a spread of mantissas (a fixed-seed xorshift), and the
        // values scores take: 0.5 + 0.5 · (m + 1) / (t + 1) and preference blends.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let value = f64::from_bits(next());
            if value.is_finite() {
                assert_eq!(
                    written(value),
                    serde_json::to_string(&value).unwrap(),
                    "{value:e}"
                );
            }
        }
        // Scores, weights and waits: 2⁻¹⁰ to 2⁵⁴.
        for _ in 0..200_000 {
            let exponent = 1013 + next() % 65;
            let value = f64::from_bits(exponent << 52 | next() >> 12);
            assert_eq!(
                written(value),
                serde_json::to_string(&value).unwrap(),
                "{value:e}"
            );
        }
        for t in 0..40u32 {
            for m in 0..=t {
                let value = 0.5 + 0.5 * f64::from(m + 1) / f64::from(t + 1);
                assert_eq!(written(value), serde_json::to_string(&value).unwrap());
                let blended = value * 0.7 + 0.3 * f64::from(m) / f64::from(t + 1);
                assert_eq!(written(blended), serde_json::to_string(&blended).unwrap());
            }
        }
    }
}

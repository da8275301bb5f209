//! Floats as serde_json writes them: the shortest digits that read back as the same
//! `f64`, laid out plainly for 1e-5 ≤ |x| < 1e16 (`0.75`, `90500.0`) and in scientific
//! notation otherwise (`1e-7`, `1.5e+16`); `null` for NaN and the infinities.
//!
//! The digits come from the free-format algorithm of Steele & White as refined by
//! Burger & Dybvig ("Printing Floating-Point Numbers Quickly and Accurately", 1996):
//! exact arithmetic on the value and the half-gaps to its neighbours, one digit at a
//! time, stopping at the first digit string inside the rounding interval. It needs no
//! tables: about 1.7 KB gzipped of WebAssembly, against the ~15 KB of `core::fmt`'s
//! float printer. It is slower than the Ryū-style printers (natively about 300 ns a
//! score against serde_json's 25 ns; an explanation of 100k runners, half a million
//! numbers, writes in 150 ms against 40 ms). A 128-bit fast path for 2⁻¹⁰ … 2⁵³ ran
//! 2.7× faster but cost 1 KB gzipped, and a one-division digit step 1.65× for 0.1 KB:
//! neither paid for itself on a path no benchmark target covers.

use std::cmp::Ordering;

/// Appends `value` to `out`.
pub(super) fn write_f64(out: &mut String, value: f64) {
    if !value.is_finite() {
        out.push_str("null");
        return;
    }
    if value.is_sign_negative() {
        out.push('-');
    }
    if value == 0.0 {
        out.push_str("0.0");
        return;
    }
    let (digits, count, exponent) = shortest(value.abs());
    let digits = &digits[..count];
    let zeros = |out: &mut String, count: i32| {
        out.extend((0..count).map(|_| '0'));
    };
    // `value` = d.ddd × 10^exponent.
    if (-5..16).contains(&exponent) {
        if exponent < 0 {
            out.push_str("0.");
            zeros(out, -exponent - 1);
            push_digits(out, digits);
        } else {
            let whole = exponent as usize + 1;
            push_digits(out, &digits[..whole.min(count)]);
            zeros(out, whole as i32 - count as i32);
            out.push('.');
            if count > whole {
                push_digits(out, &digits[whole..]);
            } else {
                out.push('0');
            }
        }
    } else {
        push_digits(out, &digits[..1]);
        if count > 1 {
            out.push('.');
            push_digits(out, &digits[1..]);
        }
        out.push_str(if exponent < 0 { "e-" } else { "e+" });
        push_unsigned(out, u64::from(exponent.unsigned_abs()));
    }
}

/// Appends a whole number's digits to `out`.
pub(super) fn push_unsigned(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    push_digits(out, &digits[start..]);
}

/// Appends digits (0–9) to `out`.
fn push_digits(out: &mut String, digits: &[u8]) {
    out.extend(digits.iter().map(|&digit| char::from(b'0' + digit)));
}

/// The shortest decimal digits of a finite `value > 0` that read back as `value`,
/// closest to it when several are as short: `(digits, how many, e)` with `value` ≈
/// d₀.d₁d₂… × 10^e.
fn shortest(value: f64) -> ([u8; 17], usize, i32) {
    let bits = value.to_bits();
    let biased = (bits >> 52) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, biased - 1075)
    };
    // Ties between a decimal and a neighbour's round to the even mantissa: with an
    // even one, the interval's ends read back as `value` too.
    let even = mantissa % 2 == 0;
    // value = r / s; its neighbours lie m⁺ / s above and m⁻ / s below. At a power of
    // two (not the smallest), the neighbour below is twice as close.
    let closer_below = fraction == 0 && biased > 1;
    let shift = if closer_below { 2 } else { 1 };
    let mut r = Big::from(mantissa << shift);
    let mut s = Big::from(1 << shift);
    let mut m_plus = Big::from(1 << (shift - 1));
    let mut m_minus = Big::from(1);
    if exponent >= 0 {
        for big in [&mut r, &mut m_plus, &mut m_minus] {
            big.shift_left(exponent as usize);
        }
    } else {
        s.shift_left(exponent.unsigned_abs() as usize);
    }
    // k: the first power of ten above the interval, from below: value ≥ 2^(bits - 1)
    // and 10^k > value, so this estimate (⌊(bits - 1) · log₁₀ 2⌋ + 1) is never too high.
    let bits_above = exponent + 64 - mantissa.leading_zeros() as i32;
    let mut k = (((bits_above - 1) * 78_913) >> 18) + 1;
    if k >= 0 {
        s.mul_pow10(k as u32);
    } else {
        for big in [&mut r, &mut m_plus, &mut m_minus] {
            big.mul_pow10(k.unsigned_abs());
        }
    }
    let reaches = |low: &Big, high: &Big| match low.cmp(high) {
        Ordering::Less => false,
        Ordering::Equal => even,
        Ordering::Greater => true,
    };
    // Whether the interval's high end, (r + m⁺) / s, reaches 1 (added and taken back in
    // place: this runs once a digit, where a copy of a `Big` would dominate).
    let high_reaches = |r: &mut Big, m_plus: &Big, s: &Big| {
        r.add(m_plus);
        let reached = reaches(r, s);
        r.sub(m_plus);
        reached
    };
    while high_reaches(&mut r, &m_plus, &s) {
        s.mul_small(10);
        k += 1;
    }
    // Now value / 10^k = r / s < 1: each step takes the next digit.
    let mut digits = [0u8; 17];
    let mut count = 0;
    loop {
        for big in [&mut r, &mut m_plus, &mut m_minus] {
            big.mul_small(10);
        }
        let mut digit = 0;
        while r.cmp(&s) != Ordering::Less {
            r.sub(&s);
            digit += 1;
        }
        let low = reaches(&m_minus, &r);
        let high = high_reaches(&mut r, &m_plus, &s);
        if low || high {
            let up = match (low, high) {
                (true, false) => false,
                (false, true) => true,
                // Both ends reach: the closer digit, the even one on a tie (as JS does).
                _ => {
                    let mut twice = r;
                    twice.add(&r);
                    match twice.cmp(&s) {
                        Ordering::Less => false,
                        Ordering::Equal => digit % 2 == 1,
                        Ordering::Greater => true,
                    }
                }
            };
            digits[count] = digit + u8::from(up);
            count += 1;
            return (digits, count, k - 1);
        }
        digits[count] = digit;
        count += 1;
    }
}

/// A natural number below 2^1280, enough for any `f64` scaled to its digits: 32-bit
/// limbs, least significant first, `len` of them in use (no leading zero limb).
#[derive(Clone, Copy)]
struct Big {
    len: usize,
    limbs: [u32; 40],
}

impl Big {
    fn from(value: u64) -> Self {
        let mut big = Big {
            len: 2,
            limbs: [0; 40],
        };
        big.limbs[0] = value as u32;
        big.limbs[1] = (value >> 32) as u32;
        big.trim();
        big
    }

    fn trim(&mut self) {
        while self.len > 0 && self.limbs[self.len - 1] == 0 {
            self.len -= 1;
        }
    }

    fn mul_small(&mut self, factor: u32) {
        let mut carry = 0u64;
        for limb in &mut self.limbs[..self.len] {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry > 0 {
            self.limbs[self.len] = carry as u32;
            self.len += 1;
        }
    }

    fn mul_pow10(&mut self, mut power: u32) {
        while power >= 9 {
            self.mul_small(1_000_000_000);
            power -= 9;
        }
        self.mul_small(10u32.pow(power));
    }

    fn shift_left(&mut self, bits: usize) {
        let (words, bits) = (bits / 32, bits % 32);
        if bits > 0 {
            let mut carry = 0;
            for limb in &mut self.limbs[..self.len] {
                let shifted = (*limb << bits) | carry;
                carry = *limb >> (32 - bits);
                *limb = shifted;
            }
            if carry > 0 {
                self.limbs[self.len] = carry;
                self.len += 1;
            }
        }
        if words > 0 && self.len > 0 {
            self.limbs.copy_within(..self.len, words);
            self.limbs[..words].fill(0);
            self.len += words;
        }
    }

    fn add(&mut self, other: &Big) {
        self.len = self.len.max(other.len);
        let mut carry = 0u64;
        for (at, limb) in self.limbs[..self.len].iter_mut().enumerate() {
            let total = u64::from(*limb) + u64::from(other.limbs[at]) + carry;
            *limb = total as u32;
            carry = total >> 32;
        }
        if carry > 0 {
            self.limbs[self.len] = 1;
            self.len += 1;
        }
    }

    /// `self - other`, for `self ≥ other`.
    fn sub(&mut self, other: &Big) {
        let mut borrow = false;
        for (at, limb) in self.limbs[..self.len].iter_mut().enumerate() {
            let (difference, under) = limb.overflowing_sub(other.limbs[at]);
            let (difference, under_again) = difference.overflowing_sub(u32::from(borrow));
            *limb = difference;
            borrow = under || under_again;
        }
        self.trim();
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.len.cmp(&other.len).then_with(|| {
            self.limbs[..self.len]
                .iter()
                .rev()
                .cmp(other.limbs[..other.len].iter().rev())
        })
    }
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

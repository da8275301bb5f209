//! ISO 8601 / RFC 3339 timestamps, ordered by the instant they name.
//!
//! The API sends UTC timestamps such as `2024-01-10T08:00:00Z`. Comparing them as
//! strings breaks as soon as one carries fractional seconds or an offset
//! (`…08:00:00.5Z` sorts before `…08:00:00Z` as text), so a [`Timestamp`] keeps the
//! original text for the wire and orders by the parsed instant. The parser is a few
//! dozen lines rather than a date crate because the core also ships inside a
//! size-budgeted `.wasm`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "serde")]
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::json::{Decode, JsonError, Reader};

/// A point in time parsed from an RFC 3339 string, keeping the original text.
///
/// Equality and ordering are by instant: `2024-01-10T09:00:00+01:00` equals
/// `2024-01-10T08:00:00Z`.
///
/// ```
/// use runner_match::Timestamp;
/// let a: Timestamp = "2024-01-10T08:00:00Z".parse()?;
/// let b: Timestamp = "2024-01-10T08:00:00.5Z".parse()?;
/// assert!(b > a);
/// assert_eq!(a.unix_seconds(), 1_704_873_600);
/// # Ok::<(), runner_match::TimestampError>(())
/// ```
#[derive(Clone)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
    text: Box<str>,
}

/// What a timestamp must look like, as error messages say it (`expected …`).
pub const EXPECTED_TIMESTAMP: &str = "RFC 3339 such as \"2024-01-10T08:00:00Z\"";

/// Why a string is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp {input:?}: expected {EXPECTED_TIMESTAMP}")]
pub struct TimestampError {
    /// The rejected text.
    pub input: String,
}

impl Timestamp {
    /// Seconds since the Unix epoch (UTC).
    pub fn unix_seconds(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds within the second.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// The instant, as (Unix seconds, nanoseconds within the second): what timestamps
    /// are ordered and compared by.
    pub fn instant(&self) -> (i64, u32) {
        (self.seconds, self.nanos)
    }

    /// The instant `text` names, parsed as [`Timestamp`]'s `FromStr` does, without
    /// keeping the text (no allocation): for checking and ordering many timestamps that
    /// are kept elsewhere. `None` when `text` is not RFC 3339.
    ///
    /// ```
    /// use runner_match::Timestamp;
    /// let t: Timestamp = "2024-01-10T09:00:00+01:00".parse()?;
    /// assert_eq!(Timestamp::instant_of("2024-01-10T08:00:00Z"), Some(t.instant()));
    /// assert_eq!(Timestamp::instant_of("2024-01-10"), None);
    /// # Ok::<(), runner_match::TimestampError>(())
    /// ```
    pub fn instant_of(text: &str) -> Option<(i64, u32)> {
        parse_instant(text)
    }

    /// The text the timestamp was parsed from, as the API sent it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Milliseconds since the Unix epoch (UTC), sub-millisecond digits dropped
    /// (rounded toward the past).
    pub fn unix_millis(&self) -> i64 {
        self.seconds
            .saturating_mul(1000)
            .saturating_add(i64::from(self.nanos / 1_000_000))
    }

    /// The instant `millis` ms after the Unix epoch, as `YYYY-MM-DDTHH:MM:SS.mmmZ`; `None`
    /// outside the years 0000–9999 that RFC 3339 can write. For callers that hold a
    /// clock reading (`Date.now()`, `SystemTime`): the core reads no clock itself.
    ///
    /// ```
    /// use runner_match::Timestamp;
    /// let t = Timestamp::from_unix_millis(1_704_873_600_250).expect("in range");
    /// assert_eq!(t.as_str(), "2024-01-10T08:00:00.250Z");
    /// assert_eq!(t, "2024-01-10T08:00:00.25Z".parse()?);
    /// assert_eq!(t.unix_millis(), 1_704_873_600_250);
    /// assert!(Timestamp::from_unix_millis(i64::MAX).is_none());
    /// # Ok::<(), runner_match::TimestampError>(())
    /// ```
    pub fn from_unix_millis(millis: i64) -> Option<Timestamp> {
        let seconds = millis.div_euclid(1000);
        let nanos = u32::try_from(millis.rem_euclid(1000)).ok()? * 1_000_000;
        let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
        if !(0..=9999).contains(&year) {
            return None;
        }
        let of_day = seconds.rem_euclid(86_400);
        let text = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
            of_day / 3600,
            of_day % 3600 / 60,
            of_day % 60,
            nanos / 1_000_000
        );
        Some(Timestamp {
            seconds,
            nanos,
            text: text.into(),
        })
    }
}

/// The proleptic Gregorian date of a day count since 1970-01-01: the inverse of
/// [`days_from_civil`] (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        parse(input).ok_or_else(|| TimestampError {
            input: input.to_owned(),
        })
    }
}

/// Parses `YYYY-MM-DD[T ]HH:MM:SS[.frac](Z|±HH:MM)`; `None` when malformed.
fn parse(input: &str) -> Option<Timestamp> {
    let (seconds, nanos) = parse_instant(input)?;
    Some(Timestamp {
        seconds,
        nanos,
        text: input.into(),
    })
}

/// [`parse`] without keeping the text: (Unix seconds, nanoseconds).
fn parse_instant(input: &str) -> Option<(i64, u32)> {
    let b = input.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let year = digits(b, 0, 4)? as i64;
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    let (hour, minute, second) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
    // A leap second (:60) is accepted and folded into the next second, as RFC 3339 allows it.
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut pos = 19;
    let mut nanos: u32 = 0;
    if b[pos] == b'.' {
        pos += 1;
        let start = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            if pos - start < 9 {
                nanos = nanos * 10 + u32::from(b[pos] - b'0');
            }
            pos += 1;
        }
        let len = pos - start;
        if len == 0 {
            return None;
        }
        for _ in len..9 {
            nanos *= 10;
        }
    }
    let offset_seconds: i64 = match b.get(pos..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] if rest.len() == 5 && rest[2] == b':' => {
            let (oh, om) = (digits(rest, 0, 2)?, digits(rest, 3, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let magnitude = i64::from(oh * 3600 + om * 60);
            if *sign == b'+' {
                magnitude
            } else {
                -magnitude
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_seconds;
    Some((seconds, nanos))
}

fn digits(b: &[u8], start: usize, len: usize) -> Option<u32> {
    b.get(start..start + len)?.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm);
/// also used for the HTTP dates of `Retry-After`.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant().cmp(&other.instant())
    }
}

impl std::hash::Hash for Timestamp {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.seconds, self.nanos).hash(state);
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.text)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A string in RFC 3339 form.
impl Decode for Timestamp {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let text = reader.str(&"a string")?;
        text.parse()
            .map_err(|err: TimestampError| reader.data_error(err.to_string()))
    }
}

#[cfg(feature = "serde")]
impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn parses_the_documented_form() {
        let t = ts("2024-01-10T08:00:00Z");
        assert_eq!((t.unix_seconds(), t.subsec_nanos()), (1_704_873_600, 0));
        assert_eq!(t.as_str(), "2024-01-10T08:00:00Z");
        assert_eq!(ts("1970-01-01T00:00:00Z").unix_seconds(), 0);
        assert_eq!(ts("1969-12-31T23:59:59Z").unix_seconds(), -1);
        assert_eq!(ts("2000-02-29T12:00:00Z").unix_seconds(), 951_825_600);
    }

    #[test]
    fn orders_by_instant_not_text() {
        assert!(ts("2024-01-10T08:00:00.5Z") > ts("2024-01-10T08:00:00Z"));
        assert_eq!(ts("2024-01-10T09:00:00+01:00"), ts("2024-01-10T08:00:00Z"));
        assert!(ts("2024-01-10T07:30:00-01:00") > ts("2024-01-10T08:00:00Z"));
        assert_eq!(
            ts("2024-01-10T08:00:00.123456789123Z").subsec_nanos(),
            123_456_789
        );
        assert_eq!(ts("2024-01-10T08:00:00.1Z").subsec_nanos(), 100_000_000);
    }

    #[test]
    fn unix_millis_round_trip() {
        for millis in [
            0,
            -1,
            951_825_600_000,
            1_704_873_600_999,
            -62_167_219_200_000,
            253_402_300_799_999,
        ] {
            let t = Timestamp::from_unix_millis(millis).unwrap();
            assert_eq!(t.unix_millis(), millis, "{t}");
            assert_eq!(ts(t.as_str()), t);
        }
        assert_eq!(
            Timestamp::from_unix_millis(-1).unwrap().as_str(),
            "1969-12-31T23:59:59.999Z"
        );
        assert!(Timestamp::from_unix_millis(-62_167_219_200_001).is_none());
        assert!(Timestamp::from_unix_millis(253_402_300_800_000).is_none());
        assert_eq!(
            ts("2024-01-10T08:00:00.0009Z").unix_millis(),
            1_704_873_600_000
        );
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in [
            "",
            "2024-01-10",
            "2024-01-10T08:00:00",
            "2024-13-10T08:00:00Z",
            "2023-02-29T08:00:00Z",
            "2024-01-10T24:00:00Z",
            "2024-01-10T08:00:00.Z",
            "2024-01-10T08:00:00+0100",
            "2024-01-10T08:00:00Zjunk",
            "2024-01-10X08:00:00Z",
            "２024-01-10T08:00:00Z",
        ] {
            let err = bad.parse::<Timestamp>().unwrap_err();
            assert_eq!(err.input, bad);
        }
        assert_eq!(
            "soon".parse::<Timestamp>().unwrap_err().to_string(),
            r#"invalid timestamp "soon": expected RFC 3339 such as "2024-01-10T08:00:00Z""#
        );
    }
}

//! Dates and times as the providers write them: RFC 3339, the profile of ISO 8601 with a UTC offset
//! (`2019-06-13T21:17:49+08:00` from Alipay+, `2014-01-01T06:17:41Z` from LINE Pay). The value keeps
//! the exact text it was read from, since that text is what was signed and what must be sent back,
//! and also the instant it names, so that an application can compare times.
//!
//! Hand-written rather than taken from `time`, `jiff` or `chrono`: reading one fixed format is about
//! a hundred lines, and none of those crates could give back the received bytes anyway (see the
//! README's note on dependencies).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::time::{civil_from_days, days_from_civil};

/// An RFC 3339 date and time with its UTC offset, exactly as written.
///
/// Built only by parsing, which checks the calendar (no 30 February, 29 February only in leap years)
/// and the ranges of every part; [`FromStr`](std::str::FromStr), `TryFrom` and `Deserialize` all go
/// through the same check. `Display` and `Serialize` write the original text byte for byte.
///
/// Equality is of the text: `…T00:00:00Z` and `…T09:00:00+09:00` are the same instant but different
/// values. To compare instants use [`unix_timestamp_nanos`](Self::unix_timestamp_nanos) or
/// [`cmp_instant`](Self::cmp_instant).
///
/// ```
/// use payspec_runtime::DateTime;
///
/// let paid: DateTime = "2019-06-13T21:17:49+08:00".parse()?;
/// let utc: DateTime = "2019-06-13T13:17:49Z".parse()?;
/// assert_eq!(paid.unix_timestamp(), 1_560_431_869);
/// assert_eq!(paid.offset_seconds(), 8 * 3600);
/// assert!(paid.cmp_instant(&utc).is_eq() && paid != utc);
/// assert_eq!(serde_json::to_string(&paid)?, r#""2019-06-13T21:17:49+08:00""#);
/// assert!("2019-02-29T00:00:00Z".parse::<DateTime>().is_err()); // 2019 is no leap year
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DateTime {
    text: Box<str>,
    unix_seconds: i64,
    nanosecond: u32,
    offset_seconds: i32,
}

/// Why a text is not an RFC 3339 date and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeError {
    reason: &'static str,
}

impl DateTimeError {
    /// What is wrong, in a few words (`"the day does not exist in that month"`).
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an RFC 3339 date and time (YYYY-MM-DDTHH:MM:SS[.fraction] and Z or ±HH:MM): {}", self.reason)
    }
}

impl std::error::Error for DateTimeError {}

fn fail<T>(reason: &'static str) -> Result<T, DateTimeError> {
    Err(DateTimeError { reason })
}

impl DateTime {
    /// Reads `text`; the one check behind every way of making a `DateTime`.
    pub fn parse(text: &str) -> Result<Self, DateTimeError> {
        let parts = Parts::read(text.as_bytes())?;
        Ok(DateTime { text: text.into(), ..parts.instant()? })
    }

    /// The text exactly as it was read.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text as an owned `String`.
    pub fn into_inner(self) -> String {
        self.text.into()
    }

    /// Whole seconds since 1970-01-01T00:00:00Z (negative before), whatever the offset.
    pub fn unix_timestamp(&self) -> i64 {
        self.unix_seconds
    }

    /// The fraction of the second in nanoseconds (digits beyond the ninth are dropped).
    pub fn nanosecond(&self) -> u32 {
        self.nanosecond
    }

    /// The instant in nanoseconds since 1970-01-01T00:00:00Z: what two values compare by.
    pub fn unix_timestamp_nanos(&self) -> i128 {
        i128::from(self.unix_seconds) * 1_000_000_000 + i128::from(self.nanosecond)
    }

    /// The UTC offset as written, in seconds east of UTC (`+08:00` is 28800; `Z` and `-00:00` are 0).
    pub fn offset_seconds(&self) -> i32 {
        self.offset_seconds
    }

    /// Orders two values by the instant they name, whatever their offsets.
    pub fn cmp_instant(&self, other: &DateTime) -> std::cmp::Ordering {
        self.unix_timestamp_nanos().cmp(&other.unix_timestamp_nanos())
    }

    /// The instant as a `SystemTime`, where the platform's clock can hold it.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let since = Duration::new(self.unix_seconds.unsigned_abs(), 0);
        let whole = if self.unix_seconds >= 0 { UNIX_EPOCH.checked_add(since) } else { UNIX_EPOCH.checked_sub(since) };
        whole?.checked_add(Duration::from_nanos(u64::from(self.nanosecond)))
    }
}

/// The fields of the text, each checked against its range.
struct Parts {
    year: i64,
    month: u32,
    day: u32,
    hour: i64,
    minute: i64,
    second: i64,
    nanosecond: u32,
    offset_seconds: i32,
}

impl Parts {
    fn read(b: &[u8]) -> Result<Parts, DateTimeError> {
        let digits = |at: usize, len: usize| -> Option<u32> {
            let part = b.get(at..at + len)?;
            part.iter().try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
        };
        let at = |i: usize, c: u8| b.get(i).is_some_and(|x| x.eq_ignore_ascii_case(&c));
        let (Some(year), true, Some(month), true, Some(day)) =
            (digits(0, 4), at(4, b'-'), digits(5, 2), at(7, b'-'), digits(8, 2))
        else {
            return fail("expected the date as YYYY-MM-DD");
        };
        if !at(10, b'T') {
            return fail("expected `T` between the date and the time");
        }
        let (Some(hour), true, Some(minute), true, Some(second)) =
            (digits(11, 2), at(13, b':'), digits(14, 2), at(16, b':'), digits(17, 2))
        else {
            return fail("expected the time as HH:MM:SS");
        };
        if !(1..=12).contains(&month) {
            return fail("the month is not 01 to 12");
        }
        if day == 0 || day > days_in_month(i64::from(year), month) {
            return fail("the day does not exist in that month");
        }
        if hour > 23 || minute > 59 || second > 60 {
            return fail("the time of day is out of range");
        }
        let mut i = 19;
        let mut nanosecond = 0;
        if at(i, b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                if i - start < 9 {
                    nanosecond = nanosecond * 10 + u32::from(b[i] - b'0');
                }
                i += 1;
            }
            if i == start {
                return fail("expected digits after the decimal point");
            }
            nanosecond *= 10u32.pow(9 - (i - start).min(9) as u32);
        }
        let offset_seconds = match b.get(i..) {
            Some([z]) if z.eq_ignore_ascii_case(&b'Z') => 0,
            Some([sign @ (b'+' | b'-'), ..]) => {
                let (Some(h), true, Some(m), true) =
                    (digits(i + 1, 2), at(i + 3, b':'), digits(i + 4, 2), b.len() == i + 6)
                else {
                    return fail("expected the offset as Z or ±HH:MM at the end");
                };
                if h > 23 || m > 59 {
                    return fail("the offset is out of range");
                }
                let seconds = (h * 3600 + m * 60) as i32;
                if *sign == b'-' { -seconds } else { seconds }
            }
            Some([]) => return fail("there is no UTC offset (Z or ±HH:MM)"),
            _ => return fail("expected the offset as Z or ±HH:MM at the end"),
        };
        Ok(Parts {
            year: i64::from(year),
            month,
            day,
            hour: i64::from(hour),
            minute: i64::from(minute),
            second: i64::from(second),
            nanosecond,
            offset_seconds,
        })
    }

    /// The instant, with an empty text for the caller to fill in. A leap second (`:60`) is allowed
    /// only where RFC 3339 allows one, at 23:59:60 UTC on the last day of a month, and stands for the
    /// last instant of 23:59:59, as in the `time` crate: it sorts after :59 and before the next day.
    fn instant(&self) -> Result<DateTime, DateTimeError> {
        let days = days_from_civil(self.year, self.month, self.day);
        let leap = self.second == 60;
        let second = if leap { 59 } else { self.second };
        let local = days * 86_400 + self.hour * 3600 + self.minute * 60 + second;
        let unix_seconds = local - i64::from(self.offset_seconds);
        let mut nanosecond = self.nanosecond;
        if leap {
            let (_, _, next_day) = civil_from_days((unix_seconds + 1).div_euclid(86_400));
            if (unix_seconds + 1).rem_euclid(86_400) != 0 || next_day != 1 {
                return fail("a leap second is only 23:59:60 UTC on the last day of a month");
            }
            nanosecond = 999_999_999;
        }
        Ok(DateTime { text: Box::default(), unix_seconds, nanosecond, offset_seconds: self.offset_seconds })
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The text, as the value reads in logs and assertions.
impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text, f)
    }
}

impl std::str::FromStr for DateTime {
    type Err = DateTimeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DateTime::parse(text)
    }
}

impl TryFrom<&str> for DateTime {
    type Error = DateTimeError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        DateTime::parse(text)
    }
}

impl TryFrom<String> for DateTime {
    type Error = DateTimeError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        let parts = Parts::read(text.as_bytes())?;
        Ok(DateTime { text: text.into_boxed_str(), ..parts.instant()? })
    }
}

impl AsRef<str> for DateTime {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(Visitor)
    }
}

struct Visitor;

impl serde::de::Visitor<'_> for Visitor {
    type Value = DateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date and time as a string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<DateTime, E> {
        DateTime::parse(text).map_err(E::custom)
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<DateTime, E> {
        DateTime::try_from(text).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(text: &str) -> (i64, u32, i32) {
        let t = DateTime::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(t.as_str(), text);
        (t.unix_timestamp(), t.nanosecond(), t.offset_seconds())
    }

    fn reason(text: &str) -> &'static str {
        DateTime::parse(text).map(|t| panic!("{text:?} was read as {t:?}")).unwrap_err().reason()
    }

    #[test]
    fn reads_the_provider_examples() {
        // Figures from `date -u -d ... +%s`.
        assert_eq!(instant("2019-06-13T21:17:49+08:00"), (1_560_431_869, 0, 28_800));
        assert_eq!(instant("2014-01-01T06:17:41Z"), (1_388_557_061, 0, 0));
        assert_eq!(instant("2019-04-04T12:08:56.253+05:30"), (1_554_359_936, 253_000_000, 19_800));
        assert_eq!(instant("2020-01-01T12:01:01+08:30"), (1_577_849_461, 0, 30_600));
        assert_eq!(instant("2021-12-16T00:27:40Z"), (1_639_614_460, 0, 0));
    }

    #[test]
    fn offsets_move_the_instant_not_the_text() {
        let (a, b) = (DateTime::parse("2021-01-01T00:00:00Z").unwrap(), "2020-12-31T19:00:00-05:00");
        let b = DateTime::parse(b).unwrap();
        assert!(a.cmp_instant(&b).is_eq());
        assert_ne!(a, b, "equality is of the text");
        assert_eq!(b.offset_seconds(), -18_000);
        assert_eq!(instant("2021-01-01T00:00:00-00:00"), (1_609_459_200, 0, 0), "-00:00: offset unknown, UTC");
        assert_eq!(instant("2021-01-01t00:00:00z"), (1_609_459_200, 0, 0), "RFC 3339 allows lower case t and z");
        assert_eq!(instant("2021-01-01T00:00:00+23:59").2, 86_340);
    }

    #[test]
    fn fractions_keep_nanoseconds_and_drop_the_rest() {
        assert_eq!(instant("1970-01-01T00:00:00.5Z"), (0, 500_000_000, 0));
        assert_eq!(instant("1970-01-01T00:00:00.000000001Z"), (0, 1, 0));
        assert_eq!(instant("1970-01-01T00:00:00.1234567899Z"), (0, 123_456_789, 0));
        let before = DateTime::parse("1969-12-31T23:59:59.75Z").unwrap();
        assert_eq!((before.unix_timestamp(), before.nanosecond()), (-1, 750_000_000));
        assert_eq!(before.unix_timestamp_nanos(), -250_000_000);
        assert_eq!(reason("2021-01-01T00:00:00.Z"), "expected digits after the decimal point");
    }

    #[test]
    fn checks_the_calendar() {
        assert_eq!(instant("2000-02-29T00:00:00Z").0, 951_782_400, "2000 is a leap year (divisible by 400)");
        assert_eq!(instant("2024-02-29T12:00:00Z").0, 1_709_208_000);
        for bad in ["1900-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2021-02-30T00:00:00Z", "2021-04-31T00:00:00Z"] {
            assert_eq!(reason(bad), "the day does not exist in that month", "{bad}");
        }
        assert_eq!(reason("2021-00-10T00:00:00Z"), "the month is not 01 to 12");
        assert_eq!(reason("2021-13-10T00:00:00Z"), "the month is not 01 to 12");
        assert_eq!(reason("2021-01-00T00:00:00Z"), "the day does not exist in that month");
    }

    #[test]
    fn checks_ranges_and_shape() {
        assert_eq!(instant("0000-01-01T00:00:00Z").0, -62_167_219_200);
        assert_eq!(instant("9999-12-31T23:59:59.999999999-23:59").0, 253_402_387_139);
        for (bad, why) in [
            ("2021-01-01T24:00:00Z", "the time of day is out of range"),
            ("2021-01-01T23:60:00Z", "the time of day is out of range"),
            ("2021-01-01T23:59:61Z", "the time of day is out of range"),
            ("2021-01-01T00:00:00+24:00", "the offset is out of range"),
            ("2021-01-01T00:00:00+05:60", "the offset is out of range"),
            ("2021-01-01T00:00:00", "there is no UTC offset (Z or ±HH:MM)"),
            ("2021-01-01T00:00:00+0800", "expected the offset as Z or ±HH:MM at the end"),
            ("2021-01-01T00:00:00+08", "expected the offset as Z or ±HH:MM at the end"),
            ("2021-01-01T00:00:00Z ", "expected the offset as Z or ±HH:MM at the end"),
            ("2021-01-01T00:00:00+08:00\n", "expected the offset as Z or ±HH:MM at the end"),
            ("2021-01-01 00:00:00Z", "expected `T` between the date and the time"),
            ("2021-01-01", "expected `T` between the date and the time"),
            ("10000-01-01T00:00:00Z", "expected the date as YYYY-MM-DD"),
            ("21-01-01T00:00:00Z", "expected the date as YYYY-MM-DD"),
            ("2021-1-01T00:00:00Z", "expected the date as YYYY-MM-DD"),
            ("+2021-01-01T00:00:00Z", "expected the date as YYYY-MM-DD"),
            ("２０２１-01-01T00:00:00Z", "expected the date as YYYY-MM-DD"),
            ("2021-01-01T0:00:00Z", "expected the time as HH:MM:SS"),
            ("2021-01-01T00:00Z", "expected the time as HH:MM:SS"),
            ("", "expected the date as YYYY-MM-DD"),
        ] {
            assert_eq!(reason(bad), why, "{bad:?}");
        }
    }

    #[test]
    fn leap_seconds_only_at_the_end_of_a_utc_month() {
        let leap = DateTime::parse("2016-12-31T23:59:60Z").unwrap();
        let before = DateTime::parse("2016-12-31T23:59:59.999Z").unwrap();
        let after = DateTime::parse("2017-01-01T00:00:00Z").unwrap();
        assert_eq!((leap.unix_timestamp(), leap.nanosecond()), (1_483_228_799, 999_999_999));
        assert!(before.cmp_instant(&leap).is_lt() && leap.cmp_instant(&after).is_lt());
        assert!(DateTime::parse("2017-01-01T08:59:60+09:00").unwrap().cmp_instant(&leap).is_eq());
        for bad in ["2016-12-30T23:59:60Z", "2016-12-31T22:59:60Z", "2016-12-31T23:59:60+09:00"] {
            assert_eq!(reason(bad), "a leap second is only 23:59:60 UTC on the last day of a month", "{bad}");
        }
    }

    #[test]
    fn every_way_in_agrees_and_the_text_comes_back() {
        let text = "2019-06-13T21:17:49.120+08:00";
        let parsed: DateTime = text.parse().unwrap();
        assert_eq!(DateTime::try_from(text).unwrap(), parsed);
        assert_eq!(DateTime::try_from(text.to_owned()).unwrap(), parsed);
        let json = format!("\"{text}\"");
        let read: DateTime = serde_json::from_str(&json).unwrap();
        assert_eq!(read, parsed);
        assert_eq!(serde_json::to_string(&read).unwrap(), json, "trailing zero of the fraction kept");
        assert_eq!(read.to_string(), text);
        assert_eq!(format!("{read:?}"), format!("{text:?}"));
        let bad = "2019-02-29T00:00:00Z";
        let errors = [
            bad.parse::<DateTime>().unwrap_err().to_string(),
            DateTime::try_from(bad).unwrap_err().to_string(),
            DateTime::try_from(bad.to_owned()).unwrap_err().to_string(),
            serde_json::from_str::<DateTime>(&format!("\"{bad}\"")).unwrap_err().to_string(),
        ];
        for e in &errors {
            assert!(e.contains("the day does not exist in that month"), "{e}");
        }
        assert!(serde_json::from_str::<DateTime>("1560431869").is_err(), "epoch numbers are not this format");
    }

    #[test]
    fn converts_to_system_time() {
        let t = DateTime::parse("2019-04-04T12:08:56.253+05:30").unwrap();
        assert_eq!(t.to_system_time(), Some(UNIX_EPOCH + Duration::from_millis(1_554_359_936_253)));
        let before = DateTime::parse("1969-12-31T23:59:59.5Z").unwrap();
        assert_eq!(before.to_system_time(), UNIX_EPOCH.checked_sub(Duration::from_millis(500)));
    }
}

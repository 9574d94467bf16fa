//! The clock as providers want it written: Alipay+ signs `Request-Time` as ISO 8601 with an offset.

use std::time::{SystemTime, UNIX_EPOCH};

/// `now` as `YYYY-MM-DDTHH:MM:SS.mmm+00:00` (UTC, millisecond precision).
pub fn iso8601_utc(now: SystemTime) -> String {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(i64::try_from(days).unwrap_or(i64::MAX));
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}+00:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso8601_utc(UNIX_EPOCH), "1970-01-01T00:00:00.000+00:00");
        // 2019-04-04T06:38:56.253Z, the Alipay+ example instant (12:08:56.253+05:30) in UTC.
        let t = UNIX_EPOCH + Duration::from_millis(1_554_359_936_253);
        assert_eq!(iso8601_utc(t), "2019-04-04T06:38:56.253+00:00");
        // A leap day and the end of a century year.
        assert_eq!(iso8601_utc(UNIX_EPOCH + Duration::from_secs(951_782_400)), "2000-02-29T00:00:00.000+00:00");
        assert_eq!(iso8601_utc(UNIX_EPOCH + Duration::from_secs(4_107_542_399)), "2100-02-28T23:59:59.000+00:00");
    }
}

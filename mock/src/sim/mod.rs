//! The providers' state machines: what the spec cannot express, hand-written, one module per provider.
//!
//! Each simulator is a small state machine over plain structs: it remembers what was requested,
//! authorized, captured and refunded, and answers each call the way the provider documents it,
//! including the documented error code when a step is not allowed in the current state. There is no
//! HTTP and no signing here: the server (`crate::server`) checks signatures, routes, applies faults,
//! and passes every answer through the generated response type of its operation (`crate::conform`).
//!
//! - [`linepay::Simulator`](crate::sim::linepay::Simulator): LINE Pay Online API v3 (request, confirm, capture, void, refund,
//!   payment details, check payment status, regKeys and pay preapproved).
//! - [`alipayplus::Simulator`](crate::sim::alipayplus::Simulator): an Alipay+ wallet (pay, inquiryPayment, cancel, capture, refund,
//!   inquiryRefund), with request ids as idempotency keys. Paths are given without the wallet prefix.
//! - [`elepay::Simulator`](crate::sim::elepay::Simulator): elepay charges and refunds.
//!
//! Every simulator is `Default` and answers through
//! `handle(&mut self, method, path, query, body) -> Answer`. Time is a logical clock that starts at
//! 2024-05-01T00:00:00Z and moves one second per call, so answers are reproducible. Output is built
//! with `serde_json` only; LINE Pay's 19-digit ids are `u64` and leave as bare JSON numbers, exactly.
//! Money is [`Money`](crate::sim::money::Money) in every simulator: minor units, read from each provider's wire form
//! exactly, with one [`MoneyError`](crate::sim::money::MoneyError) that each simulator maps to its provider's code. Errors
//! are plumbed one way too: each step returns [`Outcome`](crate::sim::Outcome), a refusal being a [`Refusal`](crate::sim::Refusal) with the
//! provider's code.

pub mod alipayplus;
pub mod elepay;
pub mod linepay;
pub mod money;

/// A simulator's answer to one call: the HTTP status and the JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    /// An answer with `body` serialized by `serde_json`.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Answer { status, body: body.to_string() }
    }

    /// The body parsed back, for assertions.
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    fn not_found(provider: &str, method: &str, path: &str) -> Self {
        Answer::json(404, &serde_json::json!({ "fake": format!("{provider} has no {method} {path}") }))
    }
}

/// Why a simulator refused a step: the provider's code, and the parameter at fault where the
/// provider names one (elepay's `parameterName`). Every simulator's steps return [`Outcome`]; its
/// `handle` puts a refusal in the provider's envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub parameter: Option<&'static str>,
}

impl Refusal {
    /// A refusal naming the parameter at fault.
    pub fn on(code: &'static str, parameter: &'static str) -> Refusal {
        Refusal { code, parameter: Some(parameter) }
    }
}

impl From<&'static str> for Refusal {
    fn from(code: &'static str) -> Refusal {
        Refusal { code, parameter: None }
    }
}

/// A step's answer, or why it was refused.
pub type Outcome = Result<Answer, Refusal>;

/// The logical clock of a simulator: Unix seconds, one tick per call.
#[derive(Debug, Clone)]
struct Clock {
    seconds: u64,
}

/// 2024-05-01T00:00:00Z.
const START: u64 = 1_714_521_600;

impl Default for Clock {
    fn default() -> Self {
        Clock { seconds: START }
    }
}

impl Clock {
    fn tick(&mut self) -> u64 {
        self.seconds += 1;
        self.seconds
    }
}

/// `2024-05-01T00:00:01Z` from Unix seconds (proleptic Gregorian calendar, UTC).
pub(crate) fn iso8601(seconds: u64, offset_hours: i64) -> String {
    let local = seconds as i64 + offset_hours * 3600;
    let (days, rem) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let time = format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60);
    match offset_hours {
        0 => format!("{time}Z"),
        h => format!("{time}{}{:02}:00", if h < 0 { '-' } else { '+' }, h.abs()),
    }
}

/// Percent-decodes a path segment or query component (`+` stays `+`, as in paths).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a=1&b=2&a=3` as decoded pairs, in order.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(&name.replace('+', " ")), percent_decode(&value.replace('+', " ")))
        })
        .collect()
}

/// The path's segments after the leading `/`, percent-decoded.
fn segments(path: &str) -> Vec<String> {
    path.strip_prefix('/').unwrap_or(path).split('/').map(percent_decode).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates() {
        assert_eq!(iso8601(START, 0), "2024-05-01T00:00:00Z");
        assert_eq!(iso8601(START + 86_399, 8), "2024-05-02T07:59:59+08:00");
        assert_eq!(iso8601(951_782_400, 0), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn decodes_queries() {
        assert_eq!(
            query_pairs("transactionId=1&orderId=a%2Fb&fields=ALL"),
            vec![
                ("transactionId".into(), "1".into()),
                ("orderId".into(), "a/b".into()),
                ("fields".into(), "ALL".into())
            ]
        );
        assert_eq!(segments("/charges/cha%201/capture"), vec!["charges", "cha 1", "capture"]);
    }
}

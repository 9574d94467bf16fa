//! LINE Pay recovery (provider-notes.md: after a timeout, 1172 or 1198 the outcome must be checked
//! with Payment Details, not retried blindly). When confirm, capture or refund ends that way, this
//! looks the transaction up and returns what really happened: the success the call would have
//! returned, or the original error marked as known not to have taken effect.
//!
//! A refund is only matched against refunds that appeared after it was sent: before sending a
//! refund, the handler records the transaction's existing refunds (one Payment Details call), so
//! an earlier refund of the same amount is never taken for this one. Without that record the
//! refund's outcome stays unknown.

use std::time::Duration;

use serde_json::{Value, json};

use crate::client::{
    BoxFuture, Call, CallResult, CodeFacts, Error, ErrorKind, Handler, Method, Next, Reply, TransportErrorKind,
};

const OPERATIONS: &[&str] = &["confirm", "capture", "refund"];
const LOOKUP_CODES: &[&str] = &["1172", "1198"];

#[derive(Debug, Clone)]
pub struct LinePayRecovery {
    lookup_timeout: Duration,
}

impl Default for LinePayRecovery {
    /// Looks up with Payment Details' recommended 20-second timeout.
    fn default() -> Self {
        LinePayRecovery { lookup_timeout: Duration::from_secs(20) }
    }
}

impl LinePayRecovery {
    pub fn lookup_timeout(mut self, timeout: Duration) -> Self {
        self.lookup_timeout = timeout;
        self
    }
}

/// Whether `err` leaves the outcome open in a way a lookup can settle.
fn needs_lookup(err: &Error<String>) -> bool {
    match err.kind() {
        ErrorKind::Transport(t) => t.kind != TransportErrorKind::Connect,
        ErrorKind::Provider(p) => LOOKUP_CODES.contains(&p.code.as_str()),
        _ => false,
    }
}

/// The 19-digit transaction id in a confirm, capture or refund path.
fn transaction_id(path: &str) -> Option<&str> {
    path.split('/').find(|s| s.len() == 19 && s.bytes().all(|b| b.is_ascii_digit()))
}

fn same_id(value: Option<&Value>, id: &str) -> bool {
    match value {
        Some(Value::Number(n)) => n.to_string() == id,
        Some(Value::String(s)) => s == id,
        _ => false,
    }
}

/// What a lookup says about the call.
#[derive(Debug, PartialEq)]
enum Settled {
    /// It took effect: the answer it would have returned.
    Applied(Value),
    /// It did not take effect.
    NotApplied,
    /// The lookup cannot tell.
    Unknown,
}

fn entry<'v>(details: &'v Value, id: &str) -> Option<&'v Value> {
    details.as_array()?.iter().find(|e| same_id(e.get("transactionId"), id))
}

/// A refund's id as text, whether LINE Pay sent it as a number or a string.
fn refund_id(refund: &Value) -> Option<String> {
    match refund.get("refundTransactionId")? {
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn refunds(entry: &Value) -> impl DoubleEndedIterator<Item = &Value> {
    entry.get("refundList").and_then(Value::as_array).into_iter().flatten()
}

/// The ids of a transaction's refunds.
fn refund_ids(entry: &Value) -> Vec<String> {
    refunds(entry).filter_map(refund_id).collect()
}

/// Settles `call` from the lookup. `before`: the refund ids recorded before a refund was sent.
fn settle(call: &Call, id: &str, details: &Value, before: Option<&[String]>) -> Settled {
    let Some(entry) = entry(details, id) else { return Settled::Unknown };
    let status = entry.get("payStatus").and_then(Value::as_str);
    // Payment Details may leave payInfo out; the call's answer still says what happened.
    let pay_info = entry.get("payInfo").cloned().unwrap_or_else(|| json!([]));
    let core =
        || json!({ "orderId": entry.get("orderId"), "transactionId": entry.get("transactionId"), "payInfo": pay_info });
    match call.operation {
        "capture" if status == Some("CAPTURE") => Settled::Applied(core()),
        "confirm" if matches!(status, Some("AUTHORIZATION" | "CAPTURE")) => Settled::Applied(core()),
        "capture" | "confirm" => Settled::NotApplied,
        "refund" => {
            let Some(before) = before else { return Settled::Unknown };
            let requested = call.body.as_deref().and_then(|b| serde_json::from_slice::<Value>(b).ok());
            let amount = requested.as_ref().and_then(|r| r.get("refundAmount")).and_then(Value::as_f64);
            let new = refunds(entry).rev().find(|r| {
                let fresh = refund_id(r).is_some_and(|rid| !before.contains(&rid));
                fresh
                    && match amount {
                        // LINE Pay lists refunds as negative amounts.
                        Some(a) => r.get("refundAmount").and_then(Value::as_f64) == Some(-a),
                        None => r.get("transactionType").and_then(Value::as_str) == Some("PAYMENT_REFUND"),
                    }
            });
            match new {
                Some(refund) => Settled::Applied(json!({
                    "refundTransactionId": refund.get("refundTransactionId"),
                    "refundTransactionDate": refund.get("refundTransactionDate"),
                })),
                None => Settled::NotApplied,
            }
        }
        _ => Settled::Unknown,
    }
}

impl LinePayRecovery {
    fn lookup_call(&self, id: &str) -> Call {
        Call {
            operation: "payment_details",
            method: Method::GET,
            path: "/v3/payments".into(),
            query: format!("transactionId={id}"),
            body: None,
            timeout: self.lookup_timeout,
            idempotent: true,
            extra_success_codes: &[],
            classify: |_| CodeFacts::default(),
        }
    }

    /// Payment Details for `id`, or `None` when the lookup fails.
    async fn look_up(&self, id: &str, next: Next<'_>) -> Option<(u16, Value)> {
        let found = next.run(self.lookup_call(id)).await.ok()?;
        let details = serde_json::from_str::<Value>(found.payload.get()).ok()?;
        Some((found.status, details))
    }
}

impl Handler for LinePayRecovery {
    fn handle<'a>(&'a self, call: Call, next: Next<'a>) -> BoxFuture<'a, CallResult> {
        Box::pin(async move {
            let id = transaction_id(&call.path).filter(|_| OPERATIONS.contains(&call.operation)).map(str::to_owned);
            // A refund can only be told apart from earlier ones by what existed before it.
            let before = match (&id, call.operation) {
                (Some(id), "refund") => self.look_up(id, next).await.and_then(|(_, d)| entry(&d, id).map(refund_ids)),
                _ => None,
            };
            let result = next.run(call.clone()).await;
            let Err(err) = result else { return result };
            let Some(id) = id.filter(|_| needs_lookup(&err)) else { return Err(err) };
            let Some((status, details)) = self.look_up(&id, next).await else { return Err(err) };
            match settle(&call, &id, &details, before.as_deref()) {
                Settled::Applied(info) => match serde_json::value::to_raw_value(&info) {
                    Ok(payload) => Ok(Reply { status, code: Some("0000".into()), payload }),
                    Err(_) => Err(err),
                },
                Settled::NotApplied => Err(err.known_not_applied()),
                Settled::Unknown => Err(err),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(operation: &'static str, body: Option<&str>) -> Call {
        Call {
            operation,
            method: Method::POST,
            path: "/v3/payments/authorizations/2021121300698360310/capture".into(),
            query: String::new(),
            body: body.map(|b| b.as_bytes().to_vec()),
            timeout: Duration::from_secs(1),
            idempotent: false,
            extra_success_codes: &[],
            classify: |_| CodeFacts::default(),
        }
    }

    const ID: &str = "2021121300698360310";

    fn details(status: &str, refunds: &str) -> Value {
        serde_json::from_str(&format!(
            r#"[{{"transactionId":{ID},"orderId":"o-1","payStatus":"{status}","payInfo":[{{"method":"BALANCE","amount":100}}],"refundList":{refunds}}}]"#
        ))
        .unwrap()
    }

    #[test]
    fn finds_the_id_in_paths() {
        assert_eq!(transaction_id("/v3/payments/authorizations/2021121300698360310/capture"), Some(ID));
        assert_eq!(transaction_id("/v3/payments/request"), None);
    }

    #[test]
    fn capture_is_settled_by_pay_status() {
        let Settled::Applied(info) = settle(&call("capture", None), ID, &details("CAPTURE", "[]"), None) else {
            panic!("not applied")
        };
        assert_eq!(info["orderId"], "o-1");
        assert_eq!(info["transactionId"].to_string(), ID, "the id stays exact");
        assert_eq!(settle(&call("capture", None), ID, &details("AUTHORIZATION", "[]"), None), Settled::NotApplied);
        assert_eq!(
            settle(&call("capture", None), "2021121300698360311", &details("CAPTURE", "[]"), None),
            Settled::Unknown
        );
    }

    #[test]
    fn refund_is_matched_by_amount_among_new_refunds_only() {
        let refunds = r#"[{"refundTransactionId":2021121300698360400,"transactionType":"PARTIAL_REFUND","refundAmount":-20,"refundTransactionDate":"d1"},
                          {"refundTransactionId":2021121300698360401,"transactionType":"PARTIAL_REFUND","refundAmount":-20,"refundTransactionDate":"d2"}]"#;
        let refund = call("refund", Some(r#"{"refundAmount":20}"#));
        let earlier = ["2021121300698360400".to_owned()];
        let Settled::Applied(found) = settle(&refund, ID, &details("CAPTURE", refunds), Some(&earlier)) else {
            panic!("not applied")
        };
        assert_eq!(found["refundTransactionId"].to_string(), "2021121300698360401");
        let both = ["2021121300698360400".to_owned(), "2021121300698360401".to_owned()];
        assert_eq!(settle(&refund, ID, &details("CAPTURE", refunds), Some(&both)), Settled::NotApplied);
        assert_eq!(settle(&refund, ID, &details("CAPTURE", refunds), None), Settled::Unknown, "no record, no guess");
    }
}

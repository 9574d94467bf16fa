//! LINE Pay recovery (provider-notes.md: after a timeout, 1172 or 1198 the outcome must be checked
//! with Payment Details, not retried blindly). When confirm, capture or refund ends that way, this
//! looks the transaction up and returns what really happened: the success the call would have
//! returned, or the original error marked as known not to have taken effect.

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

/// The call's answer rebuilt from the lookup, or `None` when the call did not take effect.
fn settled(call: &Call, id: &str, details: &Value) -> Option<Value> {
    let entry = details.as_array()?.iter().find(|e| same_id(e.get("transactionId"), id))?;
    let status = entry.get("payStatus").and_then(Value::as_str);
    // Payment Details may leave payInfo out; the call's answer still says what happened.
    let pay_info = entry.get("payInfo").cloned().unwrap_or_else(|| json!([]));
    let core =
        || json!({ "orderId": entry.get("orderId"), "transactionId": entry.get("transactionId"), "payInfo": pay_info });
    match call.operation {
        "capture" if status == Some("CAPTURE") => Some(core()),
        "confirm" if matches!(status, Some("AUTHORIZATION" | "CAPTURE")) => Some(core()),
        "refund" => {
            let requested = call.body.as_deref().and_then(|b| serde_json::from_slice::<Value>(b).ok());
            let amount = requested.as_ref().and_then(|r| r.get("refundAmount")).and_then(Value::as_f64);
            let refund = entry.get("refundList")?.as_array()?.iter().rev().find(|r| match amount {
                // LINE Pay lists refunds as negative amounts.
                Some(a) => r.get("refundAmount").and_then(Value::as_f64) == Some(-a),
                None => r.get("transactionType").and_then(Value::as_str) == Some("PAYMENT_REFUND"),
            })?;
            Some(json!({
                "refundTransactionId": refund.get("refundTransactionId"),
                "refundTransactionDate": refund.get("refundTransactionDate"),
            }))
        }
        _ => None,
    }
}

impl Handler for LinePayRecovery {
    fn handle<'a>(&'a self, call: Call, next: Next<'a>) -> BoxFuture<'a, CallResult> {
        Box::pin(async move {
            let result = next.run(call.clone()).await;
            let Err(err) = result else { return result };
            if !OPERATIONS.contains(&call.operation) || !needs_lookup(&err) {
                return Err(err);
            }
            let Some(id) = transaction_id(&call.path) else { return Err(err) };
            let lookup = Call {
                operation: "payment_details",
                method: Method::GET,
                path: "/v3/payments".into(),
                query: format!("transactionId={id}"),
                body: None,
                timeout: self.lookup_timeout,
                idempotent: true,
                extra_success_codes: &[],
                classify: |_| CodeFacts::default(),
            };
            let Ok(found) = next.run(lookup).await else { return Err(err) };
            let Ok(details) = serde_json::from_str::<Value>(found.payload.get()) else { return Err(err) };
            match settled(&call, id, &details) {
                Some(info) => match serde_json::value::to_raw_value(&info) {
                    Ok(payload) => Ok(Reply { status: found.status, code: Some("0000".into()), payload }),
                    Err(_) => Err(err),
                },
                None => Err(err.known_not_applied()),
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
        let info = settled(&call("capture", None), ID, &details("CAPTURE", "[]")).unwrap();
        assert_eq!(info["orderId"], "o-1");
        assert_eq!(info["transactionId"].to_string(), ID, "the id stays exact");
        assert!(settled(&call("capture", None), ID, &details("AUTHORIZATION", "[]")).is_none());
        assert!(settled(&call("capture", None), "2021121300698360311", &details("CAPTURE", "[]")).is_none());
    }

    #[test]
    fn refund_is_matched_by_amount() {
        let refunds = r#"[{"refundTransactionId":2021121300698360400,"transactionType":"PARTIAL_REFUND","refundAmount":-20,"refundTransactionDate":"d1"},
                          {"refundTransactionId":2021121300698360401,"transactionType":"PARTIAL_REFUND","refundAmount":-30,"refundTransactionDate":"d2"}]"#;
        let found = settled(&call("refund", Some(r#"{"refundAmount":20}"#)), ID, &details("CAPTURE", refunds)).unwrap();
        assert_eq!(found["refundTransactionId"].to_string(), "2021121300698360400");
        assert!(settled(&call("refund", Some(r#"{"refundAmount":25}"#)), ID, &details("CAPTURE", refunds)).is_none());
    }
}

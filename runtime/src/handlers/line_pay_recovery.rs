//! LINE Pay recovery: after a timeout, 1172 or 1198 the outcome of a confirm, capture or refund is
//! checked with Payment Details, never retried blindly (provider-notes.md). See [`LinePayRecovery`].

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::client::{
    BoxFuture, Call, CallResult, CodeFacts, Effect, Error, Handler, Method, Missing, Next, Recovery, Reply,
};
use crate::constrained::deserialize_text;
use crate::decimal::Decimal;

/// Looks up LINE Pay confirm, capture and refund calls whose outcome is unknown. Add it with
/// `Config::handler`; its position among the handlers does not change what it concludes.
///
/// Which calls those are comes from the spec: an operation whose `effect` is `confirm`, `capture` or
/// `refund` (the effects Payment Details shows), and whose error codes say when the outcome is unknown.
///
/// LINE Pay asks that the outcome of a call left unknown (a timeout, 1172, 1198) be checked with
/// Payment Details rather than retried blindly. When a confirm, capture or refund ends with an
/// outcome the spec calls unknown (a timeout, a lost or undecodable answer, a code such as 1198),
/// this looks the transaction up until the effect shows or a bounded window ends.
///
/// What it concludes, and nothing more:
/// - the lookup shows the effect: the answer the call would have returned, rebuilt from Payment
///   Details (or [`crate::client::ErrorKind::Incomplete`] where Payment Details cannot supply every
///   field: a confirm's `regKey`);
/// - the lookup proves the call can never take effect (a capture whose authorization was voided or
///   expired): the original error, marked [`Recovery::NotApplied`];
/// - anything else, including "not visible yet": the original error, still outcome-unknown, with a
///   [`Recovery`] note saying what was seen. An effect a lookup does not show yet may still appear
///   (LINE Pay may still be processing the call), so absence is never taken as "not applied", and a
///   `Retry` handler in any position never repeats the call.
///
/// A refund is only matched against refunds that appeared after it was sent: before sending a refund
/// the handler records the transaction's existing refunds (one Payment Details call), so an earlier
/// refund of the same amount is never taken for this one. Without that record the refund's outcome
/// stays unknown. Two refunds of the same amount sent at once for one transaction cannot be told
/// apart by any lookup: send them one after the other.
///
/// ```
/// use std::time::Duration;
/// use payspec_runtime::handlers::LinePayRecovery;
///
/// // Look for up to 10 s, 1 s apart at first, each lookup with at most 5 s.
/// let recovery = LinePayRecovery::default()
///     .lookup_window(Duration::from_secs(10))
///     .lookup_backoff(Duration::from_secs(1), Duration::from_secs(4))
///     .lookup_timeout(Duration::from_secs(5));
/// # let _ = recovery;
/// ```
#[derive(Debug, Clone)]
pub struct LinePayRecovery {
    lookup_timeout: Duration,
    window: Duration,
    first_delay: Duration,
    max_delay: Duration,
}

impl Default for LinePayRecovery {
    /// Each lookup with Payment Details' recommended 20-second timeout; lookups for up to 30 seconds
    /// after the call failed, 0.5 s apart at first, doubling up to 5 s.
    fn default() -> Self {
        LinePayRecovery {
            lookup_timeout: Duration::from_secs(20),
            window: Duration::from_secs(30),
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl LinePayRecovery {
    /// The timeout of each Payment Details lookup (never beyond the end of the window).
    pub fn lookup_timeout(mut self, timeout: Duration) -> Self {
        self.lookup_timeout = timeout;
        self
    }

    /// How long to keep looking after the call failed before leaving its outcome unknown. The first
    /// lookup is always made, however short the window.
    pub fn lookup_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// The wait before the second lookup, doubling after each lookup up to `max`.
    pub fn lookup_backoff(mut self, first: Duration, max: Duration) -> Self {
        self.first_delay = first;
        self.max_delay = max.max(first);
        self
    }
}

/// Whether this handler settles a call with `effect` from Payment Details. A void would show there
/// too (`VOIDED_AUTHORIZATION`), but settling one is not written yet: its unknown outcome stays unknown.
fn provable(effect: Effect) -> bool {
    matches!(effect, Effect::Confirm | Effect::Capture | Effect::Refund)
}

/// The `payStatus` values recovery reads, as spec/linepay/payment_details.yaml lists them (enum
/// `PayStatus` of a transaction's `payStatus`); every other value, present or future, proves nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PayStatus {
    /// `CAPTURE`: the amount is captured.
    Capture,
    /// `AUTHORIZATION`: authorized, not yet captured.
    Authorization,
    /// `VOIDED_AUTHORIZATION`: the authorization was voided; it can never be captured.
    VoidedAuthorization,
    /// `EXPIRED_AUTHORIZATION`: the authorization expired; it can never be captured.
    ExpiredAuthorization,
    /// Any other value.
    Other,
}

impl PayStatus {
    fn parse(value: &str) -> PayStatus {
        match value {
            "CAPTURE" => PayStatus::Capture,
            "AUTHORIZATION" => PayStatus::Authorization,
            "VOIDED_AUTHORIZATION" => PayStatus::VoidedAuthorization,
            "EXPIRED_AUTHORIZATION" => PayStatus::ExpiredAuthorization,
            _ => PayStatus::Other,
        }
    }
}

/// The `transactionType` of a full refund in a transaction's `refundList` (enum `TransactionType`
/// in spec/linepay/payment_details.yaml): a refund request without an amount refunds in full.
const FULL_REFUND: &str = "PAYMENT_REFUND";

/// The confirm answer's fields that Payment Details never carries.
const CONFIRM_MISSING: Missing = Missing {
    fields: &[
        "regKey",
        "payInfo[].creditCardNickname",
        "payInfo[].creditCardBrand",
        "payInfo[].maskedCreditCardNumber",
    ],
    advice: "the regKey of a PREAPPROVED payment is only ever sent in the confirm answer; use the one the \
        application recorded from an earlier answer, or, if it has none, treat the key as lost and ask the user \
        to register again (Check regKey needs the key itself); the card details are only in the confirm answer",
};

/// The 19-digit transaction id in a confirm, capture or refund path.
fn transaction_id(path: &str) -> Option<&str> {
    path.split('/').find(|s| s.len() == 19 && s.bytes().all(|b| b.is_ascii_digit()))
}

/// One transaction in a Payment Details answer: only what recovery reads. Ids stay text and amounts
/// exact decimals; the parts passed on to the rebuilt answer stay raw JSON.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(deserialize_with = "deserialize_text")]
    transaction_id: String,
    order_id: Option<Box<RawValue>>,
    pay_status: Option<String>,
    pay_info: Option<Box<RawValue>>,
    packages: Option<Box<RawValue>>,
    shipping: Option<Box<RawValue>>,
    authorization_expire_date: Option<Box<RawValue>>,
    #[serde(default)]
    refund_list: Vec<Refund>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Refund {
    #[serde(deserialize_with = "deserialize_text")]
    refund_transaction_id: String,
    transaction_type: Option<String>,
    refund_amount: Option<Decimal>,
    refund_transaction_date: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RefundBody {
    refund_amount: Option<Decimal>,
}

/// What one lookup says about the call.
#[derive(Debug)]
enum Settled {
    /// It took effect: the answer it would have returned, and what that answer lacks.
    Applied { payload: Box<RawValue>, missing: Option<Missing> },
    /// The provider's state proves it did not and will not take effect.
    NotApplied(String),
    /// The lookup does not show the effect (yet), or cannot tell.
    NotVisible,
}

/// Settles `call`, whose money effect is `effect`, from the transactions Payment Details returned.
/// `before`: the refund ids recorded before a refund was sent.
fn settle(call: &Call, effect: Effect, id: &str, entries: &[Entry], before: Option<&[String]>) -> Settled {
    let Some(entry) = entries.iter().find(|e| e.transaction_id == id) else { return Settled::NotVisible };
    let status = entry.pay_status.as_deref().map(PayStatus::parse);
    // The answer is written from the lookup's raw JSON, so ids and amounts keep their exact text.
    let rebuilt = |fields: &[(&str, Option<&RawValue>)], missing| {
        let members: Vec<String> =
            fields.iter().filter_map(|(name, value)| Some(format!("\"{name}\":{}", (*value)?.get()))).collect();
        match RawValue::from_string(format!("{{{}}}", members.join(","))) {
            Ok(payload) => Settled::Applied { payload, missing },
            Err(_) => Settled::NotVisible,
        }
    };
    let id_raw = RawValue::from_string(id.to_owned()).ok();
    // Payment Details may leave payInfo out; the call's answer still says what happened.
    let empty = RawValue::from_string("[]".to_owned()).ok();
    let pay_info = entry.pay_info.as_deref().or(empty.as_deref());
    let core = [("orderId", entry.order_id.as_deref()), ("transactionId", id_raw.as_deref()), ("payInfo", pay_info)];
    match (effect, status) {
        (Effect::Capture, Some(PayStatus::Capture)) => rebuilt(&core, None),
        (Effect::Capture, Some(PayStatus::VoidedAuthorization | PayStatus::ExpiredAuthorization)) => {
            Settled::NotApplied(format!(
                "Payment Details shows the authorization as {}, so it can no longer be captured",
                entry.pay_status.as_deref().unwrap_or_default()
            ))
        }
        (Effect::Confirm, Some(PayStatus::Authorization | PayStatus::Capture)) => {
            let mut fields = core.to_vec();
            fields.push(("packages", entry.packages.as_deref()));
            fields.push(("shipping", entry.shipping.as_deref()));
            fields.push(("authorizationExpireDate", entry.authorization_expire_date.as_deref()));
            rebuilt(&fields, Some(CONFIRM_MISSING))
        }
        (Effect::Refund, _) => {
            let Some(before) = before else { return Settled::NotVisible };
            let requested = call.body.as_deref().and_then(|b| serde_json::from_slice::<RefundBody>(b).ok());
            let Some(requested) = requested else { return Settled::NotVisible };
            let new = entry.refund_list.iter().rev().find(|r| {
                !before.contains(&r.refund_transaction_id)
                    && match requested.refund_amount {
                        // LINE Pay lists refunds as negative amounts.
                        Some(a) => r.refund_amount.and_then(|listed| listed.checked_add(a)) == Some(Decimal::ZERO),
                        None => r.transaction_type.as_deref() == Some(FULL_REFUND),
                    }
            });
            match new {
                Some(refund) => {
                    let refund_id = RawValue::from_string(refund.refund_transaction_id.clone()).ok();
                    rebuilt(
                        &[
                            ("refundTransactionId", refund_id.as_deref()),
                            ("refundTransactionDate", refund.refund_transaction_date.as_deref()),
                        ],
                        None,
                    )
                }
                None => Settled::NotVisible,
            }
        }
        // Not yet (or never) in a state that shows the effect, or a status this handler does not know.
        _ => Settled::NotVisible,
    }
}

impl LinePayRecovery {
    fn lookup_call(&self, id: &str, timeout: Duration) -> Call {
        Call {
            operation: "payment_details",
            method: Method::GET,
            path: "/v3/payments".into(),
            path_template: "/v3/payments",
            secret_path_params: &[],
            query: format!("transactionId={id}"),
            body: None,
            timeout,
            idempotent: true,
            idempotency_key: None,
            effect: None,
            extra_success_codes: &[],
            classify: |_| CodeFacts::default(),
        }
    }

    /// Payment Details for `id`: its transactions and the answer's HTTP status.
    async fn look_up(&self, id: &str, timeout: Duration, next: Next<'_>) -> Result<(u16, Vec<Entry>), String> {
        let found = next.run(self.lookup_call(id, timeout)).await.map_err(|e| e.to_string())?;
        let entries = serde_json::from_str(found.payload().get())
            .map_err(|e| format!("Payment Details answered in an unexpected shape: {e}"))?;
        Ok((found.status, entries))
    }

    /// Looks `call` up until the effect shows, the provider proves it absent, or the window ends.
    async fn recover(
        &self,
        call: &Call,
        effect: Effect,
        id: &str,
        before: Option<&[String]>,
        err: Error<String>,
        next: Next<'_>,
    ) -> CallResult {
        let start = Instant::now();
        let mut delay = self.first_delay;
        let mut lookups = 0;
        loop {
            let remaining = self.window.saturating_sub(start.elapsed());
            lookups += 1;
            let timeout = if lookups == 1 { self.lookup_timeout } else { self.lookup_timeout.min(remaining) };
            let last_error = match self.look_up(id, timeout, next).await {
                Ok((status, entries)) => match settle(call, effect, id, &entries, before) {
                    Settled::Applied { payload, missing } => {
                        let mut reply = Reply::new(status, Some("0000".into()), payload);
                        reply.missing = missing;
                        return Ok(reply);
                    }
                    Settled::NotApplied(reason) => return Err(err.with_recovery(Recovery::NotApplied { reason })),
                    Settled::NotVisible => None,
                },
                Err(e) => Some(e),
            };
            let remaining = self.window.saturating_sub(start.elapsed());
            if remaining <= delay {
                let waited = start.elapsed();
                let recovery = match last_error {
                    Some(last_error) => Recovery::LookupFailed { lookups, waited, last_error },
                    None => Recovery::NotVisible { lookups, waited },
                };
                return Err(err.with_recovery(recovery));
            }
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2).min(self.max_delay);
        }
    }
}

impl Handler for LinePayRecovery {
    fn handle<'a>(&'a self, call: Call, next: Next<'a>) -> BoxFuture<'a, CallResult> {
        Box::pin(async move {
            let effect = call.effect.filter(|e| provable(*e));
            let id = effect.and_then(|effect| Some((effect, transaction_id(&call.path)?.to_owned())));
            let Some((effect, id)) = id else { return next.run(call).await };
            // A refund can only be told apart from earlier ones by what existed before it.
            let before = match effect {
                Effect::Refund => match self.look_up(&id, self.lookup_timeout, next).await {
                    Ok((_, entries)) => entries
                        .iter()
                        .find(|e| e.transaction_id == id)
                        .map(|e| e.refund_list.iter().map(|r| r.refund_transaction_id.clone()).collect::<Vec<_>>()),
                    Err(_) => None,
                },
                _ => None,
            };
            let result = next.run(call.clone()).await;
            match result {
                // The spec's classification decides: a timeout, a lost or undecodable answer, or a
                // code such as 1198 leaves the outcome unknown; anything else is the provider's word.
                Err(err) if err.is_outcome_unknown() => {
                    self.recover(&call, effect, &id, before.as_deref(), err, next).await
                }
                other => other,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(effect: Effect, body: Option<&str>) -> Call {
        Call {
            operation: "an_operation",
            method: Method::POST,
            path: "/v3/payments/authorizations/2021121300698360310/capture".into(),
            path_template: "/v3/payments/authorizations/{transactionId}/capture",
            secret_path_params: &[],
            query: String::new(),
            body: body.map(|b| b.as_bytes().to_vec()),
            timeout: Duration::from_secs(1),
            idempotent: false,
            idempotency_key: None,
            effect: Some(effect),
            extra_success_codes: &[],
            classify: |_| CodeFacts::default(),
        }
    }

    const ID: &str = "2021121300698360310";

    fn details(status: &str, refunds: &str) -> Vec<Entry> {
        serde_json::from_str(&format!(
            r#"[{{"transactionId":{ID},"orderId":"o-1","payStatus":"{status}","payInfo":[{{"method":"BALANCE","amount":100}}],"refundList":{refunds}}}]"#
        ))
        .unwrap()
    }

    fn applied(settled: Settled) -> serde_json::Value {
        match settled {
            Settled::Applied { payload, .. } => serde_json::from_str(payload.get()).unwrap(),
            other => panic!("not applied: {other:?}"),
        }
    }

    #[test]
    fn finds_the_id_in_paths() {
        assert_eq!(transaction_id("/v3/payments/authorizations/2021121300698360310/capture"), Some(ID));
        assert_eq!(transaction_id("/v3/payments/request"), None);
    }

    #[test]
    fn capture_is_applied_only_when_captured_and_never_assumed_absent() {
        let info = applied(settle(&call(Effect::Capture, None), Effect::Capture, ID, &details("CAPTURE", "[]"), None));
        assert_eq!(info["orderId"], "o-1");
        assert_eq!(info["transactionId"].to_string(), ID, "the id stays exact");
        for still_open in ["AUTHORIZATION", "SOMETHING_NEW"] {
            let settled = settle(&call(Effect::Capture, None), Effect::Capture, ID, &details(still_open, "[]"), None);
            assert!(matches!(settled, Settled::NotVisible), "{still_open}: {settled:?}");
        }
        let voided =
            settle(&call(Effect::Capture, None), Effect::Capture, ID, &details("VOIDED_AUTHORIZATION", "[]"), None);
        assert!(matches!(voided, Settled::NotApplied(_)), "{voided:?}");
        let other = settle(
            &call(Effect::Capture, None),
            Effect::Capture,
            "2021121300698360311",
            &details("CAPTURE", "[]"),
            None,
        );
        assert!(matches!(other, Settled::NotVisible));
    }

    #[test]
    fn a_missing_pay_status_tells_nothing() {
        let entries: Vec<Entry> =
            serde_json::from_str(&format!(r#"[{{"transactionId":{ID},"orderId":"o-1"}}]"#)).unwrap();
        for effect in [Effect::Capture, Effect::Confirm] {
            assert!(
                matches!(settle(&call(effect, None), effect, ID, &entries, None), Settled::NotVisible),
                "{effect:?}"
            );
        }
    }

    #[test]
    fn a_confirm_rebuilt_from_details_names_what_it_lacks() {
        let Settled::Applied { missing, .. } =
            settle(&call(Effect::Confirm, None), Effect::Confirm, ID, &details("AUTHORIZATION", "[]"), None)
        else {
            panic!("not applied")
        };
        assert!(missing.expect("a confirm lacks fields").fields.contains(&"regKey"));
    }

    #[test]
    fn refund_is_matched_by_exact_amount_among_new_refunds_only() {
        let refunds = r#"[{"refundTransactionId":2021121300698360400,"transactionType":"PARTIAL_REFUND","refundAmount":-20.10,"refundTransactionDate":"d1"},
                          {"refundTransactionId":2021121300698360401,"transactionType":"PARTIAL_REFUND","refundAmount":-20.1,"refundTransactionDate":"d2"}]"#;
        let refund = call(Effect::Refund, Some(r#"{"refundAmount":20.1}"#));
        let earlier = ["2021121300698360400".to_owned()];
        let found = applied(settle(&refund, Effect::Refund, ID, &details("CAPTURE", refunds), Some(&earlier)));
        assert_eq!(found["refundTransactionId"].to_string(), "2021121300698360401");
        let both = ["2021121300698360400".to_owned(), "2021121300698360401".to_owned()];
        assert!(matches!(
            settle(&refund, Effect::Refund, ID, &details("CAPTURE", refunds), Some(&both)),
            Settled::NotVisible
        ));
        assert!(
            matches!(settle(&refund, Effect::Refund, ID, &details("CAPTURE", refunds), None), Settled::NotVisible),
            "no record, no guess"
        );
        let other_amount = call(Effect::Refund, Some(r#"{"refundAmount":20.11}"#));
        assert!(matches!(
            settle(&other_amount, Effect::Refund, ID, &details("CAPTURE", refunds), Some(&earlier)),
            Settled::NotVisible
        ));
    }
}

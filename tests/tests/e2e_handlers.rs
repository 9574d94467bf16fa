//! End to end through the handler chain, against the fake providers: handler order and short-circuits,
//! `Retry` (what it repeats, how often, always freshly signed, and what it never repeats),
//! `LinePayRecovery` (looking the payment up after 1198 or a timeout), `Tracing` (the span's fields,
//! without secrets), and that no secret reaches the `Debug` or `Display` output of credentials, configs,
//! clients or any kind of error.

mod support;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use payspec::alipayplus::capture::{CaptureError as AlipayCaptureError, CaptureRequest as AlipayCaptureRequest};
use payspec::elepay::capture_charge::ChargeCaptureRequest;
use payspec::linepay::capture::{self, CaptureError, CaptureRequest};
use payspec::linepay::pay_preapproved::{PayPreapprovedError, PayPreapprovedRequest};
use payspec::linepay::payment_details::PaymentDetailsQuery;
use payspec::linepay::void::VoidError;
use payspec::linepay::{Currency, TransactionId};
use payspec::runtime::Decimal;
use payspec::runtime::client::{
    BoxFuture, Call, CallResult, Config, ElepayCredentials, Error, ErrorKind, Handler, LinePayCredentials, Next,
    ProviderError, Recovery, Reply, TransportErrorKind,
};
use payspec::runtime::handlers::{LinePayRecovery, Retry, Tracing};
use serde_json::value::RawValue;
use support::*;

const TX: &str = "2021121300698360310";
const CAPTURE_PATH: &str = "/v3/payments/authorizations/2021121300698360310/capture";
const CAPTURE_INFO: &str =
    r#"{"orderId":"order-1","transactionId":2021121300698360310,"payInfo":[{"method":"BALANCE","amount":1000}]}"#;
const FAST: Duration = Duration::from_millis(2);

fn tx() -> TransactionId {
    TX.parse().expect("id")
}

fn twd() -> CaptureRequest {
    CaptureRequest::new(Decimal::from_i64(1000), Currency::Twd)
}

fn preapproved() -> PayPreapprovedRequest {
    PayPreapprovedRequest::new("Plan", Decimal::from_i64(980), Currency::Jpy, "sub-1")
}

fn linepay(config: Config<LinePayCredentials>) -> payspec::linepay::Client {
    payspec::linepay::Client::new(config).expect("client")
}

fn retry(attempts: u32) -> Retry {
    Retry::new(attempts).backoff(FAST, Duration::from_millis(10))
}

/// Records what it sees, under its name, and passes the call on.
struct Recorder {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
    calls: Arc<Mutex<Vec<Call>>>,
}

impl Recorder {
    fn new(name: &'static str, log: &Arc<Mutex<Vec<String>>>) -> Self {
        Recorder { name, log: log.clone(), calls: Arc::default() }
    }
}

impl Handler for Recorder {
    fn handle<'a>(&'a self, call: Call, next: Next<'a>) -> BoxFuture<'a, CallResult> {
        Box::pin(async move {
            self.log.lock().unwrap().push(format!("{} call {}", self.name, call.operation));
            self.calls.lock().unwrap().push(call.clone());
            let result = next.run(call).await;
            let outcome = match &result {
                Ok(reply) => format!("ok {}", reply.code.as_deref().unwrap_or("-")),
                Err(e) => format!("err {}", e.provider_code().map_or("-", String::as_str)),
            };
            self.log.lock().unwrap().push(format!("{} result {outcome}", self.name));
            result
        })
    }
}

/// Answers every call itself, without passing it on.
struct Canned(&'static str);

impl Handler for Canned {
    fn handle<'a>(&'a self, _call: Call, _next: Next<'a>) -> BoxFuture<'a, CallResult> {
        let payload = RawValue::from_string(self.0.to_owned()).expect("JSON");
        Box::pin(async move { Ok(Reply::new(200, Some("0000".into()), payload)) })
    }
}

// ---------------------------------------------------------------------------------------------------
// Order and short-circuits
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn handlers_run_in_the_order_added_and_see_results_in_reverse() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(CAPTURE_INFO)]).await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let (a, b) = (Recorder::new("A", &log), Recorder::new("B", &log));
    let b_calls = b.calls.clone();
    let config = linepay_config(&fake.url()).timeout(capture::NAME, Duration::from_secs(7)).handler(a).handler(b);
    linepay(config).capture(&tx(), &twd()).await.expect("capture");

    assert_eq!(*log.lock().unwrap(), ["A call capture", "B call capture", "B result ok 0000", "A result ok 0000"]);
    fake.single_request().assert_authenticated();

    // What a handler sees of the call.
    let call = b_calls.lock().unwrap()[0].clone();
    assert_eq!((call.operation, call.method.as_str(), call.path.as_str()), ("capture", "POST", CAPTURE_PATH));
    assert_eq!(call.body.as_deref(), Some(&br#"{"amount":1000,"currency":"TWD"}"#[..]));
    assert_eq!((call.query.as_str(), call.timeout, call.idempotent), ("", Duration::from_secs(7), false));
    assert!((call.classify)("1198").outcome_unknown);
    assert!(!(call.classify)("1150").outcome_unknown);
}

#[tokio::test]
async fn a_handler_may_answer_without_calling_next() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(CAPTURE_INFO)]).await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let info = r#"{"orderId":"from-cache","transactionId":2021121300698360310,"payInfo":[]}"#;
    let config = linepay_config(&fake.url())
        .handler(Recorder::new("outer", &log))
        .handler(Canned(info))
        .handler(Recorder::new("inner", &log));
    let answer = linepay(config).capture(&tx(), &twd()).await.expect("answered by the handler");
    assert_eq!(answer.order_id, "from-cache");
    assert_eq!(answer.transaction_id.as_str(), TX);
    assert_eq!(*log.lock().unwrap(), ["outer call capture", "outer result ok 0000"], "the inner handler never ran");
    assert_eq!(fake.count(), 0, "no request reached the provider");
}

#[tokio::test]
async fn a_handler_error_reaches_the_caller_typed() {
    struct Refuse;
    impl Handler for Refuse {
        fn handle<'a>(&'a self, call: Call, _next: Next<'a>) -> BoxFuture<'a, CallResult> {
            Box::pin(async move {
                let facts = (call.classify)("1198");
                Err(Error::new(
                    call.operation,
                    call.idempotent,
                    ErrorKind::Provider(ProviderError {
                        code: "1198".to_owned(),
                        message: Some("from a handler".into()),
                        http_status: 200,
                        retryable: facts.retryable,
                        outcome_unknown: facts.outcome_unknown,
                        body: String::new(),
                    }),
                ))
            })
        }
    }
    let fake = FakeServer::queue(Provider::linepay(), vec![]).await;
    let err = linepay(linepay_config(&fake.url()).handler(Refuse)).capture(&tx(), &twd()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::DuplicateRequest));
    assert!(err.is_outcome_unknown());
    assert_eq!(fake.count(), 0);
}

// ---------------------------------------------------------------------------------------------------
// Retry
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn retry_repeats_a_retryable_code_until_success_freshly_signed() {
    // void 1900 is a temporary error the spec marks retryable (provider-notes.md).
    let fake = FakeServer::queue(
        Provider::linepay(),
        vec![linepay::error("1900", "Temporary error."), linepay::error("1900", "Temporary error."), linepay::ok("{}")],
    )
    .await;
    let client = linepay(linepay_config(&fake.url()).handler(retry(5)));
    client.void(&tx()).await.expect("third attempt succeeds");

    let requests = fake.requests();
    assert_eq!(requests.len(), 3, "exactly three attempts");
    requests.iter().for_each(Request::assert_authenticated); // the fake also refuses a reused nonce
    let nonces: HashSet<&str> = requests.iter().map(|r| r.header("x-line-authorization-nonce").unwrap()).collect();
    assert_eq!(nonces.len(), 3, "each attempt has its own nonce");
    let signatures: HashSet<&str> = requests.iter().map(|r| r.header("x-line-authorization").unwrap()).collect();
    assert_eq!(signatures.len(), 3, "and its own signature");
    assert!(requests.iter().all(|r| r.body == requests[0].body), "the same body each time");
}

#[tokio::test]
async fn retry_gives_up_after_the_maximum_number_of_attempts() {
    let fake =
        FakeServer::queue(Provider::linepay(), (0..5).map(|_| linepay::error("1900", "Temporary error.")).collect())
            .await;
    let client = linepay(linepay_config(&fake.url()).handler(retry(3)));
    let err = client.void(&tx()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&VoidError::TemporaryError1900));
    assert_eq!(fake.count(), 3);

    // 1280 on pay preapproved is a temporary card error, but no source says the charge may be sent
    // again: it is not retried.
    let fake =
        FakeServer::queue(Provider::linepay(), (0..5).map(|_| linepay::error("1280", "Temporary error.")).collect())
            .await;
    let client = linepay(linepay_config(&fake.url()).handler(retry(3)));
    let err = client.pay_preapproved("RK1", &preapproved()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&PayPreapprovedError::CardTemporaryError));
    assert!(!err.is_retryable());
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn retry_repeats_a_refused_connection_the_exact_number_of_times() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let config = linepay_config(&refused_base_url().await).handler(retry(4)).handler(Recorder::new("attempt", &log));
    let err = linepay(config).capture(&tx(), &twd()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Connect);
    assert!(!err.is_outcome_unknown(), "nothing was sent");
    let attempts = log.lock().unwrap().iter().filter(|l| l.starts_with("attempt call")).count();
    assert_eq!(attempts, 4);
}

#[tokio::test]
async fn retry_never_repeats_a_linepay_capture_that_timed_out() {
    let fake = FakeServer::queue(
        Provider::linepay(),
        vec![linepay::ok(CAPTURE_INFO).delayed(SLOW), linepay::ok(CAPTURE_INFO), linepay::ok(CAPTURE_INFO)],
    )
    .await;
    let config = linepay_config(&fake.url()).timeout(capture::NAME, SHORT_TIMEOUT).handler(retry(5));
    let err = linepay(config).capture(&tx(), &twd()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout);
    assert!(err.is_outcome_unknown());
    assert_eq!(fake.count(), 1, "the capture may have gone through: it is never sent twice");
}

#[tokio::test]
async fn retry_never_repeats_a_linepay_capture_answered_1198_or_a_502() {
    let fake = FakeServer::queue(
        Provider::linepay(),
        vec![
            linepay::error("1198", "Request is being processed."),
            Response::html(502, BAD_GATEWAY_PAGE),
            linepay::ok(CAPTURE_INFO),
        ],
    )
    .await;
    let client = linepay(linepay_config(&fake.url()).handler(retry(5)));
    let err = client.capture(&tx(), &twd()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::DuplicateRequest));
    assert_eq!(fake.count(), 1);
    let err = client.capture(&tx(), &twd()).await.unwrap_err();
    assert_eq!(undecodable(&err).status, 502);
    assert_eq!(fake.count(), 2, "a 502 on a capture is not repeated either");
}

fn alipay_capture() -> AlipayCaptureRequest {
    AlipayCaptureRequest::new("capture-req-0001", "payment-0001")
}

#[tokio::test]
async fn retry_repeats_an_idempotent_alipay_capture_with_the_same_request_id() {
    let fake = FakeServer::queue(
        Provider::alipayplus(),
        vec![
            alipayplus::result("U", "UNKNOWN_EXCEPTION", "Unknown.", ""),
            alipayplus::result("U", "UNKNOWN_EXCEPTION", "Unknown.", ""),
            alipayplus::success(r#""captureRequestId":"capture-req-0001","captureId":"cap-1""#),
        ],
    )
    .await;
    let recorder = Recorder::new("outer", &Arc::default());
    let calls = recorder.calls.clone();
    let config = alipay_config(&format!("{}/api/open", fake.url())).handler(recorder).handler(retry(5));
    let client = payspec::alipayplus::Client::new(config).expect("client");
    let response = client.capture(&alipay_capture()).await.expect("third attempt succeeds");
    assert_eq!(response.capture_id.as_deref(), Some("cap-1"));
    // The spec's `idempotency_key` reaches handlers with the call.
    let calls = calls.lock().unwrap();
    assert_eq!(
        calls.iter().map(|c| (c.idempotent, c.idempotency_key)).collect::<Vec<_>>(),
        [(true, Some("captureRequestId"))]
    );
    assert_eq!(payspec::alipayplus::capture::OPERATION.idempotency_key, Some("captureRequestId"));
    assert_eq!(payspec::alipayplus::cancel::OPERATION.idempotency_key, None, "a lookup needs no key");

    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        request.assert_authenticated(); // each attempt is signed and verifies
        assert_eq!(request.json()["captureRequestId"], "capture-req-0001");
        assert_eq!(request.body, requests[0].body);
    }
}

#[tokio::test]
async fn retry_repeats_an_alipay_capture_that_timed_out() {
    let fake = FakeServer::queue(
        Provider::alipayplus(),
        vec![
            alipayplus::success(r#""captureId":"cap-1""#).delayed(MAX_DELAY),
            alipayplus::success(r#""captureId":"cap-2""#),
        ],
    )
    .await;
    // Shorter than the delay, and long enough for a signed answer on a busy machine: the fake signs with
    // the `rsa` crate, which takes ~150 ms per signature in a debug build.
    let config = alipay_config(&fake.url()).timeout("capture", Duration::from_millis(1_700)).handler(retry(3));
    let client = payspec::alipayplus::Client::new(config).expect("client");
    let response = client.capture(&alipay_capture()).await.expect("the repeat succeeds");
    assert_eq!(response.capture_id.as_deref(), Some("cap-2"), "the second answer");
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
}

#[tokio::test]
async fn retry_does_not_repeat_a_final_alipay_failure() {
    let fake = FakeServer::queue(
        Provider::alipayplus(),
        vec![alipayplus::result("F", "AUTH_EXPIRED", "Expired.", ""), alipayplus::success("")],
    )
    .await;
    let client = payspec::alipayplus::Client::new(alipay_config(&fake.url()).handler(retry(5))).expect("client");
    let err = client.capture(&alipay_capture()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&AlipayCaptureError::AuthExpired));
    assert_eq!(fake.count(), 1);
}

// ---------------------------------------------------------------------------------------------------
// LinePayRecovery
// ---------------------------------------------------------------------------------------------------

fn details(pay_status: &str) -> String {
    format!(
        r#"[{{"transactionId":{TX},"orderId":"order-1","transactionType":"PAYMENT","payStatus":"{pay_status}",
             "payInfo":[{{"method":"BALANCE","amount":1000}}]}}]"#
    )
}

/// A fake LINE Pay whose capture answers from `capture` and whose payment details show `pay_status`.
async fn recovery_fake(capture: Response, pay_status: &'static str) -> FakeServer {
    let capture = Mutex::new(Some(capture));
    FakeServer::start(Provider::linepay(), move |request| {
        if request.method == "GET" && request.path == "/v3/payments" {
            linepay::ok(&details(pay_status))
        } else if request.path == CAPTURE_PATH {
            capture.lock().unwrap().take().unwrap_or_else(|| linepay::error("9000", "fake: captured twice"))
        } else {
            Response::json(404, "{}")
        }
    })
    .await
}

fn assert_looked_up(fake: &FakeServer) {
    let requests = fake.requests();
    let seen: Vec<(&str, &str)> = requests.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
    assert_eq!(seen, [("POST", CAPTURE_PATH), ("GET", "/v3/payments")]);
    requests.iter().for_each(Request::assert_authenticated);
    assert_eq!(requests[1].query.as_deref(), Some(format!("transactionId={TX}").as_str()));
}

#[tokio::test]
async fn recovery_turns_1198_into_the_capture_when_details_show_it_captured() {
    let fake = recovery_fake(linepay::error("1198", "Request is being processed."), "CAPTURE").await;
    let client = linepay(linepay_config(&fake.url()).handler(LinePayRecovery::default()));
    let info = client.capture(&tx(), &twd()).await.expect("recovered");
    assert_eq!(info.transaction_id.as_str(), TX, "the id stays exact through the lookup");
    assert_eq!(info.order_id, "order-1");
    assert_eq!(info.pay_info.len(), 1);
    assert_looked_up(&fake);
}

#[tokio::test]
async fn recovery_turns_a_timeout_into_the_capture_when_details_show_it_captured() {
    let fake = recovery_fake(linepay::ok(CAPTURE_INFO).delayed(SLOW), "CAPTURE").await;
    let config = linepay_config(&fake.url()).timeout(capture::NAME, SHORT_TIMEOUT).handler(LinePayRecovery::default());
    let info = linepay(config).capture(&tx(), &twd()).await.expect("recovered");
    assert_eq!(info.transaction_id.as_str(), TX);
    assert_looked_up(&fake);
}

/// Asserts the capture was sent once and then only looked up, more than once.
fn assert_only_looked_up_again(fake: &FakeServer) -> usize {
    let requests = fake.requests();
    assert_eq!((requests[0].method.as_str(), requests[0].path.as_str()), ("POST", CAPTURE_PATH));
    assert!(requests[1..].iter().all(|r| r.method == "GET" && r.path == "/v3/payments"), "{requests:#?}");
    assert!(requests.len() > 2, "looked up {} time(s), expected repeated lookups", requests.len() - 1);
    requests.len() - 1
}

#[tokio::test]
async fn recovery_leaves_1198_unknown_while_details_still_show_the_authorization() {
    let fake = recovery_fake(linepay::error("1198", "Request is being processed."), "AUTHORIZATION").await;
    let client = linepay(linepay_config(&fake.url()).handler(quick_recovery()).handler(retry(5)));
    let err = client.capture(&tx(), &twd()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::DuplicateRequest));
    assert!(err.is_outcome_unknown(), "a capture still being processed may yet happen: {err}");
    assert!(!err.is_safe_to_retry());
    let lookups = assert_only_looked_up_again(&fake);
    assert!(
        matches!(err.recovery(), Some(Recovery::NotVisible { lookups: n, .. }) if *n as usize == lookups),
        "{:?}",
        err.recovery()
    );
    assert!(err.to_string().contains("did not show the effect yet"), "{err}");
}

#[tokio::test]
async fn recovery_leaves_a_timeout_unknown_while_details_still_show_the_authorization() {
    let fake = recovery_fake(linepay::ok(CAPTURE_INFO).delayed(SLOW), "AUTHORIZATION").await;
    let config =
        linepay_config(&fake.url()).timeout(capture::NAME, SHORT_TIMEOUT).handler(retry(5)).handler(quick_recovery());
    let err = linepay(config).capture(&tx(), &twd()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout);
    assert!(err.is_outcome_unknown());
    assert!(!err.is_safe_to_retry());
    assert_only_looked_up_again(&fake);
}

#[tokio::test]
async fn recovery_leaves_an_unknown_pay_status_unknown() {
    let fake = recovery_fake(linepay::error("1198", "Request is being processed."), "SOMETHING_NEW").await;
    let client = linepay(linepay_config(&fake.url()).handler(quick_recovery()));
    let err = client.capture(&tx(), &twd()).await.unwrap_err();
    assert!(err.is_outcome_unknown());
    assert_only_looked_up_again(&fake);
}

#[tokio::test]
async fn recovery_settles_a_capture_of_a_voided_authorization_as_not_applied() {
    let fake = recovery_fake(linepay::error("1198", "Request is being processed."), "VOIDED_AUTHORIZATION").await;
    let client = linepay(linepay_config(&fake.url()).handler(quick_recovery()));
    let err = client.capture(&tx(), &twd()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::DuplicateRequest));
    assert!(!err.is_outcome_unknown(), "a voided authorization can never be captured");
    assert!(matches!(err.recovery(), Some(Recovery::NotApplied { reason }) if reason.contains("VOIDED_AUTHORIZATION")));
    assert_looked_up(&fake);
}

#[tokio::test]
async fn recovery_acts_on_the_money_effect_the_spec_gives_each_operation() {
    // The spec's `effect`, carried into each call, decides what recovery looks up; not the name.
    use payspec::linepay::{confirm, pay_preapproved, payment_details, refund, request, void};
    use payspec::runtime::client::Effect;
    let effects = [
        (confirm::OPERATION.effect, Some(Effect::Confirm)),
        (capture::OPERATION.effect, Some(Effect::Capture)),
        (refund::OPERATION.effect, Some(Effect::Refund)),
        (void::OPERATION.effect, Some(Effect::Void)),
        (pay_preapproved::OPERATION.effect, Some(Effect::Pay)),
        (request::OPERATION.effect, None),
        (payment_details::OPERATION.effect, None),
    ];
    for (found, expected) in effects {
        assert_eq!(found, expected);
    }

    // A void whose outcome is unknown is left to the caller: Payment Details is not consulted.
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok("{}").delayed(SLOW)]).await;
    let config = linepay_config(&fake.url()).timeout(void::NAME, SHORT_TIMEOUT).handler(quick_recovery());
    let err = linepay(config).void(&tx()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout);
    assert!(err.is_outcome_unknown() && err.recovery().is_none(), "{err:?}");
    assert_eq!(fake.requests().iter().map(|r| r.method.as_str()).collect::<Vec<_>>(), ["POST"]);
}

#[tokio::test]
async fn recovery_looks_up_after_an_undecodable_answer() {
    for answer in [Response::html(502, BAD_GATEWAY_PAGE), Response::json(200, ""), Response::html(504, "timeout")] {
        let fake = recovery_fake(answer.clone(), "CAPTURE").await;
        let client = linepay(linepay_config(&fake.url()).handler(quick_recovery()));
        let info = client.capture(&tx(), &twd()).await.unwrap_or_else(|e| panic!("{answer:?}: {e}"));
        assert_eq!(info.transaction_id.as_str(), TX);
        assert_looked_up(&fake);
    }
}

#[tokio::test]
async fn recovery_keeps_the_outcome_unknown_when_the_lookup_fails() {
    let fake = FakeServer::start(Provider::linepay(), |request| {
        if request.method == "GET" {
            Response::html(502, BAD_GATEWAY_PAGE)
        } else {
            linepay::error("1198", "Request is being processed.")
        }
    })
    .await;
    let client = linepay(linepay_config(&fake.url()).handler(quick_recovery()));
    let err = client.capture(&tx(), &twd()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::DuplicateRequest));
    assert!(err.is_outcome_unknown(), "nothing was settled");
    assert!(
        matches!(err.recovery(), Some(Recovery::LookupFailed { last_error, .. }) if last_error.contains("502")),
        "{err}"
    );
    assert!(fake.count() > 2, "the failed lookup was repeated");
}

#[tokio::test]
async fn recovery_does_not_look_up_a_final_failure() {
    let fake = recovery_fake(linepay::error("1150", "Transaction record not found."), "CAPTURE").await;
    let client = linepay(linepay_config(&fake.url()).handler(LinePayRecovery::default()));
    let err = client.capture(&tx(), &twd()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::TransactionNotFound));
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn recovery_returns_the_capture_even_when_details_omit_pay_info() {
    // PaymentDetailsInfo::pay_info is optional in the spec (`#[serde(default)]`), CaptureInfo::pay_info
    // is required; line_pay_recovery.rs copies `entry.get("payInfo")` into the rebuilt info as is.
    let fake = FakeServer::start(Provider::linepay(), |request| {
        if request.method == "GET" {
            linepay::ok(&format!(r#"[{{"transactionId":{TX},"orderId":"order-1","payStatus":"CAPTURE"}}]"#))
        } else {
            linepay::error("1198", "Request is being processed.")
        }
    })
    .await;
    let client = linepay(linepay_config(&fake.url()).handler(LinePayRecovery::default()));
    let info = client.capture(&tx(), &twd()).await.expect("the lookup shows the capture happened");
    assert_eq!(info.transaction_id.as_str(), TX);
    assert_looked_up(&fake);
}

#[tokio::test]
async fn the_recommended_stack_looks_up_instead_of_repeating() {
    // Tracing, then LinePayRecovery, then Retry (the order the handlers module recommends).
    let fake = recovery_fake(linepay::error("1198", "Request is being processed."), "CAPTURE").await;
    let config = linepay_config(&fake.url()).handler(Tracing).handler(LinePayRecovery::default()).handler(retry(5));
    let info = linepay(config).capture(&tx(), &twd()).await.expect("recovered");
    assert_eq!(info.transaction_id.as_str(), TX);
    assert_looked_up(&fake);
}

// ---------------------------------------------------------------------------------------------------
// Tracing
// ---------------------------------------------------------------------------------------------------

mod capture_layer {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Subscriber};
    use tracing_subscriber::layer::{Context, Layer};

    /// One recorded field: the span (or `event`) it belongs to, its name and its value as text.
    #[derive(Debug, Clone)]
    pub struct Recorded {
        pub owner: String,
        pub span_id: u64,
        pub name: String,
        pub value: String,
    }

    /// A layer that keeps every span and event field it sees.
    #[derive(Clone, Default)]
    pub struct CaptureLayer {
        pub fields: Arc<Mutex<Vec<Recorded>>>,
        names: Arc<Mutex<HashMap<u64, &'static str>>>,
    }

    struct Visitor<'a> {
        owner: &'a str,
        span_id: u64,
        out: &'a Mutex<Vec<Recorded>>,
    }

    impl Visitor<'_> {
        fn push(&mut self, field: &Field, value: String) {
            let recorded =
                Recorded { owner: self.owner.to_owned(), span_id: self.span_id, name: field.name().to_owned(), value };
            self.out.lock().unwrap().push(recorded);
        }
    }

    impl Visit for Visitor<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.push(field, format!("{value:?}"));
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            self.push(field, value.to_owned());
        }
        fn record_u64(&mut self, field: &Field, value: u64) {
            self.push(field, value.to_string());
        }
        fn record_i64(&mut self, field: &Field, value: i64) {
            self.push(field, value.to_string());
        }
        fn record_bool(&mut self, field: &Field, value: bool) {
            self.push(field, value.to_string());
        }
    }

    impl<S: Subscriber> Layer<S> for CaptureLayer {
        fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _ctx: Context<'_, S>) {
            let name = attrs.metadata().name();
            self.names.lock().unwrap().insert(id.into_u64(), name);
            attrs.record(&mut Visitor { owner: name, span_id: id.into_u64(), out: &self.fields });
        }

        fn on_record(&self, id: &Id, values: &Record<'_>, _ctx: Context<'_, S>) {
            let name = self.names.lock().unwrap().get(&id.into_u64()).copied().unwrap_or("?");
            values.record(&mut Visitor { owner: name, span_id: id.into_u64(), out: &self.fields });
        }

        fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
            event.record(&mut Visitor { owner: "event", span_id: 0, out: &self.fields });
        }
    }
}

use capture_layer::{CaptureLayer, Recorded};

/// The fields of each `payspec.call` span, in the order the spans were created.
fn call_spans(fields: &[Recorded]) -> Vec<BTreeMap<String, String>> {
    let mut order: Vec<u64> = Vec::new();
    let mut spans: BTreeMap<u64, BTreeMap<String, String>> = BTreeMap::new();
    for f in fields.iter().filter(|f| f.owner == "payspec.call") {
        if !order.contains(&f.span_id) {
            order.push(f.span_id);
        }
        spans.entry(f.span_id).or_default().insert(f.name.clone(), f.value.clone());
    }
    order.into_iter().map(|id| spans.remove(&id).unwrap_or_default()).collect()
}

fn assert_no_secret_in(fields: &[Recorded], secrets: &[&str]) {
    for f in fields {
        for secret in secrets {
            assert!(!f.value.contains(secret), "{:?} leaked into the {} field {}", secret, f.owner, f.name);
        }
    }
}

#[tokio::test]
async fn tracing_records_operation_status_code_and_latency_without_secrets() {
    use tracing_subscriber::layer::SubscriberExt;
    let layer = CaptureLayer::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer.clone()));

    let fake = FakeServer::queue(
        Provider::linepay(),
        vec![linepay::ok(CAPTURE_INFO), linepay::error("1198", "Request is being processed.")],
    )
    .await;
    let client = linepay(linepay_config(&fake.url()).handler(Tracing));
    client.capture(&tx(), &twd()).await.expect("capture");
    client.capture(&tx(), &twd()).await.unwrap_err();

    let elepay_fake = FakeServer::queue(
        Provider::elepay_bearer(),
        vec![elepay::error(400, "M002002", "Bad amount.", Some("amount"))],
    )
    .await;
    let elepay = payspec::elepay::Client::new(elepay_config(&elepay_fake.url()).handler(Tracing)).expect("client");
    elepay.capture_charge("cha_1", &ChargeCaptureRequest::default()).await.unwrap_err();

    let fields = layer.fields.lock().unwrap().clone();
    let spans = call_spans(&fields);
    assert_eq!(spans.len(), 3, "{fields:#?}");
    let field =
        |i: usize, name: &str| spans[i].get(name).cloned().unwrap_or_else(|| panic!("{name} in {:?}", spans[i]));

    assert_eq!(field(0, "operation"), "capture");
    assert_eq!(field(0, "method"), "POST");
    assert_eq!(field(0, "path"), CAPTURE_PATH);
    assert_eq!((field(0, "status"), field(0, "code")), ("200".into(), "0000".into()));
    assert!(field(0, "latency_ms").parse::<u64>().is_ok());
    assert!(!spans[0].contains_key("error"));

    assert_eq!((field(1, "status"), field(1, "code")), ("200".into(), "1198".into()));
    assert!(field(1, "error").contains("1198"));
    assert!(field(1, "latency_ms").parse::<u64>().is_ok());

    assert_eq!(field(2, "operation"), "capture_charge");
    assert_eq!((field(2, "status"), field(2, "code")), ("400".into(), "M002002".into()));

    // No secret, and no signature, in any field of any span or event.
    let signatures: Vec<String> =
        fake.requests().iter().filter_map(|r| r.header("x-line-authorization").map(str::to_owned)).collect();
    let mut secrets = vec![CHANNEL_SECRET, ELEPAY_KEY];
    secrets.extend(signatures.iter().map(String::as_str));
    assert_no_secret_in(&fields, &secrets);
}

#[tokio::test]
async fn tracing_records_a_reg_key_path_without_the_key() {
    use tracing_subscriber::layer::SubscriberExt;
    const REG_KEY: &str = "RK9A7F3C2B1D0E8F6A";
    let layer = CaptureLayer::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer.clone()));
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::error("1193", "Expired.")]).await;
    let client = linepay(linepay_config(&fake.url()).handler(Tracing));
    client.pay_preapproved(REG_KEY, &preapproved()).await.unwrap_err();
    assert_eq!(fake.single_request().path, format!("/v3/payments/preapprovedPay/{REG_KEY}/payment"));
    let fields = layer.fields.lock().unwrap().clone();
    let spans = call_spans(&fields);
    assert_eq!(spans[0].get("path").map(String::as_str), Some("/v3/payments/preapprovedPay/{regKey}/payment"));
    assert_no_secret_in(&fields, &[REG_KEY]);
}

#[tokio::test]
async fn tracing_records_a_timeout_with_its_latency() {
    use tracing_subscriber::layer::SubscriberExt;
    let layer = CaptureLayer::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer.clone()));

    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(CAPTURE_INFO).delayed(SLOW)]).await;
    let config = linepay_config(&fake.url()).timeout(capture::NAME, SHORT_TIMEOUT).handler(Tracing);
    let start = Instant::now();
    linepay(config).capture(&tx(), &twd()).await.unwrap_err();
    let elapsed = start.elapsed();

    let fields = layer.fields.lock().unwrap().clone();
    let spans = call_spans(&fields);
    assert_eq!(spans.len(), 1);
    let latency: u128 = spans[0]["latency_ms"].parse().unwrap();
    assert!(latency >= SHORT_TIMEOUT.as_millis() - 20 && latency <= elapsed.as_millis(), "{latency} ms");
    assert!(spans[0]["error"].contains("timed out"), "{:?}", spans[0]);
    assert!(!spans[0].contains_key("code"));
    assert_no_secret_in(&fields, &[CHANNEL_SECRET]);
}

// ---------------------------------------------------------------------------------------------------
// Secrets in Debug and Display
// ---------------------------------------------------------------------------------------------------

/// The secrets, and every 16-character piece of the private key PEMs' Base64 body.
fn secret_pieces() -> Vec<String> {
    let mut pieces = vec![CHANNEL_SECRET.to_owned(), ELEPAY_KEY.to_owned()];
    for pem in [MERCHANT_PRIVATE_PEM, WALLET_PRIVATE_PEM] {
        for line in pem.lines().filter(|l| !l.starts_with("-----") && !l.trim().is_empty()) {
            pieces.push(line.to_owned());
            let chars: Vec<char> = line.chars().collect();
            pieces.extend(chars.chunks(16).filter(|c| c.len() == 16).map(|c| c.iter().collect::<String>()));
        }
    }
    pieces
}

fn assert_clean(what: &str, text: &str) {
    for piece in secret_pieces() {
        assert!(!text.contains(&piece), "{what} contains secret material {piece:?}: {text}");
    }
}

fn assert_error_clean<E: std::fmt::Debug + std::fmt::Display + 'static>(what: &str, err: &Error<E>) {
    assert_clean(&format!("{what} (Debug)"), &format!("{err:?}"));
    assert_clean(&format!("{what} (alternate Debug)"), &format!("{err:#?}"));
    assert_clean(&format!("{what} (Display)"), &err.to_string());
    // Every error in the `source()` chain, as an error reporter would print it.
    let mut source = std::error::Error::source(err);
    let mut depth = 0;
    while let Some(s) = source {
        depth += 1;
        assert_clean(&format!("{what} (source {depth} Display)"), &s.to_string());
        assert_clean(&format!("{what} (source {depth} Debug)"), &format!("{s:?}"));
        source = s.source();
    }
}

#[tokio::test]
async fn credentials_configs_and_clients_never_show_secrets() {
    let url = "http://127.0.0.1:9";
    let linepay_credentials = linepay_credentials();
    let alipay_credentials = alipay_credentials();
    let elepay_credentials = elepay_credentials();
    assert_clean("LinePayCredentials", &format!("{linepay_credentials:?}"));
    assert_clean("AlipayPlusCredentials", &format!("{alipay_credentials:#?}"));
    assert_clean("ElepayCredentials", &format!("{elepay_credentials:?}"));
    let private_key = payspec::runtime::signing::alipay_plus::PrivateKey::from_pem_or_base64(MERCHANT_PRIVATE_PEM);
    assert_clean("PrivateKey", &format!("{private_key:?}"));

    let configs = [
        format!("{:?}", Config::new(url, linepay_credentials.clone()).handler(Tracing)),
        format!("{:?}", Config::new(url, alipay_credentials.clone())),
        format!("{:#?}", Config::new(url, elepay_credentials.clone())),
    ];
    for text in &configs {
        assert_clean("Config", text);
    }
    let clients = [
        format!("{:?}", payspec::linepay::Client::new(Config::new(url, linepay_credentials)).unwrap()),
        format!("{:#?}", payspec::alipayplus::Client::new(Config::new(url, alipay_credentials)).unwrap()),
        format!("{:?}", payspec::elepay::Client::new(Config::new(url, elepay_credentials)).unwrap()),
    ];
    for text in &clients {
        assert_clean("Client", text);
    }
    // The check itself works: the raw values would be caught.
    assert!(std::panic::catch_unwind(|| assert_clean("probe", &format!("x{CHANNEL_SECRET}x"))).is_err());
}

#[tokio::test]
async fn no_kind_of_error_shows_secrets() {
    // Provider, Undecodable (truncated and HTML), Transport timeout, all from LINE Pay.
    let fake = FakeServer::queue(
        Provider::linepay(),
        vec![
            linepay::error("1198", "Request is being processed."),
            Response::json(200, r#"{"returnCode":"0000","info":{"#),
            Response::html(502, BAD_GATEWAY_PAGE),
            linepay::ok(CAPTURE_INFO).delayed(SLOW),
        ],
    )
    .await;
    let client = linepay(linepay_config(&fake.url()).timeout(capture::NAME, SHORT_TIMEOUT));
    let mut errors = Vec::new();
    for _ in 0..4 {
        errors.push(client.capture(&tx(), &twd()).await.unwrap_err());
    }
    assert!(matches!(errors[0].kind(), ErrorKind::Provider(_)));
    assert!(matches!(errors[1].kind(), ErrorKind::Undecodable(_)));
    assert!(matches!(errors[2].kind(), ErrorKind::Undecodable(_)));
    assert_eq!(transport_kind(&errors[3]), TransportErrorKind::Timeout);
    for (i, err) in errors.iter().enumerate() {
        assert_error_clean(&format!("LINE Pay error {i}"), err);
    }

    // Validation (a lookup with too many ids).
    let mut query = PaymentDetailsQuery::default();
    query.transaction_id = (0..101).map(|i| format!("2021121600698{i:06}").parse().unwrap()).collect();
    let err = client.payment_details(&query).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Validation(_)));
    assert_error_clean("Validation", &err);

    // Transport connect.
    let refused = linepay(linepay_config(&refused_base_url().await));
    let err = refused.capture(&tx(), &twd()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Connect);
    assert_error_clean("Connect", &err);

    // Alipay+: BadSignature (wrong and missing) and a provider error.
    let fake = FakeServer::queue(
        Provider::alipayplus(),
        vec![
            alipayplus::success("").wrongly_signed(),
            alipayplus::success("").unsigned(),
            alipayplus::result("F", "SIGNATURE_INVALID", "Bad signature.", ""),
        ],
    )
    .await;
    let alipay = payspec::alipayplus::Client::new(alipay_config(&fake.url())).expect("client");
    for i in 0..3 {
        let err = alipay.capture(&alipay_capture()).await.unwrap_err();
        if i < 2 {
            bad_signature(&err);
        }
        assert_error_clean(&format!("Alipay+ error {i}"), &err);
    }

    // elepay: a refused key (401 provider error), and a key that cannot go into a header (Encode).
    let fake = FakeServer::queue(Provider::elepay_bearer(), vec![]).await;
    let wrong =
        payspec::elepay::Client::new(Config::new(fake.url(), ElepayCredentials::new("sk_test_wrong"))).expect("client");
    let err = wrong.capture_charge("cha_1", &ChargeCaptureRequest::default()).await.unwrap_err();
    assert_eq!(provider_error(&err).http_status, 401);
    assert_error_clean("elepay 401", &err);
    let broken_key = format!("{ELEPAY_KEY}\n");
    let broken = payspec::elepay::Client::new(Config::new(fake.url(), ElepayCredentials::new(broken_key.as_str())))
        .expect("client");
    let err = broken.capture_charge("cha_1", &ChargeCaptureRequest::default()).await.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Encode(_)), "{err:?}");
    assert_error_clean("elepay Encode", &err);
    assert_eq!(fake.count(), 1, "the unencodable key was never sent");
}

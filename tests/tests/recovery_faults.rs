//! The fault matrix of LINE Pay recovery: a confirm, capture or refund whose answer is lost (a
//! timeout, 1198 "still processing", a 502 page), with the effect applied at LINE Pay before the
//! first lookup, between lookups, or only after recovery gave up; with `Retry` outside and inside
//! `LinePayRecovery`. In no cell may the call be sent twice, and the caller is told only what
//! LINE Pay has shown: the effect, or that the outcome is still unknown.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use payspec::linepay::capture::{self, CaptureRequest};
use payspec::linepay::confirm::{self, ConfirmInfo, ConfirmRequest};
use payspec::linepay::refund::{self, RefundRequest};
use payspec::linepay::{Currency, TransactionId};
use payspec::runtime::Decimal;
use payspec::runtime::client::{Config, ErrorKind, HttpClient, LinePayCredentials, Recovery};
use payspec::runtime::handlers::{LinePayRecovery, Retry};
use support::*;
use tokio::task::JoinSet;

const TX: &str = "2021121300698360310";
/// A refund of the same amount made before the one under test: it must never be taken for it.
const EARLIER_REFUND: &str = "2021121300698360400";
const NEW_REFUND: &str = "2021121300698360401";
// Generous, so that a loaded 2-core machine does not turn one kind of cell into another: the call
// times out after 500 ms; recovery looks for 1.5 s; "between lookups" applies 1 s after receipt and
// "after recovery gave up" 3.5 s after it.
const OP_TIMEOUT: Duration = Duration::from_millis(500);
const WINDOW: Duration = Duration::from_millis(1_500);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Confirm,
    Capture,
    Refund,
}

/// How the call's own answer is lost.
#[derive(Debug, Clone, Copy)]
enum Failure {
    Timeout,
    StillProcessing1198,
    BadGateway,
}

/// When LINE Pay applies the call, counted from receiving it.
#[derive(Debug, Clone, Copy)]
enum Applied {
    BeforeTheLookup,
    BetweenLookups,
    AfterRecoveryGaveUp,
}

impl Applied {
    fn after(self) -> Duration {
        match self {
            Applied::BeforeTheLookup => Duration::ZERO,
            Applied::BetweenLookups => Duration::from_millis(1_000),
            // Past the op timeout plus the whole window, with room for a slow machine.
            Applied::AfterRecoveryGaveUp => Duration::from_millis(3_500),
        }
    }
}

/// What the fake LINE Pay has done: the calls it received and when each takes effect.
#[derive(Default)]
struct Ledger {
    sent: usize,
    applied_at: Option<Instant>,
}

impl Ledger {
    fn visible(&self) -> bool {
        self.applied_at.is_some_and(|at| Instant::now() >= at)
    }
}

fn details(op: Op, ledger: &Ledger) -> String {
    let visible = ledger.visible();
    let status = match op {
        Op::Confirm if !visible => return "[]".into(),
        Op::Confirm | Op::Capture if !visible => "AUTHORIZATION",
        Op::Confirm => "AUTHORIZATION",
        Op::Capture | Op::Refund => "CAPTURE",
    };
    let mut refunds = vec![format!(
        r#"{{"refundTransactionId":{EARLIER_REFUND},"transactionType":"PARTIAL_REFUND","refundAmount":-100,"refundTransactionDate":"2026-12-01T00:00:00Z"}}"#
    )];
    if op == Op::Refund && visible {
        refunds.push(format!(
            r#"{{"refundTransactionId":{NEW_REFUND},"transactionType":"PARTIAL_REFUND","refundAmount":-100.00,"refundTransactionDate":"2026-12-01T00:00:01Z"}}"#
        ));
    }
    format!(
        r#"[{{"transactionId":{TX},"orderId":"order-1","transactionType":"PAYMENT","payStatus":"{status}",
             "payInfo":[{{"method":"BALANCE","amount":1000}}],
             "packages":[{{"id":"p-1","amount":1000,"products":[{{"name":"Tea","quantity":1,"price":1000}}]}}],
             "refundList":[{}]}}]"#,
        refunds.join(",")
    )
}

fn op_path(op: Op) -> String {
    match op {
        Op::Confirm => format!("/v3/payments/{TX}/confirm"),
        Op::Capture => format!("/v3/payments/authorizations/{TX}/capture"),
        Op::Refund => format!("/v3/payments/{TX}/refund"),
    }
}

async fn fake(op: Op, failure: Failure, applied: Applied, ledger: Arc<Mutex<Ledger>>) -> FakeServer {
    FakeServer::start(Provider::linepay(), move |request| {
        let mut ledger = ledger.lock().unwrap();
        if request.method == "GET" && request.path == "/v3/payments" {
            return linepay::ok(&details(op, &ledger));
        }
        if request.method != "POST" || request.path != op_path(op) {
            return Response::json(404, "{}");
        }
        ledger.sent += 1;
        if ledger.applied_at.is_none() {
            ledger.applied_at = Some(Instant::now() + applied.after());
        }
        match failure {
            Failure::Timeout => linepay::ok("{}").delayed(MAX_DELAY),
            Failure::StillProcessing1198 => linepay::error("1198", "Request is being processed."),
            Failure::BadGateway => Response::html(502, BAD_GATEWAY_PAGE),
        }
    })
    .await
}

fn client(url: &str, http: HttpClient, retry_outside: bool) -> payspec::linepay::Client {
    let recovery = LinePayRecovery::default()
        .lookup_window(WINDOW)
        .lookup_backoff(Duration::from_millis(100), Duration::from_millis(300));
    let retry = Retry::new(5).backoff(Duration::from_millis(5), Duration::from_millis(20));
    let config: Config<LinePayCredentials> = linepay_config(url)
        .http_client(http)
        .timeout(confirm::NAME, OP_TIMEOUT)
        .timeout(capture::NAME, OP_TIMEOUT)
        .timeout(refund::NAME, OP_TIMEOUT);
    let config =
        if retry_outside { config.handler(retry).handler(recovery) } else { config.handler(recovery).handler(retry) };
    payspec::linepay::Client::new(config).expect("client")
}

/// Runs one cell and checks it; returns a description of a broken expectation. A cell whose call
/// never reached the fake before timing out (a starved machine) says nothing about recovery: it is
/// run again, at most three times.
async fn cell(op: Op, failure: Failure, applied: Applied, retry_outside: bool, http: HttpClient) -> Result<(), String> {
    let mut last = Err("not run".to_owned());
    for _ in 0..3 {
        match attempt(op, failure, applied, retry_outside, http.clone()).await {
            Some(result) => return result,
            None => {
                last = Err(format!("{op:?} / {failure:?} / {applied:?}: the call never reached the fake, three times"))
            }
        }
    }
    last
}

/// One run of a cell; `None` when the call never reached the fake.
async fn attempt(
    op: Op,
    failure: Failure,
    applied: Applied,
    retry_outside: bool,
    http: HttpClient,
) -> Option<Result<(), String>> {
    let name =
        format!("{op:?} / {failure:?} / {applied:?} / retry {}", if retry_outside { "outside" } else { "inside" });
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let fake = fake(op, failure, applied, ledger.clone()).await;
    let client = client(&fake.url(), http, retry_outside);
    let tx: TransactionId = TX.parse().expect("id");
    let hundred = Decimal::from_i64(100);
    let outcome: Result<String, _> = match op {
        Op::Confirm => client
            .confirm(&tx, &ConfirmRequest::new(Decimal::from_i64(1000), Currency::Twd))
            .await
            .map(|i| format!("confirmed {}", i.transaction_id.as_str()))
            .map_err(|e| e.map_code(|c| c.to_string())),
        Op::Capture => client
            .capture(&tx, &CaptureRequest::new(Decimal::from_i64(1000), Currency::Twd))
            .await
            .map(|i| format!("captured {}", i.transaction_id.as_str()))
            .map_err(|e| e.map_code(|c| c.to_string())),
        Op::Refund => {
            let mut request = RefundRequest::default();
            request.refund_amount = Some(hundred);
            client
                .refund(&tx, &request)
                .await
                .map(|i| format!("refunded {}", i.refund_transaction_id.as_str()))
                .map_err(|e| e.map_code(|c| c.to_string()))
        }
    };
    let sent = ledger.lock().unwrap().sent;
    if sent == 0 && outcome.as_ref().is_err_and(|e| e.is_outcome_unknown() && !e.is_safe_to_retry()) {
        return None;
    }
    if sent != 1 {
        return Some(Err(format!("{name}: the call was sent {sent} times: {:?}", outcome.map_err(|e| e.to_string()))));
    }
    let shows_effect = !matches!(applied, Applied::AfterRecoveryGaveUp);
    Some(match (op, outcome, shows_effect) {
        (Op::Capture, Ok(text), true) if text == format!("captured {TX}") => Ok(()),
        (Op::Refund, Ok(text), true) if text == format!("refunded {NEW_REFUND}") => Ok(()),
        (Op::Confirm, Err(e), true) if e.took_effect() && !e.is_safe_to_retry() && !e.is_outcome_unknown() => {
            match e.into_kind() {
                ErrorKind::Incomplete(reply) if reply.missing.fields.contains(&"regKey") => {
                    let info: ConfirmInfo = match reply.decode() {
                        Ok(info) => info,
                        Err(d) => return Some(Err(format!("{name}: {d}"))),
                    };
                    if info.transaction_id.as_str() == TX && info.reg_key.is_none() && info.packages.len() == 1 {
                        Ok(())
                    } else {
                        Err(format!("{name}: wrong rebuilt confirm {info:?}"))
                    }
                }
                other => Err(format!("{name}: {other:?}")),
            }
        }
        (_, Err(e), false)
            if e.is_outcome_unknown()
                && !e.is_safe_to_retry()
                && !e.took_effect()
                && matches!(e.recovery(), Some(Recovery::NotVisible { lookups, .. }) if *lookups > 1) =>
        {
            Ok(())
        }
        (_, outcome, _) => Err(format!("{name}: {:?}", outcome.map_err(|e| format!("{e} / {:?}", e.recovery())))),
    })
}

async fn matrix(op: Op) {
    // One connection pool for all cells: building one per client loads the platform's root
    // certificates each time, which would stall this single-threaded runtime past the timeouts.
    let http = HttpClient::from_builder(HttpClient::builder().expect("builder")).expect("http client");
    let mut cells = JoinSet::new();
    for failure in [Failure::Timeout, Failure::StillProcessing1198, Failure::BadGateway] {
        for applied in [Applied::BeforeTheLookup, Applied::BetweenLookups, Applied::AfterRecoveryGaveUp] {
            for retry_outside in [true, false] {
                cells.spawn(cell(op, failure, applied, retry_outside, http.clone()));
            }
        }
    }
    let mut broken = Vec::new();
    while let Some(result) = cells.join_next().await {
        if let Err(e) = result.expect("a cell panicked") {
            broken.push(e);
        }
    }
    assert!(broken.is_empty(), "{} of 18 cells broke:\n{}", broken.len(), broken.join("\n"));
}

/// One test, the operations one after the other: 18 cells at a time is load enough for 2 cores.
#[tokio::test]
async fn a_lost_confirm_capture_or_refund_is_never_repeated_and_never_guessed() {
    // A refund is never taken for an earlier one of the same amount; a confirm says what the lookup
    // lacks (the regKey).
    for op in [Op::Capture, Op::Refund, Op::Confirm] {
        matrix(op).await;
    }
}

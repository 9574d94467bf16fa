//! What the client refuses to believe or to do, end to end on 127.0.0.1: a redirect is never
//! followed with a signed request, plain http leaves the machine only when asked for, `Retry`
//! honours `Retry-After` within its deadline, a LINE Pay code written with JSON escapes still
//! decodes, amounts and ids keep every digit, and a regKey never reaches an error's text.

mod support;

use std::time::{Duration, Instant};

use payspec::alipayplus::capture::CaptureRequest as AlipayCaptureRequest;
use payspec::linepay::capture::{CaptureError, CaptureRequest};
use payspec::linepay::pay_preapproved::PayPreapprovedRequest;
use payspec::linepay::{Currency, TransactionId};
use payspec::runtime::client::{Config, ElepayCredentials, ErrorKind, HttpClient, TransportErrorKind};
use payspec::runtime::handlers::Retry;
use payspec::runtime::validate::{Numeral, Rule};
use payspec::runtime::{Decimal, Validate};
use support::*;

const TX: &str = "2021121300698360310";
const CAPTURE_INFO: &str =
    r#"{"orderId":"order-1","transactionId":2021121300698360310,"payInfo":[{"method":"BALANCE","amount":1000}]}"#;

fn tx() -> TransactionId {
    TX.parse().expect("id")
}

fn twd(amount: &str) -> CaptureRequest {
    CaptureRequest::new(amount.parse::<Decimal>().expect("amount"), Currency::Twd)
}

fn linepay(config: Config<payspec::runtime::client::LinePayCredentials>) -> payspec::linepay::Client {
    payspec::linepay::Client::new(config).expect("client")
}

// ---------------------------------------------------------------------------------------------------
// Redirects and plain http
// ---------------------------------------------------------------------------------------------------

/// A host that would answer anything with a LINE Pay success: the redirect's target.
async fn stranger() -> FakeServer {
    FakeServer::start(Provider::linepay(), |_| linepay::ok(CAPTURE_INFO)).await
}

#[tokio::test]
async fn a_redirect_is_never_followed_with_the_signed_capture() {
    for status in [301, 302, 303, 307, 308] {
        let other = stranger().await;
        let location = format!("{}/v3/payments/authorizations/{TX}/capture", other.url());
        let fake =
            FakeServer::queue(Provider::linepay(), vec![Response::json(status, "").header("location", &location)])
                .await;
        let err = linepay(linepay_config(&fake.url())).capture(&tx(), &twd("1000")).await.unwrap_err();
        assert_eq!(other.count(), 0, "{status}: the signed request reached the redirect's target");
        let answer = undecodable(&err);
        assert_eq!(answer.status, status);
        assert!(answer.reason.contains(&location), "{status}: {}", answer.reason);
        assert!(err.is_outcome_unknown(), "{status}: a capture answered by a redirect may have happened");
        assert!(!err.is_safe_to_retry());
    }
}

#[tokio::test]
async fn a_redirect_never_carries_the_alipay_signature_elsewhere() {
    let other = FakeServer::queue(Provider::alipayplus(), vec![alipayplus::success(r#""captureId":"cap-x""#)]).await;
    let location = format!("{}/v2/payments/capture", other.url());
    let fake = FakeServer::queue(
        Provider::alipayplus(),
        vec![Response::json(307, "").header("location", &location).unsigned()],
    )
    .await;
    let client = payspec::alipayplus::Client::new(alipay_config(&fake.url())).expect("client");
    let request = AlipayCaptureRequest::new("capture-req-0001", "payment-0001");
    let err = client.capture(&request).await.unwrap_err();
    assert_eq!(undecodable(&err).status, 307);
    assert_eq!(other.count(), 0);
}

#[tokio::test]
async fn a_client_built_from_any_builder_follows_no_redirect() {
    let other = stranger().await;
    let location = format!("{}/v3/payments/authorizations/{TX}/capture", other.url());
    let fake =
        FakeServer::queue(Provider::linepay(), vec![Response::json(308, "").header("location", &location)]).await;
    // A builder that asks for redirects: `HttpClient` turns them off all the same.
    let builder = HttpClient::builder().expect("builder").redirect(reqwest_policy_limited());
    let http = HttpClient::from_builder(builder).expect("http");
    let err = linepay(linepay_config(&fake.url()).http_client(http)).capture(&tx(), &twd("1000")).await.unwrap_err();
    assert_eq!(undecodable(&err).status, 308);
    assert_eq!(other.count(), 0);
}

fn reqwest_policy_limited() -> payspec::runtime::reqwest::redirect::Policy {
    payspec::runtime::reqwest::redirect::Policy::limited(10)
}

#[tokio::test]
async fn plain_http_leaves_the_machine_only_when_asked_for() {
    let credentials = || ElepayCredentials::new(ELEPAY_KEY);
    let refused = payspec::elepay::Client::new(Config::new("http://api.elepay.example", credentials())).unwrap_err();
    assert!(refused.to_string().contains("allow_insecure_http"), "{refused}");
    for loopback in ["http://127.0.0.1:9", "http://[::1]:9", "http://localhost:9", "https://api.elepay.io"] {
        payspec::elepay::Client::new(Config::new(loopback, credentials()))
            .unwrap_or_else(|e| panic!("{loopback}: {e}"));
    }
    payspec::elepay::Client::new(Config::new("http://api.elepay.example", credentials()).allow_insecure_http())
        .expect("explicitly allowed");
}

#[tokio::test]
async fn the_default_http_client_speaks_https_only() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(CAPTURE_INFO)]).await;
    let http = HttpClient::new().expect("default client");
    let err = linepay(linepay_config(&fake.url()).http_client(http)).capture(&tx(), &twd("1000")).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Connect, "refused before sending: {err}");
    assert!(!err.is_outcome_unknown());
    assert_eq!(fake.count(), 0);
}

// ---------------------------------------------------------------------------------------------------
// Retry-After and the retry deadline
// ---------------------------------------------------------------------------------------------------

const UNAVAILABLE: &str = "<html><body>503 Service Unavailable</body></html>";

fn elepay_client(url: &str, retry: Retry) -> payspec::elepay::Client {
    payspec::elepay::Client::new(elepay_config(url).handler(retry)).expect("client")
}

#[tokio::test]
async fn retry_waits_as_long_as_retry_after_asks() {
    let charge = r#"{"id":"cha_1","object":"charge","amount":1000,"status":"captured"}"#;
    let fake = FakeServer::queue(
        Provider::elepay_bearer(),
        vec![Response::html(503, UNAVAILABLE).header("retry-after", "1"), elepay::ok(charge)],
    )
    .await;
    let retry = Retry::new(3).backoff(Duration::from_millis(5), Duration::from_millis(10));
    let start = Instant::now();
    let charge = elepay_client(&fake.url(), retry).retrieve_charge("cha_1").await.expect("the second attempt");
    assert_eq!(charge.id.as_deref(), Some("cha_1"));
    assert!(start.elapsed() >= Duration::from_secs(1), "waited only {:?}", start.elapsed());
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn retry_gives_up_when_retry_after_reaches_past_its_deadline() {
    let fake = FakeServer::queue(
        Provider::elepay_bearer(),
        vec![Response::html(503, UNAVAILABLE).header("retry-after", "Wed, 01 Dec 2100 00:00:00 GMT")],
    )
    .await;
    let retry = Retry::new(5).deadline(Duration::from_secs(5));
    let start = Instant::now();
    let err = elepay_client(&fake.url(), retry).retrieve_charge("cha_1").await.unwrap_err();
    assert_eq!(undecodable(&err).status, 503);
    assert!(err.retry_after().is_some_and(|d| d > Duration::from_secs(3600)), "{:?}", err.retry_after());
    assert!(start.elapsed() < Duration::from_secs(1), "it should not wait: {:?}", start.elapsed());
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn retry_stops_at_its_deadline() {
    let fake = FakeServer::start(Provider::elepay_bearer(), |_| Response::html(502, BAD_GATEWAY_PAGE)).await;
    let retry = Retry::new(1_000)
        .backoff(Duration::from_millis(50), Duration::from_millis(50))
        .deadline(Duration::from_millis(400));
    let start = Instant::now();
    elepay_client(&fake.url(), retry).retrieve_charge("cha_1").await.unwrap_err();
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_millis(1_000), "ran {elapsed:?} past a 400 ms deadline");
    assert!((3..=12).contains(&fake.count()), "{} attempts in 400 ms at 25-50 ms apart", fake.count());
}

// ---------------------------------------------------------------------------------------------------
// Codes, amounts and ids
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_escaped_return_code_decodes() {
    let fake = FakeServer::queue(
        Provider::linepay(),
        vec![
            Response::json(200, format!(r#"{{"returnCode":"\u0030000","returnMessage":"OK","info":{CAPTURE_INFO}}}"#)),
            Response::json(200, r#"{"returnCode":"\u0031198","returnMessage":"Processing"}"#),
        ],
    )
    .await;
    let client = linepay(linepay_config(&fake.url()));
    let info = client.capture(&tx(), &twd("1000")).await.expect("0000 written with an escape");
    assert_eq!(info.transaction_id.as_str(), TX);
    let err = client.capture(&tx(), &twd("1000")).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::DuplicateRequest));
}

#[tokio::test]
async fn amounts_are_sent_and_read_with_every_digit() {
    let fake = FakeServer::queue(
        Provider::linepay(),
        vec![
            linepay::ok(r#"{"orderId":"o","transactionId":2021121300698360310,"payInfo":[{"method":"BALANCE","amount":1.0000000000000001}]}"#),
            linepay::ok(CAPTURE_INFO),
        ],
    )
    .await;
    let client = linepay(linepay_config(&fake.url()));
    let info = client.capture(&tx(), &twd("1000")).await.expect("capture");
    assert_eq!(info.pay_info[0].amount.to_string(), "1.0000000000000001", "not rounded through a double");
    // 16 significant digits: more than a double holds, so it is written from its digits.
    let request = CaptureRequest::new("12345678901234.56".parse::<Decimal>().expect("amount"), Currency::Usd);
    client.capture(&tx(), &request).await.expect("capture");
    let sent = fake.requests()[1].body_str().to_owned();
    assert!(sent.contains(r#""amount":12345678901234.56,"#), "{sent}");
}

#[test]
fn ids_are_never_empty_and_never_lose_a_leading_zero() {
    assert!(TransactionId::new("").is_err(), "an empty id has fewer than 19 digits");
    // A JSON number cannot spell a leading zero: it would be sent as 21121300698360310.
    let err = TransactionId::new("0021121300698360310").unwrap_err();
    assert_eq!(err.rules, [Rule::Numeral { expected: Numeral::Canonical }]);
    assert!(serde_json::from_str::<TransactionId>("\"0021121300698360310\"").is_err(), "nor decoded");
    let id: TransactionId = serde_json::from_str("2021121300698360310").expect("a real id");
    assert_eq!(serde_json::to_string(&id).expect("written"), "2021121300698360310");
}

#[tokio::test]
async fn amounts_the_provider_must_refuse_are_stopped_before_signing() {
    let fake = FakeServer::queue(Provider::linepay(), vec![]).await;
    let client = linepay(linepay_config(&fake.url()));
    let cases = [
        ("0", Currency::Twd, Rule::ExclusiveMinimum { limit: "0".into(), actual: "0".into() }),
        ("-5", Currency::Twd, Rule::ExclusiveMinimum { limit: "0".into(), actual: "-5".into() }),
        ("100.5", Currency::Jpy, Rule::MinorUnits { currency: "JPY".into(), allowed: 0, actual: "100.5".into() }),
        ("1.001", Currency::Usd, Rule::MinorUnits { currency: "USD".into(), allowed: 2, actual: "1.001".into() }),
    ];
    for (amount, currency, rule) in cases {
        let request = CaptureRequest::new(amount.parse::<Decimal>().expect("amount"), currency.clone());
        let err = client.capture(&tx(), &request).await.unwrap_err();
        let violations = &validation(&err).violations;
        assert_eq!(violations.len(), 1, "{amount} {currency}: {violations:?}");
        assert_eq!((violations[0].path.as_str(), &violations[0].rule), ("amount", &rule));
    }
    // Trailing zeros are not digits an amount needs: JPY 100.00 is 100.
    assert!(CaptureRequest::new("100.00".parse::<Decimal>().expect("amount"), Currency::Jpy).validate().is_ok());
    assert_eq!(fake.count(), 0, "nothing was signed or sent");
}

#[tokio::test]
async fn a_reg_key_never_reaches_an_error_text() {
    const REG_KEY: &str = "RK9A7F3C2B1D0E8F6A";
    let request = PayPreapprovedRequest::new("Plan", Decimal::from_i64(980), Currency::Jpy, "sub-1");
    // A timeout (reqwest names the URL it was sending to) and a refused connection.
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok("{}").delayed(SLOW)]).await;
    let config = linepay_config(&fake.url()).timeout(payspec::linepay::pay_preapproved::NAME, SHORT_TIMEOUT);
    let err = linepay(config).pay_preapproved(REG_KEY, &request).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout);
    let refused = linepay(linepay_config(&refused_base_url().await));
    let err2 = refused.pay_preapproved(REG_KEY, &request).await.unwrap_err();
    for err in [err, err2] {
        let texts = [err.to_string(), format!("{err:?}")];
        for text in texts {
            assert!(!text.contains(REG_KEY), "the regKey leaked: {text}");
        }
        assert!(matches!(err.kind(), ErrorKind::Transport(_)));
    }
}

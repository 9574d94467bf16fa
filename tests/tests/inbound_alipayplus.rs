//! Alipay+ notifyPayment received over 127.0.0.1 by the generated `Receiver`: notifications are
//! signed by an independent signer (RustCrypto `rsa`) with the wallet's key, and the merchant's
//! acknowledgement is verified by an independent verifier with the merchant's public key. Every bad
//! notification gets its typed rejection, an error status, and no event.

mod inbound_support;

use std::time::{Duration, UNIX_EPOCH};

use inbound_support::*;
use payspec::alipayplus::notifications::Receiver;
use payspec::alipayplus::{Credentials, NotifyPayment, NotifyResultStatus, NotifyType};
use payspec::runtime::inbound::Rejection;
use payspec::runtime::inbound::alipay_plus::{ACKNOWLEDGEMENT, Verifier};
use payspec::runtime::signing::alipay_plus::{PrivateKey, PublicKey};

const CLIENT_ID: &str = "2022091234567890";
const PATH: &str = "/alipay/notify";
/// The merchant's clock: 2025-12-01T02:00:00Z.
const NOW: u64 = 1_764_554_400;
/// Thirty seconds after `NOW`, as the wallet writes it.
const REQUEST_TIME: &str = "2025-12-01T10:00:30.125+08:00";
const BODY: &str = r#"{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"pay-req-7","paymentId":"2025120111112222333344445555","paymentAmount":{"currency":"JPY","value":"1200"},"paymentCreateTime":"2025-12-01T09:58:00+08:00","paymentTime":"2025-12-01T10:00:29+08:00"}"#;

fn receiver() -> Receiver {
    let credentials = Credentials::new(
        CLIENT_ID,
        PrivateKey::from_pem_or_base64(MERCHANT_PRIVATE_PEM).expect("merchant key"),
        PublicKey::from_pem_or_base64(WALLET_PUBLIC_PEM).expect("wallet key"),
    );
    let verifier = Verifier::from_credentials(&credentials)
        .expect("the credentials hold a wallet key")
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW));
    Receiver::with_verifier(verifier)
}

async fn merchant() -> Merchant<NotifyPayment> {
    let receiver = receiver();
    Merchant::start(move |request| receiver.notify_payment(request), NotifyPayment::key).await
}

/// Headers as the wallet sends them, signed over `body` with `private_pem`.
fn headers(private_pem: &str, client_id: &str, time: &str, body: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Content-Type", "application/json; charset=UTF-8".to_owned()),
        ("Client-Id", client_id.to_owned()),
        ("Request-Time", time.to_owned()),
        ("Signature", alipay_signature(private_pem, PATH, client_id, time, body.as_bytes())),
    ]
}

async fn post(m: &Merchant<NotifyPayment>, headers: &[(&'static str, String)], body: &str) -> WireResponse {
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    send(&m.base_url, "POST", PATH, &headers, body.as_bytes()).await
}

/// The one request was rejected for `expected`, answered with `status` and no acknowledgement.
fn assert_rejected(
    m: &Merchant<NotifyPayment>,
    answer: &WireResponse,
    status: u16,
    expected: impl Fn(&Rejection) -> bool,
) {
    assert_eq!(answer.status, status);
    assert!(
        answer.body.is_empty(),
        "a rejection is never an acknowledgement: {:?}",
        String::from_utf8_lossy(&answer.body)
    );
    assert!(answer.header("signature").is_none());
    match m.only_outcome() {
        Outcome::Rejected(r) => assert!(expected(&r.reason), "unexpected rejection {:?}", r.reason),
        Outcome::Accepted { event, .. } => panic!("accepted {event:?}"),
    }
}

#[tokio::test]
async fn a_signed_notification_is_verified_typed_and_acknowledged_with_a_signed_s() {
    let m = merchant().await;
    let answer = post(&m, &headers(WALLET_PRIVATE_PEM, CLIENT_ID, REQUEST_TIME, BODY), BODY).await;

    assert_eq!(answer.status, 200);
    assert_eq!(String::from_utf8_lossy(&answer.body), ACKNOWLEDGEMENT);
    let ack: serde_json::Value = serde_json::from_slice(&answer.body).expect("JSON");
    assert_eq!(ack["result"]["resultStatus"], "S");
    assert_eq!(ack["result"]["resultCode"], "SUCCESS");
    assert_eq!(answer.header("client-id"), Some(CLIENT_ID));
    // The Response-Time is the merchant's clock; the signature verifies with the merchant's public key.
    assert_eq!(answer.header("response-time"), Some("2025-12-01T02:00:00.000+00:00"));
    verify_alipay_answer(MERCHANT_PUBLIC_PEM, PATH, &answer).expect("the acknowledgement is signed by the merchant");
    assert!(verify_alipay_answer(WALLET_PUBLIC_PEM, PATH, &answer).is_err(), "and not by anyone else");

    let Outcome::Accepted { key, event, first } = m.only_outcome() else { panic!("rejected") };
    assert!(first);
    assert_eq!(event.payment_id, "2025120111112222333344445555");
    assert_eq!(event.payment_request_id, "pay-req-7");
    assert_eq!(event.notify_type, NotifyType::PaymentResult);
    assert_eq!(event.result.result_status, NotifyResultStatus::Success);
    assert_eq!((event.payment_amount.currency.as_str(), event.payment_amount.value.as_str()), ("JPY", "1200"));
    assert_eq!(event.payment_time.as_ref().map(|t| t.as_str()), Some("2025-12-01T10:00:29+08:00"));
    assert_eq!(key, r#"["2025120111112222333344445555","PAYMENT_RESULT","S"]"#);
}

#[tokio::test]
async fn a_resend_after_a_lost_acknowledgement_is_the_same_event_and_is_acknowledged_again() {
    let m = merchant().await;
    let first = post(&m, &headers(WALLET_PRIVATE_PEM, CLIENT_ID, REQUEST_TIME, BODY), BODY).await;
    // The wallet never saw that answer (lost on the way) and sends the notification again, later.
    let later = "2025-12-01T10:01:30.000+08:00";
    let again = post(&m, &headers(WALLET_PRIVATE_PEM, CLIENT_ID, later, BODY), BODY).await;
    for answer in [&first, &again] {
        assert_eq!(answer.status, 200);
        verify_alipay_answer(MERCHANT_PUBLIC_PEM, PATH, answer).expect("signed acknowledgement");
    }
    let outcomes = m.outcomes();
    let accepted: Vec<(String, bool)> = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Accepted { key, first, .. } => (key.clone(), *first),
            Outcome::Rejected(r) => panic!("rejected: {r}"),
        })
        .collect();
    assert_eq!(accepted.len(), 2);
    assert_eq!(accepted[0].0, accepted[1].0, "the resend carries the same key");
    assert_eq!((accepted[0].1, accepted[1].1), (true, false), "recognised as a duplicate");

    // A pending notification for the same payment is another delivery, with another key.
    let pending =
        BODY.replace("PAYMENT_RESULT", "PAYMENT_PENDING").replace(r#""resultStatus":"S""#, r#""resultStatus":"U""#);
    post(&m, &headers(WALLET_PRIVATE_PEM, CLIENT_ID, REQUEST_TIME, &pending), &pending).await;
    let Outcome::Accepted { key, first, .. } = m.only_outcome() else { panic!("rejected") };
    assert!(first);
    assert_ne!(key, accepted[0].0);
}

#[tokio::test]
async fn a_tampered_body_is_rejected_for_its_signature() {
    let m = merchant().await;
    let signed = headers(WALLET_PRIVATE_PEM, CLIENT_ID, REQUEST_TIME, BODY);
    let tampered = BODY.replace(r#""value":"1200""#, r#""value":"12""#);
    assert_ne!(tampered, BODY);
    let answer = post(&m, &signed, &tampered).await;
    assert_rejected(&m, &answer, 401, |r| matches!(r, Rejection::BadSignature(_)));

    // One byte of white space is a change too: verification is over the exact bytes.
    let spaced = format!("{BODY} ");
    let answer = post(&m, &signed, &spaced).await;
    assert_rejected(&m, &answer, 401, |r| matches!(r, Rejection::BadSignature(_)));
}

#[tokio::test]
async fn a_notification_signed_with_another_key_is_rejected() {
    let m = merchant().await;
    // The merchant's own key is a valid RSA key, but not the wallet's.
    let answer = post(&m, &headers(MERCHANT_PRIVATE_PEM, CLIENT_ID, REQUEST_TIME, BODY), BODY).await;
    assert_rejected(&m, &answer, 401, |r| matches!(r, Rejection::BadSignature(_)));
}

#[tokio::test]
async fn a_stale_or_future_request_time_is_rejected_even_when_signed() {
    let m = merchant().await;
    for (time, skew) in [("2025-12-01T09:50:00.000+08:00", 600), ("2025-12-01T02:05:01Z", 301)] {
        let answer = post(&m, &headers(WALLET_PRIVATE_PEM, CLIENT_ID, time, BODY), BODY).await;
        assert_rejected(
            &m,
            &answer,
            401,
            |r| matches!(r, Rejection::StaleRequestTime { skew_seconds, window_seconds: 300, .. } if *skew_seconds == skew),
        );
    }
    // Within the window either way is accepted.
    post(&m, &headers(WALLET_PRIVATE_PEM, CLIENT_ID, "2025-12-01T01:55:30Z", BODY), BODY).await;
    assert!(matches!(m.only_outcome(), Outcome::Accepted { .. }));
}

#[tokio::test]
async fn a_notification_for_another_client_is_rejected() {
    let m = merchant().await;
    let answer = post(&m, &headers(WALLET_PRIVATE_PEM, "9999999999999999", REQUEST_TIME, BODY), BODY).await;
    assert_rejected(
        &m,
        &answer,
        401,
        |r| matches!(r, Rejection::WrongClientId { expected, found } if expected == CLIENT_ID && found == "9999999999999999"),
    );
}

#[tokio::test]
async fn each_missing_header_is_named() {
    let m = merchant().await;
    for missing in ["Client-Id", "Request-Time", "Signature"] {
        let mut h = headers(WALLET_PRIVATE_PEM, CLIENT_ID, REQUEST_TIME, BODY);
        h.retain(|(name, _)| *name != missing);
        let answer = post(&m, &h, BODY).await;
        assert_rejected(&m, &answer, 401, |r| *r == Rejection::MissingHeader(missing));
    }
}

#[tokio::test]
async fn a_signed_body_that_is_not_a_notification_is_rejected_as_malformed() {
    let m = merchant().await;
    let body = r#"{"notifyType":"PAYMENT_RESULT","paymentId":"1"}"#;
    let answer = post(&m, &headers(WALLET_PRIVATE_PEM, CLIENT_ID, REQUEST_TIME, body), body).await;
    assert_rejected(&m, &answer, 400, |r| matches!(r, Rejection::MalformedBody(why) if why.contains("result")));
    let answer = send(&m.base_url, "GET", PATH, &[], b"").await;
    assert_rejected(&m, &answer, 405, |r| matches!(r, Rejection::WrongMethod { expected: "POST", .. }));
}

#[test]
fn the_receiver_needs_the_wallet_key_and_shows_no_key_material() {
    let mut credentials = Credentials::new(
        CLIENT_ID,
        PrivateKey::from_pem_or_base64(MERCHANT_PRIVATE_PEM).expect("merchant key"),
        PublicKey::from_pem_or_base64(WALLET_PUBLIC_PEM).expect("wallet key"),
    );
    let shown = format!("{:?}", Receiver::new(&credentials).expect("a receiver"));
    assert!(shown.contains(CLIENT_ID), "{shown}");
    for secret in MERCHANT_PRIVATE_PEM.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!shown.contains(&secret[..16]), "{shown}");
    }
    credentials.wallet_public_key = None;
    assert!(Receiver::new(&credentials).is_none(), "without the wallet's key nothing can be verified");
}

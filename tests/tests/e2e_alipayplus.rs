//! End to end against a fake Alipay+ wallet: capture through the real client, with the fake verifying
//! the RSA256 request signature over the full path (base URL prefix included) with the `rsa` crate, and
//! signing its responses with the wallet key. Covers success, `resultStatus` F and U, unknown codes,
//! truncated bodies, HTML error pages, timeouts, wrong, missing and accepted response signatures,
//! response size limits and requests refused before sending.

mod support;

use std::time::Instant;

use payspec::alipayplus::capture::{self, CaptureError, CaptureRequest};
use payspec::alipayplus::{Amount, Client};
use payspec::runtime::client::{AlipayPlusCredentials, Config, TransportErrorKind, UnsignedResponses};
use payspec::runtime::signing::alipay_plus::{PrivateKey, PublicKey};
use payspec::runtime::validate::{Charset, Numeral, Rule};
use support::*;

const PREFIX: &str = "/api/open";
const FULL_PATH: &str = "/api/open/v2/payments/capture";
const SUCCESS_FIELDS: &str = r#""captureRequestId":"capture_2089760038715669_202775745075671",
    "captureId":"201231231313123167","paymentId":"20191127190741010007013213156",
    "captureAmount":{"currency":"USD","value":"100"},"captureTime":"2021-06-08T12:12:12+08:00""#;

fn base_url(fake: &FakeServer) -> String {
    format!("{}{PREFIX}", fake.url())
}

fn client(fake: &FakeServer) -> Client {
    Client::new(alipay_config(&base_url(fake))).expect("client")
}

fn client_with(fake: &FakeServer, edit: impl FnOnce(&mut AlipayPlusCredentials)) -> Client {
    let mut credentials = alipay_credentials();
    edit(&mut credentials);
    Client::new(Config::new(base_url(fake), credentials)).expect("client")
}

fn request() -> CaptureRequest {
    let mut request = CaptureRequest::new("capture_2089760038715669_202775745075671", "20191127190741010007013213156");
    request.capture_amount = Some(Amount::new("USD", "100"));
    request.is_last_capture = Some(true);
    request
}

const SENT_BODY: &str = r#"{"captureRequestId":"capture_2089760038715669_202775745075671","paymentId":"20191127190741010007013213156","captureAmount":{"currency":"USD","value":"100"},"isLastCapture":true}"#;

#[tokio::test]
async fn capture_succeeds_signed_over_the_prefixed_path_both_ways() {
    let fake = FakeServer::queue(Provider::alipayplus(), vec![alipayplus::success(SUCCESS_FIELDS)]).await;
    let response = client(&fake).capture(&request()).await.expect("capture");
    assert_eq!(response.capture_id.as_deref(), Some("201231231313123167"));
    assert_eq!(response.capture_request_id.as_deref(), Some("capture_2089760038715669_202775745075671"));
    assert_eq!(response.payment_id.as_deref(), Some("20191127190741010007013213156"));
    let amount = response.capture_amount.expect("amount");
    assert_eq!((amount.currency.as_str(), amount.value.as_str()), ("USD", "100"));
    assert_eq!(response.capture_time.map(|t| t.into_inner()).as_deref(), Some("2021-06-08T12:12:12+08:00"));

    let sent = fake.single_request();
    // The fake verified the signature over `POST /api/open/v2/payments/capture\n...`.
    sent.assert_authenticated();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, FULL_PATH);
    assert_eq!(sent.query, None);
    assert_eq!(sent.body_str(), SENT_BODY);
    assert_eq!(sent.header("client-id"), Some(ALIPAY_CLIENT_ID));
    assert_eq!(sent.header("content-type"), Some("application/json; charset=UTF-8"));
    let time = sent.header("request-time").expect("Request-Time");
    // ISO 8601 with an offset, e.g. 2024-05-01T04:08:56.253+00:00.
    assert_eq!(time.len(), 29, "{time}");
    assert!(time.as_bytes()[10] == b'T' && (time.ends_with("+00:00") || time.ends_with('Z')), "{time}");
    let (algorithm, version, _) = parse_alipay_signature_header(sent.header("signature").unwrap()).unwrap();
    assert_eq!((algorithm.as_str(), version.as_str()), ("RSA256", "1"));
}

#[tokio::test]
async fn capture_without_a_prefix_signs_the_bare_path() {
    let fake = FakeServer::queue(Provider::alipayplus(), vec![alipayplus::success(SUCCESS_FIELDS)]).await;
    let client = Client::new(alipay_config(&format!("{}/", fake.url()))).expect("client");
    client.capture(&request()).await.expect("capture");
    let sent = fake.single_request();
    sent.assert_authenticated();
    assert_eq!(sent.path, "/v2/payments/capture");
}

#[tokio::test]
async fn capture_signs_with_the_configured_key_version() {
    let Provider::AlipayPlus { client_id, merchant_key, wallet_key, .. } = Provider::alipayplus() else {
        unreachable!()
    };
    let provider = Provider::AlipayPlus { client_id, key_version: 2, merchant_key, wallet_key };
    let fake = FakeServer::queue(provider, vec![alipayplus::success(SUCCESS_FIELDS)]).await;
    client_with(&fake, |c| c.key_version = 2).capture(&request()).await.expect("capture");
    let (_, version, _) = parse_alipay_signature_header(fake.single_request().header("signature").unwrap()).unwrap();
    assert_eq!(version, "2");
}

#[tokio::test]
async fn a_wrong_merchant_key_is_refused_by_the_fake() {
    // The fake's check is real: a request signed with another key gets SIGNATURE_INVALID.
    let fake = FakeServer::queue(Provider::alipayplus(), vec![alipayplus::success(SUCCESS_FIELDS)]).await;
    let client = client_with(&fake, |c| {
        c.private_key = std::sync::Arc::new(PrivateKey::from_pem_or_base64(WALLET_PRIVATE_PEM).unwrap());
    });
    let err = client.capture(&request()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::SignatureInvalid));
    assert!(fake.single_request().auth.is_err());
}

#[tokio::test]
async fn result_status_f_is_the_codes_variant_and_final() {
    let fake = FakeServer::queue(
        Provider::alipayplus(),
        vec![
            alipayplus::result("F", "AUTH_EXPIRED", "The payment authorization has expired.", ""),
            alipayplus::result("F", "REPEAT_REQ_INCONSISTENT", "Repeated request inconsistent.", ""),
            alipayplus::result("F", "REQUEST_TRAFFIC_EXCEED_LIMIT", "Too many requests.", ""),
            alipayplus::result("F", "EXPIRED_ACCESS_TOKEN", "Access token expired.", ""),
        ],
    )
    .await;
    let client = client(&fake);

    let err = client.capture(&request()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::AuthExpired));
    let p = provider_error(&err);
    assert_eq!((p.http_status, p.message.as_deref()), (200, Some("The payment authorization has expired.")));
    assert!(p.body.contains(r#""resultStatus":"F""#));
    assert!(!err.is_outcome_unknown() && !err.is_retryable());

    let err = client.capture(&request()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::RepeatReqInconsistent));
    assert!(!err.is_outcome_unknown());

    let err = client.capture(&request()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::RequestTrafficExceedLimit));
    assert!(err.is_retryable() && err.is_safe_to_retry());

    let err = client.capture(&request()).await.unwrap_err();
    assert!(err.provider_code().unwrap().refresh_access_token());
    assert_eq!(fake.count(), 4);
    fake.requests().iter().for_each(Request::assert_authenticated);
}

#[tokio::test]
async fn result_status_u_is_outcome_unknown_whatever_the_code() {
    let fake = FakeServer::queue(
        Provider::alipayplus(),
        vec![
            alipayplus::result(
                "U",
                "UNKNOWN_EXCEPTION",
                "An API calling is failed, which is caused by unknown reasons.",
                "",
            ),
            // PROCESS_FAIL is final under F; under U the wallet says it does not know.
            alipayplus::result("U", "PROCESS_FAIL", "Processing.", ""),
            alipayplus::result("F", "CAPTURE_IN_PROCESS", "The capture is processing.", ""),
        ],
    )
    .await;
    let client = client(&fake);

    let err = client.capture(&request()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::UnknownException));
    assert!(err.is_outcome_unknown() && err.is_retryable());
    assert!(err.is_safe_to_retry(), "captureRequestId makes the repeat harmless");

    let err = client.capture(&request()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::ProcessFail));
    assert!(!CaptureError::ProcessFail.is_outcome_unknown(), "the code alone is not classified so");
    assert!(err.is_outcome_unknown(), "resultStatus U");

    let err = client.capture(&request()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::CaptureInProcess));
    assert!(err.is_outcome_unknown(), "the code is classified outcome unknown");
}

#[tokio::test]
async fn unknown_codes_are_the_unknown_variant() {
    let fake = FakeServer::queue(
        Provider::alipayplus(),
        vec![
            alipayplus::result("F", "BRAND_NEW_CODE", "Something new.", ""),
            alipayplus::result("U", "ANOTHER_NEW_CODE", "Something else.", ""),
        ],
    )
    .await;
    let client = client(&fake);
    let err = client.capture(&request()).await.unwrap_err();
    let code = err.provider_code().expect("code");
    assert!(matches!(code, CaptureError::Unknown(_)) && code.code() == "BRAND_NEW_CODE", "{code:?}");
    assert!(!err.is_outcome_unknown());
    let err = client.capture(&request()).await.unwrap_err();
    assert!(matches!(err.provider_code(), Some(CaptureError::Unknown(c)) if c.as_str() == "ANOTHER_NEW_CODE"));
    assert!(err.is_outcome_unknown());
}

#[tokio::test]
async fn an_unknown_result_status_is_undecodable() {
    let fake = FakeServer::queue(Provider::alipayplus(), vec![alipayplus::result("X", "SUCCESS", "?", "")]).await;
    let err = client(&fake).capture(&request()).await.unwrap_err();
    let u = undecodable(&err);
    assert_eq!(u.status, 200);
    assert!(u.body.contains(r#""resultStatus":"X""#));
}

#[tokio::test]
async fn a_truncated_signed_body_is_undecodable_and_kept() {
    let truncated =
        r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"captureId":"2012"#;
    let fake = FakeServer::queue(Provider::alipayplus(), vec![Response::json(200, truncated)]).await;
    let err = client(&fake).capture(&request()).await.unwrap_err();
    assert_eq!((undecodable(&err).status, undecodable(&err).body.as_str()), (200, truncated));
    assert!(err.is_outcome_unknown());
}

#[tokio::test]
async fn an_html_502_is_undecodable_when_unsigned_responses_are_accepted() {
    let fake = FakeServer::queue(Provider::alipayplus(), vec![Response::html(502, BAD_GATEWAY_PAGE).unsigned()]).await;
    let client = client_with(&fake, |c| c.unsigned_responses = UnsignedResponses::Accept);
    let err = client.capture(&request()).await.unwrap_err();
    assert_eq!((undecodable(&err).status, undecodable(&err).body.as_str()), (502, BAD_GATEWAY_PAGE));
    assert!(err.is_retryable() && err.is_outcome_unknown());
    assert!(err.is_safe_to_retry(), "capture is idempotent by captureRequestId");
}

#[tokio::test]
async fn an_html_502_is_undecodable_with_status_and_body() {
    // A gateway or load balancer in front of the wallet answers 502 with an HTML page that no wallet
    // signs. The transport checks the signature before anything else, so the caller gets
    // BadSignature("the response has no Signature header"): the 502 and the page are lost, and as
    // BadSignature is not retryable, Retry never repeats this idempotent capture.
    let fake = FakeServer::queue(Provider::alipayplus(), vec![Response::html(502, BAD_GATEWAY_PAGE).unsigned()]).await;
    let err = client(&fake).capture(&request()).await.unwrap_err();
    assert_eq!((undecodable(&err).status, undecodable(&err).body.as_str()), (502, BAD_GATEWAY_PAGE));
    assert!(err.is_safe_to_retry());
}

#[tokio::test]
async fn a_timeout_is_outcome_unknown_but_safe_to_retry() {
    let fake = FakeServer::queue(Provider::alipayplus(), vec![alipayplus::success(SUCCESS_FIELDS).delayed(SLOW)]).await;
    let client = Client::new(alipay_config(&base_url(&fake)).timeout(capture::NAME, SHORT_TIMEOUT)).expect("client");
    let start = Instant::now();
    let err = client.capture(&request()).await.unwrap_err();
    assert!(start.elapsed() < SLOW, "gave up after {:?}", start.elapsed());
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout);
    assert!(err.is_outcome_unknown());
    assert!(err.is_safe_to_retry(), "the same captureRequestId returns the same result");
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn a_wrong_response_signature_is_bad_signature() {
    let fake =
        FakeServer::queue(Provider::alipayplus(), vec![alipayplus::success(SUCCESS_FIELDS).wrongly_signed()]).await;
    let err = client(&fake).capture(&request()).await.unwrap_err();
    bad_signature(&err);
    assert!(err.is_outcome_unknown(), "the capture may have happened; the answer cannot be trusted");
    assert!(!err.is_retryable());
    fake.single_request().assert_authenticated();
}

#[tokio::test]
async fn a_wrong_response_signature_is_refused_even_when_unsigned_responses_are_accepted() {
    let fake =
        FakeServer::queue(Provider::alipayplus(), vec![alipayplus::success(SUCCESS_FIELDS).wrongly_signed()]).await;
    let client = client_with(&fake, |c| c.unsigned_responses = UnsignedResponses::Accept);
    bad_signature(&client.capture(&request()).await.unwrap_err());
}

#[tokio::test]
async fn a_response_signed_by_another_key_is_bad_signature() {
    let fake = FakeServer::queue(Provider::alipayplus(), vec![alipayplus::success(SUCCESS_FIELDS)]).await;
    // The client expects the responses to be signed by the merchant key, which the wallet does not hold.
    let client = client_with(&fake, |c| {
        c.wallet_public_key = Some(PublicKey::from_pem_or_base64(MERCHANT_PUBLIC_PEM).unwrap());
    });
    bad_signature(&client.capture(&request()).await.unwrap_err());
}

#[tokio::test]
async fn an_unsigned_response_is_refused_by_default_and_accepted_on_request() {
    let fake = FakeServer::queue(
        Provider::alipayplus(),
        vec![alipayplus::success(SUCCESS_FIELDS).unsigned(), alipayplus::success(SUCCESS_FIELDS).unsigned()],
    )
    .await;
    let err = client(&fake).capture(&request()).await.unwrap_err();
    assert!(bad_signature(&err).contains("Signature"), "{err:?}");

    let accepting = client_with(&fake, |c| c.unsigned_responses = UnsignedResponses::Accept);
    let response = accepting.capture(&request()).await.expect("accepted");
    assert_eq!(response.capture_id.as_deref(), Some("201231231313123167"));
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn a_response_over_the_size_limit_is_undecodable() {
    let fields = format!(r#""captureId":"c1","extendInfo":"{}""#, "x".repeat(4096));
    let fake = FakeServer::queue(Provider::alipayplus(), vec![alipayplus::success(&fields)]).await;
    let client = Client::new(alipay_config(&base_url(&fake)).max_response_bytes(512)).expect("client");
    let err = client.capture(&request()).await.unwrap_err();
    let u = undecodable(&err);
    assert_eq!(u.status, 200);
    assert!(u.reason.contains("512") && u.body.len() <= 512, "{u:?}");
}

#[tokio::test]
async fn requests_over_the_documented_limits_are_refused_before_sending() {
    let fake = FakeServer::queue(Provider::alipayplus(), vec![alipayplus::success(SUCCESS_FIELDS)]).await;
    let mut bad = CaptureRequest::new("é".repeat(65), "p".repeat(64));
    bad.capture_amount = Some(Amount::new("usd", "1.00"));
    let err = client(&fake).capture(&bad).await.unwrap_err();
    let found: Vec<(String, Rule)> =
        validation(&err).violations.iter().map(|v| (v.path.clone(), v.rule.clone())).collect();
    assert_eq!(
        found,
        vec![
            ("captureRequestId".into(), Rule::MaxChars { limit: 64, actual: 65 }),
            ("captureAmount.currency".into(), Rule::Charset { expected: Charset::UpperAlpha, found: 'u', index: 0 }),
            ("captureAmount.value".into(), Rule::Charset { expected: Charset::Digits, found: '.', index: 1 }),
            ("captureAmount.value".into(), Rule::Numeral { expected: Numeral::Positive }),
        ]
    );
    assert!(!err.is_outcome_unknown());
    assert_eq!(fake.count(), 0);
}

#[tokio::test]
async fn a_response_signed_for_another_client_id_is_bad_signature() {
    // runtime/src/signing/alipay_plus.rs says a valid signature "proves who sent the bytes, not that they
    // are meant for this merchant or fresh: callers still compare the response's Client-Id with their
    // own". The client's check, `verify_message` in runtime/src/protocol/alipay_plus.rs, must compare
    // it with AlipayPlusCredentials::client_id, not only verify over the Client-Id the response carries.
    let response = alipayplus::success(SUCCESS_FIELDS).signed_for_client("2022000000000001");
    let fake = FakeServer::queue(Provider::alipayplus(), vec![response]).await;
    let result = client(&fake).capture(&request()).await;
    let err = result.expect_err("a response addressed to another client must not be trusted");
    bad_signature(&err);
}

#[tokio::test]
async fn a_client_needs_the_wallet_key_unless_unsigned_responses_are_accepted() {
    let mut credentials = alipay_credentials();
    credentials.wallet_public_key = None;
    assert!(Client::new(Config::new("http://127.0.0.1:9/api/open", credentials.clone())).is_err());
    credentials.unsigned_responses = UnsignedResponses::Accept;
    assert!(Client::new(Config::new("http://127.0.0.1:9/api/open", credentials)).is_ok());
    assert!(Client::new(alipay_config("http://127.0.0.1:9/api/open?x=1")).is_err(), "no query in a base URL");
}

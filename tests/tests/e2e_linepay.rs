//! End to end against a fake LINE Pay: capture, payment details and pay preapproved, each through the
//! real client, with the fake checking the HMAC signature, channel id, method, path, query and body.
//! Covers success, the `returnCode` failures and their classifications, unknown codes, 19-digit ids as
//! bare JSON numbers, truncated bodies, HTML error pages, timeouts, response size limits and requests
//! refused before sending.

mod support;

use std::time::Instant;

use payspec::linepay::capture::{
    self, CaptureError, CaptureExtra, CaptureOptions, CaptureRequest, PromotionRestriction,
};
use payspec::linepay::pay_preapproved::{self, PayPreapprovedError, PayPreapprovedRequest};
use payspec::linepay::payment_details::{
    self, PayStatus, PaymentDetailsError, PaymentDetailsFields, PaymentDetailsQuery, TransactionType,
};
use payspec::linepay::{Client, Currency, PayMethod, TransactionId};
use payspec::runtime::Decimal;
use payspec::runtime::client::TransportErrorKind;
use payspec::runtime::validate::Rule;
use support::*;

const TX: &str = "2021121300698360310";
const CAPTURE_PATH: &str = "/v3/payments/authorizations/2021121300698360310/capture";
const CAPTURE_INFO: &str = r#"{"orderId":"order-20240501-001","transactionId":2021121300698360310,
    "payInfo":[{"method":"CREDIT_CARD","amount":900},{"method":"DISCOUNT","amount":100}]}"#;

fn client(fake: &FakeServer) -> Client {
    Client::new(linepay_config(&fake.url())).expect("client")
}

fn tx(id: &str) -> TransactionId {
    id.parse().expect("a 19-digit id")
}

fn twd(amount: i64) -> CaptureRequest {
    CaptureRequest::new(Decimal::from_i64(amount), Currency::Twd)
}

fn preapproved() -> PayPreapprovedRequest {
    let mut request = PayPreapprovedRequest::new("月額プラン", Decimal::from_i64(980), Currency::Jpy, "sub-2024-05");
    request.capture = Some(false);
    request
}

fn dec(text: &str) -> Decimal {
    text.parse().expect("decimal")
}

// ---------------------------------------------------------------------------------------------------
// capture
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn capture_succeeds_with_a_signed_exact_request() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(CAPTURE_INFO)]).await;
    let info = client(&fake).capture(&tx(TX), &twd(1000)).await.expect("capture");

    assert_eq!(info.order_id, "order-20240501-001");
    assert_eq!(info.transaction_id.as_str(), TX);
    assert_eq!(info.pay_info.len(), 2);
    assert_eq!((&info.pay_info[0].method, info.pay_info[0].amount), (&PayMethod::CreditCard, dec("900")));
    assert_eq!((&info.pay_info[1].method, info.pay_info[1].amount), (&PayMethod::Discount, dec("100")));

    let request = fake.single_request();
    request.assert_authenticated();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, CAPTURE_PATH);
    assert_eq!(request.query, None);
    assert_eq!(request.body_str(), r#"{"amount":1000,"currency":"TWD"}"#);
    assert_eq!(request.header("x-line-channelid"), Some(CHANNEL_ID));
    assert_eq!(request.header("content-type"), Some("application/json"));
    // The fake recomputed this itself; check it is the HMAC of exactly this path, body and nonce.
    let nonce = request.header("x-line-authorization-nonce").expect("nonce");
    let expected = linepay_signature(CHANNEL_SECRET, CAPTURE_PATH, &request.body, nonce);
    assert_eq!(request.header("x-line-authorization"), Some(expected.as_str()));
}

#[tokio::test]
async fn capture_sends_options_and_fractional_amounts_exactly() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(CAPTURE_INFO)]).await;
    let mut restriction = PromotionRestriction::default();
    restriction.use_limit = Some(dec("100"));
    restriction.reward_limit = Some(dec("0.5"));
    let mut request = CaptureRequest::new(dec("10.25"), Currency::Usd);
    request.options = Some(CaptureOptions::new(CaptureExtra::new(restriction)));
    client(&fake).capture(&tx(TX), &request).await.expect("capture");
    let sent = fake.single_request();
    sent.assert_authenticated();
    assert_eq!(
        sent.body_str(),
        r#"{"amount":10.25,"currency":"USD","options":{"extra":{"promotionRestriction":{"useLimit":100,"rewardLimit":0.5}}}}"#
    );
}

#[tokio::test]
async fn capture_failure_codes_become_variants_with_their_classification() {
    let fake = FakeServer::queue(
        Provider::linepay(),
        vec![
            linepay::error("1198", "Request is being processed."),
            linepay::error("1172", "Existing same orderId."),
            linepay::error("1199", "Internal request error."),
            linepay::error("1287", "Credit card has expired."),
            linepay::error("1150", "Transaction record not found."),
            linepay::error("9000", "Internal error."),
        ],
    )
    .await;
    let client = client(&fake);

    let err = client.capture(&tx(TX), &twd(1000)).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::DuplicateRequest));
    let p = provider_error(&err);
    assert_eq!((p.http_status, p.message.as_deref()), (200, Some("Request is being processed.")));
    assert!(p.body.contains(r#""returnCode":"1198""#));
    assert!(err.is_outcome_unknown(), "1198 on capture: look the payment up first");
    assert!(!err.is_retryable() && !err.is_safe_to_retry());
    assert_eq!(err.operation(), capture::NAME);

    let err = client.capture(&tx(TX), &twd(1000)).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::DuplicateOrderId));
    assert!(err.is_outcome_unknown());

    let err = client.capture(&tx(TX), &twd(1000)).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::InternalRequestError));
    assert!(err.provider_code().unwrap().authorization_cancelled());
    assert!(!err.is_outcome_unknown());

    let err = client.capture(&tx(TX), &twd(1000)).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::CardExpired));
    assert!(err.provider_code().unwrap().authorization_cancelled());
    assert!(!err.provider_code().unwrap().expires_reg_key(), "that classification belongs to pay preapproved");

    let err = client.capture(&tx(TX), &twd(1000)).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::TransactionNotFound));
    assert!(!err.is_outcome_unknown() && !err.is_retryable());

    let err = client.capture(&tx(TX), &twd(1000)).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::InternalError));

    assert_eq!(fake.count(), 6);
    fake.requests().iter().for_each(Request::assert_authenticated);
}

#[tokio::test]
async fn capture_unknown_code_is_the_unknown_variant() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::error("1999", "Something new.")]).await;
    let err = client(&fake).capture(&tx(TX), &twd(1000)).await.unwrap_err();
    let code = err.provider_code().expect("a provider code");
    assert!(matches!(code, CaptureError::Unknown(_)), "{code:?}");
    assert_eq!((code.code(), code.description()), ("1999", None));
    assert_eq!(provider_error(&err).message.as_deref(), Some("Something new."));
}

#[tokio::test]
async fn capture_reads_19_digit_ids_above_i64_max_exactly() {
    // 9999999999999999999 > i64::MAX and far above 2^53: only an exact integer path keeps it.
    let info = r#"{"orderId":"o-1","transactionId":9999999999999999999,"payInfo":[]}"#;
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(info)]).await;
    let result = client(&fake).capture(&tx("9999999999999999999"), &twd(1)).await.expect("capture");
    assert_eq!(result.transaction_id.as_str(), "9999999999999999999");
    assert_eq!(fake.single_request().path, "/v3/payments/authorizations/9999999999999999999/capture");
}

#[tokio::test]
async fn capture_truncated_body_is_undecodable_and_kept() {
    let truncated = r#"{"returnCode":"0000","returnMessage":"Success.","info":{"orderId":"order-2"#;
    let fake = FakeServer::queue(Provider::linepay(), vec![Response::json(200, truncated)]).await;
    let err = client(&fake).capture(&tx(TX), &twd(1000)).await.unwrap_err();
    let u = undecodable(&err);
    assert_eq!((u.status, u.body.as_str()), (200, truncated));
    assert!(err.is_outcome_unknown(), "a 200 that cannot be read may have captured");
    assert!(!err.is_safe_to_retry());
}

#[tokio::test]
async fn capture_success_code_with_an_info_off_the_spec_is_undecodable() {
    // `payInfo` is required in the capture info; the envelope says success but the info cannot be read.
    let fake =
        FakeServer::queue(Provider::linepay(), vec![linepay::ok(r#"{"orderId":"o","transactionId":"12"}"#)]).await;
    let err = client(&fake).capture(&tx(TX), &twd(1000)).await.unwrap_err();
    let u = undecodable(&err);
    assert_eq!(u.status, 200);
    assert!(u.body.contains(r#""orderId":"o""#), "{u:?}");
}

#[tokio::test]
async fn capture_html_502_is_undecodable_with_status_and_body() {
    let fake = FakeServer::queue(Provider::linepay(), vec![Response::html(502, BAD_GATEWAY_PAGE)]).await;
    let err = client(&fake).capture(&tx(TX), &twd(1000)).await.unwrap_err();
    let u = undecodable(&err);
    assert_eq!((u.status, u.body.as_str()), (502, BAD_GATEWAY_PAGE));
    assert!(err.is_retryable(), "a 5xx is transient");
    assert!(err.is_outcome_unknown(), "the gateway may have passed the capture on");
    assert!(!err.is_safe_to_retry(), "capture is not idempotent");
    assert_eq!(err.provider_code(), None);
}

#[tokio::test]
async fn capture_timeout_is_outcome_unknown_and_not_safe_to_retry() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(CAPTURE_INFO).delayed(SLOW)]).await;
    let client = Client::new(linepay_config(&fake.url()).timeout(capture::NAME, SHORT_TIMEOUT)).expect("client");
    let start = Instant::now();
    let err = client.capture(&tx(TX), &twd(1000)).await.unwrap_err();
    assert!(start.elapsed() < SLOW, "gave up after {:?}", start.elapsed());
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout);
    assert!(err.is_outcome_unknown());
    assert!(err.is_retryable());
    assert!(!err.is_safe_to_retry(), "a capture that timed out must not be sent again blindly");
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn capture_timeout_of_another_operation_does_not_apply() {
    // The timeout is per operation name: a short payment_details timeout leaves capture alone.
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(CAPTURE_INFO).delayed(SHORT_TIMEOUT * 2)]).await;
    let config = linepay_config(&fake.url()).timeout(payment_details::NAME, SHORT_TIMEOUT);
    Client::new(config).expect("client").capture(&tx(TX), &twd(1000)).await.expect("capture");
}

#[tokio::test]
async fn capture_with_an_unknown_currency_is_refused_before_sending() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(CAPTURE_INFO)]).await;
    let request = CaptureRequest::new(Decimal::from_i64(1000), Currency::parse("KRW"));
    let err = client(&fake).capture(&tx(TX), &request).await.unwrap_err();
    let v = validation(&err);
    assert_eq!(v.violations.len(), 1);
    assert_eq!(v.violations[0].path, "currency");
    assert!(matches!(&v.violations[0].rule, Rule::NotAllowed { value, .. } if value == "KRW"));
    assert!(!err.is_outcome_unknown() && !err.is_retryable());
    assert_eq!(fake.count(), 0);
}

#[tokio::test]
async fn capture_response_over_the_size_limit_is_undecodable() {
    let big = format!(r#"{{"orderId":"{}","transactionId":{TX},"payInfo":[]}}"#, "x".repeat(4096));
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(&big)]).await;
    let client = Client::new(linepay_config(&fake.url()).max_response_bytes(256)).expect("client");
    let err = client.capture(&tx(TX), &twd(1000)).await.unwrap_err();
    let u = undecodable(&err);
    assert_eq!(u.status, 200);
    assert!(u.reason.contains("256"), "{}", u.reason);
    assert!(u.body.len() <= 256, "kept {} bytes", u.body.len());
}

#[tokio::test]
async fn a_wrong_channel_secret_is_refused_by_the_fake() {
    // The fake's check is real: signing with another secret gets LINE Pay's header error.
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(CAPTURE_INFO)]).await;
    let credentials = payspec::runtime::client::LinePayCredentials::new(CHANNEL_ID, "not-the-secret");
    let client = Client::new(payspec::runtime::client::Config::new(fake.url(), credentials)).expect("client");
    let err = client.capture(&tx(TX), &twd(1000)).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::HeaderError));
    assert!(fake.single_request().auth.is_err());
}

#[tokio::test]
async fn merchant_device_headers_are_sent_when_set() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(CAPTURE_INFO)]).await;
    let mut credentials = linepay_credentials();
    credentials.merchant_device_profile_id = Some("device-42".into());
    credentials.merchant_device_type = Some("POS".into());
    let client = Client::new(payspec::runtime::client::Config::new(fake.url(), credentials)).expect("client");
    client.capture(&tx(TX), &twd(1000)).await.expect("capture");
    let sent = fake.single_request();
    sent.assert_authenticated();
    assert_eq!(sent.header("x-line-merchantdeviceprofileid"), Some("device-42"));
    assert_eq!(sent.header("x-line-merchantdevicetype"), Some("POS"));
}

// ---------------------------------------------------------------------------------------------------
// payment_details
// ---------------------------------------------------------------------------------------------------

const DETAILS_INFO: &str = r#"[
  {"transactionId":2021121600698709510,"transactionDate":"2021-12-16T00:49:06Z","transactionType":"PAYMENT",
   "payStatus":"CAPTURE","productName":"Pen","merchantName":"Shop","currency":"TWD",
   "payInfo":[{"method":"CREDIT_CARD","amount":100}],
   "refundList":[{"refundTransactionId":2021121600698710312,"transactionType":"PARTIAL_REFUND",
                  "refundAmount":-20,"refundTransactionDate":"2021-12-16T00:50:15Z"}],
   "orderId":"order-1"},
  {"transactionId":2021121600698710312,"transactionDate":"2021-12-16T00:50:15Z",
   "transactionType":"PARTIAL_REFUND","originalTransactionId":2021121600698709510,"orderId":"order-1",
   "payInfo":[{"method":"CREDIT_CARD","amount":-20}]}
]"#;

fn details_query() -> PaymentDetailsQuery {
    let mut query = PaymentDetailsQuery::default();
    query.transaction_id = vec![tx("2021121600698709510"), tx("2021121600698710312")];
    query.order_id = vec!["注文&1".into()];
    query.fields = Some(PaymentDetailsFields::Transaction);
    query
}

#[tokio::test]
async fn payment_details_signs_the_repeated_query_and_reads_ids_exactly() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(DETAILS_INFO)]).await;
    let details = client(&fake).payment_details(&details_query()).await.expect("details");

    let request = fake.single_request();
    request.assert_authenticated();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/v3/payments");
    assert_eq!(
        request.query.as_deref(),
        Some(
            "transactionId=2021121600698709510&transactionId=2021121600698710312&orderId=%E6%B3%A8%E6%96%87%261&fields=TRANSACTION"
        )
    );
    assert!(request.body.is_empty());
    let nonce = request.header("x-line-authorization-nonce").expect("nonce");
    let expected =
        linepay_signature(CHANNEL_SECRET, "/v3/payments", request.query.as_deref().unwrap().as_bytes(), nonce);
    assert_eq!(request.header("x-line-authorization"), Some(expected.as_str()));

    assert_eq!(details.len(), 2);
    let payment = &details[0];
    assert_eq!(payment.transaction_id.as_str(), "2021121600698709510");
    assert_eq!(payment.pay_status, Some(PayStatus::Capture));
    assert_eq!(payment.transaction_type, Some(TransactionType::Payment));
    assert_eq!(payment.refund_list.len(), 1);
    assert_eq!(payment.refund_list[0].refund_transaction_id.as_str(), "2021121600698710312");
    assert_eq!(payment.refund_list[0].refund_amount, dec("-20"));
    let refund = &details[1];
    assert_eq!(refund.transaction_id.as_str(), "2021121600698710312");
    assert_eq!(refund.original_transaction_id.as_ref().map(TransactionId::as_str), Some("2021121600698709510"));
    assert_eq!(refund.transaction_type, Some(TransactionType::PartialRefund));
}

#[tokio::test]
async fn payment_details_failure_and_unknown_codes() {
    let fake = FakeServer::queue(
        Provider::linepay(),
        vec![
            linepay::error("1150", "Transaction record not found."),
            linepay::error("1177", "Exceeded max number of transactions."),
            linepay::error("2042", "A new code."),
        ],
    )
    .await;
    let client = client(&fake);
    let query = details_query();

    let err = client.payment_details(&query).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&PaymentDetailsError::TransactionNotFound));
    assert!(!err.is_outcome_unknown() && !err.is_retryable());
    assert_eq!(provider_error(&err).message.as_deref(), Some("Transaction record not found."));

    let err = client.payment_details(&query).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&PaymentDetailsError::TooManyTransactions));

    let err = client.payment_details(&query).await.unwrap_err();
    let code = err.provider_code().expect("code");
    assert!(matches!(code, PaymentDetailsError::Unknown(_)) && code.code() == "2042", "{code:?}");
    assert_eq!(fake.count(), 3);
}

#[tokio::test]
async fn payment_details_truncated_and_html_bodies_are_undecodable() {
    let truncated = r#"{"returnCode":"0000","returnMessage":"OK","info":[{"transactionId":2021121600698709510,"#;
    let fake = FakeServer::queue(
        Provider::linepay(),
        vec![Response::json(200, truncated), Response::html(502, BAD_GATEWAY_PAGE)],
    )
    .await;
    let client = client(&fake);
    let err = client.payment_details(&details_query()).await.unwrap_err();
    assert_eq!((undecodable(&err).status, undecodable(&err).body.as_str()), (200, truncated));
    let err = client.payment_details(&details_query()).await.unwrap_err();
    assert_eq!((undecodable(&err).status, undecodable(&err).body.as_str()), (502, BAD_GATEWAY_PAGE));
    assert!(err.is_safe_to_retry(), "a lookup can be repeated");
}

#[tokio::test]
async fn payment_details_timeout_is_safe_to_retry() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(DETAILS_INFO).delayed(SLOW)]).await;
    let config = linepay_config(&fake.url()).timeout(payment_details::NAME, SHORT_TIMEOUT);
    let err = Client::new(config).expect("client").payment_details(&details_query()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout);
    assert!(err.is_outcome_unknown());
    assert!(err.is_safe_to_retry(), "GET is idempotent");
}

#[tokio::test]
async fn payment_details_with_more_than_100_ids_is_refused_before_sending() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok("[]")]).await;
    let mut query = PaymentDetailsQuery::default();
    query.transaction_id = (0..101).map(|i| tx(&format!("2021121600698{i:06}"))).collect();
    let err = client(&fake).payment_details(&query).await.unwrap_err();
    let v = validation(&err);
    assert_eq!(v.violations.len(), 1);
    assert_eq!(v.violations[0].path, "transactionId");
    assert_eq!(v.violations[0].rule, Rule::MaxItems { limit: 100, actual: 101 });
    assert_eq!(fake.count(), 0);
}

#[tokio::test]
async fn payment_details_with_100_ids_is_sent() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok("[]")]).await;
    let mut query = PaymentDetailsQuery::default();
    query.transaction_id = (0..100).map(|i| tx(&format!("2021121600698{i:06}"))).collect();
    let details = client(&fake).payment_details(&query).await.expect("details");
    assert!(details.is_empty());
    let request = fake.single_request();
    request.assert_authenticated();
    assert_eq!(request.query.as_deref().unwrap().matches("transactionId=").count(), 100);
}

// ---------------------------------------------------------------------------------------------------
// pay_preapproved
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn pay_preapproved_percent_encodes_the_reg_key_and_signs_that_path() {
    let info =
        r#"{"orderId":"sub-2024-05","transactionId":2021121300698360399,"transactionDate":"2024-05-01T12:00:00Z"}"#;
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok(info)]).await;
    let result = client(&fake).pay_preapproved("RK/9 é?", &preapproved()).await.expect("pay");
    assert_eq!(result.transaction_id.as_str(), "2021121300698360399");
    assert_eq!(result.transaction_date.as_str(), "2024-05-01T12:00:00Z");
    assert_eq!(result.transaction_date.unix_timestamp(), 1_714_564_800, "read as an instant");

    let request = fake.single_request();
    request.assert_authenticated();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v3/payments/preapprovedPay/RK%2F9%20%C3%A9%3F/payment");
    assert_eq!(request.query, None);
    assert_eq!(
        request.body_str(),
        r#"{"productName":"月額プラン","amount":980,"currency":"JPY","orderId":"sub-2024-05","capture":false}"#
    );
}

#[tokio::test]
async fn pay_preapproved_failure_codes_and_their_classification() {
    let fake = FakeServer::queue(
        Provider::linepay(),
        vec![
            linepay::error("1287", "Credit card has expired."),
            linepay::error("1280", "Temporary error."),
            linepay::error("1198", "Request is being processed."),
            linepay::error("1190", "regKey does not exist."),
            linepay::error("1141", "Payment account status error."),
        ],
    )
    .await;
    let client = client(&fake);

    let err = client.pay_preapproved("RK1", &preapproved()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&PayPreapprovedError::CardExpired));
    assert!(err.provider_code().unwrap().expires_reg_key());
    assert!(!err.is_retryable() && !err.is_outcome_unknown());

    let err = client.pay_preapproved("RK1", &preapproved()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&PayPreapprovedError::CardTemporaryError));
    // Temporary, but no source says the same charge may be sent again (provider-notes.md, corrections).
    assert!(!err.is_retryable() && !err.is_outcome_unknown() && !err.is_safe_to_retry());

    let err = client.pay_preapproved("RK1", &preapproved()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&PayPreapprovedError::DuplicateRequest));
    assert!(err.is_outcome_unknown() && !err.is_safe_to_retry());

    let err = client.pay_preapproved("RK1", &preapproved()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&PayPreapprovedError::RegKeyNotFound));
    assert!(!err.provider_code().unwrap().expires_reg_key());

    let err = client.pay_preapproved("RK1", &preapproved()).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&PayPreapprovedError::AccountStatusError));
    assert!(err.provider_code().unwrap().expires_reg_key());
    assert_eq!(fake.count(), 5);
}

#[tokio::test]
async fn pay_preapproved_unknown_code_truncated_and_html_bodies() {
    let truncated = r#"{"returnCode":"0000","returnMessage":"OK","info":{"transactionId":20211213006983"#;
    let fake = FakeServer::queue(
        Provider::linepay(),
        vec![linepay::error("1000", "New."), Response::json(200, truncated), Response::html(502, BAD_GATEWAY_PAGE)],
    )
    .await;
    let client = client(&fake);
    let err = client.pay_preapproved("RK1", &preapproved()).await.unwrap_err();
    assert!(matches!(err.provider_code(), Some(PayPreapprovedError::Unknown(c)) if c.as_str() == "1000"), "{err:?}");
    let err = client.pay_preapproved("RK1", &preapproved()).await.unwrap_err();
    assert_eq!((undecodable(&err).status, undecodable(&err).body.as_str()), (200, truncated));
    let err = client.pay_preapproved("RK1", &preapproved()).await.unwrap_err();
    assert_eq!((undecodable(&err).status, undecodable(&err).body.as_str()), (502, BAD_GATEWAY_PAGE));
    assert!(!err.is_safe_to_retry(), "a charge that may have gone through is not repeated");
}

#[tokio::test]
async fn pay_preapproved_timeout_is_outcome_unknown() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok("{}").delayed(SLOW)]).await;
    let config = linepay_config(&fake.url()).timeout(pay_preapproved::NAME, SHORT_TIMEOUT);
    let err = Client::new(config).expect("client").pay_preapproved("RK1", &preapproved()).await.unwrap_err();
    assert_eq!(transport_kind(&err), TransportErrorKind::Timeout);
    assert!(err.is_outcome_unknown() && !err.is_safe_to_retry());
}

#[tokio::test]
async fn pay_preapproved_over_its_byte_limits_is_refused_before_sending() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok("{}")]).await;
    let mut request = preapproved();
    request.order_id = "注".repeat(34); // 102 bytes, 34 characters
    request.product_name = String::new();
    let err = client(&fake).pay_preapproved("RK1", &request).await.unwrap_err();
    let v = validation(&err);
    let found: Vec<(&str, &Rule)> = v.violations.iter().map(|v| (v.path.as_str(), &v.rule)).collect();
    assert_eq!(found, vec![("productName", &Rule::Required), ("orderId", &Rule::MaxBytes { limit: 100, actual: 102 })]);
    assert_eq!(fake.count(), 0);
}

#[tokio::test]
async fn pay_preapproved_with_a_dot_segment_reg_key_stays_on_its_path() {
    let fake = FakeServer::queue(Provider::linepay(), vec![linepay::ok("{}")]).await;
    let result = client(&fake).pay_preapproved("..", &preapproved()).await;
    let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert!(
        paths.iter().all(|p| p.starts_with("/v3/payments/preapprovedPay/")),
        "sent to {paths:?} (result {result:?})"
    );
}

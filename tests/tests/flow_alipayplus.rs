//! Alipay+ flows on the public API of payspec-mock (`AlipayPlusMock`, under its wallet prefix): pay
//! (accepted, `A`, with the cashier page) -> the user approves -> pay again with the same request id
//! (`S`); pay -> inquiryPayment until SUCCESS -> capture in two parts -> refund -> inquiryRefund; a lost
//! (`U`) answer retried with the same request id, by the `Retry` handler and by hand; and captures beyond
//! the authorization. Every call the mock received, and the wallet signature on every answer, is checked
//! again by the end-to-end harness with the `rsa` crate.

mod support;

use std::time::Duration;

use payspec::alipayplus::capture::{CaptureError, CaptureRequest, CaptureResponse};
use payspec::alipayplus::inquiry_payment::{InquiryPaymentRequest, PaymentStatus};
use payspec::alipayplus::inquiry_refund::{InquiryRefundRequest, RefundStatus};
use payspec::alipayplus::pay::{PayError, PayOutcome, PayRequest};
use payspec::alipayplus::refund::{RefundError, RefundRequest};
use payspec::alipayplus::{Amount, Client};
use payspec::runtime::handlers::Retry;
use payspec_mock::AlipayPlusMock;
use payspec_mock::alipayplus::{CASHIER_URL, Money};
use support::*;
/// Every flow finishes well within this, or the test fails (the harness signs each answer with
/// RSA, about 150 ms in a debug build).
const BOUND: Duration = Duration::from_secs(30);
/// inquiryPayment polling: the notes say every 5 s for up to a minute; here short and bounded.
const POLL_INTERVAL: Duration = Duration::from_millis(20);
const POLL_ATTEMPTS: usize = 10;

/// The mock with the harness's client id and keys.
async fn start() -> AlipayPlusMock {
    AlipayPlusMock::start_with(mock_options()).await.expect("mock")
}

fn client(mock: &AlipayPlusMock) -> Client {
    Client::new(alipay_config(&mock.base_url())).expect("client")
}

fn assert_signed(mock: &AlipayPlusMock) -> usize {
    assert_signed_independently(&Provider::alipayplus(), &mock.received())
}

fn usd(value: &str) -> Amount {
    Amount::new("USD", value)
}

fn capture_request(id: &str, payment_id: &str, value: &str, last: bool) -> CaptureRequest {
    let mut request = CaptureRequest::new(id, payment_id);
    request.capture_amount = Some(usd(value));
    request.is_last_capture = Some(last);
    request
}

fn refund_request(id: &str, payment_id: &str, value: &str) -> RefundRequest {
    let mut request = RefundRequest::new(id, usd(value));
    request.payment_id = Some(payment_id.into());
    request
}

fn amount_of(response: &CaptureResponse) -> Option<(&str, &str)> {
    response.capture_amount.as_ref().map(|a| (a.currency.as_str(), a.value.as_str()))
}

/// Asks inquiryPayment by paymentRequestId until the payment is no longer PROCESSING (bounded);
/// returns the statuses seen and the paymentId.
async fn poll_until_settled(client: &Client, payment_request_id: &str) -> (Vec<PaymentStatus>, String) {
    let mut inquiry = InquiryPaymentRequest::default();
    inquiry.payment_request_id = Some(payment_request_id.into());
    let mut seen = Vec::new();
    for _ in 0..POLL_ATTEMPTS {
        let response = client.inquiry_payment(&inquiry).await.expect("inquiryPayment");
        let status = response.payment_status.expect("a paymentStatus");
        seen.push(status.clone());
        if status != PaymentStatus::Processing {
            return (seen, response.payment_id.expect("a paymentId"));
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
    panic!("still PROCESSING after {POLL_ATTEMPTS} inquiries: {seen:?}");
}

/// A paid payment of `value` cents, seeded straight into the mock.
fn seed(mock: &AlipayPlusMock, payment_id: &str, value: i64) {
    mock.seed_paid_payment(payment_id, &format!("req-{payment_id}"), "USD", value);
}

#[tokio::test]
async fn pay_poll_capture_in_two_parts_refund_and_inquire() {
    bounded(BOUND, async {
        let mock = start().await;
        let client = client(&mock);

        // 1. pay: accepted (`A`), the user must go to the cashier page; the paymentId also comes from
        //    inquiryPayment by paymentRequestId.
        let (outcome, accepted) =
            client.pay(&PayRequest::new("mini-app-1", "pay-flow-1", usd("1000"))).await.expect("pay");
        assert_eq!(outcome, PayOutcome::Accepted);
        assert!(accepted.redirect_action_form.is_some());

        // 2. Poll until the user has paid: PROCESSING first, then SUCCESS.
        let (seen, payment_id) = poll_until_settled(&client, "pay-flow-1").await;
        assert_eq!(seen, [PaymentStatus::Processing, PaymentStatus::Success]);
        let mut by_id = InquiryPaymentRequest::default();
        by_id.payment_id = Some(payment_id.clone());
        let found = client.inquiry_payment(&by_id).await.expect("inquiry by paymentId");
        assert_eq!(found.payment_request_id.as_deref(), Some("pay-flow-1"));
        assert!(found.payment_time.is_some(), "a successful payment says when it succeeded");

        // 3. Capture in two parts: 600 (more to come), then the last 400.
        let first = client.capture(&capture_request("cap-flow-1", &payment_id, "600", false)).await.expect("capture 1");
        assert_eq!(amount_of(&first), Some(("USD", "600")));
        assert_eq!(first.payment_id.as_deref(), Some(payment_id.as_str()));
        assert_eq!(first.capture_request_id.as_deref(), Some("cap-flow-1"));
        let second = client.capture(&capture_request("cap-flow-2", &payment_id, "400", true)).await.expect("capture 2");
        assert_eq!(amount_of(&second), Some(("USD", "400")));
        assert_ne!(first.capture_id, second.capture_id);

        // 4. Refund part of it: the answer carries the refundId; inquiryRefund tells its state.
        let refunded = client.refund(&refund_request("refund-flow-1", &payment_id, "300")).await.expect("refund");
        let mut inquiry = InquiryRefundRequest::default();
        inquiry.refund_request_id = Some("refund-flow-1".into());
        let refund = client.inquiry_refund(&inquiry).await.expect("inquiryRefund");
        assert_eq!(refund.refund_status, Some(RefundStatus::Success));
        let amount = refund.refund_amount.as_ref().map(|a| (a.currency.as_str(), a.value.as_str()));
        assert_eq!(amount, Some(("USD", "300")));
        let refund_id = refund.refund_id.clone().expect("a refundId");
        assert_eq!(refund_id, refunded.refund_id, "the refund's answer and inquiryRefund name the same refund");
        let mut by_refund_id = InquiryRefundRequest::default();
        by_refund_id.refund_id = Some(refund_id);
        let again = client.inquiry_refund(&by_refund_id).await.expect("inquiryRefund by refundId");
        assert_eq!(again.refund_request_id.as_deref(), Some("refund-flow-1"));

        let payment = mock.payment(&payment_id).expect("payment");
        assert_eq!((payment.captured, payment.capture_closed, payment.refunded), (Money(1000), true, Money(300)));
        assert_eq!(assert_signed(&mock), 9);
        for request in &mock.received() {
            assert!(request.path.starts_with("/alipayplus/v2/payments/"), "{}", request.path);
        }
    })
    .await;
}

#[tokio::test]
async fn pay_is_accepted_with_the_cashier_page_then_succeeds_after_approval() {
    bounded(BOUND, async {
        let mock = start().await;
        let client = client(&mock);
        let request = PayRequest::new("mini-app-1", "pay-cashier-1", usd("2500"));

        // A cashier payment: the wallet accepts the order (`A` ACCEPT) and names its cashier page. Money
        // has not moved: the typed outcome says so, and the body carries where to send the user.
        let (outcome, accepted) = client.pay(&request).await.expect("accepted");
        assert_eq!(outcome, PayOutcome::Accepted);
        assert_eq!(outcome.code(), "ACCEPT");
        let payment_id = accepted.payment_id.clone().expect("a paymentId");
        let form = accepted.redirect_action_form.expect("a redirectActionForm");
        assert_eq!(form.method.as_deref(), Some("POST"));
        assert_eq!(form.redirection_url, Some(format!("{CASHIER_URL}?paymentId={payment_id}")));
        assert_eq!(accepted.payment_time, None, "nothing is paid yet");

        // Until the user pays, the same request id is accepted again, with the same cashier page.
        let (again, _) = client.pay(&request).await.expect("still accepted");
        assert_eq!(again, PayOutcome::Accepted);

        // The user pays on the cashier page; the same request id now answers S with the payment time.
        mock.approve("pay-cashier-1").expect("the payment waits for the user");
        let (outcome, paid) = client.pay(&request).await.expect("succeeded");
        assert_eq!(outcome, PayOutcome::Succeeded);
        assert_eq!(paid.payment_id.as_deref(), Some(payment_id.as_str()));
        assert!(paid.payment_time.is_some());
        assert_eq!(paid.redirect_action_form, None);
        assert_eq!(assert_signed(&mock), 3);
    })
    .await;
}

#[tokio::test]
async fn a_lost_capture_answer_is_resent_by_the_retry_handler_and_gets_the_first_result() {
    bounded(BOUND, async {
        let mock = start().await;
        seed(&mock, "pay-lost-1", 1000);
        mock.lose_result("cap-lost-1");
        let config = alipay_config(&mock.base_url())
            .handler(Retry::new(3).backoff(Duration::from_millis(10), Duration::from_millis(50)));
        let client = Client::new(config).expect("client");

        // The first attempt took effect but came back U; Retry sends the same captureRequestId again
        // (safe: the id is an idempotency key) and gets the capture that really happened.
        let captured =
            client.capture(&capture_request("cap-lost-1", "pay-lost-1", "1000", true)).await.expect("capture");
        let captures = mock.captures();
        assert_eq!(captures.len(), 1, "captured once");
        assert_eq!(captured.capture_id.as_deref(), Some(captures[0].capture_id.as_str()));
        assert_eq!(mock.payment("pay-lost-1").map(|p| p.captured), Some(Money(1000)));
        let sent = mock.received();
        assert_eq!(sent.len(), 2, "the original and one retry");
        assert_eq!(sent[0].body, sent[1].body, "the same request id and parameters");
        assert_signed(&mock);
    })
    .await;
}

#[tokio::test]
async fn the_same_request_id_returns_the_first_result_and_other_parameters_are_refused() {
    bounded(BOUND, async {
        let mock = start().await;
        seed(&mock, "pay-same-1", 1000);
        let client = client(&mock); // no Retry: each call is sent once

        // Capture twice with the same id and parameters: one capture, the same answer.
        let first = client.capture(&capture_request("cap-same-1", "pay-same-1", "1000", true)).await.expect("capture");
        let again = client.capture(&capture_request("cap-same-1", "pay-same-1", "1000", true)).await.expect("again");
        assert_eq!(first, again);
        assert_eq!(mock.captures().len(), 1);

        // A refund whose answer is lost: U, unknown outcome, safe to send again (idempotent).
        mock.lose_result("refund-same-1");
        let err = client.refund(&refund_request("refund-same-1", "pay-same-1", "300")).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&RefundError::UnknownException));
        assert!(err.is_outcome_unknown() && err.is_safe_to_retry(), "{err}");
        // It did take effect...
        let mut inquiry = InquiryRefundRequest::default();
        inquiry.refund_request_id = Some("refund-same-1".into());
        let refund = client.inquiry_refund(&inquiry).await.expect("the refund exists");
        // ...and calling again with the same id returns that first outcome, without refunding twice.
        client.refund(&refund_request("refund-same-1", "pay-same-1", "300")).await.expect("the first result");
        assert_eq!(mock.refunds().len(), 1);
        assert_eq!(mock.payment("pay-same-1").map(|p| p.refunded), Some(Money(300)));
        assert_eq!(client.inquiry_refund(&inquiry).await.expect("still one refund").refund_id, refund.refund_id);

        // The same ids with other parameters: REPEAT_REQ_INCONSISTENT, final.
        let err = client.refund(&refund_request("refund-same-1", "pay-same-1", "200")).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&RefundError::RepeatReqInconsistent));
        assert!(!err.is_retryable() && !err.is_outcome_unknown());
        let err = client.capture(&capture_request("cap-same-1", "pay-same-1", "999", true)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureError::RepeatReqInconsistent));
        client.pay(&PayRequest::new("mini-app-1", "pay-same-2", usd("50"))).await.expect("accepted");
        let err = client.pay(&PayRequest::new("mini-app-1", "pay-same-2", usd("51"))).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&PayError::RepeatReqInconsistent));
        assert_signed(&mock);
    })
    .await;
}

#[tokio::test]
async fn captures_beyond_the_authorization_are_refused() {
    bounded(BOUND, async {
        let mock = start().await;
        seed(&mock, "pay-over-1", 1000);
        let client = client(&mock);

        client.capture(&capture_request("cap-over-1", "pay-over-1", "700", false)).await.expect("700 of 1000");
        let err = client.capture(&capture_request("cap-over-2", "pay-over-1", "400", true)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureError::CaptureAmountExceedAuthLimit));
        assert!(!err.is_outcome_unknown() && !err.is_retryable());
        client.capture(&capture_request("cap-over-3", "pay-over-1", "300", true)).await.expect("the last 300");
        assert_eq!(mock.payment("pay-over-1").map(|p| p.captured), Some(Money(1000)));

        let err = client.capture(&capture_request("cap-over-4", "no-such-payment", "1", true)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureError::AuthNotFound));
    })
    .await;
}

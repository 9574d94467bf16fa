//! Alipay+ flows against the stateful wallet simulator of `payspec-fakes`, served on 127.0.0.1 under a
//! wallet prefix by the end-to-end harness (which verifies every RSA request signature and signs every
//! response with the wallet key): pay -> inquiryPayment until SUCCESS -> capture in two parts ->
//! refund -> inquiryRefund; a lost (`U`) answer retried with the same request id, by the `Retry`
//! handler and by hand; and captures beyond the authorization.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use payspec::alipayplus::capture::{CaptureError, CaptureRequest, CaptureResponse};
use payspec::alipayplus::inquiry_payment::{InquiryPaymentRequest, PaymentStatus};
use payspec::alipayplus::inquiry_refund::{InquiryRefundRequest, RefundStatus};
use payspec::alipayplus::pay::{PayError, PayRequest};
use payspec::alipayplus::refund::{RefundError, RefundRequest};
use payspec::alipayplus::{Amount, Client};
use payspec::runtime::handlers::Retry;
use payspec_fakes::alipayplus::Simulator;
use support::*;

const PREFIX: &str = "/api/open";
/// Every flow finishes well within this, or the test fails (the harness signs each answer with
/// RSA, about 150 ms in a debug build).
const BOUND: Duration = Duration::from_secs(30);
/// inquiryPayment polling: the notes say every 5 s for up to a minute; here short and bounded.
const POLL_INTERVAL: Duration = Duration::from_millis(20);
const POLL_ATTEMPTS: usize = 10;

/// The simulator behind the harness, which strips the wallet prefix the client signs with.
async fn start() -> (FakeServer, Arc<Mutex<Simulator>>) {
    simulated(Provider::alipayplus(), PREFIX, Simulator::default()).await
}

fn client(fake: &FakeServer) -> Client {
    Client::new(alipay_config(&format!("{}{PREFIX}", fake.url()))).expect("client")
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
    let mut request = RefundRequest::new(id);
    request.payment_id = Some(payment_id.into());
    request.refund_amount = Some(usd(value));
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

/// A paid payment of `value` cents, seeded straight into the simulator.
fn seed(simulator: &Mutex<Simulator>, payment_id: &str, value: u64) {
    simulator.lock().unwrap().seed_paid_payment(payment_id, &format!("req-{payment_id}"), "USD", value);
}

#[tokio::test]
async fn pay_poll_capture_in_two_parts_refund_and_inquire() {
    bounded(BOUND, async {
        let (fake, simulator) = start().await;
        let client = client(&fake);

        // 1. pay; its answer is not transcribed (the client returns ()), so the paymentId comes from
        //    inquiryPayment by paymentRequestId.
        client.pay(&PayRequest::new("mini-app-1", "pay-flow-1", usd("1000"))).await.expect("pay");

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

        // 4. Refund part of it; refund's answer is not transcribed either: inquiryRefund tells.
        client.refund(&refund_request("refund-flow-1", &payment_id, "300")).await.expect("refund");
        let mut inquiry = InquiryRefundRequest::default();
        inquiry.refund_request_id = Some("refund-flow-1".into());
        let refund = client.inquiry_refund(&inquiry).await.expect("inquiryRefund");
        assert_eq!(refund.refund_status, Some(RefundStatus::Success));
        let amount = refund.refund_amount.as_ref().map(|a| (a.currency.as_str(), a.value.as_str()));
        assert_eq!(amount, Some(("USD", "300")));
        let refund_id = refund.refund_id.clone().expect("a refundId");
        let mut by_refund_id = InquiryRefundRequest::default();
        by_refund_id.refund_id = Some(refund_id);
        let again = client.inquiry_refund(&by_refund_id).await.expect("inquiryRefund by refundId");
        assert_eq!(again.refund_request_id.as_deref(), Some("refund-flow-1"));

        let sim = simulator.lock().unwrap();
        let payment = sim.payment(&payment_id).expect("payment");
        assert_eq!((payment.captured, payment.capture_closed, payment.refunded), (1000, true, 300));
        let requests = fake.requests();
        assert_eq!(requests.len(), 9);
        for request in &requests {
            request.assert_authenticated();
            assert!(request.path.starts_with("/api/open/v2/payments/"), "{}", request.path);
        }
    })
    .await;
}

#[tokio::test]
async fn a_lost_capture_answer_is_resent_by_the_retry_handler_and_gets_the_first_result() {
    bounded(BOUND, async {
        let (fake, simulator) = start().await;
        seed(&simulator, "pay-lost-1", 1000);
        simulator.lock().unwrap().lose_answer("cap-lost-1");
        let config = alipay_config(&format!("{}{PREFIX}", fake.url()))
            .handler(Retry::new(3).backoff(Duration::from_millis(10), Duration::from_millis(50)));
        let client = Client::new(config).expect("client");

        // The first attempt took effect but came back U; Retry sends the same captureRequestId again
        // (safe: the id is an idempotency key) and gets the capture that really happened.
        let captured =
            client.capture(&capture_request("cap-lost-1", "pay-lost-1", "1000", true)).await.expect("capture");
        let sim = simulator.lock().unwrap();
        assert_eq!(sim.captures().len(), 1, "captured once");
        assert_eq!(captured.capture_id.as_deref(), Some(sim.captures()[0].capture_id.as_str()));
        assert_eq!(sim.payment("pay-lost-1").map(|p| p.captured), Some(1000));
        let sent = fake.requests();
        assert_eq!(sent.len(), 2, "the original and one retry");
        assert_eq!(sent[0].body, sent[1].body, "the same request id and parameters");
        sent.iter().for_each(support::Request::assert_authenticated);
    })
    .await;
}

#[tokio::test]
async fn the_same_request_id_returns_the_first_result_and_other_parameters_are_refused() {
    bounded(BOUND, async {
        let (fake, simulator) = start().await;
        seed(&simulator, "pay-same-1", 1000);
        let client = client(&fake); // no Retry: each call is sent once

        // Capture twice with the same id and parameters: one capture, the same answer.
        let first = client.capture(&capture_request("cap-same-1", "pay-same-1", "1000", true)).await.expect("capture");
        let again = client.capture(&capture_request("cap-same-1", "pay-same-1", "1000", true)).await.expect("again");
        assert_eq!(first, again);
        assert_eq!(simulator.lock().unwrap().captures().len(), 1);

        // A refund whose answer is lost: U, unknown outcome, safe to send again (idempotent).
        simulator.lock().unwrap().lose_answer("refund-same-1");
        let err = client.refund(&refund_request("refund-same-1", "pay-same-1", "300")).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&RefundError::UnknownException));
        assert!(err.is_outcome_unknown() && err.is_safe_to_retry(), "{err}");
        // It did take effect...
        let mut inquiry = InquiryRefundRequest::default();
        inquiry.refund_request_id = Some("refund-same-1".into());
        let refund = client.inquiry_refund(&inquiry).await.expect("the refund exists");
        // ...and calling again with the same id returns that first outcome, without refunding twice.
        client.refund(&refund_request("refund-same-1", "pay-same-1", "300")).await.expect("the first result");
        assert_eq!(simulator.lock().unwrap().refunds().len(), 1);
        assert_eq!(simulator.lock().unwrap().payment("pay-same-1").map(|p| p.refunded), Some(300));
        assert_eq!(client.inquiry_refund(&inquiry).await.expect("still one refund").refund_id, refund.refund_id);

        // The same ids with other parameters: REPEAT_REQ_INCONSISTENT, final.
        let err = client.refund(&refund_request("refund-same-1", "pay-same-1", "200")).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&RefundError::RepeatReqInconsistent));
        assert!(!err.is_retryable() && !err.is_outcome_unknown());
        let err = client.capture(&capture_request("cap-same-1", "pay-same-1", "999", true)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureError::RepeatReqInconsistent));
        client.pay(&PayRequest::new("mini-app-1", "pay-same-2", usd("50"))).await.expect("pay");
        let err = client.pay(&PayRequest::new("mini-app-1", "pay-same-2", usd("51"))).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&PayError::RepeatReqInconsistent));
        fake.requests().iter().for_each(support::Request::assert_authenticated);
    })
    .await;
}

#[tokio::test]
async fn captures_beyond_the_authorization_are_refused() {
    bounded(BOUND, async {
        let (fake, simulator) = start().await;
        seed(&simulator, "pay-over-1", 1000);
        let client = client(&fake);

        client.capture(&capture_request("cap-over-1", "pay-over-1", "700", false)).await.expect("700 of 1000");
        let err = client.capture(&capture_request("cap-over-2", "pay-over-1", "400", true)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureError::CaptureAmountExceedAuthLimit));
        assert!(!err.is_outcome_unknown() && !err.is_retryable());
        client.capture(&capture_request("cap-over-3", "pay-over-1", "300", true)).await.expect("the last 300");
        assert_eq!(simulator.lock().unwrap().payment("pay-over-1").map(|p| p.captured), Some(1000));

        let err = client.capture(&capture_request("cap-over-4", "no-such-payment", "1", true)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureError::AuthNotFound));
    })
    .await;
}

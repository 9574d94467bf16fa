//! elepay flows on the public API of payspec-mock (`ElepayMock`): create an authorization -> capture a
//! smaller amount -> refund part -> retrieve and list show the refund; and illegal status changes
//! answered with their documented M codes. The harness checks the key of every call the mock received.

mod support;

use std::time::Duration;

use payspec::elepay::capture_charge::{CaptureChargeError, ChargeCaptureRequest};
use payspec::elepay::create_charge::ChargeRequest;
use payspec::elepay::create_refund::{CreateRefundError, RefundRequest};
use payspec::elepay::retrieve_charge::RetrieveChargeError;
use payspec::elepay::revoke_charge::RevokeChargeError;
use payspec::elepay::{ChargeStatus, Client, ErrorBody, PaymentMethod, RefundStatus};
use payspec_mock::ElepayMock;
use support::*;

/// Every flow finishes well within this, or the test fails.
const BOUND: Duration = Duration::from_secs(20);

async fn start() -> (ElepayMock, Client) {
    let mock = ElepayMock::start_with(mock_options()).await.expect("mock");
    let client = Client::new(mock.config()).expect("client");
    (mock, client)
}

fn authorization(amount: i64, order_no: &str) -> ChargeRequest {
    let mut request = ChargeRequest::new(amount, order_no, PaymentMethod::parse("creditcard"));
    request.capture = Some(false);
    request
}

fn capture(amount: i64) -> ChargeCaptureRequest {
    let mut request = ChargeCaptureRequest::default();
    request.amount = Some(amount);
    request
}

#[tokio::test]
async fn authorize_capture_less_refund_then_retrieve_and_list_show_it() {
    bounded(BOUND, async {
        let (mock, client) = start().await;

        // 1. Create with capture false: authorized, not paid.
        let created = client.create_charge(&authorization(1000, "order-e-1")).await.expect("create");
        let id = created.id.clone().expect("a charge id");
        assert_eq!(created.status, Some(ChargeStatus::Uncaptured));
        assert_eq!((created.authorize, created.paid), (Some(true), Some(false)));
        assert!(String::from_utf8_lossy(&mock.received()[0].body).contains(r#""capture":false"#));

        // 2. Capture less than authorized.
        let captured = client.capture_charge(&id, &capture(800)).await.expect("capture");
        assert_eq!(captured.status, Some(ChargeStatus::Captured));
        assert_eq!((captured.amount, captured.authorize_amount, captured.paid), (Some(800), Some(1000), Some(true)));
        assert!(captured.paid_time.is_some());

        // 3. Refund part of the captured amount.
        let mut refund = RefundRequest::new(300);
        refund.reason = Some("one item returned".into());
        let refunded = client.create_refund(&id, &refund).await.expect("refund");
        let refund_id = refunded.id.clone().expect("a refund id");
        assert_eq!((refunded.amount, refunded.status.as_ref()), (Some(300), Some(&RefundStatus::Refunded)));
        assert_eq!(refunded.charge_id.as_deref(), Some(id.as_str()));

        // 4. Retrieve: partially refunded, the refund in refunds.data.
        let charge = client.retrieve_charge(&id).await.expect("retrieve");
        assert_eq!(charge.status, Some(ChargeStatus::PartiallyRefunded));
        assert_eq!(charge.amount, Some(800));
        let refunds = charge.refunds.expect("a refund summary");
        assert_eq!((refunds.amount, refunds.total_count), (Some(300), Some(1)));
        assert_eq!(refunds.data.len(), 1);
        assert_eq!(refunds.data[0].id.as_deref(), Some(refund_id.as_str()));
        assert_eq!(refunds.data[0].reason.as_deref(), Some("one item returned"));
        assert_eq!(charge.refunded, Some(false), "not refunded in full");

        // 5. List the refunds, and retrieve the one refund.
        let list = client.list_refunds(&id).await.expect("list refunds");
        assert_eq!(list.total, Some(1));
        assert_eq!(list.refunds.iter().map(|r| r.id.as_deref()).collect::<Vec<_>>(), [Some(refund_id.as_str())]);
        let one = client.retrieve_refund(&id, &refund_id).await.expect("retrieve refund");
        assert_eq!(one.amount, Some(300));
        let status = client.retrieve_charge_status(&id).await.expect("status");
        assert_eq!(status.status, Some(ChargeStatus::PartiallyRefunded));

        assert_eq!(mock.charge(&id).map(|c| c.refunded()), Some(payspec_mock::Money(300)));
        assert_eq!(assert_signed_independently(&Provider::elepay_bearer(), &mock.received()), 7);
    })
    .await;
}

#[tokio::test]
async fn illegal_status_changes_get_their_documented_codes() {
    bounded(BOUND, async {
        let (_mock, client) = start().await;
        let id = client.create_charge(&authorization(1000, "order-e-2")).await.expect("create").id.expect("id");

        // Refund before capture: the status does not allow it.
        let err = client.create_refund(&id, &RefundRequest::new(100)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CreateRefundError::InvalidStatus));
        assert_eq!(provider_error(&err).http_status, 400);

        // Capture more than authorized: a wrong parameter, named.
        let err = client.capture_charge(&id, &capture(1001)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureChargeError::InvalidParameterValue));
        let body: ErrorBody = provider_error(&err).decode_body().expect("an error body");
        assert_eq!(body.parameter_name.as_deref(), Some("amount"));

        // Capture, then capture again: already done.
        client.capture_charge(&id, &capture(1000)).await.expect("capture");
        let err = client.capture_charge(&id, &capture(1000)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureChargeError::OperationAlreadyCompleted));
        assert!(!err.is_retryable() && !err.is_outcome_unknown());

        // A captured charge cannot be revoked; refund it instead.
        let err = client.revoke_charge(&id).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&RevokeChargeError::CompletedPaymentNotCancellable));

        // Refund more than is left: a wrong amount. Then all of it, then once more: already done.
        let err = client.create_refund(&id, &RefundRequest::new(1001)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CreateRefundError::InvalidParameterValue));
        client.create_refund(&id, &RefundRequest::new(1000)).await.expect("full refund");
        assert_eq!(client.retrieve_charge(&id).await.expect("retrieve").status, Some(ChargeStatus::Refunded));
        let err = client.create_refund(&id, &RefundRequest::new(1)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CreateRefundError::OperationAlreadyCompleted));

        // Ids elepay does not know.
        let err = client.retrieve_charge("cha_unknown").await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&RetrieveChargeError::ResourceNotFound));
        let err = client.capture_charge("cha_unknown", &capture(1)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureChargeError::ResourceNotFound));
    })
    .await;
}

//! LINE Pay flows on the public API of payspec-mock (`LinePayMock`): request -> the user approves ->
//! confirm (authorize only) -> capture -> partial refund -> payment details; the preapproved flow with
//! its regKey; and illegal steps answered with their documented codes. Every call the mock received
//! is checked again by the end-to-end harness with its own HMAC implementation.

mod support;

use std::time::Duration;

use payspec::linepay::capture::{CaptureError, CaptureRequest};
use payspec::linepay::check_reg_key::{CheckRegKeyError, CheckRegKeyQuery};
use payspec::linepay::confirm::ConfirmRequest;
use payspec::linepay::expire_reg_key::ExpireRegKeyError;
use payspec::linepay::pay_preapproved::{PayPreapprovedError, PayPreapprovedRequest};
use payspec::linepay::payment_details::{PayStatus, PaymentDetailsQuery, TransactionType};
use payspec::linepay::refund::{RefundError, RefundRequest};
use payspec::linepay::request::{
    PayType, PaymentOptions, PaymentRequest, RedirectUrls, RequestOptions, RequestPackage, RequestProduct,
};
use payspec::linepay::{Client, Currency, TransactionId};
use payspec::runtime::Decimal;
use payspec_mock::LinePayMock;
use payspec_mock::linepay::{Money, PaymentState};
use support::*;

/// Every flow finishes well within this, or the test fails.
const BOUND: Duration = Duration::from_secs(20);

/// The mock with the harness's credentials, and a client for it.
async fn start() -> (LinePayMock, Client) {
    let mock = LinePayMock::start_with(mock_options()).await.expect("mock");
    let client = Client::new(mock.config()).expect("client");
    (mock, client)
}

fn dec(text: &str) -> Decimal {
    text.parse().expect("decimal")
}

fn payment_request(order_id: &str, amount: i64, payment: PaymentOptions) -> PaymentRequest {
    let amount = Decimal::from_i64(amount);
    let product = RequestProduct::new("Oolong tea 600ml", 1, amount);
    let package = RequestPackage::new("package-1", amount, vec![product]);
    let urls = RedirectUrls::new("https://shop.example/confirm", "https://shop.example/cancel");
    let mut request = PaymentRequest::new(amount, Currency::Twd, order_id, vec![package], urls);
    let mut options = RequestOptions::default();
    options.payment = Some(payment);
    request.options = Some(options);
    request
}

fn authorize_only() -> PaymentOptions {
    let mut payment = PaymentOptions::default();
    payment.capture = Some(false);
    payment
}

fn preapproved() -> PaymentOptions {
    let mut payment = PaymentOptions::default();
    payment.pay_type = Some(PayType::Preapproved);
    payment
}

/// Request, approval by the user, and confirm with capture false: an authorization of `amount` TWD.
async fn authorization(mock: &LinePayMock, client: &Client, order_id: &str, amount: i64) -> TransactionId {
    let reserved = client.request(&payment_request(order_id, amount, authorize_only())).await.expect("request");
    mock.approve(&reserved.transaction_id).expect("the user approves");
    let confirm = ConfirmRequest::new(Decimal::from_i64(amount), Currency::Twd);
    client.confirm(&reserved.transaction_id, &confirm).await.expect("confirm");
    reserved.transaction_id
}

fn id_of(id: &TransactionId) -> u64 {
    id.as_str().parse().expect("19 digits fit in u64")
}

fn assert_signed(mock: &LinePayMock) -> usize {
    assert_signed_independently(&Provider::linepay(), &mock.received())
}

#[tokio::test]
async fn authorize_capture_refund_then_details_show_the_refund() {
    bounded(BOUND, async {
        let (mock, client) = start().await;

        // 1. Request, authorizing only.
        let reserved = client.request(&payment_request("order-flow-1", 1000, authorize_only())).await.expect("request");
        let id = reserved.transaction_id.clone();
        assert_eq!(id.as_str(), "2021121300698360310", "the first id the simulator hands out");
        assert!(reserved.payment_url.web.starts_with("https://"), "{}", reserved.payment_url.web);
        let sent = mock.received().pop().expect("a request");
        let body = String::from_utf8_lossy(&sent.body).into_owned();
        assert!(body.contains(r#""options":{"payment":{"capture":false}}"#), "{body}");
        let typed: PaymentRequest = sent.request().expect("the body is a PaymentRequest");
        assert_eq!(typed.order_id, "order-flow-1");

        // 2. The user approves in the LINE app; confirm: authorized, not captured.
        mock.approve(&id).expect("approve");
        let confirmed = client.confirm(&id, &ConfirmRequest::new(dec("1000"), Currency::Twd)).await.expect("confirm");
        assert_eq!((confirmed.transaction_id.as_str(), confirmed.order_id.as_str()), (id.as_str(), "order-flow-1"));
        assert!(confirmed.authorization_expire_date.is_some(), "an authorization says until when it holds");
        assert_eq!(confirmed.reg_key, None);
        assert_eq!(confirmed.pay_info[0].amount, dec("1000"));
        let details = client.payment_details(&query(&id)).await.expect("details after confirm");
        assert_eq!(details[0].pay_status, Some(PayStatus::Authorization));

        // 3. Capture the whole authorization.
        let captured = client.capture(&id, &CaptureRequest::new(dec("1000"), Currency::Twd)).await.expect("capture");
        assert_eq!(captured.transaction_id, id);
        assert_eq!(captured.pay_info.iter().map(|p| p.amount).collect::<Vec<_>>(), [dec("1000")]);

        // 4. Refund part of it.
        let mut refund = RefundRequest::default();
        refund.refund_amount = Some(dec("300"));
        let refunded = client.refund(&id, &refund).await.expect("refund");
        let refund_id = refunded.refund_transaction_id.clone();
        assert_eq!(refund_id.as_str().len(), 19);
        assert_ne!(refund_id, id);
        // The simulator sent its u64 id as a bare JSON number; the client decoded every digit.
        let recorded = mock.payment(&id).map(|p| p.refunds[0].id);
        assert_eq!(recorded, Some(id_of(&refund_id)));

        // 5. Payment details: captured, with the refund listed (negative amount) under its exact id.
        let details = client.payment_details(&query(&id)).await.expect("details");
        assert_eq!(details.len(), 1);
        let entry = &details[0];
        assert_eq!(entry.transaction_id, id);
        assert_eq!(entry.pay_status, Some(PayStatus::Capture));
        assert_eq!(entry.transaction_type, Some(TransactionType::Payment));
        assert_eq!(entry.refund_list.len(), 1);
        let listed = &entry.refund_list[0];
        assert_eq!(listed.refund_transaction_id, refund_id, "the refund id, exact to the last digit");
        assert_eq!(listed.refund_amount, dec("-300"));
        assert_eq!(listed.transaction_type, TransactionType::PartialRefund);
        assert_eq!(listed.refund_transaction_date, refunded.refund_transaction_date);

        // Looking the refund id itself up finds the refund transaction and its original.
        let by_refund = client.payment_details(&query(&refund_id)).await.expect("details by refund id");
        assert_eq!(by_refund[0].original_transaction_id.as_ref(), Some(&id));
        assert_eq!(by_refund[0].transaction_type, Some(TransactionType::PartialRefund));

        // Every request was signed correctly (the harness checked each on its own).
        assert_eq!(assert_signed(&mock), 7);
        let state = mock.payment(&id).map(|p| (p.state, p.refundable()));
        assert_eq!(state, Some((PaymentState::Captured, Money::units(700, "TWD"))));
    })
    .await;
}

fn query(id: &TransactionId) -> PaymentDetailsQuery {
    let mut query = PaymentDetailsQuery::default();
    query.transaction_id.push(id.clone());
    query
}

#[tokio::test]
async fn preapproved_regkey_pays_until_expired() {
    bounded(BOUND, async {
        let (mock, client) = start().await;

        // Request PREAPPROVED and confirm: Confirm hands out the regKey.
        let reserved = client.request(&payment_request("order-sub-1", 980, preapproved())).await.expect("request");
        mock.approve(&reserved.transaction_id).expect("approve");
        let confirmed = client
            .confirm(&reserved.transaction_id, &ConfirmRequest::new(dec("980"), Currency::Twd))
            .await
            .expect("confirm");
        let reg_key = confirmed.reg_key.expect("a PREAPPROVED confirm returns a regKey");
        assert!(reg_key.starts_with("RK") && reg_key.len() == 16, "{reg_key}");

        // Charge it without the user.
        let charge = |order: &str| PayPreapprovedRequest::new("Monthly plan", dec("980"), Currency::Twd, order);
        let paid = client.pay_preapproved(&reg_key, &charge("order-sub-2")).await.expect("pay preapproved");
        assert_eq!(paid.order_id, "order-sub-2");
        let new_id = paid.transaction_id;
        assert_ne!(new_id, reserved.transaction_id);
        assert_eq!(new_id.as_str().len(), 19);
        client.check_reg_key(&reg_key, &CheckRegKeyQuery::default()).await.expect("the regKey still works");

        // Expire it: paying again gets 1193, and so does checking or expiring it again.
        client.expire_reg_key(&reg_key).await.expect("expire");
        let err = client.pay_preapproved(&reg_key, &charge("order-sub-3")).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&PayPreapprovedError::RegKeyExpired));
        assert_eq!(provider_error(&err).code.code(), "1193");
        assert!(!err.is_retryable() && !err.is_outcome_unknown());
        let err = client.check_reg_key(&reg_key, &CheckRegKeyQuery::default()).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CheckRegKeyError::RegKeyExpired));
        let err = client.expire_reg_key(&reg_key).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&ExpireRegKeyError::RegKeyExpired));

        // A regKey LINE Pay never issued: 1190.
        let err = client.pay_preapproved("RK99999999999999", &charge("order-sub-4")).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&PayPreapprovedError::RegKeyNotFound));

        assert_eq!(mock.reg_key(&reg_key).map(|k| k.expired), Some(true));
        assert_eq!(mock.payment(&new_id).map(|p| p.state), Some(PaymentState::Captured));
        let next: TransactionId = (id_of(&new_id) + 1).to_string().parse().unwrap();
        assert!(mock.payment(&next).is_none(), "the refused charges created nothing");
        assert_signed(&mock);
    })
    .await;
}

#[tokio::test]
async fn illegal_capture_and_refund_steps_get_their_documented_codes() {
    bounded(BOUND, async {
        let (mock, client) = start().await;
        let id = authorization(&mock, &client, "order-flow-2", 1000).await;

        // More than authorized: 1184, and the authorization is untouched.
        let err = client.capture(&id, &CaptureRequest::new(dec("1000.01"), Currency::Twd)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureError::AmountExceedsRequested));
        assert_eq!(mock.payment(&id).map(|p| p.state), Some(PaymentState::Authorized));

        // A transaction LINE Pay does not know: 1150.
        let unknown: TransactionId = "2021121300698369999".parse().unwrap();
        let err = client.capture(&unknown, &CaptureRequest::new(dec("1"), Currency::Twd)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureError::TransactionNotFound));

        // Capture, then capture again: 1179.
        client.capture(&id, &CaptureRequest::new(dec("800"), Currency::Twd)).await.expect("partial capture");
        let err = client.capture(&id, &CaptureRequest::new(dec("200"), Currency::Twd)).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureError::TransactionCannotProceed));
        assert!(!err.is_outcome_unknown() && !err.is_retryable());

        // Refund more than was captured: 1164; the rest without an amount; then nothing is left: 1165.
        let mut too_much = RefundRequest::default();
        too_much.refund_amount = Some(dec("801"));
        let err = client.refund(&id, &too_much).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&RefundError::RefundAmountExceeded));
        let full = client.refund(&id, &RefundRequest::default()).await.expect("refund everything left");
        let err = client.refund(&id, &RefundRequest::default()).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&RefundError::AlreadyRefunded));

        let details = client.payment_details(&query(&id)).await.expect("details");
        let listed = &details[0].refund_list;
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].refund_transaction_id, full.refund_transaction_id);
        assert_eq!(
            (listed[0].refund_amount, &listed[0].transaction_type),
            (dec("-800"), &TransactionType::PaymentRefund)
        );
    })
    .await;
}

/// LinePayRecovery settles a refund whose outcome is unknown (1198, 1172 or a timeout) by looking for
/// a refund of the same amount in Payment Details. An earlier refund of that amount must not be taken
/// for this one: here the second refund of 100 never happens (the mock answers 1198 before processing),
/// and the call must not return the first refund's id as its own success.
#[tokio::test]
async fn recovery_does_not_take_an_earlier_refund_of_the_same_amount_for_this_one() {
    bounded(BOUND, async {
        let mock = LinePayMock::start_with(mock_options()).await.expect("mock");
        let client = Client::new(mock.config().handler(quick_recovery())).expect("client");
        let id = authorization(&mock, &client, "order-recovery-1", 1000).await;
        client.capture(&id, &CaptureRequest::new(dec("1000"), Currency::Twd)).await.expect("capture");
        let mut hundred = RefundRequest::default();
        hundred.refund_amount = Some(dec("100"));
        let first = client.refund(&id, &hundred).await.expect("first refund");

        // The second refund is answered 1198 before it is processed: it never happens.
        mock.inject(RefundError::DuplicateRequest).before_processing();
        let second = client.refund(&id, &hundred).await;
        assert_eq!(mock.payment(&id).map(|p| p.refunds.len()), Some(1), "the second refund did not take effect");
        match second {
            Ok(info) => panic!(
                "a refund that did not happen was reported as done, with the earlier refund's id {} (first: {})",
                info.refund_transaction_id, first.refund_transaction_id
            ),
            Err(err) => {
                assert_eq!(err.provider_code(), Some(&RefundError::DuplicateRequest));
                assert!(err.is_outcome_unknown(), "1198 is never taken as \"not applied\"");
            }
        }
    })
    .await;
}

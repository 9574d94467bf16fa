//! The README's example, verbatim: a LINE Pay request, approval, confirm and capture, where the
//! capture takes effect but answers 1198, and LinePayRecovery finds the capture with Payment Details.

use payspec::linepay::capture::{CaptureError, CaptureRequest};
use payspec::linepay::confirm::ConfirmRequest;
use payspec::linepay::request::{
    PaymentOptions, PaymentRequest, RedirectUrls, RequestOptions, RequestPackage, RequestProduct,
};
use payspec::linepay::{Client, Currency};
use payspec::runtime::handlers::LinePayRecovery;
use payspec_mock::LinePayMock;

#[tokio::test]
async fn a_capture_answered_1198_is_recovered() {
    let mock = LinePayMock::start().await;
    let client = Client::new(mock.config().handler(LinePayRecovery::default())).unwrap();
    let amount = payspec::Decimal::from(1000);
    let request = PaymentRequest::new(
        amount,
        Currency::Twd,
        "order-1",
        [RequestPackage::new("pkg-1", amount, [RequestProduct::new("Tea", 1, amount)])],
        RedirectUrls::new("https://shop.example/ok", "https://shop.example/cancel"),
    )
    // Authorize only; capture below.
    .with_options(RequestOptions::default().with_payment(PaymentOptions::default().with_capture(false)));

    let id = client.request(&request).await.unwrap().transaction_id;
    mock.approve(&id).unwrap(); // the user approves in the LINE app
    client.confirm(&id, &ConfirmRequest::new(amount, Currency::Twd)).await.unwrap();
    mock.inject(CaptureError::DuplicateRequest).after_processing(); // captured, but answered 1198
    let captured = client.capture(&id, &CaptureRequest::new(amount, Currency::Twd)).await.unwrap();
    assert_eq!(captured.transaction_id, id);
    assert_eq!(captured.pay_info[0].amount, amount);
}

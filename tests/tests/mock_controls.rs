//! payspec-mock's controls, one test each, driven through the generated client: an injected code
//! before and after processing, a lost answer, a delay beyond the timeout, time running out for an
//! approval and an authorization, the user's approval and cancellation, and typed inspection. And the
//! mock covers every operation of the spec.

mod support;

use std::path::Path;
use std::time::Duration;

use payspec::linepay::capture::{CaptureError, CaptureRequest};
use payspec::linepay::check_payment_status::CheckPaymentStatusOutcome;
use payspec::linepay::confirm::{ConfirmError, ConfirmRequest};
use payspec::linepay::payment_details::{PayStatus, PaymentDetailsQuery};
use payspec::linepay::request::{
    PaymentOptions, PaymentRequest, RedirectUrls, RequestOptions, RequestPackage, RequestProduct,
};
use payspec::linepay::{Client, Currency, TransactionId};
use payspec::runtime::Decimal;
use payspec::runtime::client::TransportErrorKind;
use payspec_mock::linepay::{AUTHORIZATION_SECONDS, PaymentState};
use payspec_mock::{LinePayMock, Provider as _};
use support::*;

const BOUND: Duration = Duration::from_secs(20);

fn request(order_id: &str, amount: i64) -> PaymentRequest {
    let amount = Decimal::from_i64(amount);
    let package = RequestPackage::new("pkg", amount, vec![RequestProduct::new("Tea", 1, amount)]);
    let urls = RedirectUrls::new("https://shop.example/ok", "https://shop.example/no");
    let mut request = PaymentRequest::new(amount, Currency::Twd, order_id, vec![package], urls);
    let (mut options, mut payment) = (RequestOptions::default(), PaymentOptions::default());
    payment.capture = Some(false);
    options.payment = Some(payment);
    request.options = Some(options);
    request
}

async fn start() -> (LinePayMock, Client) {
    let mock = LinePayMock::start_with(mock_options()).await.expect("mock");
    let client = Client::new(mock.config()).expect("client");
    (mock, client)
}

/// Requested, approved and confirmed: an authorization of 1000 TWD.
async fn authorized(mock: &LinePayMock, client: &Client, order_id: &str) -> TransactionId {
    let id = client.request(&request(order_id, 1000)).await.expect("request").transaction_id;
    mock.approve(&id).expect("approve");
    client.confirm(&id, &ConfirmRequest::new(Decimal::from_i64(1000), Currency::Twd)).await.expect("confirm");
    id
}

fn capture() -> CaptureRequest {
    CaptureRequest::new(Decimal::from_i64(1000), Currency::Twd)
}

#[tokio::test]
async fn an_injected_code_before_processing_changes_nothing() {
    bounded(BOUND, async {
        let (mock, client) = start().await;
        let id = authorized(&mock, &client, "inject-before").await;
        mock.inject(CaptureError::CardDeclined);
        let err = client.capture(&id, &capture()).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureError::CardDeclined));
        assert_eq!(provider_error(&err).message.as_deref(), CaptureError::CardDeclined.description());
        assert_eq!(mock.payment(&id).map(|p| p.state), Some(PaymentState::Authorized), "not captured");
        // One call each: the next capture is processed normally.
        client.capture(&id, &capture()).await.expect("the next capture");
        assert_eq!(mock.pending_faults(), 0);
        let faults: Vec<_> = mock.received_for::<CaptureError>().into_iter().map(|e| e.fault).collect();
        assert_eq!(faults, [Some("inject 1298 before processing".to_owned()), None]);
        assert_signed_independently(&Provider::linepay(), &mock.received());
    })
    .await;
}

#[tokio::test]
async fn an_injected_code_after_processing_hides_a_capture_that_happened() {
    bounded(BOUND, async {
        let (mock, client) = start().await;
        let id = authorized(&mock, &client, "inject-after").await;
        mock.inject(CaptureError::DuplicateRequest).after_processing();
        let err = client.capture(&id, &capture()).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureError::DuplicateRequest));
        assert!(err.is_outcome_unknown());
        assert_eq!(mock.payment(&id).map(|p| p.state), Some(PaymentState::Captured), "it did take effect");
    })
    .await;
}

#[tokio::test]
async fn a_lost_answer_took_effect_and_the_client_cannot_know() {
    bounded(BOUND, async {
        let (mock, client) = start().await;
        let id = authorized(&mock, &client, "lose").await;
        mock.lose_answer::<CaptureError>();
        let err = client.capture(&id, &capture()).await.unwrap_err();
        assert!(err.is_outcome_unknown(), "{err}");
        assert_eq!(mock.payment(&id).map(|p| p.state), Some(PaymentState::Captured));
        let last = mock.received().pop().expect("the capture");
        assert_eq!((last.operation, last.reply), (Some("capture"), None));
    })
    .await;
}

#[tokio::test]
async fn a_delay_beyond_the_timeout_is_a_timeout_after_the_effect() {
    bounded(BOUND, async {
        let mock = LinePayMock::start_with(mock_options()).await.expect("mock");
        let client = Client::new(mock.config().timeout("capture", Duration::from_millis(200))).expect("client");
        let id = authorized(&mock, &client, "delay").await;
        mock.delay::<CaptureError>(Duration::from_millis(1500));
        let err = client.capture(&id, &capture()).await.unwrap_err();
        assert_eq!(transport_kind(&err), TransportErrorKind::Timeout);
        assert!(err.is_outcome_unknown());
        assert_eq!(mock.payment(&id).map(|p| p.state), Some(PaymentState::Captured));
    })
    .await;
}

#[tokio::test]
async fn approval_is_the_users_and_time_runs_out() {
    bounded(BOUND, async {
        let (mock, client) = start().await;
        let confirm = ConfirmRequest::new(Decimal::from_i64(1000), Currency::Twd);

        // Not approved yet: waiting, and Confirm is refused.
        let id = client.request(&request("approve-1", 1000)).await.expect("request").transaction_id;
        let outcome = client.check_payment_status(&id).await.expect("status");
        assert_eq!(outcome, CheckPaymentStatusOutcome::from_code("0000"), "waiting for the user");
        let err = client.confirm(&id, &confirm).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&ConfirmError::UserApprovalMissing));
        mock.approve(&id).expect("approve");
        assert_eq!(client.check_payment_status(&id).await.expect("status"), CheckPaymentStatusOutcome::Authorized);

        // Cancelled by the user.
        let cancelled = client.request(&request("approve-2", 1000)).await.expect("request").transaction_id;
        mock.cancel(&cancelled).expect("cancel");
        let outcome = client.check_payment_status(&cancelled).await.expect("status");
        assert_eq!(outcome, CheckPaymentStatusOutcome::CancelledOrTimedOut);
        assert!(mock.approve(&cancelled).is_err(), "a cancelled payment cannot be approved");

        // Left unapproved for 20 minutes.
        let late = client.request(&request("approve-3", 1000)).await.expect("request").transaction_id;
        mock.advance(Duration::from_secs(20 * 60));
        let err = client.confirm(&late, &confirm).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&ConfirmError::PaymentExpired));
    })
    .await;
}

#[tokio::test]
async fn an_authorization_lapses_when_time_advances() {
    bounded(BOUND, async {
        let (mock, client) = start().await;
        let id = authorized(&mock, &client, "lapse").await;
        mock.advance(Duration::from_secs(AUTHORIZATION_SECONDS + 1));
        let err = client.capture(&id, &capture()).await.unwrap_err();
        assert_eq!(err.provider_code(), Some(&CaptureError::TransactionCannotProceed));
        let mut query = PaymentDetailsQuery::default();
        query.transaction_id.push(id.clone());
        let details = client.payment_details(&query).await.expect("details");
        assert_eq!(details[0].pay_status, Some(PayStatus::ExpiredAuthorization));
    })
    .await;
}

#[tokio::test]
async fn received_calls_decode_as_the_generated_request_types() {
    bounded(BOUND, async {
        let (mock, client) = start().await;
        let id = authorized(&mock, &client, "typed").await;
        client.capture(&id, &capture()).await.expect("capture");
        let sent: CaptureRequest = mock.received_for::<CaptureError>()[0].request().expect("a CaptureRequest");
        assert_eq!(sent, capture());
        let requested: PaymentRequest = mock.received()[0].request().expect("a PaymentRequest");
        assert_eq!(requested, request("typed", 1000));
        assert_eq!(assert_signed_independently(&Provider::linepay(), &mock.received()), 3);
    })
    .await;
}

#[tokio::test]
async fn a_wrong_signature_gets_1106_and_is_recorded() {
    bounded(BOUND, async {
        let mock = LinePayMock::start_with(mock_options()).await.expect("mock");
        let wrong = payspec::runtime::client::LinePayCredentials::new(CHANNEL_ID, "not-the-secret");
        let client = Client::new(payspec::runtime::client::Config::new(mock.base_url(), wrong)).expect("client");
        let err = client.request(&request("wrong", 1000)).await.unwrap_err();
        assert_eq!(provider_error(&err).code.code(), "1106");
        let received = mock.received();
        assert!(!received[0].is_authenticated());
        assert!(mock.payment(&"2021121300698360310".parse().unwrap()).is_none(), "nothing was requested");
    })
    .await;
}

#[test]
fn the_mock_serves_every_operation_of_the_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace");
    let model = payspec_codegen::load_dir(&root.join("spec"), "spec").expect("specs load");
    let served = [
        (payspec_mock::LinePay::NAME, payspec_mock::LinePay::OPERATIONS),
        (payspec_mock::AlipayPlus::NAME, payspec_mock::AlipayPlus::OPERATIONS),
        (payspec_mock::Elepay::NAME, payspec_mock::Elepay::OPERATIONS),
    ];
    assert_eq!(model.providers.len(), served.len());
    for provider in &model.providers {
        let (_, operations) = served.iter().find(|(name, _)| *name == provider.name).expect("a mock per provider");
        let mut spec: Vec<&str> = provider.operations.iter().map(|o| o.name.as_str()).collect();
        let mut mock: Vec<&str> = operations.to_vec();
        spec.sort_unstable();
        mock.sort_unstable();
        assert_eq!(mock, spec, "{}: the mock's operations and the spec's differ", provider.name);
    }
}

#[tokio::test]
async fn alipay_apply_token_exchanges_an_auth_code_once_and_refreshes_until_expiry() {
    use payspec::alipayplus::apply_token::{ApplyTokenError, ApplyTokenRequest, GrantType};
    use payspec_mock::AlipayPlusMock;
    use payspec_mock::alipayplus::{ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS};

    bounded(BOUND, async {
        let mock = AlipayPlusMock::start_with(mock_options()).await.expect("mock");
        let client = payspec::alipayplus::Client::new(alipay_config(&mock.base_url())).expect("client");
        let code = mock.issue_auth_code("customer-7");
        let by_code =
            ApplyTokenRequest::new("mini-app", "auth-client", GrantType::AuthorizationCode).with_auth_code(&code);
        let tokens = client.apply_token(&by_code).await.expect("the code buys tokens");
        assert_eq!(tokens.customer_id.as_deref(), Some("customer-7"));
        let access = tokens.access_token.clone().expect("accessToken");
        let refresh = tokens.refresh_token.clone().expect("refreshToken");
        assert!(tokens.access_token_expiry_time.is_some() && tokens.refresh_token_expiry_time.is_some());
        assert_eq!(mock.access_token(&access).map(|t| t.customer_id), Some("customer-7".to_owned()));

        // The code is used up: the wallet refuses it with a code of the spec.
        let again = client.apply_token(&by_code).await.expect_err("used");
        use payspec::runtime::client::CallError as _;
        assert_eq!(again.code(), Some(ApplyTokenError::ProcessFail.code()), "{again:?}");

        // An hour later the access token has lapsed; the refresh token buys a new one.
        mock.advance(Duration::from_secs(ACCESS_TOKEN_SECONDS));
        assert!(mock.access_token(&access).is_none(), "expired");
        let by_refresh =
            ApplyTokenRequest::new("mini-app", "auth-client", GrantType::RefreshToken).with_refresh_token(&refresh);
        let renewed = client.apply_token(&by_refresh).await.expect("refreshed");
        let new_access = renewed.access_token.expect("accessToken");
        assert_ne!(new_access, access);
        assert!(mock.access_token(&new_access).is_some());

        // After the refresh token's life the user must authorize again.
        mock.advance(Duration::from_secs(REFRESH_TOKEN_SECONDS));
        assert!(client.apply_token(&by_refresh).await.is_err());
        assert_signed_independently(&Provider::alipayplus(), &mock.received());
    })
    .await;
}

//! The LINE Pay confirm redirect received over 127.0.0.1 by the generated `Receiver`: the query
//! parsed into a typed transactionId (19 digits, never through a float) and orderId, and Confirm
//! driven from it against the LINE Pay mock with the amount and currency the application stored,
//! whatever the URL says. A reload is the same key and confirms nothing twice.

mod inbound_support;

use inbound_support::*;
use payspec::linepay::confirm::ConfirmRequest;
use payspec::linepay::notifications::{ConfirmRedirect, Receiver};
use payspec::linepay::request::{PaymentRequest, RedirectUrls, RequestPackage, RequestProduct};
use payspec::linepay::{Client, Currency, TransactionId};
use payspec::runtime::Decimal;
use payspec::runtime::inbound::Rejection;
use payspec_mock::LinePayMock;
use payspec_mock::linepay::PaymentState;

const PATH: &str = "/linepay/confirm";

async fn merchant() -> Merchant<ConfirmRedirect> {
    let receiver = Receiver::new();
    Merchant::start(move |request| receiver.confirm_redirect(request), ConfirmRedirect::key).await
}

/// What the merchant stored when it requested the payment.
struct StoredOrder {
    order_id: String,
    transaction_id: TransactionId,
    amount: Decimal,
    currency: Currency,
}

async fn requested(client: &Client, merchant: &Merchant<ConfirmRedirect>, order_id: &str, amount: i64) -> StoredOrder {
    let amount = Decimal::from_i64(amount);
    let product = RequestProduct::new("Oolong tea 600ml", 1, amount);
    let package = RequestPackage::new("package-1", amount, vec![product]);
    let confirm_url = format!("{}{PATH}", merchant.base_url);
    let urls = RedirectUrls::new(confirm_url, "https://shop.example/cancel");
    let request = PaymentRequest::new(amount, Currency::Twd, order_id, vec![package], urls);
    let reserved = client.request(&request).await.expect("request");
    StoredOrder {
        order_id: order_id.to_owned(),
        transaction_id: reserved.transaction_id,
        amount,
        currency: Currency::Twd,
    }
}

/// The browser's GET of confirmUrl with the query LINE Pay appends (and whatever else is there).
async fn redirect(merchant: &Merchant<ConfirmRedirect>, query: &str) -> WireResponse {
    send(&merchant.base_url, "GET", &format!("{PATH}?{query}"), &[], b"").await
}

fn confirm_calls(mock: &LinePayMock) -> Vec<serde_json::Value> {
    mock.received()
        .iter()
        .filter(|e| e.path.ends_with("/confirm"))
        .map(|e| serde_json::from_slice(&e.body).expect("JSON"))
        .collect()
}

#[tokio::test]
async fn the_redirect_drives_confirm_with_the_stored_amount_and_a_reload_confirms_nothing_twice() {
    let mock = LinePayMock::start().await;
    let client = mock.client().expect("client");
    let m = merchant().await;
    let order = requested(&client, &m, "order-inbound-1", 1000).await;
    mock.approve(&order.transaction_id).expect("the user approves");

    // Someone edits the URL: an amount in the query is nobody's business.
    let query = format!("transactionId={}&orderId={}&amount=1", order.transaction_id, order.order_id);
    let answer = redirect(&m, &query).await;
    assert_eq!(answer.status, 200);
    let Outcome::Accepted { key, event: redirected, first } = m.only_outcome() else { panic!("rejected") };
    assert!(first);
    assert_eq!(key, order.transaction_id.as_str());
    assert_eq!(redirected.transaction_id, order.transaction_id, "all 19 digits");
    assert_eq!(redirected.order_id, order.order_id);

    // The application matches the redirect to its order, then confirms with what it stored.
    assert_eq!(redirected.transaction_id, order.transaction_id);
    let confirmed =
        redirected.confirm(&client, &ConfirmRequest::new(order.amount, order.currency.clone())).await.expect("confirm");
    assert_eq!(confirmed.transaction_id, order.transaction_id);
    assert_eq!(confirmed.pay_info[0].amount, Decimal::from_i64(1000));
    let state = mock.payment(&order.transaction_id).map(|p| p.state);
    assert!(matches!(state, Some(PaymentState::Captured)), "{state:?}");
    let calls = confirm_calls(&mock);
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0]["amount"].to_string(), calls[0]["currency"].as_str()), ("1000".to_owned(), Some("TWD")));

    // The browser reloads the page: the same key, recognised, and the application confirms nothing.
    redirect(&m, &query).await;
    let Outcome::Accepted { key: again, first, .. } = m.only_outcome() else { panic!("rejected") };
    assert_eq!((again, first), (key, false));
    assert_eq!(confirm_calls(&mock).len(), 1);
}

#[tokio::test]
async fn redirects_without_a_usable_transaction_id_are_rejected() {
    let m = merchant().await;
    for (query, why) in [
        ("orderId=o-1", "transactionId"),
        ("transactionId=202112130069836031&orderId=o-1", "19"),
        ("transactionId=2.021121300698360e18&orderId=o-1", "digits"),
        ("transactionId=2021121300698360310&transactionId=2021121300698360311&orderId=o-1", "more than once"),
        ("transactionId=2021121300698360310", "orderId"),
    ] {
        let answer = redirect(&m, query).await;
        assert_eq!(answer.status, 400, "{query}");
        match m.only_outcome() {
            Outcome::Rejected(r) => {
                assert!(matches!(&r.reason, Rejection::MalformedQuery(m) if m.contains(why)), "{query}: {:?}", r.reason)
            }
            Outcome::Accepted { event, .. } => panic!("{query}: accepted {event:?}"),
        }
    }
    let answer = send(&m.base_url, "POST", PATH, &[], b"transactionId=2021121300698360310&orderId=o-1").await;
    assert_eq!(answer.status, 405);
}

#[tokio::test]
async fn a_confirm_with_another_amount_than_requested_is_refused_by_line_pay() {
    let mock = LinePayMock::start().await;
    let client = mock.client().expect("client");
    let m = merchant().await;
    let order = requested(&client, &m, "order-inbound-2", 1000).await;
    mock.approve(&order.transaction_id).expect("approve");
    redirect(&m, &format!("transactionId={}&orderId={}", order.transaction_id, order.order_id)).await;
    let Outcome::Accepted { event: redirected, .. } = m.only_outcome() else { panic!("rejected") };
    // Why the helper takes the stored amount: any other is refused (1153), and nothing is confirmed.
    let err = redirected
        .confirm(&client, &ConfirmRequest::new(Decimal::from_i64(1), Currency::Twd))
        .await
        .expect_err("an amount that is not the requested one");
    assert_eq!(err.provider_code().map(|c| c.code()), Some("1153"), "{err}");
    assert!(!matches!(mock.payment(&order.transaction_id).map(|p| p.state), Some(PaymentState::Captured)));
}

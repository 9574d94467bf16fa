//! The LINE Pay round trip through the confirm redirect, against payspec-mock in this process:
//! request a payment (storing the order's amount) -> the user approves -> LINE Pay sends the browser to
//! `confirmUrl` with `transactionId` and `orderId` -> the receiver parses them -> the application
//! matches them to its stored order and calls Confirm with the amount and currency IT stored. A reload
//! of the page is the same key and confirms nothing twice.
//!
//! `cargo run -p payspec-examples --bin linepay_inbound_flow` (needs nothing else).

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use payspec::linepay::confirm::ConfirmRequest;
use payspec::linepay::notifications::Receiver;
use payspec::linepay::request::{PaymentRequest, RedirectUrls, RequestPackage, RequestProduct};
use payspec::linepay::{Currency, TransactionId};
use payspec::runtime::Decimal;
use payspec::runtime::inbound::Response;
use payspec_examples::inbound::{Processed, serve};
use payspec_examples::{finish, run};
use payspec_mock::LinePayMock;

/// What the merchant stored when it requested the payment, by order id.
#[derive(Clone)]
struct Order {
    transaction_id: TransactionId,
    amount: Decimal,
    currency: Currency,
}

fn main() -> ExitCode {
    run(async { Ok(finish(flow()).await) })
}

fn page(status: u16, text: &'static str) -> Response {
    let mut response = Response::new(text.into());
    *response.status_mut() = payspec::runtime::inbound::http::StatusCode::from_u16(status).unwrap_or_default();
    response
}

async fn flow() -> Result<(), String> {
    let line_pay = LinePayMock::start().await;
    let client = line_pay.client().map_err(|e| e.to_string())?;
    let orders: Arc<Mutex<HashMap<String, Order>>> = Arc::default();
    let processed = Arc::new(Processed::default());
    let confirmed = Arc::new(Mutex::new(Vec::new()));

    let receiver = Receiver::new();
    let (store, seen, done, api) = (orders.clone(), processed.clone(), confirmed.clone(), client.clone());
    let base_url = serve(move |request| {
        let received = receiver.confirm_redirect(&request);
        let (store, seen, done, api) = (store.clone(), seen.clone(), done.clone(), api.clone());
        async move {
            let redirect = match received {
                Ok(received) => received.event,
                Err(rejected) => return rejected.response(),
            };
            let Some(order) = store.lock().ok().and_then(|o| o.get(&redirect.order_id).cloned()) else {
                return page(404, "no such order");
            };
            if order.transaction_id != redirect.transaction_id {
                return page(400, "this transaction is not the order's");
            }
            if !seen.first_time(&redirect.key()) {
                println!("redirect {}: seen before (a reload); not confirming again", redirect.key());
                return page(200, "thank you");
            }
            let request = ConfirmRequest::new(order.amount, order.currency);
            match redirect.confirm(&api, &request).await {
                Ok(info) => {
                    println!("confirmed {} for order {}: {:?}", info.transaction_id, info.order_id, info.pay_info);
                    done.lock().map(|mut d| d.push(info.transaction_id)).ok();
                    page(200, "thank you")
                }
                Err(e) => {
                    println!("confirm failed: {e}");
                    page(502, "the payment could not be completed")
                }
            }
        }
    })
    .await
    .map_err(|e| e.to_string())?;

    let amount = Decimal::from_i64(1000);
    let package = RequestPackage::new("package-1", amount, vec![RequestProduct::new("Oolong tea", 1, amount)]);
    let urls = RedirectUrls::new(format!("{base_url}/linepay/confirm"), format!("{base_url}/linepay/cancel"));
    let request = PaymentRequest::new(amount, Currency::Twd, "order-4713", vec![package], urls);
    let reserved = client.request(&request).await.map_err(|e| e.to_string())?;
    let id = reserved.transaction_id;
    let order = Order { transaction_id: id.clone(), amount, currency: Currency::Twd };
    orders.lock().map(|mut o| o.insert("order-4713".to_owned(), order)).ok();
    println!("requested {id}; the user approves in LINE");

    line_pay.approve(&id).map_err(|e| e.to_string())?;
    let first = line_pay.follow_redirect(&id).await.map_err(|e| e.to_string())?;
    let reload = line_pay.follow_redirect(&id).await.map_err(|e| e.to_string())?;
    let confirmed = confirmed.lock().map(|c| c.clone()).unwrap_or_default();
    println!("redirect answered {first}, reload answered {reload}; confirmed {confirmed:?}");
    match (first, reload, confirmed.as_slice()) {
        (200, 200, [one]) if *one == id => Ok(()),
        other => Err(format!("unexpected end state {other:?}")),
    }
}

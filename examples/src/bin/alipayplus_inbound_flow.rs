//! The Alipay+ round trip with the wallet's notification, against payspec-mock in this process: pay
//! with a `paymentNotifyUrl` -> the user pays -> the wallet POSTs a signed notifyPayment -> the
//! receiver verifies it with the wallet's key and answers with the signed acknowledgement -> the
//! application marks the order paid once. The first acknowledgement is lost on the way, so the wallet
//! sends the same notification again: it is acknowledged again and recognised by its key.
//!
//! `cargo run -p payspec-examples --bin alipayplus_inbound_flow` (needs nothing else).

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use payspec::alipayplus::notifications::Receiver;
use payspec::alipayplus::pay::{PayOutcome, PayRequest};
use payspec::alipayplus::{Amount, NotifyResultStatus, NotifyType};
use payspec_examples::inbound::{Processed, serve};
use payspec_examples::{finish, run};
use payspec_mock::{AlipayPlusMock, Delivery, Options};

fn main() -> ExitCode {
    run(async { Ok(finish(flow()).await) })
}

async fn flow() -> Result<(), String> {
    let options = Options { callback_resend_delays: vec![Duration::from_millis(100); 3], ..Options::default() };
    let wallet = AlipayPlusMock::start_with(options).await.map_err(|e| e.to_string())?;
    let client = wallet.client().map_err(|e| e.to_string())?;

    // The merchant's notification endpoint: verify, act once per key, acknowledge every time.
    let receiver = Receiver::new(&wallet.credentials()).ok_or("the credentials hold no wallet key")?;
    let processed = Arc::new(Processed::default());
    let paid_orders = Arc::new(Mutex::new(Vec::new()));
    let (seen, orders) = (processed.clone(), paid_orders.clone());
    let base_url = serve(move |request| {
        let answer = match receiver.notify_payment(&request) {
            Ok(received) => {
                let n = &received.event;
                let key = n.key();
                let paid =
                    n.notify_type == NotifyType::PaymentResult && n.result.result_status == NotifyResultStatus::Success;
                if seen.first_time(&key) {
                    println!("notification {key}: verified, acting on it");
                    if paid {
                        orders.lock().map(|mut o| o.push(n.payment_request_id.clone())).ok();
                    }
                } else {
                    println!("notification {key}: verified, a duplicate; acknowledged again");
                }
                received.response
            }
            Err(rejected) => {
                println!("notification rejected: {rejected}");
                rejected.response()
            }
        };
        async move { answer }
    })
    .await
    .map_err(|e| e.to_string())?;

    let request = PayRequest::new("mini-app-1", "order-4711", Amount::new("JPY", "1200"))
        .with_payment_notify_url(format!("{base_url}/alipay/notify"));
    let (outcome, accepted) = client.pay(&request).await.map_err(|e| e.to_string())?;
    println!("pay: {outcome:?}, paymentId {:?}", accepted.payment_id);
    if outcome != PayOutcome::Accepted {
        return Err(format!("pay answered {outcome:?}"));
    }
    wallet.lose_next_ack();
    wallet.approve("order-4711").map_err(|e| e.to_string())?;
    let sent = wallet.settle_notifications().await.map_err(|e| e.to_string())?;

    let [notification] = sent.as_slice() else { return Err(format!("{} notifications", sent.len())) };
    println!("the wallet sent the notification {} times: {:?}", notification.attempts.len(), notification.delivery);
    let paid = paid_orders.lock().map(|o| o.clone()).unwrap_or_default();
    println!("orders marked paid: {paid:?}");
    match (notification.delivery, notification.attempts.len(), paid.as_slice()) {
        (Delivery::Acknowledged, 2, [order]) if order == "order-4711" => Ok(()),
        other => Err(format!("unexpected end state {other:?}")),
    }
}

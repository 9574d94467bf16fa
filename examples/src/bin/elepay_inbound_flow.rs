//! The elepay round trip with webhook events, against payspec-mock in this process: create a charge ->
//! elepay POSTs `charge.succeeded` to the webhook URL -> the receiver types it and acknowledges with
//! 200 -> the application fetches the charge from elepay (the body is not signed, so it is only a
//! hint) and marks the order paid from elepay's answer; then a refund, whose event is handled the same
//! way. The first acknowledgement is lost, so elepay sends that event again: recognised by its id.
//!
//! `cargo run -p payspec-examples --bin elepay_inbound_flow` (needs nothing else).

use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use payspec::elepay::create_charge::ChargeRequest;
use payspec::elepay::create_refund::RefundRequest;
use payspec::elepay::notifications::{Receiver, Webhook, WebhookFetched};
use payspec::elepay::{ChargeStatus, Client, PaymentMethod};
use payspec_examples::inbound::{Processed, serve};
use payspec_examples::{finish, run};
use payspec_mock::{Delivery, ElepayMock, Options};
use tokio::sync::mpsc;

/// The worker: for each queued event, record the key, fetch what elepay holds, act on that.
async fn work(
    events: &mut mpsc::UnboundedReceiver<Webhook>,
    client: &Client,
    processed: &Processed,
    ledger: &Mutex<Vec<String>>,
) -> Result<(), String> {
    while let Ok(webhook) = events.try_recv() {
        let key = webhook.key();
        if !processed.first_time(&key) {
            println!("event {key} ({}): a duplicate, nothing to do", webhook.body.r#type);
            continue;
        }
        match webhook.fetch(client).await.map_err(|e| e.to_string())? {
            Some(WebhookFetched::RetrieveCharge(charge)) if charge.status == Some(ChargeStatus::Captured) => {
                println!("event {key}: elepay says charge {:?} is captured; the order is paid", charge.id);
                ledger.lock().map(|mut l| l.push(format!("paid {}", charge.amount.unwrap_or_default()))).ok();
            }
            Some(WebhookFetched::RetrieveRefund(refund)) => {
                println!("event {key}: elepay says refund {:?} is {:?}", refund.id, refund.status);
                ledger.lock().map(|mut l| l.push(format!("refunded {}", refund.amount.unwrap_or_default()))).ok();
            }
            other => println!("event {key}: nothing to act on ({other:?})"),
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    run(async { Ok(finish(flow()).await) })
}

async fn flow() -> Result<(), String> {
    // The endpoint acknowledges at once and queues the event; a worker acts on it.
    let (queue, mut events) = mpsc::unbounded_channel::<Webhook>();
    let receiver = Receiver::new();
    let base_url = serve(move |request| {
        let answer = match receiver.webhook(&request) {
            Ok(received) => {
                queue.send(received.event).ok();
                received.response
            }
            Err(rejected) => {
                println!("event rejected: {rejected}");
                rejected.response()
            }
        };
        async move { answer }
    })
    .await
    .map_err(|e| e.to_string())?;

    let options = Options {
        elepay_webhook_url: Some(format!("{base_url}/elepay/webhook")),
        callback_resend_delays: vec![Duration::from_millis(100); 3],
        ..Options::default()
    };
    let elepay = ElepayMock::start_with(options).await.map_err(|e| e.to_string())?;
    let client = elepay.client().map_err(|e| e.to_string())?;

    let processed = Processed::default();
    let ledger = Mutex::new(Vec::new());
    elepay.lose_next_ack();
    let charge = client
        .create_charge(&ChargeRequest::new(1200, "order-4712", PaymentMethod::parse("creditcard")))
        .await
        .map_err(|e| e.to_string())?;
    let charge_id = charge.id.ok_or("the charge has no id")?;
    elepay.settle_notifications().await.map_err(|e| e.to_string())?;
    work(&mut events, &client, &processed, &ledger).await?;

    client.create_refund(&charge_id, &RefundRequest::new(200)).await.map_err(|e| e.to_string())?;
    // Every event elepay made so far, each with its attempts.
    let sent = elepay.settle_notifications().await.map_err(|e| e.to_string())?;
    work(&mut events, &client, &processed, &ledger).await?;

    let ledger = ledger.into_inner().unwrap_or_default();
    let attempts: Vec<usize> = sent.iter().map(|n| n.attempts.len()).collect();
    println!("elepay sent {} events, attempts {attempts:?}; ledger {ledger:?}", sent.len());
    let acknowledged = sent.iter().all(|n| n.delivery == Delivery::Acknowledged);
    if acknowledged && attempts == [2, 1] && ledger == ["paid 1200", "refunded 200"] {
        Ok(())
    } else {
        Err("unexpected end state".into())
    }
}

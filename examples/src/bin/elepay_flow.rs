//! The elepay authorize-then-capture flow, step by step: create a charge with capture false
//! (uncaptured) -> capture a smaller amount -> refund part -> retrieve the charge (partially refunded,
//! the refund in refunds.data) -> list its refunds, then two illegal steps and their typed errors. Each
//! step prints the call and the response or typed error as JSON.
//!
//! `cargo run -p payspec-examples --bin elepay_flow -- [AMOUNT]` (JPY, default 1000), with the
//! `ELEPAY_*` variables of README.md.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use payspec::elepay::capture_charge::ChargeCaptureRequest;
use payspec::elepay::create_charge::ChargeRequest;
use payspec::elepay::create_refund::RefundRequest;
use payspec::elepay::{Client, PaymentMethod};
use payspec_examples::{arg_or, elepay, finish, run, step};

fn main() -> ExitCode {
    run(async {
        let amount: i64 = arg_or(1, "AMOUNT", 1000)?;
        let client = elepay()?;
        Ok(finish(flow(&client, amount)).await)
    })
}

async fn flow(client: &Client, amount: i64) -> Result<(), String> {
    let run_id = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
    let mut create = ChargeRequest::new(amount, format!("flow-{run_id}"), PaymentMethod::parse("creditcard"));
    create.capture = Some(false);
    let charge =
        step("create a charge with capture false (uncaptured): POST /charges", client.create_charge(&create).await)
            .map_err(|e| e.to_string())?;
    let id = charge.id.ok_or("the charge has no id")?;

    let captured_amount = amount * 8 / 10;
    let mut capture = ChargeCaptureRequest::default();
    capture.amount = Some(captured_amount);
    step(
        &format!("capture {captured_amount} of {amount}: POST /charges/{id}/capture"),
        client.capture_charge(&id, &capture).await,
    )
    .map_err(|e| e.to_string())?;

    let part = amount * 3 / 10;
    let mut refund = RefundRequest::new(part);
    refund.reason = Some("one item returned".into());
    step(&format!("refund {part}: POST /charges/{id}/refunds"), client.create_refund(&id, &refund).await)
        .map_err(|e| e.to_string())?;

    step(
        &format!("retrieve the charge (partially_refunded, the refund in refunds.data): GET /charges/{id}"),
        client.retrieve_charge(&id).await,
    )
    .map_err(|e| e.to_string())?;
    step(&format!("list the charge's refunds: GET /charges/{id}/refunds"), client.list_refunds(&id).await)
        .map_err(|e| e.to_string())?;

    if step(
        &format!("illegal, capture again (M006002): POST /charges/{id}/capture"),
        client.capture_charge(&id, &capture).await,
    )
    .is_ok()
    {
        return Err("a second capture was accepted".into());
    }
    let too_much = RefundRequest::new(captured_amount - part + 1);
    if step(
        &format!("illegal, refund more than is left (M002002): POST /charges/{id}/refunds"),
        client.create_refund(&id, &too_much).await,
    )
    .is_ok()
    {
        return Err("a refund above what is left was accepted".into());
    }
    Ok(())
}

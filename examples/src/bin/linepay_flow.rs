//! The LINE Pay authorize-then-capture flow, step by step: request (capture false) -> wait until the
//! user has approved -> confirm (authorizes) -> capture -> partial refund -> payment details, then two
//! illegal steps and their typed errors. Each step prints the call and the response or error as JSON.
//!
//! `cargo run -p payspec-examples --bin linepay_flow -- [AMOUNT]` (TWD, default 1000), with the
//! `LINEPAY_*` variables of README.md. Against the sandbox, open the printed payment URL and approve
//! the payment in LINE while the example waits; the local `fake_provider` approves at once.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use payspec::linepay::capture::{self, CaptureRequest};
use payspec::linepay::confirm::{self, ConfirmRequest};
use payspec::linepay::payment_details::PaymentDetailsQuery;
use payspec::linepay::refund::{self, RefundRequest};
use payspec::linepay::request::{
    PaymentOptions, PaymentRequest, RedirectUrls, RequestOptions, RequestPackage, RequestProduct,
};
use payspec::linepay::{Client, Currency};
use payspec::runtime::Decimal;
use payspec_examples::{arg_or, finish, linepay, run, step, wait_for_approval};

fn main() -> ExitCode {
    run(async {
        let amount: i64 = arg_or(1, "AMOUNT", 1000)?;
        let client = linepay()?;
        Ok(finish(flow(&client, amount)).await)
    })
}

async fn flow(client: &Client, amount: i64) -> Result<(), String> {
    let order_id = format!("flow-{}", SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis());
    let total = Decimal::from_i64(amount);
    let twd = |value: i64| Decimal::from_i64(value);

    let product = RequestProduct::new("Oolong tea 600ml", 1, total);
    let urls = RedirectUrls::new("https://shop.example/confirm", "https://shop.example/cancel");
    let mut request = PaymentRequest::new(
        total,
        Currency::Twd,
        order_id.clone(),
        vec![RequestPackage::new("package-1", total, vec![product])],
        urls,
    );
    let mut payment = PaymentOptions::default();
    payment.capture = Some(false);
    let mut options = RequestOptions::default();
    options.payment = Some(payment);
    request.options = Some(options);
    let reserved =
        step("request: POST /v3/payments/request (options.payment.capture = false)", client.request(&request).await)
            .map_err(|e| e.to_string())?;
    let id = reserved.transaction_id;

    let approved = wait_for_approval(client, &id, &reserved.payment_url.web).await?;
    if !approved {
        return Err("the payment was not approved".into());
    }

    let confirm = ConfirmRequest::new(total, Currency::Twd);
    step(&format!("confirm (authorizes only): POST {}", confirm::path(&id)), client.confirm(&id, &confirm).await)
        .map_err(|e| e.to_string())?;

    let capture = CaptureRequest::new(total, Currency::Twd);
    step(&format!("capture the whole authorization: POST {}", capture::path(&id)), client.capture(&id, &capture).await)
        .map_err(|e| e.to_string())?;

    let mut refund = RefundRequest::default();
    let part = amount * 3 / 10;
    refund.refund_amount = Some(twd(part));
    let refunded =
        step(&format!("refund {part} of {amount}: POST {}", refund::path(&id)), client.refund(&id, &refund).await)
            .map_err(|e| e.to_string())?;

    let mut query = PaymentDetailsQuery::default();
    query.transaction_id.push(id.clone());
    let details = step(
        &format!("payment details (captured, the refund in refundList): GET /v3/payments?transactionId={id}"),
        client.payment_details(&query).await,
    )
    .map_err(|e| e.to_string())?;
    let listed =
        details.iter().flat_map(|d| &d.refund_list).any(|r| r.refund_transaction_id == refunded.refund_transaction_id);
    if !listed {
        return Err(format!("refund {} is not in refundList", refunded.refund_transaction_id));
    }

    let mut too_much = RefundRequest::default();
    too_much.refund_amount = Some(twd(amount - part + 1));
    if step(
        &format!("illegal, refund more than is left (1164): POST {}", refund::path(&id)),
        client.refund(&id, &too_much).await,
    )
    .is_ok()
    {
        return Err("a refund above what is left was accepted".into());
    }
    if step(&format!("illegal, capture again (1179): POST {}", capture::path(&id)), client.capture(&id, &capture).await)
        .is_ok()
    {
        return Err("a second capture was accepted".into());
    }
    Ok(())
}

//! The Alipay+ flow, step by step: pay -> inquiryPayment until SUCCESS -> capture in two parts ->
//! refund -> inquiryRefund, with request ids as idempotency keys along the way. Each step prints the
//! call and the response or typed error as JSON.
//!
//! The first capture's id starts with `lost-answer-`: the local `fake_provider` loses the first answer
//! to it (the capture happens, the answer is `U` `UNKNOWN_EXCEPTION`), and the client's `Retry`
//! handler sends the same captureRequestId again and gets the capture that happened. Sending it once
//! more by hand returns that same result; the same id with another amount is refused with
//! REPEAT_REQ_INCONSISTENT. A real wallet treats the prefix like any other id.
//!
//! `cargo run -p payspec-examples --bin alipayplus_flow -- [VALUE CURRENCY]` (smallest unit, default
//! 1000 USD cents), with the `ALIPAYPLUS_*` variables of README.md.

use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use payspec::alipayplus::capture::CaptureRequest;
use payspec::alipayplus::inquiry_payment::{InquiryPaymentRequest, PaymentStatus};
use payspec::alipayplus::inquiry_refund::InquiryRefundRequest;
use payspec::alipayplus::pay::PayRequest;
use payspec::alipayplus::refund::RefundRequest;
use payspec::alipayplus::{Amount, Client};
use payspec_examples::{alipayplus, arg_or, finish, run, step};

/// inquiryPayment: every 5 seconds for at most a minute, as the notes recommend; the local fake
/// answers PROCESSING once, so the demo waits a little less.
const POLL_INTERVAL: Duration = Duration::from_secs(1);
const POLL_ATTEMPTS: u32 = 60;

fn main() -> ExitCode {
    run(async {
        let value: u64 = arg_or(1, "VALUE", 1000)?;
        let currency: String = arg_or(2, "CURRENCY", "USD".to_owned())?;
        let client = alipayplus()?;
        Ok(finish(flow(&client, value, &currency)).await)
    })
}

async fn flow(client: &Client, value: u64, currency: &str) -> Result<(), String> {
    let run_id = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
    let amount = |v: u64| Amount::new(currency.to_owned(), v.to_string());
    let payment_request_id = format!("pay-{run_id}");

    let pay = PayRequest::new("mini-app-demo", payment_request_id.clone(), amount(value));
    // A cashier payment is answered `A` ACCEPT: the user must pay on the wallet's cashier page.
    let answered = client.pay(&pay).await.map(|(outcome, response)| {
        serde_json::json!({"resultCode": outcome.code(), "outcome": format!("{outcome:?}"), "response": response})
    });
    let answered = step("pay: POST /v2/payments/pay", answered).map_err(|e| e.to_string())?;
    if let Some(url) = answered["response"]["redirectActionForm"]["redirectionUrl"].as_str() {
        println!("\n(the user pays at the wallet's cashier page {url} ; polling inquiryPayment)");
    }

    let mut inquiry = InquiryPaymentRequest::default();
    inquiry.payment_request_id = Some(payment_request_id);
    let mut payment_id = None;
    for attempt in 1..=POLL_ATTEMPTS {
        let found = step(
            &format!("inquiryPayment #{attempt} by paymentRequestId: POST /v2/payments/inquiryPayment"),
            client.inquiry_payment(&inquiry).await,
        )
        .map_err(|e| e.to_string())?;
        match found.payment_status {
            Some(PaymentStatus::Processing) => tokio::time::sleep(POLL_INTERVAL).await,
            Some(PaymentStatus::Success) => {
                payment_id = found.payment_id;
                break;
            }
            other => return Err(format!("the payment ended as {other:?}")),
        }
    }
    let payment_id = payment_id.ok_or("the payment did not succeed in time")?;

    let first_part = value * 6 / 10;
    let capture = |id: &str, part: u64, last: bool| {
        let mut request = CaptureRequest::new(id.to_owned(), payment_id.clone());
        request.capture_amount = Some(amount(part));
        request.is_last_capture = Some(last);
        request
    };
    let lost_id = format!("lost-answer-capture-{run_id}");
    let first = step(
        &format!(
            "capture {first_part}, isLastCapture false: POST /v2/payments/capture (the fake loses the first answer; Retry resends the same id)"
        ),
        client.capture(&capture(&lost_id, first_part, false)).await,
    )
    .map_err(|e| e.to_string())?;
    let again = step(
        "capture again, same captureRequestId and parameters: POST /v2/payments/capture (the first result)",
        client.capture(&capture(&lost_id, first_part, false)).await,
    )
    .map_err(|e| e.to_string())?;
    if again.capture_id != first.capture_id {
        return Err("the same captureRequestId captured twice".into());
    }
    let inconsistent = step(
        "capture, same captureRequestId with another amount: POST /v2/payments/capture (REPEAT_REQ_INCONSISTENT)",
        client.capture(&capture(&lost_id, first_part + 1, false)).await,
    );
    if inconsistent.is_ok() {
        return Err("the same captureRequestId was accepted with other parameters".into());
    }
    let beyond = step(
        "capture more than is left of the authorization: POST /v2/payments/capture (CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT)",
        client.capture(&capture(&format!("capture-over-{run_id}"), value - first_part + 1, true)).await,
    );
    if beyond.is_ok() {
        return Err("a capture beyond the authorization was accepted".into());
    }
    step(
        &format!("capture the last {}, isLastCapture true: POST /v2/payments/capture", value - first_part),
        client.capture(&capture(&format!("capture-last-{run_id}"), value - first_part, true)).await,
    )
    .map_err(|e| e.to_string())?;

    let refund_request_id = format!("refund-{run_id}");
    let mut refund = RefundRequest::new(refund_request_id.clone(), amount(value * 3 / 10));
    refund.payment_id = Some(payment_id.clone());
    refund.refund_reason = Some("one item returned".into());
    step(
        "refund: POST /v2/payments/refund (answers the refundId; inquiryRefund tells its state)",
        client.refund(&refund).await,
    )
    .map_err(|e| e.to_string())?;
    let mut inquiry = InquiryRefundRequest::default();
    inquiry.refund_request_id = Some(refund_request_id);
    step("inquiryRefund by refundRequestId: POST /v2/payments/inquiryRefund", client.inquiry_refund(&inquiry).await)
        .map_err(|e| e.to_string())?;
    Ok(())
}

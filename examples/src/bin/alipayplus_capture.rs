//! Captures an Alipay+ authorization (in full, or an amount in the currency's smallest unit) and
//! prints the result as JSON.
//!
//! `cargo run -p payspec-examples --bin alipayplus_capture -- CAPTURE_REQUEST_ID PAYMENT_ID [VALUE CURRENCY]`

use std::process::ExitCode;

use payspec::alipayplus::Amount;
use payspec::alipayplus::capture::CaptureRequest;
use payspec_examples::{alipayplus, arg, report, run};

const USAGE: &str = "alipayplus_capture CAPTURE_REQUEST_ID PAYMENT_ID [VALUE CURRENCY]";

fn main() -> ExitCode {
    run(async {
        let args: Vec<String> = std::env::args().collect();
        let mut request = CaptureRequest::new(arg(&args, 1, USAGE)?, arg(&args, 2, USAGE)?);
        if let (Some(value), Some(currency)) = (args.get(3), args.get(4)) {
            request.capture_amount = Some(Amount::new(currency.clone(), value.clone()));
        }
        let client = alipayplus()?;
        Ok(report(client.capture(&request).await))
    })
}

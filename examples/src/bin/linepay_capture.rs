//! Captures an authorized LINE Pay payment and prints the result (or the typed error) as JSON.
//!
//! `cargo run -p payspec-examples --bin linepay_capture -- TRANSACTION_ID AMOUNT CURRENCY`

use std::process::ExitCode;

use payspec::Decimal;
use payspec::linepay::capture::CaptureRequest;
use payspec::linepay::{Currency, TransactionId};
use payspec_examples::{arg, linepay, report, run};

const USAGE: &str = "linepay_capture TRANSACTION_ID AMOUNT CURRENCY";

fn main() -> ExitCode {
    run(async {
        let args: Vec<String> = std::env::args().collect();
        let id: TransactionId = arg(&args, 1, USAGE)?.parse().map_err(|e| format!("TRANSACTION_ID: {e}"))?;
        let amount: Decimal = arg(&args, 2, USAGE)?.parse().map_err(|e| format!("AMOUNT: {e}"))?;
        let currency = Currency::parse(&arg(&args, 3, USAGE)?);
        let client = linepay()?;
        Ok(report(client.capture(&id, &CaptureRequest::new(amount, currency)).await))
    })
}

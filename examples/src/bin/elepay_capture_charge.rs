//! Captures an elepay charge that was created with capture=false and prints the charge as JSON.
//!
//! `cargo run -p payspec-examples --bin elepay_capture_charge -- CHARGE_ID [AMOUNT]`

use std::process::ExitCode;

use payspec::elepay::capture_charge::ChargeCaptureRequest;
use payspec_examples::{arg, elepay, report, run};

fn main() -> ExitCode {
    run(async {
        let args: Vec<String> = std::env::args().collect();
        let charge_id = arg(&args, 1, "elepay_capture_charge CHARGE_ID [AMOUNT]")?;
        let mut request = ChargeCaptureRequest::default();
        if let Some(amount) = args.get(2) {
            request.amount = Some(amount.parse().map_err(|e| format!("AMOUNT: {e}"))?);
        }
        let client = elepay()?;
        Ok(report(client.capture_charge(&charge_id, &request).await))
    })
}

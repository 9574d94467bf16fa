//! Looks LINE Pay transactions up by id and prints them (or the typed error) as JSON.
//!
//! `cargo run -p payspec-examples --bin linepay_payment_details -- TRANSACTION_ID...`

use std::process::ExitCode;

use payspec::linepay::payment_details::PaymentDetailsQuery;
use payspec_examples::{linepay, report, run};

fn main() -> ExitCode {
    run(async {
        let mut query = PaymentDetailsQuery::default();
        for id in std::env::args().skip(1) {
            query.transaction_id.push(id.parse().map_err(|e| format!("{id}: {e}"))?);
        }
        if query.transaction_id.is_empty() {
            return Err("usage: linepay_payment_details TRANSACTION_ID...".into());
        }
        let client = linepay()?;
        Ok(report(client.payment_details(&query).await))
    })
}

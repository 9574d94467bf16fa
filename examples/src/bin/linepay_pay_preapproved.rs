//! Charges a saved LINE Pay payment method by its regKey and prints the result as JSON.
//!
//! `cargo run -p payspec-examples --bin linepay_pay_preapproved -- REG_KEY ORDER_ID AMOUNT CURRENCY PRODUCT_NAME`

use std::process::ExitCode;

use payspec::Decimal;
use payspec::linepay::Currency;
use payspec::linepay::pay_preapproved::PayPreapprovedRequest;
use payspec_examples::{arg, linepay, report, run};

const USAGE: &str = "linepay_pay_preapproved REG_KEY ORDER_ID AMOUNT CURRENCY PRODUCT_NAME";

fn main() -> ExitCode {
    run(async {
        let args: Vec<String> = std::env::args().collect();
        let reg_key = arg(&args, 1, USAGE)?;
        let order_id = arg(&args, 2, USAGE)?;
        let amount: Decimal = arg(&args, 3, USAGE)?.parse().map_err(|e| format!("AMOUNT: {e}"))?;
        let currency = Currency::parse(&arg(&args, 4, USAGE)?);
        let request = PayPreapprovedRequest::new(arg(&args, 5, USAGE)?, amount, currency, order_id);
        let client = linepay()?;
        Ok(report(client.pay_preapproved(&reg_key, &request).await))
    })
}

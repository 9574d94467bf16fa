//! The LINE Pay preapproved flow, step by step: request with payType PREAPPROVED -> wait until the
//! user has approved -> confirm (returns the regKey) -> pay preapproved -> check the regKey -> expire
//! it -> pay again (1193, RegKeyExpired) -> pay with a regKey that does not exist (1190). Each step
//! prints the call and the response or typed error as JSON.
//!
//! `cargo run -p payspec-examples --bin linepay_preapproved_flow -- [AMOUNT]` (JPY, default 980), with
//! the `LINEPAY_*` variables of README.md. Against the sandbox, open the printed payment URL and
//! approve the payment in LINE while the example waits; the local `fake_provider` approves at once.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use payspec::linepay::check_reg_key::{self, CheckRegKeyQuery};
use payspec::linepay::confirm::{self, ConfirmRequest};
use payspec::linepay::expire_reg_key;
use payspec::linepay::pay_preapproved::{self, PayPreapprovedRequest};
use payspec::linepay::request::{
    PayType, PaymentOptions, PaymentRequest, RedirectUrls, RequestOptions, RequestPackage, RequestProduct,
};
use payspec::linepay::{Client, Currency};
use payspec::runtime::Decimal;
use payspec_examples::{arg_or, finish, linepay, run, step, wait_for_approval};

fn main() -> ExitCode {
    run(async {
        let amount: i64 = arg_or(1, "AMOUNT", 980)?;
        let client = linepay()?;
        Ok(finish(flow(&client, amount)).await)
    })
}

async fn flow(client: &Client, amount: i64) -> Result<(), String> {
    let run_id = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
    let total = Decimal::from_i64(amount);

    let product = RequestProduct::new("Monthly plan", 1, total);
    let urls = RedirectUrls::new("https://shop.example/confirm", "https://shop.example/cancel");
    let package = RequestPackage::new("package-1", total, vec![product]);
    let mut request = PaymentRequest::new(total, Currency::Jpy, format!("sub-{run_id}-0"), vec![package], urls);
    let mut payment = PaymentOptions::default();
    payment.pay_type = Some(PayType::Preapproved);
    let mut options = RequestOptions::default();
    options.payment = Some(payment);
    request.options = Some(options);
    let reserved = step("request: POST /v3/payments/request (payType PREAPPROVED)", client.request(&request).await)
        .map_err(|e| e.to_string())?;
    let id = reserved.transaction_id;

    let approved = wait_for_approval(client, &id, &reserved.payment_url.web).await?;
    if !approved {
        return Err("the payment was not approved".into());
    }

    let confirmed = step(
        &format!("confirm (returns the regKey): POST {}", confirm::path(&id)),
        client.confirm(&id, &ConfirmRequest::new(total, Currency::Jpy)).await,
    )
    .map_err(|e| e.to_string())?;
    let reg_key = confirmed.reg_key.ok_or("confirm returned no regKey")?;

    let charge = |n: u32| PayPreapprovedRequest::new("Monthly plan", total, Currency::Jpy, format!("sub-{run_id}-{n}"));
    step(
        &format!("pay preapproved: POST {}", pay_preapproved::path(&reg_key)),
        client.pay_preapproved(&reg_key, &charge(1)).await,
    )
    .map_err(|e| e.to_string())?;
    step(
        &format!("check the regKey: GET {}", check_reg_key::path(&reg_key)),
        client.check_reg_key(&reg_key, &CheckRegKeyQuery::default()).await,
    )
    .map_err(|e| e.to_string())?;
    step(&format!("expire the regKey: POST {}", expire_reg_key::path(&reg_key)), client.expire_reg_key(&reg_key).await)
        .map_err(|e| e.to_string())?;

    let expired = step(
        &format!("pay preapproved again, the regKey is expired (1193): POST {}", pay_preapproved::path(&reg_key)),
        client.pay_preapproved(&reg_key, &charge(2)).await,
    );
    if expired.is_ok() {
        return Err("an expired regKey was charged".into());
    }
    let unknown = "RK99999999999999";
    let missing = step(
        &format!("pay preapproved with a regKey that does not exist (1190): POST {}", pay_preapproved::path(unknown)),
        client.pay_preapproved(unknown, &charge(3)).await,
    );
    if missing.is_ok() {
        return Err("a regKey that does not exist was charged".into());
    }
    Ok(())
}

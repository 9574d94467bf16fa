//! `cargo xtask package-check`: what a new user outside the repository gets. Packages the published
//! crates with `cargo package`, unpacks the `.crate` files, writes a scratch application in a
//! temporary folder that depends on `payspec` by version (patched to the unpacked packages, exactly
//! as crates.io would serve them), builds it and runs it. The application builds a full LINE Pay
//! request with a user fee and options, and uses `linepay::Error` for a request -> confirm ->
//! capture flow. Its test, with `payspec-mock` as a dev-dependency, is payspec-mock's README example
//! (a capture answered 1198 that `LinePayRecovery` resolves), run with `cargo test`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The crates users depend on, in dependency order.
pub const PUBLISHED: &[&str] = &["payspec-runtime", "payspec", "payspec-mock"];

/// The scratch application's test: payspec-mock's README example, the file that checks it in the
/// repository.
const README_TEST_RS: &str = include_str!("../../mock/tests/readme.rs");

const MAIN_RS: &str = r#"//! A merchant's checkout, written as a new user would: one error type for the flow.

use payspec::linepay::capture::CaptureRequest;
use payspec::linepay::confirm::ConfirmRequest;
use payspec::linepay::request::{
    PaymentOptions, PaymentRequest, RedirectUrls, RequestOptions, RequestPackage, RequestProduct,
};
use payspec::linepay::{self, Client, Currency, Environment, TransactionId};
use payspec::prelude::*;

fn checkout_request(order_id: &str) -> PaymentRequest {
    PaymentRequest::new(
        1100,
        Currency::Twd,
        order_id,
        [RequestPackage::new("shop-1", 1000, [RequestProduct::new("Coffee beans", 2, 500)]).with_user_fee(100)],
        RedirectUrls::new("https://shop.example/confirm", "https://shop.example/cancel"),
    )
    .with_options(RequestOptions::default().with_payment(PaymentOptions::default().with_capture(false)))
}

/// request -> (the user approves) -> confirm -> capture, every error as `linepay::Error`.
#[allow(dead_code)]
async fn flow(client: &Client, order_id: &str) -> Result<TransactionId, linepay::Error> {
    let reserved = client.request(&checkout_request(order_id)).await?;
    let id = reserved.transaction_id;
    client.confirm(&id, &ConfirmRequest::new(1100, Currency::Twd)).await?;
    client.capture(&id, &CaptureRequest::new(1100, Currency::Twd)).await?;
    Ok(id)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let request = checkout_request("order-1");
    request.validate()?;
    let json = serde_json::to_value(&request)?;
    assert_eq!(json["packages"][0]["userFee"], 100);
    assert_eq!(json["options"]["payment"]["capture"], false);
    let config = Config::new(Environment::Sandbox, linepay::Credentials::new("1234567890", "secret"))
        .handler(Tracing)
        .handler(LinePayRecovery::default())
        .handler(Retry::new(3));
    let _client = Client::new(config)?;
    println!("adopted: {json}");
    Ok(())
}
"#;

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    println!("package-check: {shown}");
    let status = command.status().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} failed ({status})")) }
}

/// The scratch application's manifest: `payspec` by version, patched to the unpacked packages.
pub fn manifest(unpacked: &Path, version: &str) -> String {
    let path = |name: &str| unpacked.join(format!("{name}-{version}")).display().to_string();
    format!(
        r#"[package]
name = "adopt-payspec"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
payspec = {{ version = "{version}", default-features = false, features = ["linepay"] }}
serde_json = "1"

[dev-dependencies]
payspec-mock = "{version}"
tokio = {{ version = "1", features = ["macros", "rt"] }}

[patch.crates-io]
payspec = {{ path = {payspec:?} }}
payspec-runtime = {{ path = {runtime:?} }}
payspec-mock = {{ path = {mock:?} }}

[workspace]
"#,
        payspec = path("payspec"),
        runtime = path("payspec-runtime"),
        mock = path("payspec-mock"),
    )
}

pub fn package_check(root: &Path, version: &str) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut package = Command::new(&cargo);
    package.current_dir(root).args(["package", "--no-verify", "--allow-dirty"]);
    for name in PUBLISHED {
        package.args(["-p", name]);
    }
    run(&mut package)?;

    let scratch = std::env::temp_dir().join(format!("payspec-package-check-{}", std::process::id()));
    let unpacked = scratch.join("packages");
    let app = scratch.join("app");
    let result = (|| {
        std::fs::create_dir_all(&unpacked).map_err(|e| format!("cannot create {}: {e}", unpacked.display()))?;
        for name in PUBLISHED {
            let crate_file = target_dir(root).join("package").join(format!("{name}-{version}.crate"));
            run(Command::new("tar").arg("-xzf").arg(&crate_file).arg("-C").arg(&unpacked))?;
        }
        std::fs::create_dir_all(app.join("src")).map_err(|e| format!("cannot create {}: {e}", app.display()))?;
        std::fs::write(app.join("Cargo.toml"), manifest(&unpacked, version)).map_err(|e| e.to_string())?;
        std::fs::write(app.join("src/main.rs"), MAIN_RS).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(app.join("tests")).map_err(|e| format!("cannot create {}: {e}", app.display()))?;
        std::fs::write(app.join("tests/mock.rs"), README_TEST_RS).map_err(|e| e.to_string())?;
        // A target folder of its own that survives the scratch folder, so reruns are quick.
        let target = target_dir(root).join("package-check");
        run(Command::new(&cargo).current_dir(&app).env("CARGO_TARGET_DIR", &target).arg("run"))?;
        run(Command::new(&cargo).current_dir(&app).env("CARGO_TARGET_DIR", &target).arg("test"))
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result?;
    println!("package-check: a fresh project built, ran and tested against the packaged crates");
    Ok(())
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

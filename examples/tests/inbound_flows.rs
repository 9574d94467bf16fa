//! Runs the three inbound flow examples (each against payspec-mock in its own process) and checks
//! that each ends as its round trip should: verified, acknowledged, acted on once.

use std::process::Command;

fn run(binary: &str) -> String {
    let output = Command::new(binary).output().expect("the example starts");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{binary} failed:\n{stdout}\n{stderr}");
    stdout
}

#[test]
fn alipayplus_notification_round_trip() {
    let out = run(env!("CARGO_BIN_EXE_alipayplus_inbound_flow"));
    assert!(out.contains(": verified, acting on it"), "{out}");
    assert!(out.contains(": verified, a duplicate; acknowledged again"), "{out}");
    assert!(out.contains(r#"orders marked paid: ["order-4711"]"#), "{out}");
}

#[test]
fn elepay_webhook_round_trip() {
    let out = run(env!("CARGO_BIN_EXE_elepay_inbound_flow"));
    assert!(out.contains("is captured; the order is paid"), "{out}");
    assert!(out.contains("(charge.succeeded): a duplicate, nothing to do"), "{out}");
    assert!(out.contains(r#"ledger ["paid 1200", "refunded 200"]"#), "{out}");
}

#[test]
fn linepay_confirm_redirect_round_trip() {
    let out = run(env!("CARGO_BIN_EXE_linepay_inbound_flow"));
    assert!(out.contains("confirmed 2021121300698360310 for order order-4713"), "{out}");
    assert!(out.contains("seen before (a reload); not confirming again"), "{out}");
}

//! A local stand-in for LINE Pay, Alipay+ and elepay on one address, for trying the examples
//! without sandbox accounts: the simulators of `payspec-mock` (the same ones `payspec-mock serve`
//! runs), with the credentials the examples read from the environment. Each request's signature is
//! checked (a wrong one gets LINE Pay `1106`, Alipay+ `SIGNATURE_INVALID`, elepay `M004001`); state
//! is kept and illegal steps get the documented codes. It starts with a little state for `demo.sh`'s
//! single-call examples:
//!
//! - LINE Pay: transaction `2021121300698360310` authorized for 1000 TWD (capture it once; amount 0
//!   gets `1183`), and the expired regKey `expired` (`1193`). Requested payments are approved by the
//!   simulated user at once.
//! - Alipay+ (under `/alipayplus`): payment `payment-1` paid with 10.00 USD (1000), ready to capture;
//!   an unknown payment id such as `missing` gets `AUTH_NOT_FOUND`. A request id that starts with
//!   `lost-answer-` has its first answer lost: the call takes effect but is answered `U`
//!   `UNKNOWN_EXCEPTION`, and calling again with the same id returns the real result.
//!   It needs `FAKE_MERCHANT_PUBLIC_KEY_FILE` and `FAKE_WALLET_PRIVATE_KEY_FILE`.
//! - elepay: charge `ch_1` authorized for 1000 JPY, not captured; an unknown charge such as
//!   `ch_missing` gets HTTP 400 `M002003`.
//!
//! `cargo run -p payspec-examples --bin fake_provider -- 127.0.0.1:8080` (loopback only).

use std::net::SocketAddr;
use std::process::ExitCode;

use payspec_mock::{MultiMock, Options};
use serde_json::json;

fn main() -> ExitCode {
    let addr: SocketAddr = match std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".into()).parse() {
        Ok(addr) if SocketAddr::ip(&addr).is_loopback() => addr,
        _ => {
            eprintln!("usage: fake_provider [127.0.0.1:PORT] (loopback addresses only)");
            return ExitCode::from(2);
        }
    };
    let var = |name: &str| std::env::var(name).ok();
    let read = |name: &str| var(name).and_then(|p| std::fs::read_to_string(p).ok());
    let defaults = Options::default();
    let options = Options {
        linepay_channel_id: var("LINEPAY_CHANNEL_ID").unwrap_or(defaults.linepay_channel_id.clone()),
        linepay_channel_secret: var("LINEPAY_CHANNEL_SECRET")
            .map_or(defaults.linepay_channel_secret.clone(), Into::into),
        linepay_auto_approve: true,
        alipayplus_client_id: var("ALIPAYPLUS_CLIENT_ID").unwrap_or(defaults.alipayplus_client_id.clone()),
        alipayplus_merchant_public_key: read("FAKE_MERCHANT_PUBLIC_KEY_FILE")
            .unwrap_or(defaults.alipayplus_merchant_public_key.clone()),
        alipayplus_wallet_private_key: read("FAKE_WALLET_PRIVATE_KEY_FILE")
            .unwrap_or(defaults.alipayplus_wallet_private_key.clone()),
        alipayplus_lose_first_answer_prefix: Some("lost-answer-".into()),
        elepay_secret_key: var("ELEPAY_SECRET_KEY").map_or(defaults.elepay_secret_key.clone(), Into::into),
        ..defaults
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let mock = match MultiMock::start(addr, &["linepay", "alipayplus", "elepay"], &options).await {
            Ok(mock) => mock,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        // The state demo.sh's single-call examples start from (see the module documentation).
        let seeds = [
            ("linepay", "seed-authorization", json!({"orderId": "order-1", "amount": 1000, "currency": "TWD"})),
            ("linepay", "seed-reg-key", json!({"regKey": "expired", "currency": "JPY", "expired": true})),
            (
                "alipayplus",
                "seed-paid-payment",
                json!({"paymentId": "payment-1", "paymentRequestId": "payment-request-1", "currency": "USD", "value": 1000}),
            ),
            ("elepay", "seed-uncaptured", json!({"id": "ch_1", "amount": 1000})),
        ];
        for (provider, action, body) in seeds {
            if let Err(e) = mock.control(provider, action, &body) {
                eprintln!("cannot seed {provider}: {e}");
                return ExitCode::FAILURE;
            }
        }
        eprintln!("fake LINE Pay, Alipay+ (/alipayplus) and elepay on http://{addr}; Ctrl-C stops it");
        let _ = tokio::signal::ctrl_c().await;
        ExitCode::SUCCESS
    })
}

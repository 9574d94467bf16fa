//! A local stand-in for LINE Pay, Alipay+ and elepay on one address, for trying the examples
//! without sandbox accounts. It checks each request's signature with the same credentials the
//! examples read from the environment (a wrong one gets LINE Pay `1106`, Alipay+ `SIGNATURE_INVALID`,
//! elepay 401 `M004001`) and passes the rest to the stateful simulators of `payspec-fakes`, which
//! remember what was requested, authorized, captured and refunded and answer illegal steps with the
//! provider's documented codes. It starts with a little state for `demo.sh`'s single-call examples:
//!
//! - LINE Pay: transaction `2021121300698360310` authorized for 1000 TWD (capture it once; amount 0
//!   gets `1183`), and the expired regKey `expired` (`1193`). New transactions count up from there.
//! - Alipay+ (under `/api/open`): payment `payment-1` paid with 10.00 USD (1000), ready to capture; an
//!   unknown payment id such as `missing` gets `AUTH_NOT_FOUND`. A request id that starts with
//!   `lost-answer-` has its first answer lost: the call takes effect but is answered `U`
//!   `UNKNOWN_EXCEPTION`, and calling again with the same id returns the real result.
//!   It needs `FAKE_MERCHANT_PUBLIC_KEY_FILE` and `FAKE_WALLET_PRIVATE_KEY_FILE`.
//! - elepay: charge `ch_1` authorized for 1000 JPY, not captured; an unknown charge such as
//!   `ch_missing` gets HTTP 400 `M002003`.
//!
//! `cargo run -p payspec-examples --bin fake_provider -- 127.0.0.1:8080` (loopback only).

use std::collections::HashSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use payspec::runtime::secret::SecretString;
use payspec::runtime::signing::{alipay_plus, line_pay};
use payspec::runtime::time::iso8601_utc;
use payspec_fakes::{Answer, alipayplus, elepay, linepay};
use serde_json::{Value, json};

/// The path prefix of the fake Alipay+ wallet.
const WALLET_PREFIX: &str = "/api/open";
/// Request ids with this prefix have their first answer lost.
const LOST_ANSWER: &str = "lost-answer-";

struct Fake {
    channel_secret: Option<SecretString>,
    elepay_key: Option<String>,
    merchant_key: Option<alipay_plus::PublicKey>,
    wallet_key: Option<alipay_plus::PrivateKey>,
    linepay: Mutex<linepay::Simulator>,
    alipayplus: Mutex<alipayplus::Simulator>,
    elepay: Mutex<elepay::Simulator>,
    /// `lost-answer-` request ids already handed to the Alipay+ simulator.
    lost_answers: Mutex<HashSet<String>>,
}

type Reply = (u16, Vec<(&'static str, String)>, String);

fn reply(answer: Answer) -> Reply {
    (answer.status, Vec::new(), answer.body)
}

fn line_pay_reply(code: &str) -> Reply {
    (200, Vec::new(), json!({"returnCode": code, "returnMessage": "Error."}).to_string())
}

impl Fake {
    fn line_pay(&self, method: &str, path: &str, query: &str, headers: &hyper::HeaderMap, body: &[u8]) -> Reply {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let Some(secret) = &self.channel_secret else { return line_pay_reply("1104") };
        let payload = if method == "GET" { query.as_bytes() } else { body };
        let expected = line_pay::signature(secret, path, payload, header("x-line-authorization-nonce"));
        if header("x-line-authorization") != expected {
            return line_pay_reply("1106");
        }
        let mut simulator = self.linepay.lock().unwrap_or_else(|e| e.into_inner());
        reply(simulator.handle(method, path, query, body))
    }

    fn alipay_plus(&self, method: &str, path: &str, headers: &hyper::HeaderMap, body: &[u8]) -> Reply {
        let (Some(merchant), Some(wallet)) = (&self.merchant_key, &self.wallet_key) else {
            return (500, Vec::new(), "set FAKE_MERCHANT_PUBLIC_KEY_FILE and FAKE_WALLET_PRIVATE_KEY_FILE".into());
        };
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let client_id = header("client-id").to_owned();
        let signed = alipay_plus::string_to_sign(method, path, &client_id, header("request-time"), body);
        let verified = alipay_plus::parse_signature_header(header("signature"))
            .ok()
            .is_some_and(|s| merchant.verify(&signed, &s.signature_base64).is_ok());
        let answer = if verified {
            let operation = path.strip_prefix(WALLET_PREFIX).unwrap_or(path);
            let mut simulator = self.alipayplus.lock().unwrap_or_else(|e| e.into_inner());
            self.lose_first_answer(&mut simulator, body);
            simulator.handle(method, operation, "", body)
        } else {
            let result =
                json!({"resultCode": "SIGNATURE_INVALID", "resultStatus": "F", "resultMessage": "bad signature"});
            Answer::json(200, &json!({ "result": result }))
        };
        let time = iso8601_utc(std::time::SystemTime::now());
        let message = alipay_plus::string_to_sign(method, path, &client_id, &time, answer.body.as_bytes());
        let signature = wallet.sign(&message).map(|s| alipay_plus::signature_header(&s, 1)).unwrap_or_default();
        (answer.status, vec![("client-id", client_id), ("response-time", time), ("signature", signature)], answer.body)
    }

    /// The first time a `lost-answer-` request id comes in, the simulator loses its answer.
    fn lose_first_answer(&self, simulator: &mut alipayplus::Simulator, body: &[u8]) {
        let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let mut seen = self.lost_answers.lock().unwrap_or_else(|e| e.into_inner());
        for field in ["paymentRequestId", "captureRequestId", "refundRequestId"] {
            if let Some(id) = request[field].as_str().filter(|id| id.starts_with(LOST_ANSWER)) {
                if seen.insert(id.to_owned()) {
                    simulator.lose_answer(id);
                }
            }
        }
    }

    fn elepay(&self, method: &str, path: &str, query: &str, headers: &hyper::HeaderMap, body: &[u8]) -> Reply {
        let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
        let key = self.elepay_key.as_deref().unwrap_or_default();
        let basic = format!("{key}:");
        let authorized = !key.is_empty()
            && (auth == format!("Bearer {key}")
                || auth.strip_prefix("Basic ").is_some_and(|b| decode_base64(b) == basic));
        if !authorized {
            let error =
                json!({"errorCode": "M004001", "message": "The API key provided is invalid.", "requestId": "req-1"});
            return (401, Vec::new(), error.to_string());
        }
        let mut simulator = self.elepay.lock().unwrap_or_else(|e| e.into_inner());
        reply(simulator.handle(method, path, query, body))
    }
}

fn decode_base64(text: &str) -> String {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD.decode(text).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

async fn serve(fake: Arc<Fake>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let headers = request.headers().clone();
    let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let (status, extra, text) = if path.starts_with("/v3/") {
        fake.line_pay(&method, &path, &query, &headers, &body)
    } else if path.starts_with(WALLET_PREFIX) {
        fake.alipay_plus(&method, &path, &headers, &body)
    } else {
        fake.elepay(&method, &path, &query, &headers, &body)
    };
    eprintln!("{method} {path} -> {status}");
    let mut response = Response::builder().status(status).header("content-type", "application/json");
    for (name, value) in extra {
        response = response.header(name, value);
    }
    Ok(response.body(Full::new(Bytes::from(text))).unwrap_or_default())
}

fn main() -> ExitCode {
    let addr: SocketAddr = match std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".into()).parse() {
        Ok(addr) if SocketAddr::ip(&addr).is_loopback() => addr,
        _ => {
            eprintln!("usage: fake_provider [127.0.0.1:PORT] (loopback addresses only)");
            return ExitCode::from(2);
        }
    };
    let read = |var: &str| std::env::var(var).ok().and_then(|p| std::fs::read_to_string(p).ok());
    // The state demo.sh's single-call examples start from (see the module documentation).
    let mut linepay = linepay::Simulator::default();
    linepay.seed_authorization("order-1", 1000, "TWD");
    linepay.seed_reg_key("expired", "JPY", true);
    let mut alipayplus = alipayplus::Simulator::default();
    alipayplus.seed_paid_payment("payment-1", "payment-request-1", "USD", 1000);
    let mut elepay = elepay::Simulator::default();
    elepay.seed_uncaptured("ch_1", 1000);
    let fake = Arc::new(Fake {
        linepay: Mutex::new(linepay),
        alipayplus: Mutex::new(alipayplus),
        elepay: Mutex::new(elepay),
        lost_answers: Mutex::new(HashSet::new()),
        channel_secret: std::env::var("LINEPAY_CHANNEL_SECRET").ok().map(SecretString::from),
        elepay_key: std::env::var("ELEPAY_SECRET_KEY").ok(),
        merchant_key: read("FAKE_MERCHANT_PUBLIC_KEY_FILE")
            .and_then(|k| alipay_plus::PublicKey::from_pem_or_base64(&k).ok()),
        wallet_key: read("FAKE_WALLET_PRIVATE_KEY_FILE")
            .and_then(|k| alipay_plus::PrivateKey::from_pem_or_base64(&k).ok()),
    });
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cannot listen on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        eprintln!("fake LINE Pay, Alipay+ (/api/open) and elepay on http://{addr}; Ctrl-C stops it");
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => return ExitCode::SUCCESS,
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let fake = fake.clone();
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(move |r| serve(fake.clone(), r));
                        let io = hyper_util::rt::TokioIo::new(stream);
                        let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
                    });
                }
            }
        }
    })
}

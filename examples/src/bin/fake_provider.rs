//! A local stand-in for LINE Pay, Alipay+ and elepay on one address, for trying the examples
//! without sandbox accounts. It checks each request's signature with the same credentials the
//! examples read from the environment and answers like the provider would:
//!
//! - LINE Pay capture succeeds, except amount 0, which gets `1183`; pay preapproved with the regKey
//!   `expired` gets `1193`; a wrong signature gets `1106`; payment details returns each id.
//! - Alipay+ capture (under `/api/open`) succeeds, except payment id `missing`: `AUTH_NOT_FOUND`.
//!   It needs `FAKE_MERCHANT_PUBLIC_KEY_FILE` and `FAKE_WALLET_PRIVATE_KEY_FILE`.
//! - elepay capture succeeds, except charge `ch_missing`: HTTP 400 `M002003`.
//!
//! `cargo run -p payspec-examples --bin fake_provider -- 127.0.0.1:8080` (loopback only).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use payspec::runtime::secret::SecretString;
use payspec::runtime::signing::{alipay_plus, line_pay};
use payspec::runtime::time::iso8601_utc;
use serde_json::{Value, json};

struct Fake {
    channel_secret: Option<SecretString>,
    elepay_key: Option<String>,
    merchant_key: Option<alipay_plus::PublicKey>,
    wallet_key: Option<alipay_plus::PrivateKey>,
}

type Answer = (u16, Vec<(&'static str, String)>, String);

fn line_pay_reply(code: &str, info: Value) -> Answer {
    let body =
        json!({"returnCode": code, "returnMessage": if code == "0000" { "Success." } else { "Error." }, "info": info});
    (200, Vec::new(), body.to_string())
}

impl Fake {
    fn line_pay(&self, method: &str, path: &str, query: &str, headers: &hyper::HeaderMap, body: &[u8]) -> Answer {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let Some(secret) = &self.channel_secret else { return line_pay_reply("1104", Value::Null) };
        let payload = if method == "GET" { query.as_bytes() } else { body };
        let expected = line_pay::signature(secret, path, payload, header("x-line-authorization-nonce"));
        if header("x-line-authorization") != expected {
            return line_pay_reply("1106", Value::Null);
        }
        let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let segments: Vec<&str> = path.split('/').collect();
        match (method, segments.as_slice()) {
            ("POST", ["", "v3", "payments", "authorizations", id, "capture"]) => {
                if request["amount"].as_f64() == Some(0.0) {
                    return line_pay_reply("1183", Value::Null);
                }
                let id: Value = serde_json::from_str(id).unwrap_or(Value::Null);
                let pay_info = json!([{"method": "BALANCE", "amount": request["amount"]}]);
                line_pay_reply("0000", json!({"orderId": "order-1", "transactionId": id, "payInfo": pay_info}))
            }
            ("GET", ["", "v3", "payments"]) => {
                let ids = query.split('&').filter_map(|p| p.strip_prefix("transactionId="));
                let info: Vec<Value> = ids
                    .map(|id| {
                        let id: Value = serde_json::from_str(id).unwrap_or(Value::Null);
                        json!({"transactionId": id, "orderId": "order-1", "payStatus": "CAPTURE", "currency": "TWD",
                               "payInfo": [{"method": "CREDIT_CARD", "amount": 1000}]})
                    })
                    .collect();
                line_pay_reply("0000", Value::Array(info))
            }
            ("POST", ["", "v3", "payments", "preapprovedPay", reg_key, "payment"]) => {
                if *reg_key == "expired" {
                    return line_pay_reply("1193", Value::Null);
                }
                let id: Value = serde_json::from_str("2021121300698360999").unwrap_or(Value::Null);
                line_pay_reply(
                    "0000",
                    json!({"transactionId": id, "transactionDate": iso8601_utc(std::time::SystemTime::now())}),
                )
            }
            _ => (404, Vec::new(), "not a LINE Pay path this fake knows".into()),
        }
    }

    fn alipay_plus(&self, path: &str, headers: &hyper::HeaderMap, body: &[u8]) -> Answer {
        let (Some(merchant), Some(wallet)) = (&self.merchant_key, &self.wallet_key) else {
            return (500, Vec::new(), "set FAKE_MERCHANT_PUBLIC_KEY_FILE and FAKE_WALLET_PRIVATE_KEY_FILE".into());
        };
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let client_id = header("client-id").to_owned();
        let signed = alipay_plus::string_to_sign("POST", path, &client_id, header("request-time"), body);
        let verified = alipay_plus::parse_signature_header(header("signature"))
            .ok()
            .is_some_and(|s| merchant.verify(&signed, &s.signature_base64).is_ok());
        let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let reply = if !verified {
            json!({"result": {"resultCode": "SIGNATURE_INVALID", "resultStatus": "F", "resultMessage": "bad signature"}})
        } else if request["paymentId"] == "missing" {
            json!({"result": {"resultCode": "AUTH_NOT_FOUND", "resultStatus": "F", "resultMessage": "not found"}})
        } else {
            json!({"result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
                   "captureRequestId": request["captureRequestId"], "captureId": "cap-1", "paymentId": request["paymentId"],
                   "captureAmount": request["captureAmount"], "captureTime": iso8601_utc(std::time::SystemTime::now())})
        };
        let body = reply.to_string();
        let time = iso8601_utc(std::time::SystemTime::now());
        let message = alipay_plus::string_to_sign("POST", path, &client_id, &time, body.as_bytes());
        let signature = wallet.sign(&message).map(|s| alipay_plus::signature_header(&s, 1)).unwrap_or_default();
        (200, vec![("client-id", client_id), ("response-time", time), ("signature", signature)], body)
    }

    fn elepay(&self, path: &str, headers: &hyper::HeaderMap, body: &[u8]) -> Answer {
        let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
        let key = self.elepay_key.as_deref().unwrap_or_default();
        let basic = format!("{key}:");
        let authorized = !key.is_empty()
            && (auth == format!("Bearer {key}")
                || auth.strip_prefix("Basic ").is_some_and(|b| decode_base64(b) == basic));
        let error = |status: u16, code: &str, message: &str| {
            (status, Vec::new(), json!({"errorCode": code, "message": message, "requestId": "req-1"}).to_string())
        };
        if !authorized {
            return error(401, "M004001", "The API key provided is invalid.");
        }
        let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        match path.split('/').collect::<Vec<_>>().as_slice() {
            ["", "charges", "ch_missing", "capture"] => error(400, "M002003", "The requested resource does not exist."),
            ["", "charges", id, "capture"] => {
                let amount = request["amount"].as_i64().unwrap_or(1000);
                let charge = json!({"id": id, "object": "charge", "liveMode": false, "amount": amount, "currency": "JPY",
                                    "paymentMethod": "creditcard", "status": "captured", "paid": true});
                (200, Vec::new(), charge.to_string())
            }
            _ => error(400, "M002003", "The requested resource does not exist."),
        }
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
    } else if path.starts_with("/api/open/v2/") {
        fake.alipay_plus(&path, &headers, &body)
    } else {
        fake.elepay(&path, &headers, &body)
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
    let fake = Arc::new(Fake {
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

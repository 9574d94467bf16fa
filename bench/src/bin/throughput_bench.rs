//! Loopback throughput of the generated LINE Pay client against a hand-written reqwest + HMAC
//! baseline making the identical signed capture call, at 1 and 64 concurrent callers.
//!
//! - `throughput_bench serve 127.0.0.1:PORT` runs the fake LINE Pay server (its own process, so the
//!   clients and the server do not share a scheduler);
//! - `throughput_bench run 127.0.0.1:PORT [SECONDS]` runs the clients against it.
//!
//! bench/throughput.sh runs both, and the npm `line-pay-merchant` client, in one go.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use payspec::linepay::capture::{CaptureInfo, CaptureRequest};
use payspec::linepay::{Currency, TransactionId};
use payspec::runtime::Decimal;
use payspec::runtime::client::{Config, HttpClient, LinePayCredentials};
use ring::rand::{SecureRandom, SystemRandom};

const CHANNEL_ID: &str = "1234567890";
const SECRET: &str = "a-channel-secret-of-32-characters";
const TRANSACTION: &str = "2021121300698360310";
const ANSWER: &str = r#"{"returnCode":"0000","returnMessage":"Success.","info":{"orderId":"order-1","transactionId":2021121300698360310,"payInfo":[{"method":"BALANCE","amount":900},{"method":"DISCOUNT","amount":100}]}}"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addr: SocketAddr = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| "127.0.0.1:18090".parse().unwrap_or_else(|_| unreachable!()));
    assert!(addr.ip().is_loopback(), "loopback addresses only");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| panic!("{e}"));
    match args.get(1).map(String::as_str) {
        Some("serve") => runtime.block_on(serve(addr)),
        Some("run") => {
            let seconds = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(3);
            runtime.block_on(run(addr, Duration::from_secs(seconds)));
        }
        _ => eprintln!("usage: throughput_bench serve|run 127.0.0.1:PORT [SECONDS]"),
    }
}

async fn serve(addr: SocketAddr) {
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap_or_else(|e| panic!("{addr}: {e}"));
    eprintln!("fake LINE Pay capture on http://{addr}");
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        tokio::spawn(async move {
            let service = hyper::service::service_fn(|request: hyper::Request<Incoming>| async move {
                // Read the whole body, as a real server would, then answer the documented success.
                let _ = request.into_body().collect().await;
                let response = hyper::Response::builder()
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from_static(ANSWER.as_bytes())))
                    .unwrap_or_default();
                Ok::<_, Infallible>(response)
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
        });
    }
}

/// The hand-written call: serde body, HMAC-SHA256 with ring, reqwest, serde decode.
#[derive(Clone)]
struct Baseline {
    http: reqwest::Client,
    base: String,
    key: ring::hmac::Key,
}

#[derive(serde::Serialize)]
struct Body<'a> {
    amount: u64,
    currency: &'a str,
}

#[derive(serde::Deserialize)]
struct Answer {
    #[serde(rename = "returnCode")]
    return_code: String,
    info: Option<Info>,
}

/// The same fields the generated `CaptureInfo` decodes, as a hand-written client would type them.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Info {
    #[serde(rename = "transactionId")]
    transaction_id: u64,
    #[serde(rename = "orderId")]
    order_id: String,
    #[serde(rename = "payInfo")]
    pay_info: Vec<PayInfo>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct PayInfo {
    method: String,
    amount: f64,
}

impl Baseline {
    async fn capture(&self) -> bool {
        let path = format!("/v3/payments/authorizations/{TRANSACTION}/capture");
        let body = serde_json::to_vec(&Body { amount: 1000, currency: "TWD" }).unwrap_or_default();
        let mut bytes = [0u8; 16];
        let _ = SystemRandom::new().fill(&mut bytes);
        let nonce: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut message = Vec::with_capacity(SECRET.len() + path.len() + body.len() + nonce.len());
        for part in [SECRET.as_bytes(), path.as_bytes(), &body, nonce.as_bytes()] {
            message.extend_from_slice(part);
        }
        let signature =
            base64::engine::general_purpose::STANDARD.encode(ring::hmac::sign(&self.key, &message).as_ref());
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .header("x-line-channelid", CHANNEL_ID)
            .header("x-line-authorization-nonce", nonce)
            .header("x-line-authorization", signature)
            .timeout(Duration::from_secs(60))
            .body(body)
            .send()
            .await;
        let Ok(response) = response else { return false };
        let Ok(bytes) = response.bytes().await else { return false };
        serde_json::from_slice::<Answer>(&bytes).is_ok_and(|a| a.return_code == "0000" && a.info.is_some())
    }
}

async fn payspec_capture(client: &payspec::linepay::Client, id: &TransactionId) -> bool {
    let request = CaptureRequest::new(Decimal::from_i64(1000), Currency::Twd);
    client.capture(id, &request).await.is_ok_and(|info: CaptureInfo| info.transaction_id == *id)
}

/// Calls per second with `callers` concurrent callers looping for `duration`.
async fn rate<F, Fut>(callers: usize, duration: Duration, call: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let deadline = Instant::now() + duration;
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..callers {
        let call = call.clone();
        set.spawn(async move {
            let mut done = 0u64;
            while Instant::now() < deadline {
                assert!(call().await, "a call failed");
                done += 1;
            }
            done
        });
    }
    let mut total = 0;
    while let Some(done) = set.join_next().await {
        total += done.unwrap_or_else(|e| panic!("{e}"));
    }
    total as f64 / start.elapsed().as_secs_f64()
}

async fn run(addr: SocketAddr, duration: Duration) {
    let base = format!("http://{addr}");
    let builder = || HttpClient::builder().unwrap_or_else(|e| panic!("{e}"));
    let http = HttpClient::from_builder(builder()).unwrap_or_else(|e| panic!("{e}"));
    let config = Config::new(base.clone(), LinePayCredentials::new(CHANNEL_ID, SECRET)).http_client(http);
    let client = payspec::linepay::Client::new(config).unwrap_or_else(|e| panic!("{e}"));
    let id: TransactionId = TRANSACTION.parse().unwrap_or_else(|e| panic!("{e}"));
    let baseline = Baseline {
        http: builder().build().unwrap_or_else(|e| panic!("{e}")),
        base,
        key: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET.as_bytes()),
    };
    println!(
        "loopback throughput, {} s per run, median of 6 runs each, alternating which goes first (calls/s)\n",
        duration.as_secs()
    );
    for callers in [1, 64] {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        // Alternate which client goes first, so neither always runs right after the other.
        for round in 0..6 {
            let (c, i, b) = (client.clone(), id.clone(), baseline.clone());
            let payspec = rate(callers, duration, move || {
                let (c, i) = (c.clone(), i.clone());
                async move { payspec_capture(&c, &i).await }
            });
            let hand_written = rate(callers, duration, move || {
                let b = b.clone();
                async move { b.capture().await }
            });
            if round % 2 == 0 {
                ours.push(payspec.await);
                theirs.push(hand_written.await);
            } else {
                theirs.push(hand_written.await);
                ours.push(payspec.await);
            }
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (ours, theirs) = (median(&mut ours), median(&mut theirs));
        let ratio = ours / theirs;
        payspec_bench::report(&format!("{callers:>2} caller(s): payspec"), &format!("{ours:.0}/s"), "-", true);
        payspec_bench::report(
            &format!("{callers:>2} caller(s): hand-written baseline"),
            &format!("{theirs:.0}/s"),
            "-",
            true,
        );
        payspec_bench::report(
            &format!("{callers:>2} caller(s): payspec / baseline"),
            &format!("{ratio:.3}"),
            ">= 0.95",
            ratio >= 0.95,
        );
    }
}

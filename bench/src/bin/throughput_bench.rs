//! Loopback throughput and per-call instructions of the generated clients against hand-written
//! reqwest baselines making the identical signed call: a LINE Pay capture (HMAC-SHA256), an Alipay+
//! capture (RSA-2048, response signature verified) and an elepay charge capture (Bearer key).
//!
//! - `throughput_bench serve 127.0.0.1:PORT` runs the fake server for all three providers (its own
//!   process, so the clients and the server share no scheduler and no instruction count);
//! - `throughput_bench run 127.0.0.1:PORT [SECONDS] [PROVIDER...]` runs the clients against it at 1 and
//!   64 callers, interleaved, and prints the medians with their spread;
//! - `throughput_bench calls 127.0.0.1:PORT PROVIDER CLIENT N` makes one warm-up call and then N calls
//!   one after the other (CLIENT `payspec` or `baseline`), for `valgrind --tool=callgrind`: the
//!   difference between N and 2N calls, divided by N, is the instructions of one call.
//!
//! bench/throughput.sh and bench/instructions.sh run them.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use payspec::linepay::{Currency, TransactionId};
use payspec::runtime::Decimal;
use payspec::runtime::client::{
    AlipayPlusCredentials, Config, ElepayCredentials, HttpClient, LinePayCredentials, UnsignedResponses,
};
use payspec::runtime::signing::alipay_plus;
use payspec_bench::Spread;
use ring::rand::{SecureRandom, SystemRandom};

const CHANNEL_ID: &str = "1234567890";
const SECRET: &str = "a-channel-secret-of-32-characters";
const TRANSACTION: &str = "2021121300698360310";
const LINE_PAY_ANSWER: &str = r#"{"returnCode":"0000","returnMessage":"Success.","info":{"orderId":"order-1","transactionId":2021121300698360310,"payInfo":[{"method":"BALANCE","amount":900},{"method":"DISCOUNT","amount":100}]}}"#;

const ALIPAY_CLIENT_ID: &str = "2022091234567890";
const ALIPAY_PATH: &str = "/v2/payments/capture";
const ALIPAY_RESPONSE_TIME: &str = "2024-05-01T12:08:56.253+08:00";
const ALIPAY_ANSWER: &str = r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"captureRequestId":"capture-1","captureId":"201231231313123167","paymentId":"20191127190741010007013213156","captureAmount":{"currency":"USD","value":"100"},"captureTime":"2021-06-08T12:12:12+08:00"}"#;
/// The benchmark signs with the runtime's test key pair both ways: the fake signs its (fixed) answer
/// once at start-up, as freshness is not checked.
const PRIVATE_PEM: &str = include_str!("../../../runtime/tests/vectors/test_private_pkcs8.pem");
const PUBLIC_PEM: &str = include_str!("../../../runtime/tests/vectors/test_public_spki.pem");

const ELEPAY_KEY: &str = "sk_test_bench_Hk42pLmQ9rTz";
const CHARGE: &str = "cha_9a8b7c";
const ELEPAY_ANSWER: &str = r#"{"id":"cha_9a8b7c","object":"charge","liveMode":false,"amount":800,"authorizeAmount":1000,"currency":"JPY","authorize":true,"paymentMethod":"creditcard","resource":"web","orderNo":"order-42","extra":{"note":"partial"},"status":"captured","paid":true,"refunded":false,"paidTime":1714550400000,"createTime":1714540000000,"cardInfo":{"brand":"visa","last4":"4242"}}"#;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Provider {
    LinePay,
    AlipayPlus,
    Elepay,
}

impl Provider {
    const ALL: [Provider; 3] = [Provider::LinePay, Provider::AlipayPlus, Provider::Elepay];

    fn name(self) -> &'static str {
        match self {
            Provider::LinePay => "linepay",
            Provider::AlipayPlus => "alipayplus",
            Provider::Elepay => "elepay",
        }
    }

    fn parse(name: &str) -> Provider {
        Provider::ALL.into_iter().find(|p| p.name() == name).unwrap_or_else(|| panic!("unknown provider {name}"))
    }
}

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
            let providers: Vec<Provider> = match args.get(4..) {
                Some(names) if !names.is_empty() => names.iter().map(|n| Provider::parse(n)).collect(),
                _ => Provider::ALL.to_vec(),
            };
            runtime.block_on(run(addr, Duration::from_secs(seconds), &providers));
        }
        Some("calls") => {
            let provider = Provider::parse(args.get(3).map_or("linepay", String::as_str));
            let which = args.get(4).map_or("payspec", String::as_str);
            let n: u64 = args.get(5).and_then(|s| s.parse().ok()).unwrap_or(100);
            runtime.block_on(calls(addr, provider, which, n));
        }
        _ => eprintln!(
            "usage: throughput_bench serve ADDR | run ADDR [SECONDS] [PROVIDER...] | calls ADDR PROVIDER payspec|baseline N"
        ),
    }
}

// ---------------------------------------------------------------------------------------------------
// The fake server
// ---------------------------------------------------------------------------------------------------

struct Answers {
    alipay_signature: String,
}

async fn serve(addr: SocketAddr) {
    let key = alipay_plus::PrivateKey::from_pem_or_base64(PRIVATE_PEM).unwrap_or_else(|e| panic!("{e}"));
    let message = alipay_plus::string_to_sign(
        "POST",
        ALIPAY_PATH,
        ALIPAY_CLIENT_ID,
        ALIPAY_RESPONSE_TIME,
        ALIPAY_ANSWER.as_bytes(),
    );
    let signature = key.sign(&message).unwrap_or_else(|e| panic!("{e}"));
    let answers = Arc::new(Answers { alipay_signature: alipay_plus::signature_header(&signature, 1) });
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap_or_else(|e| panic!("{addr}: {e}"));
    eprintln!("fake LINE Pay, Alipay+ and elepay captures on http://{addr}");
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let answers = answers.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let answers = answers.clone();
                async move {
                    let path = request.uri().path().to_owned();
                    // Read the whole body, as a real server would, then answer the documented success.
                    let _ = request.into_body().collect().await;
                    let builder = hyper::Response::builder().header("content-type", "application/json");
                    let (builder, body) = if path.starts_with("/v3/") {
                        (builder, LINE_PAY_ANSWER)
                    } else if path == ALIPAY_PATH {
                        let builder = builder
                            .header("client-id", ALIPAY_CLIENT_ID)
                            .header("response-time", ALIPAY_RESPONSE_TIME)
                            .header("signature", answers.alipay_signature.as_str());
                        (builder, ALIPAY_ANSWER)
                    } else {
                        (builder, ELEPAY_ANSWER)
                    };
                    let response = builder.body(Full::new(Bytes::from_static(body.as_bytes()))).unwrap_or_default();
                    Ok::<_, Infallible>(response)
                }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
        });
    }
}

// ---------------------------------------------------------------------------------------------------
// The hand-written baselines: what an application would write with reqwest, serde and ring
// ---------------------------------------------------------------------------------------------------

/// LINE Pay: serde body, HMAC-SHA256 with ring, reqwest, serde decode.
#[derive(Clone)]
struct LinePayBaseline {
    http: reqwest::Client,
    base: String,
    key: ring::hmac::Key,
}

#[derive(serde::Serialize)]
struct LinePayBody<'a> {
    amount: u64,
    currency: &'a str,
}

#[derive(serde::Deserialize)]
struct LinePayAnswer {
    #[serde(rename = "returnCode")]
    return_code: String,
    info: Option<LinePayInfo>,
}

/// The same fields the generated `CaptureInfo` decodes, as a hand-written client would type them.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct LinePayInfo {
    #[serde(rename = "transactionId")]
    transaction_id: u64,
    #[serde(rename = "orderId")]
    order_id: String,
    #[serde(rename = "payInfo")]
    pay_info: Vec<LinePayPayInfo>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct LinePayPayInfo {
    method: String,
    amount: f64,
}

impl LinePayBaseline {
    async fn capture(&self) -> bool {
        let path = format!("/v3/payments/authorizations/{TRANSACTION}/capture");
        let body = serde_json::to_vec(&LinePayBody { amount: 1000, currency: "TWD" }).unwrap_or_default();
        let mut bytes = [0u8; 16];
        let _ = SystemRandom::new().fill(&mut bytes);
        let nonce: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut message = Vec::with_capacity(SECRET.len() + path.len() + body.len() + nonce.len());
        for part in [SECRET.as_bytes(), path.as_bytes(), &body, nonce.as_bytes()] {
            message.extend_from_slice(part);
        }
        let signature = STANDARD.encode(ring::hmac::sign(&self.key, &message).as_ref());
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
        serde_json::from_slice::<LinePayAnswer>(&bytes).is_ok_and(|a| a.return_code == "0000" && a.info.is_some())
    }
}

/// Alipay+: serde body, RSA-2048 PKCS#1 v1.5 SHA-256 with ring both ways, reqwest, serde decode.
#[derive(Clone)]
struct AlipayBaseline {
    http: reqwest::Client,
    base: String,
    key: Arc<ring::rsa::KeyPair>,
    wallet_key: Arc<Vec<u8>>,
}

#[derive(serde::Serialize)]
struct AlipayBody<'a> {
    #[serde(rename = "captureRequestId")]
    capture_request_id: &'a str,
    #[serde(rename = "paymentId")]
    payment_id: &'a str,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct AlipayAnswer {
    result: AlipayResult,
    #[serde(rename = "captureRequestId")]
    capture_request_id: Option<String>,
    #[serde(rename = "captureId")]
    capture_id: Option<String>,
    #[serde(rename = "paymentId")]
    payment_id: Option<String>,
    #[serde(rename = "captureAmount")]
    capture_amount: Option<AlipayAmount>,
    #[serde(rename = "captureTime")]
    capture_time: Option<String>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct AlipayResult {
    #[serde(rename = "resultCode")]
    result_code: String,
    #[serde(rename = "resultStatus")]
    result_status: String,
    #[serde(rename = "resultMessage")]
    result_message: Option<String>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct AlipayAmount {
    currency: String,
    value: String,
}

/// Percent-encodes Base64 for the `Signature` header (`+`, `/`, `=`).
fn alipay_escape(base64: &str) -> String {
    base64.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
}

impl AlipayBaseline {
    async fn capture(&self) -> bool {
        let body = serde_json::to_vec(&AlipayBody { capture_request_id: "capture-1", payment_id: "payment-1" })
            .unwrap_or_default();
        let time = payspec::runtime::time::iso8601_utc(std::time::SystemTime::now());
        let mut message = format!("POST {ALIPAY_PATH}\n{ALIPAY_CLIENT_ID}.{time}.").into_bytes();
        message.extend_from_slice(&body);
        let mut signature = vec![0; self.key.public().modulus_len()];
        if self.key.sign(&ring::signature::RSA_PKCS1_SHA256, &SystemRandom::new(), &message, &mut signature).is_err() {
            return false;
        }
        let header =
            format!("algorithm=RSA256, keyVersion=1, signature={}", alipay_escape(&STANDARD.encode(signature)));
        let response = self
            .http
            .post(format!("{}{ALIPAY_PATH}", self.base))
            .header("content-type", "application/json; charset=UTF-8")
            .header("client-id", ALIPAY_CLIENT_ID)
            .header("request-time", time)
            .header("signature", header)
            .timeout(Duration::from_secs(30))
            .body(body)
            .send()
            .await;
        let Ok(response) = response else { return false };
        let headers = response.headers().clone();
        let Ok(bytes) = response.bytes().await else { return false };
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let (Some(signature), Some(client), Some(time)) = (text("signature"), text("client-id"), text("response-time"))
        else {
            return false;
        };
        let Some(encoded) = signature.split(", ").find_map(|e| e.strip_prefix("signature=")) else { return false };
        let decoded = encoded.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=");
        let Ok(signature) = STANDARD.decode(decoded) else { return false };
        let mut message = format!("POST {ALIPAY_PATH}\n{client}.{time}.").into_bytes();
        message.extend_from_slice(&bytes);
        let key =
            ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, &*self.wallet_key);
        if client != ALIPAY_CLIENT_ID || key.verify(&message, &signature).is_err() {
            return false;
        }
        serde_json::from_slice::<AlipayAnswer>(&bytes).is_ok_and(|a| a.result.result_status == "S")
    }
}

/// elepay: serde body, Bearer key, reqwest, serde decode of the charge.
#[derive(Clone)]
struct ElepayBaseline {
    http: reqwest::Client,
    base: String,
}

#[derive(serde::Serialize)]
struct ElepayBody {
    amount: i64,
}

/// The charge fields of the answer, as a hand-written client would type them.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct ElepayCharge {
    id: Option<String>,
    object: Option<String>,
    live_mode: Option<bool>,
    amount: Option<i64>,
    authorize_amount: Option<i64>,
    currency: Option<String>,
    authorize: Option<bool>,
    payment_method: Option<String>,
    resource: Option<String>,
    order_no: Option<String>,
    #[serde(default)]
    extra: std::collections::BTreeMap<String, String>,
    status: Option<String>,
    paid: Option<bool>,
    refunded: Option<bool>,
    paid_time: Option<i64>,
    create_time: Option<i64>,
    card_info: Option<ElepayCard>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct ElepayCard {
    brand: Option<String>,
    last4: Option<String>,
}

impl ElepayBaseline {
    async fn capture(&self) -> bool {
        let body = serde_json::to_vec(&ElepayBody { amount: 800 }).unwrap_or_default();
        let response = self
            .http
            .post(format!("{}/charges/{CHARGE}/capture", self.base))
            .header("authorization", format!("Bearer {ELEPAY_KEY}"))
            .header("content-type", "application/json")
            .timeout(Duration::from_secs(30))
            .body(body)
            .send()
            .await;
        let Ok(response) = response else { return false };
        if !response.status().is_success() {
            return false;
        }
        let Ok(bytes) = response.bytes().await else { return false };
        serde_json::from_slice::<ElepayCharge>(&bytes).is_ok_and(|c| c.id.as_deref() == Some(CHARGE))
    }
}

// ---------------------------------------------------------------------------------------------------
// Both clients of each provider
// ---------------------------------------------------------------------------------------------------

#[derive(Clone)]
enum Caller {
    LinePay(payspec::linepay::Client, TransactionId),
    LinePayBaseline(LinePayBaseline),
    AlipayPlus(payspec::alipayplus::Client),
    AlipayBaseline(AlipayBaseline),
    Elepay(payspec::elepay::Client),
    ElepayBaseline(ElepayBaseline),
}

impl Caller {
    async fn call(&self) -> bool {
        match self {
            Caller::LinePay(client, id) => {
                let request = payspec::linepay::capture::CaptureRequest::new(Decimal::from_i64(1000), Currency::Twd);
                client.capture(id, &request).await.is_ok_and(|info| info.transaction_id == *id)
            }
            Caller::LinePayBaseline(b) => b.capture().await,
            Caller::AlipayPlus(client) => {
                let request = payspec::alipayplus::capture::CaptureRequest::new("capture-1", "payment-1");
                client.capture(&request).await.is_ok_and(|r| r.capture_id.is_some())
            }
            Caller::AlipayBaseline(b) => b.capture().await,
            Caller::Elepay(client) => {
                let mut request = payspec::elepay::capture_charge::ChargeCaptureRequest::default();
                request.amount = Some(800);
                client.capture_charge(CHARGE, &request).await.is_ok_and(|c| c.id.as_deref() == Some(CHARGE))
            }
            Caller::ElepayBaseline(b) => b.capture().await,
        }
    }
}

fn http() -> reqwest::ClientBuilder {
    HttpClient::builder().unwrap_or_else(|e| panic!("{e}"))
}

/// payspec's client and the baseline for `provider`, both on their own connection pool.
fn callers(addr: SocketAddr, provider: Provider) -> (Caller, Caller) {
    let base = format!("http://{addr}");
    let pool = || HttpClient::from_builder(http()).unwrap_or_else(|e| panic!("{e}"));
    let baseline_http = http().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_else(|e| panic!("{e}"));
    match provider {
        Provider::LinePay => {
            let config = Config::new(base.clone(), LinePayCredentials::new(CHANNEL_ID, SECRET)).http_client(pool());
            let client = payspec::linepay::Client::new(config).unwrap_or_else(|e| panic!("{e}"));
            let id: TransactionId = TRANSACTION.parse().unwrap_or_else(|e| panic!("{e}"));
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, SECRET.as_bytes());
            (Caller::LinePay(client, id), Caller::LinePayBaseline(LinePayBaseline { http: baseline_http, base, key }))
        }
        Provider::AlipayPlus => {
            let private = alipay_plus::PrivateKey::from_pem_or_base64(PRIVATE_PEM).unwrap_or_else(|e| panic!("{e}"));
            let public = alipay_plus::PublicKey::from_pem_or_base64(PUBLIC_PEM).unwrap_or_else(|e| panic!("{e}"));
            let mut credentials = AlipayPlusCredentials::new(ALIPAY_CLIENT_ID, private, public);
            credentials.unsigned_responses = UnsignedResponses::Reject;
            let config = Config::new(base.clone(), credentials).http_client(pool());
            let client = payspec::alipayplus::Client::new(config).unwrap_or_else(|e| panic!("{e}"));
            let der = pem_der(PRIVATE_PEM);
            let key = ring::rsa::KeyPair::from_pkcs8(&der).unwrap_or_else(|e| panic!("{e}"));
            let wallet_key = spki_rsa_public_key(&pem_der(PUBLIC_PEM));
            let baseline =
                AlipayBaseline { http: baseline_http, base, key: Arc::new(key), wallet_key: Arc::new(wallet_key) };
            (Caller::AlipayPlus(client), Caller::AlipayBaseline(baseline))
        }
        Provider::Elepay => {
            let config = Config::new(base.clone(), ElepayCredentials::new(ELEPAY_KEY)).http_client(pool());
            let client = payspec::elepay::Client::new(config).unwrap_or_else(|e| panic!("{e}"));
            (Caller::Elepay(client), Caller::ElepayBaseline(ElepayBaseline { http: baseline_http, base }))
        }
    }
}

fn pem_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).unwrap_or_else(|e| panic!("{e}"))
}

/// The PKCS#1 `RSAPublicKey` inside a 2048-bit key's `SubjectPublicKeyInfo`: the BIT STRING is its
/// last 270 bytes (`30 82 01 0a ...`), after the unused-bits byte.
fn spki_rsa_public_key(spki: &[u8]) -> Vec<u8> {
    let start = spki.windows(4).position(|w| w == [0x30, 0x82, 0x01, 0x0a]).unwrap_or_else(|| panic!("not RSA-2048"));
    spki[start..].to_vec()
}

/// One warm-up call (the connection), then `n` calls one after the other.
async fn calls(addr: SocketAddr, provider: Provider, which: &str, n: u64) {
    let (payspec, baseline) = callers(addr, provider);
    let caller = if which == "baseline" { baseline } else { payspec };
    assert!(caller.call().await, "the warm-up call failed");
    for _ in 0..n {
        assert!(std::hint::black_box(caller.call().await), "a call failed");
    }
}

/// Calls per second with `callers` concurrent callers looping for `duration`.
async fn rate(callers: usize, duration: Duration, caller: &Caller) -> f64 {
    let deadline = Instant::now() + duration;
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..callers {
        let caller = caller.clone();
        set.spawn(async move {
            let mut done = 0u64;
            while Instant::now() < deadline {
                assert!(caller.call().await, "a call failed");
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

/// `median (min-max)` of some rates.
fn summary(rates: Vec<f64>) -> String {
    let s = Spread::of(rates);
    format!("{:.0}/s ({:.0}-{:.0})", s.median, s.min, s.max)
}

const ROUNDS: usize = 6;

async fn run(addr: SocketAddr, duration: Duration, providers: &[Provider]) {
    println!(
        "loopback throughput, {} s per run, {ROUNDS} runs of each client alternating which goes first: median \
         (min-max) calls/s; ratio: median of the per-round ratios\n",
        duration.as_secs()
    );
    for &provider in providers {
        let (payspec, baseline) = callers(addr, provider);
        for callers in [1, 64] {
            let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            // Alternate which client goes first, so neither always runs right after the other.
            for round in 0..ROUNDS {
                let (a, b) = if round % 2 == 0 {
                    let a = rate(callers, duration, &payspec).await;
                    (a, rate(callers, duration, &baseline).await)
                } else {
                    let b = rate(callers, duration, &baseline).await;
                    (rate(callers, duration, &payspec).await, b)
                };
                ours.push(a);
                theirs.push(b);
                ratios.push(a / b);
            }
            let name = provider.name();
            let (ours, theirs) = (summary(ours), summary(theirs));
            let ratio = Spread::of(ratios);
            let spread = format!("{:.3} ({:.3}-{:.3})", ratio.median, ratio.min, ratio.max);
            payspec_bench::report(&format!("{name} {callers:>2} caller(s): payspec"), &ours, "-", true);
            payspec_bench::report(&format!("{name} {callers:>2} caller(s): hand-written"), &theirs, "-", true);
            payspec_bench::report(
                &format!("{name} {callers:>2} caller(s): payspec / hand-written"),
                &spread,
                ">= 1.0",
                ratio.median >= 1.0,
            );
        }
    }
}

//! Fake LINE Pay, Alipay+ and elepay servers for the end-to-end tests.
//!
//! A [`FakeServer`] listens on `127.0.0.1:0`, records every request (method, raw path, raw query,
//! headers, body bytes and the outcome of its own authentication check) and answers from a closure or
//! from a queue of canned [`Response`]s. It serves until dropped; dropping it aborts the accept loop and
//! every open connection.
//!
//! How the fakes check signatures. None of this shares code with the client, which signs with `ring`:
//!
//! - LINE Pay: with the `hmac` and `sha2` crates, the fake computes
//!   `Base64(HMAC-SHA256(key = secret, secret + path + payload + nonce))`, where `path` is the raw path
//!   it received, `payload` the raw body for POST or the raw query string (without `?`) for GET, and
//!   `nonce` the received `X-LINE-Authorization-Nonce`, and compares it with `X-LINE-Authorization`.
//!   It also requires `X-LINE-ChannelId` to be the channel id, `Content-Type: application/json`, and a
//!   nonce it has not seen before (a replayed or reused nonce is refused).
//! - Alipay+: the fake parses `Signature: algorithm=RSA256, keyVersion=N, signature=<url-encoded
//!   Base64>` itself, percent-decodes and Base64-decodes the signature and verifies it with the `rsa`
//!   crate (PKCS#1 v1.5, SHA-256) and the merchant's public key over
//!   `<METHOD> <received path>\n<Client-Id>.<Request-Time>.<body>`. The received path is the full path,
//!   with the base URL's prefix. It also checks `Client-Id`, `keyVersion` and the JSON content type.
//!   Responses are signed with the wallet's private key over
//!   `<METHOD> <received path>\n<Client-Id>.<Response-Time>.<body>` and carry `Client-Id`,
//!   `Response-Time` and `Signature`, unless the canned response asks to be unsigned or wrongly signed.
//! - elepay: `Authorization` must be exactly `Bearer <key>` or `Basic base64(<key>:)`, whichever the
//!   fake was built for.
//!
//! A request that fails the check is recorded with the reason and answered with the provider's own
//! authentication error (LINE Pay `1106`, a signed Alipay+ `SIGNATURE_INVALID`, elepay 401 `M004001`);
//! the responder is not consulted and no canned response is used up. A signing bug therefore turns a
//! success test into a provider error, and tests can also assert [`Request::auth`] directly.

#![allow(dead_code)] // each test file uses a part of the harness

use std::collections::{HashMap, HashSet, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use payspec::runtime::ValidationError;
use payspec::runtime::client::{
    AlipayPlusCredentials, Config, ElepayCredentials, Error, ErrorKind, LinePayCredentials, ProviderError,
    TransportErrorKind, UndecodableResponse,
};
use payspec::runtime::handlers::LinePayRecovery;
use payspec::runtime::signing::alipay_plus::{PrivateKey, PublicKey};

// ---------------------------------------------------------------------------------------------------
// Test credentials and keys
// ---------------------------------------------------------------------------------------------------

pub const CHANNEL_ID: &str = "1234567890";
/// Distinctive, so that a leak into any output is found by a plain substring search.
pub const CHANNEL_SECRET: &str = "e2e-channel-secret-Zq81xVw3";
pub const ALIPAY_CLIENT_ID: &str = "2022091234567890";
pub const ELEPAY_KEY: &str = "sk_test_e2e_Hk42pLmQ9rTz";

/// The merchant's test key pair (signs Alipay+ requests).
pub const MERCHANT_PRIVATE_PEM: &str = include_str!("../../../runtime/tests/vectors/test_private_pkcs8.pem");
pub const MERCHANT_PUBLIC_PEM: &str = include_str!("../../../runtime/tests/vectors/test_public_spki.pem");
/// The fake wallet's test key pair (signs Alipay+ responses).
pub const WALLET_PRIVATE_PEM: &str = include_str!("../../data/test_wallet_private_pkcs8.pem");
pub const WALLET_PUBLIC_PEM: &str = include_str!("../../data/test_wallet_public_spki.pem");

/// The longest delay a canned response may ask for, so that every test stays bounded in time.
pub const MAX_DELAY: Duration = Duration::from_secs(2);

/// A timeout short enough for the timeout tests, and the delay the fake uses to exceed it.
pub const SHORT_TIMEOUT: Duration = Duration::from_millis(200);
pub const SLOW: Duration = Duration::from_millis(1200);

pub fn linepay_credentials() -> LinePayCredentials {
    LinePayCredentials::new(CHANNEL_ID, CHANNEL_SECRET)
}

pub fn alipay_credentials() -> AlipayPlusCredentials {
    AlipayPlusCredentials::new(
        ALIPAY_CLIENT_ID,
        PrivateKey::from_pem_or_base64(MERCHANT_PRIVATE_PEM).expect("merchant test key"),
        PublicKey::from_pem_or_base64(WALLET_PUBLIC_PEM).expect("wallet test key"),
    )
}

pub fn elepay_credentials() -> ElepayCredentials {
    ElepayCredentials::new(ELEPAY_KEY)
}

pub fn linepay_config(base_url: &str) -> Config<LinePayCredentials> {
    Config::new(base_url, linepay_credentials())
}

pub fn alipay_config(base_url: &str) -> Config<AlipayPlusCredentials> {
    Config::new(base_url, alipay_credentials())
}

pub fn elepay_config(base_url: &str) -> Config<ElepayCredentials> {
    Config::new(base_url, elepay_credentials())
}

/// A base URL on which nothing listens: connecting to it is refused.
///
/// The port is freed on 127.0.0.2, where no fake listens (they all bind 127.0.0.1), so a fake started
/// by a test running in parallel cannot take it over and turn "refused" into a connection.
pub async fn refused_base_url() -> String {
    let listener = TcpListener::bind("127.0.0.2:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    format!("http://{addr}")
}

// ---------------------------------------------------------------------------------------------------
// Recorded requests and canned responses
// ---------------------------------------------------------------------------------------------------

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The raw path, percent-encoding intact.
    pub path: String,
    /// The raw query string without `?`.
    pub query: Option<String>,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The fake's own authentication check: `Err(reason)` when it failed.
    pub auth: Result<(), String>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).expect("the request body is UTF-8")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }

    /// Panics with the fake's reason when the request did not authenticate.
    pub fn assert_authenticated(&self) {
        if let Err(reason) = &self.auth {
            panic!("the fake refused {} {}: {reason}", self.method, self.path);
        }
    }
}

/// How the fake Alipay+ wallet signs a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseSigning {
    /// Signed with the wallet key over the received path and the exact body.
    Signed,
    /// No `Signature` header (and no `Client-Id` / `Response-Time`).
    Unsigned,
    /// A well-formed signature by the wallet key, over a different body.
    WrongSignature,
    /// A valid wallet signature, but for another merchant: this `Client-Id` is sent and signed.
    SignedForClient(&'static str),
}

/// A canned answer.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
    /// Only used by the Alipay+ fake.
    pub signing: ResponseSigning,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
            signing: ResponseSigning::Signed,
        }
    }

    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Response::new(status, "application/json", body.into())
    }

    pub fn html(status: u16, body: impl Into<String>) -> Self {
        Response::new(status, "text/html", body.into())
    }

    /// Waits `delay` (at most [`MAX_DELAY`]) before answering.
    pub fn delayed(mut self, delay: Duration) -> Self {
        assert!(delay <= MAX_DELAY, "delays are bounded to {MAX_DELAY:?}");
        self.delay = delay;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    pub fn unsigned(mut self) -> Self {
        self.signing = ResponseSigning::Unsigned;
        self
    }

    pub fn wrongly_signed(mut self) -> Self {
        self.signing = ResponseSigning::WrongSignature;
        self
    }

    pub fn signed_for_client(mut self, client_id: &'static str) -> Self {
        self.signing = ResponseSigning::SignedForClient(client_id);
        self
    }
}

/// An HTML error page as a gateway in front of the provider sends it.
pub const BAD_GATEWAY_PAGE: &str =
    "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";

/// Canned LINE Pay answers: always HTTP 200 with the `returnCode` envelope. `info` is spliced in as
/// raw JSON text, so 19-digit ids stay bare numbers exactly as written.
pub mod linepay {
    use super::Response;

    pub fn ok(info: &str) -> Response {
        Response::json(200, format!(r#"{{"returnCode":"0000","returnMessage":"Success.","info":{info}}}"#))
    }

    pub fn error(code: &str, message: &str) -> Response {
        let message = serde_json::to_string(message).expect("string");
        Response::json(200, format!(r#"{{"returnCode":"{code}","returnMessage":{message}}}"#))
    }
}

/// Canned Alipay+ answers: a `result` object plus the operation's fields (raw JSON members).
pub mod alipayplus {
    use super::Response;

    pub fn result(status: &str, code: &str, message: &str, fields: &str) -> Response {
        let message = serde_json::to_string(message).expect("string");
        let sep = if fields.is_empty() { "" } else { "," };
        Response::json(
            200,
            format!(
                r#"{{"result":{{"resultCode":"{code}","resultStatus":"{status}","resultMessage":{message}}}{sep}{fields}}}"#
            ),
        )
    }

    pub fn success(fields: &str) -> Response {
        result("S", "SUCCESS", "success", fields)
    }
}

/// Canned elepay answers: the object with a 2xx status, or an error body with a 4xx/5xx status.
pub mod elepay {
    use super::Response;

    pub fn ok(body: &str) -> Response {
        Response::json(200, body)
    }

    pub fn error(status: u16, error_code: &str, message: &str, parameter_name: Option<&str>) -> Response {
        let mut body = serde_json::json!({
            "requestId": "req_e2e_0001",
            "errorCode": error_code,
            "code": "20001",
            "message": message,
        });
        if let Some(name) = parameter_name {
            body["parameterName"] = name.into();
        }
        Response::json(status, body.to_string())
    }
}

// ---------------------------------------------------------------------------------------------------
// Authentication, checked independently of the client
// ---------------------------------------------------------------------------------------------------

/// Which provider the fake plays, with what it needs to check requests and sign responses.
#[derive(Clone)]
pub enum Provider {
    LinePay { channel_id: String, secret: String },
    AlipayPlus { client_id: String, key_version: u32, merchant_key: Box<RsaPublicKey>, wallet_key: Box<RsaPrivateKey> },
    Elepay { authorization: String },
}

impl Provider {
    pub fn linepay() -> Self {
        Provider::LinePay { channel_id: CHANNEL_ID.into(), secret: CHANNEL_SECRET.into() }
    }

    pub fn alipayplus() -> Self {
        Provider::AlipayPlus {
            client_id: ALIPAY_CLIENT_ID.into(),
            key_version: 1,
            merchant_key: Box::new(
                RsaPublicKey::from_public_key_pem(MERCHANT_PUBLIC_PEM).expect("merchant public key"),
            ),
            wallet_key: Box::new(RsaPrivateKey::from_pkcs8_pem(WALLET_PRIVATE_PEM).expect("wallet private key")),
        }
    }

    pub fn elepay_bearer() -> Self {
        Provider::Elepay { authorization: format!("Bearer {ELEPAY_KEY}") }
    }

    pub fn elepay_basic() -> Self {
        Provider::Elepay { authorization: format!("Basic {}", STANDARD.encode(format!("{ELEPAY_KEY}:"))) }
    }

    fn verify(&self, request: &Request, nonces: &Mutex<HashSet<String>>) -> Result<(), String> {
        match self {
            Provider::LinePay { channel_id, secret } => verify_linepay(request, channel_id, secret, nonces),
            Provider::AlipayPlus { client_id, key_version, merchant_key, .. } => {
                verify_alipay(request, client_id, *key_version, merchant_key)
            }
            Provider::Elepay { authorization } => match request.header("authorization") {
                Some(found) if found == authorization => Ok(()),
                Some(_) => Err("wrong Authorization".into()),
                None => Err("no Authorization".into()),
            },
        }
    }

    /// The provider's answer to a request that did not authenticate.
    fn rejection(&self, reason: &str) -> Response {
        let message = format!("fake: {reason}");
        match self {
            Provider::LinePay { .. } => linepay::error("1106", &message),
            Provider::AlipayPlus { .. } => alipayplus::result("F", "SIGNATURE_INVALID", &message, ""),
            Provider::Elepay { .. } => elepay::error(401, "M004001", &message, None),
        }
    }

    /// Adds the response signature where the provider signs responses.
    fn finish(&self, request: &Request, mut response: Response) -> Response {
        let Provider::AlipayPlus { client_id, key_version, wallet_key, .. } = self else { return response };
        let (signed_body, client_id) = match response.signing {
            ResponseSigning::Unsigned => return response,
            ResponseSigning::Signed => (response.body.clone(), client_id.as_str()),
            ResponseSigning::WrongSignature => ([&response.body[..], b" "].concat(), client_id.as_str()),
            ResponseSigning::SignedForClient(other) => (response.body.clone(), other),
        };
        let time = "2024-05-01T12:08:56.253+08:00";
        let signature = alipay_sign(wallet_key, &request.method, &request.path, client_id, time, &signed_body);
        response.headers.push(("client-id".into(), client_id.to_owned()));
        response.headers.push(("response-time".into(), time.into()));
        response.headers.push(("signature".into(), alipay_signature_header(&signature, *key_version)));
        response
    }
}

fn verify_linepay(
    request: &Request,
    channel_id: &str,
    secret: &str,
    nonces: &Mutex<HashSet<String>>,
) -> Result<(), String> {
    if request.header("x-line-channelid") != Some(channel_id) {
        return Err(format!("X-LINE-ChannelId is {:?}", request.header("x-line-channelid")));
    }
    if request.header("content-type") != Some("application/json") {
        return Err(format!("Content-Type is {:?}", request.header("content-type")));
    }
    let nonce = request.header("x-line-authorization-nonce").filter(|n| !n.is_empty()).ok_or("no nonce")?;
    let given = request.header("x-line-authorization").ok_or("no X-LINE-Authorization")?;
    let payload: &[u8] =
        if request.method == "GET" { request.query.as_deref().unwrap_or("").as_bytes() } else { &request.body };
    if linepay_signature(secret, &request.path, payload, nonce) != given {
        return Err("X-LINE-Authorization does not match".into());
    }
    if !nonces.lock().expect("nonces").insert(nonce.to_owned()) {
        return Err(format!("nonce {nonce} was used before"));
    }
    Ok(())
}

/// `Base64(HMAC-SHA256(secret, secret + path + payload + nonce))`, with `hmac` and `sha2`.
pub fn linepay_signature(secret: &str, path: &str, payload: &[u8], nonce: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(secret.as_bytes());
    mac.update(path.as_bytes());
    mac.update(payload);
    mac.update(nonce.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

fn alipay_message(method: &str, path: &str, client_id: &str, time: &str, body: &[u8]) -> Vec<u8> {
    let mut message = format!("{method} {path}\n{client_id}.{time}.").into_bytes();
    message.extend_from_slice(body);
    message
}

/// Signs with the `rsa` crate. An RSA 2048 private-key operation takes ~150 ms in an unoptimized build,
/// so signatures are cached by message (the fake's `Response-Time` is fixed, so repeated answers hit).
fn alipay_sign(key: &RsaPrivateKey, method: &str, path: &str, client_id: &str, time: &str, body: &[u8]) -> String {
    static CACHE: OnceLock<Mutex<HashMap<Vec<u8>, String>>> = OnceLock::new();
    let message = alipay_message(method, path, client_id, time, body);
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(signature) = cache.lock().expect("cache").get(&message) {
        return signature.clone();
    }
    let signing_key = SigningKey::<Sha256>::new(key.clone());
    let signature = STANDARD.encode(signing_key.sign(&message).to_bytes());
    cache.lock().expect("cache").insert(message, signature.clone());
    signature
}

fn alipay_signature_header(signature_base64: &str, key_version: u32) -> String {
    format!(
        "algorithm=RSA256, keyVersion={key_version}, signature={}",
        utf8_percent_encode(signature_base64, NON_ALPHANUMERIC)
    )
}

/// The entries of a `Signature` header, parsed here and not by the client's parser.
pub fn parse_alipay_signature_header(value: &str) -> Result<(String, String, String), String> {
    let (mut algorithm, mut version, mut signature) = (None, None, None);
    for entry in value.split(',') {
        let (name, raw) = entry.trim().split_once('=').ok_or_else(|| format!("entry {entry:?} has no '='"))?;
        let slot = match name {
            "algorithm" => &mut algorithm,
            "keyVersion" => &mut version,
            "signature" => &mut signature,
            other => return Err(format!("unexpected entry {other:?}")),
        };
        if slot.replace(raw.to_owned()).is_some() {
            return Err(format!("repeated entry {name:?}"));
        }
    }
    match (algorithm, version, signature) {
        (Some(a), Some(v), Some(s)) => Ok((a, v, s)),
        _ => Err(format!("incomplete Signature header {value:?}")),
    }
}

fn verify_alipay(request: &Request, client_id: &str, key_version: u32, key: &RsaPublicKey) -> Result<(), String> {
    if request.header("client-id") != Some(client_id) {
        return Err(format!("Client-Id is {:?}", request.header("client-id")));
    }
    let content_type = request.header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err(format!("Content-Type is {content_type:?}"));
    }
    let time = request.header("request-time").filter(|t| !t.is_empty()).ok_or("no Request-Time")?;
    let header = request.header("signature").ok_or("no Signature header")?;
    let (algorithm, version, signature) = parse_alipay_signature_header(header)?;
    if algorithm != "RSA256" {
        return Err(format!("algorithm is {algorithm:?}"));
    }
    if version != key_version.to_string() {
        return Err(format!("keyVersion is {version:?}, expected {key_version}"));
    }
    let base64 = percent_decode_str(&signature).decode_utf8().map_err(|_| "signature is not UTF-8")?;
    let bytes = STANDARD.decode(base64.as_bytes()).map_err(|e| format!("signature is not Base64: {e}"))?;
    let signature = Signature::try_from(&bytes[..]).map_err(|e| format!("malformed signature: {e}"))?;
    let message = alipay_message(&request.method, &request.path, client_id, time, &request.body);
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(&message, &signature)
        .map_err(|_| "the request signature does not verify with the merchant key".to_string())
}

// ---------------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------------

type Responder = dyn Fn(&Request) -> Response + Send + Sync;

struct State {
    provider: Provider,
    responder: Box<Responder>,
    requests: Mutex<Vec<Request>>,
    nonces: Mutex<HashSet<String>>,
}

/// A fake provider on `127.0.0.1`, serving until dropped.
pub struct FakeServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl FakeServer {
    /// Answers every authenticated request with `responder`.
    pub async fn start(provider: Provider, responder: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Self {
        let state = Arc::new(State {
            provider,
            responder: Box::new(responder),
            requests: Mutex::new(Vec::new()),
            nonces: Mutex::new(HashSet::new()),
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let served = state.clone();
        let task = tokio::spawn(async move {
            // Dropping the set (when this task is aborted) aborts every connection task.
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let state = served.clone();
                connections.spawn(async move {
                    let service = service_fn(move |request| answer(state.clone(), request));
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
                while connections.try_join_next().is_some() {}
            }
        });
        FakeServer { addr, state, task }
    }

    /// Answers authenticated requests with `responses` in order; once they are used up, with a 500
    /// that no client decodes as success.
    pub async fn queue(provider: Provider, responses: Vec<Response>) -> Self {
        let queue = Mutex::new(VecDeque::from(responses));
        FakeServer::start(provider, move |_| {
            queue
                .lock()
                .expect("queue")
                .pop_front()
                .unwrap_or_else(|| Response::new(500, "text/plain", "fake: no canned response left"))
        })
        .await
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.requests.lock().expect("requests").clone()
    }

    pub fn count(&self) -> usize {
        self.state.requests.lock().expect("requests").len()
    }

    /// The only request received; panics unless there was exactly one.
    pub fn single_request(&self) -> Request {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
        requests.into_iter().next().expect("one request")
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    state: Arc<State>,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    };
    let mut request = Request {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect(),
        body,
        auth: Ok(()),
    };
    request.auth = state.provider.verify(&request, &state.nonces);
    state.requests.lock().expect("requests").push(request.clone());
    let response = match &request.auth {
        Ok(()) => (state.responder)(&request),
        Err(reason) => state.provider.rejection(reason),
    };
    // Signed before the delay, so that a delay is the time the client waits, whatever signing costs.
    let response = state.provider.finish(&request, response);
    if !response.delay.is_zero() {
        tokio::time::sleep(response.delay.min(MAX_DELAY)).await;
    }
    let mut builder = hyper::Response::builder().status(response.status);
    for (name, value) in &response.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    Ok(builder.body(Full::new(Bytes::from(response.body))).expect("a valid canned response"))
}

// ---------------------------------------------------------------------------------------------------
// Looking into errors
// ---------------------------------------------------------------------------------------------------

/// The provider error inside `err`; panics on any other kind.
pub fn provider_error<E: std::fmt::Debug>(err: &Error<E>) -> &ProviderError<E> {
    match err.kind() {
        ErrorKind::Provider(p) => p,
        other => panic!("expected a provider error, got {other:?}"),
    }
}

/// The undecodable response inside `err`; panics on any other kind.
pub fn undecodable<E: std::fmt::Debug>(err: &Error<E>) -> &UndecodableResponse {
    match err.kind() {
        ErrorKind::Undecodable(u) => u,
        other => panic!("expected an undecodable response, got {other:?}"),
    }
}

/// The transport error kind inside `err`; panics on any other kind.
pub fn transport_kind<E: std::fmt::Debug>(err: &Error<E>) -> TransportErrorKind {
    match err.kind() {
        ErrorKind::Transport(t) => t.kind,
        other => panic!("expected a transport error, got {other:?}"),
    }
}

/// The validation error inside `err`; panics on any other kind.
pub fn validation<E: std::fmt::Debug>(err: &Error<E>) -> &ValidationError {
    match err.kind() {
        ErrorKind::Validation(v) => v,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// The reason of a bad-signature error; panics on any other kind.
pub fn bad_signature<E: std::fmt::Debug>(err: &Error<E>) -> &str {
    match err.kind() {
        ErrorKind::BadSignature(reason) => reason,
        other => panic!("expected a bad signature, got {other:?}"),
    }
}

/// Runs `flow`, failing the test if it takes longer than `limit`.
pub async fn bounded<T>(limit: Duration, flow: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, flow).await.expect("the flow finishes within its time bound")
}

// ---------------------------------------------------------------------------------------------------
// payspec-mock, checked by the harness
// ---------------------------------------------------------------------------------------------------

/// payspec-mock with the harness's credentials and keys, so that the harness can check what the mock
/// received with its own implementations.
pub fn mock_options() -> payspec_mock::Options {
    payspec_mock::Options {
        linepay_channel_id: CHANNEL_ID.into(),
        linepay_channel_secret: CHANNEL_SECRET.into(),
        alipayplus_client_id: ALIPAY_CLIENT_ID.into(),
        alipayplus_merchant_public_key: MERCHANT_PUBLIC_PEM.into(),
        alipayplus_wallet_private_key: WALLET_PRIVATE_PEM.into(),
        elepay_secret_key: ELEPAY_KEY.into(),
        ..payspec_mock::Options::default()
    }
}

/// Checks every call the mock recorded with the harness's own implementations (RustCrypto `hmac`,
/// `sha2`, `rsa`), independently of both the client and the mock, which use `ring`: the request's
/// signature (LINE Pay nonces must not repeat), and for Alipay+ the wallet signature on the answer.
/// Returns how many calls were checked.
pub fn assert_signed_independently(provider: &Provider, exchanges: &[payspec_mock::Exchange]) -> usize {
    let nonces = Mutex::new(HashSet::new());
    for e in exchanges {
        let request = Request {
            method: e.method.clone(),
            path: e.path.clone(),
            query: Some(e.query.clone()),
            headers: e.headers.clone(),
            body: e.body.clone(),
            auth: Ok(()),
        };
        if let Err(reason) = provider.verify(&request, &nonces) {
            panic!("the harness refuses {} {}: {reason}", e.method, e.path);
        }
        assert!(e.is_authenticated(), "the mock refused {} {}: {:?}", e.method, e.path, e.authenticated);
        if let (Provider::AlipayPlus { client_id, .. }, Some(reply)) = (provider, &e.reply) {
            let header = |name: &str| reply.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
            assert_eq!(header("client-id"), Some(client_id.as_str()), "the answer names the client");
            let time = header("response-time").expect("a Response-Time");
            let (_, _, signature) = parse_alipay_signature_header(header("signature").expect("a signed answer"))
                .expect("a Signature header");
            let base64 = percent_decode_str(&signature).decode_utf8().expect("UTF-8");
            let bytes = STANDARD.decode(base64.as_bytes()).expect("Base64");
            let signature = Signature::try_from(&bytes[..]).expect("a signature");
            let key = RsaPublicKey::from_public_key_pem(WALLET_PUBLIC_PEM).expect("wallet key");
            let message = alipay_message(&e.method, &e.path, client_id, time, &reply.body);
            VerifyingKey::<Sha256>::new(key).verify(&message, &signature).expect("the answer's wallet signature");
        }
    }
    exchanges.len()
}

/// LINE Pay recovery that gives up after 300 ms, looking every 20-80 ms: a test's own window.
pub fn quick_recovery() -> LinePayRecovery {
    LinePayRecovery::default()
        .lookup_window(Duration::from_millis(300))
        .lookup_backoff(Duration::from_millis(20), Duration::from_millis(80))
}

//! The harness of the inbound tests: a merchant server on 127.0.0.1 that mounts a receiver on plain
//! hyper (as an application would), records what it received, and answers as the receiver says; a
//! raw HTTP/1.1 sender that puts exact bytes on the wire; and an Alipay+ signer and verifier written
//! with RustCrypto's `rsa`, independent of the runtime's ring-based code.

#![allow(dead_code)] // Each test file uses part of the harness.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use payspec::runtime::inbound::{Rejected, Request, Response};

pub const MERCHANT_PRIVATE_PEM: &str = include_str!("../../../runtime/tests/vectors/test_private_pkcs8.pem");
pub const MERCHANT_PUBLIC_PEM: &str = include_str!("../../../runtime/tests/vectors/test_public_spki.pem");
pub const WALLET_PRIVATE_PEM: &str = include_str!("../../data/test_wallet_private_pkcs8.pem");
pub const WALLET_PUBLIC_PEM: &str = include_str!("../../data/test_wallet_public_spki.pem");

/// What the merchant server saw: each request's outcome, in order.
#[derive(Debug)]
pub enum Outcome<E> {
    /// Accepted; `first` is false when its key had been recorded before (a resend).
    Accepted {
        key: String,
        event: E,
        first: bool,
    },
    Rejected(Rejected),
}

/// A merchant server: mounts `receive` at every path, records outcomes, and applies the idempotence
/// pattern (record the key; act only the first time; acknowledge every time).
pub struct Merchant<E> {
    pub base_url: String,
    outcomes: Arc<Mutex<Vec<Outcome<E>>>>,
}

impl<E: Clone + Send + 'static> Merchant<E> {
    pub async fn start<F>(receive: F, key: fn(&E) -> String) -> Merchant<E>
    where
        F: Fn(&Request) -> Result<payspec::runtime::inbound::Received<E>, Rejected> + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let outcomes: Arc<Mutex<Vec<Outcome<E>>>> = Arc::default();
        // The keys recorded so far: the application's store, which outlives `outcomes()`.
        let seen: Arc<Mutex<HashSet<String>>> = Arc::default();
        let receive = Arc::new(receive);
        let recorded = outcomes.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let (receive, recorded, seen) = (receive.clone(), recorded.clone(), seen.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |request: hyper::Request<Incoming>| {
                        let (receive, recorded, seen) = (receive.clone(), recorded.clone(), seen.clone());
                        async move {
                            let (parts, body) = request.into_parts();
                            let bytes = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                            let request = Request::from_parts(parts, bytes);
                            let response = match receive(&request) {
                                Ok(received) => {
                                    let key = key(&received.event);
                                    let first = seen.lock().expect("seen").insert(key.clone());
                                    let event = received.event;
                                    recorded.lock().expect("outcomes").push(Outcome::Accepted { key, event, first });
                                    received.response
                                }
                                Err(rejected) => {
                                    let response = rejected.response();
                                    recorded.lock().expect("outcomes").push(Outcome::Rejected(rejected));
                                    response
                                }
                            };
                            Ok::<_, Infallible>(response.map(Full::new))
                        }
                    });
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Merchant { base_url, outcomes }
    }

    /// Takes the outcomes recorded so far.
    pub fn outcomes(&self) -> Vec<Outcome<E>> {
        std::mem::take(&mut *self.outcomes.lock().expect("outcomes"))
    }

    /// The one outcome of the one request sent since the last call.
    pub fn only_outcome(&self) -> Outcome<E> {
        let mut all = self.outcomes();
        assert_eq!(all.len(), 1, "exactly one request was handled");
        all.remove(0)
    }
}

/// A response as it came off the wire.
#[derive(Debug)]
pub struct WireResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl WireResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP/1.1 request with exactly these bytes and reads the whole answer.
pub async fn send(base_url: &str, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> WireResponse {
    let addr = base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(body).await.expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a header block");
    let head = String::from_utf8(raw[..split].to_vec()).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("status");
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    let mut body = raw[split + 4..].to_vec();
    let length = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length")).map(|(_, v)| v.clone());
    if let Some(n) = length.and_then(|v| v.parse::<usize>().ok()) {
        body.truncate(n);
    }
    WireResponse { status, headers, body }
}

/// The Alipay+ message: `<METHOD> <path>\n<Client-Id>.<time>.<body>`, written here from the notes.
fn alipay_message(method: &str, path: &str, client_id: &str, time: &str, body: &[u8]) -> Vec<u8> {
    let mut message = format!("{method} {path}\n{client_id}.{time}.").into_bytes();
    message.extend_from_slice(body);
    message
}

/// A `Signature` header value signed with `private_pem` by RustCrypto's `rsa`.
pub fn alipay_signature(private_pem: &str, path: &str, client_id: &str, time: &str, body: &[u8]) -> String {
    let key = RsaPrivateKey::from_pkcs8_pem(private_pem).expect("test key");
    let signature = SigningKey::<Sha256>::new(key).sign(&alipay_message("POST", path, client_id, time, body));
    let base64 = STANDARD.encode(signature.to_bytes());
    format!("algorithm=RSA256, keyVersion=1, signature={}", utf8_percent_encode(&base64, NON_ALPHANUMERIC))
}

/// Checks an acknowledgement's signature with `public_pem` by RustCrypto's `rsa`, parsing the header here.
pub fn verify_alipay_answer(public_pem: &str, path: &str, answer: &WireResponse) -> Result<(), String> {
    let client_id = answer.header("client-id").ok_or("no Client-Id")?;
    let time = answer.header("response-time").ok_or("no Response-Time")?;
    let header = answer.header("signature").ok_or("no Signature")?;
    let encoded = header
        .split(',')
        .filter_map(|e| e.trim().split_once('='))
        .find(|(name, _)| *name == "signature")
        .map(|(_, value)| value)
        .ok_or("no signature entry")?;
    let base64 = percent_decode_str(encoded).decode_utf8().map_err(|_| "not UTF-8")?;
    let bytes = STANDARD.decode(base64.as_bytes()).map_err(|e| e.to_string())?;
    let signature = Signature::try_from(bytes.as_slice()).map_err(|e| e.to_string())?;
    let key = VerifyingKey::<Sha256>::new(RsaPublicKey::from_public_key_pem(public_pem).expect("test key"));
    key.verify(&alipay_message("POST", path, client_id, time, &answer.body), &signature).map_err(|e| e.to_string())
}

/// A response's body, for assertions.
pub fn body_text(response: &Response) -> String {
    String::from_utf8_lossy(response.body()).into_owned()
}

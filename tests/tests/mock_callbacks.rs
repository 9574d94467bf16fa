//! payspec-mock's calls to the application: the Alipay+ `notifyPayment` (signed with the wallet key,
//! checked here with the `rsa` crate; resent until the answer is a merchant-signed `S`), elepay
//! webhook events, and the LINE Pay redirect to `confirmUrl`. The application is a small HTTP server
//! in this file that records what arrives and answers as each test scripts it.

mod support;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use percent_encoding::percent_decode_str;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use payspec::alipayplus::pay::{PayOutcome, PayRequest};
use payspec::alipayplus::{Amount, Client as AlipayClient};
use payspec::elepay::Client as ElepayClient;
use payspec::elepay::PaymentMethod;
use payspec::elepay::create_charge::ChargeRequest;
use payspec::elepay::create_refund::RefundRequest;
use payspec::linepay::Currency;
use payspec::linepay::request::{PaymentRequest, RedirectUrls, RequestPackage, RequestProduct};
use payspec::runtime::Decimal;
use payspec_mock::{AlipayPlusMock, Delivery, ElepayMock, LinePayMock, Options};
use support::*;

const BOUND: Duration = Duration::from_secs(30);

/// Options with the harness's keys and a resend schedule in milliseconds.
fn options(resends: usize) -> Options {
    Options {
        callback_resend_delays: vec![Duration::from_millis(10); resends],
        callback_timeout: Duration::from_secs(2),
        ..mock_options()
    }
}

// ---------------------------------------------------------------------------------------------------
// The application: records requests, answers as scripted
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Arrived {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Arrived {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

/// How the application answers one notification.
#[derive(Debug, Clone, Copy)]
enum Ack {
    /// `result` S, signed with the merchant key (the right answer).
    Signed,
    /// `result` S without Signature, Client-Id or Response-Time.
    Unsigned,
    /// `result` S signed with a key the wallet does not know (the wallet's own).
    WrongKey,
    /// Signed correctly, but `result` F.
    SignedFailure,
    /// The connection closes without an answer.
    Close,
    /// HTTP 500 with an empty body.
    Error,
    /// HTTP 200 with an empty body (elepay's acknowledgement).
    Empty,
    /// HTTP 302 to elsewhere (the application's answer to the browser).
    Redirect,
}

struct App {
    addr: SocketAddr,
    arrived: Arc<Mutex<Vec<Arrived>>>,
    task: JoinHandle<()>,
}

impl Drop for App {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl App {
    /// Answers with `script` in order, then with `then` for every later request.
    async fn start(script: &[Ack], then: Ack) -> App {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let arrived = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script.iter().copied().collect::<VecDeque<_>>()));
        let (log, task_script) = (arrived.clone(), script.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let (log, script) = (log.clone(), task_script.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let (log, script) = (log.clone(), script.clone());
                        async move { answer(request, &log, &script, then).await }
                    });
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        App { addr, arrived, task }
    }

    fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }

    fn arrived(&self) -> Vec<Arrived> {
        self.arrived.lock().expect("log").clone()
    }
}

#[derive(Debug)]
struct Closed;
impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("closed on purpose")
    }
}
impl std::error::Error for Closed {}

async fn answer(
    request: hyper::Request<Incoming>,
    log: &Mutex<Vec<Arrived>>,
    script: &Mutex<VecDeque<Ack>>,
    then: Ack,
) -> Result<hyper::Response<Full<Bytes>>, Closed> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
    let arrived = Arrived {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect(),
        body,
    };
    log.lock().expect("log").push(arrived.clone());
    let ack = script.lock().expect("script").pop_front().unwrap_or(then);
    let acknowledgement = |status: &str, key: &str| {
        let body = json!({"result": {"resultCode": if status == "S" { "SUCCESS" } else { "PROCESS_FAIL" },
            "resultStatus": status, "resultMessage": "from the test"}})
        .to_string();
        let time = "2024-05-01T12:00:00+08:00";
        let signature = sign(key, &arrived.path, ALIPAY_CLIENT_ID, time, body.as_bytes());
        hyper::Response::builder()
            .header("content-type", "application/json")
            .header("client-id", ALIPAY_CLIENT_ID)
            .header("response-time", time)
            .header("signature", format!("algorithm=RSA256,keyVersion=1,signature={}", encode(&signature)))
            .body(Full::new(Bytes::from(body)))
            .expect("response")
    };
    Ok(match ack {
        Ack::Signed => acknowledgement("S", MERCHANT_PRIVATE_PEM),
        Ack::WrongKey => acknowledgement("S", WALLET_PRIVATE_PEM),
        Ack::SignedFailure => acknowledgement("F", MERCHANT_PRIVATE_PEM),
        Ack::Unsigned => hyper::Response::new(Full::new(Bytes::from(
            r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}"#,
        ))),
        Ack::Close => return Err(Closed),
        Ack::Error => hyper::Response::builder().status(500).body(Full::new(Bytes::new())).expect("response"),
        Ack::Empty => hyper::Response::new(Full::new(Bytes::new())),
        Ack::Redirect => hyper::Response::builder()
            .status(302)
            .header("location", "http://127.0.0.1:9/elsewhere")
            .body(Full::new(Bytes::new()))
            .expect("response"),
    })
}

fn encode(signature: &str) -> String {
    percent_encoding::utf8_percent_encode(signature, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn message(path: &str, client_id: &str, time: &str, body: &[u8]) -> Vec<u8> {
    [format!("POST {path}\n{client_id}.{time}.").as_bytes(), body].concat()
}

/// Signs with the `rsa` crate (PKCS#1 v1.5, SHA-256), not with payspec's `ring` code.
fn sign(private_pem: &str, path: &str, client_id: &str, time: &str, body: &[u8]) -> String {
    let key = RsaPrivateKey::from_pkcs8_pem(private_pem).expect("test key");
    STANDARD.encode(SigningKey::<Sha256>::new(key).sign(&message(path, client_id, time, body)).to_bytes())
}

/// Verifies a notification as it arrived, with the `rsa` crate and the wallet's public key.
fn verify_notification(arrived: &Arrived) -> Result<(), String> {
    let client_id = arrived.header("client-id").ok_or("no Client-Id")?;
    let time = arrived.header("request-time").ok_or("no Request-Time")?;
    let (algorithm, version, signature) = parse_alipay_signature_header(arrived.header("signature").ok_or("none")?)?;
    if (algorithm.as_str(), version.as_str()) != ("RSA256", "1") {
        return Err(format!("algorithm {algorithm}, keyVersion {version}"));
    }
    let signature = percent_decode_str(&signature).decode_utf8().map_err(|e| e.to_string())?;
    let bytes = STANDARD.decode(signature.as_bytes()).map_err(|e| e.to_string())?;
    let signature = Signature::try_from(bytes.as_slice()).map_err(|e| e.to_string())?;
    let key = RsaPublicKey::from_public_key_pem(WALLET_PUBLIC_PEM).map_err(|e| e.to_string())?;
    VerifyingKey::<Sha256>::new(key)
        .verify(&message(&arrived.path, client_id, time, &arrived.body), &signature)
        .map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------------
// Alipay+
// ---------------------------------------------------------------------------------------------------

/// A mock, a client, and a pay request for `value` cents notifying `app` at `/alipay/notify`.
async fn alipay(options: Options, app: &App, request_id: &str, value: &str) -> (AlipayPlusMock, String) {
    let mock = AlipayPlusMock::start_with(options).await.expect("mock");
    let client = AlipayClient::new(alipay_config(&mock.base_url())).expect("client");
    let request = PayRequest::new("mini-app", request_id, Amount::new("USD", value))
        .with_payment_notify_url(app.url("/alipay/notify"));
    let (outcome, accepted) = client.pay(&request).await.expect("pay");
    assert_eq!(outcome, PayOutcome::Accepted);
    (mock, accepted.payment_id.expect("paymentId"))
}

#[tokio::test]
async fn a_paid_payment_is_notified_signed_with_the_wallet_key_and_acknowledged() {
    bounded(BOUND, async {
        let app = App::start(&[], Ack::Signed).await;
        let (mock, payment_id) = alipay(options(3), &app, "pay-notify-1", "1000").await;
        assert!(mock.notifications().is_empty(), "nothing before the user pays");
        mock.approve("pay-notify-1").expect("approve");
        let sent = mock.settle_notifications().await.expect("settled");

        let arrived = app.arrived();
        assert_eq!(arrived.len(), 1, "one notification, acknowledged at once");
        let notification = &arrived[0];
        assert_eq!((notification.method.as_str(), notification.path.as_str()), ("POST", "/alipay/notify"));
        assert_eq!(notification.header("client-id"), Some(ALIPAY_CLIENT_ID));
        assert_eq!(notification.header("content-type"), Some("application/json; charset=UTF-8"));
        let time = notification.header("request-time").expect("Request-Time");
        assert!(time.ends_with("+08:00") && time.len() == 25, "ISO 8601 with offset: {time}");
        verify_notification(notification).expect("the wallet signature verifies");

        let body = notification.json();
        assert_eq!(body["notifyType"], "PAYMENT_RESULT");
        assert_eq!(body["result"], json!({"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"}));
        assert_eq!(body["paymentRequestId"], "pay-notify-1");
        assert_eq!(body["paymentId"], payment_id.as_str());
        assert_eq!(body["paymentAmount"], json!({"currency": "USD", "value": "1000"}));
        assert!(body["paymentCreateTime"].is_string() && body["paymentTime"].is_string());

        assert_eq!(sent.len(), 1);
        assert_eq!((sent[0].kind.as_str(), sent[0].delivery), ("notifyPayment", Delivery::Acknowledged));
        assert_eq!(sent[0].body, notification.body, "the record holds the bytes sent");
        assert_eq!(sent[0].attempts.len(), 1);
        assert_eq!(sent[0].attempts[0].outcome, Ok(()));
        assert_eq!(sent[0].attempts[0].status, Some(200));
    })
    .await;
}

#[tokio::test]
async fn a_notification_is_resent_until_the_answer_is_a_signed_s_and_then_stops() {
    bounded(BOUND, async {
        let script = [Ack::Close, Ack::Unsigned, Ack::WrongKey, Ack::SignedFailure, Ack::Error];
        let app = App::start(&script, Ack::Signed).await;
        let (mock, _) = alipay(options(8), &app, "pay-resend-1", "500").await;
        mock.approve("pay-resend-1").expect("approve");
        let sent = mock.settle_notifications().await.expect("settled");

        let attempts = &sent[0].attempts;
        let reasons: Vec<String> = attempts.iter().map(|a| a.outcome.clone().err().unwrap_or_default()).collect();
        assert_eq!(attempts.len(), 6, "five bad answers, then a good one: {reasons:?}");
        assert!(reasons[0].starts_with("no answer"), "{}", reasons[0]);
        assert!(reasons[1].contains("Client-Id"), "{}", reasons[1]);
        assert!(reasons[2].contains("does not verify"), "{}", reasons[2]);
        assert!(reasons[3].contains("not S"), "{}", reasons[3]);
        assert!(reasons[4].contains("500"), "{}", reasons[4]);
        assert_eq!(attempts[5].outcome, Ok(()));
        assert_eq!(sent[0].delivery, Delivery::Acknowledged);

        // Every resend is the same notification, each attempt signed afresh and verifiable.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let arrived = app.arrived();
        assert_eq!(arrived.len(), 6, "nothing after the good answer");
        for a in &arrived {
            assert_eq!(a.body, arrived[0].body);
            verify_notification(a).expect("every attempt verifies");
        }
    })
    .await;
}

#[tokio::test]
async fn the_wallet_gives_up_when_the_schedule_is_used_up() {
    bounded(BOUND, async {
        let app = App::start(&[], Ack::Error).await;
        let (mock, _) = alipay(options(2), &app, "pay-give-up-1", "500").await;
        mock.approve("pay-give-up-1").expect("approve");
        let sent = mock.settle_notifications().await.expect("settled");
        assert_eq!((sent[0].attempts.len(), sent[0].delivery), (3, Delivery::GaveUp));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(app.arrived().len(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_lost_acknowledgement_brings_the_same_notification_again() {
    bounded(BOUND, async {
        let app = App::start(&[], Ack::Signed).await;
        let (mock, _) = alipay(options(3), &app, "pay-dup-1", "700").await;
        mock.lose_next_ack();
        mock.approve("pay-dup-1").expect("approve");
        let sent = mock.settle_notifications().await.expect("settled");
        let attempts = &sent[0].attempts;
        assert_eq!(attempts.len(), 2);
        assert!(attempts[0].outcome.as_ref().is_err_and(|r| r.contains("lost on purpose")));
        assert_eq!(attempts[0].status, Some(200), "the application did answer");
        assert_eq!(attempts[1].outcome, Ok(()));
        let arrived = app.arrived();
        assert_eq!(arrived.len(), 2);
        let key = |a: &Arrived| {
            let body = a.json();
            (body["paymentId"].clone(), body["notifyType"].clone(), body["result"]["resultStatus"].clone())
        };
        assert_eq!(key(&arrived[0]), key(&arrived[1]), "the duplicate has the same key");
        assert_ne!(arrived[0].header("signature"), None);
    })
    .await;
}

#[tokio::test]
async fn a_failed_payment_is_notified_f_and_one_without_notify_url_is_not_notified() {
    bounded(BOUND, async {
        let app = App::start(&[], Ack::Signed).await;
        let (mock, payment_id) = alipay(options(1), &app, "pay-fail-1", "300").await;
        mock.decline("pay-fail-1").expect("decline");
        let client = AlipayClient::new(alipay_config(&mock.base_url())).expect("client");
        let silent = PayRequest::new("mini-app", "pay-silent-1", Amount::new("USD", "300"));
        client.pay(&silent).await.expect("pay");
        mock.approve("pay-silent-1").expect("approve");
        let sent = mock.settle_notifications().await.expect("settled");
        assert_eq!(sent.len(), 1, "only the payment with paymentNotifyUrl is notified");
        let body = sent[0].value();
        assert_eq!(body["paymentId"], payment_id.as_str());
        assert_eq!(body["result"]["resultStatus"], "F");
        assert_eq!(body["result"]["resultCode"], "PROCESS_FAIL");
        assert!(body.get("paymentTime").is_none(), "a failed payment has no payment time");
        verify_notification(&app.arrived()[0]).expect("signed");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------------
// elepay
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn elepay_posts_charge_and_refund_events_and_any_type_asked_for() {
    bounded(BOUND, async {
        let app = App::start(&[Ack::Error], Ack::Empty).await;
        let mock =
            ElepayMock::start_with(Options { elepay_webhook_url: Some(app.url("/elepay/webhook")), ..options(2) })
                .await
                .expect("mock");
        let client = ElepayClient::new(elepay_config(&mock.base_url())).expect("client");
        let card = || PaymentMethod::parse("creditcard");
        let paid = client.create_charge(&ChargeRequest::new(1000, "order-1", card())).await.expect("charge");
        let paid = paid.id.expect("id");
        let mut authorize = ChargeRequest::new(500, "order-2", card());
        authorize.capture = Some(false);
        let held = client.create_charge(&authorize).await.expect("authorize").id.expect("id");
        client.revoke_charge(&held).await.expect("revoke");
        client.create_refund(&paid, &RefundRequest::new(400)).await.expect("refund");
        mock.send_event("reader.activated", json!({"id": "rdr_1", "object": "reader"})).expect("send");
        let sent = mock.settle_notifications().await.expect("settled");

        let kinds: Vec<&str> = sent.iter().map(|n| n.kind.as_str()).collect();
        assert_eq!(kinds, ["charge.succeeded", "charge.revoked", "refund.succeeded", "reader.activated"]);
        assert!(sent.iter().all(|n| n.delivery == Delivery::Acknowledged));
        assert_eq!(sent[0].attempts.len(), 2, "the 500 got the first event sent again");

        let arrived = app.arrived();
        assert_eq!(arrived.len(), 5);
        assert!(arrived.iter().all(|a| a.method == "POST" && a.path == "/elepay/webhook"));
        let bodies: Vec<Value> = sent.iter().map(|n| n.value()).collect();
        let ids: std::collections::BTreeSet<&str> = bodies.iter().filter_map(|b| b["id"].as_str()).collect();
        assert_eq!(ids.len(), 4, "each event has its own id");
        for body in &bodies {
            assert!(body["id"].as_str().is_some_and(|id| id.starts_with("evt_")));
            assert_eq!(body["object"], "event");
            assert!(body["createTime"].is_u64());
        }
        assert_eq!(bodies[0]["data"]["id"], paid.as_str());
        assert_eq!(bodies[0]["data"]["status"], "captured");
        assert_eq!(bodies[1]["data"]["id"], held.as_str());
        assert_eq!(bodies[1]["data"]["status"], "revoked");
        assert_eq!(bodies[2]["data"]["object"], "refund");
        assert_eq!(bodies[2]["data"]["amount"], 400);
        assert_eq!(bodies[3]["data"]["id"], "rdr_1");
    })
    .await;
}

#[tokio::test]
async fn elepay_sends_nothing_without_a_webhook_url() {
    bounded(BOUND, async {
        let mock = ElepayMock::start_with(options(0)).await.expect("mock");
        let client = ElepayClient::new(elepay_config(&mock.base_url())).expect("client");
        client
            .create_charge(&ChargeRequest::new(1000, "order-1", PaymentMethod::parse("creditcard")))
            .await
            .expect("charge");
        assert!(mock.settle_notifications().await.expect("settled").is_empty());
        assert!(mock.send_event("charge.succeeded", json!({})).is_err(), "nowhere to send it");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------------
// LINE Pay
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn line_pay_redirects_to_confirm_url_with_the_transaction_and_order() {
    bounded(BOUND, async {
        let app = App::start(&[], Ack::Redirect).await;
        let mock = LinePayMock::start_with(options(0)).await.expect("mock");
        let client = payspec::linepay::Client::new(linepay_config(&mock.base_url())).expect("client");
        let amount = Decimal::from_i64(100);
        let package = RequestPackage::new("pkg", amount, vec![RequestProduct::new("Tea", 1, amount)]);
        let urls = RedirectUrls::new(app.url("/linepay/confirm?shop=tea%20house"), app.url("/linepay/cancel"));
        let order_id = "order 1/&x";
        let request = PaymentRequest::new(amount, Currency::Twd, order_id, vec![package], urls);
        let id = client.request(&request).await.expect("request").transaction_id;

        assert!(mock.redirect_url(&id).is_err(), "no redirect before approval");
        assert!(mock.follow_redirect(&id).await.is_err());
        assert!(app.arrived().is_empty());
        mock.approve(&id).expect("approve");
        let url = mock.redirect_url(&id).expect("redirect");
        assert_eq!(
            url,
            app.url(&format!("/linepay/confirm?shop=tea%20house&transactionId={}&orderId=order+1%2F%26x", id.as_str()))
        );
        assert_eq!(mock.follow_redirect(&id).await, Ok(302), "the application's status, not followed");

        let arrived = app.arrived();
        assert_eq!(arrived.len(), 1);
        assert_eq!((arrived[0].method.as_str(), arrived[0].path.as_str()), ("GET", "/linepay/confirm"));
        let pairs: Vec<(String, String)> = url_pairs(&arrived[0].query);
        assert_eq!(
            pairs,
            [
                ("shop".to_owned(), "tea house".to_owned()),
                ("transactionId".to_owned(), id.as_str().to_owned()),
                ("orderId".to_owned(), order_id.to_owned())
            ]
        );
        assert!(arrived[0].header("x-line-authorization").is_none(), "nothing is signed");
    })
    .await;
}

/// The query as decoded pairs (`+` is a space, as browsers send forms), decoded here.
fn url_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| percent_decode_str(&s.replace('+', " ")).decode_utf8().expect("utf-8").into_owned();
    query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// Over HTTP, as `payspec-mock serve` offers them
// ---------------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_callback_controls_work_over_http() {
    bounded(BOUND, async {
        let app = App::start(&[], Ack::Empty).await;
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        let mock = payspec_mock::MultiMock::start(addr, &["linepay", "elepay"], &options(1)).await.expect("mock");
        let builder = payspec::HttpClient::builder().expect("builder").https_only(false);
        let http = payspec::HttpClient::from_builder(builder).expect("client").as_reqwest().clone();
        let control = |path: &str| format!("http://{}{}{path}", mock.addr(), payspec_mock::CONTROL_PREFIX);
        let post = |path: &str, body: Value| {
            let request = http.post(control(path)).body(body.to_string());
            async move {
                let response = request.send().await.expect("control");
                let status = response.status().as_u16();
                (status, serde_json::from_slice::<Value>(&response.bytes().await.expect("body")).expect("JSON"))
            }
        };

        let (status, body) = post("elepay/send-event", json!({"type": "source.activated", "data": {}})).await;
        assert_eq!((status, body["error"].is_string()), (400, true), "no webhook URL yet");
        assert_eq!(post("elepay/webhook-url", json!({"url": app.url("/hook")})).await.0, 200);
        post("elepay/lose-ack", json!({})).await;
        let data = json!({"id": "src_1", "object": "source"});
        assert_eq!(post("elepay/send-event", json!({"type": "source.activated", "data": data})).await.0, 200);
        let (status, settled) = post("elepay/settle-notifications", json!({})).await;
        assert_eq!(status, 200);
        let list = settled["notifications"].as_array().expect("notifications");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["kind"], "source.activated");
        assert_eq!(list[0]["delivery"], "acknowledged");
        assert_eq!(list[0]["body"]["data"], data);
        assert_eq!(list[0]["attempts"][0]["acknowledged"], false, "the lost acknowledgement");
        assert_eq!(list[0]["attempts"][1]["acknowledged"], true);
        let listed = http.get(control("elepay/notifications")).send().await.expect("list");
        let listed: Value = serde_json::from_slice(&listed.bytes().await.expect("body")).expect("JSON");
        assert_eq!(listed, settled);
        assert_eq!(app.arrived().len(), 2);

        let seeded =
            mock.control("linepay", "seed-authorization", &json!({"orderId": "o-1", "amount": 1, "currency": "TWD"}));
        let seeded_id = seeded.expect("seed")["transactionId"].as_str().expect("id").to_owned();
        let (status, refused) = post("linepay/follow-redirect", json!({"transactionId": seeded_id})).await;
        assert_eq!(status, 400, "a seeded authorization has no confirmUrl to go back to: {refused}");
    })
    .await;
}

#[test]
fn the_notification_body_builders_match_the_inbound_facts() {
    // The one function per provider that builds each call, on a value built here.
    let url =
        payspec_mock::linepay::confirm_redirect_url("https://shop.example/ok?a=1#top", 2021121300698360310, "o 1")
            .expect("url");
    assert_eq!(url, "https://shop.example/ok?a=1&transactionId=2021121300698360310&orderId=o+1#top");
    assert!(payspec_mock::linepay::confirm_redirect_url("not a url", 1, "o").is_err());
    let event =
        payspec_mock::elepay::event_body("evt_1", "charge.succeeded", 1_714_521_600_000, json!({"id": "cha_1"}));
    assert_eq!(
        event,
        json!({"id": "evt_1", "object": "event", "createTime": 1_714_521_600_000_u64, "type": "charge.succeeded",
            "data": {"id": "cha_1"}})
    );
}

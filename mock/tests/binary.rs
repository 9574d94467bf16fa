//! `payspec-mock serve` started as a process and driven over HTTP, as an application in another
//! language would: it prints its base URLs and credentials, serves the LINE Pay API, and takes its
//! controls under `/__payspec/`.

use std::process::Stdio;
use std::time::Duration;

use payspec::linepay::capture::{CaptureError, CaptureRequest};
use payspec::linepay::confirm::ConfirmRequest;
use payspec::linepay::request::{
    PaymentOptions, PaymentRequest, RedirectUrls, RequestOptions, RequestPackage, RequestProduct,
};
use payspec::linepay::{Client, Currency};
use payspec::runtime::client::{Config, LinePayCredentials};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::Command;

/// One HTTP/1.1 call with `Connection: close`: status and JSON body.
async fn http(addr: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    stream.write_all(body.as_bytes()).await.expect("write");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.expect("read");
    let status = raw.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_binary_serves_and_is_controlled_over_http() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_payspec-mock"))
        .args(["serve", "--provider", "all", "--port", "0"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    let mut stdout = BufReader::new(stdout);
    let read = stdout.read_line(&mut line);
    tokio::time::timeout(Duration::from_secs(20), read).await.expect("it prints its address").expect("a line");
    let printed: Value = serde_json::from_str(&line).expect("one line of JSON");
    let listening = printed["listening"].as_str().expect("listening").to_owned();
    let addr = listening.trim_start_matches("http://").to_owned();
    let providers = printed["providers"].as_array().expect("providers");
    let names: Vec<&str> = providers.iter().filter_map(|p| p["provider"].as_str()).collect();
    assert_eq!(names, ["linepay", "alipayplus", "elepay"]);
    assert_eq!(providers[1]["baseUrl"], format!("{listening}/alipayplus"));
    let linepay = &providers[0];

    // A client configured from what the binary printed.
    let credentials = LinePayCredentials::new(
        linepay["credentials"]["channelId"].as_str().expect("channelId"),
        linepay["credentials"]["channelSecret"].as_str().expect("channelSecret"),
    );
    let client = Client::new(Config::new(linepay["baseUrl"].as_str().expect("baseUrl"), credentials)).expect("client");
    let amount: payspec::Decimal = "500".parse().expect("amount");
    let package = RequestPackage::new("pkg", amount, vec![RequestProduct::new("Tea", 1, amount)]);
    let urls = RedirectUrls::new("https://shop.example/ok", "https://shop.example/no");
    let mut request = PaymentRequest::new(amount, Currency::Twd, "order-bin", vec![package], urls);
    let (mut options, mut payment) = (RequestOptions::default(), PaymentOptions::default());
    payment.capture = Some(false);
    options.payment = Some(payment);
    request.options = Some(options);
    let id = client.request(&request).await.expect("request").transaction_id;

    // Controls over HTTP: approve, then inject 1198 after processing on capture.
    let (status, _) =
        http(&addr, "POST", "/__payspec/linepay/approve", Some(json!({"transactionId": id.as_str()}))).await;
    assert_eq!(status, 200);
    client.confirm(&id, &ConfirmRequest::new(amount, Currency::Twd)).await.expect("confirm");
    let inject = json!({"operation": "capture", "code": "1198", "when": "after_processing"});
    assert_eq!(http(&addr, "POST", "/__payspec/linepay/inject", Some(inject)).await.0, 200);
    let err = client.capture(&id, &CaptureRequest::new(amount, Currency::Twd)).await.unwrap_err();
    assert_eq!(err.provider_code(), Some(&CaptureError::DuplicateRequest));

    // A code the spec does not list for the operation is refused, naming the documented ones.
    let bad = json!({"operation": "capture", "code": "0001"});
    let (status, body) = http(&addr, "POST", "/__payspec/linepay/inject", Some(bad)).await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().is_some_and(|e| e.contains("1198")), "{body}");

    // What was received, with the mock's verdict on each signature and the fault applied.
    let (status, body) = http(&addr, "GET", "/__payspec/linepay/received", None).await;
    assert_eq!(status, 200);
    let received = body["received"].as_array().expect("received");
    let ops: Vec<&str> = received.iter().filter_map(|r| r["operation"].as_str()).collect();
    assert_eq!(ops, ["request", "confirm", "capture"]);
    assert!(received.iter().all(|r| r["authenticated"] == true));
    assert_eq!(received[2]["fault"], "inject 1198 after processing");
    assert_eq!(received[2]["reply"]["body"]["returnCode"], "1198");

    // Payment Details shows the capture that the 1198 hid.
    let details = http(&addr, "GET", "/__payspec/linepay", None).await;
    assert_eq!(details.0, 200);
    assert_eq!(details.1["provider"], "linepay");
    let (status, _) = http(&addr, "POST", "/__payspec/nobody/approve", Some(json!({}))).await;
    assert_eq!(status, 404);
    child.kill().await.expect("stop the binary");
}

/// Accepts one HTTP request on `listener`, answers 200 with no body, and returns the request's body.
async fn receive_one(listener: tokio::net::TcpListener) -> String {
    let (mut stream, _) = listener.accept().await.expect("accept");
    let mut raw = Vec::new();
    let mut chunk = [0_u8; 4096];
    let body = loop {
        let n = stream.read(&mut chunk).await.expect("read");
        assert!(n > 0, "the request ended early");
        raw.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&raw).into_owned();
        let Some((head, body)) = text.split_once("\r\n\r\n") else { continue };
        let length = head
            .lines()
            .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
            .and_then(|v| v.parse::<usize>().ok())
            .expect("content-length");
        if body.len() >= length {
            break body.to_owned();
        }
    };
    stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await.expect("answer");
    body
}

#[tokio::test]
async fn the_binary_posts_elepay_events_to_the_webhook_url_it_was_given() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let hook = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_payspec-mock"))
        .args(["serve", "--provider", "elepay", "--elepay-webhook-url", &hook])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let read = stdout.read_line(&mut line);
    tokio::time::timeout(Duration::from_secs(20), read).await.expect("it prints its address").expect("a line");
    let printed: Value = serde_json::from_str(&line).expect("one line of JSON");
    let addr = printed["listening"].as_str().expect("listening").trim_start_matches("http://").to_owned();

    let received = tokio::spawn(receive_one(listener));
    let event = json!({"type": "reader.activated", "data": {"id": "rdr_1"}});
    assert_eq!(http(&addr, "POST", "/__payspec/elepay/send-event", Some(event)).await.0, 200);
    let body = tokio::time::timeout(Duration::from_secs(20), received).await.expect("in time").expect("received");
    let body: Value = serde_json::from_str(&body).expect("JSON event");
    assert_eq!((body["type"].as_str(), body["object"].as_str()), (Some("reader.activated"), Some("event")));
    assert_eq!(body["data"]["id"], "rdr_1");
    let (status, settled) = http(&addr, "POST", "/__payspec/elepay/settle-notifications", None).await;
    assert_eq!(status, 200);
    assert_eq!(settled["notifications"][0]["delivery"], "acknowledged", "{settled}");
    child.kill().await.expect("stop the binary");
}

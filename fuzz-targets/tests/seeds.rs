//! Writes the seed corpora of `fuzz/corpus/` from real material: the spec files, the answers of the
//! provider simulators of `payspec-mock` walked through each provider's flows (successes and
//! documented errors), the example responses of the provider pages in `tests/data/` and the TEST-ONLY
//! keys and signature vectors of `runtime/tests/vectors/`. Ignored in normal runs; regenerate with
//!
//! ```sh
//! cargo test -p payspec-fuzz-targets --test seeds -- --ignored
//! ```
//!
//! It replaces the files it names (`seed-*`) and leaves others, such as inputs the fuzzer found.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use payspec_fuzz_targets::{RESPONSES, TARGETS};
use payspec_mock::sim::{Answer, alipayplus, elepay, linepay};
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Seeds by target, then by file name.
#[derive(Default)]
struct Seeds(BTreeMap<&'static str, BTreeMap<String, Vec<u8>>>);

impl Seeds {
    fn add(&mut self, target: &'static str, name: &str, bytes: impl Into<Vec<u8>>) {
        let name = format!("seed-{}", name.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "-"));
        self.0.entry(target).or_default().insert(name, bytes.into());
    }

    /// An envelope seed (`STATUS\nBODY`) and, on success, a response seed for `operation`.
    fn answer(&mut self, provider: &'static str, operation: &str, name: &str, answer: &Answer) {
        let envelope = match provider {
            "linepay" => "envelope_line_pay",
            "alipayplus" => "envelope_alipay_plus",
            _ => "envelope_http_status",
        };
        self.add(envelope, &format!("{operation}-{name}"), format!("{}\n{}", answer.status, answer.body));
        let value = answer.value();
        let payload = match provider {
            "linepay" if value["returnCode"] == "0000" => value.get("info").cloned(),
            "alipayplus" if value["result"]["resultStatus"] == "S" => Some(value.clone()),
            "elepay" if (200..300).contains(&answer.status) => Some(value.clone()),
            _ => None,
        };
        let code = match provider {
            "linepay" => value["returnCode"].as_str(),
            "alipayplus" => value["result"]["resultCode"].as_str(),
            _ => value["errorCode"].as_str(),
        };
        if let Some(payload) = payload.filter(|p| !p.is_null()) {
            self.response(provider, operation, name, payload.to_string().as_bytes());
        } else if let Some(code) = code {
            self.response(provider, operation, name, code.as_bytes());
        }
    }

    fn response(&mut self, provider: &'static str, operation: &str, name: &str, text: &[u8]) {
        let (_, cases) = RESPONSES.iter().find(|(p, _)| *p == provider).expect("a provider of the table");
        let index = cases.iter().position(|c| c.operation == operation).unwrap_or_else(|| panic!("{operation}"));
        let target = match provider {
            "linepay" => "responses_linepay",
            "alipayplus" => "responses_alipayplus",
            _ => "responses_elepay",
        };
        self.add(target, &format!("{operation}-{name}"), [&[index as u8][..], text].concat());
    }
}

/// The one call the three simulators share.
trait Simulate {
    fn handle(&mut self, method: &str, path: &str, query: &str, body: &[u8]) -> Answer;
}

macro_rules! simulate {
    ($($provider:ident),*) => {$(
        impl Simulate for $provider::Simulator {
            fn handle(&mut self, method: &str, path: &str, query: &str, body: &[u8]) -> Answer {
                $provider::Simulator::handle(self, method, path, query, body)
            }
        }
    )*};
}
simulate!(linepay, alipayplus, elepay);

fn post(sim: &mut impl Simulate, path: &str, body: Value) -> Answer {
    sim.handle("POST", path, "", body.to_string().as_bytes())
}

fn linepay_flows(seeds: &mut Seeds) {
    let mut sim = linepay::Simulator::default();
    let request = |order: &str, amount: i64, options: Value| {
        json!({
            "amount": amount, "currency": "TWD", "orderId": order,
            "packages": [{"id": "p1", "amount": amount, "name": "Shop",
                "products": [{"name": "烏龍茶", "quantity": 1, "price": amount, "imageUrl": "https://example.com/t.png"}]}],
            "redirectUrls": {"confirmUrl": "https://example.com/ok", "cancelUrl": "https://example.com/no"},
            "options": options,
        })
    };
    let answer = post(&mut sim, "/v3/payments/request", request("o-1", 1000, json!({"payment": {"capture": false}})));
    seeds.answer("linepay", "request", "ok", &answer);
    let id = answer.value()["info"]["transactionId"].as_u64().expect("an id");
    sim.approve(id).expect("the user approves");
    let answer = sim.handle("GET", &format!("/v3/payments/requests/{id}/check"), "", b"");
    seeds.answer("linepay", "check_payment_status", "authorized", &answer);
    let answer = post(&mut sim, &format!("/v3/payments/{id}/confirm"), json!({"amount": 1000, "currency": "TWD"}));
    seeds.answer("linepay", "confirm", "ok", &answer);
    let capture = format!("/v3/payments/authorizations/{id}/capture");
    seeds.answer(
        "linepay",
        "capture",
        "too-much",
        &post(&mut sim, &capture, json!({"amount": 5000, "currency": "TWD"})),
    );
    seeds.answer("linepay", "capture", "ok", &post(&mut sim, &capture, json!({"amount": 600, "currency": "TWD"})));
    seeds.answer("linepay", "capture", "again", &post(&mut sim, &capture, json!({"amount": 600, "currency": "TWD"})));
    let refund = format!("/v3/payments/{id}/refund");
    seeds.answer("linepay", "refund", "ok", &post(&mut sim, &refund, json!({"refundAmount": 100})));
    seeds.answer("linepay", "refund", "too-much", &post(&mut sim, &refund, json!({"refundAmount": 9000})));
    let details = sim.handle("GET", "/v3/payments", &format!("transactionId={id}"), b"");
    seeds.answer("linepay", "payment_details", "ok", &details);
    let unknown = sim.handle("GET", "/v3/payments", "transactionId=2021121300698369999", b"");
    seeds.answer("linepay", "payment_details", "unknown", &unknown);

    let other = sim.seed_authorization("o-2", 300, "JPY");
    let void = format!("/v3/payments/authorizations/{other}/void");
    seeds.answer("linepay", "void", "ok", &post(&mut sim, &void, json!({})));
    seeds.answer("linepay", "void", "again", &post(&mut sim, &void, json!({})));

    let answer =
        post(&mut sim, "/v3/payments/request", request("o-3", 100, json!({"payment": {"payType": "PREAPPROVED"}})));
    let id = answer.value()["info"]["transactionId"].as_u64().expect("an id");
    sim.approve(id).expect("the user approves");
    let answer = post(&mut sim, &format!("/v3/payments/{id}/confirm"), json!({"amount": 100, "currency": "TWD"}));
    seeds.answer("linepay", "confirm", "preapproved", &answer);
    let key = answer.value()["info"]["regKey"].as_str().unwrap_or("RK9A7E4B2C1D0F3").to_owned();
    let check = sim.handle("GET", &format!("/v3/payments/preapprovedPay/{key}/check"), "creditCardAuth=false", b"");
    seeds.answer("linepay", "check_reg_key", "ok", &check);
    let pay = format!("/v3/payments/preapprovedPay/{key}/payment");
    let body = json!({"productName": "月額", "amount": 100, "currency": "TWD", "orderId": "o-4", "capture": true});
    seeds.answer("linepay", "pay_preapproved", "ok", &post(&mut sim, &pay, body.clone()));
    let expire = format!("/v3/payments/preapprovedPay/{key}/expire");
    seeds.answer("linepay", "expire_reg_key", "ok", &post(&mut sim, &expire, json!({})));
    seeds.answer("linepay", "pay_preapproved", "expired", &post(&mut sim, &pay, body));
    seeds.answer("linepay", "expire_reg_key", "again", &post(&mut sim, &expire, json!({})));
}

fn alipayplus_flows(seeds: &mut Seeds) {
    let mut sim = alipayplus::Simulator::default();
    let usd = |value: u64| json!({"currency": "USD", "value": value.to_string()});
    let pay = json!({"appId": "app", "paymentRequestId": "pay-1", "paymentAmount": usd(1000)});
    let answer = post(&mut sim, "/v2/payments/pay", pay.clone());
    seeds.answer("alipayplus", "pay", "ok", &answer);
    let payment = answer.value()["paymentId"].as_str().unwrap_or("p-1").to_owned();
    let inquiry = json!({"paymentRequestId": "pay-1"});
    seeds.answer(
        "alipayplus",
        "inquiry_payment",
        "processing",
        &post(&mut sim, "/v2/payments/inquiryPayment", inquiry.clone()),
    );
    seeds.answer("alipayplus", "inquiry_payment", "ok", &post(&mut sim, "/v2/payments/inquiryPayment", inquiry));
    let other = json!({"appId": "app", "paymentRequestId": "pay-1", "paymentAmount": usd(5)});
    seeds.answer("alipayplus", "pay", "inconsistent", &post(&mut sim, "/v2/payments/pay", other));
    let capture = |id: &str, value, last| json!({"captureRequestId": id, "paymentId": payment, "captureAmount": usd(value), "isLastCapture": last});
    seeds.answer(
        "alipayplus",
        "capture",
        "too-much",
        &post(&mut sim, "/v2/payments/capture", capture("c-0", 5000, false)),
    );
    seeds.answer("alipayplus", "capture", "ok", &post(&mut sim, "/v2/payments/capture", capture("c-1", 600, false)));
    seeds.answer("alipayplus", "capture", "last", &post(&mut sim, "/v2/payments/capture", capture("c-2", 400, true)));
    let refund = json!({"refundRequestId": "r-1", "paymentId": payment, "refundAmount": usd(100)});
    seeds.answer("alipayplus", "refund", "ok", &post(&mut sim, "/v2/payments/refund", refund));
    let inquiry = json!({"refundRequestId": "r-1"});
    seeds.answer("alipayplus", "inquiry_refund", "ok", &post(&mut sim, "/v2/payments/inquiryRefund", inquiry));
    let missing = json!({"refundRequestId": "r-9"});
    seeds.answer("alipayplus", "inquiry_refund", "missing", &post(&mut sim, "/v2/payments/inquiryRefund", missing));
    let pay = json!({"appId": "app", "paymentRequestId": "pay-2", "paymentAmount": usd(9)});
    let answer = post(&mut sim, "/v2/payments/pay", pay);
    let payment = answer.value()["paymentId"].as_str().unwrap_or("p-2").to_owned();
    sim.lose_answer("pay-3");
    let lost = json!({"appId": "app", "paymentRequestId": "pay-3", "paymentAmount": usd(9)});
    seeds.answer("alipayplus", "pay", "lost", &post(&mut sim, "/v2/payments/pay", lost));
    seeds.answer("alipayplus", "cancel", "ok", &post(&mut sim, "/v2/payments/cancel", json!({"paymentId": payment})));
    seeds.answer(
        "alipayplus",
        "cancel",
        "missing",
        &post(&mut sim, "/v2/payments/cancel", json!({"paymentId": "none"})),
    );
    // applyToken has no simulator: the fields its page documents.
    let token = json!({
        "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
        "accessToken": "281010033AB2F588D14B43238637264FCA5AAF35xxxx",
        "accessTokenExpiryTime": "2019-06-06T12:12:12+08:00",
        "refreshToken": "2810100334F62CBC577F468AAC87CFC6C9107811xxxx",
        "refreshTokenExpiryTime": "2019-06-08T12:12:12+08:00",
        "customerId": "1000001119398804xxxx"
    });
    seeds.answer("alipayplus", "apply_token", "ok", &Answer::json(200, &token));
}

fn elepay_flows(seeds: &mut Seeds) {
    let mut sim = elepay::Simulator::default();
    let create =
        json!({"amount": 1000, "orderNo": "o-1", "paymentMethod": "creditcard", "capture": false, "currency": "JPY"});
    let answer = post(&mut sim, "/charges", create);
    seeds.answer("elepay", "create_charge", "ok", &answer);
    let id = answer.value()["id"].as_str().unwrap_or("cha_1").to_owned();
    let capture = format!("/charges/{id}/capture");
    seeds.answer("elepay", "capture_charge", "too-much", &post(&mut sim, &capture, json!({"amount": 1001})));
    seeds.answer("elepay", "capture_charge", "ok", &post(&mut sim, &capture, json!({"amount": 800})));
    seeds.answer("elepay", "capture_charge", "again", &post(&mut sim, &capture, json!({})));
    let refunds = format!("/charges/{id}/refunds");
    let answer = post(&mut sim, &refunds, json!({"amount": 300, "reason": "返品"}));
    seeds.answer("elepay", "create_refund", "ok", &answer);
    let refund = answer.value()["id"].as_str().unwrap_or("ref_1").to_owned();
    seeds.answer("elepay", "create_refund", "too-much", &post(&mut sim, &refunds, json!({"amount": 801})));
    seeds.answer("elepay", "retrieve_charge", "ok", &sim.handle("GET", &format!("/charges/{id}"), "", b""));
    seeds.answer("elepay", "retrieve_charge", "missing", &sim.handle("GET", "/charges/cha_missing", "", b""));
    let status = sim.handle("GET", &format!("/charges/{id}/status"), "", b"");
    seeds.answer("elepay", "retrieve_charge_status", "ok", &status);
    seeds.answer("elepay", "list_charges", "ok", &sim.handle("GET", "/charges", "limit=20&offset=0", b""));
    seeds.answer("elepay", "list_refunds", "ok", &sim.handle("GET", &refunds, "", b""));
    let one = sim.handle("GET", &format!("{refunds}/{refund}"), "", b"");
    seeds.answer("elepay", "retrieve_refund", "ok", &one);
    let create = json!({"amount": 500, "orderNo": "o-2", "paymentMethod": "paypay"});
    let answer = post(&mut sim, "/charges", create);
    let other = answer.value()["id"].as_str().unwrap_or("cha_2").to_owned();
    seeds.answer("elepay", "revoke_charge", "ok", &post(&mut sim, &format!("/charges/{other}/revoke"), json!({})));
    seeds.answer("elepay", "revoke_charge", "again", &post(&mut sim, &format!("/charges/{other}/revoke"), json!({})));
}

/// The JSON examples of the provider pages in `../shared/provider-docs/` (beside the repository),
/// when that folder is there: requests too, since a decoder must refuse them gracefully.
fn page_examples(seeds: &mut Seeds) {
    let pages = [
        ("linepay-capture.txt", "linepay", "capture"),
        ("linepay-payment-details.txt", "linepay", "payment_details"),
        ("linepay-preapproved-payment.txt", "linepay", "pay_preapproved"),
        ("alipayplus-capture.txt", "alipayplus", "capture"),
        ("elepay-charge-capture.txt", "elepay", "capture_charge"),
    ];
    let docs = root().join("../shared/provider-docs");
    for (file, provider, operation) in pages {
        let Ok(text) = std::fs::read_to_string(docs.join(file)) else { continue };
        let page = file.trim_end_matches(".txt");
        let mut found = 0;
        for (at, _) in text.match_indices('{') {
            let mut stream = serde_json::Deserializer::from_str(&text[at..]).into_iter::<Value>();
            let Some(Ok(Value::Object(object))) = stream.next() else { continue };
            let end = at + stream.byte_offset();
            // Only outermost objects: skip those inside one already taken.
            if object.len() < 2 || text[..at].matches('{').count() > text[..at].matches('}').count() {
                continue;
            }
            found += 1;
            // Some pages show `{"body": {...}, "comments": {}}`: the response is the `body`.
            let body = match object.get("body") {
                Some(inner @ Value::Object(_)) => inner.to_string(),
                _ => text[at..end].to_owned(),
            };
            let status = if object.contains_key("errorCode") { 400 } else { 200 };
            let answer = Answer { status, body };
            seeds.answer(provider, operation, &format!("{page}-{found}"), &answer);
        }
    }
}

fn spec_files(seeds: &mut Seeds) {
    for (selector, file) in payspec_fuzz_targets::spec_files().iter().enumerate() {
        let name = format!("{}-{}", file.provider, file.name.trim_end_matches(".yaml"));
        seeds.add("spec", &name, [&[selector as u8][..], file.text.as_bytes()].concat());
    }
    // The shapes the depth limit is about, small, in place of LINE Pay's provider.yaml.
    let provider = payspec_fuzz_targets::spec_files()
        .iter()
        .position(|f| f.provider == "linepay" && f.name == "provider.yaml")
        .expect("spec/linepay/provider.yaml") as u8;
    seeds.add(
        "spec",
        "deep-flow",
        [&[provider][..], format!("types: {}{}\n", "[".repeat(70), "]".repeat(70)).as_bytes()].concat(),
    );
    seeds.add("spec", "deep-block", [&[provider][..], format!("{}x\n", "- ".repeat(70)).as_bytes()].concat());
}

fn signing(seeds: &mut Seeds) {
    let vectors = root().join("runtime/tests/vectors");
    let read = |name: &str| std::fs::read_to_string(vectors.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    for name in [
        "test_public_spki.pem",
        "test_public_pkcs1.pem",
        "test_public_spki.b64",
        "test_other_public_spki.pem",
        "test_private_pkcs8.pem",
        "test_private_pkcs1.pem",
        "test_private_pkcs8.b64",
        "test_private_pkcs1.b64",
    ] {
        let text = read(name);
        seeds.add("alipay_keys", &format!("text-{name}"), format!("0{text}"));
        let der = if name.ends_with(".b64") {
            STANDARD.decode(text.split_ascii_whitespace().collect::<String>())
        } else {
            let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
            STANDARD.decode(body)
        };
        seeds.add("alipay_keys", &format!("der-{name}"), [&b"1"[..], &der.expect("Base64 key")].concat());
    }
    let vectors: Value = serde_json::from_str(&read("vectors.json")).expect("vectors.json");
    for (i, v) in vectors["alipay_plus"].as_array().expect("alipay_plus vectors").iter().enumerate() {
        let header = v["header"].as_str().or(v["signature_header"].as_str()).unwrap_or_default();
        let message = v["string_to_sign"].as_str().unwrap_or_default();
        seeds.add("alipay_verify", &format!("vector-{i}"), format!("0{header}\n{message}"));
        seeds.add("alipay_verify", &format!("vector-{i}-other-bytes"), format!("0{header}\n{message}."));
        seeds.add("alipay_verify", &format!("sign-{i}"), format!("1{message}"));
    }
    seeds.add(
        "alipay_verify",
        "header-odd",
        "0signature=abc%3D,algorithm=rsa256,keyVersion=2,extra=1\nPOST /x\nc.t.{}",
    );
    seeds.add("alipay_verify", "sign-empty", "1");
}

#[test]
#[ignore = "writes fuzz/corpus/; run by hand to refresh the seeds"]
fn write_seeds() {
    let mut seeds = Seeds::default();
    linepay_flows(&mut seeds);
    alipayplus_flows(&mut seeds);
    elepay_flows(&mut seeds);
    page_examples(&mut seeds);
    spec_files(&mut seeds);
    signing(&mut seeds);
    for (target, _) in TARGETS {
        assert!(seeds.0.contains_key(target), "no seeds for {target}");
    }
    for (target, files) in &seeds.0 {
        let dir = root().join("fuzz/corpus").join(target);
        std::fs::create_dir_all(&dir).expect("a corpus folder");
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes).expect("a seed written");
        }
        println!("{target}: {} seeds", files.len());
    }
}

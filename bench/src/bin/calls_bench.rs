//! Per-call work without the network: what payspec adds to every call.
//!
//! `cargo run --release -p payspec-bench --bin calls_bench`

use std::hint::black_box;
use std::time::Duration;

use payspec::linepay::capture::CaptureRequest;
use payspec::linepay::payment_details::PaymentDetailsInfo;
use payspec::linepay::request::{PaymentRequest, RedirectUrls, RequestPackage, RequestProduct};
use payspec::linepay::{Currency, SUCCESS_CODES, TransactionId};
use payspec::runtime::client::{Call, CodeFacts, DecodeEnvelope, Method};
use payspec::runtime::protocol::line_pay::Envelope;
use payspec::runtime::secret::SecretString;
use payspec::runtime::signing::{alipay_plus, line_pay};
use payspec::runtime::{Decimal, Validate};
use payspec_bench::{CountingAllocator, allocations_during, median_per_call, report, show};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

const MERCHANT_KEY: &str = include_str!("../../../runtime/tests/vectors/test_private_pkcs8.pem");
const MERCHANT_PUBLIC: &str = include_str!("../../../runtime/tests/vectors/test_public_spki.pem");

/// What the client does before sending: validate, serialize the exact body, make a nonce, sign.
fn prepare(request: &impl Validate, body: &impl serde::Serialize, secret: &SecretString, path: &str) -> String {
    request.validate().unwrap_or_else(|e| panic!("{e}"));
    let bytes = serde_json::to_vec(body).unwrap_or_else(|e| panic!("{e}"));
    let nonce = line_pay::new_nonce().unwrap_or_else(|e| panic!("{e}"));
    line_pay::signature(secret, path, &bytes, &nonce)
}

fn full_request() -> PaymentRequest {
    let products: Vec<RequestProduct> = (0..10)
        .map(|i| {
            let mut p = RequestProduct::new(format!("商品 {i}: ドリップコーヒー"), 2, Decimal::from_i64(150));
            p.id = Some(format!("sku-{i:04}"));
            p.image_url = Some(format!("https://shop.example/images/{i}.png"));
            p
        })
        .collect();
    let package = RequestPackage::new("package-1", Decimal::from_i64(3000), products);
    let urls = RedirectUrls::new("https://shop.example/confirm", "https://shop.example/cancel");
    PaymentRequest::new(Decimal::from_i64(3000), Currency::Jpy, "order-20261121-0001", vec![package], urls)
}

fn details_body(transactions: usize) -> String {
    let info: Vec<String> = (0..transactions)
        .map(|i| {
            format!(
                r#"{{"transactionId":{},"orderId":"order-{i}","transactionDate":"2021-12-16T00:27:40Z","transactionType":"PAYMENT",
                "payStatus":"CAPTURE","productName":"Demo Product","merchantName":"Demo","currency":"TWD",
                "authorizationExpireDate":"2021-12-23T00:27:40Z","payInfo":[{{"method":"CREDIT_CARD","amount":1000}}],
                "refundList":[{{"refundTransactionId":{},"transactionType":"PARTIAL_REFUND","refundAmount":-20,"refundTransactionDate":"2021-12-16T00:50:15Z"}}],
                "packages":[{{"id":"pkg-{i}","amount":1000,"userFeeAmount":0,"products":[{{"name":"Demo Product","quantity":2,"price":500}}]}}]}}"#,
                2021121600698709510u64 + i as u64,
                2021121600698710312u64 + i as u64
            )
        })
        .collect();
    format!(r#"{{"returnCode":"0000","returnMessage":"Success.","info":[{}]}}"#, info.join(","))
}

fn details_call() -> Call {
    Call {
        operation: "payment_details",
        method: Method::GET,
        path: "/v3/payments".into(),
        path_template: "/v3/payments",
        secret_path_params: &[],
        query: String::new(),
        body: None,
        timeout: Duration::from_secs(20),
        idempotent: true,
        idempotency_key: None,
        effect: None,
        extra_success_codes: &[],
        classify: |_| CodeFacts::default(),
    }
}

/// A hand-written decode of the same Payment Details answer, as an application would type it without
/// payspec: owned strings, ids as `u64`, amounts as `f64`, enums as text, the envelope and `info` in one
/// serde pass. The floor payspec's decode is measured against.
mod floor {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    #[serde(rename_all = "camelCase")]
    pub struct Answer {
        pub return_code: String,
        pub return_message: Option<String>,
        #[serde(default)]
        pub info: Vec<Transaction>,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    #[serde(rename_all = "camelCase")]
    pub struct Transaction {
        pub transaction_id: u64,
        pub order_id: String,
        pub transaction_date: Option<String>,
        pub transaction_type: Option<String>,
        pub pay_status: Option<String>,
        pub product_name: Option<String>,
        pub merchant_name: Option<String>,
        pub currency: Option<String>,
        pub authorization_expire_date: Option<String>,
        #[serde(default)]
        pub pay_info: Vec<PayInfo>,
        #[serde(default)]
        pub refund_list: Vec<Refund>,
        #[serde(default)]
        pub packages: Vec<Package>,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    pub struct PayInfo {
        pub method: String,
        pub amount: f64,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    #[serde(rename_all = "camelCase")]
    pub struct Refund {
        pub refund_transaction_id: u64,
        pub transaction_type: String,
        pub refund_amount: f64,
        pub refund_transaction_date: String,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    #[serde(rename_all = "camelCase")]
    pub struct Package {
        pub id: String,
        pub amount: f64,
        pub user_fee_amount: Option<f64>,
        pub products: Vec<Product>,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    pub struct Product {
        pub name: String,
        pub quantity: i64,
        pub price: f64,
    }
}

/// The same, borrowing every string from the body (`&str`; none of these strings is escaped).
mod borrowed {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    #[serde(rename_all = "camelCase")]
    pub struct Answer<'a> {
        pub return_code: &'a str,
        pub return_message: Option<&'a str>,
        #[serde(default, borrow)]
        pub info: Vec<Transaction<'a>>,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    #[serde(rename_all = "camelCase")]
    pub struct Transaction<'a> {
        pub transaction_id: u64,
        pub order_id: &'a str,
        pub transaction_date: Option<&'a str>,
        pub transaction_type: Option<&'a str>,
        pub pay_status: Option<&'a str>,
        pub product_name: Option<&'a str>,
        pub merchant_name: Option<&'a str>,
        pub currency: Option<&'a str>,
        pub authorization_expire_date: Option<&'a str>,
        #[serde(default, borrow)]
        pub pay_info: Vec<PayInfo<'a>>,
        #[serde(default, borrow)]
        pub refund_list: Vec<Refund<'a>>,
        #[serde(default, borrow)]
        pub packages: Vec<Package<'a>>,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    pub struct PayInfo<'a> {
        pub method: &'a str,
        pub amount: f64,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    #[serde(rename_all = "camelCase")]
    pub struct Refund<'a> {
        pub refund_transaction_id: u64,
        pub transaction_type: &'a str,
        pub refund_amount: f64,
        pub refund_transaction_date: &'a str,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    #[serde(rename_all = "camelCase")]
    pub struct Package<'a> {
        pub id: &'a str,
        pub amount: f64,
        pub user_fee_amount: Option<f64>,
        #[serde(borrow)]
        pub products: Vec<Product<'a>>,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    pub struct Product<'a> {
        pub name: &'a str,
        pub quantity: i64,
        pub price: f64,
    }
}

/// payspec's decode of a Payment Details answer, as the client does it: the body arrives as a
/// `String`, the envelope and `info` are decoded, the typed value is returned.
fn payspec_decode(envelope: &Envelope, call: &Call, body: String) -> Vec<PaymentDetailsInfo> {
    let mut reply =
        envelope.decode_typed::<Vec<PaymentDetailsInfo>>(call, 200, body).unwrap_or_else(|e| panic!("{e:?}"));
    reply.take_typed().unwrap_or_else(|| panic!("not decoded in one pass"))
}

fn floor_decode(body: String) -> usize {
    let answer: floor::Answer = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.return_code, "0000");
    answer.info.len()
}

fn borrowed_decode(body: String) -> usize {
    let answer: borrowed::Answer<'_> = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.return_code, "0000");
    answer.info.len()
}

fn main() {
    // `calls_bench decode-payspec|decode-floor|decode-borrowed N`: only that decode of the 100
    // transactions, N times, for instruction counting with `valgrind --tool=callgrind` (stable when
    // the machine is busy, unlike wall time); bench/instructions.sh takes the difference of N and 2N.
    let args: Vec<String> = std::env::args().collect();
    if let Some(mode) = args.get(1).and_then(|m| m.strip_prefix("decode")) {
        let body = details_body(100);
        let call = details_call();
        let envelope = Envelope { success_codes: SUCCESS_CODES };
        for _ in 0..args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10) {
            // Each decode gets the body as a fresh String, as the transport hands it over.
            let body = black_box(body.clone());
            match mode {
                "" | "-payspec" => drop(black_box(payspec_decode(&envelope, &call, body))),
                "-floor" => drop(black_box(floor_decode(body))),
                "-borrowed" => drop(black_box(borrowed_decode(body))),
                other => panic!("unknown mode decode{other}"),
            }
        }
        return;
    }
    println!("per-call work without the network (release build)\n");
    let secret = SecretString::from("a-channel-secret-of-32-characters");
    let id: TransactionId = "2021121300698360310".parse().unwrap_or_else(|e| panic!("{e}"));
    let capture = CaptureRequest::new(Decimal::from_i64(1000), Currency::Twd);
    let capture_path = payspec::linepay::capture::path(&id);
    let t = median_per_call(31, 20_000, || {
        black_box(prepare(black_box(&capture), &capture, &secret, &capture_path));
    });
    report("LINE Pay capture: validate + serialize + sign", &show(t), "< 5 µs", t < Duration::from_micros(5));

    let full = full_request();
    let t = median_per_call(31, 5_000, || {
        black_box(prepare(black_box(&full), &full, &secret, "/v3/payments/request"));
    });
    report("LINE Pay request, 10 products: same", &show(t), "-", true);

    // The three decodes of the same 100 transactions, interleaved batch by batch so that a change in
    // machine load hits all three alike.
    let body = details_body(100);
    let call = details_call();
    let envelope = Envelope { success_codes: SUCCESS_CODES };
    let (mut ours, mut floor, mut borrowed) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..31 {
        ours.push(median_per_call(1, 100, || assert_eq!(payspec_decode(&envelope, &call, body.clone()).len(), 100)));
        floor.push(median_per_call(1, 100, || assert_eq!(floor_decode(body.clone()), 100)));
        borrowed.push(median_per_call(1, 100, || assert_eq!(borrowed_decode(body.clone()), 100)));
    }
    let spread = |v: &mut Vec<Duration>| {
        v.sort();
        (v[v.len() / 2], format!("{} ({}-{})", show(v[v.len() / 2]), show(v[0]), show(v[v.len() - 1])))
    };
    let ((t, ours), (t_floor, floor), (t_borrowed, borrowed)) =
        (spread(&mut ours), spread(&mut floor), spread(&mut borrowed));
    report("payment details, 100 transactions: payspec", &ours, "-", true);
    report("  hand-written owned, one pass (floor)", &floor, "-", true);
    report("  hand-written borrowed &str, one pass", &borrowed, "-", true);
    let ratio = t.as_secs_f64() / t_floor.as_secs_f64();
    report("  payspec / floor (wall)", &format!("{ratio:.2}x"), "<= 1.15x", ratio <= 1.15);
    let ratio = t_borrowed.as_secs_f64() / t_floor.as_secs_f64();
    report("  borrowed / floor (wall)", &format!("{ratio:.2}x"), "<= 0.75x", ratio <= 0.75);

    let private = alipay_plus::PrivateKey::from_pem_or_base64(MERCHANT_KEY).unwrap_or_else(|e| panic!("{e}"));
    let public = alipay_plus::PublicKey::from_pem_or_base64(MERCHANT_PUBLIC).unwrap_or_else(|e| panic!("{e}"));
    let alipay = payspec::alipayplus::capture::CaptureRequest::new("capture-1", "payment-1");
    let t = median_per_call(15, 200, || {
        alipay.validate().unwrap_or_else(|e| panic!("{e}"));
        let bytes = serde_json::to_vec(&alipay).unwrap_or_default();
        let message = alipay_plus::string_to_sign(
            "POST",
            "/api/open/v2/payments/capture",
            "client",
            "2026-11-21T00:00:00.000+00:00",
            &bytes,
        );
        let signature = private.sign(&message).unwrap_or_else(|e| panic!("{e}"));
        public.verify(&message, &signature).unwrap_or_else(|e| panic!("{e}"));
    });
    report("Alipay+ capture: prepare + RSA-2048 sign + verify", &show(t), "-", true);

    let ((), capture_allocs) = allocations_during(|| capture.validate().unwrap_or_else(|e| panic!("{e}")));
    report("allocations validating a valid capture", &capture_allocs.to_string(), "0", capture_allocs == 0);
    let ((), full_allocs) = allocations_during(|| full.validate().unwrap_or_else(|e| panic!("{e}")));
    report("allocations validating a valid 10-product request", &full_allocs.to_string(), "0", full_allocs == 0);
}

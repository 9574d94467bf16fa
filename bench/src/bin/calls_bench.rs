//! Per-call work without the network: what payspec adds to every call.
//!
//! `cargo run --release -p payspec-bench --bin calls_bench`

use std::hint::black_box;
use std::time::Duration;

use payspec::linepay::capture::CaptureRequest;
use payspec::linepay::payment_details::PaymentDetailsInfo;
use payspec::linepay::request::{PaymentRequest, RedirectUrls, RequestPackage, RequestProduct};
use payspec::linepay::{Currency, SUCCESS_CODES, TransactionId};
use payspec::runtime::client::{Call, CodeFacts, Envelope, Method};
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
        extra_success_codes: &[],
        classify: |_| CodeFacts::default(),
    }
}

fn main() {
    // `calls_bench decode N`: only the payment-details decode, N times, for instruction counting
    // with `valgrind --tool=callgrind` (stable when the machine is busy, unlike wall time).
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("decode") {
        let body = details_body(100);
        let call = details_call();
        let envelope = Envelope::LinePay { success_codes: SUCCESS_CODES };
        for _ in 0..args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10) {
            let reply = envelope.decode(&call, 200, black_box(&body)).unwrap_or_else(|e| panic!("{e:?}"));
            let info: Vec<PaymentDetailsInfo> =
                serde_json::from_str(reply.payload.get()).unwrap_or_else(|e| panic!("{e}"));
            black_box(info);
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

    let body = details_body(100);
    let call = details_call();
    let envelope = Envelope::LinePay { success_codes: SUCCESS_CODES };
    let t = median_per_call(31, 200, || {
        let reply = envelope.decode(&call, 200, black_box(&body)).unwrap_or_else(|e| panic!("{e:?}"));
        let info: Vec<PaymentDetailsInfo> = serde_json::from_str(reply.payload.get()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(info.len(), 100);
        black_box(info);
    });
    report("payment details: decode 100 transactions", &show(t), "< 200 µs", t < Duration::from_micros(200));
    let reply = envelope.decode(&call, 200, &body).unwrap_or_else(|e| panic!("{e:?}"));
    let t_env = median_per_call(31, 200, || {
        black_box(envelope.decode(&call, 200, black_box(&body)).unwrap_or_else(|e| panic!("{e:?}")));
    });
    report("  of which the envelope", &show(t_env), "-", true);
    let t_value = median_per_call(31, 200, || {
        black_box(serde_json::from_str::<serde_json::Value>(black_box(reply.payload.get())).unwrap_or_default());
    });
    report("  (untyped serde_json::Value of the info, for scale)", &show(t_value), "-", true);

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

//! The generated LINE Pay operations: validators at, below and above every limit, exact ids and
//! amounts, and error enums that cover every code of the provider pages.

use payspec::linepay::capture::{CaptureError, CaptureInfo, CaptureRequest};
use payspec::linepay::pay_preapproved::{self, PayPreapprovedError, PayPreapprovedRequest};
use payspec::linepay::payment_details::{
    self, PaymentDetailsError, PaymentDetailsFields, PaymentDetailsInfo, PaymentDetailsQuery,
};
use payspec::linepay::{Currency, PayMethod, TransactionId};
use payspec::runtime::client::QueryParams;
use payspec::runtime::validate::Rule;
use payspec::runtime::{Decimal, Validate};

/// The codes each page's return-code table lists (0000 aside), read off the pages in
/// ../shared/provider-docs independently of spec/.
const CAPTURE_PAGE: &str = "1104 1105 1106 1150 1155 1170 1172 1179 1183 1184 1198 1199 1280 1281 1282 1283 1284 1285 \
                            1286 1287 1288 1289 1290 1291 1292 1293 1294 1295 1296 1298 9000";
const DETAILS_PAGE: &str = "1104 1105 1106 1150 1177 9000";
const PREAPPROVED_PAGE: &str = "1101 1102 1104 1105 1106 1110 1124 1141 1154 1172 1183 1190 1193 1197 1198 1199 1280 \
                                1281 1282 1283 1284 1285 1286 1287 1288 1289 1290 1291 1292 1293 1294 1295 1296 1298 9000";

fn sorted(codes: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    v.sort();
    v
}

fn page(list: &str) -> Vec<String> {
    sorted(&list.split_whitespace().collect::<Vec<_>>())
}

#[test]
fn every_page_code_is_a_variant_of_the_right_enum() {
    assert_eq!(sorted(CaptureError::CODES), page(CAPTURE_PAGE));
    assert_eq!(sorted(PaymentDetailsError::CODES), page(DETAILS_PAGE));
    assert_eq!(sorted(PayPreapprovedError::CODES), page(PREAPPROVED_PAGE));
}

#[test]
fn every_code_round_trips_code_variant_code() {
    for code in CaptureError::CODES {
        let variant = CaptureError::from_code(code);
        assert!(!matches!(variant, CaptureError::Unknown(_)), "{code}");
        assert_eq!(variant.code(), *code);
        assert!(variant.description().is_some_and(|d| !d.is_empty()));
    }
    for code in PaymentDetailsError::CODES {
        assert_eq!(PaymentDetailsError::from_code(code).code(), *code);
    }
    for code in PayPreapprovedError::CODES {
        assert_eq!(PayPreapprovedError::from_code(code).code(), *code);
    }
    let unknown = CaptureError::from_code("1999");
    assert_eq!((unknown.code(), unknown.description(), unknown.is_retryable()), ("1999", None, false));
}

#[test]
fn capture_classifies_codes_as_the_notes_say() {
    // 1199 and 1280-1298 mean LINE Pay cancelled the authorization.
    for code in ["1199", "1280", "1287", "1298"] {
        assert!(CaptureError::from_code(code).authorization_cancelled(), "{code}");
    }
    assert!(!CaptureError::MerchantNotFound.authorization_cancelled());
    // After a timeout, 1172 and 1198 need a Payment Details lookup, not a blind retry.
    assert!(CaptureError::DuplicateOrderId.is_outcome_unknown());
    assert!(CaptureError::DuplicateRequest.is_outcome_unknown());
    assert!(!CaptureError::CardTemporaryError.is_retryable(), "on capture, 1280 cancels the authorization");
    // provider-notes.md (corrections): no source says a preapproved charge may be sent again after 1280.
    assert!(!PayPreapprovedError::CardTemporaryError.is_retryable());
}

#[test]
fn corrections_from_the_notes_are_in_the_codes() {
    use payspec::linepay::refund::RefundError;
    use payspec::linepay::void::VoidError;
    // 1999 is "the request differs from the earlier one", not temporary; 1900 and 1902 stay retryable (v3).
    let e = VoidError::from_code("1999");
    assert!(matches!(e, VoidError::RequestDiffersFromEarlier) && !e.is_retryable());
    assert!(!RefundError::RequestDiffersFromEarlier.is_retryable());
    assert!(VoidError::TemporaryError1900.is_retryable() && VoidError::TemporaryError1902.is_retryable());
    assert!(RefundError::TemporaryError1900.is_retryable() && RefundError::TemporaryError1902.is_retryable());
}

#[test]
fn pay_preapproved_expires_the_reg_key_for_the_v3_set() {
    let expected: Vec<&str> =
        vec!["1141", "1282", "1283", "1284", "1285", "1286", "1287", "1290", "1291", "1292", "1293", "1294", "1295"];
    let found: Vec<&str> = PayPreapprovedError::CODES
        .iter()
        .copied()
        .filter(|c| PayPreapprovedError::from_code(c).expires_reg_key())
        .collect();
    assert_eq!(found, expected);
    assert!(!CaptureError::CardExpired.expires_reg_key(), "the classification belongs to pay preapproved");
}

fn preapproved(product: &str, order: &str) -> PayPreapprovedRequest {
    PayPreapprovedRequest::new(product, Decimal::from_i64(100), Currency::Jpy, order)
}

fn rules(request: &impl Validate, path: &str) -> Vec<Rule> {
    request.validate().err().into_iter().flat_map(|e| e.violations).filter(|v| v.path == path).map(|v| v.rule).collect()
}

#[test]
fn pay_preapproved_counts_bytes_at_the_boundaries() {
    // orderId: 100 bytes. ASCII at the limit passes; one byte more fails.
    assert!(preapproved("p", &"a".repeat(100)).validate().is_ok());
    assert_eq!(rules(&preapproved("p", &"a".repeat(101)), "orderId"), vec![Rule::MaxBytes { limit: 100, actual: 101 }]);
    assert!(preapproved("p", &"a".repeat(99)).validate().is_ok());
    // productName: 4000 bytes. 1333 three-byte characters are 3999 bytes; 1334 are 4002.
    assert!(preapproved(&"商".repeat(1333), "o").validate().is_ok());
    assert_eq!(
        rules(&preapproved(&"商".repeat(1334), "o"), "productName"),
        vec![Rule::MaxBytes { limit: 4000, actual: 4002 }]
    );
    // Thai: 3 bytes per character as well; 4000 bytes exactly passes.
    let thai_and_ascii = format!("{}{}", "ก".repeat(1333), "x");
    assert_eq!(thai_and_ascii.len(), 4000);
    assert!(preapproved(&thai_and_ascii, "o").validate().is_ok());
    // Required text may not be empty; every violation comes back at once.
    let err = preapproved("", "").validate().unwrap_err();
    let paths: Vec<&str> = err.violations.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, vec!["productName", "orderId"]);
}

#[test]
fn unknown_currency_is_refused_before_sending() {
    let mut request = preapproved("p", "o");
    request.currency = Currency::parse("KRW");
    assert!(matches!(&rules(&request, "currency")[..], [Rule::NotAllowed { value, .. }] if value == "KRW"));
    request.currency = Currency::parse("WONS");
    assert_eq!(rules(&request, "currency").len(), 2, "not a listed currency, and over 3 bytes");
}

#[test]
fn capture_request_serializes_amounts_exactly() {
    let request = CaptureRequest::new("1000.50".parse::<Decimal>().unwrap(), Currency::Twd);
    assert_eq!(serde_json::to_string(&request).unwrap(), r#"{"amount":1000.5,"currency":"TWD"}"#);
    assert!(request.validate().is_ok());
    let whole = CaptureRequest::new(Decimal::from_i64(1000), Currency::Jpy);
    assert_eq!(serde_json::to_string(&whole).unwrap(), r#"{"amount":1000,"currency":"JPY"}"#);
}

#[test]
fn capture_response_keeps_19_digit_ids_exact() {
    // The id as a bare JSON number, above 2^53: f64 would turn it into 2021121300698360320.
    let body = r#"{"transactionId":2021121300698360310,"orderId":"20211216002",
                   "payInfo":[{"method":"BALANCE","amount":900},{"method":"DISCOUNT","amount":100}]}"#;
    let info: CaptureInfo = serde_json::from_str(body).unwrap();
    assert_eq!(info.transaction_id.as_str(), "2021121300698360310");
    assert_eq!(info.pay_info[0].method, PayMethod::Balance);
    assert_eq!(info.pay_info[1].amount, Decimal::from_i64(100));
    assert!(serde_json::from_str::<CaptureInfo>(&body.replace("2021121300698360310", "20211213006983603")).is_err());
}

#[test]
fn capture_path_embeds_the_transaction_id() {
    let id: TransactionId = "2021121300698360310".parse().unwrap();
    assert_eq!(payspec::linepay::capture::path(&id), "/v3/payments/authorizations/2021121300698360310/capture");
    assert_eq!(payspec::linepay::capture::TIMEOUT, Some(std::time::Duration::from_secs(60)));
}

#[test]
fn payment_details_query_repeats_ids_and_caps_them_at_100() {
    let ids: Vec<TransactionId> = (0..100).map(|i| format!("20211213006983{i:05}").parse().unwrap()).collect();
    let mut query = PaymentDetailsQuery::default();
    query.transaction_id = ids[..2].to_vec();
    query.order_id = vec!["注文-1".into()];
    query.fields = Some(PaymentDetailsFields::Transaction);
    assert_eq!(
        query.to_query_string(),
        "transactionId=2021121300698300000&transactionId=2021121300698300001&orderId=%E6%B3%A8%E6%96%87-1&fields=TRANSACTION"
    );
    query.transaction_id = ids.clone();
    assert!(query.validate().is_ok(), "100 ids is the limit");
    query.transaction_id.push(ids[0].clone());
    assert_eq!(rules(&query, "transactionId"), vec![Rule::MaxItems { limit: 100, actual: 101 }]);
    assert_eq!(payment_details::path(), "/v3/payments");
    assert_eq!(payment_details::METHOD, "GET");
}

#[test]
fn payment_details_decodes_the_page_example() {
    let info = r#"[{"transactionId":2021121600698709510,"transactionDate":"2021-12-16T00:27:40Z",
        "transactionType":"PAYMENT","productName":"Demo Product","currency":"TWD",
        "authorizationExpireDate":"2021-12-16T00:27:40Z","payInfo":[{"method":"CREDIT_CARD","amount":1000}],
        "refundList":[{"refundTransactionId":2021121600698710312,"transactionType":"PARTIAL_REFUND",
        "refundAmount":-20,"refundTransactionDate":"2021-12-16T00:50:15Z"}],"orderId":"20211216002",
        "payStatus":"CAPTURE","packages":[{"id":"c99abc79-3b29-4f40-8851-bc618ca57857","amount":1000,
        "userFeeAmount":0,"products":[{"name":"Demo Product","quantity":2,"price":500}]}]}]"#;
    let decoded: Vec<PaymentDetailsInfo> = serde_json::from_str(info).unwrap();
    let refund = &decoded[0].refund_list[0];
    assert_eq!(refund.refund_transaction_id.as_str(), "2021121600698710312");
    assert_eq!(refund.refund_amount, Decimal::from_i64(-20));
    assert_eq!(decoded[0].packages[0].products[0].quantity, 2);
    assert_eq!(decoded[0].merchant_name, None, "the page's example omits merchantName");
}

#[test]
fn pay_preapproved_path_encodes_the_reg_key() {
    assert_eq!(pay_preapproved::path("RK/1 2"), "/v3/payments/preapprovedPay/RK%2F1%202/payment");
}

#[test]
fn request_amount_is_the_packages_plus_their_user_fees() {
    use payspec::linepay::request::{PaymentRequest, RedirectUrls, RequestPackage, RequestProduct};
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    let package = |id: &str, amount: &str, fee: Option<&str>| {
        let mut p = RequestPackage::new(id, d(amount), vec![RequestProduct::new("Tea", 2, d("50"))]);
        p.user_fee = fee.map(d);
        p
    };
    let request = |amount: &str, packages: Vec<RequestPackage>| {
        let urls = RedirectUrls::new("https://shop.example/ok", "https://shop.example/cancel");
        PaymentRequest::new(d(amount), Currency::Twd, "order-1", packages, urls)
    };
    // The official rule (developers-pay.line.me, via provider-notes.md corrections): 100 + 100 + fee 30.
    let with_fee = request("230", vec![package("p1", "100", Some("30")), package("p2", "100", None)]);
    assert!(with_fee.validate().is_ok(), "{:?}", with_fee.validate());
    // The rule the notes first gave (packages alone) is too strict: the same request with amount 200 fails,
    // and the violation names every term of the rule.
    let packages_only = request("200", vec![package("p1", "100", Some("30")), package("p2", "100", None)]);
    let violations = packages_only.validate().unwrap_err().violations;
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].path, "amount");
    assert_eq!(
        violations[0].rule,
        Rule::Sum { of: "packages[].amount + packages[].userFee", sum: Some("230".into()), actual: "200".into() }
    );
    assert_eq!(violations[0].to_string(), "`amount` is 200, but packages[].amount + packages[].userFee add up to 230");
}

#[test]
fn requests_build_from_literals_and_setters_as_field_assignments_would() {
    use payspec::linepay::request::{
        PayType, PaymentOptions, PaymentRequest, RedirectUrls, RequestOptions, RequestPackage, RequestProduct,
    };
    let chained = PaymentRequest::new(
        1100,
        Currency::Twd,
        "order-1",
        [RequestPackage::new("shop-1", 1000, [RequestProduct::new("Coffee beans", 2, 500)]).with_user_fee(100)],
        RedirectUrls::new("https://shop.example/confirm", "https://shop.example/cancel"),
    )
    .with_options(
        RequestOptions::default()
            .with_payment(PaymentOptions::default().with_capture(false).with_pay_type(PayType::Normal)),
    );

    let product = RequestProduct::new(String::from("Coffee beans"), 2, Decimal::from_i64(500));
    let mut package = RequestPackage::new(String::from("shop-1"), Decimal::from_i64(1000), vec![product]);
    package.user_fee = Some(Decimal::from_i64(100));
    let urls =
        RedirectUrls::new(String::from("https://shop.example/confirm"), String::from("https://shop.example/cancel"));
    let mut assigned =
        PaymentRequest::new(Decimal::from_i64(1100), Currency::Twd, "order-1".to_owned(), vec![package], urls);
    let mut payment = PaymentOptions::default();
    payment.capture = Some(false);
    payment.pay_type = Some(PayType::Normal);
    let mut options = RequestOptions::default();
    options.payment = Some(payment);
    assigned.options = Some(options);

    assert_eq!(chained, assigned);
    assert!(chained.validate().is_ok());
    let json = serde_json::to_value(&chained).unwrap();
    assert_eq!(json["packages"][0]["userFee"], 100);
    assert_eq!(json["options"]["payment"], serde_json::json!({"capture": false, "payType": "NORMAL"}));
    // A setter of a list replaces it; an absent option stays absent on the wire.
    let products = RequestPackage::new("p", 0, [RequestProduct::new("a", 1, 0)]).with_name("Shop");
    assert_eq!(products.name.as_deref(), Some("Shop"));
    assert!(serde_json::to_value(RequestOptions::default()).unwrap().as_object().unwrap().is_empty());
}

#[test]
fn every_operation_error_converts_into_the_provider_error_whole() {
    use std::error::Error as _;

    use payspec::linepay;
    use payspec::runtime::client::{Error, ErrorKind, ProviderError};

    fn provider_error<C: payspec::runtime::ErrorCode>(operation: &'static str, code: &str) -> Error<C> {
        let kind = ErrorKind::Provider(ProviderError {
            code: C::from_code(code),
            message: Some("from the provider".into()),
            http_status: 200,
            retryable: C::from_code(code).is_retryable(),
            outcome_unknown: C::from_code(code).is_outcome_unknown(),
            body: "{}".into(),
        });
        Error::new(operation, false, kind)
    }
    // `?` converts each operation's error into the one flow error.
    fn flow(fail_at: &str) -> Result<(), linepay::Error> {
        if fail_at == "capture" {
            Err(provider_error::<CaptureError>(payspec::linepay::capture::NAME, "1198"))?;
        }
        Err(provider_error::<PayPreapprovedError>(pay_preapproved::NAME, "1282"))?;
        Ok(())
    }

    let err = flow("capture").unwrap_err();
    assert!(matches!(&err, linepay::Error::Capture(e) if e.provider_code() == Some(&CaptureError::from_code("1198"))));
    assert_eq!(err.operation(), "capture");
    assert_eq!(err.code(), Some("1198"));
    assert_eq!(err.description(), CaptureError::from_code("1198").description());
    assert!(err.is_outcome_unknown() && !err.is_safe_to_retry());
    assert!(!err.expires_reg_key());
    let linepay::Error::Capture(inner) = &err else { unreachable!() };
    assert_eq!(err.to_string(), inner.to_string(), "Display is the operation error's");
    let source = err.source().expect("the typed cause");
    assert!(source.downcast_ref::<ProviderError<CaptureError>>().is_some());

    let err = flow("pay_preapproved").unwrap_err();
    assert_eq!(err.operation(), "pay_preapproved");
    assert!(err.expires_reg_key(), "1282 expires the regKey: the classification survives the conversion");
    assert!(!err.is_outcome_unknown());

    let validation: Error<CaptureError> =
        Error::new("capture", false, ErrorKind::Validation(payspec::runtime::ValidationError { violations: vec![] }));
    let err = linepay::Error::from(validation);
    assert_eq!(err.code(), None);
    assert!(!err.authorization_cancelled(), "no code, no classification");
}

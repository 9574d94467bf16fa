//! Each fixture's generated code behaves as its spec says. The fixtures are compiled in
//! `payspec_tests` (src/lib.rs); their specs are in `tests/fixtures/*/spec`.

use payspec_runtime::client::QueryParams;
use payspec_runtime::validate::{Charset, Rule, Violation};
use payspec_runtime::{Decimal, ErrorCode, OpenEnum, Validate};
use payspec_tests::*;

fn violations(value: &impl Validate) -> Vec<Violation> {
    value.validate().err().map(|e| e.violations).unwrap_or_default()
}

fn rules_at(value: &impl Validate, path: &str) -> Vec<Rule> {
    violations(value).into_iter().filter(|v| v.path == path).map(|v| v.rule).collect()
}

#[test]
fn byte_limit_counts_utf8_bytes_at_below_and_above_the_limit() {
    use byte_limit::order::OrderRequest;
    // 10 bytes is the limit: ASCII at it passes, one more byte fails.
    assert!(OrderRequest::new("0123456789").validate().is_ok());
    assert_eq!(rules_at(&OrderRequest::new("0123456789A"), "orderId"), vec![Rule::MaxBytes { limit: 10, actual: 11 }]);
    // Three 3-byte characters are 9 bytes (fine); four are 12 bytes though only 4 characters.
    assert!(OrderRequest::new("注文番").validate().is_ok());
    assert_eq!(rules_at(&OrderRequest::new("注文番号"), "orderId"), vec![Rule::MaxBytes { limit: 10, actual: 12 }]);
    // A required string that is empty is missing.
    assert_eq!(rules_at(&OrderRequest::new(String::new()), "orderId"), vec![Rule::Required]);
    // The optional note: 2 to 6 bytes when present.
    let mut r = OrderRequest::new("id");
    r.note = Some("é".into());
    assert!(r.validate().is_ok(), "2 bytes is the minimum");
    r.note = Some("a".into());
    assert_eq!(rules_at(&r, "note"), vec![Rule::MinBytes { limit: 2, actual: 1 }]);
    r.note = Some("ééé".into());
    assert!(r.validate().is_ok(), "6 bytes is the maximum");
    r.note = Some("éééa".into());
    assert_eq!(rules_at(&r, "note"), vec![Rule::MaxBytes { limit: 6, actual: 7 }]);
}

#[test]
fn char_limit_counts_characters_and_checks_charsets_and_bounds() {
    use char_limit::order::OrderRequest;
    assert!(OrderRequest::new("ราคา").validate().is_ok(), "4 Thai characters are 12 bytes but 4 characters");
    assert_eq!(rules_at(&OrderRequest::new("ราคาa"), "title"), vec![Rule::MaxChars { limit: 4, actual: 5 }]);
    let mut r = OrderRequest::new("t");
    r.code = Some("a-1".into());
    r.count = Some(10);
    r.price = Some("0.001".parse().unwrap());
    let all = violations(&r);
    assert_eq!(
        all,
        vec![
            Violation {
                path: "code".into(),
                rule: Rule::Charset { expected: Charset::Alphanumeric, found: '-', index: 1 }
            },
            Violation { path: "count".into(), rule: Rule::Maximum { limit: "9".into(), actual: "10".into() } },
            Violation { path: "price".into(), rule: Rule::Minimum { limit: "0.01".into(), actual: "0.001".into() } },
        ],
        "every violation is reported at once"
    );
    r.code = Some("x".into());
    r.count = Some(0);
    r.price = Some(Decimal::new(1, 2).unwrap());
    assert_eq!(rules_at(&r, "code"), vec![Rule::MinChars { limit: 2, actual: 1 }]);
    assert_eq!(rules_at(&r, "count"), vec![Rule::Minimum { limit: "1".into(), actual: "0".into() }]);
    assert_eq!(rules_at(&r, "price"), vec![]);
}

#[test]
fn url_format_accepts_absolute_web_urls_only() {
    use char_limit::order::OrderRequest;
    let mut r = OrderRequest::new("t");
    r.callback = Some("https://shop.example/orders/1/confirm?x=1".into());
    assert!(r.validate().is_ok());
    r.callback = Some("http://localhost:8080/cb".into());
    assert!(r.validate().is_ok(), "http is allowed (a sandbox callback)");
    for bad in ["/orders/1/confirm", "shop.example/cb", "ftp://shop.example/cb", "https://", " https://shop.example"] {
        r.callback = Some(bad.into());
        assert_eq!(rules_at(&r, "callback"), vec![Rule::Url], "{bad:?}");
    }
    // The URL rule comes with the field's other limits.
    r.callback = Some(format!("https://shop.example/{}", "a".repeat(80)));
    assert_eq!(rules_at(&r, "callback"), vec![Rule::MaxBytes { limit: 100, actual: 101 }]);
    r.callback = Some(format!("/{}", "a".repeat(100)));
    assert_eq!(rules_at(&r, "callback"), vec![Rule::MaxBytes { limit: 100, actual: 101 }, Rule::Url]);
}

#[test]
fn datetime_fields_are_typed_and_keep_their_text() {
    use formats::book::{Booking, BookingRequest, RoomCode};
    use payspec_runtime::DateTime;
    let slot: DateTime = "2024-05-01T09:30:00+09:00".parse().unwrap();
    let request = BookingRequest::new(slot.clone(), RoomCode::new("B12").unwrap())
        .with_not_after("2024-05-01T01:00:00.250Z".parse().unwrap())
        .with_alternatives(["2024-05-02T09:30:00+09:00".parse::<DateTime>().unwrap()]);
    assert!(request.validate().is_ok());
    let json = serde_json::to_string(&request).unwrap();
    assert_eq!(
        json,
        r#"{"slot":"2024-05-01T09:30:00+09:00","notAfter":"2024-05-01T01:00:00.250Z","alternatives":["2024-05-02T09:30:00+09:00"],"room":"B12"}"#
    );
    assert_eq!(serde_json::from_str::<BookingRequest>(&json).unwrap(), request);
    // The instant is there to compare: the slot starts before notAfter, whatever the offsets.
    assert!(request.slot.cmp_instant(request.not_after.as_ref().unwrap()).is_lt());

    // A response decodes into the typed value and re-encodes to the bytes received.
    let body = r#"{"bookedAt":"2024-04-30T23:59:59.000001-07:00","expiresAt":"2024-05-01T00:00:00Z","room":"A1"}"#;
    let booking: Booking = serde_json::from_str(body).unwrap();
    assert_eq!(booking.booked_at.unix_timestamp(), 1_714_546_799);
    assert_eq!(booking.booked_at.nanosecond(), 1_000);
    assert_eq!(serde_json::to_string(&booking).unwrap(), body);

    // A date that does not exist is refused when decoding, naming the field.
    for bad in [
        r#"{"bookedAt":"2023-02-29T00:00:00Z","room":"A1"}"#,
        r#"{"bookedAt":"2024-05-01T00:00:00","room":"A1"}"#,
        r#"{"bookedAt":1714546799,"room":"A1"}"#,
        r#"{"bookedAt":"2024-04-30T12:00:00Z","expiresAt":"2024-04-31T00:00:00Z","room":"A1"}"#,
    ] {
        let err = serde_json::from_str::<Booking>(bad).unwrap_err().to_string();
        assert!(err.contains("RFC 3339"), "{bad}: {err}");
    }
}

#[test]
fn patterns_constrain_fields_list_items_and_constrained_strings() {
    use formats::book::{Booking, BookingRequest, RoomCode};
    // A `kind: string` type with a pattern: every way in goes through the one check.
    let refused = |e: payspec_runtime::ConstraintError| e.rules;
    let no_match = vec![Rule::Pattern { pattern: "^[A-Z][0-9]{1,3}$" }];
    assert_eq!(RoomCode::new("B12").unwrap().as_str(), "B12");
    assert_eq!(refused(RoomCode::new("b12").unwrap_err()), no_match);
    assert_eq!(refused("B1234".parse::<RoomCode>().unwrap_err()), no_match);
    assert_eq!(refused(RoomCode::try_from("12").unwrap_err()), no_match);
    assert_eq!(refused(RoomCode::try_from(String::from("B")).unwrap_err()), no_match);
    let err = serde_json::from_str::<Booking>(r#"{"bookedAt":"2024-05-01T00:00:00Z","room":"lobby"}"#).unwrap_err();
    assert!(err.to_string().contains("does not match the pattern `^[A-Z][0-9]{1,3}$`"), "{err}");

    // Plain string fields and list items are checked by `validate`, at their paths.
    let slot = "2024-05-01T09:30:00+09:00".parse().unwrap();
    let mut r = BookingRequest::new(slot, RoomCode::new("A1").unwrap()).with_reference("AB-123").with_tags([
        "#quiet".to_owned(),
        "window".to_owned(),
        "#late".to_owned(),
    ]);
    assert_eq!(violations(&r), vec![Violation { path: "tags[1]".into(), rule: Rule::Pattern { pattern: "^#" } }]);
    r.tags.clear();
    assert!(r.validate().is_ok());
    for bad in ["ab-123", "AB123", "AB-", "XAB-1"] {
        r.reference = Some(bad.into());
        assert_eq!(rules_at(&r, "reference"), vec![Rule::Pattern { pattern: "^[A-Z]{2}-[0-9]+$" }], "{bad}");
    }
    // Unanchored patterns match anywhere; `^…$` pins this one, and the length limit still applies.
    r.reference = Some("AB-1234567".into());
    assert_eq!(rules_at(&r, "reference"), vec![Rule::MaxChars { limit: 8, actual: 10 }]);
}

#[test]
fn open_enums_keep_unknown_values_and_requests_refuse_them() {
    use open_enum::Color;
    use open_enum::paint::{PaintRequest, PaintResult};
    assert_eq!(Color::parse("DARK_BLUE"), Color::DarkBlue);
    assert_eq!(Color::parse("3D"), Color::ThreeD);
    assert_eq!(Color::VALUES, &["RED", "DARK_BLUE", "3D"]);
    let decoded: PaintResult = serde_json::from_str(r#"{"color":"ULTRAVIOLET"}"#).unwrap();
    assert_eq!(decoded.color.as_str(), "ULTRAVIOLET");
    assert!(!decoded.color.is_known());
    assert_eq!(serde_json::to_string(&decoded).unwrap(), r#"{"color":"ULTRAVIOLET"}"#, "unknown values round-trip");
    for value in Color::VALUES {
        assert_eq!(Color::parse(value).as_str(), *value);
        assert_eq!(value.parse::<Color>().unwrap().to_string(), *value);
    }
    let mut request = PaintRequest::new(Color::parse("NEON"));
    request.extra = vec![Color::Red, Color::parse("GLITTER")];
    let paths: Vec<String> = violations(&request).into_iter().map(|v| v.path).collect();
    assert_eq!(paths, vec!["color", "extra[1]"]);
    assert!(matches!(
        &violations(&request)[0].rule,
        Rule::NotAllowed { value, allowed } if value == "NEON" && allowed.len() == 3
    ));
}

#[test]
fn nested_arrays_report_json_paths() {
    use nested_array::order::{OrderRequest, Package, Product};
    let ok = Package::new("p1", vec![Product::new("apple")]);
    let bad = Package::new("p-too-long", vec![Product::new("fine"), Product::new("much too long")]);
    let mut request = OrderRequest::new(vec![ok.clone(), bad, ok]);
    request.tags = vec!["ok".into(), "long".into()];
    request.metadata =
        [("a", "1"), ("b", "22222"), ("c", "3")].into_iter().map(|(k, v)| (k.into(), v.into())).collect();
    let found: Vec<(String, Rule)> = violations(&request).into_iter().map(|v| (v.path, v.rule)).collect();
    assert_eq!(
        found,
        vec![
            ("packages".into(), Rule::MaxItems { limit: 2, actual: 3 }),
            ("packages[1].id".into(), Rule::MaxBytes { limit: 5, actual: 10 }),
            ("packages[1].products[1].name".into(), Rule::MaxBytes { limit: 8, actual: 13 }),
            ("tags[1]".into(), Rule::MaxBytes { limit: 3, actual: 4 }),
            ("metadata".into(), Rule::MaxItems { limit: 2, actual: 3 }),
            (r#"metadata["b"]"#.into(), Rule::MaxBytes { limit: 4, actual: 5 }),
        ]
    );
    assert_eq!(rules_at(&OrderRequest::new(Vec::new()), "packages"), vec![Rule::Required]);
}

#[test]
fn path_and_query_parameters_are_encoded_exactly() {
    use path_and_query::lookup::{self, LookupQuery};
    use path_and_query::{OrderKey, View};
    let key: OrderKey = "2021121300698360310".parse().unwrap();
    assert_eq!(
        lookup::path("tokyo/shibuya 1", &key, 7),
        "/stores/tokyo%2Fshibuya%201/orders/2021121300698360310/lines/7"
    );
    assert_eq!(lookup::METHOD, "GET");
    assert_eq!(lookup::TIMEOUT, Some(std::time::Duration::from_secs(20)));
    assert_eq!(path_and_query::SANDBOX_BASE_URL, "https://sandbox.shop.example/api/v1");
    assert_eq!(path_and_query::Environment::Sandbox.base_url(), path_and_query::SANDBOX_BASE_URL);
    assert_eq!(path_and_query::Environment::Production.base_url(), "https://shop.example/api/v1");
    let custom = path_and_query::Environment::Custom("http://127.0.0.1:8080/prefix".into());
    assert_eq!(String::from(custom), "http://127.0.0.1:8080/prefix");

    let mut query = LookupQuery::default();
    assert_eq!(query.to_query_string(), "");
    query.order_key = vec![key.clone(), "1000000000000000001".parse().unwrap()];
    assert!("0000000000000000001".parse::<OrderKey>().is_err(), "a JSON number cannot spell a leading zero");
    query.view = Some(View::Short);
    query.limit = Some(50);
    assert_eq!(
        query.to_query_string(),
        "orderKey=2021121300698360310&orderKey=1000000000000000001&view=SHORT&limit=50"
    );
    assert!(query.validate().is_ok());
    query.order_key = vec![key.clone(); 4];
    query.limit = Some(0);
    let paths: Vec<String> = violations(&query).into_iter().map(|v| v.path).collect();
    assert_eq!(paths, vec!["orderKey", "limit"]);
}

#[test]
fn constrained_strings_validate_on_every_entry_point() {
    use path_and_query::OrderKey;
    let text = "2021121300698360310";
    // The id arrives as a bare JSON number above 2^53 and is kept exact.
    let from_number: OrderKey = serde_json::from_str(text).unwrap();
    assert_eq!(from_number.as_str(), text);
    assert_eq!(serde_json::to_string(&from_number).unwrap(), text, "written back as the same number");
    let from_string: OrderKey = serde_json::from_str(&format!("\"{text}\"")).unwrap();
    assert_eq!(from_string, from_number);
    for bad in ["202112130069836031", "20211213006983603100", "2021121300698360x10"] {
        assert!(bad.parse::<OrderKey>().is_err(), "{bad} parsed");
        assert!(OrderKey::try_from(bad).is_err());
        assert!(serde_json::from_str::<OrderKey>(&format!("\"{bad}\"")).is_err());
    }
    assert!(serde_json::from_str::<OrderKey>("2.021121300698360e18").is_err(), "a float never becomes an id");
    let err = OrderKey::new("12").unwrap_err();
    assert_eq!(err.type_name, "OrderKey");
    assert_eq!(err.rules, vec![Rule::MinChars { limit: 19, actual: 2 }]);
}

#[test]
fn line_pay_envelope_fixture_adds_operation_success_codes() {
    use envelope_line_pay::check::{self, CheckError, CheckOutcome, Line};
    assert_eq!(envelope_line_pay::SUCCESS_CODES, &["0000"]);
    assert_eq!(check::SUCCESS_CODES, &["0000", "0110", "0123"]);
    assert_eq!(CheckOutcome::from_code("0110"), CheckOutcome::Authorized);
    assert_eq!(CheckOutcome::Completed.description(), Some("The payment is complete."));
    let other = CheckOutcome::from_code("0000");
    assert_eq!((other.code(), other.description()), ("0000", None));
    assert!(!CheckError::CODES.contains(&"0110"));
    let info: Vec<Line> = serde_json::from_str(r#"[{"id":"a"},{"id":"b","extra":1}]"#).unwrap();
    assert_eq!(info.len(), 2, "unknown response fields are ignored");
}

#[test]
fn alipay_plus_fixture_adds_common_codes_to_every_operation() {
    use envelope_alipay_plus::pay::PayError;
    use payspec_runtime::client::ResultStatus;
    assert_eq!(PayError::CODES, &["USER_BALANCE_NOT_ENOUGH", "PAYMENT_IN_PROCESS", "UNKNOWN_EXCEPTION"]);
    assert_eq!(PayError::from_code("UNKNOWN_EXCEPTION"), PayError::UnknownException);
    assert!(PayError::UnknownException.is_outcome_unknown() && PayError::UnknownException.is_retryable());
    assert!(!PayError::UserBalanceNotEnough.is_retryable());
    // Each code carries the resultStatus the page documents; U goes with an unknown outcome.
    assert_eq!(PayError::UserBalanceNotEnough.result_status(), Some(ResultStatus::Failed));
    assert_eq!(PayError::PaymentInProcess.result_status(), Some(ResultStatus::Unknown));
    assert!(PayError::PaymentInProcess.is_outcome_unknown());
    assert_eq!(PayError::UnknownException.result_status(), Some(ResultStatus::Unknown));
    assert_eq!(PayError::from_code("NEW_CODE").result_status(), None);
}

#[test]
fn alipay_plus_accepted_is_an_outcome_with_the_response() {
    use envelope_alipay_plus::pay::{self, PayOutcome};
    // A (ACCEPT) and S (SUCCESS) both answer the call; the client returns which one with the body.
    assert_eq!(pay::SUCCESS_CODES, &["ACCEPT", "SUCCESS"]);
    assert_eq!(pay::OPERATION.extra_success_codes, pay::SUCCESS_CODES);
    assert_eq!(PayOutcome::from_code("ACCEPT"), PayOutcome::Accepted);
    assert_eq!(PayOutcome::from_code("SUCCESS"), PayOutcome::Succeeded);
    assert_eq!(PayOutcome::Accepted.description(), Some("Accepted; send the user to the cashier page."));
    assert!(matches!(PayOutcome::from_code("OTHER"), PayOutcome::Other(code) if code.as_str() == "OTHER"));
}

#[test]
fn http_status_fixture_carries_statuses_and_categories() {
    use envelope_http_status::ErrorCategory;
    use envelope_http_status::get_item::{self, GetItemError};
    assert_eq!(get_item::path("a b"), "/items/a%20b");
    assert_eq!(GetItemError::BadRequest.http_status(), Some(400));
    assert_eq!(GetItemError::Maintenance.category(), Some(ErrorCategory::System));
    assert!(GetItemError::Maintenance.is_retryable());
    let unknown = GetItemError::from_code("X999");
    assert_eq!((unknown.http_status(), unknown.category(), unknown.description()), (None, None, None));
    let body: envelope_http_status::ErrorBody =
        serde_json::from_str(r#"{"errorCode":"M001","message":"bad"}"#).unwrap();
    assert_eq!(GetItemError::from_code(body.error_code.as_deref().unwrap()), GetItemError::BadRequest);
}

#[test]
fn shared_codes_keep_operation_specific_facts_apart() {
    use shared_codes::charge::ChargeError;
    use shared_codes::refund::RefundError;
    assert_eq!(ChargeError::CODES, &["1104", "1198", "1280", "1300", "9000"]);
    assert_eq!(RefundError::CODES, &["1198", "1280", "9000"], "the common code joins every operation");
    assert!(ChargeError::DuplicateRequest.is_outcome_unknown());
    assert!(!RefundError::DuplicateRequest.is_outcome_unknown(), "facts added by charge stay with charge");
    assert!(ChargeError::CardTemporaryError.expires_key() && ChargeError::CardTemporaryError.is_retryable());
    assert!(!RefundError::CardTemporaryError.expires_key());
    assert_eq!(ChargeError::CardTemporaryError.description(), RefundError::CardTemporaryError.description());
    for code in ChargeError::CODES {
        assert_eq!(ChargeError::from_code(code).code(), *code);
        assert_eq!(<ChargeError as ErrorCode>::from_code(code).code(), *code);
    }
    let unknown = ChargeError::from_code("4242");
    assert!(matches!(&unknown, ChargeError::Unknown(v) if v.as_str() == "4242"));
    assert_eq!(unknown.to_string(), "4242: a code the spec does not list");
}

#[test]
fn sum_rules_are_exact_and_report_where_they_break() {
    use sum_rules::order::{OrderRequest, Package, Product};
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    let package = |amount: &str, products: &[(i64, &str)]| {
        Package::new(d(amount), products.iter().map(|(q, p)| Product::new(*q, d(p))).collect::<Vec<_>>())
    };
    // 3 × 0.1 + 1 × 0.7 is exactly 1.0: no floating-point drift.
    let good =
        OrderRequest::new(d("1.5"), vec![package("1.0", &[(3, "0.1"), (1, "0.7")]), package("0.5", &[(1, "0.5")])]);
    assert!(good.validate().is_ok(), "{:?}", good.validate());
    let bad = OrderRequest::new(d("2"), vec![package("1.0", &[(3, "0.1"), (1, "0.6")]), package("0.5", &[(1, "0.5")])]);
    let found: Vec<(String, Rule)> = violations(&bad).into_iter().map(|v| (v.path, v.rule)).collect();
    assert_eq!(
        found,
        vec![
            (
                "packages[0].amount".into(),
                Rule::Sum { of: "products[].quantity × price", sum: Some("0.9".into()), actual: "1.0".into() }
            ),
            (
                "amount".into(),
                Rule::Sum { of: "packages[].amount + packages[].userFee", sum: Some("1.5".into()), actual: "2".into() }
            ),
        ],
        "nested violations first, then the struct's own sums"
    );
    // Several terms: a package's optional fee adds to what the packages sum to.
    let mut with_fee = package("0.5", &[(1, "0.5")]);
    with_fee.user_fee = Some(d("0.25"));
    let fees = OrderRequest::new(d("1.75"), vec![package("1.0", &[(3, "0.1"), (1, "0.7")]), with_fee.clone()]);
    assert!(fees.validate().is_ok(), "{:?}", fees.validate());
    let without = OrderRequest::new(d("1.5"), vec![package("1.0", &[(3, "0.1"), (1, "0.7")]), with_fee]);
    assert_eq!(
        rules_at(&without, "amount"),
        vec![Rule::Sum {
            of: "packages[].amount + packages[].userFee",
            sum: Some("1.75".into()),
            actual: "1.5".into()
        }],
        "the rule is named with every term"
    );
    let huge = OrderRequest::new(d("1"), vec![package("1", &[(i64::MAX, "2")])]);
    assert!(
        matches!(&rules_at(&huge, "packages[0].amount")[..], [Rule::Sum { sum: None, .. }]),
        "overflow is reported"
    );
}

#[test]
fn rules_across_fields_are_reported_with_paths() {
    use constraints::token::{GrantType, Scope, TokenQuery, TokenRequest};
    let mut request = TokenRequest::new(GrantType::AuthorizationCode);
    request.payment_id = Some("p-1".into());
    request.auth_code = Some("code".into());
    assert!(request.validate().is_ok(), "{:?}", request.validate());

    // Neither id, no authCode for AUTHORIZATION_CODE, no note for scope FULL: every rule, at its field.
    let mut bad = TokenRequest::new(GrantType::AuthorizationCode);
    bad.payment_id = Some(String::new()); // empty is not given
    bad.scope = Some(Scope::Full);
    let found: Vec<String> = violations(&bad).iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "`paymentId` is missing: give at least one of paymentId, paymentRequestId",
            "`authCode` is required when `grantType` is AUTHORIZATION_CODE",
            "`note` is required when `scope` is FULL",
        ]
    );
    // The other id alone satisfies the first rule; the other grant type asks for the other field.
    let mut other = TokenRequest::new(GrantType::RefreshToken);
    other.payment_request_id = Some("r-1".parse().unwrap());
    assert_eq!(
        violations(&other),
        vec![Violation {
            path: "refreshToken".into(),
            rule: Rule::RequiredWhen { when: "grantType", equals: "REFRESH_TOKEN" }
        }]
    );
    other.scope = Some(Scope::Basic);
    other.refresh_token = Some("t".into());
    assert!(other.validate().is_ok());

    // Query parameters: at least one transactionId or orderId.
    let mut query = TokenQuery::default();
    assert_eq!(
        violations(&query),
        vec![Violation {
            path: "transactionId".into(),
            rule: Rule::AtLeastOne { fields: &["transactionId", "orderId"] }
        }]
    );
    query.order_id = vec!["o-1".into()];
    assert!(query.validate().is_ok());
}

/// The generated example tests (`examples::example_tests`, run by `cargo test -p payspec-tests --lib`)
/// pass; these prove that the checks they call fail when a documented example does not hold.
#[test]
fn example_checks_fail_when_the_documented_json_does_not_hold() {
    use examples::pay::{OPERATION, PayError, PayInfo, PayRequest};
    use payspec_runtime::examples::*;
    use payspec_runtime::protocol::line_pay::Envelope;
    const ENVELOPE: Envelope = Envelope { success_codes: examples::SUCCESS_CODES };
    let fails = |f: &dyn Fn()| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err();
    let doc =
        |json: &'static str, known: &'static [&'static str]| Documented { name: "t", json, known_differences: known };

    let valid = r#"{"amount": 1.5, "currency": "USD"}"#;
    request_round_trips::<PayRequest>(doc(valid, &[]));
    // A member the type does not know is dropped on decoding: the re-encoded JSON lacks it.
    assert!(fails(&|| request_round_trips::<PayRequest>(doc(r#"{"amount": 1.5, "currency": "USD", "tip": 1}"#, &[]))));
    // A request that breaks a rule of the spec (JPY has no minor units) is not a valid example.
    assert!(fails(&|| request_round_trips::<PayRequest>(doc(r#"{"amount": 1.5, "currency": "JPY"}"#, &[]))));
    // A listed difference that is not one, and an expected refusal that decodes, are stale.
    assert!(fails(&|| request_round_trips::<PayRequest>(doc(valid, &["amount"]))));
    assert!(fails(&|| {
        request_is_refused::<PayRequest>("t", valid);
    }));
    // The id keeps its 19 digits; written as a fraction it cannot be read exactly and is refused, not rounded.
    let answer = r#"{"returnCode": "0000", "info": {"transactionId": 9007199254740993123}}"#;
    response_round_trips::<_, PayInfo>(&ENVELOPE, &OPERATION, 200, doc(answer, &[]));
    let fraction = r#"{"returnCode": "0000", "info": {"transactionId": 9007199254740993123.0}}"#;
    assert!(fails(&|| response_round_trips::<_, PayInfo>(&ENVELOPE, &OPERATION, 200, doc(fraction, &[]))));
    // An error answer is not an answer, and an answer is not an error; an unlisted code has no variant.
    let error = r#"{"returnCode": "1104", "returnMessage": "No."}"#;
    error_maps_to::<_, PayError>(&ENVELOPE, &OPERATION, 200, "t", error, "1104");
    assert!(fails(&|| response_round_trips::<_, PayInfo>(&ENVELOPE, &OPERATION, 200, doc(error, &[]))));
    assert!(fails(&|| error_maps_to::<_, PayError>(&ENVELOPE, &OPERATION, 200, "t", answer, "1104")));
    let unlisted = r#"{"returnCode": "9999", "returnMessage": "No."}"#;
    assert!(fails(&|| error_maps_to::<_, PayError>(&ENVELOPE, &OPERATION, 200, "t", unlisted, "9999")));
}

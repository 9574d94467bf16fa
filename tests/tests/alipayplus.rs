//! The generated Alipay+ capture: character limits, the Amount rules, and every code of the page plus
//! the common codes.

use payspec::alipayplus::Amount;
use payspec::alipayplus::capture::{CaptureError, CaptureRequest, CaptureResponse};
use payspec::runtime::Validate;
use payspec::runtime::validate::{Charset, Numeral, Rule};

/// The page's API-specific codes (SUCCESS aside) and the notes' common codes, read off the sources.
const PAGE: &str = "AUTH_CANCELLED AUTH_EXPIRED AUTH_NOT_FOUND CAPTURE_IN_PROCESS INVALID_TOKEN CURRENCY_NOT_SUPPORT \
    USER_BALANCE_NOT_ENOUGH USER_STATUS_ABNORMAL PAYMENT_AMOUNT_EXCEED_LIMIT PAYMENT_COUNT_EXCEED_LIMIT \
    REPEAT_REQ_INCONSISTENT USER_AMOUNT_EXCEED_LIMIT RISK_REJECT KEY_NOT_FOUND CLIENT_INVALID SIGNATURE_INVALID \
    METHOD_NOT_SUPPORTED MEDIA_TYPE_NOT_ACCEPTABLE CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT";
const COMMON: &str = "PROCESS_FAIL PARAM_ILLEGAL INVALID_API ACCESS_DENIED REQUEST_TRAFFIC_EXCEED_LIMIT \
    EXPIRED_ACCESS_TOKEN UNKNOWN_EXCEPTION";

fn rules(request: &impl Validate, path: &str) -> Vec<Rule> {
    request.validate().err().into_iter().flat_map(|e| e.violations).filter(|v| v.path == path).map(|v| v.rule).collect()
}

#[test]
fn every_code_of_the_page_and_the_common_table_is_a_variant() {
    let mut expected: Vec<&str> = PAGE.split_whitespace().chain(COMMON.split_whitespace()).collect();
    let mut found = CaptureError::CODES.to_vec();
    expected.sort();
    found.sort();
    assert_eq!(found, expected);
    for code in CaptureError::CODES {
        let variant = CaptureError::from_code(code);
        assert!(!matches!(variant, CaptureError::Unknown(_)));
        assert_eq!(variant.code(), *code);
    }
}

#[test]
fn result_statuses_become_classifications() {
    assert!(CaptureError::CaptureInProcess.is_outcome_unknown(), "U in the page's table");
    assert!(CaptureError::UnknownException.is_outcome_unknown() && CaptureError::UnknownException.is_retryable());
    assert!(CaptureError::RequestTrafficExceedLimit.is_retryable());
    assert!(CaptureError::ExpiredAccessToken.refresh_access_token());
    assert!(!CaptureError::AuthExpired.is_retryable() && !CaptureError::AuthExpired.is_outcome_unknown());
}

fn capture(request_id: &str) -> CaptureRequest {
    CaptureRequest::new(request_id, "20190612114010800100188820200355883")
}

#[test]
fn ids_are_limited_in_characters_not_bytes() {
    assert!(capture(&"a".repeat(64)).validate().is_ok());
    assert_eq!(rules(&capture(&"a".repeat(65)), "captureRequestId"), vec![Rule::MaxChars { limit: 64, actual: 65 }]);
    // 64 Japanese characters are 192 bytes but within a 64-character limit.
    assert!(capture(&"請".repeat(64)).validate().is_ok());
    assert_eq!(rules(&capture(&"請".repeat(65)), "captureRequestId"), vec![Rule::MaxChars { limit: 64, actual: 65 }]);
    let mut request = capture("c");
    request.extend_info = Some("x".repeat(4097));
    assert_eq!(rules(&request, "extendInfo"), vec![Rule::MaxChars { limit: 4096, actual: 4097 }]);
}

#[test]
fn amounts_are_checked_inside_the_nested_struct() {
    let mut request = capture("c");
    request.capture_amount = Some(Amount::new("usd", "50.5"));
    assert_eq!(
        rules(&request, "captureAmount.currency"),
        vec![Rule::Charset { expected: Charset::UpperAlpha, found: 'u', index: 0 }]
    );
    assert_eq!(
        rules(&request, "captureAmount.value"),
        vec![
            Rule::Charset { expected: Charset::Digits, found: '.', index: 2 },
            Rule::Numeral { expected: Numeral::Positive }
        ]
    );
    // "A positive integer in the smallest currency unit": neither zero nor a leading zero.
    for not_positive in ["0", "0100"] {
        request.capture_amount = Some(Amount::new("USD", not_positive));
        assert_eq!(rules(&request, "captureAmount.value"), vec![Rule::Numeral { expected: Numeral::Positive }]);
    }
    request.capture_amount = Some(Amount::new("USD", "1".repeat(17)));
    assert_eq!(rules(&request, "captureAmount.value"), vec![Rule::MaxChars { limit: 16, actual: 17 }]);
    request.capture_amount = Some(Amount::new("USD", "5000"));
    assert!(request.validate().is_ok());
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        serde_json::json!({"captureRequestId":"c","paymentId":"20190612114010800100188820200355883",
                           "captureAmount":{"currency":"USD","value":"5000"}})
    );
}

#[test]
fn the_page_response_sample_decodes_without_its_result() {
    let body = r#"{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"captureRequestId":"20191127190741010007013213156",
        "captureId":"201231231313123167","paymentId":"20191127190741010007013213121",
        "captureAmount":{"value":"1000","currency":"USD"},"captureTime":"2021-06-08T12:12:12+08:00"}"#;
    let response: CaptureResponse = serde_json::from_str(body).unwrap();
    assert_eq!(response.capture_amount.unwrap().value, "1000");
    assert_eq!(response.capture_time.unwrap().as_str(), "2021-06-08T12:12:12+08:00");
}

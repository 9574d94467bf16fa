//! The generated elepay capture: every code of the error table on the operation's enum, with its
//! HTTP status and category, and the Charge object decoding unknown payment methods.

use payspec::elepay::capture_charge::{self, CaptureChargeError, ChargeCaptureRequest};
use payspec::elepay::{Charge, ChargeStatus, ErrorCategory, PaymentMethod};
use payspec::runtime::OpenEnum;

/// Every code of ../shared/provider-docs/elepay-error-codes.tsv with its status and category, read off the table.
const TABLE: &str = "M001000 M001001 M001002 M001003 M001004 M002001 M002002 M002003 M002004 M002005 M002006 M002007 \
    M002008 M002009 M002010 M002012 M003000 M004001 M004002 M004003 M005000 M006000 M006001 M006002 M006003 M006004 \
    M006005 M006006 M006007 M007001 M007002 S001000 S001001 S002000 S002001 U001000 U001001 U001002 U002000 U002001 \
    U002002 U002003 U003000 U003001 U003002 U003003 U003004 U003005 U003006 U003007 U003008 U003009 U003010 U003011 \
    U004000 U004001 U004002 U004003 U004004 U004005 U004006 U005000 U006000 U006001 U007000 U007001 U007002 U008000 \
    U008001 U008002 U009000";

#[test]
fn every_table_code_is_a_variant_with_status_and_category() {
    let table: Vec<&str> = TABLE.split_whitespace().collect();
    assert_eq!(table.len(), 71);
    assert_eq!(CaptureChargeError::CODES, &table[..]);
    for code in table {
        let variant = CaptureChargeError::from_code(code);
        assert_eq!(variant.code(), code);
        let (status, category) = match code.as_bytes()[0] {
            b'M' => (400, ErrorCategory::Merchant),
            b'U' => (400, ErrorCategory::User),
            _ => (500, ErrorCategory::System),
        };
        assert_eq!(variant.http_status(), Some(status), "{code}");
        assert_eq!(variant.category(), Some(category), "{code}");
    }
}

#[test]
fn temporary_failures_are_retryable() {
    for code in ["S001001", "S002000", "M005000", "M006001", "U005000"] {
        assert!(CaptureChargeError::from_code(code).is_retryable(), "{code}");
    }
    // "Use another payment method" is not retry advice (provider-notes.md, corrections).
    assert!(!CaptureChargeError::from_code("S002001").is_retryable());
    // The QR code may have been used: whether the payment went through must be looked up.
    assert!(CaptureChargeError::from_code("U003007").is_outcome_unknown());
    assert!(!CaptureChargeError::from_code("U001000").is_retryable(), "insufficient balance is final");
}

#[test]
fn charge_decodes_with_unknown_payment_methods_and_int64_times() {
    let body = r#"{"id":"ch_1","object":"charge","liveMode":false,"amount":1000,"currency":"JPY",
        "paymentMethod":"someNewWallet","status":"captured","paidTime":1700000000000,
        "refunds":{"amount":0,"totalCount":0,"data":[]}}"#;
    let charge: Charge = serde_json::from_str(body).unwrap();
    let method = charge.payment_method.unwrap();
    assert!(!method.is_known());
    assert_eq!(method.as_str(), "someNewWallet");
    assert_eq!(charge.status, Some(ChargeStatus::Captured));
    assert_eq!(charge.paid_time, Some(1_700_000_000_000));
    assert_eq!(PaymentMethod::parse("paypay"), PaymentMethod::Paypay);
}

#[test]
fn capture_body_and_path() {
    let mut request = ChargeCaptureRequest::default();
    request.amount = Some(800);
    assert_eq!(serde_json::to_string(&request).unwrap(), r#"{"amount":800}"#);
    assert_eq!(capture_charge::path("ch_1/x"), "/charges/ch_1%2Fx/capture");
}

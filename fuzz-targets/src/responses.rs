//! Every generated response type, one target per provider, with the operation's error enum (and
//! LINE Pay Check Payment Status's outcome enum, which its client returns instead of a body).
//!
//! Input: one selector byte, then text. The selector modulo the provider's number of operations
//! picks the operation in [`RESPONSES`]; the text is decoded as that operation's response, exactly as
//! the client decodes a reply's payload, and is also decoded as a return code.
//!
//! Asserts: no panic; a decoded response re-encodes, the encoding decodes to an equal value and
//! encodes to the same text again; a code decodes to the variant whose `code()` is that code.
//!
//! `tests/coverage.rs` lists the operations and response types of the generated clients in
//! `generated/src/*/client.rs` and fails when this table misses one, so a new operation cannot be
//! forgotten.

use std::fmt::Debug;

use payspec::{alipayplus, elepay, linepay};
use payspec_runtime::ErrorCode;
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

/// One operation of a generated client: what its method returns, and how to fuzz that.
#[derive(Debug, Clone, Copy)]
pub struct ResponseCase {
    pub provider: &'static str,
    pub operation: &'static str,
    /// The type the client's method returns on success, as written here (`linepay::capture::CaptureInfo`).
    pub response: &'static str,
    /// Decodes a payload (or, for an outcome, a success code) and checks the invariants.
    pub decode: fn(&str),
    /// Decodes a return code into the operation's error enum and checks the invariants.
    pub code: fn(&str),
}

macro_rules! case {
    ($provider:ident / $op:ident -> $ty:ty, $decode:ident, $err:ident) => {
        ResponseCase {
            provider: stringify!($provider),
            operation: stringify!($op),
            response: stringify!($ty),
            decode: $decode::<$ty>,
            code: error_code::<$provider::$op::$err>,
        }
    };
}

const LINEPAY: &[ResponseCase] = &[
    case!(linepay / capture -> linepay::capture::CaptureInfo, round_trip, CaptureError),
    case!(linepay / check_payment_status -> linepay::check_payment_status::CheckPaymentStatusOutcome, outcome, CheckPaymentStatusError),
    case!(linepay / check_reg_key -> (), ignored, CheckRegKeyError),
    case!(linepay / confirm -> linepay::confirm::ConfirmInfo, round_trip, ConfirmError),
    case!(linepay / expire_reg_key -> (), ignored, ExpireRegKeyError),
    case!(linepay / pay_preapproved -> linepay::pay_preapproved::PayPreapprovedInfo, round_trip, PayPreapprovedError),
    case!(linepay / payment_details -> Vec<linepay::payment_details::PaymentDetailsInfo>, round_trip, PaymentDetailsError),
    case!(linepay / refund -> linepay::refund::RefundInfo, round_trip, RefundError),
    case!(linepay / request -> linepay::request::RequestInfo, round_trip, RequestError),
    case!(linepay / void -> (), ignored, VoidError),
];

const ALIPAYPLUS: &[ResponseCase] = &[
    case!(alipayplus / apply_token -> alipayplus::apply_token::ApplyTokenResponse, round_trip, ApplyTokenError),
    case!(alipayplus / cancel -> alipayplus::cancel::CancelResponse, round_trip, CancelError),
    case!(alipayplus / capture -> alipayplus::capture::CaptureResponse, round_trip, CaptureError),
    case!(alipayplus / inquiry_payment -> alipayplus::inquiry_payment::InquiryPaymentResponse, round_trip, InquiryPaymentError),
    case!(alipayplus / inquiry_refund -> alipayplus::inquiry_refund::InquiryRefundResponse, round_trip, InquiryRefundError),
    case!(alipayplus / pay -> (alipayplus::pay::PayOutcome, alipayplus::pay::PayResponse), outcome_and_body, PayError),
    case!(alipayplus / refund -> alipayplus::refund::RefundResponse, round_trip, RefundError),
];

const ELEPAY: &[ResponseCase] = &[
    case!(elepay / capture_charge -> elepay::Charge, round_trip, CaptureChargeError),
    case!(elepay / create_charge -> elepay::Charge, round_trip, CreateChargeError),
    case!(elepay / create_refund -> elepay::Refund, round_trip, CreateRefundError),
    case!(elepay / list_charges -> elepay::list_charges::ChargeList, round_trip, ListChargesError),
    case!(elepay / list_refunds -> elepay::list_refunds::RefundList, round_trip, ListRefundsError),
    case!(elepay / retrieve_charge -> elepay::Charge, round_trip, RetrieveChargeError),
    case!(elepay / retrieve_charge_status -> elepay::retrieve_charge_status::ChargeStatusObject, round_trip, RetrieveChargeStatusError),
    case!(elepay / retrieve_refund -> elepay::Refund, round_trip, RetrieveRefundError),
    case!(elepay / revoke_charge -> elepay::Charge, round_trip, RevokeChargeError),
];

/// Every operation of every generated client, by provider, in the order the selector byte picks them.
pub const RESPONSES: &[(&str, &[ResponseCase])] =
    &[("linepay", LINEPAY), ("alipayplus", ALIPAYPLUS), ("elepay", ELEPAY)];

fn run(cases: &[ResponseCase], data: &[u8]) {
    let Some((&selector, text)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(text) else { return };
    let case = &cases[usize::from(selector) % cases.len()];
    (case.decode)(text);
    (case.code)(text);
}

pub fn responses_linepay(data: &[u8]) {
    run(LINEPAY, data);
}

pub fn responses_alipayplus(data: &[u8]) {
    run(ALIPAYPLUS, data);
}

pub fn responses_elepay(data: &[u8]) {
    run(ELEPAY, data);
}

/// What the client does with a payload of type `T`, plus the round trip.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(json: &str) {
    let Ok(value) = serde_json::from_str::<T>(json) else { return };
    let encoded = serde_json::to_string(&value).unwrap_or_else(|e| panic!("{value:?} does not encode: {e}"));
    let again = serde_json::from_str::<T>(&encoded).unwrap_or_else(|e| panic!("{encoded} does not decode: {e}"));
    assert_eq!(value, again, "decoding {json} and its encoding {encoded} differ");
    let twice = serde_json::to_string(&again).unwrap_or_else(|e| panic!("{again:?} does not encode: {e}"));
    assert_eq!(encoded, twice, "the encoding of a decoded value is stable");
}

/// An operation that returns nothing: the client decodes the payload as `IgnoredAny`.
#[allow(clippy::extra_unused_type_parameters, reason = "`case!` passes every operation's success type, here `()`")]
fn ignored<T>(json: &str) {
    let _ = serde_json::from_str::<IgnoredAny>(json);
}

/// An operation whose client returns the success code as an outcome enum.
trait Outcome {
    fn from_code(code: &str) -> Self;
    fn code(&self) -> &str;
}

impl Outcome for linepay::check_payment_status::CheckPaymentStatusOutcome {
    fn from_code(code: &str) -> Self {
        Self::from_code(code)
    }
    fn code(&self) -> &str {
        self.code()
    }
}

impl Outcome for alipayplus::pay::PayOutcome {
    fn from_code(code: &str) -> Self {
        Self::from_code(code)
    }
    fn code(&self) -> &str {
        self.code()
    }
}

fn outcome<T: Outcome>(code: &str) {
    assert_eq!(T::from_code(code).code(), code, "an outcome keeps its code");
}

/// An operation whose client returns the success code as an outcome beside the decoded body
/// (Alipay+ pay: `A` accepted with the cashier page, or `S`).
trait OutcomeAndBody {
    fn check(text: &str);
}

impl<O: Outcome, B: DeserializeOwned + Serialize + PartialEq + Debug> OutcomeAndBody for (O, B) {
    fn check(text: &str) {
        outcome::<O>(text);
        round_trip::<B>(text);
    }
}

fn outcome_and_body<T: OutcomeAndBody>(text: &str) {
    T::check(text);
}

fn error_code<E: ErrorCode>(code: &str) {
    let error = E::from_code(code);
    assert_eq!(error.code(), code, "an error keeps its code");
    let _ = (error.to_string(), error.is_retryable(), error.is_outcome_unknown());
    if let Some(description) = error.description() {
        assert!(!description.is_empty(), "a known code has a description");
    }
}

//! An Alipay+ wallet simulator (OpenAPI v2 of the mini-program platform).
//!
//! Sources: `provider-notes.md#alipay-wallet-openapi-v2-mini-program-platform` (endpoints, envelope,
//! request ids as idempotency keys, common codes, polling) and `provider-docs/alipayplus-capture.txt`
//! (capture's fields, defaults and code table). Paths are given without the wallet's prefix
//! (`/v2/payments/capture`, not `/api/open/v2/payments/capture`).
//!
//! Every answer is HTTP 200 with `result: {resultCode, resultStatus, resultMessage}` and the
//! operation's fields. The life of a payment ([`PaymentStatus`]):
//!
//! ```text
//! pay (A ACCEPT) ──> PROCESSING ──(the user pays on the cashier page)──> SUCCESS ──capture...──> captured
//!                        └──cancel──> CANCELLED                               └──cancel (nothing captured)──> CANCELLED
//! ```
//!
//! - pay answers `A` `ACCEPT` with the payment id and `redirectActionForm` naming the wallet's cashier
//!   page ([`CASHIER_URL`]), as the v2 pay page's own example does (provider-notes.md, corrections).
//!   Pay again with the same request id answers from the payment's state: `A` while the user has not
//!   paid, `S` `SUCCESS` with `paymentTime` once approved.
//! - The user paying on the cashier page is simulated by [`Simulator::approve`], or else by the first
//!   [`Simulator::processing_inquiries`] inquiryPayment calls of a new payment answering PROCESSING and
//!   the next one finding it SUCCESS (the notes: poll every 5 s, up to 1 min).
//! - Every payment is treated as an authorization: money moves at capture, so only captured money can
//!   be refunded. Captures may come in parts (`isLastCapture` false); the capture page says
//!   `isLastCapture` defaults to true, and after the last capture the authorization is closed.
//! - Request ids (`paymentRequestId`, `captureRequestId`, `refundRequestId`) are idempotency keys
//!   (the notes): the same id with the same parameters gets the first final answer again, unchanged
//!   and without a second effect; the same id with different parameters gets `REPEAT_REQ_INCONSISTENT`.
//!   Final answers are S and F results, except `PARAM_ILLEGAL` (the request was not accepted at all).
//! - [`Simulator::lose_answer`] simulates a lost result: the next call with that request id takes
//!   effect, but is answered `U` `UNKNOWN_EXCEPTION`; calling again with the same id returns the result
//!   it really had.
//!
//! Which code answers which illegal step:
//!
//! | situation | code | source |
//! |---|---|---|
//! | capture of an unknown payment, or of one the user has not paid (PROCESSING, FAIL) | AUTH_NOT_FOUND (F) | capture page |
//! | capture of a cancelled payment | AUTH_CANCELLED (F) | capture page |
//! | captures adding up to more than the authorized amount | CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT (F) | capture page |
//! | capture after the last capture | PROCESS_FAIL (F) | common code; the capture page names none (choice) |
//! | a request id again with different parameters | REPEAT_REQ_INCONSISTENT (F) | notes, capture page |
//! | missing or malformed field, amount of 0, another currency than the payment's | PARAM_ILLEGAL (F) | common code |
//! | refund, inquiry or cancel of an unknown payment | PROCESS_FAIL (F) | common code (choice) |
//! | inquiryRefund of an unknown refund | PROCESS_FAIL (F) | common code (choice) |
//! | refund above what is captured and not yet refunded | PROCESS_FAIL (F) | common code (choice) |
//! | refund of a payment that is not SUCCESS, cancel of a captured one | PROCESS_FAIL (F) | common code (choice) |
//!
//! applyToken ([`Simulator::issue_auth_code`] stands for the user authorizing the mini program, which
//! then hands the code to the merchant):
//!
//! - `AUTHORIZATION_CODE`: an issued, unused code younger than [`AUTH_CODE_SECONDS`] buys an access token
//!   valid [`ACCESS_TOKEN_SECONDS`] and a refresh token valid [`REFRESH_TOKEN_SECONDS`]; the code is
//!   then used up.
//! - `REFRESH_TOKEN`: an unexpired refresh token buys a new access token (the refresh token and its
//!   expiry stay); the old access token stops working.
//! - A code or refresh token that is unknown, used or expired: PROCESS_FAIL (F); a missing field, or
//!   a grantType the spec does not list: PARAM_ILLEGAL (F). The applyToken pages read had no code
//!   table (provider-notes.md), so these are the common codes (choice); the lifetimes are choices too,
//!   as the pages give none. [`Simulator::advance`] moves time past them.
//!
//! The v2 pages of refund, inquiryPayment, cancel and inquiryRefund name no code of their own for an
//! unknown payment or refund or an excessive refund (provider-notes.md; Alipay's other payment APIs use
//! ORDER_NOT_EXIST, REFUND_NOT_EXIST and REFUND_AMOUNT_EXCEED, which the v2 pages do not document), so
//! the simulator answers the common PROCESS_FAIL: every code it answers is a code of the spec, which
//! the server checks on every answer.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

pub use super::money::Money;
use super::{Answer, Clock, Outcome, Refusal, iso8601};

/// How long an authorization code can be exchanged (a choice: the pages read give no lifetime).
pub const AUTH_CODE_SECONDS: u64 = 10 * 60;
/// How long an access token works (a choice).
pub const ACCESS_TOKEN_SECONDS: u64 = 60 * 60;
/// How long a refresh token works (a choice).
pub const REFRESH_TOKEN_SECONDS: u64 = 30 * 86_400;

/// The tokens applyToken gave for one authorization, as they stand now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub customer_id: String,
    pub access_token: String,
    /// Logical Unix seconds.
    pub access_token_expires_at: u64,
    pub refresh_token: String,
    pub refresh_token_expires_at: u64,
}

/// An authorization code the user gave the mini program.
#[derive(Debug, Clone)]
struct AuthCode {
    customer_id: String,
    expires_at: u64,
    used: bool,
}

/// The wallet's cashier page that pay's `redirectActionForm` sends the user to (with `?paymentId=`).
pub const CASHIER_URL: &str = "https://wallet.example/cashier";

/// A money amount in the smallest unit of its currency (`{"currency": "USD", "value": "100"}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount {
    pub currency: String,
    pub value: Money,
}

impl Amount {
    fn parse(value: &Value) -> Option<Amount> {
        let currency = value.get("currency")?.as_str()?;
        let text = value.get("value")?.as_str()?;
        let valid = currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase());
        let number = Money::from_minor_text(text).ok().filter(|v| v.is_positive())?;
        valid.then(|| Amount { currency: currency.to_owned(), value: number })
    }

    fn to_json(&self) -> Value {
        json!({"currency": self.currency, "value": self.value.to_string()})
    }
}

/// The state of a payment, as inquiryPayment reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    Processing,
    Success,
    Fail,
    Cancelled,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Processing => "PROCESSING",
            PaymentStatus::Success => "SUCCESS",
            PaymentStatus::Fail => "FAIL",
            PaymentStatus::Cancelled => "CANCELLED",
        }
    }
}

/// A payment as the simulator remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub payment_id: String,
    pub payment_request_id: String,
    pub amount: Amount,
    pub status: PaymentStatus,
    /// inquiryPayment calls still to answer PROCESSING.
    pub processing_left: u32,
    /// The sum of the captures.
    pub captured: Money,
    /// A capture with `isLastCapture` true (or absent) was made: no more captures.
    pub capture_closed: bool,
    /// The sum of the refunds.
    pub refunded: Money,
    pub create_time: String,
    pub payment_time: Option<String>,
    pub cancel_time: Option<String>,
    /// The pay request's `paymentNotifyUrl`: where the wallet sends the result.
    pub notify_url: Option<String>,
}

/// One capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub capture_id: String,
    pub capture_request_id: String,
    pub payment_id: String,
    pub amount: Amount,
    pub last: bool,
    pub time: String,
}

/// One refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub refund_id: String,
    pub refund_request_id: String,
    pub payment_id: String,
    pub amount: Amount,
    pub reason: Option<String>,
    pub time: String,
}

/// The first request seen with a request id, and its final answer.
#[derive(Debug, Clone)]
struct Remembered {
    request: Map<String, Value>,
    answer: Answer,
}

/// The Alipay+ wallet simulator. See the module documentation for its rules.
#[derive(Debug, Clone)]
pub struct Simulator {
    clock: Clock,
    next_id: u64,
    /// How many inquiryPayment calls of a new payment answer PROCESSING before it is SUCCESS.
    pub processing_inquiries: u32,
    payments: BTreeMap<String, Payment>,
    /// paymentRequestId -> paymentId.
    payment_request_ids: BTreeMap<String, String>,
    /// (operation, request id) -> the first request and its final answer.
    remembered: BTreeMap<(&'static str, String), Remembered>,
    captures: Vec<Capture>,
    refunds: Vec<Refund>,
    /// Request ids whose next answer is lost (answered U after taking effect).
    lost: BTreeSet<String>,
    /// A new request id starting with this has its first answer lost (for demos without controls).
    pub lose_first_answer_prefix: Option<String>,
    /// Payments (by paymentId) that reached SUCCESS or FAIL since [`Simulator::take_results`].
    results: Vec<String>,
    auth_codes: BTreeMap<String, AuthCode>,
    /// One per authorization, found by refresh token.
    tokens: Vec<Token>,
}

impl Default for Simulator {
    fn default() -> Self {
        Simulator {
            clock: Clock::default(),
            next_id: 1,
            processing_inquiries: 1,
            payments: BTreeMap::new(),
            payment_request_ids: BTreeMap::new(),
            remembered: BTreeMap::new(),
            captures: Vec::new(),
            refunds: Vec::new(),
            lost: BTreeSet::new(),
            lose_first_answer_prefix: None,
            results: Vec::new(),
            auth_codes: BTreeMap::new(),
            tokens: Vec::new(),
        }
    }
}

/// The page's message for each result code the simulator answers.
fn message(code: &str) -> &'static str {
    match code {
        "SUCCESS" => "success",
        "UNKNOWN_EXCEPTION" => "An API calling is failed, which is caused by unknown reasons.",
        "REPEAT_REQ_INCONSISTENT" => "The submitted request is not consistent with the last one.",
        "AUTH_NOT_FOUND" => "The authorization on payment is not found.",
        "AUTH_CANCELLED" => "The authorization on payment has been canceled.",
        "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT" => {
            "The total capture amount exceeds the limit of the authorized payment amount."
        }
        "PARAM_ILLEGAL" => "Illegal parameters. For example, non-numeric input, invalid date.",
        "PROCESS_FAIL" => "A general business failure occurred.",
        "ACCEPT" => "accept",
        "ORDER_STATUS_INVALID" => "The order status is invalid.",
        _ => "error",
    }
}

fn answer(status: &str, code: &str, fields: Value) -> Answer {
    let mut body = json!({"result": {"resultCode": code, "resultStatus": status, "resultMessage": message(code)}});
    if let (Value::Object(body), Value::Object(fields)) = (&mut body, fields) {
        body.extend(fields);
    }
    Answer::json(200, &body)
}

fn success(fields: Value) -> Answer {
    answer("S", "SUCCESS", fields)
}

fn failure(code: &str) -> Answer {
    answer("F", code, json!({}))
}

/// A step's answer, or its refusal as an `F` result.
fn envelope(outcome: Outcome) -> Answer {
    outcome.unwrap_or_else(|refusal| failure(refusal.code))
}

fn text<'a>(request: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    request.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The result code of an answer the simulator built.
fn result_code(answer: &Answer) -> (String, String) {
    let value = answer.value();
    let field = |name: &str| value["result"][name].as_str().unwrap_or_default().to_owned();
    (field("resultStatus"), field("resultCode"))
}

impl Simulator {
    /// Answers one call. `path` is the operation path without the wallet prefix (`/v2/payments/pay`).
    pub fn handle(&mut self, method: &str, path: &str, _query: &str, body: &[u8]) -> Answer {
        let now = self.clock.tick();
        let known = [
            "/v2/payments/pay",
            "/v2/payments/inquiryPayment",
            "/v2/payments/cancel",
            "/v2/payments/capture",
            "/v2/payments/refund",
            "/v2/payments/inquiryRefund",
            "/v2/authorizations/applyToken",
        ];
        if method != "POST" || !known.contains(&path) {
            return Answer::not_found("Alipay+", method, path);
        }
        let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(body) else { return failure("PARAM_ILLEGAL") };
        match path {
            "/v2/payments/pay" => self.keyed("pay", "paymentRequestId", request, now, Simulator::pay),
            "/v2/payments/capture" => self.keyed("capture", "captureRequestId", request, now, Simulator::capture),
            "/v2/payments/refund" => self.keyed("refund", "refundRequestId", request, now, Simulator::refund),
            "/v2/payments/inquiryPayment" => envelope(self.inquiry_payment(&request, now)),
            "/v2/payments/cancel" => envelope(self.cancel(&request, now)),
            "/v2/authorizations/applyToken" => envelope(self.apply_token(&request, now)),
            _ => envelope(self.inquiry_refund(&request)),
        }
    }

    /// The next call carrying `request_id` takes effect but is answered `U` `UNKNOWN_EXCEPTION`, as
    /// when the wallet's answer is lost; a later call with the same id gets the real result.
    pub fn lose_answer(&mut self, request_id: &str) {
        self.lost.insert(request_id.to_owned());
    }

    /// The user pays at the cashier: the payment is SUCCESS from now on.
    pub fn approve(&mut self, payment_request_id: &str) -> Result<(), String> {
        let now = self.clock.seconds;
        let payment = self.processing(payment_request_id)?;
        payment.status = PaymentStatus::Success;
        payment.payment_time = Some(iso8601(now, 8));
        let id = payment.payment_id.clone();
        self.results.push(id);
        Ok(())
    }

    /// The payment fails at the cashier: FAIL from now on.
    pub fn decline(&mut self, payment_request_id: &str) -> Result<(), String> {
        let payment = self.processing(payment_request_id)?;
        payment.status = PaymentStatus::Fail;
        let id = payment.payment_id.clone();
        self.results.push(id);
        Ok(())
    }

    /// The user authorizes the mini program: a new authorization code for `customer_id`, to exchange
    /// with applyToken within [`AUTH_CODE_SECONDS`].
    pub fn issue_auth_code(&mut self, customer_id: &str) -> String {
        let code = self.new_id("AC");
        let expires_at = self.clock.seconds + AUTH_CODE_SECONDS;
        self.auth_codes.insert(code.clone(), AuthCode { customer_id: customer_id.to_owned(), expires_at, used: false });
        code
    }

    /// The tokens that hold `access_token`, while it works (issued, not replaced, not expired).
    pub fn token(&self, access_token: &str) -> Option<&Token> {
        let now = self.clock.seconds;
        self.tokens.iter().find(|t| t.access_token == access_token && now < t.access_token_expires_at)
    }

    /// The payments (by paymentId) that reached SUCCESS or FAIL since the last call, in order: the
    /// wallet notifies each result.
    pub fn take_results(&mut self) -> Vec<String> {
        std::mem::take(&mut self.results)
    }

    fn processing(&mut self, payment_request_id: &str) -> Result<&mut Payment, String> {
        let id = self.payment_request_ids.get(payment_request_id).ok_or(format!("no payment {payment_request_id}"))?;
        match self.payments.get_mut(id) {
            Some(p) if p.status == PaymentStatus::Processing => Ok(p),
            Some(p) => Err(format!("payment {payment_request_id} is {}, not PROCESSING", p.status.as_str())),
            None => Err(format!("no payment {payment_request_id}")),
        }
    }

    /// Moves the logical clock forward.
    pub fn advance(&mut self, seconds: u64) {
        self.clock.seconds += seconds;
    }

    /// Logical now, in Unix seconds.
    pub fn now(&self) -> u64 {
        self.clock.seconds
    }

    /// A payment by paymentId, for assertions.
    pub fn payment(&self, payment_id: &str) -> Option<&Payment> {
        self.payments.get(payment_id)
    }

    /// Every capture so far, in order.
    pub fn captures(&self) -> &[Capture] {
        &self.captures
    }

    /// Every refund so far, in order.
    pub fn refunds(&self) -> &[Refund] {
        &self.refunds
    }

    /// Adds a payment the user has already paid (SUCCESS), ready to be captured.
    pub fn seed_paid_payment(&mut self, payment_id: &str, payment_request_id: &str, currency: &str, value: i64) {
        let now = self.clock.tick();
        let amount = Amount { currency: currency.to_owned(), value: Money(value) };
        let mut payment = self.new_payment(payment_id.to_owned(), payment_request_id, amount, now);
        payment.status = PaymentStatus::Success;
        payment.payment_time = Some(iso8601(now, 8));
        self.payment_request_ids.insert(payment_request_id.to_owned(), payment_id.to_owned());
        self.payments.insert(payment_id.to_owned(), payment);
    }

    fn new_id(&mut self, prefix: &str) -> String {
        let id = format!("{prefix}{:020}", self.next_id);
        self.next_id += 1;
        id
    }

    fn new_payment(&self, payment_id: String, request_id: &str, amount: Amount, now: u64) -> Payment {
        Payment {
            payment_id,
            payment_request_id: request_id.to_owned(),
            amount,
            status: PaymentStatus::Processing,
            processing_left: self.processing_inquiries,
            captured: Money(0),
            capture_closed: false,
            refunded: Money(0),
            create_time: iso8601(now, 8),
            payment_time: None,
            cancel_time: None,
            notify_url: None,
        }
    }

    /// Runs an operation keyed by a request id, with the idempotency rules of the notes.
    fn keyed(
        &mut self,
        operation: &'static str,
        id_field: &str,
        request: Map<String, Value>,
        now: u64,
        run: fn(&mut Simulator, &Map<String, Value>, u64) -> Outcome,
    ) -> Answer {
        let Some(id) = text(&request, id_field).map(str::to_owned) else { return failure("PARAM_ILLEGAL") };
        let key = (operation, id.clone());
        let answer = match self.remembered.get(&key) {
            // An `A` is not final: the same call answers from the payment's state now.
            Some(first) if first.request == request && result_code(&first.answer).0 == "A" => {
                let answer = envelope(self.pay_state(&id, now));
                if result_code(&answer).0 != "A" {
                    self.remembered.insert(key, Remembered { request, answer: answer.clone() });
                }
                answer
            }
            Some(first) if first.request == request => first.answer.clone(),
            Some(_) => return failure("REPEAT_REQ_INCONSISTENT"),
            None => {
                if self.lose_first_answer_prefix.as_deref().is_some_and(|p| id.starts_with(p)) {
                    self.lost.insert(id.clone());
                }
                let answer = envelope(run(self, &request, now));
                let (status, code) = result_code(&answer);
                if status == "S" || status == "A" || (status == "F" && code != "PARAM_ILLEGAL") {
                    self.remembered.insert(key, Remembered { request, answer: answer.clone() });
                }
                answer
            }
        };
        if self.lost.remove(&id) {
            return answer_unknown();
        }
        answer
    }

    /// POST /v2/payments/pay
    fn pay(&mut self, request: &Map<String, Value>, now: u64) -> Outcome {
        let (Some(request_id), Some(_app)) = (text(request, "paymentRequestId"), text(request, "appId")) else {
            return Err("PARAM_ILLEGAL".into());
        };
        let Some(amount) = request.get("paymentAmount").and_then(Amount::parse) else {
            return Err("PARAM_ILLEGAL".into());
        };
        let payment_id = self.new_id("2024050119074101");
        let mut payment = self.new_payment(payment_id.clone(), request_id, amount, now);
        payment.notify_url = text(request, "paymentNotifyUrl").map(str::to_owned);
        self.payment_request_ids.insert(request_id.to_owned(), payment_id.clone());
        self.payments.insert(payment_id.clone(), payment);
        self.pay_state(request_id, now)
    }

    /// pay's answer for a payment it created: `A` with the cashier page until the user pays, `S` once
    /// paid, `F` `ORDER_STATUS_INVALID` once cancelled or failed.
    fn pay_state(&self, request_id: &str, _now: u64) -> Outcome {
        let Some(payment) = self.payment_request_ids.get(request_id).and_then(|id| self.payments.get(id)) else {
            return Err("PROCESS_FAIL".into());
        };
        match payment.status {
            PaymentStatus::Processing => Ok(answer(
                "A",
                "ACCEPT",
                json!({
                    "paymentId": payment.payment_id,
                    "redirectActionForm": {
                        "method": "POST",
                        "redirectionUrl": format!("{CASHIER_URL}?paymentId={}", payment.payment_id),
                    },
                }),
            )),
            PaymentStatus::Success => Ok(success(json!({
                "paymentId": payment.payment_id,
                "paymentTime": payment.payment_time,
            }))),
            PaymentStatus::Cancelled | PaymentStatus::Fail => Err("ORDER_STATUS_INVALID".into()),
        }
    }

    /// The payment named by paymentId, or else by paymentRequestId.
    fn lookup(&self, request: &Map<String, Value>) -> Result<String, Refusal> {
        if let Some(id) = text(request, "paymentId") {
            return self.payments.contains_key(id).then(|| id.to_owned()).ok_or(Refusal::from("PROCESS_FAIL"));
        }
        let request_id = text(request, "paymentRequestId").ok_or(Refusal::from("PARAM_ILLEGAL"))?;
        self.payment_request_ids.get(request_id).cloned().ok_or(Refusal::from("PROCESS_FAIL"))
    }

    /// POST /v2/payments/inquiryPayment
    fn inquiry_payment(&mut self, request: &Map<String, Value>, now: u64) -> Outcome {
        let id = self.lookup(request)?;
        let Some(payment) = self.payments.get_mut(&id) else { return Err("PROCESS_FAIL".into()) };
        if payment.status == PaymentStatus::Processing {
            if payment.processing_left > 0 {
                payment.processing_left -= 1;
            } else {
                payment.status = PaymentStatus::Success;
                payment.payment_time = Some(iso8601(now, 8));
                self.results.push(payment.payment_id.clone());
            }
        }
        let mut fields = json!({
            "paymentId": payment.payment_id,
            "paymentRequestId": payment.payment_request_id,
            "paymentAmount": payment.amount.to_json(),
            "paymentCreateTime": payment.create_time,
            "paymentStatus": payment.status.as_str(),
        });
        if let Some(time) = &payment.payment_time {
            fields["paymentTime"] = time.clone().into();
        }
        Ok(success(fields))
    }

    /// POST /v2/payments/cancel (paymentId wins over paymentRequestId, as the notes say).
    fn cancel(&mut self, request: &Map<String, Value>, now: u64) -> Outcome {
        let id = self.lookup(request)?;
        let Some(payment) = self.payments.get_mut(&id) else { return Err("PROCESS_FAIL".into()) };
        match payment.status {
            PaymentStatus::Processing => {}
            PaymentStatus::Success if payment.captured == Money(0) => {}
            // Cancelling again finds it cancelled and changes nothing.
            PaymentStatus::Cancelled => {}
            PaymentStatus::Success | PaymentStatus::Fail => return Err("PROCESS_FAIL".into()),
        }
        payment.status = PaymentStatus::Cancelled;
        let time = payment.cancel_time.get_or_insert_with(|| iso8601(now, 8)).clone();
        Ok(success(
            json!({"paymentId": payment.payment_id, "paymentRequestId": payment.payment_request_id, "cancelTime": time}),
        ))
    }

    /// POST /v2/payments/capture
    fn capture(&mut self, request: &Map<String, Value>, now: u64) -> Outcome {
        let Some(payment_id) = text(request, "paymentId") else { return Err("PARAM_ILLEGAL".into()) };
        let request_id = text(request, "captureRequestId").unwrap_or_default().to_owned();
        let Some(payment) = self.payments.get_mut(payment_id) else { return Err("AUTH_NOT_FOUND".into()) };
        match payment.status {
            PaymentStatus::Success => {}
            PaymentStatus::Cancelled => return Err("AUTH_CANCELLED".into()),
            PaymentStatus::Processing | PaymentStatus::Fail => return Err("AUTH_NOT_FOUND".into()),
        }
        if payment.capture_closed {
            return Err("PROCESS_FAIL".into());
        }
        let left = payment.amount.value - payment.captured;
        // The capture page: captureAmount may be left out for a full capture.
        let amount = match request.get("captureAmount") {
            None | Some(Value::Null) => Amount { currency: payment.amount.currency.clone(), value: left },
            Some(value) => match Amount::parse(value) {
                Some(amount) if amount.currency == payment.amount.currency => amount,
                _ => return Err("PARAM_ILLEGAL".into()),
            },
        };
        if !amount.value.is_positive() || amount.value > left {
            return Err("CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT".into());
        }
        // The capture page: isLastCapture defaults to true.
        let last = request.get("isLastCapture").and_then(Value::as_bool).unwrap_or(true);
        payment.captured += amount.value;
        payment.capture_closed = last;
        let time = iso8601(now, 8);
        let payment_id = payment.payment_id.clone();
        let capture_id = self.new_id("2024050119074102");
        self.captures.push(Capture {
            capture_id: capture_id.clone(),
            capture_request_id: request_id.clone(),
            payment_id: payment_id.clone(),
            amount: amount.clone(),
            last,
            time: time.clone(),
        });
        Ok(success(json!({
            "captureRequestId": request_id,
            "captureId": capture_id,
            "paymentId": payment_id,
            "captureAmount": amount.to_json(),
            "captureTime": time,
        })))
    }

    /// POST /v2/payments/refund
    fn refund(&mut self, request: &Map<String, Value>, now: u64) -> Outcome {
        let request_id = text(request, "refundRequestId").unwrap_or_default().to_owned();
        // The payment by paymentId, or else by paymentRequestId (provider-notes.md, corrections: both are
        // optional on the refund page).
        let id = self.lookup(request)?;
        let Some(payment) = self.payments.get_mut(&id) else { return Err("PROCESS_FAIL".into()) };
        if payment.status != PaymentStatus::Success {
            return Err("PROCESS_FAIL".into());
        }
        let left = payment.captured - payment.refunded;
        // refundAmount is required (provider-notes.md, corrections).
        let amount = match request.get("refundAmount").and_then(Amount::parse) {
            Some(amount) if amount.currency == payment.amount.currency => amount,
            _ => return Err("PARAM_ILLEGAL".into()),
        };
        if !amount.value.is_positive() || amount.value > left {
            return Err("PROCESS_FAIL".into());
        }
        payment.refunded += amount.value;
        let refund_id = self.new_id("2024050119074103");
        let refund = Refund {
            refund_id,
            refund_request_id: request_id,
            payment_id: id,
            amount,
            reason: text(request, "refundReason").map(str::to_owned),
            time: iso8601(now, 8),
        };
        let fields = refund_fields(&refund);
        self.refunds.push(refund);
        Ok(success(fields))
    }

    /// POST /v2/authorizations/applyToken
    fn apply_token(&mut self, request: &Map<String, Value>, now: u64) -> Outcome {
        if text(request, "appId").is_none() || text(request, "authClientId").is_none() {
            return Err("PARAM_ILLEGAL".into());
        }
        let index = match text(request, "grantType") {
            Some("AUTHORIZATION_CODE") => {
                let Some(code) = text(request, "authCode") else { return Err("PARAM_ILLEGAL".into()) };
                let customer_id = match self.auth_codes.get_mut(code) {
                    Some(c) if !c.used && now < c.expires_at => {
                        c.used = true;
                        c.customer_id.clone()
                    }
                    _ => return Err("PROCESS_FAIL".into()),
                };
                let refresh_token = self.new_id("RT");
                self.tokens.push(Token {
                    customer_id,
                    access_token: String::new(),
                    access_token_expires_at: 0,
                    refresh_token,
                    refresh_token_expires_at: now + REFRESH_TOKEN_SECONDS,
                });
                self.tokens.len() - 1
            }
            Some("REFRESH_TOKEN") => {
                let Some(refresh) = text(request, "refreshToken") else { return Err("PARAM_ILLEGAL".into()) };
                match self.tokens.iter().position(|t| t.refresh_token == refresh && now < t.refresh_token_expires_at) {
                    Some(index) => index,
                    None => return Err("PROCESS_FAIL".into()),
                }
            }
            _ => return Err("PARAM_ILLEGAL".into()),
        };
        let access_token = self.new_id("AT");
        let token = &mut self.tokens[index];
        token.access_token = access_token;
        token.access_token_expires_at = now + ACCESS_TOKEN_SECONDS;
        Ok(success(json!({
            "accessToken": token.access_token,
            "accessTokenExpiryTime": iso8601(token.access_token_expires_at, 8),
            "refreshToken": token.refresh_token,
            "refreshTokenExpiryTime": iso8601(token.refresh_token_expires_at, 8),
            "customerId": token.customer_id,
        })))
    }

    /// POST /v2/payments/inquiryRefund
    fn inquiry_refund(&mut self, request: &Map<String, Value>) -> Outcome {
        let found = match (text(request, "refundId"), text(request, "refundRequestId")) {
            (Some(id), _) => self.refunds.iter().find(|r| r.refund_id == id),
            (None, Some(id)) => self.refunds.iter().find(|r| r.refund_request_id == id),
            (None, None) => return Err("PARAM_ILLEGAL".into()),
        };
        match found {
            Some(refund) => {
                let mut fields = refund_fields(refund);
                fields["refundStatus"] = "SUCCESS".into();
                Ok(success(fields))
            }
            None => Err("PROCESS_FAIL".into()),
        }
    }
}

fn refund_fields(refund: &Refund) -> Value {
    let mut fields = json!({
        "refundId": refund.refund_id,
        "refundRequestId": refund.refund_request_id,
        "paymentId": refund.payment_id,
        "refundAmount": refund.amount.to_json(),
        "refundTime": refund.time,
    });
    if let Some(reason) = &refund.reason {
        fields["refundReason"] = reason.clone().into();
    }
    fields
}

fn answer_unknown() -> Answer {
    answer("U", "UNKNOWN_EXCEPTION", json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(sim: &mut Simulator, path: &str, body: Value) -> Value {
        sim.handle("POST", path, "", body.to_string().as_bytes()).value()
    }

    fn code(value: &Value) -> (&str, &str) {
        (value["result"]["resultStatus"].as_str().unwrap_or(""), value["result"]["resultCode"].as_str().unwrap_or(""))
    }

    fn usd(value: u64) -> Value {
        json!({"currency": "USD", "value": value.to_string()})
    }

    fn paid(sim: &mut Simulator, request_id: &str, value: u64) -> String {
        let pay = call(
            sim,
            "/v2/payments/pay",
            json!({"appId": "app", "paymentRequestId": request_id, "paymentAmount": usd(value)}),
        );
        assert_eq!(code(&pay), ("A", "ACCEPT"));
        let inquire = |sim: &mut Simulator| {
            call(sim, "/v2/payments/inquiryPayment", json!({"paymentRequestId": request_id}))["paymentStatus"].clone()
        };
        assert_eq!(inquire(sim), "PROCESSING");
        assert_eq!(inquire(sim), "SUCCESS");
        pay["paymentId"].as_str().expect("paymentId").to_owned()
    }

    fn capture(sim: &mut Simulator, id: &str, payment: &str, value: u64, last: bool) -> Value {
        let body =
            json!({"captureRequestId": id, "paymentId": payment, "captureAmount": usd(value), "isLastCapture": last});
        call(sim, "/v2/payments/capture", body)
    }

    #[test]
    fn pay_is_accepted_with_a_cashier_page_then_succeeds_once_approved() {
        let mut sim = Simulator::default();
        let body = json!({"appId": "app", "paymentRequestId": "pay-a", "paymentAmount": usd(100)});
        let first = call(&mut sim, "/v2/payments/pay", body.clone());
        assert_eq!(code(&first), ("A", "ACCEPT"));
        let payment = first["paymentId"].as_str().expect("paymentId").to_owned();
        assert_eq!(first["redirectActionForm"]["redirectionUrl"], format!("{CASHIER_URL}?paymentId={payment}"));
        assert_eq!(call(&mut sim, "/v2/payments/pay", body.clone()), first, "still waiting for the user");
        assert!(sim.approve("pay-a").is_ok() && sim.approve("pay-a").is_err(), "approved once");
        let after = call(&mut sim, "/v2/payments/pay", body.clone());
        assert_eq!(code(&after), ("S", "SUCCESS"));
        assert_eq!(after["paymentId"].as_str(), Some(payment.as_str()));
        assert!(after["paymentTime"].is_string());
        assert_eq!(call(&mut sim, "/v2/payments/pay", body), after, "S is final");
        assert_eq!(sim.payment(&payment).map(|p| p.status), Some(PaymentStatus::Success));
        assert!(sim.approve("no-such-request").is_err());
    }

    #[test]
    fn captures_add_up_to_the_authorized_amount_at_most() {
        let mut sim = Simulator::default();
        let payment = paid(&mut sim, "pay-1", 1000);
        assert_eq!(code(&capture(&mut sim, "cap-1", &payment, 700, false)), ("S", "SUCCESS"));
        assert_eq!(code(&capture(&mut sim, "cap-2", &payment, 400, true)), ("F", "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT"));
        assert_eq!(code(&capture(&mut sim, "cap-3", &payment, 300, true)), ("S", "SUCCESS"));
        assert_eq!(code(&capture(&mut sim, "cap-4", &payment, 1, true)), ("F", "PROCESS_FAIL"), "closed");
        assert_eq!(sim.payment(&payment).map(|p| p.captured), Some(Money(1000)));
        assert_eq!(code(&capture(&mut sim, "cap-5", "no-such-payment", 1, true)), ("F", "AUTH_NOT_FOUND"));
    }

    #[test]
    fn capture_needs_a_paid_payment() {
        let mut sim = Simulator::default();
        let pay =
            call(&mut sim, "/v2/payments/pay", json!({"appId": "a", "paymentRequestId": "p", "paymentAmount": usd(5)}));
        let payment = pay["paymentId"].as_str().unwrap().to_owned();
        assert_eq!(code(&capture(&mut sim, "c-1", &payment, 5, true)), ("F", "AUTH_NOT_FOUND"), "still PROCESSING");
        call(&mut sim, "/v2/payments/cancel", json!({"paymentId": payment}));
        assert_eq!(code(&capture(&mut sim, "c-2", &payment, 5, true)), ("F", "AUTH_CANCELLED"));
    }

    #[test]
    fn request_ids_are_idempotency_keys() {
        let mut sim = Simulator::default();
        let payment = paid(&mut sim, "pay-1", 1000);
        let first = capture(&mut sim, "cap-1", &payment, 100, false);
        assert_eq!(capture(&mut sim, "cap-1", &payment, 100, false), first, "the first result, unchanged");
        assert_eq!(sim.captures().len(), 1, "and no second capture");
        assert_eq!(code(&capture(&mut sim, "cap-1", &payment, 200, false)), ("F", "REPEAT_REQ_INCONSISTENT"));
        let again = call(
            &mut sim,
            "/v2/payments/pay",
            json!({"appId": "app", "paymentRequestId": "pay-1", "paymentAmount": usd(9)}),
        );
        assert_eq!(code(&again), ("F", "REPEAT_REQ_INCONSISTENT"));
    }

    #[test]
    fn a_lost_answer_took_effect_and_the_retry_gets_it() {
        let mut sim = Simulator::default();
        let payment = paid(&mut sim, "pay-1", 1000);
        sim.lose_answer("cap-1");
        assert_eq!(code(&capture(&mut sim, "cap-1", &payment, 100, false)), ("U", "UNKNOWN_EXCEPTION"));
        assert_eq!(sim.payment(&payment).map(|p| p.captured), Some(Money(100)), "it took effect");
        let retry = capture(&mut sim, "cap-1", &payment, 100, false);
        assert_eq!(code(&retry), ("S", "SUCCESS"));
        assert_eq!(retry["captureId"].as_str(), sim.captures().first().map(|c| c.capture_id.as_str()));
        assert_eq!(sim.payment(&payment).map(|p| p.captured), Some(Money(100)), "only once");
    }

    #[test]
    fn auth_codes_buy_tokens_once_and_refresh_tokens_renew_them_until_they_expire() {
        let mut sim = Simulator::default();
        let apply = |sim: &mut Simulator, grant: &str, field: &str, value: &str| {
            let body = json!({"appId": "app", "authClientId": "client", "grantType": grant, field: value});
            call(sim, "/v2/authorizations/applyToken", body)
        };
        let code_1 = sim.issue_auth_code("customer-1");
        let first = apply(&mut sim, "AUTHORIZATION_CODE", "authCode", &code_1);
        assert_eq!(code(&first), ("S", "SUCCESS"));
        assert_eq!(first["customerId"], "customer-1");
        let access = first["accessToken"].as_str().expect("accessToken").to_owned();
        let refresh = first["refreshToken"].as_str().expect("refreshToken").to_owned();
        let expiry = |seconds: u64| iso8601(seconds, 8);
        let issued_at = sim.now();
        assert_eq!(first["accessTokenExpiryTime"], expiry(issued_at + ACCESS_TOKEN_SECONDS));
        assert_eq!(first["refreshTokenExpiryTime"], expiry(issued_at + REFRESH_TOKEN_SECONDS));
        assert_eq!(sim.token(&access).map(|t| t.customer_id.as_str()), Some("customer-1"));
        assert_eq!(code(&apply(&mut sim, "AUTHORIZATION_CODE", "authCode", &code_1)), ("F", "PROCESS_FAIL"), "used");
        assert_eq!(code(&apply(&mut sim, "AUTHORIZATION_CODE", "authCode", "AC-unknown")), ("F", "PROCESS_FAIL"));
        assert_eq!(code(&apply(&mut sim, "AUTHORIZATION_CODE", "refreshToken", &refresh)), ("F", "PARAM_ILLEGAL"));
        assert_eq!(code(&apply(&mut sim, "PASSWORD", "authCode", &code_1)), ("F", "PARAM_ILLEGAL"));

        // The access token lapses; the refresh token buys a new one and the old one stays dead.
        sim.advance(ACCESS_TOKEN_SECONDS);
        assert_eq!(sim.token(&access), None, "expired");
        let renewed = apply(&mut sim, "REFRESH_TOKEN", "refreshToken", &refresh);
        assert_eq!(code(&renewed), ("S", "SUCCESS"));
        let new_access = renewed["accessToken"].as_str().expect("accessToken");
        assert_ne!(new_access, access);
        assert_eq!(renewed["refreshToken"], refresh.as_str());
        assert!(sim.token(new_access).is_some() && sim.token(&access).is_none());

        // A code not used in time, and a refresh token past its life, buy nothing.
        let late = sim.issue_auth_code("customer-2");
        sim.advance(AUTH_CODE_SECONDS);
        assert_eq!(code(&apply(&mut sim, "AUTHORIZATION_CODE", "authCode", &late)), ("F", "PROCESS_FAIL"));
        sim.advance(REFRESH_TOKEN_SECONDS);
        assert_eq!(code(&apply(&mut sim, "REFRESH_TOKEN", "refreshToken", &refresh)), ("F", "PROCESS_FAIL"));
    }

    #[test]
    fn refunds_stop_at_what_was_captured() {
        let mut sim = Simulator::default();
        let payment = paid(&mut sim, "pay-1", 1000);
        let refund = |sim: &mut Simulator, id: &str, value: u64| {
            call(
                sim,
                "/v2/payments/refund",
                json!({"refundRequestId": id, "paymentId": payment, "refundAmount": usd(value)}),
            )
        };
        assert_eq!(code(&refund(&mut sim, "r-1", 1)), ("F", "PROCESS_FAIL"), "nothing captured yet");
        capture(&mut sim, "cap-1", &payment, 600, true);
        assert_eq!(code(&refund(&mut sim, "r-2", 500)), ("S", "SUCCESS"));
        assert_eq!(code(&refund(&mut sim, "r-3", 101)), ("F", "PROCESS_FAIL"));
        let inquiry = call(&mut sim, "/v2/payments/inquiryRefund", json!({"refundRequestId": "r-2"}));
        assert_eq!(
            (inquiry["refundStatus"].as_str(), inquiry["refundAmount"]["value"].as_str()),
            (Some("SUCCESS"), Some("500"))
        );
        let missing = call(&mut sim, "/v2/payments/inquiryRefund", json!({"refundRequestId": "r-9"}));
        assert_eq!(code(&missing), ("F", "PROCESS_FAIL"));
    }
}

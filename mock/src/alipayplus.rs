//! The Alipay+ wallet mock: [`AlipayPlusMock`], served under the wallet prefix `/alipayplus`.
//!
//! The state machine, the idempotency of request ids and which illegal step gets which result code
//! are in the simulator's documentation (`mock/src/sim/alipayplus.rs`). Here: the request signature
//! check (RSA256 over `METHOD path\nClient-Id.Request-Time.body` with the merchant's public key; a
//! failure answers `F` `SIGNATURE_INVALID`), the signature on every answer (the wallet's key, over
//! `Response-Time`), the envelope of injected codes (`U` for a code the spec calls outcome-unknown,
//! `F` otherwise), and the controls. applyToken is simulated with state (authorization codes, access
//! and refresh tokens and their expiry; see the simulator's documentation): the user's authorization
//! is [`AlipayPlusMock::issue_auth_code`], and [`crate::Mock::advance`] moves time past the expiries.
//!
//! Notifications: when a payment reaches SUCCESS or FAIL and its pay request carried
//! `paymentNotifyUrl`, the wallet POSTs [`notify_payment_body`] there, signed with the wallet key over
//! `POST <path of that URL>\n<Client-Id>.<Request-Time>.<body>` (`Request-Time` is the wall clock at
//! each attempt, so that a receiver's time window accepts it). The answer acknowledges it only when
//! it is signed with the merchant key over `POST <path>\n<Client-Id>.<Response-Time>.<body>` and its
//! `result.resultStatus` is `S`; otherwise the notification is sent again.

use std::time::Duration;

use payspec::alipayplus::Client;
use payspec::runtime::client::{AlipayPlusCredentials, BuildError, Config};
use payspec::runtime::signing::alipay_plus::{self, PrivateKey, PublicKey};
use serde_json::{Value, json};

use crate::callback::{Answer, Outbound};
use crate::server::{ControlError, Exchange, Reply, Service};
use crate::sim::alipayplus::{Payment, Simulator};
use crate::{Mock, Options, Provider, TEST_MERCHANT_PRIVATE_KEY, TEST_WALLET_PUBLIC_KEY, Typed, any_port};

/// The wallet prefix the mock serves the API under.
pub const PREFIX: &str = "/alipayplus";

/// Marker of the Alipay+ provider.
#[derive(Debug)]
pub enum AlipayPlus {}

impl Provider for AlipayPlus {
    const NAME: &'static str = "alipayplus";
    const OPERATIONS: &'static [&'static str] = OPERATION_NAMES;
}

crate::operations!(AlipayPlus, alipayplus {
    apply_token => ApplyTokenError: Typed<payspec::alipayplus::apply_token::ApplyTokenResponse>,
    cancel => CancelError: Typed<payspec::alipayplus::cancel::CancelResponse>,
    capture => CaptureError: Typed<payspec::alipayplus::capture::CaptureResponse>,
    inquiry_payment => InquiryPaymentError: Typed<payspec::alipayplus::inquiry_payment::InquiryPaymentResponse>,
    inquiry_refund => InquiryRefundError: Typed<payspec::alipayplus::inquiry_refund::InquiryRefundResponse>,
    pay => PayError: Typed<payspec::alipayplus::pay::PayResponse>,
    refund => RefundError: Typed<payspec::alipayplus::refund::RefundResponse>,
});

/// An Alipay+ wallet simulator on 127.0.0.1. See [`crate::Mock`] for the controls every mock has.
pub type AlipayPlusMock = Mock<AlipayPlus>;

impl Mock<AlipayPlus> {
    /// Starts a mock with the default test credentials and keys ([`Options::default`]).
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub async fn start() -> AlipayPlusMock {
        Self::start_with(Options::default()).await.unwrap_or_else(|e| panic!("cannot start the Alipay+ mock: {e}"))
    }

    /// Starts a mock with `options`; its keys must parse.
    pub async fn start_with(options: Options) -> std::io::Result<AlipayPlusMock> {
        let service = service(&options).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.0))?;
        Mock::serve(any_port(), Box::new(service), &options).await
    }

    /// Credentials matching the default options: the test merchant key signs, the test wallet key
    /// verifies answers. With other keys in [`Options`], build the credentials from your own.
    pub fn credentials(&self) -> AlipayPlusCredentials {
        let client_id = self.sim(|s, id| Ok((s.now(), id.to_owned()))).map(|(_, id)| id).unwrap_or_default();
        // The embedded test keys parse (a unit test checks it).
        let private = PrivateKey::from_pem_or_base64(TEST_MERCHANT_PRIVATE_KEY).unwrap_or_else(|_| unreachable!());
        let public = PublicKey::from_pem_or_base64(TEST_WALLET_PUBLIC_KEY).unwrap_or_else(|_| unreachable!());
        AlipayPlusCredentials::new(client_id, private, public)
    }

    /// A client configuration pointing at the mock (its base URL carries the wallet prefix).
    pub fn config(&self) -> Config<AlipayPlusCredentials> {
        Config::new(self.base_url(), self.credentials())
    }

    /// A client for the mock, without handlers.
    pub fn client(&self) -> Result<Client, BuildError> {
        Client::new(self.config())
    }

    /// The user pays at the wallet's cashier: the payment with this `paymentRequestId` is SUCCESS.
    pub fn approve(&self, payment_request_id: &str) -> Result<(), ControlError> {
        self.sim(|s, _| s.approve(payment_request_id))
    }

    /// The payment fails at the cashier: FAIL.
    pub fn decline(&self, payment_request_id: &str) -> Result<(), ControlError> {
        self.sim(|s, _| s.decline(payment_request_id))
    }

    /// The next call carrying this request id takes effect but is answered `U` `UNKNOWN_EXCEPTION`;
    /// a later call with the same id gets the real result (the wallet's idempotency).
    pub fn lose_result(&self, request_id: &str) {
        let _ = self.sim(|s, _| {
            s.lose_answer(request_id);
            Ok(())
        });
    }

    /// How many inquiryPayment calls a new payment answers PROCESSING before it is SUCCESS by itself
    /// (1 by default; use [`Self::approve`] to decide it explicitly).
    pub fn set_processing_inquiries(&self, count: u32) {
        let _ = self.sim(|s, _| {
            s.processing_inquiries = count;
            Ok(())
        });
    }

    /// Adds a payment the user has paid (SUCCESS) of `value` in minor units, ready to capture.
    pub fn seed_paid_payment(&self, payment_id: &str, payment_request_id: &str, currency: &str, value: i64) {
        let _ = self.sim(|s, _| {
            s.seed_paid_payment(payment_id, payment_request_id, currency, value);
            Ok(())
        });
    }

    /// The user authorizes the mini program: a fresh authorization code for `customer_id`, for the
    /// merchant to exchange with applyToken.
    pub fn issue_auth_code(&self, customer_id: &str) -> String {
        self.sim(|s, _| Ok(s.issue_auth_code(customer_id))).unwrap_or_default()
    }

    /// The tokens holding `access_token` while it works (issued by applyToken, not replaced by a
    /// refresh, not expired on the mock's clock).
    pub fn access_token(&self, access_token: &str) -> Option<Token> {
        self.sim(|s, _| Ok(s.token(access_token).cloned())).ok().flatten()
    }

    /// A payment by paymentId, as the mock holds it now.
    pub fn payment(&self, payment_id: &str) -> Option<Payment> {
        self.sim(|s, _| Ok(s.payment(payment_id).cloned())).ok().flatten()
    }

    /// Every capture so far, in order.
    pub fn captures(&self) -> Vec<crate::sim::alipayplus::Capture> {
        self.sim(|s, _| Ok(s.captures().to_vec())).unwrap_or_default()
    }

    /// Every refund so far, in order.
    pub fn refunds(&self) -> Vec<crate::sim::alipayplus::Refund> {
        self.sim(|s, _| Ok(s.refunds().to_vec())).unwrap_or_default()
    }

    fn sim<T>(&self, f: impl FnOnce(&mut Simulator, &str) -> Result<T, String>) -> Result<T, ControlError> {
        let mut inner = self.server.shared.lock();
        let mount = inner.mount(AlipayPlus::NAME).ok_or_else(|| ControlError("no Alipay+ here".into()))?;
        let any: &mut dyn std::any::Any = mount.service.as_any();
        let service = any.downcast_mut::<AlipayPlusService>().ok_or_else(|| ControlError("not Alipay+".into()))?;
        let result = f(&mut service.sim, &service.client_id).map_err(ControlError);
        inner.collect();
        result
    }
}

pub use crate::sim::alipayplus::{
    ACCESS_TOKEN_SECONDS, AUTH_CODE_SECONDS, CASHIER_URL, Capture, Money, PaymentStatus, REFRESH_TOKEN_SECONDS, Refund,
    Token,
};

/// The `notifyPayment` body the wallet sends for `payment`'s result (`PAYMENT_RESULT`): S `SUCCESS`
/// with `paymentTime` for a paid payment, F `PROCESS_FAIL` for a failed one (the common code for a
/// business failure; the notes name no code for a declined payment). The one place the body is built:
/// a value of the generated `NotifyPayment` that the receivers decode.
pub fn notify_payment_body(payment: &Payment) -> payspec::alipayplus::NotifyPayment {
    use payspec::alipayplus::{Amount, NotifyPayment, NotifyResult, NotifyResultStatus, NotifyType};
    let (status, code, message) = match payment.status {
        PaymentStatus::Success => (NotifyResultStatus::Success, "SUCCESS", "success"),
        _ => (NotifyResultStatus::Failed, "PROCESS_FAIL", "A general business failure occurred."),
    };
    let amount = Amount::new(payment.amount.currency.clone(), payment.amount.value.to_string());
    let mut result = NotifyResult::new(code, status);
    result.result_message = Some(message.to_owned());
    let mut body = NotifyPayment::new(
        NotifyType::PaymentResult,
        result,
        payment.payment_request_id.clone(),
        payment.payment_id.clone(),
        amount,
    );
    // The simulator writes its times as RFC 3339 with an offset; one it could not parse is left out
    // rather than sent malformed.
    body.payment_create_time = payspec::DateTime::parse(&payment.create_time).ok();
    if payment.status == PaymentStatus::Success {
        body.payment_time = payment.payment_time.as_deref().and_then(|t| payspec::DateTime::parse(t).ok());
    }
    body
}

/// The path of `url`, which the signature covers (`/` when it has none or does not parse).
fn url_path(url: &str) -> String {
    payspec::reqwest::Url::parse(url).map(|u| u.path().to_owned()).unwrap_or_else(|_| "/".into())
}

/// The wall clock as ISO 8601 at +08:00, the wallet's `Request-Time`.
fn wall_clock() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    crate::sim::iso8601(now, 8)
}

pub(crate) struct AlipayPlusService {
    client_id: String,
    merchant_key: PublicKey,
    wallet_key: PrivateKey,
    sim: Simulator,
}

pub(crate) fn service(options: &Options) -> Result<AlipayPlusService, ControlError> {
    let merchant_key = PublicKey::from_pem_or_base64(&options.alipayplus_merchant_public_key)
        .map_err(|e| ControlError(format!("the merchant public key does not parse: {e}")))?;
    let wallet_key = PrivateKey::from_pem_or_base64(&options.alipayplus_wallet_private_key)
        .map_err(|e| ControlError(format!("the wallet private key does not parse: {e}")))?;
    let mut sim = Simulator::default();
    sim.lose_first_answer_prefix = options.alipayplus_lose_first_answer_prefix.clone();
    Ok(AlipayPlusService { client_id: options.alipayplus_client_id.clone(), merchant_key, wallet_key, sim })
}

fn result(status: &str, code: &str, message: &str) -> Reply {
    Reply::json(200, &json!({"result": {"resultCode": code, "resultStatus": status, "resultMessage": message}}))
}

impl Service for AlipayPlusService {
    fn provider(&self) -> &'static str {
        AlipayPlus::NAME
    }

    fn prefix(&self) -> &'static str {
        PREFIX
    }

    fn operations(&self) -> &'static [&'static str] {
        OPERATION_NAMES
    }

    fn codes(&self, operation: &str) -> Option<&'static [&'static str]> {
        codes(operation)
    }

    fn route(&self, method: &str, path: &str) -> Option<&'static str> {
        if method != "POST" {
            return None;
        }
        Some(match path {
            "/v2/payments/pay" => "pay",
            "/v2/payments/inquiryPayment" => "inquiry_payment",
            "/v2/payments/cancel" => "cancel",
            "/v2/payments/capture" => "capture",
            "/v2/payments/refund" => "refund",
            "/v2/payments/inquiryRefund" => "inquiry_refund",
            "/v2/authorizations/applyToken" => "apply_token",
            _ => return None,
        })
    }

    fn authenticate(&mut self, exchange: &Exchange) -> Result<(), String> {
        if exchange.header("client-id") != Some(self.client_id.as_str()) {
            return Err("Client-Id is not the client id".into());
        }
        let time = exchange.header("request-time").filter(|t| !t.is_empty()).ok_or("no Request-Time")?;
        let header = exchange.header("signature").ok_or("no Signature header")?;
        let signature = alipay_plus::parse_signature_header(header).map_err(|e| format!("Signature header: {e}"))?;
        let message =
            alipay_plus::string_to_sign(&exchange.method, &exchange.path, &self.client_id, time, &exchange.body);
        self.merchant_key
            .verify(&message, &signature.signature_base64)
            .map_err(|_| "the signature does not verify with the merchant's public key".to_string())
    }

    fn refuse(&self, reason: &str) -> Reply {
        result("F", "SIGNATURE_INVALID", &format!("The signature is invalid ({reason})."))
    }

    fn handle(&mut self, operation: &'static str, exchange: &Exchange) -> Reply {
        let path = exchange.path.strip_prefix(PREFIX).unwrap_or(&exchange.path);
        let answer = self.sim.handle(&exchange.method, path, &exchange.query, &exchange.body);
        let Value::Object(mut body) = answer.value() else { return Reply::json(answer.status, &answer.value()) };
        let Some(result) = body.remove("result") else { return Reply::json(answer.status, &Value::Object(body)) };
        let mut out = json!({"result": result});
        // S and A carry the operation's answer (A: pay's ACCEPT with the cashier page).
        if out["result"]["resultStatus"] == "S" || out["result"]["resultStatus"] == "A" {
            match conform(operation, Value::Object(body)) {
                Ok(Value::Object(fields)) => {
                    if let Value::Object(o) = &mut out {
                        o.extend(fields);
                    }
                }
                Ok(_) => {}
                Err(bug) => return Reply::json(500, &json!({"mock": bug})),
            }
        }
        Reply::json(answer.status, &out)
    }

    fn failure_code(&self, reply: &Reply) -> Option<String> {
        let body = reply.value();
        let failed = matches!(body["result"]["resultStatus"].as_str(), Some("F" | "U"));
        failed.then(|| body["result"]["resultCode"].as_str().unwrap_or_default().to_owned())
    }

    fn code_reply(&self, operation: &'static str, code: &str) -> Reply {
        let (message, unknown) = facts(operation, code).unwrap_or(("error", false));
        result(if unknown { "U" } else { "F" }, code, message)
    }

    fn finish(&self, exchange: &Exchange, reply: &mut Reply) {
        let time = crate::sim::iso8601(self.sim.now(), 8);
        let message =
            alipay_plus::string_to_sign(&exchange.method, &exchange.path, &self.client_id, &time, &reply.body);
        if let Ok(signature) = self.wallet_key.sign(&message) {
            reply.headers.push(("client-id".into(), self.client_id.clone()));
            reply.headers.push(("response-time".into(), time));
            reply.headers.push(("signature".into(), alipay_plus::signature_header(&signature, 1)));
        }
    }

    fn advance(&mut self, by: Duration) {
        self.sim.advance(by.as_secs());
    }

    fn control(&mut self, action: &str, body: &Value) -> Result<Value, ControlError> {
        let text = |name: &str| body[name].as_str().ok_or_else(|| ControlError(format!("give \"{name}\"")));
        match action {
            "approve" => self.sim.approve(text("paymentRequestId")?).map_err(ControlError)?,
            "decline" => self.sim.decline(text("paymentRequestId")?).map_err(ControlError)?,
            "lose-result" => self.sim.lose_answer(text("requestId")?),
            "issue-auth-code" => return Ok(json!({"authCode": self.sim.issue_auth_code(text("customerId")?)})),
            "seed-paid-payment" => {
                let value = body["value"].as_i64().ok_or_else(|| ControlError("give \"value\"".into()))?;
                let currency = text("currency")?;
                self.sim.seed_paid_payment(text("paymentId")?, text("paymentRequestId")?, currency, value);
            }
            other => {
                return Err(ControlError(format!(
                    "Alipay+ has no control {other:?}: approve, decline, lose-result, issue-auth-code, seed-paid-payment"
                )));
            }
        }
        Ok(json!({}))
    }

    fn describe(&self, base_url: &str) -> Value {
        json!({
            "provider": AlipayPlus::NAME,
            "baseUrl": format!("{base_url}{PREFIX}"),
            "credentials": {
                "clientId": self.client_id,
                "keyVersion": 1,
                "merchantPrivateKey": TEST_MERCHANT_PRIVATE_KEY,
                "walletPublicKey": TEST_WALLET_PUBLIC_KEY,
                "note": "the test keys of payspec-mock; with other keys given at start, use their pairs",
            },
            "operations": OPERATION_NAMES,
        })
    }

    fn as_any(&mut self) -> &mut dyn std::any::Any {
        self
    }

    fn outbound(&mut self) -> Vec<Outbound> {
        let results = self.sim.take_results();
        results
            .iter()
            .filter_map(|id| self.sim.payment(id))
            .filter_map(|payment| {
                let url = payment.notify_url.clone()?;
                // A value of the generated type: what the mock sends cannot drift from the spec.
                let body = serde_json::to_vec(&notify_payment_body(payment)).ok()?;
                Some(Outbound { kind: "notifyPayment".into(), url, body })
            })
            .collect()
    }

    fn sign_callback(&self, url: &str, body: &[u8]) -> Vec<(String, String)> {
        let time = wall_clock();
        let message = alipay_plus::string_to_sign("POST", &url_path(url), &self.client_id, &time, body);
        let mut headers = vec![
            ("content-type".to_owned(), "application/json; charset=UTF-8".to_owned()),
            ("client-id".to_owned(), self.client_id.clone()),
            ("request-time".to_owned(), time),
        ];
        if let Ok(signature) = self.wallet_key.sign(&message) {
            headers.push(("signature".into(), alipay_plus::signature_header(&signature, 1)));
        }
        headers
    }

    fn check_ack(&self, url: &str, answer: &Answer<'_>) -> Result<(), String> {
        if answer.status != 200 {
            return Err(format!("HTTP {}, not 200", answer.status));
        }
        if answer.header("client-id") != Some(self.client_id.as_str()) {
            return Err("the answer's Client-Id is missing or not the client id".into());
        }
        let time = answer.header("response-time").filter(|t| !t.is_empty()).ok_or("the answer has no Response-Time")?;
        let header = answer.header("signature").ok_or("the answer has no Signature")?;
        let signature =
            alipay_plus::parse_signature_header(header).map_err(|e| format!("the answer's Signature: {e}"))?;
        let message = alipay_plus::string_to_sign("POST", &url_path(url), &self.client_id, time, answer.body);
        self.merchant_key
            .verify(&message, &signature.signature_base64)
            .map_err(|_| "the answer's signature does not verify with the merchant's public key".to_string())?;
        let body: Value = serde_json::from_slice(answer.body).map_err(|_| "the answer is not JSON".to_string())?;
        match body["result"]["resultStatus"].as_str() {
            Some("S") => Ok(()),
            other => Err(format!("the answer's resultStatus is {other:?}, not S")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_test_keys_parse() {
        assert!(PrivateKey::from_pem_or_base64(TEST_MERCHANT_PRIVATE_KEY).is_ok());
        assert!(PublicKey::from_pem_or_base64(TEST_WALLET_PUBLIC_KEY).is_ok());
        assert!(service(&Options::default()).is_ok());
    }
}

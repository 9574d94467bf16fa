//! The LINE Pay Online API v3 mock: [`LinePayMock`].
//!
//! The state machine and which illegal step gets which code are in the simulator's documentation
//! (`mock/src/sim/linepay.rs`). Here: the signature check (HMAC-SHA256 over secret, path, body or
//! query and a nonce that must be fresh; a failure answers `1106`), the envelope around injected codes
//! (HTTP 200, `returnCode`, the spec's description as `returnMessage`), and the controls.
//!
//! The redirect after approval: LINE Pay sends the user's browser to the request's
//! `redirectUrls.confirmUrl` with `transactionId` and `orderId` added to its query
//! ([`confirm_redirect_url`]); nothing on it is signed. [`LinePayMock::follow_redirect`] makes that
//! GET as the browser would.

use std::time::Duration;

use payspec::linepay::{Client, TransactionId};
use payspec::runtime::client::{BuildError, Config, LinePayCredentials};
use payspec::runtime::secret::SecretString;
use payspec::runtime::signing::line_pay;
use serde_json::{Value, json};

use crate::server::{ControlError, Exchange, Nonces, Reply, Service};
use crate::sim::linepay::Simulator;

pub use crate::sim::linepay::{
    APPROVAL_WINDOW_SECONDS, AUTHORIZATION_SECONDS, FIRST_TRANSACTION_ID, Money, Payment, PaymentState, Refund, RegKey,
};
use crate::{Mock, NoPayload, Options, Provider, Typed, any_port};

/// Marker of the LINE Pay provider.
#[derive(Debug)]
pub enum LinePay {}

impl Provider for LinePay {
    const NAME: &'static str = "linepay";
    const OPERATIONS: &'static [&'static str] = OPERATION_NAMES;
}

crate::operations!(LinePay, linepay {
    capture => CaptureError: Typed<payspec::linepay::capture::CaptureInfo>,
    check_payment_status => CheckPaymentStatusError: NoPayload,
    check_reg_key => CheckRegKeyError: NoPayload,
    confirm => ConfirmError: Typed<payspec::linepay::confirm::ConfirmInfo>,
    expire_reg_key => ExpireRegKeyError: NoPayload,
    pay_preapproved => PayPreapprovedError: Typed<payspec::linepay::pay_preapproved::PayPreapprovedInfo>,
    payment_details => PaymentDetailsError: Typed<Vec<payspec::linepay::payment_details::PaymentDetailsInfo>>,
    refund => RefundError: Typed<payspec::linepay::refund::RefundInfo>,
    request => RequestError: Typed<payspec::linepay::request::RequestInfo>,
    void => VoidError: NoPayload,
});

/// A LINE Pay simulator on 127.0.0.1. See [`crate::Mock`] for the controls every mock has.
pub type LinePayMock = Mock<LinePay>;

/// Why a control step was refused (no such payment, not in a state that allows it).
pub type StepError = ControlError;

fn transaction(id: &TransactionId) -> Result<u64, ControlError> {
    id.as_str().parse().map_err(|_| ControlError(format!("{} is not a transaction the mock issued", id.as_str())))
}

impl Mock<LinePay> {
    /// Starts a mock with the default test credentials ([`Options::default`]) on a free port.
    ///
    /// # Panics
    /// When no loopback port can be bound (the machine has no network stack for tests).
    pub async fn start() -> LinePayMock {
        Self::start_with(Options::default()).await.unwrap_or_else(|e| panic!("cannot start the LINE Pay mock: {e}"))
    }

    /// Starts a mock with `options` (its credentials, automatic approval) on a free port.
    pub async fn start_with(options: Options) -> std::io::Result<LinePayMock> {
        Mock::serve(any_port(), Box::new(service(&options)), &options).await
    }

    /// The credentials the mock accepts.
    pub fn credentials(&self) -> LinePayCredentials {
        self.with_service(|s| s.describe(""))
            .and_then(|d| {
                let id = d["credentials"]["channelId"].as_str()?.to_owned();
                let secret = d["credentials"]["channelSecret"].as_str()?.to_owned();
                Some(LinePayCredentials::new(id, secret))
            })
            .unwrap_or_else(|| LinePayCredentials::new("", ""))
    }

    /// A client configuration pointing at the mock with its credentials; add handlers to it.
    pub fn config(&self) -> Config<LinePayCredentials> {
        Config::new(self.base_url(), self.credentials())
    }

    /// A client for the mock, without handlers.
    pub fn client(&self) -> Result<Client, BuildError> {
        Client::new(self.config())
    }

    /// The user approves the requested payment in the LINE app.
    pub fn approve(&self, id: &TransactionId) -> Result<(), StepError> {
        let id = transaction(id)?;
        self.sim(|s| s.approve(id))
    }

    /// Where LINE Pay sends the user's browser once the payment is approved: `confirmUrl` with
    /// `transactionId` and `orderId`. `Err` before approval.
    pub fn redirect_url(&self, id: &TransactionId) -> Result<String, StepError> {
        let id = transaction(id)?;
        self.sim(|s| s.approved_redirect(id).and_then(|(url, order)| confirm_redirect_url(url, id, order)))
    }

    /// The user's browser arrives at [`Self::redirect_url`]: a plain GET (redirects it answers are not
    /// followed). Returns the application's status code.
    pub async fn follow_redirect(&self, id: &TransactionId) -> Result<u16, StepError> {
        let url = self.redirect_url(id)?;
        crate::callback::get(&url).await
    }

    /// The user cancels the requested payment in the LINE app.
    pub fn cancel(&self, id: &TransactionId) -> Result<(), StepError> {
        let id = transaction(id)?;
        self.sim(|s| s.cancel(id))
    }

    /// LINE Pay expires a regKey on its side: it answers 1193 from then on.
    pub fn expire_reg_key(&self, reg_key: &str) -> Result<(), StepError> {
        self.sim(|s| s.expire_reg_key_now(reg_key))
    }

    /// Adds a confirmed authorization (capture false) of `amount` whole units of `currency`; returns
    /// its transaction id.
    pub fn seed_authorization(&self, order_id: &str, amount: i64, currency: &str) -> TransactionId {
        let id = self.sim(|s| Ok(s.seed_authorization(order_id, amount, currency))).unwrap_or_default();
        // The simulator's ids are 19 digits, which is what TransactionId checks.
        id.to_string().parse().unwrap_or_else(|_| unreachable!("the simulator issues 19-digit ids"))
    }

    /// Adds a regKey, usable or already expired.
    pub fn seed_reg_key(&self, reg_key: &str, currency: &str, expired: bool) {
        let _ = self.sim(|s| {
            s.seed_reg_key(reg_key, currency, expired);
            Ok(())
        });
    }

    /// The payment as the mock holds it now.
    pub fn payment(&self, id: &TransactionId) -> Option<Payment> {
        let id = transaction(id).ok()?;
        self.sim(|s| Ok(s.payment(id).cloned())).ok().flatten()
    }

    /// A regKey as the mock holds it now.
    pub fn reg_key(&self, reg_key: &str) -> Option<RegKey> {
        self.sim(|s| Ok(s.reg_key(reg_key).cloned())).ok().flatten()
    }

    /// The simulator's logical time, in Unix seconds.
    pub fn now(&self) -> u64 {
        self.sim(|s| Ok(s.now())).unwrap_or_default()
    }

    fn sim<T>(&self, f: impl FnOnce(&mut Simulator) -> Result<T, String>) -> Result<T, StepError> {
        let mut inner = self.server.shared.lock();
        let mount = inner.mount(LinePay::NAME).ok_or_else(|| ControlError("no LINE Pay here".into()))?;
        let any: &mut dyn std::any::Any = mount.service.as_any();
        let service = any.downcast_mut::<LinePayService>().ok_or_else(|| ControlError("not LINE Pay".into()))?;
        f(&mut service.sim).map_err(ControlError)
    }
}

/// `confirm_url` with `transactionId` (19 digits) and `orderId` added to its query, after any query it
/// already has. The one place the redirect is built.
pub fn confirm_redirect_url(confirm_url: &str, transaction_id: u64, order_id: &str) -> Result<String, String> {
    let mut url = payspec::reqwest::Url::parse(confirm_url)
        .map_err(|e| format!("confirmUrl {confirm_url:?} is not a URL: {e}"))?;
    url.query_pairs_mut().append_pair("transactionId", &transaction_id.to_string()).append_pair("orderId", order_id);
    Ok(url.into())
}

pub(crate) struct LinePayService {
    channel_id: String,
    secret: SecretString,
    nonces: Nonces,
    sim: Simulator,
}

pub(crate) fn service(options: &Options) -> LinePayService {
    let mut sim = Simulator::default();
    sim.auto_approve = options.linepay_auto_approve;
    LinePayService {
        channel_id: options.linepay_channel_id.clone(),
        secret: options.linepay_channel_secret.clone(),
        nonces: Nonces::default(),
        sim,
    }
}

fn envelope(code: &str, message: &str) -> Reply {
    Reply::json(200, &json!({"returnCode": code, "returnMessage": message}))
}

impl Service for LinePayService {
    fn provider(&self) -> &'static str {
        LinePay::NAME
    }

    fn prefix(&self) -> &'static str {
        ""
    }

    fn operations(&self) -> &'static [&'static str] {
        OPERATION_NAMES
    }

    fn codes(&self, operation: &str) -> Option<&'static [&'static str]> {
        codes(operation)
    }

    fn route(&self, method: &str, path: &str) -> Option<&'static str> {
        let s: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
        Some(match (method, s.as_slice()) {
            ("POST", ["v3", "payments", "request"]) => "request",
            ("GET", ["v3", "payments", "requests", _, "check"]) => "check_payment_status",
            ("POST", ["v3", "payments", "authorizations", _, "capture"]) => "capture",
            ("POST", ["v3", "payments", "authorizations", _, "void"]) => "void",
            ("POST", ["v3", "payments", "preapprovedPay", _, "check"]) => return None,
            ("GET", ["v3", "payments", "preapprovedPay", _, "check"]) => "check_reg_key",
            ("POST", ["v3", "payments", "preapprovedPay", _, "payment"]) => "pay_preapproved",
            ("POST", ["v3", "payments", "preapprovedPay", _, "expire"]) => "expire_reg_key",
            ("POST", ["v3", "payments", _, "confirm"]) => "confirm",
            ("POST", ["v3", "payments", _, "refund"]) => "refund",
            ("GET", ["v3", "payments"]) => "payment_details",
            _ => return None,
        })
    }

    fn authenticate(&mut self, exchange: &Exchange) -> Result<(), String> {
        if exchange.header("x-line-channelid") != Some(self.channel_id.as_str()) {
            return Err("X-LINE-ChannelId is not the channel id".into());
        }
        let nonce = exchange.header("x-line-authorization-nonce").filter(|n| !n.is_empty()).ok_or("no nonce")?;
        let given = exchange.header("x-line-authorization").ok_or("no X-LINE-Authorization")?;
        let payload = if exchange.method == "GET" { exchange.query.as_bytes() } else { &exchange.body };
        if line_pay::signature(&self.secret, &exchange.path, payload, nonce) != given {
            return Err("X-LINE-Authorization does not match the request".into());
        }
        if !self.nonces.fresh(nonce) {
            return Err(format!("nonce {nonce} was used before"));
        }
        Ok(())
    }

    fn refuse(&self, reason: &str) -> Reply {
        envelope("1106", &format!("Header information error ({reason})."))
    }

    fn handle(&mut self, operation: &'static str, exchange: &Exchange) -> Reply {
        let answer = self.sim.handle(&exchange.method, &exchange.path, &exchange.query, &exchange.body);
        let mut body = answer.value();
        let code = body["returnCode"].as_str().unwrap_or_default().to_owned();
        if code.starts_with('0') {
            let info = body.as_object_mut().and_then(|b| b.remove("info")).unwrap_or(Value::Null);
            match conform(operation, info) {
                Ok(Value::Null) => {}
                Ok(info) => body["info"] = info,
                Err(bug) => return Reply::json(500, &json!({"mock": bug})),
            }
        }
        Reply::json(answer.status, &body)
    }

    fn failure_code(&self, reply: &Reply) -> Option<String> {
        let code = reply.value()["returnCode"].as_str().unwrap_or_default().to_owned();
        (!code.starts_with('0')).then_some(code)
    }

    fn code_reply(&self, operation: &'static str, code: &str) -> Reply {
        let message = facts(operation, code).map_or("Error.", |(d, _)| d);
        envelope(code, message)
    }

    fn advance(&mut self, by: Duration) {
        self.sim.advance(by.as_secs());
    }

    fn control(&mut self, action: &str, body: &Value) -> Result<Value, ControlError> {
        let text = |name: &str| body[name].as_str().ok_or_else(|| ControlError(format!("give \"{name}\"")));
        let id = || -> Result<u64, ControlError> {
            text("transactionId")?.parse().map_err(|_| ControlError("transactionId is 19 digits".into()))
        };
        match action {
            "approve" => self.sim.approve(id()?).map_err(ControlError)?,
            "cancel" => self.sim.cancel(id()?).map_err(ControlError)?,
            "expire-reg-key" => self.sim.expire_reg_key_now(text("regKey")?).map_err(ControlError)?,
            "redirect-url" => {
                let id = id()?;
                let (url, order) = self.sim.approved_redirect(id).map_err(ControlError)?;
                let url = confirm_redirect_url(url, id, order).map_err(ControlError)?;
                return Ok(json!({"url": url}));
            }
            "seed-reg-key" => {
                let expired = body["expired"].as_bool().unwrap_or(false);
                self.sim.seed_reg_key(text("regKey")?, text("currency")?, expired);
            }
            "seed-authorization" => {
                let amount = body["amount"].as_i64().ok_or_else(|| ControlError("give \"amount\"".into()))?;
                let id = self.sim.seed_authorization(text("orderId")?, amount, text("currency")?);
                return Ok(json!({"transactionId": id.to_string()}));
            }
            other => {
                return Err(ControlError(format!(
                    "LINE Pay has no control {other:?}: approve, cancel, expire-reg-key, redirect-url, follow-redirect, seed-authorization, seed-reg-key"
                )));
            }
        }
        Ok(json!({}))
    }

    fn describe(&self, base_url: &str) -> Value {
        json!({
            "provider": LinePay::NAME,
            "baseUrl": base_url,
            "credentials": {"channelId": self.channel_id, "channelSecret": self.secret.expose()},
            "operations": OPERATION_NAMES,
        })
    }

    fn as_any(&mut self) -> &mut dyn std::any::Any {
        self
    }
}

//! The elepay mock: [`ElepayMock`].
//!
//! The state machine and which illegal step gets which error code are in the simulator's
//! documentation (`mock/src/sim/elepay.rs`). Here: the key check (`Authorization: Bearer <key>` or
//! `Basic base64(<key>:)`; a failure answers `M004001` with its spec status), the envelope of injected
//! codes (the code's `http_status` from the spec and an error body), and the controls. Success
//! answers keep the simulator's status (201 for a created charge or refund, as the spec's
//! `success_status` says) and go through the generated response type; error bodies go through the
//! generated `ErrorBody`.
//!
//! Webhooks: with a webhook URL set ([`crate::Options::elepay_webhook_url`],
//! [`ElepayMock::set_webhook_url`]), each charge paid at creation or captured sends
//! `charge.succeeded`, a revoke `charge.revoked`, a refund `refund.succeeded`, as [`event_body`] POSTed
//! without a signature (elepay documents none); any 2xx acknowledges it, anything else gets it sent
//! again. [`ElepayMock::send_event`] sends an event of any type (one the application does not know).

use std::time::Duration;

use payspec::elepay::Client;
use payspec::runtime::client::{BuildError, Config, ElepayCredentials};
use payspec::runtime::secret::SecretString;
use serde_json::{Value, json};

use crate::callback::Outbound;
use crate::server::{ControlError, Exchange, Reply, Service};
use crate::sim::elepay::{Charge, Simulator};
use crate::{Mock, Options, Provider, Typed, any_port};

/// Marker of the elepay provider.
#[derive(Debug)]
pub enum Elepay {}

impl Provider for Elepay {
    const NAME: &'static str = "elepay";
    const OPERATIONS: &'static [&'static str] = OPERATION_NAMES;
}

crate::operations!(Elepay, elepay {
    capture_charge => CaptureChargeError: Typed<payspec::elepay::Charge>,
    create_charge => CreateChargeError: Typed<payspec::elepay::Charge>,
    create_refund => CreateRefundError: Typed<payspec::elepay::Refund>,
    list_charges => ListChargesError: Typed<payspec::elepay::list_charges::ChargeList>,
    list_refunds => ListRefundsError: Typed<payspec::elepay::list_refunds::RefundList>,
    retrieve_charge => RetrieveChargeError: Typed<payspec::elepay::Charge>,
    retrieve_charge_status => RetrieveChargeStatusError: Typed<payspec::elepay::retrieve_charge_status::ChargeStatusObject>,
    retrieve_refund => RetrieveRefundError: Typed<payspec::elepay::Refund>,
    revoke_charge => RevokeChargeError: Typed<payspec::elepay::Charge>,
});

/// The HTTP status the spec gives `code` (every elepay code is common to all operations).
fn http_status(code: &str) -> u16 {
    payspec::elepay::retrieve_charge::RetrieveChargeError::from_code(code).http_status().unwrap_or(400)
}

/// An elepay simulator on 127.0.0.1. See [`crate::Mock`] for the controls every mock has.
pub type ElepayMock = Mock<Elepay>;

impl Mock<Elepay> {
    /// Starts a mock with the default test key ([`Options::default`]).
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub async fn start() -> ElepayMock {
        Self::start_with(Options::default()).await.unwrap_or_else(|e| panic!("cannot start the elepay mock: {e}"))
    }

    /// Starts a mock with `options`.
    pub async fn start_with(options: Options) -> std::io::Result<ElepayMock> {
        Mock::serve(any_port(), Box::new(service(&options)), &options).await
    }

    /// The secret key the mock accepts, as Bearer credentials.
    pub fn credentials(&self) -> ElepayCredentials {
        let key = self.sim(|_, key| Ok(key.clone())).unwrap_or_else(|_| SecretString::from(""));
        ElepayCredentials::new(key)
    }

    /// A client configuration pointing at the mock.
    pub fn config(&self) -> Config<ElepayCredentials> {
        Config::new(self.base_url(), self.credentials())
    }

    /// A client for the mock, without handlers.
    pub fn client(&self) -> Result<Client, BuildError> {
        Client::new(self.config())
    }

    /// Adds an authorized, uncaptured charge of `amount` JPY by credit card.
    pub fn seed_uncaptured(&self, id: &str, amount: i64) {
        let _ = self.sim(|s, _| {
            s.seed_uncaptured(id, amount);
            Ok(())
        });
    }

    /// A charge as the mock holds it now.
    pub fn charge(&self, id: &str) -> Option<Charge> {
        self.sim(|s, _| Ok(s.get(id).cloned())).ok().flatten()
    }

    /// Where webhook events go from now on (`None`: nowhere).
    pub fn set_webhook_url(&self, url: Option<&str>) {
        let _ = self.service(|s| {
            s.webhook_url = url.map(str::to_owned);
            Ok(())
        });
    }

    /// Sends an event of type `kind` about `data` (any JSON) to the webhook URL: for types the
    /// application does not handle. `Err` when no webhook URL is set.
    pub fn send_event(&self, kind: &str, data: Value) -> Result<(), ControlError> {
        self.service(|s| s.queue_event(kind, data))
    }

    fn sim<T>(&self, f: impl FnOnce(&mut Simulator, &SecretString) -> Result<T, String>) -> Result<T, ControlError> {
        self.service(|s| f(&mut s.sim, &s.key))
    }

    fn service<T>(&self, f: impl FnOnce(&mut ElepayService) -> Result<T, String>) -> Result<T, ControlError> {
        let mut inner = self.server.shared.lock();
        let mount = inner.mount(Elepay::NAME).ok_or_else(|| ControlError("no elepay here".into()))?;
        let any: &mut dyn std::any::Any = mount.service.as_any();
        let service = any.downcast_mut::<ElepayService>().ok_or_else(|| ControlError("not elepay".into()))?;
        let result = f(service).map_err(ControlError);
        inner.collect();
        result
    }
}

/// The webhook event body: `id`, `object: "event"`, `createTime` (Unix ms), `type`, and the charge
/// or refund it is about under `data` (the member name is assumed: the webhook page read for the
/// notes shows none). The one place the body is built.
pub fn event_body(id: &str, kind: &str, create_time: u64, data: Value) -> Value {
    json!({"id": id, "object": "event", "createTime": create_time, "type": kind, "data": data})
}

pub use crate::sim::elepay::{ChargeStatus, Money, Refund};

pub(crate) struct ElepayService {
    key: SecretString,
    sim: Simulator,
    webhook_url: Option<String>,
    next_event: u64,
    /// Events asked for by the test, not sent yet: (type, data, time).
    custom: Vec<(String, Value, u64)>,
}

pub(crate) fn service(options: &Options) -> ElepayService {
    ElepayService {
        key: options.elepay_secret_key.clone(),
        sim: Simulator::default(),
        webhook_url: options.elepay_webhook_url.clone(),
        next_event: 1,
        custom: Vec::new(),
    }
}

impl ElepayService {
    fn queue_event(&mut self, kind: &str, data: Value) -> Result<(), String> {
        if self.webhook_url.is_none() {
            return Err("no webhook URL is set: set_webhook_url first".into());
        }
        self.custom.push((kind.to_owned(), data, self.sim.now_millis()));
        Ok(())
    }

    fn event(&mut self, url: &str, kind: &str, data: Value, time: u64) -> Outbound {
        let id = format!("evt_{:024}", self.next_event);
        self.next_event += 1;
        let body = event_body(&id, kind, time, data).to_string().into_bytes();
        Outbound { kind: kind.to_owned(), url: url.to_owned(), body }
    }
}

fn error(code: &str, message: &str) -> Reply {
    Reply::json(http_status(code), &json!({"requestId": "req_mock", "errorCode": code, "message": message}))
}

impl Service for ElepayService {
    fn provider(&self) -> &'static str {
        Elepay::NAME
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
            ("POST", ["charges"]) => "create_charge",
            ("GET", ["charges"]) => "list_charges",
            ("GET", ["charges", _]) => "retrieve_charge",
            ("GET", ["charges", _, "status"]) => "retrieve_charge_status",
            ("POST", ["charges", _, "capture"]) => "capture_charge",
            ("POST", ["charges", _, "revoke"]) => "revoke_charge",
            ("POST", ["charges", _, "refunds"]) => "create_refund",
            ("GET", ["charges", _, "refunds"]) => "list_refunds",
            ("GET", ["charges", _, "refunds", _]) => "retrieve_refund",
            _ => return None,
        })
    }

    fn authenticate(&mut self, exchange: &Exchange) -> Result<(), String> {
        use base64::Engine as _;
        let key = self.key.expose();
        let given = exchange.header("authorization").ok_or("no Authorization")?;
        let basic = given
            .strip_prefix("Basic ")
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .is_some_and(|b| b == format!("{key}:").as_bytes());
        if !key.is_empty() && (given.strip_prefix("Bearer ") == Some(key) || basic) {
            Ok(())
        } else {
            Err("the Authorization header does not carry the secret key".into())
        }
    }

    fn refuse(&self, _reason: &str) -> Reply {
        error("M004001", "The API key is not valid.")
    }

    fn handle(&mut self, operation: &'static str, exchange: &Exchange) -> Reply {
        let answer = self.sim.handle(&exchange.method, &exchange.path, &exchange.query, &exchange.body);
        let conformed = if (200..300).contains(&answer.status) {
            conform(operation, answer.value())
        } else {
            crate::roundtrip::<Typed<payspec::elepay::ErrorBody>>(operation, answer.value())
        };
        match conformed {
            Ok(body) => Reply::json(answer.status, &body),
            Err(bug) => Reply::json(500, &json!({"mock": bug})),
        }
    }

    fn failure_code(&self, reply: &Reply) -> Option<String> {
        let failed = !(200..300).contains(&reply.status);
        failed.then(|| reply.value()["errorCode"].as_str().unwrap_or_default().to_owned())
    }

    fn code_reply(&self, operation: &'static str, code: &str) -> Reply {
        error(code, facts(operation, code).map_or("error", |(d, _)| d))
    }

    fn advance(&mut self, by: Duration) {
        self.sim.advance(by.as_secs());
    }

    fn control(&mut self, action: &str, body: &Value) -> Result<Value, ControlError> {
        match action {
            "seed-uncaptured" => {
                let id = body["id"].as_str().ok_or_else(|| ControlError("give \"id\"".into()))?;
                let amount = body["amount"].as_i64().ok_or_else(|| ControlError("give \"amount\"".into()))?;
                self.sim.seed_uncaptured(id, amount);
                Ok(json!({}))
            }
            "webhook-url" => {
                self.webhook_url = body["url"].as_str().map(str::to_owned);
                Ok(json!({}))
            }
            "send-event" => {
                let kind = body["type"].as_str().ok_or_else(|| ControlError("give \"type\"".into()))?;
                self.queue_event(kind, body["data"].clone()).map_err(ControlError)?;
                Ok(json!({}))
            }
            other => {
                Err(ControlError(format!("elepay has no control {other:?}: seed-uncaptured, webhook-url, send-event")))
            }
        }
    }

    fn describe(&self, base_url: &str) -> Value {
        json!({
            "provider": Elepay::NAME,
            "baseUrl": base_url,
            "credentials": {"secretKey": self.key.expose()},
            "operations": OPERATION_NAMES,
        })
    }

    fn as_any(&mut self) -> &mut dyn std::any::Any {
        self
    }

    fn outbound(&mut self) -> Vec<Outbound> {
        let events = self.sim.take_events();
        let custom = std::mem::take(&mut self.custom);
        let Some(url) = self.webhook_url.clone() else { return Vec::new() };
        let mut out = Vec::new();
        for event in events {
            // The object as the generated type has it, as every answer of the mock.
            let data = match event.kind {
                "refund.succeeded" => crate::roundtrip::<Typed<payspec::elepay::Refund>>(event.kind, event.object),
                _ => crate::roundtrip::<Typed<payspec::elepay::Charge>>(event.kind, event.object),
            };
            let data = data.unwrap_or_else(|bug| json!({"mock": bug}));
            out.push(self.event(&url, event.kind, data, event.time));
        }
        for (kind, data, time) in custom {
            out.push(self.event(&url, &kind, data, time));
        }
        out
    }
}

//! The elepay mock: [`ElepayMock`].
//!
//! The state machine and which illegal step gets which error code are in the simulator's
//! documentation (`mock/src/sim/elepay.rs`). Here: the key check (`Authorization: Bearer <key>` or
//! `Basic base64(<key>:)`; a failure answers `M004001` with its spec status), the envelope of injected
//! codes (the code's `http_status` from the spec and an error body), and the controls. Success
//! answers keep the simulator's status (201 for a created charge or refund, as the spec's
//! `success_status` says) and go through the generated response type; error bodies go through the
//! generated `ErrorBody`.

use std::time::Duration;

use payspec::elepay::Client;
use payspec::runtime::client::{BuildError, Config, ElepayCredentials};
use payspec::runtime::secret::SecretString;
use serde_json::{Value, json};

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
        Mock::serve(any_port(), Box::new(service(&options))).await
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
    pub fn seed_uncaptured(&self, id: &str, amount: u64) {
        let _ = self.sim(|s, _| {
            s.seed_uncaptured(id, amount);
            Ok(())
        });
    }

    /// A charge as the mock holds it now.
    pub fn charge(&self, id: &str) -> Option<Charge> {
        self.sim(|s, _| Ok(s.get(id).cloned())).ok().flatten()
    }

    fn sim<T>(&self, f: impl FnOnce(&mut Simulator, &SecretString) -> Result<T, String>) -> Result<T, ControlError> {
        let mut inner = self.server.shared.lock();
        let mount = inner.mount(Elepay::NAME).ok_or_else(|| ControlError("no elepay here".into()))?;
        let any: &mut dyn std::any::Any = mount.service.as_any();
        let service = any.downcast_mut::<ElepayService>().ok_or_else(|| ControlError("not elepay".into()))?;
        f(&mut service.sim, &service.key).map_err(ControlError)
    }
}

pub use crate::sim::elepay::{ChargeStatus, Refund};

pub(crate) struct ElepayService {
    key: SecretString,
    sim: Simulator,
}

pub(crate) fn service(options: &Options) -> ElepayService {
    ElepayService { key: options.elepay_secret_key.clone(), sim: Simulator::default() }
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
                let amount = body["amount"].as_u64().ok_or_else(|| ControlError("give \"amount\"".into()))?;
                self.sim.seed_uncaptured(id, amount);
                Ok(json!({}))
            }
            other => Err(ControlError(format!("elepay has no control {other:?}: seed-uncaptured"))),
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
}

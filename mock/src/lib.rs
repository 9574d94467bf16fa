//! Stateful LINE Pay, Alipay+ and elepay simulators for your application's tests.
//!
//! Start one in-process on 127.0.0.1, point the generated `payspec` client at it, and drive it from
//! the test:
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use payspec::linepay::Client;
//! use payspec::linepay::capture::CaptureError;
//! use payspec::runtime::handlers::LinePayRecovery;
//! use payspec_mock::LinePayMock;
//!
//! let mock = LinePayMock::start().await;
//! let client = Client::new(mock.config().handler(LinePayRecovery::default()))?;
//! // ... request a payment with `client`, then let the user approve it:
//! // mock.approve(&transaction_id)?;
//! // The next capture takes effect, but its answer is 1198 ("being processed"):
//! mock.inject(CaptureError::DuplicateRequest).after_processing();
//! # Ok(()) }
//! ```
//!
//! What a mock keeps and checks:
//!
//! - **State**: what was requested, approved, authorized, captured, voided and refunded; illegal steps
//!   get the provider's documented code (each provider module lists which situation gets which).
//! - **Signatures**: every call is checked with the provider's scheme (LINE Pay HMAC with a fresh
//!   nonce, Alipay+ RSA256, elepay's key); a bad one gets the provider's authentication error. Alipay+
//!   answers are signed with the wallet key.
//! - **Answers from the spec**: every success answer goes through the generated response type of its
//!   operation (decoded and encoded again), so it cannot say anything the spec does not; a simulator
//!   answer the type refuses becomes a 500 naming the mock bug.
//!
//! What a test controls, on [`Mock`] and on each provider's mock:
//!
//! - [`Mock::inject`]: the next call of an operation answers a documented code, given as the typed
//!   variant of the operation's generated error enum, so only codes of the spec compile (and only for
//!   the right provider). By default the code answers **before processing** (nothing changes, as when
//!   the provider refuses the call); [`Injection::after_processing`] lets the call take effect first
//!   and then answers the code, the case where an outcome-unknown code (LINE Pay 1198) hides a
//!   success.
//! - [`Mock::lose_answer`]: the call takes effect, then the connection closes without an answer.
//! - [`Mock::delay`]: the call takes effect, and the answer is held back (beyond the client's timeout).
//! - [`Mock::advance`]: the provider's logical clock moves (LINE Pay requests time out after 20 minutes
//!   without approval; authorizations lapse after 7 days; Alipay+ authorization codes and tokens
//!   expire).
//! - provider steps: [`LinePayMock::approve`] / [`LinePayMock::cancel`] (the user in the LINE app),
//!   [`LinePayMock::expire_reg_key`], [`AlipayPlusMock::approve`] / [`AlipayPlusMock::decline`]
//!   (the user at the wallet's cashier), [`AlipayPlusMock::issue_auth_code`] (the user authorizes a
//!   mini program, for applyToken), seeds for a ready-made state.
//! - [`Mock::received`]: every call as received (raw bytes and headers, the operation, whether the
//!   signature checked out, the fault applied, the answer), with [`Exchange::request`] to decode the
//!   body as the generated request type.
//!
//! Calls to your application, as the providers make them:
//!
//! - Alipay+: when a payment reaches S or F, a `notifyPayment` signed with the wallet key goes to the
//!   pay request's `paymentNotifyUrl`; until your answer is a signed `S` it is sent again, on the
//!   schedule of [`Options::callback_resend_delays`].
//! - elepay: webhook events (`charge.succeeded`, `charge.revoked`, `refund.succeeded`, or any type
//!   with [`ElepayMock::send_event`]) go to [`Options::elepay_webhook_url`]
//!   ([`ElepayMock::set_webhook_url`]); any 2xx acknowledges them.
//! - LINE Pay: after approval, [`LinePayMock::redirect_url`] is `confirmUrl` with `transactionId` and
//!   `orderId`, and [`LinePayMock::follow_redirect`] GETs it as the user's browser does.
//!
//! [`Mock::notifications`] lists what was sent with every attempt and its answer;
//! [`Mock::settle_notifications`] waits until each is acknowledged or given up;
//! [`Mock::lose_next_ack`] makes the mock ignore the next good acknowledgement (a duplicate follows).
//!
//! The same simulators run as a program, `payspec-mock serve`, with this control surface over HTTP
//! under [`CONTROL_PREFIX`] (see the crate README).

pub mod alipayplus;
mod callback;
pub mod elepay;
pub mod linepay;
mod server;
/// The simulators' state machines without the server: for payspec's own fuzz-seed generator. Not a
/// stable API; use the mocks above.
#[doc(hidden)]
pub mod sim;

use std::marker::PhantomData;
use std::net::SocketAddr;
use std::time::Duration;

pub use alipayplus::{AlipayPlus, AlipayPlusMock};
pub use callback::{Attempt, Delivery, Notification};
pub use elepay::{Elepay, ElepayMock};
pub use linepay::{LinePay, LinePayMock};
pub use server::{CONTROL_PREFIX, ControlError, Exchange, MAX_DELAY, Reply};
pub use sim::money::Money;

use server::{FaultKind, Server, Service};

/// A generated error enum whose variants the mock of `Provider` can answer for `OPERATION`.
///
/// Implemented for the error enum of every operation of the spec (`payspec::linepay::capture::
/// CaptureError`, ...). A test in `payspec-tests` checks that every operation of the spec has one.
pub trait MockOperation: payspec::runtime::ErrorCode {
    /// The provider marker ([`LinePay`], [`AlipayPlus`], [`Elepay`]).
    type Provider: Provider;
    /// The operation's name (the generated module's `NAME`).
    const OPERATION: &'static str;
}

/// A provider the mock simulates.
pub trait Provider: Send + Sync + 'static {
    /// `linepay`, `alipayplus`, `elepay`: the path segment of its HTTP controls.
    const NAME: &'static str;
    /// Every operation the mock serves, by name.
    const OPERATIONS: &'static [&'static str];
}

/// A running simulator of provider `P` on 127.0.0.1; it stops when dropped.
pub struct Mock<P: Provider> {
    server: Server,
    provider: PhantomData<P>,
}

impl<P: Provider> std::fmt::Debug for Mock<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mock").field("provider", &P::NAME).field("base_url", &self.base_url()).finish()
    }
}

impl<P: Provider> Mock<P> {
    async fn serve(addr: SocketAddr, service: Box<dyn Service>, options: &Options) -> std::io::Result<Self> {
        Ok(Mock { server: Server::start(addr, vec![service], options.schedule()).await?, provider: PhantomData })
    }

    /// `http://127.0.0.1:PORT`, plus the path prefix the provider needs (the Alipay+ wallet's).
    pub fn base_url(&self) -> String {
        let prefix = self.server.shared.lock().mount(P::NAME).map(|m| m.service.prefix()).unwrap_or_default();
        format!("{}{prefix}", self.server.url())
    }

    /// The address the mock listens on.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    /// The next call of `E`'s operation answers `code` (before processing, unless
    /// [`Injection::after_processing`] says otherwise). Injections of one operation apply in order,
    /// one call each.
    pub fn inject<E: MockOperation<Provider = P>>(&self, code: E) -> Injection<'_, P> {
        let kind = FaultKind::Code { code: code.code().to_owned(), after: false };
        // The operation and code come from the generated crate: arming cannot fail.
        let id = self.server.shared.lock().arm(P::NAME, E::OPERATION, kind).unwrap_or_default();
        Injection { mock: self, id }
    }

    /// The next call of `E`'s operation takes effect, and then its answer is lost: the connection
    /// closes without a response (the client sees a transport error, outcome unknown).
    pub fn lose_answer<E: MockOperation<Provider = P>>(&self) {
        let _ = self.server.shared.lock().arm(P::NAME, E::OPERATION, FaultKind::Lose);
    }

    /// The next call of `E`'s operation takes effect, and its answer is held back `by` (at most
    /// [`MAX_DELAY`]; longer is cut to it): longer than the client's timeout, it is a timeout.
    pub fn delay<E: MockOperation<Provider = P>>(&self, by: Duration) {
        let _ = self.server.shared.lock().arm(P::NAME, E::OPERATION, FaultKind::Delay(by.min(MAX_DELAY)));
    }

    /// Moves the provider's logical clock forward.
    pub fn advance(&self, by: Duration) {
        if let Some(m) = self.server.shared.lock().mount(P::NAME) {
            m.service.advance(by);
        }
    }

    /// Every call received so far, in order.
    pub fn received(&self) -> Vec<Exchange> {
        self.server.shared.lock().mount(P::NAME).map(|m| m.exchanges.clone()).unwrap_or_default()
    }

    /// The calls of `E`'s operation received so far.
    pub fn received_for<E: MockOperation<Provider = P>>(&self) -> Vec<Exchange> {
        self.received().into_iter().filter(|e| e.operation == Some(E::OPERATION)).collect()
    }

    /// Faults armed and not used yet.
    pub fn pending_faults(&self) -> usize {
        self.server.shared.lock().mount(P::NAME).map_or(0, |m| m.faults.len())
    }

    /// Every call the mock made to the application (Alipay+ notifications, elepay events), with each
    /// attempt and its answer, in the order they were created.
    pub fn notifications(&self) -> Vec<Notification> {
        self.server.shared.lock().mount(P::NAME).map(|m| m.outbox.notifications.clone()).unwrap_or_default()
    }

    /// Waits until every notification is acknowledged or given up (the resend schedule runs in real
    /// time: keep its delays short in tests); returns them all. `Err` when they are still pending
    /// after the longest the schedule can take.
    pub async fn settle_notifications(&self) -> Result<Vec<Notification>, ControlError> {
        callback::settle(&self.server.shared, P::NAME).await
    }

    /// The next good acknowledgement counts as lost: the notification is sent again (the duplicate
    /// an application must recognise).
    pub fn lose_next_ack(&self) {
        if let Some(m) = self.server.shared.lock().mount(P::NAME) {
            m.outbox.lose_acks += 1;
        }
    }

    fn with_service<T>(&self, f: impl FnOnce(&mut dyn Service) -> T) -> Option<T> {
        self.server.shared.lock().mount(P::NAME).map(|m| f(m.service.as_mut()))
    }
}

/// An armed code; by default it answers before processing.
pub struct Injection<'a, P: Provider> {
    mock: &'a Mock<P>,
    id: u64,
}

impl<P: Provider> Injection<'_, P> {
    /// The call takes effect first, then answers the code: for an outcome-unknown code (LINE Pay
    /// 1198, an Alipay+ `U`) this is the case where the provider did what was asked.
    pub fn after_processing(self) {
        self.mock.server.shared.lock().update_fault(self.id, |k| {
            if let FaultKind::Code { after, .. } = k {
                *after = true;
            }
        });
    }

    /// The call answers the code and changes nothing (the default, stated for readability).
    pub fn before_processing(self) {}
}

/// Serves several providers on one address, as `payspec-mock serve` does: LINE Pay and elepay at the
/// root (their paths do not overlap), Alipay+ under `/alipayplus`. Runs until the future is dropped.
pub struct MultiMock {
    server: Server,
}

impl MultiMock {
    /// Starts the given providers (`linepay`, `alipayplus`, `elepay`) on `addr`, which must be loopback.
    pub async fn start(addr: SocketAddr, providers: &[&str], options: &Options) -> Result<MultiMock, ControlError> {
        let mut services: Vec<Box<dyn Service>> = Vec::new();
        for p in providers {
            match *p {
                "linepay" => services.push(Box::new(linepay::service(options))),
                "alipayplus" => services.push(Box::new(alipayplus::service(options)?)),
                "elepay" => services.push(Box::new(elepay::service(options))),
                other => {
                    return Err(ControlError(format!("unknown provider {other:?}; use linepay, alipayplus or elepay")));
                }
            }
        }
        let server = Server::start(addr, services, options.schedule())
            .await
            .map_err(|e| ControlError(format!("cannot listen on {addr}: {e}")))?;
        Ok(MultiMock { server })
    }

    /// What each provider serves: its base URL and the credentials a client needs, as JSON.
    pub fn describe(&self) -> serde_json::Value {
        let base = self.server.url();
        let inner = self.server.shared.lock();
        serde_json::Value::Array(inner.mounts.iter().map(|m| m.service.describe(&base)).collect())
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    /// Runs a provider control, as `POST /__payspec/{provider}/{action}` with `body` does.
    pub fn control(
        &self,
        provider: &str,
        action: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, ControlError> {
        let mut inner = self.server.shared.lock();
        let mount = inner.mount(provider).ok_or_else(|| ControlError(format!("no provider {provider:?} here")))?;
        mount.service.control(action, body)
    }
}

/// Settings of a mock: its credentials, and the automatic user steps.
#[derive(Clone)]
pub struct Options {
    /// LINE Pay channel id and secret the mock accepts.
    pub linepay_channel_id: String,
    pub linepay_channel_secret: payspec::runtime::secret::SecretString,
    /// LINE Pay: requested payments count as approved by the user at once.
    pub linepay_auto_approve: bool,
    /// Alipay+ client id; the merchant's public key (PEM or Base64) that verifies requests, and the
    /// wallet's private key that signs answers.
    pub alipayplus_client_id: String,
    pub alipayplus_merchant_public_key: String,
    pub alipayplus_wallet_private_key: String,
    /// Alipay+: a new request id starting with this has its first answer lost (taken effect, answered
    /// `U`), for demos that cannot call the controls.
    pub alipayplus_lose_first_answer_prefix: Option<String>,
    /// elepay secret key.
    pub elepay_secret_key: payspec::runtime::secret::SecretString,
    /// elepay: where webhook events go (the URL set in elepay's dashboard); none: no events are sent.
    pub elepay_webhook_url: Option<String>,
    /// Notifications and events not acknowledged are sent again after each of these delays in turn;
    /// after the last, the provider gives up. Default 1, 2, 4, 8 and 16 seconds; tests use
    /// milliseconds.
    pub callback_resend_delays: Vec<Duration>,
    /// How long one attempt waits for the application's answer (default 5 s).
    pub callback_timeout: Duration,
}

impl Options {
    fn schedule(&self) -> callback::Schedule {
        callback::Schedule { resend_delays: self.callback_resend_delays.clone(), timeout: self.callback_timeout }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("linepay_channel_id", &self.linepay_channel_id)
            .field("linepay_channel_secret", &self.linepay_channel_secret)
            .field("linepay_auto_approve", &self.linepay_auto_approve)
            .field("alipayplus_client_id", &self.alipayplus_client_id)
            .field("elepay_secret_key", &self.elepay_secret_key)
            .field("elepay_webhook_url", &self.elepay_webhook_url)
            .field("callback_resend_delays", &self.callback_resend_delays)
            .field("callback_timeout", &self.callback_timeout)
            .finish_non_exhaustive()
    }
}

/// The merchant test key pair the mock's Alipay+ credentials sign with (test keys, published here).
pub const TEST_MERCHANT_PRIVATE_KEY: &str = include_str!("../keys/merchant_private_pkcs8.pem");
pub const TEST_MERCHANT_PUBLIC_KEY: &str = include_str!("../keys/merchant_public_spki.pem");
/// The wallet test key pair the mock's Alipay+ answers are signed with.
pub const TEST_WALLET_PRIVATE_KEY: &str = include_str!("../keys/wallet_private_pkcs8.pem");
pub const TEST_WALLET_PUBLIC_KEY: &str = include_str!("../keys/wallet_public_spki.pem");

impl Default for Options {
    /// Fixed test credentials (they are printed by the binary and are not secrets).
    fn default() -> Self {
        Options {
            linepay_channel_id: "1234567890".into(),
            linepay_channel_secret: "payspec-mock-channel-secret".into(),
            linepay_auto_approve: false,
            alipayplus_client_id: "2022091234567890".into(),
            alipayplus_merchant_public_key: TEST_MERCHANT_PUBLIC_KEY.into(),
            alipayplus_wallet_private_key: TEST_WALLET_PRIVATE_KEY.into(),
            alipayplus_lose_first_answer_prefix: None,
            elepay_secret_key: "sk_test_payspec_mock".into(),
            elepay_webhook_url: None,
            callback_resend_delays: [1, 2, 4, 8, 16].map(Duration::from_secs).to_vec(),
            callback_timeout: Duration::from_secs(5),
        }
    }
}

/// The loopback address on a free port.
fn any_port() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// Builds the `(operation name, error enum)` tables of a provider module: the [`MockOperation`]
/// impls, the operation list, and the code facts the envelope needs.
macro_rules! operations {
    ($marker:ty, $module:ident { $($op:ident => $err:ident : $resp:ty),* $(,)? }) => {
        $(impl $crate::MockOperation for payspec::$module::$op::$err {
            type Provider = $marker;
            const OPERATION: &'static str = payspec::$module::$op::NAME;
        })*

        pub(crate) const OPERATION_NAMES: &[&str] = &[$(payspec::$module::$op::NAME),*];

        /// The documented codes of `operation`.
        pub(crate) fn codes(operation: &str) -> Option<&'static [&'static str]> {
            match operation {
                $(payspec::$module::$op::NAME => Some(payspec::$module::$op::$err::CODES),)*
                _ => None,
            }
        }

        /// The spec's description of `code` for `operation`, and whether its outcome is unknown.
        pub(crate) fn facts(operation: &str, code: &str) -> Option<(&'static str, bool)> {
            match operation {
                $(payspec::$module::$op::NAME => {
                    let e = payspec::$module::$op::$err::from_code(code);
                    Some((e.description()?, e.is_outcome_unknown()))
                })*
                _ => None,
            }
        }

        /// `payload` passed through the operation's generated response type.
        pub(crate) fn conform(operation: &str, payload: serde_json::Value) -> Result<serde_json::Value, String> {
            match operation {
                $(payspec::$module::$op::NAME => $crate::roundtrip::<$resp>(operation, payload),)*
                _ => Err(format!("no operation {operation}")),
            }
        }
    };
}
pub(crate) use operations;

/// Stands for "the spec gives this operation no response type": the answer carries no payload.
pub(crate) struct NoPayload;

pub(crate) trait Conform: Sized {
    fn conform(payload: serde_json::Value) -> Result<serde_json::Value, String>;
}

impl Conform for NoPayload {
    fn conform(_: serde_json::Value) -> Result<serde_json::Value, String> {
        Ok(serde_json::Value::Null)
    }
}

/// The generated response type `T`.
pub(crate) struct Typed<T>(PhantomData<T>);

impl<T: serde::de::DeserializeOwned + serde::Serialize> Conform for Typed<T> {
    fn conform(payload: serde_json::Value) -> Result<serde_json::Value, String> {
        let typed: T = serde_json::from_value(payload).map_err(|e| e.to_string())?;
        serde_json::to_value(&typed).map_err(|e| e.to_string())
    }
}

pub(crate) fn roundtrip<T: Conform>(operation: &str, payload: serde_json::Value) -> Result<serde_json::Value, String> {
    T::conform(payload)
        .map_err(|e| format!("mock bug: the answer of {operation} is not a value of its generated response type: {e}"))
}

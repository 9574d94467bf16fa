//! The handler chain (like `addHandler` in the npm `line-pay-merchant` client, but typed).
//!
//! A handler sees every call: the operation's name and the outgoing request ([`Call`]), and decides
//! whether to pass it on with [`Next::run`] (any number of times, for retries or lookups) or to
//! answer itself. It then sees the result: the decoded [`Reply`] or the [`Error`].
//!
//! Order: handlers run in the order they were added. The first added is the outermost: it sees
//! the call first and the result last. The innermost step signs the request (afresh for every
//! attempt, so each retry gets a new nonce and time), sends it, checks the response signature and
//! decodes the envelope.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::value::RawValue;

use serde::de::DeserializeOwned;

use super::error::{Error, ErrorKind};
use super::transport::Transport;
use crate::protocol::DecodeEnvelope;

/// The future a handler returns: boxed, so that `Handler` stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the chain returns: the decoded success, or the error with its code as text.
pub type CallResult = Result<Reply, Error<String>>;

/// What the spec says about one return code, for the operation being called.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodeFacts {
    /// The same call may succeed later.
    pub retryable: bool,
    /// The call may have taken effect.
    pub outcome_unknown: bool,
}

/// The money effect an operation has when it succeeds: the spec's `effect` key, a closed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Effect {
    /// Takes a payment in one call, without the user approving it then (a preapproved payment).
    Pay,
    /// Completes a payment the user approved: it is authorized, or captured at once.
    Confirm,
    /// Captures an authorized amount.
    Capture,
    /// Returns money from a captured payment.
    Refund,
    /// Releases an authorization that was not captured.
    Void,
}

/// An outgoing request, before signing.
#[derive(Debug, Clone)]
pub struct Call {
    /// The operation, as in the generated module's `NAME`.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: reqwest::Method,
    /// The operation's path with parameters filled in, relative to the base URL. It may hold a
    /// credential (see `secret_path_params`): log [`Call::logged_path`] instead.
    pub path: String,
    /// The path as the provider documents it, with `{parameters}`.
    pub path_template: &'static str,
    /// The path parameters that are credentials, by their names in `path_template`.
    pub secret_path_params: &'static [&'static str],
    /// The encoded query string without `?`; empty when there is none.
    pub query: String,
    /// The exact JSON body bytes, when the operation has a body.
    pub body: Option<Vec<u8>>,
    /// How long one attempt may take: the configured timeout of the operation.
    pub timeout: Duration,
    /// Sending the call twice has no further effect (GET, or an Alipay+ request id).
    pub idempotent: bool,
    /// The wire name of the body field that keys repeats, when the operation has one: a retry must
    /// send the same value (the body is resent as is, so it does).
    pub idempotency_key: Option<&'static str>,
    /// The money effect of a success, when the spec names one: what a recovery handler looks for
    /// when the outcome is unknown.
    pub effect: Option<Effect>,
    /// The operation's own codes that answer it: LINE Pay's beside `0000`, Alipay+'s with status S or A.
    pub extra_success_codes: &'static [&'static str],
    /// The spec's facts about a code of this operation.
    pub classify: fn(&str) -> CodeFacts,
}

impl Call {
    /// The path with every secret parameter replaced by its `{name}`: what logs and spans may show.
    pub fn logged_path(&self) -> std::borrow::Cow<'_, str> {
        if self.secret_path_params.is_empty() {
            return std::borrow::Cow::Borrowed(&self.path);
        }
        let template = self.path_template.split('/');
        let segments: Vec<&str> = self
            .path
            .split('/')
            .zip(template.chain(std::iter::repeat("")))
            .map(|(segment, pattern)| {
                let secret = pattern
                    .strip_prefix('{')
                    .and_then(|p| p.strip_suffix('}'))
                    .is_some_and(|name| self.secret_path_params.contains(&name));
                if secret { pattern } else { segment }
            })
            .collect();
        std::borrow::Cow::Owned(segments.join("/"))
    }
}

/// A successful, decoded answer.
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The provider's success code (`0000`, `0110`, `SUCCESS`), when its envelope has one.
    pub code: Option<String>,
    payload: Payload,
    /// `None` for the provider's own answer. A recovery handler that rebuilt the answer from a
    /// lookup says here which response fields the lookup cannot supply; the client then reports
    /// [`super::ErrorKind::Incomplete`] instead of a success that silently lacks them.
    pub missing: Option<Missing>,
    /// The operation's response, when the transport decoded it with the envelope in one pass.
    typed: Option<Box<dyn Any + Send + Sync>>,
}

/// Where a reply's payload comes from.
enum Payload {
    Raw(Box<RawValue>),
    /// The body of a reply whose response type was decoded in the same pass as its envelope: the
    /// untyped payload is cut out of it only if a handler asks for it.
    Body {
        body: String,
        member: Option<&'static str>,
        raw: OnceLock<Box<RawValue>>,
    },
}

impl Reply {
    /// The provider's own, complete answer.
    pub fn new(status: u16, code: Option<String>, payload: Box<RawValue>) -> Reply {
        Reply { status, code, payload: Payload::Raw(payload), missing: None, typed: None }
    }

    /// A reply whose response was decoded as `R` with its envelope; `member` names the payload's
    /// member of the body (LINE Pay's `info`), `None` when the payload is the whole body.
    pub(crate) fn typed<R: Any + Send + Sync>(
        status: u16,
        code: Option<String>,
        body: String,
        member: Option<&'static str>,
        value: R,
    ) -> Reply {
        let payload = Payload::Body { body, member, raw: OnceLock::new() };
        Reply { status, code, payload, missing: None, typed: Some(Box::new(value)) }
    }

    /// The JSON the operation's response type decodes from: LINE Pay's `info` (`null` when it is
    /// absent), or the whole body.
    pub fn payload(&self) -> &RawValue {
        match &self.payload {
            Payload::Raw(raw) => raw,
            Payload::Body { body, member, raw } => raw.get_or_init(|| cut_payload(body, *member)),
        }
    }

    /// The operation's response, when the transport decoded it as an `R` together with the envelope
    /// (the client's own calls; a handler's lookups and rebuilt replies have none). Taken: the
    /// reply keeps its payload.
    pub fn take_typed<R: Any>(&mut self) -> Option<R> {
        self.typed.take()?.downcast::<R>().ok().map(|r| *r)
    }
}

/// The payload of a body that has already been decoded once (so it is JSON).
fn cut_payload(body: &str, member: Option<&'static str>) -> Box<RawValue> {
    #[derive(serde::Deserialize)]
    struct Info<'a> {
        #[serde(borrow)]
        info: Option<&'a RawValue>,
    }
    let null = || RawValue::from_string("null".to_owned()).unwrap_or_else(|_| unreachable!("`null` is JSON"));
    match member {
        Some("info") => match serde_json::from_str::<Info<'_>>(body) {
            Ok(Info { info: Some(info) }) => info.to_owned(),
            _ => null(),
        },
        Some(other) => unreachable!("no envelope has its payload in {other:?}"),
        None => RawValue::from_string(body.to_owned()).unwrap_or_else(|_| null()),
    }
}

impl Clone for Reply {
    /// The clone has the payload; the typed response stays with the original (the client decodes
    /// the clone's payload instead).
    fn clone(&self) -> Reply {
        let payload = match &self.payload {
            Payload::Raw(raw) => Payload::Raw(raw.clone()),
            Payload::Body { body, member, raw } => {
                Payload::Body { body: body.clone(), member: *member, raw: raw.clone() }
            }
        };
        Reply { status: self.status, code: self.code.clone(), payload, missing: self.missing, typed: None }
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("payload", &self.payload())
            .field("missing", &self.missing)
            .finish_non_exhaustive()
    }
}

/// How the client decodes its operation's response together with the envelope, in one pass over
/// the body. It travels with the chain ([`Next`]) and applies only to calls of its operation: a
/// handler's own calls (a Payment Details lookup) are decoded untyped.
pub(crate) trait DecodeTyped: Send + Sync {
    /// The operation whose response this decodes.
    fn operation(&self) -> &'static str;
    /// [`DecodeEnvelope::decode_typed`] with the client's envelope and the operation's response type.
    fn decode(&self, call: &Call, status: u16, body: String) -> Result<Reply, ErrorKind<String>>;
}

/// The [`DecodeTyped`] of envelope `E` and response type `R`.
pub(crate) struct Typed<'e, E, R> {
    operation: &'static str,
    envelope: &'e E,
    response: PhantomData<fn() -> R>,
}

impl<'e, E, R> Typed<'e, E, R> {
    pub(crate) fn new(operation: &'static str, envelope: &'e E) -> Self {
        Typed { operation, envelope, response: PhantomData }
    }
}

impl<E: DecodeEnvelope, R: DeserializeOwned + Send + Sync + 'static> DecodeTyped for Typed<'_, E, R> {
    fn operation(&self) -> &'static str {
        self.operation
    }

    fn decode(&self, call: &Call, status: u16, body: String) -> Result<Reply, ErrorKind<String>> {
        self.envelope.decode_typed::<R>(call, status, body)
    }
}

/// The fields a rebuilt answer lacks, and where the caller can get them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing {
    /// Wire names of the response fields the lookup cannot supply.
    pub fields: &'static [&'static str],
    /// Where the caller can get them, in words.
    pub advice: &'static str,
}

/// A step every call goes through: see the module docs for the order, and
/// `payspec_runtime::handlers` for the built-in ones.
///
/// ```
/// use payspec_runtime::client::{BoxFuture, Call, CallResult, Handler, Next};
///
/// /// Counts the calls that fail.
/// #[derive(Default)]
/// struct CountFailures(std::sync::atomic::AtomicU64);
///
/// impl Handler for CountFailures {
///     fn handle<'a>(&'a self, call: Call, next: Next<'a>) -> BoxFuture<'a, CallResult> {
///         Box::pin(async move {
///             let result = next.run(call).await;
///             if result.is_err() {
///                 self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
///             }
///             result
///         })
///     }
/// }
/// ```
pub trait Handler: Send + Sync + 'static {
    /// Handles `call`, usually by passing it on with `next.run(call)`.
    fn handle<'a>(&'a self, call: Call, next: Next<'a>) -> BoxFuture<'a, CallResult>;
}

/// The rest of the chain after the current handler.
#[derive(Clone, Copy)]
pub struct Next<'a> {
    pub(crate) handlers: &'a [Arc<dyn Handler>],
    pub(crate) transport: &'a Transport,
    pub(crate) typed: Option<&'a (dyn DecodeTyped + 'a)>,
}

impl<'a> Next<'a> {
    /// Passes `call` to the next handler, or sends it when none is left.
    pub fn run(self, call: Call) -> BoxFuture<'a, CallResult> {
        match self.handlers.split_first() {
            Some((handler, rest)) => handler.handle(call, Next { handlers: rest, ..self }),
            None => Box::pin(self.transport.send(call, self.typed)),
        }
    }
}

//! The one error type callers see, in layers: the request was invalid, the transport failed, the
//! response could not be decoded or its signature was wrong, or the provider answered with a code.
//! Each layer says whether the call may have taken effect and whether sending it again is safe.
//!
//! `C` is the code type: `String` inside the handler chain, the operation's error enum for callers.

use std::fmt;
use std::time::Duration;

use super::handler::Missing;
use crate::error_code::ErrorCode;
use crate::validate::ValidationError;

#[derive(Debug)]
pub struct Error<C> {
    operation: &'static str,
    idempotent: bool,
    /// What a recovery handler learned about the call's outcome, when one looked (boxed: rare, and
    /// every `Result` carrying this error stays small).
    recovery: Option<Box<Recovery>>,
    /// The provider's `Retry-After`, when the answer carried one.
    retry_after: Option<Duration>,
    kind: ErrorKind<C>,
}

/// What a recovery handler (such as `LinePayRecovery`) found out when it looked a call up after its
/// outcome was left unknown. Only [`Recovery::NotApplied`] settles the outcome; the others leave it
/// unknown, because an effect a lookup does not show yet may still appear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovery {
    /// Every lookup answered, and none showed the call's effect. It may still be processing: the
    /// outcome stays unknown.
    NotVisible { lookups: u32, waited: Duration },
    /// No lookup got an answer the handler could read: the outcome stays unknown.
    LookupFailed { lookups: u32, waited: Duration, last_error: String },
    /// The provider's answer proves the call did not take effect and never will (for a capture: the
    /// authorization was voided or expired).
    NotApplied { reason: String },
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recovery::NotVisible { lookups, waited } => write!(
                f,
                "{lookups} lookup(s) over {} ms did not show the effect yet, so the outcome is still unknown",
                waited.as_millis()
            ),
            Recovery::LookupFailed { lookups, waited, last_error } => write!(
                f,
                "{lookups} lookup(s) over {} ms got no usable answer ({last_error}), so the outcome is still unknown",
                waited.as_millis()
            ),
            Recovery::NotApplied { reason } => write!(f, "a lookup proves it did not take effect: {reason}"),
        }
    }
}

#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind<C> {
    /// The request broke a documented limit; nothing was sent.
    Validation(ValidationError),
    /// The request could not be encoded (an amount JSON cannot hold exactly); nothing was sent.
    Encode(String),
    /// The request did not get a complete answer.
    Transport(TransportError),
    /// An answer came that is not what the provider documents (an HTML error page, a truncated body).
    Undecodable(UndecodableResponse),
    /// The answer's signature is missing or wrong, so its content cannot be trusted.
    BadSignature(String),
    /// The provider answered with a return code that is not success.
    Provider(ProviderError<C>),
    /// The call took effect (a lookup shows it), but its answer was lost and the lookup cannot supply
    /// all of it: what it could supply is here, with the fields that are missing.
    Incomplete(IncompleteReply),
}

/// The answer a recovery handler rebuilt from a lookup, when the lookup cannot supply every field
/// the operation's own answer has (a LINE Pay confirm's `regKey` is never in Payment Details).
#[derive(Debug, Clone)]
pub struct IncompleteReply {
    pub status: u16,
    /// The rebuilt answer, as the operation's response JSON without the missing fields.
    pub payload: String,
    /// The fields the lookup cannot supply, and where to get them.
    pub missing: Missing,
}

impl IncompleteReply {
    /// Decodes what the lookup could supply into the operation's response type; the missing fields
    /// are absent (`None`).
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.payload)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// No connection was made: the request was not sent.
    Connect,
    /// No answer within the timeout: the request may have been processed.
    Timeout,
    /// The connection failed after the request was sent.
    Other,
}

#[derive(Debug)]
pub struct TransportError {
    pub kind: TransportErrorKind,
    pub message: String,
}

/// A response that does not decode, kept whole for diagnosis.
#[derive(Debug, Clone)]
pub struct UndecodableResponse {
    pub status: u16,
    pub reason: String,
    /// The body as received (lossy UTF-8), up to the client's size limit.
    pub body: String,
}

/// The provider's own error: its code, message, and what the spec says about the code.
#[derive(Debug, Clone)]
pub struct ProviderError<C> {
    pub code: C,
    pub message: Option<String>,
    pub http_status: u16,
    pub retryable: bool,
    pub outcome_unknown: bool,
    /// The whole response body, for provider-specific details (elepay's `parameterName`, ...).
    pub body: String,
}

impl<C> ProviderError<C> {
    /// Decodes the body into a provider's error-body type, such as `payspec::elepay::ErrorBody`.
    pub fn decode_body<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_str(&self.body).ok()
    }
}

impl<C> Error<C> {
    pub fn new(operation: &'static str, idempotent: bool, kind: ErrorKind<C>) -> Self {
        Error { operation, idempotent, recovery: None, retry_after: None, kind }
    }

    /// The operation that failed, as in the generated module's `NAME`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    pub fn kind(&self) -> &ErrorKind<C> {
        &self.kind
    }

    pub fn into_kind(self) -> ErrorKind<C> {
        self.kind
    }

    /// The provider's code, when the provider answered with one.
    pub fn provider_code(&self) -> Option<&C> {
        match &self.kind {
            ErrorKind::Provider(p) => Some(&p.code),
            _ => None,
        }
    }

    /// What a recovery handler learned when it looked the call up, if one did.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_deref()
    }

    /// How long the provider asked callers to wait before calling again (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// A lookup showed that the call took effect, although its answer is incomplete
    /// ([`ErrorKind::Incomplete`]): do not send it again.
    pub fn took_effect(&self) -> bool {
        matches!(self.kind, ErrorKind::Incomplete(_))
    }

    /// The failure is transient: the same call could succeed later.
    pub fn is_retryable(&self) -> bool {
        match &self.kind {
            ErrorKind::Validation(_) | ErrorKind::Encode(_) | ErrorKind::BadSignature(_) => false,
            ErrorKind::Incomplete(_) => false,
            ErrorKind::Transport(_) => true,
            ErrorKind::Undecodable(u) => u.status >= 500 || u.status == 429,
            ErrorKind::Provider(p) => p.retryable,
        }
    }

    /// The call may have taken effect at the provider: find out before doing anything else.
    pub fn is_outcome_unknown(&self) -> bool {
        if matches!(self.recovery.as_deref(), Some(Recovery::NotApplied { .. })) {
            return false;
        }
        match &self.kind {
            ErrorKind::Validation(_) | ErrorKind::Encode(_) | ErrorKind::Incomplete(_) => false,
            ErrorKind::Transport(t) => t.kind != TransportErrorKind::Connect,
            ErrorKind::Undecodable(u) => !(400..500).contains(&u.status),
            ErrorKind::BadSignature(_) => true,
            ErrorKind::Provider(p) => p.outcome_unknown,
        }
    }

    /// Sending the same call again cannot do harm: the failure is transient, and either the call
    /// did not take effect or the provider makes repeats harmless (Alipay+ request ids, GET).
    pub fn is_safe_to_retry(&self) -> bool {
        self.is_retryable() && (!self.is_outcome_unknown() || self.idempotent)
    }

    /// Records what a recovery handler learned. Only [`Recovery::NotApplied`] changes the error's
    /// classification; a handler records it only when the provider's answer proves it.
    pub fn with_recovery(mut self, recovery: Recovery) -> Self {
        self.recovery = Some(Box::new(recovery));
        self
    }

    /// Records the provider's `Retry-After`.
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// The same error with the provider code mapped (from `String` to an operation's enum).
    pub fn map_code<D>(self, f: impl FnOnce(C) -> D) -> Error<D> {
        let kind = match self.kind {
            ErrorKind::Validation(v) => ErrorKind::Validation(v),
            ErrorKind::Encode(e) => ErrorKind::Encode(e),
            ErrorKind::Transport(t) => ErrorKind::Transport(t),
            ErrorKind::Undecodable(u) => ErrorKind::Undecodable(u),
            ErrorKind::BadSignature(s) => ErrorKind::BadSignature(s),
            ErrorKind::Incomplete(r) => ErrorKind::Incomplete(r),
            ErrorKind::Provider(p) => ErrorKind::Provider(ProviderError {
                code: f(p.code),
                message: p.message,
                http_status: p.http_status,
                retryable: p.retryable,
                outcome_unknown: p.outcome_unknown,
                body: p.body,
            }),
        };
        Error {
            operation: self.operation,
            idempotent: self.idempotent,
            recovery: self.recovery,
            retry_after: self.retry_after,
            kind,
        }
    }
}

impl Error<String> {
    /// The caller's view: the code as the operation's enum.
    pub fn typed<E: ErrorCode>(self) -> Error<E> {
        self.map_code(|code| E::from_code(&code))
    }
}

impl<C: fmt::Display> fmt::Display for Error<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation)?;
        match &self.kind {
            ErrorKind::Validation(v) => write!(f, "{v}"),
            ErrorKind::Encode(e) => write!(f, "the request cannot be encoded: {e}"),
            ErrorKind::Transport(t) => write!(f, "{t}"),
            ErrorKind::Undecodable(u) => write!(f, "undecodable response (HTTP {}): {}", u.status, u.reason),
            ErrorKind::BadSignature(reason) => write!(f, "the response signature is not valid: {reason}"),
            ErrorKind::Provider(p) => write!(f, "{p}"),
            ErrorKind::Incomplete(r) => write!(
                f,
                "the call took effect, but its answer was lost and a lookup cannot supply {}: {}",
                r.missing.fields.join(", "),
                r.missing.advice
            ),
        }?;
        match self.recovery.as_deref() {
            Some(recovery) => write!(f, "; {recovery}"),
            None => Ok(()),
        }
    }
}

impl<C: fmt::Display> fmt::Display for ProviderError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the provider answered {}", self.code)?;
        if let Some(m) = &self.message {
            write!(f, " ({m})")?;
        }
        if self.outcome_unknown {
            f.write_str("; the outcome is unknown")?;
        }
        Ok(())
    }
}

impl<C: fmt::Debug + fmt::Display> std::error::Error for Error<C> {}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect; the request was not sent",
            TransportErrorKind::Timeout => "timed out; the request may have been processed",
            TransportErrorKind::Other => "the connection failed",
        };
        write!(f, "{what}: {}", self.message)
    }
}

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

/// Why a call failed, with what may be concluded from it: see [`ErrorKind`] for the layers.
///
/// `Display` gives the whole message (`capture: the provider answered 1198 (...)`);
/// [`source()`](std::error::Error::source) gives the typed cause for the layers that have one
/// ([`ValidationError`], [`TransportError`], [`ProviderError`], [`UndecodableResponse`]). No
/// message or source carries a credential, a signature or a request URL.
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
    NotVisible {
        /// How many lookups were made.
        lookups: u32,
        /// How long the handler looked, from the first lookup to the last answer.
        waited: Duration,
    },
    /// No lookup got an answer the handler could read: the outcome stays unknown.
    LookupFailed {
        /// How many lookups were made.
        lookups: u32,
        /// How long the handler looked.
        waited: Duration,
        /// Why the last lookup failed.
        last_error: String,
    },
    /// The provider's answer proves the call did not take effect and never will (for a capture: the
    /// authorization was voided or expired).
    NotApplied {
        /// What the provider's answer showed.
        reason: String,
    },
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

/// The layer at which a call failed. `C` is the provider code type (see [`Error`]).
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
    /// The HTTP status of the rebuilt answer.
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

/// How far a request got before the transport failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// No connection was made: the request was not sent.
    Connect,
    /// No answer within the timeout: the request may have been processed.
    Timeout,
    /// The connection failed after the request was sent.
    Other,
}

/// The request got no complete answer.
#[derive(Debug)]
pub struct TransportError {
    /// Whether the request can have been processed.
    pub kind: TransportErrorKind,
    /// What the HTTP library reported, with its causes, and never the URL.
    pub message: String,
}

/// A response that does not decode, kept whole for diagnosis.
#[derive(Debug, Clone)]
pub struct UndecodableResponse {
    /// The HTTP status.
    pub status: u16,
    /// Why the body is not what the provider documents.
    pub reason: String,
    /// The body as received (lossy UTF-8), up to the client's size limit.
    pub body: String,
}

/// The provider's own error: its code, message, and what the spec says about the code.
#[derive(Debug, Clone)]
pub struct ProviderError<C> {
    /// The code: the operation's error enum for callers, `String` inside the handler chain.
    pub code: C,
    /// The provider's message, as sent.
    pub message: Option<String>,
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// The spec classifies the code as retryable.
    pub retryable: bool,
    /// The spec says the call may have taken effect with this code.
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
    /// An error of `operation` (its `NAME`); `idempotent` is the operation's `IDEMPOTENT`.
    pub fn new(operation: &'static str, idempotent: bool, kind: ErrorKind<C>) -> Self {
        Error { operation, idempotent, recovery: None, retry_after: None, kind }
    }

    /// The operation that failed, as in the generated module's `NAME`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The layer at which the call failed, with its details.
    pub fn kind(&self) -> &ErrorKind<C> {
        &self.kind
    }

    /// The layer at which the call failed, by value.
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
    #[doc(hidden)]
    pub fn typed<E: ErrorCode>(self) -> Error<E> {
        self.map_code(|code| E::from_code(&code))
    }
}

/// What the error of any operation says, whatever its code type: what a provider-wide error (such
/// as `payspec::linepay::Error`) asks of the operation error it holds.
pub trait CallError: std::error::Error + Send + Sync + 'static {
    /// The operation that failed, as in the generated module's `NAME`.
    fn operation(&self) -> &'static str;
    /// The provider's code, when the provider answered with one.
    fn code(&self) -> Option<&str>;
    /// What the provider's code means, from the spec; `None` without a code or for an unknown one.
    fn code_description(&self) -> Option<&'static str>;
    /// See [`Error::is_retryable`].
    fn is_retryable(&self) -> bool;
    /// See [`Error::is_outcome_unknown`].
    fn is_outcome_unknown(&self) -> bool;
    /// See [`Error::is_safe_to_retry`].
    fn is_safe_to_retry(&self) -> bool;
    /// See [`Error::took_effect`].
    fn took_effect(&self) -> bool;
    /// See [`Error::recovery`].
    fn recovery(&self) -> Option<&Recovery>;
    /// See [`Error::retry_after`].
    fn retry_after(&self) -> Option<Duration>;
}

impl<C: ErrorCode> CallError for Error<C> {
    fn operation(&self) -> &'static str {
        Error::operation(self)
    }

    fn code(&self) -> Option<&str> {
        self.provider_code().map(ErrorCode::code)
    }

    fn code_description(&self) -> Option<&'static str> {
        self.provider_code().and_then(ErrorCode::description)
    }

    fn is_retryable(&self) -> bool {
        Error::is_retryable(self)
    }

    fn is_outcome_unknown(&self) -> bool {
        Error::is_outcome_unknown(self)
    }

    fn is_safe_to_retry(&self) -> bool {
        Error::is_safe_to_retry(self)
    }

    fn took_effect(&self) -> bool {
        Error::took_effect(self)
    }

    fn recovery(&self) -> Option<&Recovery> {
        Error::recovery(self)
    }

    fn retry_after(&self) -> Option<Duration> {
        Error::retry_after(self)
    }
}

impl<C: fmt::Display> fmt::Display for Error<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.operation)?;
        match &self.kind {
            ErrorKind::Validation(v) => write!(f, "{v}"),
            ErrorKind::Encode(e) => write!(f, "the request cannot be encoded: {e}"),
            ErrorKind::Transport(t) => write!(f, "{t}"),
            ErrorKind::Undecodable(u) => write!(f, "{u}"),
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

impl<C: fmt::Debug + fmt::Display + 'static> std::error::Error for Error<C> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Validation(v) => Some(v),
            ErrorKind::Transport(t) => Some(t),
            ErrorKind::Undecodable(u) => Some(u),
            ErrorKind::Provider(p) => Some(p),
            ErrorKind::Encode(_) | ErrorKind::BadSignature(_) | ErrorKind::Incomplete(_) => None,
        }
    }
}

impl<C: fmt::Debug + fmt::Display> std::error::Error for ProviderError<C> {}

impl std::error::Error for TransportError {}

impl fmt::Display for UndecodableResponse {
    /// The status and the reason; never the body, which is kept for diagnosis only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "undecodable response (HTTP {}): {}", self.status, self.reason)
    }
}

impl std::error::Error for UndecodableResponse {}

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

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    fn provider(code: &str) -> Error<String> {
        Error::new(
            "capture",
            false,
            ErrorKind::Provider(ProviderError {
                code: code.to_owned(),
                message: Some("Request is being processed.".into()),
                http_status: 200,
                retryable: false,
                outcome_unknown: true,
                body: "{}".into(),
            }),
        )
    }

    #[test]
    fn source_is_the_typed_cause_of_each_layer() {
        let err = provider("1198");
        let source = err.source().expect("a provider error has a source");
        let cause = source.downcast_ref::<ProviderError<String>>().expect("the ProviderError");
        assert_eq!(cause.code, "1198");
        assert_eq!(
            source.to_string(),
            "the provider answered 1198 (Request is being processed.); the outcome is unknown"
        );

        let transport = TransportError { kind: TransportErrorKind::Timeout, message: "operation timed out".into() };
        let err: Error<String> = Error::new("capture", false, ErrorKind::Transport(transport));
        let cause = err.source().and_then(|s| s.downcast_ref::<TransportError>()).expect("the TransportError");
        assert_eq!(cause.kind, TransportErrorKind::Timeout);

        let undecodable = UndecodableResponse { status: 502, reason: "not JSON".into(), body: "<html>".into() };
        let err: Error<String> = Error::new("capture", false, ErrorKind::Undecodable(undecodable));
        let text = err.source().map(|s| s.to_string()).unwrap_or_default();
        assert_eq!(text, "undecodable response (HTTP 502): not JSON", "the body stays out of the chain");

        let err: Error<String> = Error::new("capture", false, ErrorKind::BadSignature("no signature header".into()));
        assert!(err.source().is_none(), "the message says it all");
    }
}

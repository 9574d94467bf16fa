//! Inbound calls: the notifications, webhooks and redirects a provider sends to the merchant.
//!
//! Framework-agnostic: a receiver takes the request as [`Request`] (method, URI, headers and the
//! exact body bytes, which is what any server can hand over) and answers with the typed event and
//! the exact [`Response`] to send, or with a [`Rejected`] that says why and carries the response
//! for that case, which never acknowledges. The generated `notifications::Receiver` of each
//! provider calls this module; [`alipay_plus`] holds the one signed protocol.

#[cfg(feature = "alipay_plus")]
pub mod alipay_plus;

use std::fmt;

pub use bytes::Bytes;
pub use http;

/// An inbound request with its body read in full: verification needs the exact bytes received.
pub type Request = http::Request<Bytes>;

/// What a receiver answers with.
pub type Response = http::Response<Bytes>;

/// A verified inbound call: the typed event, and the response that acknowledges it.
///
/// Send `response` even when the event is a duplicate (its key was seen before): providers that
/// wait for an acknowledgement resend until they get one.
#[derive(Debug)]
pub struct Received<E> {
    /// What the provider sent.
    pub event: E,
    /// The acknowledgement the provider expects, ready to send.
    pub response: Response,
}

/// An inbound call that was not accepted; [`Rejected::response`] is what to send instead of an
/// acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Why it was not accepted.
    pub reason: Rejection,
}

impl Rejected {
    /// A rejection for `reason`.
    pub fn new(reason: Rejection) -> Self {
        Rejected { reason }
    }

    /// The answer: the reason's error status with an empty body, which no provider reads as an
    /// acknowledgement (one that resends will try again).
    pub fn response(&self) -> Response {
        empty(self.reason.status())
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.reason, f)
    }
}

impl std::error::Error for Rejected {}

/// Why an inbound call was rejected. Messages name headers and fields, never key material.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// The call came with another HTTP method than the provider uses.
    WrongMethod {
        /// The provider's method.
        expected: &'static str,
        /// The request's.
        found: String,
    },
    /// A header the protocol requires is absent.
    MissingHeader(&'static str),
    /// A header is present but cannot be read (not text, or not in the documented form).
    MalformedHeader {
        /// The header.
        name: &'static str,
        /// What is wrong with it.
        why: String,
    },
    /// The signature does not verify over the bytes received with the provider's key.
    BadSignature(String),
    /// The call is signed, but for another client than the one configured.
    WrongClientId {
        /// The configured client id.
        expected: String,
        /// The request's `Client-Id`.
        found: String,
    },
    /// The signed request time is further from now than the configured window: a replay, or a
    /// clock that is off.
    StaleRequestTime {
        /// The request's time, as sent.
        request_time: String,
        /// The distance from now, in whole seconds.
        skew_seconds: u64,
        /// The window, in whole seconds.
        window_seconds: u64,
    },
    /// The body is not the JSON the spec describes.
    MalformedBody(String),
    /// The query lacks a parameter or has one that does not fit its type.
    MalformedQuery(String),
    /// The acknowledgement could not be signed; nothing was acknowledged.
    CannotSign,
}

impl Rejection {
    /// The status a rejection is answered with.
    pub fn status(&self) -> http::StatusCode {
        match self {
            Rejection::WrongMethod { .. } => http::StatusCode::METHOD_NOT_ALLOWED,
            Rejection::MissingHeader(_)
            | Rejection::MalformedHeader { .. }
            | Rejection::BadSignature(_)
            | Rejection::WrongClientId { .. }
            | Rejection::StaleRequestTime { .. } => http::StatusCode::UNAUTHORIZED,
            Rejection::MalformedBody(_) | Rejection::MalformedQuery(_) => http::StatusCode::BAD_REQUEST,
            Rejection::CannotSign => http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::WrongMethod { expected, found } => write!(f, "expected a {expected} request, got {found}"),
            Rejection::MissingHeader(name) => write!(f, "the {name} header is missing"),
            Rejection::MalformedHeader { name, why } => write!(f, "the {name} header cannot be read: {why}"),
            Rejection::BadSignature(why) => write!(f, "the signature does not verify: {why}"),
            Rejection::WrongClientId { expected, found } => {
                write!(f, "the call is for Client-Id {found:?}, not the configured {expected:?}")
            }
            Rejection::StaleRequestTime { request_time, skew_seconds, window_seconds } => write!(
                f,
                "Request-Time {request_time} is {skew_seconds} s from now, outside the {window_seconds} s window"
            ),
            Rejection::MalformedBody(why) => write!(f, "the body is not the expected JSON: {why}"),
            Rejection::MalformedQuery(why) => write!(f, "the query is not as expected: {why}"),
            Rejection::CannotSign => f.write_str("the acknowledgement could not be signed"),
        }
    }
}

/// Refuses a request whose method is not `expected`.
pub fn expect_method(request: &Request, expected: &http::Method) -> Result<(), Rejected> {
    if request.method() == expected {
        return Ok(());
    }
    Err(Rejected::new(Rejection::WrongMethod {
        expected: static_method(expected),
        found: request.method().as_str().to_owned(),
    }))
}

fn static_method(method: &http::Method) -> &'static str {
    [http::Method::GET, http::Method::POST, http::Method::PUT, http::Method::PATCH, http::Method::DELETE]
        .iter()
        .zip(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .find(|(m, _)| *m == method)
        .map_or("another method", |(_, name)| name)
}

/// Decodes the body as `T`.
pub fn json_body<T: serde::de::DeserializeOwned>(request: &Request) -> Result<T, Rejected> {
    serde_json::from_slice(request.body()).map_err(|e| Rejected::new(Rejection::MalformedBody(e.to_string())))
}

/// Decodes the query parameters as `T`, each parameter a JSON string (`application/x-www-form-urlencoded`
/// rules: `+` is a space, `%XX` a byte). A parameter given twice is refused: which one counts would
/// be a guess.
pub fn query<T: serde::de::DeserializeOwned>(request: &Request) -> Result<T, Rejected> {
    let malformed = |why: String| Rejected::new(Rejection::MalformedQuery(why));
    let mut object = serde_json::Map::new();
    for pair in request.uri().query().unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |text: &str| {
            let spaced = text.replace('+', " ");
            percent_encoding::percent_decode_str(&spaced)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| malformed(format!("parameter {text:?} is not UTF-8 once decoded")))
        };
        let (name, value) = (decode(name)?, decode(value)?);
        if object.contains_key(&name) {
            return Err(malformed(format!("parameter {name} is given more than once")));
        }
        object.insert(name, serde_json::Value::String(value));
    }
    serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| malformed(e.to_string()))
}

/// A delivery's key from its parts, each as the provider wrote it: one part as it is, several as a
/// JSON array (`["2019...","PAYMENT_RESULT","S"]`), which no choice of part values makes ambiguous.
pub fn key(parts: &[String]) -> String {
    match parts {
        [one] => one.clone(),
        many => serde_json::Value::from(many.to_vec()).to_string(),
    }
}

/// HTTP 200 with an empty body: elepay's acknowledgement, and the default answer where the provider
/// reads none (a browser redirect, which the application usually answers with its own page).
pub fn ok() -> Response {
    empty(http::StatusCode::OK)
}

fn empty(status: http::StatusCode) -> Response {
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = status;
    response
}

/// Why a follow-up call (fetching the object an event is about, confirming a redirect) was not made
/// or failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum FollowUpError<E> {
    /// The notification lacks the field the call needs (its wire name); nothing was called.
    MissingField(&'static str),
    /// The call failed.
    Call(E),
}

impl<E: fmt::Display> fmt::Display for FollowUpError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FollowUpError::MissingField(name) => write!(f, "the notification has no {name} to call with"),
            FollowUpError::Call(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for FollowUpError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FollowUpError::MissingField(_) => None,
            FollowUpError::Call(e) => Some(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(uri: &str) -> Request {
        http::Request::get(uri).body(Bytes::new()).unwrap()
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Redirect {
        #[serde(rename = "transactionId")]
        transaction_id: String,
        #[serde(rename = "orderId")]
        order_id: String,
    }

    #[test]
    fn query_decodes_form_encoding_and_refuses_repeats_and_gaps() {
        let r: Redirect = query(&get("/confirm?transactionId=2024123112345678901&orderId=A%2B1+x")).unwrap();
        assert_eq!(r, Redirect { transaction_id: "2024123112345678901".into(), order_id: "A+1 x".into() });
        let twice = query::<Redirect>(&get("/c?transactionId=1&transactionId=2&orderId=o")).unwrap_err();
        assert!(matches!(twice.reason, Rejection::MalformedQuery(ref m) if m.contains("more than once")), "{twice}");
        assert_eq!(twice.response().status(), 400);
        let missing = query::<Redirect>(&get("/c?orderId=o")).unwrap_err();
        assert!(matches!(missing.reason, Rejection::MalformedQuery(ref m) if m.contains("transactionId")));
    }

    #[test]
    fn keys_of_several_parts_cannot_collide() {
        assert_eq!(key(&["evt_1".into()]), "evt_1");
        let a = key(&["a\",\"b".into(), "c".into()]);
        let b = key(&["a".into(), "b\",\"c".into()]);
        assert_ne!(a, b);
        assert_eq!(key(&["1".into(), "PAYMENT_RESULT".into()]), r#"["1","PAYMENT_RESULT"]"#);
    }

    #[test]
    fn a_wrong_method_is_refused_with_405() {
        let rejected = expect_method(&get("/x"), &http::Method::POST).unwrap_err();
        assert_eq!(rejected.reason, Rejection::WrongMethod { expected: "POST", found: "GET".into() });
        assert_eq!(rejected.response().status(), 405);
        assert!(rejected.response().body().is_empty());
    }
}

//! Alipay+: RSA256 `Signature` headers on every message, both ways, and the `result` envelope.
//!
//! A message (a request, a response, a notification or its acknowledgement) is signed over
//! `<METHOD> <path>\n<Client-Id>.<time>.<body>` (`crate::signing::alipay_plus::string_to_sign`),
//! where the time is the `Request-Time` of a request and the `Response-Time` of an answer. The
//! client and the inbound receivers sign with [`sign_message`] and verify with [`verify_message`],
//! so both sides of the wire read and write these headers the same way.

use std::error::Error;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Credentials, DecodeEnvelope, Sign, undecodable};
use crate::client::{Call, ErrorKind, ProviderError, Reply};
use crate::signing::alipay_plus::{
    self, PrivateKey, PublicKey, SignError, SignatureError, SignatureHeader, parse_signature_header, string_to_sign,
};
use crate::time::iso8601_utc;

/// Whether an Alipay+ response without a `Signature` header is accepted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnsignedResponses {
    /// Refuse it: the strict default.
    #[default]
    Reject,
    /// Accept it, as the official SDKs do. A response that carries a signature is still verified.
    Accept,
}

/// Alipay+: the client id, the merchant's private key, and the wallet's public key.
#[derive(Debug, Clone)]
pub struct AlipayPlusCredentials {
    /// The `Client-Id` the wallet assigned.
    pub client_id: String,
    /// Signs every request.
    pub private_key: Arc<PrivateKey>,
    /// `keyVersion` in the `Signature` header.
    pub key_version: u32,
    /// Verifies response signatures; required unless unsigned responses are accepted.
    pub wallet_public_key: Option<PublicKey>,
    /// Whether a response without a signature is accepted; refused by default.
    pub unsigned_responses: UnsignedResponses,
}

impl AlipayPlusCredentials {
    /// Credentials that sign with `private_key` (key version 1) and verify every response with
    /// `wallet_public_key`.
    pub fn new(client_id: impl Into<String>, private_key: PrivateKey, wallet_public_key: PublicKey) -> Self {
        AlipayPlusCredentials {
            client_id: client_id.into(),
            private_key: Arc::new(private_key),
            key_version: 1,
            wallet_public_key: Some(wallet_public_key),
            unsigned_responses: UnsignedResponses::Reject,
        }
    }
}

/// The time header a message carries: `Request-Time` on a request (and a notification, which is
/// the wallet's request), `Response-Time` on an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeHeader {
    /// `Request-Time`.
    Request,
    /// `Response-Time`.
    Response,
}

impl TimeHeader {
    /// The header's name as Alipay+ writes it.
    pub fn name(self) -> &'static str {
        match self {
            TimeHeader::Request => REQUEST_TIME,
            TimeHeader::Response => RESPONSE_TIME,
        }
    }

    fn header_name(self) -> HeaderName {
        HeaderName::from_static(match self {
            TimeHeader::Request => "request-time",
            TimeHeader::Response => "response-time",
        })
    }
}

const CLIENT_ID: &str = "Client-Id";
const REQUEST_TIME: &str = "Request-Time";
const RESPONSE_TIME: &str = "Response-Time";
const SIGNATURE: &str = "Signature";

/// What is signed besides the headers: the request's method and path (an answer is signed with the
/// method and path of the request it answers) and the exact body bytes.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// The upper-case HTTP method, `POST` for every Alipay+ call and notification.
    pub method: &'a str,
    /// The path without host or query, as the sender addressed it (with any base path prefix).
    pub path: &'a str,
    /// The body exactly as sent or received: re-serialised JSON would not verify.
    pub body: &'a [u8],
}

/// The headers of a message whose signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<'h> {
    /// `Client-Id`, equal to the expected one.
    pub client_id: &'h str,
    /// `Request-Time` or `Response-Time`, as the header has it; its freshness is the caller's to judge.
    pub time: &'h str,
    /// The parsed `Signature` header.
    pub signature: SignatureHeader,
}

/// Why a message was not accepted as signed by the holder of the key. Carries header names and the
/// sender's client id, never key material.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header the signature needs is absent: `Signature`, `Client-Id`, `Request-Time` or
    /// `Response-Time`.
    MissingHeader(&'static str),
    /// A header is present but is not visible ASCII text.
    UnreadableHeader(&'static str),
    /// The `Signature` header is not `algorithm=RSA256, keyVersion=..., signature=...`.
    MalformedSignatureHeader(SignatureError),
    /// The message names another client: it was signed for someone else.
    WrongClientId {
        /// The `Client-Id` the message carries.
        found: String,
    },
    /// The signature is not valid Base64, or does not match the message under the key.
    BadSignature(SignatureError),
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::MissingHeader(name) => write!(f, "no {name} header"),
            VerifyError::UnreadableHeader(name) => write!(f, "the {name} header is not visible ASCII text"),
            VerifyError::MalformedSignatureHeader(e) | VerifyError::BadSignature(e) => e.fmt(f),
            VerifyError::WrongClientId { found } => write!(f, "the message is for client {found:?}, not this one"),
        }
    }
}

impl Error for VerifyError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            VerifyError::MalformedSignatureHeader(e) | VerifyError::BadSignature(e) => Some(e),
            _ => None,
        }
    }
}

/// The text of header `name`, if present.
fn text<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<&'h str, VerifyError> {
    let value = headers.get(name).ok_or(VerifyError::MissingHeader(name))?;
    value.to_str().map_err(|_| VerifyError::UnreadableHeader(name))
}

/// Verifies that `message`, with `headers` (`Signature`, `Client-Id` and the `time` header), was
/// signed with the private key of `key` for `expected_client_id`. The client checks every response
/// with it, and the receivers every notification.
pub fn verify_message<'h>(
    key: &PublicKey,
    expected_client_id: &str,
    time: TimeHeader,
    message: Message<'_>,
    headers: &'h HeaderMap,
) -> Result<Verified<'h>, VerifyError> {
    let signature = parse_signature_header(text(headers, SIGNATURE)?).map_err(VerifyError::MalformedSignatureHeader)?;
    let client_id = text(headers, CLIENT_ID)?;
    // A valid signature proves who sent the bytes, not that they are meant for this merchant.
    if client_id != expected_client_id {
        return Err(VerifyError::WrongClientId { found: client_id.to_owned() });
    }
    let time = text(headers, time.name())?;
    let signed = string_to_sign(message.method, message.path, client_id, time, message.body);
    key.verify(&signed, &signature.signature_base64).map_err(VerifyError::BadSignature)?;
    Ok(Verified { client_id, time, signature })
}

/// Why a message could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignMessageError {
    /// The client id is not a valid header value.
    InvalidClientId,
    /// The signature could not be computed.
    Sign(SignError),
}

impl fmt::Display for SignMessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignMessageError::InvalidClientId => f.write_str("the value for client-id is not a valid header value"),
            SignMessageError::Sign(e) => e.fmt(f),
        }
    }
}

impl Error for SignMessageError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            SignMessageError::Sign(e) => Some(e),
            SignMessageError::InvalidClientId => None,
        }
    }
}

/// Signs `message` as `client_id` with `key` (whose version the `Signature` header names) at time
/// `at`: the `Client-Id`, `Request-Time` or `Response-Time`, and `Signature` headers to send with
/// it. The client signs every request with it, and a receiver its acknowledgement (an answer, with
/// the notification's method and path).
pub fn sign_message(
    key: &PrivateKey,
    key_version: u32,
    client_id: &str,
    time: TimeHeader,
    at: SystemTime,
    message: Message<'_>,
) -> Result<[(HeaderName, HeaderValue); 3], SignMessageError> {
    let client_id_value = HeaderValue::from_str(client_id).map_err(|_| SignMessageError::InvalidClientId)?;
    let at = iso8601_utc(at);
    let signed = string_to_sign(message.method, message.path, client_id, &at, message.body);
    let signature = key.sign(&signed).map_err(SignMessageError::Sign)?;
    let signature = alipay_plus::signature_header(&signature, key_version);
    // Both texts are ASCII built here: the time's digits and signs, the header's percent-encoded Base64.
    let at = HeaderValue::try_from(at).unwrap_or_else(|_| unreachable!("an ISO 8601 time is a header value"));
    let signature =
        HeaderValue::try_from(signature).unwrap_or_else(|_| unreachable!("a Signature header is a header value"));
    Ok([
        (HeaderName::from_static("client-id"), client_id_value),
        (time.header_name(), at),
        (HeaderName::from_static("signature"), signature),
    ])
}

/// Signs requests with the merchant's key and verifies answers with the wallet's.
#[derive(Debug)]
pub struct AlipayPlusSigner {
    credentials: AlipayPlusCredentials,
}

impl Credentials for AlipayPlusCredentials {
    type Signer = AlipayPlusSigner;

    fn signer(self) -> Result<AlipayPlusSigner, String> {
        if self.wallet_public_key.is_none() && self.unsigned_responses == UnsignedResponses::Reject {
            return Err("Alipay+ responses are verified by default: give the wallet's public key, or accept \
                        unsigned responses explicitly"
                .into());
        }
        Ok(AlipayPlusSigner { credentials: self })
    }
}

impl Sign for AlipayPlusSigner {
    fn write_headers(&self, call: &Call, full_path: &str, out: &mut HeaderMap) -> Result<(), String> {
        let c = &self.credentials;
        let message =
            Message { method: call.method.as_str(), path: full_path, body: call.body.as_deref().unwrap_or_default() };
        let headers =
            sign_message(&c.private_key, c.key_version, &c.client_id, TimeHeader::Request, SystemTime::now(), message)
                .map_err(|e| e.to_string())?;
        out.insert(CONTENT_TYPE, HeaderValue::from_static("application/json; charset=UTF-8"));
        for (name, value) in headers {
            out.insert(name, value);
        }
        Ok(())
    }

    fn verify(&self, method: &str, full_path: &str, headers: &HeaderMap, body: &[u8]) -> Result<(), String> {
        let c = &self.credentials;
        if !headers.contains_key("signature") {
            return match c.unsigned_responses {
                UnsignedResponses::Accept => Ok(()),
                UnsignedResponses::Reject => Err(VerifyError::MissingHeader(SIGNATURE).to_string()),
            };
        }
        // Only possible when unsigned responses are accepted (see `signer`): nothing to verify with.
        let Some(key) = &c.wallet_public_key else { return Ok(()) };
        let message = Message { method, path: full_path, body };
        verify_message(key, &c.client_id, TimeHeader::Response, message, headers).map(drop).map_err(|e| e.to_string())
    }
}

/// An Alipay+ `resultStatus`: what a result code says about the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResultStatus {
    /// `S`: the call succeeded.
    Success,
    /// `A`: the wallet accepted the call and the merchant must continue (pay: send the user to the
    /// cashier page in `redirectActionForm`). Money has not moved; it is neither success nor failure.
    Accepted,
    /// `F`: a final failure.
    Failed,
    /// `U`: the outcome is unknown; inquire, or call again with the same request id.
    Unknown,
}

impl ResultStatus {
    /// The status as the provider writes it: `S`, `A`, `F` or `U`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResultStatus::Success => "S",
            ResultStatus::Accepted => "A",
            ResultStatus::Failed => "F",
            ResultStatus::Unknown => "U",
        }
    }
}

/// The Alipay+ envelope: `{result: {resultCode, resultStatus, resultMessage}, ...}` with S, A, F or
/// U; the whole body is the payload. Its typed decode is the default two passes: the result status
/// decides first, and the response's RSA verification costs far more than either pass.
#[derive(Debug, Clone, Copy)]
pub struct Envelope;

#[derive(Deserialize)]
struct Body {
    result: ResultBody,
}

#[derive(Deserialize)]
struct ResultBody {
    #[serde(rename = "resultCode")]
    result_code: String,
    #[serde(rename = "resultStatus")]
    result_status: String,
    #[serde(rename = "resultMessage")]
    result_message: Option<String>,
}

impl DecodeEnvelope for Envelope {
    fn envelope_members_in_payload(&self) -> &'static [&'static str] {
        &["result"]
    }

    fn decode(&self, call: &Call, status: u16, body: &str) -> Result<Reply, ErrorKind<String>> {
        if !(200..300).contains(&status) {
            return Err(undecodable(
                status,
                body,
                "Alipay+ answers results with HTTP 200; this status came from elsewhere",
            ));
        }
        let parsed: Body = serde_json::from_str(body)
            .map_err(|e| undecodable(status, body, format!("not an Alipay+ response: {e}")))?;
        let result = parsed.result;
        let facts = (call.classify)(&result.result_code);
        // `A` answers the call only with a code the operation documents (pay's ACCEPT, whose
        // outcome the client returns); any other `A` is neither success nor failure, so its
        // outcome is unknown.
        let answered = match result.result_status.as_str() {
            "S" => true,
            "A" => call.extra_success_codes.contains(&result.result_code.as_str()),
            _ => false,
        };
        if answered {
            let payload =
                RawValue::from_string(body.to_owned()).map_err(|e| undecodable(status, body, e.to_string()))?;
            return Ok(Reply::new(status, Some(result.result_code), payload));
        }
        let outcome_unknown = match result.result_status.as_str() {
            "F" => facts.outcome_unknown,
            "U" | "A" => true,
            other => return Err(undecodable(status, body, format!("unknown resultStatus {other:?}"))),
        };
        Err(ErrorKind::Provider(ProviderError {
            code: result.result_code,
            message: result.result_message,
            http_status: status,
            retryable: facts.retryable,
            outcome_unknown,
            body: body.to_owned(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::client::CodeFacts;

    fn call(extra_success_codes: &'static [&'static str]) -> Call {
        Call {
            operation: "pay",
            method: reqwest::Method::POST,
            path: "/v2/payments/pay".into(),
            path_template: "/v2/payments/pay",
            secret_path_params: &[],
            query: String::new(),
            body: None,
            timeout: Duration::from_secs(1),
            idempotent: true,
            idempotency_key: None,
            effect: None,
            extra_success_codes,
            classify: |_| CodeFacts::default(),
        }
    }

    fn alipay(status: &str, code: &str) -> String {
        format!(
            r#"{{"result":{{"resultCode":"{code}","resultStatus":"{status}","resultMessage":"m"}},"paymentId":"p-1","redirectActionForm":{{"method":"POST","redirectionUrl":"https://wallet.example/cashier"}}}}"#
        )
    }

    #[test]
    fn alipay_plus_accepted_answers_only_a_documented_code() {
        let body = alipay("A", "ACCEPT");
        let reply = Envelope.decode(&call(&["ACCEPT"]), 200, &body).expect("ACCEPT answers pay");
        assert_eq!(reply.code.as_deref(), Some("ACCEPT"));
        assert!(reply.payload().get().contains("redirectionUrl"), "the body is the payload");

        // An A the operation does not document is neither success nor failure: outcome unknown.
        let Err(ErrorKind::Provider(p)) = Envelope.decode(&call(&[]), 200, &body) else {
            panic!("an undocumented A must not answer the call")
        };
        assert!(p.outcome_unknown && p.code == "ACCEPT");

        let reply = Envelope.decode(&call(&["ACCEPT"]), 200, &alipay("S", "SUCCESS")).expect("S answers");
        assert_eq!(reply.code.as_deref(), Some("SUCCESS"));
        let Err(ErrorKind::Provider(p)) = Envelope.decode(&call(&["ACCEPT"]), 200, &alipay("F", "ACCEPT")) else {
            panic!("F never answers")
        };
        assert!(!p.outcome_unknown);
        assert!(matches!(Envelope.decode(&call(&[]), 200, &alipay("X", "ACCEPT")), Err(ErrorKind::Undecodable(_))));
        assert_eq!(ResultStatus::Accepted.as_str(), "A");
    }
}

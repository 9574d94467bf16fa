//! Each wire protocol in one module, behind two small traits (after smithy's `Sign` and
//! `DeserializeResponse`): [`Sign`] authenticates requests and checks responses, [`DecodeEnvelope`]
//! turns a response into a [`Reply`] or the provider's error. The client only calls these traits,
//! and the inbound receivers call the same functions (see [`alipay_plus::verify_message`]), so
//! every fact about a provider's wire format has one home.
//!
//! - [`line_pay`]: HMAC-SHA256 headers and the `{returnCode, returnMessage, info}` envelope.
//! - [`alipay_plus`]: RSA256 `Signature` headers both ways and the `result` envelope.
//! - [`elepay`]: the secret key as a header; its envelope is the generic [`http_status`] one.
//! - [`http_status`]: 2xx with the object, or an error status with a coded error body.
//!
//! The cryptography itself stays in [`crate::signing`].

#[cfg(feature = "alipay_plus")]
pub mod alipay_plus;
#[cfg(feature = "elepay")]
pub mod elepay;
pub mod http_status;
#[cfg(feature = "line_pay")]
pub mod line_pay;

use std::fmt;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::client::{Call, ErrorKind, Reply, UndecodableResponse};

/// The credentials of one auth scheme: checked and prepared once, when a client is built.
pub trait Credentials: fmt::Debug + Send + Sync + 'static {
    /// What signs this scheme's requests and checks its responses.
    type Signer: Sign;

    /// Checks what can be checked before the first call, and computes what every call needs
    /// (keys, fixed headers). The error says what is wrong, without any secret.
    fn signer(self) -> Result<Self::Signer, String>;
}

/// Authenticates requests and responses for one scheme, prepared once per client.
///
/// `Debug` shows the credentials with their secrets redacted, never key material.
pub trait Sign: fmt::Debug + Send + Sync + 'static {
    /// Writes the headers that authenticate `call`, sent to `full_path` (the base URL's path prefix
    /// and the operation's path), into `out`. Called for every attempt, so each one carries a fresh
    /// nonce or time.
    fn write_headers(&self, call: &Call, full_path: &str, out: &mut HeaderMap) -> Result<(), String>;

    /// Checks the authentication of a 2xx response to a `method` call to `full_path`, over the exact
    /// body bytes received. Schemes whose responses carry none accept every response.
    fn verify(&self, method: &str, full_path: &str, headers: &HeaderMap, body: &[u8]) -> Result<(), String>;
}

/// How a provider says success or failure in a response. Nothing here trusts the body: anything
/// off the documented shape is [`ErrorKind::Undecodable`], with the status and the body kept.
pub trait DecodeEnvelope: fmt::Debug + Send + Sync + 'static {
    /// Decodes a response body for `call`: the success payload, or the provider error. The client
    /// calls this for every response; it is public for custom transports and benchmarks.
    fn decode(&self, call: &Call, status: u16, body: &str) -> Result<Reply, ErrorKind<String>>;

    /// [`DecodeEnvelope::decode`] for a call whose response type is `R`, reading the envelope and
    /// `R` in one pass over the body where the envelope allows it. A success whose payload decodes
    /// as `R` becomes a [`Reply`] that carries the value; anything else must come out exactly as
    /// [`DecodeEnvelope::decode`] says, so the outcome never depends on which one ran. The default
    /// is that two-pass decode.
    fn decode_typed<R: DeserializeOwned + Send + Sync + 'static>(
        &self,
        call: &Call,
        status: u16,
        body: String,
    ) -> Result<Reply, ErrorKind<String>>
    where
        Self: Sized,
    {
        self.decode(call, status, &body)
    }

    /// Top-level members of a success payload that the envelope reads itself and the response
    /// type does not carry (Alipay+'s `result`, beside the response's own fields). None by default.
    fn envelope_members_in_payload(&self) -> &'static [&'static str] {
        &[]
    }
}

/// An answer that is not what the provider documents.
pub(crate) fn undecodable(status: u16, body: &str, reason: impl Into<String>) -> ErrorKind<String> {
    ErrorKind::Undecodable(UndecodableResponse { status, reason: reason.into(), body: body.to_owned() })
}

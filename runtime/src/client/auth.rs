//! Credentials and request signing for each auth scheme a spec can name. Secrets stay inside
//! `SecretString` and `PrivateKey`, whose `Debug` output is redacted, and never reach an error.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use std::fmt;

use super::handler::Call;
use crate::secret::SecretString;
use crate::signing::{alipay_plus, line_pay};
use crate::time::iso8601_utc;

/// LINE Pay: the channel id and secret from the merchant center.
#[derive(Debug, Clone)]
pub struct LinePayCredentials {
    /// The channel id, sent as `X-LINE-ChannelId`.
    pub channel_id: String,
    /// The channel secret: the HMAC key, never sent.
    pub channel_secret: SecretString,
    /// Sent as `X-LINE-MerchantDeviceProfileId` when set.
    pub merchant_device_profile_id: Option<String>,
    /// Sent as `X-LINE-MerchantDeviceType` when set.
    pub merchant_device_type: Option<String>,
}

impl LinePayCredentials {
    /// Credentials from the channel id and secret; the device headers start unset.
    pub fn new(channel_id: impl Into<String>, channel_secret: impl Into<SecretString>) -> Self {
        LinePayCredentials {
            channel_id: channel_id.into(),
            channel_secret: channel_secret.into(),
            merchant_device_profile_id: None,
            merchant_device_type: None,
        }
    }
}

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
    pub private_key: std::sync::Arc<alipay_plus::PrivateKey>,
    /// `keyVersion` in the `Signature` header.
    pub key_version: u32,
    /// Verifies response signatures; required unless unsigned responses are accepted.
    pub wallet_public_key: Option<alipay_plus::PublicKey>,
    /// Whether a response without a signature is accepted; refused by default.
    pub unsigned_responses: UnsignedResponses,
}

impl AlipayPlusCredentials {
    /// Credentials that sign with `private_key` (key version 1) and verify every response with
    /// `wallet_public_key`.
    pub fn new(
        client_id: impl Into<String>,
        private_key: alipay_plus::PrivateKey,
        wallet_public_key: alipay_plus::PublicKey,
    ) -> Self {
        AlipayPlusCredentials {
            client_id: client_id.into(),
            private_key: std::sync::Arc::new(private_key),
            key_version: 1,
            wallet_public_key: Some(wallet_public_key),
            unsigned_responses: UnsignedResponses::Reject,
        }
    }
}

/// How the elepay secret key is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ElepayAuthScheme {
    /// `Authorization: Bearer <key>`.
    #[default]
    Bearer,
    /// HTTP Basic with the key as user name and an empty password.
    Basic,
}

/// elepay: the secret key.
#[derive(Debug, Clone)]
pub struct ElepayCredentials {
    /// The secret key (`sk_...`).
    pub secret_key: SecretString,
    /// How the key is sent; Bearer by default.
    pub scheme: ElepayAuthScheme,
}

impl ElepayCredentials {
    /// Credentials that send `secret_key` as a Bearer token.
    pub fn new(secret_key: impl Into<SecretString>) -> Self {
        ElepayCredentials { secret_key: secret_key.into(), scheme: ElepayAuthScheme::Bearer }
    }
}

/// The credentials of one auth scheme; implemented by the three credential types.
pub trait Credentials: Into<Auth> + Send + Sync + 'static {}

impl Credentials for LinePayCredentials {}
impl Credentials for AlipayPlusCredentials {}
impl Credentials for ElepayCredentials {}

/// The scheme a client signs with.
#[derive(Debug, Clone)]
pub enum Auth {
    /// LINE Pay HMAC-SHA256.
    LinePay(LinePayCredentials),
    /// Alipay+ RSA256.
    AlipayPlus(AlipayPlusCredentials),
    /// elepay's secret key.
    Elepay(ElepayCredentials),
}

impl From<LinePayCredentials> for Auth {
    fn from(c: LinePayCredentials) -> Auth {
        Auth::LinePay(c)
    }
}

impl From<AlipayPlusCredentials> for Auth {
    fn from(c: AlipayPlusCredentials) -> Auth {
        Auth::AlipayPlus(c)
    }
}

impl From<ElepayCredentials> for Auth {
    fn from(c: ElepayCredentials) -> Auth {
        Auth::Elepay(c)
    }
}

fn header(name: &'static str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let value =
        HeaderValue::from_str(value).map_err(|_| format!("the value for {name} is not a valid header value"))?;
    Ok((HeaderName::from_static(name), value))
}

/// A header whose value was built for this call: its text becomes the header's bytes without a copy.
fn owned_header(name: &'static str, value: String) -> Result<(HeaderName, HeaderValue), String> {
    let value =
        HeaderValue::try_from(value).map_err(|_| format!("the value for {name} is not a valid header value"))?;
    Ok((HeaderName::from_static(name), value))
}

/// Fixed headers and keys of a scheme, computed once when the client is built instead of on every
/// call: the LINE Pay HMAC key and the header values that do not change. A value that is not a
/// valid header is kept as its error and reported by each call, as it was before it was cached.
pub(crate) enum Prepared {
    LinePay {
        signer: line_pay::Signer,
        /// Content type and channel id (sent before the nonce), then the device headers.
        #[allow(clippy::type_complexity)]
        headers: Result<(Vec<(HeaderName, HeaderValue)>, Vec<(HeaderName, HeaderValue)>), String>,
    },
    AlipayPlus,
    Elepay {
        headers: Result<[(HeaderName, HeaderValue); 2], String>,
    },
}

impl fmt::Debug for Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Prepared([redacted])")
    }
}

impl Auth {
    /// Checks what can be checked before the first call.
    pub(crate) fn check(&self) -> Result<(), String> {
        match self {
            Auth::AlipayPlus(c)
                if c.wallet_public_key.is_none() && c.unsigned_responses == UnsignedResponses::Reject =>
            {
                Err("Alipay+ responses are verified by default: give the wallet's public key, or accept unsigned \
                     responses explicitly"
                    .into())
            }
            _ => Ok(()),
        }
    }

    /// What this scheme needs for every call, computed once for the client (see [`Prepared`]).
    pub(crate) fn prepare(&self) -> Prepared {
        let fixed = |pairs: &[(&'static str, &str)]| -> Result<Vec<(HeaderName, HeaderValue)>, String> {
            pairs.iter().map(|(name, value)| header(name, value)).collect()
        };
        match self {
            Auth::LinePay(c) => {
                let mut first = vec![(CONTENT_TYPE, HeaderValue::from_static("application/json"))];
                let channel = fixed(&[("x-line-channelid", &c.channel_id)]);
                let mut device = Vec::new();
                if let Some(id) = &c.merchant_device_profile_id {
                    device.push(("x-line-merchantdeviceprofileid", id.as_str()));
                }
                if let Some(kind) = &c.merchant_device_type {
                    device.push(("x-line-merchantdevicetype", kind.as_str()));
                }
                // The errors come in the order the headers used to be built in, call by call.
                let headers = channel.and_then(|channel| {
                    first.extend(channel);
                    Ok((first, fixed(&device)?))
                });
                Prepared::LinePay { signer: line_pay::Signer::new(c.channel_secret.clone()), headers }
            }
            Auth::AlipayPlus(_) => Prepared::AlipayPlus,
            Auth::Elepay(c) => {
                let value = match c.scheme {
                    ElepayAuthScheme::Bearer => format!("Bearer {}", c.secret_key.expose()),
                    ElepayAuthScheme::Basic => {
                        format!("Basic {}", STANDARD.encode(format!("{}:", c.secret_key.expose())))
                    }
                };
                let headers = HeaderValue::from_str(&value)
                    .map(|mut value| {
                        value.set_sensitive(true);
                        [(AUTHORIZATION, value), (CONTENT_TYPE, HeaderValue::from_static("application/json"))]
                    })
                    .map_err(|_| "the secret key is not a valid header value".to_owned());
                Prepared::Elepay { headers }
            }
        }
    }

    /// Writes the headers that authenticate `call`, sent to `full_path` (the base URL's path prefix
    /// and the operation's path), into `out`. Computed for every attempt, so each carries a fresh
    /// nonce or time.
    pub(crate) fn write_headers(
        &self,
        prepared: &Prepared,
        call: &Call,
        full_path: &str,
        out: &mut HeaderMap,
    ) -> Result<(), String> {
        let body = call.body.as_deref().unwrap_or_default();
        match (self, prepared) {
            (Auth::LinePay(_), Prepared::LinePay { signer, headers }) => {
                let (fixed, device) = headers.as_ref().map_err(Clone::clone)?;
                let nonce = line_pay::new_nonce().map_err(|e| e.to_string())?;
                let payload = if call.method == reqwest::Method::GET { call.query.as_bytes() } else { body };
                let signature = signer.sign(full_path, payload, &nonce);
                for (name, value) in fixed {
                    out.insert(name.clone(), value.clone());
                }
                for (name, value) in [
                    owned_header("x-line-authorization-nonce", nonce)?,
                    owned_header("x-line-authorization", signature)?,
                ] {
                    out.insert(name, value);
                }
                for (name, value) in device {
                    out.insert(name.clone(), value.clone());
                }
            }
            (Auth::AlipayPlus(c), _) => {
                let time = iso8601_utc(std::time::SystemTime::now());
                let message = alipay_plus::string_to_sign(call.method.as_str(), full_path, &c.client_id, &time, body);
                let signature = c.private_key.sign(&message).map_err(|e| e.to_string())?;
                out.insert(CONTENT_TYPE, HeaderValue::from_static("application/json; charset=UTF-8"));
                for (name, value) in [
                    header("client-id", &c.client_id)?,
                    owned_header("request-time", time)?,
                    owned_header("signature", alipay_plus::signature_header(&signature, c.key_version))?,
                ] {
                    out.insert(name, value);
                }
            }
            (Auth::Elepay(_), Prepared::Elepay { headers }) => {
                for (name, value) in headers.as_ref().map_err(Clone::clone)? {
                    out.insert(name.clone(), value.clone());
                }
            }
            _ => unreachable!("prepared from this Auth"),
        }
        Ok(())
    }

    /// Verifies the response's signature where the scheme has one (Alipay+).
    pub(crate) fn verify(&self, method: &str, full_path: &str, headers: &HeaderMap, body: &[u8]) -> Result<(), String> {
        let Auth::AlipayPlus(c) = self else { return Ok(()) };
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let Some(signature) = text("signature") else {
            return match c.unsigned_responses {
                UnsignedResponses::Accept => Ok(()),
                UnsignedResponses::Reject => Err("the response has no Signature header".into()),
            };
        };
        let Some(key) = &c.wallet_public_key else { return Ok(()) };
        let parsed = alipay_plus::parse_signature_header(signature).map_err(|e| e.to_string())?;
        let client_id = text("client-id").ok_or("the response has no Client-Id header")?;
        if client_id != c.client_id {
            return Err(format!("the response is for client {client_id:?}, not this client"));
        }
        let time = text("response-time").ok_or("the response has no Response-Time header")?;
        let message = alipay_plus::string_to_sign(method, full_path, client_id, time, body);
        key.verify(&message, &parsed.signature_base64).map_err(|e| e.to_string())
    }
}

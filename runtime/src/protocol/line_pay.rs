//! LINE Pay v3: every request carries `X-LINE-ChannelId`, a fresh nonce and their HMAC-SHA256
//! (`crate::signing::line_pay`); every answer is HTTP 200 with `{returnCode, returnMessage, info}`.

use std::borrow::Cow;
use std::fmt;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::{Credentials, DecodeEnvelope, Sign, undecodable};
use crate::client::{Call, ErrorKind, ProviderError, Reply};
use crate::secret::SecretString;
use crate::signing::line_pay;

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

/// Headers computed once for a client.
type Headers = Vec<(HeaderName, HeaderValue)>;

/// Signs LINE Pay requests with the HMAC key derived once, and sends the fixed headers computed
/// once. A configured value that is not a valid header is kept as its error and reported by each
/// call, as it was before it was cached.
pub struct LinePaySigner {
    credentials: LinePayCredentials,
    hmac: line_pay::Signer,
    /// Content type and channel id (sent before the nonce), then the device headers.
    headers: Result<(Headers, Headers), String>,
}

impl fmt::Debug for LinePaySigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinePaySigner").field("credentials", &self.credentials).finish_non_exhaustive()
    }
}

impl Credentials for LinePayCredentials {
    type Signer = LinePaySigner;

    fn signer(self) -> Result<LinePaySigner, String> {
        let fixed = |pairs: &[(&'static str, &str)]| -> Result<Headers, String> {
            pairs.iter().map(|(name, value)| header(name, value)).collect()
        };
        let mut first = vec![(CONTENT_TYPE, HeaderValue::from_static("application/json"))];
        let channel = fixed(&[("x-line-channelid", &self.channel_id)]);
        let mut device = Vec::new();
        if let Some(id) = &self.merchant_device_profile_id {
            device.push(("x-line-merchantdeviceprofileid", id.as_str()));
        }
        if let Some(kind) = &self.merchant_device_type {
            device.push(("x-line-merchantdevicetype", kind.as_str()));
        }
        // The errors come in the order the headers used to be built in, call by call.
        let headers = channel.and_then(|channel| {
            first.extend(channel);
            Ok((first, fixed(&device)?))
        });
        let hmac = line_pay::Signer::new(self.channel_secret.clone());
        Ok(LinePaySigner { credentials: self, hmac, headers })
    }
}

impl Sign for LinePaySigner {
    fn write_headers(&self, call: &Call, full_path: &str, out: &mut HeaderMap) -> Result<(), String> {
        let (fixed, device) = self.headers.as_ref().map_err(Clone::clone)?;
        let nonce = line_pay::new_nonce().map_err(|e| e.to_string())?;
        // A GET signs its query string exactly as sent; anything else its body.
        let payload = if call.method == reqwest::Method::GET {
            call.query.as_bytes()
        } else {
            call.body.as_deref().unwrap_or_default()
        };
        let signature = self.hmac.sign(full_path, payload, &nonce);
        for (name, value) in fixed {
            out.insert(name.clone(), value.clone());
        }
        for (name, value) in
            [owned_header("x-line-authorization-nonce", nonce)?, owned_header("x-line-authorization", signature)?]
        {
            out.insert(name, value);
        }
        for (name, value) in device {
            out.insert(name.clone(), value.clone());
        }
        Ok(())
    }

    /// LINE Pay does not sign its answers.
    fn verify(&self, _: &str, _: &str, _: &HeaderMap, _: &[u8]) -> Result<(), String> {
        Ok(())
    }
}

/// The LINE Pay envelope: HTTP 200 with `{returnCode, returnMessage, info}`; `info` is the payload.
#[derive(Debug, Clone, Copy)]
pub struct Envelope {
    /// The provider's success codes (`0000`).
    pub success_codes: &'static [&'static str],
}

#[derive(Deserialize)]
struct Body<'a> {
    /// Borrowed unless the provider escaped a character (`"\u0030000"` is `0000`).
    #[serde(rename = "returnCode", borrow)]
    return_code: Cow<'a, str>,
    #[serde(rename = "returnMessage")]
    return_message: Option<String>,
    info: Option<Box<RawValue>>,
}

/// A body with `info` decoded as the operation's response in the same pass.
#[derive(Deserialize)]
#[serde(bound = "R: Deserialize<'de>")]
struct Typed<'a, R> {
    #[serde(rename = "returnCode", borrow)]
    return_code: Cow<'a, str>,
    /// Checked to be text, as [`Body`] checks it, but not kept: a success has no use for it.
    #[serde(rename = "returnMessage")]
    #[allow(dead_code)]
    return_message: Option<AnyText>,
    info: Option<R>,
}

/// Any JSON string, read without being copied.
struct AnyText;

impl<'de> Deserialize<'de> for AnyText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<AnyText, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = AnyText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<AnyText, E> {
                Ok(AnyText)
            }
        }
        deserializer.deserialize_str(Text)
    }
}

impl Envelope {
    fn is_success(&self, call: &Call, code: &str) -> bool {
        self.success_codes.contains(&code) || call.extra_success_codes.contains(&code)
    }
}

impl DecodeEnvelope for Envelope {
    fn decode(&self, call: &Call, status: u16, body: &str) -> Result<Reply, ErrorKind<String>> {
        if !(200..300).contains(&status) {
            return Err(undecodable(status, body, "LINE Pay answers HTTP 200; this status is not part of its API"));
        }
        let parsed: Body<'_> = serde_json::from_str(body)
            .map_err(|e| undecodable(status, body, format!("not a LINE Pay response: {e}")))?;
        let code = &*parsed.return_code;
        if self.is_success(call, code) {
            return Ok(Reply::new(status, Some(code.to_owned()), parsed.info.unwrap_or_else(null)));
        }
        let facts = (call.classify)(code);
        Err(ErrorKind::Provider(ProviderError {
            code: code.to_owned(),
            message: parsed.return_message,
            http_status: status,
            retryable: facts.retryable,
            outcome_unknown: facts.outcome_unknown,
            body: body.to_owned(),
        }))
    }

    /// Reads `returnCode` and `info` as `R` in one pass; the untyped payload is cut out of the body
    /// only if a handler asks for it.
    fn decode_typed<R: DeserializeOwned + Send + Sync + 'static>(
        &self,
        call: &Call,
        status: u16,
        body: String,
    ) -> Result<Reply, ErrorKind<String>> {
        let parsed = (200..300).contains(&status).then(|| serde_json::from_str::<Typed<'_, R>>(&body).ok()).flatten();
        if let Some(parsed) = parsed {
            let code = &*parsed.return_code;
            if self.is_success(call, code) {
                let code = code.to_owned();
                // An absent or `null` info is the payload `null`, as in `decode`.
                let value = match parsed.info {
                    Some(value) => Some(value),
                    None => serde_json::from_str::<R>("null").ok(),
                };
                if let Some(value) = value {
                    return Ok(Reply::typed(status, Some(code), body, Some("info"), value));
                }
            }
        }
        self.decode(call, status, &body)
    }
}

/// The JSON `null`, the payload of an answer without one.
fn null() -> Box<RawValue> {
    RawValue::from_string("null".to_owned()).unwrap_or_else(|_| unreachable!("`null` is JSON"))
}

/// A header from configured text, which may not be a valid header value.
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

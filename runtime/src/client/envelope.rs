//! How each provider says success or failure in a response, decoded into a [`Reply`] or a
//! provider error. Nothing here trusts the body: anything off the documented shape is
//! `Undecodable`, with the status and the body kept.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::error::{ErrorKind, ProviderError, UndecodableResponse};
use super::handler::{Call, DecodeFn, Reply};

/// The envelope of a provider, as its spec names it.
#[derive(Debug, Clone, Copy)]
pub enum Envelope {
    /// HTTP 200 with `{returnCode, returnMessage, info}`.
    LinePay {
        /// The provider's success codes (`0000`).
        success_codes: &'static [&'static str],
    },
    /// `{result: {resultCode, resultStatus, resultMessage}, ...}` with S, A, F or U.
    AlipayPlus,
    /// 2xx with the object, or an error status with an error body whose `code_field` holds the code.
    HttpStatus {
        /// The field of the error body that holds the code.
        code_field: &'static str,
    },
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

#[derive(Deserialize)]
struct LinePayBody<'a> {
    /// Borrowed unless the provider escaped a character (`"\u0030000"` is `0000`).
    #[serde(rename = "returnCode", borrow)]
    return_code: Cow<'a, str>,
    #[serde(rename = "returnMessage")]
    return_message: Option<String>,
    info: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
struct AlipayPlusBody {
    result: AlipayPlusResult,
}

#[derive(Deserialize)]
struct AlipayPlusResult {
    #[serde(rename = "resultCode")]
    result_code: String,
    #[serde(rename = "resultStatus")]
    result_status: String,
    #[serde(rename = "resultMessage")]
    result_message: Option<String>,
}

/// A LINE Pay body with `info` decoded as the operation's response in the same pass.
#[derive(Deserialize)]
#[serde(bound = "R: Deserialize<'de>")]
struct LinePayTyped<'a, R> {
    #[serde(rename = "returnCode", borrow)]
    return_code: Cow<'a, str>,
    /// Checked to be text, as [`LinePayBody`] checks it, but not kept: a success has no use for it.
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
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<AnyText, E> {
                Ok(AnyText)
            }
        }
        deserializer.deserialize_str(Text)
    }
}

fn undecodable(status: u16, body: &str, reason: impl Into<String>) -> ErrorKind<String> {
    ErrorKind::Undecodable(UndecodableResponse { status, reason: reason.into(), body: body.to_owned() })
}

fn null() -> Box<RawValue> {
    RawValue::from_string("null".to_owned()).unwrap_or_else(|_| unreachable!("`null` is JSON"))
}

impl Envelope {
    /// Decodes a response body for `call`: the success payload, or the provider error. The client
    /// calls this for every response; it is public for custom transports and benchmarks.
    pub fn decode(&self, call: &Call, status: u16, body: &str) -> Result<Reply, ErrorKind<String>> {
        match self {
            Envelope::LinePay { success_codes } => {
                if !(200..300).contains(&status) {
                    return Err(undecodable(
                        status,
                        body,
                        "LINE Pay answers HTTP 200; this status is not part of its API",
                    ));
                }
                let parsed: LinePayBody<'_> = serde_json::from_str(body)
                    .map_err(|e| undecodable(status, body, format!("not a LINE Pay response: {e}")))?;
                let code = &*parsed.return_code;
                if success_codes.contains(&code) || call.extra_success_codes.contains(&code) {
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
            Envelope::AlipayPlus => {
                if !(200..300).contains(&status) {
                    return Err(undecodable(
                        status,
                        body,
                        "Alipay+ answers results with HTTP 200; this status came from elsewhere",
                    ));
                }
                let parsed: AlipayPlusBody = serde_json::from_str(body)
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
            Envelope::HttpStatus { code_field } => {
                if (200..300).contains(&status) {
                    let payload = RawValue::from_string(body.to_owned())
                        .map_err(|e| undecodable(status, body, format!("the body is not JSON: {e}")))?;
                    return Ok(Reply::new(status, None, payload));
                }
                let parsed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(body)
                    .map_err(|e| undecodable(status, body, format!("the error body is not a JSON object: {e}")))?;
                let Some(code) = parsed.get(*code_field).and_then(|c| c.as_str()) else {
                    return Err(undecodable(status, body, format!("the error body has no `{code_field}`")));
                };
                let facts = (call.classify)(code);
                Err(ErrorKind::Provider(ProviderError {
                    code: code.to_owned(),
                    message: parsed.get("message").and_then(|m| m.as_str()).map(str::to_owned),
                    http_status: status,
                    retryable: facts.retryable,
                    // A 5xx may have been processed, unless the spec calls its code temporary (such as
                    // maintenance); a 4xx refused the request.
                    outcome_unknown: facts.outcome_unknown || (status >= 500 && !facts.retryable),
                    body: body.to_owned(),
                }))
            }
        }
    }
}

impl Envelope {
    /// [`Envelope::decode`] for a call whose response type is `R`, reading the envelope and `R` in one
    /// pass over the body. A success whose payload decodes as `R` becomes a [`Reply`] that carries the
    /// value (and cuts its untyped payload out of the body only if a handler asks for it); anything
    /// else (an error code, a body off the documented shape, a payload that is not an `R`) is decoded
    /// by [`Envelope::decode`], so the outcome is always the same as decoding the payload afterwards.
    pub fn decode_typed<R: DeserializeOwned + Send + Sync + 'static>(
        &self,
        call: &Call,
        status: u16,
        body: String,
    ) -> Result<Reply, ErrorKind<String>> {
        if (200..300).contains(&status) {
            match self {
                Envelope::LinePay { success_codes } => {
                    if let Ok(parsed) = serde_json::from_str::<LinePayTyped<'_, R>>(&body) {
                        let code = &*parsed.return_code;
                        if success_codes.contains(&code) || call.extra_success_codes.contains(&code) {
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
                }
                Envelope::HttpStatus { .. } => {
                    if let Ok(value) = serde_json::from_str::<R>(&body) {
                        return Ok(Reply::typed(status, None, body, None, value));
                    }
                }
                // The result status decides here, and a response is read in two passes; its RSA
                // verification costs far more than either.
                Envelope::AlipayPlus => {}
            }
        }
        self.decode(call, status, &body)
    }

    /// [`Envelope::decode_typed`] as a function pointer for the transport.
    pub(crate) fn typed_decoder<R: DeserializeOwned + Send + Sync + 'static>() -> DecodeFn {
        |envelope, call, status, body| envelope.decode_typed::<R>(call, status, body)
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
        let reply = Envelope::AlipayPlus.decode(&call(&["ACCEPT"]), 200, &body).expect("ACCEPT answers pay");
        assert_eq!(reply.code.as_deref(), Some("ACCEPT"));
        assert!(reply.payload().get().contains("redirectionUrl"), "the body is the payload");

        // An A the operation does not document is neither success nor failure: outcome unknown.
        let Err(ErrorKind::Provider(p)) = Envelope::AlipayPlus.decode(&call(&[]), 200, &body) else {
            panic!("an undocumented A must not answer the call")
        };
        assert!(p.outcome_unknown && p.code == "ACCEPT");

        let reply = Envelope::AlipayPlus.decode(&call(&["ACCEPT"]), 200, &alipay("S", "SUCCESS")).expect("S answers");
        assert_eq!(reply.code.as_deref(), Some("SUCCESS"));
        let Err(ErrorKind::Provider(p)) = Envelope::AlipayPlus.decode(&call(&["ACCEPT"]), 200, &alipay("F", "ACCEPT"))
        else {
            panic!("F never answers")
        };
        assert!(!p.outcome_unknown);
        assert!(matches!(
            Envelope::AlipayPlus.decode(&call(&[]), 200, &alipay("X", "ACCEPT")),
            Err(ErrorKind::Undecodable(_))
        ));
        assert_eq!(ResultStatus::Accepted.as_str(), "A");
    }
}

//! How each provider says success or failure in a response, decoded into a [`Reply`] or a
//! provider error. Nothing here trusts the body: anything off the documented shape is
//! `Undecodable`, with the status and the body kept.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::error::{ErrorKind, ProviderError, UndecodableResponse};
use super::handler::{Call, Reply};

/// The envelope of a provider, as its spec names it.
#[derive(Debug, Clone, Copy)]
pub enum Envelope {
    /// HTTP 200 with `{returnCode, returnMessage, info}`.
    LinePay {
        /// The provider's success codes (`0000`).
        success_codes: &'static [&'static str],
    },
    /// `{result: {resultCode, resultStatus, resultMessage}, ...}` with S, F or U.
    AlipayPlus,
    /// 2xx with the object, or an error status with an error body whose `code_field` holds the code.
    HttpStatus {
        /// The field of the error body that holds the code.
        code_field: &'static str,
    },
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
                let outcome_unknown = match result.result_status.as_str() {
                    "S" => {
                        let payload = RawValue::from_string(body.to_owned())
                            .map_err(|e| undecodable(status, body, e.to_string()))?;
                        return Ok(Reply::new(status, Some(result.result_code), payload));
                    }
                    "F" => facts.outcome_unknown,
                    "U" => true,
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

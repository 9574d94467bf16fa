//! The envelope of providers that answer with HTTP statuses (elepay): a 2xx body is the object
//! itself, an error status carries an error body whose code field names the error.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::{DecodeEnvelope, undecodable};
use crate::client::{Call, ErrorKind, ProviderError, Reply};

/// 2xx with the object, or an error status with an error body whose `code_field` holds the code.
#[derive(Debug, Clone, Copy)]
pub struct Envelope {
    /// The field of the error body that holds the code.
    pub code_field: &'static str,
}

impl DecodeEnvelope for Envelope {
    fn decode(&self, call: &Call, status: u16, body: &str) -> Result<Reply, ErrorKind<String>> {
        if (200..300).contains(&status) {
            let payload = RawValue::from_string(body.to_owned())
                .map_err(|e| undecodable(status, body, format!("the body is not JSON: {e}")))?;
            return Ok(Reply::new(status, None, payload));
        }
        let parsed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(body)
            .map_err(|e| undecodable(status, body, format!("the error body is not a JSON object: {e}")))?;
        let Some(code) = parsed.get(self.code_field).and_then(|c| c.as_str()) else {
            return Err(undecodable(status, body, format!("the error body has no `{}`", self.code_field)));
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

    /// A 2xx body is the response itself: decoded as `R` in the one pass.
    fn decode_typed<R: DeserializeOwned + Send + Sync + 'static>(
        &self,
        call: &Call,
        status: u16,
        body: String,
    ) -> Result<Reply, ErrorKind<String>> {
        if (200..300).contains(&status) {
            if let Ok(value) = serde_json::from_str::<R>(&body) {
                return Ok(Reply::typed(status, None, body, None, value));
            }
        }
        self.decode(call, status, &body)
    }
}

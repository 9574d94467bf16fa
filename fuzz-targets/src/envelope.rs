//! The envelope decoders (`DecodeEnvelope::decode`), one target per envelope kind, each with the call of a
//! real operation of the provider that uses it.
//!
//! Input: an HTTP status line, then the body: `200\n{"returnCode":"0000",...}`. When the first line
//! is not a number the status is 200 and the whole input is the body; bodies that are not UTF-8
//! are skipped (the transport hands the decoder a `&str`).
//!
//! Asserts, beside no panic, what the decoder promises, checked against an independent
//! `serde_json::Value` reading of the body:
//! - an undecodable response keeps the status and the body exactly;
//! - a provider error keeps the status and body and carries the code the body names; it never comes
//!   from a success code (LINE Pay) or a `resultStatus` of `S` (Alipay+) or a 2xx (HTTP status);
//! - a success carries valid JSON, comes from a 2xx and a success code or `S` (its payload is the
//!   body less surrounding whitespace, or LINE Pay's `info`); a LINE Pay success re-encodes: the body
//!   rebuilt from its code and payload decodes to the same reply.

use std::time::Duration;

use payspec::{alipayplus, elepay, linepay};
use payspec_runtime::client::{Call, DecodeEnvelope, ErrorKind, Operation, Reply};
use payspec_runtime::protocol::{alipay_plus, http_status, line_pay};
use serde_json::Value;

fn call(op: &Operation) -> Call {
    Call {
        operation: op.name,
        method: op.method.clone(),
        path: "/fuzz".to_owned(),
        path_template: op.path_template,
        secret_path_params: op.secret_path_params,
        query: String::new(),
        body: None,
        timeout: Duration::from_secs(1),
        idempotent: op.idempotent,
        idempotency_key: op.idempotency_key,
        effect: op.effect,
        extra_success_codes: op.extra_success_codes,
        classify: op.classify,
    }
}

/// The status and body of an input; `None` for a body that is not UTF-8.
fn status_and_body(data: &[u8]) -> Option<(u16, &str)> {
    let text = std::str::from_utf8(data).ok()?;
    Some(match text.split_once('\n') {
        Some((line, body)) => match line.trim().parse::<u16>() {
            Ok(status) => (status, body),
            Err(_) => (200, text),
        },
        None => (200, text),
    })
}

/// The body without the whitespace around it, which `RawValue` drops.
fn json_trim(body: &str) -> &str {
    body.trim_matches([' ', '\t', '\n', '\r'])
}

/// JSON as the decoder's `RawValue` sees it: syntax only, numbers of any size.
fn is_json(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// Checks what holds for every result, and returns the body as a `Value` when it reads as one
/// (numbers beyond `f64` do not).
fn common(result: &Result<Reply, ErrorKind<String>>, status: u16, body: &str) -> Option<Value> {
    match result {
        Ok(reply) => {
            assert_eq!(reply.status, status);
            assert!((200..300).contains(&status), "a success comes from a 2xx, not {status}");
            assert!(is_json(reply.payload().get()), "the payload is JSON: {}", reply.payload().get());
            assert!(is_json(body), "a success comes from a JSON body");
        }
        Err(ErrorKind::Undecodable(u)) => {
            assert_eq!((u.status, u.body.as_str()), (status, body), "an undecodable response keeps status and body");
        }
        Err(ErrorKind::Provider(p)) => {
            assert_eq!((p.http_status, p.body.as_str()), (status, body), "a provider error keeps status and body");
            assert!(is_json(body), "a provider error comes from a JSON body");
        }
        Err(other) => panic!("the envelope decodes into a reply, a provider error or undecodable, not {other:?}"),
    }
    serde_json::from_str(body).ok()
}

/// LINE Pay, with Check Payment Status: its own success codes beside the provider's `0000`.
pub fn envelope_line_pay(data: &[u8]) {
    let Some((status, body)) = status_and_body(data) else { return };
    let op = linepay::check_payment_status::OPERATION;
    let envelope = line_pay::Envelope { success_codes: linepay::SUCCESS_CODES };
    let call = call(&op);
    let result = envelope.decode(&call, status, body);
    let parsed = common(&result, status, body);
    let is_success = |code: &str| linepay::SUCCESS_CODES.contains(&code) || op.extra_success_codes.contains(&code);
    match &result {
        Ok(reply) => {
            let code = reply.code.as_deref().unwrap_or_else(|| panic!("a LINE Pay success has its code"));
            assert!(is_success(code), "{code} is a success code");
            if let Some(parsed) = parsed {
                assert_eq!(parsed.get("returnCode").and_then(Value::as_str), Some(code));
                let info = parsed.get("info").cloned().unwrap_or(Value::Null);
                let payload = serde_json::from_str::<Value>(reply.payload().get()).ok();
                assert_eq!(payload, Some(info), "the payload is `info`");
            }
            // Re-encodes: the body rebuilt from the decoded code and payload decodes to the same reply.
            let code_json = serde_json::to_string(code).unwrap_or_else(|e| panic!("a code encodes: {e}"));
            let rebuilt = format!(r#"{{"returnCode":{code_json},"info":{}}}"#, reply.payload().get());
            match envelope.decode(&call, status, &rebuilt) {
                Ok(again) => {
                    assert_eq!(again.code, reply.code);
                    assert_eq!(again.payload().get(), reply.payload().get());
                }
                Err(e) => panic!("the re-encoded success {rebuilt} does not decode: {e:?}"),
            }
        }
        Err(ErrorKind::Provider(p)) => {
            assert!(!is_success(&p.code), "success code {} reported as an error", p.code);
            if let Some(parsed) = parsed {
                assert_eq!(parsed.get("returnCode").and_then(Value::as_str), Some(p.code.as_str()));
            }
            let facts = (op.classify)(&p.code);
            assert_eq!((p.retryable, p.outcome_unknown), (facts.retryable, facts.outcome_unknown));
        }
        Err(_) => {}
    }
}

/// Alipay+, with capture.
pub fn envelope_alipay_plus(data: &[u8]) {
    let Some((status, body)) = status_and_body(data) else { return };
    let op = alipayplus::capture::OPERATION;
    let result = alipay_plus::Envelope.decode(&call(&op), status, body);
    let parsed = common(&result, status, body);
    let result_field = |name: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.get("result"))
            .and_then(|r| r.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match &result {
        Ok(reply) => {
            assert_eq!(reply.payload().get(), json_trim(body), "an Alipay+ success is the whole body");
            if parsed.is_some() {
                assert_eq!(result_field("resultStatus").as_deref(), Some("S"));
                assert_eq!(reply.code, result_field("resultCode"));
            }
        }
        Err(ErrorKind::Provider(p)) if parsed.is_some() => {
            let status_field = result_field("resultStatus");
            assert!(matches!(status_field.as_deref(), Some("F" | "U")), "an error is F or U, not {status_field:?}");
            assert_eq!(result_field("resultCode").as_deref(), Some(p.code.as_str()));
            if status_field.as_deref() == Some("U") {
                assert!(p.outcome_unknown, "U is an unknown outcome");
            }
        }
        Err(_) => {}
    }
}

/// The HTTP-status envelope, with elepay's capture.
pub fn envelope_http_status(data: &[u8]) {
    let Some((status, body)) = status_and_body(data) else { return };
    let op = elepay::capture_charge::OPERATION;
    // As the generated elepay client builds it.
    let envelope = http_status::Envelope { code_field: "errorCode" };
    let result = envelope.decode(&call(&op), status, body);
    let parsed = common(&result, status, body);
    match &result {
        Ok(reply) => {
            assert_eq!(reply.payload().get(), json_trim(body), "a success is the whole body");
            assert_eq!(reply.code, None);
        }
        Err(ErrorKind::Provider(p)) => {
            assert!(!(200..300).contains(&status), "a 2xx is never a provider error");
            if let Some(parsed) = parsed {
                assert_eq!(parsed.get("errorCode").and_then(Value::as_str), Some(p.code.as_str()));
            }
            let facts = (op.classify)(&p.code);
            assert_eq!(p.retryable, facts.retryable);
            if status >= 500 && !facts.retryable {
                assert!(p.outcome_unknown, "a 5xx that is not a temporary code may have been processed");
            }
        }
        Err(_) => {
            if (200..300).contains(&status) {
                assert!(!is_json(body), "a 2xx JSON body is a success");
            }
        }
    }
}

//! The innermost step of every call: sign, send, read a bounded body, verify, decode.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

use super::error::{Error, ErrorKind, TransportError, TransportErrorKind, UndecodableResponse};
use super::handler::{Call, CallResult, DecodeTyped};
use crate::protocol::{DecodeEnvelope, Sign};
use crate::time::http_date;
use crate::validate::{Rule, ValidationError, Violation};

pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    /// Without a trailing `/`.
    pub(crate) base_url: String,
    /// `base_url`, parsed once: each call's path is joined onto it (see [`Transport::url`]).
    pub(crate) base: reqwest::Url,
    /// The base URL's path prefix (`/api/open` for some Alipay+ wallets), signed with each path.
    pub(crate) base_path: String,
    /// The credentials' signer, with its keys and fixed headers computed once.
    pub(crate) signer: Box<dyn Sign>,
    pub(crate) envelope: Arc<dyn DecodeEnvelope>,
    pub(crate) max_response_bytes: usize,
}

/// Whether every byte of a path is one the URL parser copies as it is: RFC 3986 unreserved
/// characters, `%` and `/` (what generated code writes, see `encode::path_segment`).
fn verbatim_path(path: &str) -> bool {
    path.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'%' | b'/'))
}

/// The same for a query string, which also has `=` and `&` (see `encode::QueryString`).
fn verbatim_query(query: &str) -> bool {
    query.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'%' | b'=' | b'&'))
}

impl Transport {
    /// The URL of a call to `full_path` (the base URL's path and the call's) with `query`: the parsed
    /// base URL with the path and query set, for the paths and queries generated code writes. For
    /// those, parsing the whole text again would give the same URL, only slower: scheme, host and
    /// port would all be parsed anew on every call. Any other text (a handler may rewrite a call) is
    /// parsed whole, as before (`None`).
    fn url(&self, full_path: &str, query: &str) -> Option<reqwest::Url> {
        if !verbatim_path(full_path) || !verbatim_query(query) {
            return None;
        }
        let mut url = self.base.clone();
        url.set_path(full_path);
        url.set_query((!query.is_empty()).then_some(query));
        Some(url)
    }

    /// Sends `call`. `typed` decodes the success payload in the same pass as the envelope when it
    /// is the decoder of this call's operation (see [`DecodeTyped`]).
    pub(crate) async fn send(&self, mut call: Call, typed: Option<&dyn DecodeTyped>) -> CallResult {
        let (operation, idempotent) = (call.operation, call.idempotent);
        let fail = |kind| Error::new(operation, idempotent, kind);
        check_path(&call.path).map_err(|e| fail(ErrorKind::Validation(e)))?;
        let full_path = format!("{}{}", self.base_path, call.path);
        let mut headers = HeaderMap::with_capacity(8);
        self.signer.write_headers(&call, &full_path, &mut headers).map_err(|e| fail(ErrorKind::Encode(e)))?;
        let request = match self.url(&full_path, &call.query) {
            Some(url) => Ok(reqwest::Request::new(call.method.clone(), url)),
            None => {
                let mut url = format!("{}{}", self.base_url, call.path);
                if !call.query.is_empty() {
                    url.push('?');
                    url.push_str(&call.query);
                }
                self.http.request(call.method.clone(), url).build()
            }
        };
        let mut request = request.map_err(|e| fail(ErrorKind::Transport(transport_error(e))))?;
        *request.headers_mut() = headers;
        *request.timeout_mut() = Some(call.timeout);
        // The signature is computed; the body is moved into the request, not copied.
        if let Some(body) = call.body.take() {
            *request.body_mut() = Some(body.into());
        }
        let mut response =
            self.http.execute(request).await.map_err(|e| fail(ErrorKind::Transport(transport_error(e))))?;
        let status = response.status().as_u16();
        // Taken, not cloned: only a signer that verifies answers reads them, after the body.
        let headers = std::mem::take(response.headers_mut());
        let retry_after = retry_after(status, &headers);
        let fail = |kind| fail(kind).with_retry_after(retry_after);
        let expected = response.content_length().and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
        let mut body = Vec::with_capacity(expected.min(self.max_response_bytes));
        while let Some(chunk) = response.chunk().await.map_err(|e| fail(ErrorKind::Transport(transport_error(e))))? {
            if body.len() + chunk.len() > self.max_response_bytes {
                return Err(fail(ErrorKind::Undecodable(UndecodableResponse {
                    status,
                    reason: format!("the body is larger than {} bytes", self.max_response_bytes),
                    body: String::from_utf8_lossy(&body).into_owned(),
                })));
            }
            body.extend_from_slice(&chunk);
        }
        // Redirects are never followed (the client is built without them): following one would send
        // the signed request, and its credentials, to whatever host the answer names.
        if (300..400).contains(&status) {
            let location = headers.get(reqwest::header::LOCATION).map(|l| String::from_utf8_lossy(l.as_bytes()));
            return Err(fail(ErrorKind::Undecodable(UndecodableResponse {
                status,
                reason: format!(
                    "a redirect to {} was not followed: a signed request is never sent to another address",
                    location.as_deref().unwrap_or("no Location")
                ),
                body: String::from_utf8_lossy(&body).into_owned(),
            })));
        }
        // Only a 2xx answer can claim success, so only it must be signed: a gateway's error page
        // (502, 504) is unsigned and is reported as undecodable with its status and body.
        if (200..300).contains(&status) {
            self.signer
                .verify(call.method.as_str(), &full_path, &headers, &body)
                .map_err(|e| fail(ErrorKind::BadSignature(e)))?;
        }
        let text = match String::from_utf8(body) {
            Ok(text) => text,
            Err(e) => {
                return Err(fail(ErrorKind::Undecodable(UndecodableResponse {
                    status,
                    reason: "the body is not UTF-8".into(),
                    body: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                })));
            }
        };
        match typed {
            Some(typed) if typed.operation() == call.operation => typed.decode(&call, status, text),
            _ => self.envelope.decode(&call, status, &text),
        }
        .map_err(fail)
    }
}

/// Refuses a path with an empty, `.` or `..` segment: it comes from an empty or dot path parameter,
/// and URL parsing would send the request (and its credentials) to another endpoint.
fn check_path(path: &str) -> Result<(), ValidationError> {
    let dot = |s: &str| s == "." || s.eq_ignore_ascii_case("%2e");
    let bad = path
        .split('/')
        .skip(1)
        // Only a segment of at most 6 bytes can be one of these (`%2e%2e`).
        .find(|s| {
            s.len() <= 6
                && (s.is_empty()
                    || dot(s)
                    || ["..", ".%2e", "%2e.", "%2e%2e"].iter().any(|d| s.eq_ignore_ascii_case(d)))
        });
    match bad {
        Some(segment) => Err(ValidationError {
            violations: vec![Violation {
                path: "path".into(),
                rule: Rule::PathSegment { segment: segment.to_owned() },
            }],
        }),
        None => Ok(()),
    }
}

/// The provider's `Retry-After` on a 429 or 503: delay-seconds or an HTTP date.
fn retry_after(status: u16, headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    if status != 429 && status != 503 {
        return None;
    }
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = http_date(value)?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// Tells a request that never left from one that may have been processed. The URL is dropped from
/// the message: its path can hold a bearer credential (a LINE Pay regKey).
fn transport_error(e: reqwest::Error) -> TransportError {
    let e = e.without_url();
    let kind = if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_connect() || e.is_builder() {
        // A builder error (a scheme an HTTPS-only client refuses) also stops the request unsent.
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Other
    };
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    TransportError { kind, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joined_url_is_the_url_the_whole_text_parses_to() {
        for base in [
            "https://api-pay.line.me",
            "http://127.0.0.1:18080/",
            "https://wallet.example/api/open/",
            "https://h/a%20b",
        ] {
            let base_url = base.trim_end_matches('/').to_owned();
            let parsed = reqwest::Url::parse(base).unwrap();
            let base_path = parsed.path().trim_end_matches('/').to_owned();
            for (path, query) in [
                ("/v3/payments/authorizations/2021121300698360310/capture", ""),
                ("/v3/payments", "transactionId=1&transactionId=2&orderId=%E6%B3%A8%E6%96%87%261"),
                ("/charges/ch_1.2~x/capture", ""),
                ("/a/%2e%2f/b", "x="),
            ] {
                let full_path = format!("{base_path}{path}");
                assert!(verbatim_path(&full_path) && verbatim_query(query), "{full_path}?{query}");
                let mut joined = parsed.clone();
                joined.set_path(&full_path);
                joined.set_query((!query.is_empty()).then_some(query));
                let text =
                    if query.is_empty() { format!("{base_url}{path}") } else { format!("{base_url}{path}?{query}") };
                assert_eq!(joined, reqwest::Url::parse(&text).unwrap(), "{text}");
            }
        }
        for other in ["/a b", "/a?b", "/a#b", "/a\\b", "/a\tb", "/é"] {
            assert!(!verbatim_path(other), "{other}");
        }
        assert!(!verbatim_query("a=b#c") && !verbatim_query("a=b c"));
    }

    #[test]
    fn refuses_empty_and_dot_segments_in_any_spelling() {
        for bad in
            ["/charges//capture", "/charges/./capture", "/charges/../capture", "/a/%2E%2e/b", "/a/.%2E", "/a/%2e"]
        {
            assert!(check_path(bad).is_err(), "{bad}");
        }
        for good in ["/v3/payments/2021121300698360310/refund", "/charges/ch_1.2/capture", "/a/...", "/a/%2e%2f"] {
            assert!(check_path(good).is_ok(), "{good}");
        }
    }
}

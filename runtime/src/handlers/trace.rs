//! A `tracing` span per call: operation, method, path, HTTP status, provider code, latency and
//! whether it failed. Headers and bodies are never recorded, and a path parameter the spec marks
//! secret (a LINE Pay regKey) is recorded as its `{name}`, so no secret or signature is logged.

use std::time::Instant;

use tracing::Instrument;
use tracing::field::Empty;

use crate::client::{BoxFuture, Call, CallResult, ErrorKind, Handler, Next};

/// Records a `tracing` span per call, `payspec.call`, with the operation, method, path, HTTP
/// status, provider code, latency in milliseconds and whether it failed. Headers and bodies are
/// never recorded, so no secret or signature reaches a log.
///
/// Add it first (`Config::handler(Tracing)`) so that its span covers retries and lookups. Nothing
/// is printed until the application installs a `tracing` subscriber, for example with the
/// `tracing-subscriber` crate:
///
/// ```ignore
/// tracing_subscriber::fmt().with_max_level(tracing::Level::INFO).init();
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Tracing;

impl Handler for Tracing {
    fn handle<'a>(&'a self, call: Call, next: Next<'a>) -> BoxFuture<'a, CallResult> {
        let span = tracing::info_span!(
            "payspec.call",
            operation = call.operation,
            method = %call.method,
            path = %call.logged_path(),
            status = Empty,
            code = Empty,
            latency_ms = Empty,
            error = Empty,
        );
        Box::pin(async move {
            let start = Instant::now();
            let result = next.run(call).instrument(span.clone()).await;
            span.record("latency_ms", start.elapsed().as_millis() as u64);
            match &result {
                Ok(reply) => {
                    span.record("status", reply.status);
                    if let Some(code) = &reply.code {
                        span.record("code", code.as_str());
                    }
                }
                Err(e) => {
                    if let ErrorKind::Provider(p) = e.kind() {
                        span.record("status", p.http_status);
                        span.record("code", p.code.as_str());
                    }
                    span.record("error", tracing::field::display(e));
                }
            }
            span.in_scope(|| tracing::info!("payspec call finished"));
            result
        })
    }
}

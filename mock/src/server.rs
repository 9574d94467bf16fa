//! The HTTP side shared by every provider: one server on 127.0.0.1 with one or more providers mounted,
//! the faults a test arms, the record of what was received, and the control surface under
//! [`CONTROL_PREFIX`].
//!
//! A call goes: route (method and path to an operation of a mounted provider) -> authenticate (the
//! provider's signature scheme; a failure gets the provider's own authentication error and is
//! recorded) -> the next armed fault of that operation, if any -> the provider's state machine ->
//! the provider's finishing touch (Alipay+ signs its answers) -> the record. What the call (or a
//! control) made the provider want to send to the application is queued for the delivery task
//! (`crate::callback`).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

use crate::callback::{self, Answer, Outbound, Outbox, Schedule};

/// Every control path starts with this; no provider has a path under it.
pub const CONTROL_PREFIX: &str = "/__payspec/";

/// The longest delay a fault may ask for.
pub const MAX_DELAY: Duration = Duration::from_secs(600);

/// One answer: status, headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: &Value) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// One call as the mock received it and answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub method: String,
    /// The raw path as received, percent-encoding and any wallet prefix intact.
    pub path: String,
    /// The raw query string without `?` (empty when there was none).
    pub query: String,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The operation it was routed to (the generated module's name, `capture`).
    pub operation: Option<&'static str>,
    /// The mock's own check of the signature or key: `Err(reason)` when it failed.
    pub authenticated: Result<(), String>,
    /// The fault that shaped the answer, if one was armed (`inject 1198 after processing`, ...).
    pub fault: Option<String>,
    /// What was sent back; `None` when the answer was lost on purpose.
    pub reply: Option<Reply>,
}

impl Exchange {
    /// A request header by name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The request body decoded as a generated request type.
    pub fn request<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// Whether the signature (or key) checked out.
    pub fn is_authenticated(&self) -> bool {
        self.authenticated.is_ok()
    }

    fn to_json(&self) -> Value {
        json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "operation": self.operation,
            "authenticated": self.authenticated.is_ok(),
            "authenticationError": self.authenticated.as_ref().err(),
            "fault": self.fault,
            "body": serde_json::from_slice::<Value>(&self.body).unwrap_or_else(|_| String::from_utf8_lossy(&self.body).into()),
            "reply": self.reply.as_ref().map(|r| json!({"status": r.status, "body": r.value()})),
        })
    }
}

/// What the next call to an operation does instead of (or besides) the normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FaultKind {
    /// Answer this documented code; `after`: let the state machine process the call first.
    Code { code: String, after: bool },
    /// Process the call, then close the connection without an answer.
    Lose,
    /// Process the call, then hold the answer back this long.
    Delay(Duration),
}

impl FaultKind {
    fn describe(&self) -> String {
        match self {
            FaultKind::Code { code, after: false } => format!("inject {code} before processing"),
            FaultKind::Code { code, after: true } => format!("inject {code} after processing"),
            FaultKind::Lose => "lose the answer after processing".into(),
            FaultKind::Delay(d) => format!("delay the answer by {} ms after processing", d.as_millis()),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Fault {
    pub id: u64,
    pub operation: &'static str,
    pub kind: FaultKind,
}

/// Why a control request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlError(pub String);

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ControlError {}

/// What a provider's simulator offers the shared server.
pub(crate) trait Service: Send + 'static {
    /// `linepay`, `alipayplus`, `elepay`: the control path segment and the feature name.
    fn provider(&self) -> &'static str;
    /// The path prefix the provider's API is served under (`""`, or the wallet prefix).
    fn prefix(&self) -> &'static str;
    /// Every operation name, in spec order of the generated crate.
    fn operations(&self) -> &'static [&'static str];
    /// The documented codes of an operation (its error enum's `CODES`).
    fn codes(&self, operation: &str) -> Option<&'static [&'static str]>;
    /// The operation a method and path (without the prefix) call.
    fn route(&self, method: &str, path: &str) -> Option<&'static str>;
    /// The provider's signature or key check.
    fn authenticate(&mut self, exchange: &Exchange) -> Result<(), String>;
    /// The provider's answer to a call that did not authenticate.
    fn refuse(&self, reason: &str) -> Reply;
    /// Runs the call through the state machine; the answer conforms to the generated response type.
    fn handle(&mut self, operation: &'static str, exchange: &Exchange) -> Reply;
    /// The code of a failure answer (`None` for a success): it must be a code of the spec.
    fn failure_code(&self, reply: &Reply) -> Option<String>;
    /// The provider's envelope around a documented code of `operation`.
    fn code_reply(&self, operation: &'static str, code: &str) -> Reply;
    /// Anything added to every answer (Alipay+ signs it).
    fn finish(&self, _exchange: &Exchange, _reply: &mut Reply) {}
    /// Moves the provider's clock forward.
    fn advance(&mut self, by: Duration);
    /// Provider-specific controls over HTTP (`approve`, `cancel`, ...).
    fn control(&mut self, action: &str, body: &Value) -> Result<Value, ControlError>;
    /// What a client needs: base URL suffix and credentials, as JSON for the binary and the control API.
    fn describe(&self, base_url: &str) -> Value;
    /// For the typed controls of each provider's mock.
    fn as_any(&mut self) -> &mut dyn std::any::Any;
    /// The calls to the application that happened since last asked (notifications, events).
    fn outbound(&mut self) -> Vec<Outbound> {
        Vec::new()
    }
    /// The headers of one attempt to send `body` to `url` (Alipay+ signs each attempt afresh).
    fn sign_callback(&self, _url: &str, _body: &[u8]) -> Vec<(String, String)> {
        vec![("content-type".into(), "application/json".into())]
    }
    /// Whether the application's answer acknowledges the call: by default any 2xx.
    fn check_ack(&self, _url: &str, answer: &Answer<'_>) -> Result<(), String> {
        if (200..300).contains(&answer.status) {
            Ok(())
        } else {
            Err(format!("HTTP {} is not an acknowledgement", answer.status))
        }
    }
}

pub(crate) struct Mount {
    pub service: Box<dyn Service>,
    pub faults: Vec<Fault>,
    pub exchanges: Vec<Exchange>,
    pub outbox: Outbox,
}

pub(crate) struct Inner {
    pub mounts: Vec<Mount>,
    next_fault: u64,
    base_url: String,
    pub schedule: Schedule,
    next_notification: u64,
    wake: Arc<Notify>,
}

impl Inner {
    pub(crate) fn mount(&mut self, provider: &str) -> Option<&mut Mount> {
        self.mounts.iter_mut().find(|m| m.service.provider() == provider)
    }

    /// Arms a fault on the next call of `operation`; returns its id.
    pub(crate) fn arm(&mut self, provider: &str, operation: &str, kind: FaultKind) -> Result<u64, ControlError> {
        let id = self.next_fault;
        let mount = self.mount(provider).ok_or_else(|| ControlError(format!("no provider {provider} here")))?;
        let operation = *mount
            .service
            .operations()
            .iter()
            .find(|o| **o == operation)
            .ok_or_else(|| ControlError(format!("{provider} has no operation {operation:?}")))?;
        if let FaultKind::Code { code, .. } = &kind {
            let codes = mount.service.codes(operation).unwrap_or_default();
            if !codes.contains(&code.as_str()) {
                return Err(ControlError(format!(
                    "{code:?} is not a documented code of {provider} {operation}; documented: {}",
                    codes.join(", ")
                )));
            }
        }
        if let FaultKind::Delay(d) = kind {
            if d > MAX_DELAY {
                return Err(ControlError(format!("a delay is at most {} s", MAX_DELAY.as_secs())));
            }
        }
        mount.faults.push(Fault { id, operation, kind });
        self.next_fault += 1;
        Ok(id)
    }

    /// Queues what the providers want to send since the last call, and wakes the delivery task.
    pub(crate) fn collect(&mut self) {
        let mut queued = false;
        for mount in &mut self.mounts {
            for call in mount.service.outbound() {
                mount.outbox.queue(mount.service.provider(), self.next_notification, call);
                self.next_notification += 1;
                queued = true;
            }
        }
        if queued {
            self.wake.notify_one();
        }
    }

    pub(crate) fn update_fault(&mut self, id: u64, change: impl FnOnce(&mut FaultKind)) {
        if let Some(f) = self.mounts.iter_mut().flat_map(|m| m.faults.iter_mut()).find(|f| f.id == id) {
            change(&mut f.kind);
        }
    }
}

/// The shared state behind a running mock.
#[derive(Clone)]
pub(crate) struct Shared(Arc<Mutex<Inner>>);

impl Shared {
    /// The state, even after a panic elsewhere poisoned the lock (the state stays consistent: every
    /// change is made under the lock in one step).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running server with its providers; stops when dropped.
pub(crate) struct Server {
    pub shared: Shared,
    pub addr: SocketAddr,
    task: JoinHandle<()>,
    delivery: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
        self.delivery.abort();
    }
}

impl Server {
    /// Binds `addr` (loopback only) and serves `services` from the current tokio runtime.
    pub(crate) async fn start(
        addr: SocketAddr,
        services: Vec<Box<dyn Service>>,
        schedule: Schedule,
    ) -> std::io::Result<Server> {
        if !addr.ip().is_loopback() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{addr} is not a loopback address: the mock only listens on loopback"),
            ));
        }
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let mounts = services.into_iter().map(|service| Mount {
            service,
            faults: Vec::new(),
            exchanges: Vec::new(),
            outbox: Outbox::default(),
        });
        let wake = Arc::new(Notify::new());
        let shared = Shared(Arc::new(Mutex::new(Inner {
            mounts: mounts.collect(),
            next_fault: 1,
            base_url: format!("http://{addr}"),
            schedule,
            next_notification: 1,
            wake: wake.clone(),
        })));
        let delivery = tokio::spawn(callback::deliver(shared.clone(), wake));
        let served = shared.clone();
        let task = tokio::spawn(async move {
            // Dropping the set (when this task is aborted) aborts every connection task.
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let shared = served.clone();
                connections.spawn(async move {
                    let service = service_fn(move |request| answer(shared.clone(), request));
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
                while connections.try_join_next().is_some() {}
            }
        });
        Ok(Server { shared, addr, task, delivery })
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// The state machine's answer, refused as a mock bug when it names a code the spec does not
/// document for the operation: every code the mock answers is one of the spec's.
fn handle(service: &mut dyn Service, operation: &'static str, exchange: &Exchange) -> Reply {
    let reply = service.handle(operation, exchange);
    if reply.status == 500 && reply.value()["mock"].is_string() {
        return reply; // already a mock bug, with its own message
    }
    match service.failure_code(&reply) {
        Some(code) if !service.codes(operation).unwrap_or_default().contains(&code.as_str()) => Reply::json(
            500,
            &json!({"mock": format!("mock bug: {operation} answered {code:?}, which the spec does not document for it")}),
        ),
        _ => reply,
    }
}

/// An answer was lost on purpose: the connection closes without a response.
#[derive(Debug)]
struct Lost;

impl std::fmt::Display for Lost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the mock lost this answer on purpose")
    }
}

impl std::error::Error for Lost {}

async fn answer(shared: Shared, request: hyper::Request<Incoming>) -> Result<hyper::Response<Full<Bytes>>, Lost> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
    let mut exchange = Exchange {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body,
        operation: None,
        authenticated: Ok(()),
        fault: None,
        reply: None,
    };
    if let Some(rest) = exchange.path.strip_prefix(CONTROL_PREFIX) {
        let rest = rest.to_owned();
        let reply = match async_control(&shared, &exchange.method, &rest, &exchange.body).await {
            Some(reply) => reply,
            None => control(&shared, &exchange.method, &rest, &exchange.body),
        };
        return Ok(respond(reply));
    }
    let (reply, delay) = {
        let mut inner = shared.lock();
        let routed = inner.mounts.iter().enumerate().find_map(|(i, m)| {
            let path = exchange.path.strip_prefix(m.service.prefix())?;
            Some((i, m.service.route(&exchange.method, path)?))
        });
        let Some((index, operation)) = routed else {
            let body = json!({"mock": format!("no operation at {} {}", exchange.method, exchange.path)});
            return Ok(respond(Reply::json(404, &body)));
        };
        let mount = &mut inner.mounts[index];
        exchange.operation = Some(operation);
        exchange.authenticated = mount.service.authenticate(&exchange);
        let mut delay = None;
        let reply = match &exchange.authenticated {
            Err(reason) => Some(mount.service.refuse(reason)),
            Ok(()) => {
                let fault = mount.faults.iter().position(|f| f.operation == operation).map(|i| mount.faults.remove(i));
                exchange.fault = fault.as_ref().map(|f| f.kind.describe());
                match fault.map(|f| f.kind) {
                    None => Some(handle(mount.service.as_mut(), operation, &exchange)),
                    Some(FaultKind::Code { code, after }) => {
                        if after {
                            mount.service.handle(operation, &exchange);
                        }
                        Some(mount.service.code_reply(operation, &code))
                    }
                    Some(FaultKind::Lose) => {
                        mount.service.handle(operation, &exchange);
                        None
                    }
                    Some(FaultKind::Delay(d)) => {
                        delay = Some(d);
                        Some(handle(mount.service.as_mut(), operation, &exchange))
                    }
                }
            }
        };
        let reply = reply.map(|mut r| {
            mount.service.finish(&exchange, &mut r);
            r
        });
        exchange.reply = reply.clone();
        mount.exchanges.push(exchange);
        inner.collect();
        (reply, delay)
    };
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    match reply {
        Some(reply) => Ok(respond(reply)),
        None => Err(Lost),
    }
}

fn respond(reply: Reply) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder.body(Full::new(Bytes::from(reply.body))).unwrap_or_else(|_| {
        let mut response = hyper::Response::new(Full::new(Bytes::from_static(b"{\"mock\":\"unsendable reply\"}")));
        *response.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        response
    })
}

/// The controls that wait: for notifications to settle, for a redirect to be followed. `None` for
/// every other path.
async fn async_control(shared: &Shared, method: &str, rest: &str, body: &[u8]) -> Option<Reply> {
    let (provider, action) = rest.split_once('/')?;
    let body: Value = serde_json::from_slice(body).unwrap_or(json!({}));
    let result = match (method, action) {
        ("POST", "settle-notifications") => callback::settle(shared, provider).await.map(|l| callback::list_json(&l)),
        ("POST", "follow-redirect") if provider == "linepay" => {
            let id = body["transactionId"].as_str().unwrap_or_default();
            let url = {
                let mut inner = shared.lock();
                match inner.mount(provider) {
                    Some(m) => m.service.control("redirect-url", &body),
                    None => Err(ControlError("no provider \"linepay\" is served here".into())),
                }
            };
            match url {
                Ok(url) => {
                    let url = url["url"].as_str().unwrap_or_default().to_owned();
                    callback::get(&url).await.map(|status| json!({"transactionId": id, "url": url, "status": status}))
                }
                Err(e) => Err(e),
            }
        }
        _ => return None,
    };
    Some(match result {
        Ok(value) => Reply::json(200, &value),
        Err(e) => Reply::json(400, &json!({"error": e.0})),
    })
}

/// The HTTP control surface (documented in the crate docs and README).
fn control(shared: &Shared, method: &str, rest: &str, body: &[u8]) -> Reply {
    let refused = |status: u16, message: String| Reply::json(status, &json!({"error": message}));
    let body: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return refused(400, format!("the control body is not JSON: {e}")),
        }
    };
    let mut inner = shared.lock();
    if rest.is_empty() && method == "GET" {
        let base = inner.base_url.clone();
        let providers: Vec<Value> = inner.mounts.iter().map(|m| m.service.describe(&base)).collect();
        return Reply::json(200, &json!({"providers": providers}));
    }
    let (provider, action) = rest.split_once('/').unwrap_or((rest, ""));
    let provider = provider.to_owned();
    let base = inner.base_url.clone();
    if inner.mount(&provider).is_none() {
        return refused(404, format!("no provider {provider:?} is served here"));
    }
    let operation = || body["operation"].as_str().map(str::to_owned).ok_or("give \"operation\"".to_owned());
    let result: Result<Value, ControlError> = match (method, action) {
        ("GET", "") => Ok(inner.mount(&provider).map(|m| m.service.describe(&base)).unwrap_or_default()),
        ("GET", "notifications") => Ok(inner.mount(&provider).map(|m| m.outbox.to_json()).unwrap_or_default()),
        ("POST", "lose-ack") => {
            let count = body["count"].as_u64().unwrap_or(1);
            if let Some(m) = inner.mount(&provider) {
                m.outbox.lose_acks += u32::try_from(count).unwrap_or(u32::MAX);
            }
            Ok(json!({}))
        }
        ("GET", "received") => {
            let list: Vec<Value> =
                inner.mount(&provider).map(|m| m.exchanges.iter().map(Exchange::to_json).collect()).unwrap_or_default();
            Ok(json!({"received": list}))
        }
        ("POST", "inject") => operation().map_err(ControlError).and_then(|op| {
            let code = body["code"].as_str().ok_or_else(|| ControlError("give \"code\"".into()))?;
            let after = match body["when"].as_str().unwrap_or("before_processing") {
                "before_processing" => false,
                "after_processing" => true,
                other => {
                    return Err(ControlError(format!(
                        "\"when\" is before_processing or after_processing, not {other:?}"
                    )));
                }
            };
            let id = inner.arm(&provider, &op, FaultKind::Code { code: code.to_owned(), after })?;
            Ok(json!({"fault": id}))
        }),
        ("POST", "lose") => operation().map_err(ControlError).and_then(|op| {
            let id = inner.arm(&provider, &op, FaultKind::Lose)?;
            Ok(json!({"fault": id}))
        }),
        ("POST", "delay") => operation().map_err(ControlError).and_then(|op| {
            let millis = body["millis"].as_u64().ok_or_else(|| ControlError("give \"millis\"".into()))?;
            let id = inner.arm(&provider, &op, FaultKind::Delay(Duration::from_millis(millis)))?;
            Ok(json!({"fault": id}))
        }),
        ("POST", "advance") => match body["seconds"].as_u64() {
            Some(s) => {
                if let Some(m) = inner.mount(&provider) {
                    m.service.advance(Duration::from_secs(s));
                }
                Ok(json!({}))
            }
            None => Err(ControlError("give \"seconds\"".into())),
        },
        ("POST", action) => match inner.mount(&provider) {
            Some(m) => m.service.control(action, &body),
            None => Err(ControlError(format!("no provider {provider:?}"))),
        },
        _ => Err(ControlError(format!("no control {method} {CONTROL_PREFIX}{rest}"))),
    };
    inner.collect();
    match result {
        Ok(value) => Reply::json(200, &value),
        Err(e) => refused(400, e.0),
    }
}

/// Nonces a LINE Pay mock has seen, so a replayed signature is refused.
#[derive(Debug, Default)]
pub(crate) struct Nonces(HashSet<String>);

impl Nonces {
    pub(crate) fn fresh(&mut self, nonce: &str) -> bool {
        self.0.insert(nonce.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A provider whose one operation answers whatever code it is told to.
    struct Fixed(&'static str);

    impl Service for Fixed {
        fn provider(&self) -> &'static str {
            "fixed"
        }
        fn prefix(&self) -> &'static str {
            ""
        }
        fn operations(&self) -> &'static [&'static str] {
            &["op"]
        }
        fn codes(&self, _: &str) -> Option<&'static [&'static str]> {
            Some(&["DOCUMENTED"])
        }
        fn route(&self, _: &str, _: &str) -> Option<&'static str> {
            Some("op")
        }
        fn authenticate(&mut self, _: &Exchange) -> Result<(), String> {
            Ok(())
        }
        fn refuse(&self, _: &str) -> Reply {
            Reply::json(401, &json!({}))
        }
        fn handle(&mut self, _: &'static str, _: &Exchange) -> Reply {
            Reply::json(400, &json!({"code": self.0}))
        }
        fn failure_code(&self, reply: &Reply) -> Option<String> {
            reply.value()["code"].as_str().map(str::to_owned)
        }
        fn code_reply(&self, _: &'static str, code: &str) -> Reply {
            Reply::json(400, &json!({"code": code}))
        }
        fn advance(&mut self, _: Duration) {}
        fn control(&mut self, _: &str, _: &Value) -> Result<Value, ControlError> {
            Ok(json!({}))
        }
        fn describe(&self, _: &str) -> Value {
            json!({})
        }
        fn as_any(&mut self) -> &mut dyn std::any::Any {
            self
        }
    }

    fn exchange() -> Exchange {
        Exchange {
            method: "POST".into(),
            path: "/op".into(),
            query: String::new(),
            headers: Vec::new(),
            body: Vec::new(),
            operation: Some("op"),
            authenticated: Ok(()),
            fault: None,
            reply: None,
        }
    }

    #[test]
    fn an_answer_with_a_code_the_spec_does_not_document_becomes_a_mock_bug() {
        let documented = handle(&mut Fixed("DOCUMENTED"), "op", &exchange());
        assert_eq!((documented.status, documented.value()["code"].as_str()), (400, Some("DOCUMENTED")));
        let invented = handle(&mut Fixed("ORDER_NOT_EXIST"), "op", &exchange());
        assert_eq!(invented.status, 500);
        assert!(invented.value()["mock"].as_str().is_some_and(|m| m.contains("\"ORDER_NOT_EXIST\"")));
    }
}

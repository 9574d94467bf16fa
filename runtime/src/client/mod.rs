//! The HTTP client the generated per-provider clients wrap: configuration, the handler chain and
//! one generic `send` that validates, encodes, runs the chain and decodes the typed response.

pub mod error;
pub mod handler;
mod transport;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

#[cfg(feature = "alipay_plus")]
pub use crate::protocol::alipay_plus::{AlipayPlusCredentials, ResultStatus, UnsignedResponses};
#[cfg(feature = "elepay")]
pub use crate::protocol::elepay::{ElepayAuthScheme, ElepayCredentials};
#[cfg(feature = "line_pay")]
pub use crate::protocol::line_pay::LinePayCredentials;
pub use crate::protocol::{Credentials, DecodeEnvelope};
pub use error::{
    CallError, Error, ErrorKind, IncompleteReply, ProviderError, Recovery, TransportError, TransportErrorKind,
    UndecodableResponse,
};
pub use handler::{BoxFuture, Call, CallResult, CodeFacts, Effect, Handler, Missing, Next, Reply};
pub use reqwest::Method;

use crate::error_code::ErrorCode;
use crate::validate::{Path, Validate, Violations};
use handler::Typed;
use transport::Transport;

/// Used when the spec gives an operation no recommended timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Responses larger than this are refused as undecodable.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// What the generated code knows about an operation.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Operation {
    /// The operation's `NAME`.
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path as the provider documents it, with `{parameters}`.
    pub path_template: &'static str,
    /// Path parameters that are credentials (a LINE Pay regKey): never logged.
    pub secret_path_params: &'static [&'static str],
    /// The provider's recommended minimum read timeout, if the spec gives one.
    pub timeout: Option<Duration>,
    /// The operation's `IDEMPOTENT`.
    pub idempotent: bool,
    /// The wire name of the request field that keys repeats (Alipay+'s `captureRequestId`): sending
    /// the call again with the same value has no further effect. `Some` implies `idempotent`.
    pub idempotency_key: Option<&'static str>,
    /// The money effect of a success, as the spec's `effect` names it.
    pub effect: Option<Effect>,
    /// The operation's own codes that answer it: LINE Pay's beside `0000`, Alipay+'s with status S or A.
    pub extra_success_codes: &'static [&'static str],
    /// The spec's facts about a code of this operation.
    pub classify: fn(&str) -> CodeFacts,
}

/// The spec's facts about `code`, for an operation whose codes are `E`.
#[doc(hidden)]
pub fn facts_of<E: ErrorCode>(code: &str) -> CodeFacts {
    let e = E::from_code(code);
    CodeFacts { retryable: e.is_retryable(), outcome_unknown: e.is_outcome_unknown() }
}

/// Query parameters: validated, then written exactly as sent and signed.
pub trait QueryParams: Validate {
    /// The query string exactly as sent and signed, without the leading `?`.
    fn to_query_string(&self) -> String;
}

/// The query of an operation that has none.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Serialize)]
pub enum NoQuery {}

impl Validate for NoQuery {
    fn validate_at(&self, _: &Path<'_>, _: &mut Violations) {
        match *self {}
    }
}

impl QueryParams for NoQuery {
    fn to_query_string(&self) -> String {
        match *self {}
    }
}

/// The body of an operation that has none.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Serialize)]
pub enum NoBody {}

impl Validate for NoBody {
    fn validate_at(&self, _: &Path<'_>, _: &mut Violations) {
        match *self {}
    }
}

/// How a client is built: base URL, credentials, timeouts, handlers.
pub struct Config<C> {
    base_url: String,
    credentials: C,
    default_timeout: Duration,
    timeouts: Vec<(&'static str, Duration)>,
    http_client: Option<HttpClient>,
    handlers: Vec<Arc<dyn Handler>>,
    max_response_bytes: usize,
    allow_insecure_http: bool,
}

impl<C: Credentials + fmt::Debug> fmt::Debug for Config<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("default_timeout", &self.default_timeout)
            .field("timeouts", &self.timeouts)
            .field("handlers", &self.handlers.len())
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish_non_exhaustive()
    }
}

impl<C: Credentials> Config<C> {
    /// A configuration for `base_url` (a provider's `*_BASE_URL`, or any URL, with a path prefix if
    /// the provider needs one).
    pub fn new(base_url: impl Into<String>, credentials: C) -> Self {
        Config {
            base_url: base_url.into(),
            credentials,
            default_timeout: DEFAULT_TIMEOUT,
            timeouts: Vec::new(),
            http_client: None,
            handlers: Vec::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
        }
    }

    /// The timeout of one operation (by its `NAME`), instead of the provider's recommendation.
    pub fn timeout(mut self, operation: &'static str, timeout: Duration) -> Self {
        self.timeouts.retain(|(name, _)| *name != operation);
        self.timeouts.push((operation, timeout));
        self
    }

    /// The timeout of operations whose spec recommends none.
    pub fn default_timeout(mut self, timeout: Duration) -> Self {
        self.default_timeout = timeout;
        self
    }

    /// Shares an [`HttpClient`] (its connection pool and TLS settings) between clients.
    pub fn http_client(mut self, client: HttpClient) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Accepts an `http://` base URL on a host other than loopback. Without it such a URL is refused:
    /// credentials and signed requests would cross the network in clear text.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// Adds a handler. Handlers run in the order added; the first is the outermost.
    pub fn handler(mut self, handler: impl Handler) -> Self {
        self.handlers.push(Arc::new(handler));
        self
    }

    /// Refuses responses larger than `limit` bytes as undecodable (default 4 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }
}

/// Why a client could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError(String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot build the client: {}", self.0)
    }
}

impl std::error::Error for BuildError {}

/// A configured client for a provider whose answers come in envelope `V`; cheap to clone. The
/// generated provider clients wrap it.
#[doc(hidden)]
pub struct Client<V> {
    inner: Arc<Inner<V>>,
}

struct Inner<V> {
    transport: Transport,
    /// The transport's envelope, by its type: the client's own calls decode their response type
    /// with it in one pass.
    envelope: Arc<V>,
    handlers: Vec<Arc<dyn Handler>>,
    default_timeout: Duration,
    timeouts: Vec<(&'static str, Duration)>,
}

impl<V> Clone for Client<V> {
    fn clone(&self) -> Self {
        Client { inner: Arc::clone(&self.inner) }
    }
}

impl<V> fmt::Debug for Client<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.transport.base_url)
            .field("auth", &self.inner.transport.signer)
            .field("handlers", &self.inner.handlers.len())
            .finish_non_exhaustive()
    }
}

impl<V: DecodeEnvelope> Client<V> {
    /// A client for `config`, decoding with the provider's envelope.
    pub fn new<C: Credentials>(config: Config<C>, envelope: V) -> Result<Client<V>, BuildError> {
        let url = reqwest::Url::parse(&config.base_url)
            .map_err(|e| BuildError(format!("base URL {:?}: {e}", config.base_url)))?;
        if !matches!(url.scheme(), "https" | "http") || url.query().is_some() || url.fragment().is_some() {
            return Err(BuildError(format!("base URL {:?} must be http(s) without a query", config.base_url)));
        }
        let https = url.scheme() == "https";
        if !https && !config.allow_insecure_http && !is_loopback(&url) {
            return Err(BuildError(format!(
                "base URL {:?} is plain http on a host that is not loopback; use https, or \
                 `Config::allow_insecure_http` if this really is wanted",
                config.base_url
            )));
        }
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        let base_path = url.path().trim_end_matches('/').to_owned();
        let signer = config.credentials.signer().map_err(BuildError)?;
        let envelope = Arc::new(envelope);
        let http = match config.http_client {
            Some(http) => http.0,
            None => HttpClient::from_builder(HttpClient::builder()?.https_only(https))?.0,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                transport: Transport {
                    http,
                    base_url,
                    base: url,
                    base_path,
                    signer: Box::new(signer),
                    envelope: Arc::clone(&envelope) as Arc<dyn DecodeEnvelope>,
                    max_response_bytes: config.max_response_bytes,
                },
                envelope,
                handlers: config.handlers,
                default_timeout: config.default_timeout,
                timeouts: config.timeouts,
            }),
        })
    }

    fn timeout_for(&self, op: &Operation) -> Duration {
        let configured = self.inner.timeouts.iter().find(|(name, _)| *name == op.name).map(|(_, t)| *t);
        configured.or(op.timeout).unwrap_or(self.inner.default_timeout)
    }

    /// Validates the query and body (every violation at once; nothing is sent when there is one),
    /// runs the call through the handlers and decodes the typed response. The response is read with
    /// the envelope in one pass over the body when the reply is the provider's own.
    pub async fn send<Q, B, R, E>(
        &self,
        op: &Operation,
        path: String,
        query: Option<&Q>,
        body: Option<&B>,
    ) -> Result<R, Error<E>>
    where
        Q: QueryParams,
        B: Serialize + Validate,
        R: DeserializeOwned + Send + Sync + 'static,
        E: ErrorCode,
    {
        let typed = Typed::<V, R>::new(op.name, &self.inner.envelope);
        let mut reply = self.run(op, path, query, body, Some(&typed)).await.map_err(Error::typed)?;
        match reply.missing.is_none().then(|| reply.take_typed::<R>()).flatten() {
            Some(value) => Ok(value),
            None => self.decode(op, &reply),
        }
    }

    /// Decodes a reply's payload into the operation's response type. A reply rebuilt by a recovery
    /// handler that lacks fields becomes [`ErrorKind::Incomplete`], never a silent success.
    pub fn decode<R: DeserializeOwned, E>(&self, op: &Operation, reply: &Reply) -> Result<R, Error<E>> {
        if let Some(missing) = reply.missing {
            return Err(Error::new(
                op.name,
                op.idempotent,
                ErrorKind::Incomplete(IncompleteReply {
                    status: reply.status,
                    payload: reply.payload().get().to_owned(),
                    missing,
                }),
            ));
        }
        serde_json::from_str(reply.payload().get()).map_err(|e| {
            Error::new(
                op.name,
                op.idempotent,
                ErrorKind::Undecodable(UndecodableResponse {
                    status: reply.status,
                    reason: format!("the response does not match the spec: {e}"),
                    body: reply.payload().get().to_owned(),
                }),
            )
        })
    }

    /// Like [`Client::send`], but returns the decoded envelope (the success code and the raw payload).
    pub async fn send_raw<Q, B>(&self, op: &Operation, path: String, query: Option<&Q>, body: Option<&B>) -> CallResult
    where
        Q: QueryParams,
        B: Serialize + Validate,
    {
        self.run(op, path, query, body, None).await
    }

    async fn run<Q, B>(
        &self,
        op: &Operation,
        path: String,
        query: Option<&Q>,
        body: Option<&B>,
        typed: Option<&(dyn handler::DecodeTyped + '_)>,
    ) -> CallResult
    where
        Q: QueryParams,
        B: Serialize + Validate,
    {
        let fail = |kind| Error::new(op.name, op.idempotent, kind);
        let mut violations = Violations::default();
        if let Some(query) = query {
            query.validate_at(&Path::Root, &mut violations);
        }
        if let Some(body) = body {
            body.validate_at(&Path::Root, &mut violations);
        }
        violations.into_result().map_err(|e| fail(ErrorKind::Validation(e)))?;
        let body = body.map(serde_json::to_vec).transpose().map_err(|e| fail(ErrorKind::Encode(e.to_string())))?;
        let call = Call {
            operation: op.name,
            method: op.method.clone(),
            path,
            path_template: op.path_template,
            secret_path_params: op.secret_path_params,
            query: query.map(QueryParams::to_query_string).unwrap_or_default(),
            body,
            timeout: self.timeout_for(op),
            idempotent: op.idempotent,
            idempotency_key: op.idempotency_key,
            effect: op.effect,
            extra_success_codes: op.extra_success_codes,
            classify: op.classify,
        };
        let next = Next { handlers: &self.inner.handlers, transport: &self.inner.transport, typed };
        next.run(call).await
    }
}

/// Whether `url` names this machine, where plain http does not cross a network.
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    let ip = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    match ip.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// A connection pool that never follows redirects: following one would send a signed request, and
/// the credentials in its headers, to whatever address the answer names. Clone it to share one pool
/// between clients ([`Config::http_client`]); a client builds its own when given none.
#[derive(Debug, Clone)]
pub struct HttpClient(reqwest::Client);

impl HttpClient {
    /// The default: rustls on ring (no C toolchain or cmake needed), the platform's root
    /// certificates, a 10 s connect timeout, HTTPS only, no redirects.
    pub fn new() -> Result<HttpClient, BuildError> {
        HttpClient::from_builder(HttpClient::builder()?.https_only(true))
    }

    /// A `reqwest::ClientBuilder` with the default TLS setup and connect timeout, to adjust (proxy,
    /// pool size) and pass to [`HttpClient::from_builder`].
    pub fn builder() -> Result<reqwest::ClientBuilder, BuildError> {
        use rustls_platform_verifier::BuilderVerifierExt;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|b| b.with_platform_verifier())
            .map_err(|e| BuildError(format!("TLS setup failed: {e}")))?
            .with_no_client_auth();
        Ok(reqwest::Client::builder().tls_backend_preconfigured(tls).connect_timeout(Duration::from_secs(10)))
    }

    /// Builds from your own settings; redirects are turned off whatever the builder says.
    pub fn from_builder(builder: reqwest::ClientBuilder) -> Result<HttpClient, BuildError> {
        builder
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map(HttpClient)
            .map_err(|e| BuildError(format!("HTTP client setup failed: {e}")))
    }

    /// The `reqwest::Client` inside, for requests of your own (it follows no redirects either).
    pub fn as_reqwest(&self) -> &reqwest::Client {
        &self.0
    }
}

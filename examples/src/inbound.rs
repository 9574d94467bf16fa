//! Mounting the generated receivers on plain hyper, as an application without a web framework would:
//! read the body in full, hand the `http::Request<Bytes>` to a `Receiver` method, send back the
//! response it returns. With axum or another framework the shape is the same (see README).

use std::collections::HashSet;
use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use payspec::runtime::inbound::{Request, Response};
use tokio::net::TcpListener;

/// Serves `handler` on 127.0.0.1 (a free port) until the program ends; returns the base URL.
pub async fn serve<F, Fut>(handler: F) -> std::io::Result<String>
where
    F: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let handler = handler.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: hyper::Request<Incoming>| {
                    let handler = handler.clone();
                    async move {
                        let (parts, body) = request.into_parts();
                        // The exact bytes: an Alipay+ signature covers them, not a re-serialisation.
                        let response = match body.collect().await {
                            Ok(body) => handler(Request::from_parts(parts, body.to_bytes())).await,
                            Err(_) => {
                                let mut response = Response::default();
                                *response.status_mut() = hyper::StatusCode::BAD_REQUEST;
                                response
                            }
                        };
                        Ok::<_, Infallible>(response.map(Full::new))
                    }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    Ok(base_url)
}

/// The idempotence record: the keys of the deliveries acted on. In an application this is a table
/// with a unique index, written in the same transaction as the effect.
#[derive(Debug, Default)]
pub struct Processed(Mutex<HashSet<String>>);

impl Processed {
    /// Records `key`; `true` the first time, so the caller acts only then (and acknowledges always).
    pub fn first_time(&self, key: &str) -> bool {
        self.0.lock().map(|mut keys| keys.insert(key.to_owned())).unwrap_or(false)
    }
}

//! The mock over HTTP/1.1: one task per connection, each request answered by
//! [`Mock::answer`], each answer handed to the caller's log.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::{problem, Mock, MockRequest, MockResponse, Served};

/// Request bodies larger than this are refused (413) rather than buffered.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A mock bound to its address, not yet serving.
#[derive(Debug)]
pub struct Listening {
    listener: TcpListener,
    /// Where it listens (the port the system chose for port 0).
    pub addr: SocketAddr,
}

impl Listening {
    /// Binds `host:port` (port 0: any free port).
    pub async fn bind(host: &str, port: u16) -> std::io::Result<Listening> {
        let listener = TcpListener::bind((host, port)).await?;
        let addr = listener.local_addr()?;
        Ok(Listening { listener, addr })
    }
}

/// Serves `mock` on `listening` until `stop` is cancelled; `log` sees every request served.
pub async fn serve(
    mock: Arc<Mock>,
    listening: Listening,
    stop: CancellationToken,
    log: Arc<dyn Fn(&Served) + Send + Sync>,
) -> std::io::Result<()> {
    loop {
        let accepted = tokio::select! {
            accepted = listening.listener.accept() => accepted,
            _ = stop.cancelled() => return Ok(()),
        };
        // A failed accept (a client gone, no file descriptors left) loses that connection,
        // not the server.
        let (stream, _) = match accepted {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!("mock: accepting a connection failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let (mock, log, stop) = (mock.clone(), log.clone(), stop.clone());
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let (mock, log) = (mock.clone(), log.clone());
                async move { Ok::<_, Infallible>(handle(&mock, &*log, req).await) }
            });
            let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                _ = stop.cancelled() => {}
            }
        });
    }
}

async fn handle(
    mock: &Mock,
    log: &(dyn Fn(&Served) + Send + Sync),
    req: hyper::Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_string(), |p| p.as_str().to_string());
    let headers = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    if let Some(wait) = mock.options.latency {
        tokio::time::sleep(wait).await;
    }
    let (response, served) = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => mock.answer(&MockRequest {
            method: parts.method.as_str().to_string(),
            target,
            headers,
            body: b.to_bytes().to_vec(),
        }),
        Err(e) => {
            let r = if e.is::<http_body_util::LengthLimitError>() {
                problem(
                    413,
                    "Content Too Large",
                    &format!("the request body is over the mock's limit of {MAX_BODY} bytes"),
                    None,
                )
            } else {
                problem(
                    400,
                    "Bad Request",
                    &format!("the request body could not be read: {e}"),
                    None,
                )
            };
            let served = Served {
                method: parts.method.as_str().to_string(),
                target,
                operation: None,
                status: r.status,
                request_findings: Vec::new(),
                findings: Vec::new(),
                replaced: Vec::new(),
            };
            (r, served)
        }
    };
    log(&served);
    to_hyper(response)
}

fn to_hyper(r: MockResponse) -> hyper::Response<Full<Bytes>> {
    let mut out = hyper::Response::new(Full::new(Bytes::from(r.body)));
    *out.status_mut() =
        hyper::StatusCode::from_u16(r.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in r.headers {
        match (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(&value),
        ) {
            (Ok(n), Ok(v)) => {
                out.headers_mut().append(n, v);
            }
            // Only a spec's own example can hold such a value (generated ones are ASCII).
            _ => tracing::warn!("mock: header `{name}` not sent: not a valid HTTP header"),
        }
    }
    out
}

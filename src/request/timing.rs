//! Where a send's time went: name lookup and connecting (TCP, and the TLS handshake for
//! https), measured by a DNS resolver and a connector layer given to reqwest, which itself
//! reports neither. Each send runs in a [`Probe`]'s scope (a tokio task-local); a connection
//! made for it reports into that probe. A kept-alive connection reused reports nothing: that
//! send spent no time connecting.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

tokio::task_local! {
    static PROBE: Arc<Probe>;
}

/// The phases one send went through (summed over its redirects).
#[derive(Debug, Default)]
pub struct Probe {
    dns: Mutex<Option<Duration>>,
    connect: Mutex<Option<Duration>>,
    tls: Mutex<Option<Duration>>,
    /// When the handshake of the connection being made began.
    handshake: Mutex<Option<Instant>>,
    redirects: Mutex<Vec<(u16, String)>>,
}

fn add(slot: &Mutex<Option<Duration>>, d: Duration) {
    if let Ok(mut s) = slot.lock() {
        *s = Some(s.unwrap_or_default() + d);
    }
}

fn ms(slot: &Mutex<Option<Duration>>) -> Option<f64> {
    slot.lock()
        .ok()
        .and_then(|s| *s)
        .map(|d| d.as_secs_f64() * 1000.0)
}

impl Probe {
    /// Runs `work` with this probe receiving the timings of the connections it makes.
    pub async fn watch<F: Future>(self: &Arc<Self>, work: F) -> F::Output {
        PROBE.scope(Arc::clone(self), work).await
    }

    /// Name lookup, ms (None: no lookup, an IP address or a reused connection).
    pub fn dns_ms(&self) -> Option<f64> {
        ms(&self.dns)
    }

    /// Connecting, lookup included, ms: TCP, and TLS for https (None: a reused connection).
    pub fn connect_ms(&self) -> Option<f64> {
        ms(&self.connect)
    }

    /// The TLS handshake, ms (part of [`Probe::connect_ms`]; None: plain HTTP, or reused).
    pub fn tls_ms(&self) -> Option<f64> {
        ms(&self.tls)
    }

    /// The redirects followed, in order: the 3xx status and the URL it led to.
    pub fn redirects(&self) -> Vec<(u16, String)> {
        self.redirects.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// Marks the start of a TLS handshake in the current send's probe.
pub fn handshake_begins() {
    if let Some(p) = current() {
        if let Ok(mut h) = p.handshake.lock() {
            *h = Some(Instant::now());
        }
    }
}

/// Notes a redirect followed (its status and where it led) in the current send's probe.
pub fn redirected(status: u16, to: &str) {
    if let Some(p) = current() {
        if let Ok(mut r) = p.redirects.lock() {
            r.push((status, to.to_string()));
        }
    }
}

fn current() -> Option<Arc<Probe>> {
    PROBE.try_with(Arc::clone).ok()
}

/// The system resolver (`getaddrinfo`, as reqwest's default), timed.
#[derive(Debug, Default)]
pub struct TimedDns;

impl Resolve for TimedDns {
    fn resolve(&self, name: Name) -> Resolving {
        let probe = current();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let started = Instant::now();
            let addrs: Vec<_> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(p) = probe {
                add(&p.dns, started.elapsed());
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// A connector layer timing each connection from its start to its TLS session (if any).
#[derive(Debug, Clone, Copy, Default)]
pub struct TimedConnect;

impl<S> tower_layer::Layer<S> for TimedConnect {
    type Service = Timed<S>;

    fn layer(&self, inner: S) -> Timed<S> {
        Timed(inner)
    }
}

/// The connector with [`TimedConnect`] around it.
#[derive(Debug, Clone)]
pub struct Timed<S>(S);

impl<S, R> tower_service::Service<R> for Timed<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        let probe = current();
        let started = Instant::now();
        let connecting = self.0.call(req);
        Box::pin(async move {
            let conn = connecting.await;
            if let (Some(p), Ok(_)) = (probe, &conn) {
                add(&p.connect, started.elapsed());
                let began = p.handshake.lock().ok().and_then(|mut h| h.take());
                if let Some(b) = began.filter(|b| *b >= started) {
                    add(&p.tls, b.elapsed());
                }
            }
            conn
        })
    }
}

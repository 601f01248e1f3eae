//! Sending prepared requests: one [`Session`] per environment (its cookie jar and OAuth2
//! tokens), rustls with verification on unless a request opts out, timeouts always set,
//! redirects capped (reqwest drops `Authorization` and cookies when a redirect changes host),
//! compressed bodies decoded, HTTP/2 when the server offers it, cancellation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::auth::{fetch_token, OAuthGrant};
use super::error::{causes, RequestError, Result};
use super::timing::{Probe, TimedConnect, TimedDns};
use super::Prepared;

/// How one request is sent.
#[derive(Debug, Clone, PartialEq)]
pub struct SendOptions {
    /// Whole exchange, connect to last body byte.
    pub timeout: Duration,
    /// Connecting (TCP + TLS).
    pub connect_timeout: Duration,
    /// Skip TLS certificate verification (an explicit, per-request opt-out).
    pub insecure: bool,
    /// Redirects followed before giving up (0: none followed; the 3xx is the response).
    pub max_redirects: usize,
    /// Body bytes kept; the rest is read and dropped, and the response marked truncated.
    pub max_body_bytes: usize,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            insecure: false,
            max_redirects: 10,
            max_body_bytes: 64 * 1024 * 1024,
        }
    }
}

/// A response as received, with timings.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    /// Method sent.
    pub method: String,
    /// URL of the final response (after redirects).
    pub url: String,
    /// Status code.
    pub status: u16,
    /// `HTTP/1.1`, `HTTP/2.0`…
    pub http_version: String,
    /// Headers as received.
    pub headers: Vec<(String, String)>,
    /// Body (decoded from gzip/brotli/zstd), up to the size limit.
    #[serde(skip)]
    pub body: Vec<u8>,
    /// Bytes of decoded body received (more than `body.len()` when truncated).
    pub size: u64,
    /// The body was longer than the limit.
    pub truncated: bool,
    /// Name lookup, ms (None: an IP address, or a kept-alive connection reused).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_ms: Option<f64>,
    /// Connecting, lookup included: TCP, and the TLS handshake for https (None: a kept-alive
    /// connection reused).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_ms: Option<f64>,
    /// The TLS handshake, ms: part of `connect_ms` (None: plain HTTP, or a reused connection).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_ms: Option<f64>,
    /// The redirects followed: each 3xx status and the URL it led to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<(u16, String)>,
    /// From sending to the response head (ms), connecting included.
    pub ttfb_ms: f64,
    /// From sending to the last body byte (ms), OAuth2 token fetch excluded.
    pub elapsed_ms: f64,
}

impl Exchange {
    /// The value of a header (first one of that name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The view the contract check needs.
    pub fn parts(&self) -> crate::contract::ResponseParts<'_> {
        crate::contract::ResponseParts {
            method: &self.method,
            status: self.status,
            headers: &self.headers,
            body: &self.body,
            truncated: self.truncated,
        }
    }
}

/// Clients, cookies and tokens shared by the requests of one environment: one per `vouch`
/// command, one for the life of the app's workbench (reset when the environment changes).
#[derive(Debug, Default)]
pub struct Session {
    jar: Arc<reqwest::cookie::Jar>,
    clients: Mutex<HashMap<ClientKey, reqwest::Client>>,
    tokens: Mutex<HashMap<OAuthGrant, (String, Option<Instant>)>>,
    /// Origins that answered before: a failure there may be a kept-alive connection the
    /// server has since closed.
    answered: Mutex<std::collections::HashSet<String>>,
}

/// What makes two clients differ: TLS opt-out, redirect cap, connect timeout, whether
/// connections are kept for reuse (a retry after a closed connection takes a fresh one), and
/// whether the request carries credentials reqwest would not drop on a redirect.
type ClientKey = (bool, usize, Duration, bool, bool);

/// Whether a request carries a credential in a header reqwest keeps across redirects (an
/// API key header, say: reqwest drops only `Authorization`, cookies and proxy credentials).
fn custom_credentials(req: &Prepared) -> bool {
    req.headers.iter().any(|(k, _)| {
        super::is_sensitive_header(k)
            && !matches!(
                k.to_ascii_lowercase().as_str(),
                "authorization" | "cookie" | "proxy-authorization"
            )
    })
}

/// Methods that may be sent twice with the effect of once (RFC 9110 §9.2.2).
fn idempotent(method: &str) -> bool {
    matches!(
        method,
        "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE"
    )
}

/// Whether a failure before any response byte is the server having closed the connection
/// (reset, or closed before the response began), as opposed to refusing or timing out.
fn closed_early(e: &reqwest::Error) -> bool {
    if e.is_connect() || e.is_timeout() || e.is_redirect() {
        return false;
    }
    let mut cur: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(c) = cur {
        if let Some(h) = c.downcast_ref::<hyper::Error>() {
            if h.is_incomplete_message() || h.is_canceled() {
                return true;
            }
        }
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(
                io.kind(),
                ConnectionReset | BrokenPipe | ConnectionAborted | UnexpectedEof
            ) {
                return true;
            }
        }
        cur = c.source();
    }
    false
}

impl Session {
    /// A session with an empty cookie jar.
    pub fn new() -> Session {
        Session::default()
    }

    fn client(&self, o: &SendOptions, fresh: bool, careful: bool) -> Result<reqwest::Client> {
        let key = (
            o.insecure,
            o.max_redirects,
            o.connect_timeout,
            fresh,
            careful,
        );
        if let Some(c) = self.clients.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(c);
        }
        let max = o.max_redirects;
        let mut builder = reqwest::Client::builder();
        if fresh {
            builder = builder.pool_max_idle_per_host(0);
        }
        let client = builder
            .user_agent(concat!("vouch/", env!("CARGO_PKG_VERSION")))
            .cookie_provider(self.jar.clone())
            .connect_timeout(o.connect_timeout)
            .dns_resolver(Arc::new(TimedDns))
            .connector_layer(TimedConnect)
            .tls_backend_preconfigured(super::tls::client_config(o.insecure)?)
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                // With credentials in custom headers, a redirect to another origin or from
                // https to http is not followed: the 3xx is the answer, the key stays home.
                let leaves = attempt.previous().last().is_some_and(|from| {
                    from.origin() != attempt.url().origin()
                        || (from.scheme() == "https" && attempt.url().scheme() == "http")
                });
                if max == 0 || (careful && leaves) {
                    attempt.stop()
                } else if attempt.previous().len() > max {
                    attempt.error("too many redirects")
                } else {
                    super::timing::redirected(attempt.status().as_u16(), attempt.url().as_str());
                    attempt.follow()
                }
            }))
            .build()
            .map_err(|e| RequestError::Transport {
                url: String::new(),
                detail: causes(&e),
            })?;
        if let Ok(mut m) = self.clients.lock() {
            m.insert(key, client.clone());
        }
        Ok(client)
    }

    /// Sends `req`; `cancel` stops it at any point (the result is then [`RequestError::Cancelled`]).
    pub async fn send(
        &self,
        req: &Prepared,
        options: &SendOptions,
        cancel: Option<&CancellationToken>,
    ) -> Result<Exchange> {
        let work = self.send_inner(req, options);
        match cancel {
            Some(token) => tokio::select! {
                r = work => r,
                _ = token.cancelled() => Err(RequestError::Cancelled),
            },
            None => work.await,
        }
    }

    fn answered_before(&self, origin: &str) -> bool {
        self.answered.lock().is_ok_and(|a| a.contains(origin))
    }

    /// The grant's token (kept until it expires), fetched within `limit` when needed.
    async fn token(
        &self,
        client: &reqwest::Client,
        grant: &OAuthGrant,
        limit: Duration,
    ) -> Result<String> {
        if let Some((t, exp)) = self.tokens.lock().ok().and_then(|m| m.get(grant).cloned()) {
            if exp.is_none_or(|e| Instant::now() < e) {
                return Ok(t);
            }
        }
        let (token, lifetime) = fetch_token(client, grant, limit).await?;
        // Renew a little early so a token does not expire in flight.
        let expiry = lifetime.map(|s| Instant::now() + Duration::from_secs(s.saturating_sub(10)));
        if let Ok(mut m) = self.tokens.lock() {
            m.insert(grant.clone(), (token.clone(), expiry));
        }
        Ok(token)
    }

    async fn send_inner(&self, req: &Prepared, o: &SendOptions) -> Result<Exchange> {
        let careful = custom_credentials(req);
        let client = self.client(o, false, careful)?;
        let url = req.url.to_string();
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|_| {
            RequestError::Invalid(format!("`{}` is not an HTTP method", req.method))
        })?;
        let token = match &req.oauth {
            Some(grant) => Some(self.token(&client, grant, o.timeout).await?),
            None => None,
        };
        let build = |client: &reqwest::Client| {
            let mut builder = client
                .request(method.clone(), req.url.clone())
                .timeout(o.timeout);
            for (k, v) in &req.headers {
                builder = builder.header(k.as_str(), v.as_str());
            }
            if let Some(t) = &token {
                builder = builder.bearer_auth(t);
            }
            if let Some(body) = &req.body {
                builder = builder.body(body.clone());
            }
            builder
        };
        let map_err = |e: reqwest::Error| transport_error(e, &url, o.timeout);
        let origin = req.url.origin().ascii_serialization();
        let started = Instant::now();
        let probe = Arc::new(Probe::default());
        let resp = match probe.watch(build(&client).send()).await {
            Ok(r) => r,
            // A kept-alive connection the server closed after its previous response (uvicorn
            // does after an unhandled 500): an idempotent request is sent once more on a
            // fresh connection; any other is reported as what it is.
            Err(e) if closed_early(&e) && idempotent(&req.method) => {
                tracing::debug!(
                    "{} {url}: the connection was closed before a response ({}); retrying on a fresh connection",
                    req.method,
                    causes(&e)
                );
                probe
                    .watch(build(&self.client(o, true, careful)?).send())
                    .await
                    .map_err(map_err)?
            }
            Err(e) if closed_early(&e) && self.answered_before(&origin) => {
                tracing::debug!("{} {url}: {}", req.method, causes(&e));
                return Err(RequestError::ConnectionClosed {
                    url: url.clone(),
                    method: req.method.clone(),
                });
            }
            Err(e) => return Err(map_err(e)),
        };
        if let Ok(mut a) = self.answered.lock() {
            a.insert(origin);
        }
        read(resp, started, &probe, &req.method, o)
            .await
            .map_err(map_err)
    }
}

/// What a failed send was: a timeout, a redirect loop, a refused connection, or another
/// transport failure (each with the chain of causes, and logged in full at debug level).
fn transport_error(e: reqwest::Error, url: &str, timeout: Duration) -> RequestError {
    tracing::debug!("{url}: {}", causes(&e));
    if e.is_timeout() {
        RequestError::Timeout {
            url: url.to_string(),
            seconds: timeout.as_secs_f64(),
        }
    } else if e.is_redirect() {
        RequestError::Redirects {
            url: url.to_string(),
        }
    } else if e.is_connect() {
        RequestError::Connect {
            url: url.to_string(),
            detail: causes(&e),
        }
    } else {
        RequestError::Transport {
            url: url.to_string(),
            detail: causes(&e),
        }
    }
}

/// Reads a response: head, then the body up to the cap (the rest read and dropped), with
/// the time to the head and to the last byte.
async fn read(
    mut resp: reqwest::Response,
    started: Instant,
    probe: &Probe,
    method: &str,
    o: &SendOptions,
) -> std::result::Result<Exchange, reqwest::Error> {
    let ttfb = started.elapsed();
    let status = resp.status().as_u16();
    let http_version = format!("{:?}", resp.version());
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let final_url = resp.url().to_string();
    let expected = resp.content_length().unwrap_or(0) as usize;
    let mut body = Vec::with_capacity(expected.min(o.max_body_bytes));
    let mut size: u64 = 0;
    while let Some(chunk) = resp.chunk().await? {
        size += chunk.len() as u64;
        let room = o.max_body_bytes.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }
    let elapsed = started.elapsed();
    Ok(Exchange {
        method: method.to_string(),
        url: final_url,
        status,
        http_version,
        headers,
        truncated: size > body.len() as u64,
        body,
        size,
        dns_ms: probe.dns_ms(),
        connect_ms: probe.connect_ms(),
        tls_ms: probe.tls_ms(),
        redirects: probe.redirects(),
        ttfb_ms: ttfb.as_secs_f64() * 1000.0,
        elapsed_ms: elapsed.as_secs_f64() * 1000.0,
    })
}

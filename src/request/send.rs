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
    /// From sending to the response head (ms).
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

/// Clients, cookies and tokens shared by the requests of one environment.
#[derive(Debug, Default)]
pub struct Session {
    jar: Arc<reqwest::cookie::Jar>,
    clients: Mutex<HashMap<(bool, usize, Duration), reqwest::Client>>,
    tokens: Mutex<HashMap<OAuthGrant, (String, Option<Instant>)>>,
}

impl Session {
    /// A session with an empty cookie jar.
    pub fn new() -> Session {
        Session::default()
    }

    fn client(&self, o: &SendOptions) -> Result<reqwest::Client> {
        let key = (o.insecure, o.max_redirects, o.connect_timeout);
        if let Some(c) = self.clients.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(c);
        }
        let max = o.max_redirects;
        let client = reqwest::Client::builder()
            .user_agent(concat!("vouch/", env!("CARGO_PKG_VERSION")))
            .cookie_provider(self.jar.clone())
            .connect_timeout(o.connect_timeout)
            .danger_accept_invalid_certs(o.insecure)
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if max == 0 {
                    attempt.stop()
                } else if attempt.previous().len() > max {
                    attempt.error("too many redirects")
                } else {
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

    async fn token(&self, client: &reqwest::Client, grant: &OAuthGrant) -> Result<String> {
        if let Some((t, exp)) = self.tokens.lock().ok().and_then(|m| m.get(grant).cloned()) {
            if exp.is_none_or(|e| Instant::now() < e) {
                return Ok(t);
            }
        }
        let (token, lifetime) = fetch_token(client, grant).await?;
        // Renew a little early so a token does not expire in flight.
        let expiry = lifetime.map(|s| Instant::now() + Duration::from_secs(s.saturating_sub(10)));
        if let Ok(mut m) = self.tokens.lock() {
            m.insert(grant.clone(), (token.clone(), expiry));
        }
        Ok(token)
    }

    async fn send_inner(&self, req: &Prepared, o: &SendOptions) -> Result<Exchange> {
        let client = self.client(o)?;
        let url = req.url.to_string();
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|_| {
            RequestError::Invalid(format!("`{}` is not an HTTP method", req.method))
        })?;
        let mut builder = client.request(method, req.url.clone()).timeout(o.timeout);
        for (k, v) in &req.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        if let Some(grant) = &req.oauth {
            let token = self.token(&client, grant).await?;
            builder = builder.bearer_auth(token);
        }
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        let map_err = |e: reqwest::Error| {
            if e.is_timeout() {
                RequestError::Timeout {
                    url: url.clone(),
                    seconds: o.timeout.as_secs_f64(),
                }
            } else if e.is_redirect() {
                RequestError::Redirects { url: url.clone() }
            } else if e.is_connect() {
                RequestError::Connect {
                    url: url.clone(),
                    detail: causes(&e),
                }
            } else {
                RequestError::Transport {
                    url: url.clone(),
                    detail: causes(&e),
                }
            }
        };
        let started = Instant::now();
        let mut resp = builder.send().await.map_err(map_err)?;
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
        while let Some(chunk) = resp.chunk().await.map_err(map_err)? {
            size += chunk.len() as u64;
            let room = o.max_body_bytes.saturating_sub(body.len());
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        let elapsed = started.elapsed();
        Ok(Exchange {
            method: req.method.clone(),
            url: final_url,
            status,
            http_version,
            headers,
            truncated: size > body.len() as u64,
            body,
            size,
            ttfb_ms: ttfb.as_secs_f64() * 1000.0,
            elapsed_ms: elapsed.as_secs_f64() * 1000.0,
        })
    }
}

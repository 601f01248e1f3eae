//! Sending, against a real axum server on 127.0.0.1:0 that fails the test if never called:
//! redirects (and `Authorization` dropped across hosts), the redirect limit, the cookie jar,
//! compressed bodies, timeouts, cancellation, a dead server, the body size cap.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::Router;
use tokio_util::sync::CancellationToken;
use vouch::request::{prepare, Draft, Environment, RequestError, SendOptions, Session, Settings};
use vouch::spec::{LoadOptions, Spec};

struct Server {
    port: u16,
    hits: Arc<AtomicUsize>,
    runtime: tokio::runtime::Runtime,
}

impl Drop for Server {
    fn drop(&mut self) {
        crate::util::assert_called(&self.hits);
    }
}

fn echo(headers: &HeaderMap, name: header::HeaderName) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_string()
}

fn start() -> Server {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let gz = {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(br#"{"compressed": true}"#).expect("gzip");
        e.finish().expect("gzip")
    };
    let (port, runtime) = crate::util::serve(move |port| {
        Router::new()
            .route(
                "/echo-auth",
                get(|h: HeaderMap| async move { echo(&h, header::AUTHORIZATION) }),
            )
            .route(
                "/to-same-host",
                get(|| async { Redirect::temporary("/echo-auth") }),
            )
            .route(
                "/to-other-host",
                get(move || async move {
                    Redirect::temporary(&format!("http://localhost:{port}/echo-auth"))
                }),
            )
            .route("/loop", get(|| async { Redirect::temporary("/loop") }))
            .route(
                "/set-cookie",
                get(|| async { ([(header::SET_COOKIE, "session=abc123; Path=/")], "set") }),
            )
            .route(
                "/echo-cookie",
                get(|h: HeaderMap| async move { echo(&h, header::COOKIE) }),
            )
            .route(
                "/gzip",
                get(move || async move {
                    (
                        [
                            (header::CONTENT_ENCODING, "gzip"),
                            (header::CONTENT_TYPE, "application/json"),
                        ],
                        gz,
                    )
                }),
            )
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    "late"
                }),
            )
            .route(
                "/big",
                get(|| async { (StatusCode::OK, vec![b'x'; 3 << 20]).into_response() }),
            )
            .layer(axum::middleware::from_fn(
                move |req, next: axum::middleware::Next| {
                    counter.fetch_add(1, Ordering::SeqCst);
                    next.run(req)
                },
            ))
    });
    Server {
        port,
        hits,
        runtime,
    }
}

fn spec() -> Spec {
    Spec::from_bytes(
        br#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#,
        None,
        &LoadOptions::default(),
    )
    .expect("spec")
}

fn send(
    s: &Server,
    session: &Session,
    path: &str,
    headers: &[(&str, &str)],
    o: &SendOptions,
) -> Result<vouch::request::Exchange, RequestError> {
    let draft = Draft {
        method: "GET".into(),
        path: path.into(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        base_url: Some(format!("http://127.0.0.1:{}", s.port)),
        ..Draft::default()
    };
    let prepared = prepare(&spec(), None, &draft, &Environment::default()).expect("prepare");
    s.runtime.block_on(session.send(&prepared, o, None))
}

fn text(e: &vouch::request::Exchange) -> String {
    String::from_utf8_lossy(&e.body).into_owned()
}

#[test]
fn authorization_is_dropped_when_a_redirect_changes_host() {
    let s = start();
    let session = Session::new();
    let auth = [("Authorization", "Bearer secret")];
    let o = SendOptions::default();
    assert_eq!(
        text(&send(&s, &session, "/echo-auth", &auth, &o).expect("send")),
        "Bearer secret"
    );
    assert_eq!(
        text(&send(&s, &session, "/to-same-host", &auth, &o).expect("send")),
        "Bearer secret"
    );
    let other = send(&s, &session, "/to-other-host", &auth, &o).expect("send");
    assert!(other.url.starts_with("http://localhost:"), "{}", other.url);
    assert_eq!(text(&other), "none");
    // An API key in a custom header (which the HTTP client would carry along) is not taken
    // to another origin: the redirect is the answer.
    let key = [("X-API-Key", "k-123456")];
    let stopped = send(&s, &session, "/to-other-host", &key, &o).expect("send");
    assert_eq!(stopped.status, 307, "{}", stopped.url);
    assert!(
        stopped.url.starts_with("http://127.0.0.1:"),
        "{}",
        stopped.url
    );
    // Same origin: followed.
    let same = send(&s, &session, "/to-same-host", &key, &o).expect("send");
    assert_eq!(same.status, 200);
}

#[test]
fn redirects_are_capped() {
    let s = start();
    let o = SendOptions {
        max_redirects: 3,
        ..SendOptions::default()
    };
    let err = send(&s, &Session::new(), "/loop", &[], &o).expect_err("a loop");
    assert!(matches!(err, RequestError::Redirects { .. }), "{err:?}");
    // With redirects off, the 3xx itself is the response.
    let o = SendOptions {
        max_redirects: 0,
        ..SendOptions::default()
    };
    assert_eq!(
        send(&s, &Session::new(), "/loop", &[], &o)
            .expect("send")
            .status,
        307
    );
}

#[test]
fn cookies_live_in_the_session() {
    let s = start();
    let o = SendOptions::default();
    let session = Session::new();
    send(&s, &session, "/set-cookie", &[], &o).expect("send");
    assert_eq!(
        text(&send(&s, &session, "/echo-cookie", &[], &o).expect("send")),
        "session=abc123"
    );
    // Another environment, another jar.
    assert_eq!(
        text(&send(&s, &Session::new(), "/echo-cookie", &[], &o).expect("send")),
        "none"
    );
}

#[test]
fn compressed_bodies_are_decoded_and_timed() {
    let s = start();
    let e = send(&s, &Session::new(), "/gzip", &[], &SendOptions::default()).expect("send");
    assert_eq!(text(&e), r#"{"compressed": true}"#);
    assert_eq!(e.size, 20);
    assert!(e.ttfb_ms > 0.0 && e.elapsed_ms >= e.ttfb_ms);
}

#[test]
fn a_send_says_where_its_time_went() {
    let s = start();
    let session = Session::new();
    let o = SendOptions::default();
    // An IP address: no lookup; a new connection is timed, then reused and not timed again.
    let first = send(&s, &session, "/gzip", &[], &o).expect("send");
    assert_eq!((first.dns_ms, first.tls_ms), (None, None));
    let connect = first.connect_ms.expect("a connection was made");
    assert!(connect > 0.0 && connect <= first.ttfb_ms, "{first:?}");
    // hyper hands the connection back to its pool a moment after the body ends, so on a busy
    // machine the next call may open a second one (timed, rightly); one of a few reuses it.
    let reused = (0..10).any(|_| {
        std::thread::sleep(Duration::from_millis(20));
        let again = send(&s, &session, "/gzip", &[], &o).expect("send");
        assert_eq!(again.dns_ms, None, "{again:?}");
        again.connect_ms.is_none()
    });
    assert!(reused, "no call reused the connection");
    // A redirect to `localhost`: the hop is listed, and the name lookup timed.
    let moved = send(&s, &Session::new(), "/to-other-host", &[], &o).expect("send");
    assert_eq!(moved.redirects.len(), 1, "{moved:?}");
    assert_eq!(moved.redirects[0].0, 307);
    assert!(moved.redirects[0].1.starts_with("http://localhost:"));
    assert!(moved.dns_ms.is_some_and(|d| d >= 0.0), "{moved:?}");
    assert!(moved.connect_ms >= moved.dns_ms, "{moved:?}");
}

#[test]
fn timeouts_and_cancellation_end_the_wait() {
    let s = start();
    let started = Instant::now();
    let o = SendOptions {
        timeout: Duration::from_millis(500),
        ..SendOptions::default()
    };
    let err = send(&s, &Session::new(), "/slow", &[], &o).expect_err("too slow");
    assert!(matches!(err, RequestError::Timeout { .. }), "{err:?}");
    assert!(
        err.to_string().contains("did not answer within 0.5 s"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));

    let draft = Draft {
        method: "GET".into(),
        path: "/slow".into(),
        base_url: Some(format!("http://127.0.0.1:{}", s.port)),
        ..Draft::default()
    };
    let prepared = prepare(&spec(), None, &draft, &Environment::default()).expect("prepare");
    let token = CancellationToken::new();
    let canceller = token.clone();
    let started = Instant::now();
    let session = Session::new();
    let result = s.runtime.block_on(async {
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            canceller.cancel();
        });
        session
            .send(&prepared, &SendOptions::default(), Some(&token))
            .await
    });
    assert!(matches!(result, Err(RequestError::Cancelled)), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn big_bodies_are_capped_not_held() {
    let s = start();
    let o = SendOptions {
        max_body_bytes: 1 << 20,
        ..SendOptions::default()
    };
    let e = send(&s, &Session::new(), "/big", &[], &o).expect("send");
    assert_eq!(
        (e.body.len(), e.size, e.truncated),
        (1 << 20, 3 << 20, true)
    );
}

#[test]
fn a_dead_server_is_a_clear_error() {
    // Bind and drop: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let draft = Draft {
        method: "GET".into(),
        path: "/x".into(),
        base_url: Some(format!("http://127.0.0.1:{port}")),
        ..Draft::default()
    };
    let prepared = prepare(&spec(), None, &draft, &Environment::default()).expect("prepare");
    let rt = crate::util::runtime();
    let err = rt
        .block_on(Session::new().send(&prepared, &SendOptions::default(), None))
        .expect_err("refused");
    assert!(matches!(err, RequestError::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains("Connection refused"), "{err}");
    assert!(err.hint().contains("is the service running"));
}

/// A TLS server on loopback with a self-signed certificate for `localhost`, speaking HTTP/2
/// or HTTP/1.1 (ALPN), answering with the protocol version it served.
fn tls_server(runtime: &tokio::runtime::Runtime) -> u16 {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let key = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("cert");
    let cert = CertificateDer::from(key.cert.der().to_vec());
    let pkey = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.signing_key.serialize_der()));
    let mut config = tokio_rustls::rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert], pkey)
        .expect("tls config");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    runtime.spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper::service::service_fn(
                    |req: hyper::Request<hyper::body::Incoming>| async move {
                        let body = format!("{:?}", req.version());
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(body))
                    },
                );
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    port
}

#[test]
fn tls_is_verified_unless_the_request_opts_out_and_http2_is_used_when_offered() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("rt");
    let port = tls_server(&runtime);
    let draft = Draft {
        method: "GET".into(),
        path: "/".into(),
        base_url: Some(format!("https://localhost:{port}")),
        ..Draft::default()
    };
    let prepared = prepare(&spec(), None, &draft, &Environment::default()).expect("prepare");
    let session = Session::new();
    let err = runtime
        .block_on(session.send(&prepared, &SendOptions::default(), None))
        .expect_err("self-signed");
    assert!(matches!(err, RequestError::Connect { .. }), "{err:?}");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
    assert!(err.hint().contains("--insecure"));
    let insecure = SendOptions {
        insecure: true,
        ..SendOptions::default()
    };
    let e = runtime
        .block_on(session.send(&prepared, &insecure, None))
        .expect("opted out");
    assert_eq!(
        (e.status, e.http_version.as_str(), text(&e).as_str()),
        (200, "HTTP/2.0", "HTTP/2.0")
    );
    // The handshake is timed apart from TCP, within connecting.
    let (tls, connect) = (
        e.tls_ms.expect("a handshake"),
        e.connect_ms.expect("a connection"),
    );
    assert!(tls > 0.0 && tls <= connect, "{e:?}");
}

/// A request's own settings, through the one engine send: redirects not followed (the 3xx is
/// the response), its time limit, TLS verification turned off for it alone.
#[test]
fn a_request_carries_its_own_settings() {
    let s = start();
    let contract = vouch::contract::Contract::new(Arc::new(spec()));
    let session = Session::new();
    let env = Environment::default();
    let options = SendOptions::default();
    let ctx = vouch::call::Context {
        contract: &contract,
        session: &session,
        env: &env,
        send: &options,
        cancel: None,
        accept_status: &[],
        allow_origins: &[],
    };
    let call = |base: String, path: &str, settings: Settings| {
        let draft = Draft {
            method: "GET".into(),
            path: path.into(),
            base_url: Some(base),
            settings: Some(settings),
            ..Draft::default()
        };
        s.runtime.block_on(vouch::call::send(
            &ctx,
            &vouch::call::Call::of(None, &draft),
        ))
    };
    let here = format!("http://127.0.0.1:{}", s.port);

    let followed = call(here.clone(), "/to-same-host", Settings::default());
    assert_eq!(followed.status(), Some(200));
    let stopped = call(
        here.clone(),
        "/to-same-host",
        Settings {
            follow_redirects: Some(false),
            ..Settings::default()
        },
    );
    assert_eq!(stopped.status(), Some(307));

    let started = Instant::now();
    let late = call(
        here.clone(),
        "/slow",
        Settings {
            timeout_ms: Some(300),
            ..Settings::default()
        },
    );
    let e = late.error.expect("timed out");
    assert_eq!(e.kind, "timeout", "{e:?}");
    assert!(e.message.contains("0.3"), "{}", e.message);
    assert!(started.elapsed() < Duration::from_secs(10));

    let port = tls_server(&s.runtime);
    let tls = format!("https://localhost:{port}");
    let refused = call(tls.clone(), "/", Settings::default());
    assert!(
        refused.error.is_some(),
        "a self-signed certificate is refused"
    );
    let opted_out = call(
        tls,
        "/",
        Settings {
            verify_tls: Some(false),
            ..Settings::default()
        },
    );
    assert_eq!(opted_out.status(), Some(200), "{:?}", opted_out.error);
}

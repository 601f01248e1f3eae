//! Specs served over HTTP by a real server on loopback: plain, multi-document, slow, missing,
//! too big, and no server at all.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use vouch::spec::{LoadOptions, Spec, SpecError};

use crate::util::spec_path;

/// A server on 127.0.0.1:0 that counts its hits; the test fails if it was never called.
struct Server {
    base: String,
    hits: Arc<AtomicUsize>,
    runtime: tokio::runtime::Runtime,
}

impl Server {
    fn start() -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("rt");
        let hits = Arc::new(AtomicUsize::new(0));
        let fastapi = std::fs::read(spec_path(
            "fastapi/full-stack-fastapi-template.openapi.json",
        ))
        .expect("spec");
        let counter = hits.clone();
        let app = Router::new()
            .route("/openapi.json", get(move || async move { ([(header::CONTENT_TYPE, "application/json")], fastapi) }))
            .route(
                "/multi/root.yaml",
                get(|| async {
                    "openapi: 3.0.3\ninfo: {title: multi, version: '1'}\npaths:\n  /pets:\n    $ref: 'paths/pets.yaml'\n"
                }),
            )
            .route(
                "/multi/paths/pets.yaml",
                get(|| async {
                    "get:\n  operationId: listPets\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema: {$ref: '../schemas.yaml#/Pets'}\n"
                }),
            )
            .route("/multi/schemas.yaml", get(|| async { "Pets: {type: array, items: {type: string}}\n" }))
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    "too late"
                }),
            )
            .route("/huge", get(|| async { vec![b' '; 2 << 20] }))
            .route("/gone", get(|| async { (StatusCode::NOT_FOUND, "no such spec").into_response() }))
            .layer(axum::middleware::from_fn(move |req, next: axum::middleware::Next| {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    next.run(req).await
                }
            }));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        runtime.spawn(async move { axum::serve(listener, app).await });
        Server {
            base,
            hits,
            runtime,
        }
    }

    fn load(&self, path: &str, options: &LoadOptions) -> Result<Spec, SpecError> {
        let url = format!("{}{path}", self.base);
        self.runtime.block_on(Spec::load(&url, options))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        crate::util::assert_called(&self.hits);
    }
}

#[test]
fn loads_fastapi_spec_from_its_url() {
    let server = Server::start();
    let spec = server
        .load("/openapi.json", &LoadOptions::default())
        .expect("loads");
    assert_eq!(spec.operations().len(), 23);
    assert_eq!(spec.name(), format!("{}/openapi.json", server.base));
}

#[test]
fn relative_refs_are_fetched_from_the_same_server() {
    let server = Server::start();
    let spec = server
        .load("/multi/root.yaml", &LoadOptions::default())
        .expect("loads");
    assert_eq!(spec.documents().len(), 3);
    let op = spec
        .operation("listPets")
        .expect("op from a referenced path item");
    let detail = spec.resolve(op);
    let (schema, at) = spec
        .deref(
            detail.responses[0].content[0]
                .schema
                .as_ref()
                .expect("schema"),
        )
        .expect("resolves");
    assert_eq!(schema["type"], "array");
    assert_eq!(spec.documents().url(at.doc).path(), "/multi/schemas.yaml");
    assert_eq!(server.hits.load(Ordering::SeqCst), 3);
}

#[test]
fn slow_missing_huge_and_dead_servers_fail_clearly_and_quickly() {
    let server = Server::start();
    let quick = LoadOptions {
        timeout: Duration::from_secs(1),
        ..LoadOptions::default()
    };
    let started = Instant::now();
    let e = server.load("/slow", &quick).expect_err("slow");
    assert!(matches!(e, SpecError::Timeout { seconds: 1, .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(e.to_string().contains("/slow"));

    let e = server
        .load("/gone", &LoadOptions::default())
        .expect_err("404");
    assert!(e.to_string().contains("404"), "{e}");

    let small = LoadOptions {
        max_bytes: 1 << 20,
        ..LoadOptions::default()
    };
    let e = server.load("/huge", &small).expect_err("too big");
    assert!(matches!(e, SpecError::TooLarge { .. }), "{e:?}");

    // A port nobody listens on: take a free one and let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("http://127.0.0.1:{port}/openapi.json");
    let e = server
        .runtime
        .block_on(Spec::load(&url, &LoadOptions::default()))
        .expect_err("dead");
    assert!(matches!(e, SpecError::Fetch { .. }), "{e:?}");
    assert!(e.to_string().to_lowercase().contains("refused"), "{e}");
}

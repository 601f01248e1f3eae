//! The small local service of `bench/compare.sh` and `bench/app-weight.sh`: `GET /things`
//! answers the same 1 KB JSON array as `benches/suite_throughput.rs`, `GET /big` 10 MB of
//! the same, `GET /huge` 100 MB of the same (made on first call), `GET /openapi.json` their
//! contract. Prints its port.
//!
//!     cargo run --release --example bench_server

use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

const SPEC: &str = r##"{"openapi": "3.1.0", "info": {"title": "bench", "version": "1"},
 "paths": {"/things": {"get": {"operationId": "listThings", "responses": {"200": {"description": "ok",
   "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}}}},
  "/big": {"get": {"operationId": "listManyThings", "responses": {"200": {"description": "10 MB",
   "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}}}},
  "/huge": {"get": {"operationId": "listAllThings", "responses": {"200": {"description": "100 MB",
   "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}}}}},
 "components": {"schemas": {"Thing": {"type": "object", "required": ["id", "name", "price", "tags"], "additionalProperties": false,
   "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "price": {"type": "number", "exclusiveMinimum": 0},
     "tags": {"type": "array", "items": {"type": "string"}}, "updated": {"type": "string", "format": "date-time"}}}}}}"##;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let items: Vec<Value> = (0..10)
        .map(|i| json!({"id": i, "name": format!("thing number {i}"), "price": 9.5 + i as f64, "tags": ["a", "bb", "ccc"], "updated": "2026-01-02T03:04:05Z"}))
        .collect();
    let body = serde_json::to_vec(&items).expect("json");
    let many: Vec<Value> = (0..100_000)
        .map(|i| json!({"id": i, "name": format!("thing number {i}"), "price": 9.5 + i as f64, "tags": ["a", "bb", "ccc"], "updated": "2026-01-02T03:04:05Z"}))
        .collect();
    let big = serde_json::to_vec(&many).expect("json");
    // Ten copies of the 10 MB array's items, in one array.
    let inner = big[1..big.len() - 1].to_vec();
    let huge = std::sync::Arc::new(std::sync::OnceLock::<Vec<u8>>::new());
    let app = Router::new()
        .route(
            "/things",
            get(move || {
                let b = body.clone();
                async move { ([("content-type", "application/json")], b) }
            }),
        )
        .route(
            "/big",
            get(move || {
                let b = big.clone();
                async move { ([("content-type", "application/json")], b) }
            }),
        )
        .route(
            "/huge",
            get(move || {
                let huge = huge.clone();
                let inner = inner.clone();
                async move {
                    let b = huge.get_or_init(|| {
                        let mut out = b"[".to_vec();
                        for i in 0..10 {
                            if i > 0 {
                                out.push(b',');
                            }
                            out.extend_from_slice(&inner);
                        }
                        out.push(b']');
                        out
                    });
                    ([("content-type", "application/json")], b.clone())
                }
            }),
        )
        .route(
            "/openapi.json",
            get(|| async { ([("content-type", "application/json")], SPEC) }),
        );
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("{}", listener.local_addr()?.port());
    axum::serve(listener, app).await
}

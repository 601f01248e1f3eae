//! Contract checks against Stripe's spec, compared in one run with what they sit beside:
//! checking a 1 MB JSON body vs a loopback round trip of the same body (target: < 10%), and
//! the first check of an operation (translate, register, compile) vs the second (cached
//! validator; target: >= 10x cheaper).
//!
//! Bodies are built from Stripe's own fixtures (corpus/specs/stripe/fixtures3.json), so they
//! are valid: the setup asserts there is no finding.

use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::Value;
use vouch::contract::{Contract, ResponseParts};
use vouch::request::{prepare, Draft, Environment, SendOptions, Session};
use vouch::spec::{LoadOptions, Spec};

#[path = "common/stripe_body.rs"]
mod stripe_body;
use stripe_body::{bodies, corpus};

fn check(contract: &Contract, op_id: &str, body: &[u8]) -> usize {
    let spec = contract.spec();
    let detail = spec.resolve(spec.operation(op_id).expect("operation"));
    check_op(contract, &detail, body)
}

fn check_op(contract: &Contract, detail: &vouch::spec::OperationDetail, body: &[u8]) -> usize {
    let headers = vec![("content-type".to_string(), "application/json".to_string())];
    let parts = ResponseParts {
        method: "GET",
        status: 200,
        headers: &headers,
        body,
        truncated: false,
    };
    let v = contract.check_response(detail, &parts);
    assert!(v.notes.is_empty(), "{:?}", v.notes);
    v.findings.len()
}

fn bench(c: &mut Criterion) {
    let stripe = corpus().join("specs/stripe/spec3.2022-04-12.json");
    let bytes = std::fs::read(&stripe).expect("stripe");
    let spec =
        Arc::new(Spec::from_bytes(&bytes, Some("stripe"), &LoadOptions::default()).expect("spec"));
    let (big, one) = bodies();
    let warm = Contract::new(spec.clone());
    assert_eq!(
        check(&warm, "GetCustomers", &big),
        0,
        "the 1 MB body must be valid"
    );
    assert_eq!(
        check(&warm, "GetCustomersCustomer", &one),
        0,
        "the customer must be valid"
    );
    eprintln!(
        "body: {} bytes ({} customers)",
        big.len(),
        big.len() / one.len()
    );

    // A loopback service returning the same 1 MB body, called through Vouch's own sender.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("rt");
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let served = big.clone();
    let app = Router::new().route(
        "/v1/customers",
        get(move || {
            let b = served.clone();
            async move { ([("content-type", "application/json")], b) }
        }),
    );
    rt.spawn(async move { axum::serve(listener, app).await });
    let draft = Draft {
        method: "GET".into(),
        path: "/v1/customers".into(),
        base_url: Some(format!("http://127.0.0.1:{port}")),
        ..Draft::default()
    };
    let prepared = prepare(&spec, None, &draft, &Environment::default()).expect("prepare");
    let session = Session::new();
    let options = SendOptions::default();

    let mut g = c.benchmark_group("stripe_1mb");
    g.sample_size(30);
    g.bench_function("loopback_round_trip", |b| {
        b.iter(|| {
            let e = rt
                .block_on(session.send(&prepared, &options, None))
                .expect("send");
            assert_eq!(e.body.len(), big.len());
        })
    });
    // The operation is resolved once, as the app and the runner do.
    let list_op = spec.resolve(spec.operation("GetCustomers").expect("op"));
    g.bench_function("check_body", |b| b.iter(|| check_op(&warm, &list_op, &big)));
    // The parts of a check: parsing the body (serde_json) and validating the parsed value.
    g.bench_function("parse_only", |b| {
        b.iter(|| serde_json::from_slice::<Value>(&big).expect("json"))
    });
    let parsed: Value = serde_json::from_slice(&big).expect("json");
    let detail = spec.resolve(spec.operation("GetCustomers").expect("op"));
    let schema = detail
        .responses
        .iter()
        .find(|r| r.status.matches(200))
        .and_then(|r| r.content[0].schema.clone())
        .expect("schema");
    g.bench_function("validate_only", |b| {
        b.iter(|| {
            warm.check_value(vouch::contract::Direction::Response, &schema, &parsed)
                .expect("compiles")
                .len()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("stripe_cache");
    g.sample_size(20);
    g.bench_function("first_check", |b| {
        b.iter(|| {
            let fresh = Contract::new(spec.clone());
            check(&fresh, "GetCustomersCustomer", &one)
        })
    });
    g.bench_function("second_check", |b| {
        b.iter(|| check(&warm, "GetCustomersCustomer", &one))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

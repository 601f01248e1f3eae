//! Suite throughput on loopback, one run: 10,000 checked calls through Vouch's runner vs the
//! same calls with bare reqwest, and with bare reqwest + serde_json + jsonschema (the
//! validating baseline of DESIGN.md), at the same concurrency. Then peak memory (VmHWM)
//! after 10k and after 100k runner calls. Plain main, not criterion: rounds of 10k calls,
//! interleaved, medians.
//!
//!     cargo bench --bench suite_throughput [-- CONCURRENCY...]

use std::sync::Arc;
use std::time::Instant;

use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, StreamExt};
use serde_json::{json, Value};
use vouch::contract::Contract;
use vouch::request::{Draft, Environment};
use vouch::spec::{LoadOptions, Spec};
use vouch::suite::{run, RunOptions, Step};

const SPEC: &str = r##"{"openapi": "3.1.0", "info": {"title": "bench", "version": "1"},
 "paths": {"/things": {"get": {"operationId": "listThings", "responses": {"200": {"description": "ok",
   "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}}}}}}},
 "components": {"schemas": {"Thing": {"type": "object", "required": ["id", "name", "price", "tags"], "additionalProperties": false,
   "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "price": {"type": "number", "exclusiveMinimum": 0},
     "tags": {"type": "array", "items": {"type": "string"}}, "updated": {"type": "string", "format": "date-time"}}}}}}"##;

fn body() -> Vec<u8> {
    let items: Vec<Value> = (0..10)
        .map(|i| json!({"id": i, "name": format!("thing number {i}"), "price": 9.5 + i as f64, "tags": ["a", "bb", "ccc"], "updated": "2026-01-02T03:04:05Z"}))
        .collect();
    serde_json::to_vec(&items).expect("json")
}

fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

// The allocator the `vouch` binary uses, for every way measured here alike.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let concurrencies: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let concurrencies = if concurrencies.is_empty() {
        vec![1, 10]
    } else {
        concurrencies
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("rt");
    let served = body();
    eprintln!("body: {} bytes", served.len());
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    let b = served.clone();
    let app = Router::new().route(
        "/things",
        get(move || {
            let b = b.clone();
            async move { ([("content-type", "application/json")], b) }
        }),
    );
    rt.spawn(async move { axum::serve(listener, app).await });

    let spec = Arc::new(
        Spec::from_bytes(SPEC.as_bytes(), Some("bench"), &LoadOptions::default()).expect("spec"),
    );
    let contract = Contract::new(spec);
    let step = Step {
        name: "list".into(),
        operation_id: Some("listThings".into()),
        draft: Draft {
            method: "GET".into(),
            path: "/things".into(),
            base_url: Some(base.clone()),
            ..Draft::default()
        },
        assertions: Vec::new(),
        extractions: Vec::new(),
        timeout: None,
        retries: 0,
    };
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&{
            let doc: Value = serde_json::from_str(SPEC).expect("spec json");
            let mut s = doc["paths"]["/things"]["get"]["responses"]["200"]["content"]
                ["application/json"]["schema"]
                .clone();
            s["items"] = doc["components"]["schemas"]["Thing"].clone();
            s
        })
        .expect("validator");
    let n = 10_000;
    // What checking one body costs on its own, one thread: the floor any validating runner pays.
    let started = Instant::now();
    for _ in 0..n {
        let v: Value = serde_json::from_slice(&served).expect("json");
        assert!(validator.is_valid(&v));
    }
    let both = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    let started = Instant::now();
    for _ in 0..n {
        let v: Value = serde_json::from_slice(&served).expect("json");
        std::hint::black_box(v);
    }
    let parse = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!(
        "parse + validate one {} byte body alone: {both:.1} us (parse {parse:.1} us)",
        served.len(),
    );
    let run_all = |steps: &[Step], concurrency: usize| {
        let options = RunOptions { concurrency };
        let session = vouch::request::Session::new();
        let env = Environment::default();
        let send = vouch::request::SendOptions::default();
        let ctx = vouch::call::Context {
            contract: &contract,
            session: &session,
            env: &env,
            send: &send,
            cancel: None,
            accept_status: &[],
            allow_origins: &[],
        };
        let ran = rt.block_on(run(&ctx, steps, &options, |_| {}, |_| {}));
        assert_eq!(ran.summary.passed, steps.len(), "every call checks clean");
    };
    if std::env::var_os("VOUCH_BENCH_RUNNER_ONLY").is_some() {
        // For profiles of the runner alone.
        for _ in 0..5 {
            run_all(&vec![step.clone(); n], concurrencies[0]);
        }
        return;
    }
    let url = format!("{base}/things");
    let rounds = 5;
    for &c in &concurrencies {
        let client = reqwest::Client::new();
        let bare = |validate: bool| {
            let started = Instant::now();
            rt.block_on(
                stream::iter(0..n)
                    .map(|_| {
                        let client = client.clone();
                        let url = url.clone();
                        let validator = &validator;
                        async move {
                            let bytes = client
                                .get(&url)
                                .send()
                                .await
                                .expect("send")
                                .bytes()
                                .await
                                .expect("body");
                            if validate {
                                let v: Value = serde_json::from_slice(&bytes).expect("json");
                                assert!(validator.is_valid(&v));
                            }
                        }
                    })
                    .buffer_unordered(c)
                    .for_each(|_| async {}),
            );
            n as f64 / started.elapsed().as_secs_f64()
        };
        let steps = vec![step.clone(); n];
        let vouch = || {
            let started = Instant::now();
            run_all(&steps, c);
            n as f64 / started.elapsed().as_secs_f64()
        };
        // Rounds interleave the three ways (in a rotating order), so a noisy stretch of the
        // machine hits all of them; each figure is the median of its rounds.
        let (mut b, mut v, mut o) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            for k in 0..3 {
                match (round + k) % 3 {
                    0 => b.push(bare(false)),
                    1 => v.push(bare(true)),
                    _ => o.push(vouch()),
                }
            }
        }
        let (bare_rps, validating_rps, vouch_rps) = (median(b), median(v), median(o));
        println!(
            "concurrency {c} ({rounds} rounds of {n} calls, medians): bare reqwest {bare_rps:.0} req/s, \
             reqwest+serde_json+jsonschema {validating_rps:.0} req/s, \
             vouch runner (checked) {vouch_rps:.0} req/s = {:.2}x bare, {:.2}x validating",
            vouch_rps / bare_rps,
            vouch_rps / validating_rps
        );
    }
    for total in [10_000usize, 100_000] {
        let steps = vec![step.clone(); total];
        // Reset the high-water mark (Linux: clear_refs 5), so the peak is this run's.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let before = vm_hwm_kb();
        run_all(&steps, 10);
        let peak = vm_hwm_kb();
        println!(
            "{total} runner calls: peak RSS {} MB ({} MB of it the {total} steps given to the runner; the run added {} MB)",
            peak / 1024,
            before / 1024,
            peak.saturating_sub(before) / 1024
        );
    }
}

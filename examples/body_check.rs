//! Vouch's side of `bench/body-check.sh`: the response check of the 1 MB Stripe body (parse and
//! validate, as `vouch run` does for every call), ITER times, printing the median time of one
//! check in nanoseconds. `--write FILE` writes the body for the bare parse to read.
//!
//!     cargo run --release --example body_check -- --write body.json 200

use std::sync::Arc;
use std::time::Instant;

use vouch::contract::{Contract, ResponseParts};
use vouch::spec::{LoadOptions, Spec};

#[path = "../benches/common/stripe_body.rs"]
mod stripe_body;

// The allocator the `vouch` binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let write = match args.iter().position(|a| a == "--write") {
        Some(i) => {
            let file = args.get(i + 1).cloned().expect("--write FILE");
            args.drain(i..i + 2);
            Some(file)
        }
        None => None,
    };
    let iter: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    let stripe = stripe_body::corpus().join("specs/stripe/spec3.2022-04-12.json");
    let bytes = std::fs::read(&stripe).expect("stripe spec");
    let spec =
        Arc::new(Spec::from_bytes(&bytes, Some("stripe"), &LoadOptions::default()).expect("spec"));
    let (body, _) = stripe_body::bodies();
    if let Some(file) = write {
        std::fs::write(file, &body).expect("write the body");
    }
    let contract = Contract::new(spec.clone());
    let op = spec.resolve(spec.operation("GetCustomers").expect("operation"));
    let headers = vec![("content-type".to_string(), "application/json".to_string())];
    let parts = ResponseParts {
        method: "GET",
        status: 200,
        headers: &headers,
        body: &body,
        truncated: false,
    };
    // The first check compiles the validators; it is not what is measured.
    let verdict = contract.check_response(&op, &parts);
    assert!(verdict.passed() && verdict.notes.is_empty(), "{verdict:?}");
    let mut times = Vec::with_capacity(iter);
    for _ in 0..iter {
        let start = Instant::now();
        let verdict = contract.check_response(&op, &parts);
        std::hint::black_box(&verdict);
        times.push(start.elapsed().as_nanos());
    }
    times.sort_unstable();
    println!("{}", times.get(iter / 2).copied().unwrap_or(0));
}

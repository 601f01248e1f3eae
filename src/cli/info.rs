//! `vouch info`: where the store is, what seals its secrets, which version this is.

use std::process::ExitCode;

use vouch::store::KeySource;

use super::args::DataDir;

/// `vouch info` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataDir,
}

/// Runs `vouch info`.
pub fn run(a: Args) -> super::Result<ExitCode> {
    let store = a.data.open()?;
    println!("vouch {}", env!("CARGO_PKG_VERSION"));
    if let Some(dir) = store.path().parent() {
        println!("data folder: {}", dir.display());
    }
    println!(
        "store: {} (schema version {})",
        store.path().display(),
        store.schema_version()?
    );
    match store.key_source() {
        KeySource::Environment => println!("secrets sealed with: VOUCH_MASTER_KEY"),
        KeySource::File { path, .. } => {
            println!("secrets sealed with: the key file {}", path.display())
        }
        KeySource::Keychain { service, user, .. } => {
            println!("secrets sealed with: the OS keychain (service `{service}`, user `{user}`)")
        }
        KeySource::Ephemeral => println!("secrets sealed with: a key in memory only"),
    }
    Ok(ExitCode::SUCCESS)
}

//! The `vouch` command line: parses, dispatches to `cli/` (one module per command), prints.
//! Everything a command does beyond arguments and printing is in the engine, so the app does
//! it the same way.

mod cli;

// glibc's allocator is the largest cost of checking many small bodies across threads
// (benches/suite_throughput.rs); mimalloc is markedly faster there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // `VOUCH_LOG=debug` logs each exchange; every secret the engine knows is masked first.
    vouch::mask::init_log();
    cli::main()
}

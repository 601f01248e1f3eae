//! The Vouch desktop app: a Tauri v2 shell around the engine. Its commands (`commands.rs`) are
//! declared once, each a one-line call into [`vouch::workbench::Workbench`], and none runs on
//! the main thread; errors cross as `{kind, message, hint}`. Response bodies stay in the
//! engine and are read in pages (`body_bytes`).
//!
//! `vouch-app [SPEC_PATH_OR_URL | COLLECTION_FOLDER]` opens that at start.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod bindings;
mod commands;
mod painting;

use std::sync::Arc;

use vouch::workbench::Workbench;

fn main() {
    // `VOUCH_LOG=debug` logs each exchange, secrets masked, as the CLI does.
    vouch::mask::init_log();
    let first_arg = std::env::args().nth(1);
    let context = tauri::generate_context!();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Arc::new(Workbench::new(None)))
        .manage(commands::Startup(first_arg))
        .invoke_handler(commands::handler())
        .setup(|app| {
            use tauri::Manager;
            if let Some(window) = app.get_webview_window("main") {
                painting::choose(&window);
            }
            Ok(())
        })
        .run(context);
    if let Err(e) = result {
        eprintln!("error: the Vouch window could not start: {e}\n  hint: on Linux, a display (or Xvfb) and WebKitGTK 4.1 are needed");
        std::process::exit(1);
    }
}

//! The Vouch desktop app: a Tauri v2 shell around the engine. Commands here only translate
//! between the UI and `vouch` (none yet: the UI arrives with the desktop-app issue).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let context = tauri::generate_context!();
    if let Err(e) = tauri::Builder::default().run(context) {
        eprintln!("error: the Vouch window could not start: {e}\n  hint: on Linux, a display (or Xvfb) and WebKitGTK 4.1 are needed");
        std::process::exit(1);
    }
}

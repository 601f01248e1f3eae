//! A bare Tauri v2 window (a one-paragraph page served like the app's own, no commands, no
//! UI code): the baseline `bench/app-weight.sh` measures the app's memory against.

use tauri::{WebviewUrl, WebviewWindowBuilder};

fn main() {
    let mut context = tauri::generate_context!();
    // Not the app's window: one of our own, on a page of one paragraph.
    // Not the app's window: one of our own, on `ui/public/bare.html`.
    context.config_mut().app.windows.clear();
    let result = tauri::Builder::default()
        .setup(|app| {
            WebviewWindowBuilder::new(app, "bare", WebviewUrl::App("bare.html".into()))
                .title("bare")
                .inner_size(1200.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(context);
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

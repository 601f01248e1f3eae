//! How the window is painted. WebKitGTK composites every page with OpenGL; on a machine
//! without a GPU render node (a VM, a remote desktop, Xvfb in CI) that OpenGL is Mesa's
//! software rasteriser, which keeps a full-size texture per layer in the web process and buys
//! nothing over painting directly: there the window is painted in software, which measured
//! ~95 MB less for the same page (bench/app-weight.sh). With a GPU, WebKit's default stays.
//! `VOUCH_GPU=0` forces software painting, `VOUCH_GPU=1` compositing (any other value: the
//! rule above).

/// Applies the choice to the window's web view (Linux only; elsewhere the default stays).
pub fn choose(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        let gpu = match std::env::var("VOUCH_GPU").as_deref() {
            Ok("0") => false,
            Ok("1") => true,
            _ => has_render_node(std::path::Path::new("/dev/dri")),
        };
        if gpu {
            return;
        }
        let result = window.with_webview(|view| {
            use webkit2gtk::{SettingsExt, WebViewExt};
            if let Some(settings) = WebViewExt::settings(&view.inner()) {
                settings.set_hardware_acceleration_policy(
                    webkit2gtk::HardwareAccelerationPolicy::Never,
                );
            }
        });
        if let Err(e) = result {
            eprintln!("warning: the window keeps WebKit's default painting: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// Whether `dri` (`/dev/dri`) holds a render node (`renderD128`…): a GPU OpenGL can use.
#[cfg(target_os = "linux")]
fn has_render_node(dri: &std::path::Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::has_render_node;

    #[test]
    fn a_render_node_means_a_gpu() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(!has_render_node(&dir.path().join("absent")));
        std::fs::write(dir.path().join("card0"), "").expect("write");
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), "").expect("write");
        assert!(has_render_node(dir.path()));
    }
}

//! The Vouch desktop app: a Tauri v2 shell around the engine. Each command is one call into
//! [`vouch::workbench::Workbench`]; errors cross as `{kind, message, hint}`. Response bodies
//! stay in the engine and are read in pages (`body_page`).
//!
//! `vouch-app [SPEC_PATH_OR_URL | COLLECTION_FOLDER]` opens that at start.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use serde::Serialize;
use tauri::{Emitter, State};
use vouch::request::Draft;
use vouch::workbench::{
    CallView, CollectionRow, EnvView, HistoryRow, OperationForm, OperationRow, RunPoint, RunView,
    SpecSummary, Workbench, WorkbenchError,
};

/// An error as the UI receives it.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
struct AppError {
    kind: String,
    message: String,
    hint: String,
}

impl From<WorkbenchError> for AppError {
    fn from(e: WorkbenchError) -> Self {
        AppError {
            kind: e.kind().into(),
            message: e.to_string(),
            hint: e.hint(),
        }
    }
}

type Reply<T> = Result<T, AppError>;

/// What the app was started with (`vouch-app SPEC`), for the UI to open first.
struct Startup(Option<String>);

#[tauri::command]
fn startup(s: State<'_, Startup>) -> Option<String> {
    s.0.clone()
}

#[tauri::command]
async fn open_spec(source: String, wb: State<'_, Workbench>) -> Reply<SpecSummary> {
    Ok(wb.open(&source).await?)
}

#[tauri::command]
fn open_text(text: String, wb: State<'_, Workbench>) -> Reply<SpecSummary> {
    Ok(wb.open_text(&text)?)
}

#[tauri::command]
fn operations(wb: State<'_, Workbench>) -> Reply<Vec<OperationRow>> {
    Ok(wb.operations()?)
}

#[tauri::command]
fn operation_form(id: String, wb: State<'_, Workbench>) -> Reply<OperationForm> {
    Ok(wb.form(&id)?)
}

#[tauri::command]
async fn send(
    operation_id: Option<String>,
    draft: Draft,
    env: Option<String>,
    wb: State<'_, Workbench>,
) -> Reply<CallView> {
    Ok(wb.send(operation_id, draft, env).await?)
}

#[tauri::command]
fn lint_body(
    operation_id: String,
    text: String,
    wb: State<'_, Workbench>,
) -> Reply<Vec<vouch::contract::Finding>> {
    Ok(wb.lint_body(&operation_id, &text)?)
}

#[tauri::command]
fn cancel(wb: State<'_, Workbench>) {
    wb.cancel()
}

/// A page of a response body as raw bytes (a binary IPC response, not JSON); empty when the
/// body is gone.
#[tauri::command]
fn body_bytes(
    body_id: u32,
    offset: u32,
    len: u32,
    wb: State<'_, Workbench>,
) -> tauri::ipc::Response {
    tauri::ipc::Response::new(wb.body_slice(body_id, offset, len).unwrap_or_default())
}

#[tauri::command]
fn collections(wb: State<'_, Workbench>) -> Reply<Vec<CollectionRow>> {
    Ok(wb.collections()?)
}

#[tauri::command]
fn save_request(
    collection: String,
    name: String,
    operation_id: Option<String>,
    draft: Draft,
    wb: State<'_, Workbench>,
) -> Reply<()> {
    Ok(wb.save(&collection, &name, operation_id, draft)?)
}

#[tauri::command]
async fn run_suite(
    target: String,
    env: Option<String>,
    app: tauri::AppHandle,
    wb: State<'_, Workbench>,
) -> Reply<RunView> {
    Ok(wb
        .run(&target, env, |e| {
            let _ = app.emit("run-event", e);
        })
        .await?)
}

#[tauri::command]
fn export_collection(
    name: String,
    to: String,
    postman: bool,
    wb: State<'_, Workbench>,
) -> Reply<usize> {
    Ok(wb.export(&name, std::path::Path::new(&to), postman)?)
}

#[tauri::command]
fn create_suite(
    collection: String,
    name: String,
    requests: Vec<String>,
    wb: State<'_, Workbench>,
) -> Reply<()> {
    Ok(wb.create_suite(&collection, &name, &requests)?)
}

#[tauri::command]
fn runs(target: String, limit: usize, wb: State<'_, Workbench>) -> Reply<Vec<RunPoint>> {
    Ok(wb.runs(&target, limit)?)
}

#[tauri::command]
fn spec_changed(wb: State<'_, Workbench>) -> bool {
    wb.spec_changed()
}

#[tauri::command]
fn environments(wb: State<'_, Workbench>) -> Reply<Vec<String>> {
    Ok(wb.environments()?)
}

#[tauri::command]
fn environment_view(name: String, wb: State<'_, Workbench>) -> Reply<EnvView> {
    Ok(wb.environment_view(&name)?)
}

#[tauri::command]
fn save_environment(env: EnvView, wb: State<'_, Workbench>) -> Reply<()> {
    Ok(wb.save_environment(&env)?)
}

#[tauri::command]
fn history(limit: usize, wb: State<'_, Workbench>) -> Reply<Vec<HistoryRow>> {
    Ok(wb.history(limit)?)
}

#[tauri::command]
fn curl(operation_id: Option<String>, draft: Draft, wb: State<'_, Workbench>) -> String {
    wb.curl(operation_id, draft)
}

#[tauri::command]
fn import_collection(path: String, wb: State<'_, Workbench>) -> Reply<String> {
    Ok(wb.import(std::path::Path::new(&path))?)
}

fn main() {
    let first_arg = std::env::args().nth(1);
    let context = tauri::generate_context!();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Workbench::new(None))
        .manage(Startup(first_arg))
        .invoke_handler(tauri::generate_handler![
            startup,
            open_spec,
            open_text,
            operations,
            operation_form,
            send,
            lint_body,
            cancel,
            body_bytes,
            collections,
            save_request,
            run_suite,
            export_collection,
            import_collection,
            spec_changed,
            create_suite,
            runs,
            environments,
            environment_view,
            save_environment,
            history,
            curl
        ])
        .run(context);
    if let Err(e) = result {
        eprintln!("error: the Vouch window could not start: {e}\n  hint: on Linux, a display (or Xvfb) and WebKitGTK 4.1 are needed");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod bindings {
    //! The UI's TypeScript types are generated from these Rust types and committed in
    //! `ui/src/api/bindings/`; this test fails when they drift (`VOUCH_UPDATE_BINDINGS=1` to
    //! rewrite them).
    use std::path::{Path, PathBuf};

    use ts_rs::TS;

    fn generate(dir: &Path) {
        let cfg = ts_rs::Config::new().with_out_dir(dir);
        super::AppError::export_all(&cfg).expect("AppError");
        vouch::workbench::SpecSummary::export_all(&cfg).expect("SpecSummary");
        vouch::workbench::OperationRow::export_all(&cfg).expect("OperationRow");
        vouch::workbench::OperationForm::export_all(&cfg).expect("OperationForm");
        vouch::workbench::CallView::export_all(&cfg).expect("CallView");
        vouch::workbench::CollectionRow::export_all(&cfg).expect("CollectionRow");
        vouch::workbench::RunView::export_all(&cfg).expect("RunView");
        vouch::workbench::HistoryRow::export_all(&cfg).expect("HistoryRow");
        vouch::workbench::RunPoint::export_all(&cfg).expect("RunPoint");
        vouch::workbench::EnvView::export_all(&cfg).expect("EnvView");
        vouch::suite::Event::export_all(&cfg).expect("Event");
    }

    fn files(dir: &Path) -> Vec<(PathBuf, String)> {
        let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .map(|e| {
                        (
                            PathBuf::from(e.file_name()),
                            std::fs::read_to_string(e.path()).unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    #[test]
    fn typescript_bindings_are_current() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/api/bindings");
        if std::env::var_os("VOUCH_UPDATE_BINDINGS").is_some() {
            let _ = std::fs::remove_dir_all(&committed);
            generate(&committed);
        }
        let fresh = tempfile::tempdir().expect("tmp");
        generate(fresh.path());
        assert_eq!(
            files(&committed),
            files(fresh.path()),
            "ui/src/api/bindings is stale: run VOUCH_UPDATE_BINDINGS=1 cargo test -p vouch-app"
        );
    }
}

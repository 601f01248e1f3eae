//! The UI's side of the IPC contract, generated from the Rust one and committed: the types in
//! `ui/src/api/bindings/` (ts-rs) and the typed client `ui/src/api/commands.ts` (one function
//! per command of `commands.rs`). The tests here fail when either drifts;
//! `VOUCH_UPDATE_BINDINGS=1 cargo test -p vouch-app` rewrites them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ts_rs::{Dependency, TypeVisitor, TS};

/// The TypeScript client being generated: its functions and the bindings they import.
pub(crate) struct Client {
    cfg: ts_rs::Config,
    /// Type name → module path (relative to `ui/src/api/`, without `.ts`).
    imports: BTreeMap<String, String>,
    functions: String,
}

/// Tauri's key for a Rust argument (and our name for a command's function): camelCase.
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn doc_comment(docs: &[&str]) -> String {
    let lines: Vec<&str> = docs
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    match lines.as_slice() {
        [] => String::new(),
        [one] => format!("/** {one} */\n"),
        many => {
            let mut out = String::from("/**\n");
            for l in many {
                let _ = writeln!(out, " * {l}");
            }
            out + " */\n"
        }
    }
}

impl Client {
    fn new() -> Client {
        Client {
            cfg: ts_rs::Config::new(),
            imports: BTreeMap::new(),
            functions: String::new(),
        }
    }

    /// The TypeScript type of `T`, importing the bindings it names.
    pub(crate) fn ty<T: TS + 'static + ?Sized>(&mut self) -> String {
        struct Imports<'a>(&'a ts_rs::Config, &'a mut BTreeMap<String, String>);
        impl TypeVisitor for Imports<'_> {
            fn visit<U: TS + 'static + ?Sized>(&mut self) {
                if let Some(dep) = Dependency::from_ty::<U>(self.0) {
                    let module = dep.output_path.with_extension("");
                    let module = module.to_string_lossy().replace('\\', "/");
                    self.1.insert(dep.ts_name, format!("./bindings/{module}"));
                }
            }
        }
        let mut imports = Imports(&self.cfg, &mut self.imports);
        imports.visit::<T>();
        T::visit_generics(&mut imports);
        T::name(&self.cfg)
    }

    /// The TypeScript type of a command's result (`void` for `()`).
    pub(crate) fn result<T: TS + 'static>(&mut self) -> String {
        if std::any::TypeId::of::<T>() == std::any::TypeId::of::<()>() {
            "void".into()
        } else {
            self.ty::<T>()
        }
    }

    /// A command's function: `invoke` with the arguments under Tauri's (camelCase) keys.
    pub(crate) fn command(
        &mut self,
        name: &str,
        docs: &[&str],
        args: &[(&str, String)],
        ret: &str,
    ) {
        let params: Vec<String> = args
            .iter()
            .map(|(a, t)| format!("{}: {t}", camel(a)))
            .collect();
        let keys: Vec<String> = args.iter().map(|(a, _)| camel(a)).collect();
        let payload = if keys.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", keys.join(", "))
        };
        let _ = write!(
            self.functions,
            "\n{}export function {}({}): Promise<{ret}> {{\n  return invoke<{ret}>(\"{name}\"{payload});\n}}\n",
            doc_comment(docs),
            camel(name),
            params.join(", "),
        );
    }

    /// A listener of an event the shell emits with a `T` payload.
    fn event<T: TS + 'static>(&mut self, function: &str, event: &str, doc: &str) {
        let ty = self.ty::<T>();
        let _ = write!(
            self.functions,
            "\n/** {doc} */\nexport function {function}(f: (e: {ty}) => void): Promise<UnlistenFn> {{\n  return listen<{ty}>(\"{event}\", (m) => f(m.payload));\n}}\n",
        );
    }

    fn render(self) -> String {
        let mut out = String::from(
            "// Generated from src-tauri/src/commands.rs: do not edit. Regenerate with\n\
             // `VOUCH_UPDATE_BINDINGS=1 cargo test -p vouch-app` (a test fails when this drifts).\n\
             import { invoke } from \"@tauri-apps/api/core\";\n\
             import { listen, type UnlistenFn } from \"@tauri-apps/api/event\";\n\n",
        );
        for (name, module) in &self.imports {
            let _ = writeln!(out, "import type {{ {name} }} from \"{module}\";");
        }
        out + &self.functions
    }
}

/// The TypeScript client of every command (and of the run events).
pub(crate) fn client() -> String {
    let mut ts = Client::new();
    crate::commands::declare(&mut ts);
    ts.event::<vouch::suite::Event>(
        "onRunEvent",
        crate::commands::RUN_EVENT,
        "Progress of `runSuite`, as it runs.",
    );
    ts.event::<vouch::workbench::LoadTick>(
        "onLoadTick",
        crate::commands::LOAD_EVENT,
        "Each second of `loadSuite`, as it ends.",
    );
    ts.event::<vouch::mock::Served>(
        "onMockServed",
        crate::commands::MOCK_EVENT,
        "Each request served by the mock of `startMock`, as it is answered.",
    );
    ts.event::<vouch::fuzz::Event>(
        "onFuzzEvent",
        crate::commands::FUZZ_EVENT,
        "Progress of `fuzz`, as it runs.",
    );
    ts.render()
}

fn generate(dir: &Path) {
    let cfg = ts_rs::Config::new().with_out_dir(dir);
    crate::commands::AppError::export_all(&cfg).expect("AppError");
    vouch::workbench::SpecSummary::export_all(&cfg).expect("SpecSummary");
    vouch::workbench::OperationRow::export_all(&cfg).expect("OperationRow");
    vouch::workbench::OperationForm::export_all(&cfg).expect("OperationForm");
    vouch::workbench::CallView::export_all(&cfg).expect("CallView");
    vouch::workbench::SavedRef::export_all(&cfg).expect("SavedRef");
    vouch::workbench::InheritedView::export_all(&cfg).expect("InheritedView");
    vouch::workbench::CollectionRow::export_all(&cfg).expect("CollectionRow");
    vouch::workbench::RunView::export_all(&cfg).expect("RunView");
    vouch::workbench::HistoryRow::export_all(&cfg).expect("HistoryRow");
    vouch::workbench::RunPoint::export_all(&cfg).expect("RunPoint");
    vouch::workbench::EnvView::export_all(&cfg).expect("EnvView");
    vouch::workbench::ImportView::export_all(&cfg).expect("ImportView");
    vouch::suite::Event::export_all(&cfg).expect("Event");
    vouch::exchange::link::SyncReport::export_all(&cfg).expect("SyncReport");
    vouch::store::Trashed::export_all(&cfg).expect("Trashed");
    vouch::workbench::SavedView::export_all(&cfg).expect("SavedView");
    vouch::workbench::CheckMark::export_all(&cfg).expect("CheckMark");
    vouch::workbench::FreeRequest::export_all(&cfg).expect("FreeRequest");
    vouch::workbench::StepDetail::export_all(&cfg).expect("StepDetail");
    vouch::workbench::BodyLayout::export_all(&cfg).expect("BodyLayout");
    vouch::workbench::BodyLine::export_all(&cfg).expect("BodyLine");
    vouch::workbench::BodyHits::export_all(&cfg).expect("BodyHits");
    vouch::workbench::LoadSettings::export_all(&cfg).expect("LoadSettings");
    vouch::workbench::LoadView::export_all(&cfg).expect("LoadView");
    vouch::workbench::LoadTick::export_all(&cfg).expect("LoadTick");
    vouch::workbench::MockSettings::export_all(&cfg).expect("MockSettings");
    vouch::workbench::MockView::export_all(&cfg).expect("MockView");
    vouch::mock::Served::export_all(&cfg).expect("Served");
    vouch::workbench::FuzzSettings::export_all(&cfg).expect("FuzzSettings");
    vouch::workbench::FuzzView::export_all(&cfg).expect("FuzzView");
    vouch::fuzz::Event::export_all(&cfg).expect("FuzzEvent");
    vouch::workbench::SpecChangesView::export_all(&cfg).expect("SpecChangesView");
    vouch::workbench::LinkedChanges::export_all(&cfg).expect("LinkedChanges");
    vouch::diff::Resynced::export_all(&cfg).expect("Resynced");
    vouch::diff::Pick::export_all(&cfg).expect("Pick");
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

fn update() -> bool {
    std::env::var_os("VOUCH_UPDATE_BINDINGS").is_some()
}

#[test]
fn typescript_bindings_are_current() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/api/bindings");
    if update() {
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

#[test]
fn typescript_client_is_current() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/api/commands.ts");
    let fresh = client();
    if update() {
        std::fs::write(&committed, &fresh).expect("write ui/src/api/commands.ts");
    }
    let on_disk = std::fs::read_to_string(&committed).unwrap_or_default();
    let first_difference = on_disk
        .lines()
        .zip(fresh.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .map(|(n, (a, b))| format!("line {}: committed `{a}`, generated `{b}`", n + 1))
        .unwrap_or_else(|| "the files differ in length".into());
    assert!(
        on_disk == fresh,
        "ui/src/api/commands.ts is stale (a command or argument changed in commands.rs; \
         {first_difference}): run VOUCH_UPDATE_BINDINGS=1 cargo test -p vouch-app"
    );
}

#[test]
fn tauri_keys_are_camel_case() {
    assert_eq!(camel("operation_id"), "operationId");
    assert_eq!(camel("body_bytes"), "bodyBytes");
    assert_eq!(camel("startup"), "startup");
}

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

/// The `vouch` binary built for this test run, with its store (history, runs) in a folder of
/// this test process unless a test passes `--data-dir`, and its key in a key file (the OS
/// keychain is left to `keychain.rs`, which removes `VOUCH_KEYCHAIN` again).
pub fn vouch() -> std::process::Command {
    static DATA: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    // Made (with its key file) before any command runs, so no command's stderr starts with
    // the first open's note about where the key went, whichever test runs first.
    let data = DATA.get_or_init(|| {
        let dir = tempfile::tempdir().expect("data dir");
        let file_key = vouch::store::KeyOptions {
            master_key: None,
            keychain: false,
        };
        vouch::store::Store::open_with(dir.path(), Some(&file_key)).expect("store");
        dir
    });
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_vouch"));
    c.env("VOUCH_DATA_DIR", data.path());
    c.env("VOUCH_KEYCHAIN", "0");
    c
}

/// A reference service of `tests/servers/` (Python, on a free loopback port), started once per
/// test run and shared. It exits when the test process does (it watches its stdin).
pub struct Service {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    _child: std::sync::Mutex<std::process::Child>,
}

/// The Python interpreter of the test services' virtualenv (made by `./dev test`).
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("VOUCH_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/servers/.venv/bin/python");
    assert!(
        venv.exists(),
        "the test services' Python environment is missing at {}: run ./dev test (or ./dev setup) first",
        venv.display()
    );
    venv
}

impl Service {
    /// A reference service of this test's own (not shared): for tests that count what the
    /// service saw.
    pub fn own(app: &str) -> Service {
        Service::start(app)
    }

    fn start(app: &str) -> Service {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/servers");
        let mut child = Command::new(python())
            .arg(dir.join("serve.py"))
            .arg(app)
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the reference service");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the service prints its port");
        let port: u16 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("not a port: {line:?}"));
        let base = format!("http://127.0.0.1:{port}");
        // Wait until it answers (uvicorn starts serving right after the port is printed).
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        Service {
            base,
            _child: std::sync::Mutex::new(child),
        }
    }

    /// The FastAPI reference shop (tests/servers/shop.py).
    pub fn shop() -> &'static Service {
        static SHOP: std::sync::OnceLock<Service> = std::sync::OnceLock::new();
        SHOP.get_or_init(|| Service::start("shop:app"))
    }

    /// A URL on the service.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// A current-thread runtime for one test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// For servers that fail the test when never called: panics (unless already panicking) when
/// `hits` is zero.
pub fn assert_called(hits: &std::sync::atomic::AtomicUsize) {
    if !std::thread::panicking() {
        assert!(
            hits.load(std::sync::atomic::Ordering::SeqCst) > 0,
            "the test server was never called"
        );
    }
}

/// One checked call as `vouch check` makes it (routed from METHOD + concrete PATH, through
/// the engine's one send); panics when nothing matches or the call could not be made.
pub fn check(
    contract: &vouch::contract::Contract,
    session: &vouch::request::Session,
    env: &vouch::request::Environment,
    draft: &vouch::request::Draft,
) -> vouch::call::Checked {
    let send = vouch::request::SendOptions::default();
    let ctx = vouch::call::Context {
        contract,
        session,
        env,
        send: &send,
        cancel: None,
        accept_status: &[],
        allow_origins: &[],
    };
    runtime().block_on(async {
        let op = vouch::call::route(&ctx, &draft.method, &draft.path, draft.base_url.as_deref())
            .unwrap_or_else(|e| panic!("{} {}: {e}", draft.method, draft.path));
        let call = vouch::call::Call {
            operation_id: Some(&op.operation.id),
            draft,
            timeout: None,
            retries: 0,
            check: true,
        };
        let checked = vouch::call::send(&ctx, &call).await;
        if let Some(e) = &checked.error {
            panic!("{} {}: {e}", draft.method, draft.path);
        }
        checked
    })
}

/// Serves the router `make` builds (given its port) on a loopback port of its own, from a
/// one-worker runtime the caller keeps alive.
pub fn serve(make: impl FnOnce(u16) -> axum::Router) -> (u16, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("rt");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = make(port);
    runtime.spawn(async move { axum::serve(listener, app).await });
    (port, runtime)
}

/// A JSON or YAML file read independently of the engine (serde_json, serde-saphyr with no
/// size budget): what the engine's own reading is compared with.
pub fn read_independently(path: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(path).ok()?;
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).ok()
    } else {
        let mut budget = serde_saphyr::Budget::default();
        budget.max_events = usize::MAX;
        budget.max_nodes = usize::MAX;
        budget.max_total_scalar_bytes = usize::MAX;
        serde_saphyr::from_str_with_options(&text, serde_saphyr::options! { budget: Some(budget) })
            .ok()
    }
}

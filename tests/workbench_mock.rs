//! The app's Mock panel, engine side: a mock of the open spec started through the workbench
//! on a free loopback port, called over real HTTP, every request served handed to the log,
//! stopped (its port closed); and a clear error when no spec is open.

use std::sync::{Arc, Mutex};

use vouch::mock::Served;
use vouch::workbench::{MockSettings, Workbench};

use crate::util::{runtime, spec_path};

/// The settings the panel starts with: requests checked, the declared examples.
fn settings() -> MockSettings {
    MockSettings {
        validate: true,
        ..MockSettings::default()
    }
}

/// Whether something accepts connections at `url`'s host and port.
fn answers(url: &str) -> bool {
    let addr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    std::net::TcpStream::connect(addr).is_ok()
}

#[test]
fn a_mock_of_the_open_spec_serves_logs_and_stops() {
    let rt = runtime();
    let data = tempfile::tempdir().expect("tmp");
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    let spec = spec_path("fastapi/full-stack-fastapi-template.openapi.json");
    rt.block_on(wb.open(&spec)).expect("open");
    let seen: Arc<Mutex<Vec<Served>>> = Arc::default();
    let log = seen.clone();
    let view = rt
        .block_on(wb.start_mock(&settings(), move |s: &Served| {
            log.lock().expect("log").push(s.clone());
        }))
        .expect("start");
    // The template declares no server: the mock's origin is the whole URL.
    assert!(view.url.starts_with("http://127.0.0.1:"), "{}", view.url);
    assert!(!view.url.ends_with(":0"), "{}", view.url);
    assert_eq!(view.operations, 23);

    let client = reqwest::Client::new();
    let (status, body) = rt.block_on(async {
        let r = client
            .get(format!("{}/api/v1/items/", view.url))
            .header("Authorization", "Bearer t")
            .send()
            .await
            .expect("call the mock");
        (r.status().as_u16(), r.text().await.expect("body"))
    });
    assert_eq!(status, 200, "{body}");
    let listed: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert!(listed["data"].is_array(), "{listed}");

    // A broken request: the declared 422, and the log says where it broke the contract.
    let status = rt.block_on(async {
        client
            .get(format!("{}/api/v1/items/?skip=many", view.url))
            .header("Authorization", "Bearer t")
            .send()
            .await
            .expect("call the mock")
            .status()
            .as_u16()
    });
    assert_eq!(status, 422);

    let served = seen.lock().expect("log").clone();
    assert_eq!(served.len(), 2, "{served:?}");
    assert_eq!(
        (served[0].method.as_str(), served[0].target.as_str()),
        ("GET", "/api/v1/items/")
    );
    assert_eq!(served[0].status, 200);
    assert_eq!(
        served[0].operation.as_deref(),
        Some("items-read_items"),
        "{served:?}"
    );
    assert!(served[0].request_findings.is_empty(), "{served:?}");
    assert!(served[0].findings.is_empty(), "{served:?}");
    assert_eq!(served[1].status, 422);
    assert!(
        served[1]
            .request_findings
            .iter()
            .any(|f| f.contains("skip")),
        "{served:?}"
    );

    // Stopped: the port no longer answers.
    rt.block_on(wb.stop_mock());
    assert!(!answers(&view.url), "{} still answers", view.url);
    // Stopping again is nothing.
    rt.block_on(wb.stop_mock());
}

#[test]
fn starting_again_or_opening_another_spec_stops_the_mock() {
    let rt = runtime();
    let data = tempfile::tempdir().expect("tmp");
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    let spec = spec_path("fastapi/full-stack-fastapi-template.openapi.json");
    rt.block_on(wb.open(&spec)).expect("open");
    let first = rt
        .block_on(wb.start_mock(&settings(), |_: &Served| {}))
        .expect("start");
    let second = rt
        .block_on(wb.start_mock(&settings(), |_: &Served| {}))
        .expect("start again");
    assert_ne!(first.url, second.url);
    assert!(!answers(&first.url), "the first mock still answers");
    assert!(answers(&second.url), "the second mock does not answer");

    // Another spec: the mock of the old one stops (its task ends as soon as it runs).
    wb.open_text(r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#)
        .expect("open text");
    rt.block_on(async {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while answers(&second.url) && std::time::Instant::now() < until {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    });
    assert!(!answers(&second.url), "the mock outlived its spec");
}

#[test]
fn no_spec_open_is_a_clear_error() {
    let rt = runtime();
    let data = tempfile::tempdir().expect("tmp");
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    let err = rt
        .block_on(wb.start_mock(&settings(), |_: &Served| {}))
        .expect_err("nothing to mock");
    assert_eq!(err.kind(), "no-spec");
    assert_eq!(
        err.to_string(),
        "no spec is open, so there is nothing to mock"
    );
    assert!(err.hint().contains("open a spec"), "{}", err.hint());
    // Stopping when nothing serves is nothing.
    rt.block_on(wb.stop_mock());
}

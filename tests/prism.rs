//! Zero false alarms on real specs: a Prism mock (`@stoplight/prism-cli`, installed by ./dev
//! into tests/servers/node_modules) answers from each spec; Vouch calls every operation it
//! can fill and checks the answers. Every finding must be a real mismatch between Prism's
//! answer and the spec, and each one that occurs is listed below with why.

use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use vouch::contract::Contract;
use vouch::request::{Environment, Session};
use vouch::spec::{ParamLocation, Spec};

use crate::util::{load, spec_path};

struct Prism {
    child: Child,
    base: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn prism(spec: &str) -> Prism {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/servers/node_modules/.bin/prism");
    assert!(
        bin.exists(),
        "Prism is missing at {}: run ./dev test (or ./dev setup) first",
        bin.display()
    );
    let port = free_port();
    let mut child = Command::new(bin)
        .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string(), spec])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start prism");
    // Prism prints "Prism is listening" once the spec is loaded.
    let stdout = child.stdout.take().expect("stdout");
    let started = Instant::now();
    let mut ready = false;
    let mut lines = std::io::BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let Ok(line) = line else { break };
        if line.contains("is listening") {
            ready = true;
            break;
        }
        if started.elapsed() > Duration::from_secs(180) {
            break;
        }
    }
    assert!(ready, "Prism did not start on {spec}");
    // Keep reading its log, or Prism dies writing to a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Prism {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

/// A value for a parameter: its example, first enum value or default, else one by type.
fn sample(spec: &Spec, schema: Option<&vouch::spec::Loc>, example: Option<&Value>) -> String {
    if let Some(Value::String(s)) = example {
        return s.clone();
    }
    if let Some(v) = example {
        return v.to_string();
    }
    let Some((s, _)) = schema.and_then(|l| spec.deref(l)) else {
        return "1".into();
    };
    if let Some(v) = s
        .get("example")
        .or_else(|| s.get("default"))
        .or_else(|| s.get("enum").and_then(|e| e.get(0)))
    {
        return match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
    }
    match s.get("type").and_then(Value::as_str) {
        Some("integer" | "number") => "1".into(),
        Some("boolean") => "true".into(),
        _ => "abc".into(),
    }
}

/// Calls every GET operation (path and required query parameters filled) and returns
/// `operation: kind location | message` for each finding.
fn findings_against_prism(spec_rel: &str) -> (usize, Vec<String>) {
    let path = spec_path(spec_rel);
    let spec = Arc::new(load(&path).expect("spec"));
    let mock = prism(&path);
    let contract = Contract::new(spec.clone());
    let session = Session::new();
    // Credentials for every security scheme, so Prism's security check passes.
    let mut env = Environment::default();
    let schemes = spec
        .get(&vouch::spec::Loc::root("/components/securitySchemes"))
        .and_then(Value::as_object);
    for name in schemes.into_iter().flat_map(|m| m.keys()) {
        env.auth.insert(
            name.clone(),
            vouch::request::Credentials {
                token: Some("test-token".into()),
                value: Some("test-key".into()),
                ..Default::default()
            },
        );
    }
    let mut calls = 0;
    let mut out = Vec::new();
    for op in spec
        .operations()
        .iter()
        .filter(|o| o.method.eq_ignore_ascii_case("get"))
    {
        let detail = spec.resolve(op);
        let mut concrete = op.path.clone();
        let mut query = Vec::new();
        for p in &detail.parameters {
            let example = spec.get(&p.at).and_then(|v| v.get("example"));
            let value = sample(&spec, p.schema.as_ref(), example);
            match p.location {
                ParamLocation::Path => {
                    concrete = concrete.replace(&format!("{{{}}}", p.name), &value)
                }
                ParamLocation::Query if p.required => query.push((p.name.clone(), value)),
                _ => {}
            }
        }
        let draft = vouch::request::Draft {
            method: "GET".into(),
            path: concrete,
            base_url: Some(mock.base.clone()),
            query,
            ..vouch::request::Draft::default()
        };
        let report = crate::util::check(&contract, &session, &env, &draft);
        calls += 1;
        for f in &report.findings {
            out.push(format!(
                "{}: {} {} | {}",
                op.id,
                f.kind.as_str(),
                f.location,
                f.message
            ));
        }
    }
    (calls, out)
}

#[test]
fn petstore_expanded_has_no_false_alarm() {
    let (calls, findings) = findings_against_prism("oai-examples/v3.0/petstore-expanded.yaml");
    assert_eq!(calls, 2);
    assert_eq!(findings, Vec::<String>::new());
}

#[test]
fn openai_31_has_no_false_alarm() {
    let (calls, findings) = findings_against_prism("vendor/openai/openapi.yaml");
    assert!(calls > 20, "{calls}");
    let schema_as_string = "expected object, got string \"{\\n  \\\"type\\\": \\\"object\\\",\\n  \\\"properties\\\": {\\n    \\\"item…";
    assert_eq!(
        findings,
        [
            // The spec's own example of an eval writes `data_source_config.schema` as a JSON
            // *string*; its schema (EvalCustomDataSourceConfig) says `type: object`. Prism
            // serves the example.
            format!("listEvals: body /data/0/data_source_config/schema | `/data/0/data_source_config/schema`: {schema_as_string}"),
            format!("getEval: body /data_source_config/schema | `/data_source_config/schema`: {schema_as_string}"),
            // The example response omits `logprobs`, which OutputTextContent requires, and
            // sets `user: null`, which ModelResponseProperties types as a plain string.
            "getResponse: body /output/0/content/0/logprobs | `/output/0/content/0/logprobs`: required property is missing".into(),
            "getResponse: body /user | `/user`: expected string, got null".into(),
            "beta_getResponse: body /output/0/content/0/logprobs | `/output/0/content/0/logprobs`: required property is missing".into(),
            "beta_getResponse: body /user | `/user`: expected string, got null".into(),
        ]
    );
}

#[test]
fn giphy_has_no_false_alarm() {
    let (calls, findings) = findings_against_prism("apis-guru/giphy.com.json");
    assert!(calls >= 5, "{calls}");
    assert_eq!(findings, Vec::<String>::new());
}

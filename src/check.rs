//! One checked call: find the operation a method + concrete path belongs to, build the
//! request, check it, send it, check the response. What `vouch check` and the app's Send
//! button both run.

use serde::Serialize;
use thiserror::Error;

use crate::contract::{Contract, Finding, Verdict};
use crate::request::{
    self, Body, Draft, Environment, Exchange, RequestError, SendOptions, Session,
};
use crate::store::HistoryEntry;

/// A call to check.
#[derive(Debug, Clone, Default)]
pub struct Call {
    /// HTTP method.
    pub method: String,
    /// Concrete path (`/items/13`), maybe with a query string.
    pub path: String,
    /// Overrides the spec's servers.
    pub base_url: Option<String>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Extra query pairs.
    pub query: Vec<(String, String)>,
    /// The body.
    pub body: Option<Body>,
    /// How to send.
    pub send: SendOptions,
    /// Cancels the call (the app's Cancel button).
    pub cancel: Option<tokio_util::sync::CancellationToken>,
}

/// Why a call could not be made (not: why it failed the contract — that is a finding).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CheckError {
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
    /// Building or sending the request failed.
    #[error(transparent)]
    Request(#[from] RequestError),
}

impl CheckError {
    /// What the user can do about it.
    pub fn hint(&self) -> String {
        match self {
            CheckError::NoOperation { other_methods, .. } if !other_methods.is_empty() => {
                format!("this path takes {}", other_methods.join(", "))
            }
            CheckError::NoOperation { .. } => {
                "PATH is the operation's path with its parameters filled in (e.g. /items/13); `vouch inspect SPEC` lists them".into()
            }
            CheckError::Request(e) => e.hint().to_string(),
        }
    }

    /// A stable identifier of the error kind.
    pub fn kind(&self) -> &'static str {
        match self {
            CheckError::NoOperation { .. } => "no-operation",
            CheckError::Request(e) => e.kind(),
        }
    }
}

/// The request side of a report.
#[derive(Debug, Clone, Serialize)]
pub struct RequestSummary {
    /// Method sent.
    pub method: String,
    /// URL sent (secrets masked).
    pub url: String,
    /// The operation's id.
    pub operation: String,
}

/// The response side of a report.
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

/// A checked call: what was sent, what came back, and every finding (request findings first).
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// What was sent.
    pub request: RequestSummary,
    /// What came back.
    pub response: ResponseSummary,
    /// Where the exchange breaks the contract.
    pub findings: Vec<Finding>,
    /// What could not be checked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The response itself (body included), for callers that show it.
    #[serde(skip)]
    pub exchange: Exchange,
    /// What was asked for, to send it again (from history).
    #[serde(skip)]
    pub draft: Draft,
}

impl CheckReport {
    /// The call as the store's history keeps it: URL and findings as reported (environment
    /// secrets masked), credential headers masked by name.
    pub fn history_entry(&self) -> HistoryEntry {
        let mut draft = self.draft.clone();
        let mut masked = Vec::new();
        for (name, value) in draft.headers.iter_mut().chain(draft.query.iter_mut()) {
            if request::is_sensitive_header(name) {
                masked.push(std::mem::replace(value, "••••••".into()));
            }
        }
        HistoryEntry {
            id: 0,
            at: String::new(),
            method: self.request.method.clone(),
            url: request::redact(&self.request.url, &masked),
            operation_id: Some(self.request.operation.clone()),
            status: Some(self.response.status),
            elapsed_ms: Some(self.response.elapsed_ms),
            findings: serde_json::to_value(&self.findings).unwrap_or_default(),
            draft: serde_json::to_value(&draft).unwrap_or_default(),
        }
    }
}

/// Finds the operation, builds, checks, sends and checks again.
pub async fn check_call(
    contract: &Contract,
    session: &Session,
    call: &Call,
    env: &Environment,
) -> Result<CheckReport, CheckError> {
    let spec = contract.spec();
    let path_only = call.path.split('?').next().unwrap_or(&call.path);
    // The server's own base path may lead the concrete path; routing looks past it.
    let base = request::base_url(spec, None, call.base_url.as_deref(), env)
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    let Some(found) = request::route(spec, &call.method, path_only, &base) else {
        let other_methods = spec
            .operations()
            .iter()
            .filter(|o| {
                request::route(spec, &o.method, path_only, &base)
                    .is_some_and(|r| r.operation.pointer == o.pointer)
            })
            .map(|o| o.method.to_ascii_uppercase())
            .collect();
        return Err(CheckError::NoOperation {
            method: call.method.to_ascii_uppercase(),
            path: call.path.clone(),
            other_methods,
        });
    };
    let detail = contract.detail(found.operation);
    let draft = Draft {
        method: call.method.clone(),
        path: call.path.clone(),
        params: Vec::new(),
        query: call.query.clone(),
        headers: call.headers.clone(),
        body: call.body.clone(),
        auth: None,
        base_url: call.base_url.clone(),
    };
    // `prepare` reads the path parameters back from the concrete path, as `route` did.
    let prepared = request::prepare(spec, Some(&detail), &draft, env)?;
    let Verdict {
        mut findings,
        mut notes,
    } = contract.check_request(&detail, &prepared.parts());
    let exchange = session
        .send(&prepared, &call.send, call.cancel.as_ref())
        .await?;
    let verdict = contract.check_response(&detail, &exchange.parts());
    findings.extend(verdict.findings);
    notes.extend(verdict.notes);
    Ok(CheckReport {
        request: RequestSummary {
            method: prepared.method.clone(),
            url: prepared.redact(prepared.url.as_str()),
            operation: detail.operation.id.clone(),
        },
        response: ResponseSummary {
            status: exchange.status,
            content_type: exchange.header("content-type").map(str::to_string),
            elapsed_ms: (exchange.elapsed_ms * 10.0).round() / 10.0,
            ttfb_ms: (exchange.ttfb_ms * 10.0).round() / 10.0,
            size: exchange.size,
            http_version: exchange.http_version.clone(),
        },
        findings: findings
            .into_iter()
            .map(|mut f| {
                f.message = prepared.redact(&f.message);
                f.actual = serde_json::from_str(&prepared.redact(&f.actual.to_string()))
                    .unwrap_or(f.actual);
                f
            })
            .collect(),
        notes,
        exchange,
        draft,
    })
}

//! What can stop a request from being built or sent.

use thiserror::Error;

/// A request that could not be built or sent. Each reads as a title; [`RequestError::hint`]
/// says what to do about it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RequestError {
    /// `{{name}}` names no variable of the environment.
    #[error("unknown variable {{{{{name}}}}} in {context}")]
    UnknownVariable {
        /// The variable.
        name: String,
        /// Where it was used.
        context: String,
    },
    /// The environment file cannot be read or is not an environment.
    #[error("environment {path}: {detail}")]
    Environment {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// No base URL: the spec names no usable server and none was given.
    #[error("no base URL: {detail}")]
    NoBaseUrl {
        /// Why the spec's servers do not give one.
        detail: String,
    },
    /// A URL that does not parse.
    #[error("invalid URL {url}: {detail}")]
    InvalidUrl {
        /// The URL as built.
        url: String,
        /// The parser's complaint.
        detail: String,
    },
    /// A value that cannot be put where it has to go (a header with a newline, say).
    #[error("invalid request: {0}")]
    Invalid(String),
    /// A file named in a multipart body or `@file` cannot be read.
    #[error("cannot read {path}: {detail}")]
    File {
        /// The file.
        path: String,
        /// The OS error.
        detail: String,
    },
    /// The server could not be reached.
    #[error("could not connect to {url}: {detail}")]
    Connect {
        /// Where.
        url: String,
        /// The underlying error, innermost cause last.
        detail: String,
    },
    /// The server did not answer in time.
    #[error("{url} did not answer within {seconds} s")]
    Timeout {
        /// Where.
        url: String,
        /// The limit that ran out.
        seconds: f64,
    },
    /// Too many redirects.
    #[error("too many redirects from {url}")]
    Redirects {
        /// Where the chain started.
        url: String,
    },
    /// Fetching an OAuth2 token failed.
    #[error("OAuth2 token from {token_url}: {detail}")]
    Token {
        /// The token endpoint.
        token_url: String,
        /// What went wrong.
        detail: String,
    },
    /// Any other transport failure.
    #[error("request to {url} failed: {detail}")]
    Transport {
        /// Where.
        url: String,
        /// The underlying error.
        detail: String,
    },
    /// The server closed a kept-alive connection after its previous response, before this
    /// (non-idempotent) request was answered; it was not retried, since it may have been
    /// received.
    #[error("{url}: the server closed the connection after the previous response, before answering this {method}")]
    ConnectionClosed {
        /// Where.
        url: String,
        /// The method not retried.
        method: String,
    },
    /// The environment has credentials for a security scheme the spec does not define.
    #[error("the environment has credentials for `{name}`, which is not a security scheme of the spec (it has: {})", if known.is_empty() { "none".to_string() } else { known.join(", ") })]
    UnknownScheme {
        /// The name in the environment.
        name: String,
        /// The spec's schemes.
        known: Vec<String>,
    },
    /// The call was cancelled.
    #[error("cancelled")]
    Cancelled,
}

impl RequestError {
    /// A stable identifier for the error kind (for the app and JSON output).
    pub fn kind(&self) -> &'static str {
        match self {
            RequestError::UnknownVariable { .. } => "unknown-variable",
            RequestError::Environment { .. } => "environment",
            RequestError::NoBaseUrl { .. } => "no-base-url",
            RequestError::InvalidUrl { .. } => "invalid-url",
            RequestError::Invalid(_) => "invalid-request",
            RequestError::File { .. } => "file",
            RequestError::Connect { .. } => "connect",
            RequestError::Timeout { .. } => "timeout",
            RequestError::Redirects { .. } => "redirects",
            RequestError::Token { .. } => "token",
            RequestError::Transport { .. } => "transport",
            RequestError::ConnectionClosed { .. } => "connection-closed",
            RequestError::UnknownScheme { .. } => "unknown-scheme",
            RequestError::Cancelled => "cancelled",
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            RequestError::UnknownVariable { .. } => "define it in the environment (--env in the CLI, the environment picker in the app) or fix the name",
            RequestError::Environment { .. } => "an environment is YAML or JSON: `variables:` (name: value, or name: {value, secret: true}) and optional `auth:`",
            RequestError::NoBaseUrl { .. } => "give a base URL, e.g. http://127.0.0.1:8000 (--base-url in the CLI, the base URL field in the app)",
            RequestError::InvalidUrl { .. } => "check the base URL and the path",
            RequestError::Invalid(_) => "header names and values cannot contain line breaks",
            RequestError::File { .. } => "check the path; files are read relative to the current directory",
            RequestError::Connect { .. } => "is the service running, and is the base URL right? For a self-signed certificate, allow insecure TLS (--insecure)",
            RequestError::Timeout { .. } => "raise the timeout (--timeout) if the service is just slow",
            RequestError::Redirects { .. } => "the service redirects in a loop, or more than the limit allows",
            RequestError::Token { .. } => "check the client id/secret or username/password in the environment's auth section, and that the token URL answers",
            RequestError::Transport { .. } => "set VOUCH_LOG=debug in the environment of vouch or the app to log each exchange",
            RequestError::ConnectionClosed { .. } => "the server drops kept-alive connections after some responses (uvicorn does after an unhandled 500); only idempotent methods are retried",
            RequestError::UnknownScheme { .. } => "name credentials after one of the spec's security schemes (components/securitySchemes)",
            RequestError::Cancelled => "",
        }
    }
}

/// Result of request building and sending.
pub type Result<T> = std::result::Result<T, RequestError>;

/// The chain of causes of an error, joined, so "connection refused" is not lost behind
/// "error sending request".
pub(crate) fn causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let s = c.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = c.source();
    }
    out
}

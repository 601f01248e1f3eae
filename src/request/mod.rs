//! Requests: from an operation and the user's values (a [`Draft`]) to the exact bytes that go
//! on the wire (a [`Prepared`] request), and sending them ([`Session`]).
//!
//! Building never fails on values that break the contract: a deliberately invalid request is
//! built as asked (negative tests); the contract check reports what is wrong with it.

mod auth;
mod env;
mod error;
pub mod params;
mod route;
mod send;
mod timing;
mod tls;

use serde::Serialize;
use serde_json::Value;
use url::Url;

pub(crate) use auth::expected_auth;
pub use auth::{check_schemes, scheme_names, Auth, OAuthFlow, OAuthGrant};
pub use env::{variable_names, Credentials, Environment, Variable};
pub use error::{RequestError, Result};
pub use route::{route, Route};
pub use send::{Exchange, SendOptions, Session};

use crate::contract::RequestParts;
use crate::spec::{OperationDetail, ParamLocation, Spec};

/// A value given for one of the operation's parameters.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ParamValue {
    /// The parameter's name.
    pub name: String,
    /// Where it goes.
    #[serde(rename = "in")]
    pub location: ParamLocation,
    /// Its value: a scalar, an array or an object, serialised by the parameter's style.
    pub value: Value,
}

/// One part of a `multipart/form-data` body.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Part {
    /// Field name.
    pub name: String,
    /// Text, or a file read when the request is prepared.
    pub value: PartValue,
}

/// What a multipart part carries.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartValue {
    /// A text field.
    Text(String),
    /// A file from disk.
    File {
        /// Path of the file.
        path: std::path::PathBuf,
        /// File name to send (default: the path's file name).
        filename: Option<String>,
        /// Media type of the part (default: application/octet-stream).
        content_type: Option<String>,
    },
}

/// A request body.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// A JSON document (`application/json` unless a Content-Type header says otherwise).
    Json(Value),
    /// `application/x-www-form-urlencoded` fields.
    Form(Vec<(String, String)>),
    /// `multipart/form-data` parts.
    Multipart(Vec<Part>),
    /// Text with its media type.
    Text {
        /// Media type.
        content_type: String,
        /// The text.
        text: String,
    },
    /// Raw bytes with their media type.
    Bytes {
        /// Media type.
        content_type: String,
        /// The bytes.
        bytes: Vec<u8>,
    },
}

/// What the user wants sent: an operation's method and path plus values. Strings anywhere
/// may hold `{{variable}}`s of the environment.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Draft {
    /// HTTP method.
    pub method: String,
    /// The path template (`/items/{id}`), filled from `params`, or a concrete path
    /// (`/items/13?q=x`).
    pub path: String,
    /// Values of declared parameters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamValue>,
    /// Extra query pairs, sent as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    /// Extra headers, sent as given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// The body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// Explicit auth; without it, credentials come from the environment by security scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    /// Overrides the spec's servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// How it is sent: time limit, retries, redirects, TLS verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub settings: Option<Settings>,
}

/// How one request is sent, when it differs from the run's or the window's defaults (a suite
/// step's overrides win over these).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Settings {
    /// Time limit of the whole exchange, in milliseconds (at most [`MAX_TIMEOUT_MS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "number"))]
    pub timeout_ms: Option<u64>,
    /// Attempts after a failure to get a response (at most `call::MAX_RETRIES`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub retries: Option<u32>,
    /// Whether redirects are followed (by default they are, up to 10); when not, the 3xx is
    /// the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub follow_redirects: Option<bool>,
    /// Whether the server's TLS certificate is verified (by default it is). An opt-out is
    /// local to this machine: never exported, never taken from shared material.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub verify_tls: Option<bool>,
}

/// The longest time limit a request may set (10 minutes): shared material cannot make a run
/// wait for ever.
pub const MAX_TIMEOUT_MS: u64 = 600_000;

impl Draft {
    /// The draft's settings, the defaults when it has none.
    pub fn settings(&self) -> Settings {
        self.settings.clone().unwrap_or_default()
    }
}

/// A request ready to send: the exact URL, headers and body bytes.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// HTTP method.
    pub method: String,
    /// Full URL, query included.
    pub url: Url,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes, when there is a body.
    pub body: Option<Vec<u8>>,
    /// Path parameter values as put in the URL (for the request check).
    pub path_params: Vec<(String, String)>,
    /// A token to fetch before sending.
    pub oauth: Option<OAuthGrant>,
    /// Values never to print or store (secret variables, credentials), in every form.
    pub mask: crate::mask::Mask,
}

impl Prepared {
    /// The request split into what the contract describes, for [`crate::contract::Contract::check_request`].
    pub fn parts(&self) -> RequestParts {
        RequestParts {
            path: self.path_params.clone(),
            query: self
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            headers: self.headers.clone(),
            body: self.body.clone(),
        }
    }

    /// `text` with every secret replaced by `••••••`.
    pub fn redact(&self, text: &str) -> String {
        self.mask.text(text)
    }
}

/// Whether `method` is an HTTP method token (RFC 9110 §5.6.2): what is sent, indexed,
/// imported and written into a cURL line; anything else (`GET$(curl …|sh)`) is refused.
pub fn is_method(method: &str) -> bool {
    !method.is_empty()
        && method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether a header's value is a credential by its name alone (`Authorization`, cookies,
/// API keys, tokens, secrets): such values are masked in history and never exported.
pub fn is_sensitive_header(name: &str) -> bool {
    // Called for every header and query pair of every call: lowercased on the stack.
    let mut buf = [0u8; 64];
    let lowered;
    let n: &str = match buf.get_mut(..name.len()) {
        Some(b) => {
            b.copy_from_slice(name.as_bytes());
            b.make_ascii_lowercase();
            std::str::from_utf8(b).unwrap_or(name)
        }
        None => {
            lowered = name.to_ascii_lowercase();
            &lowered
        }
    };
    matches!(
        n,
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || [
        "token", "secret", "api-key", "apikey", "api_key", "password", "session",
    ]
    .iter()
    // A plain window scan: the names are short, a substring searcher's set-up dominates.
    .any(|w| n.as_bytes().windows(w.len()).any(|x| x == w.as_bytes()))
        || n.ends_with("-key")
        || n.ends_with("-auth")
}

/// The base URL requests go to: the override, else the first server of the operation (its
/// variables from the environment or their defaults), resolved against the spec's own URL when
/// relative (FastAPI serves its spec without `servers`: the service is where the spec came from).
pub fn base_url(
    spec: &Spec,
    op: Option<&OperationDetail>,
    over: Option<&str>,
    env: &Environment,
) -> Result<Url> {
    if let Some(u) = over {
        let u = env.interpolate(u, "the base URL")?;
        return Url::parse(&u).map_err(|e| RequestError::InvalidUrl {
            url: u.clone(),
            detail: e.to_string(),
        });
    }
    let url = server_text(spec, op, env)?;
    match Url::parse(&url) {
        Ok(u) => Ok(u),
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let from = spec.documents().url(crate::spec::DocId::ROOT);
            if matches!(from.scheme(), "http" | "https") {
                from.join(&url).map_err(|e| RequestError::InvalidUrl {
                    url,
                    detail: e.to_string(),
                })
            } else {
                Err(RequestError::NoBaseUrl {
                    detail: format!("the spec's server URL `{url}` is relative and the spec was read from a file"),
                })
            }
        }
        Err(e) => Err(RequestError::InvalidUrl {
            url,
            detail: e.to_string(),
        }),
    }
}

/// The first server's URL as text: the operation's effective servers, or the document's when
/// no operation is targeted, its variables from the environment or their defaults, its
/// `{{variables}}` replaced. Maybe relative.
fn server_text(spec: &Spec, op: Option<&OperationDetail>, env: &Environment) -> Result<String> {
    let (mut url, variables): (String, Vec<(String, String)>) =
        match op.and_then(|o| o.servers.first()) {
            Some(s) => (
                s.url.clone(),
                s.variables
                    .iter()
                    .map(|v| (v.name.clone(), v.default.clone()))
                    .collect(),
            ),
            None => {
                let root = spec.get(&crate::spec::Loc::root("/servers/0"));
                let url = root
                    .and_then(|s| s.get("url"))
                    .and_then(Value::as_str)
                    .unwrap_or("/")
                    .to_string();
                let vars = root
                    .and_then(|s| s.get("variables"))
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| {
                                (
                                    k.clone(),
                                    v.get("default")
                                        .and_then(Value::as_str)
                                        .unwrap_or("")
                                        .to_string(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                (url, vars)
            }
        };
    for (name, default) in &variables {
        let value = env
            .variables
            .get(name)
            .map(|x| x.value.clone())
            .unwrap_or_else(|| default.clone());
        url = url.replace(&format!("{{{name}}}"), &value);
    }
    env.interpolate(&url, "the server URL")
}

/// The path of the spec's first server, filled as for [`base_url`] (`/v2` for
/// `https://api.example.com/v2`, `/api/v1` for a relative `/api/v1`); segments of variables
/// left unfilled are dropped. What a mock serves the spec's routes under.
pub fn base_path(spec: &Spec, env: &Environment) -> String {
    server_text(spec, None, env)
        .map(|u| server_path(&u))
        .unwrap_or_default()
}

/// The path part of a server URL, without empty segments or segments holding a variable.
fn server_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = if url.contains("://") {
        after_scheme.find('/').map_or("", |i| &after_scheme[i..])
    } else {
        after_scheme
    };
    path.split('/')
        .filter(|s| !s.is_empty() && !s.contains('{'))
        .fold(String::new(), |mut acc, s| {
            acc.push('/');
            acc.push_str(s);
            acc
        })
}

/// Builds the request for `draft`: path, query, headers and cookies serialised by each
/// parameter's style; the body encoded; auth applied; every `{{variable}}` replaced.
/// `op` is the operation the draft targets (None sends the draft as a plain HTTP request).
pub fn prepare(
    spec: &Spec,
    op: Option<&OperationDetail>,
    draft: &Draft,
    env: &Environment,
) -> Result<Prepared> {
    if !is_method(&draft.method) {
        return Err(RequestError::Invalid(format!(
            "`{}` is not an HTTP method",
            draft.method
        )));
    }
    let mut mask = env.mask();
    let base = base_url(spec, op, draft.base_url.as_deref(), env)?;
    let values = param_values(op, draft, env)?;
    let (raw_path, raw_query) = match draft.path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (draft.path.as_str(), None),
    };
    let raw_path = env.interpolate(raw_path, "the path")?;
    let (path, path_params) = fill_path(op, &base, &raw_path, &values);
    let mut url_text = base.as_str().trim_end_matches('/').to_string();
    if !path.starts_with('/') {
        url_text.push('/');
    }
    url_text.push_str(&path);
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut cookies: Vec<String> = Vec::new();
    let query = query_and_headers(
        draft,
        env,
        raw_query,
        &values,
        &mut headers,
        &mut cookies,
        &mut mask,
    )?;
    if !query.is_empty() {
        url_text.push('?');
        url_text.push_str(&query.join("&"));
    }
    let mut url = Url::parse(&url_text).map_err(|e| RequestError::InvalidUrl {
        url: url_text.clone(),
        detail: e.to_string(),
    })?;
    let body = encode_body(draft, env, &mut headers)?;
    // Auth: the draft's own, else the environment's credentials for the operation's schemes.
    let auth = match &draft.auth {
        Some(a) => Some(a.interpolate(env)?),
        None => match op {
            Some(o) => auth::from_environment(spec, o, env, &base)?,
            None => None,
        },
    };
    let mut oauth = None;
    if let Some(a) = auth {
        a.mask_into(&mut mask);
        oauth = a.apply(&mut headers, &mut cookies, &mut url);
    }
    if !cookies.is_empty() {
        headers.push(("Cookie".into(), cookies.join("; ")));
    }
    no_line_breaks(&headers)?;
    Ok(Prepared {
        method: draft.method.to_ascii_uppercase(),
        url,
        headers,
        body,
        path_params,
        oauth,
        mask,
    })
}

/// Refuses a header whose name or value holds a line break (header injection).
fn no_line_breaks(headers: &[(String, String)]) -> Result<()> {
    match headers
        .iter()
        .find(|(k, v)| k.contains(['\r', '\n']) || v.contains(['\r', '\n']))
    {
        Some((k, _)) => Err(RequestError::Invalid(format!(
            "header `{}` contains a line break",
            k.trim()
        ))),
        None => Ok(()),
    }
}

/// Each parameter value of the draft, interpolated, with its declaration (or a plain one
/// when the operation declares none of that name).
fn param_values(
    op: Option<&OperationDetail>,
    draft: &Draft,
    env: &Environment,
) -> Result<Vec<(crate::spec::Parameter, Value)>> {
    let fallback = |name: &str, loc: ParamLocation| crate::spec::Parameter {
        name: name.into(),
        location: loc,
        required: false,
        deprecated: false,
        style: if matches!(loc, ParamLocation::Query | ParamLocation::Cookie) {
            "form"
        } else {
            "simple"
        }
        .into(),
        explode: matches!(loc, ParamLocation::Query | ParamLocation::Cookie),
        allow_reserved: false,
        schema: None,
        content: Vec::new(),
        description: None,
        at: crate::spec::Loc::root(""),
    };
    let mut values = Vec::with_capacity(draft.params.len());
    for p in &draft.params {
        let v = env.interpolate_json(
            &p.value,
            &format!("{} parameter `{}`", p.location.name(), p.name),
        )?;
        let decl = op
            .and_then(|o| {
                o.parameters
                    .iter()
                    .find(|d| d.name == p.name && d.location == p.location)
            })
            .cloned()
            .unwrap_or_else(|| fallback(&p.name, p.location));
        values.push((decl, v));
    }
    Ok(values)
}

/// The path with its `{name}` placeholders filled (a concrete path is taken as it is), and
/// the path parameters as put in the URL (read back from a concrete path by the template).
fn fill_path(
    op: Option<&OperationDetail>,
    base: &Url,
    raw_path: &str,
    values: &[(crate::spec::Parameter, Value)],
) -> (String, Vec<(String, String)>) {
    let mut path = String::new();
    let mut path_params = Vec::new();
    let mut rest = raw_path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        path.push_str(&rest[..open]);
        match values
            .iter()
            .find(|(d, _)| d.location == ParamLocation::Path && d.name == name)
        {
            Some((d, v)) => {
                let text = params::path_value(d, v);
                path.push_str(&params::encode_path(&text));
                path_params.push((name.to_string(), text));
            }
            None => path.push_str(&params::encode_path(&rest[open..open + close + 1])),
        }
        rest = &rest[open + close + 1..];
    }
    path.push_str(rest);
    if let Some(o) = op {
        if path_params.is_empty() && !raw_path.contains('{') {
            if let Some(found) =
                route::match_template(&o.operation.path, &strip_base(base, raw_path))
            {
                path_params = found;
            }
        }
    }
    (path, path_params)
}

/// The query pairs (the path's own, parameters by style, the draft's extra pairs), and the
/// header and cookie parameters and extra headers; credential-named values join the mask.
fn query_and_headers(
    draft: &Draft,
    env: &Environment,
    raw_query: Option<&str>,
    values: &[(crate::spec::Parameter, Value)],
    headers: &mut Vec<(String, String)>,
    cookies: &mut Vec<String>,
    mask: &mut crate::mask::Mask,
) -> Result<Vec<String>> {
    let mut query: Vec<String> = Vec::new();
    if let Some(q) = raw_query {
        let q = env.interpolate(q, "the query string")?;
        query.extend(q.split('&').filter(|s| !s.is_empty()).map(str::to_string));
    }
    for (d, v) in values {
        match d.location {
            ParamLocation::Query => {
                for (k, val) in params::query_pairs(d, v) {
                    query.push(format!(
                        "{}={}",
                        params::encode_query(&k, false),
                        params::encode_query(&val, d.allow_reserved)
                    ));
                }
            }
            ParamLocation::Header => headers.push((d.name.clone(), params::header_value(d, v))),
            ParamLocation::Cookie => {
                cookies.push(format!("{}={}", d.name, params::header_value(d, v)))
            }
            ParamLocation::Path => {}
        }
    }
    for (k, v) in &draft.query {
        let k = env.interpolate(k, "a query name")?;
        let v = env.interpolate(v, &format!("query `{k}`"))?;
        if is_sensitive_header(&k) {
            mask_credential(mask, &v);
        }
        query.push(format!(
            "{}={}",
            params::encode_query(&k, false),
            params::encode_query(&v, false)
        ));
    }
    for (k, v) in &draft.headers {
        let v = env.interpolate(v, &format!("header `{k}`"))?;
        if is_sensitive_header(k) {
            mask_credential(mask, &v);
        }
        headers.push((k.clone(), v));
    }
    Ok(query)
}

/// The body's bytes; its media type becomes the Content-Type unless a header says one.
fn encode_body(
    draft: &Draft,
    env: &Environment,
    headers: &mut Vec<(String, String)>,
) -> Result<Option<Vec<u8>>> {
    let explicit_type = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    let (body, content_type) = match &draft.body {
        None => (None, None),
        Some(Body::Json(v)) => {
            let v = env.interpolate_json(v, "the body")?;
            let bytes = serde_json::to_vec(&v).map_err(|e| RequestError::Invalid(e.to_string()))?;
            (Some(bytes), Some("application/json".to_string()))
        }
        Some(Body::Form(fields)) => {
            let mut ser = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in fields {
                ser.append_pair(k, &env.interpolate(v, &format!("form field `{k}`"))?);
            }
            (
                Some(ser.finish().into_bytes()),
                Some("application/x-www-form-urlencoded".to_string()),
            )
        }
        Some(Body::Multipart(parts)) => {
            let (bytes, ct) = multipart(parts, env)?;
            (Some(bytes), Some(ct))
        }
        Some(Body::Text { content_type, text }) => (
            Some(env.interpolate(text, "the body")?.into_bytes()),
            Some(content_type.clone()),
        ),
        Some(Body::Bytes {
            content_type,
            bytes,
        }) => (Some(bytes.clone()), Some(content_type.clone())),
    };
    if let (Some(ct), false) = (content_type, explicit_type) {
        headers.push(("Content-Type".into(), ct));
    }
    Ok(body)
}

/// A credential typed into a header or query value (`Bearer abc`, `Basic …`, a key): the
/// whole value and the token after its scheme word are secrets of this request.
fn mask_credential(mask: &mut crate::mask::Mask, value: &str) {
    mask.add(value);
    if let Some((_, token)) = value.split_once(' ') {
        mask.add(token.trim());
    }
}

/// The path without the server's own base path, for matching against templates.
fn strip_base(base: &Url, path: &str) -> String {
    let prefix = base.path().trim_end_matches('/');
    match path.strip_prefix(prefix) {
        Some(rest) if !prefix.is_empty() && (rest.is_empty() || rest.starts_with('/')) => {
            rest.to_string()
        }
        _ => path.to_string(),
    }
}

/// Largest file a multipart part may carry.
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// A file part's bytes: a regular file (not a device such as `/dev/zero`, not a folder), at
/// most [`MAX_PART_BYTES`].
fn read_part(path: &std::path::Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let err = |detail: String| RequestError::File {
        path: path.display().to_string(),
        detail,
    };
    let file = std::fs::File::open(path).map_err(|e| err(e.to_string()))?;
    let meta = file.metadata().map_err(|e| err(e.to_string()))?;
    if !meta.is_file() {
        return Err(err("not a regular file".into()));
    }
    if meta.len() > MAX_PART_BYTES {
        return Err(err(format!(
            "{} bytes, over the {MAX_PART_BYTES} byte limit for a file part",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| err(e.to_string()))?;
    Ok(bytes)
}

/// Encodes `multipart/form-data`, reading files now so a missing file fails before sending.
fn multipart(parts: &[Part], env: &Environment) -> Result<(Vec<u8>, String)> {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let boundary = format!("vouch-boundary-{nanos:x}");
    let mut out = Vec::new();
    for part in parts {
        let name = part.name.replace('"', "%22");
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match &part.value {
            PartValue::Text(t) => {
                let t = env.interpolate(t, &format!("multipart field `{}`", part.name))?;
                out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                out.extend_from_slice(t.as_bytes());
            }
            PartValue::File {
                path,
                filename,
                content_type,
            } => {
                let bytes = read_part(path)?;
                let filename = filename.clone().unwrap_or_else(|| {
                    path.file_name()
                        .map(|f| f.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "file".into())
                });
                let ct = content_type
                    .clone()
                    .unwrap_or_else(|| "application/octet-stream".into());
                out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\nContent-Type: {ct}\r\n\r\n",
                        filename.replace('"', "%22")
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(&bytes);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok((out, format!("multipart/form-data; boundary={boundary}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Contract;
    use serde_json::json;
    use std::sync::Arc;

    #[test]
    fn server_paths() {
        assert_eq!(server_path("https://api.example.com/v2"), "/v2");
        assert_eq!(server_path("https://api.example.com/v2/"), "/v2");
        assert_eq!(server_path("https://api.example.com"), "");
        assert_eq!(server_path("/api/v1"), "/api/v1");
        assert_eq!(server_path("https://{host}/base/{version}"), "/base");
    }

    #[test]
    fn credential_names_are_found_in_any_case_and_length() {
        for name in [
            "Authorization",
            "COOKIE",
            "X-Api-Key",
            "x-github-token",
            "X-Session-Id",
            "Proxy-Auth",
            &format!("x-{}-secret", "a".repeat(80)),
        ] {
            assert!(is_sensitive_header(name), "{name}");
        }
        for name in [
            "Accept",
            "Content-Type",
            "X-Request-Id",
            "keyboard",
            &"b".repeat(90),
            "é-tok",
        ] {
            assert!(!is_sensitive_header(name), "{name}");
        }
    }

    fn spec() -> Arc<Spec> {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "servers": [{"url": "https://{region}.example.org/api", "variables": {"region": {"default": "eu"}}}],
            "paths": {"/colors/{ids}/{label}/{matrix}": {"get": {"operationId": "get",
                "parameters": [
                    {"name": "ids", "in": "path", "required": true, "schema": {"type": "array", "items": {"type": "integer"}}},
                    {"name": "label", "in": "path", "required": true, "style": "label", "explode": true, "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "matrix", "in": "path", "required": true, "style": "matrix", "schema": {"type": "integer"}},
                    {"name": "tags", "in": "query", "schema": {"type": "array", "items": {"type": "string", "maxLength": 3}}},
                    {"name": "pipes", "in": "query", "style": "pipeDelimited", "explode": false, "schema": {"type": "array", "items": {"type": "integer"}}},
                    {"name": "filter", "in": "query", "style": "deepObject", "explode": true, "schema": {"type": "object", "properties": {"min": {"type": "integer"}, "q": {"type": "string"}}}},
                    {"name": "path", "in": "query", "allowReserved": true, "schema": {"type": "string"}},
                    {"name": "X-Trace", "in": "header", "required": true, "schema": {"type": "integer"}},
                    {"name": "session", "in": "cookie", "schema": {"type": "string", "format": "uuid"}}
                ],
                "responses": {"200": {"description": "ok"}}}}}});
        Arc::new(
            Spec::from_bytes(
                &serde_json::to_vec(&doc).expect("json"),
                None,
                &crate::spec::LoadOptions::default(),
            )
            .expect("spec"),
        )
    }

    fn p(name: &str, location: ParamLocation, value: Value) -> ParamValue {
        ParamValue {
            name: name.into(),
            location,
            value,
        }
    }

    #[test]
    fn every_style_round_trips_through_the_request_check() {
        let spec = spec();
        let contract = Contract::new(spec.clone());
        let detail = spec.resolve(spec.operation("get").expect("op"));
        let mut env = Environment::default();
        env.set("min", "3");
        let draft = Draft {
            method: "get".into(),
            path: "/colors/{ids}/{label}/{matrix}".into(),
            params: vec![
                p("ids", ParamLocation::Path, json!([1, 2])),
                p("label", ParamLocation::Path, json!(["a", "b"])),
                p("matrix", ParamLocation::Path, json!(5)),
                p("tags", ParamLocation::Query, json!(["x", "y z"])),
                p("pipes", ParamLocation::Query, json!([1, 2, 3])),
                p(
                    "filter",
                    ParamLocation::Query,
                    json!({"min": "{{min}}", "q": "a&b"}),
                ),
                p("path", ParamLocation::Query, json!("a/b?c")),
                p("X-Trace", ParamLocation::Header, json!(7)),
                p(
                    "session",
                    ParamLocation::Cookie,
                    json!("6f1c2d7e-8a9b-4c3d-9e8f-0a1b2c3d4e5f"),
                ),
            ],
            ..Draft::default()
        };
        let prepared = prepare(&spec, Some(&detail), &draft, &env).expect("prepare");
        assert_eq!(
            prepared.url.as_str(),
            "https://eu.example.org/api/colors/1,2/.a.b/;matrix=5?tags=x&tags=y%20z&pipes=1%7C2%7C3&filter%5Bmin%5D=3&filter%5Bq%5D=a%26b&path=a/b?c"
        );
        assert!(prepared.headers.contains(&("X-Trace".into(), "7".into())));
        assert!(prepared.headers.contains(&(
            "Cookie".into(),
            "session=6f1c2d7e-8a9b-4c3d-9e8f-0a1b2c3d4e5f".into()
        )));
        let v = contract.check_request(&detail, &prepared.parts());
        assert_eq!(v.findings, vec![], "{:?}", v.notes);

        // The same request with bad values: every one is found, and the request is still built.
        let mut bad = draft.clone();
        bad.params = vec![
            p("ids", ParamLocation::Path, json!(["one", 2])),
            p("label", ParamLocation::Path, json!(["a"])),
            p("matrix", ParamLocation::Path, json!("five")),
            p("tags", ParamLocation::Query, json!(["long one"])),
            p("filter", ParamLocation::Query, json!({"min": "low"})),
            p("session", ParamLocation::Cookie, json!("nope")),
        ];
        let prepared = prepare(&spec, Some(&detail), &bad, &env).expect("prepare");
        let found: Vec<String> = contract
            .check_request(&detail, &prepared.parts())
            .findings
            .iter()
            .map(|f| f.message.clone())
            .collect();
        assert_eq!(
            found,
            [
                "`path.ids/0`: expected integer, got string \"one\"",
                "`path.matrix`: expected integer, got string \"five\"",
                "`query.tags/0`: expected at most 3 characters, got 8: \"long one\"",
                "`query.filter/min`: expected integer, got string \"low\"",
                "required header parameter `X-Trace` is missing",
                "`cookie.session`: expected a valid uuid, got \"nope\"",
            ]
        );
    }

    #[test]
    fn bodies_and_secrets() {
        let spec = spec();
        let mut env = Environment::from_bytes(
            b"variables:\n  key: {value: sk_live_123456, secret: true}\n",
            "e",
        )
        .expect("env");
        env.set("who", "ann");
        let form = Draft {
            method: "POST".into(),
            path: "/x".into(),
            body: Some(Body::Form(vec![("name".into(), "{{who}} & co".into())])),
            auth: Some(Auth::ApiKey {
                location: "query".into(),
                name: "api_key".into(),
                value: "{{key}}".into(),
            }),
            ..Draft::default()
        };
        let prepared = prepare(&spec, None, &form, &env).expect("prepare");
        assert_eq!(prepared.body.as_deref(), Some(&b"name=ann+%26+co"[..]));
        assert!(prepared.headers.contains(&(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into()
        )));
        assert_eq!(prepared.url.query(), Some("api_key=sk_live_123456"));
        assert_eq!(
            prepared.redact(prepared.url.as_str()),
            "https://eu.example.org/api/x?api_key=••••••"
        );
        let err = prepare(
            &spec,
            None,
            &Draft {
                method: "GET".into(),
                path: "/{{nope}}".into(),
                ..Draft::default()
            },
            &env,
        )
        .expect_err("unknown");
        assert_eq!(err.to_string(), "unknown variable {{nope}} in the path");
        let err = prepare(
            &spec,
            None,
            &Draft {
                method: "GET".into(),
                path: "/".into(),
                headers: vec![("X".into(), "a\r\nInjected: 1".into())],
                ..Draft::default()
            },
            &env,
        )
        .expect_err("crlf");
        assert!(matches!(err, RequestError::Invalid(_)));
    }
}

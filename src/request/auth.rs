//! Auth from the spec's security schemes: HTTP basic and bearer, API keys in a header, the
//! query or a cookie, and OAuth2 tokens (client-credentials and password flows, fetched at
//! send time and cached until they expire).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::env::{Credentials, Environment};
use super::error::{RequestError, Result};
use crate::spec::{OperationDetail, Spec};

/// Which OAuth2 grant fetches the token.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthFlow {
    /// `client_credentials`.
    ClientCredentials,
    /// `password` (resource owner password credentials).
    Password,
}

/// Everything needed to fetch an OAuth2 access token.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OAuthGrant {
    /// The grant.
    pub flow: OAuthFlow,
    /// Token endpoint (absolute).
    pub token_url: String,
    /// Client id, when the server wants one.
    pub client_id: Option<String>,
    /// Client secret.
    pub client_secret: Option<String>,
    /// User name (password flow).
    pub username: Option<String>,
    /// Password (password flow).
    pub password: Option<String>,
    /// Scopes asked for.
    pub scopes: Vec<String>,
}

/// How a request authenticates.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Auth {
    /// HTTP basic.
    Basic {
        /// User.
        username: String,
        /// Password.
        password: String,
    },
    /// `Authorization: Bearer …`.
    Bearer {
        /// The token.
        token: String,
    },
    /// An API key.
    ApiKey {
        /// `header`, `query` or `cookie`.
        location: String,
        /// Header, query or cookie name.
        name: String,
        /// The key.
        value: String,
    },
    /// An OAuth2 token fetched before sending.
    OAuth2(OAuthGrant),
    /// Several schemes at once (a security requirement naming more than one).
    All {
        /// The schemes.
        all: Vec<Auth>,
    },
}

impl Auth {
    /// The same auth with `{{variables}}` replaced.
    pub fn interpolate(&self, env: &Environment) -> Result<Auth> {
        let i = |s: &str| env.interpolate(s, "auth");
        let o = |s: &Option<String>| s.as_deref().map(i).transpose();
        Ok(match self {
            Auth::Basic { username, password } => Auth::Basic {
                username: i(username)?,
                password: i(password)?,
            },
            Auth::Bearer { token } => Auth::Bearer { token: i(token)? },
            Auth::ApiKey {
                location,
                name,
                value,
            } => Auth::ApiKey {
                location: location.clone(),
                name: name.clone(),
                value: i(value)?,
            },
            Auth::OAuth2(g) => Auth::OAuth2(OAuthGrant {
                flow: g.flow,
                token_url: i(&g.token_url)?,
                client_id: o(&g.client_id)?,
                client_secret: o(&g.client_secret)?,
                username: o(&g.username)?,
                password: o(&g.password)?,
                scopes: g.scopes.clone(),
            }),
            Auth::All { all } => Auth::All {
                all: all
                    .iter()
                    .map(|a| a.interpolate(env))
                    .collect::<Result<_>>()?,
            },
        })
    }

    /// Adds the credential values (in every form they are sent in) to a mask.
    pub fn mask_into(&self, mask: &mut crate::mask::Mask) {
        match self {
            Auth::Basic { username, password } => mask.add_basic(username, password),
            Auth::Bearer { token } => mask.add(token),
            Auth::ApiKey { value, .. } => mask.add(value),
            Auth::OAuth2(g) => {
                for s in [&g.client_secret, &g.password].into_iter().flatten() {
                    mask.add(s);
                }
                if let (Some(id), Some(secret)) = (&g.client_id, &g.client_secret) {
                    mask.add_basic(id, secret);
                }
            }
            Auth::All { all } => all.iter().for_each(|a| a.mask_into(mask)),
        }
    }

    /// Puts the credentials on the request; an OAuth2 grant is returned to be fetched.
    pub(crate) fn apply(
        self,
        headers: &mut Vec<(String, String)>,
        cookies: &mut Vec<String>,
        url: &mut Url,
    ) -> Option<OAuthGrant> {
        use base64::Engine;
        match self {
            Auth::Basic { username, password } => {
                let token = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{password}"));
                headers.push(("Authorization".into(), format!("Basic {token}")));
                None
            }
            Auth::Bearer { token } => {
                headers.push(("Authorization".into(), format!("Bearer {token}")));
                None
            }
            Auth::ApiKey {
                location,
                name,
                value,
            } => {
                match location.as_str() {
                    "query" => {
                        url.query_pairs_mut().append_pair(&name, &value);
                    }
                    "cookie" => cookies.push(format!("{name}={value}")),
                    _ => headers.push((name, value)),
                }
                None
            }
            Auth::OAuth2(g) => Some(g),
            Auth::All { all } => {
                let mut grant = None;
                for a in all {
                    grant = grant.or(a.apply(headers, cookies, url));
                }
                grant
            }
        }
    }
}

/// The auth an operation needs, from the environment's credentials: the first of the
/// operation's security requirements whose every scheme has credentials. None when no
/// requirement can be met (the request goes without, which may be the point of the test).
pub(crate) fn from_environment(
    spec: &Spec,
    op: &OperationDetail,
    env: &Environment,
    base: &Url,
) -> Result<Option<Auth>> {
    for requirement in &op.security {
        if requirement.is_empty() {
            return Ok(None); // anonymous access is allowed
        }
        let mut all = Vec::new();
        for (scheme_name, scopes) in requirement {
            let Some(creds) = env.auth.get(scheme_name) else {
                break;
            };
            let Some(scheme) = scheme_definition(spec, scheme_name) else {
                break;
            };
            let creds = interpolate_creds(creds, env)?;
            match scheme_auth(&scheme, &creds, scopes, base) {
                Some(a) => all.push(a),
                None => break,
            }
        }
        if all.len() == requirement.len() {
            return Ok(Some(if all.len() == 1 {
                all.remove(0)
            } else {
                Auth::All { all }
            }));
        }
    }
    Ok(None)
}

/// The auth a send with `env` puts on a call of `op` (None: none, or its credentials could
/// not be made): what a mock with that environment expects to receive.
pub(crate) fn expected_auth(
    spec: &Spec,
    op: &OperationDetail,
    env: &Environment,
    base: &Url,
) -> Option<Auth> {
    from_environment(spec, op, env, base)
        .ok()
        .flatten()?
        .interpolate(env)
        .ok()
}

/// The names of the spec's security schemes.
pub fn scheme_names(spec: &Spec) -> Vec<String> {
    spec.deref(&crate::spec::Loc::root("/components/securitySchemes"))
        .and_then(|(v, _)| v.as_object().map(|m| m.keys().cloned().collect()))
        .unwrap_or_default()
}

/// Refuses an environment whose credentials name a security scheme the spec does not have
/// (a misspelt name would otherwise be ignored, and every call sent without credentials).
pub fn check_schemes(spec: &Spec, env: &Environment) -> Result<()> {
    let known = scheme_names(spec);
    match env.auth.keys().find(|k| !known.contains(k)) {
        Some(name) => Err(RequestError::UnknownScheme {
            name: name.clone(),
            known,
        }),
        None => Ok(()),
    }
}

fn interpolate_creds(c: &Credentials, env: &Environment) -> Result<Credentials> {
    let o = |s: &Option<String>| s.as_deref().map(|s| env.interpolate(s, "auth")).transpose();
    Ok(Credentials {
        token: o(&c.token)?,
        username: o(&c.username)?,
        password: o(&c.password)?,
        value: o(&c.value)?,
        client_id: o(&c.client_id)?,
        client_secret: o(&c.client_secret)?,
        scopes: c.scopes.clone(),
    })
}

fn scheme_definition(spec: &Spec, name: &str) -> Option<Value> {
    let loc = crate::spec::Loc::root(format!(
        "/components/securitySchemes/{}",
        crate::spec::escape(name)
    ));
    spec.deref(&loc).map(|(v, _)| v.clone())
}

fn scheme_auth(scheme: &Value, c: &Credentials, scopes: &[String], base: &Url) -> Option<Auth> {
    let s = |k: &str| scheme.get(k).and_then(Value::as_str);
    match s("type")? {
        "http" => match s("scheme")?.to_ascii_lowercase().as_str() {
            "basic" => Some(Auth::Basic {
                username: c.username.clone()?,
                password: c.password.clone().unwrap_or_default(),
            }),
            _ => Some(Auth::Bearer {
                token: c.token.clone()?,
            }),
        },
        "apiKey" => Some(Auth::ApiKey {
            location: s("in")?.to_string(),
            name: s("name")?.to_string(),
            value: c.value.clone().or(c.token.clone())?,
        }),
        "oauth2" | "openIdConnect" => {
            if let Some(token) = &c.token {
                return Some(Auth::Bearer {
                    token: token.clone(),
                });
            }
            let flows = scheme.get("flows")?;
            let (flow, def) = if c.username.is_some() {
                (OAuthFlow::Password, flows.get("password")?)
            } else {
                (
                    OAuthFlow::ClientCredentials,
                    flows.get("clientCredentials")?,
                )
            };
            let token_url = def.get("tokenUrl")?.as_str()?;
            let token_url = base.join(token_url).ok()?.to_string();
            Some(Auth::OAuth2(OAuthGrant {
                flow,
                token_url,
                client_id: c.client_id.clone(),
                client_secret: c.client_secret.clone(),
                username: c.username.clone(),
                password: c.password.clone(),
                scopes: c.scopes.clone().unwrap_or_else(|| scopes.to_vec()),
            }))
        }
        _ => None,
    }
}

/// Fetches a token for `grant` (RFC 6749 §4.3/§4.4) within `limit` (the call's own time
/// limit, connect to last byte): returns the token and its lifetime.
pub(crate) async fn fetch_token(
    client: &reqwest::Client,
    grant: &OAuthGrant,
    limit: std::time::Duration,
) -> Result<(String, Option<u64>)> {
    let err = |detail: String| RequestError::Token {
        token_url: grant.token_url.clone(),
        detail,
    };
    let failed = |e: reqwest::Error| {
        if e.is_timeout() {
            err(format!(
                "no complete answer within {} s (the call's time limit)",
                limit.as_secs_f64()
            ))
        } else {
            err(super::error::causes(&e))
        }
    };
    let mut form: Vec<(&str, String)> = Vec::new();
    match grant.flow {
        OAuthFlow::ClientCredentials => form.push(("grant_type", "client_credentials".into())),
        OAuthFlow::Password => {
            form.push(("grant_type", "password".into()));
            form.push(("username", grant.username.clone().unwrap_or_default()));
            form.push(("password", grant.password.clone().unwrap_or_default()));
        }
    }
    if !grant.scopes.is_empty() {
        form.push(("scope", grant.scopes.join(" ")));
    }
    // A token endpoint gets the call's total time limit and a size cap like any other call.
    let mut req = client.post(&grant.token_url).form(&form).timeout(limit);
    if let Some(id) = &grant.client_id {
        req = req.basic_auth(id, grant.client_secret.as_deref());
    }
    let mut resp = req.send().await.map_err(failed)?;
    let status = resp.status();
    const MAX_TOKEN_BYTES: usize = 1024 * 1024;
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(failed)? {
        if body.len() + chunk.len() > MAX_TOKEN_BYTES {
            return Err(err(format!("the answer is over {MAX_TOKEN_BYTES} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    if !status.is_success() {
        return Err(err(format!(
            "the token endpoint answered {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        )));
    }
    let v: Value =
        serde_json::from_slice(&body).map_err(|e| err(format!("the answer is not JSON: {e}")))?;
    let token = v
        .get("access_token")
        .and_then(Value::as_str)
        .ok_or_else(|| err("the answer has no access_token".into()))?;
    Ok((
        token.to_string(),
        v.get("expires_in").and_then(Value::as_u64),
    ))
}

//! Keeping credentials on the machine: imported credentials become secret variables
//! ([`lift`]), and exports are scanned for anything token-like before they are written
//! ([`scan`]).

use std::sync::OnceLock;

use regex::Regex;

use super::Bundle;
use crate::request::{is_sensitive_header, Auth, Variable};

/// The environment imported credentials go to.
pub const IMPORTED_ENVIRONMENT: &str = "default";

/// Query parameter names that carry credentials.
fn is_sensitive_query(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    is_sensitive_header(&n)
        || matches!(
            n.as_str(),
            "key" | "sig" | "signature" | "code" | "auth" | "access_token" | "client_secret"
        )
}

/// A literal value worth lifting (not empty, not already a `{{variable}}`).
fn literal(v: &str) -> bool {
    !v.trim().is_empty() && !v.contains("{{")
}

/// Moves every credential of the bundle's requests (auth blocks, credential headers,
/// token-like query parameters) into secret variables of the bundle's
/// [`IMPORTED_ENVIRONMENT`], leaving `{{name}}` in their place. The same value gets the same
/// variable. Returns how many values were lifted.
pub fn lift(bundle: &mut Bundle) -> usize {
    let mut lifted: Vec<(String, String)> = Vec::new(); // (value, variable)
    let take = |hint: &str, value: &mut String, lifted: &mut Vec<(String, String)>| {
        if !literal(value) {
            return;
        }
        let var = match lifted.iter().find(|(v, _)| v == value) {
            Some((_, var)) => var.clone(),
            None => {
                let base = var_name(hint);
                let mut var = base.clone();
                let mut n = 2;
                while lifted.iter().any(|(_, v)| *v == var) {
                    var = format!("{base}_{n}");
                    n += 1;
                }
                lifted.push((value.clone(), var.clone()));
                var
            }
        };
        *value = format!("{{{{{var}}}}}");
    };
    for r in &mut bundle.requests {
        let d = &mut r.draft;
        for (name, value) in &mut d.headers {
            if is_sensitive_header(name) {
                // `Bearer abc` keeps its scheme word in the header, the token becomes secret.
                match value.split_once(' ') {
                    Some((scheme, rest))
                        if ["bearer", "basic", "token", "digest"]
                            .contains(&scheme.to_ascii_lowercase().as_str()) =>
                    {
                        let mut token = rest.to_string();
                        take(name, &mut token, &mut lifted);
                        *value = format!("{scheme} {token}");
                    }
                    _ => take(name, value, &mut lifted),
                }
            }
        }
        for (name, value) in &mut d.query {
            if is_sensitive_query(name) {
                take(name, value, &mut lifted);
            }
        }
        if let Some(auth) = &mut d.auth {
            lift_auth(auth, &mut |hint, v| take(hint, v, &mut lifted));
        }
    }
    // What the collection and its folders hand down, the same way.
    let inherited = bundle
        .auth
        .iter_mut()
        .chain(bundle.folders.iter_mut().filter_map(|f| f.auth.as_mut()));
    for auth in inherited {
        lift_auth(auth, &mut |hint, v| take(hint, v, &mut lifted));
    }
    let n = lifted.len();
    if n > 0 {
        let env = bundle.environment_mut(IMPORTED_ENVIRONMENT);
        for (value, var) in lifted {
            env.variables.insert(
                var,
                Variable {
                    value,
                    secret: true,
                    origins: Vec::new(),
                },
            );
        }
    }
    bundle.environments.iter_mut().for_each(mark);
    n
}

/// Marks an environment's credential-like variables secret (named like one, or holding a
/// token-like value); those the source marked secret stay secret.
pub fn mark(env: &mut crate::request::Environment) {
    for (name, v) in &mut env.variables {
        if is_sensitive_header(name) || looks_like_token(&v.value) {
            v.secret = true;
        }
    }
}

fn lift_auth(auth: &mut Auth, take: &mut dyn FnMut(&str, &mut String)) {
    match auth {
        Auth::Basic { password, .. } => take("password", password),
        Auth::Bearer { token } => take("token", token),
        Auth::ApiKey { name, value, .. } => {
            let hint = name.clone();
            take(&hint, value)
        }
        Auth::OAuth2(g) => {
            if let Some(s) = &mut g.client_secret {
                take("client_secret", s);
            }
            if let Some(p) = &mut g.password {
                take("password", p);
            }
        }
        Auth::All { all } => all.iter_mut().for_each(|a| lift_auth(a, take)),
    }
}

fn var_name(hint: &str) -> String {
    let mut s: String = hint
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    s = s.trim_matches('_').to_string();
    if s.is_empty() {
        "secret".into()
    } else {
        s
    }
}

fn known() -> &'static [(Regex, &'static str)] {
    static K: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    K.get_or_init(|| {
        [
            (r"gh[pousr]_[A-Za-z0-9]{20,}", "a GitHub token"),
            (r"github_pat_[A-Za-z0-9_]{20,}", "a GitHub token"),
            (r"glpat-[A-Za-z0-9_\-]{16,}", "a GitLab token"),
            (r"(sk|rk|pk)_(live|test)_[A-Za-z0-9]{10,}", "a Stripe key"),
            (r"sk-(proj-)?[A-Za-z0-9_\-]{20,}", "an OpenAI-style key"),
            (r"xox[abposr]-[A-Za-z0-9\-]{10,}", "a Slack token"),
            (r"AKIA[0-9A-Z]{16}", "an AWS access key id"),
            (r"AIza[0-9A-Za-z_\-]{35}", "a Google API key"),
            (
                r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*",
                "a JWT",
            ),
            (r"-----BEGIN [A-Z ]*PRIVATE KEY-----", "a private key"),
            (
                r"(?i)\b(bearer|basic)\s+[A-Za-z0-9+/=_\-\.~]{16,}",
                "an Authorization value",
            ),
        ]
        .into_iter()
        .map(|(re, what)| (Regex::new(re).expect("valid pattern"), what))
        .collect()
    })
}

/// Shannon entropy in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = [0usize; 128];
    let mut n = 0;
    for b in s.bytes().filter(|b| *b < 128) {
        counts[b as usize] += 1;
        n += 1;
    }
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|&c| {
            let p = c as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

/// Whether one value looks like a credential: a known token shape, or a long random-looking
/// string (≥ 24 characters of letters and digits in both cases, entropy ≥ 4.3 bits/char —
/// above UUIDs and hex hashes).
pub fn looks_like_token(v: &str) -> bool {
    describe(v).is_some()
}

fn describe(v: &str) -> Option<&'static str> {
    // `{{variables}}` are fine; what is around them is looked at all the same
    // (`{{baseUrl}}/x?api_key=sk_live_…` is not).
    static TEMPLATE: OnceLock<Regex> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| Regex::new(r"\{\{[^}]*\}\}").expect("valid"));
    let v = &*template.replace_all(v, " ");
    if let Some((_, what)) = known().iter().find(|(re, _)| re.is_match(v)) {
        return Some(what);
    }
    static WORD: OnceLock<Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| Regex::new(r"[A-Za-z0-9+/_\-=]{24,}").expect("valid"));
    word.find_iter(v)
        .any(|m| {
            let t = m.as_str();
            t.bytes().any(|b| b.is_ascii_lowercase())
                && t.bytes().any(|b| b.is_ascii_uppercase())
                && t.bytes().any(|b| b.is_ascii_digit())
                && entropy(t) >= 4.3
        })
        .then_some("a random-looking string")
}

/// Requests whose credentials are literal values (an auth block, a credential header or a
/// credential query parameter not written as `{{variable}}`), named without the value:
/// whatever their shape, they are secrets and stay out of exports.
pub fn literal_credentials(bundle: &Bundle) -> Vec<String> {
    let mut out = Vec::new();
    for r in &bundle.requests {
        let d = &r.draft;
        let mut values: Vec<(&str, &str)> = Vec::new();
        for (name, value) in &d.headers {
            if is_sensitive_header(name) {
                // `Bearer {{token}}` keeps its scheme word: only what follows counts.
                let v = value.split_once(' ').map_or(value.as_str(), |(_, t)| t);
                values.push((name, v));
            }
        }
        for (name, value) in &d.query {
            if is_sensitive_query(name) {
                values.push((name, value));
            }
        }
        let auth_values: Vec<String> = match &d.auth {
            Some(a) => {
                let mut m = Vec::new();
                auth_literals(a, &mut m);
                m
            }
            None => Vec::new(),
        };
        values.extend(auth_values.iter().map(|v| ("auth", v.as_str())));
        for (what, v) in values {
            if literal(v) {
                out.push(format!("request `{}`: a literal {what} value", r.key()));
            }
        }
    }
    let inherited = bundle
        .auth
        .iter()
        .map(|a| ("the collection's auth".to_string(), a))
        .chain(bundle.folders.iter().filter_map(|f| {
            Some((
                format!("folder `{}`'s auth", f.path.join("/")),
                f.auth.as_ref()?,
            ))
        }));
    for (whose, a) in inherited {
        if literal_auth(a) {
            out.push(format!("{whose}: a literal value"));
        }
    }
    out
}

/// Whether an auth holds a credential as a literal value (not a `{{variable}}`).
pub fn literal_auth(a: &Auth) -> bool {
    let mut m = Vec::new();
    auth_literals(a, &mut m);
    m.iter().any(|v| literal(v))
}

fn auth_literals(a: &Auth, out: &mut Vec<String>) {
    match a {
        Auth::Basic { password, .. } => out.push(password.clone()),
        Auth::Bearer { token } => out.push(token.clone()),
        Auth::ApiKey { value, .. } => out.push(value.clone()),
        Auth::OAuth2(g) => out.extend(g.client_secret.iter().chain(&g.password).cloned()),
        Auth::All { all } => all.iter().for_each(|a| auth_literals(a, out)),
    }
}

/// Lines of `text` that look like they carry a credential, described without the value
/// (`line 12: a GitHub token`). Values written as `{{variable}}` are fine.
pub fn scan(text: &str) -> Vec<String> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| describe(line).map(|what| format!("line {}: {what}", i + 1)))
        .collect()
}

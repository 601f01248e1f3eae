//! Environments: named variable sets, some secret, and the credentials for the spec's
//! security schemes. `{{name}}` in any request value is replaced by the variable's value.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::error::{RequestError, Result};

/// One variable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variable {
    /// Its value.
    pub value: String,
    /// Secret values are never written to exports, reports or logs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    /// For a secret: the origins (`https://host:port`) it may be sent to, bound when its
    /// value was entered on this machine (the environment's `baseUrl` then). Empty: not
    /// bound. Shared material (a collection's URLs, a spec's servers) never moves it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<String>,
}

/// Credentials for one security scheme of the spec, by the scheme's name. Which fields count
/// depends on the scheme: `token` (bearer), `username`/`password` (basic, OAuth2 password),
/// `value` (API key), `client_id`/`client_secret` (OAuth2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// Bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// User name (basic auth, OAuth2 password flow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Password (basic auth, OAuth2 password flow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// API key value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// OAuth2 client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// OAuth2 client secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// OAuth2 scopes to ask for (default: those the operation requires).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
}

/// A named set of variables.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Environment {
    /// Its name (`local`, `staging`…).
    pub name: String,
    /// Variables by name, in the order written.
    pub variables: IndexMap<String, Variable>,
    /// Credentials by security scheme name.
    pub auth: IndexMap<String, Credentials>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum VarInFile {
    Full {
        /// Absent for a secret named in a shared file: its value stays on the machine.
        #[serde(default)]
        value: serde_json::Value,
        #[serde(default)]
        secret: bool,
        /// Where a secret may be sent (`https://host:port`).
        #[serde(default)]
        origins: Vec<String>,
    },
    Plain(serde_json::Value),
}

/// One variable in the older list shape (`- {name, value, secret}`), still read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VarEntry {
    name: String,
    #[serde(default)]
    value: serde_json::Value,
    #[serde(default)]
    secret: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Variables {
    Map(IndexMap<String, VarInFile>),
    List(Vec<VarEntry>),
}

impl Default for Variables {
    fn default() -> Self {
        Variables::Map(IndexMap::new())
    }
}

/// The one environment format: what `--env FILE` reads, what a collection folder holds in
/// `environments/`, and what the app imports. `variables` is a map (`name: value`, or
/// `name: {value, secret}`, a secret shared by name only as `name: {secret: true}`); the
/// folder format's older list shape (`- {name, value, secret}` plus `credentials: [scheme]`)
/// is still read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvFile {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    variables: Variables,
    #[serde(default)]
    auth: IndexMap<String, Credentials>,
    /// The older shape's names of schemes that had credentials (values never shared).
    #[serde(default)]
    #[allow(dead_code)]
    credentials: Vec<String>,
}

fn scalar(v: serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl Environment {
    /// Reads an environment file (YAML or JSON):
    ///
    /// ```yaml
    /// name: local
    /// variables:
    ///   base_url: http://127.0.0.1:8000
    ///   api_token: {value: s3cr3t, secret: true}
    /// auth:
    ///   HTTPBearer: {token: "{{api_token}}"}
    /// ```
    pub fn from_file(path: &std::path::Path) -> Result<Environment> {
        let err = |detail: String| RequestError::Environment {
            path: path.display().to_string(),
            detail,
        };
        let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
        if meta.len() > 16 * 1024 * 1024 {
            return Err(err(format!(
                "{} bytes is too large for an environment",
                meta.len()
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut env = Environment::from_bytes(&bytes, &name).map_err(|e| match e {
            RequestError::Environment { detail, .. } => err(detail),
            other => other,
        })?;
        // The user's own file: its secrets go where its baseUrl points, nowhere else.
        env.bind_secrets();
        Ok(env)
    }

    /// Reads an environment from YAML or JSON text; `default_name` when it names none.
    pub fn from_bytes(bytes: &[u8], default_name: &str) -> Result<Environment> {
        let err = |detail: String| RequestError::Environment {
            path: default_name.to_string(),
            detail,
        };
        let value =
            crate::spec::parse_document(bytes, default_name).map_err(|e| err(e.to_string()))?;
        let file: EnvFile = serde_json::from_value(value).map_err(|e| err(e.to_string()))?;
        let variables = match file.variables {
            Variables::Map(m) => m
                .into_iter()
                .map(|(k, v)| {
                    let var = match v {
                        VarInFile::Full {
                            value,
                            secret,
                            origins,
                        } => Variable {
                            value: scalar(value),
                            secret,
                            origins,
                        },
                        VarInFile::Plain(value) => Variable {
                            value: scalar(value),
                            ..Variable::default()
                        },
                    };
                    (k, var)
                })
                .collect(),
            Variables::List(list) => list
                .into_iter()
                .map(|v| {
                    let var = Variable {
                        value: scalar(v.value),
                        secret: v.secret,
                        origins: Vec::new(),
                    };
                    (v.name, var)
                })
                .collect(),
        };
        Ok(Environment {
            name: file.name.unwrap_or_else(|| default_name.to_string()),
            variables,
            auth: file.auth,
        })
    }

    /// Sets (or replaces) a variable. A secret variable stays secret: a new value never
    /// downgrades it (an extraction into `token` keeps `token` masked).
    pub fn set(&mut self, name: &str, value: &str) {
        let (secret, origins) = self
            .variables
            .get(name)
            .map(|v| (v.secret, v.origins.clone()))
            .unwrap_or_default();
        self.variables.insert(
            name.into(),
            Variable {
                value: value.into(),
                secret,
                origins,
            },
        );
    }

    /// Sets (or replaces) a secret variable.
    pub fn set_secret(&mut self, name: &str, value: &str) {
        self.variables.insert(
            name.into(),
            Variable {
                value: value.into(),
                secret: true,
                origins: Vec::new(),
            },
        );
    }

    /// Binds every unbound secret with a value to the origin of this environment's
    /// `baseUrl` (what an environment read from the user's own file, or entered or imported
    /// on this machine, is bound to).
    pub fn bind_secrets(&mut self) {
        let Some(origin) = self
            .variables
            .get("baseUrl")
            .and_then(|v| url::Url::parse(&v.value).ok())
            .map(|u| u.origin().ascii_serialization())
        else {
            return;
        };
        for v in self.variables.values_mut() {
            if v.secret && !v.value.is_empty() && v.origins.is_empty() {
                v.origins = vec![origin.clone()];
            }
        }
    }

    /// The secret variables bound to origins: (name, value, origins).
    pub fn bound_secrets(&self) -> impl Iterator<Item = (&str, &str, &[String])> {
        self.variables
            .iter()
            .filter(|(_, v)| v.secret && !v.value.is_empty() && !v.origins.is_empty())
            .map(|(k, v)| (k.as_str(), v.value.as_str(), v.origins.as_slice()))
    }

    /// The mask of the secret variables (and of every credential that is a literal value
    /// rather than a `{{variable}}`).
    pub fn mask(&self) -> crate::mask::Mask {
        let mut m = crate::mask::Mask::new(self.secret_values());
        for c in self.auth.values() {
            for v in [&c.token, &c.password, &c.value, &c.client_secret]
                .into_iter()
                .flatten()
                .filter(|v| !v.contains("{{"))
            {
                m.add(v);
            }
        }
        m
    }

    /// Replaces every `{{name}}` in `text`; `context` says where the text is, for errors.
    /// `{{{{` is not special: only `{{` followed by a name and `}}` is.
    pub fn interpolate(&self, text: &str, context: &str) -> Result<String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(p) = next_placeholder(rest) {
            out.push_str(&rest[..p.start]);
            match p.name {
                Some(name) => {
                    let var =
                        self.variables
                            .get(name)
                            .ok_or_else(|| RequestError::UnknownVariable {
                                name: name.into(),
                                context: context.into(),
                            })?;
                    out.push_str(&var.value);
                }
                None => out.push_str(&rest[p.start..p.end]),
            }
            rest = &rest[p.end..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Every string inside a JSON value, interpolated.
    pub fn interpolate_json(
        &self,
        value: &serde_json::Value,
        context: &str,
    ) -> Result<serde_json::Value> {
        use serde_json::Value;
        Ok(match value {
            Value::String(s) => Value::String(self.interpolate(s, context)?),
            Value::Array(a) => Value::Array(
                a.iter()
                    .map(|v| self.interpolate_json(v, context))
                    .collect::<Result<_>>()?,
            ),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| Ok((k.clone(), self.interpolate_json(v, context)?)))
                    .collect::<Result<_>>()?,
            ),
            other => other.clone(),
        })
    }

    /// The values of the secret variables (to keep them out of what is printed or stored).
    pub fn secret_values(&self) -> Vec<String> {
        self.variables
            .values()
            .filter(|v| v.secret && !v.value.is_empty())
            .map(|v| v.value.clone())
            .collect()
    }
}

/// A `{{…}}` in a text: where it starts and ends, and its variable's name when the inside
/// is one (letters, digits, `_`, `-`, `.`; spaces around it allowed).
struct Placeholder<'a> {
    start: usize,
    end: usize,
    name: Option<&'a str>,
}

fn next_placeholder(text: &str) -> Option<Placeholder<'_>> {
    let start = text.find("{{")?;
    let after = &text[start + 2..];
    let end = after.find("}}")?;
    let name = after[..end].trim();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    Some(Placeholder {
        start,
        end: start + 2 + end + 2,
        name: valid.then_some(name),
    })
}

/// The names of the `{{variables}}` a text uses, in order (what interpolation would look up).
pub fn variable_names(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || loop {
        let p = next_placeholder(rest)?;
        rest = &rest[p.end..];
        if p.name.is_some() {
            return p.name;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_interpolates() {
        let env = Environment::from_bytes(
            b"variables:\n  host: example.org\n  port: 8080\n  token: {value: abc, secret: true}\nauth:\n  bearer: {token: '{{token}}'}\n",
            "local",
        )
        .expect("env");
        assert_eq!(
            env.interpolate("http://{{host}}:{{ port }}/{{x y}}", "url")
                .expect("ok"),
            "http://example.org:8080/{{x y}}"
        );
        assert_eq!(env.secret_values(), vec!["abc".to_string()]);
        assert_eq!(env.interpolate("{{token}}", "x").expect("ok"), "abc");
        assert!(matches!(
            env.interpolate("{{nope}}", "header X"),
            Err(RequestError::UnknownVariable { .. })
        ));
        assert!(Environment::from_bytes(b"variables: [1, 2", "bad").is_err());
        // A value extracted into a secret variable stays secret.
        let mut env = env;
        env.set("token", "from-a-response");
        assert!(env.variables["token"].secret);
        assert_eq!(env.secret_values(), vec!["from-a-response".to_string()]);
        assert!(Environment::from_bytes(b"colour: blue", "bad").is_err());
    }
}

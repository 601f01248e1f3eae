//! Arguments shared by several commands, declared once with one meaning, and the value
//! parsers that turn what was typed into typed values (so a bad `--var` is a usage error
//! from clap, exit code 2, before anything runs).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

/// Where the store lives.
#[derive(Debug, Clone, Args)]
pub struct DataDir {
    /// Where vouch.db lives (default: VOUCH_DATA_DIR, else the OS data directory).
    #[arg(long = "data-dir", global = false)]
    pub data_dir: Option<PathBuf>,
}

impl DataDir {
    /// Opens the store; the first open of a new store says where the key sealing its
    /// secrets was put.
    pub fn open(&self) -> Result<vouch::store::Store, vouch::store::StoreError> {
        let store = vouch::store::Store::open_default(self.data_dir.as_deref())?;
        match store.key_source() {
            vouch::store::KeySource::File {
                path,
                created: true,
            } => eprintln!(
                "note: the key sealing this store's secrets was written to {} (mode 0600; VOUCH_MASTER_KEY overrides it)",
                path.display()
            ),
            vouch::store::KeySource::Keychain {
                service,
                user,
                created: true,
            } => eprintln!(
                "note: the key sealing this store's secrets was put in the OS keychain (service `{service}`, user `{user}`; VOUCH_MASTER_KEY overrides it)"
            ),
            _ => {}
        }
        Ok(store)
    }
}

/// What a run (or a load run) sends: the target, its spec, where calls go, the environment.
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// COLLECTION or COLLECTION/SUITE in the store, a collection folder (or one of its
    /// suites/*.yaml); omit it with --spec for a smoke suite (every operation once).
    pub target: Option<String>,
    /// The spec (path or URL); default: the collection's linked spec.
    #[arg(long)]
    pub spec: Option<String>,
    /// Base URL for every call.
    #[arg(long)]
    pub base_url: Option<String>,
    #[command(flatten)]
    pub env: EnvArgs,
    #[command(flatten)]
    pub select: Select,
}

impl TargetArgs {
    /// The engine's run request for these arguments.
    pub fn request(
        &self,
        accept: &AcceptStatus,
        allow: &AllowOrigin,
        allow_files: bool,
    ) -> vouch::run::RunRequest {
        vouch::run::RunRequest {
            target: self.target.clone(),
            spec: self.spec.clone(),
            env: self.env.env.clone(),
            vars: self.env.vars.clone(),
            base_url: self.base_url.clone(),
            accept_status: accept.list(),
            allow_origins: allow.allow_origin.clone(),
            allow_files,
            select: self.select.selection(&[]),
        }
    }
}

/// Which operations a command calls: shared by `vouch fuzz`, `vouch run --spec` and
/// `vouch load`.
#[derive(Debug, Clone, clap::Args)]
pub struct Select {
    /// Only operations matching: an operationId or tag, `tag:NAME`, a method, a path glob
    /// (`/items/*`), or `METHOD /glob` (repeatable).
    #[arg(long)]
    pub include: Vec<String>,
    /// Leave out operations matching (same forms as --include; repeatable).
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Only GET, HEAD and OPTIONS: nothing that changes the service.
    #[arg(long)]
    pub read_only: bool,
}

impl Select {
    /// The engine's selection, with `extra` included.
    pub fn selection(&self, extra: &[String]) -> vouch::spec::select::Selection {
        vouch::spec::select::Selection {
            include: self.include.iter().chain(extra).cloned().collect(),
            exclude: self.exclude.clone(),
            read_only: self.read_only,
        }
    }
}

/// Says how many mutating operations a run would send to a service that is not on this
/// machine.
pub fn warn_mutating(
    spec: &vouch::spec::Spec,
    selection: &vouch::spec::select::Selection,
    base_url: Option<&str>,
    env: &vouch::request::Environment,
) {
    let mutating = spec
        .operations()
        .iter()
        .filter(|o| selection.admits(o))
        .filter(|o| !vouch::spec::select::SAFE_METHODS.contains(&o.method.as_str()))
        .count();
    let Ok(url) = vouch::request::base_url(spec, None, base_url, env) else {
        return;
    };
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => true,
    };
    if mutating > 0 && !loopback {
        eprintln!(
            "warning: {mutating} operation(s) that can change data (POST/PUT/PATCH/DELETE) will be sent to {} (not this machine); --read-only or --exclude leaves them out",
            url.origin().ascii_serialization()
        );
    }
}

/// The environment and variables over it.
#[derive(Debug, Clone, Args)]
pub struct EnvArgs {
    /// Environment: the name of one in the store (a collection's own first, else a global
    /// one), else a YAML/JSON file.
    #[arg(long)]
    pub env: Option<String>,
    /// A variable, k=v (repeatable; over the environment's values).
    #[arg(long = "var", value_parser = key_value)]
    pub vars: Vec<(String, String)>,
}

/// How long a call may take.
#[derive(Debug, Clone, Args)]
pub struct Timeout {
    /// Seconds allowed for each call.
    #[arg(long, default_value_t = 30.0, value_parser = seconds)]
    pub timeout: f64,
}

impl Timeout {
    /// Sending options with this timeout (connecting gets at most 10 s of it).
    pub fn send_options(&self, insecure: bool) -> vouch::request::SendOptions {
        let timeout = Duration::from_secs_f64(self.timeout);
        vouch::request::SendOptions {
            timeout,
            connect_timeout: timeout.min(Duration::from_secs(10)),
            insecure,
            ..vouch::request::SendOptions::default()
        }
    }
}

/// Origins a spec's `$ref`s may reach beyond its own.
#[derive(Debug, Clone, Args)]
pub struct AllowOrigin {
    /// An origin (`https://host:port`) the spec's `$ref`s may fetch from besides the spec's
    /// own origin or folder (repeatable).
    #[arg(long = "allow-origin")]
    pub allow_origin: Vec<String>,
}

impl AllowOrigin {
    /// Load options with these origins allowed.
    pub fn load_options(&self) -> vouch::spec::LoadOptions {
        vouch::spec::LoadOptions {
            allow_origins: self.allow_origin.clone(),
            ..vouch::spec::LoadOptions::default()
        }
    }
}

/// Undeclared statuses accepted as warnings.
#[derive(Debug, Clone, Args)]
pub struct AcceptStatus {
    /// Undeclared statuses the team knows about, e.g. 401,403,404: reported as warnings,
    /// failing nothing (repeatable; added to a collection's own setting).
    #[arg(long = "accept-status", value_parser = statuses)]
    pub accept_status: Vec<Vec<u16>>,
}

impl AcceptStatus {
    /// All of them.
    pub fn list(&self) -> Vec<u16> {
        self.accept_status.iter().flatten().copied().collect()
    }
}

/// Text for people, or one JSON object for machines.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Text.
    Text,
    /// JSON.
    Json,
}

/// A report to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// JUnit XML.
    Junit,
    /// JSON.
    Json,
    /// Self-contained HTML.
    Html,
}

/// `k=v`.
pub fn key_value(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("`{s}` is not k=v"))
}

/// `k=v`, or `k` alone (an empty value), as a query pair.
pub fn query_pair(s: &str) -> Result<(String, String), String> {
    Ok(key_value(s).unwrap_or_else(|_| (s.to_string(), String::new())))
}

/// `Name: value`.
pub fn header(s: &str) -> Result<(String, String), String> {
    s.split_once(':')
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("`{s}` is not 'Name: value'"))
}

/// `junit:FILE`, `json:FILE` or `html:FILE`.
pub fn report(s: &str) -> Result<(ReportKind, PathBuf), String> {
    let kind = match s.split_once(':') {
        Some(("junit", f)) if !f.is_empty() => (ReportKind::Junit, f),
        Some(("json", f)) if !f.is_empty() => (ReportKind::Json, f),
        Some(("html", f)) if !f.is_empty() => (ReportKind::Html, f),
        _ => return Err(format!("`{s}` is not junit:FILE, json:FILE or html:FILE")),
    };
    Ok((kind.0, PathBuf::from(kind.1)))
}

/// Seconds, positive and at most a day.
pub fn seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(n) if n > 0.0 && n <= 86_400.0 => Ok(n),
        _ => Err(format!(
            "`{s}` is not a number of seconds between 0 and 86400"
        )),
    }
}

/// `401,403,404`.
pub fn statuses(s: &str) -> Result<Vec<u16>, String> {
    s.split(',')
        .map(|c| match c.trim().parse::<u16>() {
            Ok(n) if (100..=599).contains(&n) => Ok(n),
            _ => Err(format!("`{c}` is not an HTTP status (100-599)")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers() {
        assert_eq!(key_value("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert!(key_value("ab").is_err());
        assert_eq!(header("X-A:  1 "), Ok(("X-A".into(), "1".into())));
        assert!(header(": 1").is_err());
        assert_eq!(report("json:r.json").map(|r| r.0), Ok(ReportKind::Json));
        assert!(report("xml:r").is_err());
        assert_eq!(statuses("401, 404"), Ok(vec![401, 404]));
        assert!(statuses("4040").is_err());
        assert!(seconds("0").is_err());
    }
}

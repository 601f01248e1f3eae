//! Reading the bytes of a document from a file or an http(s) URL, within size and time bounds.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

use super::error::{Result, SpecError};

/// Bounds and timeouts for loading a spec and everything it references.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Largest accepted document, in bytes (each file of a multi-file spec on its own).
    pub max_bytes: u64,
    /// Deepest accepted nesting of arrays/objects.
    pub max_depth: usize,
    /// Most documents a multi-file spec may pull in through `$ref`.
    pub max_documents: usize,
    /// Time allowed to connect to a server.
    pub connect_timeout: Duration,
    /// Time allowed for a whole fetch, body included.
    pub timeout: Duration,
    /// Bytes all the documents of one spec may add up to.
    pub max_total_bytes: u64,
    /// Origins (`https://host:port`) a spec's `$ref`s may reach beyond its own (`--allow-origin`).
    pub allow_origins: Vec<String>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_bytes: 256 * 1024 * 1024,
            max_depth: 128,
            max_documents: 10_000,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            max_total_bytes: 512 * 1024 * 1024,
            allow_origins: Vec::new(),
        }
    }
}

/// Turns what the user typed (a path or URL) into the absolute URL that identifies the document.
pub(crate) fn locate(source: &str) -> Result<Url> {
    if source.starts_with("http://")
        || source.starts_with("https://")
        || source.starts_with("file://")
    {
        return Url::parse(source).map_err(|_| SpecError::BadSource {
            source_name: source.to_string(),
        });
    }
    let path = Path::new(source);
    let abs: PathBuf = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| SpecError::Read {
                source_name: source.to_string(),
                reason: e.to_string(),
            })?
            .join(path)
    };
    // One document, one URL however the user typed its path (`a/../b`, `./b`, a link): the
    // validator names documents by URL. The file's real path where it exists (as the shell
    // reads `link/../b`); else the path with `.` and `..` spelled out.
    let clean = std::fs::canonicalize(&abs).unwrap_or_else(|_| {
        let mut clean = PathBuf::new();
        for part in abs.components() {
            match part {
                std::path::Component::ParentDir => {
                    clean.pop();
                }
                std::path::Component::CurDir => {}
                other => clean.push(other),
            }
        }
        clean
    });
    Url::from_file_path(&clean).map_err(|_| SpecError::BadSource {
        source_name: source.to_string(),
    })
}

/// Whether the spec loaded from `root` may reference `target`: a spec fetched over http(s)
/// reaches documents of its own origin; a spec read from a file reaches files inside its
/// folder (after symlinks); anything else only an origin the user allowed. So a shared spec
/// cannot read this machine's files nor make requests to intranet or cloud-metadata hosts.
pub(crate) fn may_reach(
    root: &Url,
    target: &Url,
    allow: &[String],
) -> std::result::Result<(), String> {
    let origin = target.origin().ascii_serialization();
    if allow.iter().any(|a| a.trim_end_matches('/') == origin) {
        return Ok(());
    }
    match (root.scheme(), target.scheme()) {
        ("http" | "https", "http" | "https") if root.origin() == target.origin() => Ok(()),
        ("file", "file") => {
            let inside = root
                .to_file_path()
                .ok()
                .and_then(|p| p.parent().and_then(|d| std::fs::canonicalize(d).ok()))
                .zip(
                    target
                        .to_file_path()
                        .ok()
                        .and_then(|p| std::fs::canonicalize(p).ok()),
                )
                .is_some_and(|(dir, file)| file.starts_with(dir));
            if inside {
                Ok(())
            } else {
                Err("a file outside the spec's folder".into())
            }
        }
        (_, "file") => Err("a local file, from a spec fetched over the network".into()),
        _ => Err(format!(
            "another origin ({origin}); allow it with --allow-origin {origin}"
        )),
    }
}

/// The name a user recognises for a document: its path for files, its URL otherwise.
pub(crate) fn display_name(url: &Url) -> String {
    if url.scheme() == "file" {
        if let Ok(p) = url.to_file_path() {
            let cwd = std::env::current_dir().ok();
            if let Some(rel) = cwd.as_deref().and_then(|c| p.strip_prefix(c).ok()) {
                return rel.display().to_string();
            }
            return p.display().to_string();
        }
    }
    url.to_string()
}

/// Fetches documents; one per load so that a multi-file spec reuses its connections.
#[derive(Debug)]
pub(crate) struct Fetcher {
    options: LoadOptions,
    client: Option<reqwest::Client>,
}

impl Fetcher {
    pub(crate) fn new(options: LoadOptions) -> Self {
        Fetcher {
            options,
            client: None,
        }
    }

    pub(crate) fn options(&self) -> &LoadOptions {
        &self.options
    }

    /// The bytes of the document at `url`.
    pub(crate) async fn fetch(&mut self, url: &Url) -> Result<Vec<u8>> {
        match url.scheme() {
            "file" => {
                let path = url.to_file_path().map_err(|_| SpecError::BadSource {
                    source_name: url.to_string(),
                })?;
                read_file(&path, &display_name(url), self.options.max_bytes)
            }
            "http" | "https" => self.fetch_http(url).await,
            _ => Err(SpecError::BadSource {
                source_name: url.to_string(),
            }),
        }
    }

    async fn fetch_http(&mut self, url: &Url) -> Result<Vec<u8>> {
        let name = url.to_string();
        if self.client.is_none() {
            let client = reqwest::Client::builder()
                .connect_timeout(self.options.connect_timeout)
                .timeout(self.options.timeout)
                .user_agent(concat!("vouch/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| SpecError::Fetch {
                    url: name.clone(),
                    reason: e.to_string(),
                })?;
            self.client = Some(client);
        }
        let Some(client) = self.client.as_ref() else {
            return Err(SpecError::Fetch {
                url: name,
                reason: "no HTTP client".into(),
            });
        };
        let secs = self.options.timeout.as_secs().max(1);
        let map = |e: reqwest::Error| http_error(&name, secs, e);
        let mut resp = client
            .get(url.clone())
            .header(
                "accept",
                "application/json, application/yaml;q=0.9, */*;q=0.5",
            )
            .send()
            .await
            .map_err(map)?;
        let status = resp.status();
        if !status.is_success() {
            return Err(SpecError::Fetch {
                url: name,
                reason: format!("the server answered {status}"),
            });
        }
        let limit = self.options.max_bytes;
        if let Some(len) = resp.content_length() {
            if len > limit {
                return Err(SpecError::TooLarge {
                    source_name: name,
                    size: len,
                    limit,
                });
            }
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(map)? {
            body.extend_from_slice(&chunk);
            if body.len() as u64 > limit {
                return Err(SpecError::TooLarge {
                    source_name: name,
                    size: body.len() as u64,
                    limit,
                });
            }
        }
        Ok(body)
    }
}

fn http_error(url: &str, secs: u64, e: reqwest::Error) -> SpecError {
    if e.is_timeout() {
        return SpecError::Timeout {
            url: url.to_string(),
            seconds: secs,
        };
    }
    // reqwest's top-level message is generic ("error sending request"); the cause says why.
    let mut reason = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        reason = s.to_string();
        src = s.source();
    }
    SpecError::Fetch {
        url: url.to_string(),
        reason,
    }
}

/// Reads at most `limit` bytes; works on pipes and devices whose size is unknown.
pub(crate) fn read_file(path: &Path, name: &str, limit: u64) -> Result<Vec<u8>> {
    let read_err = |e: std::io::Error| SpecError::Read {
        source_name: name.to_string(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if meta.is_dir() {
        return Err(SpecError::Read {
            source_name: name.to_string(),
            reason: "it is a directory".into(),
        });
    }
    if meta.len() > limit {
        return Err(SpecError::TooLarge {
            source_name: name.to_string(),
            size: meta.len(),
            limit,
        });
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(read_err)?;
    if buf.len() as u64 > limit {
        return Err(SpecError::TooLarge {
            source_name: name.to_string(),
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

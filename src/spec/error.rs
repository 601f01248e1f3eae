//! What can stop a document from loading at all.
//!
//! Anything less than this (an unresolvable `$ref`, a schema that breaks the meta-schema, a
//! duplicate operationId) is a [`Problem`](super::Problem), not an error: the rest of the
//! document stays usable.

use std::fmt;

/// Where a location inside a text file is: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

impl fmt::Display for LineCol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Why a spec could not be loaded. Each variant names the file or URL it is about.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file could not be read (missing, a directory, no permission).
    #[error("cannot read {source_name}: {reason}")]
    Read {
        /// File path or URL.
        source_name: String,
        /// What the operating system said.
        reason: String,
    },
    /// The input is larger than the loader accepts.
    #[error("{source_name} is {size} bytes, more than the {limit}-byte limit for a spec")]
    TooLarge {
        /// File path or URL.
        source_name: String,
        /// Size seen so far (for a stream, the point where reading stopped).
        size: u64,
        /// The configured limit.
        limit: u64,
    },
    /// The bytes are neither valid JSON nor valid YAML.
    #[error("{source_name} is not valid {format}{}: {message}", at.map(|a| format!(" ({a})")).unwrap_or_default())]
    Syntax {
        /// File path or URL.
        source_name: String,
        /// "JSON" or "YAML".
        format: &'static str,
        /// Where the parser stopped, when it knows.
        at: Option<LineCol>,
        /// The parser's own words.
        message: String,
    },
    /// Nesting deeper than the loader's bound (protects the stack).
    #[error("{source_name} nests deeper than {limit} levels{}", at.map(|a| format!(" ({a})")).unwrap_or_default())]
    TooDeep {
        /// File path or URL.
        source_name: String,
        /// The bound.
        limit: usize,
        /// Where the parser gave up, when it knows.
        at: Option<LineCol>,
    },
    /// A YAML document whose aliases would expand past the loader's budget.
    #[error("{source_name} is a YAML document too large once its aliases are expanded{}: {message}", at.map(|a| format!(" ({a})")).unwrap_or_default())]
    YamlBudget {
        /// File path or URL.
        source_name: String,
        /// Where the parser gave up, when it knows.
        at: Option<LineCol>,
        /// Which limit was hit.
        message: String,
    },
    /// Parsed, but it is not an OpenAPI or Swagger document.
    #[error("{source_name} is not an OpenAPI document: {reason}")]
    NotOpenApi {
        /// File path or URL.
        source_name: String,
        /// What is missing or wrong.
        reason: String,
    },
    /// An OpenAPI/Swagger version this loader does not read.
    #[error("{source_name} declares {field} {version}, which Vouch does not read")]
    UnsupportedVersion {
        /// File path or URL.
        source_name: String,
        /// `openapi` or `swagger`.
        field: &'static str,
        /// The declared version, as written.
        version: String,
    },
    /// An http(s) URL could not be fetched.
    #[error("cannot fetch {url}: {reason}")]
    Fetch {
        /// The URL.
        url: String,
        /// Connection refused, DNS failure, HTTP status, ...
        reason: String,
    },
    /// An http(s) URL did not answer in time.
    #[error("{url} did not answer within {seconds} s")]
    Timeout {
        /// The URL.
        url: String,
        /// The limit that ran out.
        seconds: u64,
    },
    /// The source is neither a readable path nor an http(s) URL.
    #[error("{source_name} is not a file path or an http(s) URL")]
    BadSource {
        /// What was given.
        source_name: String,
    },
    /// The document has the right version but a shape nothing can be read from.
    #[error("{source_name} cannot be used: {message} (at {pointer})")]
    Unusable {
        /// File path or URL.
        source_name: String,
        /// JSON pointer of the offending part.
        pointer: String,
        /// What is wrong.
        message: String,
    },
}

impl SpecError {
    /// A stable, machine-readable name for the error, e.g. for the UI (`{kind, message}`).
    pub fn kind(&self) -> &'static str {
        match self {
            SpecError::Read { .. } => "read",
            SpecError::TooLarge { .. } => "too-large",
            SpecError::Syntax { .. } => "syntax",
            SpecError::TooDeep { .. } => "too-deep",
            SpecError::YamlBudget { .. } => "yaml-budget",
            SpecError::NotOpenApi { .. } => "not-openapi",
            SpecError::UnsupportedVersion { .. } => "unsupported-version",
            SpecError::Fetch { .. } => "fetch",
            SpecError::Timeout { .. } => "timeout",
            SpecError::BadSource { .. } => "bad-source",
            SpecError::Unusable { .. } => "unusable",
        }
    }

    /// One line telling the user what to try next.
    pub fn hint(&self) -> &'static str {
        match self {
            SpecError::Read { .. } => "check the path; a spec is a .json, .yaml or .yml file",
            SpecError::TooLarge { .. } => {
                "the limit guards against runaway inputs; raise it with --max-bytes if the file is really a spec"
            }
            SpecError::Syntax { .. } => "fix the document at the position shown, or open the file the spec comes from",
            SpecError::TooDeep { .. } => "real specs nest far less deeply; the file is probably generated wrongly or hostile",
            SpecError::YamlBudget { .. } => {
                "the document uses YAML anchors/aliases to expand into something huge (an alias bomb?)"
            }
            SpecError::NotOpenApi { .. } => {
                "an OpenAPI document has a top-level `openapi: 3.x.y` (or `swagger: \"2.0\"`) field, `info` and `paths`"
            }
            SpecError::UnsupportedVersion { .. } => "Vouch reads Swagger 2.0 and OpenAPI 3.0.x, 3.1.x and 3.2.x",
            SpecError::Fetch { .. } => "check that the server is running and the URL is right",
            SpecError::Timeout { .. } => "the server is slow or stuck; try again, or raise the timeout (--timeout in the CLI)",
            SpecError::BadSource { .. } => "give a path to a .json/.yaml file or an http(s):// URL",
            SpecError::Unusable { .. } => "fix the document at the pointer shown",
        }
    }
}

/// Result of spec operations.
pub type Result<T, E = SpecError> = std::result::Result<T, E>;

//! What can go wrong importing or exporting.

use thiserror::Error;

/// An import or export that could not be done (nothing was written).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExchangeError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {detail}")]
    Read {
        /// What.
        path: String,
        /// Why.
        detail: String,
    },
    /// A file or folder could not be written.
    #[error("cannot write {path}: {detail}")]
    Write {
        /// What.
        path: String,
        /// Why.
        detail: String,
    },
    /// The input is not in the format it claims or seems to be.
    #[error("{path} is not a collection Vouch can import: {detail}")]
    Format {
        /// What.
        path: String,
        /// What is wrong, and where.
        detail: String,
    },
    /// A format version Vouch does not read.
    #[error("{path}: {detail}")]
    Unsupported {
        /// What.
        path: String,
        /// Which version, and what to do.
        detail: String,
    },
    /// The input is larger than any collection should be.
    #[error("{path} is {size} bytes, over the {limit} byte limit for imports")]
    TooLarge {
        /// What.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The export would carry credentials.
    #[error("refusing to export: {} value(s) look like credentials: {}", found.len(), found.join("; "))]
    Secrets {
        /// Where each was found (never the value itself).
        found: Vec<String>,
    },
    /// A collection of that name is already in the store.
    #[error("a collection named `{name}` already exists")]
    Conflict {
        /// The name.
        name: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl ExchangeError {
    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            ExchangeError::Read { .. } => "check the path and its permissions".into(),
            ExchangeError::Write { .. } => "check that the target folder is writable and has room".into(),
            ExchangeError::Format { .. } => "say what it is (--from postman|insomnia|har|curl|vouch|openapi in the CLI); a truncated file must be exported again".into(),
            ExchangeError::Unsupported { .. } => "export it again from its tool in a newer format (Postman: Collection v2.1)".into(),
            ExchangeError::TooLarge { .. } => "split the collection, or remove recorded responses from it".into(),
            ExchangeError::Secrets { .. } => "move the values into secret environment variables and use {{name}}; if they are not secret, export with --force (CLI)".into(),
            ExchangeError::Conflict { .. } => "import under another name (--name), or replace it (--replace in the CLI); in the app, rename or delete the existing one first".into(),
            ExchangeError::Store(e) => e.hint().to_string(),
        }
    }

    /// A stable identifier of the error kind.
    pub fn kind(&self) -> &'static str {
        match self {
            ExchangeError::Read { .. } => "read",
            ExchangeError::Write { .. } => "write",
            ExchangeError::Format { .. } => "format",
            ExchangeError::Unsupported { .. } => "unsupported",
            ExchangeError::TooLarge { .. } => "too-large",
            ExchangeError::Secrets { .. } => "secrets",
            ExchangeError::Conflict { .. } => "conflict",
            ExchangeError::Store(e) => e.kind(),
        }
    }
}

/// Results of this module.
pub type Result<T> = std::result::Result<T, ExchangeError>;

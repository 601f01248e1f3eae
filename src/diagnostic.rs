//! One error shape for both doors: every engine error is a [`Diagnostic`] (a title from
//! `Display`, a stable `kind`, a `hint`), so the CLI prints and the app shows any of them
//! through one call. Hints are worded for both doors: where a CLI flag is the way out, the
//! app's control is named beside it.

use thiserror::Error;

/// What every engine error says beyond its message.
pub trait Diagnostic: std::error::Error {
    /// A stable identifier of the error kind (the app and JSON output match on it).
    fn kind(&self) -> &str;
    /// What the user can do about it (may be empty).
    fn hint(&self) -> String;
}

/// An error as data: what crosses to the app, what a run records, what the CLI prints.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Problem {
    /// [`Diagnostic::kind`].
    pub kind: String,
    /// The error's title.
    pub message: String,
    /// [`Diagnostic::hint`].
    pub hint: String,
}

impl Problem {
    /// The problem a diagnostic describes.
    pub fn of(e: &(impl Diagnostic + ?Sized)) -> Problem {
        Problem {
            kind: e.kind().to_string(),
            message: e.to_string(),
            hint: e.hint(),
        }
    }

    /// The problem with its message and hint masked.
    pub fn masked(mut self, mask: &crate::mask::Mask) -> Problem {
        self.message = mask.text(&self.message);
        self.hint = mask.text(&self.hint);
        self
    }

    /// `message (hint)`, or the message alone.
    pub fn line(&self) -> String {
        if self.hint.is_empty() {
            self.message.clone()
        } else {
            format!("{} ({})", self.message, self.hint)
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn kind(&self) -> &str {
        &self.kind
    }

    fn hint(&self) -> String {
        self.hint.clone()
    }
}

/// Any engine error, for callers (the CLI) that handle them all the same way.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// Loading or reading a spec.
    #[error(transparent)]
    Spec(#[from] crate::spec::SpecError),
    /// Building or sending a request.
    #[error(transparent)]
    Request(#[from] crate::request::RequestError),
    /// The store.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// Import or export.
    #[error(transparent)]
    Exchange(#[from] crate::exchange::ExchangeError),
    /// One checked call.
    #[error(transparent)]
    Call(#[from] crate::call::CallError),
    /// A run.
    #[error(transparent)]
    Run(#[from] crate::run::RunError),
    /// A load run.
    #[error(transparent)]
    Load(#[from] crate::load::LoadError),
    /// Merging the reports of a sharded run.
    #[error(transparent)]
    Merge(#[from] crate::report::MergeError),
    /// An error already turned into data.
    #[error(transparent)]
    Problem(#[from] Problem),
    /// Writing an output file (a report, an export).
    #[error("cannot write {path}: {detail}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
    /// A server (the mock) cannot listen where it was asked to.
    #[error("cannot listen on {addr}: {detail}")]
    Listen {
        /// host:port asked for.
        addr: String,
        /// Why.
        detail: String,
    },
    /// Arguments that do not fit together.
    #[error("{0}")]
    Usage(String),
}

impl Diagnostic for Error {
    fn kind(&self) -> &str {
        match self {
            Error::Spec(e) => e.kind(),
            Error::Request(e) => e.kind(),
            Error::Store(e) => e.kind(),
            Error::Exchange(e) => e.kind(),
            Error::Call(e) => Diagnostic::kind(e),
            Error::Run(e) => Diagnostic::kind(e),
            Error::Load(e) => e.kind(),
            Error::Merge(e) => e.kind(),
            Error::Problem(p) => Diagnostic::kind(p),
            Error::Write { .. } => "io",
            Error::Listen { .. } => "listen",
            Error::Usage(_) => "usage",
        }
    }

    fn hint(&self) -> String {
        match self {
            Error::Spec(e) => e.hint().to_string(),
            Error::Request(e) => e.hint().to_string(),
            Error::Store(e) => e.hint().to_string(),
            Error::Exchange(e) => e.hint(),
            Error::Call(e) => Diagnostic::hint(e),
            Error::Run(e) => Diagnostic::hint(e),
            Error::Load(e) => e.hint(),
            Error::Merge(e) => e.hint(),
            Error::Problem(p) => p.hint.clone(),
            Error::Write { .. } => "check that the folder exists and is writable".into(),
            Error::Listen { .. } => {
                "another process may hold that port: pick another with --port (0: any free port)"
                    .into()
            }
            Error::Usage(_) => "see --help".into(),
        }
    }
}

macro_rules! diagnostic {
    ($($t:ty),*) => {$(
        impl Diagnostic for $t {
            fn kind(&self) -> &str {
                <$t>::kind(self)
            }
            fn hint(&self) -> String {
                <$t>::hint(self).to_string()
            }
        }
    )*};
}

diagnostic!(
    crate::spec::SpecError,
    crate::request::RequestError,
    crate::store::StoreError,
    crate::exchange::ExchangeError
);

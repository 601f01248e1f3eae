//! What `vouch inspect` reports about a spec, as data: the CLI prints it, the app shows it.

use serde::Serialize;

use crate::spec::{Dialect, Operation, OperationDetail, Problem, Severity, Spec};

/// A summary of a loaded spec: versions, operations and problems.
#[derive(Debug, Serialize)]
pub struct Inspection {
    /// The version the document declares (`"2.0"` for Swagger).
    pub openapi: String,
    /// How it is read.
    pub dialect: Dialect,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// The file or URL it came from.
    pub source: String,
    /// How many documents it spans (more than 1 for multi-file specs).
    pub documents: usize,
    /// Operations under `paths`, light or resolved.
    pub operations: Vec<OperationEntry>,
    /// Operations under `webhooks`.
    pub webhooks: Vec<OperationEntry>,
    /// Everything wrong with it.
    pub problems: Vec<Problem>,
}

/// One listed operation: the index entry, or the resolved detail when asked for.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum OperationEntry {
    /// From the light index.
    Light(Box<Operation>),
    /// Fully resolved.
    Full(Box<OperationDetail>),
}

impl Inspection {
    /// Builds the summary; `full` resolves every operation (parameters, bodies, responses).
    pub fn of(spec: &Spec, full: bool) -> Inspection {
        let entries = |ops: &[Operation]| {
            ops.iter()
                .map(|o| {
                    if full {
                        OperationEntry::Full(Box::new(spec.resolve(o)))
                    } else {
                        OperationEntry::Light(Box::new(o.clone()))
                    }
                })
                .collect()
        };
        let mut problems = spec.problems();
        problems.sort_by_key(|p| p.severity);
        Inspection {
            openapi: spec.version().declared.clone(),
            dialect: spec.version().dialect,
            title: spec.title().to_string(),
            version: spec.api_version().to_string(),
            source: spec.name().to_string(),
            documents: spec.documents().len(),
            operations: entries(spec.operations()),
            webhooks: entries(spec.webhooks()),
            problems,
        }
    }

    /// How many problems are errors (the rest are warnings).
    pub fn error_count(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }
}

impl OperationEntry {
    /// The index entry, whichever form this is.
    pub fn operation(&self) -> &Operation {
        match self {
            OperationEntry::Light(o) => o,
            OperationEntry::Full(d) => &d.operation,
        }
    }
}

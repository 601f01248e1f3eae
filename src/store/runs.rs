//! Runs of suites with their per-step results, and the history of ad-hoc calls.
//!
//! A run row is written when the run starts; its steps are committed in batches by a
//! [`Recorder`](super::Recorder), so a run killed at any moment keeps every step reported as
//! recorded (and stays `running` until someone finishes it).

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{from_json, to_json, Result, Store, StoreError};

/// How a run ended (or that it has not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Still going, or killed before it could say otherwise.
    Running,
    /// Every step passed.
    Passed,
    /// A check or assertion failed.
    Failed,
    /// A step could not be run (dead server, bad input).
    Errored,
    /// Cancelled by the user.
    Cancelled,
}

/// How one step ended.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepOutcome {
    /// No finding, every assertion held.
    Passed,
    /// A finding or a failed assertion.
    Failed,
    /// The call could not be made.
    Errored,
    /// Not run (an earlier step it depends on failed, or the run was cancelled).
    Skipped,
}

fn text<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn parse<T: for<'de> Deserialize<'de>>(what: &'static str, s: &str) -> Result<T> {
    serde_json::from_value(Value::String(s.to_string())).map_err(|e| StoreError::Corrupt {
        what,
        detail: e.to_string(),
    })
}

/// A run as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRecord {
    /// Row id.
    pub id: i64,
    /// What was run (suite or collection name).
    pub target: String,
    /// The environment's name.
    pub environment: Option<String>,
    /// When it started (UTC, ISO 8601).
    pub started_at: String,
    /// When it finished.
    pub finished_at: Option<String>,
    /// How it ended.
    pub status: RunStatus,
    /// Counts and coverage, as the runner writes them.
    pub summary: Value,
    /// Steps in order.
    pub steps: Vec<StepRecord>,
}

/// One step's result as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRecord {
    /// Position in the run.
    pub seq: i64,
    /// The step's (request's) name.
    pub name: String,
    /// The operation called.
    pub operation_id: Option<String>,
    /// Method sent.
    pub method: String,
    /// URL sent (secrets masked).
    pub url: String,
    /// How it ended.
    pub outcome: StepOutcome,
    /// Response status.
    pub status: Option<u16>,
    /// Total time, ms.
    pub elapsed_ms: Option<f64>,
    /// Time to first byte, ms.
    pub ttfb_ms: Option<f64>,
    /// Contract findings.
    pub findings: Value,
    /// Assertion results.
    pub assertions: Value,
    /// Why the call could not be made.
    pub error: Option<String>,
    /// Response headers.
    pub response_headers: Vec<(String, String)>,
    /// The response body, up to the store's cap.
    #[serde(skip)]
    pub response_body: Vec<u8>,
    /// The body was longer than what is kept.
    pub body_truncated: bool,
    /// The request as it was sent (masked); None when it could not be built.
    pub request: Option<crate::call::SentRequest>,
}

impl StepRecord {
    /// Keeps at most `cap` bytes of `body`.
    pub fn keep_body(&mut self, body: &[u8], cap: usize) {
        self.response_body = body[..body.len().min(cap)].to_vec();
        self.body_truncated |= body.len() > cap;
    }
}

/// One ad-hoc call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    /// Row id (0 before it is stored).
    pub id: i64,
    /// When (UTC, ISO 8601; empty before it is stored).
    pub at: String,
    /// Method.
    pub method: String,
    /// URL (secrets masked).
    pub url: String,
    /// The operation called.
    pub operation_id: Option<String>,
    /// Response status (None when the call failed).
    pub status: Option<u16>,
    /// Total time, ms.
    pub elapsed_ms: Option<f64>,
    /// Contract findings.
    pub findings: Value,
    /// The draft, to send it again.
    pub draft: Value,
}

/// Inserts one step row (in the caller's transaction, if any).
pub(super) fn insert_step(conn: &rusqlite::Connection, run_id: i64, s: &StepRecord) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO run_steps (run_id, seq, name, operation_id, method, url, outcome, status, elapsed_ms, ttfb_ms,
            findings, assertions, error, response_headers, response_body, body_truncated, request)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        run_id,
        s.seq,
        s.name,
        s.operation_id,
        s.method,
        s.url,
        text(s.outcome),
        s.status,
        s.elapsed_ms,
        s.ttfb_ms,
        to_json(&s.findings),
        to_json(&s.assertions),
        s.error,
        to_json(&s.response_headers),
        s.response_body,
        s.body_truncated,
        s.request.as_ref().map(to_json)
    ])?;
    Ok(())
}

impl Store {
    /// Records the start of a run; returns its id.
    pub fn start_run(
        &mut self,
        collection_id: Option<i64>,
        suite_id: Option<i64>,
        target: &str,
        environment: Option<&str>,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (collection_id, suite_id, target, environment) VALUES (?1, ?2, ?3, ?4)",
            params![collection_id, suite_id, target, environment],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records one finished step (committed at once). A run records its steps through a
    /// [`Recorder`](super::Recorder) instead, which commits them in batches.
    pub fn record_step(&mut self, run_id: i64, s: &StepRecord) -> Result<()> {
        insert_step(&self.conn, run_id, s)
    }

    /// Records a finished load run with its JSON report; returns its id.
    pub fn record_load(
        &mut self,
        collection_id: Option<i64>,
        target: &str,
        passed: bool,
        report: &Value,
    ) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO load_runs (collection_id, target, passed, report) VALUES (?1, ?2, ?3, ?4)",
            params![collection_id, target, passed, to_json(report)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// A stored load run's report.
    pub fn load_report(&self, id: i64) -> Result<Value> {
        let text: String = self
            .conn
            .query_row("SELECT report FROM load_runs WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "load run",
                name: id.to_string(),
            })?;
        from_json("load report", &text)
    }

    /// Records how a run ended.
    pub fn finish_run(&mut self, run_id: i64, status: RunStatus, summary: &Value) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET status = ?2, summary = ?3, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
            params![run_id, text(status), to_json(summary)],
        )?;
        Ok(())
    }

    /// A run with its steps.
    // Kept whole: reading a run row and its step rows column by column.
    pub fn run(&self, run_id: i64) -> Result<RunRecord> {
        let head = self
            .conn
            .query_row(
                "SELECT target, environment, started_at, finished_at, status, summary FROM runs WHERE id = ?1",
                [run_id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "run", name: run_id.to_string() })?;
        let mut st = self.conn.prepare(
            "SELECT seq, name, operation_id, method, url, outcome, status, elapsed_ms, ttfb_ms, findings, assertions,
                    error, response_headers, response_body, body_truncated, request
             FROM run_steps WHERE run_id = ?1 ORDER BY seq",
        )?;
        let rows = st.query_map([run_id], |r| {
            Ok((
                (
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ),
                (
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<u16>>(6)?,
                    r.get::<_, Option<f64>>(7)?,
                    r.get::<_, Option<f64>>(8)?,
                ),
                (
                    r.get::<_, String>(9)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, Option<String>>(11)?,
                    r.get::<_, String>(12)?,
                ),
                (
                    r.get::<_, Option<Vec<u8>>>(13)?,
                    r.get::<_, bool>(14)?,
                    r.get::<_, Option<String>>(15)?,
                ),
            ))
        })?;
        let mut steps = Vec::new();
        for row in rows {
            let (
                (seq, name, operation_id, method, url),
                (outcome, status, elapsed_ms, ttfb_ms),
                (findings, assertions, error, headers),
                (body, truncated, request),
            ) = row?;
            steps.push(StepRecord {
                seq,
                name,
                operation_id,
                method,
                url,
                outcome: parse("step outcome", &outcome)?,
                status,
                elapsed_ms,
                ttfb_ms,
                findings: from_json("findings", &findings)?,
                assertions: from_json("assertion results", &assertions)?,
                error,
                response_headers: from_json("response headers", &headers)?,
                response_body: body.unwrap_or_default(),
                body_truncated: truncated,
                request: request.map(|r| from_json("request", &r)).transpose()?,
            });
        }
        let (target, environment, started_at, finished_at, status, summary) = head;
        Ok(RunRecord {
            id: run_id,
            target,
            environment,
            started_at,
            finished_at,
            status: parse("run status", &status)?,
            summary: from_json("run summary", &summary)?,
            steps,
        })
    }

    /// Ids of the most recent runs, newest first.
    pub fn recent_runs(&self, limit: usize) -> Result<Vec<i64>> {
        let mut st = self
            .conn
            .prepare("SELECT id FROM runs ORDER BY id DESC LIMIT ?1")?;
        let rows = st.query_map([limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Appends an ad-hoc call to the history; returns its id.
    pub fn add_history(&mut self, e: &HistoryEntry) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO history (method, url, operation_id, status, elapsed_ms, findings, draft) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![e.method, e.url, e.operation_id, e.status, e.elapsed_ms, to_json(&e.findings), to_json(&e.draft)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The most recent ad-hoc calls, newest first.
    pub fn history(&self, limit: usize) -> Result<Vec<HistoryEntry>> {
        let mut st = self.conn.prepare(
            "SELECT id, at, method, url, operation_id, status, elapsed_ms, findings, draft FROM history ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = st.query_map([limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<u16>>(5)?,
                r.get::<_, Option<f64>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, method, url, operation_id, status, elapsed_ms, findings, draft) = row?;
            out.push(HistoryEntry {
                id,
                at,
                method,
                url,
                operation_id,
                status,
                elapsed_ms,
                findings: from_json("findings", &findings)?,
                draft: from_json("draft", &draft)?,
            });
        }
        Ok(out)
    }
}

//! Run reports: JSON (for machines), JUnit XML (for CI), and one self-contained HTML file
//! (for people: results, findings, a timing chart, the coverage table).
//!
//! A report is made from the steps as the store records them (masked), so `vouch run`'s
//! reports and the reports of the same run from the app are the same bytes. Every failed or
//! errored step carries the request as sent (also as a cURL line) and the response (status,
//! headers, body up to a cap), in all three formats: a reader never needs a proxy.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::call::SHOWN_BODY_CAP;
use crate::store::{RunRecord, StepOutcome, StepRecord};
use crate::suite::{Coverage, Summary};

mod merge;
pub(crate) use merge::read_parts;
pub use merge::{merge, MergeError};

/// Everything a report shows.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// What ran (suite or collection name, or `smoke: <spec>`).
    pub name: String,
    /// Counts.
    pub summary: Summary,
    /// Per step, as recorded.
    pub steps: Vec<StepRecord>,
    /// Contract coverage.
    pub coverage: Coverage,
    /// The part of a sharded run it reports (None: the whole run).
    pub shard: Option<crate::run::ShardOf>,
}

pub(crate) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

impl StepRecord {
    /// `operation_id METHOD /path/template`, as test names show a step.
    pub fn title(&self, spec: Option<&crate::spec::Spec>) -> String {
        let path = self
            .operation_id
            .as_deref()
            .and_then(|id| spec?.operation(id))
            .map(|o| o.path.clone())
            .unwrap_or_else(|| {
                url::Url::parse(&self.url)
                    .map(|u| u.path().to_string())
                    .unwrap_or_else(|_| self.url.clone())
            });
        match &self.operation_id {
            Some(id) => format!("{id} {} {path}", self.method),
            None => format!("{} {} {path}", self.name, self.method),
        }
    }

    fn seconds(&self) -> f64 {
        self.elapsed_ms.unwrap_or(0.0) / 1000.0
    }

    fn findings_where(&self, failing: bool) -> Vec<String> {
        self.findings
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|f| (f["severity"] != "warning") == failing)
                    .map(|f| {
                        format!(
                            "{}: {}",
                            f["kind"].as_str().unwrap_or("finding"),
                            f["message"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every reason the step did not pass, one per line.
    pub fn reasons(&self) -> Vec<String> {
        let mut out = self.findings_where(true);
        if let Some(a) = self.assertions.as_array() {
            out.extend(
                a.iter()
                    .filter(|a| a["passed"] == false)
                    .map(|a| format!("assertion: {}", a["message"].as_str().unwrap_or(""))),
            );
        }
        out.extend(self.error.iter().cloned());
        out
    }

    /// Findings shown as warnings (accepted statuses, request findings).
    pub fn warnings(&self) -> Vec<String> {
        self.findings_where(false)
    }

    /// Whether reports explain the step with its request and response.
    fn explained(&self) -> bool {
        matches!(self.outcome, StepOutcome::Failed | StepOutcome::Errored)
    }

    /// The response as reports show it: status, headers, body text up to the cap.
    fn response(&self) -> Option<Value> {
        let status = self.status?;
        let body = &self.response_body[..self.response_body.len().min(SHOWN_BODY_CAP)];
        Some(serde_json::json!({
            "status": status,
            "headers": self.response_headers,
            "body": String::from_utf8_lossy(body),
            "body_truncated": self.body_truncated || self.response_body.len() > SHOWN_BODY_CAP,
        }))
    }

    /// The step as the JSON report shows it.
    fn json(&self) -> Value {
        let mut v = serde_json::json!({
            "seq": self.seq,
            "name": self.name,
            "operation_id": self.operation_id,
            "method": self.method,
            "url": self.url,
            "outcome": self.outcome,
            "status": self.status,
            "elapsed_ms": self.elapsed_ms,
            "findings": self.findings,
            "assertions": self.assertions,
            "error": self.error,
        });
        if self.explained() {
            v["request"] = serde_json::to_value(&self.request).unwrap_or(Value::Null);
            v["response"] = self.response().unwrap_or(Value::Null);
        }
        v
    }

    /// The request and response in words (JUnit's system-out, the HTML details).
    fn exchange_text(&self) -> String {
        let mut out = String::new();
        match &self.request {
            Some(r) => {
                let _ = writeln!(out, "request:\n{}", r.curl);
            }
            None => out.push_str("request: not sent\n"),
        }
        if let Some(status) = self.status {
            let _ = writeln!(out, "\nresponse: {status}");
            for (k, v) in &self.response_headers {
                let _ = writeln!(out, "{k}: {v}");
            }
            let body = &self.response_body[..self.response_body.len().min(SHOWN_BODY_CAP)];
            let _ = writeln!(out, "\n{}", String::from_utf8_lossy(body));
            if self.body_truncated || self.response_body.len() > SHOWN_BODY_CAP {
                out.push_str("… (body cut)\n");
            }
        }
        out
    }
}

impl RunReport {
    /// The report of a run that just finished.
    pub fn of(run: &crate::run::RunSummary) -> RunReport {
        RunReport {
            name: run.name.clone(),
            summary: run.summary,
            steps: run.steps.clone(),
            coverage: run.coverage.clone(),
            shard: run.shard,
        }
    }

    /// The report of a stored run (what the app exports): the same as `vouch run` wrote
    /// for it, given the same spec.
    pub fn from_record(run: &RunRecord, spec: &crate::spec::Spec) -> RunReport {
        let summary = serde_json::from_value(run.summary["summary"].clone())
            .or_else(|_| serde_json::from_value(run.summary.clone()))
            .unwrap_or_else(|_| counts(&run.steps));
        RunReport {
            name: run.target.clone(),
            summary,
            steps: run.steps.clone(),
            coverage: crate::suite::coverage(spec, &run.steps),
            shard: None,
        }
    }

    /// The JSON report: `{"name", "summary", "results", "coverage"}`; failed and errored
    /// results carry `request` and `response`.
    pub fn json(&self) -> String {
        let results: Vec<Value> = self.steps.iter().map(StepRecord::json).collect();
        let mut report = serde_json::json!({
            "name": self.name,
            "summary": self.summary,
            "results": results,
            "coverage": self.coverage,
        });
        if let Some(shard) = self.shard {
            report["shard"] = serde_json::to_value(shard).unwrap_or(Value::Null);
        }
        serde_json::to_string_pretty(&report).unwrap_or_default()
    }

    /// JUnit XML: one testsuite, one testcase per step named `operation_id METHOD path`;
    /// a failure or error says why, and its `system-out` holds the request and response.
    pub fn junit(&self, spec: Option<&crate::spec::Spec>) -> String {
        let total_time: f64 = self.steps.iter().map(StepRecord::seconds).sum();
        let s = &self.summary;
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"vouch\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{total_time:.3}\">",
            s.total, s.failed, s.errors, s.skipped
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{total_time:.3}\">",
            xml(&self.name), s.total, s.failed, s.errors, s.skipped
        );
        for r in &self.steps {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                xml(&r.title(spec)),
                xml(&self.name),
                r.seconds()
            );
            let reasons = r.reasons();
            let warnings = r.warnings();
            let (tag, kind) = match r.outcome {
                StepOutcome::Passed if warnings.is_empty() => {
                    out.push_str("/>\n");
                    continue;
                }
                StepOutcome::Passed => {
                    let _ = writeln!(
                        out,
                        ">\n      <system-out>{}</system-out>\n    </testcase>",
                        xml(&warnings.join("\n"))
                    );
                    continue;
                }
                StepOutcome::Skipped => {
                    out.push_str("><skipped/></testcase>\n");
                    continue;
                }
                StepOutcome::Failed => ("failure", "contract"),
                StepOutcome::Errored => ("error", "error"),
            };
            let first = reasons.first().cloned().unwrap_or_default();
            let mut all = reasons;
            all.extend(warnings.into_iter().map(|w| format!("warning: {w}")));
            let _ = writeln!(
                out,
                ">\n      <{tag} message=\"{}\" type=\"{kind}\">{}</{tag}>\n      <system-out>{}</system-out>\n    </testcase>",
                xml(&first),
                xml(&all.join("\n")),
                xml(&r.exchange_text())
            );
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }

    /// One self-contained HTML file (no scripts, no external resources).
    pub fn html(&self, spec: Option<&crate::spec::Spec>) -> String {
        let s = &self.summary;
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Vouch run: {name}</title>\n<style>\n\
             body{{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24}}h1{{font-size:1.4rem}}\n\
             table{{border-collapse:collapse;width:100%;margin:1rem 0}}td,th{{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}}\n\
             .passed{{color:#1a7f37}}.failed{{color:#cf222e}}.errored{{color:#9a6700}}.skipped{{color:#57606a}}.warning{{color:#9a6700}}\n\
             .bar{{fill:#0969da}}.bar.failed{{fill:#cf222e}}.bar.errored{{fill:#9a6700}}code{{font-size:12px}}ul{{margin:0;padding-left:1.1rem}}\n\
             pre{{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:.5rem;font-size:12px;max-height:24rem;overflow:auto}}\n\
             </style></head><body>\n<h1>Vouch run: {name}</h1>\n\
             <p><b>{total}</b> steps: <span class=\"passed\">{passed} passed</span>, <span class=\"failed\">{failed} failed</span>, \
             <span class=\"errored\">{errors} errors</span>, <span class=\"skipped\">{skipped} skipped</span></p>\n",
            name = xml(&self.name),
            total = s.total,
            passed = s.passed,
            failed = s.failed,
            errors = s.errors,
            skipped = s.skipped
        );
        self.html_chart(&mut out);
        self.html_steps(&mut out, spec);
        self.html_coverage(&mut out);
        out.push_str("</body></html>\n");
        out
    }

    /// Timing chart: one bar per step, scaled to the slowest.
    fn html_chart(&self, out: &mut String) {
        let max = self
            .steps
            .iter()
            .filter_map(|r| r.elapsed_ms)
            .fold(1.0_f64, f64::max);
        let row = 18;
        let _ = writeln!(
            out,
            "<h2>Response times</h2>\n<svg role=\"img\" aria-label=\"response time per step\" width=\"760\" height=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
            self.steps.len() * row + 4
        );
        for (i, r) in self.steps.iter().enumerate() {
            let ms = r.elapsed_ms.unwrap_or(0.0);
            let w = (ms / max * 460.0).max(1.0);
            let y = i * row + 2;
            let class = match r.outcome {
                StepOutcome::Passed => "bar",
                StepOutcome::Failed => "bar failed",
                _ => "bar errored",
            };
            let _ = writeln!(
                out,
                "<text x=\"0\" y=\"{}\" font-size=\"11\">{}</text><rect class=\"{class}\" x=\"220\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"11\">{ms:.1} ms</text>",
                y + 12,
                xml(&r.name.chars().take(32).collect::<String>()),
                row - 4,
                226.0 + w,
                y + 12
            );
        }
        out.push_str("</svg>\n");
    }

    /// The steps table: why each did not pass, and for failed steps what was sent and
    /// received.
    fn html_steps(&self, out: &mut String, spec: Option<&crate::spec::Spec>) {
        out.push_str("<h2>Steps</h2>\n<table><tr><th>#</th><th>Step</th><th>Outcome</th><th>Status</th><th>Time</th><th>Why</th></tr>\n");
        for r in &self.steps {
            let outcome = serde_json::to_value(r.outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let mut why: String = r
                .reasons()
                .iter()
                .map(|x| format!("<li>{}</li>", xml(x)))
                .collect();
            why.extend(
                r.warnings()
                    .iter()
                    .map(|w| format!("<li class=\"warning\">warning: {}</li>", xml(w))),
            );
            let mut cell = if why.is_empty() {
                String::new()
            } else {
                format!("<ul>{why}</ul>")
            };
            if r.explained() {
                let _ = write!(
                    cell,
                    "<details><summary>request and response</summary><pre>{}</pre></details>",
                    xml(&r.exchange_text())
                );
            }
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td class=\"{outcome}\">{outcome}</td><td>{}</td><td>{}</td><td>{cell}</td></tr>",
                r.seq + 1,
                xml(&r.title(spec)),
                r.status.map(|s| s.to_string()).unwrap_or_default(),
                r.elapsed_ms.map(|ms| format!("{ms:.1} ms")).unwrap_or_default(),
            );
        }
        out.push_str("</table>\n");
    }

    fn html_coverage(&self, out: &mut String) {
        let c = &self.coverage;
        let _ = writeln!(
            out,
            "<h2>Contract coverage</h2>\n<p>{} of {} operations called; {} of {} declared responses seen.</p>\n\
             <table><tr><th>Operation</th><th>Declared</th><th>Seen</th><th>Statuses</th></tr>",
            c.exercised, c.operations, c.responses_seen, c.responses_declared
        );
        for o in &c.by_operation {
            let _ = writeln!(
                out,
                "<tr><td><code>{} {}</code> {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                xml(&o.method),
                xml(&o.path),
                xml(&o.operation),
                xml(&o.declared.join(", ")),
                xml(&o.covered.join(", ")),
                o.statuses
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        out.push_str("</table>\n");
    }
}

/// Counts of recorded steps (for runs stored without a summary).
fn counts(steps: &[StepRecord]) -> Summary {
    let mut s = Summary {
        total: steps.len(),
        ..Summary::default()
    };
    for r in steps {
        match r.outcome {
            StepOutcome::Passed => s.passed += 1,
            StepOutcome::Failed => s.failed += 1,
            StepOutcome::Errored => s.errors += 1,
            StepOutcome::Skipped => s.skipped += 1,
        }
    }
    s
}

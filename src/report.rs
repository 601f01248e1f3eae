//! Run reports: JSON (for machines), JUnit XML (for CI), and one self-contained HTML file
//! (for people: results, findings, a timing chart, the coverage table).

use std::fmt::Write as _;

use serde::Serialize;

use crate::store::StepOutcome;
use crate::suite::{Coverage, StepResult, Summary};

/// Everything a report shows.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// What ran (suite or collection name, or `smoke: <spec>`).
    pub name: String,
    /// Counts.
    pub summary: Summary,
    /// Per step.
    pub results: Vec<StepResult>,
    /// Contract coverage.
    pub coverage: Coverage,
}

fn xml(text: &str) -> String {
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

impl StepResult {
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
        self.exchange
            .as_ref()
            .map(|e| e.elapsed_ms / 1000.0)
            .unwrap_or(0.0)
    }

    /// Every reason the step did not pass, one per line.
    pub fn reasons(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .findings
            .iter()
            .map(|f| format!("{}: {}", f.kind.as_str(), f.message))
            .collect();
        out.extend(
            self.assertions
                .iter()
                .filter(|a| !a.passed)
                .map(|a| format!("assertion: {}", a.message)),
        );
        out.extend(self.error.iter().cloned());
        out
    }
}

impl RunReport {
    /// The JSON report: `{"summary", "results", "coverage"}`.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(&serde_json::json!({
            "name": self.name,
            "summary": self.summary,
            "results": self.results,
            "coverage": self.coverage,
        }))
        .unwrap_or_default()
    }

    /// JUnit XML: one testsuite, one testcase per step named `operation_id METHOD path`.
    pub fn junit(&self, spec: Option<&crate::spec::Spec>) -> String {
        let total_time: f64 = self.results.iter().map(StepResult::seconds).sum();
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
        for r in &self.results {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                xml(&r.title(spec)),
                xml(&self.name),
                r.seconds()
            );
            let reasons = r.reasons();
            match r.outcome {
                StepOutcome::Passed => out.push_str("/>\n"),
                StepOutcome::Skipped => out.push_str("><skipped/></testcase>\n"),
                StepOutcome::Failed | StepOutcome::Errored => {
                    let tag = if r.outcome == StepOutcome::Failed {
                        "failure"
                    } else {
                        "error"
                    };
                    let first = reasons.first().cloned().unwrap_or_default();
                    let _ =
                        writeln!(
                        out,
                        ">\n      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>\n    </testcase>",
                        xml(&first),
                        if r.outcome == StepOutcome::Failed { "contract" } else { "error" },
                        xml(&reasons.join("\n"))
                    );
                }
            }
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
             .passed{{color:#1a7f37}}.failed{{color:#cf222e}}.errored{{color:#9a6700}}.skipped{{color:#57606a}}\n\
             .bar{{fill:#0969da}}.bar.failed{{fill:#cf222e}}.bar.errored{{fill:#9a6700}}code{{font-size:12px}}ul{{margin:0;padding-left:1.1rem}}\n\
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
        // Timing chart: one bar per step, scaled to the slowest.
        let max = self
            .results
            .iter()
            .filter_map(|r| r.exchange.as_ref().map(|e| e.elapsed_ms))
            .fold(1.0_f64, f64::max);
        let row = 18;
        let _ = writeln!(
            out,
            "<h2>Response times</h2>\n<svg role=\"img\" aria-label=\"response time per step\" width=\"760\" height=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
            self.results.len() * row + 4
        );
        for (i, r) in self.results.iter().enumerate() {
            let ms = r.exchange.as_ref().map(|e| e.elapsed_ms).unwrap_or(0.0);
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
        out.push_str("</svg>\n<h2>Steps</h2>\n<table><tr><th>#</th><th>Step</th><th>Outcome</th><th>Status</th><th>Time</th><th>Why</th></tr>\n");
        for r in &self.results {
            let outcome = serde_json::to_value(r.outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let reasons: String = r
                .reasons()
                .iter()
                .map(|x| format!("<li>{}</li>", xml(x)))
                .collect();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td><code>{}</code></td><td class=\"{outcome}\">{outcome}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                r.seq + 1,
                xml(&r.title(spec)),
                r.exchange.as_ref().map(|e| e.status.to_string()).unwrap_or_default(),
                r.exchange.as_ref().map(|e| format!("{:.1} ms", e.elapsed_ms)).unwrap_or_default(),
                if reasons.is_empty() { String::new() } else { format!("<ul>{reasons}</ul>") }
            );
        }
        let c = &self.coverage;
        let _ = writeln!(
            out,
            "</table>\n<h2>Contract coverage</h2>\n<p>{} of {} operations called; {} of {} declared responses seen.</p>\n\
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
        out.push_str("</table>\n</body></html>\n");
        out
    }
}

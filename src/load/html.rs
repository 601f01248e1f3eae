//! The HTML report of a load run: one self-contained file (no scripts, no external resources)
//! with the totals, the thresholds, throughput and latency over time, and the steps.

use std::fmt::Write as _;

use super::{LoadReport, Tally};
use crate::report::xml;

/// Chart width and height in pixels, and the left margin kept for the value labels.
const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 56.0;

/// One line of a chart: its label, its colour and a value per second.
struct Series<'a> {
    label: &'a str,
    colour: &'a str,
    values: Vec<f64>,
}

impl LoadReport {
    /// The report as one HTML page; `name` is what was run (a suite, a collection, a spec).
    pub fn html(&self, name: &str) -> String {
        let s = &self.summary;
        let f = &s.figures;
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Vouch load: {name}</title>\n<style>\n\
             body{{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24}}h1{{font-size:1.4rem}}\n\
             table{{border-collapse:collapse;width:100%;margin:1rem 0}}td,th{{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:right}}\n\
             td:first-child,th:first-child{{text-align:left}}.ok{{color:#1a7f37}}.failed{{color:#cf222e}}\n\
             svg text{{font-size:11px;fill:#57606a}}.legend{{margin:.2rem 0 1rem}}.legend span{{margin-right:1rem}}\n\
             </style></head><body>\n<h1>Vouch load: {name}</h1>\n\
             <p><b>{requests}</b> calls in {secs:.1} s ({rate:.1}/s): <span class=\"{err_class}\">{errors} errors</span>, \
             <span class=\"{find_class}\">{findings} failing findings</span>; p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms{interrupted}</p>\n",
            name = xml(name),
            requests = f.requests,
            secs = s.duration_s,
            rate = f.rate,
            errors = f.errors,
            err_class = if f.errors == 0 { "ok" } else { "failed" },
            findings = f.findings,
            find_class = if f.findings == 0 { "ok" } else { "failed" },
            p50 = f.latency_ms.p50,
            p99 = f.latency_ms.p99,
            max = f.latency_ms.max,
            interrupted = if s.interrupted {
                " <b class=\"failed\">(interrupted)</b>"
            } else {
                ""
            },
        );
        self.html_thresholds(&mut out);
        self.html_charts(&mut out);
        self.html_steps(&mut out);
        out.push_str("</body></html>\n");
        out
    }

    fn html_thresholds(&self, out: &mut String) {
        if self.summary.thresholds.is_empty() {
            return;
        }
        out.push_str("<h2>Thresholds</h2>\n<table><tr><th>Threshold</th><th>Measured</th><th>Verdict</th></tr>\n");
        for v in &self.summary.thresholds {
            let (class, word) = if v.ok {
                ("ok", "held")
            } else {
                ("failed", "crossed")
            };
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{:.2}</td><td class=\"{class}\">{word}</td></tr>",
                xml(&v.expr),
                v.actual
            );
        }
        out.push_str("</table>\n");
    }

    /// Throughput and latency per second, from each second's histogram.
    fn html_charts(&self, out: &mut String) {
        let seconds: Vec<Tally> = self
            .series
            .iter()
            .map(|t| super::merge::second(t).unwrap_or_default())
            .collect();
        let latency = |pick: fn(&super::Latency) -> f64| -> Vec<f64> {
            seconds
                .iter()
                .map(|t| pick(&t.figures(1.0).latency_ms))
                .collect()
        };
        chart(
            out,
            "Throughput",
            "calls/s",
            &[
                Series {
                    label: "calls/s",
                    colour: "#0969da",
                    values: self.series.iter().map(|t| t.requests as f64).collect(),
                },
                Series {
                    label: "errors/s",
                    colour: "#cf222e",
                    values: self.series.iter().map(|t| t.errors as f64).collect(),
                },
            ],
        );
        chart(
            out,
            "Latency over time",
            "ms",
            &[
                Series {
                    label: "p50",
                    colour: "#1a7f37",
                    values: latency(|l| l.p50),
                },
                Series {
                    label: "p90",
                    colour: "#9a6700",
                    values: latency(|l| l.p90),
                },
                Series {
                    label: "p99",
                    colour: "#cf222e",
                    values: latency(|l| l.p99),
                },
            ],
        );
    }

    fn html_steps(&self, out: &mut String) {
        out.push_str("<h2>Steps</h2>\n<table><tr><th>Step</th><th>Calls</th><th>Calls/s</th><th>Errors</th><th>Findings</th>\
                      <th>p50 ms</th><th>p90 ms</th><th>p95 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>Max ms</th></tr>\n");
        let total = ("total", &self.summary.figures);
        for (name, f) in self
            .steps
            .iter()
            .map(|s| (s.name.as_str(), &s.figures))
            .chain(std::iter::once(total))
        {
            let l = &f.latency_ms;
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td><td>{:.2}</td></tr>",
                xml(name), f.requests, f.rate, f.errors, f.findings, l.p50, l.p90, l.p95, l.p99, l.p999, l.max
            );
        }
        out.push_str("</table>\n");
        let kinds = &self.summary.figures.errors_by_kind;
        if !kinds.is_empty() {
            out.push_str("<p>Errors by kind: ");
            let list: Vec<String> = kinds
                .iter()
                .map(|(k, n)| format!("{n} {}", xml(k)))
                .collect();
            out.push_str(&list.join(", "));
            out.push_str("</p>\n");
        }
    }
}

/// A line chart of per-second values: time on x (whole run), 0..max on y.
fn chart(out: &mut String, title: &str, unit: &str, series: &[Series<'_>]) {
    let n = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
    let top = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let plot = WIDTH - LEFT - 8.0;
    let x = |i: usize| {
        LEFT + if n > 1 {
            i as f64 * plot / (n - 1) as f64
        } else {
            plot / 2.0
        }
    };
    let y = |v: f64| 8.0 + (HEIGHT - 28.0) * (1.0 - (v / top).clamp(0.0, 1.0));
    let _ = writeln!(
        out,
        "<h2>{title}</h2>\n<svg role=\"img\" aria-label=\"{title} per second\" width=\"{WIDTH}\" height=\"{HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <line x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#d0d7de\"/><line x1=\"{LEFT}\" y1=\"8\" x2=\"{LEFT}\" y2=\"{b}\" stroke=\"#d0d7de\"/>\n\
         <text x=\"0\" y=\"14\">{top:.1} {unit}</text><text x=\"0\" y=\"{b}\">0</text>\n\
         <text x=\"{LEFT}\" y=\"{t}\">0 s</text><text x=\"{end_x}\" y=\"{t}\" text-anchor=\"end\">{end} s</text>",
        b = HEIGHT - 20.0,
        r = WIDTH - 8.0,
        t = HEIGHT - 4.0,
        end_x = WIDTH - 8.0,
        end = n.saturating_sub(1),
    );
    for s in series {
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect();
        if points.len() == 1 {
            let _ = writeln!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"/>",
                x(0),
                y(s.values[0]),
                s.colour
            );
        } else {
            let _ = writeln!(
                out,
                "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" points=\"{}\"/>",
                s.colour,
                points.join(" ")
            );
        }
    }
    out.push_str("</svg>\n<div class=\"legend\">");
    for s in series {
        let _ = write!(
            out,
            "<span style=\"color:{}\">&#9632; {}</span>",
            s.colour,
            xml(s.label)
        );
    }
    out.push_str("</div>\n");
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::{LoadRun, Threshold};
    use super::*;

    #[test]
    fn the_page_shows_the_totals_the_thresholds_and_both_charts() {
        let mut steps = vec![Tally::default(), Tally::default()];
        let mut seconds = vec![Tally::default(); 3];
        for i in 0..300_u64 {
            // A slow second in the middle: 1 ms, then 250 ms, then 1 ms again.
            let second = (i / 100) as usize;
            let us = if second == 1 { 250_000 } else { 1_000 + i };
            let error = (i % 50 == 0).then_some("status 5xx");
            steps[(i % 2) as usize].add(us, error, 0);
            seconds[second].add(us, error, 0);
        }
        let run = LoadRun {
            names: vec!["list <things>".into(), "get thing".into()],
            steps,
            series: seconds
                .iter()
                .enumerate()
                .map(|(i, t)| super::super::tick(i as u64, t))
                .collect(),
            elapsed: Duration::from_secs(3),
            interrupted: false,
        };
        let thresholds: Vec<Threshold> = ["p99<200ms", "errors<5%"]
            .iter()
            .map(|t| t.parse().expect("threshold"))
            .collect();
        let html = run.report(&thresholds).html("smoke & <load>");
        assert!(html.contains("<title>Vouch load: smoke &amp; &lt;load&gt;</title>"));
        assert!(html.contains("<td>list &lt;things&gt;</td>"));
        assert!(!html.contains("<script"), "no scripts");
        insta::assert_snapshot!("load_report_html", html);
    }
}

//! Pass/fail rules of a load run, in k6's spirit: `p99<200ms`, `errors<1%`, `findings==0`,
//! `rate>=1900`.

use serde::Serialize;

use super::stats::Figures;
use super::LoadError;

/// A figure a threshold reads.
#[derive(Debug, Clone, Copy)]
enum Metric {
    /// A latency percentile or the max, ms.
    Latency(fn(&super::stats::Latency) -> f64),
    /// Errors: a count, or a percentage of requests with `%`.
    Errors,
    /// Failing findings: a count, or a percentage of requests with `%`.
    Findings,
    /// Calls per second.
    Rate,
    /// Calls made.
    Requests,
}

/// A parsed threshold.
#[derive(Debug, Clone)]
pub struct Threshold {
    expr: String,
    metric: Metric,
    op: &'static str,
    value: f64,
    percent: bool,
}

/// A threshold and whether the run held it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Verdict {
    /// As written.
    pub expr: String,
    /// Held.
    pub ok: bool,
    /// The figure it read (ms, a count, a percentage or a rate).
    pub actual: f64,
}

impl std::str::FromStr for Threshold {
    type Err = LoadError;

    fn from_str(text: &str) -> Result<Threshold, LoadError> {
        let bad = || LoadError::Threshold {
            expr: text.to_string(),
        };
        let t = text.replace(' ', "");
        let at = t.find(['<', '>', '=', '!']).ok_or_else(bad)?;
        let (name, rest) = t.split_at(at);
        let op = ["<=", ">=", "==", "!=", "<", ">"]
            .into_iter()
            .find(|op| rest.starts_with(op))
            .ok_or_else(bad)?;
        let raw = &rest[op.len()..];
        let metric = match name {
            "p50" => Metric::Latency(|l| l.p50),
            "p90" => Metric::Latency(|l| l.p90),
            "p95" => Metric::Latency(|l| l.p95),
            "p99" => Metric::Latency(|l| l.p99),
            "p999" | "p99.9" => Metric::Latency(|l| l.p999),
            "max" => Metric::Latency(|l| l.max),
            "errors" => Metric::Errors,
            "findings" => Metric::Findings,
            "rate" => Metric::Rate,
            "requests" => Metric::Requests,
            _ => return Err(bad()),
        };
        let (number, scale, percent) = match metric {
            Metric::Latency(_) => {
                if let Some(n) = raw.strip_suffix("ms") {
                    (n, 1.0, false)
                } else if let Some(n) = raw.strip_suffix('s') {
                    (n, 1000.0, false)
                } else {
                    (raw, 1.0, false)
                }
            }
            Metric::Errors | Metric::Findings => match raw.strip_suffix('%') {
                Some(n) => (n, 1.0, true),
                None => (raw, 1.0, false),
            },
            Metric::Rate => (raw.strip_suffix("/s").unwrap_or(raw), 1.0, false),
            Metric::Requests => (raw, 1.0, false),
        };
        let value = number.parse::<f64>().map_err(|_| bad())? * scale;
        if !value.is_finite() {
            return Err(bad());
        }
        Ok(Threshold {
            expr: text.to_string(),
            metric,
            op,
            value,
            percent,
        })
    }
}

impl Threshold {
    /// Whether `f` holds it.
    pub fn judge(&self, f: &Figures) -> Verdict {
        let share = |n: u64| {
            if self.percent {
                if f.requests == 0 {
                    0.0
                } else {
                    n as f64 * 100.0 / f.requests as f64
                }
            } else {
                n as f64
            }
        };
        let actual = match self.metric {
            Metric::Latency(pick) => pick(&f.latency_ms),
            Metric::Errors => share(f.errors),
            Metric::Findings => share(f.findings),
            Metric::Rate => f.rate,
            Metric::Requests => f.requests as f64,
        };
        let ok = match self.op {
            "<" => actual < self.value,
            "<=" => actual <= self.value,
            ">" => actual > self.value,
            ">=" => actual >= self.value,
            "==" => actual == self.value,
            _ => actual != self.value,
        };
        Verdict {
            expr: self.expr.clone(),
            ok,
            actual,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::stats::Tally;

    #[test]
    fn thresholds_read_and_judge() {
        let mut t = Tally::default();
        for i in 0..100u64 {
            t.add(1000 * (i + 1), (i % 50 == 0).then_some("timeout"), 0);
        }
        let f = t.figures(10.0);
        let judge = |e: &str| e.parse::<Threshold>().expect(e).judge(&f).ok;
        assert!(judge("p99<200ms"));
        assert!(!judge("p99<0.05s"));
        assert!(judge("max <= 101ms"));
        assert!(judge("errors<3%"));
        assert!(!judge("errors<2%"));
        assert!(judge("errors==2"));
        assert!(judge("findings==0"));
        assert!(judge("rate>=10/s"));
        for bad in ["p99", "p98<1ms", "errors<x%", "rate=>3", ""] {
            let e = bad.parse::<Threshold>().expect_err(bad);
            assert!(e.to_string().contains("is not a threshold"), "{e}");
        }
    }
}

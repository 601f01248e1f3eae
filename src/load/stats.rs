//! Counting a load run: requests, errors by kind, contract findings and an HDR histogram of
//! latencies, per step, in total and per second.

use std::collections::BTreeMap;

use base64::Engine as _;
use hdrhistogram::serialization::{Deserializer, Serializer as _, V2DeflateSerializer};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Latencies are kept in microseconds, from 1 µs to an hour, at 3 significant figures.
const HIGHEST_US: u64 = 3_600_000_000;

/// The counts of a set of calls.
#[derive(Debug, Clone)]
pub struct Tally {
    hist: Histogram<u64>,
    requests: u64,
    errors: u64,
    findings: u64,
    errors_by_kind: BTreeMap<String, u64>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            // Auto-resizing: it starts small (16 KB) and grows only as far as the slowest
            // call recorded (values are clamped to HIGHEST_US), where a fixed 1 µs..1 h range
            // took 188 KB for every step and every second. Three figures always fit.
            hist: Histogram::new(3).unwrap_or_else(|_| unreachable!()),
            requests: 0,
            errors: 0,
            findings: 0,
            errors_by_kind: BTreeMap::new(),
        }
    }
}

impl Tally {
    /// Counts one call: its latency, why it failed (if it did), its failing findings.
    pub fn add(&mut self, latency_us: u64, error: Option<&str>, findings: u64) {
        let us = latency_us.clamp(1, HIGHEST_US);
        // `record` grows the histogram to fit (`saturating_record` would clamp instead).
        if self.hist.record(us).is_err() {
            self.hist.saturating_record(us);
        }
        self.requests += 1;
        self.findings += findings;
        if let Some(kind) = error {
            self.errors += 1;
            *self.errors_by_kind.entry(kind.to_string()).or_default() += 1;
        }
    }

    /// Counts a call that was due but not sent (too many in flight): an error, with no
    /// latency and not among the requests made.
    pub fn dropped(&mut self) {
        self.errors += 1;
        *self
            .errors_by_kind
            .entry("dropped".to_string())
            .or_default() += 1;
    }

    /// Adds another tally's calls: histograms merged, never averaged.
    pub fn merge(&mut self, other: &Tally) {
        let _ = self.hist.add(&other.hist);
        self.requests += other.requests;
        self.errors += other.errors;
        self.findings += other.findings;
        for (k, n) in &other.errors_by_kind {
            *self.errors_by_kind.entry(k.clone()).or_default() += n;
        }
    }

    /// Calls counted.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// The histogram, compressed and in base64 (HdrHistogram's V2 deflate format, which
    /// other HDR tools read too): what a report carries so parts merge exactly.
    fn histogram_text(&self) -> String {
        let mut bytes = Vec::new();
        // One header for every report: an auto-resized histogram's range depends on the
        // order values came in, so the same calls would otherwise serialize differently.
        let mut fixed = match Histogram::<u64>::new_with_bounds(1, HIGHEST_US, 3) {
            Ok(h) => h,
            Err(_) => return String::new(),
        };
        if fixed.add(&self.hist).is_err() {
            return String::new();
        }
        match V2DeflateSerializer::new().serialize(&fixed, &mut bytes) {
            Ok(_) => base64::engine::general_purpose::STANDARD.encode(bytes),
            Err(_) => String::new(),
        }
    }

    /// The tally a report's figures describe (their histogram read back).
    pub fn from_figures(f: &Figures) -> Result<Tally, String> {
        Tally::from_parts(
            f.requests,
            f.errors,
            f.findings,
            f.errors_by_kind.clone(),
            &f.histogram,
        )
    }

    /// A tally from its counts and its histogram as a report carries it.
    pub fn from_parts(
        requests: u64,
        errors: u64,
        findings: u64,
        errors_by_kind: BTreeMap<String, u64>,
        histogram: &str,
    ) -> Result<Tally, String> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(histogram)
            .map_err(|e| format!("its histogram is not base64: {e}"))?;
        let mut hist: Histogram<u64> = Deserializer::new()
            .deserialize(&mut bytes.as_slice())
            .map_err(|e| format!("its histogram does not read: {e:?}"))?;
        // Merging a slower part into it must grow it, not fail.
        hist.auto(true);
        if hist.len() != requests {
            return Err(format!(
                "its histogram holds {} calls, its count {requests}",
                hist.len()
            ));
        }
        Ok(Tally {
            hist,
            requests,
            errors,
            findings,
            errors_by_kind,
        })
    }

    /// The figures over `seconds`.
    pub fn figures(&self, seconds: f64) -> Figures {
        let ms = |q: f64| self.hist.value_at_quantile(q) as f64 / 1000.0;
        let empty = self.requests == 0;
        Figures {
            requests: self.requests,
            rate: if seconds > 0.0 {
                self.requests as f64 / seconds
            } else {
                0.0
            },
            errors: self.errors,
            errors_by_kind: self.errors_by_kind.clone(),
            findings: self.findings,
            latency_ms: Latency {
                p50: if empty { 0.0 } else { ms(0.5) },
                p90: if empty { 0.0 } else { ms(0.9) },
                p95: if empty { 0.0 } else { ms(0.95) },
                p99: if empty { 0.0 } else { ms(0.99) },
                p999: if empty { 0.0 } else { ms(0.999) },
                max: if empty {
                    0.0
                } else {
                    self.hist.max() as f64 / 1000.0
                },
            },
            histogram: self.histogram_text(),
        }
    }
}

/// What a report says of a set of calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Calls made.
    pub requests: u64,
    /// Calls per second.
    pub rate: f64,
    /// Calls with no response, a 5xx or a failed assertion.
    pub errors: u64,
    /// The same, by kind (`timeout`, `connect`, `status 5xx`, `assertion`, …).
    pub errors_by_kind: BTreeMap<String, u64>,
    /// Failing contract findings.
    pub findings: u64,
    /// Latency percentiles, ms.
    pub latency_ms: Latency,
    /// The latencies (µs) as an HDR histogram, V2 deflate, base64: parts of a sharded run
    /// merge exactly from it.
    pub histogram: String,
}

/// Latency percentiles in milliseconds (from each call's scheduled start in an open model).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Slowest.
    pub max: f64,
}

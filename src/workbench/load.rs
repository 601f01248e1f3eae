//! The app's Load tab: the same load run as `vouch load` (`load::execute`), with the figures
//! the window shows. Histograms stay in the engine and the store: only the figures cross.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Result, Workbench};
use crate::load::{self, Figures, LoadError, LoadOptions, Model, Sampling, Threshold, Tick};
use crate::request::Session;
use tokio_util::sync::CancellationToken;

/// What the Load tab asks for.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LoadSettings {
    /// Open model: calls per second (set this or `users`).
    pub rate: Option<f64>,
    /// Closed model: virtual users looping the steps.
    pub users: Option<u32>,
    /// How long calls are started for, seconds.
    pub duration_s: f64,
    /// Linear ramp-up to the rate (or users), seconds.
    pub ramp_up_s: f64,
    /// `all`, `none` or `sample:F`.
    pub check: String,
    /// Pass rules such as `p99<200ms`, `errors<1%`, `findings==0`.
    pub thresholds: Vec<String>,
}

/// Figures of a set of calls, as the window shows them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LoadFigures {
    /// Calls made.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub requests: u64,
    /// Calls per second.
    pub rate: f64,
    /// Calls with no response, a 5xx or a failed assertion.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub errors: u64,
    /// Failing contract findings.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub findings: u64,
    /// Latency percentiles and maximum, ms: p50, p90, p95, p99, p99.9, max.
    pub latency_ms: [f64; 6],
}

/// One second of a load run (the live figures and the charts).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LoadTick {
    /// Seconds since the start.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub t: u64,
    /// Calls that ended in that second.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub requests: u64,
    /// Errors among them.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub errors: u64,
    /// Their failing findings.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub findings: u64,
    /// Their 99th-percentile latency, ms.
    pub p99_ms: f64,
}

/// One step's figures.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LoadStep {
    /// The step's name.
    pub name: String,
    /// Its figures.
    pub figures: LoadFigures,
}

/// A finished load run.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LoadView {
    /// The load run's id in the store.
    pub run_id: u32,
    /// Seconds it ran.
    pub duration_s: f64,
    /// Stopped early (Stop): the figures cover `duration_s`.
    pub interrupted: bool,
    /// Every threshold held and it ran its course.
    pub passed: bool,
    /// The whole run.
    pub total: LoadFigures,
    /// Errors by kind (`timeout`, `status 5xx`, `assertion`, `dropped`, …).
    #[cfg_attr(feature = "ts", ts(type = "Array<[string, number]>"))]
    pub errors_by_kind: Vec<(String, u64)>,
    /// Each threshold: as written, held, the figure it read.
    pub thresholds: Vec<(String, bool, f64)>,
    /// Per step.
    pub steps: Vec<LoadStep>,
    /// Per second.
    pub series: Vec<LoadTick>,
}

impl From<&Figures> for LoadFigures {
    fn from(f: &Figures) -> Self {
        let l = &f.latency_ms;
        LoadFigures {
            requests: f.requests,
            rate: f.rate,
            errors: f.errors,
            findings: f.findings,
            latency_ms: [l.p50, l.p90, l.p95, l.p99, l.p999, l.max],
        }
    }
}

impl From<&Tick> for LoadTick {
    fn from(t: &Tick) -> Self {
        LoadTick {
            t: t.t,
            requests: t.requests,
            errors: t.errors,
            findings: t.findings,
            p99_ms: t.p99_ms,
        }
    }
}

/// The longest load run the window starts (the CLI takes up to a day).
const MAX_SECONDS: f64 = 3600.0;

impl LoadSettings {
    /// The engine's options and thresholds, or what is wrong with the form.
    fn options(&self) -> std::result::Result<(LoadOptions, Vec<Threshold>), LoadError> {
        let bad = |m: &str| LoadError::Setting(m.to_string());
        let model = match (self.rate, self.users) {
            (Some(r), _) if r.is_finite() && r > 0.0 && r <= 1_000_000.0 => Model::Rate(r),
            (Some(_), _) => {
                return Err(bad(
                    "the rate must be above 0 and at most 1,000,000 calls/s",
                ))
            }
            (None, Some(u)) if (1..=100_000).contains(&u) => Model::Users(u as usize),
            (None, _) => return Err(bad("set a rate (calls/s) or 1 to 100,000 users")),
        };
        let seconds = |s: f64, what: &str| {
            if s.is_finite() && (0.0..=MAX_SECONDS).contains(&s) {
                Ok(Duration::from_secs_f64(s))
            } else {
                Err(bad(&format!("the {what} must be 0 to 3,600 seconds")))
            }
        };
        let duration = seconds(self.duration_s, "duration")?;
        if duration.is_zero() {
            return Err(bad("the duration must be above 0 seconds"));
        }
        let options = LoadOptions {
            model,
            duration,
            ramp_up: seconds(self.ramp_up_s, "ramp-up")?,
            sampling: self.check.parse::<Sampling>()?,
            max_in_flight: 1000,
            connections: 64,
        };
        let thresholds = self
            .thresholds
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(str::parse)
            .collect::<std::result::Result<Vec<Threshold>, _>>()?;
        Ok((options, thresholds))
    }
}

/// Marks a load run in progress on the workbench for as long as it lives.
struct Running<'a>(&'a Workbench);

impl<'a> Running<'a> {
    /// Refused while another load run is in progress (one at a time, each with its Stop).
    fn start(wb: &'a Workbench, token: &CancellationToken) -> Result<Running<'a>> {
        let mut slot = wb.loading.lock().map_err(|_| busy())?;
        if slot.is_some() {
            return Err(busy());
        }
        *slot = Some(token.clone());
        Ok(Running(wb))
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if let Ok(mut slot) = self.0.loading.lock() {
            *slot = None;
        }
    }
}

fn busy() -> super::WorkbenchError {
    crate::Error::from(LoadError::Setting(
        "a load run is already in progress: stop it first".into(),
    ))
    .into()
}

impl Workbench {
    /// Stops the load run in progress, if any; it reports what it measured.
    pub fn cancel_load(&self) {
        if let Ok(slot) = self.loading.lock() {
            if let Some(token) = slot.as_ref() {
                token.cancel();
            }
        }
    }

    /// Sends `target`'s steps under load as `vouch load` does (every response checked unless
    /// the settings say otherwise), calling `on_tick` each second; recorded in the store.
    /// Stopped by [`Workbench::cancel_load`], keeping what was measured; one at a time.
    pub async fn load(
        &self,
        target: &str,
        env: Option<String>,
        settings: &LoadSettings,
        mut on_tick: impl FnMut(&LoadTick) + Send,
    ) -> Result<LoadView> {
        let (options, thresholds) = settings.options().map_err(crate::Error::from)?;
        let token = CancellationToken::new();
        let _running = Running::start(self, &token)?;
        let (plan, contract) = self.planned(target, env).await?;
        let mut store = self.store()?;
        let session = Session::new();
        let ctx = self.run_context(&plan, &contract, &session, &token);
        let executed = load::execute(&mut store, &plan, &ctx, &options, &thresholds, None, |t| {
            on_tick(&LoadTick::from(t))
        })
        .await
        .map_err(crate::Error::from)?;
        let id = executed.recorded.map_err(crate::Error::from)?;
        let report = executed.report;
        Ok(LoadView {
            run_id: u32::try_from(id).unwrap_or(u32::MAX),
            duration_s: report.summary.duration_s,
            interrupted: report.summary.interrupted,
            passed: report.passed(),
            total: LoadFigures::from(&report.summary.figures),
            errors_by_kind: report
                .summary
                .figures
                .errors_by_kind
                .iter()
                .map(|(k, n)| (k.clone(), *n))
                .collect(),
            thresholds: report
                .summary
                .thresholds
                .iter()
                .map(|v| (v.expr.clone(), v.ok, v.actual))
                .collect(),
            steps: report
                .steps
                .iter()
                .map(|s| LoadStep {
                    name: s.name.clone(),
                    figures: LoadFigures::from(&s.figures),
                })
                .collect(),
            series: report.series.iter().map(LoadTick::from).collect(),
        })
    }
}

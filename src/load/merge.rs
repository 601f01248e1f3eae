//! The parts of a sharded load run (`vouch load --shard i/n`) joined into the report of the
//! whole: histograms merged (never percentiles averaged), counts added, seconds aligned.

use std::collections::BTreeMap;

use super::stats::Tally;
use super::{tick, LoadReport, StepFigures, Summary, Threshold};
use crate::report::MergeError;

/// A second of a part, as a tally (its histogram read back).
pub(super) fn second(t: &super::Tick) -> Result<Tally, String> {
    Tally::from_parts(
        t.requests,
        t.errors,
        t.findings,
        BTreeMap::new(),
        &t.histogram,
    )
}

/// Merges the parts' JSON load reports, given as (file name, text); the thresholds they
/// were run with are judged again on the whole.
pub fn merge(reports: &[(String, String)]) -> Result<LoadReport, MergeError> {
    let bad = |file: &str, detail: String| MergeError::NotAReport {
        file: file.to_string(),
        detail,
    };
    let parts = crate::report::read_parts(reports, |p: &LoadReport| p.shard)?;
    let (first_file, _, first) = &parts[0];
    let names: Vec<String> = first.steps.iter().map(|s| s.name.clone()).collect();
    let thresholds: Vec<Threshold> = first
        .summary
        .thresholds
        .iter()
        .filter_map(|v| v.expr.parse().ok())
        .collect();
    let mut steps = vec![Tally::default(); names.len()];
    let mut seconds: Vec<Tally> = Vec::new();
    let mut duration_s: f64 = 0.0;
    for (file, _, part) in &parts {
        let same: Vec<&str> = part.steps.iter().map(|s| s.name.as_str()).collect();
        if same != names.iter().map(String::as_str).collect::<Vec<_>>() {
            return Err(MergeError::Mismatch {
                detail: format!("{file} has other steps than {first_file}"),
            });
        }
        duration_s = duration_s.max(part.summary.duration_s);
        for (total, s) in steps.iter_mut().zip(&part.steps) {
            total.merge(&Tally::from_figures(&s.figures).map_err(|e| bad(file, e))?);
        }
        for t in &part.series {
            let at = t.t as usize;
            if seconds.len() <= at {
                seconds.resize_with(at + 1, Tally::default);
            }
            seconds[at].merge(&second(t).map_err(|e| bad(file, e))?);
        }
    }
    let mut total = Tally::default();
    for s in &steps {
        total.merge(s);
    }
    let figures = total.figures(duration_s);
    Ok(LoadReport {
        summary: Summary {
            duration_s,
            interrupted: parts.iter().any(|(_, _, p)| p.summary.interrupted),
            thresholds: thresholds.iter().map(|t| t.judge(&figures)).collect(),
            figures,
        },
        steps: names
            .into_iter()
            .zip(&steps)
            .map(|(name, t)| StepFigures {
                name,
                figures: t.figures(duration_s),
            })
            .collect(),
        series: seconds
            .iter()
            .enumerate()
            .map(|(i, t)| tick(i as u64, t))
            .collect(),
        shard: None,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::load::LoadRun;
    use crate::suite::Shard;

    /// A run of one step whose calls took `latencies` ms, one second each.
    fn run(latencies: impl Iterator<Item = u64>) -> LoadRun {
        let mut step = Tally::default();
        let mut seconds = [Tally::default(), Tally::default()];
        for (i, ms) in latencies.enumerate() {
            step.add(ms * 1000, (ms % 97 == 0).then_some("timeout"), ms % 2);
            seconds[i % 2].add(ms * 1000, (ms % 97 == 0).then_some("timeout"), ms % 2);
        }
        LoadRun {
            names: vec!["things".into()],
            steps: vec![step],
            series: seconds
                .iter()
                .enumerate()
                .map(|(i, t)| super::super::tick(i as u64, t))
                .collect(),
            elapsed: Duration::from_secs(2),
            interrupted: false,
        }
    }

    #[test]
    fn merged_parts_equal_one_histogram_of_every_sample() {
        let thresholds: Vec<Threshold> = vec!["p99<900ms".parse().expect("threshold")];
        let part = |index, run: LoadRun| {
            let mut r = run.report(&thresholds);
            r.shard = Some(Shard { index, count: 2 });
            (
                format!("part-{index}.json"),
                serde_json::to_string(&r).expect("json"),
            )
        };
        // Odd latencies on one machine, even on the other: percentiles of either part alone
        // say nothing of the whole; only merged histograms do.
        let parts = [
            part(2, run((1..=1000).filter(|n| n % 2 == 0))),
            part(1, run((1..=1000).filter(|n| n % 2 == 1))),
        ];
        let merged = merge(&parts).expect("merge");
        let whole = run(1..=1000).report(&thresholds);
        assert_eq!(merged.summary.figures, whole.summary.figures);
        assert_eq!(merged.summary.thresholds, whole.summary.thresholds);
        assert_eq!(merged.steps[0].figures, whole.steps[0].figures);
        let totals: u64 = merged.series.iter().map(|t| t.requests).sum();
        assert_eq!(totals, 1000);
        assert!(
            !merged.summary.thresholds[0].ok,
            "p99 of 1..1000 ms is 990 ms"
        );

        let err = merge(&parts[..1]).expect_err("a part missing");
        assert!(err.to_string().contains("part 1/2 is missing"), "{err}");
    }
}

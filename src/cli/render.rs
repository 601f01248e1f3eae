//! What the CLI prints, apart from what it does.

use std::io::Write;

use vouch::call::CheckReport;
use vouch::exchange::Imported;
use vouch::inspect::Inspection;
use vouch::run::RunSummary;

/// `vouch check`'s text: the call, the response line, the findings (warnings marked), notes.
pub fn check(out: &mut impl Write, r: &CheckReport) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {}  ({})",
        r.request.method, r.request.url, r.request.operation
    )?;
    writeln!(
        out,
        "{} · {} · {} ms · {}",
        r.response.status,
        r.response
            .content_type
            .as_deref()
            .unwrap_or("no content type"),
        r.response.elapsed_ms,
        count(r.response.size as usize, "byte")
    )?;
    let failing = r.findings.iter().filter(|f| f.fails()).count();
    if failing == 0 {
        writeln!(out, "ok: the exchange honours the contract")?;
    }
    if !r.findings.is_empty() {
        if failing > 0 {
            writeln!(out, "{}:", count(failing, "finding"))?;
        }
        let warnings = r.findings.len() - failing;
        if warnings > 0 {
            writeln!(out, "{}:", count(warnings, "warning"))?;
        }
        for f in &r.findings {
            let kind = if f.fails() {
                f.kind.as_str().to_string()
            } else {
                format!("{} (warning)", f.kind.as_str())
            };
            writeln!(out, "  {kind:<12} {}", f.message)?;
            if !f.schema_path.is_empty() {
                writeln!(out, "  {:<12} schema: {}", "", f.schema_path)?;
            }
        }
    }
    for n in &r.notes {
        writeln!(out, "note: {n}")?;
    }
    Ok(())
}

/// `vouch inspect`'s text.
pub fn inspection(out: &mut impl Write, r: &Inspection) -> std::io::Result<()> {
    let kind = if r.openapi == "2.0" {
        "Swagger"
    } else {
        "OpenAPI"
    };
    writeln!(
        out,
        "{} {}",
        r.title,
        if r.version.is_empty() {
            String::new()
        } else {
            format!("(API version {})", r.version)
        }
    )?;
    let docs = if r.documents == 1 {
        "1 document".to_string()
    } else {
        format!("{} documents", r.documents)
    };
    writeln!(
        out,
        "{kind} {} · {docs} · {} · {} · {}",
        r.openapi,
        count(r.operations.len(), "operation"),
        count(r.webhooks.len(), "webhook"),
        count(r.problems.len(), "problem")
    )?;
    for (title, list) in [("Operations", &r.operations), ("Webhooks", &r.webhooks)] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "\n{title}")?;
        let width = list
            .iter()
            .map(|e| e.operation().path.len())
            .max()
            .unwrap_or(0)
            .min(60);
        for e in list {
            let o = e.operation();
            let summary = o
                .summary
                .as_deref()
                .map(|s| format!("  {s}"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:<7} {:<width$}  {}{}",
                o.method, o.path, o.id, summary
            )?;
        }
    }
    problems(out, r)
}

/// The problems section of `vouch inspect`'s text.
fn problems(out: &mut impl Write, r: &Inspection) -> std::io::Result<()> {
    if !r.problems.is_empty() {
        let warnings = r.problems.len() - r.error_count();
        writeln!(
            out,
            "\nProblems ({}, {})",
            count(r.error_count(), "error"),
            count(warnings, "warning")
        )?;
        for p in &r.problems {
            let sev = match p.severity {
                vouch::spec::Severity::Error => "error",
                vouch::spec::Severity::Warning => "warning",
            };
            let file = p
                .file
                .as_deref()
                .map(|f| format!("{f} "))
                .unwrap_or_default();
            let pointer = if p.pointer.is_empty() {
                "(document)"
            } else {
                &p.pointer
            };
            writeln!(out, "  {sev:<7} {file}{pointer}\n          {}", p.message)?;
        }
    }
    Ok(())
}

/// `1 step`, `2 steps`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `vouch run`'s text: each step that did not pass cleanly with its reasons, then the counts.
pub fn run(
    out: &mut impl Write,
    s: &RunSummary,
    spec: &vouch::spec::Spec,
    store: &std::path::Path,
) -> std::io::Result<()> {
    for r in &s.steps {
        let (reasons, warnings) = (r.reasons(), r.warnings());
        if reasons.is_empty() && warnings.is_empty() {
            continue;
        }
        writeln!(
            out,
            "{:<8} {}",
            format!("{:?}", r.outcome).to_lowercase(),
            r.title(Some(spec))
        )?;
        for reason in reasons {
            writeln!(out, "         {reason}")?;
        }
        for w in warnings {
            writeln!(out, "         warning: {w}")?;
        }
    }
    let (n, c) = (&s.summary, &s.coverage);
    let warnings = if n.warnings > 0 {
        format!(", {} with warnings", count(n.warnings, "step"))
    } else {
        String::new()
    };
    writeln!(
        out,
        "{}: {} passed, {} failed, {}{warnings} ({} of {} operations, {} of {} declared responses; run #{} in {})",
        count(n.total, "step"),
        n.passed,
        n.failed,
        count(n.errors, "error"),
        c.exercised,
        c.operations,
        c.responses_seen,
        c.responses_declared,
        s.run_id,
        store.display()
    )?;
    if n.skipped > 0 {
        let why = if s.aborted.is_some() {
            "stopped"
        } else {
            "cancelled"
        };
        writeln!(out, "{why}: {} not run", count(n.skipped, "step"))?;
    }
    Ok(())
}

/// `vouch import`'s text.
pub fn imported(out: &mut impl Write, i: &Imported) -> std::io::Result<()> {
    match i {
        Imported::Collection {
            name,
            requests,
            folders,
            suites,
            environments,
            lifted,
            warnings,
        } => {
            writeln!(
                out,
                "imported `{name}`: {requests} request(s), {folders} folder(s), {suites} suite(s), {environments} environment(s)"
            )?;
            if *lifted > 0 {
                writeln!(
                    out,
                    "{lifted} credential(s) moved into secret variables of environment `{}`",
                    vouch::exchange::secrets::IMPORTED_ENVIRONMENT
                )?;
            }
            for w in warnings {
                writeln!(out, "warning: {w}")?;
            }
        }
        Imported::Environment {
            name,
            variables,
            secret,
        } => writeln!(
            out,
            "imported environment `{name}`: {variables} variable(s), {secret} secret"
        )?,
    }
    Ok(())
}

/// `vouch import --format json`'s one object.
pub fn imported_json(i: &Imported) -> serde_json::Value {
    match i {
        Imported::Collection { name, requests, .. } => {
            serde_json::json!({"collection": name, "requests": requests})
        }
        Imported::Environment {
            name,
            variables,
            secret,
        } => serde_json::json!({"environment": name, "variables": variables, "secret": secret}),
    }
}

//! A diff as text for a terminal and as markdown for a pull-request comment. A change to a
//! shared schema (the same rule at the same pointers in several operations) is shown once,
//! with every operation it reaches.

use std::fmt::Write;

use super::{Change, Diff, Level};

/// Changes with the same rule at the same places and the same sentence, and the operations
/// they reach (a shared schema reached as `[].name` in one operation and as `name` in another
/// gives two groups, each saying where it is).
struct Group<'a> {
    first: &'a Change,
    operations: Vec<String>,
}

fn groups(diff: &Diff, level: Level) -> Vec<Group<'_>> {
    let mut out: Vec<Group> = Vec::new();
    type Key<'k> = (&'k str, Option<&'k str>, Option<&'k str>, &'k str);
    let mut index: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
    for c in diff.changes.iter().filter(|c| c.level == level) {
        let op = match (&c.method, &c.path) {
            (Some(m), Some(p)) => format!("{m} {p}"),
            _ => "(whole spec)".into(),
        };
        // Only changes with a pointer on some side group: a shared schema's.
        let shared = c.old.as_deref().or(c.new.as_deref()).is_some_and(|p| {
            p.contains("/components/") || p.contains("/definitions/") || p.contains('#')
        });
        let key = (
            c.id.as_str(),
            c.old.as_deref(),
            c.new.as_deref(),
            c.message.as_str(),
        );
        match index.get(&key) {
            Some(&i) if shared => {
                if !out[i].operations.contains(&op) {
                    out[i].operations.push(op);
                }
            }
            _ => {
                index.insert(key, out.len());
                out.push(Group {
                    first: c,
                    operations: vec![op],
                });
            }
        }
    }
    out
}

fn headline(diff: &Diff) -> String {
    let s = &diff.summary;
    if diff.changes.is_empty() {
        return "no changes".into();
    }
    format!(
        "{} breaking, {} warning, {} info",
        s.breaking, s.warning, s.info
    )
}

/// The diff for a terminal: a headline, then the changes by level, each with its rule, the
/// operations it reaches, its sentence and its pointers.
pub fn text(diff: &Diff, old_name: &str, new_name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{old_name} -> {new_name}: {}", headline(diff));
    for level in [Level::Breaking, Level::Warning, Level::Info] {
        let groups = groups(diff, level);
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}:", level.name().to_uppercase());
        for g in groups {
            let c = g.first;
            let ops = if g.operations.len() == 1 {
                g.operations[0].clone()
            } else {
                format!(
                    "{} operations: {}",
                    g.operations.len(),
                    g.operations.join(", ")
                )
            };
            let _ = writeln!(out, "  {}  {ops}", c.id);
            let _ = writeln!(out, "    {}", c.message);
            let _ = writeln!(
                out,
                "    old: {}  new: {}",
                c.old.as_deref().unwrap_or("-"),
                c.new.as_deref().unwrap_or("-")
            );
        }
    }
    out
}

/// The diff as markdown fit for a pull-request comment: a summary line, then a table per
/// level (breaking first, info folded away).
pub fn markdown(diff: &Diff, old_name: &str, new_name: &str) -> String {
    let mut out = String::new();
    let s = &diff.summary;
    let icon = if s.breaking > 0 {
        "❌"
    } else if s.warning > 0 {
        "⚠️"
    } else {
        "✅"
    };
    let _ = writeln!(
        out,
        "### {icon} API changes: {}\n\n`{}` → `{}`\n",
        headline(diff),
        md(old_name),
        md(new_name)
    );
    for level in [Level::Breaking, Level::Warning, Level::Info] {
        let groups = groups(diff, level);
        if groups.is_empty() {
            continue;
        }
        let title = format!("{} {}", groups.len(), level.name());
        if level == Level::Info {
            let _ = writeln!(out, "<details><summary>{title}</summary>\n");
        } else {
            let _ = writeln!(out, "#### {title}\n");
        }
        let _ = writeln!(
            out,
            "| Rule | Operation | Change | Where |\n|---|---|---|---|"
        );
        for g in groups {
            let c = g.first;
            let ops = g
                .operations
                .iter()
                .map(|o| format!("`{}`", md(o)))
                .collect::<Vec<_>>()
                .join("<br>");
            let place = c.new.as_deref().or(c.old.as_deref()).unwrap_or("");
            let _ = writeln!(
                out,
                "| `{}` | {ops} | {} | `{}` |",
                c.id,
                md(&c.message),
                md(place)
            );
        }
        let _ = writeln!(
            out,
            "{}",
            if level == Level::Info {
                "\n</details>\n"
            } else {
                ""
            }
        );
    }
    out
}

/// Text safe inside a markdown table cell.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

import type { Change, Resynced, SpecChangesView } from "../api";

/** The headline of a spec comparison: `2 breaking, 1 warning, 5 info` (or `no changes`). */
export function headline(v: SpecChangesView): string {
  const s = v.summary;
  if (v.total === 0) return "no changes";
  return `${s.breaking} breaking, ${s.warning} warning, ${s.info} info`;
}

/** Where a change is, as a row shows it: `GET /pets` (or the whole spec). */
export function where(c: Change): string {
  return c.method && c.path ? `${c.method} ${c.path}` : "(whole spec)";
}

/** A re-sync plan or result in lines: what is added, moved, updated, kept, in conflict. */
export function planLines(r: Resynced): string[] {
  const out: string[] = [];
  for (const n of r.added) out.push(`added: ${n}`);
  for (const n of r.removed) out.push(`moved to "Removed from spec": ${n}`);
  for (const [n, f] of r.updated) out.push(`updated from the spec: ${n}: ${f.join(", ")}`);
  for (const [n, f] of r.kept) out.push(`your edits kept: ${n}: ${f.join(", ")}`);
  for (const c of r.conflicts)
    out.push(`conflict: ${c.request} ${c.field}: was ${JSON.stringify(c.base)}, yours ${JSON.stringify(c.ours)}, the spec's ${JSON.stringify(c.theirs)}`);
  if (out.length === 0) out.push("nothing to re-sync");
  return out;
}

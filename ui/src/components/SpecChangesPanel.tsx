import { useEffect, useState } from "react";

import { api, type Pick, type Resynced, type SpecChangesView } from "../api";
import { conflictKey, headline, planLines, shownValue, theirsFor, where } from "../lib/diff";

interface Props {
  /** The collection compared with the open spec. */
  collection: string;
  /** After a re-sync: the collections changed. */
  onResynced: () => void;
  /** Errors go to the window's banner. */
  onError: (e: unknown) => void;
}

/**
 * What the open spec changes for a collection (`vouch diff --collection`): the changes by
 * level, the saved requests and assertions each one breaks or touches, and the re-sync plan;
 * Re-sync applies it, keeping every edit (conflicts: keep mine or take the spec's).
 */
export function SpecChangesPanel({ collection, onResynced, onError }: Props) {
  const [view, setView] = useState<SpecChangesView | null>(null);
  const [done, setDone] = useState<Resynced | null>(null);
  const [busy, setBusy] = useState(false);
  // Each conflict's side, picked in the side-by-side table (unpicked: keep mine).
  const [picks, setPicks] = useState<Record<string, "ours" | "theirs">>({});
  // Bumped after a re-sync: the comparison is made again (nothing left, or the conflicts).
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    api
      .specChanges(collection)
      .then((v) => {
        if (live) setView(v);
      })
      .catch(onError);
    return () => {
      live = false;
    };
  }, [collection, onError, round]);
  const resync = (take: string | null, picked: Pick[] | null = null) => {
    setBusy(true);
    api
      .resyncCollection(collection, take, picked)
      .then((r) => {
        setDone(r);
        if (r.applied) {
          onResynced();
          setRound((n) => n + 1);
        }
      })
      .catch(onError)
      .finally(() => setBusy(false));
  };
  if (!view) return <section className="spec-changes muted" data-testid="spec-changes">comparing…</section>;
  const conflicts = view.plan.conflicts.length > 0;
  // Nothing changed since the last sync: nothing to apply (a re-sync also takes the new
  // spec as the base, so changes outside the requests still warrant one).
  const nothing = view.total === 0;
  return (
    <section className="spec-changes" data-testid="spec-changes" aria-label={`Spec changes for ${collection}`}>
      <h3 data-testid="spec-changes-headline">
        {collection}: {headline(view)}
      </h3>
      <p className="muted small">
        {view.from ?? "the kept spec"} → {view.to}
        {view.total > view.changes.length ? ` (the first ${view.changes.length} of ${view.total} shown)` : ""}
      </p>
      <table className="changes">
        <tbody>
          {view.changes.map((c, i) => (
            <tr key={i} className={`level-${c.level}`} data-testid="spec-change">
              <td>{c.level}</td>
              <td>
                <code>{c.id}</code>
              </td>
              <td>{where(c)}</td>
              <td>{c.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Saved work reached ({view.impact.length})</h4>
      <ul data-testid="spec-impact">
        {view.impact.map((i, k) => (
          <li key={k} className={i.reach === "breaks" ? "bad" : ""}>
            {i.reach === "breaks" ? "breaks" : "touches"} {i.part} <strong>{i.request}</strong>
            {i.suites.length > 0 ? ` (suites: ${i.suites.join(", ")})` : ""}: {i.message}
          </li>
        ))}
      </ul>
      <h4>{done?.applied ? "Re-synced" : "Re-sync"}</h4>
      <ul data-testid="resync-plan">
        {planLines(done ?? view.plan, !conflicts).map((l, k) => (
          <li key={k}>{l}</li>
        ))}
      </ul>
      {conflicts && (
        <table className="changes conflicts" data-testid="resync-conflicts" aria-label="Conflicts: your edit and the spec's change, side by side">
          <thead>
            <tr>
              <th>Request</th>
              <th>Field</th>
              <th>Was</th>
              <th>Yours</th>
              <th>The spec's</th>
            </tr>
          </thead>
          <tbody>
            {view.plan.conflicts.map((c) => {
              const key = conflictKey(c);
              const side = picks[key] ?? "ours";
              const pick = (s: "ours" | "theirs") => setPicks((p) => ({ ...p, [key]: s }));
              return (
                <tr key={key} data-testid="resync-conflict">
                  <td>{c.request}</td>
                  <td>
                    <code>{c.field}</code>
                  </td>
                  <td className="muted">
                    <code>{shownValue(c.base)}</code>
                  </td>
                  {(["ours", "theirs"] as const).map((s) => (
                    <td key={s}>
                      <label>
                        <input type="radio" name={key} checked={side === s} onChange={() => pick(s)} data-testid={`conflict-${s}`} /> <code>{shownValue(c[s])}</code>
                      </label>
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="row">
        <button data-testid="resync" disabled={busy || conflicts || nothing} onClick={() => resync(null)} title={conflicts ? "choose a side for the conflicts" : "apply the plan, keeping your edits"}>
          Re-sync
        </button>
        {conflicts && (
          <>
            <button data-testid="resync-picked" disabled={busy} onClick={() => resync(null, theirsFor(view.plan.conflicts, picks))}>
              Re-sync with these picks
            </button>
            <button data-testid="resync-ours" disabled={busy} onClick={() => resync("ours")}>
              Re-sync, keep mine
            </button>
            <button data-testid="resync-theirs" disabled={busy} onClick={() => resync("theirs")}>
              Re-sync, take the spec's
            </button>
          </>
        )}
        {done?.applied && <span data-testid="resync-done">re-synced{done.folder ? `; ${done.folder} too` : ""}</span>}
      </div>
    </section>
  );
}

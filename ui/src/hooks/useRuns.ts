import { useEffect, useState } from "react";

import { api, asAppError, type Event, type RunPoint, type RunView } from "../api";
import type { Attempt } from "./useNotices";

interface Options {
  /** The environment runs use ("" for none). */
  env: string;
  attempt: Attempt;
  /** A run ended (the tree's last-run badges change). */
  onRan?: () => void;
  /** A run starts (the window shows the runner). */
  onStart?: () => void;
}

/** A run refused because the collection's file parts read files not approved yet. */
export interface Approval {
  target: string;
  /** The engine's message: the files, by request. */
  message: string;
}

/**
 * Running a collection or suite: its live progress, its result, and its past runs (the
 * chart); a run that would upload files not approved yet asks first.
 */
export function useRuns({ env, attempt, onRan, onStart }: Options) {
  const [approval, setApproval] = useState<Approval | null>(null);
  const [progress, setProgress] = useState<Event | null>(null);
  const [run, setRun] = useState<RunView | null>(null);
  const [runs, setRuns] = useState<RunPoint[]>([]);
  // The target the runner shows, and the steps finished so far in the run going on.
  const [target, setTarget] = useState("");
  const [live, setLive] = useState<Event[]>([]);
  const [running, setRunning] = useState(false);
  const [total, setTotal] = useState(0);

  // The engine's progress events, while a run goes on.
  useEffect(() => {
    const un = api.onRunEvent((e) => {
      setProgress(e);
      if (e.event === "started") setTotal(e.total);
      if (e.event === "step_finished") setLive((l) => [...l, e]);
    });
    return () => {
      un.then((f) => f());
    };
  }, []);

  /** Shows a target in the runner: its past runs (the chart), no result yet. */
  const pick = (t: string) => {
    setTarget(t);
    setRun(null);
    setLive([]);
    if (!t) return setRuns([]);
    api.runs(t, 20).then(setRuns).catch(() => setRuns([]));
  };

  const runTarget = async (target: string) => {
    setTarget(target);
    setRun(null);
    setProgress(null);
    setLive([]);
    setRunning(true);
    onStart?.();
    setApproval(null);
    await attempt(async () => {
      try {
        setRun(await api.runSuite(target, env || null));
      } catch (e) {
        const err = asAppError(e);
        if (err.kind !== "files-not-approved") throw e;
        setApproval({ target, message: err.message });
        return;
      }
      setRuns(await api.runs(target, 20));
      onRan?.();
    });
    setRunning(false);
  };

  /** The files are approved for the collection, and the run goes on. */
  const approveAndRun = async () => {
    if (!approval) return;
    const { target } = approval;
    await attempt(async () => {
      await api.approveFiles(target.split("/")[0]);
    });
    await runTarget(target);
  };

  return { progress, run, runs, runTarget, target, pick, live, running, total, approval, approveAndRun, dismissApproval: () => setApproval(null) };
}

import { useEffect, useState } from "react";

import { api, asAppError, type Event, type RunPoint, type RunView } from "../api";
import type { Attempt } from "./useNotices";

interface Options {
  /** The environment runs use ("" for none). */
  env: string;
  attempt: Attempt;
  /** A run ended (the tree's last-run badges change). */
  onRan?: () => void;
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
export function useRuns({ env, attempt, onRan }: Options) {
  const [approval, setApproval] = useState<Approval | null>(null);
  const [progress, setProgress] = useState<Event | null>(null);
  const [run, setRun] = useState<RunView | null>(null);
  const [runs, setRuns] = useState<RunPoint[]>([]);

  // The engine's progress events, while a run goes on.
  useEffect(() => {
    const un = api.onRunEvent(setProgress);
    return () => {
      un.then((f) => f());
    };
  }, []);

  const runTarget = async (target: string) => {
    setRun(null);
    setProgress(null);
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

  return { progress, run, runs, runTarget, approval, approveAndRun, dismissApproval: () => setApproval(null) };
}

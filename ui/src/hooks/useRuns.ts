import { useEffect, useState } from "react";

import { api, type Event, type RunPoint, type RunView } from "../api";
import type { Attempt } from "./useNotices";

interface Options {
  /** The environment runs use ("" for none). */
  env: string;
  attempt: Attempt;
}

/** Running a collection or suite: its live progress, its result, and its past runs (the chart). */
export function useRuns({ env, attempt }: Options) {
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
    await attempt(async () => {
      setRun(await api.runSuite(target, env || null));
      setRuns(await api.runs(target, 20));
    });
  };

  return { progress, run, runs, runTarget };
}

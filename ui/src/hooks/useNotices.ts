import { useCallback, useState } from "react";

import { asAppError, type AppError } from "../api";

/** The error banner and the notice banner, and the one place a failed action is reported. */
export function useNotices() {
  const [error, setError] = useState<AppError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  /** Shows a failed command's error in the error banner. */
  const fail = useCallback((e: unknown) => setError(asAppError(e)), []);

  /** Runs an async action; a failure goes to the error banner (never rejects). */
  const attempt = useCallback(
    async (action: () => Promise<unknown>): Promise<void> => {
      try {
        await action();
      } catch (e) {
        fail(e);
      }
    },
    [fail],
  );

  const clearError = useCallback(() => setError(null), []);
  const clearNotice = useCallback(() => setNotice(null), []);

  return { error, notice, notify: setNotice, fail, attempt, clearError, clearNotice };
}

export type Attempt = ReturnType<typeof useNotices>["attempt"];
export type Fail = ReturnType<typeof useNotices>["fail"];

import { useCallback, useEffect, useState } from "react";

import { api, type CallView } from "../api";
import type { Request } from "./useTabs";
import type { Attempt } from "./useNotices";

/** The call view: the last call's response and findings (null: none shown). It is made before
 *  the draft and the spec, which clear it, and shown and filled by `useSend`. */
export function useCallView() {
  const [call, setCall] = useState<CallView | null>(null);
  const clearCall = useCallback(() => setCall(null), []);
  return { call, setCall, clearCall };
}

interface Options {
  /** The request of the form; null when no operation is open. */
  build: () => Request | null;
  /** The environment calls use ("" for none). */
  env: string;
  setCall: (call: CallView) => void;
  attempt: Attempt;
  clearError: () => void;
  /** A call was made (the history has one more). */
  onSent: () => void;
  /** The active tab: a copied cURL line is shown while its tab is. */
  tab: string | null;
}

/** Sending the form's request (Ctrl+Enter), cancelling it (Escape), and copying it as cURL. */
export function useSend({ build, env, setCall, attempt, clearError, onSent, tab }: Options) {
  const [sending, setSending] = useState(false);
  const [copied, setCopied] = useState<{ tab: string | null; text: string } | null>(null);
  const curl = copied && copied.tab === tab ? copied.text : null;

  const send = useCallback(async () => {
    if (sending) return;
    const request = build();
    if (!request) return;
    setSending(true);
    clearError();
    await attempt(async () => {
      setCall(await api.send(request.operationId, request.draft, env || null, request.saved));
      onSent();
    });
    setSending(false);
  }, [sending, build, clearError, attempt, setCall, env, onSent]);

  const cancel = () => {
    api.cancel();
  };

  const copyCurl = () =>
    attempt(async () => {
      const request = build();
      if (!request) return;
      const text = await api.curl(request.operationId, request.draft, env || null, request.saved);
      setCopied({ tab, text });
      navigator.clipboard?.writeText(text).catch(() => {});
    });

  const closeCurl = () => setCopied(null);

  /** The active request as code (cURL, httpx, fetch), made by the engine. */
  const snippet = useCallback(
    async (lang: string) => {
      const request = build();
      return request ? api.snippet(request.operationId, request.draft, env || null, lang, request.saved) : "";
    },
    [build, env],
  );

  /** The user's answer to a refused call: the origin allowed for the environment, then sent. */
  const allowAndSend = (secret: string, origin: string) =>
    attempt(async () => {
      await api.allowOrigin(env, secret, origin);
      await send();
    });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
        e.preventDefault();
        send();
      }
      if (e.key === "Escape" && sending) api.cancel();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [send, sending]);

  return { sending, send, cancel, curl, copyCurl, closeCurl, allowAndSend, snippet };
}

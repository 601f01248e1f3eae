import { useCallback, useState } from "react";

import { api, type Draft, type HistoryRow, type OperationForm } from "../api";
import type { RequestState } from "../components/RequestPanel";
import { initialState, toDraft } from "../lib/draft";
import type { Attempt } from "./useNotices";

/** A request ready to go: the operation it calls and its draft. */
export interface Request {
  operationId: string;
  draft: Draft;
}

/** The draft of the form's values, sent to `baseUrl` when one is given (else the spec's server). */
export function buildDraft(form: OperationForm, state: RequestState, baseUrl: string): Draft {
  const { draft } = toDraft(form, state);
  if (baseUrl) draft.base_url = baseUrl;
  return draft;
}

const EMPTY: RequestState = { params: {}, body: undefined, raw: null, auth: null };

interface Options {
  attempt: Attempt;
  /** Called when another operation's form is opened: its call view no longer applies. */
  clearCall: () => void;
}

/** The selected operation, its form and the values typed in it, and the base URL override. */
export function useDraft({ attempt, clearCall }: Options) {
  const [selected, setSelected] = useState<string | null>(null);
  const [form, setForm] = useState<OperationForm | null>(null);
  const [state, setState] = useState<RequestState>(EMPTY);
  const [baseUrl, setBaseUrl] = useState("");

  const select = async (id: string) => {
    setSelected(id);
    clearCall();
    await attempt(async () => {
      const f = await api.operationForm(id);
      setForm(f);
      setState(initialState(f));
    });
  };

  // A call of the history, opened again in the form.
  const reopen = async (h: HistoryRow) => {
    const { operation_id: id, draft } = h;
    if (!id || !draft) return;
    await attempt(async () => {
      const f = await api.operationForm(id);
      setSelected(id);
      setForm(f);
      clearCall();
      setState(initialState({ ...f, draft }));
    });
  };

  /** No operation selected (a spec was opened). */
  const clear = useCallback(() => {
    setSelected(null);
    setForm(null);
  }, []);

  /** The request the form makes now; null when no operation is open. */
  const build = useCallback(
    (): Request | null => (form ? { operationId: form.id, draft: buildDraft(form, state, baseUrl) } : null),
    [form, state, baseUrl],
  );

  return { selected, form, state, setState, baseUrl, setBaseUrl, select, reopen, clear, build };
}

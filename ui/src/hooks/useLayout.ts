import { useCallback, useEffect, useRef, useState } from "react";

import { api } from "../api";

/** Pane sizes (percent): sidebar | work, and request and response; the
 *  response below the request (`vertical`) or beside it (`horizontal`). */
export interface Layout {
  main: number[];
  work: number[];
  split: "vertical" | "horizontal";
}

const DEFAULT: Layout = { main: [26, 74], work: [52, 48], split: "vertical" };
const KEY = "layout";

/** The window's pane sizes, kept in the store (null until read: panels are laid out once). */
export function useLayout() {
  const [layout, setLayout] = useState<Layout | null>(null);
  const latest = useRef<Layout>(DEFAULT);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    api
      .uiState(KEY)
      .then((text) => {
        const kept = text ? (JSON.parse(text) as Layout) : null;
        const ok = kept && kept.main?.length === 2 && kept.work?.length === 2;
        latest.current = ok ? { ...kept, split: kept.split === "horizontal" ? "horizontal" : "vertical" } : DEFAULT;
        setLayout(latest.current);
      })
      .catch(() => setLayout(DEFAULT));
  }, []);
  /** One group's sizes changed (a drag): kept a moment later. */
  const resized = useCallback((group: keyof Layout, sizes: number[]) => {
    latest.current = { ...latest.current, [group]: sizes };
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      api.setUiState(KEY, JSON.stringify(latest.current)).catch(() => {});
    }, 400);
  }, []);
  /** The response moved beside the request, or back below it (kept at once). */
  const flipSplit = useCallback(() => {
    latest.current = { ...latest.current, split: latest.current.split === "horizontal" ? "vertical" : "horizontal" };
    setLayout(latest.current);
    api.setUiState(KEY, JSON.stringify(latest.current)).catch(() => {});
  }, []);
  return { layout, resized, flipSplit };
}

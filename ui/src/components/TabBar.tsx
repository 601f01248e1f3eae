import { useEffect, useRef } from "react";

import type { Tab } from "../lib/tabs";

interface Props {
  tabs: Tab[];
  active: string | null;
  onActivate: (id: string) => void;
  onClose: (id: string) => void;
  /** Keeps a preview tab open (double-click). */
  onPin: (id: string) => void;
}

/** The open requests, one tab each; unsaved changes marked; Ctrl+W closes the active one. An
 *  untouched operation's tab is a preview (italic), replaced by the next operation picked. */
export function TabBar({ tabs, active, onActivate, onClose, onPin }: Props) {
  const bar = useRef<HTMLDivElement>(null);
  // The active tab is always in view.
  useEffect(() => {
    bar.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [active, tabs.length]);
  if (tabs.length === 0) return null;
  return (
    <div role="tablist" className="tab-bar" aria-label="Open requests" data-testid="tab-bar" ref={bar}>
      {tabs.map((t) => (
        <div key={t.id} className={`tab ${t.id === active ? "active" : ""} ${!t.saved && !t.dirty && !t.pinned ? "preview" : ""}`}>
          <button role="tab" aria-selected={t.id === active} data-testid="tab" title={t.saved ? `${t.saved.collection}/${t.saved.key}` : t.title} onClick={() => onActivate(t.id)} onDoubleClick={() => onPin(t.id)}>
            {t.saved && <span className="small muted">{t.saved.collection} · </span>}
            {t.title}
            {t.dirty && <span className="dirty"> ●</span>}
          </button>
          <button className="link close" aria-label={`close ${t.title}`} data-testid="tab-close" onClick={() => onClose(t.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}

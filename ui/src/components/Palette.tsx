import { Command } from "cmdk";
import { useEffect, useState } from "react";

/** One thing the palette can do. */
export interface PaletteItem {
  /** What the item is (a group heading). */
  group: string;
  label: string;
  /** Extra words it is found by. */
  keywords?: string[];
  run: () => void;
}

/** Every word typed is in the item (its group, label or keywords), any case: no fuzzy
 *  matches that pick a saved request when an environment was typed. */
export function matches(value: string, search: string, keywords?: string[]): number {
  const hay = `${value} ${(keywords ?? []).join(" ")}`.toLowerCase();
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return 1;
  if (!words.every((w) => hay.includes(w))) return 0;
  // Where the typed text starts in the label matters: earlier is better.
  const at = hay.indexOf(search.toLowerCase().trim());
  return at < 0 ? 0.5 : 1 - at / (hay.length + 1) / 2;
}

/** The command palette (Ctrl+K or Ctrl+P): open an operation or a saved request, switch
 *  environment, run a suite, import, export — found by typing. */
export function Palette({ items }: { items: PaletteItem[] }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && (e.key === "k" || e.key === "p")) {
        e.preventDefault();
        setOpen((o) => !o);
      }
      if (e.key === "Escape") setOpen(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  if (!open) return null;
  const groups = [...new Set(items.map((i) => i.group))];
  return (
    <div className="palette-backdrop" onClick={() => setOpen(false)}>
      <div className="palette" onClick={(e) => e.stopPropagation()} data-testid="palette">
        <Command label="Command palette" loop filter={matches}>
          <Command.Input autoFocus placeholder="Open an operation or a request, switch environment, run…" data-testid="palette-input" />
          <Command.List>
            <Command.Empty>Nothing matches.</Command.Empty>
            {groups.map((g) => (
              <Command.Group key={g} heading={g}>
                {items
                  .filter((i) => i.group === g)
                  .map((i) => (
                    <Command.Item
                      key={`${g}:${i.label}`}
                      value={`${g} ${i.label}`}
                      keywords={i.keywords}
                      onSelect={() => {
                        setOpen(false);
                        i.run();
                      }}
                    >
                      {i.label}
                    </Command.Item>
                  ))}
              </Command.Group>
            ))}
          </Command.List>
        </Command>
      </div>
    </div>
  );
}

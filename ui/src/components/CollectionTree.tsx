import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode } from "react";
import { flushSync } from "react-dom";

import type { CollectionRow, SyncReport, Trashed, TreeItem, dialogs } from "../api";
import { neighbour, rowKey, treeRows, type TreeRow } from "../lib/tree";
import { offsetsOf, rowsInView, useScrollView } from "../lib/window";
import { FolderLink } from "./FolderLink";

/** What the tree does to a saved request (each an engine call, made by the App). */
export interface RequestActions {
  open: (collection: string, key: string) => void;
  rename: (collection: string, key: string, name: string) => void;
  duplicate: (collection: string, key: string) => void;
  move: (collection: string, key: string, folder: string[]) => void;
  remove: (collection: string, key: string) => void;
  /** Puts a request in `folder` before the request `before` (null: at the end). */
  place: (collection: string, key: string, folder: string[], before: string | null) => void;
  newRequest: (collection: string, folder: string[]) => void;
  newFolder: (collection: string, path: string[]) => void;
  removeSuite: (collection: string, name: string) => void;
  renameCollection: (collection: string, to: string) => void;
  /** Deletes a collection (asked twice in the menu). */
  removeCollection: (collection: string) => void;
  /** Opens the editor of the auth a collection (`folder` empty) or a folder hands down. */
  editAuth: (collection: string, folder: string[]) => void;
}

/** The request being dragged (kept here, not in the drag's data: the drop reads it). */
interface Dragging {
  collection: string;
  key: string;
}

interface Props {
  collections: CollectionRow[];
  actions: RequestActions;
  onRun: (target: string) => void;
  onExport: (name: string, to: string, postman: boolean) => void;
  onImport: (path: string) => void;
  pick: typeof dialogs;
  onCreateSuite: (collection: string, name: string, requests: string[]) => void;
  syncs: Record<string, SyncReport>;
  trash: Record<string, Trashed[]>;
  onResolve: (collection: string, key: string, mine: boolean) => void;
  onRestore: (collection: string, id: number) => void;
  /** The saved request open in the active tab (`collection/key`). */
  current: string | null;
  /** Compares a collection with the open spec (absent: no spec open). */
  onSpecChanges?: (collection: string) => void;
}

/** Every row of the tree is this tall (a linked collection's folder line excepted): the rows
 *  in view follow from the scroll offset, with nothing measured per row. */
const ROW = 24;
/** Rows drawn above and below the view: each costs a jump of the scrollbar its time. */
const OVERSCAN = 6;
/** A tree of up to this many rows is drawn whole: scrolling it redraws nothing, and every
 *  row stays in the page. */
const WHOLE = 100;
/** Indent of each level, px. */
const INDENT = 14;
/** No folder opened or closed by hand (one object: the rows are not recomputed for it). */
const NONE: Readonly<Record<string, boolean>> = {};

/** A menu or a form open on a row (by its key): drawn over the rows next to it. */
interface Menu {
  key: string;
  mode: "menu" | "rename" | "move" | "folder" | "delete";
}

/** A name typed in place (a new folder's), confirmed with Enter. */
function NameInput({ placeholder, onDone, ok = "Create" }: { placeholder: string; onDone: (name: string | null) => void; ok?: string }) {
  const [text, setText] = useState("");
  return (
    <form
      className="row small"
      onSubmit={(e) => {
        e.preventDefault();
        onDone(text);
      }}
    >
      <input data-testid="name-input" autoFocus value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} onKeyDown={(e) => e.key === "Escape" && onDone(null)} />
      <button data-testid="name-ok" disabled={!text.trim()}>
        {ok}
      </button>
      <button type="button" onClick={() => onDone(null)}>
        Cancel
      </button>
    </form>
  );
}

/** A request's new name, or its new folder (`a/b`), typed in place and confirmed with Enter. */
function RequestForm({ item, mode, onDone }: { item: TreeItem; mode: "rename" | "move"; onDone: (text: string | null) => void }) {
  const [text, setText] = useState(mode === "rename" ? item.name : item.folder.join("/"));
  return (
    <form
      className="row small"
      onSubmit={(e) => {
        e.preventDefault();
        onDone(text);
      }}
    >
      <input data-testid="action-input" autoFocus value={text} placeholder={mode === "move" ? "folder/sub (empty: the top)" : "name"} onChange={(e) => setText(e.target.value)} />
      <button data-testid="action-ok">{mode === "rename" ? "Rename" : "Move"}</button>
      <button type="button" onClick={() => onDone(null)}>
        Cancel
      </button>
    </form>
  );
}

/** A menu or form (`wide`: the row's width) over the tree's rows: closed by Escape or by a
 *  click anywhere but in it or on its row (whose ⋯ button toggles it). */
function Popover({ style, wide, onAway, onEscape, children }: { style: CSSProperties; wide: boolean; onAway: () => void; onEscape: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const away = (e: MouseEvent) => {
      if (e.target instanceof Element && (ref.current?.contains(e.target) || e.target.closest("[data-menu-anchor]"))) return;
      onAway();
    };
    document.addEventListener("mousedown", away);
    return () => document.removeEventListener("mousedown", away);
  }, [onAway]);
  return (
    <div ref={ref} className={`tree-menu ${wide ? "wide" : ""}`} style={style} onKeyDown={(e) => e.key === "Escape" && onEscape()}>
      {children}
    </div>
  );
}

/** A linked collection's folder, its conflicts and trash: the one row whose height is its
 *  content's (one per linked collection), measured whenever it changes. */
function LinkRow({ id, top, indent, setHeights, children }: { id: string; top: number; indent: number; setHeights: React.Dispatch<React.SetStateAction<Record<string, number>>>; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    // The rows below move in the frame the size changed in (not one frame late, overlapped).
    const ro = new ResizeObserver(() => {
      const h = el.offsetHeight;
      flushSync(() => setHeights((m) => (m[id] === h ? m : { ...m, [id]: h })));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [id, setHeights]);
  return (
    <div ref={ref} role="none" className="tree-link" style={{ transform: `translateY(${top}px)`, paddingLeft: indent }}>
      {children}
    </div>
  );
}

/** Rows that are tree items (the others: a collection's folder link and its "New suite…"). */
const isItem = (r: TreeRow) => r.kind !== "link" && r.kind !== "end";

/**
 * The Collections tab: collections → folders → requests and suites, as one windowed list of
 * rows (5,000 requests cost the page what 50 do); run, share, act on them. Rows open from
 * their name, act from their menu (⋯ or right-click), move by drag and drop; the keyboard
 * walks the tree (arrows, Home/End, Enter, the context-menu key).
 */
export function CollectionTree({ collections, actions, onRun, onExport, onImport, pick, onCreateSuite, syncs, trash, onResolve, onRestore, current, onSpecChanges }: Props) {
  const [dir, setDir] = useState("");
  const [importPath, setImportPath] = useState("");
  const [postman, setPostman] = useState(false);
  // The suite being composed: its collection, name, and the requests picked in order.
  const [composing, setComposing] = useState<string | null>(null);
  const [suiteName, setSuiteName] = useState("");
  const [picked, setPicked] = useState<string[]>([]);
  const [typed, setQuery] = useState("");
  // Typing stays responsive: the tree follows the filter in a render React may interrupt.
  const query = useDeferredValue(typed);
  const filtering = query.trim() !== "";
  // Collections and folders opened or closed by hand; while filtering, apart, for that query
  // (every match starts shown, and clearing the filter finds the tree as it was left).
  const [expanded, setExpanded] = useState<Record<string, boolean>>({});
  const [filtered, setFiltered] = useState<{ query: string; expanded: Record<string, boolean> }>({ query: "", expanded: NONE });
  const shownExpanded = filtering ? (filtered.query === query ? filtered.expanded : NONE) : expanded;
  const rows = useMemo(() => treeRows(collections, { query, expanded: shownExpanded }), [collections, query, shownExpanded]);
  const indexOf = useMemo(() => new Map(rows.map((r, i) => [r.key, i])), [rows]);
  const setOpen = (key: string, open: boolean) => {
    if (filtering) setFiltered({ query, expanded: { ...shownExpanded, [key]: open } });
    else setExpanded((e) => ({ ...e, [key]: open }));
  };

  const [heights, setHeights] = useState<Record<string, number>>({});
  const offsets = useMemo(() => offsetsOf(rows.length, (i) => (rows[i].kind === "link" ? (heights[rows[i].key] ?? ROW) : ROW)), [rows, heights]);
  const total = offsets[rows.length];
  const { ref, top, height, onScroll } = useScrollView<HTMLDivElement>(ROW);
  const [first, last] = rows.length <= WHOLE ? [0, rows.length] : rowsInView(offsets, top, height, OVERSCAN);

  const [dragging, setDragging] = useState<Dragging | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [menu, setMenu] = useState<Menu | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const toggleMenu = (key: string) => setMenu(menu?.key === key ? null : { key, mode: "menu" });

  // The row Tab lands on (roving focus): the one last focused, else the first.
  const [active, setActive] = useState<string | null>(null);
  const tabStop = (active !== null ? indexOf.get(active) : undefined) ?? 0;
  // A row to focus once drawn (moved to by the keyboard).
  const focusing = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (focusing.current === null) return;
    ref.current?.querySelector<HTMLElement>(`[data-index="${focusing.current}"]`)?.focus({ preventScroll: true });
    focusing.current = null;
  });
  /** Scrolls row `i` into view and focuses it. */
  const focusRow = (i: number) => {
    const el = ref.current;
    if (!el || !rows[i]) return;
    if (offsets[i] < el.scrollTop) el.scrollTop = offsets[i];
    else if (offsets[i + 1] > el.scrollTop + el.clientHeight) el.scrollTop = offsets[i + 1] - el.clientHeight;
    // The row Tab lands on is always drawn; another is, once it is that row.
    if (i === tabStop) {
      el.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus({ preventScroll: true });
    } else {
      focusing.current = i;
      setActive(rows[i].key);
    }
  };

  const startSuite = (collection: string) => {
    setComposing(collection);
    setPicked([]);
    setSuiteName("");
  };

  /** Drop handlers of a row: a request of its collection dropped there goes to `folder`,
   *  before the request `before` (null: at the end). */
  const dropOn = (row: TreeRow, folder: string[], before: string | null) => {
    const accepts = dragging !== null && dragging.collection === row.collection;
    return {
      onDragOver: (e: React.DragEvent) => {
        if (!accepts) return;
        e.preventDefault();
        setOver(row.key);
      },
      onDragLeave: () => setOver((k) => (k === row.key ? null : k)),
      onDrop: (e: React.DragEvent) => {
        setOver(null);
        if (!accepts || !dragging) return;
        e.preventDefault();
        e.stopPropagation();
        if (dragging.key !== before) actions.place(row.collection, dragging.key, folder, before);
        setDragging(null);
      },
    };
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const target = e.target as HTMLElement;
    const item = target.closest<HTMLElement>('[role="treeitem"]');
    if (!item) return;
    const i = Number(item.dataset.index);
    const row = rows[i];
    const next = (from: number, d: 1 | -1) => {
      for (let j = from + d; j >= 0 && j < rows.length; j += d) if (isItem(rows[j])) return j;
      return -1;
    };
    const go = (j: number) => j >= 0 && focusRow(j);
    const opens = row.kind === "collection" || row.kind === "folder";
    switch (e.key) {
      case "ArrowDown":
        go(next(i, 1));
        break;
      case "ArrowUp":
        go(next(i, -1));
        break;
      case "Home":
        go(0);
        break;
      case "End":
        go(next(rows.length, -1));
        break;
      case "ArrowRight": {
        // Opens a closed collection or folder, else goes to its first child.
        const child = next(i, 1);
        if (opens && !row.open) setOpen(row.key, true);
        else if (opens && child >= 0 && rows[child].depth > row.depth) go(child);
        break;
      }
      case "ArrowLeft": {
        // Closes an open collection or folder, else goes to the row's parent.
        if (opens && row.open) {
          setOpen(row.key, false);
          break;
        }
        let j = next(i, -1);
        while (j >= 0 && rows[j].depth >= row.depth) j = next(j, -1);
        go(j);
        break;
      }
      case "Enter":
        // On a button of the row, the button's own.
        if (target !== item) return;
        if (row.kind === "request") actions.open(row.collection, row.item.key);
        else if (opens) setOpen(row.key, !row.open);
        break;
      case "ContextMenu":
      case "F10":
        if (e.key === "F10" && !e.shiftKey) return;
        if (row.kind === "request" || opens) setMenu({ key: row.key, mode: "menu" });
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  /** What a row's menu or form holds. */
  const menuBody = (row: TreeRow, mode: Menu["mode"]) => {
    const c = row.collection;
    /** A menu item's action, then the menu closed. */
    const then = (f: () => void) => () => {
      f();
      closeMenu();
    };
    if (row.kind === "request") {
      const { item } = row;
      if (mode === "rename" || mode === "move") {
        return (
          <RequestForm
            key={mode}
            item={item}
            mode={mode}
            onDone={(text) => {
              if (text !== null && mode === "rename") actions.rename(c, item.key, text);
              if (text !== null && mode === "move") actions.move(c, item.key, text.split("/").map((s) => s.trim()).filter(Boolean));
              closeMenu();
            }}
          />
        );
      }
      const up = neighbour(row.siblings, item.key, true);
      const down = neighbour(row.siblings, item.key, false);
      return (
        <div role="menu" aria-label={`actions of ${item.name}`}>
          <button role="menuitem" autoFocus data-testid="action-open" onClick={then(() => actions.open(c, item.key))}>
            Open
          </button>
          <button role="menuitem" data-testid="action-rename" onClick={() => setMenu({ key: row.key, mode: "rename" })}>
            Rename
          </button>
          <button role="menuitem" data-testid="action-duplicate" onClick={then(() => actions.duplicate(c, item.key))}>
            Duplicate
          </button>
          <button role="menuitem" data-testid="action-move" onClick={() => setMenu({ key: row.key, mode: "move" })}>
            Move…
          </button>
          <button role="menuitem" data-testid="action-up" disabled={up === undefined} onClick={then(() => up !== undefined && actions.place(c, item.key, item.folder, up))}>
            Move up
          </button>
          <button role="menuitem" data-testid="action-down" disabled={down === undefined} onClick={then(() => down !== undefined && actions.place(c, item.key, item.folder, down))}>
            Move down
          </button>
          <button role="menuitem" data-testid="action-delete" onClick={then(() => actions.remove(c, item.key))}>
            Delete
          </button>
        </div>
      );
    }
    if (mode === "folder" && (row.kind === "folder" || row.kind === "collection")) {
      // A new folder inside this one (or at the collection's top); `a/b` makes b inside a.
      const parent = row.kind === "folder" ? row.path : [];
      return (
        <NameInput
          placeholder="folder name (a/b: b inside a)"
          onDone={(n) => {
            if (n) actions.newFolder(c, [...parent, ...n.split("/")]);
            closeMenu();
          }}
        />
      );
    }
    if (row.kind === "folder") {
      return (
        <div role="menu" aria-label={`actions of folder ${row.label}`}>
          <button
            role="menuitem"
            autoFocus
            data-testid="folder-new-request"
            onClick={() => {
              actions.newRequest(c, row.path);
              setOpen(row.key, true);
              closeMenu();
            }}
          >
            New request
          </button>
          <button role="menuitem" data-testid="folder-new-folder" onClick={() => setMenu({ key: row.key, mode: "folder" })}>
            New folder
          </button>
          <button role="menuitem" data-testid="folder-auth" onClick={then(() => actions.editAuth(c, row.path))}>
            Auth…
          </button>
        </div>
      );
    }
    if (row.kind === "collection") {
      if (mode === "rename") {
        return (
          <NameInput
            placeholder={`new name of ${c}`}
            ok="Rename"
            onDone={(n) => {
              if (n && n !== c) actions.renameCollection(c, n);
              closeMenu();
            }}
          />
        );
      }
      if (mode === "delete") {
        return (
          <div role="menu" aria-label={`delete collection ${c}`}>
            <span className="small">Delete {c}, its requests, suites and environments?</span>
            <button role="menuitem" autoFocus data-testid="collection-delete-yes" onClick={then(() => actions.removeCollection(c))}>
              Delete
            </button>
            <button role="menuitem" onClick={closeMenu}>
              Keep
            </button>
          </div>
        );
      }
      return (
        <div role="menu" aria-label={`actions of collection ${c}`}>
          <button
            role="menuitem"
            autoFocus
            data-testid="collection-new-request"
            onClick={() => {
              actions.newRequest(c, []);
              closeMenu();
            }}
          >
            New request
          </button>
          <button role="menuitem" data-testid="collection-new-folder" onClick={() => setMenu({ key: row.key, mode: "folder" })}>
            New folder
          </button>
          <button
            role="menuitem"
            onClick={() => {
              startSuite(c);
              setOpen(row.key, true);
              closeMenu();
            }}
          >
            New suite…
          </button>
          <button role="menuitem" data-testid="collection-run" onClick={then(() => onRun(c))}>
            Run
          </button>
          <button role="menuitem" data-testid="collection-auth" onClick={then(() => actions.editAuth(c, []))}>
            Auth…
          </button>
          {onSpecChanges && (
            <button role="menuitem" data-testid="collection-spec-changes" title="what the open spec changes for this collection, and Re-sync" onClick={then(() => onSpecChanges(c))}>
              Spec changes…
            </button>
          )}
          <button role="menuitem" data-testid="collection-rename" onClick={() => setMenu({ key: row.key, mode: "rename" })}>
            Rename…
          </button>
          <button role="menuitem" data-testid="collection-delete" onClick={() => setMenu({ key: row.key, mode: "delete" })}>
            Delete…
          </button>
        </div>
      );
    }
    return null;
  };

  /** Row `i`, placed at its offset. */
  const line = (row: TreeRow, i: number) => {
    const c = row.collection;
    const indent = (row.depth - 1) * INDENT + 4;
    if (row.kind === "link") {
      return (
        <LinkRow key={row.key} id={row.key} top={offsets[i]} indent={indent} setHeights={setHeights}>
          <FolderLink c={row.row} sync={syncs[c]} trash={trash[c] ?? []} onResolve={onResolve} onRestore={onRestore} />
        </LinkRow>
      );
    }
    const style = { transform: `translateY(${offsets[i]}px)`, height: ROW, paddingLeft: indent };
    if (row.kind === "end") {
      return (
        <div key={row.key} role="none" className="tree-item" style={style}>
          {composing === c ? (
            <>
              <input data-testid="suite-name" value={suiteName} onChange={(e) => setSuiteName(e.target.value)} placeholder="suite name" />
              <button
                data-testid="create-suite"
                disabled={!suiteName || picked.length === 0}
                onClick={() => {
                  onCreateSuite(c, suiteName, picked);
                  setComposing(null);
                }}
              >
                Create
              </button>
              <button onClick={() => setComposing(null)}>Cancel</button>
            </>
          ) : (
            <button data-testid={`new-suite-${c}`} onClick={() => startSuite(c)}>
              New suite…
            </button>
          )}
        </div>
      );
    }
    const withMenu = row.kind !== "suite" && !(row.kind === "request" && composing === c);
    const item = {
      role: "treeitem",
      "data-index": i,
      tabIndex: i === tabStop ? 0 : -1,
      "aria-level": row.depth,
      "aria-posinset": row.posinset,
      "aria-setsize": row.setsize,
      "data-menu-anchor": menu?.key === row.key ? "" : undefined,
      style,
      onContextMenu: withMenu
        ? (e: React.MouseEvent) => {
            e.preventDefault();
            setMenu({ key: row.key, mode: "menu" });
          }
        : undefined,
    };
    const menuButton = (label: string, testid: string) => (
      <button className="link" aria-label={label} aria-haspopup="menu" aria-expanded={menu?.key === row.key} data-testid={testid} onClick={() => toggleMenu(row.key)}>
        ⋯
      </button>
    );
    if (row.kind === "collection") {
      return (
        <div key={row.key} {...item} aria-label={c} aria-expanded={row.open} className={`tree-item tree-collection ${over === row.key ? "drop-into" : ""}`} {...dropOn(row, [], null)}>
          <button className="link folder-name" onClick={() => setOpen(row.key, !row.open)}>
            {row.open ? "▾" : "▸"} <strong>{c}</strong>
          </button>
          <button data-testid={`run-${c}`} onClick={() => onRun(c)}>
            Run
          </button>
          <button data-testid={`export-${c}`} disabled={!dir} onClick={() => onExport(c, dir, postman)}>
            Export
          </button>
          {menuButton(`actions of collection ${c}`, `collection-menu-${c}`)}
        </div>
      );
    }
    if (row.kind === "folder") {
      const id = `${c}/${row.path.join("/")}`;
      return (
        <div key={row.key} {...item} aria-label={row.label} aria-expanded={row.open} data-testid={`folder-node-${id}`} className={`tree-item ${over === row.key ? "drop-into" : ""}`} {...dropOn(row, row.path, null)}>
          <button className="link folder-name" data-testid={`folder-${id}`} onClick={() => setOpen(row.key, !row.open)}>
            {row.open ? "▾" : "▸"} {row.label}
          </button>
          {menuButton(`actions of folder ${row.label}`, `folder-menu-${id}`)}
        </div>
      );
    }
    if (row.kind === "suite") {
      const target = `${c}/${row.label}`;
      return (
        <div key={row.key} {...item} aria-label={`suite ${row.label}`} className="tree-item">
          <span className="tree-open">
            suite <strong>{row.label}</strong>
          </span>
          <button data-testid={`run-${target}`} onClick={() => onRun(target)}>
            Run
          </button>
          <button className="link small" data-testid={`delete-suite-${target}`} aria-label={`delete suite ${row.label}`} onClick={() => actions.removeSuite(c, row.label)}>
            delete
          </button>
        </div>
      );
    }
    const it = row.item;
    if (composing === c) {
      const at = picked.indexOf(it.name);
      return (
        <div key={row.key} {...item} aria-label={it.name} aria-selected={at >= 0} className="tree-item">
          <label className="tree-open">
            <input type="checkbox" data-testid={`pick-${it.name}`} checked={at >= 0} onChange={(e) => setPicked(e.target.checked ? [...picked, it.name] : picked.filter((x) => x !== it.name))} /> {it.name}{" "}
            {at >= 0 && <span className="small">#{at + 1}</span>}
          </label>
        </div>
      );
    }
    const id = `${c}/${it.key}`;
    return (
      <div key={row.key} {...item} aria-label={`${it.method} ${it.name}`} aria-selected={current === id} className={`tree-item ${current === id ? "current" : ""} ${over === row.key ? "drop-before" : ""}`} {...dropOn(row, it.folder, it.key)}>
        <button
          className="tree-open"
          data-testid={`req-${id}`}
          draggable
          onDragStart={(e) => {
            e.dataTransfer?.setData("text/plain", id);
            setDragging({ collection: c, key: it.key });
          }}
          onDragEnd={() => setDragging(null)}
          onClick={() => actions.open(c, it.key)}
          title="Open in a tab (drag to move; right-click for more)"
        >
          <span className={`method m-${it.method.toLowerCase()}`}>{it.method}</span> {it.name}
          {it.verdict && <span className={`badge v-${it.verdict}`} title={`last run: ${it.verdict}`} data-testid={`verdict-${id}`} />}
        </button>
        {menuButton(`actions of ${it.name}`, `menu-${id}`)}
      </div>
    );
  };

  // The rows in view, and those that must stay in the page while out of it: the one being
  // dragged (its dragend ends the drag) and the one Tab lands on.
  const drawn: number[] = [];
  for (let i = first; i < last; i++) drawn.push(i);
  const dragAt = dragging ? (indexOf.get(rowKey("request", dragging.collection, dragging.key)) ?? -1) : -1;
  for (const k of [dragAt, tabStop]) if (k >= 0 && k < rows.length && (k < first || k >= last) && !drawn.includes(k)) drawn.push(k);

  const menuAt = menu ? (indexOf.get(menu.key) ?? -1) : -1;
  // A menu opens below its row, or above it in the lower half of the view.
  const below = menuAt >= 0 && offsets[menuAt] - top < height / 2;
  return (
    <div className="collection-tree">
      <input
        className="filter"
        data-testid="tree-filter"
        placeholder="Filter requests: name, folder, method"
        value={typed}
        onChange={(e) => {
          setQuery(e.target.value);
          if (ref.current) ref.current.scrollTop = 0;
        }}
      />
      <div
        ref={ref}
        className="tree-scroll"
        data-testid="collections"
        role="tree"
        aria-label="Collections"
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          const at = Number(e.target.closest<HTMLElement>('[role="treeitem"]')?.dataset.index ?? -1);
          if (rows[at] && at !== tabStop) setActive(rows[at].key);
        }}
      >
        <div className="tree-rows" style={{ height: total }}>
          {drawn.map((i) => line(rows[i], i))}
          {menu && menuAt >= 0 && (
            <Popover
              key={`${menu.key}\u001f${menu.mode}`}
              style={below ? { top: offsets[menuAt + 1] } : { bottom: total - offsets[menuAt] }}
              wide={menu.mode !== "menu"}
              onAway={closeMenu}
              onEscape={() => {
                closeMenu();
                focusRow(menuAt);
              }}
            >
              {menuBody(rows[menuAt], menu.mode)}
            </Popover>
          )}
        </div>
      </div>
      <div className="row">
        <input data-testid="export-dir" value={dir} onChange={(e) => setDir(e.target.value)} placeholder={postman ? "export to file….json" : "export to folder…"} />
        <button
          onClick={() =>
            (postman ? pick.saveFile("collection.postman.json") : pick.folder()).then((p) => {
              if (p) setDir(p);
            })
          }
          title="Choose where"
        >
          …
        </button>
        <label>
          <input type="checkbox" data-testid="export-postman" checked={postman} onChange={(e) => setPostman(e.target.checked)} /> Postman
        </label>
      </div>
      <div className="row">
        <input data-testid="import-path" value={importPath} onChange={(e) => setImportPath(e.target.value)} placeholder="import a folder or file…" />
        <button
          onClick={() =>
            pick.importFile().then((p) => {
              if (p) setImportPath(p);
            })
          }
          title="Postman, Insomnia, HAR, cURL or a Vouch folder's collection.yaml"
        >
          …
        </button>
        <button data-testid="import" disabled={!importPath} onClick={() => onImport(importPath)}>
          Import
        </button>
      </div>
    </div>
  );
}

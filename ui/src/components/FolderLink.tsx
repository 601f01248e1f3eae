import type { CollectionRow, SyncReport, Trashed } from "../api";

interface Props {
  c: CollectionRow;
  sync?: SyncReport;
  trash: Trashed[];
  onResolve: (collection: string, key: string, mine: boolean) => void;
  onRestore: (collection: string, id: number) => void;
}

/** `request:items/Create item` → `items/Create item (request)`. */
function entity(key: string): string {
  const [kind, ...rest] = key.split(":");
  return `${rest.join(":")} (${kind})`;
}

/** A linked collection's folder, its conflicts with it, what was held back, its trash. */
export function FolderLink({ c, sync, trash, onResolve, onRestore }: Props) {
  if (!c.folder) return null;
  return (
    <div className="folder-link">
      <div className="small muted" data-testid={`folder-${c.name}`} title="Saves write this folder's files; its changes are picked up">
        ↔ {c.folder}
      </div>
      {sync?.conflicts.map((k) => (
        <div key={k.key} className="conflict" role="alert" data-testid={`conflict-${k.key}`}>
          <div>
            <strong>{entity(k.key)}</strong>: {k.detail}
            {k.file && <div className="small muted">{k.file}</div>}
          </div>
          <div className="row">
            <button data-testid={`keep-mine-${k.key}`} onClick={() => onResolve(c.name, k.key, true)} title="Write this machine's version to the folder">
              Keep mine
            </button>
            <button data-testid={`keep-theirs-${k.key}`} onClick={() => onResolve(c.name, k.key, false)} title="Take the folder's version; yours goes to the trash">
              Keep the folder's
            </button>
          </div>
        </div>
      ))}
      {sync?.held.map((h) => (
        <div key={h} className="small warn" data-testid="sync-held">
          {h}
        </div>
      ))}
      {trash.length > 0 && (
        <details data-testid={`trash-${c.name}`}>
          <summary>Removed ({trash.length})</summary>
          <ul>
            {trash.map((t) => (
              <li key={t.id} className="small">
                {entity(t.key)}: {t.reason}{" "}
                <button data-testid={`restore-${t.id}`} onClick={() => onRestore(c.name, t.id)}>
                  Restore
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}


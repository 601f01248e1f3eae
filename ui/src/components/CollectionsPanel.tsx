import { useState } from "react";

interface Props {
  onSave: (collection: string, name: string) => void;
  /** Where the active tab is saved, to fill the fields. */
  savedAt: { collection: string; name: string } | null;
}

/** Saving the active request into a collection, at the end of its Send row ("Save as"; Ctrl+S
 *  saves a saved request in place). */
export function CollectionsPanel({ onSave, savedAt }: Props) {
  const [collection, setCollection] = useState(savedAt?.collection ?? "my collection");
  const [name, setName] = useState(savedAt?.name ?? "");
  return (
    <aside className="save-as" aria-label="Save as">
      <div className="row">
        <span className="muted small">Save as</span>
        <input data-testid="save-collection" value={collection} onChange={(e) => setCollection(e.target.value)} placeholder="collection" />
        <input data-testid="save-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="request name" />
        <button data-testid="save" disabled={!name || !collection} onClick={() => onSave(collection, name)}>
          Save
        </button>
      </div>
    </aside>
  );
}

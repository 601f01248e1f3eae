-- Vouch store, schema version 5: a collection opened or imported from a folder stays linked
-- to it. The link keeps, per request, environment and suite of the folder, the SHA-256 of its
-- shared form at the last sync (the base of a three-way merge). What a sync or a conflict
-- resolution removes from the store goes to the trash first (sealed: it may hold secrets),
-- from where it can be restored.

CREATE TABLE links (
    collection_id INTEGER PRIMARY KEY REFERENCES collections(id) ON DELETE CASCADE,
    dir           TEXT NOT NULL,
    base          TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE trash (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    key           TEXT NOT NULL,
    reason        TEXT NOT NULL,
    content       TEXT NOT NULL,
    removed_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The files a collection's file parts may read and upload, approved on this machine (a
-- shared collection's are listed for approval before its first run reads them).
CREATE TABLE approved_files (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    path          TEXT NOT NULL,
    PRIMARY KEY (collection_id, path)
);

-- The window's state across restarts: open tabs, pane sizes, the last environment.
CREATE TABLE ui_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

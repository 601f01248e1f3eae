-- Vouch store, schema version 7: load runs (`vouch load`), each with its JSON report
-- (figures per step, in total and per second, HDR histograms included).

CREATE TABLE load_runs (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER REFERENCES collections(id) ON DELETE SET NULL,
    target        TEXT NOT NULL,
    started_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    passed        INTEGER NOT NULL,
    report        TEXT NOT NULL
);

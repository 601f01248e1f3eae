-- Vouch store, schema version 1. Never edit a released migration: add the next file.

CREATE TABLE collections (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    -- The linked spec: where it came from, a cached copy, and the copy's SHA-256.
    spec_source TEXT,
    spec_copy   BLOB,
    spec_sha256 TEXT,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE folders (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    parent_id     INTEGER REFERENCES folders(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    seq           INTEGER NOT NULL DEFAULT 0,
    UNIQUE (collection_id, parent_id, name)
);

CREATE TABLE requests (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    folder_id     INTEGER REFERENCES folders(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    seq           INTEGER NOT NULL DEFAULT 0,
    operation_id  TEXT,
    -- The request draft (method, path, parameter values, body, auth) as JSON.
    draft         TEXT NOT NULL,
    assertions    TEXT NOT NULL DEFAULT '[]',
    extractions   TEXT NOT NULL DEFAULT '[]',
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX requests_name ON requests (collection_id, ifnull(folder_id, 0), name);

CREATE TABLE environments (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER REFERENCES collections(id) ON DELETE CASCADE,
    name          TEXT NOT NULL
);
CREATE UNIQUE INDEX environments_name ON environments (ifnull(collection_id, 0), name);

CREATE TABLE variables (
    id             INTEGER PRIMARY KEY,
    environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    value          TEXT NOT NULL,
    secret         INTEGER NOT NULL DEFAULT 0 CHECK (secret IN (0, 1)),
    seq            INTEGER NOT NULL DEFAULT 0,
    UNIQUE (environment_id, name)
);

CREATE TABLE environment_auth (
    environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    scheme         TEXT NOT NULL,
    credentials    TEXT NOT NULL,
    PRIMARY KEY (environment_id, scheme)
);

CREATE TABLE suites (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    UNIQUE (collection_id, name)
);

CREATE TABLE suite_steps (
    id         INTEGER PRIMARY KEY,
    suite_id   INTEGER NOT NULL REFERENCES suites(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    request_id INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    -- Per-step overrides (parameter values, timeout, retries) as JSON.
    overrides  TEXT NOT NULL DEFAULT '{}',
    UNIQUE (suite_id, seq)
);

CREATE TABLE runs (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER REFERENCES collections(id) ON DELETE SET NULL,
    suite_id      INTEGER REFERENCES suites(id) ON DELETE SET NULL,
    -- What was run, by name, so the record survives the suite's deletion.
    target        TEXT NOT NULL,
    environment   TEXT,
    started_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at   TEXT,
    -- running | passed | failed | errored | cancelled
    status        TEXT NOT NULL DEFAULT 'running',
    summary       TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE run_steps (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    name           TEXT NOT NULL,
    operation_id   TEXT,
    method         TEXT NOT NULL,
    url            TEXT NOT NULL,
    -- passed | failed | errored | skipped
    outcome        TEXT NOT NULL,
    status         INTEGER,
    elapsed_ms     REAL,
    ttfb_ms        REAL,
    findings       TEXT NOT NULL DEFAULT '[]',
    assertions     TEXT NOT NULL DEFAULT '[]',
    error          TEXT,
    response_headers TEXT NOT NULL DEFAULT '[]',
    response_body  BLOB,
    body_truncated INTEGER NOT NULL DEFAULT 0,
    UNIQUE (run_id, seq)
);

CREATE TABLE history (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    method       TEXT NOT NULL,
    url          TEXT NOT NULL,
    operation_id TEXT,
    status       INTEGER,
    elapsed_ms   REAL,
    findings     TEXT NOT NULL DEFAULT '[]',
    draft        TEXT NOT NULL
);

-- Vouch store, schema version 3: each run step keeps the request as it was sent (masked),
-- so a report of a stored run explains a failure; a collection keeps its settings (the
-- undeclared statuses it accepts as warnings).

ALTER TABLE run_steps ADD COLUMN request TEXT;
ALTER TABLE collections ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

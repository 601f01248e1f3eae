-- Vouch store, schema version 2: scripts that came with imported requests (Postman and
-- Insomnia pre-request/test scripts), kept as text and never run.

ALTER TABLE requests ADD COLUMN scripts TEXT NOT NULL DEFAULT '[]';

-- Vouch store, schema version 4: each secret variable keeps the origins it may be sent to
-- (bound when its value was entered or imported on this machine), as a JSON array.

ALTER TABLE variables ADD COLUMN origins TEXT NOT NULL DEFAULT '[]';

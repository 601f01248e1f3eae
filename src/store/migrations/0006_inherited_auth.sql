-- Vouch store, schema version 6: auth set on a collection or a folder (JSON, as a request's
-- draft holds it), inherited by the requests inside that set none of their own.

ALTER TABLE collections ADD COLUMN auth TEXT;
ALTER TABLE folders ADD COLUMN auth TEXT;

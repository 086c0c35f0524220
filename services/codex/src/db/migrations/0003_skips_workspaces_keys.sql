-- Records a sync skipped (name and reason, shown in the run's history), the Freshservice
-- workspace of a ticket, and which key sealed a secret (key rotation re-seals the others).

ALTER TABLE sync_runs ADD COLUMN skipped jsonb NOT NULL DEFAULT '[]'::jsonb;

ALTER TABLE tickets ADD COLUMN workspace_id text;
ALTER TABLE tickets ADD COLUMN workspace_name text;
-- Why a ticket is archived: 'deleted' or 'spam' in the PSA (its time no longer bills).
ALTER TABLE tickets ADD COLUMN discarded_as text CHECK (discarded_as IN ('deleted', 'spam'));

-- The first 8 bytes of SHA-256 of the key, in hex; NULL for values sealed before rotation existed.
ALTER TABLE secrets ADD COLUMN key_id text;
CREATE INDEX secrets_key_id ON secrets (key_id);

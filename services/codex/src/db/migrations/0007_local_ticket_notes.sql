-- A note added in codex to a ticket with no PSA to write to (the demo's) has no vendor id. Notes
-- written to a PSA keep the vendor's conversation id, so the next sync's upsert on
-- (ticket_id, external_id) finds them; NULLs never conflict, so local notes stay one row each.
ALTER TABLE ticket_conversations ALTER COLUMN external_id DROP NOT NULL;

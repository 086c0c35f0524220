-- Search over a million log entries (issue 6: the viewer answers in under 200 ms; the measurements
-- quoted here are from bench/helm-logs.ts).
--
-- Text: "message contains" is a case-insensitive substring (ILIKE '%…%'), which no B-tree can
-- serve; a trigram GIN index can (a rare word over 1 000 000 rows: 0.5 s read in full, 1 ms with
-- it). The index also holds service_name (btree_gin), because a GIN index with several columns
-- intersects them inside the index: "beacon" with a text "beacon" never logs is answered from
-- the index alone (27 ms) instead of visiting every row that has the text (350 ms). It serves a
-- text filter without a service too, as GIN columns need not be used from the first.
-- A common word does not use it: log-query.ts reads the newest rows first and stops after a page.
-- pg_trgm and btree_gin ship with PostgreSQL (embedded and system builds) and are trusted
-- extensions, so the database owner may create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX log_entries_service_message_idx ON log_entries USING gin (service_name, message gin_trgm_ops);

-- Service and level together: "codex, ERROR" reads exactly its rows newest first.
CREATE INDEX log_entries_service_level_time_idx ON log_entries (service_name, level, "timestamp" DESC);

-- Keyset paging orders by ("timestamp", id): with id in the index no sort step is needed to break
-- ties between entries of the same millisecond.
DROP INDEX log_entries_timestamp_idx;
CREATE INDEX log_entries_timestamp_id_idx ON log_entries ("timestamp" DESC, id DESC);

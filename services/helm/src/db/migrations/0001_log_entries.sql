-- Log records shipped by the services (POST /api/logs/ingest). Append-only; old rows are removed
-- by helm's retention job, which deletes by received_at (helm's own clock, which a client with a
-- wrong clock cannot push into the future or the past). BRIN suits that column: rows arrive in
-- its order, and the index stays tiny however many rows there are.
CREATE TABLE log_entries (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "timestamp"  timestamptz NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  service_name text        NOT NULL CHECK (service_name ~ '^[a-z0-9][a-z0-9_-]{0,49}$'),
  level        text        NOT NULL CHECK (level IN ('DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL')),
  message      text        NOT NULL CHECK (char_length(message) <= 10000),
  context      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  trace_id     text,
  user_id      text,
  hostname     text,
  process_id   integer
);

CREATE INDEX log_entries_received_at_brin ON log_entries USING brin (received_at);
CREATE INDEX log_entries_timestamp_idx ON log_entries ("timestamp" DESC);
CREATE INDEX log_entries_service_time_idx ON log_entries (service_name, "timestamp" DESC);
CREATE INDEX log_entries_level_time_idx ON log_entries (level, "timestamp" DESC);
CREATE INDEX log_entries_trace_idx ON log_entries (trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX log_entries_user_idx ON log_entries (user_id, "timestamp" DESC) WHERE user_id IS NOT NULL;

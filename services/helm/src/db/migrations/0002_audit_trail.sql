-- Every admin action taken through helm's console or API (start, stop, restart …): who, what,
-- when and how it ended. Append-only; the console shows the newest first.
CREATE TABLE audit_trail (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at      timestamptz NOT NULL,
  actor   text        NOT NULL,
  action  text        NOT NULL,
  target  text        NOT NULL,
  result  text        NOT NULL CHECK (result IN ('success', 'failure')),
  detail  text
);

CREATE INDEX audit_trail_at_idx ON audit_trail (at DESC, id DESC);

-- The logs viewer pages by keyset on ("timestamp", id), newest first, optionally per service or
-- per correlation id; these indexes answer each of those orders without a sort.
CREATE INDEX log_entries_time_id_idx ON log_entries ("timestamp" DESC, id DESC);
CREATE INDEX log_entries_service_time_id_idx ON log_entries (service_name, "timestamp" DESC, id DESC);
CREATE INDEX log_entries_trace_time_idx ON log_entries (trace_id, "timestamp", id) WHERE trace_id IS NOT NULL;

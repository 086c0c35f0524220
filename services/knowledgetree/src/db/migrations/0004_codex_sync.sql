-- The codex job: what version of a codex record an article was written from (a ticket's
-- updated_at: an unchanged ticket is not fetched again), and the persisted runs with progress.
ALTER TABLE nodes ADD COLUMN codex_version text;

CREATE TABLE sync_runs (
  id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trigger          text        NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  started_by       text        NOT NULL,
  status           text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at       timestamptz NOT NULL,
  -- Written with every progress step: a running run whose heartbeat stopped died with its process.
  heartbeat_at     timestamptz NOT NULL,
  finished_at      timestamptz,
  companies_total  integer     NOT NULL DEFAULT 0,
  companies_done   integer     NOT NULL DEFAULT 0,
  created          integer     NOT NULL DEFAULT 0,
  updated          integer     NOT NULL DEFAULT 0,
  archived         integer     NOT NULL DEFAULT 0,
  unchanged        integer     NOT NULL DEFAULT 0,
  error            text
);
-- One run at a time, across instances: a second start fails on this index.
CREATE UNIQUE INDEX sync_runs_one_running ON sync_runs ((true)) WHERE status = 'running';
CREATE INDEX sync_runs_started ON sync_runs (started_at DESC);
